//! Attention over time: how many documents match a query per day, month or year, and their
//! share of all documents of that period.

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;
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
        let query = request.prepare(self)?.query();
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

/// The counts of several segments added up by key.
pub(crate) fn sum_counts(fruits: Vec<BTreeMap<String, u64>>) -> BTreeMap<String, u64> {
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
    /// The first day of the segment's dates, in days since 1970.
    first_day: i64,
    /// Counts by day since `first_day`, labelled at the end (days repeat much more than they
    /// differ).
    days: Vec<u32>,
    /// Counts of days beyond the array (dates centuries apart in one segment).
    far: FxHashMap<i64, u32>,
}

impl Collector for ByPeriod {
    type Fruit = BTreeMap<String, u64>;
    type Child = SegmentByPeriod;

    fn for_segment(&self, _: SegmentOrdinal, segment: &SegmentReader) -> tantivy::Result<SegmentByPeriod> {
        let dates = segment.fast_fields().date(schema::DATE).ok();
        let (first_day, span) = day_span(dates.as_ref());
        Ok(SegmentByPeriod { by: self.0, dates, first_day, days: vec![0; span as usize], far: FxHashMap::default() })
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
            let day = day_of(d) - self.first_day;
            match usize::try_from(day).ok().and_then(|i| self.days.get_mut(i)) {
                Some(n) => *n += 1,
                None => *self.far.entry(day).or_insert(0) += 1,
            }
        }
    }

    fn harvest(self) -> BTreeMap<String, u64> {
        let mut out = periods_of(self.first_day, &self.days, self.by);
        for (day, n) in self.far {
            for (period, m) in periods_of(self.first_day + day, &[n], self.by) {
                *out.entry(period).or_insert(0) += m;
            }
        }
        out
    }
}

/// The day of a date, in days since 1970.
pub(crate) fn day_of(date: tantivy::DateTime) -> i64 {
    date.into_timestamp_secs().div_euclid(86_400)
}

/// At most this many days (about 270 years) are counted in an array; days beyond it go to a
/// map.
const MAX_DAYS: i64 = 100_000;

/// The first day of a segment's dates, and the number of days from it to the last (at most
/// [`MAX_DAYS`]).
fn day_span(dates: Option<&Column<tantivy::DateTime>>) -> (i64, i64) {
    match dates {
        Some(c) if c.num_docs() > 0 => {
            let first = day_of(c.min_value());
            (first, (day_of(c.max_value()) - first + 1).clamp(0, MAX_DAYS))
        }
        _ => (0, 0),
    }
}

/// Counts per day since `first_day`, summed into periods; each period is labelled once.
fn periods_of(first_day: i64, days: &[u32], by: Period) -> BTreeMap<String, u64> {
    let mut out = BTreeMap::new();
    let Some(last) = days.len().checked_sub(1) else { return out };
    let label = |y: i32, m: u32, d: u32| match by {
        Period::Day => format!("{y:04}-{m:02}-{d:02}"),
        Period::Month => format!("{y:04}-{m:02}"),
        Period::Year => format!("{y}"),
    };
    if by == Period::Day {
        for (i, &n) in days.iter().enumerate().filter(|(_, n)| **n > 0) {
            let (y, m, d) = civil_from_days(first_day + i as i64);
            out.insert(label(y, m, d), n as u64);
        }
        return out;
    }
    // Period by period: a sum over a slice of days each.
    let (mut y, mut m, _) = civil_from_days(first_day);
    if by == Period::Year {
        m = 1;
    }
    loop {
        let start = days_from_civil(y, m, 1) - first_day;
        if start > last as i64 {
            break;
        }
        (y, m) = match by {
            Period::Month if m < 12 => (y, m + 1),
            _ => (y + 1, 1),
        };
        let end = days_from_civil(y, m, 1) - first_day;
        let slice = &days[start.max(0) as usize..end.min(days.len() as i64) as usize];
        let n: u64 = slice.iter().map(|&n| n as u64).sum();
        if n > 0 {
            let (py, pm) = if m == 1 { (y - 1, 12) } else { (y, m - 1) };
            out.insert(label(py, if by == Period::Year { 1 } else { pm }, 1), n);
        }
    }
    out
}

/// The year of a day counted from 1970-01-01.
pub(crate) fn year_of_day(days: i64) -> i32 {
    civil_from_days(days).0
}

/// Days from 1970-01-01 to a calendar date (H. Hinnant's `days_from_civil`).
fn days_from_civil(y: i32, m: u32, d: u32) -> i64 {
    let y = y as i64 - i64::from(m <= 2);
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The calendar date of a day counted from 1970-01-01, in integer arithmetic (H. Hinnant's
/// `civil_from_days`): chrono's conversion, run for every day with documents, was a tenth of
/// a faceted search.
fn civil_from_days(days: i64) -> (i32, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y as i32, m, d)
}

#[cfg(test)]
mod tests {
    use super::{Period, civil_from_days, days_from_civil, periods_of};
    use chrono::{Datelike, NaiveDate};

    #[test]
    fn days_to_dates_agree_with_chrono() {
        let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
        // Every day from 1600 to 2400: leap years, centuries, the 400-year rule, before 1970.
        for days in -135_140..157_000i64 {
            let date = epoch + chrono::Duration::days(days);
            assert_eq!(civil_from_days(days), (date.year(), date.month(), date.day()), "day {days}");
            assert_eq!(days_from_civil(date.year(), date.month(), date.day()), days);
        }
    }

    #[test]
    fn days_sum_into_periods() {
        // 2015-12-30 is day 16799.
        let first = days_from_civil(2015, 12, 30);
        assert_eq!(first, 16_799);
        // Two days in 2015, one on 2016-01-01, three on 2016-02-01 (33 days after the first).
        let mut days = vec![0u32; 40];
        days[0] = 1;
        days[1] = 1;
        days[2] = 1;
        days[33] = 3;
        let table: [(Period, &[(&str, u64)]); 3] = [
            (Period::Year, &[("2015", 2), ("2016", 4)]),
            (Period::Month, &[("2015-12", 2), ("2016-01", 1), ("2016-02", 3)]),
            (Period::Day, &[("2015-12-30", 1), ("2015-12-31", 1), ("2016-01-01", 1), ("2016-02-01", 3)]),
        ];
        for (by, want) in table {
            let got = periods_of(first, &days, by);
            let got: Vec<(&str, u64)> = got.iter().map(|(k, v)| (k.as_str(), *v)).collect();
            assert_eq!(got, want, "{by:?}");
        }
        assert!(periods_of(first, &[], Period::Year).is_empty());
    }
}
