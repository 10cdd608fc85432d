//! Countries, persons and organizations: gazetteer matching (aho-corasick), open-world
//! detection of people and organizations from titles, roles and name forms, and salience.

use std::collections::BTreeMap;

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickKind, Anchored, Input, MatchKind, StartKind};
use rustc_hash::{FxHashMap as HashMap, FxHashSet, FxHashSet as HashSet};

use super::{Entity, Mention, MentionField};
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

// The word lists below as hash sets, for the per-word checks of the hot path.
static ORG_HEADS_SET: LazyLock<FxHashSet<&'static str>> = LazyLock::new(|| ORG_HEADS.iter().copied().collect());
static LEADING_HEADS_SET: LazyLock<FxHashSet<&'static str>> = LazyLock::new(|| LEADING_HEADS.iter().copied().collect());
static NOT_NAME_WORDS_SET: LazyLock<FxHashSet<&'static str>> =
    LazyLock::new(|| NOT_NAME_WORDS.iter().copied().collect());
static GENERIC_ORG_WORDS_SET: LazyLock<FxHashSet<&'static str>> =
    LazyLock::new(|| GENERIC_ORG_WORDS.iter().copied().collect());
static NOT_PERSON_LAST_SET: LazyLock<FxHashSet<&'static str>> =
    LazyLock::new(|| NOT_PERSON_LAST.iter().copied().collect());
static NAME_PARTICLES_SET: LazyLock<FxHashSet<&'static str>> =
    LazyLock::new(|| NAME_PARTICLES.iter().copied().collect());
static ORG_CONNECTORS_SET: LazyLock<FxHashSet<&'static str>> =
    LazyLock::new(|| ORG_CONNECTORS.iter().copied().collect());
static OFFICIAL_FIRST_WORDS: LazyLock<FxHashSet<&'static str>> =
    LazyLock::new(|| OFFICIAL_NOUNS.iter().filter_map(|n| n.split(' ').next()).collect());
static ACTION_VERBS_SET: LazyLock<FxHashSet<&'static str>> = LazyLock::new(|| ACTION_VERBS.iter().copied().collect());

/// Heads that make a capitalized phrase an organization.
const ORG_HEADS: &[&str] = &[
    "Ministry", "Department", "Office", "Bureau", "Council", "Commission", "Agency", "Institute", "Institution",
    "University", "College", "Bank", "Fund", "Party", "Corporation", "Corp", "Company", "Inc", "Ltd", "Group",
    "Foundation", "Center", "Centre", "Committee", "Court", "Tribunal", "Authority", "Organization", "Organisation",
    "Association", "Federation", "Union", "Service", "Services", "Forum", "Board", "Administration", "Secretariat",
    "Parliament", "Assembly", "Senate", "Congress", "Police", "Army", "Navy", "Guard", "Force", "Forces", "Coalition",
    "Alliance", "Movement", "Network", "Society", "Trust", "Observatory", "Directorate", "Inspectorate", "Chamber",
    "Cabinet", "Academy", "Laboratory", "Laboratories", "Holdings", "Industries", "Airlines", "Bloc", "Front",
];

/// Heads that, placed first and followed by `of`, name a body ("Ministry of ...").
const LEADING_HEADS: &[&str] = &[
    "Ministry", "Department", "Office", "Bureau", "Council", "Commission", "Agency", "Institute", "University", "Bank",
    "Fund", "Court", "Committee", "Center", "Centre", "Organization", "Organisation", "Federation", "Union",
    "Association", "Board", "Academy", "Secretariat", "Chamber",
];

/// Capitalized words that begin sentences or name times, never people or bodies by themselves.
const NOT_NAME_WORDS: &[&str] = &[
    "The", "A", "An", "But", "In", "On", "At", "For", "And", "Or", "If", "As", "When", "While", "After", "Before",
    "Since", "During", "Under", "With", "Without", "This", "That", "These", "Those", "It", "He", "She", "They", "We",
    "I", "You", "His", "Her", "Their", "Our", "Its", "My", "Your", "From", "By", "To", "Of", "According", "Asked",
    "Speaking", "Meanwhile", "However", "Also", "Last", "Next", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
    "Saturday", "Sunday", "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December", "There", "Here", "What", "Why", "How", "Who", "Where", "Which", "Some", "Many",
    "Most", "All", "Both", "Each", "Every", "No", "Not", "Yes", "One", "Two", "Three", "First", "Second", "Third",
    "New", "Other", "Such", "Still", "Yet", "So", "Then", "Now", "Today", "Yesterday", "Tomorrow", "Earlier", "Later",
    "Despite", "Although", "Though", "Because", "Until", "Over", "Among", "Between", "Against", "Across", "Through",
    "Within", "Beyond", "Instead", "Officials", "Mr", "Mrs", "Ms", "Dr", "QUESTION", "MR", "MS", "Q", "A.", "Read",
    "More", "See", "Click", "Share", "Sign", "Subscribe", "Home", "World", "Photo", "Image", "Video", "Copyright",
    "Updated", "Published", "Posted", "Source",
];

