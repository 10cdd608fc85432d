//! Markdown: optional front matter (`---` YAML-style `key: value` lines, or `+++` TOML-style
//! `key = value`), body rendered to plain text.

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use super::{Loaded, Origin, parse_date, tidy_paragraphs};
use crate::document::Document;
use crate::error::FileProblem;

pub(super) fn load(text: &str, ctx: &Origin<'_>, loaded: &mut Loaded) {
    let (front, markdown) = split_front_matter(text);
    let mut doc = Document { id: ctx.id_base.to_string(), ..Document::default() };
    for (key, value) in front {
        match key.to_ascii_lowercase().as_str() {
            "title" | "headline" => doc.title = value,
            "date" | "published" | "published_at" | "pubdate" => match parse_date(&value) {
                Some(date) => doc.date = Some(date),
                // Kept as it was written, and reported.
                None => {
                    ctx.warn(loaded, None, FileProblem::UnknownDate(value.clone()));
                    doc.extra.insert(key, serde_json::Value::String(value));
                }
            },
            "source" | "publisher" | "site_name" => doc.source = Some(value),
            "url" | "link" | "canonical_url" => doc.url = Some(value),
            "author" | "byline" => doc.author = Some(value),
            "id" | "guid" => doc.id = value,
            "dateline" => doc.dateline = Some(value),
            _ => {
                doc.extra.insert(key, serde_json::Value::String(value));
            }
        }
    }
    let (heading, body) = render(markdown);
    if doc.title.is_empty() {
        doc.title = heading.clone().unwrap_or_else(|| body.lines().next().unwrap_or("").to_string());
    }
    let body = drop_first_line_if(&body, &doc.title);
    if doc.dateline.is_none() {
        // The dateline opens the first paragraph of text, which may follow a heading.
        let (head, text) = match (&heading, body.split_once("\n\n")) {
            (Some(h), Some((first, rest))) if first == h => (Some(first), rest),
            _ => (None, body.as_str()),
        };
        let (dateline, text) = super::text::split_dateline(text);
        if dateline.is_some() {
            doc.dateline = dateline;
            doc.body = match head {
                Some(h) => format!("{h}\n\n{text}"),
                None => text,
            };
            loaded.documents.push(doc);
            return;
        }
    }
    doc.body = body;
    loaded.documents.push(doc);
}

fn drop_first_line_if(body: &str, title: &str) -> String {
    match body.split_once('\n') {
        Some((first, rest)) if first.trim() == title.trim() => tidy_paragraphs(rest),
        None if body.trim() == title.trim() => String::new(),
        _ => body.to_string(),
    }
}

/// Front matter key/value pairs (quotes stripped) and the rest of the text.
fn split_front_matter(text: &str) -> (Vec<(String, String)>, &str) {
    let t = text.trim_start_matches('\u{feff}');
    for (fence, sep) in [("---", ':'), ("+++", '=')] {
        let Some(rest) = t.strip_prefix(fence).and_then(|r| r.strip_prefix('\n')) else {
            continue;
        };
        let Some(end) = rest.find(&format!("\n{fence}")) else {
            continue;
        };
        let block = &rest[..end];
        let after = rest[end + 1 + fence.len()..].trim_start_matches(|c| c != '\n').trim_start_matches('\n');
        let pairs = block
            .lines()
            .filter_map(|l| {
                let (k, v) = l.split_once(sep)?;
                let k = k.trim();
                if k.is_empty() || k.starts_with('#') || l.starts_with(' ') {
                    return None;
                }
                Some((k.to_string(), unquote(v.trim())))
            })
            .filter(|(_, v)| !v.is_empty())
            .collect();
        return (pairs, after);
    }
    (Vec::new(), t)
}

fn unquote(v: &str) -> String {
    let v = v.trim();
    for q in ['"', '\''] {
        if v.len() >= 2 && v.starts_with(q) && v.ends_with(q) {
            return v[1..v.len() - 1].replace(&format!("\\{q}"), &q.to_string());
        }
    }
    v.to_string()
}

