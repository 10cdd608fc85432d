//! Plain text: a title line (possibly repeated), an optional dateline, paragraphs.

use std::sync::LazyLock;

use regex::Regex;

use super::{Loaded, Origin, tidy_paragraphs};
use crate::document::Document;

/// A dateline opening the first paragraph: an upper-case place or desk (`WASHINGTON`,
/// `STATE DEPARTMENT`, `UNITED NATIONS`), optionally followed by `, Place` or `, March 3`
/// and an agency in parentheses, then a dash. The dash and its spaces are not kept.
static DATELINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?P<d>[A-Z][A-Z.'’&]*(?:[ -][A-Z][A-Z.'’&]*){0,4}(?:,\s+[A-Z][A-Za-z.]*(?:\s+[A-Za-z.]+)?(?:\s+\d{1,2})?)?(?:\s+\([A-Za-z .]+\))?)\s*(?:—|–|--|-)\s+",
    )
    .expect("dateline regex compiles")
});

pub(super) fn load(text: &str, ctx: &Origin<'_>, loaded: &mut Loaded) {
    let mut lines = text.lines().skip_while(|l| l.trim().is_empty());
    let title = lines.next().unwrap_or("").trim().to_string();
    let rest: Vec<&str> = lines.collect();
    // The next non-empty line repeating the title is dropped (a common export format).
    let mut start = 0;
    if let Some(i) = rest.iter().position(|l| !l.trim().is_empty())
        && rest[i].trim() == title
    {
        start = i + 1;
    }
    let body = tidy_paragraphs(&rest[start..].join("\n"));
    let (dateline, body) = split_dateline(&body);
    loaded.documents.push(Document { id: ctx.id_base.to_string(), title, dateline, body, ..Document::default() });
}

/// Splits a leading dateline off a body.
pub(crate) fn split_dateline(body: &str) -> (Option<String>, String) {
    if let Some(c) = DATELINE.captures(body) {
        let d = c.name("d").expect("group d").as_str().trim();
        // At least one word must be upper case throughout and longer than one letter, so
        // that "A - B" or "U.S. - China" prose is not taken for a dateline.
        let first = d.split([' ', ',']).next().unwrap_or("");
        if first.chars().filter(|c| c.is_alphabetic()).count() >= 2 && !first.contains('.') {
            let rest = &body[c.get(0).expect("match").end()..];
            return (Some(d.to_string()), rest.to_string());
        }
    }
    (None, body.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datelines() {
        let cases: &[(&str, Option<&str>, &str)] = &[
            ("STATE DEPARTMENT - U.S. officials say", Some("STATE DEPARTMENT"), "U.S. officials say"),
            ("WASHINGTON — The president said", Some("WASHINGTON"), "The president said"),
            ("UNITED NATIONS – Delegates met", Some("UNITED NATIONS"), "Delegates met"),
            ("KYIV, Ukraine (AP) — Drones struck", Some("KYIV, Ukraine (AP)"), "Drones struck"),
            ("BEIJING, May 4 (Reuters) - China said", Some("BEIJING, May 4 (Reuters)"), "China said"),
            ("GENEVA, March 3 (Wire) - Talks", Some("GENEVA, March 3 (Wire)"), "Talks"),
            ("PORT-AU-PRINCE -- Aid arrived", Some("PORT-AU-PRINCE"), "Aid arrived"),
            ("U.S. - China talks resumed", None, "U.S. - China talks resumed"),
            ("The talks - long awaited - began", None, "The talks - long awaited - began"),
            ("A - B", None, "A - B"),
            ("NATO allies met on Tuesday", None, "NATO allies met on Tuesday"),
        ];
        for (input, want_d, want_body) in cases {
            let (d, body) = split_dateline(input);
            assert_eq!(d.as_deref(), *want_d, "input {input:?}");
            assert_eq!(body, *want_body, "input {input:?}");
        }
    }
}
