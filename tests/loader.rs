//! Loader tests over fixture files: one line per case.

use std::path::Path;

use gazette::FileProblem;
use gazette::load::{Format, load_file};

fn fixture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/loader").join(name)
}

#[test]
fn seed_article() {
    let loaded = load_file(&fixture("seed-china-cyber-attacks.txt"), "china-cyber-attacks.txt").unwrap();
    assert!(loaded.warnings.is_empty());
    assert_eq!(loaded.documents.len(), 1);
    let d = &loaded.documents[0];
    assert_eq!(d.id, "china-cyber-attacks.txt");
    assert_eq!(d.title, "China cyber attacks");
    assert!(!d.body.contains("China cyber attacks"), "the repeated title line is dropped");
    assert_eq!(d.dateline.as_deref(), Some("STATE DEPARTMENT"));
    assert!(d.body.starts_with("U.S. officials say they are watching closely"));
    assert!(d.body.ends_with("share interests in promoting a rules-based cyberspace."));
    // Paragraphs preserved: the 15 paragraphs after the title, the subheading among them.
    assert_eq!(d.body.split("\n\n").count(), 15);
    assert!(d.body.contains("\n\nSigns of progress\n\n"));
}

/// Every bad-input case: (file, documents, warnings as (line, problem)).
#[test]
fn bad_inputs_are_warnings_and_the_rest_is_kept() {
    type Case = (&'static str, &'static [&'static str], &'static [(Option<usize>, fn(&FileProblem) -> bool)]);
    let cases: &[Case] = &[
        ("empty.txt", &[], &[(None, |p| *p == FileProblem::Empty)]),
        ("blank.md", &[], &[(None, |p| *p == FileProblem::Empty)]),
        ("latin1.txt", &["Café talks"], &[(None, |p| matches!(p, FileProblem::InvalidUtf8 { byte: 3 }))]),
        ("feed.jsonl", &["One", "Three"], &[(Some(2), |p| matches!(p, FileProblem::InvalidJson(_)))]),
        ("truncated.html", &["Cut short"], &[(None, |p| *p == FileProblem::TruncatedHtml)]),
        ("broken.json", &[], &[(Some(1), |p| matches!(p, FileProblem::InvalidJson(_)))]),
        ("image", &[], &[(None, |p| *p == FileProblem::Binary)]),
        ("notes", &["Report without extension"], &[]),
        ("script-only.html", &[], &[(None, |p| *p == FileProblem::NoText)]),
        (
            "bad-date.json",
            &["Budget talks"],
            &[(None, |p| *p == FileProblem::UnknownDate("the Tuesday after Easter".into()))],
        ),
        ("bad-date.md", &["Budget talks"], &[(None, |p| *p == FileProblem::UnknownDate("2016-13-45".into()))]),
        ("dates.jsonl", &["One", "Two", "Three"], &[(Some(2), |p| *p == FileProblem::UnknownDate("soon".into()))]),
        ("empty-date.md", &["Budget talks"], &[]),
        ("utf16le.txt", &["Sanctions on Iran"], &[]),
        ("utf16be.json", &["Tariffs on steel"], &[]),
        ("utf16-memo", &["Memo without extension"], &[]),
        ("utf16-bad.txt", &["Broken units"], &[(None, |p| *p == FileProblem::Malformed { encoding: "UTF-16LE" })]),
    ];
    for (name, titles, warnings) in cases {
        let loaded = load_file(&fixture(name), name).unwrap();
        let got: Vec<&str> = loaded.documents.iter().map(|d| d.title.as_str()).collect();
        assert_eq!(&got, titles, "{name}: documents");
        assert_eq!(loaded.warnings.len(), warnings.len(), "{name}: {:?}", loaded.warnings);
        for (w, (line, check)) in loaded.warnings.iter().zip(warnings.iter()) {
            assert_eq!(w.line, *line, "{name}: line");
            assert!(check(&w.problem), "{name}: {:?}", w.problem);
            // The warning names the file.
            assert!(w.to_string().contains(name), "{name}: {w}");
        }
    }
}

#[test]
fn jsonl_ids_and_fields() {
    let loaded = load_file(&fixture("feed.jsonl"), "feed.jsonl").unwrap();
    let ids: Vec<&str> = loaded.documents.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids, ["feed.jsonl#1", "r-3"]);
    assert_eq!(loaded.documents[1].body, "Third record.");
    assert_eq!(loaded.warnings[0].to_string().split(": ").next().unwrap().rsplit('/').next().unwrap(), "feed.jsonl:2");
}

#[test]
fn windows_1252_text_is_kept() {
    let d = &load_file(&fixture("latin1.txt"), "latin1.txt").unwrap().documents[0];
    assert_eq!(d.body, "The minister \u{201c}agreed\u{201d} in Genève.");
}

#[test]
fn a_date_that_cannot_be_read_is_kept_in_extra() {
    for (name, key, value) in
        [("bad-date.json", "date", "the Tuesday after Easter"), ("bad-date.md", "date", "2016-13-45")]
    {
        let d = &load_file(&fixture(name), name).unwrap().documents[0];
        assert_eq!(d.date, None, "{name}");
        assert_eq!(d.extra.get(key).and_then(|v| v.as_str()), Some(value), "{name}");
    }
    let docs = load_file(&fixture("dates.jsonl"), "dates.jsonl").unwrap().documents;
    assert_eq!(docs[0].date.unwrap().to_rfc3339(), "2016-03-05T00:00:00+00:00");
    assert!(docs[0].extra.is_empty() && docs[2].extra.is_empty(), "a good or empty date is not kept in extra");
}

