//! One function per subcommand: each turns its parsed arguments into a library request,
//! runs it, prints the result and says how the run ended. Output goes to `out` (stdout,
//! buffered by the caller); diagnostics go to stderr.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::{Context, Result, bail};
use clap::CommandFactory;
use gazette::{Enricher, FacetField, Index, ReindexOptions, SearchRequest, Vocabulary};

use super::Status;
use super::args::{
    Cli, Color, CompletionsArgs, EnrichArgs, FacetsArgs, IndexArgs, IndexDir, SearchArgs, SearchFormat, ShowArgs,
    StatsArgs, TimelineArgs, TimelineFormat,
};
use super::print;

/// The sample corpus indexed on first use when there is no index yet.
const SAMPLE_CORPUS: &str = "corpus-sample";

/// The index to search; at the default location, made from the bundled corpus first when
/// there is none (see [`ensure_index`]).
fn open_for_search(index: &IndexDir) -> Result<Index> {
    let dir = index.path();
    ensure_index(&dir, index.is_default())?;
    Ok(Index::open(&dir)?)
}

/// The fresh-clone bootstrap: with no index at the default location and the sample corpus in
/// the current folder, index the sample first and say so.
fn ensure_index(dir: &Path, is_default: bool) -> Result<()> {
    if Index::exists(dir) || !is_default || !Path::new(SAMPLE_CORPUS).is_dir() {
        return Ok(());
    }
    eprintln!("gazette: no index at {}; indexing {SAMPLE_CORPUS}/ first", dir.display());
    let index = Index::create(dir)?;
    let report = index.reindex(&ReindexOptions::new([SAMPLE_CORPUS]))?;
    eprintln!(
        "gazette: indexed {} documents from {} files in {:.2} s",
        report.documents_indexed,
        report.added + report.updated,
        report.elapsed_secs
    );
    for w in &report.warnings {
        eprintln!("gazette: warning: {w}");
    }
    Ok(())
}

pub fn cmd_index(out: &mut impl Write, args: IndexArgs) -> Result<Status> {
    let dir = args.index.path();
    let mut opts = ReindexOptions {
        roots: args.paths,
        full: args.full,
        dry_run: args.dry_run,
        follow_symlinks: args.follow,
        threads: args.threads,
        commit_every: args.commit_every,
        max_file_bytes: args.max_file_mb.max(1).saturating_mul(1 << 20),
        ..ReindexOptions::default()
    };
    let enricher = vocabulary(args.vocabulary.as_deref())?.map(Arc::new);
    // A rebuild is made in place when the index opens (same schema, the vocabulary asked
    // for): it commits once, at its end, and until then the index stays whole and searchable.
    // An index of another schema or vocabulary, or one that does not open, is rebuilt beside
    // itself and switched when the new one is committed.
    let index = if opts.dry_run && !Index::exists(&dir) {
        Some(match enricher.clone() {
            Some(e) => Index::create_in_ram_with(e)?,
            None => Index::create_in_ram()?,
        })
    } else if opts.full && !opts.dry_run && Index::exists(&dir) {
        let opened = match &enricher {
            Some(e) => Index::open_with(&dir, e.clone()),
            None => Index::open(&dir),
        };
        opened.ok()
    } else {
        Some(match enricher.clone() {
            Some(e) => Index::open_or_create_with(&dir, e)?,
            None => Index::open_or_create(&dir)?,
        })
    };
    let json = args.output.json();
    let bar = (!args.quiet && !json && std::io::stderr().is_terminal()).then(print::progress_bar);
    if let Some(bar) = &bar {
        let bar = bar.clone();
        let started = std::time::Instant::now();
        opts.progress = Some(Arc::new(move |p: &gazette::index::Progress| {
            bar.set_length(p.files_total as u64);
            bar.set_position(p.files_done as u64);
            let secs = started.elapsed().as_secs_f64().max(1e-3);
            bar.set_message(format!(
                "{} docs ({:.0}/s), {:.1} MB ({:.1} MB/s)",
                p.documents,
                p.documents as f64 / secs,
                p.bytes as f64 / 1e6,
                p.bytes as f64 / 1e6 / secs
            ));
        }));
    }
    let cancel = Arc::new(AtomicBool::new(false));
    {
        let cancel = cancel.clone();
        // Ctrl-C, SIGTERM (cron wrappers, `timeout`, systemd) and SIGHUP stop the run after the
        // current chunk of files; what is done is committed.
        let _ = ctrlc::set_handler(move || cancel.store(true, Ordering::Relaxed));
    }
    opts.cancel = Some(cancel);
    let memory = args.memory.max(16) * 1024 * 1024;
    let stopped = || format!("indexing into {} stopped; it keeps its last commit", dir.display());
    let report = match index {
        Some(index) => {
            let mut writer = index.writer_with(memory, 0)?;
            let report = writer.reindex(&opts).with_context(stopped)?;
            writer.finish()?;
            report
        }
        None => Index::rebuild(&dir, enricher, &opts, memory).with_context(stopped)?,
    };
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    for w in &report.warnings {
        eprintln!("gazette: warning: {w}");
    }
    for f in &report.failed {
        eprintln!("gazette: failed: {f}");
    }
    if json {
        serde_json::to_writer_pretty(&mut *out, &report)?;
        writeln!(out)?;
    } else if !args.quiet {
        print::report(out, &report, &dir)?;
    }
    if report.interrupted && args.full {
        eprintln!(
            "gazette: interrupted; the rebuild was not committed, the index is as it was; run the same command again"
        );
        return Ok(Status::Error);
    }
    if report.interrupted {
        eprintln!("gazette: interrupted; what was done is committed, run the same command again to finish");
        return Ok(Status::Error);
    }
    Ok(if report.problem_count() > 0 { Status::Problems } else { Status::Success })
}

