//! A [`SearchRequest`] prepared for one index: its query text parsed once, compiled once, its
//! filters resolved once and its highlight spec built once. Execution, facet counts, the
//! timeline, `explain` and the relaxations all take this one value.

use tantivy::query::{AllQuery, BooleanQuery, EmptyQuery, Occur, Query};

use super::compile::{self, Compiler};
use super::parse::{self, Node};
use super::{SearchRequest, facet_counts};
use crate::error::{Error, Result};
use crate::facet::{self, FacetField};
use crate::highlight::Spec;
use crate::index::Index;

/// Most words and phrases in one query (as Lucene's default clause limit).
pub const MAX_QUERY_WORDS: usize = 1024;

/// Most wildcard and fuzzy words in one query.
pub const MAX_PATTERN_WORDS: usize = 64;

/// A search request compiled for an index.
///
/// ```
/// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/src/query/doc_fixtures.rs"));
/// # fn main() -> gazette::Result<()> {
/// # use gazette::SearchRequest;
/// # let index = xi_and_grain()?;
/// // The index holds "cn" (Xi Jinping meets Barack Obama, on cyber attacks) and "ua" (Ukraine's
/// // wheat exports), enriched.
/// let request = SearchRequest::new("cyber attacks").country("China");
/// let prepared = request.prepare(&index)?;
/// assert_eq!(prepared.execute()?.total, 1);
/// assert_eq!(prepared.explain()?[0].documents, 1);
/// // A syntax error, an unknown country or a bad date is found here, before any search.
/// assert!(SearchRequest::new("cyber AND").prepare(&index).is_err());
/// assert!(SearchRequest::new("cyber").country("Narnia").prepare(&index).is_err());
/// # Ok::<(), gazette::Error>(())
/// # }
/// ```
pub struct PreparedSearch<'a> {
    pub(crate) request: &'a SearchRequest,
    pub(crate) index: &'a Index,
    pub(crate) compiler: Compiler<'a>,
    /// The parsed query; `None` for an empty query or `*` (everything).
    pub(crate) tree: Option<Node>,
    /// The query text compiled, without filters.
    pub(crate) text: Box<dyn Query>,
    /// The date bounds, if any.
    date: Option<Box<dyn Query>>,
    /// One query per filtered facet field: documents with any of its values.
    filters: Vec<(FacetField, Box<dyn Query>)>,
    /// What the highlighter marks.
    pub(crate) spec: Spec,
    /// In `most` mode, the optional words as written, each with its query: what a hit lacks.
    pub(crate) optional: Vec<(String, Box<dyn Query>)>,
}

impl std::fmt::Debug for PreparedSearch<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PreparedSearch").field("query", &self.request.query).field("tree", &self.tree).finish()
    }
}

impl SearchRequest {
    /// Parses, compiles and resolves the request for `index`, once, for [`PreparedSearch`]'s
    /// stages to share.
    ///
    /// ```
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/src/query/doc_fixtures.rs"));
    /// # fn main() -> gazette::Result<()> {
    /// # use gazette::SearchRequest;
    /// # let index = wheat_and_steel()?;
    /// // The index holds "a" ("Wheat exports") and "b" ("Steel tariffs").
    /// let request = SearchRequest::new("wheat OR steel");
    /// let prepared = request.prepare(&index)?;
    /// assert_eq!(prepared.execute()?.total, 2);
    /// # Ok::<(), gazette::Error>(())
    /// # }
    /// ```
    pub fn prepare<'a>(&'a self, index: &'a Index) -> Result<PreparedSearch<'a>> {
        let compiler = Compiler::new(index, &self.query);
        let q = self.query.trim();
        let tree = if q.is_empty() || q == "*" { None } else { Some(self.tree(index)?) };
        if let Some(tree) = &tree {
            check_cost(&self.query, tree)?;
        }
        let mut optional = Vec::new();
        let (text, spec): (Box<dyn Query>, Spec) = match &tree {
            None => (Box::new(AllQuery), Spec::default()),
            Some(tree) => {
                let compiled = match (&tree.kind, self.matching) {
                    (parse::NodeKind::And(children), super::Matching::Most) => {
                        // Spans count characters of the trimmed query.
                        let chars: Vec<char> = self.query.trim().chars().collect();
                        let written = |span: std::ops::Range<usize>| -> String {
                            chars.get(span).map(|c| c.iter().collect()).unwrap_or_default()
                        };
                        let strict = written_and(children, &written);
                        let (compiled, words) = compiler.coordinated(children, &strict)?;
                        optional.extend(words.into_iter().map(|(i, q)| (written(children[i].span.clone()), q)));
                        compiled
                    }
                    _ => compiler.compile(tree)?,
                };
                (compiled.unwrap_or_else(|| Box::new(EmptyQuery)), compiler.highlight_spec(tree))
            }
        };
        let date = if self.since.is_some() || self.until.is_some() {
            let bound = |v: &Option<String>, what: &'static str| {
                v.as_deref()
                    .map(|v| {
                        crate::date::period(v).ok_or_else(|| Error::InvalidArgument {
                            what,
                            value: v.to_string(),
                            reason: "not a date; write 2015, 2015-06 or 2015-06-30".to_string(),
                        })
                    })
                    .transpose()
            };
            let lo = bound(&self.since, "since date")?.map(|p| p.0);
            let hi = bound(&self.until, "until date")?.map(|p| p.1);
            Some(compile::date_range(index.fields().date, lo, hi))
        } else {
            None
        };
        let mut filters = Vec::new();
        // Read (from the index's copy, the first time) only when there is a filter to resolve.
        let vocabulary = if self.filters.is_empty() { None } else { Some(index.vocabulary()?) };
        for field in FacetField::ALL {
            let values: Vec<&String> = self.filters.iter().filter(|(f, _)| *f == field).map(|(_, v)| v).collect();
            let Some(vocabulary) = vocabulary.as_ref().filter(|_| !values.is_empty()) else { continue };
            let mut resolved = Vec::new();
            for v in values {
                resolved.extend(facet::resolve(vocabulary, field, v)?);
            }
            filters.push((field, facet_counts::any_of(field.field(index.fields()), &resolved)));
        }
        Ok(PreparedSearch { request: self, index, compiler, tree, text, date, filters, spec, optional })
    }

    /// The parsed query.
    pub(crate) fn tree(&self, index: &Index) -> Result<Node> {
        let names: Vec<&str> =
            index.fields().schema().fields().filter(|(_, e)| e.is_indexed()).map(|(_, e)| e.name()).collect();
        // `most` parses as `all` does (words side by side are an AND); which of them were
        // written with an AND is read back from the text between them.
        let opts = parse::ParseOptions { fields: &names, default_and: self.matching != super::Matching::Any };
        parse::parse(self.query.trim(), &opts).map_err(|e| Error::QuerySyntax {
            query: self.query.clone(),
            // Positions count characters of the trimmed query.
            position: e.position + self.query.chars().take_while(|c| c.is_whitespace()).count(),
            message: e.message,
        })
    }
}

