//! Running a [`PreparedSearch`]: the top hits by score or date with ties ordered by id, the
//! facet counts of the same pass (and drill sideways), passages for the hits of the page.

use super::compile::COORDINATION;
use tantivy::collector::{Count, TopDocs};
use tantivy::schema::Value;
use tantivy::{DocAddress, Searcher, TantivyDocument};

use super::results::{hit, query_terms};
use super::{
    FacetCount, FacetCounts, MAX_ACTOR_COUNTS, PreparedSearch, SearchRequest, SearchResults, Sort, facet_counts,
    result_counts,
};
use crate::error::Result;
use crate::facet::FacetField;
use crate::highlight::Highlighter;
use crate::index::Index;
use crate::schema::{self, Fields};

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

/// Hits fetched past the page, so that documents tied in score across its end are usually
/// all among the candidates; when they are not, [`tied_at`] finds the rest.
const TIE_SLACK: usize = 8;

/// How a hit's sort key is computed, the same way in both passes: the key sorts descending.
#[derive(Clone, Copy)]
enum SortKey {
    /// The BM25 score.
    Score,
    /// The score times the recency boost.
    Recency { newest: i64, half_life_days: f32 },
    /// The date, newest first (`true`) or oldest first; undated documents last.
    Date { newest_first: bool },
}

impl SortKey {
    fn of_date(self, date: Option<tantivy::DateTime>) -> f64 {
        match (self, date) {
            (SortKey::Date { newest_first: true }, Some(d)) => d.into_timestamp_secs() as f64,
            (SortKey::Date { .. }, Some(d)) => -(d.into_timestamp_secs() as f64),
            _ => f64::NEG_INFINITY,
        }
    }

    /// A score with the recency boost: the BM25 part boosted, the coordination steps of
    /// [`Matching::Most`](super::Matching::Most) kept as they are, so that recency orders
    /// documents within a group, never across.
    fn recent(score: f32, newest: i64, half_life_days: f32, date: Option<tantivy::DateTime>) -> f32 {
        let steps = (score / COORDINATION).floor() * COORDINATION;
        steps + (score - steps) * (1.0 + SortKey::boost(newest, half_life_days, date))
    }

    fn boost(newest: i64, half_life_days: f32, date: Option<tantivy::DateTime>) -> f32 {
        date.map_or(0.0, |d| {
            let age_days = (newest - d.into_timestamp_secs()).max(0) as f32 / 86_400.0;
            0.5f32.powf(age_days / half_life_days)
        })
    }
}

/// The documents of `query` whose sort key is exactly `key`, per segment (ordinal, sorted
/// document ids): the tie at the end of a page, when it runs past the candidates.
struct TiedAt {
    sort: SortKey,
    key: f64,
}

struct SegmentTiedAt {
    sort: SortKey,
    key: f64,
    segment: u32,
    dates: Option<tantivy::columnar::Column<tantivy::DateTime>>,
    docs: Vec<tantivy::DocId>,
}

impl tantivy::collector::Collector for TiedAt {
    type Fruit = Vec<(u32, Vec<tantivy::DocId>)>;
    type Child = SegmentTiedAt;

    fn for_segment(&self, segment: u32, reader: &tantivy::SegmentReader) -> tantivy::Result<SegmentTiedAt> {
        let dates = match self.sort {
            SortKey::Score => None,
            _ => reader.fast_fields().date(schema::DATE).ok(),
        };
        Ok(SegmentTiedAt { sort: self.sort, key: self.key, segment, dates, docs: Vec::new() })
    }

    fn requires_scoring(&self) -> bool {
        !matches!(self.sort, SortKey::Date { .. })
    }

    fn merge_fruits(&self, fruits: Vec<(u32, Vec<tantivy::DocId>)>) -> tantivy::Result<Self::Fruit> {
        Ok(fruits.into_iter().filter(|(_, docs)| !docs.is_empty()).collect())
    }
}

impl tantivy::collector::SegmentCollector for SegmentTiedAt {
    type Fruit = (u32, Vec<tantivy::DocId>);

