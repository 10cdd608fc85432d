//! Topic scoring: weighted terms of `topics.toml` matched as whole words (a trailing `*`
//! matches any word starting with the rest), case-insensitive, title matches counted twice,
//! normalized by document length.
//!
//! Matching is by words rather than by substrings: the text is lower-cased and split once,
//! and each word is looked up in hash maps keyed by a term's first word (or, for one-word
//! prefix terms, by the prefix). At each position the longest term wins.

use rustc_hash::FxHashMap as HashMap;

use super::TopicAssignment;
use crate::facet::Vocabulary;
use crate::packed::WordMap;

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
    /// The words as ids of `TopicMatcher::word_ids`; when `prefix`, the last word is the
    /// prefix `last` instead.
    words: Vec<u32>,
    prefix: Option<String>,
    /// As written in topics.toml, for evidence.
    text: String,
}

/// A node of the term trie: the words from the root spell the start of a term.
#[derive(Default, Clone)]
struct TrieNode {
    /// The first term (by index) whose words end here.
    term: Option<usize>,
    /// Terms whose whole words end here and whose last word is a prefix: (prefix, term), by
    /// term index.
    prefixes: Vec<(String, usize)>,
}

/// A node of the trie as its parent's map holds it: one lookup gives all a step needs.
#[derive(Clone, Copy)]
struct Child {
    node: u32,
    /// The first term whose words end here, or [`NO_TERM`].
    term: u32,
    /// The node's run of `node_prefixes`.
    prefixes: (u32, u32),
}

const NO_TERM: u32 = u32::MAX;

/// The key of a child in the trie.
fn child_key(node: u32, word: u32) -> u64 {
    (node as u64) << 32 | word as u64
}

/// Word id of a word that no term contains.
const UNKNOWN: u32 = u32::MAX;

pub(crate) struct TopicMatcher {
    terms: Vec<Term>,
    /// Every whole word of a term, numbered: the text's words are looked up once each and
    /// terms are then compared as numbers.
    word_ids: WordIds,
    /// The terms with whole words, as a trie over word ids: a text position is matched by
    /// walking it, one hash lookup per word, however many terms start with the same word.
    /// (node, word id) -> the child node, with what ends there.
    children: HashMap<u64, Child>,
    /// The prefix terms of all nodes: (prefix, term), each node's in a run by term index.
    node_prefixes: Vec<(String, usize)>,
    /// One-word prefix terms by the first three bytes of the prefix: (prefix, terms).
    by_head: HashMap<[u8; 3], Vec<(String, Vec<usize>)>>,
    /// Bit set of those three-byte heads (see [`head_bit`]): most words are ruled out
    /// without hashing.
    head_bits: Vec<u64>,
    /// Word id -> the one-word prefix terms that match the word, found when compiling, so
    /// that words of the vocabulary need no prefix lookup.
    prefix_terms_of: Vec<Vec<usize>>,
    majors: Vec<String>,
    subtopics: Vec<(String, Vec<usize>)>,
}

/// Words of lower-cased text: runs of alphanumerics and inner apostrophes, a byte at a
/// time, decoding only the bytes of non-ASCII characters.
/// ASCII bytes that are part of a word: letters, digits and the apostrophe.
static TOPIC_WORD_BYTE: [bool; 128] = {
    let mut t = [false; 128];
    let mut b = 0;
    while b < 128 {
        t[b] = (b as u8).is_ascii_alphanumeric() || b as u8 == b'\'';
        b += 1;
    }
    t
};

fn fast_words(text: &str) -> Vec<&str> {
    let mut out = Vec::with_capacity(text.len() / 6);
    let bytes = text.as_bytes();
    let mut start: Option<usize> = None;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let (word, len) = if b < 0x80 {
            (TOPIC_WORD_BYTE[b as usize], 1)
        } else {
            let c = text[i..].chars().next().expect("at a char boundary");
            (c.is_alphanumeric(), c.len_utf8())
        };
        if word != start.is_some() {
            match start.take() {
                None => start = Some(i),
                Some(s) => push_word(&mut out, &text[s..i]),
            }
        }
        i += len;
    }
    if let Some(s) = start {
        push_word(&mut out, &text[s..]);
    }
    out
}

