//! The open world: persons and organizations that the gazetteer does not list (or that a
//! document writes otherwise), found in runs of capitalized words the gazetteer left
//! uncovered. A run is an organization when it has the head of a body ("Commission",
//! "Ministry of ..."), qualified by a country written before it ("China's", "U.S."); it is a
//! person when it is introduced by a role, followed by an apposition, next to a verb of
//! speech or begun by a known first name. What a run alone cannot settle waits until every
//! run is seen ([`Unresolved`]): surnames, acronyms, and surnames after a role. Ministries
//! named without a country are qualified by the document's main one.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use super::entities::{EvidenceMap, Key, Kind, evidence_mut, role_is_former};
use super::gazetteer::{EntityMatcher, GazetteerHits, add_actor};
use super::words::{Tok, WordSets, is_capitalized, strip_possessive, trim_back};
use crate::facet;
use crate::facet::Vocabulary;

/// A one-word name after a role ("Secretary Kerry", "President Xi"): a person only once the
/// surname is known, from this document or the gazetteer.
struct RoleSurname {
    word: String,
    start: usize,
    end: usize,
    /// The role is a past one ("former").
    former: bool,
}

/// What classifying runs leaves to be resolved once every run is seen.
#[derive(Default)]
pub(super) struct Unresolved {
    surnames_after_roles: Vec<RoleSurname>,
    /// Acronyms introduced in parentheses after an organization's name -> the organization.
    acronyms: HashMap<String, String>,
}

/// What classifying the capitalized runs of one document reads: the same for every run.
struct RunContext<'a> {
    m: &'a EntityMatcher,
    v: &'a Vocabulary,
    words: &'a WordSets,
    text: &'a str,
    toks: &'a [Tok],
    role_ends: &'a HashSet<usize>,
    hits: &'a GazetteerHits,
}

/// How a capitalized run goes on after one of its words.
enum Next {
    /// The next `n` words belong to it, and it may go on after them.
    Words(usize),
    /// `of` and a country's name, ending at this offset, close it ("Election Commission of
    /// India").
    OfCountry(usize),
    /// It ends here.
    End,
}

/// Persons and organizations of the capitalized runs of uncovered words (joined by spaces,
/// initials, `&` and connectors), and what they leave to resolve.
pub(super) fn find(
    m: &EntityMatcher,
    v: &Vocabulary,
    text: &str,
    toks: &[Tok],
    role_ends: &HashSet<usize>,
    hits: &GazetteerHits,
    found: &mut EvidenceMap,
) -> Unresolved {
    let cx = RunContext { m, v, words: &m.words, text, toks, role_ends, hits };
    let mut unresolved = Unresolved::default();
    let mut run: Vec<usize> = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let w = &text[toks[i].start..toks[i].end];
        if !is_capitalized(w) || hits.is_covered(&toks[i]) {
            i += 1;
            continue;
        }
        i = cx.collect_run(i, &mut run) + 1;
        cx.classify_run(&run, found, &mut unresolved);
    }
    unresolved
}

