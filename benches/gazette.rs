//! Benchmarks with figures you can rerun (not timed tests).
//!
//! ```text
//! cargo bench --bench gazette                      # enrichment throughput on the bundled text
//! cargo bench --bench gazette -- enrich            # same
//! cargo bench --bench gazette -- index CORPUS...   # baseline tantivy vs gazette index, reruns
//! cargo bench --bench gazette -- search INDEX_DIR  # query latency by query type
//! cargo bench --bench gazette -- stages CORPUS.jsonl  # where the time of an index run goes
//! cargo bench --bench gazette -- enrich-dump PATH... # every enrichment in full, one JSON line each
//! ```
//!
//! `enrich-dump` is for checking that a change meant to be faster gives the same enrichment:
//! dump before and after, and compare the files.
//!
//! For profiling, `GAZETTE_BENCH_KINDS=term,AND GAZETTE_BENCH_MODES=5/2 GAZETTE_BENCH_ROUNDS=50`
//! narrow the search benchmark to some query kinds and facets/passages settings;
//! `GAZETTE_BENCH_MATCH=all` (or `most`, the default, or `any`) picks the matching mode.
//!
//! CORPUS is a JSONL file (`id`, `title`, `body`, ...) and/or a folder of files, such as the
//! output of `python3 gen-news.py 100000 news.jsonl --files news/`.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use gazette::enrich::Enricher;
use gazette::load::{WalkOptions, load_file, walk};
use gazette::{Document, Index, ReindexOptions, SearchRequest};

/// The allocator of the `gazette` command, so that the figures are the command's.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    match args.first().map(String::as_str) {
        None | Some("enrich") => bench_enrich(),
        Some("index") => {
            assert!(args.len() > 1, "index CORPUS...");
            for corpus in &args[1..] {
                bench_index(Path::new(corpus));
            }
        }
        Some("enrich-dump") => {
            for path in &args[1..] {
                dump_enrichment(Path::new(path));
            }
        }
        Some("stages") => bench_stages(Path::new(args.get(1).expect("stages CORPUS.jsonl"))),
        Some("search") => bench_search(Path::new(args.get(1).expect("search INDEX_DIR"))),
        Some(other) => panic!(
            "unknown benchmark {other}; use enrich, index CORPUS, stages CORPUS.jsonl, search INDEX_DIR or enrich-dump PATH"
        ),
    }
}

fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// Loads every document under a folder.
fn documents(folder: &Path) -> Vec<Document> {
    let mut docs = Vec::new();
    for f in walk(folder, &WalkOptions::default()).files {
        docs.extend(load_file(&f.path, &f.id_base).expect("readable").documents);
    }
    docs
}

/// Prints the full enrichment (mentions, reasons, salience) of every document under `path`.
fn dump_enrichment(path: &Path) {
    let enricher = Enricher::builtin().expect("vocabularies compile");
    let files: Vec<(PathBuf, String)> = if path.is_file() {
        vec![(path.to_path_buf(), "doc".to_string())]
    } else {
        walk(path, &WalkOptions::default()).files.into_iter().map(|f| (f.path, f.id_base)).collect()
    };
    // Files that fail to load are left out: the dump compares enrichment, not loading.
    let docs = files.iter().flat_map(|(p, id)| load_file(p, id).map(|l| l.documents).unwrap_or_default());
    for d in docs {
        let e = enricher.enrich(&d);
        println!("{}\t{}", d.id, serde_json::to_string(&e).expect("serializes"));
    }
}

