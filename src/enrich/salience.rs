//! Whether a document is about an entity or merely mentions it. [`weigh`] reads how each
//! mention stands (in the title, in the lead, quoted, acting, employing a quoted person, a
//! country's body acting); [`decide`] turns that into the central flag, a salience score and
//! the reasons given for it, and lists the entities in their final order.

use super::Entity;
use super::entities::{Evidence, EvidenceMap, Key, Kind, Text};
use super::words::WordSets;
use crate::facet::Vocabulary;

/// Marks where and how the entities of `found` are mentioned. `speech` holds where the verbs
/// of speech are.
pub(super) fn weigh(t: &Text<'_>, v: &Vocabulary, words: &WordSets, speech: &[usize], found: &mut EvidenceMap) {
    let quotes = quoted_sentences(t.text, speech);
    let quoted_people = mark_mentions(t, words, &quotes, found);
    mark_employers(t.text, &quoted_people, found);
    credit_countries(v, found);
}

/// The sentences with a verb of speech, as sorted byte ranges: a mention inside one is
/// quoted. The verbs come in text order, and a verb inside the sentence found last is in
/// that same sentence (no boundary lies between it and either end), so the sentence is not
/// looked for again.
fn quoted_sentences(text: &str, speech: &[usize]) -> Vec<(usize, usize)> {
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
    quotes
}

/// Title, lead, quoted and acting, per mention; returns the quoted persons' mentions (name,
/// start, end), for finding their employers.
fn mark_mentions(
    t: &Text<'_>,
    words: &WordSets,
    quotes: &[(usize, usize)],
    found: &mut EvidenceMap,
) -> Vec<(String, usize, usize)> {
    let in_quote = |pos: usize| quotes.iter().any(|&(a, b)| a <= pos && pos < b);
    let mut quoted_people: Vec<(String, usize, usize)> = Vec::new();
    for ((kind, name), entity) in found.iter_mut() {
        for &(s, e) in &entity.spans {
            if s < t.title_end {
                entity.in_title = true;
            }
            if t.lead.contains(&s) {
                entity.in_lead = true;
            }
            let quoted = in_quote(s);
            match kind {
                Kind::Person => {
                    if quoted {
                        entity.quoted = true;
                        quoted_people.push((name.clone(), s, e));
                    }
                }
                Kind::Country | Kind::Organization => {
                    if *kind == Kind::Organization && quoted {
                        entity.quoted = true;
                    }
                    if acts_after(t.text, e, *kind, words) {
                        entity.acting = true;
                    }
                }
            }
        }
    }
    quoted_people
}

/// Whether the country or organization mentioned up to `e` acts: the subject of the verb
/// after it ("Russia has rejected"), or a country with its officials after it ("Chinese
/// officials", "China's foreign ministry").
fn acts_after(text: &str, e: usize, kind: Kind, words: &WordSets) -> bool {
    let after = text[e..].trim_start_matches(['\'', '\u{2019}', 's']).trim_start();
    let possessive = text[e..].starts_with("'s") || text[e..].starts_with("\u{2019}s");
    // The subject of a verb, auxiliaries included.
    let verb = after.split(|c: char| !c.is_alphanumeric()).next().unwrap_or("");
    if !possessive && words.action_verbs.contains(verb) {
        return true;
    }
    if kind == Kind::Country && words.official_first_words.contains(verb.to_lowercase().as_str()) {
        let window = after.char_indices().nth(40).map(|(i, _)| &after[..i]).unwrap_or(after);
        let lower = window.to_lowercase();
        return words.official_nouns.iter().any(|n| {
            lower.starts_with(n.as_str()) && lower[n.len()..].chars().next().is_none_or(|c| !c.is_alphanumeric())
        });
    }
    false
}

/// The employer of a quoted person, named just after them: "Name of Org", "Name, a fellow at
/// Org".
fn mark_employers(text: &str, quoted_people: &[(String, usize, usize)], found: &mut EvidenceMap) {
    for ((kind, _), entity) in found.iter_mut() {
        if *kind != Kind::Organization {
            continue;
        }
        'spans: for &(s, _) in &entity.spans {
            for (p, _, pe) in quoted_people {
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
                        entity.employer_of = Some(p.clone());
                        break 'spans;
                    }
                }
            }
        }
    }
}

