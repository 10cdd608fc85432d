//! What a search returns: [`SearchResults`] of [`Hit`]s, each with its highlighted title and
//! passages.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::Serialize;
use tantivy::query::Query;
use tantivy::schema::Value;
use tantivy::{Searcher, TantivyDocument, Term};

use super::{FacetCounts, Relaxation};
use crate::highlight::{Highlighted, Highlighter, Passage};
use crate::schema::Fields;

/// The answer to a [`SearchRequest`]. Its JSON form is the `--json` output of
/// `gazette search` (see the README for the schema).
///
/// ```
/// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/src/query/doc_fixtures.rs"));
/// # fn main() -> gazette::Result<()> {
/// # use gazette::SearchRequest;
/// # let index = wheat_and_steel()?;
/// // The index holds "a" ("Wheat exports") and "b" ("Steel tariffs").
/// let results = index.search(&SearchRequest::new("*").offset(1))?;
/// assert_eq!((results.total, results.offset, results.hits.len()), (2, 1, 1));
/// let none = index.search(&SearchRequest::new("wheat AND tariffs"))?;
/// assert_eq!(none.total, 0);
/// assert_eq!(none.suggestions[0].query, "wheat OR tariffs");
/// # Ok::<(), gazette::Error>(())
/// # }
/// ```
#[derive(Debug, Clone, Serialize)]
pub struct SearchResults {
    /// The query as given.
    pub query: String,
    /// Number of matching documents.
    pub total: usize,
    /// Hits skipped before the first returned.
    pub offset: usize,
    /// The hits of the page, best first.
    pub hits: Vec<Hit>,
    /// Top facet values of all matching documents, when asked for.
    pub facets: Option<FacetCounts>,
    /// When nothing matched: looser queries that match something, nearest first.
    pub suggestions: Vec<Relaxation>,
}

/// One matching document.
///
/// ```
/// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/src/query/doc_fixtures.rs"));
/// # fn main() -> gazette::Result<()> {
/// # use gazette::SearchRequest;
/// # let index = wheat_and_steel()?;
/// // The index holds "a" ("Wheat exports") and "b" ("Steel tariffs").
/// let hit = &index.search(&SearchRequest::new("wheat"))?.hits[0];
/// assert_eq!((hit.rank, hit.id.as_str()), (1, "a"));
/// assert_eq!(hit.title.render("[", "]"), "[Wheat] exports");
/// assert_eq!(hit.passages[0].fragment.render("[", "]"), "Ukraine shipped more [wheat].");
/// assert!(hit.score > 0.0 && hit.date.is_none());
/// # Ok::<(), gazette::Error>(())
/// # }
/// ```
#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    /// 1-based rank in the whole result list.
    pub rank: usize,
    /// Document id.
    pub id: String,
    /// BM25 score.
    pub score: f32,
    /// The title with the query's terms highlighted.
    pub title: Highlighted,
    /// Publication date.
    #[serde(serialize_with = "date_opt")]
    pub date: Option<DateTime<Utc>>,
    /// Publisher.
    pub source: Option<String>,
    /// URL.
    pub url: Option<String>,
    /// Source file.
    pub path: Option<String>,
    /// Passages of the body that matched, in document order.
    pub passages: Vec<Passage>,
    /// The words of the query the document lacks, as written (in the default
    /// [`Matching::Most`](super::Matching::Most) mode; empty otherwise).
    pub missing: Vec<String>,
}

fn date_opt<S: serde::Serializer>(d: &Option<DateTime<Utc>>, s: S) -> std::result::Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.serialize_str(&d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
        None => s.serialize_none(),
    }
}

pub(super) fn hit(
    f: &Fields,
    doc: &TantivyDocument,
    rank: usize,
    score: f32,
    h: &mut Highlighter,
    passages: usize,
) -> Hit {
    let text = |field| doc.get_first(field).and_then(|v| v.as_str()).map(str::to_string);
    Hit {
        rank,
        id: text(f.id).unwrap_or_default(),
        score,
        title: h.highlight(&text(f.title).unwrap_or_default()),
        date: crate::index::stored_date(f, doc),
        source: text(f.source),
        url: text(f.url),
        path: text(f.path),
        passages: h.passages(&text(f.body).unwrap_or_default(), passages),
        missing: Vec::new(),
    }
}

/// The analyzed terms of the query on the text fields shown (title, lead, body), weighted by
/// their inverse document frequency.
pub(super) fn query_terms(query: &dyn Query, f: &Fields, searcher: &Searcher) -> HashMap<String, f32> {
    let mut terms: Vec<Term> = Vec::new();
    query.query_terms(&mut |t, _| {
        if [f.title, f.lead, f.body].contains(&t.field()) {
            terms.push(t.clone());
        }
    });
    let n = searcher.num_docs().max(1) as f32;
    let mut out = HashMap::new();
    for t in terms {
        let value = t.value();
        let Some(text) = value.as_str() else { continue };
        let df = searcher.doc_freq(&t).unwrap_or(0) as f32;
        let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
        let w = out.entry(text.to_string()).or_insert(0.0f32);
        *w = w.max(idf);
    }
    out
}