pub fn cmd_search(out: &mut impl Write, args: SearchArgs) -> Result<Status> {
    let idx = open_for_search(&args.index)?;
    let query = match &args.query_file {
        Some(file) => read_query(file)?,
        None => args.query.into_iter().chain(args.more).collect::<Vec<_>>().join(" "),
    };
    let mut request = SearchRequest::new(query)
        .limit(args.limit)
        .offset(args.offset)
        .matching(if args.any { gazette::query::Matching::Any } else { args.matching.into() })
        .passages(args.passages)
        .facets(args.facets)
        .sort(args.sort.into());
    if let Some(days) = args.recency {
        request = request.recency(days);
    }
    let facet_filters =
        [(FacetField::Country, args.country), (FacetField::Actor, args.actor), (FacetField::Topic, args.topic)];
    // The filters in words, for the closing line of the human output.
    let mut filters: Vec<String> = facet_filters
        .iter()
        .filter(|(_, values)| !values.is_empty())
        .map(|(field, values)| format!("{} {}", field.name(), values.join(" or ")))
        .collect();
    filters.extend(args.from.iter().map(|f| format!("from {f}")));
    filters.extend(args.to.iter().map(|t| format!("to {t}")));
    for (flag, value) in [("--from", &args.from), ("--to", &args.to)] {
        if let Some(v) = value.as_deref().filter(|v| gazette::date::period(v).is_none()) {
            bail!("invalid {flag} {v:?}: not a date; write 2015, 2015-06 or 2015-06-30");
        }
    }
    if let Some(from) = args.from {
        request = request.since(from);
    }
    if let Some(to) = args.to {
        request = request.until(to);
    }
    for (field, values) in facet_filters {
        for v in values {
            request = request.filter(field, v);
        }
    }
    // The request is prepared once for the explanation and the search.
    let prepared = request.prepare(&idx)?;
    // `--json` predates `--format` and wins over it.
    let format = if args.json { SearchFormat::Json } else { args.format };
    let explained = if args.explain { Some(prepared.explain()?) } else { None };
    if let Some(clauses) = explained.as_ref().filter(|_| format != SearchFormat::Json && !args.quiet) {
        print::explain(out, clauses)?;
    }
    let results = prepared.execute()?;
    let status = if results.total > 0 { Status::Success } else { Status::NoMatch };
    if args.quiet {
        return Ok(status);
    }
    match format {
        SearchFormat::Json => {
            // One JSON document: the explanation, when asked for, is a field of it, after the
            // fields of the results.
            match explained {
                None => serde_json::to_writer_pretty(&mut *out, &results)?,
                Some(explain) => {
                    #[derive(serde::Serialize)]
                    struct Explained<'a> {
                        #[serde(flatten)]
                        results: &'a gazette::SearchResults,
                        explain: Vec<gazette::query::Clause>,
                    }
                    serde_json::to_writer_pretty(&mut *out, &Explained { results: &results, explain })?
                }
            }
            writeln!(out)?;
        }
        SearchFormat::Csv => print::search_csv(out, &results)?,
        SearchFormat::Html => print::search_html(out, &results)?,
        SearchFormat::Text => print::search(out, &results, &filters, use_color(args.color))?,
    }
    Ok(status)
}

pub fn cmd_timeline(out: &mut impl Write, args: TimelineArgs) -> Result<Status> {
    let idx = open_for_search(&args.index)?;
    let rows = idx.timeline(&SearchRequest::new(args.query), args.by.into())?;
    let format = if args.json { TimelineFormat::Json } else { args.format };
    match format {
        TimelineFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, &rows)?;
            writeln!(out)?;
        }
        TimelineFormat::Csv => {
            writeln!(out, "period,matching,total,share")?;
            for r in &rows {
                writeln!(out, "{},{},{},{:.4}", r.period, r.matching, r.total, r.share)?;
            }
        }
        TimelineFormat::Text => print::timeline(out, &rows)?,
    }
    Ok(if rows.iter().any(|r| r.matching > 0) { Status::Success } else { Status::NoMatch })
}

