//! Gazette's query language: a hand-written lexer and recursive-descent parser that turns a
//! query string into a [`Node`] tree with character spans, or a [`ParseError`] that says where
//! the problem is and how to fix it.
//!
//! This module owns the syntax only. It does not know field types, does not analyze or
//! lowercase text, does not resolve facet values and does not build tantivy queries: the
//! caller walks the tree for that. Positions and spans count characters, not bytes, so that
//! they can be pointed at under the query as the user typed it.
//!
//! ```text
//! china "cyber attack"                     words and phrases
//! cyber*  wom?n  colour~1  colour~         wildcards; fuzzy, with an automatic distance
//! "cyber attack"~2  china^2.5              phrase slop; boost
//! title:china  title:(china OR iran)       a field; in a group it applies to every term
//! title:*  *                               the document has the field; every document
//! date:[2015 TO 2016}  date:>=2015         ranges; * is an open end
//! country: IN [China Russia]               any of these values
//! china W/5 hack*  china PRE/5 hack*       within 5 words; in this order
//! china W/S hack  china W/P hack           in the same sentence; paragraph
//! a AND b  a && b  a OR b  a || b          boolean operators, upper case only
//! NOT a  -a  !a  +a                        negation; required (with OR as the default)
//! ```
//!
//! # Precedence, tightest first
//!
//! | Level | Syntax | Node |
//! |---|---|---|
//! | 1 | `word`, `"phrase"`, `(group)`, `*`, `field:value`, `field:(group)`, `field:"phrase"`, `field:*`, `field:[a TO b]`, `field:>=x`, `field: IN [a b]` | `Term`, `Phrase`, `All`, `Exists`, `Range`, `In` |
//! | 2 | postfix `~N` (fuzzy word, phrase slop) and `^N` (boost) | `Term`, `Phrase`, `Boost` |
//! | 3 | `W/n`, `NEAR/n`, `PRE/n`, left-associative | `Near` |
//! | 4 | `W/S`, `W/SENT` | `Sentence` |
//! | 5 | `W/P`, `W/PARA`, `SAME` | `Paragraph` |
//! | 6 | prefix `+`, `-`, `!`, `NOT` | `Required`, `Not` |
//! | 7 | `AND`, `&&`, binary `NOT`, juxtaposition when `default_and` | `And` |
//! | 8 | `OR`, `\|\|`, juxtaposition otherwise | `Or` |
//!
//! As in LexisNexis, proximity binds tighter than negation: `-a W/5 b` is `NOT (a W/5 b)`.
//! `a NOT b` means `a AND (NOT b)` whatever the default operator. Both sides of a proximity
//! connector must be words, phrases, OR-groups of them or other proximities. `AND`, `OR`,
//! `NOT` and `SAME` are operators only in upper case; the `W/` connectors in any case.

use std::fmt;
use std::ops::{Bound, Range};

use super::lex::{
    Keyword, Tok, Token, connector_distance, ends_word, is_operator, is_word, keyword, lex, token_keyword,
};

/// Largest `n` accepted in `W/n` and `PRE/n`.
pub(super) const MAX_PROXIMITY_WORDS: u32 = 1000;

/// What [`parse`] needs to know besides the query.
#[derive(Debug, Clone, PartialEq)]
pub struct ParseOptions<'a> {
    /// Field names a user may write before `:` (e.g. title, body, lead, author, source, url,
    /// date, country, actor, topic, mention, id, extra, year). `extra.KEY` (dotted) is allowed
    /// when `extra` is listed.
    pub fields: &'a [&'a str],
    /// Juxtaposed clauses (`a b`) are joined by AND when true (the default), by OR when false.
    pub default_and: bool,
}

impl Default for ParseOptions<'_> {
    fn default() -> Self {
        ParseOptions { fields: &[], default_and: true }
    }
}

/// Why a query could not be parsed, and where.
#[derive(Debug, Clone, PartialEq)]
pub struct ParseError {
    /// 0-based character (not byte) offset of the culprit in the query.
    pub position: usize,
    /// What is wrong and how to fix it, on one line.
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at character {})", self.message, self.position)
    }
}

impl std::error::Error for ParseError {}

pub(super) fn error(position: usize, message: impl Into<String>) -> ParseError {
    ParseError { position, message: message.into() }
}

/// A node of the query tree and the characters of the query it was parsed from.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// What the node means.
    pub kind: NodeKind,
    /// Character offsets `[start, end)` in the query, including a field prefix and the
    /// parentheses of a group.
    pub span: Range<usize>,
}

/// The meaning of a [`Node`].
#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    /// A word, maybe field-qualified. `text` is unescaped, except in a
    /// [`TermPattern::Wildcard`] term, where a literal `*`, `?` or `\` keeps its backslash so
    /// that it can be told from a wildcard.
    Term {
        /// The field written before it or on its enclosing group; `None` for the default fields.
        field: Option<String>,
        /// The word.
        text: String,
        /// Exact, wildcard or fuzzy.
        pattern: TermPattern,
    },
    /// `"a b c"~slop`: the words in this order, with up to `slop` moves.
    Phrase {
        /// The field written before it or on its enclosing group; `None` for the default fields.
        field: Option<String>,
        /// The words between the quotes, unescaped.
        text: String,
        /// 0 when no `~N` is given.
        slop: u32,
    },
    /// `field:*`: the document has the field.
    Exists {
        /// The field.
        field: String,
    },
    /// `field:[a TO b]`, `field:{a TO b}`, mixed brackets, `*` for an open end; also
    /// `field:>x`, `field:>=x`, `field:<x`, `field:<=x`.
    Range {
        /// The field.
        field: String,
        /// The low end.
        lower: Bound<String>,
        /// The high end.
        upper: Bound<String>,
    },
    /// `field: IN [a b c]` (tantivy's syntax): any of the values.
    In {
        /// The field.
        field: String,
        /// The values, unescaped.
        values: Vec<String>,
    },
    /// `*` alone: every document.
    All,
    /// All of the clauses; never directly holds another `And`.
    And(Vec<Node>),
    /// Any of the clauses; never directly holds another `Or`.
    Or(Vec<Node>),
    /// `NOT x`, `-x`, `!x`; `a NOT b` parses as `And[a, Not(b)]`.
    Not(Box<Node>),
    /// `+x` (matters when the default operator is OR).
    Required(Box<Node>),
    /// `a W/n b` (either order, within n words) and `a PRE/n b` (a before b, within n words).
    Near {
        /// The left operand.
        left: Box<Node>,
        /// The right operand.
        right: Box<Node>,
        /// At most this many words apart, 1 to 1000.
        distance: u32,
        /// True for `PRE/n`: `left` comes first.
        ordered: bool,
    },
    /// `a W/S b`: both in the same sentence.
    Sentence {
        /// The left operand.
        left: Box<Node>,
        /// The right operand.
        right: Box<Node>,
    },
    /// `a W/P b`: both in the same paragraph.
    Paragraph {
        /// The left operand.
        left: Box<Node>,
        /// The right operand.
        right: Box<Node>,
    },
    /// `x^2.5`
    Boost {
        /// The boosted node.
        node: Box<Node>,
        /// A positive, finite factor.
        factor: f32,
    },
}

