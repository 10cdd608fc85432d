//! Facets: the vocabulary an index is built with, the faceted fields, the shape of their
//! paths, and the resolution of a user's value to paths.
//!
//! This is the one place facet paths are spelled (`/Region/Subregion/Country`,
//! `/person/Name`, `/organization/Name`, `/Major topic/subtopic`). It sits below both
//! [`crate::enrich`], which assigns facets, and [`crate::query`], which filters and counts
//! them; it imports neither.
//!
//! ```
//! use gazette::facet::{self, FacetField, Vocabulary};
//! let vocab = Vocabulary::builtin()?;
//! let china = vocab.country("CN").unwrap();
//! assert_eq!(facet::country(china), "/Asia/Eastern Asia/China");
//! assert_eq!(facet::resolve(&vocab, FacetField::Country, "PRC")?[0].to_string(), "/Asia/Eastern Asia/China");
//! # Ok::<(), gazette::Error>(())
//! ```

pub(crate) mod cache;
mod resolve;
mod vocab;

use serde::Serialize;
use tantivy::schema::Field;

pub use resolve::{edit_distance, resolve};
pub use vocab::{Actor, Ambiguous, Country, TopicDef, Vocabulary};

use crate::schema::Fields;

/// The first component of a person's actor path.
pub const PERSON: &str = "person";
/// The first component of an organization's actor path.
pub const ORGANIZATION: &str = "organization";

/// A faceted field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FacetField {
    /// `/Region/Subregion/Country`.
    Country,
    /// `/person/Name`, `/organization/Name`.
    Actor,
    /// `/Major Topic/subtopic`.
    Topic,
}

impl FacetField {
    /// All faceted fields.
    pub const ALL: [FacetField; 3] = [FacetField::Country, FacetField::Actor, FacetField::Topic];

    /// The field's name, as in queries (`country:China`).
    ///
    /// ```
    /// assert_eq!(gazette::facet::FacetField::Topic.name(), "topic");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            FacetField::Country => crate::schema::COUNTRY,
            FacetField::Actor => crate::schema::ACTOR,
            FacetField::Topic => crate::schema::TOPIC,
        }
    }

    /// The facet field named `name`, if any.
    ///
    /// ```
    /// use gazette::facet::FacetField;
    /// assert_eq!(FacetField::from_name("country"), Some(FacetField::Country));
    /// assert_eq!(FacetField::from_name("title"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<FacetField> {
        FacetField::ALL.into_iter().find(|f| f.name() == name)
    }

    pub(crate) fn field(self, f: &Fields) -> Field {
        match self {
            FacetField::Country => f.country,
            FacetField::Actor => f.actor,
            FacetField::Topic => f.topic,
        }
    }

    /// The depth of the values most useful to count: countries, persons and organizations,
    /// major topics.
    ///
    /// ```
    /// use gazette::facet::FacetField;
    /// assert_eq!([FacetField::Country, FacetField::Actor, FacetField::Topic].map(|f| f.leaf_depth()), [3, 2, 1]);
    /// ```
    pub fn leaf_depth(self) -> usize {
        match self {
            FacetField::Country => 3,
            FacetField::Actor => 2,
            FacetField::Topic => 1,
        }
    }
}

/// The path of a country: `/Region/Subregion/Name`.
///
/// ```
/// let vocab = gazette::facet::Vocabulary::builtin()?;
/// assert_eq!(gazette::facet::country(vocab.country("UA").unwrap()), "/Europe/Eastern Europe/Ukraine");
/// # Ok::<(), gazette::Error>(())
/// ```
pub fn country(c: &Country) -> String {
    path(&[&c.region, &c.subregion, &c.name])
}

/// The path of a region (`/Asia`).
///
/// ```
/// assert_eq!(gazette::facet::region("Asia"), "/Asia");
/// ```
pub fn region(region: &str) -> String {
    path(&[region])
}

/// The path of a subregion (`/Asia/Eastern Asia`).
///
/// ```
/// assert_eq!(gazette::facet::subregion("Asia", "Eastern Asia"), "/Asia/Eastern Asia");
/// ```
pub fn subregion(region: &str, subregion: &str) -> String {
    path(&[region, subregion])
}

/// The path of a person: `/person/Name`.
///
/// ```
/// assert_eq!(gazette::facet::person("Xi Jinping"), "/person/Xi Jinping");
/// ```
pub fn person(name: &str) -> String {
    path(&[PERSON, name])
}

/// The path of an organization: `/organization/Name`.
///
/// ```
/// assert_eq!(gazette::facet::organization("NATO"), "/organization/NATO");
/// ```
pub fn organization(name: &str) -> String {
    path(&[ORGANIZATION, name])
}

/// The path of an actor of the vocabulary, person or organization.
///
/// ```
/// let vocab = gazette::facet::Vocabulary::builtin()?;
/// let state = vocab.actor("State Department").unwrap();
/// assert_eq!(gazette::facet::actor(state), "/organization/U.S. Department of State");
/// # Ok::<(), gazette::Error>(())
/// ```
pub fn actor(a: &Actor) -> String {
    if a.is_person { person(&a.name) } else { organization(&a.name) }
}

/// The path of a kind of actor: `/person` or `/organization`.
///
/// ```
/// assert_eq!(gazette::facet::actor_kind(true), "/person");
/// ```
pub fn actor_kind(is_person: bool) -> String {
    path(&[if is_person { PERSON } else { ORGANIZATION }])
}

/// The path of a major topic (`/Defense`), or of a subtopic under it
/// (`/Defense/cybersecurity`).
///
/// ```
/// assert_eq!(gazette::facet::topic("Defense", None), "/Defense");
/// assert_eq!(gazette::facet::topic("Defense", Some("cybersecurity")), "/Defense/cybersecurity");
/// ```
pub fn topic(major: &str, subtopic: Option<&str>) -> String {
    match subtopic {
        Some(s) => path(&[major, s]),
        None => path(&[major]),
    }
}

/// Joins path components (the typed builders above use it) into a facet path, `/A/B`, escaping `/` inside a component and
/// collapsing white space, so that a value is spelled the same wherever it comes from.
///
/// ```
/// assert_eq!(gazette::facet::path(&["Asia", "Eastern  Asia", "China"]), "/Asia/Eastern Asia/China");
/// assert_eq!(gazette::facet::path(&["organization", "AC/DC Ltd"]), "/organization/AC\\/DC Ltd");
/// ```
pub fn path(components: &[&str]) -> String {
    let mut out = String::with_capacity(components.iter().map(|c| c.len() + 1).sum());
    for c in components {
        out.push('/');
        for (i, word) in c.split_whitespace().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            for ch in word.chars() {
                if ch == '/' {
                    out.push('\\');
                }
                out.push(ch);
            }
        }
    }
    out
}

/// Splits a facet path into its components (undoing the escaping of [`path`]).
///
/// ```
/// assert_eq!(gazette::facet::components("/organization/AC\\/DC Ltd"), ["organization", "AC/DC Ltd"]);
/// ```
pub fn components(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut chars = path.trim_start_matches('/').chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
            }
            '/' => out.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    if !cur.is_empty() || !out.is_empty() {
        out.push(cur);
    }
    out
}
