//! Enrichment: countries, actors and topics of a document, from the vocabularies in
//! `index-schema/`. Pure and deterministic: no I/O (the vocabularies are compiled in), the
//! same document and vocabularies always give the same result.
//!
//! ```
//! use gazette::{Document, enrich::Enricher};
//! let enricher = Enricher::builtin()?;
//! let doc = Document::new("x", "Kerry meets Wang Yi in Beijing",
//!     "BEIJING — U.S. Secretary of State John Kerry met Chinese Foreign Minister Wang Yi on Monday.");
//! let e = enricher.enrich(&doc);
//! let central: Vec<&str> = e.countries.iter().filter(|c| c.central).map(|c| c.name.as_str()).collect();
//! assert_eq!(central, ["China", "United States"]);
//! assert!(e.persons.iter().any(|p| p.name == "John Kerry" && p.central));
//! # Ok::<(), gazette::Error>(())
//! ```

mod entities;
mod gazetteer;
mod names;
mod salience;
mod topics;
mod words;

use std::sync::{Arc, OnceLock};

use serde::{Deserialize, Serialize};

use crate::document::Document;
use crate::error::Result;
use crate::facet::{self, Vocabulary};

/// The vocabularies compiled into matchers, built once and shared.
///
/// ```
/// use gazette::{Document, enrich::Enricher};
/// let enricher = Enricher::builtin()?;
/// let doc = Document::new("w", "Grain exports rise", "Ukraine shipped more wheat this year.");
/// let e = enricher.enrich(&doc);
/// assert_eq!(e.countries[0].name, "Ukraine");
/// # Ok::<(), gazette::Error>(())
/// ```
pub struct Enricher {
    vocab: Arc<Vocabulary>,
    entities: entities::EntityMatcher,
    topics: topics::TopicMatcher,
}

impl std::fmt::Debug for Enricher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Enricher")
            .field("countries", &self.vocab.countries.len())
            .field("actors", &self.vocab.actors.len())
            .field("topics", &self.vocab.topics.len())
            .finish()
    }
}

impl Enricher {
    /// Compiles a vocabulary.
    ///
    /// ```
    /// use gazette::{Document, enrich::Enricher, facet::Vocabulary};
    /// // Freedonia and a topic, Statecraft (see tests/data/vocabulary/README.md).
    /// let vocab = Vocabulary::from_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/vocabulary"))?;
    /// let enricher = Enricher::new(vocab);
    /// let e = enricher.enrich(&Document::new("x", "Freedonia recalls ambassador",
    ///     "Freedonia recalled its ambassador after China and Sylvania broke off peace talks."));
    /// assert_eq!(e.countries[0].facet, "/Europe/Marxian Europe/Freedonia");
    /// assert!(e.countries.iter().all(|c| c.name != "China")); // not in this vocabulary
    /// assert_eq!(e.topics[0].name, "Statecraft");
    /// # Ok::<(), gazette::Error>(())
    /// ```
    pub fn new(vocab: Vocabulary) -> Enricher {
        Enricher::from_shared(Arc::new(vocab))
    }

    /// Compiles a vocabulary that is also used elsewhere (an index's).
    pub(crate) fn from_shared(vocab: Arc<Vocabulary>) -> Enricher {
        Enricher { entities: entities::EntityMatcher::new(&vocab), topics: topics::TopicMatcher::new(&vocab), vocab }
    }

    /// The enricher of the built-in vocabularies. Compiling it takes a while, so it is
    /// compiled once per process, on first use, and shared: the vocabulary is compiled into
    /// the binary and never changes, so sharing it hides no state.
    ///
    /// ```
    /// use gazette::enrich::Enricher;
    /// let enricher = Enricher::builtin()?;
    /// assert!(std::sync::Arc::ptr_eq(&enricher, &Enricher::builtin()?)); // the same one every time
    /// # Ok::<(), gazette::Error>(())
    /// ```
    pub fn builtin() -> Result<Arc<Enricher>> {
        static BUILTIN: OnceLock<std::result::Result<Arc<Enricher>, String>> = OnceLock::new();
        BUILTIN
            .get_or_init(|| {
                Vocabulary::builtin_shared().map(|v| Arc::new(Enricher::from_shared(v))).map_err(|e| e.to_string())
            })
            .clone()
            .map_err(|reason| crate::Error::SchemaData { file: "vocabularies", reason })
    }