/// How the text of a [`NodeKind::Term`] matches.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TermPattern {
    /// The word itself (after analysis).
    Exact,
    /// Contains an unescaped `*` or `?` (`cyber*`, `wom?n`, `*tion`).
    Wildcard,
    /// `word~N` with N = 0, 1 or 2; `word~` alone is `None`: the distance is decided later
    /// from the word's length (Elasticsearch's AUTO).
    Fuzzy(Option<u8>),
}

/// Parses `query` into a tree, or says where and why it cannot.
///
/// ```
/// use gazette::query::parse::{parse, ParseOptions};
/// let opts = ParseOptions { fields: &["title", "country"], default_and: true };
/// let tree = parse("china W/5 hack* -\"south china sea\"", &opts).unwrap();
/// assert_eq!(tree.to_string(), "(china W/5 hack*) AND (NOT \"south china sea\")");
/// let err = parse("contry:China", &opts).unwrap_err();
/// assert_eq!(err.position, 0);
/// assert!(err.message.contains("did you mean 'country'"), "{}", err.message);
/// ```
pub fn parse(query: &str, opts: &ParseOptions<'_>) -> Result<Node, ParseError> {
    let chars: Vec<char> = query.chars().collect();
    let tokens = lex(&chars, opts.fields)?;
    if tokens.iter().all(is_operator) {
        let message = if tokens.is_empty() {
            "empty query; type some words to search for"
        } else {
            "empty query: there are only operators; add words to search for"
        };
        return Err(error(0, message));
    }
    let mut parser = Parser { chars, tokens, pos: 0, default_and: opts.default_and, field: None, depth: 0 };
    let node = parser.parse_or()?;
    match parser.bump() {
        None => Ok(node),
        Some(token) => Err(parser.stray(&token)),
    }
}

// ---------------------------------------------------------------------------------------
// Parser: one method per precedence level, loosest first.

struct Parser {
    chars: Vec<char>,
    tokens: Vec<Token>,
    pos: usize,
    default_and: bool,
    /// The field of the innermost enclosing `field:(...)`, given to unqualified terms.
    field: Option<String>,
    /// Groups and prefix operators open around the current position.
    depth: usize,
}

/// How deeply groups and prefix operators may nest. Parsing, compiling and printing a query
/// recurse once per level, so a deeper query would overflow the stack; no real query comes
/// near this.
const MAX_NESTING: usize = 100;

