//! Facets in the index: filters by name, alias, region and path; counts; the query language.

use gazette::FacetField;
use gazette::{Index, ReindexOptions, SearchRequest};

fn sample_index() -> Index {
    let index = Index::create_in_ram().unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus-sample");
    let report = index.reindex(&ReindexOptions::new([root])).unwrap();
    assert!(report.failed.is_empty() && report.warnings.is_empty(), "{report:?}");
    index
}

fn ids(index: &Index, req: SearchRequest) -> Vec<String> {
    let mut ids: Vec<String> = index.search(&req.limit(100)).unwrap().hits.into_iter().map(|h| h.id).collect();
    ids.sort();
    ids
}

#[test]
fn filters_by_name_alias_region_and_path() {
    let index = sample_index();
    let china = ids(&index, SearchRequest::new("*").country("China"));
    assert!(china.contains(&"corpus-sample/china-cyber-attacks.txt".to_string()), "{china:?}");
    // An alias, an ISO code and the path name the same facet.
    for v in ["PRC", "CN", "/Asia/Eastern Asia/China", "china"] {
        assert_eq!(ids(&index, SearchRequest::new("*").country(v)), china, "{v}");
    }
    // A region matches every country under it.
    let asia = ids(&index, SearchRequest::new("*").country("Asia"));
    assert!(asia.len() > china.len() && china.iter().all(|id| asia.contains(id)));
    // Repeated values of one field are alternatives; different fields all apply.
    let china_or_russia = ids(&index, SearchRequest::new("*").country("China").country("Russia"));
    assert!(china_or_russia.len() > china.len());
    let both = ids(&index, SearchRequest::new("*").country("China").actor("Xi Jinping"));
    assert!(
        both.iter().all(|id| china.contains(id)) && both.contains(&"corpus-sample/china-cyber-attacks.txt".to_string())
    );
    // An actor by alias, a subtopic by name.
    assert!(
        ids(&index, SearchRequest::new("*").actor("State Department"))
            .contains(&"corpus-sample/china-cyber-attacks.txt".to_string())
    );
    assert!(
        ids(&index, SearchRequest::new("*").topic("cybersecurity"))
            .contains(&"corpus-sample/china-cyber-attacks.txt".to_string())
    );
    // An unknown country is an error, never a filter that lets everything through; an actor
    // outside the gazetteer (actors are open-ended) matches nothing.
    let err = index.search(&SearchRequest::new("*").country("Atlantis")).unwrap_err();
    assert!(matches!(err, gazette::Error::UnknownFacetValue { field: FacetField::Country, .. }), "{err}");
    assert!(ids(&index, SearchRequest::new("*").actor("Jane Nobody")).is_empty());
}

#[test]
fn query_language_facet_terms() {
    let index = sample_index();
    let flag = ids(&index, SearchRequest::new("cyber").country("China"));
    assert_eq!(ids(&index, SearchRequest::new("cyber country:China")), flag);
    assert_eq!(
        ids(&index, SearchRequest::new("country:\"United States\" cyber")),
        ids(&index, SearchRequest::new("cyber").country("United States"))
    );
    assert_eq!(
        ids(&index, SearchRequest::new("actor:\"Xi Jinping\"")),
        ids(&index, SearchRequest::new("*").actor("Xi Jinping"))
    );
    // Inside a phrase, "country:" is text, not a facet: the phrase matches what the words
    // "country china" in a row match, not what the facet filter matches.
    let as_text = ids(&index, SearchRequest::new("\"country:China\""));
    assert_eq!(as_text, ids(&index, SearchRequest::new("\"country china\"")));
    assert_ne!(as_text, ids(&index, SearchRequest::new("*").country("China")));
}

#[test]
fn counts_for_the_current_query() {
    let index = sample_index();
    let r = index.search(&SearchRequest::new("cyber").facets(5)).unwrap();
    let f = r.facets.expect("asked for");
    let china = f.country.iter().find(|c| c.value == "China").expect("China counted");
    assert_eq!(china.path, "/Asia/Eastern Asia/China");
    assert!(china.count as usize <= r.total);
    assert!(f.topic.iter().any(|t| t.value == "International Affairs"));
    // All levels, for the facets command: regions count documents, not countries.
    let all = index.facet_counts(FacetField::Country, &SearchRequest::new("*")).unwrap();
    let asia = all.iter().find(|c| c.path == "/Asia").unwrap();
    let asian: u64 = all.iter().filter(|c| c.depth == 3 && c.path.starts_with("/Asia/")).map(|c| c.count).sum();
    assert!(asia.count <= asian);
    assert_eq!(asia.count as usize, ids(&index, SearchRequest::new("*").country("Asia")).len());
    // Actors: the kinds, then the actors, counted per document.
    let actors = index.facet_counts(FacetField::Actor, &SearchRequest::new("cyber")).unwrap();
    let orgs = actors.iter().find(|c| c.path == "/organization").expect("organizations counted");
    assert!(orgs.count as usize <= r.total);
    assert!(actors.iter().any(|c| c.path == "/organization/RAND Corporation" && c.depth == 2 && c.count == 1));
    assert!(f.actor.iter().all(|c| c.depth == 2) && !f.actor.is_empty());
    // The counts shown with results count documents: a document with several subtopics of
    // one major topic counts once for it, and every count equals its filter's hit count.
    let all = index.search(&SearchRequest::new("*").facets(100)).unwrap().facets.unwrap();
    for (field, counts) in
        [(FacetField::Country, &all.country), (FacetField::Actor, &all.actor), (FacetField::Topic, &all.topic)]
    {
        assert!(!counts.is_empty());
        for c in counts.iter().take(5) {
            let n = index.search(&SearchRequest::new("*").filter(field, c.path.clone())).unwrap().total;
            assert_eq!(c.count as usize, n, "{}", c.path);
        }
    }
    // Without facets(n), none are computed.
    assert!(index.search(&SearchRequest::new("cyber")).unwrap().facets.is_none());
}

#[test]
fn stored_enrichment_round_trips() {
    let index = sample_index();
    let doc = index.get("corpus-sample/china-cyber-attacks.txt").unwrap();
    let central: Vec<&str> = doc.enrichment.countries.iter().filter(|c| c.central).map(|c| c.name.as_str()).collect();
    assert_eq!(central, ["China", "United States"]);
    let trudeau = doc.enrichment.persons.iter().find(|p| p.name == "Elizabeth Trudeau").unwrap();
    assert_eq!(trudeau.mentions[0].field.as_str(), "body");
    assert_eq!(&doc.document.body[trudeau.mentions[0].offset..][..17], "Elizabeth Trudeau");
    // Every mention, central or not, is searchable.
    let r = index.search(&SearchRequest::new("mention:\"voice of america\"")).unwrap();
    assert!(r.hits.iter().any(|h| h.id == "corpus-sample/china-cyber-attacks.txt"));
}
