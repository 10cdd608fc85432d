//! The workers of a run: read, hash, load and enrich files on the pool, stream big JSON Lines
//! files a batch of lines at a time, and send the outcomes in order to the writer's thread.
//! They have no access to the writer.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;

use rayon::prelude::*;

use super::{CHUNK_FILES, ReindexOptions, STREAM_BYTES, STREAM_LINES};
use crate::enrich::{Enriched, Enricher};
use crate::error::{Error, FileProblem, ProblemFile};
use crate::load::{self, SourceFile};

/// What loading one file gave.
pub(super) enum Outcome {
    /// Same bytes as indexed; only the recorded modification time moves.
    SameContent(SourceFile),
    Loaded {
        file: SourceFile,
        hash: String,
        documents: Vec<Enriched>,
        warnings: Vec<ProblemFile>,
    },
    Binary(SourceFile),
    Failed(ProblemFile),
}

/// `work` on one file (or one record of it), with a panic (a bug) caught as that file's
/// failure, so that one file cannot bring down the batch or the program embedding it.
fn guarded<T>(path: &Path, line: Option<usize>, work: impl FnOnce() -> T, failed: impl FnOnce(ProblemFile) -> T) -> T {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(work)) {
        Ok(done) => done,
        Err(panic) => {
            let message = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            failed(ProblemFile::at(path, line, FileProblem::Bug(message)))
        }
    }
}

