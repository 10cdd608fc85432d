//! Countries, persons and organizations of a document, in passes over its text that each
//! add to the evidence gathered per entity:
//!
//! 1. `gazetteer`: the names of the vocabulary (countries, ambiguous names with evidence,
//!    gazetteer actors), role titles and verbs of speech, found at the starts of words;
//! 2. `names`: persons and organizations of the open world, from runs of capitalized words
//!    the gazetteer did not cover, and then surnames, acronyms and bare ministries resolved
//!    against what the whole document names;
//! 3. `salience`: where and how each entity is mentioned, and from that whether the document
//!    is about it.
//!
//! This module holds what the passes share: the document as one marked-up text and the
//! [`Evidence`] of each entity. Like all of `enrich/`, it reads only the vocabulary it is
//! given, and the same document always gives the same entities.

use super::words::tokenize;
use super::{Entity, Mention, MentionField, gazetteer, names, salience};
use crate::facet::Vocabulary;

pub(crate) use super::gazetteer::EntityMatcher;

/// The document as one text with its parts marked.
pub(crate) struct Text<'a> {
    pub text: &'a str,
    /// Byte range of the title.
    pub title_end: usize,
    /// Byte range of the lead (dateline and first paragraph).
    pub lead: std::ops::Range<usize>,
    /// Where the body starts (offsets in mentions are relative to it).
    pub body_start: usize,
}

impl Text<'_> {
    pub(super) fn mention(&self, start: usize, end: usize) -> Mention {
        let (field, offset) = if start < self.title_end {
            (MentionField::Title, start)
        } else if start < self.body_start {
            (MentionField::Dateline, start - self.title_end - 2)
        } else {
            (MentionField::Body, start - self.body_start)
        };
        Mention { text: self.text[start..end].to_string(), field, offset }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(super) enum Kind {
    Country,
    Person,
    Organization,
}

/// The entities of a document by kind and canonical name, with the evidence for each. The
/// hasher is fixed, so the order of iteration is the same for the same document.
pub(super) type EvidenceMap = hashbrown::HashMap<(Kind, String), Evidence, rustc_hash::FxBuildHasher>;

/// A borrowed key of [`EvidenceMap`], for lookups that allocate only when the entity is new.
/// Hashes as the owned key does (the fields in order, the string as a `str`).
#[derive(Hash)]
pub(super) struct Key<'a>(pub(super) Kind, pub(super) &'a str);

impl hashbrown::Equivalent<(Kind, String)> for Key<'_> {
    fn equivalent(&self, key: &(Kind, String)) -> bool {
        self.0 == key.0 && self.1 == key.1
    }
}

/// The entity of that kind and name, created empty if new.
pub(super) fn evidence_mut<'a>(found: &'a mut EvidenceMap, kind: Kind, name: &str) -> &'a mut Evidence {
    if !found.contains_key(&Key(kind, name)) {
        found.insert((kind, name.to_string()), Evidence::default());
    }
    found.get_mut(&Key(kind, name)).expect("inserted above")
}

/// What the passes gather about one entity of a document: its mentions and how they stand.
#[derive(Debug, Default)]
pub(super) struct Evidence {
    pub(super) facet: String,
    /// alpha-2 of its country: of a country itself, or of a gazetteer actor's.
    pub(super) country: Option<String>,
    /// A person of the gazetteer, or one of its government bodies (ministry, agency,
    /// legislature, ...).
    pub(super) official: bool,
    /// The byte ranges of its mentions in the text.
    pub(super) spans: Vec<(usize, usize)>,
    pub(super) in_title: bool,
    pub(super) in_lead: bool,
    /// The subject of a verb, or (a country) named with its officials.
    pub(super) acting: bool,
    /// Mentioned in a sentence with a verb of speech.
    pub(super) quoted: bool,
    /// Introduced by a role title or an apposition.
    pub(super) role: bool,
    /// Every such introduction is a past role ("former", "late").
    pub(super) former_only: bool,
    /// The quoted person it employs.
    pub(super) employer_of: Option<String>,
    /// Its central government bodies (for a country).
    pub(super) via_actor: Vec<String>,
    /// A news outlet: central only when the story is about it.
    pub(super) media: bool,
}

impl Evidence {
    /// A mention introduced by a role: the person counts as passing only if every such
    /// introduction is "former" or "late".
    pub(super) fn introduced(&mut self, former: bool) {
        self.former_only = if self.role { self.former_only && former } else { former };
        self.role = true;
    }
}

/// Whether the role before a name at `pos` is a past one: "former" or "late" within the 40
/// characters before it.
pub(super) fn role_is_former(text: &str, pos: usize) -> bool {
    let start = text[..pos].char_indices().rev().nth(40).map(|(i, _)| i).unwrap_or(0);
    let before = &text[start..pos];
    before.contains("former ") || before.contains("Former ") || before.contains("late ")
}

/// Countries, persons and organizations of a document, with salience.
pub(crate) fn extract(
    m: &EntityMatcher,
    v: &Vocabulary,
    t: &Text<'_>,
    spans: &[(usize, usize)],
) -> (Vec<Entity>, Vec<Entity>, Vec<Entity>) {
    let text = t.text;
    let mut found = EvidenceMap::default();
    let scan = gazetteer::scan(m, text, spans);
    let hits = gazetteer::match_names(m, v, text, &scan, &mut found);
    let toks = tokenize(text, spans);
    let unresolved = names::find(m, v, text, &toks, &scan.role_ends, &hits, &mut found);
    names::resolve(m, v, text, &toks, &hits, unresolved, &mut found);
    salience::weigh(t, v, &m.words, &scan.speech, &mut found);
    names::qualify_ministries(v, &mut found);
    salience::decide(t, found)
}
