//! Incremental batch reindexing of folders: walk, compare with the manifest, load and enrich
//! changed files in parallel, feed the one writer, commit periodically.

use std::collections::{BTreeSet, HashMap};
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use rayon::prelude::*;
use serde::Serialize;

use super::{FileEntry, Index, Writer};
use crate::enrich::{Enriched, Enricher};
use crate::error::{Error, Result};
use crate::load::{self, LoadWarning, SourceFile, WalkOptions};

/// How many files are loaded in parallel before their documents go to the writer.
const CHUNK_FILES: usize = 256;

/// Default of [`ReindexOptions::stream_above`].
const STREAM_BYTES: u64 = 32 << 20;

/// Lines per batch of a streamed JSON Lines file.
const STREAM_LINES: usize = 2048;

/// A progress callback, called from the indexing thread.
pub type ProgressFn = Arc<dyn Fn(&Progress) + Send + Sync>;

/// Options of [`Index::reindex`].
///
/// ```
/// use gazette::{Index, ReindexOptions};
/// let dir = tempfile::tempdir()?;
/// std::fs::write(dir.path().join("a.txt"), "Talks in Geneva\n\nTalks began.")?;
/// let index = Index::create_in_ram()?;
/// let dry_run = ReindexOptions { dry_run: true, ..ReindexOptions::new([dir.path()]) };
/// assert_eq!(index.reindex(&dry_run)?.added, 1);
/// assert_eq!(index.num_docs(), 0); // nothing written
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Default)]
pub struct ReindexOptions {
    /// Files and folders to index.
    pub roots: Vec<PathBuf>,
    /// Reindex everything, ignoring the manifest.
    pub full: bool,
    /// Work out what would change, change nothing.
    pub dry_run: bool,
    /// Follow symbolic links while walking.
    pub follow_symlinks: bool,
    /// Threads for loading and enrichment (0: one per core).
    pub threads: usize,
    /// Commit after at least this many documents (0: only at the end).
    pub commit_every: usize,
    /// Called after each chunk of files.
    pub progress: Option<ProgressFn>,
    /// Set to stop early; what is done is committed and the report says `interrupted`.
    pub cancel: Option<Arc<AtomicBool>>,
    /// JSON Lines files larger than this many bytes are read a batch of lines at a time
    /// rather than whole, so that memory stays bounded (0: 32 MiB).
    pub stream_above: u64,
}

impl std::fmt::Debug for ReindexOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReindexOptions")
            .field("roots", &self.roots)
            .field("full", &self.full)
            .field("dry_run", &self.dry_run)
            .field("threads", &self.threads)
            .field("commit_every", &self.commit_every)
            .finish_non_exhaustive()
    }
}

impl ReindexOptions {
    /// Options to index these files and folders, everything else by default.
    ///
    /// ```
    /// let opts = gazette::ReindexOptions::new(["news", "briefings/2016"]);
    /// assert_eq!(opts.roots, [std::path::Path::new("news"), std::path::Path::new("briefings/2016")]);
    /// assert!(!opts.full && !opts.dry_run && opts.progress.is_none());
    /// ```
    pub fn new<P: Into<PathBuf>>(roots: impl IntoIterator<Item = P>) -> ReindexOptions {
        ReindexOptions { roots: roots.into_iter().map(Into::into).collect(), ..ReindexOptions::default() }
    }
}

/// Where a run is, for progress bars.
///
/// ```
/// use std::sync::{Arc, Mutex};
/// use gazette::{Index, ReindexOptions, index::Progress};
/// let dir = tempfile::tempdir()?;
/// std::fs::write(dir.path().join("a.txt"), "Talks in Geneva\n\nTalks began.")?;
/// let last = Arc::new(Mutex::new(Progress::default()));
/// let seen = last.clone();
/// let mut opts = ReindexOptions::new([dir.path()]);
/// opts.progress = Some(Arc::new(move |p: &Progress| *seen.lock().unwrap() = p.clone()));
/// Index::create_in_ram()?.reindex(&opts)?;
/// let p = last.lock().unwrap();
/// assert_eq!((p.files_done, p.files_total, p.documents), (1, 1, 1));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct Progress {
    /// Files looked at so far (changed or not).
    pub files_done: usize,
    /// Files found in all roots.
    pub files_total: usize,
    /// Documents sent to the index so far.
    pub documents: usize,
    /// Bytes read so far.
    pub bytes: u64,
}