    fn collect(&mut self, doc: tantivy::DocId, score: tantivy::Score) {
        let date = || self.dates.as_ref().and_then(|c| c.first(doc));
        let key = match self.sort {
            SortKey::Score => score as f64,
            SortKey::Recency { newest, half_life_days } => {
                SortKey::recent(score, newest, half_life_days, date()) as f64
            }
            SortKey::Date { .. } => self.sort.of_date(date()),
        };
        if key == self.key {
            self.docs.push(doc);
        }
    }

    fn harvest(self) -> (u32, Vec<tantivy::DocId>) {
        (self.segment, self.docs)
    }
}

/// The `k` documents with the smallest ids among `tied` (per segment, sorted document ids),
/// found by walking each segment's id dictionary in order (ids sorted as strings) and stopping
/// at the `k`-th tied document: no stored document is read.
fn smallest_ids(
    searcher: &Searcher,
    f: &Fields,
    tied: &[(u32, Vec<tantivy::DocId>)],
    k: usize,
) -> Result<Vec<(String, DocAddress)>> {
    use tantivy::DocSet;
    let mut found: Vec<(String, DocAddress)> = Vec::new();
    for (segment, docs) in tied {
        let reader = searcher.segment_reader(*segment);
        let ids = reader.inverted_index(f.id)?;
        let mut stream = ids.terms().stream().map_err(tantivy::TantivyError::from)?;
        let mut taken = 0;
        while taken < k && stream.advance() {
            let mut postings = ids
                .read_postings_from_terminfo(stream.value(), tantivy::schema::IndexRecordOption::Basic)
                .map_err(tantivy::TantivyError::from)?;
            while postings.doc() != tantivy::TERMINATED {
                if docs.binary_search(&postings.doc()).is_ok() {
                    let id = String::from_utf8_lossy(stream.key()).into_owned();
                    found.push((id, DocAddress::new(*segment, postings.doc())));
                    taken += 1;
                }
                postings.advance();
            }
        }
    }
    found.sort();
    found.truncate(k);
    Ok(found)
}

/// The candidates in a total order, key descending then id ascending, cut to `want`. When the
/// documents tied with the `want`-th run past the candidates (tantivy keeps an arbitrary few of
/// a tie), the tie is collected whole and its smallest ids taken, so that every page of any
/// size holds each matching document exactly once, and two builds of the same files rank
/// alike.
#[allow(clippy::too_many_arguments)]
fn total_order(
    searcher: &Searcher,
    f: &Fields,
    query: &dyn tantivy::query::Query,
    sort: SortKey,
    top: Vec<(f64, DocAddress)>,
    want: usize,
    fetched: usize,
    total: usize,
) -> Result<Vec<(f64, DocAddress)>> {
    let boundary = top.get(want.saturating_sub(1)).map(|t| t.0);
    let tie_runs_past = top.len() == fetched
        && total > top.len()
        && boundary.is_some_and(|b| top.last().is_some_and(|last| last.0 == b));
    let Some(b) = boundary.filter(|_| tie_runs_past) else {
        let mut top = break_ties(searcher, f, top)?;
        top.truncate(want);
        return Ok(top);
    };
    let above: Vec<(f64, DocAddress)> = top.into_iter().filter(|t| t.0 > b).collect();
    let mut out = break_ties(searcher, f, above)?;
    let tied = searcher.search(query, &TiedAt { sort, key: b })?;
    let k = want - out.len();
    out.extend(smallest_ids(searcher, f, &tied, k)?.into_iter().map(|(_, addr)| (b, addr)));
    Ok(out)
}

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

impl SearchRequest {
    /// Runs the request.
    ///
    /// ```
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/src/query/doc_fixtures.rs"));
    /// # fn main() -> gazette::Result<()> {
    /// # use gazette::SearchRequest;
    /// # let index = wheat_and_steel()?;
    /// // The index holds "a" ("Wheat exports") and "b" ("Steel tariffs").
    /// let results = SearchRequest::new("steel").execute(&index)?;
    /// assert_eq!((results.total, results.hits[0].id.as_str()), (1, "b"));
    /// # Ok::<(), gazette::Error>(())
    /// # }
    /// ```
    pub fn execute(&self, index: &Index) -> Result<SearchResults> {
        self.prepare(index)?.execute()
    }
}

