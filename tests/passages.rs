//! Snapshots of the evidence passages: what is highlighted for phrases, proximity, wildcards,
//! fuzzy words and stems, in brackets and as HTML.

use gazette::{Document, Index, SearchRequest};

fn index() -> Index {
    let index = Index::create_in_ram().unwrap();
    let mut w = index.writer().unwrap();
    let docs = [
        Document::new(
            "cyber",
            "China denies cyber attacks on U.S. firms",
            "BEIJING — China denied on Thursday that it was behind the cyber attacks on American firms. \
             Officials said the attacks came from criminal groups, not the state.\n\n\
             Washington has imposed sanctions on two companies. Analysts expect more sanctions soon.",
        ),
        Document::new(
            "script",
            "Markup <script>alert('t')</script> in a headline",
            "The page said <script>alert(1)</script> before the sanctions list & the tariffs.",
        ),
    ];
    for d in &docs {
        w.add(d).unwrap();
    }
    w.commit().unwrap();
    index
}

/// Title and passages of the first hit, highlights in brackets, one per line.
fn render(index: &Index, query: &str, html: bool) -> String {
    let r = index.search(&SearchRequest::new(query).limit(1).passages(3)).unwrap();
    let hit = &r.hits[0];
    let show = |h: &gazette::Highlighted| if html { h.render_html() } else { h.render("[", "]") };
    let mut out = format!("query: {query}\ntitle: {}\n", show(&hit.title));
    for p in &hit.passages {
        out.push_str(&format!("- {}\n", show(&p.fragment)));
    }
    out
}

#[test]
fn passages() {
    let index = index();
    let cases = [
        ("phrase", "\"cyber attacks\""),
        ("stems", "sanction"),
        ("proximity", "attacks W/3 firms"),
        ("wildcard", "sanct*"),
        ("fuzzy", "atacks~1"),
        ("boolean", "china AND (sanctions OR tariffs)"),
    ];
    for (name, q) in cases {
        insta::assert_snapshot!(name, render(&index, q, false));
    }
}

#[test]
fn html_passages_escape_markup() {
    let index = index();
    insta::assert_snapshot!("html_script", render(&index, "sanctions tariffs", true));
}
