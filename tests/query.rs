//! The query language end to end, as tables: every operator on a small index whose answers
//! are known, and errors with their positions.

use chrono::{TimeZone, Utc};
use gazette::{Document, Error, Index, SearchRequest};

fn doc(id: &str, title: &str, body: &str, date: Option<(i32, u32, u32)>, url: Option<&str>) -> Document {
    let mut d = Document::new(id, title, body);
    d.date = date.map(|(y, m, day)| Utc.with_ymd_and_hms(y, m, day, 12, 0, 0).unwrap());
    d.url = url.map(str::to_string);
    d
}

fn index() -> Index {
    let index = Index::create_in_ram().unwrap();
    let mut w = index.writer().unwrap();
    let docs = [
        doc(
            "cyber",
            "China denies cyber attacks",
            "BEIJING — China's Ministry of Foreign Affairs denied that Chinese hackers attacked American firms. \
             Washington imposed sanctions on two companies.",
            Some((2015, 9, 24)),
            Some("https://example.org/cyber"),
        ),
        doc(
            "women",
            "Women in parliament",
            "The number of women elected to parliament rose. A woman now leads the committee on cyberspace.",
            Some((2016, 3, 8)),
            None,
        ),
        doc(
            "tariffs",
            "New tariffs on steel",
            "The United States raised tariffs on Chinese steel. Beijing called the sanction unfair.",
            Some((2018, 6, 1)),
            Some("https://example.org/steel"),
        ),
        doc(
            "grain",
            "Grain deal extended",
            "Ukraine and Russia agreed to extend the grain corridor through the Black Sea.",
            Some((2023, 5, 17)),
            None,
        ),
        doc("undated", "Notes on sanctions policy", "Sanctions work slowly. Attacks on them are common.", None, None),
    ];
    for d in &docs {
        w.add(d).unwrap();
    }
    w.commit().unwrap();
    index
}

/// The ids a query finds with every word required (`Matching::Most`, the default, has its
/// own table in tests/index.rs).
fn ids(index: &Index, q: &str) -> Vec<String> {
    let request = SearchRequest::new(q).matching(gazette::query::Matching::All).limit(100).passages(0);
    let r = index.search(&request).unwrap_or_else(|e| panic!("{q}: {e}"));
    let mut ids: Vec<String> = r.hits.into_iter().map(|h| h.id).collect();
    ids.sort();
    ids
}

