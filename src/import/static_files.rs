//! The files a source site serves as they are (Hugo's and Zola's
//! `static/` folders), added to an import plan as copies. Its own room so
//! each reader takes it from here rather than from the module above it.

use std::path::Path;

use super::plan::{CopyFile, Plan};

/// Adds every file under `SRC/from` to the plan as a copy into `DEST/to`
/// (same relative paths), skipping what no site keeps (`.DS_Store`, editor
/// backups). Shared by the readers for `static/`-like folders.
pub fn copy_tree(src: &Path, from: &str, to: &str, plan: &mut Plan) {
    let root = src.join(from);
    if !root.is_dir() {
        return;
    }
    let walker = walkdir::WalkDir::new(&root).sort_by_file_name().into_iter();
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                let at = err.path().unwrap_or(&root);
                let rel = at.strip_prefix(src).unwrap_or(at).to_path_buf();
                plan.report.note(
                    rel,
                    None,
                    format!("cannot read: {err}"),
                    "check its permissions and import again",
                );
                continue;
            }
        };
        let name = entry.file_name().to_string_lossy();
        if !entry.file_type().is_file() || crate::layout::is_static_junk(&name) {
            continue;
        }
        let Ok(inner) = entry.path().strip_prefix(&root) else {
            continue;
        };
        let inner = inner.to_string_lossy().replace('\\', "/");
        // An unreadable file is reported now, so the write cannot fail on it.
        if let Err(err) = std::fs::File::open(entry.path()) {
            let rel = Path::new(from).join(&inner);
            plan.report.note(
                rel,
                None,
                format!("not copied: {err}"),
                "check its permissions and import again",
            );
            continue;
        }
        if to == "static"
            && let Some(text) = builtin_override(&inner, entry.path())
        {
            plan.texts.push((format!("templates/{inner}"), text));
            continue;
        }
        plan.copies.push(CopyFile {
            from: Path::new(from).join(&inner),
            to: format!("{to}/{inner}"),
        });
    }
}

/// Files ssg writes itself at the site's root (`robots.txt`, `404.html`):
/// a static copy would claim the same URL and stop the build, so the old
/// site's file becomes the template that replaces ssg's own, its text kept
/// as written (`{% raw %}`).
fn builtin_override(inner: &str, path: &Path) -> Option<String> {
    if !matches!(inner, "robots.txt" | "404.html") {
        return None;
    }
    let text = std::fs::read_to_string(path).ok()?;
    Some(format!("{{% raw %}}{text}{{% endraw %}}"))
}

/// Adds the data files under `SRC/from` as copies into `DEST/data/`, and
/// reports those of a format ssg does not read (it reads `data::FORMATS`).
pub fn copy_data(src: &Path, from: &str, plan: &mut Plan) {
    let before = plan.copies.len();
    copy_tree(src, from, crate::layout::DATA, plan);
    for copy in &plan.copies[before..] {
        let ext = copy.from.extension().and_then(|e| e.to_str()).unwrap_or("");
        if !crate::data::FORMATS.contains(&ext) {
            plan.report.note(
                &copy.from,
                None,
                format!("copied, but ssg reads no .{ext} data (only TOML, YAML, JSON and CSV)"),
                "convert it to one of those if a template reads it",
            );
        }
    }
}
