//! The manifest: per source file, what the committed index holds of it.
//!
//! On disk it is a snapshot, `gazette-manifest-<opstamp>.json`, and an append-only log of
//! changes since that snapshot, `gazette-manifest-<opstamp>.log` (one JSON record per line),
//! both next to the tantivy files. Each commit appends the files it changed to the log and
//! fsyncs it before the tantivy commit, whose payload names the snapshot, the log and the
//! log's length at that commit: bytes past that length (written by a run that crashed before
//! committing) are ignored and cut off by the next writer. So a commit writes what changed,
//! not the whole manifest, and after any crash the manifest in force describes exactly the
//! committed index. When the log outgrows the snapshot, the next commit writes a fresh
//! snapshot and starts a new log.

use std::collections::BTreeMap;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// What the index holds of one source file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    /// Size in bytes when indexed.
    pub size: u64,
    /// Modification time in nanoseconds since the Unix epoch when indexed.
    pub modified_ns: u64,
    /// xxh3-64 of the file's bytes, hex.
    pub hash: String,
    /// Ids of the documents it produced.
    pub ids: Vec<String>,
    /// How those ids were made: [`IDS_VERSION`] for a file read by this Gazette, 0 for one
    /// read before ids began with their root's name (its next run reads it again).
    #[serde(default)]
    pub ids_version: u32,
}

/// The current way of making ids from paths: relative to the folder holding the indexed
/// root, so that they begin with the root's name (version 0: relative to the root itself).
pub const IDS_VERSION: u32 = 1;

/// Source files (by absolute path) and what the index holds of each.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// Per file.
    #[serde(with = "path_keys")]
    pub files: BTreeMap<PathBuf, FileEntry>,
}

/// Paths as JSON strings, losslessly: a path that is UTF-8 as itself (as manifests have
/// always held them), any other (a Latin-1 name from an old archive) as a NUL, which no path
/// contains, and the hex of its bytes.
mod path_json {
    use std::path::{Path, PathBuf};

    pub(super) fn encode(path: &Path) -> String {
        if let Some(text) = path.to_str() {
            return text.to_string();
        }
        let mut out = String::from("\0");
        for b in bytes(path) {
            out.push_str(&format!("{b:02x}"));
        }
        out
    }

    pub(super) fn decode(text: &str) -> Option<PathBuf> {
        let Some(hex) = text.strip_prefix('\0') else { return Some(PathBuf::from(text)) };
        let bytes: Option<Vec<u8>> =
            (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok()).collect();
        Some(from_bytes(bytes?))
    }

    #[cfg(unix)]
    fn bytes(path: &Path) -> Vec<u8> {
        std::os::unix::ffi::OsStrExt::as_bytes(path.as_os_str()).to_vec()
    }

    #[cfg(not(unix))]
    fn bytes(path: &Path) -> Vec<u8> {
        path.to_string_lossy().into_owned().into_bytes()
    }

    #[cfg(unix)]
    fn from_bytes(bytes: Vec<u8>) -> PathBuf {
        PathBuf::from(<std::ffi::OsString as std::os::unix::ffi::OsStringExt>::from_vec(bytes))
    }

    #[cfg(not(unix))]
    fn from_bytes(bytes: Vec<u8>) -> PathBuf {
        PathBuf::from(String::from_utf8_lossy(&bytes).into_owned())
    }
}

/// A map keyed by path, through [`path_json`].
mod path_keys {
    use std::collections::BTreeMap;
    use std::path::PathBuf;

    use serde::de::Error as _;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub(super) fn serialize<S: Serializer, V: Serialize>(map: &BTreeMap<PathBuf, V>, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(map.iter().map(|(k, v)| (super::path_json::encode(k), v)))
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>, V: Deserialize<'de>>(
        d: D,
    ) -> Result<BTreeMap<PathBuf, V>, D::Error> {
        let raw: BTreeMap<String, V> = BTreeMap::deserialize(d)?;
        raw.into_iter()
            .map(|(k, v)| {
                super::path_json::decode(&k).map(|p| (p, v)).ok_or_else(|| D::Error::custom(format!("bad path {k:?}")))
            })
            .collect()
    }
}

/// One path, through [`path_json`].
mod path_string {
    use std::path::{Path, PathBuf};

    use serde::de::Error as _;
    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(path: &Path, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&super::path_json::encode(path))
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<PathBuf, D::Error> {
        let text = String::deserialize(d)?;
        super::path_json::decode(&text).ok_or_else(|| D::Error::custom(format!("bad path {text:?}")))
    }
}

const PREFIX: &str = "gazette-manifest-";

