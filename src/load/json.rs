//! JSON (`.json`: an object, an array of objects, or an export object holding one array of
//! objects) and JSON lines (`.jsonl`, `.ndjson`).

use serde_json::{Map, Value};

use super::{Loaded, Origin, parse_date, tidy_paragraphs};
use crate::date::from_unix;
use crate::document::Document;
use crate::error::FileProblem;

// Recognized field names, looked up case-insensitively, first found wins.
const TITLE: &[&str] = &["title", "headline", "name"];
const BODY: &[&str] = &["body", "text", "content", "articlebody", "article_body", "full_text", "fulltext"];
const SUMMARY: &[&str] = &["description", "summary", "abstract", "excerpt"];
const DATE: &[&str] = &[
    "date", "published", "published_at", "publishedat", "datepublished", "pubdate", "pub_date", "publication_date",
    "created_at", "timestamp",
];
const URL: &[&str] = &["url", "link", "permalink", "canonical_url"];
const SOURCE: &[&str] = &["source", "publisher", "site_name", "sitename", "site", "outlet"];
const AUTHOR: &[&str] = &["author", "byline", "authors", "creator"];
const ID: &[&str] = &["id", "guid", "_id", "uuid", "doc_id"];
const DATELINE: &[&str] = &["dateline"];

pub(super) fn load_json(text: &str, ctx: &Origin<'_>, loaded: &mut Loaded) {
    let value: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            ctx.warn(loaded, Some(e.line()), FileProblem::InvalidJson(e.to_string()));
            return;
        }
    };
    match value {
        Value::Array(items) => records(items, ctx, loaded),
        Value::Object(obj) => {
            // An export wrapper such as {"status": "ok", "articles": [...]}: no text fields of
            // its own and exactly one array of objects.
            let arrays: Vec<&String> = obj
                .iter()
                .filter(|(_, v)| v.as_array().is_some_and(|a| !a.is_empty() && a.iter().all(Value::is_object)))
                .map(|(k, _)| k)
                .collect();
            if lookup(&obj, TITLE).is_none() && lookup(&obj, BODY).is_none() && arrays.len() == 1 {
                let key = arrays[0].clone();
                let mut obj = obj;
                if let Some(Value::Array(items)) = obj.remove(&key) {
                    records(items, ctx, loaded);
                }
            } else {
                match record(obj, ctx.id_base.to_string()) {
                    Some(rec) => keep(ctx, loaded, None, rec),
                    None => ctx.warn(loaded, None, FileProblem::NoText),
                }
            }
        }
        other => ctx.warn(
            loaded,
            None,
            FileProblem::InvalidJson(format!("expected an object or an array of objects, found {}", kind(&other))),
        ),
    }
}

fn records(items: Vec<Value>, ctx: &Origin<'_>, loaded: &mut Loaded) {
    for (i, item) in items.into_iter().enumerate() {
        let n = i + 1;
        match item {
            Value::Object(obj) => match record(obj, ctx.record_id(n)) {
                Some(rec) => keep(ctx, loaded, None, rec),
                None => {
                    ctx.warn(loaded, None, FileProblem::InvalidJson(format!("record {n} has no title and no body")))
                }
            },
            other => ctx.warn(
                loaded,
                None,
                FileProblem::InvalidJson(format!("record {n} is {}, not an object", kind(&other))),
            ),
        }
    }
}

pub(super) fn load_lines(text: &str, ctx: &Origin<'_>, loaded: &mut Loaded) {
    let mut n = 0;
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        n += 1;
        load_line(line, i + 1, n, ctx, loaded);
    }
}

