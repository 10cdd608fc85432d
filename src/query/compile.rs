//! From a parsed query ([`parse::Node`]) to a tantivy query.
//!
//! Words and phrases without a field search the default fields (title, lead, body) with their
//! boosts from `index-schema/`, analyzed as the index analyzes them (so `sanctions` finds
//! `sanction`). Wildcards and fuzzy words are expanded here, against the terms the index
//! holds, into ordinary term queries: they rank by BM25 like any word, and the highlighter
//! sees the words they matched. Facet fields take names, aliases and paths; `date` takes
//! days, months, years and ranges of them.

use std::ops::Bound;

use chrono::{DateTime, Utc};
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, EmptyQuery, ExistsQuery, Occur, PhraseQuery, Query, QueryParser, RangeQuery,
    TermQuery,
};
use tantivy::schema::{Field, FieldType, IndexRecordOption};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Searcher, Term};
use tantivy_fst::Automaton;

use super::facet_counts;
use super::parse::{Node, NodeKind, TermPattern};
use super::proximity::{MAX_SENTENCE_WORDS, ProximityQuery, Side, Unit};
use crate::error::{Error, Result};
use crate::facet::{self, FacetField};
use crate::highlight::{NearSpec, Spec};
use crate::index::Index;
use crate::schema;

/// Most words a wildcard or fuzzy word may expand to, per field.
pub const MAX_EXPANSIONS: usize = 1024;

/// Builds tantivy queries for one index.
pub(crate) struct Compiler<'a> {
    index: &'a Index,
    searcher: Searcher,
    /// The query as typed, for errors.
    query: &'a str,
}

/// What each matched clause adds to a score in [`Matching::Most`](super::Matching::Most)
/// mode: more than any BM25 sum of real queries, so that the number of clauses matched
/// decides first. Hits show their score without it.
pub(crate) const COORDINATION: f32 = 1000.0;

