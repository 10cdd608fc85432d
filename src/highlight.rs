//! Highlighted titles and evidence passages for the top hits.
//!
//! Our own highlighter rather than tantivy's `SnippetGenerator`: it returns several passages
//! per document aligned to sentences, highlights stemmed variants (the text is analyzed with
//! the index's own analyzer, offsets kept), and joins adjacent matched words into one span.
//! Only the stored text of the top hits is read.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use serde::Serialize;
use serde::ser::SerializeStruct;
use tantivy::tokenizer::TextAnalyzer;

/// Default number of passages per hit.
pub const DEFAULT_PASSAGES: usize = 2;
/// Default maximum length of a passage, in characters.
pub const DEFAULT_PASSAGE_CHARS: usize = 280;

/// Text with highlighted spans.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Highlighted {
    /// The text.
    pub text: String,
    /// Byte ranges of `text` that matched the query, sorted, not overlapping.
    pub highlights: Vec<Range<usize>>,
}

/// A passage of a document's body that shows why it matched.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Passage {
    /// The passage, with its highlights (`…` marks text cut off).
    pub fragment: Highlighted,
    /// Byte offset in the body where the passage starts.
    pub body_offset: usize,
    /// The clauses of the query its highlights satisfy, in canonical form (`"cyber
    /// attacks"`, `china W/5 hack*`, `sanction~1`).
    pub clauses: Vec<String>,
}

impl Highlighted {
    /// Highlight ranges as character (Unicode scalar value) offsets, as the JSON output gives
    /// them.
    ///
    /// ```
    /// let h = gazette::Highlighted { text: "Café talks".into(), highlights: vec![6..11] };
    /// assert_eq!(h.char_highlights(), vec![(5, 10)]);
    /// ```
    pub fn char_highlights(&self) -> Vec<(usize, usize)> {
        self.highlights
            .iter()
            .map(|r| (self.text[..r.start].chars().count(), self.text[..r.end].chars().count()))
            .collect()
    }

    /// The text with each highlight wrapped in `open` and `close`.
    ///
    /// ```
    /// let h = gazette::Highlighted { text: "cyber attacks".into(), highlights: vec![0..5] };
    /// assert_eq!(h.render("[", "]"), "[cyber] attacks");
    /// ```
    pub fn render(&self, open: &str, close: &str) -> String {
        let mut out = String::with_capacity(self.text.len() + self.highlights.len() * (open.len() + close.len()));
        let mut last = 0;
        for r in &self.highlights {
            out.push_str(&self.text[last..r.start]);
            out.push_str(open);
            out.push_str(&self.text[r.clone()]);
            out.push_str(close);
            last = r.end;
        }
        out.push_str(&self.text[last..]);
        out
    }

    /// The text as HTML: escaped, each highlight in `<mark>`.
    ///
    /// ```
    /// let h = gazette::Highlighted { text: "<script> & cyber".into(), highlights: vec![11..16] };
    /// assert_eq!(h.render_html(), "&lt;script&gt; &amp; <mark>cyber</mark>");
    /// ```
    pub fn render_html(&self) -> String {
        let mut out = String::with_capacity(self.text.len() + self.highlights.len() * 13);
        let mut last = 0;
        for r in &self.highlights {
            escape_html(&self.text[last..r.start], &mut out);
            out.push_str("<mark>");
            escape_html(&self.text[r.clone()], &mut out);
            out.push_str("</mark>");
            last = r.end;
        }
        escape_html(&self.text[last..], &mut out);
        out
    }
}

fn escape_html(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

impl Serialize for Highlighted {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Highlighted", 2)?;
        st.serialize_field("text", &self.text)?;
        st.serialize_field("highlights", &self.char_highlights())?;
        st.end()
    }
}

impl Serialize for Passage {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Passage", 3)?;
        st.serialize_field("text", &self.fragment.text)?;
        st.serialize_field("highlights", &self.fragment.char_highlights())?;
        st.serialize_field("clauses", &self.clauses)?;
        st.end()
    }
}

/// What satisfies a query, in analyzed words: only these are highlighted.
#[derive(Debug, Clone, Default)]
pub(crate) struct Spec {
    /// Words that count wherever they are (plain words, wildcard and fuzzy expansions), with
    /// the clause they come from.
    pub free: HashMap<String, usize>,
    /// Runs of words that count only together, in order, at consecutive positions.
    pub phrases: Vec<(Vec<String>, usize)>,
    /// Words that count only near each other.
    pub near: Vec<NearSpec>,
    /// The clauses, in canonical form; the numbers above index this.
    pub clauses: Vec<String>,
}

