//! The on-disk (or in-RAM) index: opening and creating it with schema-version checks, the
//! single writer, and incremental batch reindexing of folders.
//!
//! The schema version and the name of the current [`Manifest`] travel in the payload of
//! every tantivy commit, so what is recorded always matches what is committed.

mod convert;
mod manifest;
mod merges;
mod rebuild;
mod reindex;
mod vocabulary;
mod writer;

pub(crate) use convert::stored_date;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use tantivy::directory::error::LockError;
use tantivy::query::TermQuery;
use tantivy::schema::IndexRecordOption;
use tantivy::{IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, TantivyError, Term};

pub use manifest::{FileEntry, IDS_VERSION, Manifest};
pub use reindex::{MAX_FILE_BYTES, Plan, Progress, ProgressFn, ReindexOptions, ReindexReport};
pub use writer::Writer;

use crate::enrich::{Enriched, Enricher};
use crate::error::{Error, Result};
use crate::facet::Vocabulary;
use crate::facet::cache::ValueCache;
use crate::schema::Fields;
use vocabulary::{IndexVocabulary, VOCABULARY_DIR};

/// Default memory budget of the writer, all indexing threads together.
pub const WRITER_MEMORY_BYTES: usize = 256 * 1024 * 1024;

pub use merges::MAX_MERGED_DOCS;

/// tantivy refuses less than this per indexing thread.
const MIN_MEMORY_PER_THREAD_BYTES: usize = 15 * 1024 * 1024;

const LAST_RUN_FILE: &str = "gazette-last-run.json";

/// Whether a file of an index's folder is the index's own (tantivy's or Gazette's), not a
/// file someone put there.
fn is_index_file(name: &str) -> bool {
    const SUFFIXES: [&str; 9] = [
        ".idx", ".pos", ".term", ".store", ".fast", ".fieldnorm", ".del", ".tantivy-writer.lock", ".tantivy-meta.lock",
    ];
    name == "meta.json"
        || name == ".managed.json"
        || name.starts_with("gazette-")
        || SUFFIXES.iter().any(|s| name.ends_with(s))
}

/// What Gazette records in each commit.
#[derive(Debug, Serialize, Deserialize)]
struct Payload {
    gazette_schema: u32,
    #[serde(default)]
    manifest: Option<manifest::Stored>,
    /// The fingerprint of the vocabulary the index was built with; none in indexes made
    /// before vocabularies were recorded, which were all built with the built-in one.
    #[serde(default)]
    vocabulary: Option<String>,
}

/// A Gazette index: a tantivy index with Gazette's schema, one long-lived reader, and the
/// manifest of the files it was built from.
///
/// ```
/// use gazette::{Document, Index, SearchRequest};
/// let index = Index::create_in_ram()?;
/// let mut writer = index.writer()?;
/// writer.add(&Document::new("a", "Sanctions on Iran", "Washington announced new sanctions."))?;
/// writer.commit()?;
/// assert_eq!(index.num_docs(), 1);
/// # Ok::<(), gazette::Error>(())
/// ```
pub struct Index {
    inner: tantivy::Index,
    reader: IndexReader,
    fields: Arc<Fields>,
    dir: Option<PathBuf>,
    /// What facet counting learnt of the segments' values, for the next searches.
    facet_values: Arc<ValueCache>,
    /// The committed manifest of an index in memory, which has no directory to keep it in.
    ram_manifest: std::sync::Mutex<Manifest>,
    /// The vocabulary that enriches its documents and resolves its facet values.
    vocabulary: IndexVocabulary,
    /// The index this one is being built to replace (see [`Index::rebuild`]), whose folder
    /// its runs must not walk into either.
    replaces: Option<PathBuf>,
}

impl std::fmt::Debug for Index {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Index").field("dir", &self.dir).field("num_docs", &self.num_docs()).finish()
    }
}

