//! [`SearchRequest`]: what to search for and how, built with chained setters.

use serde::Serialize;

use crate::facet::FacetField;
use crate::highlight::{DEFAULT_PASSAGE_CHARS, DEFAULT_PASSAGES};

use super::DEFAULT_LIMIT;

/// A search, built with chained setters and run with [`SearchRequest::execute`] (or
/// [`Index::search`]).
///
/// ```
/// use gazette::{Document, Index, SearchRequest};
/// let index = Index::create_in_ram()?;
/// let mut w = index.writer()?;
/// w.add(&Document::new("1", "Cyber talks", "China and the U.S. discussed cyber attacks."))?;
/// w.add(&Document::new("2", "Trade talks", "Tariffs were discussed."))?;
/// w.commit()?;
/// let results = SearchRequest::new("cyber attack").limit(5).execute(&index)?;
/// assert_eq!(results.total, 1);
/// assert_eq!(results.hits[0].id, "1");
/// assert_eq!(results.hits[0].passages[0].fragment.render("[", "]"), "China and the U.S. discussed [cyber attacks].");
/// # Ok::<(), gazette::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct SearchRequest {
    pub(crate) query: String,
    pub(crate) limit: usize,
    pub(crate) offset: usize,
    pub(crate) matching: Matching,
    pub(crate) passages: usize,
    pub(crate) passage_chars: usize,
    pub(crate) filters: Vec<(FacetField, String)>,
    pub(crate) facet_limit: usize,
    pub(crate) sort: Sort,
    pub(crate) since: Option<String>,
    pub(crate) until: Option<String>,
    pub(crate) recency_days: Option<f32>,
}

/// The order of hits.
///
/// ```
/// use gazette::{Document, Index, SearchRequest, Sort, chrono::{TimeZone, Utc}};
/// let index = Index::create_in_ram()?;
/// let mut w = index.writer()?;
/// for (id, year) in [("a", 2015), ("b", 2017)] {
///     let mut doc = Document::new(id, "Sanctions", "New sanctions on Iran.");
///     doc.date = Some(Utc.with_ymd_and_hms(year, 6, 1, 0, 0, 0).unwrap());
///     w.add(&doc)?;
/// }
/// w.commit()?;
/// let ids = |r: gazette::SearchResults| r.hits.into_iter().map(|h| h.id).collect::<Vec<_>>();
/// assert_eq!(ids(index.search(&SearchRequest::new("sanctions").sort(Sort::Newest))?), ["b", "a"]);
/// assert_eq!(ids(index.search(&SearchRequest::new("sanctions").sort(Sort::Oldest))?), ["a", "b"]);
/// # Ok::<(), gazette::Error>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Sort {
    /// Best BM25 score first (the default); equal scores by id.
    #[default]
    Relevance,
    /// Oldest first; undated documents last; equal dates by id.
    Oldest,
    /// Newest first; undated documents last; equal dates by id.
    Newest,
}

impl SearchRequest {
    /// A request for `query` (Lucene-style syntax; empty or `*` matches everything).
    ///
    /// ```
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/src/query/doc_fixtures.rs"));
    /// # fn main() -> gazette::Result<()> {
    /// # use gazette::SearchRequest;
    /// # let index = wheat_and_steel()?;
    /// // The index holds "a" ("Wheat exports") and "b" ("Steel tariffs").
    /// assert_eq!(SearchRequest::new("wheat").execute(&index)?.total, 1);
    /// assert_eq!(SearchRequest::new("").execute(&index)?.total, 2); // everything
    /// assert_eq!(SearchRequest::new("*").execute(&index)?.total, 2);
    /// # Ok::<(), gazette::Error>(())
    /// # }
    /// ```
    pub fn new(query: impl Into<String>) -> SearchRequest {
        SearchRequest {
            query: query.into(),
            limit: DEFAULT_LIMIT,
            offset: 0,
            matching: Matching::default(),
            passages: DEFAULT_PASSAGES,
            passage_chars: DEFAULT_PASSAGE_CHARS,
            filters: Vec::new(),
            facet_limit: 0,
            sort: Sort::Relevance,
            since: None,
            until: None,
            recency_days: None,
        }
    }

