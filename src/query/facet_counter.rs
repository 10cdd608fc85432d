//! A facet counter cheaper than tantivy's `FacetCollector` for the counts shown with results:
//! it counts the facet ordinals of matching documents in a flat array per segment and turns
//! into strings only the values it returns, so its cost does not grow with the number of
//! distinct values in the index (every actor ever seen). What it learns of a segment's
//! values (ancestors, paths) is kept in a [`ValueCache`] for the next queries.

use std::sync::Arc;

use rustc_hash::FxHashMap;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::schema::Facet;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

use crate::facet::cache::ancestor_key;
pub(crate) use crate::facet::cache::{Flat, SegmentValues, ValueCache};

/// Counts, per value at `depth` (or per stored value when `depth` is `None`), the matching
/// documents holding it; keeps the `shard_size` most frequent values of each segment.
pub(crate) struct FacetCounter {
    pub field: &'static str,
    pub depth: Option<usize>,
    pub shard_size: usize,
    pub cache: Arc<ValueCache>,
}

/// Above this many distinct values in a segment, counts go to a hash map: zeroing and
/// scanning an array as long as the actor dictionary would cost more than the counting.
const MAX_DENSE_VALUES: usize = 1 << 16;

enum Counts {
    Dense(Vec<u32>),
    Sparse(FxHashMap<u32, u32>),
}

impl Counts {
    #[inline]
    fn add(&mut self, ord: u32) {
        match self {
            Counts::Dense(v) => v[ord as usize] += 1,
            Counts::Sparse(m) => *m.entry(ord).or_default() += 1,
        }
    }

    fn top(self, k: usize) -> Vec<(u32, u32)> {
        match self {
            Counts::Dense(v) => top(v.into_iter().enumerate().map(|(o, c)| (o as u32, c)), k),
            Counts::Sparse(m) => top(m.into_iter(), k),
        }
    }
}

/// The `k` largest counts with their ordinals (ties: smaller ordinal first), in no
/// particular order; zeros left out.
pub(super) fn top(counts: impl Iterator<Item = (u32, u32)>, k: usize) -> Vec<(u32, u32)> {
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;
    if k == 0 {
        return Vec::new();
    }
    // A min-heap of the best so far: most values fail the comparison with its least.
    // Room for the heap grows with what is counted, not with a caller's `k` (any size).
    let mut heap: BinaryHeap<Reverse<(u32, Reverse<u32>)>> = BinaryHeap::with_capacity(k.min(1 << 12) + 1);
    for (ord, count) in counts {
        if count == 0 {
            continue;
        }
        let item = Reverse((count, Reverse(ord)));
        if heap.len() < k {
            heap.push(item);
        } else if heap.peek().is_some_and(|least| item < *least) {
            heap.pop();
            heap.push(item);
        }
    }
    heap.into_iter().map(|Reverse((count, Reverse(ord)))| (ord, count)).collect()
}

pub(crate) struct SegmentFacetCounter {
    reader: tantivy::fastfield::FacetReader,
    values: Arc<SegmentValues>,
    counts: Counts,
    seen: Vec<u32>,
    shard_size: usize,
    depth: Option<usize>,
}

impl Collector for FacetCounter {
    type Fruit = Vec<(String, u64)>;
    type Child = SegmentFacetCounter;

