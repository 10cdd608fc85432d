//! The closed world: the vocabulary's countries, ambiguous country names, blocked phrases
//! and gazetteer actors, compiled into anchored automata ([`EntityMatcher`]) and looked for
//! in one pass over the starts of words ([`scan`]), which also finds role titles, verbs of
//! speech and the evidence strings of ambiguous names. [`match_names`] turns what the scan
//! found into mentions. Names not in the gazetteer are left to `names`.

use std::collections::BTreeMap;

use aho_corasick::{AhoCorasick, AhoCorasickKind, Anchored, Input, MatchKind, StartKind};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use super::entities::{Evidence, EvidenceMap, Kind, evidence_mut, role_is_former};
use super::words::{Tok, WordSets, boundary_ok, is_capitalized, trim_back};
use crate::facet;
use crate::facet::Vocabulary;
use crate::packed::WordMap;

/// What a gazetteer pattern stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Country(usize),
    Ambiguous(usize),
    Actor(usize),
    /// A phrase that contains a country name but is not the country ("New Mexico").
    Blocked,
}

/// Flags of `EntityMatcher::word_flags`.
const NAME_START: u8 = 1;
const ROLE_START: u8 = 2;
const SPEECH_WORD: u8 = 4;
const EVIDENCE_START: u8 = 8;

/// The compiled matchers.
pub(crate) struct EntityMatcher {
    /// Every name of the gazetteer, searched anchored at the start of a word.
    ac: AhoCorasick,
    targets: Vec<Target>,
    /// Role titles ("Secretary of State", "spokeswoman").
    roles: AhoCorasick,
    /// The evidence strings of all ambiguous names, and for each name the ones that are its.
    evidence: Vec<String>,
    evidence_of: Vec<Vec<usize>>,
    /// First word of evidence strings -> the strings (indices into `evidence`) it begins.
    evidence_by_first_word: HashMap<String, Vec<usize>>,
    /// What a word can start: a gazetteer name ("United", "the" of "the Kremlin", "al" of
    /// "al-Assad"), a role title, a verb of speech. One lookup per word of the text.
    word_flags: WordMap<u8>,
    /// Whether a word of this first byte and length (capped at 15) is in `word_flags`: most
    /// words are ruled out without hashing.
    flag_filter: Box<[[bool; 16]; 256]>,
    pub(super) first_names: HashSet<String>,
    pub(super) surname_first: HashSet<String>,
    /// Surname -> the one gazetteer person with it (`None` when several share it).
    pub(super) gazetteer_surnames: HashMap<String, Option<usize>>,
    /// The English word lists of the vocabulary.
    pub(super) words: WordSets,
    /// Facet paths of the vocabulary's countries and actors, by index.
    country_facets: Vec<String>,
    actor_facets: Vec<String>,
}

impl EntityMatcher {
    pub(crate) fn new(v: &Vocabulary) -> EntityMatcher {
        let (patterns, targets) = gazetteer_patterns(v);
        let anchored = |patterns: &[String]| {
            AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostLongest)
                .kind(Some(AhoCorasickKind::ContiguousNFA))
                .start_kind(StartKind::Anchored)
                .build(patterns)
        };
        let ac = anchored(&patterns).expect("gazetteer patterns compile");
        let roles = anchored(&v.roles).expect("role patterns compile");
        let mut evidence_strings: Vec<&str> =
            v.ambiguous.iter().flat_map(|a| a.evidence.iter().map(String::as_str)).collect();
        evidence_strings.sort_unstable();
        evidence_strings.dedup();
        let evidence_of = v
            .ambiguous
            .iter()
            .map(|a| a.evidence.iter().filter_map(|e| evidence_strings.binary_search(&e.as_str()).ok()).collect())
            .collect();
        let evidence: Vec<String> = evidence_strings.iter().map(|e| e.to_string()).collect();
        let mut word_flags: HashMap<String, u8> = HashMap::default();
        let first_word = |p: &str| p.split(|c: char| !c.is_alphanumeric()).next().unwrap_or("").to_string();
        for (list, flag) in [(&patterns, NAME_START), (&v.roles, ROLE_START), (&evidence, EVIDENCE_START)] {
            for p in list {
                *word_flags.entry(first_word(p)).or_default() |= flag;
            }
        }
        let mut evidence_by_first_word: HashMap<String, Vec<usize>> = HashMap::default();
        for (i, e) in evidence.iter().enumerate() {
            evidence_by_first_word.entry(first_word(e)).or_default().push(i);
        }
        for w in &v.english.speech_verbs {
            *word_flags.entry(w.to_string()).or_default() |= SPEECH_WORD;
        }
        word_flags.remove("");
        let mut flag_filter = Box::new([[false; 16]; 256]);
        for w in word_flags.keys() {
            flag_filter[w.as_bytes()[0] as usize][w.len().min(15)] = true;
        }
        EntityMatcher {
            country_facets: v.countries.iter().map(facet::country).collect(),
            actor_facets: v.actors.iter().map(facet::actor).collect(),
            gazetteer_surnames: gazetteer_surnames(v),
            ac,
            targets,
            roles,
            evidence,
            evidence_of,
            evidence_by_first_word,
            word_flags: {
                let mut flags = WordMap::default();
                for (word, f) in &word_flags {
                    flags.insert(word.as_bytes(), *f);
                }
                flags
            },
            flag_filter,
            first_names: v.first_names.clone(),
            surname_first: v.surname_first.clone(),
            words: WordSets::new(v),
        }
    }
}

