//! The one error type of the library.
//!
//! Variants carry structure (which file, which line, which query and where) so that the
//! binary can print a precise one-line message and pick an exit code. Per-file problems met
//! during a batch are not returned as `Err`: they become [`ProblemFile`]s, warnings of a load
//! or entries of the [`crate::ReindexReport`], and the batch goes on.

use std::fmt;
use std::path::PathBuf;

/// Result alias used throughout the library.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in Gazette.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Reading or writing a file or folder failed. The message holds the cause, which is
    /// therefore not also given as `source()` (a reporter would print it twice).
    #[error("{}: {cause}", crate::document::path_text(path))]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The underlying error.
        cause: std::io::Error,
    },
    /// There is no Gazette index in the directory.
    #[error("no index at {}", dir.display())]
    IndexNotFound {
        /// The directory that was expected to hold an index.
        dir: PathBuf,
    },
    /// The index was built by a version of Gazette with another schema.
    #[error(
        "the index at {} has schema version {found}, this Gazette needs version {expected}; rebuild it",
        dir.display()
    )]
    SchemaMismatch {
        /// The index directory.
        dir: PathBuf,
        /// The version found in the index (0 when none is recorded).
        found: u32,
        /// The version this build writes and reads.
        expected: u32,
    },
    /// Another process is writing to the index.
    #[error("the index at {} is locked by another writer (tantivy's .tantivy-writer.lock); wait for it to finish", dir.display())]
    IndexLocked {
        /// The index directory.
        dir: PathBuf,
    },
    /// The query could not be parsed.
    #[error("{}", QuerySyntaxDisplay { query, position: *position, message })]
    QuerySyntax {
        /// The query as given.
        query: String,
        /// 0-based character position of the problem.
        position: usize,
        /// What is wrong and how to fix it.
        message: String,
    },
    /// The query is well-formed but asks for something the index cannot answer.
    #[error("invalid query {query:?}: {reason}")]
    InvalidQuery {
        /// The query as given.
        query: String,
        /// Why it cannot be run.
        reason: String,
    },
    /// A request parameter is out of range or malformed (a date, a facet path, ...).
    #[error("invalid {what} {value:?}: {reason}")]
    InvalidArgument {
        /// What the value is for.
        what: &'static str,
        /// The value given.
        value: String,
        /// What is expected.
        reason: String,
    },
    /// No document has this id.
    #[error("no document with id {id:?} in the index{}", similar.as_ref().map(|s| format!("; did you mean {s:?}?")).unwrap_or_default())]
    DocumentNotFound {
        /// The id asked for.
        id: String,
        /// An id of the index that ends with `/ID` (the id as it was before ids began with
        /// their root's name), if there is one.
        similar: Option<String>,
    },
    /// A data file of `index-schema/` is malformed (a build problem, not a user one).
    #[error("index-schema/{file}: {reason}")]
    SchemaData {
        /// The file name within `index-schema/`.
        file: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// A data file of a vocabulary folder of one's own is malformed.
    #[error("{}: {reason}", path.display())]
    VocabularyData {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// The index was built with another vocabulary than the one given, or the copy of its
    /// vocabulary that it keeps is missing or altered.
    #[error(
        "the index at {} was built with vocabulary {index}, not {given}; its facets come from its own vocabulary, so changing it means rebuilding the index",
        dir.display()
    )]
    VocabularyMismatch {
        /// The index directory (empty for an index in memory).
        dir: PathBuf,
        /// Fingerprint of the vocabulary the index was built with.
        index: String,
        /// Fingerprint of the vocabulary given or found.
        given: String,
    },
    /// A country or topic that the index's vocabulary does not know.
    #[error("invalid {} {value:?}: {reason}", field.name())]
    UnknownFacetValue {
        /// The facet field.
        field: crate::facet::FacetField,
        /// The value given.
        value: String,
        /// Why, with the nearest known value when one is close.
        reason: String,
    },
    /// The disk holding the index is full: a write of the index failed for want of room.
    #[error(
        "the disk holding {} is full ({cause}); free some room and run again",
        dir.display()
    )]
    DiskFull {
        /// The index directory.
        dir: PathBuf,
        /// The system's words for the failed write.
        cause: String,
    },
    /// An error inside tantivy.
    #[error("index error: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
}

impl Error {
    /// True for errors caused by what the user asked or gave (a bad query, a missing index,
    /// a bad file), false for internal failures. The CLI uses it to word its messages.
    ///
    /// ```
    /// let e = gazette::Error::DocumentNotFound { id: "x".into(), similar: None };
    /// assert!(e.is_user_error());
    /// ```
    pub fn is_user_error(&self) -> bool {
        !matches!(self, Error::SchemaData { .. } | Error::Tantivy(_))
    }

    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io { path: path.into(), cause: source }
    }
}