/// Enrichment of plain text on one core, matchers built once (not timed).
fn bench_enrich() {
    let t = Instant::now();
    let enricher = Enricher::builtin().expect("vocabularies compile");
    println!("vocabularies compiled in {:.0} ms (once per process)", t.elapsed().as_secs_f64() * 1e3);
    let mut docs = documents(&repo("corpus-sample"));
    docs.extend(documents(&repo("tests/data/labelled")));
    let bytes: usize = docs.iter().map(|d| d.title.len() + d.body.len()).sum();
    // Enough rounds for about 50 MB of text (GAZETTE_BENCH_MB to change it, e.g. for a run
    // under valgrind).
    let mb: usize = std::env::var("GAZETTE_BENCH_MB").ok().and_then(|v| v.parse().ok()).unwrap_or(50);
    let rounds = (mb * 1_000_000 / bytes.max(1)).max(1);
    let mut sink = 0usize;
    let t = Instant::now();
    for _ in 0..rounds {
        for d in &docs {
            let e = enricher.enrich(d);
            sink += e.countries.len() + e.persons.len() + e.organizations.len() + e.topics.len();
        }
    }
    let secs = t.elapsed().as_secs_f64();
    let mb = (bytes * rounds) as f64 / 1e6;
    println!(
        "enrich: {} documents x {rounds} rounds, {mb:.1} MB in {secs:.2} s = {:.1} MB/s, {:.0} documents/s on one core (checksum {sink})",
        docs.len(),
        mb / secs,
        (docs.len() * rounds) as f64 / secs
    );
}

fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM:")).map(|l| l.split_whitespace().nth(1).unwrap_or("0").to_string())
        })
        .and_then(|kb| kb.parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
        .unwrap_or(0.0)
}

/// Baseline plain tantivy (title + body, same English analyzer, body stored) against
/// `gazette index` end to end, then reruns with nothing changed and with 1% of files changed.
fn bench_index(corpus: &Path) {
    let scratch = tempfile::tempdir().expect("temp dir");
    // Baseline: the pre-extracted title and body, from the JSONL file or the loaded files.
    let docs: Vec<Document> = if corpus.is_file() {
        gazette::load::load_file(corpus, "corpus").expect("readable").documents
    } else {
        documents(corpus)
    };
    let bytes: usize = docs.iter().map(|d| d.title.len() + d.body.len()).sum();
    println!("corpus {}: {} documents, {:.1} MB of title+body", corpus.display(), docs.len(), bytes as f64 / 1e6);
    let baseline = baseline_tantivy(&docs, &scratch.path().join("baseline"));
    println!("baseline tantivy: {baseline:.2} s = {:.0} documents/s", docs.len() as f64 / baseline);
    drop(docs);

    let dir = scratch.path().join("gazette");
    let index = Index::create(&dir).expect("create");
    let opts = ReindexOptions::new([corpus]);
    let t = Instant::now();
    let full = index.reindex(&opts).expect("reindex");
    let full_secs = t.elapsed().as_secs_f64();
    println!(
        "gazette index (load, enrich, index): {full_secs:.2} s = {:.0} documents/s, {:.1} MB/s of source, {:.0}% of baseline throughput",
        full.documents_indexed as f64 / full_secs,
        full.bytes_read as f64 / 1e6 / full_secs,
        100.0 * baseline / full_secs
    );
    let t = Instant::now();
    let again = index.reindex(&opts).expect("rerun");
    let again_secs = t.elapsed().as_secs_f64();
    println!(
        "rerun, nothing changed: {again_secs:.2} s ({:.1}% of the full run), {} unchanged, {} indexed",
        100.0 * again_secs / full_secs,
        again.unchanged,
        again.documents_indexed
    );
    if corpus.is_dir() {
        // 1% of the files, all plain text so that the appended paragraph keeps them valid
        // (a paragraph after a JSON object would make the file fail, and keep its documents).
        let files: Vec<PathBuf> = walk(corpus, &WalkOptions::default()).files.into_iter().map(|f| f.path).collect();
        let texts: Vec<&PathBuf> = files.iter().filter(|p| p.extension().is_some_and(|e| e == "txt")).collect();
        let every = (texts.len() * 100 / files.len().max(1)).max(1);
        let changed: Vec<&PathBuf> = texts.into_iter().step_by(every).collect();
        let originals: Vec<Vec<u8>> = changed.iter().map(|p| std::fs::read(p).expect("read")).collect();
        for p in &changed {
            let mut bytes = std::fs::read(p).expect("read");
            bytes.extend_from_slice(b"\n\nAn added closing paragraph for the benchmark.\n");
            std::fs::write(p, bytes).expect("write");
        }
        let t = Instant::now();
        let one = index.reindex(&opts).expect("1% rerun");
        let one_secs = t.elapsed().as_secs_f64();
        println!(
            "rerun, {} files (1%) changed: {one_secs:.2} s ({:.1}% of the full run), {} updated",
            changed.len(),
            100.0 * one_secs / full_secs,
            one.updated
        );
        for (p, b) in changed.iter().zip(originals) {
            std::fs::write(p, b).expect("restore");
        }
    }
    println!("peak resident memory of the process: {:.0} MB", peak_rss_mb());
}

