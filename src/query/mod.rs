//! Search: a [`SearchRequest`] is prepared for an index once ([`PreparedSearch`]: parsed,
//! compiled, its filters resolved), runs against it, and the top hits come back with
//! highlighted titles and passages.

mod compile;
mod execute;
mod explain;
pub(crate) mod facet_counter;
mod facet_counts;
mod lex;
pub mod parse;
mod prepare;
mod proximity;
mod request;
mod result_counts;
mod results;
mod timeline;

pub use explain::{Clause, Relaxation};
pub use facet_counts::{FacetCount, FacetCounts};
pub use prepare::{MAX_PATTERN_WORDS, MAX_QUERY_WORDS, PreparedSearch};
pub use request::{Matching, SearchRequest, Sort};
pub use results::{Hit, SearchResults};
pub use timeline::{Period, TimelineRow};

/// At most this many actors are counted by [`Index::facet_counts`] (the most frequent).
pub const MAX_ACTOR_COUNTS: usize = 1000;

/// Default number of hits per page.
pub const DEFAULT_LIMIT: usize = 10;