#[test]
fn every_operator_finds_what_it_should() {
    let index = index();
    let table: &[(&str, &[&str])] = &[
        // Words: stemmed, AND by default, all default fields.
        ("sanction", &["tariffs", "undated", "cyber"]),
        ("sanctions china", &["cyber"]),
        ("sanctions chinese", &["cyber", "tariffs"]),
        ("china OR ukraine", &["cyber", "grain"]),
        ("china AND NOT steel", &["cyber"]),
        ("china -steel", &["cyber"]),
        ("-china", &["grain", "tariffs", "undated", "women"]),
        ("NOT china NOT sanctions", &["grain", "women"]),
        // Precedence: AND binds tighter than OR; parentheses override.
        ("grain OR china AND steel", &["grain"]),
        ("(grain OR china) AND steel", &[]),
        ("grain OR chinese AND steel", &["grain", "tariffs"]),
        ("(grain OR chinese) AND steel", &["tariffs"]),
        ("women OR (china -steel)", &["cyber", "women"]),
        // Phrases, slop, fields, boosts.
        ("\"cyber attacks\"", &["cyber"]),
        ("\"china attacks\"", &[]),
        ("\"china attacks\"~3", &["cyber"]),
        ("title:sanctions", &["undated"]),
        ("title:(grain OR steel)", &["grain", "tariffs"]),
        ("grain^3 OR steel", &["grain", "tariffs"]),
        // Wildcards and fuzzy words, expanded against the index's words.
        ("cyber*", &["cyber", "women"]),
        ("wom?n", &["women"]),
        // The index holds stems: `attacks*` also finds what `attacks` finds (stem `attack`).
        ("attacks*", &["cyber", "undated"]),
        ("sanctoin~1", &["cyber", "tariffs", "undated"]),
        ("stel~", &["tariffs"]),
        // Exists, dates, facets.
        ("url:*", &["cyber", "tariffs"]),
        ("-url:*", &["grain", "undated", "women"]),
        ("date:[2015-01-01 TO 2016-06-30]", &["cyber", "women"]),
        ("date:[2016 TO *]", &["grain", "tariffs", "women"]),
        ("date:2018", &["tariffs"]),
        ("date:2015-09", &["cyber"]),
        ("date:>=2018-06-01", &["grain", "tariffs"]),
        ("date:<2016", &["cyber"]),
        ("country:China", &["cyber", "tariffs"]),
        ("country:Europe", &["grain"]),
        ("country: IN [Ukraine China]", &["cyber", "grain", "tariffs"]),
        ("sanctions country:China -date:2018", &["cyber"]),
        // Proximity: within n words in either order, or in order.
        ("hackers W/3 attacked", &["cyber"]),
        ("attacked W/1 hackers", &["cyber"]),
        ("hackers PRE/1 attacked", &["cyber"]),
        ("attacked PRE/3 hackers", &[]),
        ("denied W/2 firms", &[]),
        ("denied W/6 firms", &["cyber"]),
        ("(spies OR hackers) W/2 american", &["cyber"]),
        ("hack* W/2 american", &["cyber"]),
        ("\"chinese hackers\" PRE/3 firms", &["cyber"]),
        ("wom?n W/3 parliament", &["women"]),
        ("-(tariffs W/2 steel) steel", &[]),
        ("tariffs W/2 steel OR grain", &["grain", "tariffs"]),
        // Same sentence, same paragraph (read from the stored text).
        ("hackers W/S firms", &["cyber"]),
        ("hackers W/S sanctions", &[]),
        ("hackers W/P sanctions", &["cyber"]),
        ("sanctions W/S attack*", &[]),
        ("sanctions W/P attack*", &["cyber", "undated"]),
        ("elected W/S committee", &[]),
        ("(elected OR woman) W/S committee", &["women"]),
        // Everything, and words the analyzer drops.
        ("*", &["cyber", "grain", "tariffs", "undated", "women"]),
        ("the", &[]),
    ];
    let mut failures = Vec::new();
    for (q, want) in table {
        let got = ids(&index, q);
        let mut want: Vec<String> = want.iter().map(|s| s.to_string()).collect();
        want.sort();
        if got != want {
            failures.push(format!("{q}: got {got:?}, want {want:?}"));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn the_default_operator_can_be_or() {
    let index = index();
    let r = index.search(&SearchRequest::new("grain steel").match_any(true).limit(10)).unwrap();
    assert_eq!(r.total, 2);
    let r = index.search(&SearchRequest::new("+grain steel").match_any(true).limit(10)).unwrap();
    assert_eq!(r.hits.iter().map(|h| h.id.as_str()).collect::<Vec<_>>(), ["grain"]);
}

#[test]
fn errors_name_the_position_and_the_fix() {
    let index = index();
    let table: &[(&str, usize, &str)] = &[
        ("china AND", 6, "AND"),
        ("\"cyber attack", 0, "quote"),
        ("(china OR iran", 0, "("),
        ("contry:China", 0, "did you mean 'country'"),
        ("sanction~3", 8, "0, 1 or 2"),
        ("  china OR OR iran", 8, "OR"),
    ];
    for (q, pos, needle) in table {
        match index.search(&SearchRequest::new(*q)) {
            Err(Error::QuerySyntax { position, message, .. }) => {
                assert_eq!(position, *pos, "{q}: {message}");
                assert!(message.contains(needle), "{q}: {message}");
            }
            other => panic!("{q}: expected a syntax error, got {other:?}"),
        }
    }
    // Valid syntax that the index cannot answer.
    for q in ["title:*", "country:cyber*", "date:[soon TO later]", "(a W/5 b) W/S c", "china W/5 title:hack"] {
        assert!(matches!(index.search(&SearchRequest::new(q)), Err(Error::InvalidQuery { .. })), "{q}");
    }
}

#[test]
fn wildcard_and_fuzzy_expansions_are_highlighted() {
    let index = index();
    let r = index.search(&SearchRequest::new("cyber*").limit(10)).unwrap();
    let women = r.hits.iter().find(|h| h.id == "women").unwrap();
    assert!(women.passages[0].fragment.render("[", "]").contains("[cyberspace]"), "{:?}", women.passages);
    let r = index.search(&SearchRequest::new("sanctoin~1").limit(10)).unwrap();
    let tariffs = r.hits.iter().find(|h| h.id == "tariffs").unwrap();
    assert!(tariffs.passages.iter().any(|p| p.fragment.render("[", "]").contains("[sanction]")));
    let r = index.search(&SearchRequest::new("hack* W/2 american").limit(10)).unwrap();
    let text = r.hits[0].passages[0].fragment.render("[", "]");
    assert!(text.contains("[hackers]") && text.contains("[American]"), "{text}");
}

#[test]
fn sorting_by_date_and_date_bounds() {
    let index = index();
    let order = |r: gazette::SearchResults| r.hits.into_iter().map(|h| h.id).collect::<Vec<_>>();
    let all = |sort| SearchRequest::new("*").limit(10).passages(0).sort(sort);
    assert_eq!(
        order(index.search(&all(gazette::Sort::Newest)).unwrap()),
        ["grain", "tariffs", "women", "cyber", "undated"]
    );
    assert_eq!(
        order(index.search(&all(gazette::Sort::Oldest)).unwrap()),
        ["cyber", "women", "tariffs", "grain", "undated"]
    );
    // Bounds are whole periods: --to 2016 includes all of 2016.
    let bounded = SearchRequest::new("*").limit(10).passages(0).since("2015-10").until("2018");
    let mut got = order(index.search(&bounded).unwrap());
    got.sort();
    assert_eq!(got, ["tariffs", "women"]);
    let bad = index.search(&SearchRequest::new("*").since("yesterday-ish"));
    assert!(matches!(bad, Err(Error::InvalidArgument { what: "since date", .. })), "{bad:?}");
}

#[test]
fn equal_scores_are_ordered_by_id() {
    // Four documents with the same text score the same; their order must not depend on how
    // the index was built (one writer thread or two, one commit or several).
    let a = Index::create_in_ram().unwrap();
    let mut w = a.writer().unwrap();
    for id in ["d", "b", "a", "c"] {
        w.add(&Document::new(id, "Same title", "Same body about tariffs.")).unwrap();
        w.commit().unwrap();
    }
    let r = a.search(&SearchRequest::new("tariffs").limit(3)).unwrap();
    assert_eq!(r.hits.iter().map(|h| h.id.as_str()).collect::<Vec<_>>(), ["a", "b", "c"]);
    let r = a.search(&SearchRequest::new("tariffs").limit(2).offset(2)).unwrap();
    assert_eq!(r.hits.iter().map(|h| h.id.as_str()).collect::<Vec<_>>(), ["c", "d"]);
}

#[test]
fn timeline_counts_matches_and_shares_per_period() {
    let index = index();
    let rows = index.timeline(&SearchRequest::new("sanctions OR parliament"), gazette::query::Period::Year).unwrap();
    let got: Vec<(&str, u64, u64)> = rows.iter().map(|r| (r.period.as_str(), r.matching, r.total)).collect();
    // The undated document matches but has no period.
    assert_eq!(got, [("2015", 1, 1), ("2016", 1, 1), ("2018", 1, 1), ("2023", 0, 1)]);
    let months = index.timeline(&SearchRequest::new("*").country("China"), gazette::query::Period::Month).unwrap();
    let got: Vec<(&str, u64)> =
        months.iter().filter(|r| r.matching > 0).map(|r| (r.period.as_str(), r.matching)).collect();
    assert_eq!(got, [("2015-09", 1), ("2018-06", 1)]);
}

#[test]
fn explain_counts_each_clause_and_empty_results_suggest_a_looser_query() {
    let index = index();
    let clauses = SearchRequest::new("steel AND (grain OR the) -china").explain(&index).unwrap();
    let shown: Vec<(usize, &str, usize)> = clauses.iter().map(|c| (c.depth, c.clause.as_str(), c.documents)).collect();
    assert_eq!(
        shown,
        [
            (0, "steel AND (grain OR the) AND (NOT china)", 0),
            (1, "steel", 1),
            (1, "grain OR the", 1),
            (2, "grain", 1),
            (2, "the", 0),
            (1, "NOT china", 1),
        ]
    );
    assert!(clauses[4].note.as_deref().unwrap().contains("dropped by the analyzer"));
    assert!(clauses[5].note.as_deref().unwrap().contains("excludes"));

    // A phrase that is not in any document: its words within 5 of each other are.
    let r = index.search(&SearchRequest::new("\"china attacks\"")).unwrap();
    assert_eq!(r.total, 0);
    assert_eq!(r.suggestions[0].query, "china W/5 attacks");
    assert!(r.suggestions[0].documents >= 1);
    // AND as OR, exclusions kept.
    let all = |q: &str| SearchRequest::new(q).matching(gazette::query::Matching::All);
    let r = index.search(&all("grain steel -parliament")).unwrap();
    assert_eq!(r.total, 0);
    let s = &r.suggestions[0];
    assert_eq!((s.query.as_str(), s.documents), ("(grain OR steel) AND (NOT parliament)", 2));
    // A query with hits gets no suggestion.
    assert!(index.search(&SearchRequest::new("grain")).unwrap().suggestions.is_empty());
    // A misspelled word: it alone becomes fuzzy, first; the other loosenings follow.
    let cases: &[(&str, &[(&str, usize)])] = &[
        ("graim", &[("graim~", 1)]),
        ("tarifs steel", &[("tarifs~ AND steel", 1), ("tarifs OR steel", 1)]),
        ("steel W/5 tarifs", &[("steel W/5 tarifs~", 1)]),
        // An exclusion that matches nothing is not why there are no hits.
        ("graim -chnia", &[("graim~ AND (NOT chnia)", 1)]),
        ("zzqqxx", &[]),
    ];
    for (query, want) in cases {
        let r = index.search(&all(query)).unwrap();
        assert_eq!(r.total, 0, "{query}");
        let got: Vec<(&str, usize)> = r.suggestions.iter().map(|s| (s.query.as_str(), s.documents)).collect();
        assert_eq!(got, *want, "{query}");
    }
}

#[test]
fn facet_counts_drill_sideways_and_count_years() {
    let index = index();
    let all = index.search(&SearchRequest::new("*").facets(10)).unwrap().facets.unwrap();
    let values =
        |list: &[gazette::query::FacetCount]| list.iter().map(|c| (c.value.clone(), c.count)).collect::<Vec<_>>();
    let china = index.search(&SearchRequest::new("*").country("China").facets(10)).unwrap();
    assert_eq!(china.total, 2);
    let f = china.facets.unwrap();
    // The country counts ignore the country filter: the other countries stay to be ticked.
    assert_eq!(values(&f.country), values(&all.country));
    assert!(f.country.iter().any(|c| c.value == "Ukraine"), "{:?}", f.country);
    // The other fields are counted among the filtered documents only.
    assert_eq!(values(&f.year), [("2018".to_string(), 1), ("2015".to_string(), 1)]);
    assert_eq!(values(&all.year).len(), 4);
}

#[test]
fn passages_name_the_clauses_they_satisfy() {
    let index = index();
    let r = index
        .search(&SearchRequest::new("\"cyber attacks\" OR (hack* W/2 american) OR sanctions").limit(1).passages(3))
        .unwrap();
    let hit = &r.hits[0];
    assert_eq!(hit.id, "cyber");
    let clauses: Vec<&[String]> = hit.passages.iter().map(|p| p.clauses.as_slice()).collect();
    assert_eq!(
        clauses,
        [&["hack* W/2 american".to_string()][..], &["sanctions".to_string()][..]],
        "{:?}",
        hit.passages
    );
    let json = serde_json::to_value(&hit.passages[0]).unwrap();
    assert_eq!(json["clauses"][0], "hack* W/2 american");
}

#[test]
fn sources_are_counted() {
    let index = Index::create_in_ram().unwrap();
    let mut w = index.writer().unwrap();
    for (id, source) in
        [("a", Some("Meridian Wire")), ("b", Some("Meridian Wire")), ("c", Some("Hemisphere Report")), ("d", None)]
    {
        let mut d = Document::new(id, "Tariffs", "Tariffs rose.");
        d.source = source.map(str::to_string);
        w.add(&d).unwrap();
    }
    w.commit().unwrap();
    let f = index.search(&SearchRequest::new("tariffs").facets(5)).unwrap().facets.unwrap();
    let got: Vec<(&str, u64)> = f.source.iter().map(|c| (c.value.as_str(), c.count)).collect();
    assert_eq!(got, [("Meridian Wire", 2), ("Hemisphere Report", 1)]);
}

#[test]
fn recency_favours_newer_documents() {
    let index = Index::create_in_ram().unwrap();
    let mut w = index.writer().unwrap();
    for (id, year, text) in
        [("a", 2010, "Tariffs rose. Tariffs again."), ("b", 2020, "Tariffs rose."), ("c", 2021, "Grain.")]
    {
        let mut d = Document::new(id, "News", text);
        d.date = Some(Utc.with_ymd_and_hms(year, 1, 1, 0, 0, 0).unwrap());
        w.add(&d).unwrap();
    }
    w.commit().unwrap();
    let order = |r: SearchRequest| index.search(&r).unwrap().hits.into_iter().map(|h| h.id).collect::<Vec<_>>();
    // By BM25 alone the document saying it twice wins; a one-year half-life turns that round.
    assert_eq!(order(SearchRequest::new("tariffs")), ["a", "b"]);
    assert_eq!(order(SearchRequest::new("tariffs").recency(365.0)), ["b", "a"]);
    // A very long half-life changes little.
    assert_eq!(order(SearchRequest::new("tariffs").recency(1e9)), ["a", "b"]);
}

/// Queries made of random fragments of the syntax: each one gives results or an error,
/// never a panic (a deterministic generator, so a failure can be replayed).
#[test]
fn random_queries_never_panic() {
    let index = index();
    let fragments = [
        "china", "steel", "the", "\"", "(", ")", "[", "]", "{", "}", "AND", "OR", "NOT", "-", "+", "!", "*", "?", "~",
        "~1", "~3", "^", "^2", "W/5", "W/0", "PRE/2", "W/S", "W/P", "NEAR/3", ":", "title:", "country:", "date:",
        "url:", "IN", "TO", "2015", "2015-13", "\\", "é", "中国", " ", " ", " ", "cyber*", "wom?n", "\"a b\"~2",
        "date:[2015 TO *]", "date:>=2016", "extra.x:", "&&", "||", "SAME", "country: IN [China", "'", ",",
    ];
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for _ in 0..2000 {
        let n = 1 + next() % 8;
        let q: String = (0..n).map(|_| fragments[(next() % fragments.len() as u64) as usize]).collect();
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let _ = index.search(&SearchRequest::new(q.as_str()).limit(3).facets(2));
            let _ = SearchRequest::new(q.as_str()).explain(&index);
        }));
        assert!(outcome.is_ok(), "query {q:?} panicked");
    }
}