    /// The vocabulary this enricher was built from.
    ///
    /// ```
    /// let enricher = gazette::enrich::Enricher::builtin()?;
    /// assert_eq!(enricher.vocabulary().country("CN").map(|c| c.name.as_str()), Some("China"));
    /// # Ok::<(), gazette::Error>(())
    /// ```
    pub fn vocabulary(&self) -> &Vocabulary {
        &self.vocab
    }

    pub(crate) fn vocabulary_arc(&self) -> Arc<Vocabulary> {
        self.vocab.clone()
    }

    /// Countries, persons, organizations and topics of a document.
    ///
    /// ```
    /// use gazette::{Document, enrich::Enricher};
    /// let doc = Document::new("x", "Xi meets Obama", "Chinese President Xi Jinping met U.S. President Barack Obama \
    ///     in Washington on Friday. Xi said China opposes cyber attacks.");
    /// let e = Enricher::builtin()?.enrich(&doc);
    /// let persons: Vec<&str> = e.persons.iter().map(|p| p.name.as_str()).collect();
    /// assert_eq!(persons, ["Xi Jinping", "Barack Obama"]);
    /// assert_eq!(e.topics[0].subtopics, ["cybersecurity"]);
    /// # Ok::<(), gazette::Error>(())
    /// ```
    pub fn enrich(&self, doc: &Document) -> Enrichment {
        let dateline = doc.dateline.as_deref().unwrap_or("");
        // One allocation of the full size (`format!` grows the string as it writes).
        let mut text = String::with_capacity(doc.title.len() + dateline.len() + doc.body.len() + 4);
        for (i, part) in [doc.title.as_str(), dateline, &doc.body].into_iter().enumerate() {
            if i > 0 {
                text.push_str("\n\n");
            }
            text.push_str(part);
        }
        let body_start = doc.title.len() + 2 + dateline.len() + 2;
        let lead_len = doc.body.find("\n\n").unwrap_or(doc.body.len());
        let t = entities::Text {
            text: &text,
            title_end: doc.title.len(),
            lead: doc.title.len() + 2..body_start + lead_len,
            body_start,
        };
        // Words are found once, for both.
        let spans = crate::text::word_spans(&text);
        let (countries, persons, organizations) = entities::extract(&self.entities, &self.vocab, &t, &spans);
        let topics = self.topics.assign_spans(&text, &spans, t.title_end, t.body_start);
        Enrichment { countries, persons, organizations, topics }
    }
}

/// What enrichment found in a document, with the evidence for it.
///
/// ```
/// use gazette::{Document, enrich::Enricher};
/// let doc = Document::new("x", "Xi meets Obama", "Chinese President Xi Jinping met U.S. President Barack Obama \
///     in Washington on Friday. Xi said China opposes cyber attacks.");
/// let e = Enricher::builtin()?.enrich(&doc);
/// assert!(e.countries.iter().all(|c| c.central));
/// assert!(e.organizations.is_empty());
/// assert_eq!(e.topics[0].name, "International Affairs");
/// # Ok::<(), gazette::Error>(())
/// ```
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
    /// Where: title, dateline or body.
    pub field: MentionField,
    /// Byte offset of the mention in that field.
    pub offset: usize,
}

/// The part of a document a mention is in; serialized as `title`, `dateline` or `body`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MentionField {
    /// The headline.
    Title,
    /// The dateline (`WASHINGTON —`).
    Dateline,
    /// The body text.
    Body,
}

impl MentionField {
    /// The name, as serialized.
    ///
    /// ```
    /// assert_eq!(gazette::enrich::MentionField::Body.as_str(), "body");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            MentionField::Title => "title",
            MentionField::Dateline => "dateline",
            MentionField::Body => "body",
        }
    }
}

impl std::fmt::Display for MentionField {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
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
    ///
    /// ```
    /// use gazette::{Document, enrich::Enricher};
    /// let doc = Document::new("x", "Xi meets Obama", "Chinese President Xi Jinping met U.S. President Barack Obama \
    ///     in Washington on Friday. Xi said China opposes cyber attacks.");
    /// let e = Enricher::builtin()?.enrich(&doc);
    /// let facets: Vec<&str> = e.country_facets().collect();
    /// assert_eq!(facets, ["/Asia/Eastern Asia/China", "/Americas/Northern America/United States"]);
    /// # Ok::<(), gazette::Error>(())
    /// ```
    pub fn country_facets(&self) -> impl Iterator<Item = &str> {
        self.countries.iter().filter(|e| e.central).map(|e| e.facet.as_str())
    }