impl Parser {
    /// Enters a group or prefix operator at `at`, failing past [`MAX_NESTING`].
    fn nest(&mut self, at: usize) -> Result<(), ParseError> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(error(
                at,
                format!("nested more than {MAX_NESTING} levels deep; remove some parentheses or operators"),
            ));
        }
        Ok(())
    }

    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    fn peek_keyword(&self) -> Option<Keyword> {
        self.peek().and_then(token_keyword)
    }

    fn bump(&mut self) -> Option<Token> {
        let token = self.tokens.get(self.pos).cloned();
        self.pos += usize::from(token.is_some());
        token
    }

    /// The operator as the user wrote it, quoted when it is a symbol: `AND`, `W/5`, `'-'`.
    fn name(&self, token: &Token) -> String {
        let text: String = self.chars[token.span.clone()].iter().collect();
        if text.starts_with(char::is_alphabetic) { text } else { format!("'{text}'") }
    }

    /// Can the next token begin a clause, so that juxtaposition applies?
    fn starts_clause(&self) -> bool {
        match self.peek() {
            None => false,
            Some(token) => match token.tok {
                Tok::RParen | Tok::Close(_) | Tok::Cmp(_) => false,
                Tok::Word { .. } => matches!(token_keyword(token), None | Some(Keyword::Not)),
                _ => true,
            },
        }
    }

    fn starts_with_prefix(&self) -> bool {
        matches!(self.peek(), Some(Token { tok: Tok::Prefix(_), .. })) || self.peek_keyword() == Some(Keyword::Not)
    }

    /// Checks that something an operator can take follows the operator `op`.
    fn need_operand(&self, op: &Token, what: &str) -> Result<(), ParseError> {
        match self.peek() {
            None | Some(Token { tok: Tok::RParen | Tok::Close(_), .. }) => {
                Err(error(op.span.start, format!("{} needs {what} after it; remove it or add {what}", self.name(op))))
            }
            Some(next) if matches!(token_keyword(next), Some(k) if k != Keyword::Not) => Err(error(
                op.span.start,
                format!("{} is followed by {}; remove one of them", self.name(op), self.name(next)),
            )),
            _ => Ok(()),
        }
    }

    /// The error for a token left over where no clause can go.
    fn stray(&self, token: &Token) -> ParseError {
        let message = match token.tok {
            Tok::RParen => "unmatched ')'; remove it or add a '(' before it".to_string(),
            Tok::Close(_) => format!("unmatched {}; a range reads field:[a TO b]", self.name(token)),
            _ => format!("unexpected {}", self.name(token)),
        };
        error(token.span.start, message)
    }

    fn parse_or(&mut self) -> Result<Node, ParseError> {
        let mut items = vec![self.parse_and()?];
        loop {
            if self.peek_keyword() == Some(Keyword::Or) {
                let op = self.bump().expect("peeked");
                self.need_operand(&op, "a term")?;
            } else if self.default_and || !self.starts_clause() {
                break;
            }
            items.push(self.parse_and()?);
        }
        Ok(join(items, false))
    }

    fn parse_and(&mut self) -> Result<Node, ParseError> {
        let mut items = vec![self.parse_unary()?];
        loop {
            match self.peek_keyword() {
                Some(Keyword::And) => {
                    let op = self.bump().expect("peeked");
                    self.need_operand(&op, "a term")?;
                }
                // Binary NOT (`a NOT b` = `a AND NOT b`); parse_unary takes the NOT.
                Some(Keyword::Not) => {}
                _ if self.default_and && self.starts_clause() => {}
                _ => break,
            }
            items.push(self.parse_unary()?);
        }
        Ok(join(items, true))
    }

    fn parse_unary(&mut self) -> Result<Node, ParseError> {
        if !self.starts_with_prefix() {
            return self.parse_connected(Level::Paragraph);
        }
        let op = self.bump().expect("peeked");
        self.need_operand(&op, "a term")?;
        self.nest(op.span.start)?;
        let inner = Box::new(self.parse_unary()?);
        self.depth -= 1;
        let span = op.span.start..inner.span.end;
        let kind = if op.tok == Tok::Prefix('+') { NodeKind::Required(inner) } else { NodeKind::Not(inner) };
        Ok(Node { kind, span })
    }

    /// Parses a chain of `level` connectors (left-associative) over the tighter levels.
    /// Each connector nests the tree one level deeper (`a W/S b W/S c` is `(a W/S b) W/S c`),
    /// so a chain counts against [`MAX_NESTING`] like parentheses: the stages that recurse
    /// over the tree must not overflow on a long flat chain either.
    fn parse_connected(&mut self, level: Level) -> Result<Node, ParseError> {
        let depth = self.depth;
        let chain = self.parse_chain(level);
        self.depth = depth;
        chain
    }

    fn parse_chain(&mut self, level: Level) -> Result<Node, ParseError> {
        let mut left = self.parse_tighter(level)?;
        while let Some(keyword) = self.peek_keyword().filter(|&k| Level::of(k) == Some(level)) {
            let op = self.bump().expect("peeked");
            self.nest(op.span.start)?;
            left = self.connect(left, keyword, op, level)?;
        }
        Ok(left)
    }

    /// `left`, the connector `op` (`keyword`), and the operand that follows.
    fn connect(&mut self, left: Node, keyword: Keyword, op: Token, level: Level) -> Result<Node, ParseError> {
        {
            let name = self.name(&op);
            let distance = match keyword {
                Keyword::Near { .. } => self.distance(&op)?,
                _ => 0,
            };
            check_span(&left, &name)?;
            self.need_operand(&op, "a word or phrase")?;
            // `a W/5 -b` is an error; parse the negation whole so that the message can say so.
            let right = if self.starts_with_prefix() { self.parse_unary()? } else { self.parse_tighter(level)? };
            check_span(&right, &name)?;
            let span = left.span.start..right.span.end;
            let (l, r) = (Box::new(left), Box::new(right));
            let kind = match keyword {
                Keyword::Near { ordered } => NodeKind::Near { left: l, right: r, distance, ordered },
                Keyword::Sentence => NodeKind::Sentence { left: l, right: r },
                _ => NodeKind::Paragraph { left: l, right: r },
            };
            Ok(Node { kind, span })
        }
    }

    fn parse_tighter(&mut self, level: Level) -> Result<Node, ParseError> {
        match level {
            Level::Paragraph => self.parse_connected(Level::Sentence),
            Level::Sentence => self.parse_connected(Level::Proximity),
            Level::Proximity => self.parse_postfix(),
        }
    }

    fn distance(&self, op: &Token) -> Result<u32, ParseError> {
        let text: String = self.chars[op.span.clone()].iter().collect();
        connector_distance(&text).ok_or_else(|| {
            error(
                op.span.start,
                format!(
                    "bad distance in '{text}': write a whole number of words from 1 to {MAX_PROXIMITY_WORDS}, \
                     e.g. W/5 (or put '{text}' in quotes to search for it as text)"
                ),
            )
        })
    }

    fn parse_postfix(&mut self) -> Result<Node, ParseError> {
        let mut node = self.parse_atom()?;
        if let Some(Token { tok: Tok::Tilde(arg), span }) = self.peek().cloned()
            && span.start == node.span.end
        {
            self.pos += 1;
            apply_tilde(&mut node, &arg, span.start)?;
            node.span.end = span.end;
        }
        if let Some(Token { tok: Tok::Caret(arg), span }) = self.peek().cloned()
            && span.start == node.span.end
        {
            self.pos += 1;
            let factor = arg.parse::<f32>().ok().filter(|f| f.is_finite() && *f > 0.0).ok_or_else(|| {
                error(
                    span.start,
                    format!("bad boost '^{arg}': write a positive number after ^, e.g. china^2 or china^0.5"),
                )
            })?;
            let span = node.span.start..span.end;
            node = Node { kind: NodeKind::Boost { node: Box::new(node), factor }, span };
        }
        Ok(node)
    }

    fn parse_atom(&mut self) -> Result<Node, ParseError> {
        let Some(token) = self.bump() else {
            return Err(error(self.chars.len(), "the query ends where a term was expected; add a term"));
        };
        let at = token.span.start;
        if let Some(keyword) = token_keyword(&token) {
            let what = match keyword {
                Keyword::Near { .. } => {
                    self.distance(&token)?;
                    "a word or phrase"
                }
                Keyword::Sentence | Keyword::Paragraph => "a word or phrase",
                _ => "a term",
            };
            return Err(error(at, format!("{} needs {what} before it", self.name(&token))));
        }
        let kind = match token.tok {
            Tok::Word { text, plain: true, .. } if text == "*" => match self.field.clone() {
                Some(field) => NodeKind::Exists { field },
                None => NodeKind::All,
            },
            Tok::Word { wild: Some(text), .. } => {
                NodeKind::Term { field: self.field.clone(), text, pattern: TermPattern::Wildcard }
            }
            Tok::Word { text, .. } => NodeKind::Term { field: self.field.clone(), text, pattern: TermPattern::Exact },
            Tok::Phrase(text) => NodeKind::Phrase { field: self.field.clone(), text, slop: 0 },
            Tok::Field(name) => return self.parse_field_value(name, at),
            Tok::LParen => return self.parse_group(at),
            Tok::Open(inclusive) => match self.field.clone() {
                Some(field) => return self.parse_range(field, inclusive, at),
                None => return Err(error(at, "a range needs a field in front of it, e.g. date:[2015 TO 2016]")),
            },
            Tok::Tilde(_) => {
                return Err(error(
                    at,
                    "'~' must directly follow a word (fuzzy: colour~1) or a phrase (slop: \"a b\"~2)",
                ));
            }
            Tok::Caret(_) => {
                return Err(error(at, "'^' must directly follow a term, phrase or group, once, e.g. china^2"));
            }
            _ => return Err(self.stray(&token)),
        };
        Ok(Node { kind, span: token.span })
    }

    /// Parses what follows `name:` (whose first character is at `at`).
    fn parse_field_value(&mut self, name: String, at: usize) -> Result<Node, ParseError> {
        let needs_value =
            || error(at, format!("'{name}:' needs a value after the colon, e.g. {name}:china or {name}:\"two words\""));
        let Some(next) = self.peek().cloned() else { return Err(needs_value()) };
        if matches!(next.tok, Tok::RParen | Tok::Close(_)) || token_keyword(&next).is_some() {
            return Err(needs_value());
        }
        if is_word(&next, "IN") {
            self.pos += 1;
            return self.parse_in(name, at, next.span.start);
        }
        if let Tok::Cmp(op) = next.tok {
            self.pos += 1;
            let (value, end) = match self.bump() {
                Some(Token { tok: Tok::Word { text, .. } | Tok::Phrase(text), span }) if text != "*" => {
                    (text, span.end)
                }
                _ => {
                    return Err(error(next.span.start, format!("'{op}' needs a value after it, e.g. {name}:{op}2015")));
                }
            };
            let (lower, upper) = match op {
                ">" => (Bound::Excluded(value), Bound::Unbounded),
                ">=" => (Bound::Included(value), Bound::Unbounded),
                "<" => (Bound::Unbounded, Bound::Excluded(value)),
                _ => (Bound::Unbounded, Bound::Included(value)),
            };
            return Ok(Node { kind: NodeKind::Range { field: name, lower, upper }, span: at..end });
        }
        self.nest(at)?;
        let outer = self.field.replace(name);
        let node = self.parse_atom();
        self.field = outer;
        self.depth -= 1;
        let mut node = node?;
        node.span.start = at;
        Ok(node)
    }

    fn parse_in(&mut self, field: String, at: usize, in_at: usize) -> Result<Node, ParseError> {
        let open = match self.bump() {
            Some(Token { tok: Tok::Open(true), span }) => span.start,
            _ => {
                return Err(error(
                    in_at,
                    format!(
                        "IN needs a list in square brackets, e.g. {field}: IN [a b c]; to search for the word, quote it: {field}:\"IN\""
                    ),
                ));
            }
        };
        let mut values = Vec::new();
        let end = loop {
            match self.bump() {
                Some(Token { tok: Tok::Close(true), span }) => break span.end,
                Some(Token { tok: Tok::Word { text, .. } | Tok::Phrase(text), .. }) => values.push(text),
                Some(other) => {
                    return Err(error(
                        other.span.start,
                        "an IN list holds words or \"quoted phrases\" and ends with ]",
                    ));
                }
                None => return Err(error(open, "unclosed IN list; add a ] to close it")),
            }
        };
        if values.is_empty() {
            return Err(error(open, format!("empty IN list; put values between the brackets, e.g. {field}: IN [a b]")));
        }
        Ok(Node { kind: NodeKind::In { field, values }, span: at..end })
    }

    fn parse_range(&mut self, field: String, lower_inclusive: bool, open: usize) -> Result<Node, ParseError> {
        let unclosed = || error(open, format!("unclosed range; a range reads {field}:[a TO b]"));
        let lower = self.range_end(&field, open)?;
        match self.bump() {
            Some(token) if is_word(&token, "TO") => {}
            Some(token) => {
                let message = format!("a range needs TO between its two ends, e.g. {field}:[2015 TO 2016]");
                return Err(error(token.span.start, message));
            }
            None => return Err(unclosed()),
        }
        let upper = self.range_end(&field, open)?;
        let (upper_inclusive, end) = match self.bump() {
            Some(Token { tok: Tok::Close(inclusive), span }) => (inclusive, span.end),
            _ => return Err(unclosed()),
        };
        let bound = |value: Option<String>, inclusive: bool| match value {
            None => Bound::Unbounded,
            Some(v) if inclusive => Bound::Included(v),
            Some(v) => Bound::Excluded(v),
        };
        let kind =
            NodeKind::Range { field, lower: bound(lower, lower_inclusive), upper: bound(upper, upper_inclusive) };
        Ok(Node { kind, span: open..end })
    }

    /// One end of a range: `None` for `*`.
    fn range_end(&mut self, field: &str, open: usize) -> Result<Option<String>, ParseError> {
        let token =
            self.bump().ok_or_else(|| error(open, format!("unclosed range; a range reads {field}:[a TO b]")))?;
        match token.tok {
            Tok::Word { text, plain: true, .. } if text == "*" => Ok(None),
            Tok::Word { text, plain, .. } if !(plain && text == "TO") => Ok(Some(text)),
            Tok::Phrase(text) => Ok(Some(text)),
            _ => Err(error(
                token.span.start,
                format!("a range needs a value on each side of TO, or * for an open end, e.g. {field}:[2015 TO *]"),
            )),
        }
    }

    fn parse_group(&mut self, open: usize) -> Result<Node, ParseError> {
        match self.peek() {
            Some(Token { tok: Tok::RParen, .. }) => {
                return Err(error(open, "empty group (); put a term inside or remove the parentheses"));
            }
            None => return Err(error(open, "unclosed '('; add a ')' to close it")),
            _ => {}
        }
        self.nest(open)?;
        let mut node = self.parse_or()?;
        self.depth -= 1;
        match self.bump() {
            Some(Token { tok: Tok::RParen, span }) => {
                node.span = open..span.end;
                Ok(node)
            }
            Some(other) => Err(self.stray(&other)),
            None => Err(error(open, "unclosed '('; add a ')' to close it")),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Level {
    Proximity,
    Sentence,
    Paragraph,
}

impl Level {
    fn of(keyword: Keyword) -> Option<Level> {
        match keyword {
            Keyword::Near { .. } => Some(Level::Proximity),
            Keyword::Sentence => Some(Level::Sentence),
            Keyword::Paragraph => Some(Level::Paragraph),
            _ => None,
        }
    }
}

/// Joins clauses with AND (`and`) or OR, flattening nested nodes of the same kind.
fn join(mut items: Vec<Node>, and: bool) -> Node {
    if items.len() == 1 {
        return items.remove(0);
    }
    let span = items[0].span.start..items[items.len() - 1].span.end;
    let mut flat = Vec::with_capacity(items.len());
    for item in items {
        match item.kind {
            NodeKind::And(children) if and => flat.extend(children),
            NodeKind::Or(children) if !and => flat.extend(children),
            kind => flat.push(Node { kind, span: item.span }),
        }
    }
    Node { kind: if and { NodeKind::And(flat) } else { NodeKind::Or(flat) }, span }
}

/// Applies `~arg` (at `at`): fuzzy distance on a word, slop on a phrase.
fn apply_tilde(node: &mut Node, arg: &str, at: usize) -> Result<(), ParseError> {
    match &mut node.kind {
        NodeKind::Term { pattern: pattern @ TermPattern::Exact, .. } => {
            *pattern = TermPattern::Fuzzy(match arg {
                "" => None,
                "0" => Some(0),
                "1" => Some(1),
                "2" => Some(2),
                _ => return Err(error(at, format!("fuzzy distance must be 0, 1 or 2 (or none: word~), not '{arg}'"))),
            });
        }
        NodeKind::Term { .. } => {
            return Err(error(at, "a word cannot be both wildcard and fuzzy; remove the ~ or the * and ?"));
        }
        NodeKind::Phrase { slop, .. } => {
            *slop = arg.parse().ok().filter(|_| arg.bytes().all(|b| b.is_ascii_digit())).ok_or_else(|| {
                error(at, format!("phrase slop must be a whole number of words, e.g. \"a b\"~2, not '~{arg}'"))
            })?;
        }
        _ => return Err(error(at, "'~' applies to a word (fuzzy: colour~1) or a phrase (slop: \"a b\"~2)")),
    }
    Ok(())
}

/// Checks that `node` can be an operand of the proximity connector `connector`.
fn check_span(node: &Node, connector: &str) -> Result<(), ParseError> {
    let problem = match &node.kind {
        NodeKind::Term { .. }
        | NodeKind::Phrase { .. }
        | NodeKind::Near { .. }
        | NodeKind::Sentence { .. }
        | NodeKind::Paragraph { .. } => return Ok(()),
        NodeKind::Or(children) => return children.iter().try_for_each(|c| check_span(c, connector)),
        NodeKind::Boost { node, .. } => return check_span(node, connector),
        NodeKind::Not(_) => {
            format!("`NOT x` cannot be inside a proximity — move the NOT outside: NOT (a {connector} b)")
        }
        NodeKind::Required(_) => "`+x` cannot be inside a proximity; remove the +".to_string(),
        NodeKind::And(_) => format!(
            "`a AND b` cannot be inside a proximity; use OR inside the group, or write (a {connector} c) AND (b {connector} c)"
        ),
        NodeKind::Range { .. } | NodeKind::Exists { .. } | NodeKind::In { .. } | NodeKind::All => {
            format!("`{node}` cannot be inside a proximity; join it outside with AND: (a {connector} b) AND {node}")
        }
    };
    Err(error(node.span.start, format!("{connector} needs words or phrases on both sides; {problem}")))
}

// ---------------------------------------------------------------------------------------
// Display: the canonical, fully parenthesized form, which parses back to the same tree.

impl fmt::Display for Node {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            NodeKind::Term { field, text, pattern } => {
                if let Some(field) = field {
                    write!(f, "{field}:")?;
                }
                f.write_str(&escape_term(text, *pattern == TermPattern::Wildcard))?;
                match pattern {
                    TermPattern::Fuzzy(None) => f.write_str("~"),
                    TermPattern::Fuzzy(Some(n)) => write!(f, "~{n}"),
                    _ => Ok(()),
                }
            }
            NodeKind::Phrase { field, text, slop } => {
                if let Some(field) = field {
                    write!(f, "{field}:")?;
                }
                f.write_str(&quote(text))?;
                if *slop > 0 {
                    write!(f, "~{slop}")?;
                }
                Ok(())
            }
            NodeKind::Exists { field } => write!(f, "{field}:*"),
            NodeKind::Range { field, lower, upper } => {
                let end = |bound: &Bound<String>| match bound {
                    Bound::Included(v) | Bound::Excluded(v) => list_value(v),
                    Bound::Unbounded => "*".to_string(),
                };
                let open = if matches!(lower, Bound::Excluded(_)) { '{' } else { '[' };
                let close = if matches!(upper, Bound::Excluded(_)) { '}' } else { ']' };
                write!(f, "{field}:{open}{} TO {}{close}", end(lower), end(upper))
            }
            NodeKind::In { field, values } => {
                let values: Vec<String> = values.iter().map(|v| list_value(v)).collect();
                write!(f, "{field}: IN [{}]", values.join(" "))
            }
            NodeKind::All => f.write_str("*"),
            NodeKind::And(children) | NodeKind::Or(children) => {
                let op = if matches!(self.kind, NodeKind::And(_)) { " AND " } else { " OR " };
                for (i, child) in children.iter().enumerate() {
                    write!(f, "{}{}", if i == 0 { "" } else { op }, Wrapped(child))?;
                }
                Ok(())
            }
            NodeKind::Not(node) => write!(f, "NOT {}", Wrapped(node)),
            NodeKind::Required(node) => write!(f, "+{}", Wrapped(node)),
            NodeKind::Near { left, right, distance, ordered } => {
                let connector = if *ordered { "PRE" } else { "W" };
                write!(f, "{} {connector}/{distance} {}", Wrapped(left), Wrapped(right))
            }
            NodeKind::Sentence { left, right } => write!(f, "{} W/S {}", Wrapped(left), Wrapped(right)),
            NodeKind::Paragraph { left, right } => write!(f, "{} W/P {}", Wrapped(left), Wrapped(right)),
            NodeKind::Boost { node, factor } => write!(f, "{}^{factor}", Wrapped(node)),
        }
    }
}