/// Counts of all five fields as (field, value, count) rows, for comparing results.
fn count_rows(f: &gazette::query::FacetCounts) -> Vec<(&'static str, String, u64)> {
    let mut rows = Vec::new();
    for (name, list) in
        [("country", &f.country), ("actor", &f.actor), ("topic", &f.topic), ("year", &f.year), ("source", &f.source)]
    {
        rows.extend(list.iter().map(|c| (name, c.path.clone(), c.count)));
    }
    rows
}

#[test]
fn repeated_searches_count_what_the_first_counted() {
    // The first search over a segment counts from the columns, later ones from flat arrays
    // built at the second: all must agree, over several segments, with each other and with
    // counts made by hand.
    let docs = [
        ("a", "China and Russia talk tariffs", Some((2015, 12, 31)), Some("Wire")),
        ("b", "Tariffs on Chinese steel", Some((2016, 1, 1)), Some("Wire")),
        ("c", "Vladimir Putin raises tariffs", Some((2016, 2, 29)), Some("Report")),
        ("d", "Tariffs, China and Japan", None, None),
        ("e", "Weather in Japan", Some((2016, 3, 1)), Some("Report")),
    ];
    for q in ["*", "tariffs", "-tariffs", "tariffs AND china", "nothing"] {
        let index = Index::create_in_ram().unwrap();
        let mut w = index.writer().unwrap();
        for (i, (id, title, date, source)) in docs.iter().enumerate() {
            let mut d = doc(id, title, title, *date, None);
            d.source = source.map(str::to_string);
            w.add(&d).unwrap();
            if i % 2 == 1 {
                w.commit().unwrap();
            }
        }
        w.commit().unwrap();
        // With a country filter too: its counts come from a pass of their own (drill sideways).
        let filtered = SearchRequest::new(q).country("Japan").facets(10);
        let first_filtered = count_rows(index.search(&filtered).unwrap().facets.as_ref().unwrap());
        let req = SearchRequest::new(q).facets(10);
        let first = index.search(&req).unwrap();
        let rows = count_rows(first.facets.as_ref().unwrap());
        for _ in 0..3 {
            assert_eq!(count_rows(index.search(&req).unwrap().facets.as_ref().unwrap()), rows, "{q}");
            assert_eq!(count_rows(index.search(&filtered).unwrap().facets.as_ref().unwrap()), first_filtered, "{q}");
        }
        // By hand, from the matching documents themselves.
        let hits = ids(&index, q);
        assert_eq!(first.total, hits.len(), "{q}");
        let mut want: Vec<(&'static str, String, u64)> = Vec::new();
        let mut add = |field: &'static str, path: String| match want.iter_mut().find(|r| r.0 == field && r.1 == path) {
            Some(r) => r.2 += 1,
            None => want.push((field, path, 1)),
        };
        for (id, title, date, source) in docs.iter().filter(|d| hits.contains(&d.0.to_string())) {
            let e = gazette::Enricher::builtin().unwrap().enrich(&doc(id, title, title, *date, None));
            e.country_facets().for_each(|p| add("country", p.to_string()));
            e.actor_facets().for_each(|p| add("actor", p.to_string()));
            if let Some((y, _, _)) = date {
                add("year", format!("/{y}"));
            }
            if let Some(s) = source {
                add("source", format!("/{s}"));
            }
        }
        let mut got: Vec<_> = rows.into_iter().filter(|r| r.0 != "topic").collect();
        got.sort();
        want.sort();
        assert_eq!(got, want, "{q}");
        assert_eq!(got.iter().any(|r| r.0 == "country"), q != "nothing", "{q}: {got:?}");
        assert_eq!(got.iter().any(|r| r.0 == "actor"), q == "*" || q == "tariffs", "{q}: {got:?}");
    }
}

