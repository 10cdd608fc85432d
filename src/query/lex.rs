//! The lexer of the query language: characters to tokens (words with their escapes and
//! wildcards, `field:` prefixes, phrases, operators, comparison and range brackets), with the
//! character position of each, for errors.

use std::ops::Range;

use super::parse::{MAX_PROXIMITY_WORDS, ParseError, error};

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Tok {
    /// `text` is unescaped; `wild` is set when the word has an unescaped `*` or `?`, and keeps
    /// the backslash of a literal `*`, `?` or `\`. `plain` words had no backslash at all: only
    /// they can be operators.
    Word {
        text: String,
        wild: Option<String>,
        plain: bool,
    },
    Phrase(String),
    /// `name:` with a listed field name.
    Field(String),
    LParen,
    RParen,
    /// `[` (true: inclusive) or `{`.
    Open(bool),
    /// `]` (true: inclusive) or `}`.
    Close(bool),
    /// `-`, `+` or `!` in front of a clause.
    Prefix(char),
    /// `~` and the characters after it, e.g. `2`.
    Tilde(String),
    /// `^` and the characters after it, e.g. `2.5`.
    Caret(String),
    /// `>`, `>=`, `<` or `<=` right after a field.
    Cmp(&'static str),
}

#[derive(Debug, Clone)]
pub(super) struct Token {
    pub(super) tok: Tok,
    pub(super) span: Range<usize>,
}

/// Characters that end a word wherever they are (unless escaped).
pub(super) fn ends_word(c: char) -> bool {
    c.is_whitespace() || is_quote(c) || matches!(c, '(' | ')' | '[' | ']' | '{' | '}' | '^')
}

/// Quotes that open or close a phrase: the straight one, and the curly ones a word processor
/// puts in (“…”, „…“), so that a pasted phrase stays a phrase.
fn is_quote(c: char) -> bool {
    matches!(c, '"' | '\u{201c}' | '\u{201d}' | '\u{201e}')
}

pub(super) fn lex(chars: &[char], fields: &[&str]) -> Result<Vec<Token>, ParseError> {
    let mut tokens: Vec<Token> = Vec::new();
    let mut in_brackets = false;
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        let after_field = match tokens.last() {
            Some(Token { tok: Tok::Field(name), .. }) => Some(name.clone()),
            _ => None,
        };
        let after_cmp = matches!(tokens.last(), Some(Token { tok: Tok::Cmp(_), .. }));
        i += 1;
        let tok = match c {
            '(' => Tok::LParen,
            ')' => Tok::RParen,
            '[' | '{' => {
                in_brackets = true;
                Tok::Open(c == '[')
            }
            ']' | '}' => {
                in_brackets = false;
                Tok::Close(c == ']')
            }
            c if is_quote(c) => {
                let (text, end) = lex_phrase(chars, start)?;
                i = end;
                Tok::Phrase(text)
            }
            '~' | '^' => {
                let mut arg = String::new();
                while let Some(&a) = chars.get(i).filter(|&&a| !ends_word(a) && a != '~') {
                    arg.push(a);
                    i += 1;
                }
                if c == '~' { Tok::Tilde(arg) } else { Tok::Caret(arg) }
            }
            '-' | '+' | '!' if after_field.is_some() => {
                let field = after_field.unwrap_or_default();
                return Err(error(
                    start,
                    format!("'{field}:' is followed by '{c}'; put the operator before the field: {c}{field}:value"),
                ));
            }
            '-' | '+' | '!' if !in_brackets && !after_cmp => Tok::Prefix(c),
            '>' | '<' if after_field.is_some() => {
                let or_equal = chars.get(i) == Some(&'=');
                i += usize::from(or_equal);
                Tok::Cmp(match (c, or_equal) {
                    ('>', false) => ">",
                    ('>', true) => ">=",
                    ('<', false) => "<",
                    _ => "<=",
                })
            }
            _ => {
                // A field's value may contain colons (`url:http://x`), and so may range ends.
                let detect_fields = !in_brackets && after_field.is_none() && !after_cmp;
                i = start;
                lex_word(chars, &mut i, fields, detect_fields)?
            }
        };
        tokens.push(Token { tok, span: start..i });
    }
    Ok(tokens)
}

/// Lexes the phrase whose opening quote is at `start`; returns its text and the end offset.
pub(super) fn lex_phrase(chars: &[char], start: usize) -> Result<(String, usize), ParseError> {
    let mut text = String::new();
    let mut i = start + 1;
    loop {
        match chars.get(i) {
            None => return Err(error(start, "unclosed quote; add a closing \" to end the phrase")),
            Some(&q) if is_quote(q) => break,
            Some('\\') if i + 1 < chars.len() => {
                text.push(chars[i + 1]);
                i += 2;
            }
            Some(&c) => {
                text.push(c);
                i += 1;
            }
        }
    }
    if text.trim().is_empty() {
        return Err(error(start, "empty phrase \"\"; put words between the quotes or remove them"));
    }
    Ok((text, i + 1))
}

