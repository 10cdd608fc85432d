//! What facet counting learns of each segment's values (the ancestors of each value, the
//! paths returned so far, flat arrays of each document's values), kept by the
//! [`crate::Index`] for the next searches. Segments never change, so nothing goes stale.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use rustc_hash::FxHashMap;
use tantivy::index::SegmentId;
use tantivy::{DocId, SegmentReader};

/// A segment, a column, and the depth its facet values are counted at.
type CacheKey = (SegmentId, &'static str, Option<usize>);

/// What the facet counters know of each segment's values, by segment, field and depth.
/// Segments never change, so nothing goes stale; entries of segments no longer searched are
/// dropped by [`ValueCache::retain`].
#[derive(Default)]
pub(crate) struct ValueCache {
    segments: Mutex<FxHashMap<CacheKey, Arc<SegmentValues>>>,
}

/// The values of one column of one segment.
pub(crate) struct SegmentValues {
    /// Stored ordinal -> counted ordinal (its ancestor at the depth); identity when empty.
    pub(crate) ancestor: Vec<u32>,
    /// Number of stored ordinals.
    pub(crate) len: usize,
    /// The paths of the counted ordinals returned so far.
    pub(crate) paths: Mutex<FxHashMap<u32, String>>,
    /// Searches that counted this column of this segment.
    uses: AtomicU32,
    /// The counted values of each document, once built.
    flat: OnceLock<Flat>,
}

/// The counted values of every document of a segment, in two flat arrays: those of document
/// `d` are `values[starts[d]..starts[d + 1]]`. Counting from them costs two array reads per
/// document instead of a walk through the column's indexes, the bulk of a faceted search.
pub(crate) struct Flat {
    starts: Vec<u32>,
    values: FlatValues,
}

/// The values of a [`Flat`], in 16 bits when they fit: a document's fifteen or so values
/// then mostly share one cache line, and reading them is what a faceted search waits on.
enum FlatValues {
    Narrow(Vec<u16>),
    Wide(Vec<u32>),
}

impl Flat {
    /// The values of each document up to `max_doc`, as `values_of` gives them.
    pub(crate) fn build(max_doc: DocId, mut values_of: impl FnMut(DocId, &mut Vec<u32>)) -> Flat {
        let mut starts = Vec::with_capacity(max_doc as usize + 1);
        let mut values = Vec::new();
        starts.push(0);
        for doc in 0..max_doc {
            values_of(doc, &mut values);
            starts.push(values.len() as u32);
        }
        let values = if values.iter().all(|&v| v <= u16::MAX as u32) {
            FlatValues::Narrow(values.into_iter().map(|v| v as u16).collect())
        } else {
            FlatValues::Wide(values)
        };
        Flat { starts, values }
    }

    /// Calls `f` with each value of `doc`.
    #[inline]
    pub(crate) fn for_each(&self, doc: DocId, mut f: impl FnMut(usize)) {
        let d = doc as usize;
        let (Some(&a), Some(&b)) = (self.starts.get(d), self.starts.get(d + 1)) else { return };
        let range = a as usize..b as usize;
        match &self.values {
            FlatValues::Narrow(v) => v[range].iter().for_each(|&x| f(x as usize)),
            FlatValues::Wide(v) => v[range].iter().for_each(|&x| f(x as usize)),
        }
    }
}

impl SegmentValues {
    fn new(ancestor: Vec<u32>, len: usize) -> SegmentValues {
        SegmentValues { ancestor, len, paths: Mutex::default(), uses: AtomicU32::new(0), flat: OnceLock::new() }
    }

    /// The flat values, if built.
    #[inline]
    pub(crate) fn built(&self) -> Option<&Flat> {
        self.flat.get()
    }

    /// The flat values, built by `build` at the second search that counts them: one search
    /// reads only its matching documents from the column, cheaper than flattening them all
    /// (a command-line search runs once); searches from a long-lived index run again.
    pub(crate) fn flat(&self, build: impl FnOnce() -> Flat) -> Option<&Flat> {
        if self.uses.fetch_add(1, Ordering::Relaxed) == 0 {
            return None;
        }
        Some(self.flat.get_or_init(build))
    }
}

impl ValueCache {
    /// Forgets the segments `searcher` does not search (merged away).
    pub(crate) fn retain(&self, searcher: &tantivy::Searcher) {
        let live: Vec<SegmentId> = searcher.segment_readers().iter().map(|s| s.segment_id()).collect();
        if let Ok(mut segments) = self.segments.lock() {
            segments.retain(|k, _| live.contains(&k.0));
        }
    }

    /// The entry of a column of a segment, made by `init` the first time.
    pub(crate) fn entry(
        &self,
        segment: &SegmentReader,
        field: &'static str,
        depth: Option<usize>,
        init: impl FnOnce() -> tantivy::Result<(Vec<u32>, usize)>,
    ) -> tantivy::Result<Arc<SegmentValues>> {
        let key = (segment.segment_id(), field, depth);
        if let Some(v) = self.segments.lock().ok().and_then(|s| s.get(&key).cloned()) {
            return Ok(v);
        }
        let (ancestor, len) = init()?;
        let values = Arc::new(SegmentValues::new(ancestor, len));
        if let Ok(mut segments) = self.segments.lock() {
            return Ok(segments.entry(key).or_insert(values).clone());
        }
        Ok(values)
    }

    /// The entry of a facet field of a segment, counted at `depth`.
    pub(crate) fn facet(
        &self,
        segment: &SegmentReader,
        reader: &tantivy::fastfield::FacetReader,
        field: &'static str,
        depth: Option<usize>,
    ) -> tantivy::Result<Arc<SegmentValues>> {
        self.entry(segment, field, depth, || {
            let mut ancestor = Vec::new();
            if let Some(depth) = depth {
                // Facet values are sorted, so the values sharing an ancestor at `depth` are
                // contiguous: one streaming pass over the (small) dictionary. Looking values
                // up one by one would decode a dictionary block each time.
                let mut current: Option<(Vec<u8>, u32)> = None;
                ancestor.reserve(reader.num_facets());
                let mut stream = reader.facet_dict().stream()?;
                while stream.advance() {
                    let ord = stream.term_ord() as u32;
                    let key = ancestor_key(stream.key(), depth);
                    match &current {
                        Some((k, o)) if k.as_slice() == key => ancestor.push(*o),
                        _ => {
                            ancestor.push(ord);
                            current = Some((key.to_vec(), ord));
                        }
                    }
                }
            }
            Ok((ancestor, reader.num_facets()))
        })
    }
}

/// The encoded facet cut to its first `depth` components (components are separated by 0).
pub(crate) fn ancestor_key(encoded: &[u8], depth: usize) -> &[u8] {
    let mut seen = 0;
    for (i, b) in encoded.iter().enumerate() {
        if *b == 0 {
            seen += 1;
            if seen == depth {
                return &encoded[..i];
            }
        }
    }
    encoded
}