/// A file that could not be indexed; its previous documents, if any, were kept.
///
/// ```
/// let dir = tempfile::tempdir()?;
/// let missing = dir.path().join("missing");
/// let index = gazette::Index::create_in_ram()?;
/// let report = index.reindex(&gazette::ReindexOptions::new([&missing]))?;
/// assert_eq!(report.failed.len(), 1);
/// assert_eq!(report.failed[0].path, missing);
/// assert!(report.failed[0].to_string().starts_with(&format!("{}: ", missing.display())));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Serialize)]
pub struct FileFailure {
    /// The file or folder.
    pub path: PathBuf,
    /// Why (without the path).
    pub reason: String,
}

impl FileFailure {
    /// A failure of `path` (used when the error names no path of its own).
    fn new(path: PathBuf, error: Error) -> FileFailure {
        match error {
            Error::Io { path, cause } => FileFailure { path, reason: cause.to_string() },
            other => FileFailure { path, reason: other.to_string() },
        }
    }
}

impl std::fmt::Display for FileFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.reason)
    }
}

/// What a run did. Files that failed are data here, not an error of the run.
///
/// ```
/// let dir = tempfile::tempdir()?;
/// std::fs::write(dir.path().join("a.txt"), "Talks in Geneva\n\nTalks began.")?;
/// std::fs::write(dir.path().join("b.md"), "# Grain deal\n\nUkraine exports grain.")?;
/// std::fs::write(dir.path().join("scan.pdf"), "%PDF-1.4")?;
/// let index = gazette::Index::create_in_ram()?;
/// let report = index.reindex(&gazette::ReindexOptions::new([dir.path()]))?;
/// assert_eq!((report.added, report.documents_indexed, report.commits), (2, 2, 1));
/// assert_eq!(report.skipped.get("unsupported format"), Some(&1));
/// assert!(report.failed.is_empty() && report.plan.is_none());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default, Serialize)]
pub struct ReindexReport {
    /// Files new to the index.
    pub added: usize,
    /// Files whose content changed.
    pub updated: usize,
    /// Files gone from the roots, whose documents were deleted.
    pub removed: usize,
    /// Files left as they were.
    pub unchanged: usize,
    /// Files left out, by reason (`unsupported format`, `ignored`, `binary`).
    pub skipped: std::collections::BTreeMap<String, usize>,
    /// Files that could not be read or gave no document.
    pub failed: Vec<FileFailure>,
    /// Problems in files that were still indexed (a bad JSONL line, invalid UTF-8, ...).
    pub warnings: Vec<LoadWarning>,
    /// Documents written (added or replaced).
    pub documents_indexed: usize,
    /// Bytes of source read.
    pub bytes_read: u64,
    /// Wall-clock seconds.
    pub elapsed_secs: f64,
    /// Commits made.
    pub commits: usize,
    /// True for a dry run: nothing was written.
    pub dry_run: bool,
    /// True when the run was cancelled; what was committed is listed above.
    pub interrupted: bool,
    /// For dry runs: the files that would be added, updated and removed.
    pub plan: Option<Plan>,
}

/// What a dry run would do.
///
/// ```
/// use gazette::{Index, ReindexOptions};
/// let dir = tempfile::tempdir()?;
/// std::fs::write(dir.path().join("a.txt"), "Talks in Geneva\n\nTalks began.")?;
/// let opts = ReindexOptions { dry_run: true, ..ReindexOptions::new([dir.path()]) };
/// let plan = Index::create_in_ram()?.reindex(&opts)?.plan.unwrap();
/// assert_eq!(plan.add, [dir.path().canonicalize()?.join("a.txt")]);
/// assert!(plan.update.is_empty() && plan.remove.is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default, Serialize)]
pub struct Plan {
    /// Files that would be added.
    pub add: Vec<PathBuf>,
    /// Files that would be updated.
    pub update: Vec<PathBuf>,
    /// Files whose documents would be removed.
    pub remove: Vec<PathBuf>,
}