    /// Facet paths of the central persons and organizations.
    ///
    /// ```
    /// use gazette::{Document, enrich::Enricher};
    /// let doc = Document::new("x", "Xi meets Obama", "Chinese President Xi Jinping met U.S. President Barack Obama \
    ///     in Washington on Friday. Xi said China opposes cyber attacks.");
    /// let e = Enricher::builtin()?.enrich(&doc);
    /// let facets: Vec<&str> = e.actor_facets().collect();
    /// assert_eq!(facets, ["/person/Xi Jinping", "/person/Barack Obama"]);
    /// # Ok::<(), gazette::Error>(())
    /// ```
    pub fn actor_facets(&self) -> impl Iterator<Item = &str> {
        self.persons.iter().chain(&self.organizations).filter(|e| e.central).map(|e| e.facet.as_str())
    }

    /// Facet paths of the topics: `/Major` and `/Major/subtopic`.
    ///
    /// ```
    /// use gazette::{Document, enrich::Enricher};
    /// let doc = Document::new("x", "Xi meets Obama", "Chinese President Xi Jinping met U.S. President Barack Obama \
    ///     in Washington on Friday. Xi said China opposes cyber attacks.");
    /// let e = Enricher::builtin()?.enrich(&doc);
    /// assert_eq!(e.topic_facets(), ["/International Affairs/cybersecurity"]);
    /// # Ok::<(), gazette::Error>(())
    /// ```
    pub fn topic_facets(&self) -> Vec<String> {
        let mut out = Vec::new();
        for t in &self.topics {
            if t.subtopics.is_empty() {
                out.push(facet::topic(&t.name, None));
            }
            for s in &t.subtopics {
                out.push(facet::topic(&t.name, Some(s)));
            }
        }
        out
    }

    /// Canonical names of every country and actor mentioned, central or not.
    ///
    /// ```
    /// use gazette::{Document, enrich::Enricher};
    /// let doc = Document::new("w", "Grain exports rise", "Ukraine shipped more wheat this year. Ukrainian farmers \
    ///     planted more.\n\nUkraine expects a record harvest.\n\nPrices also rose in Brazil.");
    /// let e = Enricher::builtin()?.enrich(&doc);
    /// assert_eq!(e.country_facets().count(), 1); // Brazil is only mentioned...
    /// assert_eq!(e.mentioned_names().collect::<Vec<_>>(), ["Ukraine", "Brazil"]); // ...but listed
    /// # Ok::<(), gazette::Error>(())
    /// ```
    pub fn mentioned_names(&self) -> impl Iterator<Item = &str> {
        self.countries.iter().chain(&self.persons).chain(&self.organizations).map(|e| e.name.as_str())
    }
}

/// A document with its enrichment: what an index stores of each document, and what
/// [`crate::Index::get`] gives back. Serialized as the document's fields followed by
/// `enrichment`.
///
/// ```
/// use gazette::{Document, enrich::{Enriched, Enricher}};
/// let doc = Document::new("x", "Kerry in Beijing", "BEIJING — John Kerry met Chinese officials.");
/// let pair = Enriched::new(doc, &*Enricher::builtin()?);
/// assert!(pair.enrichment.country_facets().any(|f| f == "/Asia/Eastern Asia/China"));
/// assert_eq!(pair.document.id, "x");
/// # Ok::<(), gazette::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Enriched {
    /// The document as the loader made it.
    #[serde(flatten)]
    pub document: Document,
    /// Its countries, actors and topics.
    pub enrichment: Enrichment,
}

impl Enriched {
    /// `document` enriched by `enricher`.
    ///
    /// ```
    /// use gazette::{Document, enrich::{Enriched, Enricher}};
    /// let pair = Enriched::new(Document::new("w", "Grain", "Ukraine shipped wheat."), &*Enricher::builtin()?);
    /// assert_eq!(pair.enrichment.countries[0].name, "Ukraine");
    /// # Ok::<(), gazette::Error>(())
    /// ```
    pub fn new(document: Document, enricher: &Enricher) -> Enriched {
        let enrichment = enricher.enrich(&document);
        Enriched { document, enrichment }
    }
}