/// Every name of the gazetteer, sorted, with what it stands for. A name listed twice keeps
/// its first reading (countries, then actors, then blocked phrases), except that an
/// ambiguous name overrides any other: it needs evidence wherever it is found.
fn gazetteer_patterns(v: &Vocabulary) -> (Vec<String>, Vec<Target>) {
    let mut map: BTreeMap<String, Target> = BTreeMap::new();
    let add = |s: &str, t: Target, map: &mut BTreeMap<String, Target>, overwrite: bool| {
        let mut forms = vec![s.to_string()];
        if s.contains('\'') {
            forms.push(s.replace('\'', "\u{2019}"));
        }
        for f in forms {
            if f.trim().is_empty() {
                continue;
            }
            if overwrite {
                map.insert(f, t);
            } else {
                map.entry(f).or_insert(t);
            }
        }
    };
    for (i, c) in v.countries.iter().enumerate() {
        for s in std::iter::once(&c.name).chain(&c.aliases).chain(&c.demonyms).chain(&c.capitals) {
            add(s, Target::Country(i), &mut map, false);
        }
        // Datelines and headlines in capitals: WASHINGTON —, CHINA'S ...
        for s in std::iter::once(&c.name).chain(&c.capitals) {
            if s.chars().count() > 3 {
                add(&s.to_uppercase(), Target::Country(i), &mut map, false);
            }
        }
    }
    for (i, a) in v.ambiguous.iter().enumerate() {
        add(&a.alias, Target::Ambiguous(i), &mut map, true);
    }
    for (i, a) in v.actors.iter().enumerate() {
        for s in std::iter::once(&a.name).chain(&a.aliases) {
            add(s, Target::Actor(i), &mut map, false);
        }
    }
    for s in &v.blocked {
        add(s, Target::Blocked, &mut map, false);
    }
    map.into_iter().unzip()
}

/// Surname -> the one gazetteer person with it (`None` when several share it). The surname
/// is the first word of a name of at most three words whose first word is a family name
/// written first ("Xi Jinping"), else the last word.
fn gazetteer_surnames(v: &Vocabulary) -> HashMap<String, Option<usize>> {
    let mut surnames: HashMap<String, Option<usize>> = HashMap::default();
    for (i, a) in v.actors.iter().enumerate().filter(|(_, a)| a.is_person) {
        let parts: Vec<&str> = a.name.split(' ').collect();
        if parts.len() < 2 {
            continue;
        }
        let key =
            if v.surname_first.contains(parts[0]) && parts.len() <= 3 { parts[0] } else { parts[parts.len() - 1] };
        surnames.entry(key.to_string()).and_modify(|e| *e = None).or_insert(Some(i));
    }
    surnames
}

/// What one pass over the starts of words finds.
pub(super) struct Scan {
    /// Where role titles ("Secretary of State", "spokeswoman") end.
    pub(super) role_ends: HashSet<usize>,
    /// Gazetteer names, left to right, not overlapping: (start, end, pattern).
    names: Vec<(usize, usize, usize)>,
    /// Where verbs of speech are, for finding quoted sentences.
    pub(super) speech: Vec<usize>,
    /// The evidence strings of ambiguous names present as whole words (indices into
    /// `EntityMatcher::evidence`).
    evidence: Vec<usize>,
}

