//! The one [`Writer`] of an index: documents in and out, the manifest of source files, and
//! commits that make both durable together.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tantivy::{IndexWriter, Term};

use super::manifest::{self, FileEntry, Manifest};
use super::vocabulary::VOCABULARY_DIR;
use super::{Index, LAST_RUN_FILE, Payload, ReindexReport, convert};
use crate::document::Document;
use crate::enrich::{Enricher, Enrichment};
use crate::error::{Error, Result};

/// The log may grow to this many bytes, or the snapshot's size if larger, before a commit
/// writes a new snapshot.
const MIN_LOG_BYTES_BEFORE_SNAPSHOT: u64 = 1 << 20;

/// The one writer of an index. Changes become visible to searches at [`Writer::commit`].
///
/// ```
/// use gazette::{Document, Index};
/// let index = Index::create_in_ram()?;
/// let mut w = index.writer()?;
/// w.add(&Document::new("a", "Talks", "The talks began."))?;
/// assert_eq!(index.num_docs(), 0);
/// w.commit()?;
/// assert_eq!(index.num_docs(), 1);
/// # Ok::<(), gazette::Error>(())
/// ```
pub struct Writer<'a> {
    pub(super) index: &'a Index,
    pub(super) inner: IndexWriter,
    pub(super) manifest: Manifest,
    /// Files whose entries changed since the last commit.
    pub(super) changes: BTreeMap<PathBuf, manifest::Change>,
    /// Where the manifest of the last commit is.
    pub(super) stored: Option<manifest::Stored>,
    /// The next commit writes a whole snapshot (after `delete_all`).
    pub(super) snapshot_needed: bool,
    /// The index's enricher, once a document needed it.
    pub(super) enricher: Option<Arc<Enricher>>,
}

