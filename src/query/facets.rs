//! Facet filters and counts over the `country`, `actor` and `topic` fields.

use std::collections::BTreeSet;

use serde::Serialize;
use tantivy::collector::{FacetCollector, MultiCollector};
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::{Facet, Field, IndexRecordOption};
use tantivy::{Searcher, Term};

use crate::enrich::Enricher;
use crate::error::{Error, Result};
use crate::schema::Fields;

/// A faceted field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FacetField {
    /// `/Region/Subregion/Country`.
    Country,
    /// `/person/Name`, `/organization/Name`.
    Actor,
    /// `/Major Topic/subtopic`.
    Topic,
}

impl FacetField {
    /// All faceted fields.
    pub const ALL: [FacetField; 3] = [FacetField::Country, FacetField::Actor, FacetField::Topic];

    /// The field's name, as in queries (`country:China`).
    pub fn name(self) -> &'static str {
        match self {
            FacetField::Country => crate::schema::COUNTRY,
            FacetField::Actor => crate::schema::ACTOR,
            FacetField::Topic => crate::schema::TOPIC,
        }
    }

    /// The facet field named `name`, if any.
    ///
    /// ```
    /// use gazette::query::FacetField;
    /// assert_eq!(FacetField::from_name("country"), Some(FacetField::Country));
    /// assert_eq!(FacetField::from_name("title"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<FacetField> {
        FacetField::ALL.into_iter().find(|f| f.name() == name)
    }

    pub(crate) fn field(self, f: &Fields) -> Field {
        match self {
            FacetField::Country => f.country,
            FacetField::Actor => f.actor,
            FacetField::Topic => f.topic,
        }
    }

    /// The depth of the values most useful to count: countries, persons and organizations,
    /// major topics.
    fn leaf_depth(self) -> usize {
        match self {
            FacetField::Country => 3,
            FacetField::Actor => 2,
            FacetField::Topic => 1,
        }
    }
}

/// How many documents of the current result have a facet value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FacetCount {
    /// The full path, `/Asia/Eastern Asia/China`.
    pub path: String,
    /// The last component, `China`.
    pub value: String,
    /// Depth of the path (1 for `/Asia`).
    pub depth: usize,
    /// Number of matching documents.
    pub count: u64,
}

/// Top values per facet field for a result.
#[derive(Debug, Clone, Default, Serialize)]
pub struct FacetCounts {
    /// Top countries.
    pub country: Vec<FacetCount>,
    /// Top persons and organizations.
    pub actor: Vec<FacetCount>,
    /// Top major topics.
    pub topic: Vec<FacetCount>,
}

/// Every facet path of a field present in the index (ancestors included).
fn present_paths(searcher: &Searcher, field_name: &str) -> Result<BTreeSet<String>> {
    let mut out = BTreeSet::new();
    let mut facet = Facet::root();
    for seg in searcher.segment_readers() {
        let reader = seg.facet_reader(field_name)?;
        for ord in 0..reader.num_facets() as u64 {
            reader.facet_from_ord(ord, &mut facet)?;
            let mut path = facet.clone();
            // The column holds the facets as stored; add their ancestors.
            while !path.is_root() {
                out.insert(path.to_path_string());
                path = path.to_path().split_last().map(|(_, rest)| Facet::from_path(rest)).unwrap_or_else(Facet::root);
            }
        }
    }
    Ok(out)
}

/// Counts of every value of `field` among the documents matching `query`, all levels, best
/// first within each level.
pub(crate) fn count_all(
    searcher: &Searcher,
    query: &dyn Query,
    field: FacetField,
    max_depth: usize,
) -> Result<Vec<FacetCount>> {
    let name = field.name();
    let paths = present_paths(searcher, name)?;
    let mut parents_by_depth: Vec<Vec<Facet>> = vec![vec![Facet::root()]];
    for d in 1..max_depth {
        parents_by_depth.push(
            paths
                .iter()
                .map(|p| Facet::from_text(p).expect("valid facet"))
                .filter(|f| f.to_path().len() == d)
                .collect(),
        );
    }
    let mut multi = MultiCollector::new();
    let mut handles = Vec::new();
    for parents in &parents_by_depth {
        if parents.is_empty() {
            continue;
        }
        let mut c = FacetCollector::for_field(name);
        for p in parents {
            c.add_facet(p.clone());
        }
        handles.push((parents.clone(), multi.add_collector(c)));
    }
    let mut fruits = searcher.search(query, &multi)?;
    let mut out = Vec::new();
    for (parents, handle) in handles {
        let counts = handle.extract(&mut fruits);
        for p in &parents {
            for (facet, count) in counts.get(p.clone()) {
                let path = facet.to_path();
                out.push(FacetCount {
                    path: facet.to_path_string(),
                    value: path.last().map(|s| s.to_string()).unwrap_or_default(),
                    depth: path.len(),
                    count,
                });
            }
        }
    }
    out.sort_by(|a, b| a.depth.cmp(&b.depth).then(b.count.cmp(&a.count)).then(a.path.cmp(&b.path)));
    Ok(out)
}