impl Index {
    /// A new empty index in memory (for tests, examples and short-lived embedding).
    ///
    /// ```
    /// let index = gazette::Index::create_in_ram()?;
    /// assert_eq!(index.num_docs(), 0);
    /// assert_eq!(index.dir(), None);
    /// # Ok::<(), gazette::Error>(())
    /// ```
    pub fn create_in_ram() -> Result<Index> {
        let fields = Fields::new()?;
        let inner = tantivy::Index::create_in_ram(fields.schema().clone());
        Index::wrap(inner, fields, None, IndexVocabulary::builtin())
    }

    /// A new empty index in memory whose documents are enriched, and whose facet values are
    /// resolved, with `enricher`'s vocabulary.
    ///
    /// ```
    /// use gazette::{Document, Index, SearchRequest, enrich::Enricher, facet::Vocabulary};
    /// // Freedonia and a topic, Statecraft (see tests/data/vocabulary/README.md).
    /// let vocab = Vocabulary::from_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/vocabulary"))?;
    /// let index = Index::create_in_ram_with(Enricher::new(vocab))?;
    /// let mut w = index.writer()?;
    /// w.add(&Document::new("a", "Freedonian diplomacy", "Freedonia recalled its ambassador."))?;
    /// w.commit()?;
    /// assert_eq!(index.search(&SearchRequest::new("*").country("Freedonia"))?.total, 1);
    /// // "Defense" is a built-in topic, not one of this index's vocabulary.
    /// assert!(index.search(&SearchRequest::new("*").topic("Defense")).is_err());
    /// # Ok::<(), gazette::Error>(())
    /// ```
    pub fn create_in_ram_with(enricher: impl Into<Arc<Enricher>>) -> Result<Index> {
        let fields = Fields::new()?;
        let inner = tantivy::Index::create_in_ram(fields.schema().clone());
        Index::wrap(inner, fields, None, IndexVocabulary::given(enricher.into()))
    }

