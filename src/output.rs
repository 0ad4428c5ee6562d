//! Build outputs and writing them to disk safely: everything goes to a
//! staging folder beside the output folder, which is then swapped in, so a
//! failed build never touches the previous output. Dot-entries of the old
//! output (a `.git` kept there for GitHub Pages, say) are carried over.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context as _, Result};
use rayon::prelude::*;

use crate::error::Diagnostic;

#[derive(Debug, Clone)]
pub enum OutputData {
    /// Shared, so an incremental rebuild can keep unchanged outputs without copying.
    Bytes(Arc<[u8]>),
    /// A file copied verbatim (static files, bundle assets).
    Copy(PathBuf),
}

/// One file of the built site.
#[derive(Debug, Clone)]
pub struct Output {
    /// Relative path with `/` separators, e.g. `blog/hello/index.html`.
    pub path: String,
    pub data: OutputData,
    /// What produced it, for conflict messages (a source file or a description).
    pub origin: String,
}

impl Output {
    pub fn bytes(path: String, bytes: Vec<u8>, origin: impl Into<String>) -> Output {
        Output {
            path,
            data: OutputData::Bytes(Arc::from(bytes)),
            origin: origin.into(),
        }
    }

    pub fn shared(path: String, bytes: Arc<[u8]>, origin: impl Into<String>) -> Output {
        Output {
            path,
            data: OutputData::Bytes(bytes),
            origin: origin.into(),
        }
    }

    pub fn copy(path: String, from: PathBuf, origin: impl Into<String>) -> Output {
        Output {
            path,
            data: OutputData::Copy(from),
            origin: origin.into(),
        }
    }

    /// The bytes of this output, reading copied files from disk.
    pub fn read(&self) -> io::Result<Vec<u8>> {
        match &self.data {
            OutputData::Bytes(b) => Ok(b.to_vec()),
            OutputData::Copy(p) => fs::read(p),
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
fn safe_relative(path: &str) -> Option<PathBuf> {
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

/// Writes `outputs` to `out_dir` through a staging folder and swaps it in.
pub fn write(outputs: &[Output], out_dir: &Path) -> Result<()> {
    let parent = out_dir
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
    let name = out_dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    let pid = std::process::id();
    let staging = parent.join(format!(".{name}.staging-{pid}"));
    let old = parent.join(format!(".{name}.old-{pid}"));
    let _ = fs::remove_dir_all(&staging);

    let result = fill(outputs, &staging).and_then(|()| swap(out_dir, &staging, &old));
    if result.is_err() {
        let _ = fs::remove_dir_all(&staging);
    }
    result
}

fn fill(outputs: &[Output], staging: &Path) -> Result<()> {
    fs::create_dir_all(staging).with_context(|| format!("cannot create {}", staging.display()))?;
    let mut dirs: BTreeMap<PathBuf, ()> = BTreeMap::new();
    let mut planned = Vec::with_capacity(outputs.len());
    for o in outputs {
        let rel = safe_relative(&o.path)
            .with_context(|| format!("refusing to write outside the output folder: {}", o.path))?;
        if let Some(d) = rel.parent() {
            dirs.insert(staging.join(d), ());
        }
        planned.push((staging.join(rel), o));
    }
    for d in dirs.keys() {
        fs::create_dir_all(d).with_context(|| format!("cannot create {}", d.display()))?;
    }
    planned.par_iter().try_for_each(|(dest, o)| -> Result<()> {
        match &o.data {
            OutputData::Bytes(b) => fs::write(dest, &b[..]),
            OutputData::Copy(from) => fs::copy(from, dest).map(|_| ()),
        }
        .with_context(|| format!("cannot write {} (from {})", dest.display(), o.origin))
    })
}

fn swap(out_dir: &Path, staging: &Path, old: &Path) -> Result<()> {
    let had_old = out_dir.exists();
    if had_old {
        fs::rename(out_dir, old)
            .with_context(|| format!("cannot move the old {} aside", out_dir.display()))?;
    }
    if let Err(e) = fs::rename(staging, out_dir) {
        // Put the old output back so the user is never left with nothing.
        if had_old {
            let _ = fs::rename(old, out_dir);
        }
        return Err(e)
            .with_context(|| format!("cannot move the new site into {}", out_dir.display()));
    }
    if !had_old {
        return Ok(());
    }
    // Carry over dot-entries (.git, .well-known kept by hand, …). Until all
    // are moved, the old folder stays, so nothing is lost on a failure.
    for entry in fs::read_dir(old).with_context(|| format!("cannot read {}", old.display()))? {
        let entry = entry?;
        let name = entry.file_name();
        let dest = out_dir.join(&name);
        if name.to_string_lossy().starts_with('.') && !dest.exists() {
            fs::rename(entry.path(), &dest).with_context(|| {
                format!(
                    "cannot carry {} over into the new output (the previous output is kept at {})",
                    entry.path().display(),
                    old.display()
                )
            })?;
        }
    }
    remove_tree(old).with_context(|| format!("cannot remove {}", old.display()))
}

/// Removes a folder tree, deleting its files in parallel: replacing a large
/// site's output means unlinking every file of the previous one.
fn remove_tree(dir: &Path) -> io::Result<()> {
    let mut files = Vec::new();
    let mut dirs = Vec::new();
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.map_err(io::Error::other)?;
        if entry.file_type().is_dir() {
            dirs.push((entry.depth(), entry.into_path()));
        } else {
            files.push(entry.into_path());
        }
    }
    files.par_iter().try_for_each(fs::remove_file)?;
    // Deepest first, so every folder is empty when its turn comes.
    dirs.sort_by_key(|d| std::cmp::Reverse(d.0));
    for (_, d) in dirs {
        fs::remove_dir(&d)?;
    }
    Ok(())
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