fn baseline_tantivy(docs: &[Document], dir: &Path) -> f64 {
    use tantivy::schema::{IndexRecordOption, Schema, TextFieldIndexing, TextOptions};
    let mut sb = Schema::builder();
    let idx = TextFieldIndexing::default()
        .set_tokenizer("english")
        .set_index_option(IndexRecordOption::WithFreqsAndPositions);
    let title = sb.add_text_field("title", TextOptions::default().set_indexing_options(idx.clone()).set_stored());
    let body = sb.add_text_field("body", TextOptions::default().set_indexing_options(idx).set_stored());
    std::fs::create_dir_all(dir).expect("dir");
    let index = tantivy::Index::create_in_dir(dir, sb.build()).expect("create");
    index.tokenizers().register("english", gazette::schema::english_analyzer());
    let t = Instant::now();
    let mut w: tantivy::IndexWriter = index.writer(gazette::index::WRITER_MEMORY_BYTES).expect("writer");
    for d in docs {
        w.add_document(tantivy::doc!(title => d.title.as_str(), body => d.body.as_str())).expect("add");
    }
    w.commit().expect("commit");
    w.wait_merging_threads().expect("merge");
    t.elapsed().as_secs_f64()
}

/// p50 and p99 latency per query type, top 10 with facet counts and 2 passages per hit.
fn bench_search(dir: &Path) {
    let index = Index::open(dir).expect("open index");
    println!("index {}: {} documents", dir.display(), index.num_docs());
    let kinds: &[(&str, &[&str])] = &[
        ("term", &["sanctions", "inflation", "election", "refugees", "cyber", "tariffs", "nuclear", "climate"]),
        ("AND", &["economic growth", "trade deficit", "foreign policy", "nuclear weapons", "border security"]),
        ("OR", &["sanctions OR tariffs", "inflation OR unemployment", "refugees OR migrants"]),
        ("phrase", &["\"foreign policy\"", "\"national security\"", "\"interest rates\"", "\"climate change\""]),
        ("W/5", &["sanctions W/5 iran", "tariffs W/5 steel", "election W/5 fraud", "climate W/5 emissions"]),
        ("W/S", &["sanctions W/S iran", "tariffs W/S steel", "election W/S fraud", "climate W/S emissions"]),
        ("wildcard", &["sanction*", "immigra*", "negotiat*", "wom?n"]),
        ("fuzzy", &["sanctoin~1", "tarifs~1", "electoin~1"]),
    ];
    // GAZETTE_BENCH_KINDS=term,AND and GAZETTE_BENCH_MODES=5/2 narrow the run (for profiling);
    // GAZETTE_BENCH_MATCH=all|most|any measures another matching mode than the default.
    let matching = match std::env::var("GAZETTE_BENCH_MATCH").as_deref() {
        Ok("all") => gazette::query::Matching::All,
        Ok("most") => gazette::query::Matching::Most,
        Ok("any") => gazette::query::Matching::Any,
        _ => gazette::query::Matching::default(),
    };
    println!("matching: {matching:?}");
    let only = |var: &str, value: &str| std::env::var(var).map_or(true, |v| v.split(',').any(|x| x == value));
    for (facets, passages) in [(0, 0), (0, 2), (5, 0), (5, 2)] {
        if !only("GAZETTE_BENCH_MODES", &format!("{facets}/{passages}")) {
            continue;
        }
        for (kind, queries) in kinds.iter().filter(|(k, _)| only("GAZETTE_BENCH_KINDS", k)) {
            let mut times: Vec<Duration> = Vec::new();
            // W/S reads stored text: fewer rounds.
            let rounds = if let Ok(n) = std::env::var("GAZETTE_BENCH_ROUNDS") {
                n.parse().expect("GAZETTE_BENCH_ROUNDS is a number")
            } else if *kind == "W/S" {
                2
            } else if facets > 0 {
                5
            } else {
                30
            };
            for _ in 0..rounds {
                for q in *queries {
                    let req = SearchRequest::new(*q).matching(matching).limit(10).facets(facets).passages(passages);
                    let t = Instant::now();
                    let r = index.search(&req).expect("search");
                    times.push(t.elapsed());
                    std::hint::black_box(r);
                }
            }
            times.sort();
            let p = |q: f64| times[((times.len() - 1) as f64 * q) as usize].as_secs_f64() * 1e3;
            println!(
                "{kind:<7} top-10, facets {facets}, passages {passages}: p10 {:.2} ms, p50 {:.2} ms, p99 {:.2} ms ({} runs)",
                p(0.1),
                p(0.5),
                p(0.99),
                times.len()
            );
        }
    }
}

