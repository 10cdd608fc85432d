//! Facet filters and counts over the `country`, `actor` and `topic` fields.

use serde::Serialize;
use tantivy::collector::{FacetCollector, MultiCollector};
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::{Facet, Field, IndexRecordOption};
use tantivy::{Searcher, Term};

use super::facet_counter::FacetCounter;
use super::result_counts::{Counted, ResultCounts};
use crate::enrich::Vocabulary;
use crate::error::{Error, Result};
use crate::facet;
use crate::index::Index;
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
    /// Years of publication, latest first (undated documents are not counted).
    pub year: Vec<FacetCount>,
    /// Sources (publishers), most frequent first.
    pub source: Vec<FacetCount>,
}

/// The inner nodes of a field's hierarchy at `depth` (0: the root), from the vocabularies:
/// regions and subregions, `person` and `organization`, major topics. Reading them from the
/// index instead would mean walking every value of the field (every actor) per query.
fn parents_at(field: FacetField, depth: usize) -> Vec<Facet> {
    if depth == 0 {
        return vec![Facet::root()];
    }
    let Ok(v) = Vocabulary::shared() else { return Vec::new() };
    let mut paths: Vec<String> = match (field, depth) {
        (FacetField::Country, 1) => v.countries.iter().map(|c| facet::path(&[&c.region])).collect(),
        (FacetField::Country, 2) => v.countries.iter().map(|c| facet::path(&[&c.region, &c.subregion])).collect(),
        (FacetField::Actor, 1) => vec![facet::path(&["person"]), facet::path(&["organization"])],
        (FacetField::Topic, 1) => v.topics.iter().map(|t| facet::path(&[&t.name])).collect(),
        _ => Vec::new(),
    };
    paths.sort();
    paths.dedup();
    paths.into_iter().filter_map(|p| Facet::from_text(&p).ok()).collect()
}

/// Actors per query, from the `actor_key` column with a terms aggregation: a facet collector
/// would walk every actor of the index per query. Kinds (`/person`, `/organization`) by count.
fn count_actors(index: &Index, searcher: &Searcher, query: &dyn Query, size: usize) -> Result<Vec<FacetCount>> {
    let counter = |depth, shard_size| FacetCounter {
        field: FacetField::Actor.name(),
        depth,
        shard_size,
        cache: index.facet_values().clone(),
    };
    let (kinds, actors) = searcher.search(query, &(counter(Some(1), 10), counter(None, size.max(1))))?;
    let mut out: Vec<FacetCount> = kinds
        .into_iter()
        .chain(actors.into_iter().take(size))
        .filter_map(|(p, n)| Facet::from_text(&p).ok().map(|f| count_of(&f, n)))
        .collect();
    out.sort_by(|a, b| a.depth.cmp(&b.depth).then(b.count.cmp(&a.count)).then(a.path.cmp(&b.path)));
    Ok(out)
}

/// Counts of the values of `field` among the documents matching `query`, down to
/// `max_depth`, best first within each level (for actors, the `actor_limit` best).
pub(crate) fn count_all(
    index: &Index,
    searcher: &Searcher,
    query: &dyn Query,
    field: FacetField,
    max_depth: usize,
    actor_limit: usize,
) -> Result<Vec<FacetCount>> {
    if field == FacetField::Actor {
        return count_actors(index, searcher, query, actor_limit);
    }
    let name = field.name();
    let mut multi = MultiCollector::new();
    let mut handles = Vec::new();
    for depth in 0..max_depth {
        let parents = parents_at(field, depth);
        if parents.is_empty() {
            continue;
        }
        let mut c = FacetCollector::for_field(name);
        for p in &parents {
            c.add_facet(p.clone());
        }
        handles.push((parents, multi.add_collector(c)));
    }
    let mut fruits = searcher.search(query, &multi)?;
    let mut out = Vec::new();
    for (parents, handle) in handles {
        let counts = handle.extract(&mut fruits);
        for p in &parents {
            out.extend(counts.get(p.clone()).map(|(f, n)| count_of(f, n)));
        }
    }
    out.sort_by(|a, b| a.depth.cmp(&b.depth).then(b.count.cmp(&a.count)).then(a.path.cmp(&b.path)));
    Ok(out)
}

