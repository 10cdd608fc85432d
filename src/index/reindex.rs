//! Incremental batch reindexing of folders: walk, compare with the manifest, load and enrich
//! changed files in parallel, feed the one writer, commit periodically.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use rayon::prelude::*;
use serde::Serialize;

use super::{FileEntry, Index, Writer};
use crate::document::Document;
use crate::error::{Error, Result};
use crate::load::{self, LoadWarning, SourceFile, WalkOptions};

/// How many files are loaded in parallel before their documents go to the writer.
const CHUNK_FILES: usize = 256;

/// A progress callback, called from the indexing thread.
pub type ProgressFn = Arc<dyn Fn(&Progress) + Send + Sync>;

/// Options of [`Index::reindex`].
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
    pub fn new<P: Into<PathBuf>>(roots: impl IntoIterator<Item = P>) -> ReindexOptions {
        ReindexOptions { roots: roots.into_iter().map(Into::into).collect(), ..ReindexOptions::default() }
    }
}

/// Where a run is, for progress bars.
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
            Error::Io { path, source } => FileFailure { path, reason: source.to_string() },
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
        documents: Vec<Document>,
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
    /// assert_eq!(index.get("a.txt")?.dateline.as_deref(), Some("GENEVA"));
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
                .manifest
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
                    self.manifest.files.remove(&path);
                }
            }
            files_total += walked.files.len();
            for file in walked.files {
                match self.manifest.files.get(&file.path) {
                    Some(e) if !opts.full && e.size == file.size && e.modified_ns == file.modified_ns => {
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
        let mut progress = Progress { files_total, files_done: report.unchanged, ..Progress::default() };
        let mut since_commit = 0usize;
        for chunk in to_load.chunks(CHUNK_FILES) {
            if opts.cancel.as_ref().is_some_and(|c| c.load(Ordering::Relaxed)) {
                report.interrupted = true;
                break;
            }
            let manifest = &self.manifest;
            let full = opts.full;
            let outcomes: Vec<Outcome> =
                pool.install(|| chunk.par_iter().map(|f| load_one(f, manifest, full)).collect());
            for outcome in outcomes {
                progress.files_done += 1;
                match outcome {
                    Outcome::SameContent(file) => {
                        report.unchanged += 1;
                        progress.bytes += file.size;
                        if let Some(e) = self.manifest.files.get_mut(&file.path) {
                            e.size = file.size;
                            e.modified_ns = file.modified_ns;
                        }
                    }
                    Outcome::Binary(file) => {
                        progress.bytes += file.size;
                        report.skip("binary", 1);
                    }
                    Outcome::Failed(f) => report.failed.push(f),
                    Outcome::Loaded { file, hash, documents, warnings } => {
                        progress.bytes += file.size;
                        if documents.is_empty() {
                            // Nothing readable: keep what the index had of this file.
                            let reason = warnings.iter().map(|w| w.problem.to_string()).collect::<Vec<_>>().join("; ");
                            report.failed.push(FileFailure { path: file.path.clone(), reason });
                            continue;
                        }
                        report.warnings.extend(warnings);
                        let known = self.manifest.files.contains_key(&file.path);
                        if known {
                            report.updated += 1
                        } else {
                            report.added += 1
                        }
                        report.documents_indexed += documents.len();
                        progress.documents += documents.len();
                        since_commit += documents.len();
                        if opts.dry_run {
                            if known {
                                plan.update.push(file.path)
                            } else {
                                plan.add.push(file.path)
                            }
                            continue;
                        }
                        self.delete_file(&file.path);
                        for doc in &documents {
                            self.add(doc)?;
                        }
                        let ids = documents.into_iter().map(|d| d.id).collect();
                        self.manifest
                            .files
                            .insert(file.path, FileEntry { size: file.size, modified_ns: file.modified_ns, hash, ids });
                    }
                }
            }
            report.bytes_read = progress.bytes;
            if let Some(cb) = &opts.progress {
                cb(&progress);
            }
            if !opts.dry_run && opts.commit_every > 0 && since_commit >= opts.commit_every {
                self.commit()?;
                report.commits += 1;
                since_commit = 0;
            }
        }
        if !opts.dry_run {
            self.commit()?;
            report.commits += 1;
        }
        report.elapsed_secs = started.elapsed().as_secs_f64();
        if opts.dry_run {
            report.plan = Some(plan);
        } else {
            self.save_last_run(&report);
        }
        Ok(report)
    }
}

/// Reads, hashes, loads and enriches one file. Runs on the worker pool: no writer access.
fn load_one(file: &SourceFile, manifest: &super::Manifest, full: bool) -> Outcome {
    let bytes = match std::fs::read(&file.path) {
        Ok(b) => b,
        Err(e) => {
            return Outcome::Failed(FileFailure::new(file.path.clone(), Error::io(&file.path, e)));
        }
    };
    let hash = format!("{:016x}", xxhash_rust::xxh3::xxh3_64(&bytes));
    let mut file = file.clone();
    // The size recorded is that of the bytes read, so that a file growing while it is read
    // is seen as changed by the next run.
    file.size = bytes.len() as u64;
    if !full && manifest.files.get(&file.path).is_some_and(|e| e.hash == hash) {
        return Outcome::SameContent(file);
    }
    let mut loaded = load::load_bytes(&bytes, file.format, &file.id_base, &file.path);
    if loaded.documents.is_empty() && loaded.warnings.iter().any(|w| w.problem == crate::error::FileProblem::Binary) {
        return Outcome::Binary(file);
    }
    for doc in &mut loaded.documents {
        crate::enrich::enrich_document(doc);
    }
    Outcome::Loaded { file, hash, documents: loaded.documents, warnings: loaded.warnings }
}
