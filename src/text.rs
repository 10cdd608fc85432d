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
        } else if matches!(b, b'.' | b'!' | b'?')
            && let Some(end) = sentence_end(text, i)
        {
            out.push(start..end);
            start = end;
            i = end;
            continue;
        }
        i += 1;
    }
    if start < text.len() && !text[start..].trim().is_empty() {
        out.push(start..text.len());
    }
    out.retain(|r| !text[r.clone()].trim().is_empty());
    out
}

/// Where the sentence ends, closing quotes and brackets included, when the `.`, `!` or `?`
/// at byte `i` ends one. The decision depends only on the text around the mark (the word
/// before it runs back to white space or `(`, which every sentence starts after), so a
/// sentence can be found from any position inside it ([`sentence_around`]).
fn sentence_end(text: &str, i: usize) -> Option<usize> {
    const ABBREVIATIONS: &[&str] = &[
        "Mr", "Mrs", "Ms", "Dr", "Prof", "St", "Gen", "Sen", "Rep", "Gov", "Lt", "Col", "Capt", "Sgt", "Adm", "Maj",
        "Jr", "Sr", "No", "Inc", "Corp", "Ltd", "Co", "vs", "etc", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug",
        "Sep", "Sept", "Oct", "Nov", "Dec", "U.S", "U.K", "U.N", "E.U", "Mt", "Ft", "Rev", "Hon", "approx",
    ];
    let mut end = i + 1;
    while let Some(c) = text[end..].chars().next() {
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
    if !boundary {
        return None;
    }
    let word = text[..i].rsplit(|c: char| c.is_whitespace() || c == '(').next().unwrap_or("");
    let abbreviation = text.as_bytes()[i] == b'.'
        && (ABBREVIATIONS.contains(&word) || (word.chars().count() == 1 && word.chars().all(char::is_uppercase)));
    (!abbreviation).then_some(end)
}

/// The sentence of [`sentences`] that holds byte `pos`, found by looking only around `pos`;
/// an empty range at `pos` when no sentence holds it (white space between sentences).
///
/// ```
/// let text = "Talks began. Kerry said they went well.";
/// assert_eq!(&text[gazette::text::sentence_around(text, 20)], " Kerry said they went well.");
/// assert_eq!(gazette::text::sentence_around(text, 99), 99..99);
/// ```
pub fn sentence_around(text: &str, pos: usize) -> Range<usize> {
    let bytes = text.as_bytes();
    if pos >= bytes.len() || bytes[pos] == b'\n' {
        return pos..pos;
    }
    // Back to the end of the sentence before, or a line break. A mark before `pos` whose
    // closing quotes run past it ends the sentence `pos` is in.
    let mut ends_at = None;
    let mut j = pos;
    let start = loop {
        if j == 0 {
            break 0;
        }
        let b = bytes[j - 1];
        if b == b'\n' {
            break j;
        }
        if matches!(b, b'.' | b'!' | b'?')
            && let Some(end) = sentence_end(text, j - 1)
        {
            if end <= pos {
                break end;
            }
            ends_at = Some(end);
        }
        j -= 1;
    };
    let end = ends_at.unwrap_or_else(|| {
        let mut k = pos;
        loop {
            if k >= bytes.len() || bytes[k] == b'\n' {
                break k;
            }
            if matches!(bytes[k], b'.' | b'!' | b'?')
                && let Some(end) = sentence_end(text, k)
            {
                break end;
            }
            k += 1;
        }
    });
    if text[start..end].trim().is_empty() { pos..pos } else { start..end }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found from any byte inside it, a sentence is the one [`sentences`] gives: on tricky
    /// strings and on every text of the bundled corpus.
    #[test]
    fn a_sentence_found_around_a_position_is_the_one_of_the_whole_split() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut texts: Vec<String> = [
            "Mr. Kerry met Gen. Dunford. They spoke.\nA new line.",
            "He said: \"No.\" Then left. (U.S. officials agreed.) \u{201c}Yes!\u{201d} she said.",
            "A. B. Smith arrived at 5 p.m. on Jan. 3. Talks began.   Trailing",
            "...!?. \n\n. x. Y",
            "",
        ]
        .into_iter()
        .map(str::to_string)
        .collect();
        for dir in ["corpus-sample", "tests/data/labelled"] {
            for f in crate::load::walk(&root.join(dir), &Default::default()).files {
                if let Ok(l) = crate::load::load_file(&f.path, "x") {
                    texts.extend(l.documents.into_iter().map(|d| d.body));
                }
            }
        }
        assert!(texts.len() > 40);
        for text in &texts {
            let all = sentences(text);
            for pos in (0..text.len()).filter(|&p| text.is_char_boundary(p)) {
                let want = all.iter().find(|s| s.contains(&pos)).cloned().unwrap_or(pos..pos);
                assert_eq!(sentence_around(text, pos), want, "{pos} in {text:?}");
            }
        }
    }

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
