//! Dates in the forms news sources use, and the periods (years, months, days) that filters
//! and `date:` queries name. Shared by the loader and the query side, so that neither
//! reaches into the other.

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, TimeZone, Utc};

/// Parses a date in one of the usual forms: RFC 3339, RFC 2822, `2016-03-05`,
/// `March 5, 2016`, `5 March 2016` (with or without a weekday, abbreviated months too), and
/// naive date-times, taken as UTC. A day without a time becomes midnight UTC.
///
/// ```
/// use gazette::date::parse_date;
/// let d = parse_date("March 5, 2016").unwrap();
/// assert_eq!(d.to_rfc3339(), "2016-03-05T00:00:00+00:00");
/// assert_eq!(parse_date("5 March 2016"), Some(d));
/// assert!(parse_date("next Tuesday").is_none());
/// ```
pub fn parse_date(input: &str) -> Option<DateTime<Utc>> {
    let s = input.trim();
    if s.is_empty() || s.len() > 64 {
        return None;
    }
    parse_any(s).filter(|d| (1000..=2200).contains(&d.year()))
}

fn parse_any(s: &str) -> Option<DateTime<Utc>> {
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Some(d.with_timezone(&Utc));
    }
    if let Ok(d) = DateTime::parse_from_rfc2822(s) {
        return Some(d.with_timezone(&Utc));
    }
    // ISO forms with an offset but a space instead of `T`, or without seconds.
    for fmt in ["%Y-%m-%d %H:%M:%S%:z", "%Y-%m-%dT%H:%M%:z", "%Y-%m-%dT%H:%M:%S%.f%z"] {
        if let Ok(d) = DateTime::parse_from_str(s, fmt) {
            return Some(d.with_timezone(&Utc));
        }
    }
    for fmt in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"] {
        if let Ok(d) = NaiveDateTime::parse_from_str(s, fmt) {
            return Some(Utc.from_utc_datetime(&d));
        }
    }
    let cleaned = clean_prose_date(s);
    for fmt in [
        "%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%B %d, %Y", "%B %d %Y", "%b %d, %Y", "%b %d %Y", "%d %B %Y", "%d %b %Y",
        "%d %B, %Y", "%B %Y",
    ] {
        if let Ok(d) = NaiveDate::parse_from_str(&cleaned, fmt) {
            if d.year() < 1000 {
                continue;
            }
            return Some(midnight(d));
        }
    }
    // `%B %Y` needs a day for chrono: try "March 2016" as the first of the month.
    if let Ok(d) = NaiveDate::parse_from_str(&format!("1 {cleaned}"), "%d %B %Y") {
        return Some(midnight(d));
    }
    None
}

