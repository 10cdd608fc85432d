//! The merge policy of Gazette's writers.

use rustc_hash::FxHashMap;
use tantivy::index::{SegmentId, SegmentMeta};
use tantivy::indexer::{LogMergePolicy, MergeCandidate, MergePolicy};

/// At most this many documents in a segment made by a merge.
///
/// A merge reads its segments' files through memory maps, and those pages count in the
/// process's resident memory until the merge ends: merging everything into one segment
/// made a run over 1M documents peak at 2.7 GB, most of it mapped files. Segments of at most
/// 100k documents (about 650 MB of files for generated news) keep a merge's share under
/// 1 GB; an index of 1M documents then has about ten segments, which searches handle well.
pub const MAX_MERGED_DOCS: u32 = 100_000;

/// tantivy's [`LogMergePolicy`], with no merge making a segment of more than `max_docs`
/// documents: of a candidate, the smallest segments that fit are merged.
#[derive(Debug)]
pub(crate) struct CappedMerges {
    inner: LogMergePolicy,
    max_docs: u32,
}

impl CappedMerges {
    pub(crate) fn new(max_docs: u32) -> CappedMerges {
        let mut inner = LogMergePolicy::default();
        // Segments already over half the cap would make a merge over it with any other.
        inner.set_max_docs_before_merge((max_docs / 2) as usize);
        CappedMerges { inner, max_docs }
    }
}

impl MergePolicy for CappedMerges {
    fn compute_merge_candidates(&self, segments: &[SegmentMeta]) -> Vec<MergeCandidate> {
        let docs: FxHashMap<SegmentId, u32> = segments.iter().map(|s| (s.id(), s.num_docs())).collect();
        let docs_of = |id: &SegmentId| docs.get(id).copied().unwrap_or(u32::MAX);
        self.inner
            .compute_merge_candidates(segments)
            .into_iter()
            .filter_map(|MergeCandidate(mut ids)| {
                ids.sort_by_key(|id| (docs_of(id), *id));
                let mut total = 0u64;
                let fit: Vec<SegmentId> = ids
                    .into_iter()
                    .take_while(|id| {
                        total += docs_of(id) as u64;
                        total <= self.max_docs as u64
                    })
                    .collect();
                (fit.len() >= 2).then_some(MergeCandidate(fit))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merges_stay_under_the_cap() {
        let index = tantivy::Index::create_in_ram(tantivy::schema::Schema::builder().build());
        let segment = |docs: u32| index.new_segment_meta(SegmentId::generate_random(), docs);
        let policy = CappedMerges::new(100);
        // Ten segments of 30 documents: a log-merge candidate of all ten, cut to three.
        let segments: Vec<SegmentMeta> = (0..10).map(|_| segment(30)).collect();
        let candidates = policy.compute_merge_candidates(&segments);
        assert!(!candidates.is_empty());
        for MergeCandidate(ids) in &candidates {
            let total: u32 = ids.iter().map(|id| segments.iter().find(|s| s.id() == *id).unwrap().num_docs()).sum();
            assert!(ids.len() >= 2 && total <= 100, "{} segments, {total} documents", ids.len());
        }
        // Segments over half the cap are left alone.
        let big: Vec<SegmentMeta> = (0..10).map(|_| segment(60)).collect();
        assert!(policy.compute_merge_candidates(&big).is_empty());
    }
}
