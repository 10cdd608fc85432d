//! The classic traps of country names, one row each: the text, the countries it must name,
//! and the ones it must not (mentioned or central).

use gazette::Document;
use gazette::enrich::{Enricher, Enrichment};

/// Enriches each row's text as a body and checks the names `names` takes from the result.
fn check(table: &[(&str, &[&str], &[&str])], names: fn(&Enrichment) -> Vec<String>) {
    let e = Enricher::builtin().unwrap();
    let mut failures = Vec::new();
    for &(text, want, not) in table {
        let doc = Document { id: "t".into(), title: String::new(), body: text.into(), ..Document::default() };
        let got = names(&e.enrich(&doc));
        for w in want.iter().filter(|w| !got.iter().any(|g| g == *w)) {
            failures.push(format!("{text:?}: {w} missing (got {got:?})"));
        }
        for n in not.iter().filter(|n| got.iter().any(|g| g == *n)) {
            failures.push(format!("{text:?}: {n} found (got {got:?})"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

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
    check(TRAPS, |e| e.countries.iter().map(|c| c.name.clone()).collect());
}

/// (text, organizations named, organizations not named)
const ORGANIZATIONS: &[(&str, &[&str], &[&str])] = &[
    // `&` joins the words of a name, and stays in it.
    (
        "The American Apparel & Footwear Association said the tariffs would raise prices.",
        &["American Apparel & Footwear Association"],
        &["Footwear Association"],
    ),
    // `of the` after the head of a body belongs to the body's name.
    (
        "The Office of the Auditor General found glaring disregard for basic management practices.",
        &["Office of the Auditor General"],
        &[],
    ),
    // ... and nowhere else: a role and a speech are no bodies.
    (
        "The Secretary of the Navy spoke after the State of the Union address.",
        &[],
        &["Secretary of the Navy", "State of the Union"],
    ),
    // Words after the last head of a body, with no connector, are not part of its name.
    (
        "Senate Armed Services Committee Chairman Jack Reed said the bill would pass.",
        &["Senate Armed Services Committee", "Jack Reed"],
        &["Senate Armed Services Committee Chairman Jack Reed"],
    ),
    ("The Kemeny Commission Report blamed operator error.", &["Kemeny Commission"], &["Kemeny Commission Report"]),
    // No person's name holds a `&`.
    // (A verb of speech makes a two-word run a person: without the split at `&`, this would
    // be "Smith Wesson".)
    ("The deal will close soon, said Smith & Wesson.", &[], &["Smith Wesson"]),
];

#[test]
fn organization_names() {
    check(ORGANIZATIONS, |e| e.organizations.iter().chain(&e.persons).map(|o| o.name.clone()).collect());
}
