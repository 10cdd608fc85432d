//! The command-line front end: clap options become library requests; printers turn library
//! results into human or JSON output. Nothing here is needed by library users.

mod print;

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use gazette::FacetField;
use gazette::query::Period;
use gazette::{Index, ReindexOptions, SearchRequest, Sort};

/// Exit statuses, as ripgrep has them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Found something / all went well.
    Ok = 0,
    /// Nothing found / done, but some files had problems.
    NotFound = 1,
    /// An error: nothing (more) was done.
    Error = 2,
}

/// Where the index lives unless `--index` or `GAZETTE_INDEX` says otherwise.
const DEFAULT_INDEX_DIR: &str = ".gazette-index";
/// The sample corpus indexed on first use when there is no index yet.
const SAMPLE_CORPUS: &str = "corpus-sample";

#[derive(Parser, Debug)]
#[command(name = "gazette", version, about = "Full-text search for policy and news documents")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Args, Debug, Clone)]
struct IndexArg {
    /// Index directory.
    #[arg(long = "index", short = 'i', env = "GAZETTE_INDEX", value_name = "DIR")]
    dir: Option<PathBuf>,
}

impl IndexArg {
    fn path(&self) -> PathBuf {
        self.dir.clone().unwrap_or_else(|| PathBuf::from(DEFAULT_INDEX_DIR))
    }