impl Writer<'_> {
    /// Adds a document, enriched with the index's vocabulary, replacing any document with
    /// the same id.
    ///
    /// ```
    /// use gazette::{Document, Index};
    /// let index = Index::create_in_ram()?;
    /// let mut w = index.writer()?;
    /// w.add(&Document::new("a", "Talks", "The talks began."))?;
    /// w.add(&Document::new("a", "Talks end", "The talks ended."))?; // replaces "a"
    /// w.commit()?;
    /// assert_eq!(index.num_docs(), 1);
    /// assert_eq!(index.get("a")?.document.title, "Talks end");
    /// # Ok::<(), gazette::Error>(())
    /// ```
    pub fn add(&mut self, doc: &Document) -> Result<()> {
        let enrichment = self.index_enricher()?.enrich(doc);
        self.add_enriched(doc, &enrichment)
    }

    /// The index's enricher, compiled at the first document that needs it.
    pub(crate) fn index_enricher(&mut self) -> Result<Arc<Enricher>> {
        Ok(match &self.enricher {
            Some(e) => e.clone(),
            None => self.enricher.insert(self.index.enricher()?).clone(),
        })
    }

    /// Adds a document with an enrichment made by the caller (with this index's vocabulary:
    /// see [`Index::enricher`]), replacing any document with the same id.
    ///
    /// ```
    /// use gazette::{Document, Index, SearchRequest, enrich::Enrichment};
    /// let index = Index::create_in_ram()?;
    /// let mut w = index.writer()?;
    /// let doc = Document::new("a", "Talks in Kyiv", "Ukraine and Poland began talks.");
    /// w.add_enriched(&doc, &Enrichment::default())?; // no facets
    /// w.commit()?;
    /// assert_eq!(index.search(&SearchRequest::new("*").country("Ukraine"))?.total, 0);
    /// # Ok::<(), gazette::Error>(())
    /// ```
    pub fn add_enriched(&mut self, doc: &Document, enrichment: &Enrichment) -> Result<()> {
        let f = &self.index.fields;
        self.inner.delete_term(Term::from_field_text(f.id, &doc.id));
        match self.inner.add_document(convert::to_tantivy(f, doc, enrichment)) {
            Ok(_) => Ok(()),
            Err(e) => Err(self.index.write_error(e.into())),
        }
    }

    /// Deletes the document with this id (if any).
    ///
    /// ```
    /// use gazette::{Document, Index};
    /// let index = Index::create_in_ram()?;
    /// let mut w = index.writer()?;
    /// w.add(&Document::new("a", "Talks", "The talks began."))?;
    /// w.add(&Document::new("b", "Grain", "Ukraine shipped wheat."))?;
    /// w.commit()?;
    /// w.delete("a");
    /// w.commit()?;
    /// assert_eq!((index.num_docs(), index.get("b")?.document.id.as_str()), (1, "b"));
    /// # Ok::<(), gazette::Error>(())
    /// ```
    pub fn delete(&mut self, id: &str) {
        self.inner.delete_term(Term::from_field_text(self.index.fields.id, id));
    }

    /// Deletes every document that came from this source file: by its stored path, and for
    /// a file whose ids were made the old way (its path stored in an older spelling too) by
    /// the ids the manifest recorded.
    pub(crate) fn delete_file(&mut self, path: &Path) {
        self.inner.delete_term(Term::from_field_text(self.index.fields.path, &crate::document::path_text(path)));
        if let Some(entry) = self.manifest.files.get(path)
            && entry.ids_version < manifest::IDS_VERSION
        {
            for id in &entry.ids {
                self.inner.delete_term(Term::from_field_text(self.index.fields.id, id));
            }
        }
    }

    /// Deletes every document and forgets every file.
    ///
    /// ```
    /// use gazette::{Document, Index};
    /// let index = Index::create_in_ram()?;
    /// let mut w = index.writer()?;
    /// w.add(&Document::new("a", "Talks", "The talks began."))?;
    /// w.add(&Document::new("b", "Grain", "Ukraine shipped wheat."))?;
    /// w.commit()?;
    /// w.delete_all()?;
    /// w.commit()?;
    /// assert_eq!(index.num_docs(), 0);
    /// # Ok::<(), gazette::Error>(())
    /// ```
    pub fn delete_all(&mut self) -> Result<()> {
        self.inner.delete_all_documents()?;
        self.manifest = Manifest::default();
        self.changes.clear();
        self.snapshot_needed = true;
        Ok(())
    }

    /// Records what the index holds of a source file, for the next commit.
    pub(crate) fn set_file(&mut self, path: PathBuf, entry: FileEntry) {
        self.change(path, manifest::Change::Set(entry));
    }

    /// Records that the index holds nothing of a source file any more.
    pub(crate) fn forget_file(&mut self, path: &Path) {
        if self.manifest.files.contains_key(path) {
            self.change(path.to_path_buf(), manifest::Change::Remove);
        }
    }

    /// Records more documents of a file indexed in parts; its entry has an empty hash until
    /// [`Writer::set_file`] records it whole.
    pub(crate) fn extend_file(&mut self, path: PathBuf, size: u64, modified_ns: u64, ids: Vec<String>) {
        self.change(path, manifest::Change::Extend { size, modified_ns, ids });
    }

    fn change(&mut self, path: PathBuf, change: manifest::Change) {
        change.clone().apply(&mut self.manifest.files, path.clone());
        let merged = match self.changes.remove(&path) {
            Some(previous) => previous.then(change),
            None => change,
        };
        self.changes.insert(path, merged);
    }

    /// The manifest as it will be committed.
    pub(crate) fn pending_manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// Commits: makes all changes durable and visible, together with the manifest.
    ///
    /// ```
    /// use gazette::{Document, Index, SearchRequest};
    /// let index = Index::create_in_ram()?;
    /// let mut w = index.writer()?;
    /// w.add(&Document::new("a", "Talks", "The talks began."))?;
    /// assert_eq!(index.search(&SearchRequest::new("talks"))?.total, 0);
    /// w.commit()?;
    /// assert_eq!(index.search(&SearchRequest::new("talks"))?.total, 1);
    /// # Ok::<(), gazette::Error>(())
    /// ```
    pub fn commit(&mut self) -> Result<()> {
        self.commit_changes().map_err(|e| self.index.write_error(e))
    }

    fn commit_changes(&mut self) -> Result<()> {
        let version = self.index.fields.spec.version;
        if let Some(dir) = &self.index.dir {
            // The index keeps the files of its vocabulary (written once, before the first
            // commit that names it, so that a crash never leaves a commit without them).
            let copy = dir.join(VOCABULARY_DIR);
            if !copy.is_dir() {
                let tmp = dir.join(format!("{VOCABULARY_DIR}.tmp"));
                let _ = std::fs::remove_dir_all(&tmp);
                self.index.vocabulary()?.write_to(&tmp)?;
                std::fs::rename(&tmp, &copy).map_err(|e| Error::io(&copy, e))?;
            }
        }
        let mut prepared = self.inner.prepare_commit()?;
        let stored = match &self.index.dir {
            Some(dir) => {
                let previous = self.stored.as_ref().filter(|_| !self.snapshot_needed);
                Some(write_manifest(dir, prepared.opstamp(), &self.manifest, previous, &self.changes)?)
            }
            None => None,
        };
        let payload = Payload {
            gazette_schema: version,
            manifest: stored.clone(),
            vocabulary: Some(self.index.vocabulary.fingerprint.clone()),
        };
        prepared.set_payload(&serde_json::to_string(&payload).expect("payload serializes"));
        prepared.commit()?;
        match (&self.index.dir, &stored) {
            (Some(dir), Some(stored)) => Manifest::remove_others(dir, stored),
            (None, _) => *self.index.ram_manifest.lock().unwrap_or_else(|e| e.into_inner()) = self.manifest.clone(),
            (Some(_), None) => {}
        }
        self.stored = stored;
        self.changes.clear();
        self.snapshot_needed = false;
        self.index.reader.reload()?;
        Ok(())
    }

    /// Drops every change since the last commit.
    ///
    /// ```
    /// use gazette::{Document, Index};
    /// let index = Index::create_in_ram()?;
    /// let mut w = index.writer()?;
    /// w.add(&Document::new("a", "Talks", "The talks began."))?;
    /// w.rollback()?;
    /// w.add(&Document::new("b", "Grain", "Ukraine shipped wheat."))?;
    /// w.commit()?;
    /// assert_eq!(index.num_docs(), 1);
    /// assert!(index.get("a").is_err());
    /// # Ok::<(), gazette::Error>(())
    /// ```
    pub fn rollback(&mut self) -> Result<()> {
        self.inner.rollback()?;
        self.manifest = self.index.manifest()?;
        self.changes.clear();
        self.snapshot_needed = false;
        Ok(())
    }

    pub(crate) fn save_last_run(&self, report: &ReindexReport) {
        if let Some(dir) = &self.index.dir
            && let Ok(json) = serde_json::to_vec_pretty(report)
        {
            let tmp = dir.join(format!("{LAST_RUN_FILE}.tmp"));
            if std::fs::write(&tmp, json).is_ok() {
                let _ = std::fs::rename(tmp, dir.join(LAST_RUN_FILE));
            }
        }
    }

    /// Waits for background merges to finish (call before the process exits).
    ///
    /// ```
    /// use gazette::{Document, Index};
    /// let index = Index::create_in_ram()?;
    /// let mut w = index.writer()?;
    /// w.add(&Document::new("a", "Talks", "The talks began."))?;
    /// w.commit()?;
    /// w.finish()?;
    /// assert_eq!(index.num_docs(), 1);
    /// assert!(index.writer().is_ok()); // the lock is released
    /// # Ok::<(), gazette::Error>(())
    /// ```
    pub fn finish(self) -> Result<()> {
        let index = self.index;
        self.inner.wait_merging_threads().map_err(|e| index.write_error(e.into()))
    }
}

