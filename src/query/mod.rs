//! Search: a [`SearchRequest`] becomes a tantivy query, runs against the index, and the top
//! hits come back with highlighted titles and passages.

mod compile;
mod explain;
pub(crate) mod facet_counter;
mod facets;
pub mod parse;
mod proximity;
mod result_counts;
mod timeline;

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::Serialize;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{AllQuery, BooleanQuery, EmptyQuery, Occur, Query};
use tantivy::schema::Value;
use tantivy::{DocAddress, Searcher, TantivyDocument, Term};

use crate::error::{Error, Result};
use crate::highlight::{DEFAULT_PASSAGE_CHARS, DEFAULT_PASSAGES, Highlighted, Highlighter, Passage};
use crate::index::Index;
use crate::schema::{self, Fields};

pub use explain::{Clause, Relaxation};
pub use facets::{FacetCount, FacetCounts, FacetField};
pub use timeline::{Period, TimelineRow};

/// The date of the newest document, in seconds (0 when none is dated).
fn newest_date(searcher: &Searcher) -> i64 {
    searcher
        .segment_readers()
        .iter()
        .filter_map(|s| s.fast_fields().date(schema::DATE).ok())
        .map(|c| c.max_value().into_timestamp_secs())
        .max()
        .unwrap_or(0)
}

/// Hits fetched past the page, so that documents tied in score across its end are ordered
/// by id like the others.
const TIE_SLACK: usize = 8;

/// Orders documents of equal score by id, so that the order does not depend on how the index
/// happens to be laid out in segments (which differs between two builds of the same files).
/// Only tied documents are read.
fn break_ties(searcher: &Searcher, f: &Fields, top: Vec<(f64, DocAddress)>) -> Result<Vec<(f64, DocAddress)>> {
    let tied = |i: usize| (i > 0 && top[i - 1].0 == top[i].0) || top.get(i + 1).is_some_and(|next| next.0 == top[i].0);
    let mut keyed = Vec::with_capacity(top.len());
    for (i, &(score, addr)) in top.iter().enumerate() {
        let id = if tied(i) {
            let doc: TantivyDocument = searcher.doc(addr)?;
            doc.get_first(f.id).and_then(|v| v.as_str()).unwrap_or_default().to_string()
        } else {
            String::new()
        };
        keyed.push((score, id, addr));
    }
    // Stable, and untied documents have distinct scores: only ties move.
    keyed.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    Ok(keyed.into_iter().map(|(s, _, a)| (s, a)).collect())
}

/// At most this many actors are counted by [`Index::facet_counts`] (the most frequent).
pub const MAX_ACTOR_COUNTS: usize = 1000;

/// Default number of hits per page.
pub const DEFAULT_LIMIT: usize = 10;

/// A search, built with chained setters and run with [`SearchRequest::execute`] (or
/// [`Index::search`]).
///
/// ```
/// use gazette::{Document, Index, SearchRequest};
/// let index = Index::create_in_ram()?;
/// let mut w = index.writer()?;
/// w.add(&Document::new("1", "Cyber talks", "China and the U.S. discussed cyber attacks."))?;
/// w.add(&Document::new("2", "Trade talks", "Tariffs were discussed."))?;
/// w.commit()?;
/// let results = SearchRequest::new("cyber attack").limit(5).execute(&index)?;
/// assert_eq!(results.total, 1);
/// assert_eq!(results.hits[0].id, "1");
/// assert_eq!(results.hits[0].passages[0].fragment.render("[", "]"), "China and the U.S. discussed [cyber attacks].");
/// # Ok::<(), gazette::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct SearchRequest {
    query: String,
    limit: usize,
    offset: usize,
    match_any: bool,
    passages: usize,
    passage_chars: usize,
    filters: Vec<(FacetField, String)>,
    facet_limit: usize,
    sort: Sort,
    from: Option<String>,
    to: Option<String>,
    recency_days: Option<f32>,
}

/// The order of hits.
///
/// ```
/// use gazette::{Document, Index, SearchRequest, Sort, chrono::{TimeZone, Utc}};
/// let index = Index::create_in_ram()?;
/// let mut w = index.writer()?;
/// for (id, year) in [("a", 2015), ("b", 2017)] {
///     let mut doc = Document::new(id, "Sanctions", "New sanctions on Iran.");
///     doc.date = Some(Utc.with_ymd_and_hms(year, 6, 1, 0, 0, 0).unwrap());
///     w.add(&doc)?;
/// }
/// w.commit()?;
/// let ids = |r: gazette::SearchResults| r.hits.into_iter().map(|h| h.id).collect::<Vec<_>>();
/// assert_eq!(ids(index.search(&SearchRequest::new("sanctions").sort(Sort::Newest))?), ["b", "a"]);
/// assert_eq!(ids(index.search(&SearchRequest::new("sanctions").sort(Sort::Oldest))?), ["a", "b"]);
/// # Ok::<(), gazette::Error>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Sort {
    /// Best BM25 score first (the default); equal scores by id.
    #[default]
    Relevance,
    /// Oldest first; undated documents last; equal dates by id.
    Oldest,
    /// Newest first; undated documents last; equal dates by id.
    Newest,
}