#[test]
fn dates_centuries_apart_are_all_counted() {
    let index = Index::create_in_ram().unwrap();
    let mut w = index.writer().unwrap();
    for (id, year) in [("old", 1700), ("new", 2020), ("newer", 2021)] {
        w.add(&doc(id, "Tariffs", "Tariffs rose.", Some((year, 5, 1)), None)).unwrap();
    }
    w.commit().unwrap();
    let years = |f: &gazette::query::FacetCounts| f.year.iter().map(|c| (c.value.clone(), c.count)).collect::<Vec<_>>();
    // The first search counts from the columns, the next ones from flat arrays.
    for _ in 0..3 {
        let f = index.search(&SearchRequest::new("tariffs").facets(10)).unwrap().facets.unwrap();
        assert_eq!(years(&f), [("2021".to_string(), 1), ("2020".to_string(), 1), ("1700".to_string(), 1)]);
    }
    // 321 years: more days than the timeline counts in its array.
    let rows = index.timeline(&SearchRequest::new("tariffs"), gazette::query::Period::Day).unwrap();
    let days: Vec<(&str, u64)> = rows.iter().map(|r| (r.period.as_str(), r.matching)).collect();
    assert_eq!(days, [("1700-05-01", 1), ("2020-05-01", 1), ("2021-05-01", 1)]);
}

