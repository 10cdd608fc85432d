//! HTML pages: metadata from meta tags and JSON-LD, text of the main content by html2text.

use std::sync::LazyLock;

use scraper::{ElementRef, Html, Selector};
use serde_json::Value;

use super::{Loaded, Origin, parse_date, tidy_paragraphs};
use crate::document::Document;
use crate::error::FileProblem;

/// Elements whose text is never part of an article: html2text drops them via CSS.
const HIDDEN_CSS: &str = "script, style, noscript, template, nav, header, footer, aside, form, \
    button, iframe, svg, select, dialog { display: none }";

fn sel(s: &str) -> Selector {
    Selector::parse(s).expect("static selector parses")
}

static META: LazyLock<Selector> = LazyLock::new(|| sel("meta"));
static TITLE: LazyLock<Selector> = LazyLock::new(|| sel("title"));
static H1: LazyLock<Selector> = LazyLock::new(|| sel("h1"));
static TIME: LazyLock<Selector> = LazyLock::new(|| sel("time[datetime]"));
static CANONICAL: LazyLock<Selector> = LazyLock::new(|| sel("link[rel=canonical]"));
static LD_JSON: LazyLock<Selector> = LazyLock::new(|| sel(r#"script[type="application/ld+json"]"#));
static MAIN: LazyLock<[Selector; 4]> = LazyLock::new(|| [sel("article"), sel("main"), sel("[role=main]"), sel("body")]);

pub(super) fn load(bytes: &[u8], ctx: &Origin<'_>, loaded: &mut Loaded) {
    let (text, bad_utf8) = decode_html(bytes);
    if let Some(byte) = bad_utf8 {
        ctx.warn(loaded, None, FileProblem::InvalidUtf8 { byte });
    }
    let lower_tail = text[ceil_boundary(&text, text.len().saturating_sub(4096))..].to_ascii_lowercase();
    let lower_head = text[..ceil_boundary(&text, 4096)].to_ascii_lowercase();
    if (lower_head.contains("<html") || lower_head.contains("<!doctype")) && !lower_tail.contains("</html") {
        ctx.warn(loaded, None, FileProblem::TruncatedHtml);
    }
    // The HTML parser checks the open elements at each tag, so its time grows with the square
    // of the nesting: past a depth no page has, the text is read without it, in linear time.
    // Its tree takes about thirteen times the page's size in memory: past a size no article
    // has, the text is read the same way, so that one file cannot take the batch's memory.
    let too_big = text.len() > MAX_HTML_TREE_BYTES;
    if too_big || nesting_depth(&text) > MAX_HTML_DEPTH {
        let problem = if too_big {
            FileProblem::BigHtml { limit: MAX_HTML_TREE_BYTES as u64 }
        } else {
            FileProblem::DeepHtml { depth: MAX_HTML_DEPTH }
        };
        ctx.warn(loaded, None, problem);
        let title = between(&text, "<title", "</title>").map(strip_tags).unwrap_or_default();
        // The head holds the title and metadata, not the text; past four times the most text
        // a document may have (markup included), nothing more would be kept.
        let start = ["</head>", "</HEAD>", "</Head>"].iter().filter_map(|t| text.find(t)).min().unwrap_or(0);
        let mut end = text.len().min(start.saturating_add(4 * super::MAX_BODY_BYTES));
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        if end < text.len() {
            let limit = super::MAX_BODY_BYTES as u64;
            ctx.warn(loaded, None, FileProblem::BodyTooLong { limit });
        }
        let body = tidy_paragraphs(&strip_tags(&text[start..end]));
        let body = drop_leading_title(&body, &title);
        loaded.documents.push(Document { id: ctx.id_base.to_string(), title, body, ..Document::default() });
        return;
    }
    let page = Html::parse_document(&text);
    let meta = Metas::read(&page);
    let ld = json_ld_article(&page);

    let site = meta.get(&["og:site_name", "application-name"]).or_else(|| ld_str(&ld, &["publisher", "name"]));
    let title = meta
        .get(&["og:title", "twitter:title"])
        .or_else(|| ld_str(&ld, &["headline"]))
        .or_else(|| page.select(&TITLE).next().map(|t| strip_site_suffix(&element_text(t), site.as_deref())))
        .filter(|t| !t.is_empty())
        .or_else(|| page.select(&H1).next().map(|h| element_text(h)))
        .unwrap_or_default();
    let date = meta
        .get(&[
            "article:published_time", "datePublished", "date", "pubdate", "publishdate", "dc.date.issued", "dc.date",
            "parsely-pub-date", "sailthru.date",
        ])
        .or_else(|| ld_str(&ld, &["datePublished"]))
        .or_else(|| page.select(&TIME).next().and_then(|t| t.value().attr("datetime").map(str::to_string)))
        .and_then(|d| parse_date(&d));
    let author = meta
        .get(&["author", "article:author", "byl", "dc.creator", "parsely-author"])
        .filter(|a| !a.starts_with("http"))
        .or_else(|| ld_author(&ld))
        .map(|a| a.trim_start_matches("By ").trim_start_matches("by ").to_string());
    let url = page
        .select(&CANONICAL)
        .next()
        .and_then(|l| l.value().attr("href").map(str::to_string))
        .or_else(|| meta.get(&["og:url"]));

    let main = MAIN.iter().find_map(|s| largest(&page, s));
    let body = match main {
        Some(el) => html_to_text(&el.html()),
        None => html_to_text(&text),
    };
    let body = drop_leading_title(&body, &title);
    let (dateline, body) = super::text::split_dateline(&body);
    loaded.documents.push(Document {
        id: ctx.id_base.to_string(),
        title,
        dateline,
        body,
        date,
        source: site,
        url,
        author,
        ..Document::default()
    });
}

/// Elements nested deeper than this are hostile input, not a page: no site nests a hundred.
pub(crate) const MAX_HTML_DEPTH: usize = 1024;

/// HTML longer than this (in bytes, decoded) is read as plain text, without its layout.
pub const MAX_HTML_TREE_BYTES: usize = 16 << 20;

/// The deepest nesting of elements, roughly (a scan of the tags: void elements, self-closing
/// tags, comments and declarations do not nest), in one pass.
fn nesting_depth(html: &str) -> usize {
    const VOID: &[&str] = &[
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr",
    ];
    let bytes = html.as_bytes();
    let (mut depth, mut max, mut i) = (0usize, 0usize, 0usize);
    while let Some(off) = bytes[i..].iter().position(|&b| b == b'<') {
        i += off + 1;
        match bytes.get(i) {
            Some(b'/') => depth = depth.saturating_sub(1),
            Some(b'!') if bytes[i..].starts_with(b"!--") => {
                i = html[i..].find("-->").map_or(bytes.len(), |e| i + e + 3);
                continue;
            }
            Some(c) if c.is_ascii_alphabetic() => {
                let name_end =
                    bytes[i..].iter().position(|b| !b.is_ascii_alphanumeric()).map_or(bytes.len(), |e| i + e);
                let name = html[i..name_end].to_ascii_lowercase();
                let tag_end = bytes[i..].iter().position(|&b| b == b'>').map_or(bytes.len(), |e| i + e);
                let self_closing = tag_end > i && bytes[tag_end - 1] == b'/';
                if name == "script" || name == "style" {
                    // Their text is not markup (`if (a<b)`): on to their end tag, found
                    // without copying the rest of the page.
                    let close = format!("</{name}");
                    i = bytes[tag_end..]
                        .windows(close.len())
                        .position(|w| w.eq_ignore_ascii_case(close.as_bytes()))
                        .map_or(bytes.len(), |e| tag_end + e + 1);
                    continue;
                }
                if !VOID.contains(&name.as_str()) && !self_closing {
                    depth += 1;
                    max = max.max(depth);
                }
                i = tag_end;
            }
            _ => {}
        }
        if i >= bytes.len() {
            break;
        }
    }
    max
}

/// The text between the first `open` tag (`<title`, attributes allowed) and `close`.
fn between<'a>(html: &'a str, open: &str, close: &str) -> Option<&'a str> {
    let lower = html.to_ascii_lowercase();
    let start = lower.find(open)?;
    let start = start + lower[start..].find('>')? + 1;
    let end = start + lower[start..].find(close)?;
    Some(&html[start..end])
}

