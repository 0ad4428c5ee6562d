//! Walks `content/` (walkdir, sorted so builds are deterministic), classifies
//! files, reads and parses them in parallel, and assigns URLs.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use rayon::prelude::*;
use walkdir::WalkDir;

use super::{Content, FrontMatter, Page, PageDate, Section, front_matter};
use crate::error::{BuildError, Diagnostic};
use crate::layout;
use crate::slug::slugify;

/// Content-relative file paths (with `/`), sorted.
fn list_files(content_dir: &Path) -> Result<Vec<String>, BuildError> {
    let mut files = Vec::new();
    if !content_dir.is_dir() {
        return Ok(files);
    }
    let walker = WalkDir::new(content_dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            e.depth() == 0 || !layout::is_ignored_source(&e.file_name().to_string_lossy())
        });
    for entry in walker {
        let entry = entry.map_err(|e| {
            BuildError::one(
                e.path().unwrap_or(content_dir).to_path_buf(),
                None,
                format!("cannot read: {e}"),
            )
        })?;
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(content_dir)
            .unwrap_or(entry.path())
            .to_string_lossy()
            .replace('\\', "/");
        files.push(rel);
    }
    Ok(files)
}

fn parent_dir(rel: &str) -> &str {
    rel.rsplit_once('/').map_or("", |(d, _)| d)
}

fn file_name(rel: &str) -> &str {
    rel.rsplit_once('/').map_or(rel, |(_, f)| f)
}

/// `2018-07-14-hello` → (date, `hello`).
fn split_date_prefix(stem: &str) -> (Option<PageDate>, &str) {
    if stem.len() > 11 && stem.is_char_boundary(10) {
        let (date, rest) = stem.split_at(10);
        if rest.starts_with(['-', '_'])
            && let Some(d) = PageDate::parse(date)
        {
            return (Some(d), &rest[1..]);
        }
    }
    (None, stem)
}

/// Reads a file as UTF-8, naming the line of the first bad byte otherwise.
pub fn read_text(path: &Path, shown: &Path) -> Result<String, Diagnostic> {
    let bytes = std::fs::read(path)
        .map_err(|e| Diagnostic::new(shown, None, format!("cannot read: {e}")))?;
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let line = bytes[..valid].iter().filter(|&&b| b == b'\n').count() + 1;
        Diagnostic::new(
            shown,
            Some(line),
            format!("not valid UTF-8 (byte {valid}); save the file as UTF-8"),
        )
    })
}

struct Parsed {
    front_matter: FrontMatter,
    body: String,
    body_line_offset: usize,
}

fn read_and_parse(content_dir: &Path, shown_dir: &Path, rel: &str) -> Result<Parsed, Diagnostic> {
    let shown = shown_dir.join(rel);
    let text = read_text(&content_dir.join(rel), &shown)?;
    let split = front_matter::parse(&text, &shown)?;
    Ok(Parsed {
        body: split.body.to_string(),
        body_line_offset: split.body_line_offset,
        front_matter: split.front_matter,
    })
}

/// The site path of a content folder: each segment slugified.
pub fn dir_path(dir: &str) -> String {
    let mut path = String::from("/");
    for seg in dir.split('/').filter(|s| !s.is_empty()) {
        let slug = slugify(seg);
        path.push_str(if slug.is_empty() { seg } else { &slug });
        path.push('/');
    }
    path
}

/// The page bundle folder `rel` lies in, if any.
fn bundle_of<'a>(bundles: &BTreeSet<&str>, rel: &'a str) -> Option<&'a str> {
    let mut dir = parent_dir(rel);
    loop {
        if bundles.contains(dir) {
            return Some(dir);
        }
        if dir.is_empty() {
            return None;
        }
        dir = parent_dir(dir);
    }
}

/// A page from its parsed file; `None` for a draft left out.
fn make_page(
    shown_dir: &Path,
    rel: String,
    p: Parsed,
    drafts: bool,
    assets: Vec<String>,
) -> Result<Option<Page>, Diagnostic> {
    let mut fm = p.front_matter;
    if fm.draft && !drafts {
        return Ok(None);
    }
    let name = file_name(&rel);
    let (section, stem) = if name == "index.md" {
        let bundle = parent_dir(&rel);
        (
            parent_dir(bundle).to_string(),
            file_name(bundle).to_string(),
        )
    } else {
        (
            parent_dir(&rel).to_string(),
            name.trim_end_matches(".md").to_string(),
        )
    };
    let (file_date, stem_rest) = split_date_prefix(&stem);
    if fm.date.is_none() {
        fm.date = file_date;
    }
    let slug_source = fm.slug.clone().unwrap_or_else(|| stem_rest.to_string());
    let mut slug = slugify(&slug_source);
    if slug.is_empty() {
        slug = slugify(&stem);
    }
    if slug.is_empty() {
        return Err(Diagnostic::new(
            shown_dir.join(&rel),
            None,
            "cannot make a URL from this name: give the page a `slug` with letters or digits",
        ));
    }
    let path = format!("{}{}/", dir_path(&section), slug);
    let tag_slugs = fm.tags.iter().map(|t| slugify(t)).collect();
    Ok(Some(Page {
        source: shown_dir.join(&rel),
        tag_slugs,
        assets,
        rel,
        section,
        front_matter: fm,
        body: p.body,
        body_line_offset: p.body_line_offset,
        slug,
        path,
        rendered: Default::default(),
        generation: super::next_generation(),
    }))
}