impl SearchRequest {
    /// A request for `query` (Lucene-style syntax; empty or `*` matches everything).
    ///
    /// ```
    /// # use gazette::{Document, Index, SearchRequest};
    /// # let index = Index::create_in_ram()?;
    /// # let mut w = index.writer()?;
    /// # w.add(&Document::new("a", "Wheat exports", "Ukraine shipped more wheat."))?;
    /// # w.add(&Document::new("b", "Steel tariffs", "New tariffs on steel."))?;
    /// # w.commit()?;
    /// // The index holds "a" ("Wheat exports") and "b" ("Steel tariffs").
    /// assert_eq!(SearchRequest::new("wheat").execute(&index)?.total, 1);
    /// assert_eq!(SearchRequest::new("").execute(&index)?.total, 2); // everything
    /// assert_eq!(SearchRequest::new("*").execute(&index)?.total, 2);
    /// # Ok::<(), gazette::Error>(())
    /// ```
    pub fn new(query: impl Into<String>) -> SearchRequest {
        SearchRequest {
            query: query.into(),
            limit: DEFAULT_LIMIT,
            offset: 0,
            match_any: false,
            passages: DEFAULT_PASSAGES,
            passage_chars: DEFAULT_PASSAGE_CHARS,
            filters: Vec::new(),
            facet_limit: 0,
            sort: Sort::Relevance,
            from: None,
            to: None,
            recency_days: None,
        }
    }

    /// Keeps documents with this facet value (a name such as `China`, `Asia`, `Xi Jinping`,
    /// `cybersecurity`, or a path such as `/Asia/Eastern Asia`). Values of one field are
    /// alternatives (OR); filters on different fields all apply (AND).
    ///
    /// ```
    /// # use gazette::{Document, Index, SearchRequest, enrich::enrich_document};
    /// # let index = Index::create_in_ram()?;
    /// # let mut w = index.writer()?;
    /// # for (id, title, body) in [
    /// #     ("cn", "Xi meets Obama", "Chinese President Xi Jinping met U.S. President Barack Obama in Washington. \
    /// #         Xi said China opposes cyber attacks."),
    /// #     ("ua", "Grain exports rise", "Ukraine shipped more wheat this year."),
    /// # ] {
    /// #     let mut doc = Document::new(id, title, body);
    /// #     enrich_document(&mut doc);
    /// #     w.add(&doc)?;
    /// # }
    /// # w.commit()?;
    /// # let ids = |r: gazette::SearchResults| r.hits.into_iter().map(|h| h.id).collect::<Vec<_>>();
    /// // The index holds "cn" (Xi Jinping meets Barack Obama, on cyber attacks) and "ua" (Ukraine's
    /// // wheat exports), enriched.
    /// use gazette::query::FacetField;
    /// let r = SearchRequest::new("*").filter(FacetField::Country, "China").filter(FacetField::Country, "Ukraine");
    /// assert_eq!(ids(r.execute(&index)?), ["cn", "ua"]); // China OR Ukraine
    /// let r = SearchRequest::new("*").filter(FacetField::Country, "Europe").filter(FacetField::Actor, "Xi Jinping");
    /// assert_eq!(r.execute(&index)?.total, 0); // Europe AND Xi Jinping
    /// # Ok::<(), gazette::Error>(())
    /// ```
    pub fn filter(mut self, field: FacetField, value: impl Into<String>) -> Self {
        self.filters.push((field, value.into()));
        self
    }

    /// [`SearchRequest::filter`] on countries.
    ///
    /// ```
    /// # use gazette::{Document, Index, SearchRequest, enrich::enrich_document};
    /// # let index = Index::create_in_ram()?;
    /// # let mut w = index.writer()?;
    /// # for (id, title, body) in [
    /// #     ("cn", "Xi meets Obama", "Chinese President Xi Jinping met U.S. President Barack Obama in Washington. \
    /// #         Xi said China opposes cyber attacks."),
    /// #     ("ua", "Grain exports rise", "Ukraine shipped more wheat this year."),
    /// # ] {
    /// #     let mut doc = Document::new(id, title, body);
    /// #     enrich_document(&mut doc);
    /// #     w.add(&doc)?;
    /// # }
    /// # w.commit()?;
    /// # let ids = |r: gazette::SearchResults| r.hits.into_iter().map(|h| h.id).collect::<Vec<_>>();
    /// // The index holds "cn" (Xi Jinping meets Barack Obama, on cyber attacks) and "ua" (Ukraine's
    /// // wheat exports), enriched.
    /// assert_eq!(ids(SearchRequest::new("*").country("China").execute(&index)?), ["cn"]);
    /// assert_eq!(ids(SearchRequest::new("*").country("Europe").execute(&index)?), ["ua"]);
    /// # Ok::<(), gazette::Error>(())
    /// ```
    pub fn country(self, value: impl Into<String>) -> Self {
        self.filter(FacetField::Country, value)
    }

