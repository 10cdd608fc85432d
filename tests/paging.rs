//! Issue "hardening": paging through ties. Every order is total (the sort key, then the id),
//! applied before a page is cut, so pages of any size give each matching document exactly
//! once, in the order of one big page, and two builds of the same documents rank alike.

use gazette::chrono::{TimeZone, Utc};
use gazette::{Document, Index, SearchRequest, Sort};

/// 400 documents in few distinct forms, so that most scores and dates tie: the same text in
/// four variants, dated on three days (and a tenth undated), about two countries.
fn documents() -> Vec<Document> {
    (0..400)
        .map(|i| {
            let country = if i % 3 == 0 { "Ukraine" } else { "Kenya" };
            let body = match i % 4 {
                0 => format!("{country} shipped wheat."),
                1 => format!("{country} shipped wheat and maize."),
                2 => format!("Officials in {country} discussed wheat prices."),
                _ => format!("{country} discussed tariffs."),
            };
            let mut d = Document::new(format!("doc-{:03}", (i * 7919) % 400), "Grain report", body);
            if i % 10 != 0 {
                d.date = Some(Utc.with_ymd_and_hms(2020, 1, 1 + (i % 3) as u32, 0, 0, 0).unwrap());
            }
            d.update_hash();
            d
        })
        .collect()
}

/// The same documents, added in another order, with another number of writer threads and
/// commits, so that the segments differ.
fn build(reverse: bool, threads: usize, commit_every: usize) -> Index {
    let index = Index::create_in_ram().unwrap();
    let mut w = index.writer_with(50 << 20, threads).unwrap();
    let mut docs = documents();
    if reverse {
        docs.reverse();
    }
    for (i, d) in docs.iter().enumerate() {
        w.add(d).unwrap();
        if (i + 1) % commit_every == 0 {
            w.commit().unwrap();
        }
    }
    w.commit().unwrap();
    index
}

fn ids(index: &Index, request: SearchRequest) -> Vec<String> {
    index.search(&request.passages(0)).unwrap().hits.into_iter().map(|h| h.id).collect()
}

#[test]
fn pages_of_any_size_give_each_document_once_in_one_total_order() {
    let a = build(false, 1, 1000);
    let b = build(true, 2, 37);
    type Shape = fn(SearchRequest) -> SearchRequest;
    let requests: Vec<(&str, Shape)> = vec![
        ("*", |r| r),
        ("wheat", |r| r),
        ("*", |r| r.country("Ukraine")),
        ("wheat OR tariffs", |r| r.sort(Sort::Newest)),
        ("*", |r| r.sort(Sort::Oldest)),
        ("wheat", |r| r.recency(30.0)),
    ];
    for (q, shape) in &requests {
        let all = ids(&a, shape(SearchRequest::new(*q)).limit(1000));
        let total = a.search(&shape(SearchRequest::new(*q)).limit(0)).unwrap().total;
        assert_eq!(all.len(), total, "{q}");
        assert!(total > 50, "{q}: {total}");
        // Two builds of the same documents rank alike.
        assert_eq!(ids(&b, shape(SearchRequest::new(*q)).limit(1000)), all, "{q}: another build");
        for size in [1, 7, 50, 99] {
            for index in [&a, &b] {
                let mut paged = Vec::new();
                for offset in (0..total + size).step_by(size) {
                    paged.extend(ids(index, shape(SearchRequest::new(*q)).limit(size).offset(offset)));
                }
                assert_eq!(paged, all, "{q}: pages of {size}");
            }
        }
    }
}

/// Within a tie, documents come by id: the whole order of `*` (every score equal) is the ids
/// sorted.
#[test]
fn ties_are_ordered_by_id() {
    let index = build(true, 2, 50);
    let all = ids(&index, SearchRequest::new("*").limit(1000));
    let mut sorted = all.clone();
    sorted.sort();
    assert_eq!(all, sorted);
    // Dates: newest first, ties by id, undated last.
    let hits = index.search(&SearchRequest::new("*").limit(1000).passages(0).sort(Sort::Newest)).unwrap().hits;
    for pair in hits.windows(2) {
        let (x, y) = (&pair[0], &pair[1]);
        match (x.date, y.date) {
            (Some(dx), Some(dy)) => assert!(dx > dy || (dx == dy && x.id < y.id), "{} {}", x.id, y.id),
            (None, Some(_)) => panic!("undated {} before dated {}", x.id, y.id),
            (None, None) => assert!(x.id < y.id),
            (Some(_), None) => {}
        }
    }
}