    fn for_segment(&self, _: SegmentOrdinal, segment: &SegmentReader) -> tantivy::Result<SegmentFacetCounter> {
        let reader = segment.facet_reader(self.field)?;
        let values = self.cache.facet(segment, &reader, self.field, self.depth)?;
        let n = values.len;
        Ok(SegmentFacetCounter {
            reader,
            values,
            counts: if n <= MAX_DENSE_VALUES {
                Counts::Dense(vec![0; n])
            } else {
                Counts::Sparse(FxHashMap::default())
            },
            seen: Vec::new(),
            shard_size: self.shard_size,
            depth: self.depth,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Vec<(String, u64)>>) -> tantivy::Result<Vec<(String, u64)>> {
        Ok(sum_facets(fruits))
    }
}

/// Facet counts of several segments added up, most frequent first (equal counts by path).
pub(super) fn sum_facets(fruits: Vec<Vec<(String, u64)>>) -> Vec<(String, u64)> {
    let mut total: FxHashMap<String, u64> = FxHashMap::default();
    for (k, v) in fruits.into_iter().flatten() {
        *total.entry(k).or_default() += v;
    }
    let mut out: Vec<(String, u64)> = total.into_iter().collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    out
}

impl SegmentCollector for SegmentFacetCounter {
    type Fruit = Vec<(String, u64)>;

    fn collect(&mut self, doc: DocId, _: Score) {
        let ancestor = &self.values.ancestor;
        if ancestor.is_empty() {
            for ord in self.reader.facet_ords(doc) {
                self.counts.add(ord as u32);
            }
            return;
        }
        // A document is counted once per ancestor, however many of its values share it.
        self.seen.clear();
        for ord in self.reader.facet_ords(doc) {
            let a = ancestor[ord as usize];
            if !self.seen.contains(&a) {
                self.seen.push(a);
                self.counts.add(a);
            }
        }
    }

    fn harvest(self) -> Vec<(String, u64)> {
        named(&self.reader, &self.values, self.depth, self.counts.top(self.shard_size))
    }
}

/// The paths of counted ordinals with their counts. Paths not known yet are read in one
/// sorted pass over the dictionary, and kept.
pub(super) fn named(
    reader: &tantivy::fastfield::FacetReader,
    values: &SegmentValues,
    depth: Option<usize>,
    counts: Vec<(u32, u32)>,
) -> Vec<(String, u64)> {
    let Ok(mut known) = values.paths.lock() else { return Vec::new() };
    let mut missing: Vec<u64> = counts.iter().filter(|(o, _)| !known.contains_key(o)).map(|&(o, _)| o as u64).collect();
    missing.sort_unstable();
    let mut found = Vec::with_capacity(missing.len());
    let _ = reader.facet_dict().sorted_ords_to_term_cb(&missing, |bytes| {
        let bytes = match depth {
            Some(d) => ancestor_key(bytes, d),
            None => bytes,
        };
        found.push(Facet::from_encoded(bytes.to_vec()).ok().map(|f| f.to_path_string()));
    });
    if found.len() != missing.len() {
        // The dictionary did not give every value back: better no counts than counts under
        // wrong names.
        return Vec::new();
    }
    for (ord, path) in missing.into_iter().zip(found) {
        if let Some(path) = path {
            known.insert(ord as u32, path);
        }
    }
    // A value that could not be read back is left out rather than counted under a wrong name.
    counts.into_iter().filter_map(|(o, c)| known.get(&o).map(|p| (p.clone(), c as u64))).collect()
}

#[cfg(test)]
mod tests {
    use super::{Flat, top};

    #[test]
    fn flat_values_come_back_narrow_or_wide() {
        // Document d has the values d * step .. d * step + d % 3 (none for every third).
        for step in [7u32, 70_000] {
            let values_of = |d: u32| (0..d % 3).map(|k| d * step + k).collect::<Vec<u32>>();
            let flat = Flat::build(50, |d, out| out.extend(values_of(d)));
            for d in 0..50 {
                let mut got = Vec::new();
                flat.for_each(d, |v| got.push(v as u32));
                assert_eq!(got, values_of(d), "step {step}, document {d}");
            }
            let mut past = Vec::new();
            flat.for_each(50, |v| past.push(v));
            assert!(past.is_empty());
        }
    }

    #[test]
    fn top_keeps_the_largest_counts_smaller_ordinals_first() {
        let counts = [(0, 5), (1, 0), (2, 9), (3, 5), (4, 1), (5, 5)];
        let mut got = top(counts.into_iter(), 3);
        got.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        assert_eq!(got, [(2, 9), (0, 5), (3, 5)]);
        assert!(top(counts.into_iter(), 0).is_empty());
        assert_eq!(top([(1, 0)].into_iter(), 2), []);
    }
}
