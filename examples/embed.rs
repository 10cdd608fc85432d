//! Embedding Gazette in a program: index a folder (or your own documents), then search.
//!
//! ```text
//! cargo run --example embed -- corpus-sample "sanctions Iran"
//! ```

use gazette::{Document, Index, ReindexOptions, SearchRequest};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let folder = args.next().unwrap_or_else(|| "corpus-sample".into());
    let query = args.next().unwrap_or_else(|| "cyber attacks".into());

    // An index in memory; use `Index::open_or_create(dir)` to keep it on disk.
    let index = Index::create_in_ram()?;

    // Load and index a folder: per-file problems come back in the report, not as errors.
    let report = index.reindex(&ReindexOptions::new([&folder]))?;
    println!("indexed {} documents from {folder} ({} problems)", report.documents_indexed, report.problem_count());

    // Documents of your own go through the same writer and replace earlier ones by id.
    let mut writer = index.writer()?;
    let mut memo = Document::new("memo-1", "Internal memo on cyber norms", "Our team reviewed the cyber agreement.");
    memo.source = Some("internal".into());
    writer.add(&memo)?;
    writer.commit()?;

    let results = index.search(&SearchRequest::new(query).limit(5).passages(1))?;
    println!("{} hits", results.total);
    for hit in &results.hits {
        println!("{:>2}. {} [{}]", hit.rank, hit.title.render("*", "*"), hit.id);
        for p in &hit.passages {
            println!("    {}", p.fragment.render("*", "*"));
        }
    }
    Ok(())
}