/// The calendar dates written out in `text`, where they are, in order: ISO (`2016-03-05`),
/// numeric with `/` or `.` (`29/03/2019`, `02/22/2024`, `17.01.2018`: the day is the number
/// above 12 when there is one, else the first for `.` and the second for `/`), with the
/// month's name in English, French, Spanish, German or Russian (`March 5, 2016`,
/// `Sept. 18, 2015`, `5 de marzo de 2016`, `30 июля 2013`), and CJK (`2015年01月15日`).
/// Only full dates (day, month and year, 1900 to 2099) count.
///
/// ```
/// use gazette::date::dates_in;
/// let found = dates_in("WASHINGTON, Sept. 18, 2015 — Talks began; the accord of 3 March 1999 holds.");
/// let days: Vec<String> = found.iter().map(|w| w.date.to_string()).collect();
/// assert_eq!(days, ["2015-09-18", "1999-03-03"]);
/// assert_eq!(&"WASHINGTON, Sept. 18, 2015"[found[0].span.clone()], "Sept. 18, 2015");
/// assert!(dates_in("07/06/2021")[0].ambiguous); // June 7 or July 6
/// ```
pub fn dates_in(text: &str) -> Vec<WrittenDate> {
    use std::sync::LazyLock;
    static FORMS: LazyLock<[regex::Regex; 5]> = LazyLock::new(|| {
        let year = r"(?P<y>(?:19|20)\d{2})";
        [
            format!(r"\b{year}-(?P<m>\d{{1,2}})-(?P<d>\d{{1,2}})(?:\D|$)"),
            format!(r"{year}\s*年\s*(?P<m>\d{{1,2}})\s*月\s*(?P<d>\d{{1,2}})\s*日"),
            format!(r"\b(?P<a>\d{{1,2}})\s?(?P<sep>[/.])\s?(?P<b>\d{{1,2}})\s?[/.]\s?{year}(?:\D|$)"),
            format!(r"\b(?P<mon>\p{{L}}{{3,}})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+{year}(?:\D|$)"),
            format!(r"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th|er)?\.?\s+(?:of\s+|de\s+)?(?P<mon>\p{{L}}{{3,}})\.?,?\s+(?:de\s+)?{year}(?:\D|$)"),
        ]
        .map(|r| regex::Regex::new(&r).expect("date forms compile"))
    });
    let mut found = Vec::new();
    for (i, form) in FORMS.iter().enumerate() {
        for c in form.captures_iter(text) {
            let num = |name: &str| c.name(name).and_then(|m| m.as_str().parse::<u32>().ok());
            let Some(y) = num("y") else { continue };
            let mut ambiguous = false;
            let (m, d) = match (c.name("mon"), num("a"), num("b")) {
                (Some(mon), _, _) => match (month_number(mon.as_str()), num("d")) {
                    (Some(m), Some(d)) => (m, d),
                    _ => continue,
                },
                (None, Some(a), Some(b)) => {
                    let dot = c.name("sep").is_some_and(|s| s.as_str() == ".");
                    ambiguous = a <= 12 && b <= 12 && a != b;
                    if a > 12 || (b <= 12 && dot) { (b, a) } else { (a, b) }
                }
                _ => match (num("m"), num("d")) {
                    (Some(m), Some(d)) => (m, d),
                    _ => continue,
                },
            };
            let Some(date) = NaiveDate::from_ymd_opt(y as i32, m, d) else { continue };
            let whole = c.get(0).expect("match");
            // The forms take the character after the day or the year, to be sure the number
            // ends there; the date ends before it.
            let end = match i {
                0 => c.name("d").map_or(whole.end(), |d| d.end()),
                1 => whole.end(),
                _ => c.name("y").map_or(whole.end(), |y| y.end()),
            };
            found.push(WrittenDate { span: whole.start()..end, date, ambiguous });
        }
    }
    found.sort_by_key(|w| (w.span.start, std::cmp::Reverse(w.span.end)));
    // One date per place: a later form overlapping an earlier match is the same date.
    let mut kept: Vec<WrittenDate> = Vec::new();
    for w in found {
        if kept.last().is_none_or(|k| w.span.start >= k.span.end) {
            kept.push(w);
        }
    }
    kept
}

/// A date written out in a text (see [`dates_in`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrittenDate {
    /// Where it is, in bytes.
    pub span: std::ops::Range<usize>,
    /// The day.
    pub date: NaiveDate,
    /// Numeric, with day and month both 12 or less: read month first for `/`, day first for
    /// `.`, but it could be the other.
    pub ambiguous: bool,
}

/// The month a name stands for, in English (also abbreviated), French, Spanish, German or
/// Russian (nominative or genitive).
fn month_number(name: &str) -> Option<u32> {
    const MONTHS: [&[&str]; 12] = [
        &["january", "jan", "janvier", "enero", "januar", "январь", "января"],
        &["february", "feb", "février", "fevrier", "febrero", "februar", "февраль", "февраля"],
        &["march", "mar", "mars", "marzo", "märz", "maerz", "март", "марта"],
        &["april", "apr", "avril", "abril", "апрель", "апреля"],
        &["may", "mai", "mayo", "май", "мая"],
        &["june", "jun", "juin", "junio", "juni", "июнь", "июня"],
        &["july", "jul", "juillet", "julio", "juli", "июль", "июля"],
        &["august", "aug", "août", "aout", "agosto", "август", "августа"],
        &["september", "sep", "sept", "septembre", "septiembre", "setiembre", "сентябрь", "сентября"],
        &["october", "oct", "octobre", "octubre", "oktober", "октябрь", "октября"],
        &["november", "nov", "novembre", "noviembre", "ноябрь", "ноября"],
        &["december", "dec", "décembre", "decembre", "diciembre", "dezember", "декабрь", "декабря"],
    ];
    let name = name.to_lowercase();
    MONTHS.iter().position(|names| names.contains(&name.as_str())).map(|i| i as u32 + 1)
}

