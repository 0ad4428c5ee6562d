//! Listing an output folder again, reading only the folders that changed.
//!
//! A folder's modification time changes whenever an entry is added to it,
//! removed from it or renamed in it. So a folder whose state (time, inode)
//! is still the one remembered from the last listing still holds the
//! entries remembered, and only its files need a `stat`, not a read of the
//! folder. Git's untracked cache rests on the same rule. At 100,000 posts
//! an output is 110,000 folders and 144,000 files: reading every folder
//! took 3.3 s here, and a `stat` of every file 0.4 s.
//!
//! A folder that changed too shortly before the listing was taken to tell
//! a later change apart by its time ([`FileStat::settled_before`]) is not
//! remembered, so the next listing reads it again.

use std::fs;
use std::io;
use std::path::Path;

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::{Deserialize, Serialize};

use super::stat_at::OpenFolder;
use crate::file_stat::FileStat;

/// The folders of one listing, by relative `/` path ("" for the root).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Listing {
    /// Milliseconds since the epoch when the listing began.
    taken_ms: u64,
    #[serde(with = "crate::cache::pairs")]
    folders: FxHashMap<String, Folder>,
}

impl Listing {
    /// When the listing began, in milliseconds since the epoch.
    pub fn taken_ms(&self) -> u64 {
        self.taken_ms
    }

    /// The relative paths of the folders listed ("" for the root).
    pub fn folders(&self) -> impl Iterator<Item = &str> {
        self.folders.keys().map(String::as_str)
    }

    /// A listing taken at `taken_ms` that remembers no folder.
    pub fn empty_at(taken_ms: u64) -> Listing {
        Listing {
            taken_ms,
            folders: FxHashMap::default(),
        }
    }
}

/// One folder as it was read: its state then, and the names in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Folder {
    stat: FileStat,
    files: Names,
    folders: Names,
}

/// Names in one string, each followed by `/`, which no file name holds. A
/// folder of a built site holds a page or two: one string per folder, not
/// one per name, takes a third off reading a 144,000-folder listing back.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
struct Names(String);

impl Names {
    fn push(&mut self, name: &str) {
        self.0.push_str(name);
        self.0.push('/');
    }

    fn iter(&self) -> std::str::SplitTerminator<'_, char> {
        self.0.split_terminator('/')
    }

    fn contains(&self, name: &str) -> bool {
        self.iter().any(|n| n == name)
    }

    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn count(&self) -> usize {
        self.0.bytes().filter(|&b| b == b'/').count()
    }
}

/// The files found, with their state, and the listing to remember.
pub struct Listed {
    pub files: Vec<(String, FileStat)>,
    pub listing: Listing,
    /// How many folders were read (the others were remembered).
    pub folders_read: usize,
    /// Whether `listing` differs from the one it was taken from.
    pub changed: bool,
}

/// What a walk found: every file, and where the listing changed.
#[derive(Default)]
struct Found {
    files: Vec<(String, FileStat)>,
    /// Folders read, by relative path.
    read: Vec<(String, Folder)>,
    /// Remembered folders that are gone, with everything under them.
    gone: Vec<String>,
}

impl Found {
    /// Both, in no particular order: the smaller is moved into the larger,
    /// so a merge costs the smaller side (the files of 100,000 post
    /// folders were copied again at every level of the walk).
    fn merge(mut self, mut other: Found) -> Found {
        fn append<T>(to: &mut Vec<T>, from: &mut Vec<T>) {
            if to.len() < from.len() {
                std::mem::swap(to, from);
            }
            to.append(from);
        }
        append(&mut self.files, &mut other.files);
        append(&mut self.read, &mut other.read);
        append(&mut self.gone, &mut other.gone);
        self
    }
}

/// Lists the files under `root`, by relative `/` path with their state.
/// Entries for which `prune(rel)` holds are left out, and folders among
/// them are not entered. Folders whose state `previous` remembers are not
/// read, and the listing returned is `previous` with the folders read or
/// gone brought up to date (not a copy: at 100,000 posts it is 144,000
/// folders). A file or folder that goes away while it is listed is left out.
pub fn list(
    root: &Path,
    prune: &(dyn Fn(&str) -> bool + Sync),
    previous: Option<Listing>,
) -> io::Result<Listed> {
    list_with(root, prune, previous, Links::Follow)
}