impl RunContext<'_> {
    /// The word `k` without a possessive.
    fn word(&self, k: usize) -> &str {
        strip_possessive(&self.text[self.toks[k].start..self.toks[k].end])
    }

    /// Whether ` & ` stands between the words `a` and `b`.
    fn ampersand_between(&self, a: usize, b: usize) -> bool {
        self.text.as_bytes()[self.toks[a].end..self.toks[b].start] == *b" & "
    }

    /// The run of capitalized words that begins at word `i`, into `run`; returns its last
    /// word.
    fn collect_run(&self, i: usize, run: &mut Vec<usize>) -> usize {
        run.clear();
        run.push(i);
        let mut j = i;
        loop {
            match self.next(j) {
                Next::Words(n) => {
                    run.extend(j + 1..=j + n);
                    j += n;
                }
                Next::OfCountry(country_end) => {
                    run.push(j + 1);
                    j += 2;
                    while self.toks.get(j).is_some_and(|tk| tk.end <= country_end) {
                        run.push(j);
                        j += 1;
                    }
                    return j - 1;
                }
                Next::End => return j,
            }
        }
    }

    /// How the run goes on after its word `j`.
    fn next(&self, j: usize) -> Next {
        let (text, toks, hits, words) = (self.text, self.toks, self.hits, self.words);
        let last = &text[toks[j].start..toks[j].end];
        // A possessive ends the run: "RAND Corporation's Center for ..." is two names.
        if strip_possessive(last).len() < last.len() {
            return Next::End;
        }
        let Some(next) = toks.get(j + 1) else { return Next::End };
        let gap = &text[toks[j].end..next.start];
        let initial = gap.as_bytes() == b". " && last.chars().count() == 1 && last.chars().all(char::is_uppercase);
        // "American Apparel & Footwear Association": `&` joins two capitalized words.
        let ampersand = gap.as_bytes() == b" & ";
        if !matches!(gap.as_bytes(), [b' ']) && !initial && !ampersand {
            return Next::End;
        }
        let nw = &text[next.start..next.end];
        if is_capitalized(nw) && !hits.is_covered(next) || !ampersand && words.name_particles.contains(nw) {
            return Next::Words(1);
        }
        if ampersand {
            return Next::End;
        }
        // A connector joins two capitalized words ("Ministry of Foreign Affairs").
        if words.org_connectors.contains(nw)
            && let Some(after) = toks.get(j + 2)
        {
            let gap2 = &text[next.end..after.start];
            let aw = &text[after.start..after.end];
            if gap2 == " " && is_capitalized(aw) && !words.not_name_words.contains(aw) {
                if !hits.is_covered(after) {
                    return Next::Words(2);
                }
                // "Election Commission of India": a body of a named country.
                if nw == "of"
                    && let Some(country_end) = hits.country_at(after.start)
                {
                    return Next::OfCountry(country_end);
                }
            }
        }
        // "Office of the Auditor General", "Commission of the State Council": `of the`
        // (or `for the`, `on the`) after the head of a body. Only there: "Secretary of
        // the Navy" and "State of the Union" are no bodies.
        if matches!(nw, "of" | "for" | "on")
            && words.org_heads.contains(last)
            && let (Some(the), Some(after)) = (toks.get(j + 2), toks.get(j + 3))
            && &text[the.start..the.end] == "the"
            && text.as_bytes()[next.end..the.start] == *b" "
            && text.as_bytes()[the.end..after.start] == *b" "
        {
            let aw = &text[after.start..after.end];
            if is_capitalized(aw) && !hits.is_covered(after) && !words.not_name_words.contains(aw) {
                return Next::Words(3);
            }
        }
        Next::End
    }

    /// The run without leading sentence words and trailing connectors, which are not part of
    /// a name.
    fn trim<'r>(&self, run: &'r [usize]) -> &'r [usize] {
        let words = self.words;
        let mut r = &run[run.iter().take_while(|&&k| words.not_name_words.contains(self.word(k))).count()..];
        while let Some((&k, rest)) = r.split_last()
            && (words.org_connectors.contains(self.word(k)) || words.name_particles.contains(self.word(k)))
        {
            r = rest;
        }
        r
    }

    /// A run as one organization, persons, or two runs to classify apart.
    fn classify_run(&self, run: &[usize], found: &mut EvidenceMap, unresolved: &mut Unresolved) {
        let heads = &self.words.org_heads;
        let connectors = &self.words.org_connectors;
        let r = self.trim(run);
        if r.is_empty() {
            return;
        }
        let words: Vec<&str> = r.iter().map(|&k| self.word(k)).collect();
        // "Silicon Valley Bank and Signature Bank": two bodies.
        if let Some(pos) = words.iter().position(|w| *w == "and")
            && pos > 0
            && heads.contains(words[pos - 1])
            && words.last().is_some_and(|w| heads.contains(*w))
        {
            self.classify_run(&r[..pos], found, unresolved);
            self.classify_run(&r[pos + 1..], found, unresolved);
            return;
        }
        // "Kemeny Commission Report", "Roliscorost Holdings Caught Up" (a title-case headline):
        // words after the last head of a body, not joined to it by a connector, are not part of
        // its name; they are classified on their own.
        if let Some(h) = words.iter().rposition(|w| heads.contains(*w))
            && h > 0
            && h + 1 < words.len()
            && !connectors.contains(words[h + 1])
            && !self.ampersand_between(r[h], r[h + 1])
        {
            self.classify_run(&r[..=h], found, unresolved);
            self.classify_run(&r[h + 1..], found, unresolved);
            return;
        }
        // Organizations: a head word, two words at least.
        let has_head = words.iter().enumerate().any(|(i, w)| {
            heads.contains(*w)
                && (i + 1 == words.len()
                    || i > 0
                    || (self.words.leading_heads.contains(*w)
                        && words.get(i + 1).is_some_and(|n| connectors.contains(*n))))
        });
        if has_head && words.len() >= 2 {
            self.organization(r, &words, found, unresolved);
        } else {
            self.persons(r, found, unresolved);
        }
    }

    /// A run with the head of a body, `words` its words: an organization, unless it is a part
    /// of one just named or a kind of body rather than one.
    fn organization(&self, r: &[usize], words: &[&str], found: &mut EvidenceMap, unresolved: &mut Unresolved) {
        let (text, toks, v, hits) = (self.text, self.toks, self.v, self.hits);
        let start = toks[r[0]].start;
        let end = toks[*r.last().expect("not empty")].start + words.last().expect("not empty").len();
        let before = &text[..start];
        // "RAND Corporation's Center for ..." is a part of RAND.
        let poss = before.strip_suffix("'s ").or_else(|| before.strip_suffix("\u{2019}s "));
        if poss.is_some_and(|p| hits.org_ends.contains(&p.len())) {
            return;
        }
        let mut name = String::new();
        for (i, w) in words.iter().enumerate() {
            if i > 0 {
                name.push_str(if self.ampersand_between(r[i - 1], r[i]) { " & " } else { " " });
            }
            name.push_str(w);
        }
        // "China's Ministry of Commerce" -> "Chinese Ministry of Commerce"; "Canada Border
        // Services Agency" and "U.S. Forest Service" keep the country as written.
        let qualified = if let Some(&ci) = poss.and_then(|p| hits.country_ends.get(&p.len())) {
            let c = &v.countries[ci];
            name = format!("{} {name}", c.demonyms.first().unwrap_or(&c.name));
            true
        } else if let Some(b) = before.strip_suffix(' ').filter(|b| hits.country_ends.contains_key(&b.len())) {
            // The country name as matched, e.g. "South African", "U.S.".
            let country_text = &text[hits.country_starts[&b.len()]..b.len()];
            name = format!("{country_text} {name}");
            true
        } else {
            false
        };
        // "Supreme Court", "Election Commission" and the like name no one in particular.
        if !qualified
            && words.iter().all(|w| self.words.generic_org_words.contains(*w) || self.words.org_connectors.contains(*w))
        {
            return;
        }
        let name = v.canonical_actor(&name).map(str::to_string).unwrap_or(name);
        // "National Institute for Space Research (INPE)": later "INPE" is the same body.
        if let Some(acr) = text[end..].strip_prefix(" (").and_then(|r| r.split_once(')')).map(|(a, _)| a)
            && (2..=8).contains(&acr.len())
            && acr.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-')
        {
            unresolved.acronyms.insert(acr.to_string(), name.clone());
        }
        let entity = evidence_mut(found, Kind::Organization, &name);
        if entity.facet.is_empty() {
            entity.facet = facet::organization(&name);
        }
        entity.spans.push((start, end));
    }

    /// A run with no head of a body: split at organization connectors (left out) and at `&`
    /// (no person's name holds one), each part a person or nothing.
    fn persons(&self, r: &[usize], found: &mut EvidenceMap, unresolved: &mut Unresolved) {
        let mut parts: Vec<&[usize]> = Vec::new();
        let mut from = 0;
        for i in 0..=r.len() {
            let connector = i < r.len() && self.words.org_connectors.contains(self.word(r[i]));
            if i == r.len() || connector || (i > 0 && self.ampersand_between(r[i - 1], r[i])) {
                parts.push(&r[from..i]);
                from = if connector { i + 1 } else { i };
            }
        }
        for part in parts.into_iter().filter(|p| !p.is_empty()) {
            self.person(part, found, unresolved);
        }
    }

    /// A part of a run as a person: roles before it are left out, and it needs evidence (a
    /// role, a first name, an apposition, a verb of speech). One word after a role waits to
    /// be resolved as a surname.
    fn person(&self, part: &[usize], found: &mut EvidenceMap, unresolved: &mut Unresolved) {
        let (text, toks, m, v, role_ends) = (self.text, self.toks, self.m, self.v, self.role_ends);
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
            return;
        }
        let names: Vec<&str> = name_toks.iter().map(|&k| self.word(k)).collect();
        if names.iter().any(|w| w.chars().any(|c| c.is_ascii_digit()) || w.chars().all(|c| !c.is_lowercase()))
            || self.words.not_person_last.contains(*names.last().expect("not empty"))
            || self.words.not_name_words.contains(names[0])
        {
            return;
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
                unresolved.surnames_after_roles.push(RoleSurname {
                    word: names[0].to_string(),
                    start: s,
                    end: e,
                    former: role_is_former(text, s),
                });
            }
            return;
        }
        let first_evidence =
            names.len() >= 2 && (m.first_names.contains(names[0]) || m.surname_first.contains(names[0]));
        let appositive = appositive_role(text, e, role_ends);
        let speech = speech_adjacent(text, s, e);
        let is_person = if names.len() >= 2 { role || first_evidence || appositive || speech } else { role };
        if !is_person {
            return;
        }
        let name = names.join(" ");
        let name = v.canonical_actor(&name).map(str::to_string).unwrap_or(name);
        let former = role_is_former(text, s);
        let entity = evidence_mut(found, Kind::Person, &name);
        if entity.facet.is_empty() {
            entity.facet = facet::person(&name);
        }
        entity.spans.push((s, e));
        if role || appositive {
            entity.introduced(former);
        }
    }
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

