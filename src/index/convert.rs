//! [`Document`] to and from tantivy documents.

use chrono::{TimeZone, Utc};
use tantivy::TantivyDocument;
use tantivy::schema::{Facet, OwnedValue, Value};

use crate::document::Document;
use crate::schema::Fields;

pub(crate) fn to_tantivy(f: &Fields, doc: &Document) -> TantivyDocument {
    let mut t = TantivyDocument::default();
    t.add_text(f.id, &doc.id);
    if let Some(p) = &doc.path {
        t.add_text(f.path, p.to_string_lossy());
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
    let e = &doc.enrichment;
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
        t.add_text(f.enrichment, serde_json::to_string(e).expect("enrichment serializes"));
    }
    t
}

/// The stored publication date of a tantivy document.
pub(crate) fn stored_date(f: &Fields, t: &TantivyDocument) -> Option<chrono::DateTime<Utc>> {
    t.get_first(f.date)
        .and_then(|v| v.as_datetime())
        .and_then(|d| Utc.timestamp_opt(d.into_timestamp_secs(), 0).single())
}

pub(crate) fn from_tantivy(f: &Fields, t: &TantivyDocument) -> Document {
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
    if let Some(json) = text(f.enrichment) {
        doc.enrichment = serde_json::from_str(&json).unwrap_or_default();
    }
    doc
}
