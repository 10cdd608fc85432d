//! [`Document`] to and from tantivy documents.

use std::borrow::Cow;

use chrono::{TimeZone, Utc};
use serde::{Deserialize, Serialize};
use tantivy::TantivyDocument;
use tantivy::schema::{Facet, OwnedValue, Value};

use crate::document::Document;
use crate::enrich::{Enriched, Enrichment, Entity, Mention, MentionField, TopicAssignment};
use crate::schema::Fields;

pub(crate) fn to_tantivy(f: &Fields, doc: &Document, e: &Enrichment) -> TantivyDocument {
    let mut t = TantivyDocument::default();
    t.add_text(f.id, &doc.id);
    if let Some(p) = &doc.path {
        t.add_text(f.path, crate::document::path_text(p));
    }
    t.add_text(f.title, &doc.title);
    t.add_text(f.lead, doc.lead());
    t.add_text(f.body, &doc.body);
    for (field, value) in
        [(f.dateline, &doc.dateline), (f.author, &doc.author), (f.source, &doc.source), (f.url, &doc.url)]
    {
        if let Some(v) = value {
            t.add_text(field, v);
        }
    }
    if let Some(d) = doc.date {
        t.add_date(f.date, tantivy::DateTime::from_timestamp_secs(d.timestamp()));
    }
    t.add_text(f.content_hash, &doc.content_hash);
    if !doc.extra.is_empty() {
        t.add_field_value(f.extra, &OwnedValue::from(serde_json::Value::Object(doc.extra.clone())));
    }
    for facet in e.country_facets() {
        t.add_facet(f.country, Facet::from_text(facet).unwrap_or_else(|_| Facet::root()));
    }
    for facet in e.actor_facets() {
        t.add_facet(f.actor, Facet::from_text(facet).unwrap_or_else(|_| Facet::root()));
    }
    for facet in e.topic_facets() {
        t.add_facet(f.topic, Facet::from_text(&facet).unwrap_or_else(|_| Facet::root()));
    }
    for name in e.mentioned_names() {
        t.add_text(f.mention, name);
    }
    if *e != Default::default() {
        t.add_text(f.enrichment, stored_enrichment(e));
    }
    t
}

/// The stored publication date of a tantivy document.
pub(crate) fn stored_date(f: &Fields, t: &TantivyDocument) -> Option<chrono::DateTime<Utc>> {
    t.get_first(f.date)
        .and_then(|v| v.as_datetime())
        .and_then(|d| Utc.timestamp_opt(d.into_timestamp_secs(), 0).single())
}

pub(crate) fn from_tantivy(f: &Fields, t: &TantivyDocument) -> Enriched {
    let text = |field| t.get_first(field).and_then(|v| v.as_str()).map(str::to_string);
    let mut doc = Document {
        id: text(f.id).unwrap_or_default(),
        title: text(f.title).unwrap_or_default(),
        dateline: text(f.dateline),
        body: text(f.body).unwrap_or_default(),
        date: stored_date(f, t),
        source: text(f.source),
        url: text(f.url),
        author: text(f.author),
        path: text(f.path).map(Into::into),
        content_hash: text(f.content_hash).unwrap_or_default(),
        ..Document::default()
    };
    if let Some(v) = t.get_first(f.extra)
        && let Ok(serde_json::Value::Object(map)) = serde_json::to_value(OwnedValue::from(v))
    {
        doc.extra = map;
    }
    let enrichment = t
        .get_first(f.enrichment)
        .and_then(|v| v.as_str())
        .and_then(|json| enrichment_from_stored(json, &doc))
        .unwrap_or_default();
    Enriched { document: doc, enrichment }
}

/// The enrichment as stored: compact JSON in which a mention is three numbers (field, byte
/// offset, byte length) and not an object with its text, which the stored title, dateline or
/// body give back. On generated news this is 2.0 KB a document, against 4.3 KB for the
/// [`Enrichment`] as serde writes it (4.8 KB of body).
#[derive(Serialize, Deserialize)]
struct Stored<'a> {
    #[serde(borrow)]
    c: Vec<StoredEntity<'a>>,
    #[serde(borrow)]
    p: Vec<StoredEntity<'a>>,
    #[serde(borrow)]
    o: Vec<StoredEntity<'a>>,
    #[serde(borrow)]
    t: Vec<StoredTopic<'a>>,
}

/// Name, facet, central, salience, reasons, and the mentions as a flat list of
/// (field, offset, length) triples.
#[derive(Serialize, Deserialize)]
struct StoredEntity<'a>(
    #[serde(borrow)] Cow<'a, str>,
    #[serde(borrow)] Cow<'a, str>,
    bool,
    f32,
    #[serde(borrow)] Vec<Cow<'a, str>>,
    Vec<usize>,
);

/// Name, score, subtopics, evidence.
#[derive(Serialize, Deserialize)]
struct StoredTopic<'a>(
    #[serde(borrow)] Cow<'a, str>,
    f32,
    #[serde(borrow)] Vec<Cow<'a, str>>,
    #[serde(borrow)] Vec<Cow<'a, str>>,
);

const FIELD_CODES: [MentionField; 3] = [MentionField::Title, MentionField::Dateline, MentionField::Body];

