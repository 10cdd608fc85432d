//! Words, as the entity passes see them: the words of a text with their byte ranges, their
//! shapes (capitalized, possessive, glued to a neighbour), and the English word lists of the
//! vocabulary (`english-words.toml`) as hash sets. Nothing here knows entities.

use rustc_hash::FxHashSet as HashSet;

use crate::facet::Vocabulary;

/// The word lists of the vocabulary's `english-words.toml` (what each is for is said there)
/// as hash sets, for the per-word checks of the hot path. Built once per matcher, from the
/// vocabulary it compiles: an enricher of another vocabulary reads its own lists.
pub(super) struct WordSets {
    pub(super) org_heads: HashSet<String>,
    pub(super) leading_heads: HashSet<String>,
    pub(super) not_name_words: HashSet<String>,
    pub(super) generic_org_words: HashSet<String>,
    pub(super) not_person_last: HashSet<String>,
    pub(super) name_particles: HashSet<String>,
    pub(super) org_connectors: HashSet<String>,
    pub(super) action_verbs: HashSet<String>,
    /// The first word of each of `official_nouns`: most words after a country are ruled out
    /// with one lookup before the nouns are compared.
    pub(super) official_first_words: HashSet<String>,
    /// Nouns that, after a country or demonym, make the country act, in lower case; some are
    /// two words ("prime minister").
    pub(super) official_nouns: Vec<String>,
}

impl WordSets {
    pub(super) fn new(v: &Vocabulary) -> WordSets {
        let w = &v.english;
        let set = |list: &[String]| list.iter().cloned().collect();
        WordSets {
            org_heads: set(&w.org_heads),
            leading_heads: set(&w.leading_heads),
            not_name_words: set(&w.not_name_words),
            generic_org_words: set(&w.generic_org_words),
            not_person_last: set(&w.not_person_last),
            name_particles: set(&w.name_particles),
            org_connectors: set(&w.org_connectors),
            action_verbs: set(&w.action_verbs),
            official_first_words: w
                .official_nouns
                .iter()
                .filter_map(|n| n.split(' ').next())
                .map(String::from)
                .collect(),
            official_nouns: w.official_nouns.clone(),
        }
    }
}

/// A word of the text: its byte range.
#[derive(Debug, Clone, Copy)]
pub(super) struct Tok {
    pub(super) start: usize,
    pub(super) end: usize,
}

/// Words with their byte ranges, from the alphanumeric runs of [`crate::text::word_spans`]: a
/// run and the next one form one word when a single `-`, `'`, `’` or `.` joins them
/// (`al-Assad`, `O'Brien`, `U.S`).
pub(super) fn tokenize(text: &str, spans: &[(usize, usize)]) -> Vec<Tok> {
    let mut out: Vec<Tok> = Vec::with_capacity(spans.len());
    let mut joined = false;
    for (k, &(start, end)) in spans.iter().enumerate() {
        if joined {
            out.last_mut().expect("joined to a word").end = end;
        } else {
            out.push(Tok { start, end });
        }
        joined = spans.get(k + 1).is_some_and(|&(next, _)| {
            let gap = &text[end..next];
            // Byte patterns (`’` is E2 80 99): comparing with string literals calls `memcmp`, once
            // per word.
            matches!(gap.as_bytes(), b"-" | b"'" | [0xE2, 0x80, 0x99] | b".")
        });
    }
    out
}

/// The word without a final `'s` or `’s`. On bytes: `strip_suffix` with a string calls
/// `memcmp`, and this runs for most capitalized words.
pub(super) fn strip_possessive(s: &str) -> &str {
    match s.as_bytes() {
        [.., b'\'', b's'] => &s[..s.len() - 2],
        [.., 0xE2, 0x80, 0x99, b's'] => &s[..s.len() - 4],
        _ => s,
    }
}

/// An upper-case first letter and a lower-case letter somewhere: "Kerry", "McAllister", but
/// not "NATO" or "the". ASCII words, most of them, are judged on bytes.
#[inline(always)]
pub(super) fn is_capitalized(word: &str) -> bool {
    match word.as_bytes().first() {
        Some(b) if b.is_ascii_lowercase() || b.is_ascii_digit() => false,
        Some(b) if b.is_ascii_uppercase() && word.is_ascii() => word.bytes().any(|b| b.is_ascii_lowercase()),
        _ => word.chars().next().is_some_and(char::is_uppercase) && word.chars().any(char::is_lowercase),
    }
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// Whether `start..end` stands on its own: not glued to a word before or after it.
pub(super) fn boundary_ok(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    let pat_last = text[..end].chars().next_back();
    // No word character just before; none just after unless the pattern ends in punctuation
    // ("U.S." may be followed directly by a letter in "U.S.-made").
    let glued_before = before.is_some_and(is_word_char);
    let glued_after = pat_last.is_some_and(is_word_char) && after.is_some_and(is_word_char);
    !glued_before && !glued_after
}

/// The offset before white space ending at `pos`.
pub(super) fn trim_back(text: &str, pos: usize) -> usize {
    text[..pos].trim_end().len()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (text, the words `tokenize` makes of it)
    const TOKENS: &[(&str, &[&str])] = &[
        ("Bashar al-Assad met O'Brien", &["Bashar", "al-Assad", "met", "O'Brien"]),
        ("the U.S. and the U.K.", &["the", "U.S", "and", "the", "U.K"]),
        ("Ireland\u{2019}s Taoiseach", &["Ireland\u{2019}s", "Taoiseach"]),
        // Two joining characters in a row join nothing.
        ("well--known", &["well", "known"]),
    ];

    #[test]
    fn tokens() {
        for &(text, want) in TOKENS {
            let spans = crate::text::word_spans(text);
            let got: Vec<&str> = tokenize(text, &spans).iter().map(|t| &text[t.start..t.end]).collect();
            assert_eq!(got, want, "{text:?}");
        }
    }

    /// (word, capitalized, without its possessive)
    const SHAPES: &[(&str, bool, &str)] = &[
        ("Kerry", true, "Kerry"),
        ("McAllister", true, "McAllister"),
        ("NATO", false, "NATO"),
        ("the", false, "the"),
        ("2022", false, "2022"),
        ("China's", true, "China"),
        ("Ukraine\u{2019}s", true, "Ukraine"),
        ("Émilie", true, "Émilie"),
        ("ÉTAT", false, "ÉTAT"),
    ];

    #[test]
    fn shapes() {
        for &(word, capitalized, bare) in SHAPES {
            assert_eq!(is_capitalized(word), capitalized, "{word:?}");
            assert_eq!(strip_possessive(word), bare, "{word:?}");
        }
    }

    /// (text, start, end, whether the range stands on its own)
    const BOUNDARIES: &[(&str, usize, usize, bool)] =
        &[("in Iran today", 3, 7, true), ("Iranian", 0, 4, false), ("U.S.-made", 0, 4, true), ("xU.S.", 1, 5, false)];

    #[test]
    fn boundaries() {
        for &(text, start, end, want) in BOUNDARIES {
            assert_eq!(boundary_ok(text, start, end), want, "{:?} in {text:?}", &text[start..end]);
        }
    }
}
