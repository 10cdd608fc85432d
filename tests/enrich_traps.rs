//! The classic traps of country names, one row each: the text, the countries it must name,
//! and the ones it must not (mentioned or central).

use gazette::Document;
use gazette::enrich::Enricher;

/// (text, countries named, countries not named)
const TRAPS: &[(&str, &[&str], &[&str])] = &[
    // An ambiguous name counts only with evidence for the country reading in the document.
    ("Protesters filled the streets of Tbilisi as Georgia's parliament voted.", &["Georgia"], &[]),
    ("Thousands marched in the South Caucasus. Georgia's parliament voted.", &["Georgia"], &[]),
    ("The governor of Georgia signed the bill in Atlanta on Tuesday.", &[], &["Georgia"]),
    // Evidence must be a whole word: "Tbilisian" is not "Tbilisi".
    ("A Tbilisian chef cooked. Georgia's parliament voted.", &[], &["Georgia"]),
    ("Jordan Henderson scored twice for Liverpool.", &[], &["Jordan"]),
    ("The family ate turkey at Thanksgiving.", &[], &["Turkey"]),
    // Longest match: the longer name wins over the one inside it.
    ("Officials in New Mexico and New Jersey met on Monday.", &[], &["Mexico", "Jersey"]),
    ("Troops in Nigeria moved north.", &["Nigeria"], &["Niger"]),
    ("Papua New Guinea held an election.", &["Papua New Guinea"], &["Guinea"]),
    ("Beijing and Washington traded accusations.", &["China", "United States"], &[]),
];

#[test]
fn country_traps() {
    let e = Enricher::builtin().unwrap();
    let mut failures = Vec::new();
    for &(text, want, not) in TRAPS {
        let doc = Document { id: "t".into(), title: String::new(), body: text.into(), ..Document::default() };
        let got: Vec<String> = e.enrich(&doc).countries.into_iter().map(|c| c.name).collect();
        for w in want {
            if !got.iter().any(|g| g == w) {
                failures.push(format!("{text:?}: {w} missing (got {got:?})"));
            }
        }
        for n in not {
            if got.iter().any(|g| g == n) {
                failures.push(format!("{text:?}: {n} found (got {got:?})"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
