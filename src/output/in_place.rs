//! Updating an output folder that the last build wrote: only changed files
//! are written, and files no output claims any more are removed, so a
//! one-post edit costs a few writes instead of rewriting the whole site.
//!
//! A failed write must still leave the previous site, so every new file is
//! first written beside its target under a temporary name; only when all of
//! them exist are they renamed over their targets (renames within a folder
//! are atomic), and only then are stale files removed. Top-level
//! dot-entries (`.git`, a hand-kept `.well-known`) are the user's and are
//! never touched, as in a whole write.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use super::listing::{Links, Listing, list_with};
use super::{Output, OutputData, safe_relative};
use crate::file_stat::FileStat;
use crate::layout;

/// Files and folders found under an output folder, by relative `/` path.
#[derive(Debug, Default)]
pub struct DiskState {
    pub files: FxHashMap<String, FileStat>,
    pub dirs: FxHashSet<String>,
    /// How many folders were read to find them (the others were as the
    /// listing passed to [`scan`] remembered them).
    pub folders_read: usize,
}

/// Lists `out_dir`, leaving out its top-level dot-entries, and returns
/// with it the listing to pass the next time: folders whose state
/// `previous` remembers are not read again ([`super::listing`]). At
/// 100,000 posts reading all 110,000 folders took seconds of a rebuild.
pub fn scan(out_dir: &Path, previous: Option<Listing>) -> io::Result<(DiskState, Listing)> {
    let listed = list_with(
        out_dir,
        &layout::is_users_output_entry,
        previous,
        Links::AsFiles,
    )?;
    let state = DiskState {
        files: listed.files.into_iter().collect(),
        dirs: (listed.listing.folders())
            .filter(|rel| !rel.is_empty())
            .map(String::from)
            .collect(),
        folders_read: listed.folders_read,
    };
    Ok((state, listed.listing))
}

/// What [`update`] did.
pub enum Update {
    Done {
        written: usize,
        removed: usize,
        /// The state of every output's file afterwards.
        stats: Vec<(String, FileStat)>,
    },
    /// A file stands where a folder must go or the other way round: the
    /// caller writes the whole site instead.
    NeedsWholeWrite,
}

fn parents(path: &str) -> impl Iterator<Item = &str> {
    path.match_indices('/').map(|(i, _)| &path[..i])
}

/// Brings `out_dir` (last seen as `disk`) to `outputs`, writing those that
/// are not `Kept` and not `unchanged`.
pub fn update(
    outputs: &[Output],
    out_dir: &Path,
    disk: &DiskState,
    unchanged: impl Fn(&Output) -> bool + Sync,
) -> Result<Update> {
    let Some(plan) = Plan::new(outputs, disk, unchanged)? else {
        return Ok(Update::NeedsWholeWrite);
    };
    super::staging::remove_leftovers(out_dir);
    let temps = TempNames {
        out_dir,
        pid: std::process::id(),
    };
    let written_stats = stage(&plan, disk, &temps)?;
    // The only window in which the folder holds old and new files side by
    // side (each whole): said with -v, so its length can be seen.
    let renaming = std::time::Instant::now();
    plan.to_write.par_iter().try_for_each(|o| -> Result<()> {
        let dest = out_dir.join(&o.path);
        fs::rename(temps.of(o), &dest).with_context(|| format!("cannot replace {}", dest.display()))
    })?;
    crate::log::verbose(&format!(
        "renamed {} new files into place in {:?}",
        plan.to_write.len(),
        renaming.elapsed()
    ));
    let removed = remove_stale(&plan, disk, out_dir)?;

    let written: FxHashMap<&str, FileStat> = plan
        .to_write
        .iter()
        .map(|o| o.path.as_str())
        .zip(written_stats)
        .collect();
    let stats = outputs
        .iter()
        .filter_map(|o| {
            let stat = written
                .get(o.path.as_str())
                .or_else(|| disk.files.get(&o.path))?;
            Some((o.path.clone(), *stat))
        })
        .collect();
    Ok(Update::Done {
        written: written.len(),
        removed,
        stats,
    })
}

/// What an update does, worked out before anything on disk changes.
struct Plan<'o> {
    /// Every folder an output lies in.
    needed_dirs: FxHashSet<&'o str>,
    /// Every output's path: a file on disk outside it is stale.
    claimed: FxHashSet<&'o str>,
    to_write: Vec<&'o Output>,
}