/// Lexes a word, or a `field:` prefix when the text before an unescaped colon is a field.
pub(super) fn lex_word(chars: &[char], i: &mut usize, fields: &[&str], detect_fields: bool) -> Result<Tok, ParseError> {
    let start = *i;
    let (mut text, mut wild, mut has_wildcard, mut plain) = (String::new(), String::new(), false, true);
    let mut detect = detect_fields;
    while let Some(&c) = chars.get(*i) {
        let next = chars.get(*i + 1).copied();
        match c {
            '\\' => {
                plain = false;
                // A trailing backslash stands for itself.
                let escaped = next.unwrap_or('\\');
                if matches!(escaped, '*' | '?' | '\\') {
                    wild.push('\\');
                }
                text.push(escaped);
                wild.push(escaped);
                *i += if next.is_some() { 2 } else { 1 };
                continue;
            }
            c if ends_word(c) => break,
            '~' if next.is_none_or(|n| n.is_ascii_digit() || ends_word(n) || n == '~') => break,
            ':' if detect && plain && !text.is_empty() => {
                if is_field(&text, fields) {
                    *i += 1;
                    return Ok(Tok::Field(text));
                }
                if text.chars().all(char::is_alphabetic) {
                    return Err(unknown_field(start, &text, fields));
                }
                detect = false;
            }
            '*' | '?' => has_wildcard = true,
            _ => {}
        }
        text.push(c);
        wild.push(c);
        *i += 1;
    }
    Ok(Tok::Word { text, wild: has_wildcard.then_some(wild), plain })
}

pub(super) fn is_field(name: &str, fields: &[&str]) -> bool {
    let extra_key =
        |key: &str| !key.is_empty() && key.chars().all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'));
    fields.contains(&name)
        || (fields.contains(&crate::schema::EXTRA)
            && name.strip_prefix(crate::schema::EXTRA).and_then(|k| k.strip_prefix('.')).is_some_and(extra_key))
}

pub(super) fn unknown_field(position: usize, name: &str, fields: &[&str]) -> ParseError {
    let lower = name.to_lowercase();
    let nearest = fields
        .iter()
        .map(|f| (crate::facet::edit_distance(&lower, f), f))
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d);
    let hint = nearest.map(|(_, f)| format!("; did you mean '{f}'?")).unwrap_or_default();
    let known = if fields.is_empty() { "none".to_string() } else { fields.join(", ") };
    error(
        position,
        format!("unknown field '{name}'{hint} (fields: {known}) — or put the term in quotes to search for it as text"),
    )
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Keyword {
    And,
    Or,
    Not,
    Near { ordered: bool },
    Sentence,
    Paragraph,
}

/// The operator a word spells, if any. Boolean operators and `SAME` count only in upper case,
/// so that `and`, `or`, `not` and `same` stay searchable words; `W/5`-style connectors count
/// in any case.
pub(super) fn keyword(word: &str) -> Option<Keyword> {
    match word {
        "AND" | "&&" => return Some(Keyword::And),
        "OR" | "||" => return Some(Keyword::Or),
        "NOT" => return Some(Keyword::Not),
        "SAME" => return Some(Keyword::Paragraph),
        _ => {}
    }
    let upper = word.to_uppercase();
    match upper.as_str() {
        "W/S" | "W/SENT" => Some(Keyword::Sentence),
        "W/P" | "W/PARA" => Some(Keyword::Paragraph),
        _ if upper.starts_with("W/") || upper.starts_with("NEAR/") => Some(Keyword::Near { ordered: false }),
        _ if upper.starts_with("PRE/") => Some(Keyword::Near { ordered: true }),
        _ => None,
    }
}

/// The distance of a `W/n` connector, if it is a whole number from 1 to 1000.
pub(super) fn connector_distance(word: &str) -> Option<u32> {
    let digits = word.split_once('/')?.1;
    let n: u32 = digits.parse().ok().filter(|_| digits.bytes().all(|b| b.is_ascii_digit()))?;
    (1..=MAX_PROXIMITY_WORDS).contains(&n).then_some(n)
}

pub(super) fn token_keyword(token: &Token) -> Option<Keyword> {
    match &token.tok {
        Tok::Word { text, plain: true, .. } => keyword(text),
        _ => None,
    }
}

pub(super) fn is_operator(token: &Token) -> bool {
    match (&token.tok, token_keyword(token)) {
        (Tok::Prefix(_), _) => true,
        (Tok::Word { text, .. }, Some(Keyword::Near { .. })) => connector_distance(text).is_some(),
        (_, keyword) => keyword.is_some(),
    }
}

pub(super) fn is_word(token: &Token, word: &str) -> bool {
    matches!(&token.tok, Tok::Word { text, plain: true, .. } if text == word)
}
