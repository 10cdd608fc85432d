//! Files and folders to [`Document`]s: walking, format detection, decoding and parsing of
//! plain text, HTML, JSON/JSONL and Markdown.
//!
//! This module knows nothing of tantivy or of the index. A bad file is never an `Err` of the
//! whole batch: [`load_bytes`] returns what it could read plus [`ProblemFile`]s naming the file
//! (and line), and the caller goes on with the next file.

mod dated;
mod html;
mod json;
mod lines;
mod markdown;
mod text;
mod walk;

use std::borrow::Cow;
use std::path::Path;

use serde::Serialize;

pub use crate::date::parse_date;
pub use html::MAX_HTML_TREE_BYTES;
pub use lines::{Line, LineBatches, MAX_RECORD_BYTES};
pub(crate) use walk::modified_ns;
pub use walk::{SourceFile, WalkOptions, walk};

use crate::document::Document;
use crate::error::{Error, FileProblem, ProblemFile};

/// A source format Gazette reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Plain text: title line (optionally repeated), optional dateline, paragraphs.
    Text,
    /// An HTML page.
    Html,
    /// A JSON object, an array of objects, or an object holding an array of objects.
    Json,
    /// One JSON object per line (`.jsonl`, `.ndjson`).
    JsonLines,
    /// Markdown with optional front matter.
    Markdown,
}

impl Format {
    /// The format for a file name's extension: `Ok(Some)` when known, `Ok(None)` when there is
    /// no extension (the content decides, see [`Format::sniff`]), `Err(())` when the extension
    /// is one Gazette does not read.
    ///
    /// ```
    /// use gazette::load::Format;
    /// use std::path::Path;
    /// assert_eq!(Format::from_path(Path::new("a/b.htm")), Ok(Some(Format::Html)));
    /// assert_eq!(Format::from_path(Path::new("notes")), Ok(None));
    /// assert_eq!(Format::from_path(Path::new("scan.pdf")), Err(()));
    /// ```
    #[allow(clippy::result_unit_err)]
    pub fn from_path(path: &Path) -> Result<Option<Format>, ()> {
        let Some(ext) = path.extension() else {
            return Ok(None);
        };
        let ext = ext.to_string_lossy().to_ascii_lowercase();
        Ok(Some(match ext.as_str() {
            "txt" | "text" => Format::Text,
            "html" | "htm" | "xhtml" => Format::Html,
            "json" => Format::Json,
            "jsonl" | "ndjson" => Format::JsonLines,
            "md" | "markdown" => Format::Markdown,
            _ => return Err(()),
        }))
    }

    /// Guesses the format of bytes that came without a telling extension; `None` for binary.
    ///
    /// ```
    /// use gazette::load::Format;
    /// assert_eq!(Format::sniff(b"<!DOCTYPE html><html>"), Some(Format::Html));
    /// assert_eq!(Format::sniff(b"{\"a\":1}\n{\"a\":2}\n"), Some(Format::JsonLines));
    /// assert_eq!(Format::sniff(b"Title\n\nBody"), Some(Format::Text));
    /// assert_eq!(Format::sniff(b"\x89PNG\r\n\x1a\n\0\0"), None);
    /// // UTF-16 has NUL bytes, but its byte-order mark says it is text.
    /// assert_eq!(Format::sniff(b"\xFF\xFE{\0\"\0a\0\"\0:\01\0}\0"), Some(Format::Json));
    /// ```
    pub fn sniff(bytes: &[u8]) -> Option<Format> {
        let head = match decode_utf16(&bytes[..bytes.len().min(2048)]) {
            Some((_, text, _)) => Cow::Owned(text),
            None if looks_binary(bytes) => return None,
            None => String::from_utf8_lossy(&bytes[..bytes.len().min(1024)]),
        };
        let trimmed = head.trim_start_matches('\u{feff}').trim_start();
        let lower = trimmed.to_ascii_lowercase();
        if lower.starts_with("<!doctype html")
            || lower.starts_with("<html")
            || lower.starts_with("<?xml") && lower.contains("<html")
        {
            return Some(Format::Html);
        }
        if trimmed.starts_with('[') {
            return Some(Format::Json);
        }
        if trimmed.starts_with('{') {
            let lines = trimmed.lines().filter(|l| !l.trim().is_empty()).take(3).collect::<Vec<_>>();
            let jsonl =
                lines.len() > 1 && lines.iter().all(|l| l.trim_start().starts_with('{') && l.trim_end().ends_with('}'));
            return Some(if jsonl { Format::JsonLines } else { Format::Json });
        }
        if trimmed.starts_with("---\n") || trimmed.starts_with("---\r\n") || trimmed.starts_with("# ") {
            return Some(Format::Markdown);
        }
        Some(Format::Text)
    }
}

