//! Which files of a Jekyll site are posts, drafts, pages, collection
//! documents or static files — Jekyll's own reading rules (`reader.rb`,
//! `entry_filter.rb`): names starting with `_`, `.` or `#` or ending in `~`
//! are skipped unless `include:` names them, `exclude:` patterns too;
//! `_posts/` and `_drafts/` count at any depth (`jekyll/_posts/` gives the
//! category `jekyll`); a file is rendered only when it starts with `---`,
//! and copied as it is otherwise.

use std::io::{BufRead as _, BufReader};
use std::path::Path;

use super::config::Settings;
use super::dates::split_dated_name;
use crate::import::Report;

/// What Jekyll makes of a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// Under `_posts/`, with the folders above it as categories.
    Post {
        categories: Vec<String>,
    },
    Draft {
        categories: Vec<String>,
    },
    Page,
    /// In `_NAME/` of a collection.
    Document {
        collection: String,
        output: bool,
    },
    /// Copied byte for byte.
    Static,
}

#[derive(Debug, Clone)]
pub struct Entry {
    /// Relative to the site, with `/`.
    pub rel: String,
    pub kind: Kind,
}

/// What Jekyll skips without being told (its default `exclude`).
const DEFAULT_EXCLUDES: &[&str] = &[
    "Gemfile",
    "Gemfile.lock",
    "node_modules",
    "vendor/bundle",
    "vendor/cache",
    "vendor/gems",
    "vendor/ruby",
    "gemfiles",
];

/// Every file of the site Jekyll would read, classified; the rest (layouts,
/// includes, Sass partials, data, plugins, the built `_site/`) is named once
/// in the report.
pub fn scan(src: &Path, settings: &Settings, report: &mut Report) -> Vec<Entry> {
    let mut entries = Vec::new();
    let mut skipped = Vec::new();
    let filter = Filter::new(settings);
    let walker = walkdir::WalkDir::new(src)
        .min_depth(1)
        .sort_by_file_name()
        .into_iter();
    let walker = walker.filter_entry(|e| {
        let rel = rel_of(src, e.path());
        let keep = filter.keeps(&rel);
        if !keep && e.depth() == 1 {
            skipped.push(rel);
        }
        keep
    });
    for item in walker {
        let entry = match item {
            Ok(entry) => entry,
            Err(err) => {
                let rel = err.path().map(|p| rel_of(src, p)).unwrap_or_default();
                report.note(
                    rel,
                    None,
                    format!("cannot read: {err}"),
                    "check its permissions; it was not imported",
                );
                continue;
            }
        };
        if entry.file_type().is_dir() {
            continue;
        }
        let rel = rel_of(src, entry.path());
        match classify(src, &rel, settings) {
            Ok(kind) => entries.push(Entry { rel, kind }),
            Err((message, action)) => report.note(rel, None, message, action),
        }
    }
    note_skipped(&skipped, report);
    entries
}

fn rel_of(src: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(src).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Jekyll's entry filter, its `exclude` patterns compiled once.
struct Filter<'a> {
    settings: &'a Settings,
    /// Excluded paths (and everything under them).
    excluded: Vec<String>,
    /// Excluded glob patterns (`*.gemspec`).
    globs: globset::GlobSet,
}