/// Issue "hardening": queries and arguments that panicked or overflowed. An open range at
/// both ends is any date; a limit or offset past every document asks for everything there is,
/// or nothing; huge counts of passages and facets are fine.
#[test]
fn open_ranges_and_huge_limits_neither_panic_nor_overflow() {
    let index = index();
    let dated = index.search(&SearchRequest::new("date:*").limit(100)).unwrap().total;
    assert!(dated > 0);
    for q in ["date:[* TO *]", "date:{* TO *}", "date:[* TO *] OR date:[2015 TO *]"] {
        assert_eq!(index.search(&SearchRequest::new(q).limit(100)).unwrap().total, dated, "{q}");
    }
    let all = index.search(&SearchRequest::new("*").limit(100).passages(0)).unwrap();
    for (limit, offset) in
        [(usize::MAX, 0), (usize::MAX / 2, 0), (1 << 62, 0), (10, usize::MAX), (usize::MAX, usize::MAX)]
    {
        let r = index
            .search(&SearchRequest::new("*").limit(limit).offset(offset).passages(usize::MAX).facets(usize::MAX))
            .unwrap();
        assert_eq!(r.total, all.total);
        let want = if offset == 0 { all.total } else { 0 };
        assert_eq!(r.hits.len(), want, "limit {limit} offset {offset}");
    }
}