/// What [`load_bytes`] made of one file.
#[derive(Debug, Default)]
pub struct Loaded {
    /// The documents read, in file order.
    pub documents: Vec<Document>,
    /// Problems met; documents that could be read are still in `documents`.
    pub warnings: Vec<ProblemFile>,
}

/// Reads one file's bytes as documents.
///
/// `id_base` is the file's id (its path relative to the indexed root); multi-record files
/// append `#N`. `path` is recorded on the documents and named in warnings. `format` of `None`
/// means: sniff the content (binary content gives no documents and a
/// [`FileProblem::Binary`] warning).
///
/// ```
/// use gazette::load::{Format, load_bytes};
/// use std::path::Path;
/// let text = "China cyber attacks\nChina cyber attacks\n\nWASHINGTON — Officials met.\n";
/// let loaded = load_bytes(text.as_bytes(), Some(Format::Text), "a.txt", Path::new("a.txt"));
/// let doc = &loaded.documents[0];
/// assert_eq!(doc.title, "China cyber attacks");
/// assert_eq!(doc.dateline.as_deref(), Some("WASHINGTON"));
/// assert_eq!(doc.body, "Officials met.");
/// ```
pub fn load_bytes(bytes: &[u8], format: Option<Format>, id_base: &str, path: &Path) -> Loaded {
    let mut loaded = Loaded::default();
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        loaded.warnings.push(ProblemFile::at(path, None, FileProblem::Empty));
        return loaded;
    }
    // NUL bytes mean binary whatever the extension says (a `.txt` that is an image), as git
    // and ripgrep decide; UTF-16 text, which has them, says so with its byte-order mark.
    if format.is_some() && utf16_bom(bytes).is_none() && looks_binary(bytes) {
        loaded.warnings.push(ProblemFile::at(path, None, FileProblem::Binary));
        return loaded;
    }
    let format = match format {
        Some(f) => f,
        None => match Format::sniff(bytes) {
            Some(f) => f,
            None => {
                loaded.warnings.push(ProblemFile::at(path, None, FileProblem::Binary));
                return loaded;
            }
        },
    };
    let ctx = Origin { id_base, path };
    match format {
        Format::Html => html::load(bytes, &ctx, &mut loaded),
        other => {
            let text = decode_text(bytes, path, &mut loaded.warnings);
            match other {
                Format::Text => text::load(&text, &ctx, &mut loaded),
                Format::Markdown => markdown::load(&text, &ctx, &mut loaded),
                Format::Json => json::load_json(&text, &ctx, &mut loaded),
                Format::JsonLines => json::load_lines(&text, &ctx, &mut loaded),
                Format::Html => unreachable!("handled above"),
            }
        }
    }
    // A page of scripts only, or a text of markup only: nothing to index, and the user
    // should hear of it. (JSON records are checked one by one, with their line.)
    let before = loaded.documents.len();
    loaded.documents.retain(|d| !(d.title.trim().is_empty() && d.body.trim().is_empty()));
    if loaded.documents.len() < before {
        loaded.warnings.push(ProblemFile::at(path, None, FileProblem::NoText));
    }
    // Whatever the format made of it (a byte-order mark alone, a JSON Lines file of blank
    // lines), a file gives documents or a problem, never nothing.
    if loaded.documents.is_empty() && loaded.warnings.is_empty() {
        loaded.warnings.push(ProblemFile::at(path, None, FileProblem::NoDocuments(Vec::new())));
    }
    for doc in &mut loaded.documents {
        cap_body(doc, path, None, &mut loaded.warnings);
        if doc.date.is_none() {
            doc.date = dated::date_from_text(doc);
        }
        doc.path = Some(path.to_path_buf());
        doc.update_hash();
    }
    loaded
}