fn push_word<'a>(out: &mut Vec<&'a str>, w: &'a str) {
    let w = trim_apostrophes(w);
    if !w.is_empty() {
        out.push(w);
    }
}

fn trim_apostrophes(w: &str) -> &str {
    let b = w.as_bytes();
    let start = b.iter().position(|&c| c != b'\'').unwrap_or(b.len());
    let end = b.iter().rposition(|&c| c != b'\'').map_or(start, |e| e + 1);
    &w[start..end]
}

/// Word -> id, in a [`WordMap`] (words packed into numbers where they fit).
struct WordIds {
    ids: WordMap<u32>,
    /// A bit per hash of the packed words (see [`filter_bit`]): most words of a text are in
    /// no term, and the bit rules them out without probing the map, which is cold in the
    /// cache when tantivy indexes on the other core.
    filter: Vec<u64>,
    /// Every word with its id, for compiling.
    words: Vec<(String, u32)>,
}

impl WordIds {
    fn get(&self, word: &str) -> Option<u32> {
        match crate::packed::pack(word) {
            Some(k) => self.get_short(k),
            None => self.ids.get(word.as_bytes()),
        }
    }

    /// The id of a word of at most 16 bytes, by its packed key.
    fn get_short(&self, key: u128) -> Option<u32> {
        let bit = filter_bit(key);
        if self.filter[bit / 64] & (1 << (bit % 64)) == 0 {
            return None;
        }
        self.ids.get_packed(key)
    }

    /// The id of an ASCII word of the text longer than 16 bytes, lower-cased (shorter ones
    /// are looked up packed, see [`TopicMatcher::words`]).
    fn get_long_ascii(&self, word: &[u8]) -> Option<u32> {
        self.ids.get(&word.to_ascii_lowercase())
    }

    fn len(&self) -> usize {
        self.ids.len()
    }

    /// The id of a word, numbering it if new.
    fn intern(&mut self, word: &str) -> u32 {
        if let Some(id) = self.get(word) {
            return id;
        }
        let id = self.len() as u32;
        if let Some(k) = self.ids.insert(word.as_bytes(), id) {
            let bit = filter_bit(k);
            self.filter[bit / 64] |= 1 << (bit % 64);
        }
        self.words.push((word.to_string(), id));
        id
    }
}

impl Default for WordIds {
    fn default() -> WordIds {
        WordIds { ids: WordMap::default(), filter: vec![0; FILTER_BITS / 64], words: Vec::new() }
    }
}

/// Bits of the word filter: 8 KB, a few percent of them set by the vocabulary's words.
const FILTER_BITS: usize = 1 << 16;

/// The filter bit of a packed word: the top bits of a multiplicative hash of its two halves.
fn filter_bit(key: u128) -> usize {
    let h = ((key as u64) ^ ((key >> 64) as u64).rotate_left(29)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (h >> (64 - 16)) as usize
}

/// A word of a text for matching: its id, and where its lower-cased form is: in the text
/// itself, to be compared ignoring ASCII case (`folded`), or in a side buffer (words with
/// other than ASCII letters, lower-cased there once).
#[derive(Clone, Copy)]
struct Word {
    id: u32,
    start: u32,
    end: u32,
    folded: bool,
}

/// The text of the words of one document, for the matcher.
struct Words<'a> {
    text: &'a [u8],
    lowered: String,
    list: Vec<Word>,
}

impl Words<'_> {
    /// The word's bytes, lower-cased unless `folded`.
    fn bytes(&self, w: &Word) -> &[u8] {
        let src = if w.folded { self.text } else { self.lowered.as_bytes() };
        &src[w.start as usize..w.end as usize]
    }

    /// Does the word start with `prefix` (lower case)?
    fn starts_with(&self, w: &Word, prefix: &str) -> bool {
        let b = self.bytes(w);
        let p = prefix.as_bytes();
        b.len() >= p.len() && if w.folded { b[..p.len()].eq_ignore_ascii_case(p) } else { &b[..p.len()] == p }
    }

    /// The first three bytes of the word, lower-cased (the word has at least three).
    fn head(&self, w: &Word) -> [u8; 3] {
        let b = self.bytes(w);
        [b[0].to_ascii_lowercase(), b[1].to_ascii_lowercase(), b[2].to_ascii_lowercase()]
    }
}

