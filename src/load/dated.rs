//! The publication date of a document that carries none in its metadata, read from its first
//! lines: a line that is only a date (`December 16, 2023`), a dateline
//! (`WASHINGTON, March 5, 2016 —`), a date after a cue (`Published:`, `Last updated`,
//! `date`, `Broadcast:`, `today`). A date in the prose of the body (`since the attacks of
//! 2001`, `the accord signed on March 3, 1999`) is not the publication date.

use chrono::{DateTime, Datelike, TimeZone, Utc};

use crate::date::{WrittenDate, dates_in};
use crate::document::Document;

/// How far into a document its date is looked for: lines, and bytes.
const HEAD_LINES: usize = 14;
const HEAD_BYTES: usize = 1500;

/// A line with a date and at most this many other words is a date line, not prose (a
/// line that opens with a date is one too).
const DATE_LINE_WORDS: usize = 8;

/// Words before a date that say it is the document's.
const CUES: [&str; 11] =
    ["published", "updated", "posted", "date", "released", "issued", "broadcast", "dated", "today", "time", "时间"];

/// The date the first lines of `doc` give it, if any (see the module's documentation).
pub(super) fn date_from_text(doc: &Document) -> Option<DateTime<Utc>> {
    let mut head = String::with_capacity(HEAD_BYTES + 200);
    head.push_str(&doc.title);
    head.push('\n');
    if let Some(d) = &doc.dateline {
        head.push_str(d);
        head.push_str(" —\n");
    }
    for line in doc.body.lines().filter(|l| !l.trim().is_empty()).take(HEAD_LINES) {
        if head.len() > HEAD_BYTES {
            break;
        }
        head.push_str(line);
        head.push('\n');
    }
    let found: Vec<WrittenDate> = dates_in(&head).into_iter().filter(|w| is_publication(&head, w)).collect();
    let first = found.first()?;
    // `07/06/2021` could be either; another date of the head may settle it.
    let date = if first.ambiguous {
        let swapped = first
            .date
            .with_day(1)
            .and_then(|d| d.with_month(first.date.day()))
            .and_then(|d| d.with_day(first.date.month()));
        match swapped {
            Some(s) if found[1..].iter().any(|w| w.date == s && !w.ambiguous) => s,
            _ => first.date,
        }
    } else {
        first.date
    };
    Some(Utc.from_utc_datetime(&date.and_hms_opt(0, 0, 0)?))
}

/// Whether a date of the head is where a publication date is written: on a short line of its
/// own, in a dateline, or after a cue.
fn is_publication(head: &str, w: &WrittenDate) -> bool {
    let line_start = head[..w.span.start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = head[w.span.end..].find('\n').map_or(head.len(), |i| w.span.end + i);
    let (before, after) = (&head[line_start..w.span.start], &head[w.span.end..line_end]);
    // Words, not separators (`|`, `→`, `-`).
    let words = |s: &str| s.split_whitespace().filter(|w| w.chars().any(char::is_alphanumeric)).count();
    // A line that is a date with little else, or that opens with one (`October 31, 2023
    // Washington, DC`): where pages write theirs.
    if words(before) + words(after) <= DATE_LINE_WORDS || before.trim().is_empty() {
        return true;
    }
    // A dateline: an upper-case place, a comma, the date, a dash.
    let place = before.trim_end().trim_end_matches(',');
    if !place.is_empty()
        && place.len() <= 40
        && place.chars().all(|c| c.is_uppercase() || c.is_whitespace() || ".,'-".contains(c))
        && after.trim_start().starts_with(['—', '–', '-'])
    {
        return true;
    }
    let near = before.chars().rev().take(24).collect::<String>().chars().rev().collect::<String>().to_lowercase();
    CUES.iter().any(|cue| near.contains(cue))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_date_from_the_first_lines_not_from_the_prose() {
        let cases: &[(&str, &str, Option<&str>)] = &[
            ("Japan-Philippines Meeting", "December 16, 2023\nForeign Minister Kamikawa met.", Some("2023-12-16")),
            ("UK sanctions strategy", "Published 22 February 2024\nForeword by the minister.", Some("2024-02-22")),
            (
                "Trade mission",
                "WASHINGTON, Sept. 18, 2015—The U.S. Department of Agriculture said.",
                Some("2015-09-18"),
            ),
            ("Press Briefing", "Washington, DC\nMarch 21, 2016\n\nIndex for Today's Briefing", Some("2016-03-21")),
            ("Daily Press Briefing - August 12, 2010", "Index for Today's Briefing", Some("2010-08-12")),
            (
                "Payment",
                "Millions will be paid by the government by end of today (3 May 2023) as part of the support.",
                Some("2023-05-03"),
            ),
            (
                "Terrorist content",
                "Daily News 07 / 06 / 2021\nBrussels, 7 June 2021\nSecurity Union",
                Some("2021-06-07"),
            ),
            // Dates in the prose of the lead are not the publication date.
            (
                "Accord holds",
                "The accord signed on March 3, 1999 between the two countries still holds today, officials said.",
                None,
            ),
            (
                "Security review",
                "Since the attacks of September 11, 2001, the agencies have shared far more intelligence than before.",
                None,
            ),
            ("Talks", "Officials met in Geneva on Tuesday.", None),
            ("Cocoa", "Monday, October 20, 2014 | Latest audio lessons → VOA Learning English", Some("2014-10-20")),
        ];
        for (title, body, want) in cases {
            let doc = Document::new("a", *title, *body);
            let got = date_from_text(&doc).map(|d| d.date_naive().to_string());
            assert_eq!(got.as_deref(), *want, "{title:?} / {body:?}");
        }
    }
}