    /// True when `dir` holds an index (of any schema version).
    ///
    /// ```
    /// use gazette::Index;
    /// let dir = tempfile::tempdir()?;
    /// assert!(!Index::exists(dir.path()));
    /// Index::create(dir.path())?;
    /// assert!(Index::exists(dir.path()));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn exists(dir: impl AsRef<Path>) -> bool {
        dir.as_ref().join("meta.json").is_file()
    }

    /// Opens the index in `dir`.
    ///
    /// Fails with [`Error::IndexNotFound`] when there is none, and with
    /// [`Error::SchemaMismatch`] when it was built with another schema version.
    ///
    /// ```
    /// use gazette::{Document, Error, Index};
    /// let dir = tempfile::tempdir()?;
    /// assert!(matches!(Index::open(dir.path()), Err(Error::IndexNotFound { .. })));
    /// let index = Index::create(dir.path())?;
    /// let mut w = index.writer()?;
    /// w.add(&Document::new("a", "Talks", "The talks began."))?;
    /// w.commit()?;
    /// assert_eq!(Index::open(dir.path())?.num_docs(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn open(dir: impl AsRef<Path>) -> Result<Index> {
        let dir = dir.as_ref();
        if !Index::exists(dir) {
            return Err(Error::IndexNotFound { dir: dir.to_path_buf() });
        }
        let fields = Fields::new()?;
        let inner = tantivy::Index::open_in_dir(dir)?;
        let payload = inner.load_metas()?.payload.and_then(|p| serde_json::from_str::<Payload>(&p).ok());
        let found = payload.as_ref().map(|p| p.gazette_schema).unwrap_or(0);
        if found != fields.spec.version || inner.schema() != *fields.schema() {
            return Err(Error::SchemaMismatch { dir: dir.to_path_buf(), found, expected: fields.spec.version });
        }
        let vocabulary = IndexVocabulary::recorded(dir, payload.and_then(|p| p.vocabulary));
        Index::wrap(inner, fields, Some(dir.to_path_buf()), vocabulary)
    }

    /// Opens the index in `dir`, checking that it was built with `enricher`'s vocabulary
    /// ([`Error::VocabularyMismatch`] if not), and uses that enricher for what it adds.
    ///
    /// ```
    /// use gazette::{Error, Index, enrich::Enricher, facet::Vocabulary};
    /// let dir = tempfile::tempdir()?;
    /// Index::create(dir.path())?; // the built-in vocabulary
    /// assert!(Index::open_with(dir.path(), Enricher::builtin()?).is_ok());
    /// let other = Vocabulary::from_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/vocabulary"))?;
    /// let err = Index::open_with(dir.path(), Enricher::new(other)).unwrap_err();
    /// assert!(matches!(err, Error::VocabularyMismatch { .. }));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn open_with(dir: impl AsRef<Path>, enricher: impl Into<Arc<Enricher>>) -> Result<Index> {
        let mut index = Index::open(dir)?;
        let enricher = enricher.into();
        let given = enricher.vocabulary().fingerprint();
        if given != index.vocabulary.fingerprint {
            return Err(Error::VocabularyMismatch {
                dir: index.dir.clone().unwrap_or_default(),
                index: index.vocabulary.fingerprint.clone(),
                given,
            });
        }
        index.vocabulary = IndexVocabulary::given(enricher);
        Ok(index)
    }

    /// Creates a new index in `dir` (created if needed); fails if one is already there.
    ///
    /// ```
    /// use gazette::Index;
    /// let dir = tempfile::tempdir()?;
    /// let index = Index::create(dir.path().join("idx"))?;
    /// assert_eq!(index.num_docs(), 0);
    /// assert!(Index::create(dir.path().join("idx")).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn create(dir: impl AsRef<Path>) -> Result<Index> {
        Index::create_as(dir.as_ref(), IndexVocabulary::builtin())
    }

    /// Creates a new index in `dir` whose documents are enriched, and whose facet values are
    /// resolved, with `enricher`'s vocabulary. The index keeps a copy of the vocabulary's
    /// files, so that it opens later with the same vocabulary ([`Index::open`]).
    ///
    /// ```
    /// use gazette::{Index, enrich::Enricher, facet::Vocabulary};
    /// let dir = tempfile::tempdir()?;
    /// let vocab = Vocabulary::from_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/vocabulary"))?;
    /// let fingerprint = vocab.fingerprint();
    /// Index::create_with(dir.path(), Enricher::new(vocab))?;
    /// let reopened = Index::open(dir.path())?;
    /// assert_eq!(reopened.vocabulary()?.fingerprint(), fingerprint);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn create_with(dir: impl AsRef<Path>, enricher: impl Into<Arc<Enricher>>) -> Result<Index> {
        Index::create_as(dir.as_ref(), IndexVocabulary::given(enricher.into()))
    }

    fn create_as(dir: &Path, vocabulary: IndexVocabulary) -> Result<Index> {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let fields = Fields::new()?;
        let inner = tantivy::Index::create_in_dir(dir, fields.schema().clone())?;
        let index = Index::wrap(inner, fields, Some(dir.to_path_buf()), vocabulary)?;
        // An initial commit records the schema version and the vocabulary, so that even an
        // empty index opens.
        index.writer()?.commit()?;
        Ok(index)
    }

    /// Opens the index in `dir`, creating it when there is none.
    ///
    /// ```
    /// use gazette::{Document, Index};
    /// let dir = tempfile::tempdir()?;
    /// let index = Index::open_or_create(dir.path())?; // created
    /// let mut w = index.writer()?;
    /// w.add(&Document::new("a", "Talks", "The talks began."))?;
    /// w.commit()?;
    /// assert_eq!(Index::open_or_create(dir.path())?.num_docs(), 1); // opened
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn open_or_create(dir: impl AsRef<Path>) -> Result<Index> {
        if Index::exists(&dir) { Index::open(dir) } else { Index::create(dir) }
    }

    /// [`Index::open_with`] when `dir` holds an index, else [`Index::create_with`].
    ///
    /// ```
    /// use gazette::{Index, enrich::Enricher};
    /// let dir = tempfile::tempdir()?;
    /// Index::open_or_create_with(dir.path(), Enricher::builtin()?)?; // created
    /// Index::open_or_create_with(dir.path(), Enricher::builtin()?)?; // opened
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn open_or_create_with(dir: impl AsRef<Path>, enricher: impl Into<Arc<Enricher>>) -> Result<Index> {
        if Index::exists(&dir) { Index::open_with(dir, enricher) } else { Index::create_with(dir, enricher) }
    }

    /// Deletes the index in `dir` (only files an index holds) and creates an empty one: for
    /// full rebuilds, including of an index with another schema version.
    ///
    /// ```
    /// use gazette::{Document, Index};
    /// let dir = tempfile::tempdir()?;
    /// let index = Index::create(dir.path())?;
    /// let mut w = index.writer()?;
    /// w.add(&Document::new("a", "Talks", "The talks began."))?;
    /// w.commit()?;
    /// w.finish()?; // releases the lock
    /// drop(index);
    /// assert_eq!(Index::recreate(dir.path())?.num_docs(), 0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn recreate(dir: impl AsRef<Path>) -> Result<Index> {
        Index::recreate_as(dir.as_ref(), IndexVocabulary::builtin())
    }

    /// [`Index::recreate`] with a vocabulary of one's own (see [`Index::create_with`]): the
    /// way to change the vocabulary of an index.
    ///
    /// ```
    /// use gazette::{Index, enrich::Enricher, facet::Vocabulary};
    /// let dir = tempfile::tempdir()?;
    /// drop(Index::create(dir.path())?);
    /// let vocab = Vocabulary::from_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/vocabulary"))?;
    /// let fingerprint = vocab.fingerprint();
    /// Index::recreate_with(dir.path(), Enricher::new(vocab))?;
    /// assert_eq!(Index::open(dir.path())?.vocabulary()?.fingerprint(), fingerprint);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn recreate_with(dir: impl AsRef<Path>, enricher: impl Into<Arc<Enricher>>) -> Result<Index> {
        Index::recreate_as(dir.as_ref(), IndexVocabulary::given(enricher.into()))
    }

    fn recreate_as(dir: &Path, vocabulary: IndexVocabulary) -> Result<Index> {
        if Index::exists(dir) {
            // Taking the lock first means a running writer is never pulled from under.
            if dir.join(".tantivy-writer.lock").exists()
                && let Ok(index) = tantivy::Index::open_in_dir(dir)
                && let Err(TantivyError::LockFailure(LockError::LockBusy, _)) =
                    index.writer::<TantivyDocument>(MIN_MEMORY_PER_THREAD_BYTES)
            {
                return Err(Error::IndexLocked { dir: dir.to_path_buf() });
            }
            for entry in std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?.flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                if is_index_file(&name) && entry.path().is_file() {
                    std::fs::remove_file(entry.path()).map_err(|e| Error::io(entry.path(), e))?;
                }
            }
            let vocabulary = dir.join(VOCABULARY_DIR);
            if vocabulary.is_dir() {
                std::fs::remove_dir_all(&vocabulary).map_err(|e| Error::io(vocabulary, e))?;
            }
        }
        Index::create_as(dir, vocabulary)
    }

    fn wrap(inner: tantivy::Index, fields: Fields, dir: Option<PathBuf>, vocabulary: IndexVocabulary) -> Result<Index> {
        crate::analysis::register_analyzers(inner.tokenizers());
        // On disk, the reader follows commits made by other processes (a nightly reindex)
        // on its own; our own commits reload it explicitly, so tests see them at once.
        let policy = if dir.is_some() { ReloadPolicy::OnCommitWithDelay } else { ReloadPolicy::Manual };
        let reader = inner.reader_builder().reload_policy(policy).try_into()?;
        Ok(Index {
            inner,
            reader,
            fields: Arc::new(fields),
            dir,
            facet_values: Default::default(),
            ram_manifest: Default::default(),
            vocabulary,
            replaces: None,
        })
    }

    /// The vocabulary of this index: the one it was created with, read from the copy it
    /// keeps (or the built-in one).
    ///
    /// ```
    /// let index = gazette::Index::create_in_ram()?;
    /// assert!(index.vocabulary()?.is_builtin());
    /// # Ok::<(), gazette::Error>(())
    /// ```
    pub fn vocabulary(&self) -> Result<Arc<Vocabulary>> {
        self.vocabulary.vocabulary()
    }

    /// The enricher of this index's vocabulary, which [`Writer::add`] and
    /// [`Index::reindex`] enrich documents with.
    ///
    /// ```
    /// use gazette::{Document, Index};
    /// let index = Index::create_in_ram()?;
    /// let e = index.enricher()?.enrich(&Document::new("w", "Grain", "Ukraine shipped wheat."));
    /// assert_eq!(e.countries[0].name, "Ukraine");
    /// # Ok::<(), gazette::Error>(())
    /// ```
    pub fn enricher(&self) -> Result<Arc<Enricher>> {
        self.vocabulary.enricher()
    }

    /// The directory of an on-disk index.
    ///
    /// ```
    /// use gazette::Index;
    /// let dir = tempfile::tempdir()?;
    /// assert_eq!(Index::create(dir.path())?.dir(), Some(dir.path()));
    /// assert_eq!(Index::create_in_ram()?.dir(), None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    /// Number of live documents in the last loaded commit.
    ///
    /// ```
    /// use gazette::{Document, Index};
    /// let index = Index::create_in_ram()?;
    /// let mut w = index.writer()?;
    /// w.add(&Document::new("a", "Talks", "The talks began."))?;
    /// w.add(&Document::new("b", "Grain", "Ukraine shipped wheat."))?;
    /// assert_eq!(index.num_docs(), 0); // not committed yet
    /// w.commit()?;
    /// assert_eq!(index.num_docs(), 2);
    /// # Ok::<(), gazette::Error>(())
    /// ```
    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Makes the latest commit (of this or another process) visible to searches now.
    ///
    /// ```
    /// use gazette::{Document, Index};
    /// let dir = tempfile::tempdir()?;
    /// let writing = Index::create(dir.path())?;
    /// let reading = Index::open(dir.path())?; // another handle, as in another process
    /// let mut w = writing.writer()?;
    /// w.add(&Document::new("a", "Talks", "The talks began."))?;
    /// w.commit()?;
    /// reading.reload()?;
    /// assert_eq!(reading.num_docs(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn reload(&self) -> Result<()> {
        Ok(self.reader.reload()?)
    }

    /// A writer with the default memory budget ([`WRITER_MEMORY_BYTES`]) and one indexing
    /// thread per core (at most 8). There is one writer per index at a time: a second one,
    /// in this process or another, fails with [`Error::IndexLocked`].
    ///
    /// ```
    /// use gazette::{Document, Error, Index};
    /// let index = Index::create_in_ram()?;
    /// let mut w = index.writer()?;
    /// assert!(matches!(index.writer(), Err(Error::IndexLocked { .. })));
    /// w.add(&Document::new("a", "Talks", "The talks began."))?;
    /// w.commit()?;
    /// assert_eq!(index.num_docs(), 1);
    /// # Ok::<(), gazette::Error>(())
    /// ```
    pub fn writer(&self) -> Result<Writer<'_>> {
        self.writer_with(WRITER_MEMORY_BYTES, 0)
    }

    /// A writer with an explicit memory budget (bytes, all threads together) and number of
    /// indexing threads (0: one per core, at most 8). The budget is raised to tantivy's
    /// minimum of 15 MB per thread when lower.
    ///
    /// ```
    /// use gazette::{Document, Index};
    /// let index = Index::create_in_ram()?;
    /// let mut w = index.writer_with(50 << 20, 1)?; // 50 MB, one thread
    /// w.add(&Document::new("a", "Talks", "The talks began."))?;
    /// w.commit()?;
    /// assert_eq!(index.num_docs(), 1);
    /// # Ok::<(), gazette::Error>(())
    /// ```
    pub fn writer_with(&self, memory_bytes: usize, threads: usize) -> Result<Writer<'_>> {
        let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
        let threads = if threads == 0 { cores.min(8) } else { threads };
        let per_thread = (memory_bytes / threads).max(MIN_MEMORY_PER_THREAD_BYTES);
        let opts = tantivy::indexer::IndexWriterOptions::builder()
            .memory_budget_per_thread(per_thread)
            .num_worker_threads(threads)
            .build();
        let inner: IndexWriter = match self.inner.writer_with_options(opts) {
            Ok(w) => w,
            Err(TantivyError::LockFailure(LockError::LockBusy, _)) => {
                return Err(Error::IndexLocked { dir: self.dir.clone().unwrap_or_default() });
            }
            Err(e) => return Err(e.into()),
        };
        inner.set_merge_policy(Box::new(merges::CappedMerges::new(MAX_MERGED_DOCS)));
        // The files of a run that was killed or failed before its commit (segments written,
        // never committed) go now, before this run needs the room: a full disk must not stay
        // full. Files of the last commit are kept; a failure here costs nothing committed.
        let _ = inner.garbage_collect_files().wait();
        let stored = self.payload()?.and_then(|p| p.manifest);
        let manifest = self.manifest()?;
        Ok(Writer {
            index: self,
            inner,
            manifest,
            changes: BTreeMap::new(),
            stored,
            snapshot_needed: false,
            enricher: None,
        })
    }

    /// The manifest of the last commit: which files the index holds documents of.
    ///
    /// ```
    /// use gazette::{Index, ReindexOptions};
    /// let (corpus, dir) = (tempfile::tempdir()?, tempfile::tempdir()?);
    /// std::fs::write(corpus.path().join("a.txt"), "Talks in Geneva\n\nTalks began.")?;
    /// let index = Index::create(dir.path())?;
    /// assert!(index.manifest()?.files.is_empty());
    /// index.reindex(&ReindexOptions::new([corpus.path()]))?;
    /// let files: Vec<_> = index.manifest()?.files.into_keys().collect();
    /// assert_eq!(files, [corpus.path().canonicalize()?.join("a.txt")]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn manifest(&self) -> Result<Manifest> {
        let Some(dir) = &self.dir else {
            return Ok(self.ram_manifest.lock().unwrap_or_else(|e| e.into_inner()).clone());
        };
        let Some(stored) = self.payload()?.and_then(|p| p.manifest) else {
            return Ok(Manifest::default());
        };
        Manifest::read(dir, &stored)
    }

    /// The payload of the last commit. The schema version is read on its own, so that an
    /// index whose manifest record has another form still reports its version.
    fn payload(&self) -> Result<Option<Payload>> {
        let Some(text) = self.inner.load_metas()?.payload else { return Ok(None) };
        let Ok(value) = serde_json::from_str::<serde_json::Value>(&text) else { return Ok(None) };
        let Some(version) = value.get("gazette_schema").and_then(|v| v.as_u64()) else { return Ok(None) };
        let manifest = value.get("manifest").and_then(|m| serde_json::from_value(m.clone()).ok());
        let vocabulary = value.get("vocabulary").and_then(|v| v.as_str()).map(str::to_string);
        Ok(Some(Payload { gazette_schema: version as u32, manifest, vocabulary }))
    }

    /// The stored document with this id, with its enrichment.
    ///
    /// ```
    /// use gazette::{Document, Error, Index};
    /// let index = Index::create_in_ram()?;
    /// let mut w = index.writer()?;
    /// w.add(&Document::new("a", "Talks in Kyiv", "Ukraine and Poland began talks."))?;
    /// w.commit()?;
    /// let stored = index.get("a")?;
    /// assert_eq!(stored.document.title, "Talks in Kyiv");
    /// assert_eq!(stored.enrichment.countries[0].name, "Ukraine");
    /// assert!(matches!(index.get("b"), Err(Error::DocumentNotFound { .. })));
    /// # Ok::<(), gazette::Error>(())
    /// ```
    pub fn get(&self, id: &str) -> Result<Enriched> {
        let searcher = self.reader.searcher();
        let q = TermQuery::new(Term::from_field_text(self.fields.id, id), IndexRecordOption::Basic);
        let top = searcher.search(&q, &tantivy::collector::TopDocs::with_limit(1).order_by_score())?;
        let Some((_, addr)) = top.first() else {
            return Err(Error::DocumentNotFound { id: id.to_string(), similar: self.id_ending_with(id) });
        };
        let t: TantivyDocument = searcher.doc(*addr)?;
        Ok(convert::from_tantivy(&self.fields, &t))
    }

    /// The first id (in order) that ends with `/id`: what an id made before ids began with
    /// their root's name has become. A scan of the ids, only when one was not found.
    fn id_ending_with(&self, id: &str) -> Option<String> {
        let suffix = format!("/{id}");
        let searcher = self.reader.searcher();
        let mut best: Option<String> = None;
        for segment in searcher.segment_readers() {
            let Ok(inverted) = segment.inverted_index(self.fields.id) else { continue };
            let Ok(mut stream) = inverted.terms().stream() else { continue };
            while stream.advance() {
                if stream.key().ends_with(suffix.as_bytes())
                    && let Ok(found) = std::str::from_utf8(stream.key())
                    && best.as_deref().is_none_or(|b| found < b)
                {
                    best = Some(found.to_string());
                }
            }
        }
        // A deleted document keeps its terms until a merge: only an id in force is offered.
        let live = |id: &str| {
            let q = TermQuery::new(Term::from_field_text(self.fields.id, id), IndexRecordOption::Basic);
            searcher.search(&q, &tantivy::collector::Count).is_ok_and(|n| n > 0)
        };
        best.filter(|b| live(b))
    }

    /// Statistics of the index as loaded now.
    ///
    /// ```
    /// use gazette::{Document, Index};
    /// let index = Index::create_in_ram()?;
    /// let mut w = index.writer()?;
    /// w.add(&Document::new("a", "Talks", "The talks began."))?;
    /// w.commit()?;
    /// let stats = index.stats()?;
    /// assert_eq!((stats.documents, stats.size_bytes), (1, 0)); // in RAM: no bytes on disk
    /// assert_eq!(stats.schema_version, gazette::schema::version());
    /// # Ok::<(), gazette::Error>(())
    /// ```
    pub fn stats(&self) -> Result<IndexStats> {
        let searcher = self.reader.searcher();
        let size_bytes = match &self.dir {
            Some(dir) => std::fs::read_dir(dir)
                .map_err(|e| Error::io(dir, e))?
                .flatten()
                .filter_map(|e| e.metadata().ok())
                .filter(|m| m.is_file())
                .map(|m| m.len())
                .sum(),
            None => 0,
        };
        let last_run = match &self.dir {
            Some(dir) => std::fs::read(dir.join(LAST_RUN_FILE)).ok().and_then(|b| serde_json::from_slice(&b).ok()),
            None => None,
        };
        Ok(IndexStats {
            documents: searcher.num_docs(),
            segments: searcher.segment_readers().len(),
            size_bytes,
            schema_version: self.fields.spec.version,
            files: self.manifest()?.files.len(),
            last_run,
        })
    }

    pub(crate) fn fields(&self) -> &Fields {
        &self.fields
    }

    pub(crate) fn searcher(&self) -> tantivy::Searcher {
        self.reader.searcher()
    }

    pub(crate) fn facet_values(&self) -> &Arc<ValueCache> {
        &self.facet_values
    }

    pub(crate) fn tantivy(&self) -> &tantivy::Index {
        &self.inner
    }
}

/// Figures about an index, for `gazette stats`.
#[derive(Debug, Clone, Serialize)]
pub struct IndexStats {
    /// Live documents.
    pub documents: u64,
    /// tantivy segments.
    pub segments: usize,
    /// Bytes on disk (0 in RAM).
    pub size_bytes: u64,
    /// Schema version.
    pub schema_version: u32,
    /// Source files recorded in the manifest.
    pub files: usize,
    /// The report of the last reindex run, when there was one.
    pub last_run: Option<serde_json::Value>,
}
