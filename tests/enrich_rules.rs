//! The rules of entity extraction, one table per family and one row per case: a sentence
//! and what enrichment must make of it. Rows are sentences of a second paragraph (after a
//! neutral lead, with no title) unless the table says otherwise, so that whether an entity
//! is central depends only on the rule under test. The names are invented where the rule is
//! about the open world ("Halvard Ekberg", "Quatermaine Institute"): no gazetteer entry can
//! then stand in for the rule.
//!
//! Entities are written as enrichment lists them: central ones by name, merely mentioned
//! ones in parentheses, central ones first.

use gazette::enrich::{Enricher, Enrichment, Entity};
use gazette::facet::Vocabulary;
use gazette::{Document, Error};

/// The lead that rows follow: it names nothing.
const LEAD: &str = "Intro.";

fn enrich_with(e: &Enricher, title: &str, body: &str) -> Enrichment {
    e.enrich(&Document::new("t", title, body))
}

/// The row's sentence as the second paragraph of an untitled document.
fn enrich_later(sentence: &str) -> Enrichment {
    enrich_with(&Enricher::builtin().unwrap(), "", &format!("{LEAD}\n\n{sentence}"))
}

/// Central entities by name, the others in parentheses, in the enricher's order.
fn listed(list: &[Entity]) -> Vec<String> {
    list.iter().map(|e| if e.central { e.name.clone() } else { format!("({})", e.name) }).collect()
}

fn countries(e: &Enrichment) -> &[Entity] {
    &e.countries
}

fn persons(e: &Enrichment) -> &[Entity] {
    &e.persons
}

fn organizations(e: &Enrichment) -> &[Entity] {
    &e.organizations
}

/// Checks every row, and reports all the rows that fail at once.
fn check(table: &[(&str, &[&str])], kind: fn(&Enrichment) -> &[Entity]) {
    let failures: Vec<String> = table
        .iter()
        .filter_map(|&(sentence, want)| {
            let got = listed(kind(&enrich_later(sentence)));
            (got != want).then(|| format!("{sentence:?}\n    want {want:?}\n     got {got:?}"))
        })
        .collect();
    assert!(failures.is_empty(), "{} of {} rows fail:\n{}", failures.len(), table.len(), failures.join("\n"));
}

/// An ambiguous name is a country only with evidence for the country reading somewhere in
/// the document, and not when a capitalized word follows it (it is then part of a name).
#[test]
fn ambiguous_names_need_evidence() {
    check(
        &[
            ("Ships docked at Aqaba. Aid reached Jordan.", &["(Jordan)"]),
            ("Aid reached Jordan.", &[]),
            ("Ankara said Turkey would veto the bid.", &["Turkey"]),
            ("The family ate turkey and Turkey ham.", &[]),
            ("The Seoul office said Korea would grow.", &["South Korea"]),
            ("Korea Herald reporters said Korea would grow.", &[]),
            ("Chad Smith toured the Sahel.", &[]),
            ("Troops crossed from Chad near Lake Chad.", &["(Chad)"]),
        ],
        countries,
    );
}

/// A blocked phrase holds a country's name but is not the country; it hides the name.
#[test]
fn blocked_phrases() {
    check(
        &[
            ("Flooding hit New South Wales and New England.", &[]),
            ("The Bureau of Indian Affairs met tribal leaders.", &[]),
            ("The Benin Bronze was returned to Nigeria.", &["(Nigeria)"]),
            ("Voters in Washington state approved the measure.", &[]),
            ("Voters in Washington went home.", &["(United States)"]),
        ],
        countries,
    );
}

/// A role title before two capitalized words makes them a person, central unless every
/// role is a past one; without evidence two capitalized words are no one.
#[test]
fn roles() {
    check(
        &[
            ("Finance Minister Halvard Ekberg presented the budget.", &["Halvard Ekberg"]),
            ("Former Finance Minister Halvard Ekberg attended.", &["(Halvard Ekberg)"]),
            ("The late President Halvard Ekberg was honoured.", &["(Halvard Ekberg)"]),
            ("Halvard Ekberg presented the budget.", &[]),
            // A leftover word of a long role is no part of the name.
            ("Environment and Ecology Secretary Tse Chin-wan spoke.", &["Tse Chin-wan"]),
        ],
        persons,
    );
}

