//! The build cache in `.ssg-cache/` under the site root: rendered Markdown
//! (see [`markdown`]) and a record of what the output folder holds (see
//! [`crate::ledger::record`]), so a second `ssg build` only redoes what changed; and
//! what `ssg publish` remembers of its last publish (`publish::last_publish`).
//!
//! The cache is an accelerator and never a source of truth: anything it
//! cannot read, or that was written by a build of ssg that renders
//! differently, is ignored and recomputed, and a cache that cannot be
//! written only costs speed. Entries are keyed by hashes of everything that
//! goes into them, including ssg's own rendering code, so a cached build
//! produces the same bytes as an uncached one.

pub mod markdown;
pub mod pairs;

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Folder name under the site root.
pub const DIR_NAME: &str = ".ssg-cache";

/// An open cache folder, held exclusively by this process while it lives.
pub struct Cache {
    dir: PathBuf,
    /// Holds the lock: two builds of the same site must not interleave writes.
    _lock: File,
}

impl Cache {
    /// Opens (creating) the cache of the site at `root`. `None` when it
    /// cannot be created or another ssg process holds it: the build then
    /// runs uncached.
    pub fn open(root: &Path) -> Option<Cache> {
        let dir = root.join(DIR_NAME);
        let opened = create_dir(&dir).and_then(|()| File::create(dir.join("lock")));
        let lock = match opened {
            Ok(lock) => lock,
            Err(e) => {
                crate::log::verbose(&format!("build cache off: {}: {e}", dir.display()));
                return None;
            }
        };
        if lock.try_lock().is_err() {
            crate::log::verbose(&format!(
                "build cache off: another ssg process is using {}",
                dir.display()
            ));
            return None;
        }
        Some(Cache { dir, _lock: lock })
    }

    /// A file in the cache folder.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }
}

/// Creates the cache folder `dir` (`ROOT/.ssg-cache`) with its
/// `CACHEDIR.TAG`, if missing. `publish` keeps its memory there too,
/// without the build's lock (its writes are single atomic files).
pub fn create_dir(dir: &Path) -> std::io::Result<()> {
    fs::create_dir_all(dir)?;
    let tag = dir.join("CACHEDIR.TAG");
    if !tag.exists() {
        // The standard marker that tells backup tools to skip this folder.
        write_atomic(
            &tag,
            b"Signature: 8a477f597d28d172789f06886806bc55\n# Build cache of ssg; safe to delete.\n",
        )?;
    }
    Ok(())
}

/// Identifies the code that renders a page's Markdown: ssg's rendering
/// sources and its locked dependencies, highlighter and grammars among
/// them (build.rs). Another build of the same code reuses the cache; a
/// build whose rendering may differ does not trust it.
pub fn renderer_fingerprint() -> u64 {
    static RENDERER: OnceLock<u64> = OnceLock::new();
    *RENDERER.get_or_init(|| match env!("SSG_RENDER_FINGERPRINT") {
        "" => executable_fingerprint(),
        sources => crate::hash::of(&(env!("CARGO_PKG_VERSION"), sources)),
    })
}

/// Identifies this ssg executable: a record written by another build of
/// ssg (another version, or the same version compiled again) is not
/// trusted. The output ledger keys on it, and the Markdown cache does when
/// ssg was built without a Cargo.lock (so with dependencies build.rs
/// cannot name).
pub fn executable_fingerprint() -> u64 {
    static FINGERPRINT: OnceLock<u64> = OnceLock::new();
    *FINGERPRINT.get_or_init(|| {
        let version = env!("CARGO_PKG_VERSION");
        match std::env::current_exe()
            .ok()
            .and_then(|exe| fs::metadata(exe).ok())
        {
            Some(meta) => crate::hash::of(&(version, meta.len(), meta.modified().ok())),
            // Unknown executable: a value no other run produces, so nothing is reused.
            None => crate::hash::of(&(version, std::process::id(), std::time::SystemTime::now())),
        }
    })
}

/// Writes a file so that readers see either the old or the new contents.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_chunks_atomic(path, &[bytes])
}

/// Writes `chunks` one after the other into a new file that replaces
/// `path` in one rename.
pub fn write_chunks_atomic(path: &Path, chunks: &[&[u8]]) -> std::io::Result<()> {
    let tmp = path.with_extension(format!("tmp-{}", std::process::id()));
    let result = File::create(&tmp)
        .and_then(|mut f| chunks.iter().try_for_each(|c| f.write_all(c)))
        .and_then(|()| fs::rename(&tmp, path));
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_process_cannot_take_the_cache() {
        let dir = tempfile::tempdir().unwrap();
        let first = Cache::open(dir.path());
        assert!(first.is_some());
        // File locks are per open file description, so a second open in the
        // same process stands in for a second process.
        assert!(Cache::open(dir.path()).is_none());
        drop(first);
        assert!(Cache::open(dir.path()).is_some());
    }
}
