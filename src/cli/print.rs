//! Human-readable output.

use std::io::{self, Write};
use std::path::Path;

use gazette::index::IndexStats;
use gazette::{Highlighted, ReindexReport, SearchResults};

const BOLD: &str = "\x1b[1m";
const DIM: &str = "\x1b[2m";
const MATCH: &str = "\x1b[1;33m";
const RESET: &str = "\x1b[0m";

fn hl(h: &Highlighted, color: bool, base: &str) -> String {
    if color { h.render(MATCH, &format!("{RESET}{base}")) } else { h.text.clone() }
}

/// Paths under the current folder are shown relative to it.
fn short_path(p: &str) -> String {
    let cwd = std::env::current_dir().ok();
    match cwd.as_deref().and_then(|c| Path::new(p).strip_prefix(c).ok()) {
        Some(rel) => rel.display().to_string(),
        None => p.to_string(),
    }
}

/// The hits, facet counts and a closing line naming the query and `filters` (in words).
pub fn search(out: &mut impl Write, r: &SearchResults, filters: &[String], color: bool) -> io::Result<()> {
    let (b, d, z) = if color { (BOLD, DIM, RESET) } else { ("", "", "") };
    for hit in &r.hits {
        writeln!(out, "{b}{:>3}. {}{z}", hit.rank, hl(&hit.title, color, b))?;
        let mut meta = Vec::new();
        if let Some(date) = hit.date {
            meta.push(date.format("%Y-%m-%d").to_string());
        }
        if let Some(s) = &hit.source {
            meta.push(s.clone());
        }
        if let Some(u) = &hit.url {
            meta.push(u.clone());
        } else if let Some(p) = &hit.path {
            meta.push(short_path(p));
        }
        meta.push(format!("id {}", hit.id));
        meta.push(format!("score {:.2}", hit.score));
        if !hit.missing.is_empty() {
            meta.push(format!("missing: {}", hit.missing.join(", ")));
        }
        writeln!(out, "     {d}{}{z}", meta.join(" · "))?;
        for p in &hit.passages {
            writeln!(out, "     {}", hl(&p.fragment, color, ""))?;
        }
        writeln!(out)?;
    }
    if let Some(f) = &r.facets {
        for (label, list) in [
            ("countries", &f.country),
            ("actors", &f.actor),
            ("topics", &f.topic),
            ("years", &f.year),
            ("sources", &f.source),
        ] {
            if !list.is_empty() {
                let items: Vec<String> = list.iter().map(|c| format!("{} ({})", c.value, c.count)).collect();
                writeln!(out, "{d}{label:>10}: {}{z}", items.join(", "))?;
            }
        }
    }
    let shown = if r.hits.is_empty() {
        String::new()
    } else {
        format!(", showing {}–{}", r.offset + 1, r.offset + r.hits.len())
    };
    let noun = if r.total == 1 { "hit" } else { "hits" };
    let with = if filters.is_empty() { String::new() } else { format!(" with {}", filters.join(", ")) };
    writeln!(out, "{d}{} {noun} for {:?}{with}{shown}{z}", r.total, r.query)?;
    for s in &r.suggestions {
        writeln!(out, "try ({}): gazette search {} ({})", s.how, shell_quote(&s.query), count(s.documents, "hit"))?;
    }
    Ok(())
}

/// A single-quoted shell word.
fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// `n` and the noun, plural unless `n` is 1: "1 document", "3 documents".
fn count(n: usize, noun: &str) -> String {
    if n == 1 { format!("1 {noun}") } else { format!("{n} {noun}s") }
}

pub fn report(out: &mut impl Write, r: &ReindexReport, dir: &Path) -> io::Result<()> {
    let verb = if r.dry_run { "would index" } else { "indexed" };
    writeln!(
        out,
        "{verb} {} into {}: {} added, {} updated, {} removed, {} unchanged",
        count(r.documents_indexed, "document"),
        dir.display(),
        count(r.added, "file"),
        r.updated,
        r.removed,
        r.unchanged
    )?;
    let skipped: Vec<String> = r.skipped.iter().map(|(k, v)| format!("{v} {k}")).collect();
    if !skipped.is_empty() {
        writeln!(out, "skipped: {}", skipped.join(", "))?;
    }
    if !r.failed.is_empty() || !r.warnings.is_empty() {
        writeln!(
            out,
            "problems: {} failed, {} (listed on stderr)",
            count(r.failed.len(), "file"),
            count(r.warnings.len(), "warning")
        )?;
    }
    let mb = r.bytes_read as f64 / 1e6;
    let secs = r.elapsed_secs.max(1e-9);
    writeln!(
        out,
        "{:.2} s, {:.1} MB read ({:.1} MB/s, {:.0} documents/s)",
        r.elapsed_secs,
        mb,
        mb / secs,
        r.documents_indexed as f64 / secs
    )?;
    if let Some(plan) = &r.plan {
        for (what, list) in [("add", &plan.add), ("update", &plan.update), ("remove", &plan.remove)] {
            for p in list {
                writeln!(out, "{what} {}", p.display())?;
            }
        }
    }
    Ok(())
}