/// Reads one page file again (for incremental rebuilds). `Ok(None)`: a draft left out.
pub fn load_page(
    content_dir: &Path,
    shown_dir: &Path,
    rel: &str,
    drafts: bool,
    assets: Vec<String>,
) -> Result<Option<Page>, Diagnostic> {
    let parsed = read_and_parse(content_dir, shown_dir, rel)?;
    make_page(shown_dir, rel.to_string(), parsed, drafts, assets)
}

/// Reads `content/` into pages and sections with their URLs.
/// `shown_dir` is how the content folder is named in messages (`content`).
pub fn load(content_dir: &Path, shown_dir: &Path, drafts: bool) -> Result<Content, BuildError> {
    let files = list_files(content_dir)?;

    // A folder holding index.md is a page bundle: everything below it belongs to that page.
    let bundles: BTreeSet<&str> = files
        .iter()
        .filter(|f| file_name(f) == "index.md")
        .map(|f| parent_dir(f))
        .filter(|d| !d.is_empty())
        .collect();

    let mut page_files = Vec::new();
    let mut section_files = BTreeMap::new();
    let mut bundle_assets: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let mut section_assets: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut section_dirs: BTreeSet<String> = BTreeSet::from([String::new()]);
    let mut warnings = Vec::new();

    for rel in &files {
        let name = file_name(rel);
        let is_md = name.ends_with(".md");
        match bundle_of(&bundles, rel) {
            Some(bundle) if rel != &format!("{bundle}/index.md") => {
                if is_md {
                    warnings.push(Diagnostic::new(
                        shown_dir.join(rel),
                        None,
                        format!("ignored: Markdown inside the page bundle {bundle}/ (only index.md is a page there)"),
                    ));
                } else {
                    bundle_assets.entry(bundle).or_default().push(rel.clone());
                }
                continue;
            }
            _ => {}
        }
        let dir = if name == "index.md" {
            parent_dir(parent_dir(rel))
        } else {
            parent_dir(rel)
        };
        // Every ancestor folder of a page is a section, so listings nest.
        let mut d = dir;
        while !d.is_empty() {
            section_dirs.insert(d.to_string());
            d = parent_dir(d);
        }
        if name == "_index.md" {
            section_files.insert(dir.to_string(), rel.clone());
        } else if is_md {
            page_files.push(rel.clone());
        } else {
            section_assets
                .entry(dir.to_string())
                .or_default()
                .push(rel.clone());
        }
    }

    let parsed_pages: Vec<Result<(String, Parsed), Diagnostic>> = page_files
        .par_iter()
        .map(|rel| read_and_parse(content_dir, shown_dir, rel).map(|p| (rel.clone(), p)))
        .collect();
    let parsed_sections: Vec<Result<(String, Parsed), Diagnostic>> = section_files
        .par_iter()
        .map(|(dir, rel)| read_and_parse(content_dir, shown_dir, rel).map(|p| (dir.clone(), p)))
        .collect();

    let mut errors = Vec::new();
    let mut sections = Vec::new();
    let mut section_parsed: BTreeMap<String, Parsed> = BTreeMap::new();
    for r in parsed_sections {
        match r {
            Ok((dir, p)) => {
                section_parsed.insert(dir, p);
            }
            Err(d) => errors.push(d),
        }
    }
    for dir in &section_dirs {
        let parsed = section_parsed.remove(dir);
        let source = section_files.get(dir).map(|rel| shown_dir.join(rel));
        let (front_matter, body, body_line_offset) = match parsed {
            Some(p) => (p.front_matter, p.body, p.body_line_offset),
            None => (FrontMatter::default(), String::new(), 0),
        };
        sections.push(Section {
            dir: dir.clone(),
            source,
            front_matter,
            body,
            body_line_offset,
            path: dir_path(dir),
            assets: section_assets.remove(dir).unwrap_or_default(),
            rendered: Default::default(),
        });
    }

    let mut pages = Vec::new();
    for r in parsed_pages {
        let (rel, p) = match r {
            Ok(v) => v,
            Err(d) => {
                errors.push(d);
                continue;
            }
        };
        let assets = if file_name(&rel) == "index.md" {
            bundle_assets
                .get(parent_dir(&rel))
                .cloned()
                .unwrap_or_default()
        } else {
            Vec::new()
        };
        match make_page(shown_dir, rel, p, drafts, assets) {
            Ok(Some(page)) => pages.push(page),
            Ok(None) => {}
            Err(d) => errors.push(d),
        }
    }
    if !errors.is_empty() {
        return Err(errors.into());
    }
    for w in warnings {
        crate::log::warn(&w.to_string());
    }
    Ok(Content { pages, sections })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_prefix_is_split() {
        let (d, rest) = split_date_prefix("2018-07-14-hello-world");
        assert_eq!(d.unwrap().to_text(), "2018-07-14");
        assert_eq!(rest, "hello-world");
        assert_eq!(split_date_prefix("hello").1, "hello");
    }

    #[test]
    fn folder_paths_are_slugged() {
        assert_eq!(dir_path(""), "/");
        assert_eq!(dir_path("My Blog/2024"), "/my-blog/2024/");
    }
}