    /// The index to search; at the default location, made from the bundled corpus first
    /// when there is none (see [`ensure_index`]).
    fn open_for_search(&self) -> Result<Index> {
        let dir = self.path();
        ensure_index(&dir, self.dir.is_none())?;
        Ok(Index::open(&dir)?)
    }
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Create or update an index from files and folders (incremental by default).
    Index {
        /// Files and folders to index.
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
        #[command(flatten)]
        index: IndexArg,
        /// Rebuild from scratch (also after a schema change).
        #[arg(long)]
        full: bool,
        /// List what would be added, updated and removed; change nothing.
        #[arg(long)]
        dry_run: bool,
        /// Follow symbolic links.
        #[arg(long, short = 'L')]
        follow: bool,
        /// Loader threads (0: one per core).
        #[arg(long, default_value_t = 0)]
        threads: usize,
        /// Writer memory budget in MB.
        #[arg(long, default_value_t = 256)]
        memory: usize,
        /// Commit every N documents, so an interrupted run keeps its work (each commit
        /// costs: every 10,000 made a run over 100k documents a fifth slower than every 50,000).
        #[arg(long, default_value_t = 50_000)]
        commit_every: usize,
        /// No progress bar and no summary.
        #[arg(long, short = 'q')]
        quiet: bool,
        /// Print the report as one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Search the index.
    Search {
        /// The query (Lucene-style: AND OR NOT + - "phrases" field:term ranges).
        #[arg(value_name = "QUERY")]
        query: String,
        #[command(flatten)]
        index: IndexArg,
        /// Number of hits.
        #[arg(long, short = 'n', default_value_t = 10)]
        limit: usize,
        /// Hits to skip (paging).
        #[arg(long, default_value_t = 0)]
        offset: usize,
        /// Match any word instead of all words.
        #[arg(long)]
        any: bool,
        /// Passages per hit.
        #[arg(long, default_value_t = 2)]
        passages: usize,
        /// Print the parsed query and the documents each clause matches on its own.
        #[arg(long)]
        explain: bool,
        /// Output: text (for a terminal), json, csv (one row per hit), html (<mark>ed passages).
        #[arg(long, default_value = "text", value_parser = ["text", "json", "csv", "html"])]
        format: String,
        /// Order: relevance, date (oldest first) or -date (newest first).
        #[arg(long, default_value = "relevance", value_parser = ["relevance", "date", "-date"], allow_hyphen_values = true)]
        sort: String,
        /// Favour recent documents: the boost halves every DAYS days back from the newest.
        #[arg(long, value_name = "DAYS")]
        recency: Option<f32>,
        /// Only documents dated in or after this period (2015, 2015-06, 2015-06-30).
        #[arg(long, value_name = "DATE")]
        from: Option<String>,
        /// Only documents dated in or before this period (2016 means to the end of 2016).
        #[arg(long, value_name = "DATE")]
        to: Option<String>,
        /// Only documents about this country or region (repeatable: any of them).
        #[arg(long, value_name = "NAME")]
        country: Vec<String>,
        /// Only documents about this person or organization (repeatable).
        #[arg(long, value_name = "NAME")]
        actor: Vec<String>,
        /// Only documents on this topic or subtopic (repeatable).
        #[arg(long, value_name = "NAME")]
        topic: Vec<String>,
        /// Top facet values to count per field (0: none).
        #[arg(long, default_value_t = 5, value_name = "N")]
        facets: usize,
        /// Print results as JSON (see the README for the schema).
        #[arg(long)]
        json: bool,
        /// Colors: auto (terminal and NO_COLOR unset), always, never.
        #[arg(long, default_value = "auto", value_parser = ["auto", "always", "never"])]
        color: String,
    },
    /// Matching documents per day, month or year, and their share of all documents then.
    Timeline {
        /// The query (as for search).
        #[arg(value_name = "QUERY")]
        query: String,
        #[command(flatten)]
        index: IndexArg,
        /// Period: day, month or year.
        #[arg(long, default_value = "month", value_parser = ["day", "month", "year"])]
        by: String,
        /// Output: text (a table), csv or json.
        #[arg(long, default_value = "text", value_parser = ["text", "csv", "json"])]
        format: String,
    },
    /// List the values of a facet (country, actor or topic) with counts, hierarchically.
    Facets {
        /// country, actor or topic.
        #[arg(value_parser = ["country", "actor", "topic"])]
        field: String,
        #[command(flatten)]
        index: IndexArg,
        /// Count among the documents matching this query.
        #[arg(long, short = 'q', default_value = "*")]
        query: String,
        /// Values shown per level.
        #[arg(long, short = 'n', default_value_t = 10)]
        limit: usize,
        /// Print as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Print one indexed document with its facets and the mentions behind them.
    Show {
        /// Document id.
        id: String,
        #[command(flatten)]
        index: IndexArg,
        /// Print as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Extract countries, actors and topics from files without indexing them.
    Enrich {
        /// Files and folders.
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
        /// One JSON object per document, one per line.
        #[arg(long)]
        json: bool,
    },
    /// Show index statistics and the last run's report.
    Stats {
        #[command(flatten)]
        index: IndexArg,
        /// Print as JSON.
        #[arg(long)]
        json: bool,
    },
}

/// Runs the command line; returns the exit status.
pub fn run() -> Result<Status> {
    let cli = Cli::parse();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let status = match cli.command {
        Command::Index { paths, index, full, dry_run, follow, threads, memory, commit_every, quiet, json } => {
            let opts = ReindexOptions {
                roots: paths,
                full,
                dry_run,
                follow_symlinks: follow,
                threads,
                commit_every,
                ..ReindexOptions::default()
            };
            cmd_index(&mut out, &index.path(), opts, memory, quiet, json)?
        }
        Command::Search {
            query,
            index,
            limit,
            offset,
            any,
            passages,
            explain,
            format,
            sort,
            recency,
            from,
            to,
            country,
            actor,
            topic,
            facets,
            json,
            color,
        } => {
            let idx = index.open_for_search()?;
            let sort = match sort.as_str() {
                "date" => Sort::Oldest,
                "-date" => Sort::Newest,
                _ => Sort::Relevance,
            };
            let mut request = SearchRequest::new(query)
                .limit(limit)
                .offset(offset)
                .match_any(any)
                .passages(passages)
                .facets(facets)
                .sort(sort);
            if let Some(days) = recency {
                request = request.recency(days);
            }
            // The filters in words, for the closing line of the human output.
            let mut filters: Vec<String> =
                [(FacetField::Country, &country), (FacetField::Actor, &actor), (FacetField::Topic, &topic)]
                    .into_iter()
                    .filter(|(_, values)| !values.is_empty())
                    .map(|(field, values)| format!("{} {}", field.name(), values.join(" or ")))
                    .collect();
            filters.extend(from.iter().map(|f| format!("from {f}")));
            filters.extend(to.iter().map(|t| format!("to {t}")));
            if let Some(from) = from {
                request = request.since(from);
            }
            if let Some(to) = to {
                request = request.until(to);
            }
            for (field, values) in
                [(FacetField::Country, country), (FacetField::Actor, actor), (FacetField::Topic, topic)]
            {
                for v in values {
                    request = request.filter(field, v);
                }
            }
            if explain {
                print::explain(&mut out, &request.explain(&idx)?)?;
            }
            let results = idx.search(&request)?;
            match (json, format.as_str()) {
                (true, _) | (_, "json") => {
                    serde_json::to_writer_pretty(&mut out, &results)?;
                    writeln!(out)?;
                }
                (_, "csv") => print::search_csv(&mut out, &results)?,
                (_, "html") => print::search_html(&mut out, &results)?,
                _ => print::search(&mut out, &results, &filters, use_color(&color))?,
            }
            if results.total > 0 { Status::Ok } else { Status::NotFound }
        }
        Command::Enrich { paths, json } => cmd_enrich(&mut out, &paths, json)?,
        Command::Timeline { query, index, by, format } => {
            let idx = index.open_for_search()?;
            let by = match by.as_str() {
                "day" => Period::Day,
                "year" => Period::Year,
                _ => Period::Month,
            };
            let rows = idx.timeline(&SearchRequest::new(query), by)?;
            match format.as_str() {
                "json" => {
                    serde_json::to_writer_pretty(&mut out, &rows)?;
                    writeln!(out)?;
                }
                "csv" => {
                    writeln!(out, "period,matching,total,share")?;
                    for r in &rows {
                        writeln!(out, "{},{},{},{:.4}", r.period, r.matching, r.total, r.share)?;
                    }
                }
                _ => print::timeline(&mut out, &rows)?,
            }
            if rows.iter().any(|r| r.matching > 0) { Status::Ok } else { Status::NotFound }
        }
        Command::Facets { field, index, query, limit, json } => {
            let idx = Index::open(index.path())?;
            let field = FacetField::from_name(&field).expect("clap checked the name");
            let counts = idx.facet_counts(field, &SearchRequest::new(query))?;
            if json {
                serde_json::to_writer_pretty(&mut out, &counts)?;
                writeln!(out)?;
            } else {
                print::facet_tree(&mut out, &counts, limit)?;
            }
            if counts.is_empty() { Status::NotFound } else { Status::Ok }
        }
        Command::Show { id, index, json } => {
            let idx = Index::open(index.path())?;
            let doc = idx.get(&id)?;
            if json {
                serde_json::to_writer_pretty(&mut out, &doc)?;
                writeln!(out)?;
            } else {
                print::show(&mut out, &doc)?;
            }
            Status::Ok
        }
        Command::Stats { index, json } => {
            let idx = Index::open(index.path())?;
            let stats = idx.stats()?;
            if json {
                serde_json::to_writer_pretty(&mut out, &stats)?;
                writeln!(out)?;
            } else {
                print::stats(&mut out, &stats, &index.path())?;
            }
            Status::Ok
        }
    };
    out.flush()?;
    Ok(status)
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

fn cmd_index(
    out: &mut impl Write,
    dir: &Path,
    mut opts: ReindexOptions,
    memory_mb: usize,
    quiet: bool,
    json: bool,
) -> Result<Status> {
    let index = if opts.full && !opts.dry_run {
        Index::recreate(dir)?
    } else if opts.dry_run && !Index::exists(dir) {
        Index::create_in_ram()?
    } else {
        Index::open_or_create(dir)?
    };
    let bar = (!quiet && !json && std::io::stderr().is_terminal()).then(print::progress_bar);
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
        // Ctrl-C stops after the current chunk of files; what is done is committed.
        let _ = ctrlc::set_handler(move || cancel.store(true, Ordering::Relaxed));
    }
    opts.cancel = Some(cancel);
    let mut writer = index.writer_with(memory_mb.max(16) * 1024 * 1024, 0)?;
    let report = writer
        .reindex(&opts)
        .with_context(|| format!("indexing into {} stopped; it keeps its last commit", dir.display()))?;
    writer.finish()?;
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
    } else if !quiet {
        print::report(out, &report, dir)?;
    }
    if report.interrupted {
        eprintln!("gazette: interrupted; what was done is committed, run the same command again to finish");
        return Ok(Status::Error);
    }
    Ok(if report.problem_count() > 0 { Status::NotFound } else { Status::Ok })
}

fn cmd_enrich(out: &mut impl Write, paths: &[PathBuf], json: bool) -> Result<Status> {
    let enricher = gazette::enrich::Enricher::builtin()?;
    let mut problems = 0;
    for root in paths {
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
                if json {
                    serde_json::to_writer(&mut *out, &print::enrichment_json(doc, &e))?;
                    writeln!(out)?;
                } else {
                    print::enrichment(out, doc, &e)?;
                }
            }
        }
    }
    Ok(if problems > 0 { Status::NotFound } else { Status::Ok })
}

fn use_color(choice: &str) -> bool {
    match choice {
        "always" => true,
        "never" => false,
        _ => std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    }
}