/// Words that, all together and with no country before them, name a kind of body rather
/// than one body ("Supreme Court", "Election Commission", "Governing Council").
const GENERIC_ORG_WORDS: &[&str] = &[
    "Supreme", "Court", "Constitutional", "High", "National", "Assembly", "Election", "Electoral", "Commission",
    "Central", "Bank", "Reserve", "Federal", "Governing", "Council", "Security", "Forest", "Service", "Services",
    "Trust", "Fund", "Ministry", "Department", "Finance", "Foreign", "Affairs", "Defense", "Defence", "Interior",
    "Justice", "Health", "Education", "Agriculture", "Energy", "Trade", "Commerce", "Labor", "Labour", "Party", "Army",
    "Navy", "Police", "House", "Senate", "Parliament", "Cabinet", "General", "Administration", "Customs", "State",
    "Public", "Office", "Committee", "Standing", "Joint", "Chiefs", "Staff", "Social", "Democratic", "Republican",
    "Liberal", "Conservative", "Communist", "Socialist", "Workers", "United", "Union", "Border", "Agency", "Revenue",
    "Tax", "Immigration", "Coast", "Guard", "Armed", "Forces", "Air", "Force", "Marine", "Corps", "Intelligence",
    "Investigation", "Bureau", "Statistics", "Environment", "Environmental", "Protection", "Development",
    "International", "Regional", "Monetary", "Policy", "Planning", "Economic", "Industry", "Transport",
    "Transportation", "Housing", "Water", "Power", "Electricity", "Nuclear", "Atomic", "Space", "Research",
    "Institute", "University", "Board", "Authority", "Secretariat", "Presidency", "Presidential", "Prime", "Minister",
    "Chamber", "Representatives", "Legislative", "Upper", "Lower", "Group", "Center", "Centre", "Foundation",
    "Association", "Federation", "Organization", "Organisation", "Forum", "Network", "Executive", "Management",
    "Emergency", "Disaster", "Military", "Secret", "Civil", "Human", "Rights", "Criminal", "Financial", "Audit",
    "Accounts", "Budget", "Treasury", "Home", "Land", "Affairs", "World",
];

/// Last words that make a capitalized phrase a place, law or event rather than a person.
const NOT_PERSON_LAST: &[&str] = &[
    "Street", "Avenue", "Road", "River", "Sea", "Ocean", "Gulf", "Bay", "Strait", "Island", "Islands", "Valley",
    "Mountains", "Mountain", "Province", "State", "States", "City", "County", "District", "Region", "Airport",
    "Square", "Park", "Bridge", "Act", "Bill", "Law", "Treaty", "Agreement", "Accord", "Accords", "Plan", "Initiative",
    "Summit", "Conference", "Day", "Week", "War", "Crisis", "Prize", "Award", "Cup", "Games", "Index", "Report",
    "Dialogue", "Strategy", "Declaration", "Convention", "Protocol", "Deal", "Pact", "Peninsula", "Canal", "Desert",
    "Lake", "Coast", "Basin", "Delta", "Corridor", "Hall", "House", "Palace", "Tower", "Port", "Station", "Museum",
    "Prison", "Hospital", "Stadium", "Olympics", "Festival", "Era", "Age", "Revolution", "Spring", "Fund", "Affairs",
    "Policy", "Studies", "Security", "Rights", "News", "Times", "Post", "Journal",
];

/// Words of a name that are written in lower case ("bin", "von") or joined by a hyphen.
const NAME_PARTICLES: &[&str] =
    &["bin", "al", "el", "de", "da", "del", "der", "van", "von", "la", "le", "du", "dos", "ibn", "abu", "ben"];

/// Connectors allowed inside organization names.
/// (`&`, which is no word, joins names where the capitalized runs are found.)
const ORG_CONNECTORS: &[&str] = &["of", "for", "and", "on", "the"];

/// Verbs of speech that make the sentence a quotation, as whole words after a space
/// ("according" only before " to ", "told" only before a space).
const SPEECH: &[&str] = &[
    "said", "says", "told", "added", "stated", "noted", "argued", "warned", "explained", "insisted", "wrote",
    "announced", "declared", "replied", "answered", "urged", "according", "asked", "tweeted", "posted", "acknowledged",
    "stressed", "emphasized", "emphasised", "cautioned", "predicted", "quoted",
];

/// Verbs that make a country or organization the actor of its clause when they follow it.
const ACTION_VERBS: &[&str] = &[
    "said", "says", "announced", "agreed", "rejected", "accused", "warned", "imposed", "signed", "approved",
    "condemned", "urged", "denied", "confirmed", "launched", "released", "published", "reported", "ordered", "banned",
    "decided", "voted", "raised", "cut", "kept", "held", "called", "described", "declined", "refused", "pledged",
    "vowed", "threatened", "demanded", "insisted", "responded", "struck", "attacked", "invaded", "deployed", "sent",
    "told", "has", "have", "had", "will", "would", "is", "was", "were", "are", "plans", "wants", "needs", "must",
    "should", "can", "could", "may", "might", "continues", "continued", "sought", "seeks", "expects", "expected",
    "estimated", "estimates", "blamed", "backed", "supports", "supported", "opposed", "opposes", "criticized",
    "criticised", "welcomed", "hit", "fired", "seized", "arrested", "charged", "sanctioned", "recognized",
    "recognised", "proposed", "adopted", "passed", "blocked", "froze", "lifted", "eased", "tightened", "cancelled",
    "canceled", "suspended", "halted", "resumed", "joined", "left", "quit",
];

/// Nouns that, after a demonym, make the country act ("Chinese officials", "Russian forces").
const OFFICIAL_NOUNS: &[&str] = &[
    "officials", "official", "government", "authorities", "president", "prime minister", "minister", "ministry",
    "foreign ministry", "military", "forces", "troops", "army", "navy", "diplomats", "diplomat", "delegation",
    "leader", "leaders", "spokesman", "spokeswoman", "spokesperson", "embassy", "ambassador", "negotiators",
    "regulators", "lawmakers", "parliament", "central bank", "state media", "prosecutors", "police", "navy",
    "counterpart", "counterparts", "side", "administration", "cabinet", "junta", "regime", "foreign minister",
];

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
    first_names: HashSet<String>,
    surname_first: HashSet<String>,
    /// Surname -> the one gazetteer person with it (`None` when several share it).
    gazetteer_surnames: HashMap<String, Option<usize>>,
    /// Facet paths of the vocabulary's countries and actors, by index.
    country_facets: Vec<String>,
    actor_facets: Vec<String>,
}

