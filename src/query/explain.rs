//! Why a query matches what it matches: the parsed tree with the number of documents each
//! clause matches on its own, and, for a query without hits, the nearest looser query that
//! has some.

use serde::Serialize;
use tantivy::collector::Count;

use super::compile::Compiler;
use super::parse::{Node, NodeKind, TermPattern};
use super::{PreparedSearch, SearchRequest};
use crate::error::Result;
use crate::index::Index;

/// One clause of a parsed query.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Clause {
    /// Nesting depth (0 for the whole query).
    pub depth: usize,
    /// The clause in canonical form.
    pub clause: String,
    /// Documents it matches on its own (for `NOT x`: those of `x`, which it excludes).
    pub documents: usize,
    /// What to know about it: a word the analyzer dropped, a clause that empties the query.
    pub note: Option<String>,
}

/// A looser query than one without hits.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Relaxation {
    /// The query to run instead.
    pub query: String,
    /// How it was loosened.
    pub how: String,
    /// Its number of hits.
    pub documents: usize,
}

impl SearchRequest {
    /// The parsed query as a list of clauses, depth first, each with its document count.
    ///
    /// ```
    /// use gazette::{Document, Index, SearchRequest};
    /// let index = Index::create_in_ram()?;
    /// let mut w = index.writer()?;
    /// w.add(&Document::new("1", "Tariffs on steel", "The tariffs rose."))?;
    /// w.commit()?;
    /// let clauses = SearchRequest::new("tariffs AND (the OR iran)").explain(&index)?;
    /// let shown: Vec<(usize, &str, usize)> = clauses.iter().map(|c| (c.depth, c.clause.as_str(), c.documents)).collect();
    /// assert_eq!(shown, [(0, "tariffs AND (the OR iran)", 0), (1, "tariffs", 1), (1, "the OR iran", 0), (2, "the", 0), (2, "iran", 0)]);
    /// assert!(clauses[3].note.as_deref().unwrap().contains("dropped"));
    /// # Ok::<(), gazette::Error>(())
    /// ```
    pub fn explain(&self, index: &Index) -> Result<Vec<Clause>> {
        self.prepare(index)?.explain()
    }

    /// For a query with no hits, looser queries that have some, nearest first: the words
    /// that match nothing as fuzzy words (`word~`, for a misspelling), each phrase as words
    /// within 5 of each other, then AND as OR. Empty when the query has hits or nothing
    /// looser helps.
    pub fn relaxations(&self, index: &Index) -> Result<Vec<Relaxation>> {
        self.prepare(index)?.relaxations()
    }
}

impl PreparedSearch<'_> {
    /// See [`SearchRequest::explain`].
    pub fn explain(&self) -> Result<Vec<Clause>> {
        let mut out = Vec::new();
        // An empty query or `*` has no tree to prepare; explained, it is parsed as typed.
        let parsed;
        let tree = match &self.tree {
            Some(tree) => tree,
            None => {
                parsed = self.request.tree(self.index)?;
                &parsed
            }
        };
        walk(&self.compiler, self.index, tree, 0, &mut out)?;
        Ok(out)
    }

    /// See [`SearchRequest::relaxations`].
    pub fn relaxations(&self) -> Result<Vec<Relaxation>> {
        let Some(tree) = &self.tree else { return Ok(Vec::new()) };
        let (index, compiler) = (self.index, &self.compiler);
        // The documents a form matches; `None` when nothing of it is left to search (a stop
        // word) or the index cannot answer it.
        let hits = |node: &Node| -> Result<Option<usize>> {
            Ok(match compiler.compile(node) {
                Ok(Some(q)) => Some(index.searcher().search(&*q, &Count)?),
                _ => None,
            })
        };
        // A looser form the index cannot answer counts as no help.
        let count = |node: &Node| -> Result<usize> { Ok(hits(node)?.unwrap_or(0)) };
        if count(tree)? > 0 {
            return Ok(Vec::new());
        }
        // A word the analyzer keeps but no document has is likely misspelled.
        let unmatched = |node: &Node| matches!(hits(node), Ok(Some(0)));
        let looser = [
            (fuzzy_unmatched(tree, &unmatched), "words that match nothing, as fuzzy words"),
            (loosen_phrases(tree), "phrases as words within 5 of each other"),
            (and_to_or(tree), "AND as OR"),
        ];
        let mut out = Vec::new();
        for (node, how) in looser {
            // A looser form must not cost more than a query may (a long query of misspelt
            // words would become as many fuzzy words).
            if node != *tree && super::prepare::check_cost(&self.request.query, &node).is_ok() {
                let documents = count(&node)?;
                if documents > 0 {
                    out.push(Relaxation { query: node.to_string(), how: how.into(), documents });
                }
            }
        }
        Ok(out)
    }
}

