//! The image files a site publishes as they are — a page's photos beside
//! it, and the static images its Markdown shows — with their metadata
//! stripped ([`super::metadata`]): the original is still one click away
//! from a `<picture>` (and the only copy of a GIF), and its EXIF would
//! publish where the photo was taken. A stripped file is kept in the
//! image cache under a name that is a hash of the source's bytes, so a
//! warm build copies it from there.

use std::path::Path;

use rayon::prelude::*;

use super::metadata;
use super::variant::safe_stem;
use crate::output::{Output, OutputData};

/// Bumped when stripping leaves other bytes for the same file.
const STRIP_VERSION: u32 = 1;

/// Replaces each copied output of `outputs` that `strips` chooses by its
/// file without metadata: from the cache folder `cache` when it is there,
/// else stripped now (and put there). Returns the cache file names this
/// build used. A file with no metadata stays a plain copy; one whose
/// container cannot be read stays as it is (its page already warns when
/// it shows it).
pub fn strip_outputs(
    outputs: &mut [Output],
    strips: impl Fn(&Output) -> bool + Sync,
    cache: Option<&Path>,
) -> Vec<String> {
    outputs
        .par_iter_mut()
        .filter(|o| matches!(o.data, OutputData::Copy(_)) && strips(o))
        .filter_map(|output| strip_one(output, cache))
        .collect()
}

/// Strips `output` in place; the name of its cache file, if it has one.
fn strip_one(output: &mut Output, cache: Option<&Path>) -> Option<String> {
    let OutputData::Copy(file) = &output.data else {
        return None;
    };
    let bytes = std::fs::read(file).ok()?;
    let name = cache_name(&output.path, crate::hash::content(&bytes));
    if let Some(cached) = cache.map(|dir| dir.join(&name))
        && cached.is_file()
    {
        output.data = OutputData::Copy(cached);
        return Some(name);
    }
    match metadata::strip(&bytes) {
        Ok(Some(stripped)) => {
            if let Some(dir) = cache {
                // A file that cannot be cached only costs the next build time.
                let _ = crate::cache::write_atomic(&dir.join(&name), &stripped);
            }
            output.data = OutputData::Bytes(stripped.into());
            Some(name)
        }
        Ok(None) => None,
        Err(e) => {
            crate::log::verbose(&format!("{}: published as it is: {e}", output.origin));
            None
        }
    }
}

/// `original.STEM.HASH.EXT`: a name no resized copy has.
fn cache_name(path: &str, digest: u64) -> String {
    let name = path.rsplit('/').next().unwrap_or(path);
    let (stem, ext) = name.rsplit_once('.').unwrap_or((name, ""));
    let stem = safe_stem(stem);
    let hash = crate::hash::of(&(STRIP_VERSION, digest));
    format!("original.{stem}.{hash:016x}.{}", ext.to_ascii_lowercase())
}
