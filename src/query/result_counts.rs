//! The counts shown with results (countries, actors, major topics, years, sources) in one
//! collector, run in the same pass over the matching documents as the hits.
//!
//! Each segment numbers the values of the five columns in one space (countries first, then
//! actors, topics, years and sources), so that a document is counted with one array of
//! counters. From the second search over a segment on, the numbers of every document are
//! read from flat arrays kept in the [`ValueCache`] (two reads per document) rather than
//! from the five columns.

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Arc;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::fastfield::FacetReader;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

use super::facet_counter::{Flat, SegmentValues, ValueCache, named, sum_facets, top};
use super::timeline::{day_of, sum_counts, year_of_day};
use crate::facet::FacetField;
use crate::schema;

/// At most this many years are numbered (dates that far apart are errors in the data).
const MAX_YEARS: i64 = 20_000;

/// The key of the flat arrays in the [`ValueCache`].
const FLAT_KEY: &str = "(result counts)";

/// Counts of the matching documents per country, actor, major topic, year and source; the
/// `shard_size` most frequent values of each facet field per segment.
pub(crate) struct ResultCounts {
    pub shard_size: usize,
    pub cache: Arc<ValueCache>,
    /// The main pass of a search: it counts as a use of the flat arrays and may build them.
    pub main: bool,
}

/// What [`ResultCounts`] finds: facet paths, years and sources with their counts; facet
/// values most frequent first.
#[derive(Debug, Default)]
pub(crate) struct Counted {
    pub country: Vec<(String, u64)>,
    pub actor: Vec<(String, u64)>,
    pub topic: Vec<(String, u64)>,
    pub years: BTreeMap<String, u64>,
    pub sources: BTreeMap<String, u64>,
}

/// One facet field of a segment and where its values are numbered.
struct FacetPart {
    reader: FacetReader,
    values: Arc<SegmentValues>,
    depth: Option<usize>,
    slots: Range<u32>,
}

pub(crate) struct SegmentResultCounts {
    facets: Vec<FacetPart>,
    dates: Option<Column<tantivy::DateTime>>,
    /// The year of the segment's first date, and where the years from it are numbered.
    first_year: i32,
    years: Range<u32>,
    sources: Option<StrColumn>,
    source_slots: Range<u32>,
    /// The flat arrays, once built.
    flat: Option<Arc<SegmentValues>>,
    counts: Vec<u32>,
    scratch: Vec<u32>,
    shard_size: usize,
}

impl SegmentResultCounts {
    /// The numbers of a document's values, each once.
    fn slots(&self, doc: DocId, out: &mut Vec<u32>) {
        for part in &self.facets {
            let first = out.len();
            for ord in part.reader.facet_ords(doc) {
                let ord = part.values.ancestor.get(ord as usize).copied().unwrap_or(ord as u32);
                let slot = part.slots.start + ord;
                // A document counts once per ancestor, however many of its values share it.
                if slot < part.slots.end && !out[first..].contains(&slot) {
                    out.push(slot);
                }
            }
        }
        if let Some(d) = self.dates.as_ref().and_then(|c| c.first(doc)) {
            let year = i64::from(year_of_day(day_of(d))) - i64::from(self.first_year);
            if (0..self.years.len() as i64).contains(&year) {
                out.push(self.years.start + year as u32);
            }
        }
        if let Some(sources) = &self.sources {
            for ord in sources.term_ords(doc) {
                let slot = self.source_slots.start as u64 + ord;
                if slot < self.source_slots.end as u64 {
                    out.push(slot as u32);
                }
            }
        }
    }
}

impl Collector for ResultCounts {
    type Fruit = Counted;
    type Child = SegmentResultCounts;

