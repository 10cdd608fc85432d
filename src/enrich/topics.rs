//! Topic scoring: weighted terms of `topics.toml` matched as whole words (a trailing `*`
//! matches any word starting with the rest), case-insensitive, title matches counted twice,
//! normalized by document length.
//!
//! Matching is by words rather than by substrings: the text is lower-cased and split once,
//! and each word is looked up in hash maps keyed by a term's first word (or, for one-word
//! prefix terms, by the prefix). At each position the longest term wins.

use rustc_hash::{FxHashMap as HashMap, FxHashSet};

use super::TopicAssignment;
use super::vocab::Vocabulary;

/// At most this many major topics per document.
const MAX_TOPICS: usize = 3;
/// Minimum normalized score of a major topic.
const MIN_TOPIC_SCORE: f32 = 3.0;
/// A major topic after the first needs at least this share of the best score.
const MIN_SHARE_OF_BEST: f32 = 0.4;
/// Minimum normalized score of a subtopic.
const MIN_SUBTOPIC_SCORE: f32 = 2.0;
/// Share of a subtopic's weight that goes to its parents after the first.
const SECONDARY_PARENT_SHARE: f32 = 0.5;
/// Words of text for which the raw score is taken as is; longer texts are scaled down by
/// the square root of their length relative to this.
const NORM_WORDS: f32 = 300.0;

struct Term {
    /// Index into majors (`< n_majors`) or subtopics (`>= n_majors`).
    owner: usize,
    weight: f32,
    /// The words; the last one is a prefix when `prefix`.
    words: Vec<String>,
    prefix: bool,
    /// As written in topics.toml, for evidence.
    text: String,
}

pub(crate) struct TopicMatcher {
    terms: Vec<Term>,
    /// First word -> terms starting with it (all but one-word prefix terms).
    by_first: HashMap<String, Vec<usize>>,
    /// Prefix -> one-word prefix terms.
    by_prefix: HashMap<String, Vec<usize>>,
    /// The lengths of the prefixes, ascending.
    prefix_lens: Vec<usize>,
    /// The first three bytes of every prefix: most words start with none of them.
    prefix_heads: FxHashSet<[u8; 3]>,
    majors: Vec<String>,
    subtopics: Vec<(String, Vec<usize>)>,
}

/// Words of lower-cased text: runs of alphanumerics and inner apostrophes.
fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '\'')).map(|w| w.trim_matches('\'')).filter(|w| !w.is_empty())
}

impl TopicMatcher {
    pub(crate) fn new(v: &Vocabulary) -> TopicMatcher {
        let majors: Vec<String> = v.topics.iter().map(|t| t.name.clone()).collect();
        let subtopics: Vec<(String, Vec<usize>)> = v
            .subtopics
            .iter()
            .map(|s| (s.name.clone(), s.parents.iter().filter_map(|p| majors.iter().position(|m| m == p)).collect()))
            .collect();
        let mut terms = Vec::new();
        for (owner, def) in v.topics.iter().chain(&v.subtopics).enumerate() {
            let mut sorted: Vec<(&String, &f32)> = def.terms.iter().collect();
            sorted.sort_by(|a, b| a.0.cmp(b.0));
            for (term, &weight) in sorted {
                let prefix = term.ends_with('*');
                let lower = term.trim_end_matches('*').to_lowercase().replace('\u{2019}', "'");
                let words: Vec<String> = words(&lower).map(str::to_string).collect();
                if !words.is_empty() {
                    terms.push(Term { owner, weight, words, prefix, text: term.clone() });
                }
            }
        }
        let mut by_first: HashMap<String, Vec<usize>> = HashMap::default();
        let mut by_prefix: HashMap<String, Vec<usize>> = HashMap::default();
        let mut prefix_lens = Vec::new();
        let mut prefix_heads = FxHashSet::default();
        for (i, t) in terms.iter().enumerate() {
            if t.prefix && t.words.len() == 1 && t.words[0].len() >= 3 {
                let p = &t.words[0];
                prefix_lens.push(p.len());
                prefix_heads.insert(head(p));
                by_prefix.entry(p.clone()).or_default().push(i);
            } else {
                by_first.entry(t.words[0].clone()).or_default().push(i);
            }
        }
        prefix_lens.sort_unstable();
        prefix_lens.dedup();
        TopicMatcher { terms, by_first, by_prefix, prefix_lens, prefix_heads, majors, subtopics }
    }