impl EntityMatcher {
    pub(crate) fn new(v: &Vocabulary) -> EntityMatcher {
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
        let (patterns, targets): (Vec<String>, Vec<Target>) = map.into_iter().unzip();
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
        for w in SPEECH {
            *word_flags.entry(w.to_string()).or_default() |= SPEECH_WORD;
        }
        word_flags.remove("");
        let mut flag_filter = Box::new([[false; 16]; 256]);
        for w in word_flags.keys() {
            flag_filter[w.as_bytes()[0] as usize][w.len().min(15)] = true;
        }
        let mut gazetteer_surnames: HashMap<String, Option<usize>> = HashMap::default();
        for (i, a) in v.actors.iter().enumerate().filter(|(_, a)| a.is_person) {
            let parts: Vec<&str> = a.name.split(' ').collect();
            if parts.len() < 2 {
                continue;
            }
            let key =
                if v.surname_first.contains(parts[0]) && parts.len() <= 3 { parts[0] } else { parts[parts.len() - 1] };
            gazetteer_surnames.entry(key.to_string()).and_modify(|e| *e = None).or_insert(Some(i));
        }
        EntityMatcher {
            country_facets: v.countries.iter().map(facet::country).collect(),
            actor_facets: v.actors.iter().map(facet::actor).collect(),
            gazetteer_surnames,
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
        }
    }
}

/// The document as one text with its parts marked.
pub(crate) struct Text<'a> {
    pub text: &'a str,
    /// Byte range of the title.
    pub title_end: usize,
    /// Byte range of the lead (dateline and first paragraph).
    pub lead: std::ops::Range<usize>,
    /// Where the body starts (offsets in mentions are relative to it).
    pub body_start: usize,
}

impl Text<'_> {
    fn mention(&self, start: usize, end: usize) -> Mention {
        let (field, offset) = if start < self.title_end {
            (MentionField::Title, start)
        } else if start < self.body_start {
            (MentionField::Dateline, start - self.title_end - 2)
        } else {
            (MentionField::Body, start - self.body_start)
        };
        Mention { text: self.text[start..end].to_string(), field, offset }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Kind {
    Country,
    Person,
    Organization,
}

/// The entities of a document by kind and canonical name.
type Accs = hashbrown::HashMap<(Kind, String), Acc, rustc_hash::FxBuildHasher>;

/// A borrowed key of [`Accs`], for lookups that allocate only when the entity is new. Hashes
/// as the owned key does (the fields in order, the string as a `str`).
#[derive(Hash)]
struct Key<'a>(Kind, &'a str);

impl hashbrown::Equivalent<(Kind, String)> for Key<'_> {
    fn equivalent(&self, key: &(Kind, String)) -> bool {
        self.0 == key.0 && self.1 == key.1
    }
}

/// The entity of that kind and name, created empty if new.
fn acc_mut<'a>(accs: &'a mut Accs, kind: Kind, name: &str) -> &'a mut Acc {
    if !accs.contains_key(&Key(kind, name)) {
        accs.insert((kind, name.to_string()), Acc::default());
    }
    accs.get_mut(&Key(kind, name)).expect("inserted above")
}

/// Evidence gathered for one entity.
#[derive(Debug, Default)]
struct Acc {
    facet: String,
    country: Option<String>,
    official: bool,
    spans: Vec<(usize, usize)>,
    in_title: bool,
    in_lead: bool,
    acting: bool,
    quoted: bool,
    role: bool,
    former_only: bool,
    employer_of: Option<String>,
    via_actor: Vec<String>,
    /// A news outlet: central only when the story is about it.
    media: bool,
}