impl ReindexReport {
    /// Files that had problems, failed or with warnings.
    ///
    /// ```
    /// let dir = tempfile::tempdir()?;
    /// // One file with two bad lines, one good file.
    /// std::fs::write(dir.path().join("feed.jsonl"), "{\"title\":\"One\",\"body\":\"alpha\"}\nnot json\n{oops\n")?;
    /// std::fs::write(dir.path().join("a.txt"), "Talks in Geneva\n\nTalks began.")?;
    /// let index = gazette::Index::create_in_ram()?;
    /// let report = index.reindex(&gazette::ReindexOptions::new([dir.path()]))?;
    /// assert_eq!((report.warnings.len(), report.problem_count()), (2, 1));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn problem_count(&self) -> usize {
        self.failed.len() + self.warnings.iter().map(|w| &w.path).collect::<BTreeSet<_>>().len()
    }

    fn skip(&mut self, reason: &str, n: usize) {
        if n > 0 {
            *self.skipped.entry(reason.to_string()).or_default() += n;
        }
    }
}

/// What loading one file gave.
enum Outcome {
    /// Same bytes as indexed; only the recorded modification time moves.
    SameContent(SourceFile),
    Loaded {
        file: SourceFile,
        hash: String,
        documents: Vec<Enriched>,
        warnings: Vec<LoadWarning>,
    },
    Binary(SourceFile),
    Failed(FileFailure),
}

impl Index {
    /// Indexes files and folders incrementally: new and changed files are (re)loaded,
    /// enriched and replace their previous documents; files that vanished from a root lose
    /// their documents; unchanged files (same size and modification time) are not read.
    ///
    /// Errors of single files are recorded in the report and the run goes on; an `Err` means
    /// the index itself could not be written (locked, disk full), and nothing after the last
    /// commit landed.
    ///
    /// ```
    /// let dir = tempfile::tempdir()?;
    /// std::fs::write(dir.path().join("a.txt"), "Talks in Geneva\n\nGENEVA - Talks began.")?;
    /// let index = gazette::Index::create_in_ram()?;
    /// let report = index.reindex(&gazette::ReindexOptions::new([dir.path()]))?;
    /// assert_eq!((report.added, report.documents_indexed), (1, 1));
    /// assert_eq!(index.get("a.txt")?.document.dateline.as_deref(), Some("GENEVA"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn reindex(&self, opts: &ReindexOptions) -> Result<ReindexReport> {
        let mut writer = self.writer()?;
        let report = writer.reindex(opts)?;
        writer.finish()?;
        Ok(report)
    }
}