/// CPU seconds of the process so far (user + system, all threads).
fn cpu_secs() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or("");
    let f: Vec<f64> = after.split_whitespace().filter_map(|x| x.parse().ok()).collect();
    // Fields 14 and 15 of stat (utime, stime); the state letter (field 3) is not a number.
    (f.get(10).unwrap_or(&0.0) + f.get(11).unwrap_or(&0.0)) / 100.0
}

/// Where the time of `gazette index` goes, one stage at a time on a JSONL corpus: loading,
/// plain tantivy (the baseline), enrichment, tantivy with gazette's fields (with and without
/// the enrichment fields), then the whole pipeline. Wall and CPU seconds per stage; the
/// stages do not overlap. `GAZETTE_BENCH_STAGES=baseline,enrich,index,reindex` picks some
/// (loading always runs), for instance to count instructions of one under callgrind.
fn bench_stages(corpus: &Path) {
    use rayon::prelude::*;
    let wanted = |stage: &str| std::env::var("GAZETTE_BENCH_STAGES").map_or(true, |v| v.split(',').any(|x| x == stage));
    let report = |stage: &str, (t, c): (Instant, f64)| {
        println!("{stage:<40} {:>7.2} s wall {:>7.2} s CPU", t.elapsed().as_secs_f64(), cpu_secs() - c)
    };
    let scratch = tempfile::tempdir().expect("temp dir");
    let start = || (Instant::now(), cpu_secs());
    let s = start();
    let docs: Vec<Document> = load_file(corpus, "corpus").expect("readable").documents;
    report("load (one thread)", s);
    if wanted("baseline") {
        let s = start();
        baseline_tantivy(&docs, &scratch.path().join("baseline"));
        report("baseline: plain tantivy, title + body", s);
    }
    let e = Enricher::builtin().expect("vocabularies compile");
    let mut enrichments: Vec<gazette::Enrichment> = Vec::new();
    if wanted("enrich") || wanted("index") {
        let s = start();
        enrichments = docs.par_iter().map(|d| e.enrich(d)).collect();
        report("enrich (all cores)", s);
    }
    if wanted("index") {
        for stage in ["tantivy, gazette fields", "tantivy, gazette fields, no enrichment"] {
            if stage.ends_with("no enrichment") {
                enrichments.iter_mut().for_each(|e| *e = Default::default());
            }
            let index = Index::create(scratch.path().join(stage)).expect("create");
            let s = start();
            let mut w = index.writer().expect("writer");
            for (d, e) in docs.iter().zip(&enrichments) {
                w.add_enriched(d, e).expect("add");
            }
            w.commit().expect("commit");
            w.finish().expect("finish");
            report(stage, s);
        }
    }
    drop(docs);
    if wanted("reindex") {
        let index = Index::create(scratch.path().join("reindex")).expect("create");
        let s = start();
        index.reindex(&ReindexOptions::new([corpus])).expect("reindex");
        report("gazette index (the pipeline)", s);
    }
}