fn stored_enrichment(e: &Enrichment) -> String {
    fn borrow(v: &[String]) -> Vec<Cow<'_, str>> {
        v.iter().map(|s| Cow::Borrowed(s.as_str())).collect()
    }
    fn entities(v: &[Entity]) -> Vec<StoredEntity<'_>> {
        v.iter()
            .map(|e| {
                let mut mentions = Vec::with_capacity(3 * e.mentions.len());
                for m in &e.mentions {
                    let code = FIELD_CODES.iter().position(|&f| f == m.field).expect("every field has a code");
                    mentions.extend([code, m.offset, m.text.len()]);
                }
                StoredEntity(
                    Cow::Borrowed(&e.name),
                    Cow::Borrowed(&e.facet),
                    e.central,
                    e.salience,
                    borrow(&e.reasons),
                    mentions,
                )
            })
            .collect()
    }
    let stored = Stored {
        c: entities(&e.countries),
        p: entities(&e.persons),
        o: entities(&e.organizations),
        t: e.topics
            .iter()
            .map(|t| StoredTopic(Cow::Borrowed(&t.name), t.score, borrow(&t.subtopics), borrow(&t.evidence)))
            .collect(),
    };
    serde_json::to_string(&stored).expect("enrichment serializes")
}

/// The enrichment back from its stored form, the mentions' text cut from `doc`. `None` when
/// the JSON or a mention's position does not fit: the stored document is then damaged.
fn enrichment_from_stored(json: &str, doc: &Document) -> Option<Enrichment> {
    let stored: Stored<'_> = serde_json::from_str(json).ok()?;
    let owned = |v: Vec<Cow<'_, str>>| v.into_iter().map(Cow::into_owned).collect::<Vec<String>>();
    let entities = |v: Vec<StoredEntity<'_>>| -> Option<Vec<Entity>> {
        v.into_iter()
            .map(|StoredEntity(name, facet, central, salience, reasons, triples)| {
                let mentions = triples
                    .chunks(3)
                    .map(|m| {
                        let &[code, offset, len] = m else { return None };
                        let field = *FIELD_CODES.get(code)?;
                        let source = match field {
                            MentionField::Title => doc.title.as_str(),
                            MentionField::Dateline => doc.dateline.as_deref()?,
                            MentionField::Body => doc.body.as_str(),
                        };
                        let text = source.get(offset..offset.checked_add(len)?)?.to_string();
                        Some(Mention { text, field, offset })
                    })
                    .collect::<Option<Vec<_>>>()?;
                Some(Entity {
                    name: name.into_owned(),
                    facet: facet.into_owned(),
                    central,
                    salience,
                    reasons: owned(reasons),
                    mentions,
                })
            })
            .collect()
    };
    Some(Enrichment {
        countries: entities(stored.c)?,
        persons: entities(stored.p)?,
        organizations: entities(stored.o)?,
        topics: stored
            .t
            .into_iter()
            .map(|StoredTopic(name, score, subtopics, evidence)| TopicAssignment {
                name: name.into_owned(),
                score,
                subtopics: owned(subtopics),
                evidence: owned(evidence),
            })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every document of the sample corpus and of the loader's test files comes back from
    /// the index with the enrichment it went in with, mentions' text included.
    #[test]
    fn stored_enrichment_round_trips() {
        let fields = Fields::new().unwrap();
        let enricher = crate::enrich::Enricher::builtin().unwrap();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut checked = 0;
        let mut mentions = 0;
        for dir in ["corpus-sample", "tests/data/loader"] {
            for file in crate::load::walk(&root.join(dir), &Default::default()).files {
                let Ok(loaded) = crate::load::load_file(&file.path, "x") else { continue };
                for doc in loaded.documents {
                    let enrichment = enricher.enrich(&doc);
                    let back = from_tantivy(&fields, &to_tantivy(&fields, &doc, &enrichment));
                    assert_eq!(back.enrichment, enrichment, "{}", file.path.display());
                    checked += 1;
                    mentions += enrichment.countries.iter().map(|e| e.mentions.len()).sum::<usize>();
                }
            }
        }
        assert!(checked >= 10 && mentions >= 20, "{checked} documents, {mentions} country mentions");
    }

    #[test]
    fn a_mention_outside_its_field_is_damage_not_a_panic() {
        let doc = Document { title: "China".into(), body: "Beijing said".into(), ..Document::default() };
        for (json, ok) in [
            (
                r#"{"c":[["China","/Asia/Eastern Asia/China",true,2.0,["title"],[0,0,5,2,0,7]]],"p":[],"o":[],"t":[]}"#,
                true,
            ),
            (r#"{"c":[["China","/Asia/Eastern Asia/China",true,2.0,[],[2,8,99]]],"p":[],"o":[],"t":[]}"#, false),
            (r#"{"c":[["China","/Asia/Eastern Asia/China",true,2.0,[],[1,0,5]]],"p":[],"o":[],"t":[]}"#, false),
            (r#"{"c":[["China","/Asia/Eastern Asia/China",true,2.0,[],[7,0,5]]],"p":[],"o":[],"t":[]}"#, false),
            (r#"{"c":[["China","/Asia/Eastern Asia/China",true,2.0,[],[0,0]]],"p":[],"o":[],"t":[]}"#, false),
        ] {
            let got = enrichment_from_stored(json, &doc);
            assert_eq!(got.is_some(), ok, "{json}");
            if let Some(e) = got {
                let texts: Vec<&str> = e.countries[0].mentions.iter().map(|m| m.text.as_str()).collect();
                assert_eq!(texts, ["China", "Beijing"]);
            }
        }
    }
}