/// Loads one line of a JSON Lines file, for reading big files a batch of lines at a time:
/// the `record`-th non-blank line (1-based, which makes the id `ID_BASE#record`) on line
/// `line_no`. Gives one document, or a warning naming the line.
///
/// ```
/// use std::path::Path;
/// let loaded = gazette::load::load_json_line(br#"{"title": "Talks", "body": "They met."}"#, 3, 2, "news.jsonl", Path::new("news.jsonl"));
/// assert_eq!(loaded.documents[0].id, "news.jsonl#2");
/// let bad = gazette::load::load_json_line(b"{oops", 4, 3, "news.jsonl", Path::new("news.jsonl"));
/// assert_eq!(bad.warnings[0].line, Some(4));
/// ```
pub fn load_json_line(line: &[u8], line_no: usize, record: usize, id_base: &str, path: &Path) -> Loaded {
    let mut loaded = Loaded::default();
    let text = match std::str::from_utf8(line) {
        Ok(s) => std::borrow::Cow::Borrowed(s),
        Err(e) => {
            loaded.warnings.push(ProblemFile::at(
                path,
                Some(line_no),
                FileProblem::InvalidUtf8 { byte: e.valid_up_to() },
            ));
            encoding_rs::WINDOWS_1252.decode(line).0
        }
    };
    // A UTF-8 byte-order mark starts the first line of some exports; read whole, the file
    // loses it in `decode_text`.
    let text = text.trim_start_matches('\u{feff}').trim_end_matches(['\r', '\n']);
    json::load_line(text, line_no, record, &Origin { id_base, path }, &mut loaded);
    for doc in &mut loaded.documents {
        cap_body(doc, path, Some(line_no), &mut loaded.warnings);
        if doc.date.is_none() {
            doc.date = dated::date_from_text(doc);
        }
        doc.path = Some(path.to_path_buf());
        doc.update_hash();
    }
    loaded
}

/// The most text a document's body may have, in bytes: enriching and indexing a body takes
/// about eleven times its size in memory, and no article is this long (a longer one is a
/// dump, a log or hostile input). The rest is cut, with a warning.
pub const MAX_BODY_BYTES: usize = 8 << 20;

/// Cuts a body longer than [`MAX_BODY_BYTES`] at the last paragraph break before the limit
/// (or the last character boundary), with a warning.
fn cap_body(doc: &mut Document, path: &Path, line: Option<usize>, warnings: &mut Vec<ProblemFile>) {
    if doc.body.len() <= MAX_BODY_BYTES {
        return;
    }
    let said = warnings.iter().any(|w| w.line == line && matches!(w.problem, FileProblem::BodyTooLong { .. }));
    let mut cut = MAX_BODY_BYTES;
    while !doc.body.is_char_boundary(cut) {
        cut -= 1;
    }
    if let Some(p) = doc.body[..cut].rfind("\n\n").filter(|&p| p > cut / 2) {
        cut = p;
    }
    doc.body.truncate(cut);
    if !said {
        let limit = MAX_BODY_BYTES as u64;
        warnings.push(ProblemFile::at(path, line, FileProblem::BodyTooLong { limit }));
    }
}

