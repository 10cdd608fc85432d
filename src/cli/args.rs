//! The clap definition of the command line: one `Args` struct per subcommand, and a
//! `ValueEnum` for every flag that takes one of a fixed set of words, mapped onto the
//! library's own types with exhaustive matches. It parses; it does not run anything.
//!
//! The help texts are the command's user interface: `gazette --help` and each
//! `gazette CMD --help` are expected to read exactly as before the split. Enum variants
//! therefore carry `//` comments, not `///`: clap would turn doc comments on variants into
//! per-value help and print the possible values as a list.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};
use gazette::FacetField;
use gazette::Sort;
use gazette::query::Period;

/// Where the index lives unless `--index` or `GAZETTE_INDEX` says otherwise.
const DEFAULT_INDEX_DIR: &str = ".gazette-index";

#[derive(Parser, Debug)]
#[command(name = "gazette", version, about = "Full-text search for policy and news documents")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Create or update an index from files and folders (incremental by default).
    Index(IndexArgs),
    /// Search the index.
    Search(SearchArgs),
    /// Matching documents per day, month or year, and their share of all documents then.
    Timeline(TimelineArgs),
    /// List the values of a facet (country, actor or topic) with counts, hierarchically.
    Facets(FacetsArgs),
    /// Print one indexed document with its facets and the mentions behind them.
    Show(ShowArgs),
    /// Extract countries, actors and topics from files without indexing them.
    Enrich(EnrichArgs),
    /// Show index statistics and the last run's report.
    Stats(StatsArgs),
    /// Print a shell completion script to stdout.
    Completions(CompletionsArgs),
    /// Print the manual page (roff, with every subcommand) to stdout.
    Man,
}

// The `--index` option shared by every command that reads or writes an index.
#[derive(clap::Args, Debug, Clone)]
pub struct IndexDir {
    /// Index directory.
    #[arg(long = "index", short = 'i', env = "GAZETTE_INDEX", value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

impl IndexDir {
    pub fn path(&self) -> PathBuf {
        self.dir.clone().unwrap_or_else(|| PathBuf::from(DEFAULT_INDEX_DIR))
    }