pub fn stats(out: &mut impl Write, s: &IndexStats, dir: &Path) -> io::Result<()> {
    writeln!(out, "index:          {}", dir.display())?;
    writeln!(out, "documents:      {}", s.documents)?;
    writeln!(out, "source files:   {}", s.files)?;
    writeln!(out, "segments:       {}", s.segments)?;
    writeln!(out, "size on disk:   {:.1} MB", s.size_bytes as f64 / 1e6)?;
    writeln!(out, "schema version: {}", s.schema_version)?;
    if let Some(run) = &s.last_run {
        writeln!(
            out,
            "last run:       {} added, {} updated, {} removed, {} unchanged, {} failed, {:.2} s",
            run["added"],
            run["updated"],
            run["removed"],
            run["unchanged"],
            run["failed"].as_array().map(|a| a.len()).unwrap_or(0),
            run["elapsed_secs"].as_f64().unwrap_or(0.0)
        )?;
    }
    Ok(())
}

pub fn progress_bar() -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} files, {per_sec}, eta {eta} {msg}")
            .expect("static template"),
    );
    bar
}

/// The `gazette enrich --json` object of one document.
pub fn enrichment_json(doc: &gazette::Document, e: &gazette::enrich::Enrichment) -> serde_json::Value {
    let split = |list: &[gazette::enrich::Entity]| {
        let names =
            |central: bool| list.iter().filter(|x| x.central == central).map(|x| x.name.clone()).collect::<Vec<_>>();
        serde_json::json!({ "central": names(true), "mentioned": names(false) })
    };
    serde_json::json!({
        "id": doc.id,
        "title": doc.title,
        "date": doc.date.map(|d| d.to_rfc3339_opts(chrono_secs(), true)),
        "countries": split(&e.countries),
        "persons": split(&e.persons),
        "organizations": split(&e.organizations),
        "topics": e.topics.iter().map(|t| serde_json::json!({ "name": t.name, "subtopics": t.subtopics })).collect::<Vec<_>>(),
    })
}

fn chrono_secs() -> gazette::chrono::SecondsFormat {
    gazette::chrono::SecondsFormat::Secs
}

/// Human form of one document's enrichment, with the evidence.
pub fn enrichment(out: &mut impl Write, doc: &gazette::Document, e: &gazette::enrich::Enrichment) -> io::Result<()> {
    writeln!(out, "{} ({})", doc.title, doc.id)?;
    for (label, list) in [("countries", &e.countries), ("persons", &e.persons), ("organizations", &e.organizations)] {
        let central: Vec<String> = list
            .iter()
            .filter(|x| x.central)
            .map(|x| format!("{} [{}; {}]", x.name, x.mentions.len(), x.reasons.join(", ")))
            .collect();
        let mentioned: Vec<&str> = list.iter().filter(|x| !x.central).map(|x| x.name.as_str()).collect();
        writeln!(out, "  {label}: {}", if central.is_empty() { "-".to_string() } else { central.join("; ") })?;
        if !mentioned.is_empty() {
            writeln!(out, "    also mentioned: {}", mentioned.join(", "))?;
        }
    }
    for t in &e.topics {
        writeln!(out, "  topic: {} {:?} (score {:.1}; {})", t.name, t.subtopics, t.score, t.evidence.join(", "))?;
    }
    writeln!(out)
}

/// Facet values as an indented tree, `limit` children per node, largest first.
pub fn facet_tree(out: &mut impl Write, counts: &[gazette::query::FacetCount], limit: usize) -> io::Result<()> {
    fn walk(
        out: &mut impl Write,
        counts: &[gazette::query::FacetCount],
        parent: &str,
        depth: usize,
        limit: usize,
    ) -> io::Result<()> {
        let prefix = format!("{parent}/");
        let kids: Vec<_> = counts.iter().filter(|c| c.depth == depth && c.path.starts_with(&prefix)).collect();
        for c in kids.iter().take(limit) {
            writeln!(out, "{}{} ({})", "  ".repeat(depth - 1), c.value, c.count)?;
            walk(out, counts, &c.path, depth + 1, limit)?;
        }
        if kids.len() > limit {
            writeln!(out, "{}… {} more", "  ".repeat(depth - 1), kids.len() - limit)?;
        }
        Ok(())
    }
    walk(out, counts, "", 1, limit)
}

