//! The normalized [`Document`]: what every loader produces and what the index stores.
//!
//! A document knows nothing of file formats, of tantivy, or of its facets: those are an
//! [`crate::enrich::Enrichment`], a value of its own. Its [`Document::id`] is the key under
//! which it is replaced when indexed again.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One news article, press release, briefing, speech or report.
///
/// ```
/// use gazette::Document;
/// let doc = Document::new("brief-1", "Kerry meets Wang Yi", "The two ministers met in Beijing.");
/// assert_eq!(doc.id, "brief-1");
/// assert_eq!(doc.lead(), "The two ministers met in Beijing.");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Document {
    /// Stable id: an explicit id from the source, else the path relative to the indexed root,
    /// plus `#N` for the N-th (1-based) record of a multi-record file.
    pub id: String,
    /// The headline.
    pub title: String,
    /// A leading dateline such as `WASHINGTON —`, without its dash.
    pub dateline: Option<String>,
    /// The text, paragraphs separated by blank lines.
    pub body: String,
    /// Publication date and time (midnight UTC when only a day is known).
    pub date: Option<DateTime<Utc>>,
    /// Publisher or site name.
    pub source: Option<String>,
    /// Canonical URL.
    pub url: Option<String>,
    /// Author or byline.
    pub author: Option<String>,
    /// The file it came from, as found when walking the indexed root.
    pub path: Option<PathBuf>,
    /// Hex xxh3-64 hash of the document's content (title, body and metadata).
    pub content_hash: String,
    /// Source fields that Gazette has no slot for, kept as they were.
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl Document {
    /// A document with an id, a title and a body, and nothing else yet.
    ///
    /// ```
    /// use gazette::Document;
    /// let doc = Document::new("wire-7", "Grain deal", "Ukraine shipped more wheat.");
    /// assert_eq!((doc.id.as_str(), doc.title.as_str()), ("wire-7", "Grain deal"));
    /// assert_eq!((doc.date, doc.source), (None, None));
    /// assert_eq!(doc.content_hash.len(), 16);
    /// ```
    pub fn new(id: impl Into<String>, title: impl Into<String>, body: impl Into<String>) -> Document {
        let mut doc = Document { id: id.into(), title: title.into(), body: body.into(), ..Document::default() };
        doc.update_hash();
        doc
    }

    /// The first paragraph of the body.
    ///
    /// ```
    /// let doc = gazette::Document::new("1", "Talks", "\nThe talks began.\n\nThey ended on Friday.");
    /// assert_eq!(doc.lead(), "The talks began.");
    /// ```
    pub fn lead(&self) -> &str {
        let body = self.body.trim_start();
        match body.find("\n\n") {
            Some(end) => body[..end].trim_end(),
            None => body.trim_end(),
        }
    }

    /// Recomputes [`Document::content_hash`] from the current content.
    ///
    /// ```
    /// let mut doc = gazette::Document::new("1", "Talks", "The talks began.");
    /// let before = doc.content_hash.clone();
    /// doc.source = Some("VOA".to_string());
    /// assert_eq!(doc.content_hash, before); // not recomputed on its own
    /// doc.update_hash();
    /// assert_ne!(doc.content_hash, before);
    /// ```
    pub fn update_hash(&mut self) {
        use xxhash_rust::xxh3::Xxh3;
        let mut h = Xxh3::new();
        for part in [
            self.id.as_str(),
            &self.title,
            self.dateline.as_deref().unwrap_or(""),
            &self.body,
            self.source.as_deref().unwrap_or(""),
            self.url.as_deref().unwrap_or(""),
            self.author.as_deref().unwrap_or(""),
        ] {
            h.update(part.as_bytes());
            h.update(&[0]);
        }
        if let Some(d) = self.date {
            h.update(&d.timestamp().to_le_bytes());
        }
        h.update(serde_json::Value::Object(self.extra.clone()).to_string().as_bytes());
        self.content_hash = format!("{:016x}", h.digest());
    }
}

/// A path as text, losslessly: a UTF-8 path as itself, but for `\` written `\\` on Unix
/// (where it is an ordinary, rare character of names); each byte that is not UTF-8 (a
/// Latin-1 name unpacked from an old archive) as `\xNN`. So two names stay two, whatever
/// their bytes. Ids, the stored `path` and reports spell paths this way.
///
/// ```
/// use std::path::Path;
/// use gazette::document::path_text;
/// assert_eq!(path_text(Path::new("news/café.txt")), "news/café.txt");
/// # #[cfg(unix)] {
/// use std::os::unix::ffi::OsStrExt;
/// let latin1 = std::ffi::OsStr::from_bytes(b"news/caf\xe9.txt");
/// assert_eq!(path_text(Path::new(latin1)), r"news/caf\xE9.txt");
/// // A name that spells the escape itself is not taken for it.
/// assert_eq!(path_text(Path::new(r"news/caf\xE9.txt")), r"news/caf\\xE9.txt");
/// # }
/// ```
pub fn path_text(path: &Path) -> std::borrow::Cow<'_, str> {
    if let Some(text) = path.to_str()
        && (!cfg!(unix) || !text.contains('\\'))
    {
        return text.into();
    }
    let bytes = path_bytes(path);
    let mut out = String::with_capacity(bytes.len() + 8);
    for chunk in bytes.utf8_chunks() {
        out.push_str(&chunk.valid().replace('\\', "\\\\"));
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02X}"));
        }
    }
    out.into()
}

#[cfg(unix)]
fn path_bytes(path: &Path) -> std::borrow::Cow<'_, [u8]> {
    std::os::unix::ffi::OsStrExt::as_bytes(path.as_os_str()).into()
}

#[cfg(not(unix))]
fn path_bytes(path: &Path) -> std::borrow::Cow<'_, [u8]> {
    path.to_string_lossy().into_owned().into_bytes().into()
}