    /// [`SearchRequest::filter`] on actors.
    ///
    /// ```
    /// # use gazette::{Document, Index, SearchRequest, enrich::enrich_document};
    /// # let index = Index::create_in_ram()?;
    /// # let mut w = index.writer()?;
    /// # for (id, title, body) in [
    /// #     ("cn", "Xi meets Obama", "Chinese President Xi Jinping met U.S. President Barack Obama in Washington. \
    /// #         Xi said China opposes cyber attacks."),
    /// #     ("ua", "Grain exports rise", "Ukraine shipped more wheat this year."),
    /// # ] {
    /// #     let mut doc = Document::new(id, title, body);
    /// #     enrich_document(&mut doc);
    /// #     w.add(&doc)?;
    /// # }
    /// # w.commit()?;
    /// # let ids = |r: gazette::SearchResults| r.hits.into_iter().map(|h| h.id).collect::<Vec<_>>();
    /// // The index holds "cn" (Xi Jinping meets Barack Obama, on cyber attacks) and "ua" (Ukraine's
    /// // wheat exports), enriched.
    /// assert_eq!(ids(SearchRequest::new("*").actor("Xi Jinping").execute(&index)?), ["cn"]);
    /// # Ok::<(), gazette::Error>(())
    /// ```
    pub fn actor(self, value: impl Into<String>) -> Self {
        self.filter(FacetField::Actor, value)
    }

    /// [`SearchRequest::filter`] on topics.
    ///
    /// ```
    /// # use gazette::{Document, Index, SearchRequest, enrich::enrich_document};
    /// # let index = Index::create_in_ram()?;
    /// # let mut w = index.writer()?;
    /// # for (id, title, body) in [
    /// #     ("cn", "Xi meets Obama", "Chinese President Xi Jinping met U.S. President Barack Obama in Washington. \
    /// #         Xi said China opposes cyber attacks."),
    /// #     ("ua", "Grain exports rise", "Ukraine shipped more wheat this year."),
    /// # ] {
    /// #     let mut doc = Document::new(id, title, body);
    /// #     enrich_document(&mut doc);
    /// #     w.add(&doc)?;
    /// # }
    /// # w.commit()?;
    /// # let ids = |r: gazette::SearchResults| r.hits.into_iter().map(|h| h.id).collect::<Vec<_>>();
    /// // The index holds "cn" (Xi Jinping meets Barack Obama, on cyber attacks) and "ua" (Ukraine's
    /// // wheat exports), enriched.
    /// assert_eq!(ids(SearchRequest::new("*").topic("cybersecurity").execute(&index)?), ["cn"]);
    /// # Ok::<(), gazette::Error>(())
    /// ```
    pub fn topic(self, value: impl Into<String>) -> Self {
        self.filter(FacetField::Topic, value)
    }

    /// Also count the top `n` countries, actors and topics of the matching documents (0, the
    /// default, for none).
    ///
    /// ```
    /// # use gazette::{Document, Index, SearchRequest, enrich::enrich_document};
    /// # let index = Index::create_in_ram()?;
    /// # let mut w = index.writer()?;
    /// # for (id, title, body) in [
    /// #     ("cn", "Xi meets Obama", "Chinese President Xi Jinping met U.S. President Barack Obama in Washington. \
    /// #         Xi said China opposes cyber attacks."),
    /// #     ("ua", "Grain exports rise", "Ukraine shipped more wheat this year."),
    /// # ] {
    /// #     let mut doc = Document::new(id, title, body);
    /// #     enrich_document(&mut doc);
    /// #     w.add(&doc)?;
    /// # }
    /// # w.commit()?;
    /// // The index holds "cn" (Xi Jinping meets Barack Obama, on cyber attacks) and "ua" (Ukraine's
    /// // wheat exports), enriched.
    /// assert!(SearchRequest::new("*").execute(&index)?.facets.is_none());
    /// let facets = SearchRequest::new("*").facets(5).execute(&index)?.facets.unwrap();
    /// assert!(facets.country.iter().any(|c| c.value == "Ukraine" && c.count == 1));
    /// assert!(facets.actor.iter().any(|c| c.value == "Xi Jinping"));
    /// # Ok::<(), gazette::Error>(())
    /// ```
    pub fn facets(mut self, n: usize) -> Self {
        self.facet_limit = n;
        self
    }

