//! The ledger on disk: for each file the last build left in an output
//! folder, its input signature, a hash of its bytes, and its size,
//! modification time and inode right after it was written. Kept in the
//! build cache, one record per output folder.

use std::fs;
use std::path::Path;

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use crate::cache::{Cache, executable_fingerprint, write_atomic};
use crate::file_stat::FileStat;
use crate::output::listing::Listing;

/// Bumped when the layout of what is stored changes.
const FORMAT: u32 = 4;

/// One file as the last build left it.
#[derive(Serialize, Deserialize, Clone, Copy, Debug)]
pub struct RecordedFile {
    /// What the file was made from; comparable only under the same
    /// site-wide inputs.
    pub signature: u64,
    /// Hash of the bytes (of a copied file: its source's identity); 0
    /// when not known.
    pub content: u64,
    pub stat: FileStat,
}

/// The record of one output folder.
pub struct OutputRecord {
    pub files: FxHashMap<String, RecordedFile>,
    /// Hash of the site-wide inputs (config, templates, options) the
    /// signatures were computed under.
    pub site_inputs: u64,
    /// The folder's listing as the build that wrote the record took it,
    /// so the next build reads only the folders changed since.
    pub listing: Listing,
}

#[derive(Serialize, Deserialize)]
struct Stored {
    format: u32,
    executable: u64,
    site_inputs: u64,
    files: Vec<(String, RecordedFile)>,
    listing: Listing,
}

fn file_name(out_dir: &Path) -> String {
    let absolute = fs::canonicalize(out_dir).unwrap_or_else(|_| out_dir.to_path_buf());
    format!("outputs-{:016x}", crate::hash::of(&absolute))
}

/// The record for `out_dir`, if this executable made it.
pub fn load(cache: &Cache, out_dir: &Path) -> Option<OutputRecord> {
    let bytes = fs::read(cache.path(&file_name(out_dir))).ok()?;
    let stored: Stored = postcard::from_bytes(&bytes).ok()?;
    (stored.format == FORMAT && stored.executable == executable_fingerprint()).then(|| {
        OutputRecord {
            files: stored.files.into_iter().collect(),
            site_inputs: stored.site_inputs,
            listing: stored.listing,
        }
    })
}

/// Replaces the record for `out_dir`. A record that cannot be saved only
/// costs the next build its speed.
pub fn save(
    cache: &Cache,
    out_dir: &Path,
    site_inputs: u64,
    files: Vec<(String, RecordedFile)>,
    listing: Listing,
) {
    let stored = Stored {
        format: FORMAT,
        executable: executable_fingerprint(),
        site_inputs,
        files,
        listing,
    };
    let result = postcard::to_allocvec(&stored)
        .map_err(std::io::Error::other)
        .and_then(|bytes| write_atomic(&cache.path(&file_name(out_dir)), &bytes));
    if let Err(e) = result {
        crate::log::verbose(&format!("could not save the output record: {e}"));
    }
}