    fn for_segment(&self, _: SegmentOrdinal, segment: &SegmentReader) -> tantivy::Result<SegmentResultCounts> {
        let mut next = 0u32;
        let mut take = |n: usize| {
            let r = next..next + n as u32;
            next = r.end;
            r
        };
        let mut facets = Vec::new();
        for (field, depth) in [(FacetField::Country, None), (FacetField::Actor, None), (FacetField::Topic, Some(1))] {
            let reader = segment.facet_reader(field.name())?;
            let values = self.cache.facet(segment, &reader, field.name(), depth)?;
            facets.push(FacetPart { slots: take(values.len), reader, values, depth });
        }
        let dates = segment.fast_fields().date(schema::DATE).ok();
        let (first_year, span) = match &dates {
            Some(c) if c.num_docs() > 0 => {
                let (first, last) = (year_of_day(day_of(c.min_value())), year_of_day(day_of(c.max_value())));
                (first, (i64::from(last) - i64::from(first) + 1).clamp(0, MAX_YEARS))
            }
            _ => (0, 0),
        };
        let years = take(span as usize);
        let sources = segment.fast_fields().str(schema::SOURCE)?;
        let source_slots = take(sources.as_ref().map_or(0, |c| c.dictionary().num_terms()));
        let mut counts = SegmentResultCounts {
            facets,
            dates,
            first_year,
            years,
            sources,
            source_slots,
            flat: None,
            counts: vec![0; next as usize],
            scratch: Vec::new(),
            shard_size: self.shard_size,
        };
        let entry = self.cache.entry(segment, FLAT_KEY, None, || Ok((Vec::new(), 0)))?;
        let flat = if self.main {
            entry.flat(|| Flat::build(segment.max_doc(), |doc, out| counts.slots(doc, out))).is_some()
        } else {
            entry.built().is_some()
        };
        if flat {
            counts.flat = Some(entry);
        }
        Ok(counts)
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Counted>) -> tantivy::Result<Counted> {
        let mut out = Counted::default();
        let (mut country, mut actor, mut topic) = (Vec::new(), Vec::new(), Vec::new());
        let (mut years, mut sources) = (Vec::new(), Vec::new());
        for f in fruits {
            country.push(f.country);
            actor.push(f.actor);
            topic.push(f.topic);
            years.push(f.years);
            sources.push(f.sources);
        }
        out.country = sum_facets(country);
        out.actor = sum_facets(actor);
        out.topic = sum_facets(topic);
        out.years = sum_counts(years);
        out.sources = sum_counts(sources);
        Ok(out)
    }
}

impl SegmentCollector for SegmentResultCounts {
    type Fruit = Counted;

    fn collect(&mut self, doc: DocId, _: Score) {
        if let Some(flat) = self.flat.as_ref().and_then(|v| v.built()) {
            let counts = &mut self.counts;
            flat.for_each(doc, |slot| counts[slot] += 1);
            return;
        }
        let mut scratch = std::mem::take(&mut self.scratch);
        scratch.clear();
        self.slots(doc, &mut scratch);
        for &slot in &scratch {
            self.counts[slot as usize] += 1;
        }
        self.scratch = scratch;
    }

    fn harvest(self) -> Counted {
        let counts_in = |r: &Range<u32>| &self.counts[r.start as usize..r.end as usize];
        let mut facets = self.facets.iter().map(|part| {
            let counts = counts_in(&part.slots).iter().enumerate().map(|(o, &c)| (o as u32, c));
            named(&part.reader, &part.values, part.depth, top(counts, self.shard_size))
        });
        let (country, actor, topic) =
            (facets.next().unwrap_or_default(), facets.next().unwrap_or_default(), facets.next().unwrap_or_default());
        let years = counts_in(&self.years)
            .iter()
            .enumerate()
            .filter(|(_, n)| **n > 0)
            .map(|(i, &n)| ((self.first_year + i as i32).to_string(), n as u64))
            .collect();
        let mut sources = BTreeMap::new();
        if let Some(column) = &self.sources {
            for (ord, &n) in counts_in(&self.source_slots).iter().enumerate().filter(|(_, n)| **n > 0) {
                let mut value = String::new();
                if column.ord_to_str(ord as u64, &mut value).unwrap_or(false) {
                    *sources.entry(value).or_insert(0) += n as u64;
                }
            }
        }
        Counted { country, actor, topic, years, sources }
    }
}
