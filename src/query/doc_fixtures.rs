// The indexes of the doc examples of `src/query/`, which include this file (`include!`) so
// that each example shows only what it is about. Not a module of the crate.

use gazette::chrono::{TimeZone, Utc};
use gazette::{Document, Index, SearchResults};

/// "a" ("Wheat exports": Ukraine shipped more wheat) and "b" ("Steel tariffs").
fn wheat_and_steel() -> gazette::Result<Index> {
    let index = Index::create_in_ram()?;
    let mut w = index.writer()?;
    w.add(&Document::new("a", "Wheat exports", "Ukraine shipped more wheat."))?;
    w.add(&Document::new("b", "Steel tariffs", "New tariffs on steel."))?;
    w.commit()?;
    Ok(index)
}

/// "cn" (Xi Jinping meets Barack Obama, on cyber attacks) and "ua" (Ukraine's wheat
/// exports), enriched.
fn xi_and_grain() -> gazette::Result<Index> {
    let index = Index::create_in_ram()?;
    let mut w = index.writer()?;
    w.add(&Document::new(
        "cn",
        "Xi meets Obama",
        "Chinese President Xi Jinping met U.S. President Barack Obama in Washington. \
         Xi said China opposes cyber attacks.",
    ))?;
    w.add(&Document::new("ua", "Grain exports rise", "Ukraine shipped more wheat this year."))?;
    w.commit()?;
    Ok(index)
}

/// "a" (2015) and "b" (2017), both "Sanctions: New sanctions on Iran."
fn sanctions_2015_2017() -> gazette::Result<Index> {
    let index = Index::create_in_ram()?;
    let mut w = index.writer()?;
    for (id, year) in [("a", 2015), ("b", 2017)] {
        let mut doc = Document::new(id, "Sanctions", "New sanctions on Iran.");
        doc.date = Some(Utc.with_ymd_and_hms(year, 6, 1, 0, 0, 0).unwrap());
        w.add(&doc)?;
    }
    w.commit()?;
    Ok(index)
}

/// The ids of the hits, in order.
fn ids(r: SearchResults) -> Vec<String> {
    r.hits.into_iter().map(|h| h.id).collect()
}