impl PreparedSearch<'_> {
    /// Runs the search: hits of the page, facet counts when asked for, and looser queries
    /// when nothing matched.
    ///
    /// ```
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/src/query/doc_fixtures.rs"));
    /// # fn main() -> gazette::Result<()> {
    /// # use gazette::SearchRequest;
    /// # let index = wheat_and_steel()?;
    /// // The index holds "a" ("Wheat exports") and "b" ("Steel tariffs").
    /// let results = SearchRequest::new("steel").prepare(&index)?.execute()?;
    /// assert_eq!(results.hits[0].id, "b");
    /// # Ok::<(), gazette::Error>(())
    /// # }
    /// ```
    pub fn execute(&self) -> Result<SearchResults> {
        let (index, request) = (self.index, self.request);
        let fields = index.fields();
        let query = self.query();
        let searcher = index.searcher();
        index.facet_values().retain(&searcher);
        // No page reaches past the last document: a huge limit or offset asks for everything
        // there is (or nothing), and neither overflows nor allocates for documents that
        // cannot exist.
        let docs = searcher.num_docs() as usize;
        let want = request.offset.saturating_add(request.limit.max(1)).min(docs.max(1));
        let top_docs = TopDocs::with_limit(want + TIE_SLACK);
        // Facet counts come from the same pass over the matching documents as the hits.
        let counts =
            (request.facet_limit > 0).then(|| facet_counts::counts_collector(index, request.facet_limit, true));
        let sort = match (request.sort, request.recency_days) {
            (Sort::Relevance, None) => SortKey::Score,
            (Sort::Relevance, Some(half_life_days)) => {
                SortKey::Recency { newest: newest_date(&searcher), half_life_days }
            }
            (Sort::Newest, _) => SortKey::Date { newest_first: true },
            (Sort::Oldest, _) => SortKey::Date { newest_first: false },
        };
        let fetched = want + TIE_SLACK;
        let (top, total, counts): (Vec<(f64, DocAddress)>, usize, Option<result_counts::Counted>) = match sort {
            SortKey::Score => {
                let (top, total, counts) = searcher.search(&*query, &(top_docs.order_by_score(), Count, counts))?;
                (top.into_iter().map(|(s, a)| (s as f64, a)).collect(), total, counts)
            }
            SortKey::Recency { newest, half_life_days } => {
                let boosted = top_docs.tweak_score(move |segment: &tantivy::SegmentReader| {
                    let dates = segment.fast_fields().date(schema::DATE).ok();
                    move |doc: tantivy::DocId, score: tantivy::Score| {
                        SortKey::recent(score, newest, half_life_days, dates.as_ref().and_then(|c| c.first(doc)))
                    }
                });
                let (top, total, counts) = searcher.search(&*query, &(boosted, Count, counts))?;
                (top.into_iter().map(|(s, a)| (s as f64, a)).collect(), total, counts)
            }
            SortKey::Date { newest_first } => {
                let order = if newest_first { tantivy::Order::Desc } else { tantivy::Order::Asc };
                let by_date = top_docs.order_by_fast_field::<tantivy::DateTime>(schema::DATE, order);
                let (top, total, counts) = searcher.search(&*query, &(by_date, Count, counts))?;
                (top.into_iter().map(|(d, a)| (sort.of_date(d), a)).collect(), total, counts)
            }
        };
        let top = total_order(&searcher, fields, &*query, sort, top, want, fetched, total)?;
        // Hits show their score without the coordination steps of `Matching::Most`.
        let shown = |k: f64| match request.matching {
            super::Matching::Most => (k as f32).rem_euclid(COORDINATION),
            _ => k as f32,
        };
        let top: Vec<(f32, DocAddress)> =
            top.into_iter().map(|(k, a)| (if request.sort == Sort::Relevance { shown(k) } else { 0.0 }, a)).collect();
        let top: Vec<(f32, DocAddress)> = if request.limit == 0 {
            Vec::new()
        } else {
            top.into_iter().skip(request.offset).take(request.limit).collect()
        };
        let facets = match counts {
            Some(counts) => Some(self.counts_shown(&searcher, counts)?),
            None => None,
        };
        let mut highlighter =
            Highlighter::new(query_terms(&*query, fields, &searcher), self.spec.clone(), request.passage_chars);
        let mut hits = Vec::with_capacity(top.len());
        // The optional words of `most`, weighed once, to tell each hit which it lacks.
        let words: Vec<(&str, Box<dyn tantivy::query::Weight>)> = self
            .optional
            .iter()
            .map(|(w, q)| Ok((w.as_str(), q.weight(tantivy::query::EnableScoring::disabled_from_searcher(&searcher))?)))
            .collect::<Result<_>>()?;
        for (i, (score, addr)) in top.into_iter().enumerate() {
            let doc: TantivyDocument = searcher.doc(addr)?;
            let mut h =
                hit(fields, &doc, request.offset.saturating_add(i + 1), score, &mut highlighter, request.passages);
            for (word, weight) in &words {
                let mut scorer = weight.scorer(searcher.segment_reader(addr.segment_ord), 1.0)?;
                // A scorer starts at its first document, which may lie past this one.
                let at = tantivy::DocSet::doc(&*scorer);
                let found = at == addr.doc_id
                    || (at < addr.doc_id && tantivy::DocSet::seek(&mut *scorer, addr.doc_id) == addr.doc_id);
                if !found {
                    h.missing.push(word.to_string());
                }
            }
            hits.push(h);
        }
        // No hits: say how to loosen the query, never loosen it silently.
        let suggestions = if total == 0 && !request.query.trim().is_empty() { self.relaxations()? } else { Vec::new() };
        Ok(SearchResults { query: request.query.clone(), total, offset: request.offset, hits, facets, suggestions })
    }

    /// The top values of each facet field, from the counts of the main pass. A field with a
    /// filter of its own is counted again without that filter (drill sideways: the other
    /// countries stay visible after ticking one).
    fn counts_shown(&self, searcher: &Searcher, counts: result_counts::Counted) -> Result<FacetCounts> {
        let limit = self.request.facet_limit;
        let mut counts = facet_counts::top_of(counts, limit);
        for field in FacetField::ALL {
            if self.filters(field) {
                let sideways =
                    facet_counts::top_counts(self.index, searcher, &*self.query_without(Some(field)), limit)?;
                match field {
                    FacetField::Country => counts.country = sideways.country,
                    FacetField::Actor => counts.actor = sideways.actor,
                    FacetField::Topic => counts.topic = sideways.topic,
                }
            }
        }
        Ok(counts)
    }

    /// Counts of every value of a facet field, all levels of the hierarchy, among the
    /// matching documents (paging is ignored).
    pub(crate) fn facet_counts(&self, field: FacetField) -> Result<Vec<FacetCount>> {
        facet_counts::count_all(self.index, &self.index.searcher(), &*self.query(), field, 3, MAX_ACTOR_COUNTS)
    }
}