/// `Name, <role> ...` and `Name, who ...` introduce a person as a role before it does.
#[test]
fn appositions() {
    check(
        &[
            ("Halvard Ekberg, a spokesman for the ministry, declined to comment.", &["Halvard Ekberg"]),
            ("Halvard Ekberg, who heads the agency, declined to comment.", &["Halvard Ekberg"]),
            ("Halvard Ekberg, a town in the north, flooded.", &[]),
        ],
        persons,
    );
}

/// A verb of speech next to two capitalized words makes them a person, and the sentence a
/// quotation, which makes the person central. "told" makes a quotation only between spaces.
#[test]
fn speech_verbs() {
    check(
        &[
            ("\"We will not yield,\" said Halvard Ekberg.", &["Halvard Ekberg"]),
            ("Halvard Ekberg said the plan would fail.", &["Halvard Ekberg"]),
            ("The plan failed, according to Halvard Ekberg.", &["Halvard Ekberg"]),
            ("The plan failed, Halvard Ekberg told reporters.", &["Halvard Ekberg"]),
            ("Halvard Ekberg told.", &["(Halvard Ekberg)"]),
            ("Halvard Ekberg wrote a book.", &["Halvard Ekberg"]),
            ("Halvard Ekberg painted a mural.", &[]),
        ],
        persons,
    );
}

/// A known first name (or a family name written first) begins a person's name; lower-case
/// particles belong to it; a place's last word ("Street") makes it no person.
#[test]
fn first_names() {
    check(
        &[
            ("Tomas Velloso visited the plant on Monday.", &["(Tomas Velloso)"]),
            ("Zorbin Quatermaine met Tomas Velloso.", &["(Tomas Velloso)"]),
            ("Tomas van der Velloso visited the plant.", &["(Tomas van der Velloso)"]),
            ("Traffic stopped on Tomas Street.", &[]),
        ],
        persons,
    );
}

/// A capitalized run with the head of a body is an organization: the head last, or not
/// first, or first before a connector. A run of generic words only is a kind of body, no
/// organization; words after the last head are not part of the name; a body named after
/// another's possessive is part of it.
#[test]
fn organization_heads() {
    check(
        &[
            ("The Quatermaine Institute published a study.", &["Quatermaine Institute"]),
            ("She joined the Quatermaine Institute in May.", &["(Quatermaine Institute)"]),
            ("The Bank of Quatermaine raised rates.", &["Bank of Quatermaine"]),
            ("The National Quatermaine Council met.", &["(National Quatermaine Council)"]),
            ("The Supreme Court ruled on the Governing Council.", &[]),
            ("The Election Commission ruled.", &[]),
            ("Silicon Valley Bank and Signature Bank failed.", &["(Signature Bank)", "(Silicon Valley Bank)"]),
            ("The Kemeny Commission Report blamed operators.", &["(Kemeny Commission)"]),
            ("The Office of the Auditor General found waste.", &["(Office of the Auditor General)"]),
            (
                "The American Apparel & Footwear Association said prices would rise.",
                &["American Apparel & Footwear Association"],
            ),
            ("RAND Corporation's Center for Asia Pacific Policy published it.", &["(RAND Corporation)"]),
            // A one-word name of a national body needs its country named in the document.
            ("Congress passed the bill.", &[]),
            ("Talks in the United States ended. Congress passed the bill.", &["U.S. Congress"]),
        ],
        organizations,
    );
}

/// A body of a named country: `<body> of <Country>`, `<Country>'s <body>` (the demonym
/// then qualifies it), `<Country> <body>` (as written); a ministry with no country at all is
/// qualified by the document's main country, if it has one.
#[test]
fn bodies_of_countries() {
    check(
        &[
            ("The Electoral Commission of Malawi announced the dates.", &["Electoral Commission of Malawi"]),
            ("India's Election Commission ruled.", &["(Election Commission of India)"]),
            ("Kenya's Ministry of Tourism counted visitors.", &["(Kenyan Ministry of Tourism)"]),
            ("The Canada Border Services Agency ruled.", &["(Canada Border Services Agency)"]),
            (
                "Sri Lanka cut spending. Sri Lanka raised taxes. The Ministry of Tourism published figures.",
                &["Sri Lankan Ministry of Tourism"],
            ),
            ("The Ministry of Culture opened a museum.", &["(Ministry of Culture)"]),
        ],
        organizations,
    );
}