/// Issue "hardening": a long flat chain of proximity connectors is a syntax error with a
/// position, never a stack overflow; a chain within the limit runs through every stage (an
/// answer, or the error that such a side is not supported yet).
#[test]
fn long_proximity_chains_are_errors_not_overflows() {
    let index = index();
    for op in ["W/S", "W/P", "W/4", "PRE/3", "NEAR/2"] {
        let long = format!("cyber{}", format!(" {op} cyber").repeat(20_000));
        let err = index.search(&SearchRequest::new(&long)).unwrap_err();
        assert!(matches!(err, Error::QuerySyntax { .. }), "{op}: {err}");
        let within = format!("cyber{}", format!(" {op} cyber").repeat(100));
        let request = SearchRequest::new(&within).facets(5);
        let answered = |r: Result<(), Error>| matches!(r, Ok(()) | Err(Error::InvalidQuery { .. }));
        assert!(answered(index.search(&request).map(drop)), "{op}");
        assert!(answered(request.explain(&index).map(drop)), "{op}");
    }
}

/// Issue "hardening": a query's cost is bounded. Past the limits on words and on wildcard
/// and fuzzy words, the error points at the first word past the limit; within them, a query
/// runs, and a long query of misspelt words gets no fuzzy relaxation that would cost more.
#[test]
fn a_query_costs_at_most_its_limits() {
    use gazette::query::{MAX_PATTERN_WORDS, MAX_QUERY_WORDS};
    let index = index();
    let words = |n: usize, word: &str| (0..n).map(|i| format!("{word}{i}")).collect::<Vec<_>>().join(" OR ");
    for (query, limit) in
        [(words(MAX_QUERY_WORDS + 5, "w"), MAX_QUERY_WORDS), (words(MAX_PATTERN_WORDS + 5, "cyb*"), MAX_PATTERN_WORDS)]
    {
        match index.search(&SearchRequest::new(&query)) {
            Err(Error::QuerySyntax { position, message, .. }) => {
                let nth = query.split(" OR ").take(limit).map(|w| w.chars().count() + 4).sum::<usize>();
                assert_eq!(position, nth, "{message}");
                assert!(message.contains(&format!("more than {limit}")), "{message}");
            }
            other => panic!("{other:?}"),
        }
    }
    assert!(index.search(&SearchRequest::new(words(MAX_QUERY_WORDS, "w"))).is_ok());
    assert!(index.search(&SearchRequest::new(words(MAX_PATTERN_WORDS, "cyb*"))).is_ok());
    let misspelt = index.search(&SearchRequest::new(words(200, "qqzx").replace(" OR ", " "))).unwrap();
    assert_eq!(misspelt.total, 0);
    assert!(misspelt.suggestions.iter().all(|s| !s.query.contains('~')), "{:?}", misspelt.suggestions);
}