impl Acc {
    /// A mention introduced by a role: the person counts as passing only if every such
    /// introduction is "former" or "late".
    fn introduced(&mut self, former: bool) {
        self.former_only = if self.role { self.former_only && former } else { former };
        self.role = true;
    }
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

fn boundary_ok(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    let pat_last = text[..end].chars().next_back();
    // No word character just before; none just after unless the pattern ends in punctuation
    // ("U.S." may be followed directly by a letter in "U.S.-made").
    let glued_before = before.is_some_and(is_word_char);
    let glued_after = pat_last.is_some_and(is_word_char) && after.is_some_and(is_word_char);
    !glued_before && !glued_after
}

#[derive(Debug, Clone, Copy)]
struct Tok {
    start: usize,
    end: usize,
}

/// Words with their byte ranges, from the alphanumeric runs of [`word_spans`]: a run and the
/// next one form one word when a single `-`, `'`, `’` or `.` joins them (`al-Assad`,
/// `O'Brien`, `U.S`).
fn tokenize(text: &str, spans: &[(usize, usize)]) -> Vec<Tok> {
    let mut out: Vec<Tok> = Vec::with_capacity(spans.len());
    let mut joined = false;
    for (k, &(start, end)) in spans.iter().enumerate() {
        if joined {
            out.last_mut().expect("joined to a word").end = end;
        } else {
            out.push(Tok { start, end });
        }
        joined = spans.get(k + 1).is_some_and(|&(next, _)| {
            let gap = &text[end..next];
            // Byte patterns (`’` is E2 80 99): comparing with string literals calls `memcmp`, once
            // per word.
            matches!(gap.as_bytes(), b"-" | b"'" | [0xE2, 0x80, 0x99] | b".")
        });
    }
    out
}

/// The word without a final `'s` or `’s`. On bytes: `strip_suffix` with a string calls
/// `memcmp`, and this runs for most capitalized words.
fn strip_possessive(s: &str) -> &str {
    match s.as_bytes() {
        [.., b'\'', b's'] => &s[..s.len() - 2],
        [.., 0xE2, 0x80, 0x99, b's'] => &s[..s.len() - 4],
        _ => s,
    }
}

#[inline(always)]
fn is_capitalized(word: &str) -> bool {
    match word.as_bytes().first() {
        Some(b) if b.is_ascii_lowercase() || b.is_ascii_digit() => false,
        Some(b) if b.is_ascii_uppercase() && word.is_ascii() => word.bytes().any(|b| b.is_ascii_lowercase()),
        _ => word.chars().next().is_some_and(char::is_uppercase) && word.chars().any(char::is_lowercase),
    }
}

/// What one pass over the starts of words finds.
struct Scan {
    /// Where role titles ("Secretary of State", "spokeswoman") end.
    role_ends: HashSet<usize>,
    /// Gazetteer names, left to right, not overlapping: (start, end, pattern).
    names: Vec<(usize, usize, usize)>,
    /// Where verbs of speech are, for finding quoted sentences.
    speech: Vec<usize>,
    /// The evidence strings of ambiguous names present as whole words (indices into
    /// `EntityMatcher::evidence`).
    evidence: Vec<usize>,
}

/// Gazetteer names, role titles and verbs of speech, looked for only where they can start:
/// the automata run anchored at the start of a word, and only at words that can begin a
/// pattern (a capital or a digit, or a listed lower-case first word), which keeps the large
/// gazetteer automaton out of the cache for most of the text.
fn scan(m: &EntityMatcher, text: &str, spans: &[(usize, usize)]) -> Scan {
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

/// Countries, persons and organizations of a document, with salience.
pub(crate) fn extract(
    m: &EntityMatcher,
    v: &Vocabulary,
    t: &Text<'_>,
    spans: &[(usize, usize)],
) -> (Vec<Entity>, Vec<Entity>, Vec<Entity>) {
    let text = t.text;
    let mut accs = Accs::default();
    let mut covered: Vec<(usize, usize)> = Vec::new();
    // Organizations by end offset, to recognise "X's Center for ..." as a part of X.
    let mut org_ends: HashSet<usize> = HashSet::default();
    // Countries by end offset, to qualify "China's Ministry of ..." / "Chinese Ministry of ...".
    let mut country_ends: HashMap<usize, usize> = HashMap::default();
    let mut country_starts: HashMap<usize, usize> = HashMap::default();
    let mut deferred: Vec<(usize, usize, usize)> = Vec::new();

    let Scan { role_ends, names, speech, evidence: evidence_seen } = scan(m, text, spans);

    for (s, e, pattern) in names {
        let target = m.targets[pattern];
        covered.push((s, e));
        match target {
            Target::Blocked => {}
            Target::Country(i) => {
                add_country(m, v, &mut accs, i, s, e);
                country_ends.insert(e, i);
                country_starts.insert(e, s);
            }
            Target::Ambiguous(i) => {
                let a = &v.ambiguous[i];
                let followed_by_name = text[e..]
                    .strip_prefix(' ')
                    .and_then(|r| r.split(|c: char| !c.is_alphanumeric()).next())
                    .is_some_and(is_capitalized);
                let evidence = m.evidence_of[i].iter().any(|ev| evidence_seen.contains(ev));
                if evidence
                    && !followed_by_name
                    && let Some(ci) = v.countries.iter().position(|c| c.alpha2 == a.country)
                {
                    add_country(m, v, &mut accs, ci, s, e);
                    country_ends.insert(e, ci);
                    country_starts.insert(e, s);
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
                add_actor(m, v, &mut accs, &mut org_ends, i, s, e, text, &role_ends);
            }
        }
    }
    for (i, s, e) in deferred {
        let a = &v.actors[i];
        let code = a.country.as_deref().unwrap_or_default();
        let named = accs.iter().any(|((k, _), acc)| *k == Kind::Country && acc.country.as_deref() == Some(code));
        if named {
            add_actor(m, v, &mut accs, &mut org_ends, i, s, e, text, &role_ends);
        }
    }
    covered.sort_unstable();

    let toks = tokenize(text, spans);
    let is_covered = |tok: &Tok| {
        let i = covered.partition_point(|c| c.1 <= tok.start);
        covered.get(i).is_some_and(|c| c.0 < tok.end)
    };
    // Only capitalized words can be surnames or acronyms.
    let capital_start = |tok: &Tok| text[tok.start..].chars().next().is_some_and(char::is_uppercase);

    // Capitalized runs of uncovered words, joined by spaces and allowed connectors.
    let mut pending = Pending::default();
    let mut run: Vec<usize> = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let w = &text[toks[i].start..toks[i].end];
        if !is_capitalized(w) || is_covered(&toks[i]) {
            i += 1;
            continue;
        }
        run.clear();
        run.push(i);
        let mut j = i;
        loop {
            let last = &text[toks[j].start..toks[j].end];
            if strip_possessive(last).len() < last.len() {
                break;
            }
            let Some(next) = toks.get(j + 1) else { break };
            let gap = &text[toks[j].end..next.start];
            let initial = gap.as_bytes() == b". " && last.chars().count() == 1 && last.chars().all(char::is_uppercase);
            // "American Apparel & Footwear Association": `&` joins two capitalized words.
            let ampersand = gap.as_bytes() == b" & ";
            if !matches!(gap.as_bytes(), [b' ']) && !initial && !ampersand {
                break;
            }
            let nw = &text[next.start..next.end];
            if is_capitalized(nw) && !is_covered(next) || !ampersand && NAME_PARTICLES_SET.contains(nw) {
                run.push(j + 1);
                j += 1;
                continue;
            }
            if ampersand {
                break;
            }
            // A connector joins two capitalized words ("Ministry of Foreign Affairs").
            if ORG_CONNECTORS_SET.contains(nw)
                && let Some(after) = toks.get(j + 2)
            {
                let gap2 = &text[next.end..after.start];
                let aw = &text[after.start..after.end];
                if gap2 == " " && is_capitalized(aw) && !NOT_NAME_WORDS_SET.contains(aw) {
                    if !is_covered(after) {
                        run.push(j + 1);
                        run.push(j + 2);
                        j += 2;
                        continue;
                    }
                    // "Election Commission of India": a body of a named country.
                    let ci = covered.partition_point(|c| c.1 <= after.start);
                    if nw == "of"
                        && covered.get(ci).is_some_and(|c| c.0 == after.start && country_ends.contains_key(&c.1))
                    {
                        let ce = covered[ci].1;
                        run.push(j + 1);
                        j += 2;
                        while toks.get(j).is_some_and(|tk| tk.end <= ce) {
                            run.push(j);
                            j += 1;
                        }
                        j -= 1;
                        break;
                    }
                }
            }
            // "Office of the Auditor General", "Commission of the State Council": `of the`
            // (or `for the`, `on the`) after the head of a body. Only there: "Secretary of
            // the Navy" and "State of the Union" are no bodies.
            if matches!(nw, "of" | "for" | "on")
                && ORG_HEADS_SET.contains(last)
                && let (Some(the), Some(after)) = (toks.get(j + 2), toks.get(j + 3))
                && &text[the.start..the.end] == "the"
                && text.as_bytes()[next.end..the.start] == *b" "
                && text.as_bytes()[the.end..after.start] == *b" "
            {
                let aw = &text[after.start..after.end];
                if is_capitalized(aw) && !is_covered(after) && !NOT_NAME_WORDS_SET.contains(aw) {
                    run.extend([j + 1, j + 2, j + 3]);
                    j += 3;
                    continue;
                }
            }
            break;
        }
        i = j + 1;
        classify_run(
            m,
            v,
            t,
            &toks,
            &run,
            &Ctx {
                role_ends: &role_ends,
                org_ends: &org_ends,
                country_ends: &country_ends,
                country_starts: &country_starts,
            },
            &mut accs,
            &mut pending,
        );
    }

    // Surname-only mentions of persons found with a full name.
    let mut surnames: HashMap<String, String> = HashMap::default();
    for ((kind, name), _) in accs.iter() {
        if *kind != Kind::Person {
            continue;
        }
        let parts: Vec<&str> = name.split(' ').collect();
        if parts.len() >= 2 {
            let key =
                if m.surname_first.contains(parts[0]) && parts.len() <= 3 { parts[0] } else { parts[parts.len() - 1] };
            // Two persons sharing a surname: the surname alone is left unresolved.
            match surnames.get(key) {
                Some(other) if other != name => {
                    surnames.insert(key.to_string(), String::new());
                }
                Some(_) => {}
                None => {
                    surnames.insert(key.to_string(), name.clone());
                }
            }
        }
    }
    for tok in toks.iter().filter(|t| capital_start(t)) {
        if is_covered(tok) {
            continue;
        }
        let w = strip_possessive(&text[tok.start..tok.end]);
        if let Some(full) = surnames.get(w).filter(|f| !f.is_empty()) {
            let end = tok.start + w.len();
            let already = accs
                .get(&(Kind::Person, full.clone()))
                .is_some_and(|a| a.spans.iter().any(|&(s, e)| s <= tok.start && tok.start < e));
            if !already && let Some(acc) = accs.get_mut(&Key(Kind::Person, full)) {
                acc.spans.push((tok.start, end));
            }
        }
    }
    // "Secretary Kerry", "President Xi": a surname after a role is a person of this document
    // with that surname, else the one gazetteer person with it; otherwise it is left out.
    let Pending { singles, acronyms } = pending;
    if !acronyms.is_empty() {
        for tok in toks.iter().filter(|t| capital_start(t)) {
            let w = strip_possessive(&text[tok.start..tok.end]);
            if let Some(org) = acronyms.get(w)
                && !is_covered(tok)
                && !text[..tok.start].ends_with('(')
                && let Some(acc) = accs.get_mut(&Key(Kind::Organization, org))
            {
                acc.spans.push((tok.start, tok.start + w.len()));
            }
        }
    }
    for (word, s, e, former) in singles {
        let full = surnames.get(&word).filter(|f| !f.is_empty()).cloned();
        if let Some(full) = full {
            if let Some(acc) = accs.get_mut(&Key(Kind::Person, &full)) {
                acc.spans.push((s, e));
                acc.introduced(former);
            }
        } else if let Some(&Some(ai)) = m.gazetteer_surnames.get(&word) {
            // The role ends right before the surname, so add_actor records the introduction.
            add_actor(m, v, &mut accs, &mut org_ends, ai, s, e, text, &HashSet::from_iter([trim_back(text, s)]));
        }
    }
    salience(text, t, v, &speech, &mut accs);

    qualify_ministries(v, &mut accs);

    let mut countries = Vec::new();
    let mut persons = Vec::new();
    let mut orgs = Vec::new();
    let mut entries: Vec<_> = accs.into_iter().collect();
    entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    for (key, acc) in entries {
        let mut reasons = Vec::new();
        if acc.in_title {
            reasons.push("title".to_string());
        }
        if acc.in_lead {
            reasons.push("lead".to_string());
        }
        if acc.spans.len() >= 2 {
            reasons.push(format!("{} mentions", acc.spans.len()));
        }
        if acc.acting {
            reasons.push("acts".to_string());
        }
        if acc.quoted {
            reasons.push("quoted".to_string());
        }
        if acc.role {
            reasons.push("introduced with a role".to_string());
        }
        if let Some(p) = &acc.employer_of {
            reasons.push(format!("employer of {p}"));
        }
        for a in &acc.via_actor {
            reasons.push(format!("its {a} is central"));
        }
        let n = acc.spans.len();
        let central = match key.0 {
            Kind::Country => acc.in_title || acc.in_lead || n >= 3 || acc.acting || !acc.via_actor.is_empty(),
            Kind::Person => acc.in_title || acc.in_lead || n >= 2 || acc.quoted || (acc.role && !acc.former_only),
            Kind::Organization if acc.media => acc.in_title || n >= 3,
            Kind::Organization => {
                acc.in_title || acc.in_lead || n >= 2 || acc.acting || acc.quoted || acc.employer_of.is_some()
            }
        };
        let salience = n as f32
            + 3.0 * acc.in_title as u8 as f32
            + 2.0 * acc.in_lead as u8 as f32
            + 2.0 * (acc.acting || acc.quoted) as u8 as f32;
        let mut spans = acc.spans;
        spans.sort_unstable();
        spans.dedup();
        let entity = Entity {
            name: key.1,
            facet: acc.facet,
            central,
            salience,
            reasons: if central { reasons } else { Vec::new() },
            mentions: spans.iter().map(|&(s, e)| t.mention(s, e)).collect(),
        };
        match key.0 {
            Kind::Country => countries.push(entity),
            Kind::Person => persons.push(entity),
            Kind::Organization => orgs.push(entity),
        }
    }
    for list in [&mut countries, &mut persons, &mut orgs] {
        list.sort_by(|a, b| {
            b.central.cmp(&a.central).then(b.salience.total_cmp(&a.salience)).then(a.name.cmp(&b.name))
        });
    }
    (countries, persons, orgs)
}

#[allow(clippy::too_many_arguments)]
fn add_actor(
    m: &EntityMatcher,
    v: &Vocabulary,
    accs: &mut Accs,
    org_ends: &mut HashSet<usize>,
    i: usize,
    s: usize,
    e: usize,
    text: &str,
    role_ends: &HashSet<usize>,
) {
    let a = &v.actors[i];
    let kind = if a.is_person { Kind::Person } else { Kind::Organization };
    let acc = acc_mut(accs, kind, &a.name);
    if acc.facet.is_empty() {
        acc.facet = m.actor_facets[i].clone();
    }
    if acc.country != a.country {
        acc.country = a.country.clone();
    }
    acc.official = a.is_person
        || matches!(
            a.kind.as_deref(),
            Some("ministry" | "agency" | "legislature" | "military" | "central-bank" | "court")
        );
    acc.media = a.kind.as_deref() == Some("media");
    acc.spans.push((s, e));
    if kind == Kind::Organization {
        org_ends.insert(e);
    }
    if kind == Kind::Person && role_ends.contains(&trim_back(text, s)) {
        acc.introduced(role_is_former(text, s));
    }
}

/// "Ministry of Finance" alone is qualified by the document's main country: "Sri Lankan
/// Ministry of Finance", so that facet values name one body.
fn qualify_ministries(v: &Vocabulary, accs: &mut Accs) {
    let top = accs
        .iter()
        .filter(|((k, _), a)| *k == Kind::Country && !a.spans.is_empty())
        .max_by(|a, b| a.1.spans.len().cmp(&b.1.spans.len()).then(b.0.1.cmp(&a.0.1)))
        .and_then(|(_, a)| a.country.clone())
        .and_then(|code| v.country(&code));
    let Some(country) = top else { return };
    let adj = country.demonyms.first().unwrap_or(&country.name);
    let bare: Vec<String> = accs
        .keys()
        .filter(|(k, n)| *k == Kind::Organization && (n.starts_with("Ministry of ") || n.starts_with("Ministry for ")))
        .map(|(_, n)| n.clone())
        .collect();
    for name in bare {
        let acc = accs.remove(&(Kind::Organization, name.clone())).expect("listed above");
        let qualified = format!("{adj} {name}");
        let qualified = v.canonical_actor(&qualified).map(str::to_string).unwrap_or(qualified);
        let entry = accs.entry((Kind::Organization, qualified.clone())).or_default();
        entry.facet = facet::organization(&qualified);
        entry.spans.extend(acc.spans);
        entry.in_title |= acc.in_title;
        entry.in_lead |= acc.in_lead;
        entry.acting |= acc.acting;
        entry.quoted |= acc.quoted;
        entry.employer_of = entry.employer_of.take().or(acc.employer_of);
    }
}

fn add_country(m: &EntityMatcher, v: &Vocabulary, accs: &mut Accs, i: usize, s: usize, e: usize) {
    let c = &v.countries[i];
    let acc = acc_mut(accs, Kind::Country, &c.name);
    if acc.facet.is_empty() {
        acc.facet = m.country_facets[i].clone();
        acc.country = Some(c.alpha2.clone());
    }
    acc.spans.push((s, e));
}

/// What classifying runs leaves to be resolved once every run is seen.
#[derive(Default)]
struct Pending {
    /// One-word names after a role: (word, start, end, after "former").
    singles: Vec<(String, usize, usize, bool)>,
    /// Acronyms introduced in parentheses after an organization's name.
    acronyms: HashMap<String, String>,
}

/// Positions found by the gazetteer pass, for classifying capitalized runs.
#[derive(Clone, Copy)]
struct Ctx<'a> {
    role_ends: &'a HashSet<usize>,
    org_ends: &'a HashSet<usize>,
    country_ends: &'a HashMap<usize, usize>,
    country_starts: &'a HashMap<usize, usize>,
}

#[allow(clippy::too_many_arguments)]
fn classify_run(
    m: &EntityMatcher,
    v: &Vocabulary,
    t: &Text<'_>,
    toks: &[Tok],
    run: &[usize],
    cx: &Ctx<'_>,
    accs: &mut Accs,
    pending: &mut Pending,
) {
    let Ctx { role_ends, org_ends, country_ends, country_starts } = *cx;
    let text = t.text;
    let word = |k: usize| strip_possessive(&text[toks[k].start..toks[k].end]);
    // Leading sentence words and trailing connectors are not part of a name.
    let mut r = &run[run.iter().take_while(|&&k| NOT_NAME_WORDS_SET.contains(word(k))).count()..];
    while let Some((&k, rest)) = r.split_last()
        && (ORG_CONNECTORS_SET.contains(word(k)) || NAME_PARTICLES_SET.contains(word(k)))
    {
        r = rest;
    }
    if r.is_empty() {
        return;
    }
    let words: Vec<&str> = r.iter().map(|&k| word(k)).collect();
    // Whether `&` stands between word i - 1 and word i of the run.
    let ampersand_before = |i: usize| i > 0 && text.as_bytes()[toks[r[i - 1]].end..toks[r[i]].start] == *b" & ";
    let start = toks[r[0]].start;
    let end = toks[*r.last().expect("not empty")].start + words.last().expect("not empty").len();

    // "Silicon Valley Bank and Signature Bank": two bodies.
    if let Some(pos) = words.iter().position(|w| *w == "and")
        && pos > 0
        && ORG_HEADS_SET.contains(words[pos - 1])
        && words.last().is_some_and(|w| ORG_HEADS_SET.contains(*w))
    {
        classify_run(m, v, t, toks, &r[..pos], cx, accs, pending);
        classify_run(m, v, t, toks, &r[pos + 1..], cx, accs, pending);
        return;
    }
    // "Kemeny Commission Report", "Roliscorost Holdings Caught Up" (a title-case headline):
    // words after the last head of a body, not joined to it by a connector, are not part of
    // its name; they are classified on their own.
    if let Some(h) = words.iter().rposition(|w| ORG_HEADS_SET.contains(*w))
        && h > 0
        && h + 1 < words.len()
        && !ORG_CONNECTORS_SET.contains(words[h + 1])
        && !ampersand_before(h + 1)
    {
        classify_run(m, v, t, toks, &r[..=h], cx, accs, pending);
        classify_run(m, v, t, toks, &r[h + 1..], cx, accs, pending);
        return;
    }
    // Organizations: a head word, two words at least.
    let has_head = words.iter().enumerate().any(|(i, w)| {
        ORG_HEADS_SET.contains(*w)
            && (i + 1 == words.len()
                || i > 0
                || (LEADING_HEADS_SET.contains(*w)
                    && words.get(i + 1).is_some_and(|n| ORG_CONNECTORS_SET.contains(*n))))
    });
    if has_head && words.len() >= 2 {
        let before = &text[..start];
        // "RAND Corporation's Center for ..." is a part of RAND.
        let poss = before.strip_suffix("'s ").or_else(|| before.strip_suffix("\u{2019}s "));
        if poss.is_some_and(|p| org_ends.contains(&p.len())) {
            return;
        }
        let mut name = String::new();
        for (i, w) in words.iter().enumerate() {
            if i > 0 {
                name.push_str(if ampersand_before(i) { " & " } else { " " });
            }
            name.push_str(w);
        }
        // "China's Ministry of Commerce" -> "Chinese Ministry of Commerce"; "Canada Border
        // Services Agency" and "U.S. Forest Service" keep the country as written.
        let qualified = if let Some(&ci) = poss.and_then(|p| country_ends.get(&p.len())) {
            let c = &v.countries[ci];
            name = format!("{} {name}", c.demonyms.first().unwrap_or(&c.name));
            true
        } else if let Some(b) = before.strip_suffix(' ').filter(|b| country_ends.contains_key(&b.len())) {
            // The country name as matched, e.g. "South African", "U.S.".
            let country_text = &text[country_starts[&b.len()]..b.len()];
            name = format!("{country_text} {name}");
            true
        } else {
            false
        };
        // "Supreme Court", "Election Commission" and the like name no one in particular.
        if !qualified && words.iter().all(|w| GENERIC_ORG_WORDS_SET.contains(*w) || ORG_CONNECTORS_SET.contains(*w)) {
            return;
        }
        let name = v.canonical_actor(&name).map(str::to_string).unwrap_or(name);
        // "National Institute for Space Research (INPE)": later "INPE" is the same body.
        if let Some(acr) = text[end..].strip_prefix(" (").and_then(|r| r.split_once(')')).map(|(a, _)| a)
            && (2..=8).contains(&acr.len())
            && acr.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-')
        {
            pending.acronyms.insert(acr.to_string(), name.clone());
        }
        let acc = acc_mut(accs, Kind::Organization, &name);
        if acc.facet.is_empty() {
            acc.facet = facet::organization(&name);
        }
        acc.spans.push((start, end));
        return;
    }

    // Persons: split at organization connectors, strip leading roles, look for evidence.
    // Parts end at connectors (left out) and at `&` (no person's name holds one).
    let mut parts: Vec<&[usize]> = Vec::new();
    let mut from = 0;
    for i in 0..=r.len() {
        let connector = i < r.len() && ORG_CONNECTORS_SET.contains(word(r[i]));
        if i == r.len() || connector || ampersand_before(i) {
            parts.push(&r[from..i]);
            from = if connector { i + 1 } else { i };
        }
    }
    for part in parts.into_iter().filter(|p| !p.is_empty()) {
        let mut name_from = 0;
        let mut role = role_ends.contains(&trim_back(text, toks[part[0]].start));
        for (i, &k) in part.iter().enumerate() {
            if role_ends.contains(&toks[k].end) {
                name_from = i + 1;
                role = true;
            }
        }
        let name_toks = &part[name_from..];
        if name_toks.is_empty() || name_toks.len() > 4 {
            continue;
        }
        let names: Vec<&str> = name_toks.iter().map(|&k| word(k)).collect();
        if names.iter().any(|w| w.chars().any(|c| c.is_ascii_digit()) || w.chars().all(|c| !c.is_lowercase()))
            || NOT_PERSON_LAST_SET.contains(names.last().expect("not empty"))
            || NOT_NAME_WORDS_SET.contains(names[0])
        {
            continue;
        }
        let given = |w: &str| m.first_names.contains(w) || m.surname_first.contains(w);
        // "Ecology Tse Chin-wan": a leftover word of a long role before the name.
        let (names, name_toks) = if names.len() >= 3 && !given(names[0]) && given(names[1]) {
            (names[1..].to_vec(), &name_toks[1..])
        } else {
            (names, name_toks)
        };
        let s = toks[name_toks[0]].start;
        let e = toks[*name_toks.last().expect("not empty")].start + names.last().expect("not empty").len();
        if names.len() == 1 {
            if role {
                pending.singles.push((names[0].to_string(), s, e, role_is_former(text, s)));
            }
            continue;
        }
        let first_evidence =
            names.len() >= 2 && (m.first_names.contains(names[0]) || m.surname_first.contains(names[0]));
        let appositive = appositive_role(text, e, role_ends);
        let speech = speech_adjacent(text, s, e);
        let is_person = if names.len() >= 2 { role || first_evidence || appositive || speech } else { role };
        if !is_person {
            continue;
        }
        let name = names.join(" ");
        let name = v.canonical_actor(&name).map(str::to_string).unwrap_or(name);
        let former = role_is_former(text, s);
        let acc = acc_mut(accs, Kind::Person, &name);
        if acc.facet.is_empty() {
            acc.facet = facet::person(&name);
        }
        acc.spans.push((s, e));
        if role || appositive {
            acc.introduced(former);
        }
    }
}

/// The offset before white space ending at `pos`.
fn trim_back(text: &str, pos: usize) -> usize {
    text[..pos].trim_end().len()
}

fn role_is_former(text: &str, pos: usize) -> bool {
    let start = text[..pos].char_indices().rev().nth(40).map(|(i, _)| i).unwrap_or(0);
    let before = &text[start..pos];
    before.contains("former ") || before.contains("Former ") || before.contains("late ")
}

/// `Name, a spokesman for ...`, `Name, deputy-general for ...`, `Name, who heads ...`.
fn appositive_role(text: &str, end: usize, role_ends: &HashSet<usize>) -> bool {
    let rest = &text[end..];
    let Some(after) = rest.strip_prefix(", ") else { return false };
    let window_end = after.char_indices().nth(60).map(|(i, _)| i).unwrap_or(after.len());
    let window = &after[..window_end];
    let base = end + 2;
    if window.starts_with("who ") || window.starts_with("whose ") {
        return true;
    }
    // A role title ends within the first few words of the apposition.
    let words_end = window.split(',').next().unwrap_or(window).len();
    (0..=words_end.min(window.len())).any(|i| window.is_char_boundary(i) && role_ends.contains(&(base + i)))
}

/// `said Name`, `according to Name`, `Name said`, `Name told`.
fn speech_adjacent(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].trim_end();
    let after = text[end..].trim_start_matches([',', ' ']);
    let before_hit =
        ["said", "says", "told", "according to", "asked", "added", "wrote"].iter().any(|v| before.ends_with(v));
    let after_hit =
        ["said", "says", "told", "added", "wrote", "warned", "argued", "noted", "explained", "insisted", "stated"]
            .iter()
            .any(|v| after.starts_with(v) && after[v.len()..].chars().next().is_none_or(|c| !c.is_alphanumeric()));
    before_hit || after_hit
}

