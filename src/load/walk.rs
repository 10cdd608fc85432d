//! Walking indexed roots: which files are candidates, and their ids.

use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use super::Format;
use crate::document::path_text;
use crate::error::Error;

/// Name of the optional file, at the top of an indexed root, listing files to leave out.
///
/// One pattern per line; `#` starts a comment. A pattern without `/` matches file names
/// anywhere (`README.md`, `*.draft.md`); one with `/` matches the path relative to the root
/// (`archive/*`). `*` matches any run of characters, `/` included.
pub const IGNORE_FILE: &str = ".gazetteignore";

/// How to walk.
#[derive(Debug, Clone, Default)]
pub struct WalkOptions {
    /// Follow symbolic links (off by default, so that a link cannot loop or leave the root).
    pub follow_symlinks: bool,
    /// Paths never to enter (the index directory itself, when it lies inside a root).
    pub exclude: Vec<PathBuf>,
}

/// A file found under an indexed root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// The file, as reached from the root (absolute when the root was made absolute).
    pub path: PathBuf,
    /// The base of its documents' ids: its path relative to the folder holding the root, with
    /// `/` separators, so that it starts with the root's own name (`voa/2016/report.txt`
    /// for the root `voa`; `report.txt` for a root that is the file itself), and files of two
    /// roots cannot share an id unless the roots have the same name. See [`path_text`](crate::document::path_text) for
    /// names that are not UTF-8.
    pub id_base: String,
    /// Size in bytes.
    pub size: u64,
    /// Modification time in nanoseconds since the Unix epoch (0 when unknown).
    pub modified_ns: u64,
    /// Format from the extension; `None` when the content must decide.
    pub format: Option<Format>,
}

/// The result of walking one root.
#[derive(Debug, Default)]
pub struct Walked {
    /// Candidate files, sorted by path.
    pub files: Vec<SourceFile>,
    /// Files left out because their extension is not a format Gazette reads.
    pub unsupported: Vec<PathBuf>,
    /// Files left out by the root's [`IGNORE_FILE`].
    pub ignored: Vec<PathBuf>,
    /// Entries that are not regular files (pipes, sockets, devices), left out.
    pub special: Vec<PathBuf>,
    /// Symbolic links left out, because they are not followed.
    pub links: Vec<PathBuf>,
    /// Folders or files that could not be read.
    pub errors: Vec<Error>,
}

/// Walks `root` (a folder, recursively, or a single file), skipping hidden entries such as
/// `.git` and not following symbolic links unless asked.
///
/// ```
/// let dir = tempfile::tempdir()?;
/// std::fs::create_dir(dir.path().join(".git"))?;
/// std::fs::write(dir.path().join(".git/HEAD"), "ref")?;
/// std::fs::write(dir.path().join("a.txt"), "Title\n\nBody")?;
/// std::fs::write(dir.path().join("scan.pdf"), "%PDF")?;
/// let walked = gazette::load::walk(dir.path(), &Default::default());
/// assert_eq!(walked.files.len(), 1);
/// let root = dir.path().file_name().unwrap().to_str().unwrap();
/// assert_eq!(walked.files[0].id_base, format!("{root}/a.txt"));
/// assert_eq!(walked.unsupported.len(), 1);
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn walk(root: &Path, opts: &WalkOptions) -> Walked {
    let mut walked = Walked::default();
    let meta = match std::fs::metadata(root) {
        Ok(m) => m,
        Err(e) => {
            walked.errors.push(Error::io(root, e));
            return walked;
        }
    };
    // A root named `.` or `..` takes the name of the folder it stands for.
    let root_name = match root.file_name() {
        Some(name) => Some(name.to_os_string()),
        None => root.canonicalize().ok().and_then(|r| r.file_name().map(|n| n.to_os_string())),
    };
    let root_name = root_name.map(|n| path_text(Path::new(&n)).into_owned());
    if meta.is_file() {
        push_file(&mut walked, root.to_path_buf(), root_name.unwrap_or_default(), &meta);
        return walked;
    }
    let ignore = IgnoreList::read(&root.join(IGNORE_FILE));
    let it = walkdir::WalkDir::new(root)
        .follow_links(opts.follow_symlinks)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            e.depth() == 0
                || (!e.file_name().to_string_lossy().starts_with('.') && !opts.exclude.iter().any(|x| x == e.path()))
        });
    for entry in it {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e.path().unwrap_or(root).to_path_buf();
                let io = e.into_io_error().unwrap_or_else(|| std::io::Error::other("symbolic link loop"));
                walked.errors.push(Error::io(path, io));
                continue;
            }
        };
        let kind = entry.file_type();
        if kind.is_dir() || (opts.follow_symlinks && kind.is_symlink() && entry.path().is_dir()) {
            continue;
        }
        if !(kind.is_file() || opts.follow_symlinks && entry.path().is_file()) {
            if kind.is_symlink() && !opts.follow_symlinks {
                walked.links.push(entry.path().to_path_buf());
            } else {
                walked.special.push(entry.path().to_path_buf());
            }
            continue;
        }
        let rel = entry.path().strip_prefix(root).unwrap_or(entry.path());
        let rel = rel.components().map(|c| path_text(Path::new(c.as_os_str()))).collect::<Vec<_>>().join("/");
        if ignore.matches(&rel) {
            walked.ignored.push(entry.path().to_path_buf());
            continue;
        }
        let id_base = match &root_name {
            Some(name) => format!("{name}/{rel}"),
            None => rel,
        };
        match entry.metadata() {
            Ok(meta) => push_file(&mut walked, entry.path().to_path_buf(), id_base, &meta),
            Err(e) => {
                let io = e.into_io_error().unwrap_or_else(|| std::io::Error::other("unreadable"));
                walked.errors.push(Error::io(entry.path(), io));
            }
        }
    }
    walked
}