    /// The order of hits (default [`Sort::Relevance`]). With a date order, hits have a
    /// score of 0.
    ///
    /// ```
    /// # use gazette::{Document, Index, SearchRequest, chrono::{TimeZone, Utc}};
    /// # let index = Index::create_in_ram()?;
    /// # let mut w = index.writer()?;
    /// # for (id, year) in [("a", 2015), ("b", 2017)] {
    /// #     let mut doc = Document::new(id, "Sanctions", "New sanctions on Iran.");
    /// #     doc.date = Some(Utc.with_ymd_and_hms(year, 6, 1, 0, 0, 0).unwrap());
    /// #     w.add(&doc)?;
    /// # }
    /// # w.commit()?;
    /// // The index holds "a" (2015) and "b" (2017), both "Sanctions: New sanctions on Iran."
    /// use gazette::Sort;
    /// let r = SearchRequest::new("sanctions").sort(Sort::Newest).execute(&index)?;
    /// assert_eq!((r.hits[0].id.as_str(), r.hits[0].score), ("b", 0.0));
    /// # Ok::<(), gazette::Error>(())
    /// ```
    pub fn sort(mut self, sort: Sort) -> Self {
        self.sort = sort;
        self
    }

    /// Favours recent documents when ranking by relevance: a document's score is multiplied
    /// by `1 + 0.5^(age / half_life_days)`, its age counted back from the newest document of
    /// the index (not from today, so that the same index ranks the same tomorrow). Undated
    /// documents get no boost.
    ///
    /// ```
    /// # use gazette::{Document, Index, SearchRequest, chrono::{TimeZone, Utc}};
    /// # let index = Index::create_in_ram()?;
    /// # let mut w = index.writer()?;
    /// # for (id, year) in [("a", 2015), ("b", 2017)] {
    /// #     let mut doc = Document::new(id, "Sanctions", "New sanctions on Iran.");
    /// #     doc.date = Some(Utc.with_ymd_and_hms(year, 6, 1, 0, 0, 0).unwrap());
    /// #     w.add(&doc)?;
    /// # }
    /// # w.commit()?;
    /// # let ids = |r: gazette::SearchResults| r.hits.into_iter().map(|h| h.id).collect::<Vec<_>>();
    /// // The index holds "a" (2015) and "b" (2017), both "Sanctions: New sanctions on Iran."
    /// // Same text, same score: ties go by id, unless recent documents are favoured.
    /// assert_eq!(ids(SearchRequest::new("sanctions").execute(&index)?), ["a", "b"]);
    /// assert_eq!(ids(SearchRequest::new("sanctions").recency(365.0).execute(&index)?), ["b", "a"]);
    /// # Ok::<(), gazette::Error>(())
    /// ```
    pub fn recency(mut self, half_life_days: f32) -> Self {
        self.recency_days = (half_life_days > 0.0).then_some(half_life_days);
        self
    }

    /// Only documents dated in or after this period (`2015`, `2015-06`, `2015-06-30`).
    ///
    /// ```
    /// # use gazette::{Document, Index, SearchRequest, chrono::{TimeZone, Utc}};
    /// # let index = Index::create_in_ram()?;
    /// # let mut w = index.writer()?;
    /// # for (id, year) in [("a", 2015), ("b", 2017)] {
    /// #     let mut doc = Document::new(id, "Sanctions", "New sanctions on Iran.");
    /// #     doc.date = Some(Utc.with_ymd_and_hms(year, 6, 1, 0, 0, 0).unwrap());
    /// #     w.add(&doc)?;
    /// # }
    /// # w.commit()?;
    /// # let ids = |r: gazette::SearchResults| r.hits.into_iter().map(|h| h.id).collect::<Vec<_>>();
    /// // The index holds "a" (2015) and "b" (2017), both "Sanctions: New sanctions on Iran."
    /// assert_eq!(ids(SearchRequest::new("sanctions").from("2016").execute(&index)?), ["b"]);
    /// assert_eq!(ids(SearchRequest::new("sanctions").from("2015-06").execute(&index)?), ["a", "b"]);
    /// # Ok::<(), gazette::Error>(())
    /// ```
    pub fn from(mut self, period: impl Into<String>) -> Self {
        self.from = Some(period.into());
        self
    }

    /// Only documents dated in or before this period (`2016` means up to the end of 2016).
    ///
    /// ```
    /// # use gazette::{Document, Index, SearchRequest, chrono::{TimeZone, Utc}};
    /// # let index = Index::create_in_ram()?;
    /// # let mut w = index.writer()?;
    /// # for (id, year) in [("a", 2015), ("b", 2017)] {
    /// #     let mut doc = Document::new(id, "Sanctions", "New sanctions on Iran.");
    /// #     doc.date = Some(Utc.with_ymd_and_hms(year, 6, 1, 0, 0, 0).unwrap());
    /// #     w.add(&doc)?;
    /// # }
    /// # w.commit()?;
    /// # let ids = |r: gazette::SearchResults| r.hits.into_iter().map(|h| h.id).collect::<Vec<_>>();
    /// // The index holds "a" (2015) and "b" (2017), both "Sanctions: New sanctions on Iran."
    /// assert_eq!(ids(SearchRequest::new("sanctions").to("2016").execute(&index)?), ["a"]);
    /// assert_eq!(ids(SearchRequest::new("sanctions").to("2015-05").execute(&index)?), Vec::<String>::new());
    /// # Ok::<(), gazette::Error>(())
    /// ```
    pub fn to(mut self, period: impl Into<String>) -> Self {
        self.to = Some(period.into());
        self
    }