impl<'a> Filter<'a> {
    fn new(settings: &'a Settings) -> Filter<'a> {
        let patterns: Vec<String> = settings
            .exclude
            .iter()
            .map(String::as_str)
            .chain(DEFAULT_EXCLUDES.iter().copied())
            .map(|p| p.trim_matches('/').to_string())
            .collect();
        let mut globs = globset::GlobSetBuilder::new();
        for p in &patterns {
            if let Ok(glob) = globset::Glob::new(p) {
                globs.add(glob);
            }
        }
        Filter {
            settings,
            excluded: patterns,
            globs: globs.build().unwrap_or_else(|_| globset::GlobSet::empty()),
        }
    }

    /// Whether Jekyll reads the file or folder at `rel`.
    fn keeps(&self, rel: &str) -> bool {
        let name = rel.rsplit('/').next().unwrap_or(rel);
        let included = self
            .settings
            .include
            .iter()
            .any(|i| i.trim_matches('/') == rel || i == name);
        if included {
            return true;
        }
        let special = name.starts_with('_') && !is_content_dir(rel, name, self.settings);
        if special || name.starts_with('.') || name.starts_with('#') || name.ends_with('~') {
            return false;
        }
        let excluded = self
            .excluded
            .iter()
            .any(|p| rel == p || rel.starts_with(&format!("{p}/")));
        !excluded && !self.globs.is_match(rel)
    }
}

/// `_posts` and `_drafts` at any depth, and collection folders at the top.
fn is_content_dir(rel: &str, name: &str, settings: &Settings) -> bool {
    if name == "_posts" || name == "_drafts" {
        return true;
    }
    let top = !rel.contains('/');
    top && name
        .strip_prefix('_')
        .is_some_and(|n| settings.collections.iter().any(|c| c.name == n))
}

/// The file's kind, or why it is not imported and what to do.
fn classify(src: &Path, rel: &str, settings: &Settings) -> Result<Kind, (String, &'static str)> {
    let parts: Vec<&str> = rel.split('/').collect();
    let rendered = starts_with_fence(&src.join(rel))
        .map_err(|e| (e, "check its permissions; it was not imported"))?;
    let above = |dir: &str| -> Option<Vec<String>> {
        let at = parts.iter().position(|p| *p == dir)?;
        Some(parts[..at].iter().map(|p| p.to_string()).collect())
    };
    // In `_posts/` a dated name makes a post, front matter or not, and
    // Jekyll skips anything else; in `_drafts/` any file with an extension
    // is a draft (its `PostReader`).
    let name = parts.last().copied().unwrap_or("");
    let stem = name
        .rsplit_once('.')
        .map(|(stem, _)| stem)
        .filter(|s| !s.is_empty());
    if let Some(categories) = above("_posts") {
        return match stem.and_then(split_dated_name) {
            Some(_) => Ok(Kind::Post { categories }),
            None => Err((
                "in _posts/ but not named YYYY-MM-DD-title.EXT: Jekyll skips it".into(),
                "rename it to import it",
            )),
        };
    }
    if let Some(categories) = above("_drafts") {
        return match stem {
            Some(_) => Ok(Kind::Draft { categories }),
            None => Err((
                "in _drafts/ without an extension: Jekyll skips it".into(),
                "rename it to import it",
            )),
        };
    }
    let first = parts.first().copied().unwrap_or("");
    if let Some(c) = settings
        .collections
        .iter()
        .find(|c| format!("_{}", c.name) == first)
    {
        return Ok(if rendered {
            Kind::Document {
                collection: c.name.clone(),
                output: c.output,
            }
        } else {
            Kind::Static
        });
    }
    Ok(if rendered { Kind::Page } else { Kind::Static })
}

/// Jekyll's `has_yaml_header?`: the first line is `---`.
fn starts_with_fence(path: &Path) -> Result<bool, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("cannot read: {e}"))?;
    let mut first = Vec::new();
    BufReader::new(file)
        .read_until(b'\n', &mut first)
        .map_err(|e| format!("cannot read: {e}"))?;
    let first = first.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&first);
    Ok(first.ends_with(b"\n") && first.trim_ascii_end() == b"---")
}

/// One note for what Jekyll builds with and ssg does not read.
fn note_skipped(skipped: &[String], report: &mut Report) {
    let templates: Vec<&str> = skipped
        .iter()
        .map(String::as_str)
        .filter(|n| {
            let build_file = n.starts_with('_') || n.starts_with("Gemfile");
            // `_data/` is copied to `data/` (see `data_files`).
            build_file && !matches!(*n, "_site" | "_data" | super::config::CONFIG_NAME)
        })
        .collect();
    if !templates.is_empty() {
        report.note(
            templates.join(", "),
            None,
            "templates, includes, Sass, data, plugins and gems are not converted; the default theme is used",
            "port what you need into templates/ (Tera) and static/",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(config: &str) -> Settings {
        super::super::config::parse(config, &mut Report::default()).1
    }

    #[test]
    fn entry_filter_follows_jekyll() {
        let s = settings(
            "exclude: [scripts/, '*.gemspec']\ninclude: [_redirects]\ncollections: [recipes]\n",
        );
        for kept in [
            "_posts",
            "cat/_posts",
            "_drafts",
            "_recipes",
            "_redirects",
            "assets/a.png",
            "about.md",
        ] {
            assert!(Filter::new(&s).keeps(kept), "{kept}");
        }
        for skipped in [
            "_layouts",
            "_site",
            ".git",
            "#x#",
            "x~",
            "scripts",
            "scripts/a.sh",
            "my.gemspec",
            "Gemfile",
            "node_modules",
            ".htaccess",
            "assets/_private",
        ] {
            assert!(!Filter::new(&s).keeps(skipped), "{skipped}");
        }
        assert!(
            Filter::new(&settings("title: x\n")).keeps(".htaccess"),
            "Jekyll includes .htaccess by default"
        );
    }
}