impl Index {
    /// Runs a search request.
    ///
    /// ```
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/src/query/doc_fixtures.rs"));
    /// # fn main() -> gazette::Result<()> {
    /// # use gazette::SearchRequest;
    /// # let index = wheat_and_steel()?;
    /// // The index holds "a" ("Wheat exports") and "b" ("Steel tariffs").
    /// let results = index.search(&SearchRequest::new("wheat"))?;
    /// assert_eq!((results.total, results.hits[0].id.as_str()), (1, "a"));
    /// # Ok::<(), gazette::Error>(())
    /// # }
    /// ```
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResults> {
        request.prepare(self)?.execute()
    }

    /// Counts of every value of a facet field, all levels of the hierarchy, among the
    /// documents matching `request` (its query and filters; paging is ignored).
    ///
    /// ```
    /// use gazette::{Document, FacetField, Index, SearchRequest};
    /// let index = Index::create_in_ram()?;
    /// let mut w = index.writer()?;
    /// w.add(&Document::new("1", "Kerry in Beijing", "BEIJING — John Kerry met Chinese officials."))?;
    /// w.commit()?;
    /// let counts = index.facet_counts(FacetField::Country, &SearchRequest::new("*"))?;
    /// assert!(counts.iter().any(|c| c.path == "/Asia/Eastern Asia/China" && c.count == 1));
    /// assert!(counts.iter().any(|c| c.path == "/Asia" && c.depth == 1));
    /// # Ok::<(), gazette::Error>(())
    /// ```
    pub fn facet_counts(&self, field: FacetField, request: &SearchRequest) -> Result<Vec<FacetCount>> {
        request.prepare(self)?.facet_counts(field)
    }
}