impl<'a> Compiler<'a> {
    pub(crate) fn new(index: &'a Index, query: &'a str) -> Compiler<'a> {
        Compiler { index, searcher: index.searcher(), query }
    }

    fn invalid(&self, reason: String) -> Error {
        Error::InvalidQuery { query: self.query.to_string(), reason }
    }

    /// A value a keyword or JSON field cannot be searched for (tantivy's reason stays out: it
    /// speaks of its own parser, not of the query the user typed).
    fn unsearchable(&self, field: &str, text: &str) -> Error {
        self.invalid(format!("{field}:{text:?} cannot be searched; search the words of it without the field"))
    }

    /// The query of a node; `None` when nothing of it is left to search (a word the analyzer
    /// drops, such as a stop word).
    pub(crate) fn compile(&self, node: &Node) -> Result<Option<Box<dyn Query>>> {
        Ok(match &node.kind {
            NodeKind::All => Some(Box::new(AllQuery)),
            NodeKind::Term { field, text, pattern } => self.term(field.as_deref(), text, pattern)?,
            NodeKind::Phrase { field, text, slop } => self.phrase(field.as_deref(), text, *slop)?,
            NodeKind::Exists { field } => Some(self.exists(field)?),
            NodeKind::Range { field, lower, upper } => Some(self.range(field, lower, upper)?),
            NodeKind::In { field, values } => {
                let mut clauses = Vec::new();
                for v in values {
                    if let Some(q) = self.term(Some(field), v, &TermPattern::Exact)? {
                        clauses.push((Occur::Should, q));
                    }
                }
                Some(or_all(clauses))
            }
            NodeKind::And(children) => self.boolean(children, Occur::Must)?,
            NodeKind::Or(children) => self.boolean(children, Occur::Should)?,
            NodeKind::Not(child) => {
                let inner = self.compile(child)?.unwrap_or_else(|| Box::new(EmptyQuery));
                Some(Box::new(BooleanQuery::new(vec![(Occur::Must, Box::new(AllQuery)), (Occur::MustNot, inner)])))
            }
            NodeKind::Required(child) => self.compile(child)?,
            NodeKind::Boost { node, factor } => self.compile(node)?.map(|q| Box::new(BoostQuery::new(q, *factor)) as _),
            NodeKind::Near { left, right, distance, ordered } => {
                let mut clauses = Vec::new();
                for (f, boost) in self.text_fields(None)? {
                    let (l, r) = (self.side(f, left)?, self.side(f, right)?);
                    if l.is_empty() || r.is_empty() {
                        continue;
                    }
                    let q = ProximityQuery {
                        field: f,
                        left: l,
                        right: r,
                        distance: *distance,
                        ordered: *ordered,
                        unit: None,
                    };
                    clauses.push((Occur::Should, boosted(Box::new(q), boost)));
                }
                Some(or_all(clauses))
            }
            NodeKind::Sentence { left, right } | NodeKind::Paragraph { left, right } => {
                // Sentences and paragraphs are read from the stored text: the title (one
                // sentence) and the body.
                let paragraph = matches!(node.kind, NodeKind::Paragraph { .. });
                let fields = self.index.fields();
                let mut clauses = Vec::new();
                for (f, boost) in
                    self.text_fields(None)?.into_iter().filter(|(f, _)| [fields.title, fields.body].contains(f))
                {
                    let (l, r) = (self.side(f, left)?, self.side(f, right)?);
                    if l.is_empty() || r.is_empty() {
                        continue;
                    }
                    let unit = Unit { paragraph, analyzer: self.analyzer(f)? };
                    let q =
                        ProximityQuery { field: f, left: l, right: r, distance: 0, ordered: false, unit: Some(unit) };
                    clauses.push((Occur::Should, boosted(Box::new(q), boost)));
                }
                Some(or_all(clauses))
            }
        })
    }

    /// The clauses of a query matched in [`Matching::Most`](super::Matching::Most) mode:
    /// any of them, each adding [`COORDINATION`] to the score of a document it matches, so
    /// that documents matching more clauses rank first whatever their BM25 (below the
    /// coordination step), BM25 within each group. Negated and required clauses keep their
    /// meaning, and so do children that `strict` marks (written with an `AND`).
    /// Also gives the optional words, by their index among `children`, each with its query
    /// (to tell a hit which of them it lacks).
    #[allow(clippy::type_complexity)]
    pub(crate) fn coordinated(
        &self,
        children: &[Node],
        strict: &[bool],
    ) -> Result<(Option<Box<dyn Query>>, Vec<(usize, Box<dyn Query>)>)> {
        // Only plain words are optional; a field, a phrase, a group, a range or a proximity
        // written among them is meant: it must match.
        fn plain(node: &Node) -> bool {
            match &node.kind {
                NodeKind::Term { field: None, .. } => true,
                NodeKind::Boost { node, .. } => plain(node),
                _ => false,
            }
        }
        let optional = |i: usize| plain(&children[i]) && !strict.get(i).copied().unwrap_or(false);
        // Without an optional word (`china AND russia`, `title:a title:b`), it is an AND.
        if !(0..children.len()).any(optional) {
            return Ok((self.boolean(children, Occur::Must)?, Vec::new()));
        }
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut words = Vec::new();
        for (i, child) in children.iter().enumerate() {
            let (occ, node) = match &child.kind {
                NodeKind::Not(inner) => (Occur::MustNot, &**inner),
                NodeKind::Required(inner) => (Occur::Must, &**inner),
                _ if optional(i) => (Occur::Should, child),
                _ => (Occur::Must, child),
            };
            let Some(q) = self.compile(node)? else { continue };
            if occ == Occur::Should {
                words.push((i, q.box_clone()));
            }
            let q: Box<dyn Query> = match occ {
                Occur::Should => Box::new(BooleanQuery::new(vec![
                    (Occur::Should, q.box_clone()),
                    (Occur::Should, Box::new(tantivy::query::ConstScoreQuery::new(q, COORDINATION))),
                ])),
                _ => q,
            };
            clauses.push((occ, q));
        }
        if clauses.is_empty() {
            return Ok((None, Vec::new()));
        }
        if clauses.iter().all(|(o, _)| *o == Occur::MustNot) {
            clauses.push((Occur::Must, Box::new(AllQuery)));
        }
        // At least one of the words, beside what must match, unless the query marks what it
        // requires (`+pacific naval`, `pacific AND naval zeppelin`: the rest is optional, as
        // in Lucene).
        let marked = children.iter().any(|c| matches!(c.kind, NodeKind::Required(_))) || strict.contains(&true);
        let required = usize::from(!marked && clauses.iter().any(|(o, _)| *o == Occur::Should));
        Ok((Some(Box::new(BooleanQuery::with_minimum_required_clauses(clauses, required))), words))
    }

    /// AND (`Must`) or OR (`Should`) of the children; negated children exclude, required
    /// children must match. Children the analyzer emptied are left out.
    fn boolean(&self, children: &[Node], occur: Occur) -> Result<Option<Box<dyn Query>>> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for child in children {
            let (occ, node) = match &child.kind {
                NodeKind::Not(inner) => (Occur::MustNot, &**inner),
                NodeKind::Required(inner) => (Occur::Must, &**inner),
                _ => (occur, child),
            };
            if let Some(q) = self.compile(node)? {
                clauses.push((occ, q));
            }
        }
        if clauses.is_empty() {
            return Ok(None);
        }
        // Exclusions alone mean: everything but those.
        if clauses.iter().all(|(o, _)| *o == Occur::MustNot) {
            clauses.push((Occur::Must, Box::new(AllQuery)));
        }
        Ok(Some(Box::new(BooleanQuery::new(clauses))))
    }

    /// The fields a word searches, with their boosts: the default fields, or the one named.
    fn text_fields(&self, field: Option<&str>) -> Result<Vec<(Field, f32)>> {
        let fields = self.index.fields();
        match field {
            None => Ok(fields.default_fields()),
            // A key of the source's own fields (`extra.section:world`), a path of the JSON field.
            Some(name) if name.strip_prefix(schema::EXTRA).is_some_and(|k| k.starts_with('.')) => {
                Ok(vec![(fields.extra, 1.0)])
            }
            Some(name) => {
                let f = fields.schema().get_field(name).map_err(|_| self.invalid(format!("unknown field '{name}'")))?;
                Ok(vec![(f, 1.0)])
            }
        }
    }

    fn analyzer(&self, field: Field) -> Result<TextAnalyzer> {
        Ok(self.index.tantivy().tokenizer_for_field(field)?)
    }

    /// The terms a text analyzes to in a field, with their positions.
    fn analyze(&self, field: Field, text: &str) -> Result<Vec<(usize, Term)>> {
        let mut analyzer = self.analyzer(field)?;
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            let t = stream.token();
            out.push((t.position, Term::from_field_text(field, &t.text)));
        }
        Ok(out)
    }

    fn is_text(&self, field: Field) -> bool {
        let entry = self.index.fields().schema().get_field_entry(field);
        matches!(entry.field_type(), FieldType::Str(o) if o.get_indexing_options().is_some())
    }

    fn term(&self, field: Option<&str>, text: &str, pattern: &TermPattern) -> Result<Option<Box<dyn Query>>> {
        if let Some(name) = field {
            if let Some(facet) = FacetField::from_name(name) {
                if *pattern != TermPattern::Exact {
                    return Err(self.invalid(format!("{name}: takes a name or a path, not a wildcard or fuzzy word")));
                }
                let resolved = facet::resolve(&*self.index.vocabulary()?, facet, text)?;
                return Ok(Some(facet_counts::any_of(facet.field(self.index.fields()), &resolved)));
            }
            if name == schema::DATE {
                let (lo, hi) = self.period(text)?;
                return Ok(Some(self.date_range(Bound::Included(lo), Bound::Excluded(hi))));
            }
        }
        let mut clauses = Vec::new();
        for (f, boost) in self.text_fields(field)? {
            if !self.is_text(f) {
                // Ids, URLs, JSON fields and the like: as tantivy's parser reads `field:"value"`.
                let name = field.expect("default fields are text fields");
                let parser = QueryParser::for_index(self.index.tantivy(), vec![]);
                let quoted = |t: &str| t.replace('\\', "\\\\").replace('"', "\\\"");
                let q = match parser.parse_query(&format!("{name}:\"{}\"", quoted(text))) {
                    Ok(q) => q,
                    // A field without positions (the JSON field of the source's own keys)
                    // takes several words as all of them, not as a phrase.
                    Err(_) if text.split_whitespace().nth(1).is_some() => {
                        let all: Vec<String> =
                            text.split_whitespace().map(|w| format!("+{name}:\"{}\"", quoted(w))).collect();
                        parser.parse_query(&all.join(" ")).map_err(|_| self.unsearchable(name, text))?
                    }
                    Err(_) => return Err(self.unsearchable(name, text)),
                };
                return Ok(Some(q));
            }
            let q: Option<Box<dyn Query>> = match pattern {
                TermPattern::Exact => {
                    let terms = self.analyze(f, text)?;
                    match terms.len() {
                        0 => None,
                        1 => {
                            Some(Box::new(TermQuery::new(terms[0].1.clone(), IndexRecordOption::WithFreqsAndPositions)))
                        }
                        // A word the analyzer splits ("cyber-attack") is a phrase.
                        _ => Some(self.phrase_of(f, terms, 0)),
                    }
                }
                TermPattern::Wildcard => Some(any_term(self.wildcard_terms(f, text)?)),
                TermPattern::Fuzzy(distance) => {
                    let terms = self.analyze(f, text)?;
                    let Some((_, term)) = terms.first() else { continue };
                    let word = term.value().as_str().unwrap_or_default().to_string();
                    let d = distance.unwrap_or_else(|| auto_distance(&word));
                    let builder = levenshtein_automata::LevenshteinAutomatonBuilder::new(d, true);
                    Some(any_term(self.expand(f, text, Levenshtein(builder.build_dfa(&word)))?))
                }
            };
            if let Some(q) = q {
                clauses.push((Occur::Should, boosted(q, boost)));
            }
        }
        Ok((!clauses.is_empty()).then(|| or_all(clauses)))
    }

    /// What of the query the highlighter marks: the words, phrases and proximities that can
    /// satisfy it in the text fields shown (title, body), not those it excludes.
    pub(crate) fn highlight_spec(&self, node: &Node) -> Spec {
        let mut spec = Spec::default();
        self.collect_spec(node, &mut spec);
        spec
    }

    fn collect_spec(&self, node: &Node, spec: &mut Spec) {
        let fields = self.index.fields();
        let body = fields.body;
        let shown =
            |f: &Option<String>| f.as_deref().is_none_or(|f| [schema::TITLE, schema::BODY, schema::LEAD].contains(&f));
        let words = |terms: Vec<Term>| -> Vec<String> {
            terms.iter().filter_map(|t| t.value().as_str().map(str::to_string)).collect()
        };
        let side = |n: &Node| -> Vec<Vec<String>> {
            self.side(body, n).map(|alts| alts.into_iter().map(words).collect()).unwrap_or_default()
        };
        let analyzed = |text: &str| -> Vec<String> {
            words(self.analyze(body, text).map(|t| t.into_iter().map(|(_, t)| t).collect()).unwrap_or_default())
        };
        // A run of several words counts only whole; one word counts anywhere.
        let add_run = |spec: &mut Spec, run: Vec<String>| {
            let c = spec.clause(node.to_string());
            if run.len() > 1 {
                spec.phrases.push((run, c));
            } else {
                for w in run {
                    spec.free.entry(w).or_insert(c);
                }
            }
        };
        match &node.kind {
            NodeKind::Term { field, text, pattern } if shown(field) => {
                let terms: Vec<Term> = match pattern {
                    TermPattern::Exact => return add_run(spec, analyzed(text)),
                    TermPattern::Wildcard => self.wildcard_terms(body, text).unwrap_or_default(),
                    TermPattern::Fuzzy(_) => {
                        self.side(body, node).map(|a| a.into_iter().flatten().collect()).unwrap_or_default()
                    }
                };
                let c = spec.clause(node.to_string());
                for w in words(terms) {
                    spec.free.entry(w).or_insert(c);
                }
            }
            NodeKind::Phrase { field, text, .. } if shown(field) => add_run(spec, analyzed(text)),
            NodeKind::And(children) | NodeKind::Or(children) => {
                children.iter().for_each(|c| self.collect_spec(c, spec))
            }
            NodeKind::Required(c) | NodeKind::Boost { node: c, .. } => self.collect_spec(c, spec),
            NodeKind::Near { left, right, .. }
            | NodeKind::Sentence { left, right }
            | NodeKind::Paragraph { left, right } => {
                let (distance, ordered) = match &node.kind {
                    NodeKind::Near { distance, ordered, .. } => (*distance, *ordered),
                    NodeKind::Sentence { .. } => (MAX_SENTENCE_WORDS, false),
                    _ => (u32::MAX, false),
                };
                let (left, right) = (side(left), side(right));
                let clause = spec.clause(node.to_string());
                spec.near.push(NearSpec { left, right, distance, ordered, clause });
            }
            // Exclusions, facets, dates, existence: nothing to mark in the text.
            _ => {}
        }
    }

    /// One side of a proximity in a field: alternatives, each a run of consecutive terms.
    fn side(&self, field: Field, node: &Node) -> Result<Side> {
        let words = |terms: Vec<(usize, Term)>| terms.into_iter().map(|(_, t)| t).collect::<Vec<_>>();
        Ok(match &node.kind {
            NodeKind::Term { field: None, text, pattern } => match pattern {
                TermPattern::Exact => {
                    let run = words(self.analyze(field, text)?);
                    if run.is_empty() { Vec::new() } else { vec![run] }
                }
                TermPattern::Wildcard => self.wildcard_terms(field, text)?.into_iter().map(|t| vec![t]).collect(),
                TermPattern::Fuzzy(distance) => {
                    let Some((_, term)) = self.analyze(field, text)?.into_iter().next() else { return Ok(Vec::new()) };
                    let word = term.value().as_str().unwrap_or_default().to_string();
                    let d = distance.unwrap_or_else(|| auto_distance(&word));
                    let dfa = levenshtein_automata::LevenshteinAutomatonBuilder::new(d, true).build_dfa(&word);
                    self.expand(field, text, Levenshtein(dfa))?.into_iter().map(|t| vec![t]).collect()
                }
            },
            NodeKind::Phrase { field: None, text, .. } => {
                let run = words(self.analyze(field, text)?);
                if run.is_empty() { Vec::new() } else { vec![run] }
            }
            NodeKind::Or(children) => {
                let mut all = Vec::new();
                for c in children {
                    all.extend(self.side(field, c)?);
                }
                all
            }
            NodeKind::Boost { node, .. } => self.side(field, node)?,
            _ => {
                return Err(self.invalid(format!(
                    "`{node}` cannot be a side of W/n or PRE/n yet: use words, phrases, wildcards, fuzzy words or \
                     OR groups of them, without a field"
                )));
            }
        })
    }

    /// The words of a field a wildcard matches. The index holds stems, so `election*` also
    /// takes the stem of `election` (`elect`) when it is a word of the index: the pattern
    /// finds what `election` finds, and longer words.
    fn wildcard_terms(&self, field: Field, text: &str) -> Result<Vec<Term>> {
        // The pattern escapes every character that means something to a regex, so this fails
        // only on a pattern too big for the automaton; the regex's own words stay out.
        let regex = tantivy_fst::Regex::new(&wildcard_regex(&text.to_lowercase()))
            .map_err(|_| self.invalid(format!("wildcard {text} is too long or too complex; make it shorter")))?;
        let mut terms = self.expand(field, text, regex)?;
        if let Some(prefix) = text.strip_suffix('*').filter(|p| !p.contains(['*', '?', '\\']))
            && let [(_, stem)] = self.analyze(field, prefix)?.as_slice()
            && !terms.contains(stem)
            && self.searcher.doc_freq(stem)? > 0
        {
            terms.push(stem.clone());
        }
        Ok(terms)
    }

    /// The words of a field that an automaton accepts.
    fn expand<A: Automaton>(&self, field: Field, text: &str, automaton: A) -> Result<Vec<Term>>
    where
        A::State: Clone,
    {
        let mut words: Vec<Vec<u8>> = Vec::new();
        for segment in self.searcher.segment_readers() {
            let inverted = segment.inverted_index(field)?;
            let mut stream = inverted
                .terms()
                .search(&automaton)
                .into_stream()
                .map_err(|e| Error::Tantivy(tantivy::TantivyError::from(e)))?;
            while stream.advance() {
                words.push(stream.key().to_vec());
            }
        }
        words.sort_unstable();
        words.dedup();
        if words.len() > MAX_EXPANSIONS {
            return Err(self.invalid(format!(
                "{text} matches {} different words, more than {MAX_EXPANSIONS}; make it more specific",
                words.len()
            )));
        }
        Ok(words
            .into_iter()
            .filter_map(|w| String::from_utf8(w).ok())
            .map(|w| Term::from_field_text(field, &w))
            .collect())
    }

    fn phrase(&self, field: Option<&str>, text: &str, slop: u32) -> Result<Option<Box<dyn Query>>> {
        if field.is_some_and(|f| FacetField::from_name(f).is_some() || f == schema::DATE) {
            return self.term(field, text, &TermPattern::Exact);
        }
        let mut clauses = Vec::new();
        for (f, boost) in self.text_fields(field)? {
            if !self.is_text(f) {
                return self.term(field, text, &TermPattern::Exact);
            }
            let terms = self.analyze(f, text)?;
            let q: Box<dyn Query> = match terms.len() {
                0 => continue,
                1 => Box::new(TermQuery::new(terms[0].1.clone(), IndexRecordOption::WithFreqsAndPositions)),
                _ => self.phrase_of(f, terms, slop),
            };
            clauses.push((Occur::Should, boosted(q, boost)));
        }
        Ok((!clauses.is_empty()).then(|| or_all(clauses)))
    }

    /// A phrase of these terms; in a field that records no positions (`dateline`, `author`),
    /// where tantivy cannot match phrases, all of its words.
    fn phrase_of(&self, field: Field, terms: Vec<(usize, Term)>, slop: u32) -> Box<dyn Query> {
        let entry = self.index.fields().schema().get_field_entry(field);
        let positions = matches!(entry.field_type(), FieldType::Str(o)
            if o.get_indexing_options().is_some_and(|i| i.index_option().has_positions()));
        if positions {
            let mut p = PhraseQuery::new_with_offset(terms);
            p.set_slop(slop);
            return Box::new(p);
        }
        let words = terms
            .into_iter()
            .map(|(_, t)| (Occur::Must, Box::new(TermQuery::new(t, IndexRecordOption::Basic)) as Box<dyn Query>))
            .collect();
        Box::new(BooleanQuery::new(words))
    }

    fn exists(&self, field: &str) -> Result<Box<dyn Query>> {
        let fields = self.index.fields();
        let f = fields.schema().get_field(field).map_err(|_| self.invalid(format!("unknown field '{field}'")))?;
        if !fields.schema().get_field_entry(f).is_fast() {
            let fast: Vec<&str> =
                fields.schema().fields().filter(|(_, e)| e.is_fast()).map(|(_, e)| e.name()).collect();
            return Err(self.invalid(format!("{field}:* works on these fields only: {}", fast.join(", "))));
        }
        Ok(Box::new(ExistsQuery::new(field.to_string(), false)))
    }

    fn range(&self, field: &str, lower: &Bound<String>, upper: &Bound<String>) -> Result<Box<dyn Query>> {
        if field != schema::DATE {
            return Err(self.invalid(format!("ranges work on date only, not on {field}")));
        }
        // A bound is a whole period: [2015 TO 2016] is 2015-01-01 up to the end of 2016.
        let lo = match lower {
            Bound::Included(v) => Bound::Included(self.period(v)?.0),
            Bound::Excluded(v) => Bound::Included(self.period(v)?.1),
            Bound::Unbounded => Bound::Unbounded,
        };
        let hi = match upper {
            Bound::Included(v) => Bound::Excluded(self.period(v)?.1),
            Bound::Excluded(v) => Bound::Excluded(self.period(v)?.0),
            Bound::Unbounded => Bound::Unbounded,
        };
        Ok(self.date_range(lo, hi))
    }

    fn date_range(&self, lo: Bound<DateTime<Utc>>, hi: Bound<DateTime<Utc>>) -> Box<dyn Query> {
        range_query(self.index.fields().date, lo, hi)
    }

    /// The period a date value names, as [start, end): a year (`2015`), a month
    /// (`2015-06`), or a day (`2015-06-30` or any form the loader reads).
    fn period(&self, value: &str) -> Result<(DateTime<Utc>, DateTime<Utc>)> {
        crate::date::period(value)
            .ok_or_else(|| self.invalid(format!("'{value}' is not a date; write 2015, 2015-06 or 2015-06-30")))
    }
}