/// Reads a file from disk and loads it; an unreadable file is a warning-free `Err`.
///
/// ```no_run
/// let loaded = gazette::load::load_file(std::path::Path::new("corpus-sample/china-cyber-attacks.txt"), "china-cyber-attacks.txt")?;
/// assert_eq!(loaded.documents[0].title, "China cyber attacks");
/// # Ok::<(), gazette::Error>(())
/// ```
pub fn load_file(path: &Path, id_base: &str) -> Result<Loaded, Error> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let format = Format::from_path(path).ok().flatten();
    Ok(load_bytes(&bytes, format, id_base, path))
}

/// Where the text being parsed comes from: the file, and the base of its documents' ids.
pub(crate) struct Origin<'a> {
    pub id_base: &'a str,
    pub path: &'a Path,
}

impl Origin<'_> {
    fn warn(&self, loaded: &mut Loaded, line: Option<usize>, problem: FileProblem) {
        loaded.warnings.push(ProblemFile::at(self.path, line, problem));
    }

    /// The id of the `n`-th (1-based) record of a multi-record file.
    fn record_id(&self, n: usize) -> String {
        format!("{}#{n}", self.id_base)
    }
}

/// UTF-16 with a byte-order mark (what Windows tools call "Unicode"); UTF-8 (BOM stripped)
/// when valid; else Windows-1252 with an [`FileProblem::InvalidUtf8`] warning: the text is
/// kept, not dropped.
fn decode_text(bytes: &[u8], path: &Path, warnings: &mut Vec<ProblemFile>) -> String {
    let text = if let Some((encoding, text, had_errors)) = decode_utf16(bytes) {
        if had_errors {
            warnings.push(ProblemFile::at(path, None, FileProblem::Malformed { encoding: encoding.name() }));
        }
        Cow::Owned(text)
    } else {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        match std::str::from_utf8(bytes) {
            Ok(s) => Cow::Borrowed(s),
            Err(e) => {
                warnings.push(ProblemFile::at(path, None, FileProblem::InvalidUtf8 { byte: e.valid_up_to() }));
                encoding_rs::WINDOWS_1252.decode(bytes).0
            }
        }
    };
    text.replace("\r\n", "\n")
}

/// Whether a file starts with a UTF-16 byte-order mark. Such a file is read whole, not a line
/// at a time: its lines do not end at a `\n` byte.
pub(crate) fn starts_utf16(path: &Path) -> bool {
    let mut head = [0u8; 2];
    std::fs::File::open(path).and_then(|mut f| std::io::Read::read_exact(&mut f, &mut head)).is_ok()
        && utf16_bom(&head).is_some()
}

/// The UTF-16 encoding whose byte-order mark starts `bytes`, and the mark's length.
fn utf16_bom(bytes: &[u8]) -> Option<(&'static encoding_rs::Encoding, usize)> {
    encoding_rs::Encoding::for_bom(bytes).filter(|(encoding, _)| *encoding != encoding_rs::UTF_8)
}

/// Bytes that start with a UTF-16 byte-order mark, decoded: the encoding, the text, and
/// whether bad code units were replaced by U+FFFD.
fn decode_utf16(bytes: &[u8]) -> Option<(&'static encoding_rs::Encoding, String, bool)> {
    let (encoding, bom_len) = utf16_bom(bytes)?;
    let (text, had_errors) = encoding.decode_without_bom_handling(&bytes[bom_len..]);
    Some((encoding, text.into_owned(), had_errors))
}

/// NUL bytes in the first 8 KiB mean binary, as git and ripgrep decide.
fn looks_binary(bytes: &[u8]) -> bool {
    bytes[..bytes.len().min(8192)].contains(&0)
}

/// Collapses runs of blank lines to one, trims trailing spaces and outer blank lines.
pub(crate) fn tidy_paragraphs(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = 0usize;
    for line in text.lines() {
        let line = line.trim_end();
        if line.trim().is_empty() {
            blank += 1;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank > 0 { "\n\n" } else { "\n" });
        }
        blank = 0;
        out.push_str(line);
    }
    out
}