    /// Number of hits to return (default [`DEFAULT_LIMIT`]).
    ///
    /// ```
    /// # use gazette::{Document, Index, SearchRequest};
    /// # let index = Index::create_in_ram()?;
    /// # let mut w = index.writer()?;
    /// # w.add(&Document::new("a", "Wheat exports", "Ukraine shipped more wheat."))?;
    /// # w.add(&Document::new("b", "Steel tariffs", "New tariffs on steel."))?;
    /// # w.commit()?;
    /// // The index holds "a" ("Wheat exports") and "b" ("Steel tariffs").
    /// let r = SearchRequest::new("*").limit(1).execute(&index)?;
    /// assert_eq!((r.total, r.hits.len()), (2, 1));
    /// # Ok::<(), gazette::Error>(())
    /// ```
    pub fn limit(mut self, limit: usize) -> Self {
        self.limit = limit;
        self
    }

    /// Number of hits to skip, for paging.
    ///
    /// ```
    /// # use gazette::{Document, Index, SearchRequest};
    /// # let index = Index::create_in_ram()?;
    /// # let mut w = index.writer()?;
    /// # w.add(&Document::new("a", "Wheat exports", "Ukraine shipped more wheat."))?;
    /// # w.add(&Document::new("b", "Steel tariffs", "New tariffs on steel."))?;
    /// # w.commit()?;
    /// // The index holds "a" ("Wheat exports") and "b" ("Steel tariffs").
    /// let r = SearchRequest::new("*").offset(1).execute(&index)?;
    /// assert_eq!((r.hits.len(), r.hits[0].id.as_str(), r.hits[0].rank), (1, "b", 2));
    /// # Ok::<(), gazette::Error>(())
    /// ```
    pub fn offset(mut self, offset: usize) -> Self {
        self.offset = offset;
        self
    }

    /// Match documents with any of the words rather than all of them (the default).
    ///
    /// ```
    /// # use gazette::{Document, Index, SearchRequest};
    /// # let index = Index::create_in_ram()?;
    /// # let mut w = index.writer()?;
    /// # w.add(&Document::new("a", "Wheat exports", "Ukraine shipped more wheat."))?;
    /// # w.add(&Document::new("b", "Steel tariffs", "New tariffs on steel."))?;
    /// # w.commit()?;
    /// // The index holds "a" ("Wheat exports") and "b" ("Steel tariffs").
    /// assert_eq!(SearchRequest::new("wheat tariffs").execute(&index)?.total, 0);
    /// assert_eq!(SearchRequest::new("wheat tariffs").match_any(true).execute(&index)?.total, 2);
    /// # Ok::<(), gazette::Error>(())
    /// ```
    pub fn match_any(mut self, any: bool) -> Self {
        self.match_any = any;
        self
    }

    /// Number of passages per hit (default [`DEFAULT_PASSAGES`]; 0 for none).
    ///
    /// ```
    /// # use gazette::{Document, Index, SearchRequest};
    /// # let index = Index::create_in_ram()?;
    /// # let mut w = index.writer()?;
    /// # w.add(&Document::new("a", "Wheat exports", "Ukraine shipped more wheat."))?;
    /// # w.add(&Document::new("b", "Steel tariffs", "New tariffs on steel."))?;
    /// # w.commit()?;
    /// // The index holds "a" ("Wheat exports") and "b" ("Steel tariffs").
    /// assert_eq!(SearchRequest::new("wheat").execute(&index)?.hits[0].passages.len(), 1);
    /// assert!(SearchRequest::new("wheat").passages(0).execute(&index)?.hits[0].passages.is_empty());
    /// # Ok::<(), gazette::Error>(())
    /// ```
    pub fn passages(mut self, n: usize) -> Self {
        self.passages = n;
        self
    }