/// Settles what the runs left open, now that the document's persons and organizations are
/// known: surnames alone, acronyms, and surnames after a role.
pub(super) fn resolve(
    m: &EntityMatcher,
    v: &Vocabulary,
    text: &str,
    toks: &[Tok],
    hits: &GazetteerHits,
    unresolved: Unresolved,
    found: &mut EvidenceMap,
) {
    let surnames = surnames(m, found);
    // Only capitalized words can be surnames or acronyms.
    let candidates = || {
        toks.iter().filter(|t| text[t.start..].chars().next().is_some_and(char::is_uppercase) && !hits.is_covered(t))
    };
    // Surname-only mentions of persons found with a full name.
    for tok in candidates() {
        let w = strip_possessive(&text[tok.start..tok.end]);
        if let Some(full) = surnames.get(w).filter(|f| !f.is_empty()) {
            let end = tok.start + w.len();
            let already = found
                .get(&Key(Kind::Person, full))
                .is_some_and(|a| a.spans.iter().any(|&(s, e)| s <= tok.start && tok.start < e));
            if !already && let Some(entity) = found.get_mut(&Key(Kind::Person, full)) {
                entity.spans.push((tok.start, end));
            }
        }
    }
    let Unresolved { surnames_after_roles, acronyms } = unresolved;
    // An acronym introduced after a body's name, found again: not where it is introduced.
    if !acronyms.is_empty() {
        for tok in candidates() {
            let w = strip_possessive(&text[tok.start..tok.end]);
            if let Some(org) = acronyms.get(w)
                && !text[..tok.start].ends_with('(')
                && let Some(entity) = found.get_mut(&Key(Kind::Organization, org))
            {
                entity.spans.push((tok.start, tok.start + w.len()));
            }
        }
    }
    // "Secretary Kerry", "President Xi": a surname after a role is a person of this document
    // with that surname, else the one gazetteer person with it; otherwise it is left out.
    for RoleSurname { word, start, end, former } in surnames_after_roles {
        let full = surnames.get(&word).filter(|f| !f.is_empty()).cloned();
        if let Some(full) = full {
            if let Some(entity) = found.get_mut(&Key(Kind::Person, &full)) {
                entity.spans.push((start, end));
                entity.introduced(former);
            }
        } else if let Some(&Some(ai)) = m.gazetteer_surnames.get(&word) {
            // The role ends right before the surname, which introduces the person.
            add_actor(m, v, found, ai, start, end, text, true);
        }
    }
}