/// Plain text of Markdown, blocks separated by blank lines; also returns the first level-1
/// heading, which serves as the title when the front matter has none.
fn render(markdown: &str) -> (Option<String>, String) {
    let mut out = String::with_capacity(markdown.len());
    let mut first_h1: Option<String> = None;
    let mut in_h1 = false;
    let mut h1_text = String::new();
    for event in Parser::new(markdown) {
        match event {
            Event::Start(Tag::Heading { level: pulldown_cmark::HeadingLevel::H1, .. }) if first_h1.is_none() => {
                in_h1 = true;
                block_break(&mut out);
            }
            Event::End(TagEnd::Heading(pulldown_cmark::HeadingLevel::H1)) if in_h1 => {
                in_h1 = false;
                first_h1 = Some(h1_text.trim().to_string());
                block_break(&mut out);
            }
            Event::Start(
                Tag::Paragraph
                | Tag::Heading { .. }
                | Tag::BlockQuote(_)
                | Tag::CodeBlock(_)
                | Tag::List(_)
                | Tag::Table(_),
            ) => block_break(&mut out),
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::BlockQuote(_)
                | TagEnd::CodeBlock
                | TagEnd::List(_)
                | TagEnd::Table,
            ) => block_break(&mut out),
            Event::Start(Tag::Item) | Event::End(TagEnd::TableRow) => line_break(&mut out),
            Event::End(TagEnd::TableCell) => out.push(' '),
            Event::Text(t) | Event::Code(t) => {
                if in_h1 {
                    h1_text.push_str(&t);
                }
                out.push_str(&t);
            }
            Event::SoftBreak => out.push(' '),
            Event::HardBreak => out.push('\n'),
            Event::Html(_) | Event::InlineHtml(_) => {}
            _ => {}
        }
    }
    (first_h1, tidy_paragraphs(&out))
}

fn block_break(out: &mut String) {
    if !out.is_empty() && !out.ends_with("\n\n") {
        out.push_str(if out.ends_with('\n') { "\n" } else { "\n\n" });
    }
}

fn line_break(out: &mut String) {
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn load_one(text: &str) -> Document {
        let mut loaded = Loaded::default();
        load(text, &Origin { id_base: "a.md", path: Path::new("a.md") }, &mut loaded);
        loaded.documents.remove(0)
    }

    #[test]
    fn front_matter_fields() {
        let d = load_one(
            "---\ntitle: \"Iran talks: a \\\"deal\\\"\"\ndate: 2015-07-14\nsource: Reuters\nurl: https://x/y\nauthor: 'A. Writer'\ntags: [iran, nuclear]\n---\n\n# Iran talks\n\nVIENNA — Negotiators *agreed* on a [deal](https://x).\n\n- one\n- two\n\n> quoted\n",
        );
        assert_eq!(d.title, "Iran talks: a \"deal\"");
        assert_eq!(d.date.unwrap().to_rfc3339(), "2015-07-14T00:00:00+00:00");
        assert_eq!(d.source.as_deref(), Some("Reuters"));
        assert_eq!(d.url.as_deref(), Some("https://x/y"));
        assert_eq!(d.author.as_deref(), Some("A. Writer"));
        assert_eq!(d.extra["tags"], "[iran, nuclear]");
        assert_eq!(d.body, "Iran talks\n\nNegotiators agreed on a deal.\n\none\ntwo\n\nquoted");
        // The heading differs from the front-matter title, so it stays in the body; the
        // dateline of the paragraph after it is still found.
        assert_eq!(d.dateline.as_deref(), Some("VIENNA"));
    }

    #[test]
    fn heading_is_the_title_without_front_matter() {
        let d = load_one("# Budget passes\n\nBRUSSELS — The Council approved it.\n");
        assert_eq!(d.title, "Budget passes");
        assert_eq!(d.dateline.as_deref(), Some("BRUSSELS"));
        assert_eq!(d.body, "The Council approved it.");
    }
}
