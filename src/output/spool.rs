//! Rendered outputs go to disk as soon as they are rendered, so a build's
//! memory does not grow with its output (417 MB of HTML at 10,000
//! code-heavy posts). They are spooled into the staging folder, at their
//! final relative paths: a whole write then only adds the copied files and
//! swaps the folder in; an in-place update renames the few changed files
//! from there to their temporary names beside their targets. Either way
//! nothing reaches the output folder before every output was rendered, so
//! a failed build still leaves the previous site.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::{safe_relative, staging};

/// The staging folder of this build, filled while rendering. Dropped
/// without being swapped in (a failed render), it is removed.
pub struct Spool {
    dir: PathBuf,
}

impl Spool {
    /// The spool of a build writing to `out_dir`. Leftovers of builds that
    /// were killed, and of an earlier build of this process (`ssg serve`
    /// reuses pids only across restarts), are removed first.
    pub fn for_output(out_dir: &Path) -> Spool {
        let dir = staging::staging_dir(out_dir);
        staging::remove_leftovers(out_dir);
        let _ = fs::remove_dir_all(&dir);
        Spool { dir }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Writes one output's bytes at its place in the spool; returns the file.
    pub fn put(&self, rel: &str, bytes: &[u8]) -> io::Result<PathBuf> {
        let safe = safe_relative(rel).ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("refusing to write outside the output folder: {rel}"),
            )
        })?;
        let file = self.dir.join(safe);
        match fs::write(&file, bytes) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                if let Some(parent) = file.parent() {
                    fs::create_dir_all(parent)?;
                }
                fs::write(&file, bytes)?;
            }
            other => other?,
        }
        Ok(file)
    }

    /// Removes what is left of the spool (after an in-place update, the
    /// folders the changed files were spooled in).
    pub fn clear(&self) {
        if self.dir.exists() {
            let _ = staging::remove_tree(&self.dir);
        }
    }
}

impl Drop for Spool {
    fn drop(&mut self) {
        self.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outputs_are_spooled_at_their_paths_and_removed_with_the_spool() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let spool = Spool::for_output(&out);
        let file = spool.put("blog/a/index.html", b"A").unwrap();
        assert_eq!(file, spool.dir().join("blog/a/index.html"));
        assert_eq!(fs::read(&file).unwrap(), b"A");
        assert!(spool.put("../escape.html", b"x").is_err());
        let spooled = spool.dir().to_path_buf();
        drop(spool);
        assert!(!spooled.exists(), "a spool never swapped in is removed");
        assert!(!out.exists(), "nothing reached the output folder");
    }
}
