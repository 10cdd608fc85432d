//! Gazette: full-text search for policy and news documents, on [tantivy].
//!
//! Gazette reads folders of articles, press releases, briefings, speeches and reports (plain
//! text, HTML, JSON/JSONL, Markdown), normalizes each into a [`Document`], tags it with the
//! countries, actors and topics it is about, and indexes it for ranked search with
//! highlighted passages.
//!
//! The pipeline, one module each: [`load`] (files to documents) → [`enrich`] (facets) →
//! [`Index`] (tantivy, incremental reindexing) → [`SearchRequest`] (ranked hits, passages).
//!
//! The main types:
//! - [`Document`]: one normalized article.
//! - [`Index`]: create or open an index, get its [`Writer`], [`Index::reindex`] folders.
//! - [`SearchRequest`] → [`SearchResults`] of [`Hit`]s with highlighted [`Passage`]s.
//! - [`Error`]: the one error type.
//!
//! ```
//! use gazette::{Document, Index, SearchRequest};
//!
//! let index = Index::create_in_ram()?;
//! let mut writer = index.writer()?;
//! writer.add(&Document::new(
//!     "voa-1",
//!     "China cyber attacks",
//!     "U.S. officials say they are watching China's cybersecurity commitments.\n\n\
//!      The talks came a month before the Strategic and Economic Dialogue.",
//! ))?;
//! writer.add(&Document::new("wire-2", "Grain exports rise", "Ukraine shipped more wheat."))?;
//! writer.commit()?;
//!
//! let results = index.search(&SearchRequest::new("cybersecurity commitments"))?;
//! assert_eq!(results.total, 1);
//! let top = &results.hits[0];
//! assert_eq!(top.id, "voa-1");
//! assert_eq!(
//!     top.passages[0].fragment.render("<mark>", "</mark>"),
//!     "U.S. officials say they are watching China's <mark>cybersecurity commitments</mark>."
//! );
//! # Ok::<(), gazette::Error>(())
//! ```
//!
//! [tantivy]: https://docs.rs/tantivy

#![deny(missing_docs)]

mod analysis;
pub mod date;
pub mod document;
pub mod enrich;
pub mod error;
pub mod facet;
pub mod highlight;
pub mod index;
pub mod load;
mod packed;
pub mod query;
pub mod schema;
pub mod text;

pub use document::Document;
pub use enrich::{Enriched, Enricher, Enrichment};
pub use error::{Error, FileProblem, ProblemFile, Result};
pub use facet::{FacetField, Vocabulary};
pub use highlight::{Highlighted, Passage};
pub use index::{Index, IndexStats, ReindexOptions, ReindexReport, Writer};
pub use query::{Hit, SearchRequest, SearchResults, Sort};

/// Re-exported so that embedders can build dates for [`Document`] without a version clash.
pub use chrono;