fn walk(compiler: &Compiler<'_>, index: &Index, node: &Node, depth: usize, out: &mut Vec<Clause>) -> Result<()> {
    let counted = match &node.kind {
        NodeKind::Not(inner) | NodeKind::Required(inner) => inner,
        _ => node,
    };
    let (documents, mut note) = match compiler.compile(counted)? {
        Some(q) => (index.searcher().search(&*q, &Count)?, None),
        None => (0, Some("dropped by the analyzer (a stop word or punctuation): it matches nothing".to_string())),
    };
    if note.is_none() && documents == 0 && depth > 0 {
        note = Some("matches no document".into());
    }
    if matches!(node.kind, NodeKind::Not(_)) {
        note = Some(format!("excludes these {documents} documents"));
    }
    out.push(Clause { depth, clause: strip_outer(&node.to_string()), documents, note });
    match &node.kind {
        NodeKind::And(children) | NodeKind::Or(children) => {
            for c in children {
                walk(compiler, index, c, depth + 1, out)?;
            }
        }
        NodeKind::Near { left, right, .. }
        | NodeKind::Sentence { left, right }
        | NodeKind::Paragraph { left, right } => {
            walk(compiler, index, left, depth + 1, out)?;
            walk(compiler, index, right, depth + 1, out)?;
        }
        NodeKind::Not(inner) | NodeKind::Required(inner)
            if !matches!(inner.kind, NodeKind::Term { .. } | NodeKind::Phrase { .. }) =>
        {
            walk(compiler, index, inner, depth + 1, out)?;
        }
        NodeKind::Boost { node: inner, .. } => walk(compiler, index, inner, depth + 1, out)?,
        _ => {}
    }
    Ok(())
}

/// The canonical form without the parentheses around the whole.
fn strip_outer(s: &str) -> String {
    if s.starts_with('(') && s.ends_with(')') {
        // Only when the two parentheses match each other.
        let mut depth = 0;
        for (i, c) in s.char_indices() {
            match c {
                '(' => depth += 1,
                ')' => depth -= 1,
                _ => {}
            }
            if depth == 0 && i + 1 < s.len() {
                return s.to_string();
            }
        }
        return s[1..s.len() - 1].to_string();
    }
    s.to_string()
}

/// Phrases of several words as those words within 5 of each other.
fn loosen_phrases(node: &Node) -> Node {
    let kind = match &node.kind {
        NodeKind::Phrase { field: None, text, .. } if text.split_whitespace().count() >= 2 => {
            let words: Vec<&str> = text.split_whitespace().collect();
            let word = |w: &str| Node {
                kind: NodeKind::Term { field: None, text: w.to_string(), pattern: super::parse::TermPattern::Exact },
                span: node.span.clone(),
            };
            // Each pair of neighbours within 5: "a b c" as (a W/5 b) AND (b W/5 c).
            let mut pairs: Vec<Node> = words
                .windows(2)
                .map(|p| Node {
                    kind: NodeKind::Near {
                        left: Box::new(word(p[0])),
                        right: Box::new(word(p[1])),
                        distance: 5,
                        ordered: false,
                    },
                    span: node.span.clone(),
                })
                .collect();
            if pairs.len() == 1 {
                return pairs.remove(0);
            }
            return Node { kind: NodeKind::And(pairs), span: node.span.clone() };
        }
        NodeKind::And(c) => NodeKind::And(c.iter().map(loosen_phrases).collect()),
        NodeKind::Or(c) => NodeKind::Or(c.iter().map(loosen_phrases).collect()),
        NodeKind::Not(c) => NodeKind::Not(Box::new(loosen_phrases(c))),
        NodeKind::Required(c) => NodeKind::Required(Box::new(loosen_phrases(c))),
        NodeKind::Boost { node: c, factor } => NodeKind::Boost { node: Box::new(loosen_phrases(c)), factor: *factor },
        other => other.clone(),
    };
    Node { kind, span: node.span.clone() }
}

/// Exact words for which `unmatched` holds as fuzzy words (`word~`: one or two edits, by
/// length). Exclusions are left alone: a misspelled exclusion excludes nothing, and that is
/// not why a query has no hits.
fn fuzzy_unmatched(node: &Node, unmatched: &dyn Fn(&Node) -> bool) -> Node {
    let fuzz = |c: &Node| fuzzy_unmatched(c, unmatched);
    let kind = match &node.kind {
        NodeKind::Term { field, text, pattern: TermPattern::Exact } if unmatched(node) => {
            NodeKind::Term { field: field.clone(), text: text.clone(), pattern: TermPattern::Fuzzy(None) }
        }
        NodeKind::And(c) => NodeKind::And(c.iter().map(fuzz).collect()),
        NodeKind::Or(c) => NodeKind::Or(c.iter().map(fuzz).collect()),
        NodeKind::Required(c) => NodeKind::Required(Box::new(fuzz(c))),
        NodeKind::Boost { node: c, factor } => NodeKind::Boost { node: Box::new(fuzz(c)), factor: *factor },
        NodeKind::Near { left, right, distance, ordered } => NodeKind::Near {
            left: Box::new(fuzz(left)),
            right: Box::new(fuzz(right)),
            distance: *distance,
            ordered: *ordered,
        },
        NodeKind::Sentence { left, right } => {
            NodeKind::Sentence { left: Box::new(fuzz(left)), right: Box::new(fuzz(right)) }
        }
        NodeKind::Paragraph { left, right } => {
            NodeKind::Paragraph { left: Box::new(fuzz(left)), right: Box::new(fuzz(right)) }
        }
        other => other.clone(),
    };
    Node { kind, span: node.span.clone() }
}

/// The top-level AND as OR (its exclusions stay exclusions).
fn and_to_or(node: &Node) -> Node {
    match &node.kind {
        NodeKind::And(children) => {
            let (not, rest): (Vec<Node>, Vec<Node>) =
                children.iter().cloned().partition(|c| matches!(c.kind, NodeKind::Not(_)));
            if rest.len() < 2 {
                return node.clone();
            }
            let or = Node { kind: NodeKind::Or(rest), span: node.span.clone() };
            if not.is_empty() {
                return or;
            }
            let mut all = vec![or];
            all.extend(not);
            Node { kind: NodeKind::And(all), span: node.span.clone() }
        }
        _ => node.clone(),
    }
}