impl Writer<'_> {
    /// [`Index::reindex`] with this writer.
    pub fn reindex(&mut self, opts: &ReindexOptions) -> Result<ReindexReport> {
        let started = Instant::now();
        let mut report = ReindexReport { dry_run: opts.dry_run, ..ReindexReport::default() };
        let mut plan = Plan::default();
        if opts.full && !opts.dry_run {
            self.delete_all()?;
        }
        let exclude: Vec<PathBuf> = self.index.dir().and_then(|d| d.canonicalize().ok()).into_iter().collect();
        let walk_opts = WalkOptions { follow_symlinks: opts.follow_symlinks, exclude };

        // Walk every root and decide, per file, whether it must be read.
        let mut to_load: Vec<SourceFile> = Vec::new();
        let mut files_total = 0;
        for root in &opts.roots {
            let root = match root.canonicalize() {
                Ok(r) => r,
                Err(e) => {
                    report.failed.push(FileFailure::new(root.clone(), Error::io(root, e)));
                    continue;
                }
            };
            let walked = load::walk(&root, &walk_opts);
            report.skip("unsupported format", walked.unsupported.len());
            report.skip("ignored", walked.ignored.len());
            let unreadable: Vec<PathBuf> = walked
                .errors
                .iter()
                .map(|e| match e {
                    Error::Io { path, .. } => path.clone(),
                    _ => root.clone(),
                })
                .collect();
            for e in walked.errors {
                report.failed.push(FileFailure::new(root.clone(), e));
            }
            let seen: BTreeSet<&Path> = walked.files.iter().map(|f| f.path.as_path()).collect();
            // Files recorded under this root and not found any more lose their documents,
            // unless the folder holding them could not be read (a permission problem or an
            // unmounted disk must not empty the index).
            let vanished: Vec<PathBuf> = self
                .pending_manifest()
                .files
                .keys()
                .filter(|p| (p.starts_with(&root) || **p == root) && !seen.contains(p.as_path()))
                .filter(|p| !unreadable.iter().any(|u| p.starts_with(u)))
                .cloned()
                .collect();
            for path in vanished {
                report.removed += 1;
                if opts.dry_run {
                    plan.remove.push(path);
                } else {
                    self.delete_file(&path);
                    self.forget_file(&path);
                }
            }
            files_total += walked.files.len();
            for file in walked.files {
                // An empty hash marks a file whose indexing was cut short by a commit.
                match self.pending_manifest().files.get(&file.path) {
                    Some(e)
                        if !opts.full
                            && !e.hash.is_empty()
                            && e.size == file.size
                            && e.modified_ns == file.modified_ns =>
                    {
                        report.unchanged += 1;
                    }
                    _ => to_load.push(file),
                }
            }
        }
        to_load.sort_by(|a, b| a.path.cmp(&b.path));
        to_load.dedup_by(|a, b| a.path == b.path);

        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(opts.threads)
            .build()
            .map_err(|e| Error::io("thread pool", std::io::Error::other(e)))?;
        // The hashes the workers compare with, so that they need no access to the writer.
        let known: HashMap<PathBuf, String> = to_load
            .iter()
            .filter_map(|f| self.pending_manifest().files.get(&f.path).map(|e| (f.path.clone(), e.hash.clone())))
            .collect();
        let mut run = Run {
            progress: Progress { files_total, files_done: report.unchanged, ..Progress::default() },
            since_commit: 0,
            streaming: None,
            report,
            plan,
        };
        // Workers load and enrich the next batch while this thread feeds the writer.
        let enricher = self.index_enricher()?;
        let (tx, rx) = crossbeam_channel::bounded::<Msg>(2);
        let result = std::thread::scope(|scope| {
            scope.spawn(|| produce(&pool, &enricher, &to_load, &known, opts, tx));
            for msg in rx {
                self.consume(msg, opts, &mut run)?;
                if opts.cancel.as_ref().is_some_and(|c| c.load(Ordering::Relaxed)) {
                    run.report.interrupted = true;
                }
            }
            Ok::<(), Error>(())
        });
        result?;
        if opts.cancel.as_ref().is_some_and(|c| c.load(Ordering::Relaxed)) {
            run.report.interrupted = true;
        }
        if !opts.dry_run {
            self.commit_run(&mut run)?;
        }
        let Run { mut report, plan, .. } = run;
        report.elapsed_secs = started.elapsed().as_secs_f64();
        if opts.dry_run {
            report.plan = Some(plan);
        } else {
            self.save_last_run(&report);
        }
        Ok(report)
    }
}