/// Gazetteer names, role titles and verbs of speech, looked for only where they can start:
/// the automata run anchored at the start of a word, and only at words that can begin a
/// pattern (a capital or a digit, or a listed lower-case first word), which keeps the large
/// gazetteer automaton out of the cache for most of the text.
pub(super) fn scan(m: &EntityMatcher, text: &str, spans: &[(usize, usize)]) -> Scan {
    let mut scan = Scan { role_ends: HashSet::default(), names: Vec::new(), speech: Vec::new(), evidence: Vec::new() };
    let anchored_at = |ac: &AhoCorasick, at: usize| ac.find(Input::new(text).range(at..).anchored(Anchored::Yes));
    let mut free_from = 0;
    for &(ws, we) in spans {
        let w = &text[ws..we];
        if !m.flag_filter[w.as_bytes()[0] as usize][w.len().min(15)] {
            continue;
        }
        let Some(flags) = m.word_flags.get_at(text.as_bytes(), ws, we) else { continue };
        if flags & ROLE_START != 0
            && let Some(r) = anchored_at(&m.roles, ws)
            && boundary_ok(text, r.start(), r.end())
        {
            scan.role_ends.insert(r.end());
        }
        if flags & SPEECH_WORD != 0 {
            let after = &text[we..];
            let before_space = text[..ws].ends_with(' ');
            match w {
                "according" if after.starts_with(" to ") => scan.speech.push(ws),
                "quoted" => scan.speech.push(ws),
                "told" if before_space && after.starts_with(' ') => scan.speech.push(ws - 1),
                "according" | "told" => {}
                _ if before_space => scan.speech.push(ws - 1),
                _ => {}
            }
        }
        // An evidence string begins at the start of a word, as a whole word: its first word
        // is this word.
        if flags & EVIDENCE_START != 0
            && let Some(candidates) = m.evidence_by_first_word.get(w)
        {
            for &ev in candidates {
                let e = &m.evidence[ev];
                if text[ws..].starts_with(e.as_str()) && boundary_ok(text, ws, ws + e.len()) {
                    scan.evidence.push(ev);
                }
            }
        }
        if ws < free_from || flags & NAME_START == 0 {
            continue;
        }
        if let Some(mat) = anchored_at(&m.ac, ws)
            && boundary_ok(text, mat.start(), mat.end())
        {
            scan.names.push((mat.start(), mat.end(), mat.pattern().as_usize()));
            free_from = mat.end();
        }
    }
    scan
}

/// Where the gazetteer names are: what the passes after [`match_names`] read the text by.
#[derive(Default)]
pub(super) struct GazetteerHits {
    /// Every gazetteer name found, blocked phrases included, as sorted byte ranges: the
    /// words inside them are no part of other names.
    covered: Vec<(usize, usize)>,
    /// Where organizations end, to recognise "X's Center for ..." as a part of X.
    pub(super) org_ends: HashSet<usize>,
    /// Where countries end -> the country, to qualify "China's Ministry of ..." and "Chinese
    /// Ministry of ...".
    pub(super) country_ends: HashMap<usize, usize>,
    /// Where countries end -> where they start, for the country as written.
    pub(super) country_starts: HashMap<usize, usize>,
}

impl GazetteerHits {
    /// The first gazetteer name that ends after `pos`.
    fn next_after(&self, pos: usize) -> Option<(usize, usize)> {
        self.covered.get(self.covered.partition_point(|c| c.1 <= pos)).copied()
    }

    /// Whether the word overlaps a gazetteer name.
    pub(super) fn is_covered(&self, tok: &Tok) -> bool {
        self.next_after(tok.start).is_some_and(|c| c.0 < tok.end)
    }

    /// Where the country name that starts at `pos` ends, if one does.
    pub(super) fn country_at(&self, pos: usize) -> Option<usize> {
        self.next_after(pos).filter(|c| c.0 == pos && self.country_ends.contains_key(&c.1)).map(|c| c.1)
    }