/// Top `limit` values at the useful depth of each field.
pub(crate) fn top_counts(searcher: &Searcher, query: &dyn Query, limit: usize) -> Result<FacetCounts> {
    let mut out = FacetCounts::default();
    for field in FacetField::ALL {
        let all = count_all(searcher, query, field, field.leaf_depth())?;
        let top: Vec<FacetCount> = all.into_iter().filter(|c| c.depth == field.leaf_depth()).take(limit).collect();
        match field {
            FacetField::Country => out.country = top,
            FacetField::Actor => out.actor = top,
            FacetField::Topic => out.topic = top,
        }
    }
    Ok(out)
}

/// The facet paths a user's value stands for: a path as given (`/Asia`), else every present
/// path whose last component is the value or, through the vocabularies, its canonical name
/// (`PRC` → China, `State Department` → U.S. Department of State), case-insensitively.
/// Ancestors win over their descendants: `Asia` gives `/Asia` only.
pub(crate) fn resolve(searcher: &Searcher, field: FacetField, value: &str) -> Result<Vec<Facet>> {
    let value = value.trim();
    if value.starts_with('/') {
        return Facet::from_text(value).map(|f| vec![f]).map_err(|e| Error::InvalidArgument {
            what: "facet path",
            value: value.to_string(),
            reason: e.to_string(),
        });
    }
    let mut names = vec![value.to_lowercase()];
    if let Ok(e) = Enricher::builtin() {
        let v = e.vocabulary();
        match field {
            FacetField::Country => {
                if let Some(c) = v.countries.iter().find(|c| {
                    c.alpha2.eq_ignore_ascii_case(value)
                        || c.alpha3.eq_ignore_ascii_case(value)
                        || c.name.eq_ignore_ascii_case(value)
                        || c.aliases.iter().chain(&c.demonyms).any(|a| a.eq_ignore_ascii_case(value))
                }) {
                    names.push(c.name.to_lowercase());
                }
            }
            FacetField::Actor => {
                if let Some(a) = v.actors.iter().find(|a| {
                    a.name.eq_ignore_ascii_case(value) || a.aliases.iter().any(|x| x.eq_ignore_ascii_case(value))
                }) {
                    names.push(a.name.to_lowercase());
                }
            }
            FacetField::Topic => {}
        }
    }
    let paths = present_paths(searcher, field.name())?;
    let mut found: Vec<Facet> = Vec::new();
    for p in &paths {
        let f = Facet::from_text(p).expect("valid facet");
        let last = f.to_path().last().map(|s| s.to_lowercase()).unwrap_or_default();
        if names.contains(&last) && !found.iter().any(|g| g.is_prefix_of(&f)) {
            found.retain(|g| !f.is_prefix_of(g));
            found.push(f);
        }
    }
    Ok(found)
}

/// A query matching documents with any of `facets` in `field` (nothing when empty).
pub(crate) fn any_of(field: Field, facets: &[Facet]) -> Box<dyn Query> {
    let clauses: Vec<(Occur, Box<dyn Query>)> = facets
        .iter()
        .map(|f| {
            (
                Occur::Should,
                Box::new(TermQuery::new(Term::from_facet(field, f), IndexRecordOption::Basic)) as Box<dyn Query>,
            )
        })
        .collect();
    if clauses.is_empty() {
        return Box::new(tantivy::query::EmptyQuery);
    }
    Box::new(BooleanQuery::new(clauses))
}