impl<'o> Plan<'o> {
    /// `None` when a file stands where a folder must go or the other way round.
    fn new(
        outputs: &'o [Output],
        disk: &DiskState,
        unchanged: impl Fn(&Output) -> bool,
    ) -> Result<Option<Plan<'o>>> {
        let mut needed_dirs: FxHashSet<&str> = FxHashSet::default();
        let mut claimed: FxHashSet<&str> = FxHashSet::default();
        for o in outputs {
            safe_relative(&o.path).with_context(|| {
                format!("refusing to write outside the output folder: {}", o.path)
            })?;
            needed_dirs.extend(parents(&o.path));
            claimed.insert(&o.path);
        }
        if outputs.iter().any(|o| disk.dirs.contains(&o.path))
            || needed_dirs.iter().any(|d| disk.files.contains_key(*d))
        {
            return Ok(None);
        }
        let to_write = outputs
            .iter()
            .filter(|o| match &o.data {
                OutputData::Kept(_) => false,
                _ => !(disk.files.contains_key(&o.path) && unchanged(o)),
            })
            .collect();
        Ok(Some(Plan {
            needed_dirs,
            claimed,
            to_write,
        }))
    }
}

/// Where a new file waits beside its target until every one is written.
struct TempNames<'a> {
    out_dir: &'a Path,
    pid: u32,
}

impl TempNames<'_> {
    fn of(&self, o: &Output) -> PathBuf {
        let dest = self.out_dir.join(&o.path);
        let name = dest
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mark = crate::layout::PENDING_OUTPUT_MARK;
        dest.with_file_name(format!("{name}{mark}{}", self.pid))
    }
}

/// Creates the missing folders and writes every file of the plan under its
/// temporary name, returning their states. On failure it removes all it
/// made, so the previous site stays exactly as it was.
fn stage(plan: &Plan, disk: &DiskState, temps: &TempNames) -> Result<Vec<FileStat>> {
    let mut new_dirs: Vec<&str> = plan
        .needed_dirs
        .iter()
        .copied()
        .filter(|d| !disk.dirs.contains(*d))
        .collect();
    // Parents sort before their children.
    new_dirs.sort_unstable();
    let mut created = Vec::new();
    let staged = create_dirs(&new_dirs, temps.out_dir, &mut created)
        .and_then(|()| write_temps(&plan.to_write, temps));
    if staged.is_err() {
        plan.to_write.par_iter().for_each(|o| {
            let _ = fs::remove_file(temps.of(o));
        });
        for dir in created.iter().rev() {
            let _ = fs::remove_dir(dir);
        }
    }
    staged
}