/// A named country whose government body acts or speaks in the story is central. Persons
/// are left out: officials often act in another capacity (a former prime minister as an
/// envoy, a national politician heading an international body).
fn credit_countries(v: &Vocabulary, found: &mut EvidenceMap) {
    let acting_bodies: Vec<(String, String)> = found
        .iter()
        .filter(|((k, _), a)| {
            *k == Kind::Organization && a.official && (a.in_title || a.in_lead || a.quoted || a.acting)
        })
        .filter_map(|((_, n), a)| a.country.clone().map(|c| (c, n.clone())))
        .collect();
    for (code, actor) in acting_bodies {
        if let Some(c) = v.country(&code)
            && let Some(entity) = found.get_mut(&Key(Kind::Country, &c.name))
        {
            entity.via_actor.push(actor);
        }
    }
}

/// Whether the document is about the entity: named in the title or the lead, or else a
/// country named three times, acting or with a central body of its own; a person named
/// twice, quoted or introduced with a present role; an organization named twice, acting,
/// quoted or employing a quoted person. A news outlet only when named in the title or three
/// times.
fn is_central(kind: Kind, ev: &Evidence) -> bool {
    let n = ev.spans.len();
    match kind {
        Kind::Country => ev.in_title || ev.in_lead || n >= 3 || ev.acting || !ev.via_actor.is_empty(),
        Kind::Person => ev.in_title || ev.in_lead || n >= 2 || ev.quoted || (ev.role && !ev.former_only),
        Kind::Organization if ev.media => ev.in_title || n >= 3,
        Kind::Organization => ev.in_title || ev.in_lead || n >= 2 || ev.acting || ev.quoted || ev.employer_of.is_some(),
    }
}

/// Mentions, plus 3 for the title, 2 for the lead and 2 for acting or being quoted.
fn score(ev: &Evidence) -> f32 {
    ev.spans.len() as f32
        + 3.0 * ev.in_title as u8 as f32
        + 2.0 * ev.in_lead as u8 as f32
        + 2.0 * (ev.acting || ev.quoted) as u8 as f32
}

/// Why the entity is central, in words.
fn reasons(ev: &Evidence) -> Vec<String> {
    let mut reasons = Vec::new();
    if ev.in_title {
        reasons.push("title".to_string());
    }
    if ev.in_lead {
        reasons.push("lead".to_string());
    }
    if ev.spans.len() >= 2 {
        reasons.push(format!("{} mentions", ev.spans.len()));
    }
    if ev.acting {
        reasons.push("acts".to_string());
    }
    if ev.quoted {
        reasons.push("quoted".to_string());
    }
    if ev.role {
        reasons.push("introduced with a role".to_string());
    }
    if let Some(p) = &ev.employer_of {
        reasons.push(format!("employer of {p}"));
    }
    for a in &ev.via_actor {
        reasons.push(format!("its {a} is central"));
    }
    reasons
}

/// The countries, persons and organizations, each central ones first, then by salience and
/// name.
pub(super) fn decide(t: &Text<'_>, found: EvidenceMap) -> (Vec<Entity>, Vec<Entity>, Vec<Entity>) {
    let mut countries = Vec::new();
    let mut persons = Vec::new();
    let mut orgs = Vec::new();
    let mut entries: Vec<_> = found.into_iter().collect();
    entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    for ((kind, name), ev) in entries {
        // Counts are of the spans as recorded; duplicates are merged only in the mentions.
        let central = is_central(kind, &ev);
        let salience = score(&ev);
        let reasons = if central { reasons(&ev) } else { Vec::new() };
        let mut spans = ev.spans;
        spans.sort_unstable();
        spans.dedup();
        let entity = Entity {
            name,
            facet: ev.facet,
            central,
            salience,
            reasons,
            mentions: spans.iter().map(|&(s, e)| t.mention(s, e)).collect(),
        };
        match kind {
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
