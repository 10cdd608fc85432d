//! A scan of the query string that finds syntax errors with their position before tantivy's
//! parser (whose errors carry no position) sees the query.

use crate::error::Error;

/// Returns the first syntax problem: position (in characters) and a message with the fix.
pub(crate) fn check(query: &str, known_fields: &[&str]) -> Result<(), Error> {
    let chars: Vec<char> = query.chars().collect();
    let err = |position: usize, message: String| Error::QuerySyntax { query: query.to_string(), position, message };
    let mut parens: Vec<usize> = Vec::new();
    let mut brackets: Option<usize> = None;
    let mut i = 0;
    // The last token that was an operator (AND, OR, NOT), with its position; reset by terms.
    let mut pending_op: Option<(usize, String)> = None;
    let mut seen_term = false;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '"' => {
                let start = i;
                i += 1;
                while i < chars.len() && chars[i] != '"' {
                    if chars[i] == '\\' {
                        i += 1;
                    }
                    i += 1;
                }
                if i >= chars.len() {
                    return Err(err(start, "unclosed quote; add a closing \" to end the phrase".into()));
                }
                pending_op = None;
                seen_term = true;
                i += 1;
                continue;
            }
            '(' => parens.push(i),
            ')' => {
                if parens.pop().is_none() {
                    return Err(err(i, "unmatched ')'; remove it or add a '(' before it".into()));
                }
                if let Some((p, op)) = pending_op.take() {
                    return Err(err(p, format!("{op} needs a term after it")));
                }
            }
            '[' | '{' => brackets = Some(i),
            ']' | '}' => {
                if brackets.take().is_none() {
                    return Err(err(i, format!("unmatched '{c}'; a range reads field:[a TO b]")));
                }
            }
            c if c.is_whitespace() => {}
            _ => {
                let start = i;
                while i < chars.len()
                    && !chars[i].is_whitespace()
                    && !matches!(chars[i], '(' | ')' | '"' | '[' | ']' | '{' | '}')
                {
                    i += 1;
                }
                let word: String = chars[start..i].iter().collect();
                if matches!(word.as_str(), "AND" | "OR" | "NOT" | "&&" | "||") {
                    if brackets.is_some() {
                        continue;
                    }
                    if let Some((p, op)) = &pending_op
                        && word != "NOT"
                    {
                        return Err(err(*p, format!("{op} is followed by {word}; remove one of them")));
                    }
                    if word != "NOT" && !seen_term {
                        return Err(err(start, format!("{word} needs a term before it")));
                    }
                    pending_op = Some((start, word));
                    continue;
                }
                if let Some(colon) = word.find(':') {
                    let field = &word[..colon];
                    let is_escaped = colon > 0 && word[..colon].ends_with('\\');
                    if !field.is_empty() && !is_escaped && brackets.is_none() {
                        let base = field.split('.').next().unwrap_or(field);
                        if !known_fields.contains(&base) {
                            return Err(err(
                                start,
                                format!("unknown field '{field}'; fields are: {}", known_fields.join(", ")),
                            ));
                        }
                        let mut j = i;
                        while j < chars.len() && chars[j].is_whitespace() {
                            j += 1;
                        }
                        let rest_empty = word.len() == colon + 1 && (j >= chars.len() || chars[j] == ')');
                        if rest_empty {
                            return Err(err(start, format!("'{field}:' needs a value after the colon")));
                        }
                    }
                }
                pending_op = None;
                seen_term = true;
                continue;
            }
        }
        i += 1;
    }
    if let Some(p) = parens.pop() {
        return Err(err(p, "unclosed '('; add a ')'".into()));
    }
    if let Some(p) = brackets {
        return Err(err(p, "unclosed range; a range reads field:[a TO b]".into()));
    }
    if let Some((p, op)) = pending_op {
        return Err(err(p, format!("{op} needs a term after it; remove it or add a term")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIELDS: &[&str] = &["title", "body", "source", "date", "extra"];

    #[test]
    fn syntax_errors_have_positions() {
        let cases: &[(&str, Option<(usize, &str)>)] = &[
            ("cyber attacks", None),
            ("\"cyber attacks\" AND china", None),
            ("title:china OR (body:iran AND -sanctions)", None),
            ("china NOT iran", None),
            ("date:[2015-01-01T00:00:00Z TO 2016-01-01T00:00:00Z]", None),
            ("extra.section:world", None),
            ("title: china", None),
            ("\"cyber attacks", Some((0, "unclosed quote"))),
            ("china AND", Some((6, "AND needs a term after it"))),
            ("AND china", Some((0, "AND needs a term before it"))),
            ("china AND OR iran", Some((6, "AND is followed by OR"))),
            ("(china OR iran", Some((0, "unclosed '('"))),
            ("china) OR iran", Some((5, "unmatched ')'"))),
            ("(china OR) iran", Some((7, "OR needs a term"))),
            ("nosuch:thing", Some((0, "unknown field 'nosuch'"))),
            ("title: ", Some((0, "needs a value"))),
            ("date:[2015 TO", Some((5, "unclosed range"))),
        ];
        for (q, want) in cases {
            match (check(q, FIELDS), want) {
                (Ok(()), None) => {}
                (Err(Error::QuerySyntax { position, message, .. }), Some((p, m))) => {
                    assert_eq!(position, *p, "{q}: {message}");
                    assert!(message.contains(m), "{q}: {message}");
                }
                (got, _) => panic!("{q}: got {got:?}, want {want:?}"),
            }
        }
    }
}