/// Surname -> the one person of the document with it, or "" when two persons share it (the
/// surname alone is then left unresolved). The surname is the first word of a name of at
/// most three words begun by a family name written first, else the last word.
fn surnames(m: &EntityMatcher, found: &EvidenceMap) -> HashMap<String, String> {
    let mut surnames: HashMap<String, String> = HashMap::default();
    for ((kind, name), _) in found.iter() {
        if *kind != Kind::Person {
            continue;
        }
        let parts: Vec<&str> = name.split(' ').collect();
        if parts.len() >= 2 {
            let key =
                if m.surname_first.contains(parts[0]) && parts.len() <= 3 { parts[0] } else { parts[parts.len() - 1] };
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
    surnames
}

/// A ministry named with no country ("Ministry of Tourism") is qualified by the document's
/// main country, the one named most often (the first by name on a tie): "Sri Lankan Ministry
/// of Tourism", so that facet values name one body. (A ministry of generic words only,
/// "Ministry of Finance", was left out when its run was classified.)
pub(super) fn qualify_ministries(v: &Vocabulary, found: &mut EvidenceMap) {
    let top = found
        .iter()
        .filter(|((k, _), a)| *k == Kind::Country && !a.spans.is_empty())
        .max_by(|a, b| a.1.spans.len().cmp(&b.1.spans.len()).then(b.0.1.cmp(&a.0.1)))
        .and_then(|(_, a)| a.country.clone())
        .and_then(|code| v.country(&code));
    let Some(country) = top else { return };
    let adj = country.demonyms.first().unwrap_or(&country.name);
    let bare_names: Vec<String> = found
        .keys()
        .filter(|(k, n)| *k == Kind::Organization && (n.starts_with("Ministry of ") || n.starts_with("Ministry for ")))
        .map(|(_, n)| n.clone())
        .collect();
    for name in bare_names {
        let bare = found.remove(&(Kind::Organization, name.clone())).expect("listed above");
        let qualified = format!("{adj} {name}");
        let qualified = v.canonical_actor(&qualified).map(str::to_string).unwrap_or(qualified);
        let entry = found.entry((Kind::Organization, qualified.clone())).or_default();
        entry.facet = facet::organization(&qualified);
        entry.spans.extend(bare.spans);
        entry.in_title |= bare.in_title;
        entry.in_lead |= bare.in_lead;
        entry.acting |= bare.acting;
        entry.quoted |= bare.quoted;
        entry.employer_of = entry.employer_of.take().or(bare.employer_of);
    }
}