    /// The term matching longest at the start of `ws`, with the number of words it covers.
    fn longest(&self, ws: &[&str]) -> Option<(usize, usize)> {
        let first = ws[0];
        let mut best: Option<(usize, usize)> = None;
        let mut consider = |i: usize| {
            let t = &self.terms[i];
            let n = t.words.len();
            if ws.len() < n {
                return;
            }
            let ok = t
                .words
                .iter()
                .zip(ws)
                .enumerate()
                .all(|(k, (tw, w))| if t.prefix && k + 1 == n { w.starts_with(tw.as_str()) } else { w == tw });
            if ok && best.is_none_or(|(_, bn)| n > bn) {
                best = Some((i, n));
            }
        };
        if let Some(list) = self.by_first.get(first) {
            list.iter().copied().for_each(&mut consider);
        }
        if first.len() >= 3 && self.prefix_heads.contains(&head(first)) {
            for &len in self.prefix_lens.iter().take_while(|&&l| l <= first.len()) {
                if !first.is_char_boundary(len) {
                    continue;
                }
                if let Some(list) = self.by_prefix.get(&first[..len]) {
                    list.iter().copied().for_each(&mut consider);
                }
            }
        }
        best
    }

    pub(crate) fn assign(&self, title: &str, body: &str) -> Vec<TopicAssignment> {
        let n_majors = self.majors.len();
        let mut scores = vec![0.0f32; n_majors + self.subtopics.len()];
        let mut evidence: Vec<Vec<(usize, f32)>> = vec![Vec::new(); n_majors + self.subtopics.len()];
        let mut n_words = 0;
        for (text, factor) in [(title, 2.0f32), (body, 1.0)] {
            let lower = text.to_lowercase().replace('\u{2019}', "'");
            let ws: Vec<&str> = words(&lower).collect();
            n_words += ws.len();
            let mut i = 0;
            while i < ws.len() {
                let Some((ti, n)) = self.longest(&ws[i..]) else {
                    i += 1;
                    continue;
                };
                i += n;
                let term = &self.terms[ti];
                let w = term.weight * factor;
                scores[term.owner] += w;
                add_evidence(&mut evidence[term.owner], ti, w);
                if term.owner >= n_majors {
                    // The primary parent takes the full weight, the others a share of it.
                    for (k, &p) in self.subtopics[term.owner - n_majors].1.iter().enumerate() {
                        let pw = if k == 0 { w } else { w * SECONDARY_PARENT_SHARE };
                        scores[p] += pw;
                        add_evidence(&mut evidence[p], ti, pw);
                    }
                }
            }
        }
        let norm = ((n_words as f32) / NORM_WORDS).sqrt().max(1.0);
        for s in &mut scores {
            *s /= norm;
        }
        let mut majors: Vec<usize> = (0..n_majors).filter(|&i| scores[i] >= MIN_TOPIC_SCORE).collect();
        majors.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]).then(a.cmp(&b)));
        let best = majors.first().map(|&i| scores[i]).unwrap_or(0.0);
        majors.retain(|&i| scores[i] >= best * MIN_SHARE_OF_BEST);
        majors.truncate(MAX_TOPICS);
        majors
            .into_iter()
            .map(|mi| {
                let mut subs: Vec<usize> = (0..self.subtopics.len())
                    .filter(|&si| self.subtopics[si].1.contains(&mi) && scores[n_majors + si] >= MIN_SUBTOPIC_SCORE)
                    .collect();
                subs.sort_by(|&a, &b| scores[n_majors + b].total_cmp(&scores[n_majors + a]).then(a.cmp(&b)));
                subs.truncate(3);
                let mut ev = std::mem::take(&mut evidence[mi]);
                ev.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
                TopicAssignment {
                    name: self.majors[mi].clone(),
                    score: (scores[mi] * 100.0).round() / 100.0,
                    subtopics: subs.into_iter().map(|si| self.subtopics[si].0.clone()).collect(),
                    evidence: ev.into_iter().take(8).map(|(t, _)| self.terms[t].text.clone()).collect(),
                }
            })
            .collect()
    }
}

fn head(word: &str) -> [u8; 3] {
    let b = word.as_bytes();
    [b[0], b[1], b[2]]
}

fn add_evidence(ev: &mut Vec<(usize, f32)>, term: usize, w: f32) {
    match ev.iter_mut().find(|(t, _)| *t == term) {
        Some(e) => e.1 += w,
        None => ev.push((term, w)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_words_prefixes_phrases_and_title_weight() {
        let v = Vocabulary::builtin().unwrap();
        let m = TopicMatcher::new(&v);
        let topics = m.assign(
            "New sanctions on Iran",
            "The Treasury sanctioned banks. Diplomats met at the embassy for bilateral talks on cyber-attacks.",
        );
        let names: Vec<&str> = topics.iter().map(|t| t.name.as_str()).collect();
        assert!(names.contains(&"International Affairs"), "{names:?}");
        // Substrings inside other words do not count: "warden" is not "war", "taxi" not "tax".
        let quiet = m.assign("A warden", "The warden took a taxi past the oilcloth.");
        assert!(quiet.is_empty(), "{quiet:?}");
    }
}