/// A source file (or one line of it) with a problem that did not stop the batch: read with a
/// warning, or not indexed at all (its previous documents, if any, kept).
///
/// ```
/// use gazette::{FileProblem, ProblemFile};
/// let p = ProblemFile { path: "feed.jsonl".into(), line: Some(3), problem: FileProblem::InvalidJson("EOF".into()) };
/// assert_eq!(p.to_string(), "feed.jsonl:3: invalid JSON: EOF");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProblemFile {
    /// The file.
    pub path: PathBuf,
    /// The 1-based line, for line-oriented formats such as JSONL.
    pub line: Option<usize>,
    /// What is wrong.
    pub problem: FileProblem,
}

impl ProblemFile {
    /// A problem at a line of a file, or of the whole file.
    pub(crate) fn at(path: &std::path::Path, line: Option<usize>, problem: FileProblem) -> ProblemFile {
        ProblemFile { path: path.to_path_buf(), line, problem }
    }

    /// A problem of a whole file.
    pub(crate) fn new(path: impl Into<PathBuf>, problem: FileProblem) -> ProblemFile {
        ProblemFile { path: path.into(), line: None, problem }
    }

    /// A file that could not be read because of `error` (the path it names, if any, wins).
    pub(crate) fn unreadable(path: PathBuf, error: Error) -> ProblemFile {
        match error {
            Error::Io { path, cause } => ProblemFile::new(path, FileProblem::Unreadable(cause.to_string())),
            other => ProblemFile::new(path, FileProblem::Unreadable(other.to_string())),
        }
    }
}

impl fmt::Display for ProblemFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", crate::document::path_text(&self.path))?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        write!(f, ": {}", self.problem)
    }
}

/// `path`, `line` and the problem in words, as `problem` and as `reason` (the two names the
/// JSON report has used for warnings and for failures).
impl serde::Serialize for ProblemFile {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let problem = self.problem.to_string();
        let mut st = s.serialize_struct("ProblemFile", 4)?;
        st.serialize_field("path", &crate::document::path_text(&self.path))?;
        st.serialize_field("line", &self.line)?;
        st.serialize_field("problem", &problem)?;
        st.serialize_field("reason", &problem)?;
        st.end()
    }
}

/// What is wrong with a source file.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FileProblem {
    /// The file has no content (or only white space).
    Empty,
    /// The bytes are not valid UTF-8 (they were decoded as Windows-1252 instead).
    InvalidUtf8 {
        /// Offset of the first invalid byte.
        byte: usize,
    },
    /// Text in a declared encoding (a UTF-16 byte-order mark) with invalid sequences, which
    /// were replaced by U+FFFD; the rest was kept.
    Malformed {
        /// The encoding, such as `UTF-16LE`.
        encoding: &'static str,
    },
    /// A date field (JSON, front matter) in no form Gazette reads; the document is indexed
    /// without a date and the value is kept in `extra` under its own key.
    UnknownDate(String),
    /// A JSON value or line could not be parsed.
    InvalidJson(String),
    /// A JSON record, or a whole file (an HTML page of scripts only, ...), has neither a
    /// title nor any text.
    NoText,
    /// The HTML ends before its closing tags; what was there was indexed.
    TruncatedHtml,
    /// The file looks binary.
    Binary,
    /// A record (a line of JSON Lines) is longer than the limit, and was skipped.
    RecordTooLarge {
        /// The limit, in bytes.
        limit: u64,
    },
    /// The file is larger than the limit of a run, and was not read.
    TooLarge {
        /// The limit, in bytes.
        limit: u64,
    },
    /// HTML nested deeper than this many elements: read as plain text, without its structure
    /// (parsing it would take time growing with the square of the depth).
    DeepHtml {
        /// The limit passed.
        depth: usize,
    },
    /// HTML larger than this many bytes: read as plain text, without its structure (its
    /// parsed tree would take about thirteen times its size in memory).
    BigHtml {
        /// The limit passed, in bytes.
        limit: u64,
    },
    /// A document's text is longer than this many bytes: what follows was cut (not indexed).
    BodyTooLong {
        /// The limit, in bytes.
        limit: u64,
    },
    /// The file or folder could not be read (the cause, as the system gave it).
    Unreadable(String),
    /// Its size or modification time changed between the walk and the read: left as it was,
    /// for the next run.
    ChangedWhileRead,
    /// A streamed file changed while it was read: its documents were removed, for the next
    /// run to index it again.
    ChangedWhileStreamed,
    /// The run was interrupted while the file was streamed; the next run indexes it.
    Interrupted,
    /// Nothing of the file could be read as a document, for these reasons (none: it holds no
    /// record at all, such as a JSON `[]`).
    NoDocuments(Vec<FileProblem>),
    /// Gazette failed on the file: a bug (a panic caught at the file, so that the batch goes
    /// on), with its message.
    Bug(String),
    /// A document of this file has the id of a document of `other` (or of another of its own
    /// records), which it replaced: an id is one document.
    DuplicateId {
        /// The id.
        id: String,
        /// The file whose document had it (the same file for a record given twice).
        other: PathBuf,
    },
}

