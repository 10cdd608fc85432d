//! The manifest: per source file, what the committed index holds of it.
//!
//! It is written next to the tantivy files as `gazette-manifest-<opstamp>.json` before the
//! commit that it describes, and that commit's payload names it. A crash between the two
//! leaves an orphan file that the payload does not name, so the manifest in force always
//! describes exactly the committed index.

use std::collections::BTreeMap;
use std::io::Write;
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
}

/// Source files (by absolute path) and what the index holds of each.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// Per file.
    pub files: BTreeMap<PathBuf, FileEntry>,
}

const PREFIX: &str = "gazette-manifest-";

impl Manifest {
    pub(crate) fn file_name(opstamp: u64) -> String {
        format!("{PREFIX}{opstamp:020}.json")
    }

    pub(crate) fn read(dir: &Path, name: &str) -> Result<Manifest> {
        let path = dir.join(name);
        let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
        serde_json::from_slice(&bytes).map_err(|e| Error::io(&path, std::io::Error::other(e)))
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

    /// Deletes manifest files other than `keep` (orphans of crashed runs and superseded ones).
    pub(crate) fn remove_others(dir: &Path, keep: &str) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with(PREFIX) && name != keep {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
}