    /// Maximum length of a passage in characters (default [`DEFAULT_PASSAGE_CHARS`]).
    ///
    /// ```
    /// use gazette::{Document, Index, SearchRequest};
    /// let index = Index::create_in_ram()?;
    /// let mut w = index.writer()?;
    /// w.add(&Document::new("a", "Wheat", "In a year of drought, floods and war, Ukraine still shipped \
    ///     more wheat to Egypt, Turkey and Indonesia than any other exporter did."))?;
    /// w.commit()?;
    /// let r = SearchRequest::new("wheat").passage_chars(60).execute(&index)?;
    /// let text = &r.hits[0].passages[0].fragment.text;
    /// assert_eq!(text, "…still shipped more wheat to Egypt, Turkey and Indonesia…");
    /// assert!(text.chars().count() <= 60);
    /// # Ok::<(), gazette::Error>(())
    /// ```
    pub fn passage_chars(mut self, n: usize) -> Self {
        self.passage_chars = n;
        self
    }

    /// The query string.
    ///
    /// ```
    /// let request = gazette::SearchRequest::new("sanctions AND iran").limit(3);
    /// assert_eq!(request.query(), "sanctions AND iran");
    /// ```
    pub fn query(&self) -> &str {
        &self.query
    }

    /// Runs the request.
    ///
    /// ```
    /// # use gazette::{Document, Index, SearchRequest};
    /// # let index = Index::create_in_ram()?;
    /// # let mut w = index.writer()?;
    /// # w.add(&Document::new("a", "Wheat exports", "Ukraine shipped more wheat."))?;
    /// # w.add(&Document::new("b", "Steel tariffs", "New tariffs on steel."))?;
    /// # w.commit()?;
    /// // The index holds "a" ("Wheat exports") and "b" ("Steel tariffs").
    /// let results = SearchRequest::new("steel").execute(&index)?;
    /// assert_eq!((results.total, results.hits[0].id.as_str()), (1, "b"));
    /// # Ok::<(), gazette::Error>(())
    /// ```
    pub fn execute(&self, index: &Index) -> Result<SearchResults> {
        let fields = index.fields();
        // The text is parsed and compiled once; the facet counts reuse it with other filters.
        let text = self.parse_text(index)?;
        let query = self.with_filters(index, text.box_clone(), None)?;
        let searcher = index.searcher();
        index.facet_values().retain(&searcher);
        let want = self.offset + self.limit.max(1);
        let top_docs = TopDocs::with_limit(want + TIE_SLACK);
        // Facet counts come from the same pass over the matching documents as the hits.
        let counts = (self.facet_limit > 0).then(|| facets::counts_collector(index, self.facet_limit, true));
        let (top, total, counts): (Vec<(f64, DocAddress)>, usize, Option<result_counts::Counted>) = match self.sort {
            Sort::Relevance => match self.recency_days {
                None => {
                    let (top, total, counts) = searcher.search(&*query, &(top_docs.order_by_score(), Count, counts))?;
                    (top.into_iter().map(|(s, a)| (s as f64, a)).collect(), total, counts)
                }
                Some(half_life) => {
                    let newest = newest_date(&searcher);
                    let boosted = top_docs.tweak_score(move |segment: &tantivy::SegmentReader| {
                        let dates = segment.fast_fields().date(schema::DATE).ok();
                        move |doc: tantivy::DocId, score: tantivy::Score| {
                            let boost = dates.as_ref().and_then(|c| c.first(doc)).map_or(0.0, |d| {
                                let age_days = (newest - d.into_timestamp_secs()).max(0) as f32 / 86_400.0;
                                0.5f32.powf(age_days / half_life)
                            });
                            score * (1.0 + boost)
                        }
                    });
                    let (top, total, counts) = searcher.search(&*query, &(boosted, Count, counts))?;
                    (top.into_iter().map(|(s, a)| (s as f64, a)).collect(), total, counts)
                }
            },
            Sort::Oldest | Sort::Newest => {
                let order = if self.sort == Sort::Newest { tantivy::Order::Desc } else { tantivy::Order::Asc };
                let by_date = top_docs.order_by_fast_field::<tantivy::DateTime>(schema::DATE, order);
                let (top, total, counts) = searcher.search(&*query, &(by_date, Count, counts))?;
                // The key sorts descending: newest first, or oldest first by negating; undated last.
                let key = |d: Option<tantivy::DateTime>| match d {
                    Some(d) if self.sort == Sort::Newest => d.into_timestamp_secs() as f64,
                    Some(d) => -(d.into_timestamp_secs() as f64),
                    None => f64::NEG_INFINITY,
                };
                (top.into_iter().map(|(d, a)| (key(d), a)).collect(), total, counts)
            }
        };
        let top = break_ties(&searcher, fields, top)?;
        let top: Vec<(f32, DocAddress)> =
            top.into_iter().map(|(k, a)| (if self.sort == Sort::Relevance { k as f32 } else { 0.0 }, a)).collect();
        let top: Vec<(f32, DocAddress)> =
            if self.limit == 0 { Vec::new() } else { top.into_iter().skip(self.offset).take(self.limit).collect() };
        let facets = match counts {
            Some(counts) => Some(self.facet_counts(index, &searcher, &*text, counts)?),
            None => None,
        };
        let mut highlighter =
            Highlighter::new(query_terms(&*query, fields, &searcher), self.spec(index)?, self.passage_chars);
        let mut hits = Vec::with_capacity(top.len());
        for (i, (score, addr)) in top.into_iter().enumerate() {
            let doc: TantivyDocument = searcher.doc(addr)?;
            hits.push(hit(fields, &doc, self.offset + i + 1, score, &mut highlighter, self.passages));
        }
        // No hits: say how to loosen the query, never loosen it silently.
        let suggestions =
            if total == 0 && !self.query.trim().is_empty() { self.relaxations(index)? } else { Vec::new() };
        Ok(SearchResults { query: self.query.clone(), total, offset: self.offset, hits, facets, suggestions })
    }