fn push_file(walked: &mut Walked, path: PathBuf, id_base: String, meta: &std::fs::Metadata) {
    let format = match Format::from_path(&path) {
        Ok(f) => f,
        Err(()) => {
            walked.unsupported.push(path);
            return;
        }
    };
    let modified_ns = modified_ns(meta);
    walked.files.push(SourceFile { path, id_base, size: meta.len(), modified_ns, format });
}

/// Modification time in nanoseconds since the Unix epoch (0 when unknown).
pub(crate) fn modified_ns(meta: &std::fs::Metadata) -> u64 {
    meta.modified().ok().and_then(|t| t.duration_since(UNIX_EPOCH).ok()).map(|d| d.as_nanos() as u64).unwrap_or(0)
}

/// The patterns of a root's [`IGNORE_FILE`].
#[derive(Debug, Default)]
struct IgnoreList {
    patterns: Vec<String>,
}

impl IgnoreList {
    fn read(path: &Path) -> IgnoreList {
        let Ok(text) = std::fs::read_to_string(path) else {
            return IgnoreList::default();
        };
        let patterns = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(|l| l.trim_start_matches('/').to_string())
            .collect();
        IgnoreList { patterns }
    }

    fn matches(&self, rel: &str) -> bool {
        let name = rel.rsplit('/').next().unwrap_or(rel);
        self.patterns.iter().any(|p| if p.contains('/') { glob(p, rel) } else { glob(p, name) })
    }
}

/// `*` matches any run of characters; everything else matches itself.
fn glob(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !text.starts_with(first) || !text[first.len()..].ends_with(last) || text.len() < first.len() + last.len() {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for part in &parts[1..parts.len() - 1] {
        match rest.find(part) {
            Some(i) => rest = &rest[i + part.len()..],
            None => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob_patterns() {
        let cases = [
            ("README.md", "README.md", true),
            ("README.md", "readme.md", false),
            ("*.md", "notes.md", true),
            ("*.draft.md", "a.md", false),
            ("archive/*", "archive/2016/a.txt", true),
            ("a*b*c", "aXbYc", true),
            ("a*b*c", "aXcYb", false),
            ("ab*ba", "aba", false),
        ];
        for (p, t, want) in cases {
            assert_eq!(glob(p, t), want, "{p} ~ {t}");
        }
    }

    #[test]
    fn ignore_file_and_hidden_entries() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join(IGNORE_FILE), "# docs about the folder\nREADME.md\narchive/*\n").unwrap();
        std::fs::create_dir_all(root.join("archive")).unwrap();
        std::fs::create_dir_all(root.join("news/.cache")).unwrap();
        for f in ["README.md", "archive/old.txt", "news/a.txt", "news/.cache/b.txt", "news/c.md", "news/d"] {
            std::fs::write(root.join(f), "x").unwrap();
        }
        let walked = walk(root, &WalkOptions::default());
        let name = root.file_name().unwrap().to_str().unwrap();
        let ids: Vec<_> = walked.files.iter().map(|f| f.id_base.strip_prefix(name).unwrap()).collect();
        assert_eq!(ids, ["/news/a.txt", "/news/c.md", "/news/d"]);
        assert_eq!(walked.ignored.len(), 2);
        assert_eq!(walked.files[2].format, None);
    }

    #[test]
    fn missing_root_is_an_error_not_a_panic() {
        let walked = walk(Path::new("/no/such/folder"), &WalkOptions::default());
        assert!(walked.files.is_empty());
        assert_eq!(walked.errors.len(), 1);
        assert!(walked.errors[0].to_string().contains("/no/such/folder"));
    }
}