impl Writer<'_> {
    /// Commits, recording a file whose streaming is under way with the documents added so
    /// far and an empty hash, so that the manifest matches the index and the next run
    /// indexes the file again.
    fn commit_run(&mut self, run: &mut Run) -> Result<()> {
        if let Some((file, _, ids)) = &mut run.streaming {
            // Only the ids added since the last commit go to the log.
            let added = ids.all[ids.logged..].to_vec();
            ids.logged = ids.all.len();
            self.extend_file(file.path.clone(), file.size, file.modified_ns, added);
        }
        self.commit()?;
        run.report.commits += 1;
        run.since_commit = 0;
        Ok(())
    }

    /// Feeds one message of the workers to the writer and the report.
    fn consume(&mut self, msg: Msg, opts: &ReindexOptions, run: &mut Run) -> Result<()> {
        match msg {
            Msg::Files(outcomes) => {
                for outcome in outcomes {
                    run.progress.files_done += 1;
                    self.file_outcome(outcome, opts, run)?;
                }
            }
            Msg::StreamStart(file) => {
                let known = self.pending_manifest().files.contains_key(&file.path);
                if !opts.dry_run {
                    self.delete_file(&file.path);
                    self.forget_file(&file.path);
                }
                run.streaming = Some((file, known, StreamIds::default()));
            }
            Msg::StreamDocs { documents, warnings, bytes } => {
                run.progress.bytes += bytes;
                run.report.warnings.extend(warnings);
                run.report.documents_indexed += documents.len();
                run.progress.documents += documents.len();
                run.since_commit += documents.len();
                let Some((_, _, ids)) = &mut run.streaming else { return Ok(()) };
                if !opts.dry_run {
                    for e in &documents {
                        self.add_enriched(&e.document, &e.enrichment)?;
                    }
                }
                ids.all.extend(documents.into_iter().map(|e| e.document.id));
            }
            Msg::StreamEnd { hash, failure } => {
                let Some((file, known, ids)) = run.streaming.take() else { return Ok(()) };
                run.progress.files_done += 1;
                match failure {
                    Some(f) => {
                        // Partly read: what was added goes too, and the file is forgotten.
                        if !opts.dry_run {
                            self.delete_file(&file.path);
                            self.forget_file(&file.path);
                        }
                        run.report.failed.push(f);
                    }
                    None if opts.dry_run => {
                        if known {
                            run.plan.update.push(file.path)
                        } else {
                            run.plan.add.push(file.path)
                        }
                        if known { run.report.updated += 1 } else { run.report.added += 1 }
                    }
                    None => {
                        if known {
                            run.report.updated += 1
                        } else {
                            run.report.added += 1
                        }
                        let entry = FileEntry { size: file.size, modified_ns: file.modified_ns, hash, ids: ids.all };
                        self.set_file(file.path, entry);
                    }
                }
            }
        }
        run.report.bytes_read = run.progress.bytes;
        if let Some(cb) = &opts.progress {
            cb(&run.progress);
        }
        if !opts.dry_run && opts.commit_every > 0 && run.since_commit >= opts.commit_every {
            self.commit_run(run)?;
        }
        Ok(())
    }

    /// A whole file's outcome.
    fn file_outcome(&mut self, outcome: Outcome, opts: &ReindexOptions, run: &mut Run) -> Result<()> {
        let report = &mut run.report;
        match outcome {
            Outcome::SameContent(file) => {
                report.unchanged += 1;
                run.progress.bytes += file.size;
                if let Some(e) = self.pending_manifest().files.get(&file.path)
                    && !opts.dry_run
                {
                    let entry = FileEntry { size: file.size, modified_ns: file.modified_ns, ..e.clone() };
                    self.set_file(file.path, entry);
                }
            }
            Outcome::Binary(file) => {
                run.progress.bytes += file.size;
                report.skip("binary", 1);
            }
            Outcome::Failed(f) => report.failed.push(f),
            Outcome::Loaded { file, hash, documents, warnings } => {
                run.progress.bytes += file.size;
                if documents.is_empty() {
                    // Nothing readable: keep what the index had of this file.
                    let reason = warnings.iter().map(|w| w.problem.to_string()).collect::<Vec<_>>().join("; ");
                    report.failed.push(FileFailure { path: file.path.clone(), reason });
                    return Ok(());
                }
                report.warnings.extend(warnings);
                let known = self.pending_manifest().files.contains_key(&file.path);
                if known {
                    report.updated += 1
                } else {
                    report.added += 1
                }
                report.documents_indexed += documents.len();
                run.progress.documents += documents.len();
                run.since_commit += documents.len();
                if opts.dry_run {
                    if known {
                        run.plan.update.push(file.path)
                    } else {
                        run.plan.add.push(file.path)
                    }
                    return Ok(());
                }
                self.delete_file(&file.path);
                for e in &documents {
                    self.add_enriched(&e.document, &e.enrichment)?;
                }
                let ids = documents.into_iter().map(|e| e.document.id).collect();
                self.set_file(file.path, FileEntry { size: file.size, modified_ns: file.modified_ns, hash, ids });
            }
        }
        Ok(())
    }
}

