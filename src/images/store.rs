//! Making the resized copies a build asked for: each source decoded once,
//! sources and copies in parallel, and every copy kept in
//! `.ssg-cache/images/` under its content-addressed name, so the next
//! build copies it from there instead of decoding anything; and what no
//! longer belongs there removed after each build.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::UsedAt;
use super::encode;
use super::variant::Variant;
use crate::error::Diagnostic;
use crate::output::Output;

/// The cache's folder of copies, under `.ssg-cache/`.
pub const CACHE_FOLDER: &str = "images";

/// The copies of one source image.
pub struct SourceJob {
    pub file: PathBuf,
    pub shown: String,
    /// The first use of the source, where an error about it is reported.
    pub used_at: UsedAt,
    /// Output path and what it holds.
    pub copies: Vec<(String, Variant)>,
}

/// The outputs of `jobs`, from the cache folder `cache` (when there is
/// one) or made now.
pub fn outputs(
    jobs: Vec<SourceJob>,
    cache: Option<&Path>,
    max_pixels: u64,
) -> Result<Vec<Output>, Vec<Diagnostic>> {
    let made: Vec<Result<Vec<Output>, Diagnostic>> = jobs
        .par_iter()
        .map(|job| outputs_of(job, cache, max_pixels))
        .collect();
    let (mut outputs, mut errors) = (Vec::new(), Vec::new());
    for result in made {
        match result {
            Ok(o) => outputs.extend(o),
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(outputs)
    } else {
        Err(errors)
    }
}

/// The copies of one source: those in the cache as copies of the cached
/// file, the rest decoded, resized and encoded.
fn outputs_of(
    job: &SourceJob,
    cache: Option<&Path>,
    max_pixels: u64,
) -> Result<Vec<Output>, Diagnostic> {
    let cached_file = |path: &str| {
        let file = cache?.join(cache_name(path));
        file.is_file().then_some(file)
    };
    let origin = format!("{} (resized)", job.shown);
    let mut outputs = Vec::new();
    let mut missing = Vec::new();
    for (path, variant) in &job.copies {
        match cached_file(path) {
            Some(file) => outputs.push(Output::copy(path.clone(), file, origin.clone())),
            None => missing.push((path, variant)),
        }
    }
    if missing.is_empty() {
        return Ok(outputs);
    }
    let failed = |message: String| {
        Diagnostic::new(
            &job.used_at.file,
            job.used_at.line,
            format!("image {}: {message}", job.shown),
        )
    };
    let bytes = std::fs::read(&job.file).map_err(|e| failed(format!("cannot read: {e}")))?;
    let picture = encode::decode(&bytes, max_pixels).map_err(failed)?;
    drop(bytes);
    // Copies that differ only in format share one resize: resizing a
    // camera-sized photo costs more than encoding the small result.
    let mut sizes: Vec<Vec<(&String, &Variant)>> = Vec::new();
    for (path, variant) in missing {
        let same =
            |v: &Variant| (v.width, v.height, v.op) == (variant.width, variant.height, variant.op);
        match sizes.iter_mut().find(|group| same(group[0].1)) {
            Some(group) => group.push((path, variant)),
            None => sizes.push(vec![(path, variant)]),
        }
    }
    let made: Vec<Result<Output, Diagnostic>> = sizes
        .par_iter()
        .map(|group| {
            let resized = encode::resize(&picture, group[0].1).map_err(failed)?;
            let encode_one = |(path, variant): &(&String, &Variant)| {
                let encoded =
                    encode::encode(&resized, variant.format, variant.quality).map_err(failed)?;
                if let Some(dir) = cache {
                    // A copy that cannot be cached only costs the next build time.
                    let _ = crate::cache::write_atomic(&dir.join(cache_name(path)), &encoded);
                }
                Ok(Output::bytes((*path).clone(), encoded, origin.clone()))
            };
            group.iter().map(encode_one).collect::<Result<Vec<_>, _>>()
        })
        .collect::<Vec<_>>()
        .into_iter()
        .flat_map(|group| match group {
            Ok(outputs) => outputs.into_iter().map(Ok).collect(),
            Err(e) => vec![Err(e)],
        })
        .collect();
    for output in made {
        outputs.push(output?);
    }
    Ok(outputs)
}

/// The cache file of the copy at output path `path`: its file name, which
/// is already a hash of everything in it.
pub fn cache_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// Removes from the cache folder `dir` every file not in `used`, as Zola
/// clears its processed images of unused files on each build: a photo
/// removed from the site, a width no longer configured or an old quality
/// leave nothing behind. A site that brings them back makes them again.
pub fn prune(dir: &Path, used: &std::collections::BTreeSet<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let keep = name.to_str().is_some_and(|n| used.contains(n));
        if !keep && entry.file_type().is_ok_and(|t| t.is_file()) {
            // One left behind is only disk space until the next build.
            let _ = std::fs::remove_file(entry.path());
        }
    }
}
