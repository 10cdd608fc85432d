//! Incremental batch reindexing: walk the roots, compare with the manifest, load and enrich
//! what changed on a pool of workers (`workers.rs`) while this thread feeds the one writer and
//! commits periodically, and report what happened (`report.rs`).

mod report;
mod workers;

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::time::Instant;

pub use report::MAX_FILE_BYTES;
pub use report::{Plan, Progress, ProgressFn, ReindexOptions, ReindexReport};
use workers::{Msg, Outcome, produce};

use super::{FileEntry, IDS_VERSION, Index, Writer};
use crate::error::{Error, FileProblem, ProblemFile, Result};
use crate::load::{self, SourceFile, WalkOptions};

/// How many files are loaded in parallel before their documents go to the writer.
const CHUNK_FILES: usize = 256;

/// Default of [`ReindexOptions::stream_above`].
const STREAM_BYTES: u64 = 32 << 20;

/// Lines per batch of a streamed JSON Lines file.
const STREAM_LINES: usize = 2048;

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
    /// let news = dir.path().join("news");
    /// std::fs::create_dir(&news)?;
    /// std::fs::write(news.join("a.txt"), "Talks in Geneva\n\nGENEVA - Talks began.")?;
    /// let index = gazette::Index::create_in_ram()?;
    /// let report = index.reindex(&gazette::ReindexOptions::new([&news]))?;
    /// assert_eq!((report.added, report.documents_indexed), (1, 1));
    /// // Ids made from paths begin with the root's name.
    /// assert_eq!(index.get("news/a.txt")?.document.dateline.as_deref(), Some("GENEVA"));
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
        let exclude: Vec<PathBuf> = [self.index.dir().and_then(|d| d.canonicalize().ok()), self.index.replaces.clone()]
            .into_iter()
            .flatten()
            .collect();
        let walk_opts = WalkOptions { follow_symlinks: opts.follow_symlinks, exclude };

        // Walk every root and decide, per file, whether it must be read.
        let mut to_load: Vec<SourceFile> = Vec::new();
        let mut files_total = 0;
        for root in &opts.roots {
            let root = match root.canonicalize() {
                Ok(r) => r,
                Err(e) => {
                    report.failed.push(ProblemFile::unreadable(root.clone(), Error::io(root, e)));
                    continue;
                }
            };
            let walked = load::walk(&root, &walk_opts);
            report.skip("unsupported format", walked.unsupported.len());
            report.skip("ignored", walked.ignored.len());
            report.skip("not a regular file", walked.special.len());
            report.skip("symbolic link, not followed", walked.links.len());
            let unreadable: Vec<PathBuf> = walked
                .errors
                .iter()
                .map(|e| match e {
                    Error::Io { path, .. } => path.clone(),
                    _ => root.clone(),
                })
                .collect();
            for e in walked.errors {
                report.failed.push(ProblemFile::unreadable(root.clone(), e));
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
                            && e.ids_version == IDS_VERSION
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
            .filter_map(|f| self.pending_manifest().files.get(&f.path).map(|e| (f.path.clone(), e)))
            // A file whose ids were made the old way is read again whatever its content.
            .filter(|(_, e)| e.ids_version == IDS_VERSION)
            .map(|(path, e)| (path, e.hash.clone()))
            .collect();
        let mut run = Run {
            progress: Progress { files_total, files_done: report.unchanged, ..Progress::default() },
            since_commit: 0,
            owners: IdOwners::new(self.pending_manifest().files.iter()),
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
        if opts.full && run.report.interrupted && !opts.dry_run {
            // A rebuild stopped half way is not committed: the index stays as it was, whole.
            self.rollback()?;
        } else if !opts.dry_run {
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
                let Some((file, _, ids)) = &mut run.streaming else { return Ok(()) };
                let problems =
                    run.owners.claim(&file.path, documents.iter().map(|e| e.document.id.as_str()), ids.all.is_empty());
                run.report.warnings.extend(problems);
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
                        let entry = FileEntry {
                            size: file.size,
                            modified_ns: file.modified_ns,
                            hash,
                            ids: ids.all,
                            ids_version: IDS_VERSION,
                        };
                        self.set_file(file.path, entry);
                    }
                }
            }
        }
        run.report.bytes_read = run.progress.bytes;
        if let Some(cb) = &opts.progress {
            cb(&run.progress);
        }
        // A full rebuild commits once, at its end: until then searches see the index as it
        // was, and a kill or an interruption leaves it whole (tantivy applies the deletion of
        // every document at that commit, not before).
        if !opts.dry_run && !opts.full && opts.commit_every > 0 && run.since_commit >= opts.commit_every {
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
                    let problems = warnings.into_iter().map(|w| w.problem).collect();
                    report.failed.push(ProblemFile::new(file.path.clone(), FileProblem::NoDocuments(problems)));
                    return Ok(());
                }
                report.warnings.extend(warnings);
                let ids = documents.iter().map(|e| e.document.id.as_str());
                report.warnings.extend(run.owners.claim(&file.path, ids, true));
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
                let entry =
                    FileEntry { size: file.size, modified_ns: file.modified_ns, hash, ids, ids_version: IDS_VERSION };
                self.set_file(file.path, entry);
            }
        }
        Ok(())
    }
}