/// Creates `dirs` in order, recording each one made in `created`.
fn create_dirs(dirs: &[&str], out_dir: &Path, created: &mut Vec<PathBuf>) -> Result<()> {
    for d in dirs {
        let dir = out_dir.join(d);
        fs::create_dir(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
        created.push(dir);
    }
    Ok(())
}

fn write_temps(to_write: &[&Output], temps: &TempNames) -> Result<Vec<FileStat>> {
    to_write
        .par_iter()
        .map(|o| -> Result<FileStat> {
            let tmp = temps.of(o);
            o.write_to(&tmp)
                .and_then(|()| fs::metadata(&tmp))
                .map(|m| FileStat::of(&m))
                .with_context(|| format!("cannot write {} (from {})", tmp.display(), o.origin))
        })
        .collect()
}

/// Removes the files no output claims and the folders none needs; returns
/// how many files were stale.
fn remove_stale(plan: &Plan, disk: &DiskState, out_dir: &Path) -> Result<usize> {
    let stale_files: Vec<&String> = disk
        .files
        .keys()
        .filter(|f| !plan.claimed.contains(f.as_str()))
        .collect();
    stale_files.par_iter().try_for_each(|f| -> Result<()> {
        let path = out_dir.join(f);
        match fs::remove_file(&path) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => {
                Err(e).with_context(|| format!("cannot remove {}", path.display()))
            }
            _ => Ok(()),
        }
    })?;
    let mut stale_dirs: Vec<&String> = disk
        .dirs
        .iter()
        .filter(|d| !plan.needed_dirs.contains(d.as_str()))
        .collect();
    // Children sort after their parents: remove in reverse.
    stale_dirs.sort_unstable();
    for d in stale_dirs.iter().rev() {
        let path = out_dir.join(d);
        match fs::remove_dir(&path) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => {
                return Err(e).with_context(|| format!("cannot remove {}", path.display()));
            }
            _ => {}
        }
    }
    Ok(stale_files.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listing(dir: &Path) -> Vec<(String, Vec<u8>)> {
        let mut all: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir)
            .into_iter()
            .filter_map(Result::ok)
            .map(|e| {
                let rel = e
                    .path()
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                let bytes = if e.file_type().is_file() {
                    fs::read(e.path()).unwrap()
                } else {
                    Vec::new()
                };
                (rel, bytes)
            })
            .collect();
        all.sort();
        all
    }

    #[test]
    fn a_failed_write_leaves_the_folder_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        fs::write(out.join("a.html"), "old a").unwrap();
        fs::create_dir(out.join("b")).unwrap();
        fs::write(out.join("b/index.html"), "old b").unwrap();
        fs::write(out.join("stale.html"), "stale").unwrap();
        let before = listing(out);
        let disk = scan(out, None).unwrap().0;
        let outputs = vec![
            Output::bytes("a.html".into(), b"new a".to_vec(), "a"),
            Output::bytes("b/index.html".into(), b"new b".to_vec(), "b"),
            Output::bytes("c/new/index.html".into(), b"new c".to_vec(), "c"),
            Output::copy("d.css".into(), out.join("missing-source.css"), "d"),
        ];
        let err = update(&outputs, out, &disk, |_| false)
            .err()
            .expect("fails");
        assert!(format!("{err:#}").contains("d.css"), "{err:#}");
        assert_eq!(before, listing(out));
    }

    #[test]
    fn updates_changed_files_and_removes_stale_ones() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        fs::create_dir_all(out.join("gone/deep")).unwrap();
        fs::write(out.join("gone/deep/index.html"), "x").unwrap();
        fs::write(out.join("same.html"), "same").unwrap();
        fs::create_dir(out.join(".git")).unwrap();
        fs::write(out.join(".git/HEAD"), "ref").unwrap();
        let disk = scan(out, None).unwrap().0;
        assert!(!disk.files.contains_key(".git/HEAD"));
        let outputs = vec![
            Output::bytes("same.html".into(), b"same".to_vec(), "s"),
            Output::bytes("new/index.html".into(), b"new".to_vec(), "n"),
        ];
        let done = update(&outputs, out, &disk, |o| o.path == "same.html").unwrap();
        let Update::Done {
            written,
            removed,
            stats,
        } = done
        else {
            panic!("expected an in-place update");
        };
        assert_eq!((written, removed, stats.len()), (1, 1, 2));
        let names: Vec<String> = listing(out).into_iter().map(|e| e.0).collect();
        assert_eq!(
            names,
            [
                "",
                ".git",
                ".git/HEAD",
                "new",
                "new/index.html",
                "same.html"
            ]
        );
    }

    /// A link in the output is the link, never what it points to: a link
    /// to a folder where a folder must go is not written through (that
    /// would write outside the output), and a link no output claims, even
    /// one to nothing, is removed like any stale file.
    #[cfg(unix)]
    #[test]
    fn links_are_never_written_through_and_stale_ones_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let (out, elsewhere) = (dir.path().join("out"), dir.path().join("elsewhere"));
        fs::create_dir_all(&out).unwrap();
        fs::create_dir_all(&elsewhere).unwrap();
        std::os::unix::fs::symlink(&elsewhere, out.join("img")).unwrap();
        std::os::unix::fs::symlink(out.join("nothing"), out.join("dangling.html")).unwrap();
        let disk = scan(&out, None).unwrap().0;
        let outputs = vec![Output::bytes("img/a.png".into(), vec![1], "a")];
        assert!(matches!(
            update(&outputs, &out, &disk, |_| false).unwrap(),
            Update::NeedsWholeWrite
        ));
        assert_eq!(fs::read_dir(&elsewhere).unwrap().count(), 0);

        let outputs = vec![Output::bytes("index.html".into(), vec![1], "i")];
        assert!(matches!(
            update(&outputs, &out, &disk, |_| false).unwrap(),
            Update::Done { removed: 2, .. }
        ));
        assert!(fs::symlink_metadata(out.join("dangling.html")).is_err());
        assert!(fs::symlink_metadata(out.join("img")).is_err());
        assert!(
            elsewhere.is_dir(),
            "the link is removed, not what it pointed to"
        );
    }

    #[test]
    fn a_file_where_a_folder_must_go_asks_for_a_whole_write() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("blog"), "a file").unwrap();
        let disk = scan(dir.path(), None).unwrap().0;
        let outputs = vec![Output::bytes("blog/index.html".into(), vec![], "b")];
        assert!(matches!(
            update(&outputs, dir.path(), &disk, |_| false).unwrap(),
            Update::NeedsWholeWrite
        ));
    }
}
