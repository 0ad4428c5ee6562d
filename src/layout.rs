//! What the site's folders hold, and what they never hold: the files an OS,
//! an editor or a version-control tool leaves in a folder are not part of
//! the site. Each folder kind has its own rule because each keeps something
//! the others drop (`static/` keeps dot-files like `.well-known/`), so the
//! rules live side by side here, built from the same pieces, rather than
//! drifting apart in the modules that walk those folders.

use std::path::Path;

/// The folders of a site (and of a theme, which has its own `static/` and
/// `templates/`), by their names under the site root.
pub const CONTENT: &str = "content";
pub const STATIC: &str = "static";
pub const TEMPLATES: &str = "templates";
pub const THEMES: &str = "themes";
/// Data files every template and shortcode reads as `data` (`src/data.rs`).
pub const DATA: &str = "data";
/// Where `ssg build` writes unless `build.output_dir` or `-o` says otherwise.
pub const DEFAULT_OUTPUT: &str = "public";

/// Extensions of Markdown files in `content/`: `.md`, and the longer names
/// Jekyll and Hugo accept too, so a moved site's files are pages as they are.
pub const MARKDOWN_EXTENSIONS: &[&str] = &["md", "markdown", "mdown", "mkd"];

/// The name of a Markdown file without its extension (`hello.markdown` →
/// `hello`); `None` for any other file.
pub fn markdown_stem(name: &str) -> Option<&str> {
    let (stem, ext) = name.rsplit_once('.')?;
    (!stem.is_empty() && MARKDOWN_EXTENSIONS.contains(&ext)).then_some(stem)
}

/// A file found under `dir` as the site names it: relative to `dir`, with
/// `/` between folders on every OS (a path not under `dir` is kept whole).
pub fn name_under(dir: &Path, path: &Path) -> String {
    path.strip_prefix(dir)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// A page bundle's page file: `index.md` (or `index.markdown`…).
pub fn is_bundle_index(name: &str) -> bool {
    markdown_stem(name) == Some("index")
}

/// A section's own page: `_index.md` (or `_index.markdown`…).
pub fn is_section_index(name: &str) -> bool {
    markdown_stem(name) == Some("_index")
}

/// The content path a section of folder `dir` is known by (`blog/_index.md`,
/// `_index.md` for the home page): what `@/` links and `get_section` name.
pub fn section_index_rel(dir: &str) -> String {
    if dir.is_empty() {
        "_index.md".to_string()
    } else {
        format!("{dir}/_index.md")
    }
}

/// Files an OS file browser drops into any folder it shows.
fn is_os_junk(name: &str) -> bool {
    name == ".DS_Store" || name == "Thumbs.db"
}

/// Backup and swap files editors write beside the file being edited
/// (`page.md~`, Vim's `.page.md.swp`).
fn is_backup_or_swap(name: &str) -> bool {
    name.ends_with('~') || name.ends_with(".swp")
}

/// An entry of `content/` or `templates/` (in the site or a theme) that is
/// not an input: hidden entries, editor leftovers (backups, swap files,
/// Emacs' `#autosave#`, `.tmp` files of editors that save by renaming).
/// Applied to folders too, so a hidden folder is skipped whole.
pub fn is_ignored_source(name: &str) -> bool {
    name.starts_with('.')
        || is_os_junk(name)
        || is_backup_or_swap(name)
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name.starts_with('#')
}

/// A file of `static/` that is not copied to the output. Dot-files are
/// kept: `.well-known/`, `.htaccess` and `.nojekyll` belong to the site.
pub fn is_static_junk(name: &str) -> bool {
    is_os_junk(name) || is_backup_or_swap(name)
}

/// Marks a new output file waiting beside its target (`index.html` +
/// this + the build's process id) until an in-place rebuild renames it
/// over the target; a killed build can leave one until the next build.
pub const PENDING_OUTPUT_MARK: &str = ".ssg-new-";

/// An entry of the output folder (`/`-separated, relative) a build leaves
/// alone: a top-level dot-entry (`.git` when the output is a repository of
/// its own, a hand-kept `.well-known`) is the user's, never removed by an
/// update in place nor lost when a whole write swaps in a new folder.
pub fn is_users_output_entry(rel: &str) -> bool {
    !rel.contains('/') && rel.starts_with('.')
}

/// A file of the output folder (`/`-separated, relative) that is never
/// uploaded: the output folder is often a repository of its own (GitHub
/// Pages style), OS junk may appear in it after a build, and a killed
/// build may have left pending outputs.
pub fn is_unpublished(rel: &str) -> bool {
    rel.split('/').any(|part| {
        matches!(part, ".git" | ".hg" | ".svn")
            || is_os_junk(part)
            || part.contains(PENDING_OUTPUT_MARK)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_files_are_known_by_every_extension_peers_accept() {
        assert_eq!(markdown_stem("a.md"), Some("a"));
        assert_eq!(markdown_stem("2019-03-02-a.markdown"), Some("2019-03-02-a"));
        assert_eq!(markdown_stem("a.mdown"), Some("a"));
        assert_eq!(markdown_stem("a.mkd"), Some("a"));
        for other in ["a.html", "md", ".md", "a.md.bak", "a.MD.txt"] {
            assert_eq!(markdown_stem(other), None, "{other}");
        }
        assert!(is_bundle_index("index.markdown") && !is_bundle_index("_index.md"));
        assert!(is_section_index("_index.mkd") && !is_section_index("index.md"));
    }

    #[test]
    fn os_junk_is_never_content() {
        assert!(is_ignored_source("Thumbs.db"));
        assert!(is_ignored_source(".DS_Store"));
        assert!(!is_ignored_source("photo.jpg"));
    }

    #[test]
    fn sources_skip_hidden_entries_and_editor_leftovers() {
        for name in [
            ".git",
            ".page.md.swp",
            "page.md~",
            "x.swx",
            "x.tmp",
            "#x.md#",
        ] {
            assert!(is_ignored_source(name), "{name}");
        }
        for name in ["page.md", "index.md", "photo.jpg", "a#b.md"] {
            assert!(!is_ignored_source(name), "{name}");
        }
    }

    #[test]
    fn static_keeps_dot_files() {
        for name in [".DS_Store", "Thumbs.db", "style.css~", ".style.css.swp"] {
            assert!(is_static_junk(name), "{name}");
        }
        for name in [".well-known", ".htaccess", "style.css"] {
            assert!(!is_static_junk(name), "{name}");
        }
    }

    #[test]
    fn builds_leave_the_output_folders_top_level_dot_entries() {
        for rel in [".git", ".well-known", ".nojekyll"] {
            assert!(is_users_output_entry(rel), "{rel}");
        }
        for rel in ["index.html", ".well-known/x", "blog/.git", "a.b"] {
            assert!(!is_users_output_entry(rel), "{rel}");
        }
    }

    #[test]
    fn publish_skips_version_control_os_junk_and_pending_outputs_anywhere() {
        let pending = "blog/x/index.html.ssg-new-4242";
        for rel in [
            ".git/HEAD",
            "blog/.svn/x",
            "img/.DS_Store",
            "Thumbs.db",
            pending,
        ] {
            assert!(is_unpublished(rel), "{rel}");
        }
        for rel in ["index.html", ".well-known/x", "a~", "blog/.gitkeep"] {
            assert!(!is_unpublished(rel), "{rel}");
        }
    }
}