#[test]
fn utf16_with_a_byte_order_mark_is_text() {
    let body = |name: &str| load_file(&fixture(name), name).unwrap().documents[0].body.clone();
    assert_eq!(body("utf16le.txt"), "The ministry said on Monday that the sanctions would stay.");
    assert_eq!(body("utf16be.json"), "Genève talks resumed.");
    assert_eq!(body("utf16-memo"), "It is UTF-16.");
    assert_eq!(body("utf16-bad.txt"), "Before \u{FFFD} after.");
}

#[test]
fn formats_by_extension_and_content() {
    let cases: &[(&str, Result<Option<Format>, ()>)] = &[
        ("a.txt", Ok(Some(Format::Text))),
        ("a.TXT", Ok(Some(Format::Text))),
        ("a.html", Ok(Some(Format::Html))),
        ("a.htm", Ok(Some(Format::Html))),
        ("a.json", Ok(Some(Format::Json))),
        ("a.jsonl", Ok(Some(Format::JsonLines))),
        ("a.ndjson", Ok(Some(Format::JsonLines))),
        ("a.md", Ok(Some(Format::Markdown))),
        ("a.markdown", Ok(Some(Format::Markdown))),
        ("noext", Ok(None)),
        ("a.pdf", Err(())),
        ("a.png", Err(())),
    ];
    for (name, want) in cases {
        assert_eq!(Format::from_path(Path::new(name)), *want, "{name}");
    }
}

/// No input panics the loader: every sample file cut at many byte offsets (mid-character,
/// mid-tag, mid-JSON) still loads, with documents or warnings.
#[test]
fn truncated_files_never_panic() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut cases = 0;
    for dir in ["corpus-sample", "tests/data/loader"] {
        for f in gazette::load::walk(&root.join(dir), &Default::default()).files {
            let bytes = std::fs::read(&f.path).unwrap();
            let step = (bytes.len() / 40).max(1);
            for cut in (0..bytes.len()).step_by(step) {
                let loaded = gazette::load::load_bytes(&bytes[..cut], f.format, &f.id_base, &f.path);
                assert!(!loaded.documents.is_empty() || !loaded.warnings.is_empty(), "{} cut at {cut}", f.id_base);
                cases += 1;
            }
        }
    }
    assert!(cases > 500);
}

/// Issue "hardening": memory per file is bounded. HTML larger than the limit is read as
/// plain text, without building its tree (about thirteen times its size in memory), with a
/// warning naming the limit; its text is all there.
#[test]
fn html_larger_than_the_tree_limit_is_read_as_plain_text() {
    // Markup as heavy as the text, as on real pages: more than the tree limit of HTML, less
    // than the body limit of text.
    let para = "<div class=\"story-body-paragraph-container\"><p data-track=\"paragraph\">Ministers met in Geneva to discuss tariffs.</p></div>\n";
    let n = gazette::load::MAX_HTML_TREE_BYTES / para.len() + 10;
    let html =
        format!("<html><head><title>Big page</title></head><body>{}<p>lastmarker</p></body></html>", para.repeat(n));
    let loaded = gazette::load::load_bytes(html.as_bytes(), Some(Format::Html), "big.html", Path::new("big.html"));
    assert_eq!(loaded.documents.len(), 1);
    let doc = &loaded.documents[0];
    assert_eq!(doc.title, "Big page");
    assert!(doc.body.starts_with("Ministers met in Geneva") && doc.body.ends_with("lastmarker"), "{}", &doc.body[..80]);
    let problems: Vec<_> = loaded.warnings.iter().map(|w| &w.problem).collect();
    assert_eq!(problems, [&FileProblem::BigHtml { limit: gazette::load::MAX_HTML_TREE_BYTES as u64 }], "{problems:?}");
    assert!(loaded.warnings[0].to_string().contains("larger than 16 MiB"), "{}", loaded.warnings[0]);
}

/// Issue "hardening": a document's text is bounded (enriching and indexing take about eleven
/// times its size in memory): a longer body is cut at a paragraph break before the limit,
/// with a warning; a JSON Lines record says its line.
#[test]
fn a_body_longer_than_the_limit_is_cut_with_a_warning() {
    let para = "Ministers met in Geneva to discuss tariffs and the grain corridor.\n\n";
    let n = gazette::load::MAX_BODY_BYTES / para.len() + 10;
    let text = format!("Long report\n\n{}", para.repeat(n));
    let loaded = gazette::load::load_bytes(text.as_bytes(), Some(Format::Text), "long.txt", Path::new("long.txt"));
    let doc = &loaded.documents[0];
    assert!(doc.body.len() <= gazette::load::MAX_BODY_BYTES && doc.body.len() > gazette::load::MAX_BODY_BYTES / 2);
    assert!(doc.body.ends_with("grain corridor."), "cut at a paragraph: {:?}", &doc.body[doc.body.len() - 30..]);
    let limit = gazette::load::MAX_BODY_BYTES as u64;
    assert_eq!(loaded.warnings.iter().map(|w| &w.problem).collect::<Vec<_>>(), [&FileProblem::BodyTooLong { limit }]);
    let line = format!("{{\"title\": \"T\", \"body\": \"{}\"}}", "é".repeat(gazette::load::MAX_BODY_BYTES));
    let loaded = gazette::load::load_json_line(line.as_bytes(), 7, 1, "f.jsonl", Path::new("f.jsonl"));
    assert!(loaded.documents[0].body.len() <= gazette::load::MAX_BODY_BYTES);
    assert_eq!(loaded.warnings[0].line, Some(7));
}
