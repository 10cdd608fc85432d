//! `a W/n b` and `a PRE/n b`: documents where a match of one side is within `n` words of a
//! match of the other (for `PRE/n`, before it), read from the positions of the index.
//! `a W/S b` and `a W/P b`: both in one sentence or paragraph; the candidates found by the
//! positions are checked against the stored text, whose sentences and paragraphs the
//! index does not record.
//!
//! Each side is a list of alternatives, each a run of terms at consecutive positions: a word
//! is one alternative of one term, a phrase one alternative of several, a wildcard or an OR
//! group several alternatives. Distance is counted between the facing ends of the two
//! matches: adjacent words are 1 apart.

use tantivy::postings::{Postings, SegmentPostings};
use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED, TantivyDocument, Term};

/// One side: alternatives, each a run of consecutive terms.
pub(crate) type Side = Vec<Vec<Term>>;

/// The query (one field).
#[derive(Clone, Debug)]
pub(crate) struct ProximityQuery {
    pub field: Field,
    pub left: Side,
    pub right: Side,
    pub distance: u32,
    pub ordered: bool,
    /// Instead of a distance: both sides in one sentence or paragraph of the stored text.
    pub unit: Option<Unit>,
}

/// `W/S` takes a sentence to be at most this many words long (longer runs of text without a
/// sentence end are cut there).
pub(crate) const MAX_SENTENCE_WORDS: u32 = 250;

/// A unit of text both sides of `W/S` or `W/P` must share.
#[derive(Clone)]
pub(crate) struct Unit {
    pub paragraph: bool,
    /// The analyzer of the field, to find the positions of words in the stored text.
    pub analyzer: TextAnalyzer,
}

impl std::fmt::Debug for Unit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.paragraph { "paragraph" } else { "sentence" })
    }
}

/// For each word position of `text` as `analyzer` numbers them, the sentence (or paragraph)
/// it is in.
fn unit_of_positions(text: &str, unit: &Unit) -> Vec<u32> {
    let ranges: Vec<std::ops::Range<usize>> = if unit.paragraph {
        let mut out = Vec::new();
        let mut start = 0;
        for (i, _) in text.match_indices("\n\n") {
            out.push(start..i);
            start = i + 2;
        }
        out.push(start..text.len());
        out
    } else {
        crate::text::sentences(text)
    };
    let mut analyzer = unit.analyzer.clone();
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while stream.advance() {
        let t = stream.token();
        let k = ranges.partition_point(|r| r.end <= t.offset_from) as u32;
        let pos = t.position;
        if out.len() <= pos {
            out.resize(pos + 1, u32::MAX);
        }
        out[pos] = k;
    }
    out
}

impl Query for ProximityQuery {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        // Weight of a match: the smaller idf of the two sides (the rarer side says more).
        let idf = match scoring.searcher() {
            Some(searcher) if scoring.is_scoring_enabled() => {
                let n = searcher.num_docs().max(1) as f32;
                let side_idf = |side: &Side| -> tantivy::Result<f32> {
                    let mut best = 0.0f32;
                    for alt in side {
                        for t in alt {
                            let df = searcher.doc_freq(t)? as f32;
                            best = best.max((1.0 + (n - df + 0.5) / (df + 0.5)).ln());
                        }
                    }
                    Ok(best)
                };
                side_idf(&self.left)?.min(side_idf(&self.right)?)
            }
            _ => 1.0,
        };
        Ok(Box::new(ProximityWeight { query: self.clone(), idf }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for t in self.left.iter().chain(&self.right).flatten() {
            visitor(t, true);
        }
    }
}

struct ProximityWeight {
    query: ProximityQuery,
    idf: f32,
}

/// Spans `[start, end]` (word positions) where an alternative of a side matches in a document.
struct SideReader {
    /// Per alternative, the postings of its terms.
    alternatives: Vec<Vec<SegmentPostings>>,
}

impl SideReader {
    fn open(reader: &SegmentReader, field: Field, side: &Side) -> tantivy::Result<SideReader> {
        let inverted = reader.inverted_index(field)?;
        let mut alternatives = Vec::new();
        'alt: for alt in side {
            let mut postings = Vec::new();
            for t in alt {
                match inverted.read_postings(t, IndexRecordOption::WithFreqsAndPositions)? {
                    Some(p) => postings.push(p),
                    // A term the segment lacks: the alternative cannot match here.
                    None => continue 'alt,
                }
            }
            if !postings.is_empty() {
                alternatives.push(postings);
            }
        }
        Ok(SideReader { alternatives })
    }