impl Spec {
    /// The number of a clause, added if new.
    pub(crate) fn clause(&mut self, text: String) -> usize {
        match self.clauses.iter().position(|c| *c == text) {
            Some(i) => i,
            None => {
                self.clauses.push(text);
                self.clauses.len() - 1
            }
        }
    }
}

/// One proximity: alternatives of each side (runs of words), and the window.
#[derive(Debug, Clone)]
pub(crate) struct NearSpec {
    pub left: Vec<Vec<String>>,
    pub right: Vec<Vec<String>>,
    pub distance: u32,
    pub ordered: bool,
    pub clause: usize,
}

/// Highlights what satisfied one query in titles and bodies.
pub(crate) struct Highlighter {
    words: WantedWords,
    /// Analyzed query term -> weight (idf), for ranking passages.
    terms: HashMap<String, f32>,
    spec: Spec,
    max_chars: usize,
}

/// Finds the words of a text whose stem is one the query wants, stemming only the words
/// that can be: a stem begins with its word's first letter, so the others are passed over.
/// Stemming every word was a third of the time spent on passages.
struct WantedWords {
    words: TextAnalyzer,
    stemmer: TextAnalyzer,
    /// The stems wanted.
    wanted: HashSet<String>,
    /// The first bytes of the wanted stems.
    first: [bool; 256],
    /// Word -> its stem if wanted, for the words stemmed so far.
    seen: rustc_hash::FxHashMap<String, Option<String>>,
}

impl WantedWords {
    fn new(wanted: HashSet<String>) -> WantedWords {
        let mut first = [false; 256];
        for w in &wanted {
            if let Some(&b) = w.as_bytes().first() {
                first[b as usize] = true;
            }
        }
        WantedWords {
            words: crate::analysis::english_words(),
            stemmer: crate::analysis::english_stemmer(),
            wanted,
            first,
            seen: Default::default(),
        }
    }

    /// The wanted words of `text`, in order, with their stems.
    fn find(&mut self, text: &str) -> Vec<Tok> {
        let mut out = Vec::new();
        let mut stream = self.words.token_stream(text);
        while let Some(t) = stream.next() {
            if !t.text.as_bytes().first().is_some_and(|&b| self.first[b as usize]) {
                continue;
            }
            let stem = match self.seen.get(&t.text) {
                Some(stem) => stem.clone(),
                None => {
                    let stem = self.stemmer.token_stream(&t.text).next().map(|s| s.text.clone());
                    let stem = stem.filter(|s| self.wanted.contains(s));
                    self.seen.insert(t.text.clone(), stem.clone());
                    stem
                }
            };
            if let Some(text) = stem {
                out.push(Tok { pos: t.position, range: t.offset_from..t.offset_to, text });
            }
        }
        out
    }
}

/// An analyzed word of a text: position, byte range, text.
struct Tok {
    pos: usize,
    range: Range<usize>,
    text: String,
}

/// A highlighted word: its byte range and the clause it satisfies.
type Marked = (Range<usize>, usize);

/// Highlight ranges with adjacent ones (a space or hyphen apart) joined into one.
fn join(text: &str, ranges: Vec<Range<usize>>) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::new();
    for r in ranges {
        if let Some(last) = out.last_mut() {
            let gap = &text[last.end..r.start];
            if gap.chars().all(|c| c == ' ' || c == '-') && gap.len() <= 2 {
                last.end = r.end;
                continue;
            }
        }
        out.push(r);
    }
    out
}

/// Token indexes `[i, j)` where `run` occurs at consecutive positions.
fn runs_of(toks: &[Tok], run: &[String]) -> Vec<(usize, usize)> {
    if run.is_empty() {
        return Vec::new();
    }
    (0..toks.len())
        .filter(|&i| {
            i + run.len() <= toks.len()
                && run.iter().enumerate().all(|(k, w)| toks[i + k].text == *w && toks[i + k].pos == toks[i].pos + k)
        })
        .map(|i| (i, i + run.len()))
        .collect()
}

impl Highlighter {
    pub(crate) fn new(terms: HashMap<String, f32>, spec: Spec, max_chars: usize) -> Highlighter {
        let phrase_words = spec.phrases.iter().flat_map(|(run, _)| run);
        let near_words = spec.near.iter().flat_map(|n| n.left.iter().chain(&n.right)).flatten();
        let wanted = spec.free.keys().chain(phrase_words).chain(near_words).cloned().collect();
        Highlighter { words: WantedWords::new(wanted), terms, spec, max_chars: max_chars.max(40) }
    }

