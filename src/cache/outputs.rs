//! What the last build left in an output folder: each file's input
//! signature, a hash of its bytes, and its size, modification time and
//! inode right after it was written. A file still showing those is taken
//! to hold those bytes, so a rebuild neither renders nor writes it again
//! if its signature is the same, and does not write it if the new bytes
//! hash the same (a template edit that changes few pages rewrites few
//! files); a file touched since (or gone) is written again.

use std::fs;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::Path;
use std::time::UNIX_EPOCH;

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use super::{Cache, executable_fingerprint, write_atomic};

/// Bumped when the layout of what is stored changes.
const FORMAT: u32 = 2;

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

/// One file as the last build left it.
#[derive(Serialize, Deserialize, Clone, Copy, Debug)]
pub struct Entry {
    /// What the file was made from; meaningful only while the site-wide
    /// inputs are the same.
    pub signature: u64,
    /// xxh3 of the bytes (of a copied file: its source's identity); 0
    /// when not known.
    pub content: u64,
    pub stat: FileStat,
}

/// The record of an output folder.
#[derive(Default)]
pub struct Files {
    pub entries: FxHashMap<String, Entry>,
    /// Whether the site-wide inputs are those of the last build, so that
    /// signatures can be compared.
    pub same_site: bool,
}

/// Hash of an output's bytes, never 0 (which stands for "not known").
pub fn content_hash(bytes: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(bytes).max(1)
}

#[derive(Serialize, Deserialize)]
struct Record {
    format: u32,
    executable: u64,
    /// Hash of the site-wide inputs (config, templates, options).
    site: u64,
    files: Vec<(String, Entry)>,
}

fn file_name(out_dir: &Path) -> String {
    let absolute = fs::canonicalize(out_dir).unwrap_or_else(|_| out_dir.to_path_buf());
    let mut h = DefaultHasher::new();
    absolute.hash(&mut h);
    format!("outputs-{:016x}", h.finish())
}

/// The record for `out_dir`, if this executable made it.
pub fn load(cache: &Cache, out_dir: &Path, site: u64) -> Option<Files> {
    let bytes = fs::read(cache.path(&file_name(out_dir))).ok()?;
    let record: Record = postcard::from_bytes(&bytes).ok()?;
    (record.format == FORMAT && record.executable == executable_fingerprint()).then(|| Files {
        entries: record.files.into_iter().collect(),
        same_site: record.site == site,
    })
}

/// Replaces the record for `out_dir`.
pub fn save(cache: &Cache, out_dir: &Path, site: u64, files: Vec<(String, Entry)>) {
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
