//! The vocabularies of `index-schema/`, parsed (compiled in, no I/O) and checked.

use std::collections::HashMap;

use rustc_hash::FxHashSet as HashSet;

use serde::Deserialize;

use crate::error::{Error, Result};

const COUNTRIES_TOML: &str = include_str!("../../index-schema/countries.toml");
const ACTORS_TOML: &str = include_str!("../../index-schema/actors.toml");
const TOPICS_TOML: &str = include_str!("../../index-schema/topics.toml");
const FIRST_NAMES: &str = include_str!("../../index-schema/first-names.txt");
const SURNAME_FIRST: &str = include_str!("../../index-schema/surname-first.txt");
const ROLES: &str = include_str!("../../index-schema/roles.txt");

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

/// Everything enrichment reads, parsed.
#[derive(Debug, Clone)]
pub struct Vocabulary {
    /// Countries and territories.
    pub countries: Vec<Country>,
    /// Ambiguous country names.
    pub ambiguous: Vec<Ambiguous>,
    /// Phrases that shadow country names.
    pub blocked: Vec<String>,
    /// Persons and organizations.
    pub actors: Vec<Actor>,
    /// Major topics.
    pub topics: Vec<TopicDef>,
    /// Subtopics.
    pub subtopics: Vec<TopicDef>,
    /// Given names.
    pub first_names: HashSet<String>,
    /// Family names written first.
    pub surname_first: HashSet<String>,
    /// Titles and roles that introduce a name.
    pub roles: Vec<String>,
    /// Name or alias -> index in `actors`.
    actor_index: HashMap<String, usize>,
}

fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#'))
}

impl Vocabulary {
    /// The vocabularies of `index-schema/`, compiled into the binary.
    ///
    /// ```
    /// let v = gazette::enrich::Vocabulary::builtin()?;
    /// assert!(v.countries.iter().any(|c| c.alpha2 == "CN"));
    /// # Ok::<(), gazette::Error>(())
    /// ```
    pub fn builtin() -> Result<Vocabulary> {
        let countries: CountriesFile = toml::from_str(COUNTRIES_TOML)
            .map_err(|e| Error::SchemaData { file: "countries.toml", reason: e.to_string() })?;
        let actors: ActorsFile = toml::from_str(ACTORS_TOML)
            .map_err(|e| Error::SchemaData { file: "actors.toml", reason: e.to_string() })?;
        let topics: TopicsFile = toml::from_str(TOPICS_TOML)
            .map_err(|e| Error::SchemaData { file: "topics.toml", reason: e.to_string() })?;
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
            first_names: lines(FIRST_NAMES).map(str::to_string).collect(),
            surname_first: lines(SURNAME_FIRST).map(str::to_string).collect(),
            roles: lines(ROLES).map(str::to_string).collect(),
        };
        v.check()?;
        Ok(v)
    }

    fn check(&self) -> Result<()> {
        let codes: HashSet<&str> = self.countries.iter().map(|c| c.alpha2.as_str()).collect();
        for a in &self.ambiguous {
            if !codes.contains(a.country.as_str()) {
                return Err(Error::SchemaData {
                    file: "countries.toml",
                    reason: format!("ambiguous {:?}: unknown country {}", a.alias, a.country),
                });
            }
        }
        let majors: HashSet<&str> = self.topics.iter().map(|t| t.name.as_str()).collect();
        for s in &self.subtopics {
            if let Some(p) = s.parents.iter().find(|p| !majors.contains(p.as_str())) {
                return Err(Error::SchemaData {
                    file: "topics.toml",
                    reason: format!("subtopic {:?}: unknown parent {p:?}", s.name),
                });
            }
        }
        Ok(())
    }

    /// The built-in vocabularies, parsed once per process and shared.
    pub fn shared() -> Result<&'static Vocabulary> {
        static SHARED: std::sync::LazyLock<std::result::Result<Vocabulary, String>> =
            std::sync::LazyLock::new(|| Vocabulary::builtin().map_err(|e| e.to_string()));
        SHARED.as_ref().map_err(|reason| Error::SchemaData { file: "vocabularies", reason: reason.clone() })
    }

    /// The country with this alpha-2 code.
    pub fn country(&self, alpha2: &str) -> Option<&Country> {
        self.countries.iter().find(|c| c.alpha2 == alpha2)
    }

    /// The canonical name of a gazetteer actor named `name` (its name or an alias).
    ///
    /// ```
    /// let v = gazette::enrich::Vocabulary::builtin()?;
    /// assert_eq!(v.canonical_actor("State Department"), Some("U.S. Department of State"));
    /// # Ok::<(), gazette::Error>(())
    /// ```
    pub fn canonical_actor(&self, name: &str) -> Option<&str> {
        self.actor_index.get(name).map(|&i| self.actors[i].name.as_str())
    }
}