fn range_query(field: Field, lo: Bound<DateTime<Utc>>, hi: Bound<DateTime<Utc>>) -> Box<dyn Query> {
    // tantivy's range needs one bound (it panics without): open at both ends is any date.
    if matches!((&lo, &hi), (Bound::Unbounded, Bound::Unbounded)) {
        return Box::new(ExistsQuery::new(schema::DATE.to_string(), false));
    }
    let term = |d: DateTime<Utc>| Term::from_field_date(field, tantivy::DateTime::from_timestamp_secs(d.timestamp()));
    Box::new(RangeQuery::new(lo.map(term), hi.map(term)))
}

/// Documents dated from `lo` (included) to `hi` (excluded), either end open.
pub(crate) fn date_range(field: Field, lo: Option<DateTime<Utc>>, hi: Option<DateTime<Utc>>) -> Box<dyn Query> {
    range_query(field, lo.map_or(Bound::Unbounded, Bound::Included), hi.map_or(Bound::Unbounded, Bound::Excluded))
}

/// Elasticsearch's AUTO fuzziness: none up to 2 letters, 1 up to 5, else 2.
fn auto_distance(word: &str) -> u8 {
    match word.chars().count() {
        0..=2 => 0,
        3..=5 => 1,
        _ => 2,
    }
}

