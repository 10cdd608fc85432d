//! Attention over time: how many documents match a query per day, month or year, and their
//! share of all documents of that period.

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;

use chrono::{DateTime, Datelike, Utc};
use serde::Serialize;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::query::{AllQuery, Query};
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

use super::SearchRequest;
use crate::error::Result;
use crate::index::Index;
use crate::schema;

/// The length of a period of a timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Period {
    /// Calendar days (UTC).
    Day,
    /// Calendar months.
    Month,
    /// Calendar years.
    Year,
}

impl Period {
    /// The period holding `date`, as its label: `2016-03-21`, `2016-03` or `2016`.
    fn label(self, date: DateTime<Utc>) -> String {
        match self {
            Period::Day => date.format("%Y-%m-%d").to_string(),
            Period::Month => date.format("%Y-%m").to_string(),
            Period::Year => date.year().to_string(),
        }
    }
}

/// One period of a timeline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TimelineRow {
    /// The period: `2016`, `2016-03` or `2016-03-21`.
    pub period: String,
    /// Documents of the period matching the query.
    pub matching: u64,
    /// All documents of the period.
    pub total: u64,
    /// `matching / total`.
    pub share: f64,
}

impl Index {
    /// Matching documents per period, with their share of all documents of the period (the
    /// query and filters of `request` apply; paging does not). Periods with documents but no
    /// match are listed with 0; undated documents are left out.
    ///
    /// ```
    /// use gazette::{Document, Index, SearchRequest, query::Period};
    /// let index = Index::create_in_ram()?;
    /// let mut w = index.writer()?;
    /// for (id, title, year) in [("a", "Tariffs rise", 2018), ("b", "Grain deal", 2018), ("c", "Tariffs fall", 2019)] {
    ///     let mut d = Document::new(id, title, "Text.");
    ///     d.date = Some(gazette::chrono::TimeZone::with_ymd_and_hms(&gazette::chrono::Utc, year, 5, 1, 0, 0, 0).unwrap());
    ///     w.add(&d)?;
    /// }
    /// w.commit()?;
    /// let rows = index.timeline(&SearchRequest::new("tariffs"), Period::Year)?;
    /// assert_eq!((rows[0].period.as_str(), rows[0].matching, rows[0].total), ("2018", 1, 2));
    /// assert_eq!((rows[1].period.as_str(), rows[1].share), ("2019", 1.0));
    /// # Ok::<(), gazette::Error>(())
    /// ```
    pub fn timeline(&self, request: &SearchRequest, by: Period) -> Result<Vec<TimelineRow>> {
        let query = request.parse(self)?;
        let searcher = self.searcher();
        let matching = searcher.search(&*query, &ByPeriod(by))?;
        let all = searcher.search(&AllQuery as &dyn Query, &ByPeriod(by))?;
        Ok(all
            .into_iter()
            .map(|(period, total)| {
                let matching = matching.get(&period).copied().unwrap_or(0);
                TimelineRow { period, matching, total, share: matching as f64 / total.max(1) as f64 }
            })
            .collect())
    }
}

/// Matching documents per period label.
pub(crate) fn count_by_period(
    searcher: &tantivy::Searcher,
    query: &dyn Query,
    by: Period,
) -> Result<Vec<(String, u64)>> {
    Ok(searcher.search(query, &ByPeriod(by))?.into_iter().collect())
}

/// The counts of several segments added up by key.
fn sum_counts(fruits: Vec<BTreeMap<String, u64>>) -> BTreeMap<String, u64> {
    let mut out = BTreeMap::new();
    for f in fruits {
        for (k, v) in f {
            *out.entry(k).or_insert(0) += v;
        }
    }
    out
}

/// Counts documents per period of their date.
struct ByPeriod(Period);

struct SegmentByPeriod {
    by: Period,
    dates: Option<Column<tantivy::DateTime>>,
    /// Counts by timestamp of the day, labelled at the end (days repeat much more than they
    /// differ).
    days: FxHashMap<i64, u64>,
}

impl Collector for ByPeriod {
    type Fruit = BTreeMap<String, u64>;
    type Child = SegmentByPeriod;

    fn for_segment(&self, _: SegmentOrdinal, segment: &SegmentReader) -> tantivy::Result<SegmentByPeriod> {
        let dates = segment.fast_fields().date(schema::DATE).ok();
        Ok(SegmentByPeriod { by: self.0, dates, days: FxHashMap::default() })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<BTreeMap<String, u64>>) -> tantivy::Result<BTreeMap<String, u64>> {
        Ok(sum_counts(fruits))
    }
}

impl SegmentCollector for SegmentByPeriod {
    type Fruit = BTreeMap<String, u64>;

    fn collect(&mut self, doc: DocId, _: Score) {
        if let Some(d) = self.dates.as_ref().and_then(|c| c.first(doc)) {
            *self.days.entry(d.into_timestamp_secs().div_euclid(86_400)).or_insert(0) += 1;
        }
    }

    fn harvest(self) -> BTreeMap<String, u64> {
        let mut out = BTreeMap::new();
        for (day, n) in self.days {
            if let Some(date) = DateTime::from_timestamp(day * 86_400, 0) {
                *out.entry(self.by.label(date)).or_insert(0) += n;
            }
        }
        out
    }
}

/// Matching documents per value of a keyword fast field (`source`), most frequent first.
pub(crate) fn count_keyword(
    searcher: &tantivy::Searcher,
    query: &dyn Query,
    field: &str,
) -> Result<Vec<(String, u64)>> {
    let mut counts: Vec<(String, u64)> = searcher.search(query, &ByKeyword(field.to_string()))?.into_iter().collect();
    counts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    Ok(counts)
}

/// Counts documents per value of a keyword fast field.
struct ByKeyword(String);

struct SegmentByKeyword {
    column: Option<tantivy::columnar::StrColumn>,
    /// Counts by term ordinal of the segment, named at the end.
    counts: FxHashMap<u64, u64>,
}

impl Collector for ByKeyword {
    type Fruit = BTreeMap<String, u64>;
    type Child = SegmentByKeyword;

    fn for_segment(&self, _: SegmentOrdinal, segment: &SegmentReader) -> tantivy::Result<SegmentByKeyword> {
        Ok(SegmentByKeyword { column: segment.fast_fields().str(&self.0)?, counts: FxHashMap::default() })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<BTreeMap<String, u64>>) -> tantivy::Result<BTreeMap<String, u64>> {
        Ok(sum_counts(fruits))
    }
}

impl SegmentCollector for SegmentByKeyword {
    type Fruit = BTreeMap<String, u64>;

    fn collect(&mut self, doc: DocId, _: Score) {
        if let Some(column) = &self.column {
            for ord in column.term_ords(doc) {
                *self.counts.entry(ord).or_insert(0) += 1;
            }
        }
    }

    fn harvest(self) -> BTreeMap<String, u64> {
        let mut out = BTreeMap::new();
        let Some(column) = self.column else { return out };
        for (ord, n) in self.counts {
            let mut value = String::new();
            if column.ord_to_str(ord, &mut value).unwrap_or(false) {
                *out.entry(value).or_insert(0) += n;
            }
        }
        out
    }
}
