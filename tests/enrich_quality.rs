//! Quality of the facets against hand labels: precision, recall and F1 per facet over
//! tests/data/labelled/ and corpus-sample/ (labels made by reading, before the extractor ran).
//!
//! Run with `cargo test --test enrich_quality -- --nocapture` to see the figures and the
//! disagreements per document.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use gazette::enrich::{Enricher, Enrichment};
use gazette::load::{WalkOptions, load_file, walk};
use serde::Deserialize;

#[derive(Deserialize)]
struct Labels {
    doc: Vec<Label>,
}

#[derive(Deserialize)]
struct Label {
    id: String,
    countries: Vec<String>,
    persons: Vec<String>,
    organizations: Vec<String>,
    topics: Vec<String>,
}

/// Documents of a folder, enriched, by id.
fn enriched(folder: &Path, e: &Enricher) -> BTreeMap<String, (String, Enrichment)> {
    let mut out = BTreeMap::new();
    for f in walk(folder, &WalkOptions::default()).files {
        for d in load_file(&f.path, &f.id_base).unwrap().documents {
            let en = e.enrich(&d);
            out.insert(d.id.clone(), (d.title.clone(), en));
        }
    }
    out
}

/// Lower case, no punctuation, no leading "the", single spaces: how names are compared after
/// mapping gazetteer aliases to canonical names.
fn norm(e: &Enricher, name: &str) -> String {
    let name = e.vocabulary().canonical_actor(name).unwrap_or(name);
    let lower: String =
        name.to_lowercase().chars().map(|c| if c.is_alphanumeric() || c == ' ' { c } else { ' ' }).collect();
    let words: Vec<&str> = lower.split_whitespace().collect();
    let words = if words.first() == Some(&"the") { &words[1..] } else { &words[..] };
    words.join(" ")
}

#[derive(Default)]
struct Score {
    tp: usize,
    fp: usize,
    fn_: usize,
}

impl Score {
    fn add(&mut self, got: &BTreeSet<String>, want: &BTreeSet<String>) -> (Vec<String>, Vec<String>) {
        let extra: Vec<String> = got.difference(want).cloned().collect();
        let missing: Vec<String> = want.difference(got).cloned().collect();
        self.tp += got.intersection(want).count();
        self.fp += extra.len();
        self.fn_ += missing.len();
        (extra, missing)
    }

    fn prf(&self) -> (f64, f64, f64) {
        let p = self.tp as f64 / (self.tp + self.fp).max(1) as f64;
        let r = self.tp as f64 / (self.tp + self.fn_).max(1) as f64;
        let f = if p + r == 0.0 { 0.0 } else { 2.0 * p * r / (p + r) };
        (p, r, f)
    }
}

#[test]
fn facet_quality_against_hand_labels() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let e = &*Enricher::builtin().unwrap();
    let sets = [
        (root.join("tests/data/labelled"), root.join("tests/data/labelled/labels.toml")),
        (root.join("corpus-sample"), root.join("tests/data/corpus-sample-labels.toml")),
    ];
    let names = ["countries", "persons", "organizations", "topics"];
    let mut scores: Vec<Score> = (0..4).map(|_| Score::default()).collect();
    let mut n_docs = 0;
    for (folder, labels) in &sets {
        let docs = enriched(folder, e);
        let labels: Labels = toml::from_str(&std::fs::read_to_string(labels).unwrap()).unwrap();
        for l in &labels.doc {
            let (title, en) =
                docs.get(&l.id).unwrap_or_else(|| panic!("no document {:?} in {}", l.id, folder.display()));
            n_docs += 1;
            let code_of = |name: &str| {
                e.vocabulary().countries().iter().find(|c| c.name == name).map(|c| c.alpha2.clone()).unwrap()
            };
            let got = [
                en.countries.iter().filter(|c| c.central).map(|c| code_of(&c.name)).collect::<BTreeSet<_>>(),
                en.persons.iter().filter(|p| p.central).map(|p| norm(e, &p.name)).collect(),
                en.organizations.iter().filter(|o| o.central).map(|o| norm(e, &o.name)).collect(),
                en.topics.iter().map(|t| t.name.clone()).collect(),
            ];
            let want = [
                l.countries.iter().cloned().collect::<BTreeSet<_>>(),
                l.persons.iter().map(|p| norm(e, p)).collect(),
                l.organizations.iter().map(|o| norm(e, o)).collect(),
                l.topics.iter().cloned().collect(),
            ];
            let mut report = Vec::new();
            for i in 0..4 {
                let (extra, missing) = scores[i].add(&got[i], &want[i]);
                if !extra.is_empty() || !missing.is_empty() {
                    report.push(format!("    {}: extra {extra:?} missing {missing:?}", names[i]));
                }
            }
            if !report.is_empty() {
                println!("{} ({title})\n{}", l.id, report.join("\n"));
            }
        }
    }
    println!("\nfacet quality over {n_docs} labelled documents:");
    let thresholds = [0.90, 0.85, 0.70, 0.70];
    let mut failed = Vec::new();
    for i in 0..4 {
        let (p, r, f) = scores[i].prf();
        println!(
            "  {:<14} P {p:.3}  R {r:.3}  F1 {f:.3}  (min F1 {:.2}; tp {} fp {} fn {})",
            names[i], thresholds[i], scores[i].tp, scores[i].fp, scores[i].fn_
        );
        if f < thresholds[i] {
            failed.push(format!("{} F1 {f:.3} < {:.2}", names[i], thresholds[i]));
        }
    }
    assert!(n_docs >= 40, "the labelled set must have at least 40 documents, has {n_docs}");
    assert!(failed.is_empty(), "below target: {}", failed.join("; "));
}

/// The seed article: countries exactly {China, United States}; the persons, organizations
/// and topic the issue names.
#[test]
fn seed_article_facets() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let doc = load_file(&root.join("corpus-sample/china-cyber-attacks.txt"), "china-cyber-attacks.txt")
        .unwrap()
        .documents
        .remove(0);
    let e = Enricher::builtin().unwrap().enrich(&doc);
    let central = |list: &[gazette::enrich::Entity]| {
        list.iter().filter(|x| x.central).map(|x| x.name.clone()).collect::<BTreeSet<_>>()
    };
    assert_eq!(central(&e.countries), BTreeSet::from(["China".to_string(), "United States".to_string()]));
    let persons = central(&e.persons);
    for p in ["Barack Obama", "Xi Jinping", "John Kerry", "Jack Lew", "Elizabeth Trudeau", "Scott Harold", "Wang Qun"] {
        assert!(persons.contains(p), "{p} missing from {persons:?}");
    }
    let orgs = central(&e.organizations);
    for o in ["U.S. Department of State", "Chinese Ministry of Foreign Affairs", "RAND Corporation"] {
        assert!(orgs.contains(o), "{o} missing from {orgs:?}");
    }
    let ia = e.topics.iter().find(|t| t.name == "International Affairs").expect("International Affairs");
    assert!(ia.subtopics.iter().any(|s| s == "cybersecurity"), "{:?}", ia.subtopics);
    assert!(e.topic_facets().contains(&"/International Affairs/cybersecurity".to_string()));
    assert!(e.country_facets().any(|f| f == "/Asia/Eastern Asia/China"));
    assert!(e.actor_facets().any(|f| f == "/organization/RAND Corporation"));
}