/// Reads, hashes, loads and enriches one file. Runs on the worker pool: no writer access.
fn load_one(
    enricher: &Enricher,
    file: &SourceFile,
    known: &HashMap<PathBuf, String>,
    full: bool,
    max_bytes: u64,
) -> Outcome {
    let too_large = || Outcome::Failed(ProblemFile::new(&file.path, FileProblem::TooLarge { limit: max_bytes }));
    if file.size > max_bytes {
        return too_large();
    }
    // Read at most one byte past the limit: a file that grew since the walk cannot take more.
    let read = std::fs::File::open(&file.path).and_then(|f| {
        let mut bytes = Vec::with_capacity(file.size as usize);
        std::io::Read::read_to_end(&mut std::io::Read::take(f, max_bytes.saturating_add(1)), &mut bytes).map(|_| bytes)
    });
    let bytes = match read {
        Ok(b) if b.len() as u64 > max_bytes => return too_large(),
        Ok(b) => b,
        Err(e) => {
            return Outcome::Failed(ProblemFile::unreadable(file.path.clone(), Error::io(&file.path, e)));
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
pub(super) enum Msg {
    /// A batch of whole files.
    Files(Vec<Outcome>),
    /// A big JSON Lines file starts: its previous documents go.
    StreamStart(SourceFile),
    /// The next documents of that file, with the problems of its lines and the bytes read.
    StreamDocs { documents: Vec<Enriched>, warnings: Vec<ProblemFile>, bytes: u64 },
    /// The file is done; `failure` when it could not be read to the end or changed meanwhile.
    StreamEnd { hash: String, failure: Option<ProblemFile> },
}

/// Loads the files to load, a batch at a time on the pool, and sends the outcomes in order.
/// Stops early when cancelled or when the receiver is gone (the writer failed).
pub(super) fn produce(
    pool: &rayon::ThreadPool,
    enricher: &Enricher,
    files: &[SourceFile],
    known: &HashMap<PathBuf, String>,
    opts: &ReindexOptions,
    tx: crossbeam_channel::Sender<Msg>,
) {
    let cancelled = || opts.cancel.as_ref().is_some_and(|c| c.load(Ordering::Relaxed));
    let stream_above = if opts.stream_above == 0 { STREAM_BYTES } else { opts.stream_above };
    let max_bytes = if opts.max_file_bytes == 0 { super::report::MAX_FILE_BYTES } else { opts.max_file_bytes };
    let (big, small): (Vec<&SourceFile>, Vec<&SourceFile>) = files.iter().partition(|f| {
        f.format == Some(load::Format::JsonLines) && f.size > stream_above && !load::starts_utf16(&f.path)
    });
    for chunk in small.chunks(CHUNK_FILES) {
        if cancelled() {
            return;
        }
        let outcomes = pool.install(|| {
            chunk
                .par_iter()
                .map(|f| guarded(&f.path, None, || load_one(enricher, f, known, opts.full, max_bytes), Outcome::Failed))
                .collect()
        });
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
    let fail = |e: std::io::Error| ProblemFile::unreadable(file.path.clone(), Error::io(&file.path, e));
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
    let mut hash = String::new();
    let mut read = || -> std::io::Result<Option<ProblemFile>> {
        let mut lines = load::LineBatches::new(std::fs::File::open(&file.path)?);
        loop {
            let (batch, bytes) = lines.next_batch(STREAM_LINES)?;
            if batch.is_empty() && bytes == 0 {
                hash = lines.digest();
                return Ok(None);
            }
            let loaded: Vec<(Vec<Enriched>, Vec<ProblemFile>)> = pool.install(|| {
                batch
                    .par_iter()
                    .map(|line| {
                        if line.too_long {
                            let limit = load::MAX_RECORD_BYTES as u64;
                            let problem = FileProblem::RecordTooLarge { limit };
                            return (Vec::new(), vec![ProblemFile::at(&file.path, Some(line.number), problem)]);
                        }
                        let load = || {
                            let l =
                                load::load_json_line(&line.bytes, line.number, line.record, &file.id_base, &file.path);
                            let documents: Vec<Enriched> =
                                l.documents.into_iter().map(|d| Enriched::new(d, enricher)).collect();
                            (documents, l.warnings)
                        };
                        guarded(&file.path, Some(line.number), load, |p| (Vec::new(), vec![p]))
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
                return Ok(Some(ProblemFile::new(file.path.clone(), FileProblem::Interrupted)));
            }
        }
    };
    let failure = match read() {
        Ok(f) => f,
        Err(e) if e.to_string() == "the writer stopped" => return false,
        Err(e) => Some(fail(e)),
    };
    let failure = failure.or_else(|| {
        (hash != first_hash).then(|| ProblemFile::new(file.path.clone(), FileProblem::ChangedWhileStreamed))
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
fn changed_while_read(file: &SourceFile, bytes_read: u64) -> Option<ProblemFile> {
    let now = std::fs::metadata(&file.path).ok()?;
    let modified_ns = crate::load::modified_ns(&now);
    (bytes_read != file.size || now.len() != file.size || modified_ns != file.modified_ns)
        .then(|| ProblemFile::new(file.path.clone(), FileProblem::ChangedWhileRead))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::WalkOptions;

    #[test]
    fn a_panic_on_one_file_is_that_files_failure() {
        let path = Path::new("news/a.txt");
        let failed = |p: ProblemFile| Err::<(), _>(p);
        assert_eq!(guarded(path, None, || Ok(()), failed), Ok(()));
        let err = guarded(path, Some(3), || -> Result<(), ProblemFile> { panic!("index out of bounds") }, failed);
        let err = err.unwrap_err();
        assert_eq!((err.path.as_path(), err.line), (path, Some(3)));
        assert_eq!(err.problem, FileProblem::Bug("index out of bounds".into()));
        assert!(err.to_string().contains("a bug to report"), "{err}");
    }

    #[test]
    fn a_file_that_changed_since_the_walk_is_left_for_the_next_run() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.txt");
        std::fs::write(&path, "Talks\n\nThey met.").unwrap();
        let file = load::walk(dir.path(), &WalkOptions::default()).files.remove(0);
        let known = HashMap::new();
        let enricher = crate::enrich::Enricher::builtin().unwrap();
        assert!(matches!(load_one(&enricher, &file, &known, false, u64::MAX), Outcome::Loaded { .. }));
        // Rewritten between the walk and the read: another size.
        std::fs::write(&path, "Talks resume\n\nThey met again on Monday.").unwrap();
        match load_one(&enricher, &file, &known, false, u64::MAX) {
            Outcome::Failed(f) => assert_eq!(f.problem, FileProblem::ChangedWhileRead, "{f}"),
            _ => panic!("a changed file must not be loaded"),
        }
    }
}
