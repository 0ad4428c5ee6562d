//! Writing a whole site: into a staging folder beside the output folder,
//! then swapped in, so a failure at any point leaves the previous output.
//! Dot-entries of the old output (a `.git` kept there for GitHub Pages,
//! say) are carried over.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use rayon::prelude::*;

use super::{Output, safe_relative};

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
        .unwrap_or_else(|| crate::layout::DEFAULT_OUTPUT.into());
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
        o.write_to(dest)
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
