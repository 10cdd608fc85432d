//! The vocabularies of `index-schema/` (compiled in) or of a folder shaped like it, parsed,
//! checked and fingerprinted. An index keeps a copy of the files of its vocabulary.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use rustc_hash::FxHashSet as HashSet;

use serde::Deserialize;

use crate::error::{Error, Result};

/// The data files of a vocabulary, by name, with the built-in text of each. The first three
/// are the vocabulary proper, required in a folder of one's own; the name and word lists are
/// English-language data that a folder may leave out to keep the built-in ones.
const FILES: [(&str, &str, bool); 7] = [
    ("countries.toml", include_str!("../../index-schema/countries.toml"), true),
    ("actors.toml", include_str!("../../index-schema/actors.toml"), true),
    ("topics.toml", include_str!("../../index-schema/topics.toml"), true),
    ("first-names.txt", include_str!("../../index-schema/first-names.txt"), false),
    ("surname-first.txt", include_str!("../../index-schema/surname-first.txt"), false),
    ("roles.txt", include_str!("../../index-schema/roles.txt"), false),
    ("english-words.toml", include_str!("../../index-schema/english-words.toml"), false),
];

/// The text of each data file, in the order of [`FILES`].
/// `None` for a file that a folder left out, whose built-in text stands in.
type Sources = [Option<Cow<'static, str>>; FILES.len()];

/// A country or territory of `countries.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Country {
    /// Canonical English short name.
    pub name: String,
    /// ISO 3166-1 alpha-2.
    pub alpha2: String,
    /// ISO 3166-1 alpha-3.
    pub alpha3: String,
    /// UN M49 region.
    pub region: String,
    /// UN M49 sub-region.
    pub subregion: String,
    /// Other names and abbreviations.
    pub aliases: Vec<String>,
    /// Adjectives and demonyms.
    pub demonyms: Vec<String>,
    /// Capitals and seats of government used for the government.
    pub capitals: Vec<String>,
}

/// A name that is a country only with evidence in the same document.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ambiguous {
    /// The ambiguous string.
    pub alias: String,
    /// alpha-2 of the country reading.
    pub country: String,
    /// Strings whose presence supports the country reading.
    pub evidence: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CountriesFile {
    country: Vec<Country>,
    ambiguous: Vec<Ambiguous>,
    block: Block,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Block {
    phrases: Vec<String>,
}

/// A person or organization of `actors.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Actor {
    /// Canonical name.
    pub name: String,
    /// alpha-2 of the country it belongs to, if any.
    #[serde(default)]
    pub country: Option<String>,
    /// For persons: a short description of the role.
    #[serde(default)]
    pub role: Option<String>,
    /// For organizations: ministry, agency, international, company, ...
    #[serde(default)]
    pub kind: Option<String>,
    /// Other names.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Filled on loading: true for persons.
    #[serde(skip)]
    pub is_person: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ActorsFile {
    person: Vec<Actor>,
    organization: Vec<Actor>,
}

/// A major topic or subtopic of `topics.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TopicDef {
    /// Name.
    pub name: String,
    /// CAP code (major topics only).
    #[serde(default)]
    pub code: Option<u32>,
    /// Parent major topics (subtopics only), primary first.
    #[serde(default)]
    pub parents: Vec<String>,
    /// Term or phrase (lower case, trailing `*` for a prefix) -> weight.
    pub terms: HashMap<String, f32>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TopicsFile {
    topic: Vec<TopicDef>,
    subtopic: Vec<TopicDef>,
}

/// The English word lists of `english-words.toml`, which the open-world rules of enrichment
/// read (what each is for is said in the file). Order and duplicates are kept as written.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct EnglishWords {
    /// Heads that make a capitalized phrase an organization ("Ministry", "Bank").
    pub(crate) org_heads: Vec<String>,
    /// Heads that name a body when placed first and followed by a connector.
    pub(crate) leading_heads: Vec<String>,
    /// Capitalized words that are never a name by themselves ("The", "Monday").
    pub(crate) not_name_words: Vec<String>,
    /// Words that, all together, name a kind of body rather than one ("Supreme Court").
    pub(crate) generic_org_words: Vec<String>,
    /// Last words of places, laws and events, never of persons ("Street", "Act").
    pub(crate) not_person_last: Vec<String>,
    /// Lower-case words of persons' names ("bin", "von").
    pub(crate) name_particles: Vec<String>,
    /// Lower-case words allowed inside organizations' names ("of", "for").
    pub(crate) org_connectors: Vec<String>,
    /// Verbs of speech, which make a sentence a quotation.
    pub(crate) speech_verbs: Vec<String>,
    /// Verbs that make the country or organization before them act.
    pub(crate) action_verbs: Vec<String>,
    /// Nouns that, after a country or demonym, make the country act (lower case).
    pub(crate) official_nouns: Vec<String>,
}

