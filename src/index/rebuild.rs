//! Rebuilding an index beside itself: a rebuild that cannot happen in place (another schema
//! version, another vocabulary, an index that does not open) builds a new index in a hidden
//! folder next to the old one and puts it in the old one's place only once it is committed,
//! as an Elasticsearch alias is switched. Until then the old index stays whole, searchable
//! and locked against other writers; a kill, an interruption or a failure leaves it as it was.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use tantivy::directory::{Directory, INDEX_WRITER_LOCK, MmapDirectory, error::LockError};

use super::vocabulary::IndexVocabulary;
use super::{Index, ReindexOptions, ReindexReport};
use crate::enrich::Enricher;
use crate::error::{Error, Result};

impl Index {
    /// Rebuilds the index at `dir` from `opts.roots` with `enricher`'s vocabulary (the
    /// built-in one when `None`), beside the committed index: the new index is built in a
    /// hidden folder next to `dir` (`.NAME.gazette-rebuild`) and exchanged with the old one
    /// once it is committed. Searches see the old documents until then; the old index is
    /// locked against other writers meanwhile. An interrupted run (see
    /// [`ReindexOptions::cancel`]) or a failed one removes what it built and leaves the old
    /// index as it was; the report says `interrupted`. `memory_bytes` is the writer's budget
    /// (see [`Index::writer_with`]). Where the index does not exist yet, it is created.
    ///
    /// This is the way to change the schema version or the vocabulary of an index without a
    /// moment where it is gone; [`Index::recreate`] empties it at once instead.
    ///
    /// ```
    /// use gazette::{Index, ReindexOptions, enrich::Enricher, facet::Vocabulary};
    /// let t = tempfile::tempdir()?;
    /// let news = t.path().join("news");
    /// std::fs::create_dir(&news)?;
    /// std::fs::write(news.join("a.txt"), "Freedonia recalls its envoy\n\nFreedonia recalled its ambassador.")?;
    /// let dir = t.path().join("idx");
    /// Index::create(&dir)?.reindex(&ReindexOptions::new([&news]))?;
    /// let vocab = Vocabulary::from_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/vocabulary"))?;
    /// let report = Index::rebuild(&dir, Some(Enricher::new(vocab).into()), &ReindexOptions::new([&news]), 50 << 20)?;
    /// assert_eq!(report.documents_indexed, 1);
    /// let index = Index::open_with(&dir, Enricher::new(Vocabulary::from_dir(
    ///     concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/vocabulary"))?))?;
    /// assert_eq!(index.search(&gazette::SearchRequest::new("*").country("Freedonia"))?.total, 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn rebuild(
        dir: impl AsRef<Path>,
        enricher: Option<Arc<Enricher>>,
        opts: &ReindexOptions,
        memory_bytes: usize,
    ) -> Result<ReindexReport> {
        let dir = dir.as_ref();
        let vocabulary = || match &enricher {
            Some(e) => IndexVocabulary::given(e.clone()),
            None => IndexVocabulary::builtin(),
        };
        let opts = ReindexOptions { full: true, ..opts.clone() };
        // A run over a new index, its writer finished.
        let build = |index: &Index| {
            let mut writer = index.writer_with(memory_bytes, 0)?;
            let report = writer.reindex(&opts)?;
            writer.finish()?;
            Ok::<_, Error>(report)
        };
        if !Index::exists(dir) {
            return build(&Index::create_as(dir, vocabulary())?);
        }
        // The old index's writer lock, held until the switch: a run started meanwhile would
        // write into an index about to be replaced.
        let old = MmapDirectory::open(dir).map_err(|e| Error::io(dir, std::io::Error::other(e)))?;
        let lock = match old.acquire_lock(&INDEX_WRITER_LOCK) {
            Ok(lock) => lock,
            Err(LockError::LockBusy) => return Err(Error::IndexLocked { dir: dir.to_path_buf() }),
            Err(LockError::IoError(e)) => return Err(Error::io(dir, std::io::Error::new(e.kind(), e.to_string()))),
        };
        let beside = beside(dir)?;
        if beside.exists() {
            // Left by a rebuild that was killed: never committed in place of anything.
            std::fs::remove_dir_all(&beside).map_err(|e| Error::io(&beside, e))?;
        }
        let built = Index::create_as(&beside, vocabulary()).and_then(|mut index| {
            index.replaces = dir.canonicalize().ok();
            build(&index)
        });
        let report = match built {
            Ok(report) if !report.interrupted => report,
            other => {
                let _ = std::fs::remove_dir_all(&beside);
                return other;
            }
        };
        exchange(&beside, dir)?;
        drop(lock);
        // `beside` now holds the old index. Anything in it that is not an index's own (a
        // user's file) goes back into the folder; the rest goes.
        if let Ok(entries) = std::fs::read_dir(&beside) {
            for entry in entries.flatten() {
                let name = entry.file_name();
                if !super::is_index_file(&name.to_string_lossy()) && !dir.join(&name).exists() {
                    let _ = std::fs::rename(entry.path(), dir.join(&name));
                }
            }
        }
        std::fs::remove_dir_all(&beside).map_err(|e| Error::io(&beside, e))?;
        Ok(report)
    }
}

