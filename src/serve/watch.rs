//! Watching the site's inputs with notify + notify-debouncer-full, tuned
//! short so a save reaches the browser fast. Editors that save by writing a
//! temporary file and renaming it produce bursts; the debouncer folds them.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use anyhow::{Context as _, Result};
use notify::event::{MetadataKind, ModifyKind};
use notify::{EventKind, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};

use crate::config::CONFIG_FILE;
use crate::layout::{CONTENT, DATA, STATIC, TEMPLATES, THEMES};

/// Quiet time after the last event before a rebuild starts.
pub const DEBOUNCE: Duration = Duration::from_millis(10);
/// Folders whose changes matter.
pub const WATCHED_DIRS: &[&str] = &[CONTENT, STATIC, TEMPLATES, THEMES, DATA];

pub type Watcher = Debouncer<notify::RecommendedWatcher, RecommendedCache>;

/// Whether a changed path is an input of the site (and not editor litter).
pub fn is_input(root: &Path, path: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(root) else {
        return false;
    };
    let name = rel
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    if crate::layout::is_ignored_source(&name) && !rel.components().any(|c| c.as_os_str() == STATIC)
    {
        return false;
    }
    if rel == Path::new(CONFIG_FILE) {
        return true;
    }
    let first = rel
        .components()
        .next()
        .map(|c| c.as_os_str().to_string_lossy().into_owned());
    first.is_some_and(|f| WATCHED_DIRS.contains(&f.as_str()))
}

/// Reads are events too (the rebuild itself opens every file): only
/// creations, writes, renames and removals count.
fn changes_content(kind: &EventKind) -> bool {
    match kind {
        EventKind::Create(_) | EventKind::Remove(_) | EventKind::Any => true,
        EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime)) => false,
        EventKind::Modify(_) => true,
        EventKind::Access(_) | EventKind::Other => false,
    }
}

/// Starts watching; batches of changed input paths arrive on the receiver.
pub fn start(root: &Path) -> Result<(Watcher, mpsc::Receiver<Vec<PathBuf>>)> {
    let (tx, rx) = mpsc::channel();
    let root_owned = root.to_path_buf();
    let mut debouncer = new_debouncer(DEBOUNCE, None, move |result: DebounceEventResult| {
        let Ok(events) = result else { return };
        let mut paths: Vec<PathBuf> = events
            .iter()
            .filter(|e| changes_content(&e.kind))
            .flat_map(|e| e.paths.iter())
            .filter(|p| is_input(&root_owned, p))
            .cloned()
            .collect();
        paths.sort();
        paths.dedup();
        if !paths.is_empty() {
            let _ = tx.send(paths);
        }
    })
    .context("cannot start the file watcher")?;
    // The root itself non-recursively (ssg.toml, folders created later); the
    // input folders recursively. Never the whole root: public/ and target/ live there.
    debouncer
        .watch(root, RecursiveMode::NonRecursive)
        .with_context(|| format!("cannot watch {}", root.display()))?;
    for dir in WATCHED_DIRS {
        let path = root.join(dir);
        if path.is_dir() {
            debouncer
                .watch(&path, RecursiveMode::Recursive)
                .with_context(|| format!("cannot watch {}", path.display()))?;
        }
    }
    Ok((debouncer, rx))
}

/// Starts watching input folders that were created after the server started.
pub fn watch_new_dirs(watcher: &mut Watcher, root: &Path, changed: &[PathBuf]) {
    for path in changed {
        if path.parent() == Some(root) && path.is_dir() && is_input(root, path) {
            let _ = watcher.watch(path, RecursiveMode::Recursive);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_input;
    use std::path::Path;

    #[test]
    fn inputs_are_recognised() {
        let root = Path::new("/site");
        assert!(is_input(root, Path::new("/site/content/a.md")));
        assert!(is_input(root, Path::new("/site/ssg.toml")));
        assert!(is_input(root, Path::new("/site/static/.well-known/x")));
        assert!(is_input(root, Path::new("/site/data/team.toml")));
        assert!(!is_input(root, Path::new("/site/public/index.html")));
        assert!(!is_input(root, Path::new("/site/content/.a.md.swp")));
        assert!(!is_input(root, Path::new("/site/content/a.md~")));
        assert!(!is_input(root, Path::new("/elsewhere/content/a.md")));
    }
}