    /// Keeps documents with this facet value (a name such as `China`, `Asia`, `Xi Jinping`,
    /// `cybersecurity`, or a path such as `/Asia/Eastern Asia`). Values of one field are
    /// alternatives (OR); filters on different fields all apply (AND).
    ///
    /// ```
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/src/query/doc_fixtures.rs"));
    /// # fn main() -> gazette::Result<()> {
    /// # use gazette::SearchRequest;
    /// # let index = xi_and_grain()?;
    /// // The index holds "cn" (Xi Jinping meets Barack Obama, on cyber attacks) and "ua" (Ukraine's
    /// // wheat exports), enriched.
    /// use gazette::FacetField;
    /// let r = SearchRequest::new("*").filter(FacetField::Country, "China").filter(FacetField::Country, "Ukraine");
    /// assert_eq!(ids(r.execute(&index)?), ["cn", "ua"]); // China OR Ukraine
    /// let r = SearchRequest::new("*").filter(FacetField::Country, "Europe").filter(FacetField::Actor, "Xi Jinping");
    /// assert_eq!(r.execute(&index)?.total, 0); // Europe AND Xi Jinping
    /// # Ok::<(), gazette::Error>(())
    /// # }
    /// ```
    pub fn filter(mut self, field: FacetField, value: impl Into<String>) -> Self {
        self.filters.push((field, value.into()));
        self
    }

    /// [`SearchRequest::filter`] on countries.
    ///
    /// ```
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/src/query/doc_fixtures.rs"));
    /// # fn main() -> gazette::Result<()> {
    /// # use gazette::SearchRequest;
    /// # let index = xi_and_grain()?;
    /// // The index holds "cn" (Xi Jinping meets Barack Obama, on cyber attacks) and "ua" (Ukraine's
    /// // wheat exports), enriched.
    /// assert_eq!(ids(SearchRequest::new("*").country("China").execute(&index)?), ["cn"]);
    /// assert_eq!(ids(SearchRequest::new("*").country("Europe").execute(&index)?), ["ua"]);
    /// # Ok::<(), gazette::Error>(())
    /// # }
    /// ```
    pub fn country(self, value: impl Into<String>) -> Self {
        self.filter(FacetField::Country, value)
    }

    /// [`SearchRequest::filter`] on actors.
    ///
    /// ```
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/src/query/doc_fixtures.rs"));
    /// # fn main() -> gazette::Result<()> {
    /// # use gazette::SearchRequest;
    /// # let index = xi_and_grain()?;
    /// // The index holds "cn" (Xi Jinping meets Barack Obama, on cyber attacks) and "ua" (Ukraine's
    /// // wheat exports), enriched.
    /// assert_eq!(ids(SearchRequest::new("*").actor("Xi Jinping").execute(&index)?), ["cn"]);
    /// # Ok::<(), gazette::Error>(())
    /// # }
    /// ```
    pub fn actor(self, value: impl Into<String>) -> Self {
        self.filter(FacetField::Actor, value)
    }

    /// [`SearchRequest::filter`] on topics.
    ///
    /// ```
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/src/query/doc_fixtures.rs"));
    /// # fn main() -> gazette::Result<()> {
    /// # use gazette::SearchRequest;
    /// # let index = xi_and_grain()?;
    /// // The index holds "cn" (Xi Jinping meets Barack Obama, on cyber attacks) and "ua" (Ukraine's
    /// // wheat exports), enriched.
    /// assert_eq!(ids(SearchRequest::new("*").topic("cybersecurity").execute(&index)?), ["cn"]);
    /// # Ok::<(), gazette::Error>(())
    /// # }
    /// ```
    pub fn topic(self, value: impl Into<String>) -> Self {
        self.filter(FacetField::Topic, value)
    }

    /// Also count the top `n` countries, actors and topics of the matching documents (0, the
    /// default, for none).
    ///
    /// ```
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/src/query/doc_fixtures.rs"));
    /// # fn main() -> gazette::Result<()> {
    /// # use gazette::SearchRequest;
    /// # let index = xi_and_grain()?;
    /// // The index holds "cn" (Xi Jinping meets Barack Obama, on cyber attacks) and "ua" (Ukraine's
    /// // wheat exports), enriched.
    /// assert!(SearchRequest::new("*").execute(&index)?.facets.is_none());
    /// let facets = SearchRequest::new("*").facets(5).execute(&index)?.facets.unwrap();
    /// assert!(facets.country.iter().any(|c| c.value == "Ukraine" && c.count == 1));
    /// assert!(facets.actor.iter().any(|c| c.value == "Xi Jinping"));
    /// # Ok::<(), gazette::Error>(())
    /// # }
    /// ```
    pub fn facets(mut self, n: usize) -> Self {
        self.facet_limit = n;
        self
    }