/// (sentence, kind, entity, the texts of its mentions)
type MentionRow = (&'static str, fn(&Enrichment) -> &[Entity], &'static str, &'static [&'static str]);

/// What later words resolve to: acronyms introduced in parentheses, surnames of persons
/// named in full (not when two persons share one), surnames after a role (a person of the
/// document, else the one gazetteer person with it), possessives.
const MENTIONS: &[MentionRow] = &[
    (
        "The Quatermaine Research Institute (QRI) reported that prices rose. Later, QRI revised it.",
        organizations,
        "Quatermaine Research Institute",
        &["Quatermaine Research Institute", "QRI"],
    ),
    ("The Zorbin Group (ZG) grew. ZG fell.", organizations, "Zorbin Group", &["Zorbin Group", "ZG"]),
    ("The Zorbin Group (zg) grew. ZG fell.", organizations, "Zorbin Group", &["Zorbin Group"]),
    (
        "Halvard Ekberg, a spokesman, spoke. Later Ekberg left.",
        persons,
        "Halvard Ekberg",
        &["Halvard Ekberg", "Ekberg"],
    ),
    (
        "Halvard Ekberg, a spokesman, spoke. Ekberg's plan failed.",
        persons,
        "Halvard Ekberg",
        &["Halvard Ekberg", "Ekberg"],
    ),
    ("Tomas Ekberg and Ingrid Ekberg visited. Then Ekberg left.", persons, "Tomas Ekberg", &["Tomas Ekberg"]),
    ("Tomas Velloso won. Governor Velloso thanked voters.", persons, "Tomas Velloso", &["Tomas Velloso", "Velloso"]),
    ("President Xi arrived. Xi Jinping spoke.", persons, "Xi Jinping", &["Xi", "Xi Jinping"]),
    ("Secretary Kerry arrived.", persons, "John Kerry", &["Kerry"]),
];

