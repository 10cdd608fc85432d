//! Facet filters and counts over the `country`, `actor` and `topic` fields.

use serde::Serialize;
use tantivy::collector::{FacetCollector, MultiCollector};
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::{Facet, Field, IndexRecordOption};
use tantivy::{Searcher, Term};

use super::facet_counter::FacetCounter;
use super::result_counts::{Counted, ResultCounts};
use crate::error::Result;
use crate::facet::{self, FacetField, Vocabulary};
use crate::index::Index;

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
fn parents_at(v: &Vocabulary, field: FacetField, depth: usize) -> Vec<Facet> {
    if depth == 0 {
        return vec![Facet::root()];
    }
    let mut paths: Vec<String> = match (field, depth) {
        (FacetField::Country, 1) => v.countries.iter().map(|c| facet::region(&c.region)).collect(),
        (FacetField::Country, 2) => v.countries.iter().map(|c| facet::subregion(&c.region, &c.subregion)).collect(),
        (FacetField::Actor, 1) => vec![facet::actor_kind(true), facet::actor_kind(false)],
        (FacetField::Topic, 1) => v.topics.iter().map(|t| facet::topic(&t.name, None)).collect(),
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
    let vocabulary = index.vocabulary()?;
    let mut multi = MultiCollector::new();
    let mut handles = Vec::new();
    for depth in 0..max_depth {
        let parents = parents_at(&vocabulary, field, depth);
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
    ResultCounts { shard_size: limit.saturating_mul(10).max(100), cache: index.facet_values().clone(), main }
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