/// A wildcard (`*`, `?`, backslash escapes) as a regex over whole words.
fn wildcard_regex(pattern: &str) -> String {
    let mut out = String::new();
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        match c {
            '*' => out.push_str(".*"),
            '?' => out.push('.'),
            '\\' => {
                if let Some(n) = chars.next() {
                    push_literal(&mut out, n);
                }
            }
            c => push_literal(&mut out, c),
        }
    }
    out
}

/// `c` as a literal in a regex: ASCII punctuation escaped, everything else as it is (the regex
/// syntax refuses escapes of other characters, such as `\€`).
fn push_literal(out: &mut String, c: char) {
    if c.is_ascii_punctuation() {
        out.push('\\');
    }
    out.push(c);
}

/// A Levenshtein automaton as an automaton over the term dictionary.
struct Levenshtein(levenshtein_automata::DFA);

impl Automaton for Levenshtein {
    type State = u32;

    fn start(&self) -> u32 {
        self.0.initial_state()
    }

    fn is_match(&self, state: &u32) -> bool {
        matches!(self.0.distance(*state), levenshtein_automata::Distance::Exact(_))
    }

    fn can_match(&self, state: &u32) -> bool {
        *state != levenshtein_automata::SINK_STATE
    }

    fn accept(&self, state: &u32, byte: u8) -> u32 {
        self.0.transition(*state, byte)
    }
}