/// Parses a JSON number as a Unix timestamp in seconds or, when too large for that, in
/// milliseconds.
pub(crate) fn from_unix(n: i64) -> Option<DateTime<Utc>> {
    let secs = if n.abs() > 100_000_000_000 { n / 1000 } else { n };
    Utc.timestamp_opt(secs, 0).single()
}

fn midnight(d: NaiveDate) -> DateTime<Utc> {
    Utc.from_utc_datetime(&d.and_hms_opt(0, 0, 0).expect("midnight exists"))
}

/// Drops a leading weekday, ordinal suffixes (`5th`) and the dots of abbreviations
/// (`Sept.`), so that the prose formats above match.
fn clean_prose_date(s: &str) -> String {
    const WEEKDAYS: [&str; 7] = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
    let mut words: Vec<String> =
        s.split(|c: char| c.is_whitespace()).filter(|w| !w.is_empty()).map(|w| w.to_string()).collect();
    if let Some(first) = words.first() {
        let w = first.trim_end_matches(',').to_lowercase();
        if WEEKDAYS.iter().any(|d| *d == w || (w.len() >= 3 && d.starts_with(&w) && w.len() <= 4)) {
            words.remove(0);
        }
    }
    let words: Vec<String> = words
        .into_iter()
        .map(|w| {
            let w = w.replace('.', "");
            let w = if w.to_lowercase().starts_with("sept") { w.replacen("ept", "ep", 1) } else { w };
            // 5th, 1st, 22nd, 3rd
            let trimmed = w.trim_end_matches(',');
            let comma = if w.ends_with(',') { "," } else { "" };
            for suffix in ["st", "nd", "rd", "th"] {
                if let Some(num) = trimmed.strip_suffix(suffix)
                    && !num.is_empty()
                    && num.chars().all(|c| c.is_ascii_digit())
                {
                    return format!("{num}{comma}");
                }
            }
            w
        })
        .collect();
    words.join(" ")
}