    fn add_country(
        &mut self,
        m: &EntityMatcher,
        v: &Vocabulary,
        found: &mut EvidenceMap,
        i: usize,
        s: usize,
        e: usize,
    ) {
        let c = &v.countries[i];
        let entity = evidence_mut(found, Kind::Country, &c.name);
        if entity.facet.is_empty() {
            entity.facet = m.country_facets[i].clone();
            entity.country = Some(c.alpha2.clone());
        }
        entity.spans.push((s, e));
        self.country_ends.insert(e, i);
        self.country_starts.insert(e, s);
    }
}

/// The mentions of the names [`scan`] found: countries, ambiguous names where the document
/// holds evidence for the country reading, and gazetteer actors. Blocked phrases only keep
/// their words from being read as other names.
pub(super) fn match_names(
    m: &EntityMatcher,
    v: &Vocabulary,
    text: &str,
    scan: &Scan,
    found: &mut EvidenceMap,
) -> GazetteerHits {
    let mut hits = GazetteerHits::default();
    let mut deferred: Vec<(usize, usize, usize)> = Vec::new();
    let after_role = |s: usize| scan.role_ends.contains(&trim_back(text, s));
    for &(s, e, pattern) in &scan.names {
        hits.covered.push((s, e));
        match m.targets[pattern] {
            Target::Blocked => {}
            Target::Country(i) => hits.add_country(m, v, found, i, s, e),
            Target::Ambiguous(i) => {
                let a = &v.ambiguous[i];
                // "Jordan Henderson", "Georgia Tech": a capitalized word after the name makes
                // it part of another name.
                let followed_by_name = text[e..]
                    .strip_prefix(' ')
                    .and_then(|r| r.split(|c: char| !c.is_alphanumeric()).next())
                    .is_some_and(is_capitalized);
                let evidence = m.evidence_of[i].iter().any(|ev| scan.evidence.contains(ev));
                if evidence
                    && !followed_by_name
                    && let Some(ci) = v.countries.iter().position(|c| c.alpha2 == a.country)
                {
                    hits.add_country(m, v, found, ci, s, e);
                }
            }
            Target::Actor(i) => {
                let a = &v.actors[i];
                // A one-word name of a national body ("Congress", "Treasury") means that
                // body only where its country is named too; decided once countries are known.
                let matched = &text[s..e];
                if !a.is_person
                    && a.country.is_some()
                    && !matched.contains(' ')
                    && matched.chars().skip(1).any(char::is_lowercase)
                {
                    deferred.push((i, s, e));
                    continue;
                }
                add_actor(m, v, found, i, s, e, text, after_role(s));
                if !a.is_person {
                    hits.org_ends.insert(e);
                }
            }
        }
    }
    for (i, s, e) in deferred {
        let a = &v.actors[i];
        let code = a.country.as_deref().unwrap_or_default();
        let named = found.iter().any(|((k, _), c)| *k == Kind::Country && c.country.as_deref() == Some(code));
        if named {
            add_actor(m, v, found, i, s, e, text, after_role(s));
            hits.org_ends.insert(e);
        }
    }
    hits.covered.sort_unstable();
    hits
}

/// Records a mention `s..e` of the gazetteer actor `i`. `after_role`: a role title ends right
/// before it, which introduces a person.
#[allow(clippy::too_many_arguments)]
pub(super) fn add_actor(
    m: &EntityMatcher,
    v: &Vocabulary,
    found: &mut EvidenceMap,
    i: usize,
    s: usize,
    e: usize,
    text: &str,
    after_role: bool,
) {
    let a = &v.actors[i];
    let kind = if a.is_person { Kind::Person } else { Kind::Organization };
    let entity: &mut Evidence = evidence_mut(found, kind, &a.name);
    if entity.facet.is_empty() {
        entity.facet = m.actor_facets[i].clone();
    }
    if entity.country != a.country {
        entity.country = a.country.clone();
    }
    entity.official = a.is_person
        || matches!(
            a.kind.as_deref(),
            Some("ministry" | "agency" | "legislature" | "military" | "central-bank" | "court")
        );
    entity.media = a.kind.as_deref() == Some("media");
    entity.spans.push((s, e));
    if kind == Kind::Person && after_role {
        entity.introduced(role_is_former(text, s));
    }
}
