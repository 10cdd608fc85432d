//! What a run is asked to do and what it reports: options, progress, failures, the plan of a
//! dry run.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use serde::Serialize;

use crate::error::ProblemFile;

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
    /// Reindex everything, ignoring the manifest. A full run commits once, at its end (never
    /// every `commit_every` documents), so that until then searches see the index as it was,
    /// and an interrupted or killed rebuild leaves it whole.
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
    /// Files larger than this many bytes (other than JSON Lines files, which are streamed)
    /// are not read, each a failure of its own, so that one file cannot take a batch's memory
    /// (0: [`MAX_FILE_BYTES`]).
    pub max_file_bytes: u64,
}

/// The default of [`ReindexOptions::max_file_bytes`]: 256 MiB, far above any article, report
/// or page.
pub const MAX_FILE_BYTES: u64 = 256 << 20;

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
    pub failed: Vec<ProblemFile>,
    /// Problems in files that were still indexed (a bad JSONL line, invalid UTF-8, ...).
    pub warnings: Vec<ProblemFile>,
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
    #[serde(serialize_with = "readable_paths")]
    pub add: Vec<PathBuf>,
    /// Files that would be updated.
    #[serde(serialize_with = "readable_paths")]
    pub update: Vec<PathBuf>,
    /// Files whose documents would be removed.
    #[serde(serialize_with = "readable_paths")]
    pub remove: Vec<PathBuf>,
}

/// Paths in JSON as readable text, whatever their bytes (serde refuses a path that is not
/// UTF-8), through [`path_text`](crate::document::path_text).
fn readable_paths<S: serde::Serializer>(paths: &[PathBuf], s: S) -> std::result::Result<S::Ok, S::Error> {
    s.collect_seq(paths.iter().map(|p| crate::document::path_text(p)))
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

    pub(super) fn skip(&mut self, reason: &str, n: usize) {
        if n > 0 {
            *self.skipped.entry(reason.to_string()).or_default() += n;
        }
    }
}