/// Issue "hardening": what the README shows works as typed. `extra.KEY:value` searches the
/// source's own fields; a phrase on a field without positions (`dateline`, the JSON field)
/// means all of its words; wildcards of any characters are patterns, never a regex error.
#[test]
fn extra_fields_datelines_and_symbol_wildcards_work_as_typed() {
    let index = Index::create_in_ram().unwrap();
    let mut w = index.writer().unwrap();
    let mut a = Document::new("a", "Talks resume", "The State Department said talks on the €5bn deal began.");
    a.dateline = Some("STATE DEPARTMENT".into());
    a.extra.insert("section".into(), serde_json::json!("world"));
    a.extra.insert("desk".into(), serde_json::json!("Foreign Desk"));
    let mut b = Document::new("b", "Roads", "Roads were repaired in the city.");
    b.extra.insert("section".into(), serde_json::json!("metro"));
    w.add(&a).unwrap();
    w.add(&b).unwrap();
    w.commit().unwrap();
    let ids = |q: &str| -> Vec<String> {
        index.search(&SearchRequest::new(q)).unwrap().hits.into_iter().map(|h| h.id).collect()
    };
    assert_eq!(ids("extra.section:world"), ["a"]);
    assert_eq!(ids("extra.section:metro"), ["b"]);
    assert_eq!(ids("extra.desk:\"foreign desk\""), ["a"]);
    assert!(ids("extra.desk:\"foreign news\"").is_empty());
    assert_eq!(ids("dateline:\"STATE DEPARTMENT\""), ["a"]);
    assert_eq!(ids("dateline:\"state department\" AND talks"), ["a"]);
    for q in ["€*", "c++*", "talks W/S €*", "“€5bn”", "$*", "a\\*b*"] {
        match index.search(&SearchRequest::new(q)) {
            Ok(_) => {}
            Err(e) => assert!(!e.to_string().contains("regex") && !e.to_string().contains("escape"), "{q}: {e}"),
        }
    }
}