/// Everything enrichment reads, parsed: built from data files ([`Vocabulary::builtin`],
/// [`Vocabulary::from_dir`]) and read-only afterwards, so that its [`Vocabulary::fingerprint`]
/// always tells what it holds.
#[derive(Debug, Clone)]
pub struct Vocabulary {
    /// Countries and territories.
    pub(crate) countries: Vec<Country>,
    /// Ambiguous country names.
    pub(crate) ambiguous: Vec<Ambiguous>,
    /// Phrases that shadow country names.
    pub(crate) blocked: Vec<String>,
    /// Persons and organizations.
    pub(crate) actors: Vec<Actor>,
    /// Major topics.
    pub(crate) topics: Vec<TopicDef>,
    /// Subtopics.
    pub(crate) subtopics: Vec<TopicDef>,
    /// Given names.
    pub(crate) first_names: HashSet<String>,
    /// Family names written first.
    pub(crate) surname_first: HashSet<String>,
    /// Titles and roles that introduce a name.
    pub(crate) roles: Vec<String>,
    /// English word lists for finding persons and organizations not in the gazetteer.
    pub(crate) english: EnglishWords,
    /// Name or alias -> index in `actors`.
    actor_index: HashMap<String, usize>,
    /// The data files it was read from.
    sources: Sources,
}

fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#'))
}

impl Vocabulary {
    /// The vocabularies of `index-schema/`, compiled into the binary.
    ///
    /// ```
    /// let v = gazette::facet::Vocabulary::builtin()?;
    /// assert!(v.countries().iter().any(|c| c.alpha2 == "CN"));
    /// # Ok::<(), gazette::Error>(())
    /// ```
    pub fn builtin() -> Result<Vocabulary> {
        Vocabulary::from_sources(FILES.map(|(_, text, _)| Some(Cow::Borrowed(text))), None)
    }

    /// The vocabulary of a folder shaped like `index-schema/`: `countries.toml`,
    /// `actors.toml` and `topics.toml` are required; `first-names.txt`, `surname-first.txt`,
    /// `roles.txt` and `english-words.toml` are taken from the built-in vocabulary when the
    /// folder has none.
    ///
    /// ```
    /// use gazette::facet::Vocabulary;
    /// // A folder with an invented country, Freedonia (see tests/data/vocabulary/README.md).
    /// let folder = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/vocabulary");
    /// let v = Vocabulary::from_dir(folder)?;
    /// assert_eq!(v.country("FD").map(|c| c.name.as_str()), Some("Freedonia"));
    /// assert_ne!(v.fingerprint(), Vocabulary::builtin_fingerprint());
    /// // A required file missing is an error naming it.
    /// let empty = tempfile::tempdir()?;
    /// assert!(Vocabulary::from_dir(empty.path()).unwrap_err().to_string().contains("countries.toml"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_dir(dir: impl AsRef<Path>) -> Result<Vocabulary> {
        let dir = dir.as_ref();
        let mut sources: Sources = FILES.map(|_| None);
        for (i, (name, _, required)) in FILES.iter().enumerate() {
            let path = dir.join(name);
            match std::fs::read_to_string(&path) {
                Ok(text) => sources[i] = Some(Cow::Owned(text)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound && !required => {}
                Err(e) => return Err(Error::io(path, e)),
            }
        }
        Vocabulary::from_sources(sources, Some(dir))
    }

