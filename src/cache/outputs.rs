//! What the last build left in an output folder: each file's input
//! signature and its size, modification time and inode right after it was
//! written. A file still showing those is taken to hold those bytes, so a
//! rebuild neither renders nor writes it again if its signature is the
//! same; a file touched since (or gone) is written again.

use std::fs;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::Path;
use std::time::UNIX_EPOCH;

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use super::{Cache, executable_fingerprint, write_atomic};

/// Bumped when the layout of what is stored changes.
const FORMAT: u32 = 1;

/// What identifies one state of a file on disk.
#[derive(Serialize, Deserialize, Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct FileStat {
    pub len: u64,
    /// Nanoseconds since the epoch.
    pub modified: u128,
    /// Zero where the platform has no inode numbers.
    pub inode: u64,
}

impl FileStat {
    pub fn of(meta: &fs::Metadata) -> FileStat {
        #[cfg(unix)]
        let inode = std::os::unix::fs::MetadataExt::ino(meta);
        #[cfg(not(unix))]
        let inode = 0;
        FileStat {
            len: meta.len(),
            modified: meta
                .modified()
                .ok()
                .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos()),
            inode,
        }
    }
}

/// Output path → (input signature, file state after writing).
pub type Files = FxHashMap<String, (u64, FileStat)>;

#[derive(Serialize, Deserialize)]
struct Record {
    format: u32,
    executable: u64,
    /// Hash of the site-wide inputs (config, templates, options).
    site: u64,
    files: Vec<(String, u64, FileStat)>,
}

fn file_name(out_dir: &Path) -> String {
    let absolute = fs::canonicalize(out_dir).unwrap_or_else(|_| out_dir.to_path_buf());
    let mut h = DefaultHasher::new();
    absolute.hash(&mut h);
    format!("outputs-{:016x}", h.finish())
}

/// The record for `out_dir`, if the last build there had the same
/// site-wide inputs and was made by this executable.
pub fn load(cache: &Cache, out_dir: &Path, site: u64) -> Option<Files> {
    let bytes = fs::read(cache.path(&file_name(out_dir))).ok()?;
    let record: Record = postcard::from_bytes(&bytes).ok()?;
    (record.format == FORMAT
        && record.executable == executable_fingerprint()
        && record.site == site)
        .then(|| {
            record
                .files
                .into_iter()
                .map(|(path, sig, stat)| (path, (sig, stat)))
                .collect()
        })
}

/// Replaces the record for `out_dir`.
pub fn save(cache: &Cache, out_dir: &Path, site: u64, files: Vec<(String, u64, FileStat)>) {
    let record = Record {
        format: FORMAT,
        executable: executable_fingerprint(),
        site,
        files,
    };
    let result = postcard::to_allocvec(&record)
        .map_err(std::io::Error::other)
        .and_then(|bytes| write_atomic(&cache.path(&file_name(out_dir)), &bytes));
    if let Err(e) = result {
        crate::log::verbose(&format!("could not save the output record: {e}"));
    }
}
