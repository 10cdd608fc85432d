//! Enrichment: countries, actors and topics of a document, from the vocabularies in
//! `index-schema/`. Pure and deterministic: no I/O, the same document and vocabularies give
//! the same result.

use serde::{Deserialize, Serialize};

/// What enrichment found in a document, with the evidence for it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Enrichment {
    /// Countries mentioned, central ones first.
    pub countries: Vec<Entity>,
    /// Persons mentioned, central ones first.
    pub persons: Vec<Entity>,
    /// Organizations mentioned, central ones first.
    pub organizations: Vec<Entity>,
    /// Major topics assigned (at most three), best first.
    pub topics: Vec<TopicAssignment>,
}

/// A country, person or organization found in a document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entity {
    /// Canonical name.
    pub name: String,
    /// Facet path, such as `/Asia/Eastern Asia/China` or `/person/Xi Jinping`.
    pub facet: String,
    /// Whether the document is about it (it goes into the facet) or merely mentions it.
    pub central: bool,
    /// Salience score that decided `central`.
    pub salience: f32,
    /// Why it is central, in words (`title`, `lead`, `quoted`, `3 mentions`, ...).
    pub reasons: Vec<String>,
    /// The mentions found.
    pub mentions: Vec<Mention>,
}

/// One place where an entity is named.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mention {
    /// The text as written.
    pub text: String,
    /// `title` or `body`.
    pub field: String,
    /// Byte offset of the mention in that field.
    pub offset: usize,
}

/// A major topic assigned to a document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TopicAssignment {
    /// Major topic name (Comparative Agendas Project).
    pub name: String,
    /// Length-normalized score.
    pub score: f32,
    /// Subtopics assigned under it.
    pub subtopics: Vec<String>,
    /// The terms that matched, most weighty first.
    pub evidence: Vec<String>,
}

impl Enrichment {
    /// Facet paths of the central countries.
    pub fn country_facets(&self) -> impl Iterator<Item = &str> {
        self.countries
            .iter()
            .filter(|e| e.central)
            .map(|e| e.facet.as_str())
    }

    /// Facet paths of the central persons and organizations.
    pub fn actor_facets(&self) -> impl Iterator<Item = &str> {
        self.persons
            .iter()
            .chain(&self.organizations)
            .filter(|e| e.central)
            .map(|e| e.facet.as_str())
    }

    /// Facet paths of the topics: `/Major` and `/Major/subtopic`.
    pub fn topic_facets(&self) -> Vec<String> {
        let mut out = Vec::new();
        for t in &self.topics {
            if t.subtopics.is_empty() {
                out.push(crate::facet::path(&[&t.name]));
            }
            for s in &t.subtopics {
                out.push(crate::facet::path(&[&t.name, s]));
            }
        }
        out
    }

    /// Canonical names of every country and actor mentioned, central or not.
    pub fn mentioned_names(&self) -> impl Iterator<Item = &str> {
        self.countries
            .iter()
            .chain(&self.persons)
            .chain(&self.organizations)
            .map(|e| e.name.as_str())
    }
}

/// Fills [`crate::Document::enrichment`] using the built-in vocabularies.
///
/// Not yet implemented: documents keep an empty enrichment (see the project's issue on
/// facets). Kept as the single call site the indexing pipeline uses.
pub fn enrich_document(_doc: &mut crate::Document) {}