/// Reads, hashes, loads and enriches one file. Runs on the worker pool: no writer access.
fn load_one(enricher: &Enricher, file: &SourceFile, known: &HashMap<PathBuf, String>, full: bool) -> Outcome {
    let bytes = match std::fs::read(&file.path) {
        Ok(b) => b,
        Err(e) => {
            return Outcome::Failed(FileFailure::new(file.path.clone(), Error::io(&file.path, e)));
        }
    };
    if let Some(failure) = changed_while_read(file, bytes.len() as u64) {
        return Outcome::Failed(failure);
    }
    let hash = format!("{:016x}", xxhash_rust::xxh3::xxh3_64(&bytes));
    let file = file.clone();
    if !full && known.get(&file.path).is_some_and(|h| *h == hash) {
        return Outcome::SameContent(file);
    }
    let loaded = load::load_bytes(&bytes, file.format, &file.id_base, &file.path);
    if loaded.documents.is_empty() && loaded.warnings.iter().any(|w| w.problem == crate::error::FileProblem::Binary) {
        return Outcome::Binary(file);
    }
    let documents = loaded.documents.into_iter().map(|d| Enriched::new(d, enricher)).collect();
    Outcome::Loaded { file, hash, documents, warnings: loaded.warnings }
}

/// What the workers send to the thread that feeds the writer, in order.
enum Msg {
    /// A batch of whole files.
    Files(Vec<Outcome>),
    /// A big JSON Lines file starts: its previous documents go.
    StreamStart(SourceFile),
    /// The next documents of that file, with the problems of its lines and the bytes read.
    StreamDocs { documents: Vec<Enriched>, warnings: Vec<LoadWarning>, bytes: u64 },
    /// The file is done; `failure` when it could not be read to the end or changed meanwhile.
    StreamEnd { hash: String, failure: Option<FileFailure> },
}

/// State of a run on the writer's side.
struct Run {
    report: ReindexReport,
    plan: Plan,
    progress: Progress,
    since_commit: usize,
    /// The big file being streamed: the file, whether the index knew it, its ids.
    streaming: Option<(SourceFile, bool, StreamIds)>,
}

/// Ids of the documents of a streamed file.
#[derive(Default)]
struct StreamIds {
    /// All so far.
    all: Vec<String>,
    /// How many of them the manifest has recorded (at the commits so far).
    logged: usize,
}

/// Loads the files to load, a batch at a time on the pool, and sends the outcomes in order.
/// Stops early when cancelled or when the receiver is gone (the writer failed).
fn produce(
    pool: &rayon::ThreadPool,
    enricher: &Enricher,
    files: &[SourceFile],
    known: &HashMap<PathBuf, String>,
    opts: &ReindexOptions,
    tx: crossbeam_channel::Sender<Msg>,
) {
    let cancelled = || opts.cancel.as_ref().is_some_and(|c| c.load(Ordering::Relaxed));
    let stream_above = if opts.stream_above == 0 { STREAM_BYTES } else { opts.stream_above };
    let (big, small): (Vec<&SourceFile>, Vec<&SourceFile>) = files.iter().partition(|f| {
        f.format == Some(load::Format::JsonLines) && f.size > stream_above && !load::starts_utf16(&f.path)
    });
    for chunk in small.chunks(CHUNK_FILES) {
        if cancelled() {
            return;
        }
        let outcomes = pool.install(|| chunk.par_iter().map(|f| load_one(enricher, f, known, opts.full)).collect());
        if tx.send(Msg::Files(outcomes)).is_err() {
            return;
        }
    }
    for file in big {
        if cancelled() || !stream_file(pool, enricher, file, known, opts, &tx, &cancelled) {
            return;
        }
    }
}