/// Where the manifest of a commit is: recorded in the commit's payload.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Stored {
    /// The snapshot file.
    pub snapshot: String,
    /// The log file of changes since the snapshot.
    pub log: String,
    /// Bytes of the log that belong to this commit.
    pub log_len: u64,
}

/// A change to one file's entry since the last commit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Change {
    /// The file's entry is now this.
    Set(FileEntry),
    /// The file left the index.
    Remove,
    /// More documents of a file being indexed in parts (its entry has an empty hash).
    Extend {
        /// Size and time of the file.
        size: u64,
        /// Modification time.
        modified_ns: u64,
        /// Ids of the documents added.
        ids: Vec<String>,
    },
}

impl Change {
    /// This change followed by `next`, as one.
    pub(crate) fn then(self, next: Change) -> Change {
        match (self, next) {
            (Change::Set(mut e), Change::Extend { ids, .. }) => {
                e.ids.extend(ids);
                Change::Set(e)
            }
            (Change::Extend { ids: mut a, .. }, Change::Extend { size, modified_ns, ids }) => {
                a.extend(ids);
                Change::Extend { size, modified_ns, ids: a }
            }
            // A file forgotten then indexed again in parts: a new partial entry, not an
            // extension of the entry the log's reader still has.
            (Change::Remove, Change::Extend { size, modified_ns, ids }) => {
                Change::Set(FileEntry { size, modified_ns, hash: String::new(), ids, ids_version: IDS_VERSION })
            }
            (_, next) => next,
        }
    }

    /// Applies the change to a manifest.
    pub(crate) fn apply(self, files: &mut BTreeMap<PathBuf, FileEntry>, path: PathBuf) {
        match self {
            Change::Set(e) => {
                files.insert(path, e);
            }
            Change::Remove => {
                files.remove(&path);
            }
            Change::Extend { size, modified_ns, ids } => {
                let e = files.entry(path).or_insert_with(|| FileEntry {
                    size,
                    modified_ns,
                    hash: String::new(),
                    ids: Vec::new(),
                    ids_version: IDS_VERSION,
                });
                e.ids.extend(ids);
            }
        }
    }
}

/// One line of the log.
#[derive(Debug, Serialize, Deserialize)]
struct LogRecord {
    #[serde(with = "path_string")]
    path: PathBuf,
    change: Change,
}