/// Any of these words (expansions of a wildcard or fuzzy word), each scored as a word.
fn any_term(terms: Vec<Term>) -> Box<dyn Query> {
    or_all(
        terms
            .into_iter()
            .map(|t| (Occur::Should, Box::new(TermQuery::new(t, IndexRecordOption::WithFreqsAndPositions)) as _))
            .collect(),
    )
}

fn boosted(q: Box<dyn Query>, boost: f32) -> Box<dyn Query> {
    if boost == 1.0 { q } else { Box::new(BoostQuery::new(q, boost)) }
}

fn or_all(clauses: Vec<(Occur, Box<dyn Query>)>) -> Box<dyn Query> {
    match clauses.len() {
        0 => Box::new(EmptyQuery),
        1 => clauses.into_iter().next().expect("one clause").1,
        _ => Box::new(BooleanQuery::new(clauses)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_become_anchored_regexes_with_escapes() {
        let table = [
            ("cyber*", "cyber.*"),
            ("wom?n", "wom.n"),
            ("u.s*", "u\\.s.*"),
            ("a\\*b*", "a\\*b.*"),
            ("€*", "€.*"),
            ("c++*", "c\\+\\+.*"),
        ];
        for (pattern, regex) in table {
            assert_eq!(wildcard_regex(pattern), regex, "{pattern}");
        }
    }

    #[test]
    fn auto_fuzziness_grows_with_length() {
        assert_eq!([auto_distance("us"), auto_distance("iran"), auto_distance("sanction")], [0, 1, 2]);
    }
}