#[test]
fn later_mentions() {
    let mut failures = Vec::new();
    for &(sentence, kind, name, want) in MENTIONS {
        let e = enrich_later(sentence);
        let got: Option<Vec<&str>> =
            kind(&e).iter().find(|x| x.name == name).map(|x| x.mentions.iter().map(|m| m.text.as_str()).collect());
        if got.as_deref() != Some(want) {
            failures.push(format!("{sentence:?}: {name} want {want:?}, got {got:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A surname after a role that no person of the document or the gazetteer has is no one.
#[test]
fn unknown_surnames_after_roles() {
    check(&[("Governor Quatermaine thanked voters.", &[]), ("Chancellor Ekberg arrived.", &[])], persons);
}

/// (title, body, kind, entity, central, reasons)
type SalienceRow =
    (&'static str, &'static str, fn(&Enrichment) -> &[Entity], &'static str, bool, &'static [&'static str]);

/// Why an entity is central: title, lead, repeated mentions (a country three, others two),
/// acting (the subject of a verb, or a country with its officials), quoted, introduced with
/// a role, employing a quoted person, a country's official body central. An entity that is
/// not central gives no reasons.
const SALIENCE: &[SalienceRow] = &[
    (
        "Ekberg resigns",
        "Finance Minister Halvard Ekberg resigned on Monday.",
        persons,
        "Halvard Ekberg",
        true,
        &["title", "lead", "2 mentions", "introduced with a role"],
    ),
    ("", "Tomas Velloso visited the plant.", persons, "Tomas Velloso", true, &["lead"]),
    ("", "Intro.\n\nHalvard Ekberg said the plan would fail.", persons, "Halvard Ekberg", true, &["quoted"]),
    ("", "Intro.\n\nRussia rejected the plan.", countries, "Russia", true, &["acts"]),
    ("", "Intro.\n\nRussia's plan was rejected.", countries, "Russia", false, &[]),
    ("", "Intro.\n\nChinese officials met on Monday.", countries, "China", true, &["acts"]),
    ("", "Intro.\n\nRussian forces advanced.", countries, "Russia", true, &["acts"]),
    ("", "Intro.\n\nRussian history is long.", countries, "Russia", false, &[]),
    (
        "",
        "Intro.\n\nPrices in Peru rose. Farmers in Peru waited. Rain in Peru fell.",
        countries,
        "Peru",
        true,
        &["3 mentions"],
    ),
    ("", "Intro.\n\nPrices in Peru rose. Farmers in Peru waited.", countries, "Peru", false, &[]),
    (
        "",
        "Intro.\n\nThe Quatermaine Institute hired staff. The Quatermaine Institute grew.",
        organizations,
        "Quatermaine Institute",
        true,
        &["2 mentions"],
    ),
    (
        "",
        "Intro.\n\n\"Prices will rise,\" said Halvard Ekberg of the Quatermaine Institute.",
        organizations,
        "Quatermaine Institute",
        true,
        &["quoted", "employer of Halvard Ekberg"],
    ),
    (
        "",
        "Intro.\n\nHalvard Ekberg, a senior fellow at the Quatermaine Institute, said prices would rise.",
        organizations,
        "Quatermaine Institute",
        true,
        &["quoted", "employer of Halvard Ekberg"],
    ),
    (
        "",
        "Intro.\n\nTalks in the United States ended. Congress passed the bill.",
        countries,
        "United States",
        true,
        &["its U.S. Congress is central"],
    ),
];

#[test]
fn salience_reasons() {
    let e = Enricher::builtin().unwrap();
    let mut failures = Vec::new();
    for &(title, body, kind, name, central, reasons) in SALIENCE {
        let en = enrich_with(&e, title, body);
        match kind(&en).iter().find(|x| x.name == name) {
            None => failures.push(format!("{body:?}: {name} not found")),
            Some(x) if x.central != central || x.reasons != reasons => failures.push(format!(
                "{body:?}: {name} want central {central} {reasons:?}, got central {} {:?}",
                x.central, x.reasons
            )),
            Some(_) => {}
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The English word lists are the vocabulary's: a folder without `english-words.toml` gets
/// the built-in lists (a file left out is not part of the fingerprint), one with its own
/// lists enriches by them, and a malformed one is an error naming the file.
#[test]
fn word_lists_come_from_the_vocabulary() {
    let dir = tempfile::tempdir().unwrap();
    Vocabulary::builtin().unwrap().write_to(dir.path()).unwrap();
    let words = dir.path().join("english-words.toml");
    let builtin = std::fs::read_to_string(&words).unwrap();
    std::fs::remove_file(&words).unwrap();
    let without = Vocabulary::from_dir(dir.path()).unwrap();
    assert_ne!(without.fingerprint(), Vocabulary::builtin_fingerprint());
    let sample = Document::new("x", "Ministry of Defence says", format!("{LEAD}\n\nThe Quatermaine Institute said."));
    assert_eq!(Enricher::new(without).enrich(&sample), Enricher::builtin().unwrap().enrich(&sample));

    let body = format!("{LEAD}\n\nThe Quatermaine Institute published a study.");
    let orgs = |v: Vocabulary| listed(&enrich_with(&Enricher::new(v), "", &body).organizations);
    assert_eq!(orgs(Vocabulary::from_dir(dir.path()).unwrap()), ["Quatermaine Institute"]);

    // Without "Institute" among the heads of bodies, the phrase names no body; without
    // "published" among the verbs of action, it would not act.
    let edited = builtin.replacen("\"Institute\",", "", 1);
    assert_ne!(edited, builtin);
    std::fs::write(&words, &edited).unwrap();
    assert_eq!(orgs(Vocabulary::from_dir(dir.path()).unwrap()), Vec::<String>::new());
    let edited = builtin.replacen("\"published\",", "", 1);
    std::fs::write(&words, &edited).unwrap();
    assert_eq!(orgs(Vocabulary::from_dir(dir.path()).unwrap()), ["(Quatermaine Institute)"]);

    std::fs::write(&words, "org_heads = [\"Ministry\"]\n").unwrap();
    let err = Vocabulary::from_dir(dir.path()).unwrap_err();
    assert!(matches!(err, Error::VocabularyData { .. }), "{err:?}");
    assert!(err.to_string().contains("english-words.toml"), "{err}");
}