    /// Every document where some alternative has all its terms, ascending.
    fn candidate_docs(&mut self) -> Vec<DocId> {
        let mut docs = Vec::new();
        for alt in &mut self.alternatives {
            // The rarest term of the alternative drives; the others are sought.
            let mut doc = alt[0].doc();
            while doc != TERMINATED {
                let mut all = true;
                for p in alt[1..].iter_mut() {
                    if p.doc() < doc {
                        p.seek(doc);
                    }
                    if p.doc() != doc {
                        all = false;
                    }
                }
                if all {
                    docs.push(doc);
                }
                doc = alt[0].advance();
            }
        }
        docs.sort_unstable();
        docs.dedup();
        docs
    }

    /// The spans matching in `doc` (postings must not be past it: docs come ascending).
    fn spans(&mut self, doc: DocId, buf: &mut Vec<u32>, out: &mut Vec<(u32, u32)>) {
        out.clear();
        for alt in &mut self.alternatives {
            let mut runs: Option<Vec<u32>> = None;
            for (k, p) in alt.iter_mut().enumerate() {
                if p.doc() < doc {
                    p.seek(doc);
                }
                if p.doc() != doc {
                    runs = Some(Vec::new());
                    break;
                }
                buf.clear();
                p.positions(buf);
                // Starts of the run: positions of term k, minus k.
                let starts: Vec<u32> = buf.iter().filter_map(|&x| x.checked_sub(k as u32)).collect();
                runs = Some(match runs {
                    None => starts,
                    Some(prev) => prev.into_iter().filter(|s| starts.binary_search(s).is_ok()).collect(),
                });
            }
            let len = alt.len() as u32;
            out.extend(runs.unwrap_or_default().into_iter().map(|s| (s, s + len - 1)));
        }
        out.sort_unstable();
    }
}