    /// Writes the data files this vocabulary was read from into `dir` (created if needed), so
    /// that [`Vocabulary::from_dir`] reads it back with the same fingerprint.
    ///
    /// ```
    /// use gazette::facet::Vocabulary;
    /// let dir = tempfile::tempdir()?;
    /// let v = Vocabulary::builtin()?;
    /// v.write_to(dir.path())?;
    /// assert_eq!(Vocabulary::from_dir(dir.path())?.fingerprint(), v.fingerprint());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn write_to(&self, dir: impl AsRef<Path>) -> Result<()> {
        let dir = dir.as_ref();
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        for ((name, _, _), text) in FILES.iter().zip(&self.sources) {
            if let Some(text) = text {
                let path = dir.join(name);
                std::fs::write(&path, text.as_bytes()).map_err(|e| Error::io(path, e))?;
            }
        }
        Ok(())
    }

    /// A short hex digest of the data files the vocabulary was read from: two vocabularies
    /// with the same fingerprint enrich alike. A file that a folder left out (a name or word
    /// list, for which the built-in one stands in) is not part of it, so that a copy an index
    /// keeps still matches its fingerprint after a later Gazette adds a data file.
    ///
    /// ```
    /// use gazette::facet::Vocabulary;
    /// assert_eq!(Vocabulary::builtin()?.fingerprint(), Vocabulary::builtin()?.fingerprint());
    /// assert_eq!(Vocabulary::builtin()?.fingerprint().len(), 16);
    /// # Ok::<(), gazette::Error>(())
    /// ```
    pub fn fingerprint(&self) -> String {
        let mut h = xxhash_rust::xxh3::Xxh3::new();
        for ((name, _, _), text) in FILES.iter().zip(&self.sources) {
            let Some(text) = text else { continue };
            h.update(name.as_bytes());
            h.update(&[0]);
            h.update(&(text.len() as u64).to_le_bytes());
            h.update(text.as_bytes());
        }
        format!("{:016x}", h.digest())
    }

    /// True when this is the built-in vocabulary (or a copy of it, such as the one an index
    /// keeps).
    ///
    /// ```
    /// use gazette::facet::Vocabulary;
    /// let mut v = Vocabulary::builtin()?;
    /// assert!(v.is_builtin());
    /// # Ok::<(), gazette::Error>(())
    /// ```
    pub fn is_builtin(&self) -> bool {
        self.fingerprint() == Vocabulary::builtin_fingerprint()
    }

    /// The fingerprint of the built-in vocabulary, without parsing it.
    ///
    /// ```
    /// use gazette::facet::Vocabulary;
    /// assert_eq!(Vocabulary::builtin_fingerprint(), Vocabulary::builtin()?.fingerprint());
    /// # Ok::<(), gazette::Error>(())
    /// ```
    pub fn builtin_fingerprint() -> &'static str {
        static BUILTIN: OnceLock<String> = OnceLock::new();
        BUILTIN.get_or_init(|| {
            Vocabulary { sources: FILES.map(|(_, text, _)| Some(Cow::Borrowed(text))), ..Vocabulary::empty() }
                .fingerprint()
        })
    }

    /// The built-in vocabulary, parsed once per process and shared (it is compiled into the
    /// binary and never changes, so sharing it hides no state).
    pub(crate) fn builtin_shared() -> Result<Arc<Vocabulary>> {
        static BUILTIN: OnceLock<std::result::Result<Arc<Vocabulary>, String>> = OnceLock::new();
        BUILTIN
            .get_or_init(|| Vocabulary::builtin().map(Arc::new).map_err(|e| e.to_string()))
            .clone()
            .map_err(|reason| Error::SchemaData { file: "vocabularies", reason })
    }

    /// No countries, actors, topics or names (the start of [`Vocabulary::from_sources`]).
    fn empty() -> Vocabulary {
        Vocabulary {
            countries: Vec::new(),
            ambiguous: Vec::new(),
            blocked: Vec::new(),
            actors: Vec::new(),
            topics: Vec::new(),
            subtopics: Vec::new(),
            first_names: HashSet::default(),
            surname_first: HashSet::default(),
            roles: Vec::new(),
            english: EnglishWords::default(),
            actor_index: HashMap::new(),
            sources: FILES.map(|_| None),
        }
    }

    /// Parses and checks the data files; `dir` names where they came from, for errors.
    fn from_sources(sources: Sources, dir: Option<&Path>) -> Result<Vocabulary> {
        let bad = |i: usize, reason: String| match dir {
            None => Error::SchemaData { file: FILES[i].0, reason },
            Some(dir) => Error::VocabularyData { path: dir.join(FILES[i].0), reason },
        };
        let text = |i: usize| sources[i].as_deref().unwrap_or(FILES[i].1);
        let countries: CountriesFile = toml::from_str(text(0)).map_err(|e| bad(0, e.to_string()))?;
        let actors: ActorsFile = toml::from_str(text(1)).map_err(|e| bad(1, e.to_string()))?;
        let topics: TopicsFile = toml::from_str(text(2)).map_err(|e| bad(2, e.to_string()))?;
        let english: EnglishWords = toml::from_str(text(6)).map_err(|e| bad(6, e.to_string()))?;
        let mut all_actors = actors.person;
        for a in &mut all_actors {
            a.is_person = true;
        }
        all_actors.extend(actors.organization);
        let mut actor_index = HashMap::new();
        for (i, a) in all_actors.iter().enumerate() {
            for n in std::iter::once(&a.name).chain(&a.aliases) {
                actor_index.entry(n.clone()).or_insert(i);
            }
        }
        let v = Vocabulary {
            actor_index,
            countries: countries.country,
            ambiguous: countries.ambiguous,
            blocked: countries.block.phrases,
            actors: all_actors,
            topics: topics.topic,
            subtopics: topics.subtopic,
            first_names: lines(text(3)).map(str::to_string).collect(),
            surname_first: lines(text(4)).map(str::to_string).collect(),
            roles: lines(text(5)).map(str::to_string).collect(),
            english,
            sources: sources.clone(),
        };
        v.check().map_err(|(i, reason)| bad(i, reason))?;
        Ok(v)
    }

    /// The first inconsistency between the files: (file number, what is wrong).
    fn check(&self) -> std::result::Result<(), (usize, String)> {
        let codes: HashSet<&str> = self.countries.iter().map(|c| c.alpha2.as_str()).collect();
        for a in &self.ambiguous {
            if !codes.contains(a.country.as_str()) {
                return Err((0, format!("ambiguous {:?}: unknown country {}", a.alias, a.country)));
            }
        }
        let majors: HashSet<&str> = self.topics.iter().map(|t| t.name.as_str()).collect();
        for s in &self.subtopics {
            if let Some(p) = s.parents.iter().find(|p| !majors.contains(p.as_str())) {
                return Err((2, format!("subtopic {:?}: unknown parent {p:?}", s.name)));
            }
        }
        Ok(())
    }

    /// Countries and territories.
    ///
    /// ```
    /// let v = gazette::facet::Vocabulary::builtin()?;
    /// assert!(v.countries().len() > 200);
    /// # Ok::<(), gazette::Error>(())
    /// ```
    pub fn countries(&self) -> &[Country] {
        &self.countries
    }

    /// Persons and organizations of the gazetteer.
    ///
    /// ```
    /// let v = gazette::facet::Vocabulary::builtin()?;
    /// assert!(v.actors().iter().any(|a| a.name == "Xi Jinping" && a.is_person));
    /// # Ok::<(), gazette::Error>(())
    /// ```
    pub fn actors(&self) -> &[Actor] {
        &self.actors
    }

    /// Major topics.
    ///
    /// ```
    /// let v = gazette::facet::Vocabulary::builtin()?;
    /// assert_eq!(v.topics().len(), 21);
    /// # Ok::<(), gazette::Error>(())
    /// ```
    pub fn topics(&self) -> &[TopicDef] {
        &self.topics
    }

    /// Subtopics.
    ///
    /// ```
    /// let v = gazette::facet::Vocabulary::builtin()?;
    /// assert!(v.subtopics().iter().any(|s| s.name == "cybersecurity"));
    /// # Ok::<(), gazette::Error>(())
    /// ```
    pub fn subtopics(&self) -> &[TopicDef] {
        &self.subtopics
    }

    /// The country with this alpha-2 code.
    ///
    /// ```
    /// let v = gazette::facet::Vocabulary::builtin()?;
    /// assert_eq!(v.country("CN").map(|c| c.name.as_str()), Some("China"));
    /// # Ok::<(), gazette::Error>(())
    /// ```
    pub fn country(&self, alpha2: &str) -> Option<&Country> {
        self.countries.iter().find(|c| c.alpha2 == alpha2)
    }

    /// The canonical name of a gazetteer actor named `name` (its name or an alias).
    ///
    /// ```
    /// let v = gazette::facet::Vocabulary::builtin()?;
    /// assert_eq!(v.canonical_actor("State Department"), Some("U.S. Department of State"));
    /// # Ok::<(), gazette::Error>(())
    /// ```
    pub fn canonical_actor(&self, name: &str) -> Option<&str> {
        self.actor(name).map(|a| a.name.as_str())
    }

    /// The gazetteer actor named `name` (its name or an alias, as written).
    ///
    /// ```
    /// let v = gazette::facet::Vocabulary::builtin()?;
    /// assert!(v.actor("Xi Jinping").is_some_and(|a| a.is_person));
    /// # Ok::<(), gazette::Error>(())
    /// ```
    pub fn actor(&self, name: &str) -> Option<&Actor> {
        self.actor_index.get(name).map(|&i| &self.actors[i])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A data file left out is neither written to a copy nor part of the fingerprint, so a
    /// copy kept by an index reads back with the fingerprint recorded, even after a later
    /// Gazette adds a data file of its own.
    #[test]
    fn a_file_left_out_stays_out_of_copies_and_fingerprints() {
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let builtin = Vocabulary::builtin().unwrap();
        builtin.write_to(a.path()).unwrap();
        assert_eq!(Vocabulary::from_dir(a.path()).unwrap().fingerprint(), builtin.fingerprint());
        std::fs::remove_file(a.path().join("english-words.toml")).unwrap();
        let without = Vocabulary::from_dir(a.path()).unwrap();
        assert_ne!(without.fingerprint(), builtin.fingerprint());
        without.write_to(b.path()).unwrap();
        assert!(!b.path().join("english-words.toml").exists());
        assert_eq!(Vocabulary::from_dir(b.path()).unwrap().fingerprint(), without.fingerprint());
    }
}