/// The collector of the counts shown with results (countries, actors, major topics, years,
/// sources), for the top `limit` values of each field. Only the main pass of a
/// search (`main`) counts as a use of the segments' flat arrays and may build them; the
/// extra passes of drill sideways use them when built.
pub(crate) fn counts_collector(index: &Index, limit: usize, main: bool) -> ResultCounts {
    ResultCounts { shard_size: (limit * 10).max(100), cache: index.facet_values().clone(), main }
}

/// The top `limit` values at the useful depth of each field; years latest first, sources
/// most frequent first.
pub(crate) fn top_of(fruit: Counted, limit: usize) -> FacetCounts {
    let top = |list: Vec<(String, u64)>, depth: usize| -> Vec<FacetCount> {
        list.into_iter()
            .filter_map(|(p, n)| Facet::from_text(&p).ok().map(|f| count_of(&f, n)))
            .filter(|c| c.depth == depth)
            .take(limit)
            .collect()
    };
    let flat = |(value, count): (String, u64)| FacetCount { path: format!("/{value}"), value, depth: 1, count };
    let mut sources: Vec<(String, u64)> = fruit.sources.into_iter().collect();
    sources.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    FacetCounts {
        country: top(fruit.country, FacetField::Country.leaf_depth()),
        actor: top(fruit.actor, FacetField::Actor.leaf_depth()),
        topic: top(fruit.topic, FacetField::Topic.leaf_depth()),
        year: fruit.years.into_iter().rev().take(limit).map(flat).collect(),
        source: sources.into_iter().take(limit).map(flat).collect(),
    }
}

/// Top `limit` values of each field among the documents matching `query`, in a pass of its
/// own (drill sideways).
pub(crate) fn top_counts(index: &Index, searcher: &Searcher, query: &dyn Query, limit: usize) -> Result<FacetCounts> {
    Ok(top_of(searcher.search(query, &counts_collector(index, limit, false))?, limit))
}

fn count_of(facet: &Facet, count: u64) -> FacetCount {
    let path = facet.to_path();
    FacetCount {
        path: facet.to_path_string(),
        value: path.last().map(|s| s.to_string()).unwrap_or_default(),
        depth: path.len(),
        count,
    }
}

/// The facet paths a user's value stands for: a path as given (`/Asia`); else, through the
/// vocabularies and case-insensitively, a region, subregion or country by name, alias or ISO
/// code (`Asia`, `PRC`, `CN`), an actor by name or alias (`State Department`), a major topic
/// or a subtopic under each of its parents; else an actor outside the gazetteer, as written.
pub(crate) fn resolve(field: FacetField, value: &str) -> Result<Vec<Facet>> {
    let value = value.trim();
    if value.starts_with('/') {
        return Facet::from_text(value).map(|f| vec![f]).map_err(|e| Error::InvalidArgument {
            what: "facet path",
            value: value.to_string(),
            reason: e.to_string(),
        });
    }
    let is = |s: &str| s.eq_ignore_ascii_case(value);
    let mut paths: Vec<String> = Vec::new();
    if let Ok(v) = Vocabulary::shared() {
        match field {
            FacetField::Country => {
                for c in &v.countries {
                    if is(&c.region) {
                        paths.push(facet::path(&[&c.region]));
                    } else if is(&c.subregion) {
                        paths.push(facet::path(&[&c.region, &c.subregion]));
                    } else if is(&c.name)
                        || is(&c.alpha2)
                        || is(&c.alpha3)
                        || c.aliases.iter().chain(&c.demonyms).any(|a| is(a))
                    {
                        paths.push(facet::path(&[&c.region, &c.subregion, &c.name]));
                    }
                }
            }
            FacetField::Actor => {
                if is("person") || is("organization") {
                    paths.push(facet::path(&[&value.to_lowercase()]));
                }
                for a in &v.actors {
                    if is(&a.name) || a.aliases.iter().any(|x| is(x)) {
                        paths.push(facet::path(&[if a.is_person { "person" } else { "organization" }, &a.name]));
                    }
                }
                if paths.is_empty() {
                    paths.push(facet::path(&["person", value]));
                    paths.push(facet::path(&["organization", value]));
                }
            }
            FacetField::Topic => {
                for t in &v.topics {
                    if is(&t.name) {
                        paths.push(facet::path(&[&t.name]));
                    }
                }
                for s in &v.subtopics {
                    if is(&s.name) {
                        paths.extend(s.parents.iter().map(|p| facet::path(&[p, &s.name])));
                    }
                }
            }
        }
        // Countries and topics come only from the vocabularies: a value they do not know
        // can match nothing, and is more likely a typo than a question.
        if paths.is_empty() && field != FacetField::Actor {
            return Err(unknown_value(field, value, v));
        }
    }
    paths.sort();
    paths.dedup();
    // Ancestors win over their descendants.
    let facets: Vec<Facet> = paths.iter().filter_map(|p| Facet::from_text(p).ok()).collect();
    Ok(facets.iter().filter(|f| !facets.iter().any(|g| g != *f && g.is_prefix_of(f))).cloned().collect())
}

