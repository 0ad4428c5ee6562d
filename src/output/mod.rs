//! Build outputs and writing them to disk safely. A failed build never
//! touches the previous output: a whole write goes through a staging folder
//! that is swapped in ([`staging`]); an update of a folder the last build
//! wrote replaces only changed files, all new files first written beside
//! their targets and renamed in only once every one of them was written
//! ([`in_place`]). Listing an output folder again reads only the folders
//! that changed since the last listing ([`listing`]), and looks files up
//! relative to their folder ([`stat_at`]).

mod in_place;
pub mod listing;
mod spool;
mod staging;
mod stat_at;

pub use in_place::{DiskState, Update, scan, update};
pub use spool::Spool;
pub use staging::{process_runs, write};

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::error::Diagnostic;
use crate::packed::PackedBytes;

#[derive(Debug, Clone)]
pub enum OutputData {
    /// Shared, so an incremental rebuild can keep unchanged outputs without copying.
    Bytes(Arc<[u8]>),
    /// Rendered and held packed in memory: what an in-memory ledger keeps
    /// (`ssg serve`, `ssg check`), so holding the site costs an eighth of
    /// its size.
    Packed(PackedBytes),
    /// A file copied verbatim (static files, bundle assets).
    Copy(PathBuf),
    /// Already in the output folder at this path with the right bytes (a
    /// rebuild found it unchanged), so it is neither rendered nor written.
    Kept(PathBuf),
    /// Rendered and already written to the build's spool ([`Spool`]), with
    /// the hash of its bytes ([`crate::hash::content`]); writing it moves
    /// the file.
    Spooled { file: PathBuf, content: u64 },
}

impl OutputData {
    /// The file holding the bytes, for data that is not in memory.
    pub fn file(&self) -> Option<&Path> {
        match self {
            OutputData::Bytes(_) | OutputData::Packed(_) => None,
            OutputData::Copy(p) | OutputData::Kept(p) => Some(p),
            OutputData::Spooled { file, .. } => Some(file),
        }
    }
}

/// One file of the built site.
#[derive(Debug, Clone)]
pub struct Output {
    /// Relative path with `/` separators, e.g. `blog/hello/index.html`.
    pub path: String,
    pub data: OutputData,
    /// What produced it, for conflict messages (a source file or a description).
    pub origin: String,
    /// The input signature of a rendered output (see [`crate::ledger`]).
    pub signature: Option<u64>,
}

impl Output {
    pub fn bytes(path: String, bytes: Vec<u8>, origin: impl Into<String>) -> Output {
        Output {
            path,
            data: OutputData::Bytes(Arc::from(bytes)),
            origin: origin.into(),
            signature: None,
        }
    }

    pub fn copy(path: String, from: PathBuf, origin: impl Into<String>) -> Output {
        Output {
            path,
            data: OutputData::Copy(from),
            origin: origin.into(),
            signature: None,
        }
    }

    /// The bytes of this output, reading copied files from disk.
    pub fn read(&self) -> io::Result<Vec<u8>> {
        match &self.data {
            OutputData::Bytes(b) => Ok(b.to_vec()),
            OutputData::Packed(p) => Ok(p.bytes()),
            OutputData::Copy(p) | OutputData::Kept(p) => fs::read(p),
            OutputData::Spooled { file, .. } => fs::read(file),
        }
    }

    /// Writes this output's bytes to `dest`; a spooled output is moved
    /// there (so it can be written once).
    pub fn write_to(&self, dest: &Path) -> io::Result<()> {
        match &self.data {
            OutputData::Bytes(b) => fs::write(dest, &b[..]),
            OutputData::Packed(p) => fs::write(dest, p.bytes()),
            OutputData::Copy(from) | OutputData::Kept(from) => fs::copy(from, dest).map(|_| ()),
            OutputData::Spooled { file, .. } if file == dest => Ok(()),
            OutputData::Spooled { file, .. } => fs::rename(file, dest),
        }
    }
}

/// Sorts outputs by path and rejects two sources writing the same file.
pub fn check_conflicts(outputs: &mut [Output]) -> Result<(), Vec<Diagnostic>> {
    outputs.sort_by(|a, b| a.path.cmp(&b.path));
    let mut errors = Vec::new();
    for pair in outputs.windows(2) {
        if pair[0].path == pair[1].path {
            errors.push(Diagnostic::new(
                &pair[1].origin,
                None,
                format!(
                    "both {} and {} produce /{}; rename one of them or give it a different `slug`",
                    pair[0].origin, pair[1].origin, pair[0].path
                ),
            ));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// Rejects output paths that would escape the output folder.
pub(crate) fn safe_relative(path: &str) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => return None,
            p if p.contains('\\') || p.contains(':') => return None,
            p => out.push(p),
        }
    }
    (!out.as_os_str().is_empty()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_escaping_paths() {
        assert!(safe_relative("../x").is_none());
        assert!(safe_relative("a/../../x").is_none());
        assert_eq!(safe_relative("a/b.html"), Some(PathBuf::from("a/b.html")));
    }

    #[test]
    fn conflicts_name_both_sources() {
        let mut outs = vec![
            Output::bytes("a/index.html".into(), vec![], "content/a.md"),
            Output::bytes("a/index.html".into(), vec![], "content/a/index.md"),
        ];
        let errs = check_conflicts(&mut outs).unwrap_err();
        assert!(errs[0].message.contains("content/a.md"));
        assert!(errs[0].message.contains("content/a/index.md"));
    }
}