/// Which file each document id belongs to, so that a document taking the id of another
/// file's document (which it replaces: an id is a document) is reported, naming both files.
/// Ids are kept as 64-bit hashes: a run over millions of documents keeps no second copy of
/// their ids.
#[derive(Default)]
struct IdOwners {
    /// Id hash -> file number.
    owner: rustc_hash::FxHashMap<u64, u32>,
    /// The id hashes each file took, by file number: what a file lets go when it is read
    /// again, without a pass over every id of the index.
    owned: Vec<Vec<u64>>,
    files: Vec<PathBuf>,
    numbers: HashMap<PathBuf, u32>,
}

impl IdOwners {
    fn new<'a>(files: impl Iterator<Item = (&'a PathBuf, &'a FileEntry)>) -> IdOwners {
        let mut owners = IdOwners::default();
        for (path, entry) in files {
            let n = owners.number(path);
            for id in &entry.ids {
                let h = xxhash_rust::xxh3::xxh3_64(id.as_bytes());
                owners.owner.insert(h, n);
                owners.owned[n as usize].push(h);
            }
        }
        owners
    }

    fn number(&mut self, path: &Path) -> u32 {
        if let Some(&n) = self.numbers.get(path) {
            return n;
        }
        let n = self.files.len() as u32;
        self.files.push(path.to_path_buf());
        self.owned.push(Vec::new());
        self.numbers.insert(path.to_path_buf(), n);
        n
    }

    /// Records that `path` now holds these documents (`first`: the first batch of the file,
    /// whose earlier documents it replaces); a problem for each id another file held, or that
    /// the file gives twice.
    fn claim<'a>(&mut self, path: &Path, ids: impl Iterator<Item = &'a str>, first: bool) -> Vec<ProblemFile> {
        let n = self.number(path);
        if first {
            for h in std::mem::take(&mut self.owned[n as usize]) {
                if self.owner.get(&h) == Some(&n) {
                    self.owner.remove(&h);
                }
            }
        }
        let mut problems = Vec::new();
        for id in ids {
            let h = xxhash_rust::xxh3::xxh3_64(id.as_bytes());
            self.owned[n as usize].push(h);
            let previous = self.owner.insert(h, n);
            // After the file's own earlier documents are let go, any id already held is
            // another file's, or one this file gives twice.
            if let Some(other) = previous {
                let other = self.files[other as usize].clone();
                problems.push(ProblemFile::new(path, FileProblem::DuplicateId { id: id.to_string(), other }));
            }
        }
        problems
    }
}

/// State of a run on the writer's side.
struct Run {
    report: ReindexReport,
    plan: Plan,
    progress: Progress,
    since_commit: usize,
    /// The file of each document id.
    owners: IdOwners,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Document;

    /// Issue "hardening": an index whose ids were made relative to the root (before they began
    /// with the root's name) moves to the new ids at its next run: each file is read again
    /// though its content is the same, its old documents go, and a later run finds it
    /// unchanged.
    #[test]
    fn files_indexed_with_old_ids_are_read_again_and_lose_their_old_documents() {
        let t = tempfile::tempdir().unwrap();
        let root = t.path().join("news");
        std::fs::create_dir(&root).unwrap();
        let root = root.canonicalize().unwrap();
        let index = Index::create_in_ram().unwrap();
        // As an older Gazette left the index: ids relative to the root, entries of version 0.
        let mut w = index.writer().unwrap();
        for name in ["a.txt", "b.txt"] {
            let path = root.join(name);
            std::fs::write(&path, format!("Talks {name}\n\nThey met.")).unwrap();
            let meta = std::fs::metadata(&path).unwrap();
            let doc = Document { path: Some(path.clone()), ..Document::new(name, "Talks", "They met.") };
            w.add(&doc).unwrap();
            let hash = format!("{:016x}", xxhash_rust::xxh3::xxh3_64(&std::fs::read(&path).unwrap()));
            let entry = FileEntry {
                size: meta.len(),
                modified_ns: load::modified_ns(&meta),
                hash,
                ids: vec![name.to_string()],
                ids_version: 0,
            };
            w.set_file(path, entry);
        }
        w.commit().unwrap();
        drop(w);
        let report = index.reindex(&ReindexOptions::new([&root])).unwrap();
        assert_eq!((report.updated, report.unchanged, report.documents_indexed), (2, 0, 2), "{report:?}");
        assert_eq!(index.num_docs(), 2);
        // The old id is gone, and asking for it names the new one.
        match index.get("a.txt") {
            Err(Error::DocumentNotFound { similar, .. }) => assert_eq!(similar.as_deref(), Some("news/a.txt")),
            other => panic!("{:?}", other.map(|e| e.document.id)),
        }
        assert_eq!(index.get("news/a.txt").unwrap().document.title, "Talks a.txt");
        let manifest = index.manifest().unwrap();
        assert!(manifest.files.values().all(|e| e.ids_version == IDS_VERSION && e.ids[0].starts_with("news/")));
        let again = index.reindex(&ReindexOptions::new([&root])).unwrap();
        assert_eq!((again.unchanged, again.documents_indexed), (2, 0), "{again:?}");
    }
}
