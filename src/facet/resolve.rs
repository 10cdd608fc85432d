//! A user's value (`China`, `PRC`, `Asia`, `State Department`, `cybersecurity`, or a path)
//! resolved to facet paths through a vocabulary, or an error naming the nearest known value.

use tantivy::schema::Facet;

use super::{FacetField, ORGANIZATION, PERSON, Vocabulary};
use crate::error::{Error, Result};

/// The facet paths a user's value stands for: a path as given (`/Asia`); else, through the
/// vocabularies and case-insensitively, a region, subregion or country by name, alias or ISO
/// code (`Asia`, `PRC`, `CN`), an actor by name or alias (`State Department`), a major topic
/// or a subtopic under each of its parents; else an actor outside the gazetteer, as written.
/// A country or topic the vocabulary does not know is an error naming the nearest known one.
///
/// ```
/// use gazette::facet::{FacetField, Vocabulary, resolve};
/// let v = Vocabulary::builtin()?;
/// let paths = |value| resolve(&v, FacetField::Country, value).map(|f| f[0].to_string());
/// assert_eq!(paths("PRC")?, "/Asia/Eastern Asia/China");
/// assert_eq!(paths("Eastern Asia")?, "/Asia/Eastern Asia");
/// assert!(paths("Chna").unwrap_err().to_string().contains("did you mean \"China\"?"));
/// // Actors are open-ended: an unknown one is a person or an organization of that name.
/// assert_eq!(resolve(&v, FacetField::Actor, "Jane Nobody")?.len(), 2);
/// # Ok::<(), gazette::Error>(())
/// ```
pub fn resolve(vocab: &Vocabulary, field: FacetField, value: &str) -> Result<Vec<Facet>> {
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
    let v = vocab;
    match field {
        FacetField::Country => {
            for c in &v.countries {
                if is(&c.region) {
                    paths.push(super::region(&c.region));
                } else if is(&c.subregion) {
                    paths.push(super::subregion(&c.region, &c.subregion));
                } else if is(&c.name)
                    || is(&c.alpha2)
                    || is(&c.alpha3)
                    || c.aliases.iter().chain(&c.demonyms).any(|a| is(a))
                {
                    paths.push(super::country(c));
                }
            }
        }
        FacetField::Actor => {
            if is(PERSON) || is(ORGANIZATION) {
                paths.push(super::actor_kind(is(PERSON)));
            }
            for a in &v.actors {
                if is(&a.name) || a.aliases.iter().any(|x| is(x)) {
                    paths.push(super::actor(a));
                }
            }
            if paths.is_empty() {
                paths.push(super::person(value));
                paths.push(super::organization(value));
            }
        }
        FacetField::Topic => {
            for t in &v.topics {
                if is(&t.name) {
                    paths.push(super::topic(&t.name, None));
                }
            }
            for s in &v.subtopics {
                if is(&s.name) {
                    paths.extend(s.parents.iter().map(|p| super::topic(p, Some(&s.name))));
                }
            }
        }
    }
    // Countries and topics come only from the vocabularies: a value they do not know
    // can match nothing, and is more likely a typo than a question.
    if paths.is_empty() && field != FacetField::Actor {
        return Err(unknown_value(field, value, v));
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
    let nearest =
        names.iter().map(|n| (edit_distance(&lower, &n.to_lowercase()), *n)).filter(|(d, _)| *d <= limit).min();
    let kind = match field {
        FacetField::Country => "a country, region or subregion",
        _ => "a topic or subtopic",
    };
    let whose = if v.is_builtin() { "Gazette's vocabulary" } else { "the index's vocabulary" };
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
    Error::UnknownFacetValue { field, value: value.to_string(), reason: format!("not {kind} of {whose}{hint}") }
}

/// Levenshtein distance in characters, for the nearest known name of a misspelt one.
///
/// ```
/// assert_eq!(gazette::facet::edit_distance("Chna", "China"), 1);
/// ```
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (diagonal + usize::from(ca != cb)).min(above + 1).min(row[j] + 1);
            diagonal = above;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Values of the closed vocabularies resolve or fail with a hint; actors never fail.
    #[test]
    fn unknown_countries_and_topics_are_errors_with_a_hint() {
        let vocab = Vocabulary::builtin().unwrap();
        let cases: &[(FacetField, &str, Result<&str, &str>)] = &[
            (FacetField::Country, "China", Ok("/Asia/Eastern Asia/China")),
            (FacetField::Country, "prc", Ok("/Asia/Eastern Asia/China")),
            (FacetField::Country, "Eastern Asia", Ok("/Asia/Eastern Asia")),
            (FacetField::Country, "Chna", Err("did you mean \"China\"?")),
            (FacetField::Country, "Korea", Err("did you mean \"North Korea\" or \"South Korea\"?")),
            (FacetField::Country, "Narnia", Err("not a country, region or subregion of Gazette's vocabulary")),
            (FacetField::Topic, "cybersecurty", Err("did you mean \"cybersecurity\"?")),
            (FacetField::Topic, "Defence", Err("did you mean \"Defense\"?")),
            (FacetField::Topic, "Defense", Ok("/Defense")),
            (FacetField::Actor, "Jane Nobody", Ok("/organization/Jane Nobody")),
        ];
        for (field, value, want) in cases {
            match (resolve(&vocab, *field, value), want) {
                (Ok(facets), Ok(path)) => assert_eq!(facets[0].to_string(), *path, "{value}"),
                (Err(e), Err(hint)) => assert!(e.to_string().contains(hint), "{value}: {e}"),
                (got, want) => panic!("{value}: got {got:?}, want {want:?}"),
            }
        }
    }
}