    /// Byte ranges of the words of `text` that satisfied the query (a word, a whole phrase,
    /// both sides of a proximity inside its window), with their term and clause.
    fn matches(&mut self, text: &str) -> Vec<(Range<usize>, String, usize)> {
        // Only the words of the query: the runs below need consecutive positions, not
        // consecutive entries.
        let toks = self.words.find(text);
        // The clause that marked each token, if any (the first one to).
        let mut marked: Vec<Option<usize>> = vec![None; toks.len()];
        let mark = |marked: &mut [Option<usize>], clause: usize| {
            marked.iter_mut().for_each(|m| *m = m.or(Some(clause)));
        };
        for (i, t) in toks.iter().enumerate() {
            if let Some(&c) = self.spec.free.get(&t.text) {
                mark(&mut marked[i..=i], c);
            }
        }
        for (phrase, c) in &self.spec.phrases {
            for (i, j) in runs_of(&toks, phrase) {
                mark(&mut marked[i..j], *c);
            }
        }
        for near in &self.spec.near {
            let side = |alts: &[Vec<String>]| alts.iter().flat_map(|a| runs_of(&toks, a)).collect::<Vec<_>>();
            let (left, right) = (side(&near.left), side(&near.right));
            for &(li, lj) in &left {
                for &(ri, rj) in &right {
                    let (lend, rstart) = (toks[lj - 1].pos, toks[ri].pos);
                    let (rend, lstart) = (toks[rj - 1].pos, toks[li].pos);
                    let within = (rstart > lend && (rstart - lend) as u64 <= near.distance as u64)
                        || (!near.ordered && lstart > rend && (lstart - rend) as u64 <= near.distance as u64);
                    if within {
                        mark(&mut marked[li..lj], near.clause);
                        mark(&mut marked[ri..rj], near.clause);
                    }
                }
            }
        }
        toks.into_iter().zip(marked).filter_map(|(t, m)| m.map(|c| (t.range, t.text, c))).collect()
    }

    /// The whole text with its matches highlighted (for titles).
    pub(crate) fn highlight(&mut self, text: &str) -> Highlighted {
        let highlights = join(text, self.matches(text).into_iter().map(|(r, _, _)| r).collect());
        Highlighted { text: text.to_string(), highlights }
    }

    /// Up to `n` passages of `body`, best first by the weight of distinct terms they hold,
    /// returned in document order. With no match, the start of the body.
    pub(crate) fn passages(&mut self, body: &str, n: usize) -> Vec<Passage> {
        if n == 0 || body.is_empty() {
            return Vec::new();
        }
        let matches = self.matches(body);
        let sentences = crate::text::sentences(body);
        // Score each sentence by the distinct terms it holds (weighted), plus a little for
        // repeats, and remember its matches.
        // (score, sentence, highlights with their clause)
        let mut scored: Vec<(f32, usize, Vec<Marked>)> = Vec::new();
        let mut m = 0;
        for (si, s) in sentences.iter().enumerate() {
            let mut ranges = Vec::new();
            let mut seen: Vec<&str> = Vec::new();
            let mut score = 0.0;
            while m < matches.len() && matches[m].0.start < s.end {
                if matches[m].0.start >= s.start {
                    let (r, term, clause) = &matches[m];
                    let w = self.terms.get(term).copied().unwrap_or(1.0);
                    if seen.contains(&term.as_str()) {
                        score += 0.1 * w;
                    } else {
                        seen.push(term);
                        score += w;
                    }
                    ranges.push((r.clone(), *clause));
                }
                m += 1;
            }
            if score > 0.0 {
                scored.push((score, si, ranges));
            }
        }
        if scored.is_empty() {
            let first = sentences.first().cloned().unwrap_or(0..body.len());
            return vec![self.cut(body, first, Vec::new())];
        }
        // Best first; earlier sentence first on ties, so the choice is deterministic.
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        scored.truncate(n);
        scored.sort_by_key(|s| s.1);
        scored.into_iter().map(|(_, si, ranges)| self.cut(body, sentences[si].clone(), ranges)).collect()
    }