/// Streams one big JSON Lines file: a first pass hashes it (an unchanged file ends there),
/// a second parses and enriches it a batch of lines at a time. Returns false when the
/// receiver is gone.
fn stream_file(
    pool: &rayon::ThreadPool,
    enricher: &Enricher,
    file: &SourceFile,
    known: &HashMap<PathBuf, String>,
    opts: &ReindexOptions,
    tx: &crossbeam_channel::Sender<Msg>,
    cancelled: &dyn Fn() -> bool,
) -> bool {
    let fail = |e: std::io::Error| FileFailure::new(file.path.clone(), Error::io(&file.path, e));
    let first_hash = match hash_file(&file.path) {
        Ok(h) => h,
        Err(e) => return tx.send(Msg::Files(vec![Outcome::Failed(fail(e))])).is_ok(),
    };
    if !opts.full && known.get(&file.path).is_some_and(|h| *h == first_hash) {
        return tx.send(Msg::Files(vec![Outcome::SameContent(file.clone())])).is_ok();
    }
    if tx.send(Msg::StreamStart(file.clone())).is_err() {
        return false;
    }
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    let mut read = || -> std::io::Result<Option<FileFailure>> {
        let mut reader = std::io::BufReader::with_capacity(1 << 20, std::fs::File::open(&file.path)?);
        let (mut line_no, mut record) = (0usize, 0usize);
        loop {
            // (line number, record number, bytes) of the next batch of non-blank lines.
            let mut batch: Vec<(usize, usize, Vec<u8>)> = Vec::with_capacity(STREAM_LINES);
            let mut bytes = 0u64;
            while batch.len() < STREAM_LINES {
                let mut line = Vec::new();
                if reader.read_until(b'\n', &mut line)? == 0 {
                    break;
                }
                hasher.update(&line);
                bytes += line.len() as u64;
                line_no += 1;
                if !line.iter().all(u8::is_ascii_whitespace) {
                    record += 1;
                    batch.push((line_no, record, line));
                }
            }
            if batch.is_empty() && bytes == 0 {
                return Ok(None);
            }
            let loaded: Vec<(Vec<Enriched>, Vec<LoadWarning>)> = pool.install(|| {
                batch
                    .par_iter()
                    .map(|(line_no, record, line)| {
                        let l = load::load_json_line(line, *line_no, *record, &file.id_base, &file.path);
                        let documents: Vec<Enriched> =
                            l.documents.into_iter().map(|d| Enriched::new(d, enricher)).collect();
                        (documents, l.warnings)
                    })
                    .collect()
            });
            let (mut documents, mut warnings) = (Vec::new(), Vec::new());
            for (d, w) in loaded {
                documents.extend(d);
                warnings.extend(w);
            }
            if tx.send(Msg::StreamDocs { documents, warnings, bytes }).is_err() {
                return Err(std::io::Error::other("the writer stopped"));
            }
            if cancelled() {
                return Ok(Some(FileFailure {
                    path: file.path.clone(),
                    reason: "interrupted while being read; the next run will index it".to_string(),
                }));
            }
        }
    };
    let failure = match read() {
        Ok(f) => f,
        Err(e) if e.to_string() == "the writer stopped" => return false,
        Err(e) => Some(fail(e)),
    };
    let hash = format!("{:016x}", hasher.digest());
    let failure = failure.or_else(|| {
        (hash != first_hash).then(|| FileFailure {
            path: file.path.clone(),
            reason: "changed while being read; its documents were removed and the next run will index it".to_string(),
        })
    });
    tx.send(Msg::StreamEnd { hash, failure }).is_ok()
}

/// xxh3-64 of a file, read in blocks.
fn hash_file(path: &Path) -> std::io::Result<String> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = std::io::Read::read(&mut file, &mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(format!("{:016x}", hasher.digest()))
}

/// A file whose size or modification time is not what the walk saw: it changed while the run
/// was reading it. It is left as it was; the next run sees the new size or time.
fn changed_while_read(file: &SourceFile, bytes_read: u64) -> Option<FileFailure> {
    let now = std::fs::metadata(&file.path).ok()?;
    let modified_ns = crate::load::modified_ns(&now);
    (bytes_read != file.size || now.len() != file.size || modified_ns != file.modified_ns).then(|| FileFailure {
        path: file.path.clone(),
        reason: "changed while being read; left as it was, the next run will index it".to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_that_changed_since_the_walk_is_left_for_the_next_run() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.txt");
        std::fs::write(&path, "Talks\n\nThey met.").unwrap();
        let file = load::walk(dir.path(), &WalkOptions::default()).files.remove(0);
        let known = HashMap::new();
        let enricher = crate::enrich::Enricher::builtin().unwrap();
        assert!(matches!(load_one(&enricher, &file, &known, false), Outcome::Loaded { .. }));
        // Rewritten between the walk and the read: another size.
        std::fs::write(&path, "Talks resume\n\nThey met again on Monday.").unwrap();
        match load_one(&enricher, &file, &known, false) {
            Outcome::Failed(f) => assert!(f.reason.contains("changed while being read"), "{f}"),
            _ => panic!("a changed file must not be loaded"),
        }
    }
}
