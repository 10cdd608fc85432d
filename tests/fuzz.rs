//! Fuzzing that stays (issue "hardening"): deterministic, bounded property loops with fixed
//! seeds, run by `cargo test`. Each stage gets inputs no issue names and must hold its
//! contract: the loaders give documents or named problems for any bytes; dates and periods
//! parse or not, never panic; words and sentences are ranges on character boundaries that
//! agree with each other; a query that parses prints back to a query that parses the same;
//! passages highlight inside their text, on character boundaries.
//!
//! `GAZETTE_FUZZ_CASES=N GAZETTE_FUZZ_SEED=S cargo test --release --test fuzz` runs N cases
//! per property instead of the default, from other seeds (a longer run; the README says how
//! many it ran and what it found).

use std::path::Path;

use gazette::load::{Format, load_bytes};
use gazette::{Document, Index, SearchRequest};

/// xorshift64: the same cases on every run, so that a failure can be replayed.
struct Rng(u64);

/// A property's seed, moved by `GAZETTE_FUZZ_SEED` for longer runs.
fn seed(base: u64) -> Rng {
    let extra: u64 = std::env::var("GAZETTE_FUZZ_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or(0);
    Rng((base ^ extra.wrapping_mul(0x9E37_79B9_7F4A_7C15)).max(1))
}

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Every way a file is read: each format, and sniffed (`None`).
const FORMATS: [Option<Format>; 6] =
    [None, Some(Format::Text), Some(Format::Html), Some(Format::Json), Some(Format::JsonLines), Some(Format::Markdown)];

fn cases(default: usize) -> usize {
    std::env::var("GAZETTE_FUZZ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// Pieces that matter to the formats and the text rules, mixed with random bytes.
const PIECES: &[&str] = &[
    "<html>", "</html>", "<body>", "<article>", "<p>", "</p>", "<script>", "<meta charset=\"utf-8\">", "<!--", "-->",
    "<title>", "</title>", "<h1>", "&amp;", "&#x", "{", "}", "[", "]", "\"", ":", ",", "\"title\":", "\"body\":",
    "\"date\":", "\"id\":", "null", "1e999", "---\n", "title: ", "date: ", "# ", "\n", "\n\n", "\r\n", " — ",
    "WASHINGTON", "(AP) —", ". ", "Mr. ", "U.S. ", "“", "”", "é", "中国", "\u{feff}", "\u{0}", "\u{fffd}", "\\",
    "2016-03-05", "March 5,", "said", "Ukraine", "Ministry of", " ", "a", "Z",
];

fn random_bytes(rng: &mut Rng, fixtures: &[Vec<u8>]) -> Vec<u8> {
    let mut out: Vec<u8> = Vec::new();
    match rng.below(3) {
        // A real file, cut and with bytes flipped.
        0 if !fixtures.is_empty() => {
            out = rng.pick(fixtures).clone();
            out.truncate(rng.below(out.len() + 1));
            for _ in 0..rng.below(8) {
                if !out.is_empty() {
                    let i = rng.below(out.len());
                    out[i] = rng.next() as u8;
                }
            }
        }
        // Pieces of the formats.
        1 => {
            for _ in 0..rng.below(40) {
                out.extend_from_slice(rng.pick(PIECES).as_bytes());
            }
        }
        // Bytes.
        _ => out.extend((0..rng.below(300)).map(|_| rng.next() as u8)),
    }
    out
}

fn fixtures() -> Vec<Vec<u8>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    for dir in ["tests/data/loader", "corpus-sample/wire"] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap().flatten() {
            if entry.path().is_file() && entry.metadata().is_ok_and(|m| m.len() < 64 * 1024) {
                out.push(std::fs::read(entry.path()).unwrap());
            }
        }
    }
    out
}

#[test]
fn loaders_give_documents_or_named_problems_for_any_bytes() {
    let fixtures = fixtures();
    let mut rng = seed(0x5EED_0001);
    let path = Path::new("fuzz/input");
    for case in 0..cases(1500) {
        let bytes = random_bytes(&mut rng, &fixtures);
        let format = *rng.pick(&FORMATS);
        let loaded = load_bytes(&bytes, format, "fuzz", path);
        assert!(
            !loaded.documents.is_empty() || !loaded.warnings.is_empty(),
            "case {case} ({format:?}): neither a document nor a problem for {:?} ({bytes:?})",
            String::from_utf8_lossy(&bytes)
        );
        for d in &loaded.documents {
            assert!(!d.id.is_empty() && d.content_hash.len() == 16, "case {case}");
        }
        for w in &loaded.warnings {
            assert!(!w.to_string().is_empty() && w.path == path, "case {case}");
        }
    }
}

fn random_text(rng: &mut Rng) -> String {
    (0..rng.below(60)).map(|_| *rng.pick(PIECES)).collect()
}

#[test]
fn dates_and_periods_parse_or_not_never_panic() {
    let mut rng = seed(0x5EED_0002);
    let parts =
        ["2016", "-", "03", "13", "99", "/", " ", "March", "5", ",", "T", ":", "Z", "+", "00", "1e9", "Mon", "é"];
    for _ in 0..cases(3000) {
        let s: String = (0..rng.below(10)).map(|_| *rng.pick(&parts)).collect();
        if let Some(d) = gazette::date::parse_date(&s) {
            assert!((1000..=2200).contains(&chrono::Datelike::year(&d)), "{s:?}");
        }
        if let Some((a, b)) = gazette::date::period(&s) {
            assert!(a < b, "{s:?}");
        }
    }
}

#[test]
fn words_and_sentences_are_ranges_on_character_boundaries_that_agree() {
    let mut rng = seed(0x5EED_0003);
    for _ in 0..cases(600) {
        let text = random_text(&mut rng);
        for (s, e) in gazette::text::word_spans(&text) {
            assert!(s < e && text.is_char_boundary(s) && text.is_char_boundary(e), "{text:?}");
            assert!(text[s..e].chars().all(char::is_alphanumeric), "{text:?}");
        }
        let all = gazette::text::sentences(&text);
        for w in all.windows(2) {
            assert!(w[0].end <= w[1].start, "{text:?}");
        }
        for pos in (0..text.len()).filter(|&p| text.is_char_boundary(p)) {
            let want = all.iter().find(|s| s.contains(&pos)).cloned().unwrap_or(pos..pos);
            assert_eq!(gazette::text::sentence_around(&text, pos), want, "{pos} in {text:?}");
        }
    }
}

/// An index where every field has values, for the query and highlighter properties.
fn index() -> Index {
    let index = Index::create_in_ram().unwrap();
    let mut w = index.writer().unwrap();
    let mut rng = seed(0x5EED_0004);
    for i in 0..60 {
        let mut d = Document::new(format!("d{i}"), random_text(&mut rng), random_text(&mut rng));
        d.dateline = Some("WASHINGTON".into());
        d.source = Some(["Reuters", "VOA"][i % 2].into());
        d.url = Some(format!("https://example.org/{i}"));
        d.author = Some("Jane Doe".into());
        d.date = Some(
            gazette::chrono::TimeZone::with_ymd_and_hms(&gazette::chrono::Utc, 2010 + (i % 10) as i32, 1, 1, 0, 0, 0)
                .unwrap(),
        );
        d.extra.insert("section".into(), serde_json::json!(["world", "metro"][i % 2]));
        d.update_hash();
        w.add(&d).unwrap();
    }
    w.commit().unwrap();
    index
}

const QUERY_PIECES: &[&str] = &[
    "ukraine", "said", "ministry", "the", "\"", "“", "”", "(", ")", "[", "]", "{", "}", "AND", "OR", "NOT", "-", "+",
    "*", "?", "~", "~1", "^2", "^0.5", "W/3", "PRE/2", "W/S", "W/P", "SAME", "title:", "body:", "dateline:", "author:",
    "source:", "url:", "date:", "country:", "actor:", "topic:", "mention:", "extra.section:", "id:", "TO", "2015",
    "[2012 TO *]", "date:[* TO *]", ">=2014", "\\", "é", "中国", " ", " ", "wash*", "mi?istry", "€*", "\"a b\"~3",
    "IN", "2015-13",
];

#[test]
fn queries_parse_print_back_and_run_without_panic() {
    let index = index();
    let fields = [
        "title", "body", "lead", "dateline", "author", "source", "url", "date", "country", "actor", "topic", "mention",
        "id", "extra",
    ];
    let opts = gazette::query::parse::ParseOptions { fields: &fields, default_and: true };
    let mut rng = seed(0x5EED_0005);
    for case in 0..cases(1500) {
        let q: String = (0..1 + rng.below(7)).map(|_| *rng.pick(QUERY_PIECES)).collect();
        match gazette::query::parse::parse(&q, &opts) {
            Ok(tree) => {
                let printed = tree.to_string();
                let again = gazette::query::parse::parse(&printed, &opts)
                    .unwrap_or_else(|e| panic!("case {case}: {q:?} printed as {printed:?}, which fails: {e}"));
                assert_eq!(again.to_string(), printed, "case {case}: {q:?}");
            }
            Err(e) => {
                assert!(e.position <= q.chars().count(), "case {case}: {q:?}: position {} past the end", e.position)
            }
        }
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let request = SearchRequest::new(q.as_str()).limit(5).passages(3).facets(3);
            if let Ok(results) = index.search(&request) {
                for hit in &results.hits {
                    for h in std::iter::once(&hit.title).chain(hit.passages.iter().map(|p| &p.fragment)) {
                        for r in &h.highlights {
                            assert!(r.start < r.end && r.end <= h.text.len(), "{q:?}: {r:?} in {:?}", h.text);
                            assert!(h.text.is_char_boundary(r.start) && h.text.is_char_boundary(r.end), "{q:?}");
                        }
                    }
                }
            }
            let _ = request.explain(&index);
        }));
        assert!(outcome.is_ok(), "case {case}: query {q:?} panicked");
    }
}

/// Cases the long runs found, kept so that they stay fixed: a byte-order mark alone (under
/// any format: neither a document nor a problem), a wildcard word shaped like an operator
/// (printed back as the operator).
#[test]
fn cases_found_by_long_runs() {
    for bytes in [&b"\xEF\xBB\xBF"[..], b"\xEF\xBB\xBF\n\n", b"\xFF\xFE", b"\n\n\n"] {
        for format in FORMATS {
            let loaded = load_bytes(bytes, format, "x", Path::new("x"));
            assert!(!loaded.documents.is_empty() || !loaded.warnings.is_empty(), "{bytes:?} as {format:?}");
        }
    }
    let fields = ["author", "title"];
    let opts = gazette::query::parse::ParseOptions { fields: &fields, default_and: true };
    for q in ["author:W/Swash*W/Pé\\>=2014", "author:\\W/S*"] {
        let printed = gazette::query::parse::parse(q, &opts).unwrap().to_string();
        let again =
            gazette::query::parse::parse(&printed, &opts).unwrap_or_else(|e| panic!("{q:?} → {printed:?}: {e}"));
        assert_eq!(again.to_string(), printed, "{q:?}");
    }
}