/// Writes the manifest of a commit: the changes appended to the log of the previous commit,
/// or a new snapshot when there is none to append to or the log has outgrown the snapshot.
fn write_manifest(
    dir: &Path,
    opstamp: u64,
    manifest: &Manifest,
    previous: Option<&manifest::Stored>,
    changes: &BTreeMap<PathBuf, manifest::Change>,
) -> Result<manifest::Stored> {
    if let Some(stored) = previous {
        let snapshot_len = std::fs::metadata(dir.join(&stored.snapshot)).map(|m| m.len()).unwrap_or(0);
        if stored.log_len <= snapshot_len.max(MIN_LOG_BYTES_BEFORE_SNAPSHOT) {
            return Manifest::append_log(dir, stored, changes);
        }
    }
    manifest.write_snapshot(dir, opstamp)
}

impl Index {
    /// A failed write of this index, as [`Error::DiskFull`] when the disk is full: when the
    /// system said so (ENOSPC, also inside tantivy's messages), or when tantivy lost the
    /// cause (a writer thread that died) and the disk has no room left.
    pub(crate) fn write_error(&self, e: Error) -> Error {
        let Some(dir) = &self.dir else { return e };
        let said_full = match &e {
            Error::Io { cause, .. } => cause.kind() == std::io::ErrorKind::StorageFull,
            Error::Tantivy(tantivy::TantivyError::IoError(io)) => io.kind() == std::io::ErrorKind::StorageFull,
            Error::DiskFull { .. } => return e,
            other => other.to_string().contains("os error 28"),
        };
        if said_full || free_bytes(dir).is_some_and(|free| free < 1 << 20) {
            // The system's words, without tantivy's wrapping of them.
            let cause = match &e {
                Error::Io { path, cause } => format!("{}: {cause}", crate::document::path_text(path)),
                _ if said_full => "No space left on device".to_string(),
                _ => "a write of the index failed and the disk has no room left".to_string(),
            };
            return Error::DiskFull { dir: dir.clone(), cause };
        }
        e
    }
}

/// Bytes free for an unprivileged writer on the file system holding `dir`.
#[cfg(target_os = "linux")]
fn free_bytes(dir: &Path) -> Option<u64> {
    use std::os::unix::ffi::OsStrExt;
    let path = std::ffi::CString::new(dir.as_os_str().as_bytes()).ok()?;
    let mut stat = std::mem::MaybeUninit::<libc::statvfs>::uninit();
    // SAFETY: a NUL-terminated path and a buffer of the right type, read only on success.
    let stat = unsafe { (libc::statvfs(path.as_ptr(), stat.as_mut_ptr()) == 0).then(|| stat.assume_init())? };
    Some(stat.f_bavail as u64 * stat.f_frsize as u64)
}

#[cfg(not(target_os = "linux"))]
fn free_bytes(_dir: &Path) -> Option<u64> {
    None
}