impl fmt::Display for FileProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FileProblem::Empty => f.write_str("empty file"),
            FileProblem::InvalidUtf8 { byte } => {
                write!(f, "invalid UTF-8 at byte {byte} (read as Windows-1252)")
            }
            FileProblem::Malformed { encoding } => {
                write!(f, "invalid {encoding}; the bad sequences were replaced by U+FFFD")
            }
            FileProblem::UnknownDate(value) => {
                write!(f, "date {value:?} not understood; indexed without a date, the value kept in extra")
            }
            FileProblem::InvalidJson(m) => write!(f, "invalid JSON: {m}"),
            FileProblem::NoText => f.write_str("no title and no text"),
            FileProblem::TruncatedHtml => f.write_str("HTML is truncated (no closing </html>); indexed what was there"),
            FileProblem::Binary => f.write_str("binary content"),
            FileProblem::RecordTooLarge { limit } => {
                write!(f, "record longer than {} MiB, the most a record may have; skipped", limit >> 20)
            }
            FileProblem::TooLarge { limit } => {
                write!(f, "larger than {} MiB, the most a file may have; not read", limit >> 20)
            }
            FileProblem::DeepHtml { depth } => {
                write!(f, "HTML nested more than {depth} elements deep; read as plain text, without its layout")
            }
            FileProblem::BigHtml { limit } => {
                write!(f, "HTML larger than {} MiB; read as plain text, without its layout", limit >> 20)
            }
            FileProblem::BodyTooLong { limit } => {
                write!(
                    f,
                    "text longer than {} MiB, the most a document may have; the rest was not indexed",
                    limit >> 20
                )
            }
            FileProblem::Unreadable(cause) => f.write_str(cause),
            FileProblem::ChangedWhileRead => {
                f.write_str("changed while being read; left as it was, the next run will index it")
            }
            FileProblem::ChangedWhileStreamed => {
                f.write_str("changed while being read; its documents were removed and the next run will index it")
            }
            FileProblem::Interrupted => f.write_str("interrupted while being read; the next run will index it"),
            FileProblem::Bug(message) => {
                write!(
                    f,
                    "Gazette failed on it, a bug to report with the file; the rest of the batch went on: {message}"
                )
            }
            FileProblem::NoDocuments(problems) if problems.is_empty() => f.write_str("no documents in it"),
            FileProblem::DuplicateId { id, other } => write!(
                f,
                "document id {id:?} is also the id of a document of {}, which this one replaced; give one of them another id",
                other.display()
            ),
            FileProblem::NoDocuments(problems) => {
                for (i, p) in problems.iter().enumerate() {
                    if i > 0 {
                        f.write_str("; ")?;
                    }
                    p.fmt(f)?;
                }
                Ok(())
            }
        }
    }
}

struct QuerySyntaxDisplay<'a> {
    query: &'a str,
    position: usize,
    message: &'a str,
}

impl fmt::Display for QuerySyntaxDisplay<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // One line: the message, then the query with a marker at the position, so that the
        // whole error survives being written to a log.
        // At most 40 characters either side of the marker, so that a query of thousands of
        // characters does not make a line of thousands.
        const SIDE: usize = 40;
        let chars: Vec<char> = self.query.chars().collect();
        let at = self.position.min(chars.len());
        let from = at.saturating_sub(SIDE);
        let to = (at + SIDE).min(chars.len());
        let before: String = (if from > 0 { "…" } else { "" }).chars().chain(chars[from..at].iter().copied()).collect();
        let after: String =
            chars[at..to].iter().copied().chain((if to < chars.len() { "…" } else { "" }).chars()).collect();
        write!(
            f,
            "query syntax error at character {}: {} (in: {before}\u{2192}{after})",
            self.position + 1,
            self.message
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_error_shows_the_query_around_the_marker_only() {
        let long = format!("{}x{}", "(".repeat(500), ")".repeat(500));
        let cases: &[(&str, usize, &str)] = &[
            ("china AND", 6, "(in: china →AND)"),
            ("", 0, "(in: →)"),
            (&long, 101, &format!("(in: …{}→{}…)", "(".repeat(40), "(".repeat(40))),
            (&long, 1000, &format!("(in: …{}→{})", ")".repeat(40), ")")),
            (&long, 2, &format!("(in: ((→{}…)", "(".repeat(40))),
        ];
        for &(query, position, want) in cases {
            let e = Error::QuerySyntax { query: query.to_string(), position, message: "m".to_string() };
            let line = e.to_string();
            assert!(line.ends_with(want), "{line}");
        }
    }
}