/// One non-blank line: the `n`-th record, on line `line_no`.
pub(super) fn load_line(line: &str, line_no: usize, n: usize, ctx: &Origin<'_>, loaded: &mut Loaded) {
    {
        let line_no = Some(line_no);
        match serde_json::from_str::<Value>(line) {
            Ok(Value::Object(obj)) => match record(obj, ctx.record_id(n)) {
                Some(rec) => keep(ctx, loaded, line_no, rec),
                None => ctx.warn(loaded, line_no, FileProblem::NoText),
            },
            Ok(other) => ctx.warn(
                loaded,
                line_no,
                FileProblem::InvalidJson(format!("expected an object, found {}", kind(&other))),
            ),
            Err(e) => ctx.warn(loaded, line_no, FileProblem::InvalidJson(e.to_string())),
        }
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// One object to a document; `None` when it has neither title nor text.
fn record(mut obj: Map<String, Value>, default_id: String) -> Option<(Document, Option<String>)> {
    let title = take(&mut obj, TITLE).map(|v| text_of(&v)).unwrap_or_default();
    let mut body = take(&mut obj, BODY).map(|v| text_of(&v)).unwrap_or_default();
    if body.is_empty() {
        body = take(&mut obj, SUMMARY).map(|v| text_of(&v)).unwrap_or_default();
    }
    if title.trim().is_empty() && body.trim().is_empty() {
        return None;
    }
    if looks_like_html(&body) {
        body = super::html::html_to_text(&body);
    }
    let body = tidy_paragraphs(&body);
    let id = take(&mut obj, ID)
        .and_then(|v| match v {
            Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        })
        .unwrap_or(default_id);
    // A date that cannot be read stays in `extra` under its own key, and is reported.
    let mut bad_date = None;
    let date = lookup(&obj, DATE).and_then(|key| {
        let value = obj.remove(&key)?;
        let date = match &value {
            Value::String(s) => parse_date(s),
            Value::Number(n) => n.as_i64().and_then(from_unix),
            _ => None,
        };
        if date.is_none() && !matches!(&value, Value::String(s) if s.trim().is_empty()) {
            bad_date = Some(text_of(&value));
            obj.insert(key, value);
        }
        date
    });
    let (dateline, body) = match take(&mut obj, DATELINE) {
        Some(d) => (Some(text_of(&d)).filter(|d| !d.is_empty()), body),
        None => super::text::split_dateline(&body),
    };
    let doc = Document {
        id,
        title: title.trim().to_string(),
        dateline,
        body,
        date,
        source: take(&mut obj, SOURCE).map(|v| name_of(&v)).filter(|s| !s.is_empty()),
        url: take(&mut obj, URL).map(|v| text_of(&v)).filter(|s| !s.is_empty()),
        author: take(&mut obj, AUTHOR).map(|v| name_of(&v)).filter(|s| !s.is_empty()),
        extra: obj,
        ..Document::default()
    };
    Some((doc, bad_date))
}

/// Keeps a record's document, reporting a date that could not be read.
fn keep(ctx: &Origin<'_>, loaded: &mut Loaded, line: Option<usize>, (doc, bad_date): (Document, Option<String>)) {
    if let Some(value) = bad_date {
        ctx.warn(loaded, line, FileProblem::UnknownDate(value));
    }
    loaded.documents.push(doc);
}

/// Removes and returns the first present, non-null field among `names` (case-insensitive).
fn take(obj: &mut Map<String, Value>, names: &[&str]) -> Option<Value> {
    let key = lookup(obj, names)?;
    obj.remove(&key)
}

fn lookup(obj: &Map<String, Value>, names: &[&str]) -> Option<String> {
    names
        .iter()
        .find_map(|name| obj.iter().find(|(k, v)| k.eq_ignore_ascii_case(name) && !v.is_null()).map(|(k, _)| k.clone()))
}

fn text_of(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(text_of).collect::<Vec<_>>().join("\n\n"),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// A source or author given as a string, an object with a `name`, or a list of either.
fn name_of(v: &Value) -> String {
    match v {
        Value::Object(o) => o.get("name").map(text_of).unwrap_or_default(),
        Value::Array(items) => items.iter().map(name_of).filter(|s| !s.is_empty()).collect::<Vec<_>>().join(", "),
        other => text_of(other).trim().to_string(),
    }
}

fn looks_like_html(s: &str) -> bool {
    let t = s.trim_start();
    t.starts_with('<') && (t.contains("</p>") || t.contains("<br") || t.contains("</div>"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn ctx() -> Origin<'static> {
        Origin { id_base: "feed.jsonl", path: Path::new("feed.jsonl") }
    }

    #[test]
    fn field_names_are_recognized() {
        let line = r#"{"headline":"H","content":"<p>One</p><p>Two</p>","datePublished":"5 March 2016","link":"https://x","publisher":{"name":"AP"},"byline":["A","B"],"guid":"g-1","tags":["x"]}"#;
        let mut loaded = Loaded::default();
        load_lines(line, &ctx(), &mut loaded);
        let d = &loaded.documents[0];
        assert_eq!((d.id.as_str(), d.title.as_str(), d.body.as_str()), ("g-1", "H", "One\n\nTwo"));
        assert_eq!(d.date.unwrap().to_rfc3339(), "2016-03-05T00:00:00+00:00");
        assert_eq!(d.url.as_deref(), Some("https://x"));
        assert_eq!(d.source.as_deref(), Some("AP"));
        assert_eq!(d.author.as_deref(), Some("A, B"));
        assert_eq!(d.extra["tags"], serde_json::json!(["x"]));
    }

    #[test]
    fn bad_lines_are_warnings_with_line_numbers() {
        let text = "{\"title\":\"a\",\"body\":\"x\"}\n\n{\"title\": oops}\n[1]\n{\"other\":1}\n{\"title\":\"b\",\"body\":\"y\"}\n";
        let mut loaded = Loaded::default();
        load_lines(text, &ctx(), &mut loaded);
        let ids: Vec<_> = loaded.documents.iter().map(|d| d.id.as_str()).collect();
        // Record numbers count non-blank lines, so ids stay put when a bad line is fixed.
        assert_eq!(ids, ["feed.jsonl#1", "feed.jsonl#5"]);
        let lines: Vec<_> = loaded.warnings.iter().map(|w| w.line).collect();
        assert_eq!(lines, [Some(3), Some(4), Some(5)]);
    }

    #[test]
    fn json_shapes() {
        let cases: &[(&str, &[&str], usize)] = &[
            (r#"{"title":"One","body":"x"}"#, &["feed.jsonl"], 0),
            (r#"[{"title":"A"},{"title":"B","id":7}]"#, &["feed.jsonl#1", "7"], 0),
            (r#"{"status":"ok","articles":[{"title":"A"},{"title":"B"}]}"#, &["feed.jsonl#1", "feed.jsonl#2"], 0),
            (r#"{"title":"A""#, &[], 1),
            (r#""just a string""#, &[], 1),
            (r#"[{"title":"A"}, 3]"#, &["feed.jsonl#1"], 1),
        ];
        for (text, ids, warnings) in cases {
            let mut loaded = Loaded::default();
            load_json(text, &ctx(), &mut loaded);
            let got: Vec<_> = loaded.documents.iter().map(|d| d.id.as_str()).collect();
            assert_eq!(&got, ids, "{text}");
            assert_eq!(loaded.warnings.len(), *warnings, "{text}");
        }
    }
}