/// Displays a node in parentheses when it is made of operators.
struct Wrapped<'a>(&'a Node);

impl fmt::Display for Wrapped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.kind {
            NodeKind::And(_)
            | NodeKind::Or(_)
            | NodeKind::Not(_)
            | NodeKind::Required(_)
            | NodeKind::Near { .. }
            | NodeKind::Sentence { .. }
            | NodeKind::Paragraph { .. } => write!(f, "({})", self.0),
            _ => write!(f, "{}", self.0),
        }
    }
}

/// Writes a term so that it lexes back to the same word: specials and a leading operator
/// character get a backslash, and so does a word that would read as an operator. In wildcard
/// text, `*` and `?` stay bare and existing `\*`, `\?`, `\\` are kept.
fn escape_term(text: &str, wildcard: bool) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    // A word that reads as an operator (`AND`, or anything `W/`-shaped, wildcard or not)
    // is escaped, so that it prints back as the word it was.
    if keyword(text).is_some() || text == "IN" {
        out.push('\\');
    }
    let mut chars = text.chars();
    let mut first = true;
    while let Some(c) = chars.next() {
        if wildcard && c == '\\' {
            out.push(c);
            out.extend(chars.next());
        } else if wildcard && matches!(c, '*' | '?') {
            out.push(c);
        } else {
            let special = ends_word(c) || matches!(c, '~' | ':' | '\\' | '*' | '?');
            if special || (first && matches!(c, '-' | '+' | '!' | '<' | '>')) {
                out.push('\\');
            }
            out.push(c);
        }
        first = false;
    }
    out
}