/// The error for a country or topic the vocabularies do not know, with the nearest known
/// name when one is close.
fn unknown_value(field: FacetField, value: &str, v: &Vocabulary) -> Error {
    let names: Vec<&str> = match field {
        FacetField::Country => {
            v.countries.iter().flat_map(|c| [c.name.as_str(), c.region.as_str(), c.subregion.as_str()]).collect()
        }
        _ => v.topics.iter().map(|t| t.name.as_str()).chain(v.subtopics.iter().map(|s| s.name.as_str())).collect(),
    };
    let lower = value.to_lowercase();
    let limit = (lower.chars().count() / 4).clamp(1, 3);
    let nearest = names
        .iter()
        .map(|n| (crate::query::parse::edit_distance(&lower, &n.to_lowercase()), *n))
        .filter(|(d, _)| *d <= limit)
        .min();
    let (kind, list) = match field {
        FacetField::Country => ("a country, region or subregion", "`gazette facets country`"),
        _ => ("a topic or subtopic", "`gazette facets topic`"),
    };
    // Else the names that contain the value as a word ("Korea": North Korea, South Korea).
    let mut containing: Vec<&str> =
        names.iter().copied().filter(|n| n.to_lowercase().split([' ', '-']).any(|w| w == lower)).collect();
    containing.sort();
    containing.dedup();
    let quoted = |v: &[&str]| v.iter().map(|n| format!("{n:?}")).collect::<Vec<_>>().join(" or ");
    let hint = match nearest {
        Some((_, n)) => format!("; did you mean {n:?}?"),
        None if !containing.is_empty() && containing.len() <= 3 => format!("; did you mean {}?", quoted(&containing)),
        None => String::new(),
    };
    Error::InvalidArgument {
        what: field.name(),
        value: value.to_string(),
        reason: format!("not {kind} of Gazette's vocabulary{hint} ({list} lists those in the index)"),
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Values of the closed vocabularies resolve or fail with a hint; actors never fail.
    #[test]
    fn unknown_countries_and_topics_are_errors_with_a_hint() {
        let cases: &[(FacetField, &str, Result<&str, &str>)] = &[
            (FacetField::Country, "China", Ok("/Asia/Eastern Asia/China")),
            (FacetField::Country, "prc", Ok("/Asia/Eastern Asia/China")),
            (FacetField::Country, "Eastern Asia", Ok("/Asia/Eastern Asia")),
            (FacetField::Country, "Chna", Err("did you mean \"China\"?")),
            (FacetField::Country, "Korea", Err("did you mean \"North Korea\" or \"South Korea\"?")),
            (FacetField::Country, "Narnia", Err("not a country, region or subregion of Gazette's vocabulary (")),
            (FacetField::Topic, "cybersecurty", Err("did you mean \"cybersecurity\"?")),
            (FacetField::Topic, "Defence", Err("did you mean \"Defense\"?")),
            (FacetField::Topic, "Defense", Ok("/Defense")),
            (FacetField::Actor, "Jane Nobody", Ok("/organization/Jane Nobody")),
        ];
        for (field, value, want) in cases {
            match (resolve(*field, value), want) {
                (Ok(facets), Ok(path)) => assert_eq!(facets[0].to_string(), *path, "{value}"),
                (Err(e), Err(hint)) => assert!(e.to_string().contains(hint), "{value}: {e}"),
                (got, want) => panic!("{value}: got {got:?}, want {want:?}"),
            }
        }
    }
}