    /// The query with the facet filters applied.
    fn parse(&self, index: &Index) -> Result<Box<dyn Query>> {
        self.with_filters(index, self.parse_text(index)?, None)
    }

    /// The compiled query text with the date bounds and facet filters applied, except the
    /// filters of `skip`: the query whose documents that field's counts come from, so that a
    /// user can tick several values of a field and still see the others (drill sideways).
    fn with_filters(&self, index: &Index, query: Box<dyn Query>, skip: Option<FacetField>) -> Result<Box<dyn Query>> {
        if self.filters.is_empty() && self.from.is_none() && self.to.is_none() {
            return Ok(query);
        }
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, query)];
        if self.from.is_some() || self.to.is_some() {
            let bound = |v: &Option<String>, what: &'static str| -> Result<Option<(DateTime<Utc>, DateTime<Utc>)>> {
                v.as_deref()
                    .map(|v| {
                        compile::period(v).ok_or_else(|| Error::InvalidArgument {
                            what,
                            value: v.to_string(),
                            reason: "not a date; write 2015, 2015-06 or 2015-06-30".to_string(),
                        })
                    })
                    .transpose()
            };
            let lo = bound(&self.from, "--from")?.map(|p| p.0);
            let hi = bound(&self.to, "--to")?.map(|p| p.1);
            clauses.push((Occur::Must, compile::date_range(index.fields().date, lo, hi)));
        }
        for field in FacetField::ALL.into_iter().filter(|f| Some(*f) != skip) {
            let values: Vec<&String> = self.filters.iter().filter(|(f, _)| *f == field).map(|(_, v)| v).collect();
            if values.is_empty() {
                continue;
            }
            let mut resolved = Vec::new();
            for v in values {
                resolved.extend(facets::resolve(field, v)?);
            }
            clauses.push((Occur::Must, facets::any_of(field.field(index.fields()), &resolved)));
        }
        Ok(Box::new(BooleanQuery::new(clauses)))
    }

    /// The top values of each facet field, from the counts of the main pass. A field with a
    /// filter of its own is counted again without that filter (drill sideways: the other
    /// countries stay visible after ticking one).
    fn facet_counts(
        &self,
        index: &Index,
        searcher: &Searcher,
        text: &dyn Query,
        counts: result_counts::Counted,
    ) -> Result<FacetCounts> {
        let mut counts = facets::top_of(counts, self.facet_limit);
        for field in FacetField::ALL {
            if self.filters.iter().any(|(f, _)| *f == field) {
                let sideways = facets::top_counts(
                    index,
                    searcher,
                    &*self.with_filters(index, text.box_clone(), Some(field))?,
                    self.facet_limit,
                )?;
                match field {
                    FacetField::Country => counts.country = sideways.country,
                    FacetField::Actor => counts.actor = sideways.actor,
                    FacetField::Topic => counts.topic = sideways.topic,
                }
            }
        }
        Ok(counts)
    }

    /// What the highlighter marks (nothing for an empty query).
    fn spec(&self, index: &Index) -> Result<crate::highlight::Spec> {
        let q = self.query.trim();
        if q.is_empty() || q == "*" {
            return Ok(crate::highlight::Spec::default());
        }
        Ok(compile::Compiler::new(index, &self.query).highlight_spec(&self.tree(index)?))
    }

    /// The query string parsed by our grammar ([`parse`]) and compiled for this index.
    fn parse_text(&self, index: &Index) -> Result<Box<dyn Query>> {
        let q = self.query.trim();
        if q.is_empty() || q == "*" {
            return Ok(Box::new(AllQuery));
        }
        let tree = self.tree(index)?;
        Ok(compile::Compiler::new(index, &self.query).compile(&tree)?.unwrap_or_else(|| Box::new(EmptyQuery)))
    }

    /// The parsed query.
    fn tree(&self, index: &Index) -> Result<parse::Node> {
        let names: Vec<&str> =
            index.fields().schema().fields().filter(|(_, e)| e.is_indexed()).map(|(_, e)| e.name()).collect();
        let opts = parse::ParseOptions { fields: &names, default_and: !self.match_any };
        parse::parse(self.query.trim(), &opts).map_err(|e| Error::QuerySyntax {
            query: self.query.clone(),
            // Positions count characters of the trimmed query.
            position: e.position + self.query.chars().take_while(|c| c.is_whitespace()).count(),
            message: e.message,
        })
    }
}

