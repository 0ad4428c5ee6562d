//! Writing a whole site: into a staging folder beside the output folder,
//! then swapped in, so a failure at any point leaves the previous output.
//! Dot-entries of the old output (a `.git` kept there for GitHub Pages,
//! say) are carried over.
//!
//! On Linux the swap is one `renameat2(RENAME_EXCHANGE)`: there is no
//! moment without an output folder, even for a build killed mid-swap.
//! Elsewhere it is two renames, microseconds apart. A build killed before
//! its swap leaves its staging folder; the next write removes the staging
//! and old folders of builds that no longer run ([`remove_leftovers`]).

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use rayon::prelude::*;

use super::{Output, safe_relative};
use crate::layout;

/// The folder beside `out_dir` and the name it is known by there.
fn parent_and_name(out_dir: &Path) -> (&Path, String) {
    let parent = out_dir
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = out_dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| crate::layout::DEFAULT_OUTPUT.into());
    (parent, name)
}

/// Where this process stages a whole write of `out_dir` (and spools its
/// rendered outputs, [`super::spool`]).
pub fn staging_dir(out_dir: &Path) -> PathBuf {
    let (parent, name) = parent_and_name(out_dir);
    parent.join(format!(".{name}.staging-{}", std::process::id()))
}

/// Writes `outputs` to `out_dir` through the staging folder and swaps it
/// in. Outputs already spooled there stay where they are; on failure the
/// staging folder is removed.
pub fn write(outputs: &[Output], out_dir: &Path) -> Result<()> {
    let (parent, name) = parent_and_name(out_dir);
    fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
    let staging = staging_dir(out_dir);
    let old = parent.join(format!(".{name}.old-{}", std::process::id()));
    remove_leftovers(out_dir);

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

/// Removes what killed builds left beside `out_dir`: `.NAME.staging-PID`
/// and `.NAME.old-PID` folders of processes that no longer run.
pub fn remove_leftovers(out_dir: &Path) {
    let (Some(parent), Some(name)) = (out_dir.parent(), out_dir.file_name()) else {
        return;
    };
    let parent = if parent.as_os_str().is_empty() {
        Path::new(".")
    } else {
        parent
    };
    let name = name.to_string_lossy();
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let pid = [".staging-", ".old-"].iter().find_map(|kind| {
            file_name
                .strip_prefix(&format!(".{name}{kind}"))?
                .parse::<u32>()
                .ok()
        });
        if pid.is_some_and(|pid| !process_runs(pid)) {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}

/// Whether a process with this id runs; `true` where that cannot be told,
/// so nothing of a live build is ever removed.
pub fn process_runs(pid: u32) -> bool {
    #[cfg(unix)]
    {
        let Ok(pid) = libc::pid_t::try_from(pid) else {
            return true;
        };
        // SAFETY: signal 0 only asks whether the process exists.
        let answer = unsafe { libc::kill(pid, 0) };
        answer == 0 || io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
    }
    #[cfg(not(unix))]
    {
        let _ = pid;
        true
    }
}

/// Swaps the folders at `a` and `b` in one step where the system can.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<bool> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let a = CString::new(a.as_os_str().as_bytes())?;
    let b = CString::new(b.as_os_str().as_bytes())?;
    // SAFETY: both are valid NUL-terminated paths; AT_FDCWD resolves them
    // as relative to the current folder, as std's rename does.
    let done = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if done == 0 {
        return Ok(true);
    }
    let err = io::Error::last_os_error();
    // Filesystems or kernels without the flag: fall back to two renames.
    match err.raw_os_error() {
        Some(libc::EINVAL | libc::ENOSYS | libc::EOPNOTSUPP) => Ok(false),
        _ => Err(err),
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_a: &Path, _b: &Path) -> io::Result<bool> {
    Ok(false)
}

fn swap(out_dir: &Path, staging: &Path, old: &Path) -> Result<()> {
    let had_old = out_dir.exists();
    if had_old
        && exchange(staging, out_dir)
            .with_context(|| format!("cannot swap the new site into {}", out_dir.display()))?
    {
        // The old output now sits at the staging path.
        return finish_swap(out_dir, staging);
    }
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
    finish_swap(out_dir, old)
}

/// Moves the old output's dot-entries into the new one, then removes the
/// old output.
fn finish_swap(out_dir: &Path, old: &Path) -> Result<()> {
    // Carry over dot-entries (.git, .well-known kept by hand, …). Until all
    // are moved, the old folder stays, so nothing is lost on a failure.
    for entry in fs::read_dir(old).with_context(|| format!("cannot read {}", old.display()))? {
        let entry = entry?;
        let name = entry.file_name();
        let dest = out_dir.join(&name);
        if layout::is_users_output_entry(&name.to_string_lossy()) && !dest.exists() {
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
pub(super) fn remove_tree(dir: &Path) -> io::Result<()> {
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
    fn a_swap_keeps_dot_entries_and_leaves_only_the_new_site() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        fs::create_dir_all(out.join(".git")).unwrap();
        fs::write(out.join("old.html"), "old").unwrap();
        write(
            &[Output::bytes("new.html".into(), b"new".to_vec(), "t")],
            &out,
        )
        .unwrap();
        let mut names: Vec<String> = fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, [".git", "new.html"]);
        let beside: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(beside.len(), 1, "nothing left beside the output folder");
    }

    #[cfg(unix)]
    #[test]
    fn leftovers_of_builds_that_no_longer_run_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let gone = child.id();
        child.wait().unwrap();
        let mine = std::process::id();
        for name in [
            format!(".public.staging-{gone}"),
            format!(".public.old-{gone}"),
            format!(".public.staging-{mine}"),
            format!(".other.staging-{gone}"),
        ] {
            fs::create_dir_all(dir.path().join(name).join("a")).unwrap();
        }
        remove_leftovers(&out);
        let mut left: Vec<String> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(
            left,
            [
                format!(".other.staging-{gone}"),
                format!(".public.staging-{mine}")
            ]
        );
    }
}