impl PreparedSearch<'_> {
    /// The whole query: text, date bounds and every filter.
    pub(crate) fn query(&self) -> Box<dyn Query> {
        self.query_without(None)
    }

    /// The query with the filters of `skip` left out: the documents whose values of that
    /// field are counted, so that a user can tick several values of a field and still see
    /// the others (drill sideways).
    pub(crate) fn query_without(&self, skip: Option<FacetField>) -> Box<dyn Query> {
        if self.filters.is_empty() && self.date.is_none() {
            return self.text.box_clone();
        }
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, self.text.box_clone())];
        clauses.extend(self.date.iter().map(|d| (Occur::Must, d.box_clone())));
        for (field, q) in &self.filters {
            if Some(*field) != skip {
                clauses.push((Occur::Must, q.box_clone()));
            }
        }
        Box::new(BooleanQuery::new(clauses))
    }

    /// Whether the request filters this field.
    pub(crate) fn filters(&self, field: FacetField) -> bool {
        self.filters.iter().any(|(f, _)| *f == field)
    }
}

/// Per child of the top AND, whether an `AND` (or `&&`) is written next to it, from the text
/// between the children (`written` gives the text of a span): those children stay required
/// in [`Matching::Most`](super::Matching::Most) mode; the others are words side by side.
fn written_and(children: &[parse::Node], written: &dyn Fn(std::ops::Range<usize>) -> String) -> Vec<bool> {
    let between = |a: &parse::Node, b: &parse::Node| -> bool {
        written(a.span.end..b.span.start).split_whitespace().any(|w| w == "AND" || w == "&&")
    };
    (0..children.len())
        .map(|i| {
            (i > 0 && between(&children[i - 1], &children[i]))
                || (i + 1 < children.len() && between(&children[i], &children[i + 1]))
        })
        .collect()
}

/// Refuses a query that would cost more than any real query: more than [`MAX_QUERY_WORDS`]
/// words and phrases, or more than [`MAX_PATTERN_WORDS`] wildcard and fuzzy words (each is
/// an automaton run over the term dictionary). The error points at the first word past
/// the limit.
pub(crate) fn check_cost(query: &str, tree: &Node) -> Result<()> {
    use super::parse::{NodeKind, TermPattern};
    let (mut words, mut patterns) = (0usize, 0usize);
    // Depth first, without recursion (the tree is at most MAX_NESTING deep, but a loop
    // costs nothing either way).
    let mut stack = vec![tree];
    let mut leaves = Vec::new();
    while let Some(node) = stack.pop() {
        match &node.kind {
            NodeKind::Term { .. } | NodeKind::Phrase { .. } | NodeKind::In { .. } => leaves.push(node),
            NodeKind::And(children) | NodeKind::Or(children) => stack.extend(children.iter().rev()),
            NodeKind::Not(inner) | NodeKind::Required(inner) | NodeKind::Boost { node: inner, .. } => stack.push(inner),
            NodeKind::Near { left, right, .. }
            | NodeKind::Sentence { left, right }
            | NodeKind::Paragraph { left, right } => stack.extend([&**right, &**left]),
            NodeKind::Exists { .. } | NodeKind::Range { .. } | NodeKind::All => {}
        }
    }
    leaves.sort_by_key(|n| n.span.start);
    for node in leaves {
        let (what, limit, count) = match &node.kind {
            NodeKind::Term { pattern: TermPattern::Wildcard | TermPattern::Fuzzy(_), .. } => {
                patterns += 1;
                ("wildcard and fuzzy words", MAX_PATTERN_WORDS, patterns)
            }
            NodeKind::In { values, .. } => {
                words += values.len();
                ("words and phrases", MAX_QUERY_WORDS, words)
            }
            _ => {
                words += 1;
                ("words and phrases", MAX_QUERY_WORDS, words)
            }
        };
        if count > limit {
            return Err(Error::QuerySyntax {
                query: query.to_string(),
                position: node.span.start + query.chars().take_while(|c| c.is_whitespace()).count(),
                message: format!("more than {limit} {what} in one query; split it into several searches"),
            });
        }
    }
    Ok(())
}