    /// The order of hits (default [`Sort::Relevance`]). With a date order, hits have a
    /// score of 0.
    ///
    /// ```
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/src/query/doc_fixtures.rs"));
    /// # fn main() -> gazette::Result<()> {
    /// # use gazette::SearchRequest;
    /// # let index = sanctions_2015_2017()?;
    /// // The index holds "a" (2015) and "b" (2017), both "Sanctions: New sanctions on Iran."
    /// use gazette::Sort;
    /// let r = SearchRequest::new("sanctions").sort(Sort::Newest).execute(&index)?;
    /// assert_eq!((r.hits[0].id.as_str(), r.hits[0].score), ("b", 0.0));
    /// # Ok::<(), gazette::Error>(())
    /// # }
    /// ```
    pub fn sort(mut self, sort: Sort) -> Self {
        self.sort = sort;
        self
    }

    /// Favours recent documents when ranking by relevance: a document's score is multiplied
    /// by `1 + 0.5^(age / half_life_days)`, its age counted back from the newest document of
    /// the index (not from today, so that the same index ranks the same tomorrow). Undated
    /// documents get no boost.
    ///
    /// ```
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/src/query/doc_fixtures.rs"));
    /// # fn main() -> gazette::Result<()> {
    /// # use gazette::SearchRequest;
    /// # let index = sanctions_2015_2017()?;
    /// // The index holds "a" (2015) and "b" (2017), both "Sanctions: New sanctions on Iran."
    /// // Same text, same score: ties go by id, unless recent documents are favoured.
    /// assert_eq!(ids(SearchRequest::new("sanctions").execute(&index)?), ["a", "b"]);
    /// assert_eq!(ids(SearchRequest::new("sanctions").recency(365.0).execute(&index)?), ["b", "a"]);
    /// # Ok::<(), gazette::Error>(())
    /// # }
    /// ```
    pub fn recency(mut self, half_life_days: f32) -> Self {
        self.recency_days = (half_life_days > 0.0).then_some(half_life_days);
        self
    }

    /// Only documents dated in or after this period (`2015`, `2015-06`, `2015-06-30`).
    ///
    /// ```
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/src/query/doc_fixtures.rs"));
    /// # fn main() -> gazette::Result<()> {
    /// # use gazette::SearchRequest;
    /// # let index = sanctions_2015_2017()?;
    /// // The index holds "a" (2015) and "b" (2017), both "Sanctions: New sanctions on Iran."
    /// assert_eq!(ids(SearchRequest::new("sanctions").since("2016").execute(&index)?), ["b"]);
    /// assert_eq!(ids(SearchRequest::new("sanctions").since("2015-06").execute(&index)?), ["a", "b"]);
    /// # Ok::<(), gazette::Error>(())
    /// # }
    /// ```
    pub fn since(mut self, period: impl Into<String>) -> Self {
        self.since = Some(period.into());
        self
    }

    /// Only documents dated in or before this period (`2016` means up to the end of 2016).
    ///
    /// ```
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/src/query/doc_fixtures.rs"));
    /// # fn main() -> gazette::Result<()> {
    /// # use gazette::SearchRequest;
    /// # let index = sanctions_2015_2017()?;
    /// // The index holds "a" (2015) and "b" (2017), both "Sanctions: New sanctions on Iran."
    /// assert_eq!(ids(SearchRequest::new("sanctions").until("2016").execute(&index)?), ["a"]);
    /// assert_eq!(ids(SearchRequest::new("sanctions").until("2015-05").execute(&index)?), Vec::<String>::new());
    /// # Ok::<(), gazette::Error>(())
    /// # }
    /// ```
    pub fn until(mut self, period: impl Into<String>) -> Self {
        self.until = Some(period.into());
        self
    }

    /// Number of hits to return (default [`DEFAULT_LIMIT`]).
    ///
    /// ```
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/src/query/doc_fixtures.rs"));
    /// # fn main() -> gazette::Result<()> {
    /// # use gazette::SearchRequest;
    /// # let index = wheat_and_steel()?;
    /// // The index holds "a" ("Wheat exports") and "b" ("Steel tariffs").
    /// let r = SearchRequest::new("*").limit(1).execute(&index)?;
    /// assert_eq!((r.total, r.hits.len()), (2, 1));
    /// # Ok::<(), gazette::Error>(())
    /// # }
    /// ```
    pub fn limit(mut self, limit: usize) -> Self {
        self.limit = limit;
        self
    }

    /// Number of hits to skip, for paging.
    ///
    /// ```
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/src/query/doc_fixtures.rs"));
    /// # fn main() -> gazette::Result<()> {
    /// # use gazette::SearchRequest;
    /// # let index = wheat_and_steel()?;
    /// // The index holds "a" ("Wheat exports") and "b" ("Steel tariffs").
    /// let r = SearchRequest::new("*").offset(1).execute(&index)?;
    /// assert_eq!((r.hits.len(), r.hits[0].id.as_str(), r.hits[0].rank), (1, "b", 2));
    /// # Ok::<(), gazette::Error>(())
    /// # }
    /// ```
    pub fn offset(mut self, offset: usize) -> Self {
        self.offset = offset;
        self
    }