/// The hidden folder, next to `dir`, that a rebuild builds in.
fn beside(dir: &Path) -> Result<PathBuf> {
    let full = std::path::absolute(dir).map_err(|e| Error::io(dir, e))?;
    let (Some(parent), Some(name)) = (full.parent(), full.file_name()) else {
        return Err(Error::io(dir, std::io::Error::other("an index cannot be rebuilt at the root of the file system")));
    };
    let mut hidden = std::ffi::OsString::from(".");
    hidden.push(name);
    hidden.push(".gazette-rebuild");
    Ok(parent.join(hidden))
}

/// Puts `new` in place of `dir` and `dir` in place of `new`: atomically where the system
/// can (Linux's `renameat2` with `RENAME_EXCHANGE`), else by two renames (between which
/// `dir` is briefly missing, never lost: the old index is at `new` under the other name).
fn exchange(new: &Path, dir: &Path) -> Result<()> {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::ffi::OsStrExt;
        let c = |p: &Path| std::ffi::CString::new(p.as_os_str().as_bytes()).map_err(|e| Error::io(p, e.into()));
        let (from, to) = (c(new)?, c(dir)?);
        // SAFETY: both are NUL-terminated paths that live through the call.
        let done = unsafe {
            libc::renameat2(libc::AT_FDCWD, from.as_ptr(), libc::AT_FDCWD, to.as_ptr(), libc::RENAME_EXCHANGE)
        };
        if done == 0 {
            return Ok(());
        }
        let e = std::io::Error::last_os_error();
        // A file system without the exchange: the two renames below.
        if !matches!(e.raw_os_error(), Some(libc::EINVAL | libc::ENOSYS | libc::EOPNOTSUPP)) {
            return Err(Error::io(dir, e));
        }
    }
    let mut aside = new.as_os_str().to_os_string();
    aside.push(".old");
    let aside = PathBuf::from(aside);
    std::fs::rename(dir, &aside).map_err(|e| Error::io(dir, e))?;
    if let Err(e) = std::fs::rename(new, dir) {
        let _ = std::fs::rename(&aside, dir);
        return Err(Error::io(dir, e));
    }
    std::fs::rename(&aside, new).map_err(|e| Error::io(&aside, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rebuild_folder_is_hidden_next_to_the_index() {
        let t = tempfile::tempdir().unwrap();
        let b = beside(&t.path().join("idx")).unwrap();
        assert_eq!(b, t.path().join(".idx.gazette-rebuild"));
    }

    #[test]
    fn exchange_swaps_two_folders() {
        let t = tempfile::tempdir().unwrap();
        let (a, b) = (t.path().join("a"), t.path().join("b"));
        std::fs::create_dir(&a).unwrap();
        std::fs::create_dir(&b).unwrap();
        std::fs::write(a.join("x"), "new").unwrap();
        std::fs::write(b.join("x"), "old").unwrap();
        exchange(&a, &b).unwrap();
        assert_eq!(std::fs::read_to_string(b.join("x")).unwrap(), "new");
        assert_eq!(std::fs::read_to_string(a.join("x")).unwrap(), "old");
    }
}