/// Title, lead, acting, quoted, employers, and countries of central officials.
fn salience(text: &str, t: &Text<'_>, v: &Vocabulary, speech: &[usize], accs: &mut Accs) {
    // Sentences with a verb of speech, found once: a mention inside one is quoted. The verbs
    // come in text order, and a verb inside the sentence found last is in that same sentence
    // (no boundary lies between it and either end), so the sentence is not looked for again.
    let mut quotes: Vec<(usize, usize)> = Vec::with_capacity(speech.len());
    for &p in speech {
        match quotes.last() {
            Some(&(s, e)) if s <= p && p < e => {}
            _ => {
                let r = crate::text::sentence_around(text, p);
                quotes.push((r.start, r.end));
            }
        }
    }
    quotes.sort_unstable();
    quotes.dedup();
    let in_quote = |pos: usize| quotes.iter().any(|&(a, b)| a <= pos && pos < b);
    let mut quoted_people: Vec<(String, usize, usize)> = Vec::new();
    for ((kind, name), acc) in accs.iter_mut() {
        for &(s, e) in &acc.spans {
            if s < t.title_end {
                acc.in_title = true;
            }
            if t.lead.contains(&s) {
                acc.in_lead = true;
            }
            let quoted = in_quote(s);
            match kind {
                Kind::Person => {
                    if quoted {
                        acc.quoted = true;
                        quoted_people.push((name.clone(), s, e));
                    }
                }
                Kind::Country | Kind::Organization => {
                    if *kind == Kind::Organization && quoted {
                        acc.quoted = true;
                    }
                    let after = text[e..].trim_start_matches(['\'', '\u{2019}', 's']).trim_start();
                    let possessive = text[e..].starts_with("'s") || text[e..].starts_with("\u{2019}s");
                    // The subject of a verb, auxiliaries included ("Russia has rejected").
                    let verb = after.split(|c: char| !c.is_alphanumeric()).next().unwrap_or("");
                    if !possessive && ACTION_VERBS_SET.contains(verb) {
                        acc.acting = true;
                    }
                    if *kind == Kind::Country && OFFICIAL_FIRST_WORDS.contains(verb.to_lowercase().as_str()) {
                        let window = after.char_indices().nth(40).map(|(i, _)| &after[..i]).unwrap_or(after);
                        let lower = window.to_lowercase();
                        if OFFICIAL_NOUNS.iter().any(|n| {
                            lower.starts_with(n) && lower[n.len()..].chars().next().is_none_or(|c| !c.is_alphanumeric())
                        }) {
                            acc.acting = true;
                        }
                    }
                }
            }
        }
    }
    // The employer of a quoted person: "Name of Org", "Name, a fellow at Org".
    for ((kind, _), acc) in accs.iter_mut() {
        if *kind != Kind::Organization {
            continue;
        }
        'spans: for &(s, _) in &acc.spans {
            for (p, _, pe) in &quoted_people {
                if *pe <= s && s - pe <= 90 {
                    let between = &text[*pe..s];
                    let between_trim = between.trim().trim_end_matches(" the").trim();
                    if between_trim == "of"
                        || between_trim == "at"
                        || between_trim == "from"
                        || (between.starts_with(", ")
                            && [" at", " of", " for", " with", " from"].iter().any(|w| between_trim.ends_with(w))
                            && !between.contains('.'))
                    {
                        acc.employer_of = Some(p.clone());
                        break 'spans;
                    }
                }
            }
        }
    }
    // A named country whose government body acts or speaks in the story is central. Persons
    // are left out: officials often act in another capacity (a former prime minister as an
    // envoy, a national politician heading an international body).
    let acting_bodies: Vec<(String, String)> = accs
        .iter()
        .filter(|((k, _), a)| {
            *k == Kind::Organization && a.official && (a.in_title || a.in_lead || a.quoted || a.acting)
        })
        .filter_map(|((_, n), a)| a.country.clone().map(|c| (c, n.clone())))
        .collect();
    for (code, actor) in acting_bodies {
        if let Some(c) = v.country(&code)
            && let Some(acc) = accs.get_mut(&Key(Kind::Country, &c.name))
        {
            acc.via_actor.push(actor);
        }
    }
}