impl ProximityWeight {
    /// Matching documents of a segment with their scores.
    fn matches(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Vec<(DocId, Score)>> {
        let q = &self.query;
        let left_docs = SideReader::open(reader, q.field, &q.left)?.candidate_docs();
        let right_docs = SideReader::open(reader, q.field, &q.right)?.candidate_docs();
        let mut left = SideReader::open(reader, q.field, &q.left)?;
        let mut right = SideReader::open(reader, q.field, &q.right)?;
        let (mut buf, mut ls, mut rs) = (Vec::new(), Vec::new(), Vec::new());
        let mut out = Vec::new();
        let store = match q.unit {
            Some(_) => Some(reader.get_store_reader(4)?),
            None => None,
        };
        let mut j = 0;
        for &doc in &left_docs {
            while j < right_docs.len() && right_docs[j] < doc {
                j += 1;
            }
            if right_docs.get(j) != Some(&doc) {
                continue;
            }
            left.spans(doc, &mut buf, &mut ls);
            right.spans(doc, &mut buf, &mut rs);
            let pairs = match (&q.unit, &store) {
                // Words more than MAX_SENTENCE_WORDS apart are not in one sentence: most
                // candidates end here, without reading the stored text.
                (Some(unit), Some(_)) if !unit.paragraph && count_pairs(&ls, &rs, MAX_SENTENCE_WORDS, false) == 0 => 0,
                (Some(unit), Some(store)) => {
                    let doc_fields: TantivyDocument = store.get(doc)?;
                    let text = doc_fields.get_first(q.field).and_then(|v| v.as_str()).unwrap_or_default();
                    let units = unit_of_positions(text, unit);
                    let unit_at = |p: u32| units.get(p as usize).copied().unwrap_or(u32::MAX - 1);
                    ls.iter()
                        .flat_map(|l| rs.iter().map(move |r| (l, r)))
                        .filter(|(l, r)| unit_at(l.0) == unit_at(r.0) && unit_at(l.0) != u32::MAX)
                        .count()
                }
                _ => count_pairs(&ls, &rs, q.distance, q.ordered),
            };
            if pairs > 0 {
                let tf = pairs as f32;
                out.push((doc, boost * self.idf * tf * 2.2 / (tf + 1.2)));
            }
        }
        Ok(out)
    }
}

/// Pairs of a left and a right span within `distance` words (left first when `ordered`).
fn count_pairs(left: &[(u32, u32)], right: &[(u32, u32)], distance: u32, ordered: bool) -> usize {
    let mut n = 0;
    for &(ls, le) in left {
        for &(rs, re) in right {
            let within = if rs > le {
                rs - le <= distance
            } else if !ordered && ls > re {
                ls - re <= distance
            } else {
                false
            };
            n += within as usize;
        }
    }
    n
}

impl Weight for ProximityWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(ListScorer { docs: self.matches(reader, boost)?, i: 0 }))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        match self.matches(reader, 1.0)?.into_iter().find(|(d, _)| *d == doc) {
            Some((_, score)) => Ok(Explanation::new("proximity: idf × saturated pair count", score)),
            None => Err(tantivy::TantivyError::InvalidArgument(format!("document {doc} does not match"))),
        }
    }
}

/// Precomputed matches of a segment, as a scorer.
struct ListScorer {
    docs: Vec<(DocId, Score)>,
    i: usize,
}

impl DocSet for ListScorer {
    fn advance(&mut self) -> DocId {
        self.i += 1;
        self.doc()
    }

    fn doc(&self) -> DocId {
        self.docs.get(self.i).map_or(TERMINATED, |d| d.0)
    }

    fn size_hint(&self) -> u32 {
        self.docs.len() as u32
    }
}

impl Scorer for ListScorer {
    fn score(&mut self) -> Score {
        self.docs.get(self.i).map_or(0.0, |d| d.1)
    }
}

#[cfg(test)]
mod tests {
    use super::{Unit, count_pairs, unit_of_positions};

    #[test]
    fn word_positions_map_to_sentences_and_paragraphs() {
        let text = "Alpha beta. Gamma delta.\n\nEpsilon zeta.";
        let unit = |paragraph| Unit { paragraph, analyzer: crate::analysis::english_analyzer() };
        assert_eq!(unit_of_positions(text, &unit(false)), [0, 0, 1, 1, 2, 2]);
        assert_eq!(unit_of_positions(text, &unit(true)), [0, 0, 0, 0, 1, 1]);
    }

    #[test]
    fn pairs_within_the_window_in_either_order_or_in_order() {
        // Words at 3 and 5: two apart.
        let table = [
            (&[(3, 3)][..], &[(5, 5)][..], 2, false, 1),
            (&[(3, 3)], &[(5, 5)], 1, false, 0),
            (&[(5, 5)], &[(3, 3)], 2, false, 1),
            (&[(5, 5)], &[(3, 3)], 2, true, 0),
            (&[(3, 3)], &[(5, 5)], 2, true, 1),
            // A phrase at 1..=2 and a word at 4: 2 apart from its end.
            (&[(1, 2)], &[(4, 4)], 2, true, 1),
            (&[(3, 3)], &[(3, 3)], 5, false, 0),
            (&[(1, 1), (10, 10)], &[(2, 2), (11, 11)], 1, false, 2),
        ];
        for (l, r, d, ordered, want) in table {
            assert_eq!(count_pairs(l, r, d, ordered), want, "{l:?} {r:?} W/{d} ordered {ordered}");
        }
    }
}
