//! A vocabulary of one's own, end to end: an index built with it enriches, filters, counts
//! and suggests with it, remembers it when reopened and reindexed, and refuses another one
//! unless rebuilt. Through the library and through the command line. The vocabulary is
//! tests/data/vocabulary (an invented country, Freedonia; an actor; a two-level topic).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use assert_cmd::prelude::*;
use gazette::{Enricher, Error, FacetField, Index, ReindexOptions, SearchRequest, Vocabulary};
use predicates::prelude::*;

fn vocabulary_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/vocabulary")
}

fn enricher() -> Enricher {
    Enricher::new(Vocabulary::from_dir(vocabulary_dir()).unwrap())
}

/// Three articles: two about Freedonia (one on peace talks), one about China, which this
/// vocabulary does not know.
fn corpus(dir: &Path) {
    fs::create_dir_all(dir).unwrap();
    fs::write(
        dir.join("talks.txt"),
        "Freedonia opens peace talks with Sylvania\n\nFreedonia's leader Rufus T. Firefly said on Monday \
         that peace talks with Sylvania would begin next week. Firefly said a ceasefire was possible.\n\n\
         The Freedonian Ministry of War said the armistice would hold. Freedonia and Sylvania have \
         fought twice.",
    )
    .unwrap();
    fs::write(
        dir.join("envoy.txt"),
        "Freedonia names a new ambassador\n\nFreedonia named a new ambassador to the United States on \
         Tuesday, its first diplomatic step in a year. Firefly said diplomacy came first.",
    )
    .unwrap();
    fs::write(
        dir.join("china.txt"),
        "China's exports grow\n\nChina's exports grew in March, Beijing said. Chinese factories were busy.",
    )
    .unwrap();
}

fn ids(index: &Index, request: SearchRequest) -> Vec<String> {
    let mut ids: Vec<String> = index.search(&request.limit(100)).unwrap().hits.into_iter().map(|h| h.id).collect();
    ids.sort();
    ids
}

#[test]
fn an_index_built_with_its_own_vocabulary_filters_counts_and_suggests_with_it() {
    let t = tempfile::tempdir().unwrap();
    let news = t.path().join("news");
    corpus(&news);
    let dir = t.path().join("idx");
    let index = Index::create_with(&dir, enricher()).unwrap();
    let report = index.reindex(&ReindexOptions::new([&news])).unwrap();
    assert_eq!(report.documents_indexed, 3, "{report:?}");

    // Filters by each facet: the invented country by name, alias, code and region; the actor
    // by alias; the subtopic and its major topic.
    let both = ["news/envoy.txt", "news/talks.txt"];
    for (field, value, want) in [
        (FacetField::Country, "Freedonia", &both[..]),
        (FacetField::Country, "Republic of Freedonia", &both[..]),
        (FacetField::Country, "FD", &both[..]),
        (FacetField::Country, "Marxian Europe", &both[..]),
        (FacetField::Country, "Sylvania", &["news/talks.txt"][..]),
        (FacetField::Actor, "Firefly", &both[..]),
        (FacetField::Actor, "Freedonian Ministry of War", &["news/talks.txt"][..]),
        (FacetField::Topic, "peace talks", &["news/talks.txt"][..]),
        (FacetField::Topic, "Statecraft", &both[..]),
    ] {
        assert_eq!(ids(&index, SearchRequest::new("*").filter(field, value)), want, "{field:?} {value}");
    }
    // The query language resolves through the same vocabulary.
    assert_eq!(ids(&index, SearchRequest::new("country:Freedonia AND ceasefire")), ["news/talks.txt"]);

    // Counts, of the hierarchy too.
    let countries = index.facet_counts(FacetField::Country, &SearchRequest::new("*")).unwrap();
    let count = |path: &str| countries.iter().find(|c| c.path == path).map(|c| c.count);
    assert_eq!(count("/Europe/Marxian Europe/Freedonia"), Some(2));
    assert_eq!(count("/Europe/Marxian Europe"), Some(2));
    assert_eq!(count("/Europe"), Some(2));
    let topics = index.facet_counts(FacetField::Topic, &SearchRequest::new("*")).unwrap();
    assert!(topics.iter().any(|c| c.path == "/Statecraft/peace talks" && c.count == 1), "{topics:?}");
    let shown = index.search(&SearchRequest::new("*").facets(5)).unwrap().facets.unwrap();
    assert!(shown.actor.iter().any(|c| c.value == "Rufus T. Firefly" && c.count == 2), "{:?}", shown.actor);

    // China is not a country of this vocabulary: an error with the nearest name, not an
    // empty filter; a misspelling of the invented country gets it as the suggestion.
    let err = index.search(&SearchRequest::new("*").country("China")).unwrap_err();
    assert!(matches!(err, Error::UnknownFacetValue { field: FacetField::Country, .. }), "{err}");
    assert!(err.to_string().contains("the index's vocabulary"), "{err}");
    let err = index.search(&SearchRequest::new("*").country("Fredonia")).unwrap_err();
    assert!(err.to_string().contains("did you mean \"Freedonia\"?"), "{err}");
    let err = index.search(&SearchRequest::new("*").topic("peace talk")).unwrap_err();
    assert!(err.to_string().contains("did you mean \"peace talks\"?"), "{err}");

    // Reopened, the index has the same vocabulary, and reindexing enriches with it.
    drop(index);
    let index = Index::open(&dir).unwrap();
    assert_eq!(index.vocabulary().unwrap().fingerprint(), enricher().vocabulary().fingerprint());
    fs::write(news.join("later.txt"), "Freedonia and Sylvania sign a treaty\n\nFreedonia signed a treaty.").unwrap();
    index.reindex(&ReindexOptions::new([&news])).unwrap();
    assert_eq!(
        ids(&index, SearchRequest::new("*").country("Freedonia")),
        ["news/envoy.txt", "news/later.txt", "news/talks.txt"]
    );
    let stored = index.get("news/later.txt").unwrap();
    assert_eq!(stored.enrichment.countries[0].facet, "/Europe/Marxian Europe/Freedonia");

    // Another vocabulary is refused, and a rebuild with it is the way to change it.
    let err = Index::open_with(&dir, Enricher::builtin().unwrap()).unwrap_err();
    assert!(matches!(err, Error::VocabularyMismatch { .. }), "{err}");
    drop(index);
    let rebuilt = Index::recreate(&dir).unwrap();
    rebuilt.reindex(&ReindexOptions::new([&news])).unwrap();
    assert!(rebuilt.vocabulary().unwrap().is_builtin());
    assert_eq!(ids(&rebuilt, SearchRequest::new("*").country("China")), ["news/china.txt"]);
}