    /// Whether the user left the location to us: only then may a missing index be made
    /// from the bundled sample corpus.
    pub fn is_default(&self) -> bool {
        self.dir.is_none()
    }
}

#[derive(clap::Args, Debug)]
pub struct IndexArgs {
    /// Files and folders to index.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub index: IndexDir,
    /// Rebuild from scratch (also after a schema change).
    #[arg(long)]
    pub full: bool,
    /// List what would be added, updated and removed; change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Follow symbolic links.
    #[arg(long, short = 'L')]
    pub follow: bool,
    /// Loader threads (0: one per core).
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
    /// Writer memory budget in MB.
    #[arg(long, default_value_t = 256)]
    pub memory: usize,
    /// Commit every N documents, so an interrupted run keeps its work (each commit
    /// costs: every 10,000 made a run over 100k documents a fifth slower than every 50,000).
    #[arg(long, default_value_t = 50_000)]
    pub commit_every: usize,
    /// No progress bar and no summary (problems are still named on stderr).
    #[arg(long, short = 'q')]
    pub quiet: bool,
    #[command(flatten)]
    pub output: TextOrJson,
    /// Files larger than this many MiB (other than JSON Lines, which are streamed) are not
    /// read, each named as a failure.
    #[arg(long, default_value_t = 256, value_name = "MIB")]
    pub max_file_mb: u64,
    /// A vocabulary of one's own: a folder shaped like index-schema/ (countries.toml,
    /// actors.toml, topics.toml). A new index is built with it; an existing one must have
    /// been built with it, or be rebuilt with --full.
    #[arg(long, value_name = "DIR")]
    pub vocabulary: Option<PathBuf>,
}

#[derive(clap::Args, Debug)]
pub struct SearchArgs {
    /// The query (Lucene-style: AND OR NOT + - "phrases" field:term ranges). It may begin
    /// with `-` (`gazette search -china`: everything but China).
    #[arg(value_name = "QUERY", allow_hyphen_values = true, required_unless_present = "query_file")]
    pub query: Option<String>,
    /// More words of the query: `gazette search cyber attacks` is `gazette search "cyber
    /// attacks"`.
    #[arg(value_name = "WORDS")]
    pub more: Vec<String>,
    /// Read the query from a file (`-`: standard input), for a query too long or too full of
    /// quotes for a shell.
    #[arg(long, value_name = "FILE", conflicts_with = "query")]
    pub query_file: Option<std::path::PathBuf>,
    #[command(flatten)]
    pub index: IndexDir,
    /// Number of hits.
    #[arg(long, short = 'n', default_value_t = 10)]
    pub limit: usize,
    /// Hits to skip (paging).
    #[arg(long, default_value_t = 0)]
    pub offset: usize,
    /// Match any word instead of all words (the same as --match any).
    #[arg(long, conflicts_with = "matching")]
    pub any: bool,
    /// How the words of a query without operators must match: all, most (documents with all
    /// the words first, then those missing one, ...) or any. Operators (AND, +, -, quotes)
    /// keep their meaning.
    #[arg(long = "match", value_enum, default_value_t = MatchMode::Most, value_name = "MODE")]
    pub matching: MatchMode,
    /// Passages per hit.
    #[arg(long, default_value_t = 2)]
    pub passages: usize,
    /// Print the parsed query and the documents each clause matches on its own.
    #[arg(long)]
    pub explain: bool,
    /// Output: text (for a terminal), json, csv (one row per hit), html (<mark>ed passages).
    #[arg(long, value_enum, default_value_t = SearchFormat::Text)]
    pub format: SearchFormat,
    /// Order: relevance, date (oldest first) or -date (newest first).
    #[arg(long, value_enum, default_value_t = SortOrder::Relevance, allow_hyphen_values = true)]
    pub sort: SortOrder,
    /// Favour recent documents: the boost halves every DAYS days back from the newest.
    #[arg(long, value_name = "DAYS")]
    pub recency: Option<f32>,
    /// Only documents dated in or after this period (2015, 2015-06, 2015-06-30).
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    /// Only documents dated in or before this period (2016 means to the end of 2016).
    #[arg(long, value_name = "DATE")]
    pub to: Option<String>,
    /// Only documents about this country or region (repeatable: any of them).
    #[arg(long, value_name = "NAME")]
    pub country: Vec<String>,
    /// Only documents about this person or organization (repeatable).
    #[arg(long, value_name = "NAME")]
    pub actor: Vec<String>,
    /// Only documents on this topic or subtopic (repeatable).
    #[arg(long, value_name = "NAME")]
    pub topic: Vec<String>,
    /// Top facet values to count per field (0: none).
    #[arg(long, default_value_t = 5, value_name = "N")]
    pub facets: usize,
    /// Print results as JSON (see the README for the schema); the same as --format json.
    #[arg(long)]
    pub json: bool,
    /// Print nothing: the exit status says whether anything matched (0) or not (1).
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Colors: auto (terminal and NO_COLOR unset), always, never.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchMode {
    All,
    Most,
    Any,
}

impl From<MatchMode> for gazette::query::Matching {
    fn from(mode: MatchMode) -> gazette::query::Matching {
        match mode {
            MatchMode::All => gazette::query::Matching::All,
            MatchMode::Most => gazette::query::Matching::Most,
            MatchMode::Any => gazette::query::Matching::Any,
        }
    }
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchFormat {
    Text,
    Json,
    Csv,
    Html,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortOrder {
    Relevance,
    // Oldest first, as a date column sorts ascending.
    Date,
    // Newest first; spelled as a descending sort key (hence `allow_hyphen_values` on `--sort`).
    #[value(name = "-date")]
    DateDescending,
}

impl From<SortOrder> for Sort {
    fn from(order: SortOrder) -> Sort {
        match order {
            SortOrder::Relevance => Sort::Relevance,
            SortOrder::Date => Sort::Oldest,
            SortOrder::DateDescending => Sort::Newest,
        }
    }
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Color {
    // On when stdout is a terminal and NO_COLOR is unset or empty (no-color.org).
    Auto,
    Always,
    Never,
}

#[derive(clap::Args, Debug)]
pub struct TimelineArgs {
    /// The query (as for search).
    #[arg(value_name = "QUERY")]
    pub query: String,
    #[command(flatten)]
    pub index: IndexDir,
    /// Period: day, month or year.
    #[arg(long, value_enum, default_value_t = By::Month)]
    pub by: By,
    /// Output: text (a table), csv or json.
    #[arg(long, value_enum, default_value_t = TimelineFormat::Text)]
    pub format: TimelineFormat,
    /// Print as JSON; the same as --format json.
    #[arg(long)]
    pub json: bool,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum By {
    Day,
    Month,
    Year,
}

impl From<By> for Period {
    fn from(by: By) -> Period {
        match by {
            By::Day => Period::Day,
            By::Month => Period::Month,
            By::Year => Period::Year,
        }
    }
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimelineFormat {
    Text,
    Csv,
    Json,
}

#[derive(clap::Args, Debug)]
pub struct FacetsArgs {
    /// country, actor or topic.
    #[arg(value_enum)]
    pub field: Facet,
    #[command(flatten)]
    pub index: IndexDir,
    /// Count among the documents matching this query.
    #[arg(long, default_value = "*")]
    pub query: String,
    /// Values shown per level.
    #[arg(long, short = 'n', default_value_t = 10)]
    pub limit: usize,
    #[command(flatten)]
    pub output: TextOrJson,
}

// The faceted fields by the names the schema gives them (`FacetField::name`).
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Facet {
    Country,
    Actor,
    Topic,
}

impl From<Facet> for FacetField {
    fn from(facet: Facet) -> FacetField {
        match facet {
            Facet::Country => FacetField::Country,
            Facet::Actor => FacetField::Actor,
            Facet::Topic => FacetField::Topic,
        }
    }
}

#[derive(clap::Args, Debug)]
pub struct ShowArgs {
    /// Document id.
    pub id: String,
    #[command(flatten)]
    pub index: IndexDir,
    #[command(flatten)]
    pub output: TextOrJson,
}

#[derive(clap::Args, Debug)]
pub struct EnrichArgs {
    /// Files and folders.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// JSON: one object per document, one per line.
    #[command(flatten)]
    pub output: TextOrJson,
    /// A vocabulary of one's own: a folder shaped like index-schema/.
    #[arg(long, value_name = "DIR")]
    pub vocabulary: Option<PathBuf>,
}

#[derive(clap::Args, Debug)]
pub struct StatsArgs {
    #[command(flatten)]
    pub index: IndexDir,
    #[command(flatten)]
    pub output: TextOrJson,
}

/// `--format text|json` and its shorthand `--json`, the same for every command that prints
/// text or JSON (search and timeline have more formats, and the same two flags).
#[derive(clap::Args, Debug)]
pub struct TextOrJson {
    /// Output: text or json.
    #[arg(long, value_enum, default_value_t = PlainFormat::Text)]
    pub format: PlainFormat,
    /// Print as JSON; the same as --format json.
    #[arg(long)]
    pub json: bool,
}

impl TextOrJson {
    /// Whether JSON was asked for, by either flag.
    pub fn json(&self) -> bool {
        self.json || self.format == PlainFormat::Json
    }
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlainFormat {
    Text,
    Json,
}

#[derive(clap::Args, Debug)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// clap's own consistency checks (conflicting shorts, bad defaults, ...), which it
    /// otherwise runs only in debug builds when a command line is parsed.
    #[test]
    fn clap_definition_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }

    /// Each library value is reached by exactly the word the old `--sort`, `--by` and
    /// FIELD parsers accepted.
    #[test]
    fn words_map_to_library_values() {
        let cases: &[(&str, Sort)] = &[("relevance", Sort::Relevance), ("date", Sort::Oldest), ("-date", Sort::Newest)];
        for &(word, sort) in cases {
            assert_eq!(Sort::from(SortOrder::from_str(word, false).unwrap()), sort, "{word}");
        }
        let cases: &[(&str, Period)] = &[("day", Period::Day), ("month", Period::Month), ("year", Period::Year)];
        for &(word, period) in cases {
            assert_eq!(Period::from(By::from_str(word, false).unwrap()), period, "{word}");
        }
        for field in FacetField::ALL {
            assert_eq!(FacetField::from(Facet::from_str(field.name(), false).unwrap()), field);
        }
    }
}