/// One stored document with its facets and their evidence.
pub fn show(out: &mut impl Write, stored: &gazette::Enriched) -> io::Result<()> {
    let doc = &stored.document;
    writeln!(out, "id:       {}", doc.id)?;
    writeln!(out, "title:    {}", doc.title)?;
    for (label, v) in [("dateline", &doc.dateline), ("source", &doc.source), ("url", &doc.url), ("author", &doc.author)]
    {
        if let Some(v) = v {
            writeln!(out, "{label}:{}{v}", " ".repeat(9 - label.len()))?;
        }
    }
    if let Some(d) = doc.date {
        writeln!(out, "date:     {}", d.to_rfc3339_opts(chrono_secs(), true))?;
    }
    if let Some(p) = &doc.path {
        writeln!(out, "path:     {}", p.display())?;
    }
    let e = &stored.enrichment;
    for (label, list) in [("countries", &e.countries), ("persons", &e.persons), ("organizations", &e.organizations)] {
        writeln!(out, "{label}:")?;
        for x in list {
            let mentions: Vec<String> =
                x.mentions.iter().take(6).map(|m| format!("{:?} {}@{}", m.text, m.field, m.offset)).collect();
            let status = if x.central { format!("central: {}", x.reasons.join(", ")) } else { "mentioned".to_string() };
            writeln!(
                out,
                "  {} [{}] {} ({status}); mentions: {}",
                x.name,
                x.facet,
                x.mentions.len(),
                mentions.join(", ")
            )?;
        }
    }
    writeln!(out, "topics:")?;
    for t in &e.topics {
        writeln!(out, "  {} {:?} score {:.1}; terms: {}", t.name, t.subtopics, t.score, t.evidence.join(", "))?;
    }
    writeln!(out)?;
    writeln!(out, "{}", doc.body)
}

/// One CSV row per hit: id, date, source, title, url, score, top passage (RFC 4180 quoting).
pub fn search_csv(out: &mut impl Write, r: &SearchResults) -> io::Result<()> {
    writeln!(out, "rank,id,date,source,title,url,score,passage")?;
    for h in &r.hits {
        let date = h.date.map(|d| d.to_rfc3339_opts(chrono_secs(), true)).unwrap_or_default();
        let passage = h.passages.first().map(|p| p.fragment.text.clone()).unwrap_or_default();
        let fields = [
            h.rank.to_string(),
            h.id.clone(),
            date,
            h.source.clone().unwrap_or_default(),
            h.title.text.clone(),
            h.url.clone().unwrap_or_default(),
            format!("{:.4}", h.score),
            passage,
        ];
        let row: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
        writeln!(out, "{}", row.join(","))?;
    }
    Ok(())
}

fn csv_field(f: &str) -> String {
    if f.contains([',', '"', '\n', '\r']) { format!("\"{}\"", f.replace('"', "\"\"")) } else { f.to_string() }
}

/// The hits as an HTML fragment: escaped text, matches in `<mark>`.
pub fn search_html(out: &mut impl Write, r: &SearchResults) -> io::Result<()> {
    let attr = |s: &str| gazette::Highlighted { text: s.to_string(), highlights: Vec::new() }.render_html();
    writeln!(out, "<ol class=\"gazette-hits\" start=\"{}\">", r.offset + 1)?;
    for h in &r.hits {
        writeln!(out, "<li data-id=\"{}\">", attr(&h.id))?;
        match &h.url {
            Some(url) => writeln!(out, "<h3><a href=\"{}\">{}</a></h3>", attr(url), h.title.render_html())?,
            None => writeln!(out, "<h3>{}</h3>", h.title.render_html())?,
        }
        if !h.missing.is_empty() {
            writeln!(out, "<p class=\"gazette-missing\">missing: {}</p>", attr(&h.missing.join(", ")))?;
        }
        for p in &h.passages {
            writeln!(out, "<p>{}</p>", p.fragment.render_html())?;
        }
        writeln!(out, "</li>")?;
    }
    writeln!(out, "</ol>")
}

/// A timeline as a table with a bar of the share.
pub fn timeline(out: &mut impl Write, rows: &[gazette::query::TimelineRow]) -> io::Result<()> {
    writeln!(out, "{:<10} {:>8} {:>8} {:>7}", "period", "matching", "all", "share")?;
    for r in rows {
        let bar = "#".repeat((r.share * 40.0).round() as usize);
        writeln!(out, "{:<10} {:>8} {:>8} {:>6.1}% {bar}", r.period, r.matching, r.total, r.share * 100.0)?;
    }
    Ok(())
}

/// The clauses of a query with their document counts, indented by depth.
pub fn explain(out: &mut impl Write, clauses: &[gazette::query::Clause]) -> io::Result<()> {
    writeln!(out, "query, as parsed (documents matched by each clause on its own):")?;
    for c in clauses {
        let note = c.note.as_deref().map(|n| format!("  ← {n}")).unwrap_or_default();
        writeln!(out, "{:>8}  {}{}{note}", c.documents, "  ".repeat(c.depth), c.clause)?;
    }
    writeln!(out)
}