pub fn cmd_facets(out: &mut impl Write, args: FacetsArgs) -> Result<Status> {
    let idx = Index::open(args.index.path())?;
    let counts = idx.facet_counts(args.field.into(), &SearchRequest::new(args.query))?;
    if args.output.json() {
        serde_json::to_writer_pretty(&mut *out, &counts)?;
        writeln!(out)?;
    } else {
        print::facet_tree(out, &counts, args.limit)?;
    }
    Ok(if counts.is_empty() { Status::NoMatch } else { Status::Success })
}

pub fn cmd_show(out: &mut impl Write, args: ShowArgs) -> Result<Status> {
    let idx = Index::open(args.index.path())?;
    let doc = idx.get(&args.id)?;
    if args.output.json() {
        serde_json::to_writer_pretty(&mut *out, &doc)?;
        writeln!(out)?;
    } else {
        print::show(out, &doc)?;
    }
    Ok(Status::Success)
}

pub fn cmd_stats(out: &mut impl Write, args: StatsArgs) -> Result<Status> {
    let dir = args.index.path();
    let idx = Index::open(&dir)?;
    let stats = idx.stats()?;
    if args.output.json() {
        serde_json::to_writer_pretty(&mut *out, &stats)?;
        writeln!(out)?;
    } else {
        print::stats(out, &stats, &dir)?;
    }
    Ok(Status::Success)
}

/// The query in a file, or on standard input for `-`; its lines are one query.
fn read_query(file: &Path) -> Result<String> {
    let text = if file == Path::new("-") {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
            .context("reading the query from standard input")?;
        text
    } else {
        std::fs::read_to_string(file).with_context(|| format!("reading the query from {}", file.display()))?
    };
    Ok(text.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// The enricher of `--vocabulary DIR`, if given.
fn vocabulary(dir: Option<&Path>) -> Result<Option<Enricher>> {
    let Some(dir) = dir else { return Ok(None) };
    let vocab = Vocabulary::from_dir(dir).with_context(|| format!("reading the vocabulary {}", dir.display()))?;
    Ok(Some(Enricher::new(vocab)))
}

pub fn cmd_enrich(out: &mut impl Write, args: EnrichArgs) -> Result<Status> {
    let enricher = match vocabulary(args.vocabulary.as_deref())? {
        Some(e) => std::sync::Arc::new(e),
        None => Enricher::builtin()?,
    };
    let mut problems = 0;
    for root in &args.paths {
        let walked = gazette::load::walk(root, &gazette::load::WalkOptions::default());
        for e in &walked.errors {
            eprintln!("gazette: failed: {e}");
            problems += 1;
        }
        for file in &walked.files {
            let loaded = match gazette::load::load_file(&file.path, &file.id_base) {
                Ok(l) => l,
                Err(e) => {
                    eprintln!("gazette: failed: {e}");
                    problems += 1;
                    continue;
                }
            };
            for w in &loaded.warnings {
                eprintln!("gazette: warning: {w}");
                problems += 1;
            }
            for doc in &loaded.documents {
                let e = enricher.enrich(doc);
                if args.output.json() {
                    serde_json::to_writer(&mut *out, &print::enrichment_json(doc, &e))?;
                    writeln!(out)?;
                } else {
                    print::enrichment(out, doc, &e)?;
                }
            }
        }
    }
    Ok(if problems > 0 { Status::Problems } else { Status::Success })
}

pub fn cmd_completions(out: &mut impl Write, args: CompletionsArgs) -> Result<Status> {
    // clap_complete panics when its writer fails; writing to memory first keeps a closed
    // pipe (`gazette completions bash | head`) an ordinary, silent write error.
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "gazette", &mut script);
    out.write_all(&script)?;
    Ok(Status::Success)
}

/// The top-level page, then one page per subcommand (`gazette-search(1)`, ...), as clap_mangen
/// would write them to separate files: man and groff read several `.TH` pages in one stream
/// in order, so `gazette man | man -l -` shows them all and nothing needs installing.
pub fn cmd_man(out: &mut impl Write) -> Result<Status> {
    let mut cmd = Cli::command();
    // Building fills in each subcommand's display name (`gazette-search`) and usage line
    // (`gazette search`), which its page takes as title and synopsis.
    cmd.build();
    // Subcommands have no version of their own; without this their footer would read
    // "search" where the top page's reads "gazette 0.1.0".
    let source = format!("gazette {}", env!("CARGO_PKG_VERSION"));
    clap_mangen::Man::new(cmd.clone()).render(out)?;
    // clap's generated `help` subcommand only repeats `--help`; it gets no page of its own.
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set() && s.get_name() != "help") {
        clap_mangen::Man::new(sub.clone()).source(source.as_str()).render(out)?;
    }
    Ok(Status::Success)
}

fn use_color(choice: Color) -> bool {
    match choice {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    }
}