/// The period a date value names, as [start, end): a year (`2015`), a month (`2015-06`), or
/// a day (`2015-06-30` or any form [`parse_date`] reads). For date filters and `date:` in
/// queries.
///
/// ```
/// let (start, end) = gazette::date::period("2015-06").unwrap();
/// assert_eq!((start.to_rfc3339(), end.to_rfc3339()), ("2015-06-01T00:00:00+00:00".into(), "2015-07-01T00:00:00+00:00".into()));
/// assert!(gazette::date::period("soon").is_none());
/// ```
pub fn period(value: &str) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    let v = value.trim();
    let day = |y: i32, m: u32, d: u32| {
        NaiveDate::from_ymd_opt(y, m, d)?.and_hms_opt(0, 0, 0).map(|t| Utc.from_utc_datetime(&t))
    };
    let parts: Vec<&str> = v.split('-').collect();
    let num = |s: &str| s.parse::<u32>().ok();
    match parts.as_slice() {
        [y] if y.len() == 4 => {
            let y = num(y)? as i32;
            Some((day(y, 1, 1)?, day(y + 1, 1, 1)?))
        }
        [y, m] if y.len() == 4 => {
            let (y, m) = (num(y)? as i32, num(m)?);
            let next = if m == 12 { day(y + 1, 1, 1)? } else { day(y, m + 1, 1)? };
            Some((day(y, m, 1)?, next))
        }
        _ => {
            let d = parse_date(v)?;
            let start = day(d.year(), d.month(), d.day())?;
            Some((start, start + chrono::Duration::days(1)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_written_out_in_text() {
        let cases: &[(&str, &[&str])] = &[
            ("Published 22 February 2024", &["2024-02-22"]),
            ("WASHINGTON, Sept. 18, 2015—The U.S.", &["2015-09-18"]),
            ("date:  29/03/2019", &["2019-03-29"]),
            ("Thu, 02/22/2024 - 13:37", &["2024-02-22"]),
            ("Ça, 17.01.2018 - 23:00", &["2018-01-17"]),
            ("Daily News 07 / 06 / 2021", &["2021-07-06"]), // ambiguous: month first for `/`
            ("Thursday, 14 May, 2020 - 15:07", &["2020-05-14"]),
            ("30 июля 2013", &["2013-07-30"]),
            ("2015年01月15日", &["2015-01-15"]),
            ("时间:2009-06-06 02:44:25", &["2009-06-06"]),
            ("2021-03-30T10:00:00Z", &["2021-03-30"]),
            ("el 5 de marzo de 2016", &["2016-03-05"]),
            ("le 1er janvier 2020", &["2020-01-01"]),
            ("May 06, 2008 and the 3rd of March, 1999", &["2008-05-06", "1999-03-03"]),
            ("October 31, 2023Washington, DC", &["2023-10-31"]),
            // Not full dates, or not dates.
            ("in 2001, and in March 2016", &[]),
            ("31/02/2020 and 13/13/2020", &[]),
            ("call 202-720-4623", &[]),
            ("Maybe 5, 2016 was it", &[]),
        ];
        for (text, want) in cases {
            let got: Vec<String> = dates_in(text).iter().map(|w| w.date.to_string()).collect();
            assert_eq!(got, *want, "{text:?}");
        }
    }

    #[test]
    fn date_forms() {
        let cases: &[(&str, Option<&str>)] = &[
            ("2016-03-05", Some("2016-03-05T00:00:00Z")),
            ("2016-03-05T14:30:00Z", Some("2016-03-05T14:30:00Z")),
            ("2016-03-05T14:30:00+01:00", Some("2016-03-05T13:30:00Z")),
            ("2016-03-05T14:30:00", Some("2016-03-05T14:30:00Z")),
            ("2016-03-05 14:30:00", Some("2016-03-05T14:30:00Z")),
            ("Sat, 05 Mar 2016 14:30:00 +0000", Some("2016-03-05T14:30:00Z")),
            ("March 5, 2016", Some("2016-03-05T00:00:00Z")),
            ("Mar. 5, 2016", Some("2016-03-05T00:00:00Z")),
            ("Sept. 22, 2015", Some("2015-09-22T00:00:00Z")),
            ("Thursday, March 5th, 2016", Some("2016-03-05T00:00:00Z")),
            ("5 March 2016", Some("2016-03-05T00:00:00Z")),
            ("5 Mar 2016", Some("2016-03-05T00:00:00Z")),
            ("March 2016", Some("2016-03-01T00:00:00Z")),
            ("2016/03/05", Some("2016-03-05T00:00:00Z")),
            ("", None),
            ("yesterday", None),
            ("2016-13-45", None),
        ];
        for (input, want) in cases {
            let got = parse_date(input).map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
            assert_eq!(got.as_deref(), *want, "input {input:?}");
        }
    }

    #[test]
    fn unix_seconds_and_millis() {
        assert_eq!(from_unix(1_457_136_000).unwrap().to_rfc3339(), "2016-03-05T00:00:00+00:00");
        assert_eq!(from_unix(1_457_136_000_000).unwrap().to_rfc3339(), "2016-03-05T00:00:00+00:00");
    }

    #[test]
    fn periods_are_years_months_and_days() {
        let p = |v: &str| period(v).map(|(a, b)| (a.date_naive().to_string(), b.date_naive().to_string()));
        assert_eq!(p("2015"), Some(("2015-01-01".into(), "2016-01-01".into())));
        assert_eq!(p("2015-12"), Some(("2015-12-01".into(), "2016-01-01".into())));
        assert_eq!(p("2016-02-29"), Some(("2016-02-29".into(), "2016-03-01".into())));
        assert_eq!(p("March 4, 2025"), Some(("2025-03-04".into(), "2025-03-05".into())));
        assert_eq!(p("2015-13"), None);
        assert_eq!(p("soon"), None);
    }
}