    /// The sentence as a passage, cut to `max_chars` around its first highlight.
    fn cut(&self, body: &str, sentence: Range<usize>, ranges: Vec<Marked>) -> Passage {
        let s = &body[sentence.clone()];
        let trimmed_start = sentence.start + (s.len() - s.trim_start().len());
        let trimmed_end = sentence.end - (s.len() - s.trim_end().len());
        let (mut start, mut end) = (trimmed_start, trimmed_end);
        if body[start..end].chars().count() > self.max_chars {
            // Centre the window on the first highlight, a third of the way in.
            let anchor = ranges.first().map(|r| r.0.start).unwrap_or(start);
            let before = self.max_chars / 3;
            start = back_chars(body, anchor, before).max(start);
            start = word_start(body, start, trimmed_start);
            end = forward_chars(body, start, self.max_chars).min(end);
            end = word_end(body, end, trimmed_end);
        }
        let mut text = String::new();
        let mut shift = start as isize;
        if start > trimmed_start {
            text.push('…');
            shift -= '…'.len_utf8() as isize;
        }
        text.push_str(&body[start..end]);
        if end < trimmed_end {
            text.push('…');
        }
        let shown: Vec<Marked> = ranges.into_iter().filter(|(r, _)| r.start >= start && r.end <= end).collect();
        let mut clauses: Vec<String> = Vec::new();
        for (_, c) in &shown {
            let c = &self.spec.clauses[*c];
            if !clauses.contains(c) {
                clauses.push(c.clone());
            }
        }
        let joined = join(body, shown.into_iter().map(|(r, _)| r).collect());
        let highlights = joined
            .into_iter()
            .map(|r| (r.start as isize - shift) as usize..(r.end as isize - shift) as usize)
            .collect();
        Passage { fragment: Highlighted { text, highlights }, body_offset: start, clauses }
    }
}

fn back_chars(s: &str, from: usize, n: usize) -> usize {
    s[..from].char_indices().rev().nth(n.saturating_sub(1)).map(|(i, _)| i).unwrap_or(0)
}

fn forward_chars(s: &str, from: usize, n: usize) -> usize {
    s[from..].char_indices().nth(n).map(|(i, _)| from + i).unwrap_or(s.len())
}

/// Moves `i` forward to the start of a word (not before `min`).
fn word_start(s: &str, i: usize, min: usize) -> usize {
    if i <= min {
        return min;
    }
    match s[i..].find(char::is_whitespace) {
        Some(w) if w < 30 => i + w + 1,
        _ => i,
    }
}

/// Moves `i` back to the end of a word (not after `max`).
fn word_end(s: &str, i: usize, max: usize) -> usize {
    if i >= max {
        return max;
    }
    match s[..i].rfind(char::is_whitespace) {
        Some(w) if i - w < 30 => w,
        _ => i,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn highlighter(terms: &[&str]) -> Highlighter {
        let mut spec = Spec::default();
        for t in terms {
            let c = spec.clause(t.to_string());
            spec.free.insert(t.to_string(), c);
        }
        let terms = terms.iter().map(|t| (t.to_string(), 1.0)).collect();
        Highlighter::new(terms, spec, DEFAULT_PASSAGE_CHARS)
    }

    #[test]
    fn stemmed_variants_and_adjacent_words_are_one_span() {
        let mut h = highlighter(&["cyber", "attack"]);
        let t = h.highlight("Cyber attacks and an attack on cyber-security");
        assert_eq!(t.render("[", "]"), "[Cyber attacks] and an [attack] on [cyber]-security");
    }

    #[test]
    fn passages_pick_the_best_sentences_in_order() {
        let body =
            "The weather was fine. China and the U.S. discussed cyber theft. Nothing else. Cyber talks ended in China.";
        let mut h = highlighter(&["china", "cyber", "theft"]);
        let p = h.passages(body, 2);
        let rendered: Vec<String> = p.iter().map(|p| p.fragment.render("[", "]")).collect();
        assert_eq!(rendered, ["[China] and the U.S. discussed [cyber theft].", "[Cyber] talks ended in [China]."]);
        assert_eq!(&body[p[0].body_offset..p[0].body_offset + 5], "China");
    }

    #[test]
    fn long_sentences_are_cut_around_the_match() {
        let body = format!("{} sanctions {}.", "word ".repeat(200), "tail ".repeat(200));
        let mut h = highlighter(&["sanction"]);
        let p = &h.passages(&body, 1)[0];
        assert!(p.fragment.text.starts_with('…') && p.fragment.text.ends_with('…'));
        assert!(p.fragment.text.chars().count() <= DEFAULT_PASSAGE_CHARS + 2);
        assert_eq!(p.fragment.render("[", "]").matches("[sanctions]").count(), 1);
    }

    #[test]
    fn no_match_gives_the_opening() {
        let mut h = highlighter(&["absent"]);
        let p = h.passages("First sentence here. Second one.", 2);
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].fragment.text, "First sentence here.");
        assert!(p[0].fragment.highlights.is_empty());
    }

    #[test]
    fn char_offsets_in_json() {
        let mut h = highlighter(&["cafe"]);
        let t = h.highlight("Le café ouvert");
        assert_eq!(serde_json::to_string(&t).unwrap(), r#"{"text":"Le café ouvert","highlights":[[3,7]]}"#);
    }
}