fn quote(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

/// A range end or IN value: bare when it lexes back as itself, quoted otherwise.
fn list_value(value: &str) -> String {
    let bare = !value.is_empty()
        && value != "*"
        && value != "TO"
        && !value.chars().any(|c| ends_word(c) || matches!(c, '~' | '\\'));
    if bare { value.to_string() } else { quote(value) }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIELDS: &[&str] = &[
        "title", "body", "lead", "author", "source", "url", "date", "country", "actor", "topic", "mention", "id",
        "extra", "year",
    ];

    fn parse_with(query: &str, default_and: bool) -> Result<Node, ParseError> {
        parse(query, &ParseOptions { fields: FIELDS, default_and })
    }

    /// (query, default_and, canonical form)
    const CANONICAL: &[(&str, bool, &str)] = &[
        // Words, juxtaposition, AND/OR precedence.
        ("china", true, "china"),
        ("  china  ", true, "china"),
        ("china iran", true, "china AND iran"),
        ("china iran", false, "china OR iran"),
        // Curly quotes, as pasted from a word processor, are phrase quotes.
        ("\u{201c}state behavior\u{201d}", true, "\"state behavior\""),
        ("\u{201e}state behavior\u{201c} cyber", true, "\"state behavior\" AND cyber"),
        ("title:\u{201c}cyber talks\"", true, "title:\"cyber talks\""),
        ("china AND iran OR russia", true, "(china AND iran) OR russia"),
        ("china OR iran AND russia", true, "china OR (iran AND russia)"),
        ("china && iran || russia", false, "(china AND iran) OR russia"),
        ("a OR b c", true, "a OR (b AND c)"),
        ("a OR b c", false, "a OR b OR c"),
        ("a AND b c", false, "(a AND b) OR c"),
        ("cats and dogs or not", true, "cats AND and AND dogs AND or AND not"),
        // Flattening and groups.
        ("a (b AND (c d))", true, "a AND b AND c AND d"),
        ("(a OR (b OR c)) OR d", true, "a OR b OR c OR d"),
        ("(a OR b) (c OR d)", true, "(a OR b) AND (c OR d)"),
        ("((china))", true, "china"),
        // Negation and required.
        ("NOT china", true, "NOT china"),
        ("-china", true, "NOT china"),
        ("!china", true, "NOT china"),
        ("china NOT iran", true, "china AND (NOT iran)"),
        ("china NOT iran", false, "china AND (NOT iran)"),
        ("a b NOT c", false, "a OR (b AND (NOT c))"),
        ("china AND NOT iran", true, "china AND (NOT iran)"),
        ("china OR NOT iran", true, "china OR (NOT iran)"),
        ("china -iran", true, "china AND (NOT iran)"),
        ("+a b -c", false, "(+a) OR b OR (NOT c)"),
        ("+a b", true, "(+a) AND b"),
        ("NOT -a", true, "NOT (NOT a)"),
        ("+-a", true, "+(NOT a)"),
        ("-(a OR b)", true, "NOT (a OR b)"),
        // Proximity: spellings, precedence, associativity.
        ("china W/5 hack*", true, "china W/5 hack*"),
        ("china w/5 hack*", true, "china W/5 hack*"),
        ("china NEAR/5 hack*", true, "china W/5 hack*"),
        ("china near/5 hack*", true, "china W/5 hack*"),
        ("china PRE/3 hack", true, "china PRE/3 hack"),
        ("china pre/1000 hack", true, "china PRE/1000 hack"),
        ("a W/S b", true, "a W/S b"),
        ("a w/sent b", true, "a W/S b"),
        ("a W/P b", true, "a W/P b"),
        ("a w/para b", true, "a W/P b"),
        ("a SAME b", true, "a W/P b"),
        ("the same day", true, "the AND same AND day"),
        ("(china OR beijing) W/5 hack*", true, "(china OR beijing) W/5 hack*"),
        ("a W/5 b W/S c", true, "(a W/5 b) W/S c"),
        ("a W/S b W/5 c", true, "a W/S (b W/5 c)"),
        ("a W/5 b PRE/2 c", true, "(a W/5 b) PRE/2 c"),
        ("a W/P b W/S c W/P d", true, "(a W/P (b W/S c)) W/P d"),
        ("a W/5 b c", true, "(a W/5 b) AND c"),
        ("a W/5 b OR c", true, "(a W/5 b) OR c"),
        ("-a W/5 b", true, "NOT (a W/5 b)"),
        ("+a W/5 b", false, "+(a W/5 b)"),
        ("(a W/5 b)^2 W/S c", true, "(a W/5 b)^2 W/S c"),
        ("china W/5 hack* AND NOT \"south china sea\"", true, "(china W/5 hack*) AND (NOT \"south china sea\")"),
        ("\"cyber attack\" W/10 china^2", true, "\"cyber attack\" W/10 china^2"),
        // Fields and their propagation into groups.
        ("title:cyber*", true, "title:cyber*"),
        ("title: china", true, "title:china"),
        (
            "title:(china OR \"south china sea\" OR body:iran)",
            true,
            "title:china OR title:\"south china sea\" OR body:iran",
        ),
        ("title:(a -b)", true, "title:a AND (NOT title:b)"),
        ("title:(a W/5 (b OR c))", true, "title:a W/5 (title:b OR title:c)"),
        ("title:(a body:(b c) d)", true, "title:a AND body:b AND body:c AND title:d"),
        ("country:\"Xi Jinping\"", true, "country:\"Xi Jinping\""),
        ("extra.section:world", true, "extra.section:world"),
        ("url:http://example.com/a", true, "url:http\\://example.com/a"),
        ("12:30", true, "12\\:30"),
        // Words with inner punctuation, escapes.
        (
            "cyber-attack U.S. O'Brien C++ AT&T 24/7",
            true,
            "cyber-attack AND U.S. AND O'Brien AND C++ AND AT&T AND 24/7",
        ),
        ("a\\*b", true, "a\\*b"),
        ("\\AND \\w/5 \\-x", true, "\\AND AND \\w/5 AND \\-x"),
        ("a\\ b", true, "a\\ b"),
        ("a~b", true, "a\\~b"),
        ("\"say \\\"hi\\\"\"", true, "\"say \\\"hi\\\"\""),
        ("Zürich", true, "Zürich"),
        // Wildcards, fuzzy, slop, boosts.
        ("wom?n *tion", true, "wom?n AND *tion"),
        ("a\\*b* \\-x*", true, "a\\*b* AND \\-x*"),
        ("colour~ colour~0 colour~1", true, "colour~ AND colour~0 AND colour~1"),
        ("title:colour~2^3", true, "title:colour~2^3"),
        ("\"a b\"~2", true, "\"a b\"~2"),
        ("\"a b\"~0", true, "\"a b\""),
        ("\"a b\"~2^0.5", true, "\"a b\"~2^0.5"),
        ("china^2.5", true, "china^2.5"),
        ("(a OR b)^2", true, "(a OR b)^2"),
        ("title:(a b)^2", true, "(title:a AND title:b)^2"),
        // Exists, all, ranges, IN.
        ("*", true, "*"),
        ("title:*", true, "title:*"),
        ("* -title:*", true, "* AND (NOT title:*)"),
        ("date:[2015-01-01 TO 2016-06-30]", true, "date:[2015-01-01 TO 2016-06-30]"),
        ("date:{2015 TO 2016]", true, "date:{2015 TO 2016]"),
        ("date:[2015 TO *] date:[* TO 2016}", true, "date:[2015 TO *] AND date:[* TO 2016}"),
        ("date:[2015-01-01T00:00:00Z TO \"a b\"]", true, "date:[2015-01-01T00:00:00Z TO \"a b\"]"),
        ("date:>=2015 date:>2015", true, "date:[2015 TO *] AND date:{2015 TO *]"),
        ("date:<2016 OR date:<=-5", true, "date:[* TO 2016} OR date:[* TO -5]"),
        ("date:([2015 TO 2016] OR [2018 TO *])", true, "date:[2015 TO 2016] OR date:[2018 TO *]"),
        ("year:[2015 TO 2016]^2", true, "year:[2015 TO 2016]^2"),
        ("country: IN [China Russia \"United States\"]", true, "country: IN [China Russia \"United States\"]"),
        ("country:IN [a]", true, "country: IN [a]"),
    ];

    #[test]
    fn canonical_forms() {
        for &(query, default_and, want) in CANONICAL {
            match parse_with(query, default_and) {
                Ok(node) => assert_eq!(node.to_string(), want, "{query:?}"),
                Err(e) => panic!("{query:?}: {e}"),
            }
        }
    }

    fn without_spans(node: &Node) -> Node {
        let b = |n: &Node| Box::new(without_spans(n));
        let kind = match &node.kind {
            NodeKind::And(c) => NodeKind::And(c.iter().map(without_spans).collect()),
            NodeKind::Or(c) => NodeKind::Or(c.iter().map(without_spans).collect()),
            NodeKind::Not(n) => NodeKind::Not(b(n)),
            NodeKind::Required(n) => NodeKind::Required(b(n)),
            NodeKind::Near { left, right, distance, ordered } => {
                NodeKind::Near { left: b(left), right: b(right), distance: *distance, ordered: *ordered }
            }
            NodeKind::Sentence { left, right } => NodeKind::Sentence { left: b(left), right: b(right) },
            NodeKind::Paragraph { left, right } => NodeKind::Paragraph { left: b(left), right: b(right) },
            NodeKind::Boost { node, factor } => NodeKind::Boost { node: b(node), factor: *factor },
            leaf => leaf.clone(),
        };
        Node { kind, span: 0..0 }
    }

    #[test]
    fn canonical_forms_parse_back_to_the_same_tree() {
        for &(query, default_and, _) in CANONICAL {
            let tree = without_spans(&parse_with(query, default_and).expect("parses"));
            let printed = tree.to_string();
            // The canonical form spells out every operator, so the default does not matter.
            for reparse_and in [true, false] {
                let again = parse_with(&printed, reparse_and).unwrap_or_else(|e| panic!("{printed:?}: {e}"));
                assert_eq!(without_spans(&again), tree, "{query:?} printed as {printed:?}");
            }
        }
    }

    /// (query, position, part of the message)
    const ERRORS: &[(&str, usize, &str)] = &[
        ("", 0, "empty query"),
        ("   ", 0, "empty query"),
        ("AND OR - NOT", 0, "empty query: there are only operators"),
        ("\"cyber attacks", 0, "unclosed quote"),
        ("china \"a", 6, "unclosed quote"),
        ("\"\" china", 0, "empty phrase"),
        ("(china OR iran", 0, "unclosed '('"),
        ("a (b (c) d", 2, "unclosed '('"),
        ("china) OR iran", 5, "unmatched ')'"),
        ("(a ] b)", 3, "unmatched ']'"),
        ("()", 0, "empty group"),
        ("a ( ) b", 2, "empty group"),
        ("AND b", 0, "AND needs a term before it"),
        ("a (|| b)", 3, "'||' needs a term before it"),
        ("a OR", 2, "OR needs a term after it"),
        ("(china OR) iran", 7, "OR needs a term after it"),
        ("a AND OR b", 2, "AND is followed by OR; remove one of them"),
        ("a && W/5 b", 2, "'&&' is followed by W/5"),
        ("a NOT", 2, "NOT needs a term after it"),
        ("a -", 2, "'-' needs a term after it"),
        ("W/5 b", 0, "W/5 needs a word or phrase before it"),
        ("a W/S", 2, "W/S needs a word or phrase after it"),
        ("a W/5 OR b", 2, "W/5 is followed by OR"),
        ("a W/0 b", 2, "bad distance in 'W/0'"),
        ("a w/x b", 2, "bad distance in 'w/x'"),
        ("a PRE/1001 b", 2, "from 1 to 1000"),
        ("w/o sugar", 0, "bad distance in 'w/o'"),
        ("a W/5 -b", 6, "move the NOT outside: NOT (a W/5 b)"),
        ("(NOT a) W/5 b", 0, "move the NOT outside"),
        ("(a AND b) W/5 c", 0, "`a AND b` cannot be inside a proximity"),
        ("(a OR !b) W/5 c", 6, "`NOT x` cannot be inside"),
        ("a W/5 +b", 6, "`+x` cannot be inside"),
        ("date:[2015 TO 2016] W/5 b", 0, "`date:[2015 TO 2016]` cannot be inside a proximity"),
        ("a W/S title:*", 6, "`title:*` cannot be inside"),
        ("colour~3", 6, "fuzzy distance must be 0, 1 or 2"),
        ("cyber*~1", 6, "both wildcard and fuzzy"),
        ("(a b)~1", 5, "'~' applies to a word"),
        ("a ~1", 2, "'~' must directly follow"),
        ("\"a b\"~x", 5, "phrase slop must be a whole number"),
        ("china^x", 5, "bad boost '^x'"),
        ("china^", 5, "bad boost"),
        ("china^0", 5, "bad boost"),
        ("a^2^3", 3, "'^' must directly follow"),
        ("date:[2015 2016]", 11, "needs TO"),
        ("date:[2015 TO", 5, "unclosed range"),
        ("date:[2015 TO 2016 x", 5, "unclosed range"),
        ("date:[TO 2016]", 6, "a value on each side of TO"),
        ("[a TO b]", 0, "a range needs a field"),
        ("date:>", 5, "'>' needs a value"),
        ("country: IN China", 9, "IN needs a list in square brackets"),
        ("country: IN [China", 12, "unclosed IN list"),
        ("country: IN []", 12, "empty IN list"),
        ("contry:China", 0, "unknown field 'contry'; did you mean 'country'?"),
        ("a bdoy:x", 2, "did you mean 'body'?"),
        ("http://x", 0, "unknown field 'http' (fields: title, body,"),
        ("title:", 0, "'title:' needs a value after the colon"),
        ("title: ", 0, "needs a value"),
        ("(title:) a", 1, "needs a value"),
        ("title:AND x", 0, "needs a value"),
        ("title:-a", 6, "put the operator before the field: -title:value"),
        // Positions count characters, not bytes: "Zürich" is 6 characters and 7 bytes.
        ("Zürich AND", 7, "AND needs a term after it"),
        ("«Zürich» \"x", 9, "unclosed quote"),
    ];

    /// Found by trying 20,000 parentheses: the parser recursed until the stack overflowed.
    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let deep = [
            format!("{}x{}", "(".repeat(20_000), ")".repeat(20_000)),
            format!("{}x", "-".repeat(20_000)),
            format!("{}x", "NOT ".repeat(20_000)),
            format!("{}x{}", "title:(".repeat(20_000), ")".repeat(20_000)),
            // Flat in the text, deep in the tree: each connector nests the chain once more.
            format!("b{}", " W/S b".repeat(20_000)),
            format!("b{}", " W/P b".repeat(20_000)),
            format!("b{}", " W/3 b".repeat(20_000)),
            format!("b{}", " PRE/2 b".repeat(20_000)),
        ];
        for query in &deep {
            let e = parse_with(query, true).expect_err("too deep");
            assert!(e.message.contains("nested more than 100 levels"), "{e}");
        }
        // The limit itself parses, and so does a chain as long as the limit.
        let ok = format!("{}x{}", "(".repeat(MAX_NESTING), ")".repeat(MAX_NESTING));
        assert_eq!(parse_with(&ok, true).unwrap().to_string(), "x");
        assert!(parse_with(&format!("b{}", " W/S b".repeat(MAX_NESTING)), true).is_ok());
        let e = parse_with(&format!("b{}", " W/S b".repeat(MAX_NESTING + 1)), true).unwrap_err();
        assert_eq!(e.position, 2 + 6 * MAX_NESTING, "{e}"); // at the connector past the limit
    }

    #[test]
    fn errors_have_positions_and_fixes() {
        for &(query, position, message) in ERRORS {
            match parse_with(query, true) {
                Ok(node) => panic!("{query:?}: parsed as {node}, want an error"),
                Err(e) => {
                    assert_eq!(e.position, position, "{query:?}: {e}");
                    assert!(e.message.contains(message), "{query:?}: {:?} lacks {message:?}", e.message);
                }
            }
        }
    }

    #[test]
    fn spans_point_at_the_characters() {
        let node = parse_with("Zürich title:cyber*", true).expect("parses");
        assert_eq!(node.span, 0..19);
        let NodeKind::And(children) = &node.kind else { panic!("{node:?}") };
        assert_eq!(children[1].span, 7..19);

        let node = parse_with("-(a OR b) china W/5 hack~1", true).expect("parses");
        let NodeKind::And(children) = &node.kind else { panic!("{node:?}") };
        assert_eq!(children[0].span, 0..9);
        let NodeKind::Not(inner) = &children[0].kind else { panic!("{node:?}") };
        assert_eq!(inner.span, 1..9);
        assert_eq!(children[1].span, 10..26);
        let NodeKind::Near { right, .. } = &children[1].kind else { panic!("{node:?}") };
        assert_eq!(right.span, 20..26);
    }

    #[test]
    fn terms_keep_fields_and_wildcard_escapes() {
        let term = |field: Option<&str>, text: &str, pattern| NodeKind::Term {
            field: field.map(str::to_string),
            text: text.to_string(),
            pattern,
        };
        let node = parse_with("title:(a\\*b* c)", true).expect("parses");
        let NodeKind::And(children) = node.kind else { panic!("not an And") };
        assert_eq!(children[0].kind, term(Some("title"), "a\\*b*", TermPattern::Wildcard));
        assert_eq!(children[0].span, 7..12);
        assert_eq!(children[1].kind, term(Some("title"), "c", TermPattern::Exact));
        assert_eq!(parse_with("a\\*b", true).expect("parses").kind, term(None, "a*b", TermPattern::Exact));
        assert_eq!(parse_with("hack~", true).expect("parses").kind, term(None, "hack", TermPattern::Fuzzy(None)));
    }

    #[test]
    fn extra_keys_need_extra_in_the_fields() {
        let opts = ParseOptions { fields: &["title"], ..ParseOptions::default() };
        let node = parse("extra.section:world", &opts).expect("parses");
        assert_eq!(
            node.kind,
            NodeKind::Term { field: None, text: "extra.section:world".into(), pattern: TermPattern::Exact }
        );
        let err = parse("extra:x", &opts).expect_err("extra is not listed");
        assert!(err.message.contains("(fields: title)"), "{err}");
    }

    #[test]
    fn error_display_names_the_position() {
        let err = parse_with("china AND", true).expect_err("dangling AND");
        assert_eq!(err.to_string(), "AND needs a term after it; remove it or add a term (at character 6)");
    }
}