impl Index {
    /// Runs a search request.
    ///
    /// ```
    /// # use gazette::{Document, Index, SearchRequest};
    /// # let index = Index::create_in_ram()?;
    /// # let mut w = index.writer()?;
    /// # w.add(&Document::new("a", "Wheat exports", "Ukraine shipped more wheat."))?;
    /// # w.add(&Document::new("b", "Steel tariffs", "New tariffs on steel."))?;
    /// # w.commit()?;
    /// // The index holds "a" ("Wheat exports") and "b" ("Steel tariffs").
    /// let results = index.search(&SearchRequest::new("wheat"))?;
    /// assert_eq!((results.total, results.hits[0].id.as_str()), (1, "a"));
    /// # Ok::<(), gazette::Error>(())
    /// ```
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResults> {
        request.execute(self)
    }

    /// Counts of every value of a facet field, all levels of the hierarchy, among the
    /// documents matching `request` (its query and filters; paging is ignored).
    ///
    /// ```
    /// use gazette::{Document, Index, SearchRequest, query::FacetField};
    /// let index = Index::create_in_ram()?;
    /// let mut w = index.writer()?;
    /// let mut doc = Document::new("1", "Kerry in Beijing", "BEIJING — John Kerry met Chinese officials.");
    /// gazette::enrich::enrich_document(&mut doc);
    /// w.add(&doc)?;
    /// w.commit()?;
    /// let counts = index.facet_counts(FacetField::Country, &SearchRequest::new("*"))?;
    /// assert!(counts.iter().any(|c| c.path == "/Asia/Eastern Asia/China" && c.count == 1));
    /// assert!(counts.iter().any(|c| c.path == "/Asia" && c.depth == 1));
    /// # Ok::<(), gazette::Error>(())
    /// ```
    pub fn facet_counts(&self, field: FacetField, request: &SearchRequest) -> Result<Vec<FacetCount>> {
        let query = request.parse(self)?;
        facets::count_all(self, &self.searcher(), &*query, field, 3, MAX_ACTOR_COUNTS)
    }
}

/// The answer to a [`SearchRequest`]. Its JSON form is the `--json` output of
/// `gazette search` (see the README for the schema).
///
/// ```
/// # use gazette::{Document, Index, SearchRequest};
/// # let index = Index::create_in_ram()?;
/// # let mut w = index.writer()?;
/// # w.add(&Document::new("a", "Wheat exports", "Ukraine shipped more wheat."))?;
/// # w.add(&Document::new("b", "Steel tariffs", "New tariffs on steel."))?;
/// # w.commit()?;
/// // The index holds "a" ("Wheat exports") and "b" ("Steel tariffs").
/// let results = index.search(&SearchRequest::new("*").offset(1))?;
/// assert_eq!((results.total, results.offset, results.hits.len()), (2, 1, 1));
/// let none = index.search(&SearchRequest::new("wheat tariffs"))?;
/// assert_eq!(none.total, 0);
/// assert_eq!(none.suggestions[0].query, "wheat OR tariffs");
/// # Ok::<(), gazette::Error>(())
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
/// # use gazette::{Document, Index, SearchRequest};
/// # let index = Index::create_in_ram()?;
/// # let mut w = index.writer()?;
/// # w.add(&Document::new("a", "Wheat exports", "Ukraine shipped more wheat."))?;
/// # w.add(&Document::new("b", "Steel tariffs", "New tariffs on steel."))?;
/// # w.commit()?;
/// // The index holds "a" ("Wheat exports") and "b" ("Steel tariffs").
/// let hit = &index.search(&SearchRequest::new("wheat"))?.hits[0];
/// assert_eq!((hit.rank, hit.id.as_str()), (1, "a"));
/// assert_eq!(hit.title.render("[", "]"), "[Wheat] exports");
/// assert_eq!(hit.passages[0].fragment.render("[", "]"), "Ukraine shipped more [wheat].");
/// assert!(hit.score > 0.0 && hit.date.is_none());
/// # Ok::<(), gazette::Error>(())
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
}

fn date_opt<S: serde::Serializer>(d: &Option<DateTime<Utc>>, s: S) -> std::result::Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.serialize_str(&d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
        None => s.serialize_none(),
    }
}

fn hit(f: &Fields, doc: &TantivyDocument, rank: usize, score: f32, h: &mut Highlighter, passages: usize) -> Hit {
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
    }
}

/// The analyzed terms of the query on the text fields shown (title, lead, body), weighted by
/// their inverse document frequency.
fn query_terms(query: &dyn Query, f: &Fields, searcher: &Searcher) -> HashMap<String, f32> {
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
