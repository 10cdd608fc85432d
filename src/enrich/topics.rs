//! Topic scoring: weighted terms of `topics.toml` matched on word boundaries, case-insensitive,
//! title matches counted twice, normalized by document length.

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

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
    prefix: bool,
    text: String,
}

pub(crate) struct TopicMatcher {
    ac: AhoCorasick,
    terms: Vec<Term>,
    majors: Vec<String>,
    subtopics: Vec<(String, Vec<usize>)>,
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
        let mut patterns = Vec::new();
        for (owner, def) in v.topics.iter().chain(&v.subtopics).enumerate() {
            let mut sorted: Vec<(&String, &f32)> = def.terms.iter().collect();
            sorted.sort_by(|a, b| a.0.cmp(b.0));
            for (term, &weight) in sorted {
                let prefix = term.ends_with('*');
                let text = term.trim_end_matches('*').to_string();
                let mut forms = vec![text.clone()];
                if text.contains('\'') {
                    forms.push(text.replace('\'', "\u{2019}"));
                }
                for f in forms {
                    patterns.push(f);
                    terms.push(Term { owner, weight, prefix, text: term.clone() });
                }
            }
        }
        let ac = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .kind(Some(AhoCorasickKind::DFA))
            .build(&patterns)
            .expect("topic patterns compile");
        TopicMatcher { ac, terms, majors, subtopics }
    }

    pub(crate) fn assign(&self, title: &str, body: &str) -> Vec<TopicAssignment> {
        let n_majors = self.majors.len();
        let mut scores = vec![0.0f32; n_majors + self.subtopics.len()];
        let mut evidence: Vec<Vec<(String, f32)>> = vec![Vec::new(); n_majors + self.subtopics.len()];
        let words = body.split_whitespace().count() + title.split_whitespace().count();
        for (text, factor) in [(title, 2.0f32), (body, 1.0)] {
            // ASCII lower-casing keeps byte offsets; the patterns are lower case.
            let text = &text.to_ascii_lowercase();
            for m in self.ac.find_iter(text) {
                let term = &self.terms[m.pattern().as_usize()];
                let before = text[..m.start()].chars().next_back();
                let after = text[m.end()..].chars().next();
                if before.is_some_and(char::is_alphanumeric)
                    || (!term.prefix && after.is_some_and(char::is_alphanumeric))
                {
                    continue;
                }
                let w = term.weight * factor;
                scores[term.owner] += w;
                add_evidence(&mut evidence[term.owner], &term.text, w);
                if term.owner >= n_majors {
                    // The primary parent takes the full weight, the others half of it.
                    for (k, &p) in self.subtopics[term.owner - n_majors].1.iter().enumerate() {
                        let pw = if k == 0 { w } else { w * SECONDARY_PARENT_SHARE };
                        scores[p] += pw;
                        add_evidence(&mut evidence[p], &term.text, pw);
                    }
                }
            }
        }
        let norm = ((words as f32) / NORM_WORDS).sqrt().max(1.0);
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
                    evidence: ev.into_iter().take(8).map(|(t, _)| t).collect(),
                }
            })
            .collect()
    }
}

fn add_evidence(ev: &mut Vec<(String, f32)>, term: &str, w: f32) {
    match ev.iter_mut().find(|(t, _)| t == term) {
        Some(e) => e.1 += w,
        None => ev.push((term.to_string(), w)),
    }
}