/// The copy of the vocabulary an index keeps is checked against its fingerprint: an altered
/// copy is an error when the vocabulary is first needed, never a silent change of facets.
#[test]
fn an_altered_copy_of_the_vocabulary_is_an_error() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("idx");
    drop(Index::create_with(&dir, enricher()).unwrap());
    let copy = dir.join("gazette-vocabulary/countries.toml");
    let text = fs::read_to_string(&copy).unwrap();
    fs::write(&copy, text.replace("Sylvania", "Sylvanie")).unwrap();
    let index = Index::open(&dir).unwrap();
    let err = index.search(&SearchRequest::new("*").country("Freedonia")).unwrap_err();
    assert!(matches!(err, Error::VocabularyMismatch { .. }), "{err}");
}

fn gazette(cwd: &Path) -> Command {
    let mut c = Command::cargo_bin("gazette").unwrap();
    c.current_dir(cwd).env_remove("GAZETTE_INDEX").env("NO_COLOR", "1");
    c
}

#[test]
fn the_command_line_takes_a_vocabulary_folder() {
    let t = tempfile::tempdir().unwrap();
    corpus(&t.path().join("news"));
    let vocab = vocabulary_dir();
    gazette(t.path())
        .args(["index", "news", "--index", "idx", "--quiet", "--vocabulary"])
        .arg(&vocab)
        .assert()
        .success();
    gazette(t.path())
        .args(["search", "*", "--index", "idx", "--country", "Freedonia", "--json"])
        .assert()
        .success()
        .stdout(predicate::str::contains("\"news/talks.txt\"").and(predicate::str::contains("\"news/envoy.txt\"")));
    gazette(t.path()).args(["search", "*", "--index", "idx", "--country", "Fredonia"]).assert().code(2).stderr(
        predicate::str::contains("did you mean \"Freedonia\"?")
            .and(predicate::str::contains("(`gazette facets country` lists those in the index)")),
    );
    gazette(t.path())
        .args(["facets", "topic", "--index", "idx", "--json"])
        .assert()
        .success()
        .stdout(predicate::str::contains("/Statecraft/peace talks"));
    // A rerun without --vocabulary keeps the index's own.
    fs::write(t.path().join("news/later.txt"), "Freedonia signs a treaty\n\nFreedonia signed a treaty.").unwrap();
    gazette(t.path()).args(["index", "news", "--index", "idx", "--quiet"]).assert().success();
    gazette(t.path())
        .args(["search", "treaty", "--index", "idx", "--country", "Freedonia", "--json"])
        .assert()
        .success()
        .stdout(predicate::str::contains("\"news/later.txt\""));
    // Another vocabulary (the built-in one, as a folder) is refused without --full...
    let builtin = Path::new(env!("CARGO_MANIFEST_DIR")).join("index-schema");
    gazette(t.path())
        .args(["index", "news", "--index", "idx", "--vocabulary"])
        .arg(&builtin)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("was built with vocabulary").and(predicate::str::contains("--full")));
    // ...and taken with it.
    gazette(t.path())
        .args(["index", "news", "--index", "idx", "--quiet", "--full", "--vocabulary"])
        .arg(&builtin)
        .assert()
        .success();
    gazette(t.path())
        .args(["search", "*", "--index", "idx", "--country", "China", "--json"])
        .assert()
        .success()
        .stdout(predicate::str::contains("\"news/china.txt\""));
    // `enrich` takes one too; a folder without the vocabulary's files is a one-line error.
    gazette(t.path())
        .args(["enrich", "news/talks.txt", "--json", "--vocabulary"])
        .arg(&vocab)
        .assert()
        .success()
        .stdout(predicate::str::contains("\"Freedonia\""));
    gazette(t.path())
        .args(["enrich", "news/talks.txt", "--vocabulary", "news"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("countries.toml"));
}