/// The high bit of each of 16 packed bytes: set only by non-ASCII bytes.
const HIGH_BITS: u128 = u128::MAX / 0xff * 0x80;

/// Sixteen ASCII bytes packed in a number, lower-cased at once: each byte from `A` to `Z`
/// gets its 0x20 bit (bytes must be below 0x80, so that no addition carries into the next).
fn ascii_lowercase_packed(x: u128) -> u128 {
    const ONES: u128 = u128::MAX / 0xff;
    let at_least_a = x + ONES * (0x80 - b'A' as u128);
    let above_z = x + ONES * (0x80 - b'Z' as u128 - 1);
    x | ((at_least_a & !above_z & HIGH_BITS) >> 2)
}

/// Lower case, with typographic apostrophes made straight, in one pass.
fn normalize(text: &str) -> String {
    if text.is_ascii() {
        return text.to_ascii_lowercase();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        // A run of ASCII bytes at once, then one other character.
        let ascii = rest.bytes().position(|b| !b.is_ascii()).unwrap_or(rest.len());
        out.extend(rest[..ascii].bytes().map(|b| b.to_ascii_lowercase() as char));
        rest = &rest[ascii..];
        let Some(c) = rest.chars().next() else { break };
        match c {
            '\u{2019}' => out.push('\''),
            c => out.extend(c.to_lowercase()),
        }
        rest = &rest[c.len_utf8()..];
    }
    out
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
        let mut word_ids = WordIds::default();
        for (owner, def) in v.topics.iter().chain(&v.subtopics).enumerate() {
            let mut sorted: Vec<(&String, &f32)> = def.terms.iter().collect();
            sorted.sort_by(|a, b| a.0.cmp(b.0));
            for (term, &weight) in sorted {
                let is_prefix = term.ends_with('*');
                let lower = normalize(term.trim_end_matches('*'));
                let mut ws: Vec<&str> = fast_words(&lower);
                let Some(last) = ws.last().copied() else { continue };
                let prefix = is_prefix.then(|| {
                    ws.pop();
                    last.to_string()
                });
                let words = ws.into_iter().map(|w| word_ids.intern(w)).collect();
                terms.push(Term { owner, weight, words, prefix, text: term.clone() });
            }
        }
        let mut trie = vec![TrieNode::default()];
        let mut children: HashMap<u64, u32> = HashMap::default();
        let mut by_head: HashMap<[u8; 3], Vec<(String, Vec<usize>)>> = HashMap::default();
        for (i, t) in terms.iter().enumerate() {
            match (&t.prefix, t.words.first()) {
                (_, Some(_)) => {
                    let mut node = 0u32;
                    for &w in &t.words {
                        node = *children.entry(child_key(node, w)).or_insert_with(|| {
                            trie.push(TrieNode::default());
                            (trie.len() - 1) as u32
                        });
                    }
                    let n = &mut trie[node as usize];
                    match &t.prefix {
                        None => n.term = Some(n.term.unwrap_or(i)),
                        Some(p) => n.prefixes.push((p.clone(), i)),
                    }
                }
                (Some(p), None) if p.len() >= 3 => {
                    let list = by_head.entry(head(p)).or_default();
                    match list.iter_mut().find(|(q, _)| q == p) {
                        Some((_, ts)) => ts.push(i),
                        None => list.push((p.clone(), vec![i])),
                    }
                }
                // Prefixes shorter than three letters match too much to be useful.
                _ => {}
            }
        }
        let mut head_bits = vec![0u64; HEAD_BITS.div_ceil(64)];
        for h in by_head.keys() {
            let bit = head_bit(*h);
            head_bits[bit / 64] |= 1 << (bit % 64);
        }
        let mut prefix_terms_of = vec![Vec::new(); word_ids.len()];
        for &(ref word, id) in &word_ids.words {
            if word.len() >= 3
                && let Some(prefixes) = by_head.get(&head(word))
            {
                for (_, ts) in prefixes.iter().filter(|(p, _)| word.starts_with(p.as_str())) {
                    prefix_terms_of[id as usize].extend(ts);
                }
            }
        }
        // The nodes' data moves into their parents' map.
        let mut node_prefixes = Vec::new();
        let mut runs = Vec::with_capacity(trie.len());
        for n in &trie {
            let start = node_prefixes.len() as u32;
            node_prefixes.extend(n.prefixes.iter().cloned());
            runs.push((start, node_prefixes.len() as u32));
        }
        let children = children
            .into_iter()
            .map(|(key, node)| {
                let n = &trie[node as usize];
                let term = n.term.map_or(NO_TERM, |t| t as u32);
                (key, Child { node, term, prefixes: runs[node as usize] })
            })
            .collect();
        TopicMatcher {
            terms,
            word_ids,
            children,
            node_prefixes,
            by_head,
            head_bits,
            prefix_terms_of,
            majors,
            subtopics,
        }
    }

    /// The term matching longest at the start of `ws`, with the number of words it covers;
    /// of terms as long, the first.
    fn longest(&self, words: &Words<'_>, ws: &[Word]) -> Option<(usize, usize)> {
        let first = &ws[0];
        let mut best: Option<(usize, usize)> = None;
        if first.id != UNKNOWN {
            // Down the trie: at depth k, terms of k whole words, and terms of k whole words
            // and a prefix matching word k + 1.
            // The root holds no prefix terms (one-word prefix terms are looked up below).
            let (mut node, mut prefixes) = (0u32, (0u32, 0u32));
            for (k, w) in ws.iter().enumerate() {
                let prefixed = self.node_prefixes[prefixes.0 as usize..prefixes.1 as usize]
                    .iter()
                    .find(|(p, _)| words.starts_with(w, p))
                    .map(|&(_, t)| t);
                let Some(child) = self.children.get(&child_key(node, w.id)) else {
                    if let Some(t) = prefixed {
                        best = Some((t, k + 1));
                    }
                    break;
                };
                (node, prefixes) = (child.node, child.prefixes);
                let whole = (child.term != NO_TERM).then_some(child.term as usize);
                // Of two terms as long, the first.
                if let Some(t) = [prefixed, whole].into_iter().flatten().min() {
                    best = Some((t, k + 1));
                }
            }
            if best.is_none() {
                // One-word prefix terms.
                best = self.prefix_terms_of[first.id as usize].first().map(|&t| (t, 1));
            }
            return best;
        }
        if first.end - first.start >= 3 {
            let h = words.head(first);
            if self.head_bits[head_bit(h) / 64] & (1 << (head_bit(h) % 64)) != 0
                && let Some(prefixes) = self.by_head.get(&h)
            {
                for (p, ts) in prefixes {
                    if words.starts_with(first, p)
                        && let Some(&t) = ts.first()
                    {
                        return Some((t, 1));
                    }
                }
            }
        }
        best
    }

    /// The words of `text` from its alphanumeric runs (`spans`, byte ranges), runs joined by
    /// one apostrophe making one word (`China's`, `don't`), with their ids.
    fn words<'a>(&self, text: &'a str, spans: &[(usize, usize)]) -> Words<'a> {
        let bytes = text.as_bytes();
        let mut words = Words { text: bytes, lowered: String::new(), list: Vec::with_capacity(spans.len()) };
        let mut i = 0;
        while i < spans.len() {
            let (start, mut end) = spans[i];
            i += 1;
            while let Some(&(next_start, next_end)) = spans.get(i) {
                let gap = &text[end..next_start];
                if !matches!(gap.as_bytes(), b"'" | [0xE2, 0x80, 0x99]) {
                    break;
                }
                end = next_end;
                i += 1;
            }
            let word = &bytes[start..end];
            // Short ASCII words (nearly all) are packed in place: one load, one test for
            // non-ASCII bytes.
            let packed = crate::packed::pack_at(bytes, start, end).filter(|k| k & HIGH_BITS == 0);
            let w = if let Some(k) = packed {
                let id = self.word_ids.get_short(ascii_lowercase_packed(k)).unwrap_or(UNKNOWN);
                Word { id, start: start as u32, end: end as u32, folded: true }
            } else if word.is_ascii() {
                let id = self.word_ids.get_long_ascii(word).unwrap_or(UNKNOWN);
                Word { id, start: start as u32, end: end as u32, folded: true }
            } else {
                let from = words.lowered.len();
                for c in text[start..end].chars() {
                    match c {
                        '\u{2019}' => words.lowered.push('\''),
                        c => words.lowered.extend(c.to_lowercase()),
                    }
                }
                let lower = &words.lowered[from..];
                let id = self.word_ids.get(lower).unwrap_or(UNKNOWN);
                Word { id, start: from as u32, end: words.lowered.len() as u32, folded: false }
            };
            words.list.push(w);
        }
        words
    }

    /// The topics of a title and a body.
    #[cfg(test)]
    fn assign(&self, title: &str, body: &str) -> Vec<TopicAssignment> {
        let text = format!("{title}\n\n{body}");
        let spans = crate::text::word_spans(&text);
        self.assign_spans(&text, &spans, title.len(), title.len() + 2)
    }

    /// The topics of a document's text, from its alphanumeric runs (`spans`): those ending
    /// by `title_end` are the title's (counted twice), those from `body_start` on the body's.
    pub(crate) fn assign_spans(
        &self,
        text: &str,
        spans: &[(usize, usize)],
        title_end: usize,
        body_start: usize,
    ) -> Vec<TopicAssignment> {
        let n_majors = self.majors.len();
        let mut scores = vec![0.0f32; n_majors + self.subtopics.len()];
        let mut evidence: Vec<Vec<(usize, f32)>> = vec![Vec::new(); n_majors + self.subtopics.len()];
        let mut n_words = 0;
        let title = spans.partition_point(|s| s.1 <= title_end);
        let body = spans.partition_point(|s| s.0 < body_start);
        for (spans, factor) in [(&spans[..title], 2.0f32), (&spans[body..], 1.0)] {
            let words = self.words(text, spans);
            let ws = &words.list;
            n_words += ws.len();
            let mut i = 0;
            while i < ws.len() {
                let Some((ti, n)) = self.longest(&words, &ws[i..]) else {
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

/// Size of the head bit set: 37 symbols (a-z, 0-9, anything else) to the third power.
const HEAD_BITS: usize = 37 * 37 * 37;

/// Symbol of a byte in [`head_bit`]: a-z, 0-9, anything else.
static HEAD_SYMBOL: [u8; 256] = {
    let mut t = [36u8; 256];
    let mut b = 0;
    while b < 26 {
        t[b'a' as usize + b] = b as u8;
        b += 1;
    }
    let mut d = 0;
    while d < 10 {
        t[b'0' as usize + d] = 26 + d as u8;
        d += 1;
    }
    t
};

fn head_bit(h: [u8; 3]) -> usize {
    let sym = |b: u8| HEAD_SYMBOL[b as usize] as usize;
    (sym(h[0]) * 37 + sym(h[1])) * 37 + sym(h[2])
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
    fn packed_lowercase_is_ascii_lowercase() {
        // Every ASCII byte at every position, with the other positions varied too.
        for b in 0u8..128 {
            for pos in 0..16 {
                let mut bytes = [b'Q'; 16];
                bytes[(pos + 5) % 16] = b'@';
                bytes[(pos + 9) % 16] = b'[';
                bytes[pos] = b;
                let want = bytes.map(|c| c.to_ascii_lowercase());
                assert_eq!(ascii_lowercase_packed(u128::from_le_bytes(bytes)).to_le_bytes(), want, "{b} at {pos}");
            }
        }
    }

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
