//! The vocabulary of an index: where it comes from (the built-in one, the copy an index on
//! disk keeps, or one given), read and compiled when first needed.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use crate::enrich::Enricher;
use crate::error::{Error, Result};
use crate::facet::Vocabulary;

/// The folder of an index that holds a copy of the data files of its vocabulary.
pub(super) const VOCABULARY_DIR: &str = "gazette-vocabulary";

/// The vocabulary of an index, read and compiled when first needed: a search without facet
/// filters needs neither, and compiling the matchers is only for writing.
pub(super) struct IndexVocabulary {
    pub(super) fingerprint: String,
    /// Where it comes from when not yet read.
    source: VocabularySource,
    parsed: OnceLock<Arc<Vocabulary>>,
    compiled: OnceLock<Arc<Enricher>>,
}

enum VocabularySource {
    /// The vocabulary compiled into Gazette.
    Builtin,
    /// The copy an index on disk keeps of a vocabulary of one's own.
    Dir(PathBuf),
    /// Given when the index was created or opened.
    Given(Arc<Vocabulary>),
}

impl IndexVocabulary {
    pub(super) fn builtin() -> IndexVocabulary {
        IndexVocabulary {
            fingerprint: Vocabulary::builtin_fingerprint().to_string(),
            source: VocabularySource::Builtin,
            parsed: OnceLock::new(),
            compiled: OnceLock::new(),
        }
    }

    pub(super) fn given(enricher: Arc<Enricher>) -> IndexVocabulary {
        let v = IndexVocabulary {
            fingerprint: enricher.vocabulary().fingerprint(),
            source: VocabularySource::Given(enricher.vocabulary_arc()),
            parsed: OnceLock::new(),
            compiled: OnceLock::new(),
        };
        let _ = v.parsed.set(enricher.vocabulary_arc());
        let _ = v.compiled.set(enricher);
        v
    }

    /// The vocabulary recorded in the commit of the index in `dir`.
    pub(super) fn recorded(dir: &Path, fingerprint: Option<String>) -> IndexVocabulary {
        match fingerprint {
            Some(f) if f != Vocabulary::builtin_fingerprint() => IndexVocabulary {
                fingerprint: f,
                source: VocabularySource::Dir(dir.join(VOCABULARY_DIR)),
                parsed: OnceLock::new(),
                compiled: OnceLock::new(),
            },
            _ => IndexVocabulary::builtin(),
        }
    }

    pub(super) fn vocabulary(&self) -> Result<Arc<Vocabulary>> {
        if let Some(v) = self.parsed.get() {
            return Ok(v.clone());
        }
        let v = match &self.source {
            VocabularySource::Builtin => Vocabulary::builtin_shared()?,
            VocabularySource::Dir(dir) => {
                let v = Vocabulary::from_dir(dir)?;
                if v.fingerprint() != self.fingerprint {
                    return Err(Error::VocabularyMismatch {
                        dir: dir.parent().map(Path::to_path_buf).unwrap_or_default(),
                        index: self.fingerprint.clone(),
                        given: v.fingerprint(),
                    });
                }
                Arc::new(v)
            }
            VocabularySource::Given(v) => v.clone(),
        };
        Ok(self.parsed.get_or_init(|| v).clone())
    }

    pub(super) fn enricher(&self) -> Result<Arc<Enricher>> {
        if let Some(e) = self.compiled.get() {
            return Ok(e.clone());
        }
        let e = match self.source {
            VocabularySource::Builtin => Enricher::builtin()?,
            _ => Arc::new(Enricher::from_shared(self.vocabulary()?)),
        };
        Ok(self.compiled.get_or_init(|| e).clone())
    }
}