/// Text without its tags and with the common entities decoded, in one pass (for pages the
/// HTML parser is not given).
fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    let out = out.replace("&nbsp;", " ").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"");
    let out = out.replace("&#39;", "'").replace("&amp;", "&");
    let mut words = String::with_capacity(out.len());
    for word in out.split_whitespace() {
        if !words.is_empty() {
            words.push(' ');
        }
        words.push_str(word);
    }
    words
}

/// The first char boundary at or after `i` (the end of the text if `i` is past it).
fn ceil_boundary(s: &str, i: usize) -> usize {
    (i..s.len()).find(|&j| s.is_char_boundary(j)).unwrap_or(s.len())
}

/// The element matching `selector` with the most text (a page may have several `<article>`
/// elements: teasers around the story).
fn largest<'a>(page: &'a Html, selector: &Selector) -> Option<ElementRef<'a>> {
    page.select(selector).max_by_key(|e| e.text().map(str::len).sum::<usize>())
}

/// Charset from the BOM, then `<meta charset>` or `http-equiv`, then UTF-8 if valid, else
/// Windows-1252 (what browsers assume for unlabelled Western pages). The second value is the
/// offset of the first bad byte of a page that declared UTF-8 and is not: that page is broken
/// and the user is told, while an unlabelled page in Windows-1252 is only old.
fn decode_html(bytes: &[u8]) -> (String, Option<usize>) {
    if let Some((enc, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        return (enc.decode_without_bom_handling(&bytes[bom_len..]).0.into_owned(), None);
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(2048)]).to_ascii_lowercase();
    let declared = head.find("charset=").and_then(|i| {
        let rest = head[i + 8..].trim_start_matches(['"', '\'', ' ']);
        let end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_')).unwrap_or(rest.len());
        encoding_rs::Encoding::for_label(&rest.as_bytes()[..end])
    });
    match declared {
        // A declared UTF-16 (the bytes that declare it are ASCII, so it cannot be) and the
        // labels that decode to a single U+FFFD (ISO-2022-KR, ...) count as UTF-8, as in
        // browsers: decoding by them lost the whole page.
        Some(enc) if enc.output_encoding() != encoding_rs::UTF_8 => {
            (enc.decode_without_bom_handling(bytes).0.into_owned(), None)
        }
        // A page that says UTF-8 but is not is decoded as Windows-1252 rather than mangled.
        _ => match std::str::from_utf8(bytes) {
            Ok(s) => (s.to_string(), None),
            Err(e) => (
                encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes).0.into_owned(),
                declared.map(|_| e.valid_up_to()),
            ),
        },
    }
}