/// What a listing does with a symbolic link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Links {
    /// A link to a file is listed as that file, with the file's state; a
    /// link to a folder or to nothing is left out, as a walk that follows
    /// no folder link would (it could lead back up the tree). What is
    /// published.
    Follow,
    /// Every link is listed as a file of its own, with the link's state.
    /// What a build may replace or remove: it must never write through a
    /// link into a folder outside its output.
    AsFiles,
}

/// [`list`], with links taken as `links` says.
pub fn list_with(
    root: &Path,
    prune: &(dyn Fn(&str) -> bool + Sync),
    previous: Option<Listing>,
    links: Links,
) -> io::Result<Listed> {
    let taken_ms = now_ms();
    let mut listing = previous.unwrap_or_default();
    let mut found = Found::default();
    match OpenFolder::at(root) {
        Ok(opened) => Walk {
            root,
            prune,
            previous: &listing,
            links,
        }
        .folder(&opened, ".", "", &mut found)?,
        Err(e) if e.kind() == io::ErrorKind::NotFound => found.gone.push(String::new()),
        Err(e) => return Err(io::Error::new(e.kind(), format!("{}: {e}", root.display()))),
    }
    let changed = !found.read.is_empty() || !found.gone.is_empty();
    forget_gone(&mut listing.folders, &found.gone);
    let folders_read = found.read.len();
    listing.folders.extend(found.read);
    listing.taken_ms = taken_ms;
    let mut files = found.files;
    files.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
    Ok(Listed {
        files,
        listing,
        folders_read,
        changed,
    })
}

/// Drops the folders at `gone` and every folder under them.
fn forget_gone(folders: &mut FxHashMap<String, Folder>, gone: &[String]) {
    if gone.is_empty() {
        return;
    }
    let gone: FxHashSet<&str> = gone.iter().map(String::as_str).collect();
    if gone.contains("") {
        folders.clear();
        return;
    }
    folders.retain(|rel, _| {
        let mut ancestors = rel.match_indices('/').map(|(at, _)| &rel[..at]);
        !gone.contains(rel.as_str()) && !ancestors.any(|a| gone.contains(a))
    });
}

struct Walk<'a> {
    /// The folder listed, for reading folders and for error messages.
    root: &'a Path,
    prune: &'a (dyn Fn(&str) -> bool + Sync),
    previous: &'a Listing,
    links: Links,
}