impl Manifest {
    /// Reads the manifest of a commit: the snapshot, then the log up to its committed length.
    pub(crate) fn read(dir: &Path, stored: &Stored) -> Result<Manifest> {
        let path = dir.join(&stored.snapshot);
        let bad = |path: &Path, e: serde_json::Error| Error::io(path, std::io::Error::other(e));
        let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
        let mut manifest: Manifest = serde_json::from_slice(&bytes).map_err(|e| bad(&path, e))?;
        if stored.log_len > 0 {
            let path = dir.join(&stored.log);
            let mut log = Vec::new();
            let file = std::fs::File::open(&path).map_err(|e| Error::io(&path, e))?;
            std::io::Read::take(file, stored.log_len).read_to_end(&mut log).map_err(|e| Error::io(&path, e))?;
            for line in log.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
                let record: LogRecord = serde_json::from_slice(line).map_err(|e| bad(&path, e))?;
                record.change.apply(&mut manifest.files, record.path);
            }
        }
        Ok(manifest)
    }

    /// Writes a snapshot for the commit of `opstamp`, with an empty log.
    pub(crate) fn write_snapshot(&self, dir: &Path, opstamp: u64) -> Result<Stored> {
        let stored = Stored {
            snapshot: format!("{PREFIX}{opstamp:020}.json"),
            log: format!("{PREFIX}{opstamp:020}.log"),
            log_len: 0,
        };
        self.write(dir, &stored.snapshot)?;
        Ok(stored)
    }

    /// Appends changes to the log of `stored`, after cutting off any bytes past its committed
    /// length, and fsyncs. Returns where the manifest of the new commit is.
    pub(crate) fn append_log(dir: &Path, stored: &Stored, changes: &BTreeMap<PathBuf, Change>) -> Result<Stored> {
        let path = dir.join(&stored.log);
        let io = |e| Error::io(&path, e);
        let mut file = std::fs::OpenOptions::new().create(true).write(true).truncate(false).open(&path).map_err(io)?;
        file.set_len(stored.log_len).map_err(io)?;
        file.seek(SeekFrom::End(0)).map_err(io)?;
        let mut w = std::io::BufWriter::new(&mut file);
        for (path, change) in changes {
            let record = LogRecord { path: path.clone(), change: change.clone() };
            serde_json::to_writer(&mut w, &record).map_err(|e| io(std::io::Error::other(e)))?;
            w.write_all(b"\n").map_err(io)?;
        }
        w.flush().map_err(io)?;
        drop(w);
        file.sync_all().map_err(io)?;
        let log_len = file.metadata().map_err(io)?.len();
        Ok(Stored { log_len, ..stored.clone() })
    }

    /// Writes durably: temporary file, fsync, rename, fsync of the folder.
    pub(crate) fn write(&self, dir: &Path, name: &str) -> Result<()> {
        let path = dir.join(name);
        let tmp = dir.join(format!("{name}.tmp"));
        let io = |e| Error::io(&path, e);
        let mut file = std::fs::File::create(&tmp).map_err(io)?;
        let mut w = std::io::BufWriter::new(&mut file);
        serde_json::to_writer(&mut w, self).map_err(|e| io(std::io::Error::other(e)))?;
        w.flush().map_err(io)?;
        drop(w);
        file.sync_all().map_err(io)?;
        std::fs::rename(&tmp, &path).map_err(io)?;
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    }

    /// Deletes manifest files other than those of `keep` (orphans of crashed runs and
    /// superseded ones).
    pub(crate) fn remove_others(dir: &Path, keep: &Stored) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with(PREFIX) && name != keep.snapshot && name != keep.log {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(hash: &str, ids: &[&str]) -> FileEntry {
        FileEntry {
            size: 1,
            modified_ns: 2,
            hash: hash.into(),
            ids: ids.iter().map(|s| s.to_string()).collect(),
            ids_version: IDS_VERSION,
        }
    }

    fn extend(ids: &[&str]) -> Change {
        Change::Extend { size: 1, modified_ns: 2, ids: ids.iter().map(|s| s.to_string()).collect() }
    }

    #[test]
    fn changes_merge_and_apply() {
        let mut files = BTreeMap::new();
        let p = PathBuf::from("/f");
        extend(&["a"]).then(extend(&["b"])).apply(&mut files, p.clone());
        assert_eq!(files[&p], entry("", &["a", "b"]));
        extend(&["c"]).apply(&mut files, p.clone());
        assert_eq!(files[&p].ids, ["a", "b", "c"]);
        Change::Set(entry("h", &["x"])).then(extend(&["y"])).apply(&mut files, p.clone());
        assert_eq!(files[&p], entry("h", &["x", "y"]));
        Change::Set(entry("h", &["x"])).then(Change::Remove).apply(&mut files, p.clone());
        assert!(files.is_empty());
        // Forgotten and streamed again: the new ids replace the old entry, they do not join it.
        files.insert(p.clone(), entry("h", &["old"]));
        Change::Remove.then(extend(&["new"])).apply(&mut files, p.clone());
        assert_eq!(files[&p], entry("", &["new"]));
    }

    /// Fuzzing that stays (issue "hardening"): the manifest round-trips any path the file
    /// system allows (any bytes but NUL, on Unix), and the readable spelling of paths keeps
    /// two paths two. `GAZETTE_FUZZ_CASES` runs more cases.
    #[cfg(unix)]
    #[test]
    fn any_path_bytes_round_trip_and_stay_distinct() {
        use std::os::unix::ffi::OsStringExt;
        let cases: usize = std::env::var("GAZETTE_FUZZ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(2000);
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let pieces: [&[u8]; 11] =
            [b"/", b"a", b"\\", b"\\xE9", b"\\x41", b"\xe9", b"\xff\xfe", "é".as_bytes(), b"\n", b" ", b"%"];
        let mut spelled = std::collections::HashMap::new();
        let mut manifest = Manifest::default();
        for _ in 0..cases {
            let mut bytes = b"/news/".to_vec();
            for _ in 0..(next() % 8) {
                match next() % 3 {
                    0 => bytes.push((next() % 255 + 1) as u8),
                    _ => bytes.extend_from_slice(pieces[(next() % pieces.len() as u64) as usize]),
                }
            }
            let path = PathBuf::from(std::ffi::OsString::from_vec(bytes));
            let text = crate::document::path_text(&path).into_owned();
            if let Some(other) = spelled.insert(text.clone(), path.clone()) {
                assert_eq!(other, path, "two paths spelled {text:?}");
            }
            manifest.files.insert(path, entry("h", &[&text]));
        }
        let json = serde_json::to_string(&manifest).unwrap();
        let back: Manifest = serde_json::from_str(&json).unwrap();
        assert_eq!(back, manifest);
    }
}
