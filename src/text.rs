//! Words and sentences: the one definition of each, shared by enrichment, the highlighter and
//! the W/S operator. A word is a maximal run of alphanumeric characters, as tantivy's simple
//! tokenizer (and so the index) has it; a sentence ends at `.`, `!` or `?` before a capital, a
//! digit or a quote, or at a line break.

use std::ops::Range;

/// What a byte says of the character it starts: an ASCII separator, an ASCII letter or
/// digit, or the first byte of another character (to decode).
#[derive(Clone, Copy, PartialEq, Eq)]
enum ByteClass {
    Separator,
    Alnum,
    Other,
}

static BYTE_CLASS: [ByteClass; 256] = {
    let mut t = [ByteClass::Other; 256];
    let mut b = 0;
    while b < 128 {
        t[b] = if (b as u8).is_ascii_alphanumeric() { ByteClass::Alnum } else { ByteClass::Separator };
        b += 1;
    }
    t
};

/// Byte ranges of the maximal runs of alphanumeric characters: tight loops over ASCII bytes
/// (separators between words, letters and digits inside them), decoding only the other
/// characters.
///
/// ```
/// let text = "Al-Assad's U.S. trip (2024)";
/// let words: Vec<&str> = gazette::text::word_spans(text).into_iter().map(|(s, e)| &text[s..e]).collect();
/// assert_eq!(words, ["Al", "Assad", "s", "U", "S", "trip", "2024"]);
/// ```
pub fn word_spans(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let n = bytes.len();
    // About one word per six bytes in English; room for more, so that the vector seldom grows.
    let mut out = Vec::with_capacity(n / 4 + 16);
    let class = |i: usize| BYTE_CLASS[bytes[i] as usize];
    // Whether the character at `i` is alphanumeric, and its length.
    let char_at = |i: usize| -> (bool, usize) {
        let c = text[i..].chars().next().expect("at a char boundary");
        (c.is_alphanumeric(), c.len_utf8())
    };
    let mut i = 0;
    while i < n {
        while i < n && class(i) == ByteClass::Separator {
            i += 1;
        }
        if i == n {
            break;
        }
        if class(i) == ByteClass::Other {
            let (alnum, len) = char_at(i);
            if !alnum {
                i += len;
                continue;
            }
        }
        let start = i;
        loop {
            while i < n && class(i) == ByteClass::Alnum {
                i += 1;
            }
            if i < n && class(i) == ByteClass::Other {
                let (alnum, len) = char_at(i);
                if alnum {
                    i += len;
                    continue;
                }
            }
            break;
        }
        out.push((start, i));
    }
    out
}

/// Sentence byte ranges: ends at `.`, `!` or `?` (with closing quotes) followed by white
/// space and an upper-case letter, digit or quote, unless the word before the dot is a known
/// abbreviation or an initial; and at paragraph and line breaks.
///
/// ```
/// let text = "Mr. Kerry met Gen. Dunford. They spoke.\nA new line.";
/// let got: Vec<&str> = gazette::text::sentences(text).into_iter().map(|r| &text[r]).collect();
/// assert_eq!(got, ["Mr. Kerry met Gen. Dunford.", " They spoke.", "A new line."]);
/// ```
pub fn sentences(text: &str) -> Vec<Range<usize>> {
    const ABBREVIATIONS: &[&str] = &[
        "Mr", "Mrs", "Ms", "Dr", "Prof", "St", "Gen", "Sen", "Rep", "Gov", "Lt", "Col", "Capt", "Sgt", "Adm", "Maj",
        "Jr", "Sr", "No", "Inc", "Corp", "Ltd", "Co", "vs", "etc", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug",
        "Sep", "Sept", "Oct", "Nov", "Dec", "U.S", "U.K", "U.N", "E.U", "Mt", "Ft", "Rev", "Hon", "approx",
    ];
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'\n' {
            if i > start {
                out.push(start..i);
            }
            start = i + 1;
        } else if matches!(b, b'.' | b'!' | b'?') {
            let mut end = i + 1;
            // Closing quotes and brackets belong to the sentence.
            while end < bytes.len() {
                let rest = &text[end..];
                let c = rest.chars().next().expect("in bounds");
                if matches!(c, '"' | '\'' | ')' | '\u{201d}' | '\u{2019}') {
                    end += c.len_utf8();
                } else {
                    break;
                }
            }
            let next = text[end..].chars().next();
            let after = text[end..].trim_start_matches([' ', '\t']).chars().next();
            let boundary = next.is_some_and(|c| c == ' ' || c == '\t')
                && after.is_some_and(|c| {
                    c.is_uppercase() || c.is_ascii_digit() || matches!(c, '"' | '\u{201c}' | '\'' | '(' | '[')
                });
            let word = text[start..i].rsplit(|c: char| c.is_whitespace() || c == '(').next().unwrap_or("");
            let abbreviation = b == b'.'
                && (ABBREVIATIONS.contains(&word)
                    || (word.chars().count() == 1 && word.chars().all(char::is_uppercase)));
            if boundary && !abbreviation {
                out.push(start..end);
                start = end;
                i = end;
                continue;
            }
        }
        i += 1;
    }
    if start < text.len() && !text[start..].trim().is_empty() {
        out.push(start..text.len());
    }
    out.retain(|r| !text[r.clone()].trim().is_empty());
    out
}

/// The sentence of [`sentences`] that holds byte `pos`, or an empty range at `pos` when none
/// does (white space between sentences).
///
/// ```
/// let text = "Talks began. Kerry said they went well.";
/// let sentences = gazette::text::sentences(text);
/// assert_eq!(&text[gazette::text::sentence_around(&sentences, 20)], " Kerry said they went well.");
/// assert_eq!(gazette::text::sentence_around(&sentences, 99), 99..99);
/// ```
pub fn sentence_around(sentences: &[Range<usize>], pos: usize) -> Range<usize> {
    let i = sentences.partition_point(|s| s.end <= pos);
    match sentences.get(i) {
        Some(s) if s.start <= pos => s.clone(),
        _ => pos..pos,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_runs_of_letters_and_digits() {
        let table: &[(&str, &[&str])] = &[
            ("", &[]),
            ("  ", &[]),
            ("Xi", &["Xi"]),
            ("Xi's U.S.-China talks", &["Xi", "s", "U", "S", "China", "talks"]),
            ("café—Zürich, 2015!", &["café", "Zürich", "2015"]),
            ("«Ελλάδα» и Москва", &["Ελλάδα", "и", "Москва"]),
            ("end.", &["end"]),
            ("—a", &["a"]),
        ];
        for (text, want) in table {
            let got: Vec<&str> = word_spans(text).into_iter().map(|(s, e)| &text[s..e]).collect();
            assert_eq!(&got, want, "{text:?}");
        }
    }

    #[test]
    fn sentence_split() {
        let text = "U.S. officials met Mr. Wang on Jan. 5. They agreed! \"Good,\" he said. Next?\nNew line";
        let got: Vec<&str> = sentences(text).into_iter().map(|r| &text[r]).collect();
        assert_eq!(
            got,
            ["U.S. officials met Mr. Wang on Jan. 5.", " They agreed!", " \"Good,\" he said.", " Next?", "New line"]
        );
    }
}