/// Plain text of an HTML fragment: no link footnotes, no emphasis marks, no bullets, tables
/// flattened, boilerplate elements hidden.
pub(crate) fn html_to_text(html: &str) -> String {
    let config = html2text::config::with_decorator(html2text::render::TrivialDecorator::new())
        .raw_mode(true)
        .add_css(HIDDEN_CSS)
        .expect("static CSS parses");
    let text = config.string_from_read(html.as_bytes(), usize::MAX / 4).unwrap_or_default();
    tidy_paragraphs(&text)
}

fn drop_leading_title(body: &str, title: &str) -> String {
    let first = body.lines().next().unwrap_or("");
    if !title.is_empty() && first.trim() == title.trim() {
        tidy_paragraphs(&body[first.len()..])
    } else {
        body.to_string()
    }
}

fn element_text(el: ElementRef<'_>) -> String {
    el.text().collect::<String>().split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `Headline | Voice of America` -> `Headline`. A trailing part after ` | ` is always taken
/// for the site name; after a dash only when it is the declared site name, since headlines
/// contain dashes.
fn strip_site_suffix(title: &str, site: Option<&str>) -> String {
    let mut t = title.trim();
    if let Some(i) = t.rfind(" | ") {
        t = t[..i].trim_end();
    }
    if let Some(site) = site {
        for sep in [" - ", " — ", " – ", " :: ", " · "] {
            if let Some(stripped) = t.strip_suffix(site).and_then(|s| s.strip_suffix(sep)) {
                t = stripped.trim_end();
            }
        }
    }
    t.to_string()
}

/// `<meta>` name/property -> content, keys lower-cased.
struct Metas(Vec<(String, String)>);

impl Metas {
    fn read(page: &Html) -> Metas {
        let pairs = page
            .select(&META)
            .filter_map(|m| {
                let v = m.value();
                let key = v.attr("property").or(v.attr("name")).or(v.attr("itemprop"))?;
                let content = v.attr("content")?.trim();
                (!content.is_empty()).then(|| (key.to_ascii_lowercase(), content.to_string()))
            })
            .collect();
        Metas(pairs)
    }

    fn get(&self, keys: &[&str]) -> Option<String> {
        keys.iter().find_map(|k| {
            let k = k.to_ascii_lowercase();
            self.0.iter().find(|(key, _)| *key == k).map(|(_, v)| v.clone())
        })
    }
}

/// The first JSON-LD object that is an article (any `*Article` type, or `Report`), looked
/// for in arrays and `@graph` too.
fn json_ld_article(page: &Html) -> Value {
    fn is_article(v: &Value) -> bool {
        let is = |t: &str| t.ends_with("Article") || t == "Report" || t == "BlogPosting" || t == "WebPage";
        match &v["@type"] {
            Value::String(t) => is(t),
            Value::Array(ts) => ts.iter().filter_map(Value::as_str).any(is),
            _ => false,
        }
    }
    fn find(v: Value) -> Option<Value> {
        match v {
            Value::Array(items) => items.into_iter().find_map(find),
            Value::Object(mut o) => {
                if let Some(graph) = o.remove("@graph")
                    && let Some(found) = find(graph)
                {
                    return Some(found);
                }
                let v = Value::Object(o);
                is_article(&v).then_some(v)
            }
            _ => None,
        }
    }
    page.select(&LD_JSON)
        .filter_map(|s| serde_json::from_str::<Value>(&s.text().collect::<String>()).ok())
        .find_map(find)
        .unwrap_or(Value::Null)
}

fn ld_str(ld: &Value, path: &[&str]) -> Option<String> {
    let mut v = ld;
    for key in path {
        v = &v[*key];
    }
    v.as_str().map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

fn ld_author(ld: &Value) -> Option<String> {
    let names: Vec<String> = match &ld["author"] {
        Value::String(s) => vec![s.clone()],
        Value::Object(o) => o.get("name").and_then(Value::as_str).map(str::to_string).into_iter().collect(),
        Value::Array(a) => a
            .iter()
            .filter_map(|x| x.as_str().map(str::to_string).or_else(|| x["name"].as_str().map(str::to_string)))
            .collect(),
        _ => vec![],
    };
    (!names.is_empty()).then(|| names.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_depth_counts_elements_not_voids_comments_or_scripts() {
        let cases: &[(&str, usize)] = &[
            ("<html><body><p>a</p><p>b</p></body></html>", 3),
            ("<div><br><img src=x><hr/><input></div>", 1),
            ("<div><!-- <div><div><div> --></div>", 1),
            ("<script>if (a<b && c<d) {}</script><p>x</p>", 1),
            ("<style>a<b{}</style>", 0),
            ("text < more text", 0),
            ("<a><b><c>", 3),
            ("", 0),
        ];
        for (html, want) in cases {
            assert_eq!(nesting_depth(html), *want, "{html}");
        }
        let deep = format!("{}x{}", "<div>".repeat(5000), "</div>".repeat(5000));
        assert_eq!(nesting_depth(&deep), 5000);
    }
    use std::path::Path;

    fn load_one(html: &[u8]) -> Loaded {
        let mut loaded = Loaded::default();
        load(html, &Origin { id_base: "p.html", path: Path::new("p.html") }, &mut loaded);
        loaded
    }

    const PAGE: &str = r#"<!DOCTYPE html><html><head><meta charset="utf-8">
<title>Talks resume in Geneva | Voice of America</title>
<meta property="og:site_name" content="Voice of America">
<meta name="author" content="Jane Roe">
<link rel="canonical" href="https://example.org/talks">
<script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":"WebSite"},{"@type":"NewsArticle","datePublished":"2016-04-07T10:00:00-04:00"}]}</script>
<style>body{color:red}</style></head>
<body><header><nav><a href="/">Home</a> <a href="/world">World</a></nav></header>
<div class="cookie">We use cookies</div>
<article><h1>Talks resume in Geneva</h1>
<p>GENEVA — Negotiators <a href="/x">met again</a> on <b>Thursday</b>.</p>
<p>They spoke for &ldquo;hours&rdquo; &amp; agreed.</p><script>track()</script>
<aside>Most read: something else</aside></article>
<footer>© 2016 VOA</footer></body></html>"#;

    #[test]
    fn metadata_and_main_text() {
        let loaded = load_one(PAGE.as_bytes());
        assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
        let d = &loaded.documents[0];
        assert_eq!(d.title, "Talks resume in Geneva");
        assert_eq!(d.source.as_deref(), Some("Voice of America"));
        assert_eq!(d.author.as_deref(), Some("Jane Roe"));
        assert_eq!(d.url.as_deref(), Some("https://example.org/talks"));
        assert_eq!(d.date.unwrap().to_rfc3339(), "2016-04-07T14:00:00+00:00");
        assert_eq!(d.dateline.as_deref(), Some("GENEVA"));
        assert_eq!(d.body, "Negotiators met again on Thursday.\n\nThey spoke for \u{201c}hours\u{201d} & agreed.");
    }

    #[test]
    fn title_fallbacks() {
        let cases: &[(&str, &str)] = &[
            (
                r#"<html><head><meta property="og:title" content="OG wins"><title>T | S</title></head><body><h1>H</h1></body></html>"#,
                "OG wins",
            ),
            (
                "<html><head><title>Headline - with dash | Site</title></head><body></body></html>",
                "Headline - with dash",
            ),
            (
                r#"<html><head><meta property="og:site_name" content="Reuters"><title>Markets fall - Reuters</title></head></html>"#,
                "Markets fall",
            ),
            ("<html><body><h1>Only a heading</h1><p>text</p></body></html>", "Only a heading"),
        ];
        for (html, want) in cases {
            assert_eq!(load_one(html.as_bytes()).documents[0].title, *want, "{html}");
        }
    }

    #[test]
    fn dates_from_time_element_and_meta() {
        let html =
            r#"<html><body><article><time datetime="2015-09-25">Sept. 25</time><p>Text</p></article></body></html>"#;
        assert_eq!(load_one(html.as_bytes()).documents[0].date.unwrap().to_rfc3339(), "2015-09-25T00:00:00+00:00");
        let html = r#"<html><head><meta property="article:published_time" content="2014-05-19T12:00:00Z"></head><body>x</body></html>"#;
        assert_eq!(load_one(html.as_bytes()).documents[0].date.unwrap().to_rfc3339(), "2014-05-19T12:00:00+00:00");
    }

    #[test]
    fn windows_1252_declared_and_undeclared() {
        let page = b"<html><head><meta charset=\"windows-1252\"><title>Caf\xe9 \x93talks\x94</title></head><body><p>Jos\xe9 M\xfcller \x97 minister</p></body></html>".to_vec();
        let d = &load_one(&page).documents[0];
        assert_eq!(d.title, "Café \u{201c}talks\u{201d}");
        assert_eq!(d.body, "José Müller \u{2014} minister");
        // Without a declaration the bytes are invalid UTF-8, so Windows-1252 is assumed,
        // silently: old pages were often unlabelled.
        let raw = b"<html><body><p>Jos\xe9</p></body></html>";
        let loaded = load_one(raw);
        assert_eq!(loaded.documents[0].body, "José");
        assert!(loaded.warnings.is_empty());
        // Declared UTF-8 and not: the same text, and a warning naming the first bad byte.
        let lying = b"<html><head><meta charset=\"utf-8\"></head><body><p>Jos\xe9</p></body></html>";
        let loaded = load_one(lying);
        assert_eq!(loaded.documents[0].body, "José");
        assert_eq!(loaded.warnings[0].problem, FileProblem::InvalidUtf8 { byte: 53 });
    }

    #[test]
    fn declarations_that_cannot_be_true_are_ignored() {
        for charset in ["utf-16", "UTF-16LE", "utf-16be", "iso-2022-kr", "replacement", "utf-8"] {
            let page = format!(
                r#"<html><head><meta charset="{charset}"><title>Talks in Genève</title></head><body><p>Ministers met in Genève.</p></body></html>"#
            );
            let d = &load_one(page.as_bytes()).documents[0];
            assert_eq!(
                (d.title.as_str(), d.body.as_str()),
                ("Talks in Genève", "Ministers met in Genève."),
                "{charset}"
            );
        }
    }

    /// Found by the 100k-document benchmark: a multi-byte character 4096 bytes from the end.
    #[test]
    fn multibyte_character_at_the_truncation_probe_does_not_panic() {
        for pad in 0..4 {
            let page =
                format!("<html><body><p>{}{}</p>{}</body></html>", "a".repeat(pad), "—".repeat(3000), "b".repeat(pad));
            assert_eq!(load_one(page.as_bytes()).documents.len(), 1);
        }
    }

    #[test]
    fn truncated_page_is_indexed_with_a_warning() {
        let cut = &PAGE[..PAGE.find("They spoke").unwrap()];
        let loaded = load_one(cut.as_bytes());
        assert_eq!(loaded.warnings.len(), 1);
        assert_eq!(loaded.warnings[0].problem, FileProblem::TruncatedHtml);
        assert!(loaded.documents[0].body.contains("Negotiators met again"));
    }
}