impl Walk<'_> {
    /// Adds to `found` the subtree of the folder at `at` in `parent`
    /// (relative path `rel`), or that it is gone. Its files are looked up
    /// from `parent` too; the folder itself is opened only to look up in
    /// its subfolders, which a post's folder does not have.
    fn folder(
        &self,
        parent: &OpenFolder,
        at: &str,
        rel: &str,
        found: &mut Found,
    ) -> io::Result<()> {
        let in_context = |e: io::Error| {
            io::Error::new(e.kind(), format!("{}: {e}", self.root.join(rel).display()))
        };
        let Some(stat) = parent.stat(at).map_err(in_context)? else {
            found.gone.push(rel.to_string());
            return Ok(());
        };
        let remembered = self.previous.folders.get(rel);
        let trusted =
            remembered.filter(|f| f.stat == stat && stat.settled_before(self.previous.taken_ms));
        let mut fresh = None;
        let folder = match trusted {
            Some(folder) => folder,
            None => {
                let new = fresh.insert(self.read(rel, stat)?);
                if let Some(old) = remembered {
                    let gone = old
                        .folders
                        .iter()
                        .filter(|name| !new.folders.contains(name));
                    found.gone.extend(gone.map(|name| join(rel, name)));
                }
                new
            }
        };
        let stat_file = |name: &str, path: &mut String| {
            path.clear();
            path.push_str(at);
            path.push('/');
            path.push_str(name);
            let rel = join(rel, name);
            let stat = match self.links {
                Links::Follow => parent.stat(path),
                Links::AsFiles => parent.stat_link(path),
            };
            match stat {
                Ok(stat) => Ok(stat.map(|s| (rel, s))),
                Err(e) => Err(io::Error::new(
                    e.kind(),
                    format!("{}: {e}", self.root.join(&rel).display()),
                )),
            }
        };
        // Most folders hold a page or two; a few hold thousands of assets.
        if folder.files.count() < 64 {
            let mut path = String::new();
            for name in folder.files.iter() {
                found.files.extend(stat_file(name, &mut path)?);
            }
        } else {
            let files: Vec<&str> = folder.files.iter().collect();
            let stats: Vec<_> = files
                .par_iter()
                .map_init(String::new, |path, name| stat_file(name, path))
                .collect::<io::Result<_>>()?;
            found.files.extend(stats.into_iter().flatten());
        }
        if !folder.folders.is_empty() {
            match parent.open(at).map_err(in_context)? {
                Some(me) => {
                    let folders: Vec<&str> = folder.folders.iter().collect();
                    let below = folders
                        .par_iter()
                        .try_fold(Found::default, |mut below, name| {
                            self.folder(&me, name, &join(rel, name), &mut below)?;
                            Ok::<_, io::Error>(below)
                        })
                        .try_reduce(Found::default, |a, b| Ok(a.merge(b)))?;
                    let mine = std::mem::take(found);
                    *found = mine.merge(below);
                }
                None => found.gone.push(rel.to_string()),
            }
        }
        if let Some(folder) = fresh {
            found.read.push((rel.to_string(), folder));
        }
        Ok(())
    }

    /// Reads the folder's entries, leaving out pruned ones.
    fn read(&self, rel: &str, stat: FileStat) -> io::Result<Folder> {
        let path = &self.root.join(rel);
        let mut folder = Folder {
            stat,
            files: Names::default(),
            folders: Names::default(),
        };
        let with_path = |e: io::Error| io::Error::new(e.kind(), format!("{}: {e}", path.display()));
        for entry in fs::read_dir(path).map_err(with_path)? {
            let entry = entry.map_err(with_path)?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if (self.prune)(&join(rel, &name)) {
                continue;
            }
            let kind = entry.file_type()?;
            if kind.is_dir() {
                folder.folders.push(&name);
            } else if self.links == Links::AsFiles || !(kind.is_symlink() && entry.path().is_dir())
            {
                folder.files.push(&name);
            }
        }
        Ok(folder)
    }
}

fn join(rel: &str, name: &str) -> String {
    if rel.is_empty() {
        name.to_string()
    } else {
        format!("{rel}/{name}")
    }
}

fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(listed: &Listed) -> Vec<&str> {
        listed.files.iter().map(|(p, _)| p.as_str()).collect()
    }

    /// Sets a path's modification time well in the past, so a listing
    /// taken now may remember it.
    fn age(path: &Path) {
        let past = std::time::SystemTime::now() - std::time::Duration::from_secs(60);
        fs::File::options()
            .write(path.is_file())
            .read(true)
            .open(path)
            .and_then(|f| f.set_modified(past))
            .unwrap();
    }

    fn age_tree(root: &Path) {
        for entry in walkdir::WalkDir::new(root).contents_first(true) {
            age(entry.unwrap().path());
        }
    }

    #[test]
    fn a_second_listing_reads_only_the_folders_that_changed() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("blog/a")).unwrap();
        fs::create_dir_all(root.join("blog/b")).unwrap();
        fs::write(root.join("index.html"), "i").unwrap();
        fs::write(root.join("blog/a/index.html"), "a").unwrap();
        fs::write(root.join("blog/b/index.html"), "b").unwrap();
        age_tree(root);
        let first = list(root, &|_| false, None).unwrap();
        assert_eq!(first.folders_read, 4);
        assert_eq!(
            names(&first),
            ["blog/a/index.html", "blog/b/index.html", "index.html"]
        );

        let again = list(root, &|_| false, Some(first.listing.clone())).unwrap();
        assert_eq!(again.folders_read, 0);
        assert_eq!(names(&again), names(&first));

        // A file added to one folder: that folder alone is read again.
        fs::write(root.join("blog/a/extra.css"), "x").unwrap();
        let added = list(root, &|_| false, Some(again.listing.clone())).unwrap();
        assert_eq!(added.folders_read, 1);
        assert_eq!(
            names(&added),
            [
                "blog/a/extra.css",
                "blog/a/index.html",
                "blog/b/index.html",
                "index.html"
            ]
        );
    }

    #[test]
    fn a_file_changed_in_place_shows_in_its_state_without_a_read() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::write(root.join("a.html"), "one").unwrap();
        age_tree(root);
        let first = list(root, &|_| false, None).unwrap();
        fs::write(root.join("a.html"), "longer").unwrap();
        let again = list(root, &|_| false, Some(first.listing.clone())).unwrap();
        assert_eq!(again.folders_read, 0);
        assert_eq!(again.files[0].1.len, 6);
    }

    #[test]
    fn a_folder_replaced_or_just_changed_is_read_again() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir(root.join("p")).unwrap();
        fs::write(root.join("p/old.html"), "o").unwrap();
        age_tree(root);
        let first = list(root, &|_| false, None).unwrap();

        // Swapped for another folder with the same time: a new inode.
        fs::rename(root.join("p"), root.join("gone")).unwrap();
        fs::create_dir(root.join("p")).unwrap();
        fs::write(root.join("p/new.html"), "n").unwrap();
        fs::remove_dir_all(root.join("gone")).unwrap();
        age_tree(root);
        let swapped = list(root, &|_| false, Some(first.listing.clone())).unwrap();
        assert_eq!(names(&swapped), ["p/new.html"]);

        // Changed just before it was listed: not trusted the next time.
        fs::write(root.join("p/newer.html"), "n").unwrap();
        let racy = list(root, &|_| false, Some(swapped.listing.clone())).unwrap();
        let next = list(root, &|_| false, Some(racy.listing.clone())).unwrap();
        assert_eq!(next.folders_read, 1, "the folder changed within the margin");
        assert_eq!(names(&next), ["p/new.html", "p/newer.html"]);
    }

    #[test]
    fn folders_gone_are_forgotten_with_everything_under_them() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("blog/a/img")).unwrap();
        fs::create_dir_all(root.join("blog/b")).unwrap();
        fs::write(root.join("blog/a/img/x.png"), "x").unwrap();
        fs::write(root.join("blog/b/index.html"), "b").unwrap();
        age_tree(root);
        let first = list(root, &|_| false, None).unwrap();
        let mut remembered: Vec<_> = first.listing.folders.keys().cloned().collect();
        remembered.sort();
        assert_eq!(remembered, ["", "blog", "blog/a", "blog/a/img", "blog/b"]);

        fs::remove_dir_all(root.join("blog/a")).unwrap();
        age(&root.join("blog"));
        let again = list(root, &|_| false, Some(first.listing)).unwrap();
        assert!(again.changed);
        assert_eq!(again.folders_read, 1, "only blog/ is read");
        let mut remembered: Vec<_> = again.listing.folders.keys().cloned().collect();
        remembered.sort();
        assert_eq!(remembered, ["", "blog", "blog/b"]);
        assert_eq!(names(&again), ["blog/b/index.html"]);

        let same = list(root, &|_| false, Some(again.listing.clone())).unwrap();
        assert!(!same.changed);
        assert_eq!(
            same.listing,
            Listing {
                taken_ms: same.listing.taken_ms,
                ..again.listing
            }
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_link_to_a_file_is_listed_and_a_link_to_a_folder_is_not_entered() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir(root.join("sub")).unwrap();
        fs::write(root.join("sub/a.html"), "a").unwrap();
        std::os::unix::fs::symlink(root, root.join("sub/loop")).unwrap();
        std::os::unix::fs::symlink(root.join("sub/a.html"), root.join("b.html")).unwrap();
        let listed = list(root, &|_| false, None).unwrap();
        assert_eq!(names(&listed), ["b.html", "sub/a.html"]);
    }

    #[test]
    fn pruned_entries_are_neither_listed_nor_entered() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join(".git/objects")).unwrap();
        fs::write(root.join(".git/objects/x"), "x").unwrap();
        fs::write(root.join("a.html"), "a").unwrap();
        let listed = list(root, &|rel| rel.starts_with(".git"), None).unwrap();
        assert_eq!(names(&listed), ["a.html"]);
        assert_eq!(listed.folders_read, 1);
    }
}