    /// Match documents with any of the words ([`Matching::Any`]), or with all of them
    /// ([`Matching::All`]) when false.
    ///
    /// ```
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/src/query/doc_fixtures.rs"));
    /// # fn main() -> gazette::Result<()> {
    /// # use gazette::SearchRequest;
    /// # let index = wheat_and_steel()?;
    /// // The index holds "a" ("Wheat exports") and "b" ("Steel tariffs").
    /// assert_eq!(SearchRequest::new("wheat tariffs").match_any(false).execute(&index)?.total, 0);
    /// assert_eq!(SearchRequest::new("wheat tariffs").match_any(true).execute(&index)?.total, 2);
    /// # Ok::<(), gazette::Error>(())
    /// # }
    /// ```
    pub fn match_any(mut self, any: bool) -> Self {
        self.matching = if any { Matching::Any } else { Matching::All };
        self
    }

    /// How the words of a query without operators between them must match (see
    /// [`Matching`]; [`Matching::Most`] by default).
    ///
    /// ```
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/src/query/doc_fixtures.rs"));
    /// # fn main() -> gazette::Result<()> {
    /// # use gazette::{SearchRequest, query::Matching};
    /// # let index = wheat_and_steel()?;
    /// // The index holds "a" ("Wheat exports") and "b" ("Steel tariffs").
    /// let most = SearchRequest::new("steel tariffs exports").matching(Matching::Most).execute(&index)?;
    /// // Both match; "b", with two of the three words, ranks first.
    /// assert_eq!(most.hits.iter().map(|h| h.id.as_str()).collect::<Vec<_>>(), ["b", "a"]);
    /// # Ok::<(), gazette::Error>(())
    /// # }
    /// ```
    pub fn matching(mut self, matching: Matching) -> Self {
        self.matching = matching;
        self
    }

    /// Number of passages per hit (default [`DEFAULT_PASSAGES`]; 0 for none).
    ///
    /// ```
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/src/query/doc_fixtures.rs"));
    /// # fn main() -> gazette::Result<()> {
    /// # use gazette::SearchRequest;
    /// # let index = wheat_and_steel()?;
    /// // The index holds "a" ("Wheat exports") and "b" ("Steel tariffs").
    /// assert_eq!(SearchRequest::new("wheat").execute(&index)?.hits[0].passages.len(), 1);
    /// assert!(SearchRequest::new("wheat").passages(0).execute(&index)?.hits[0].passages.is_empty());
    /// # Ok::<(), gazette::Error>(())
    /// # }
    /// ```
    pub fn passages(mut self, n: usize) -> Self {
        self.passages = n;
        self
    }

    /// Maximum length of a passage in characters (default [`DEFAULT_PASSAGE_CHARS`]).
    ///
    /// ```
    /// use gazette::{Document, Index, SearchRequest};
    /// let index = Index::create_in_ram()?;
    /// let mut w = index.writer()?;
    /// w.add(&Document::new("a", "Wheat", "In a year of drought, floods and war, Ukraine still shipped \
    ///     more wheat to Egypt, Turkey and Indonesia than any other exporter did."))?;
    /// w.commit()?;
    /// let r = SearchRequest::new("wheat").passage_chars(60).execute(&index)?;
    /// let text = &r.hits[0].passages[0].fragment.text;
    /// assert_eq!(text, "…still shipped more wheat to Egypt, Turkey and Indonesia…");
    /// assert!(text.chars().count() <= 60);
    /// # Ok::<(), gazette::Error>(())
    /// ```
    pub fn passage_chars(mut self, n: usize) -> Self {
        self.passage_chars = n;
        self
    }

    /// The query string.
    ///
    /// ```
    /// let request = gazette::SearchRequest::new("sanctions AND iran").limit(3);
    /// assert_eq!(request.query(), "sanctions AND iran");
    /// ```
    pub fn query(&self) -> &str {
        &self.query
    }
}

/// How the words of a query without operators between them must match. Explicit operators
/// keep their meaning in every mode: `AND`, `+word`, `-word`, quotes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Matching {
    /// Every word.
    All,
    /// The default: documents with all the words first, then those missing one, and so on (as
    /// Meilisearch's `last` strategy, or Lucene's coordination factor), BM25 within each
    /// group: a query never comes back empty for want of one general word. Plain words
    /// are optional; a field term, a phrase, a group or a proximity among them must match.
    #[default]
    Most,
    /// Any word, ranked by BM25 alone.
    Any,
}
