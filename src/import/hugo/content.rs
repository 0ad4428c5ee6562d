//! Hugo's content folder sorted into what each file is: regular pages,
//! leaf bundles (`trip/index.md` with its files), branch bundles
//! (`_index.md`), and the other files copied beside them.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use super::config::HugoConfig;
use super::front_matter;
use super::page::{self, HugoPage, PageKind};
use crate::import::Report;

/// Markdown file extensions Hugo reads as content.
pub const MARKDOWN: &[&str] = &["md", "markdown", "mdown", "mkd", "mkdn"];
/// Content formats Hugo renders through external tools; not converted.
const OTHER_FORMATS: &[&str] = &["org", "adoc", "asciidoc", "ad", "rst", "pandoc", "pdc"];

/// The content folder, sorted.
#[derive(Debug, Default)]
pub struct Walked {
    pub pages: Vec<HugoPage>,
    /// Other files, content-relative.
    pub files: Vec<String>,
    /// Folders (content-relative) that are leaf bundles.
    pub bundles: Vec<String>,
}

fn extension(name: &str) -> String {
    name.rsplit_once('.')
        .map(|(_, e)| e.to_lowercase())
        .unwrap_or_default()
}

fn stem(name: &str) -> &str {
    name.rsplit_once('.').map_or(name, |(s, _)| s)
}

/// Every file of the content folder, content-relative, sorted.
fn list(dir: &Path, report: &mut Report, shown: &Path) -> Vec<String> {
    let mut files = Vec::new();
    let walker = WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            e.depth() == 0 || !crate::layout::is_ignored_source(&e.file_name().to_string_lossy())
        });
    for entry in walker {
        match entry {
            Ok(e) if e.file_type().is_file() => {
                let rel = e.path().strip_prefix(dir).unwrap_or(e.path());
                files.push(rel.to_string_lossy().replace('\\', "/"));
            }
            Ok(_) => {}
            Err(e) => {
                let at = e
                    .path()
                    .and_then(|p| p.strip_prefix(dir).ok())
                    .map_or_else(|| shown.to_path_buf(), |p| shown.join(p));
                report.note(
                    at,
                    None,
                    format!("cannot read: {e}"),
                    "check its permissions and import again",
                );
            }
        }
    }
    files
}

/// Reads the content folder: pages parsed and mapped, other files listed.
pub fn walk(src: &Path, hugo: &HugoConfig, report: &mut Report) -> Walked {
    let shown = PathBuf::from(&hugo.content_dir);
    let dir = src.join(&hugo.content_dir);
    let mut walked = Walked::default();
    if !dir.is_dir() {
        report.note(&shown, None, "no content folder: no pages to import", "");
        return walked;
    }
    let files = list(&dir, report, &shown);
    walked.bundles = folders_named(&files, "index").into_iter().collect();
    let sections = folders_named(&files, "_index");
    for rel in files {
        let name = rel.rsplit_once('/').map_or(rel.as_str(), |(_, n)| n);
        let ext = extension(name);
        if !MARKDOWN.contains(&ext.as_str()) {
            if OTHER_FORMATS.contains(&ext.as_str()) {
                report.note(
                    shown.join(&rel),
                    None,
                    format!(".{ext} content is not converted: ssg reads Markdown only"),
                    "convert it to Markdown (pandoc can)",
                );
            } else {
                walked.files.push(rel);
            }
            continue;
        }
        if let Some(lang) = translation(name, &hugo.other_languages) {
            let original = without_language(&rel);
            let kind = kind_of(&original);
            let read = read_one(&dir, hugo, (&rel, &original), kind, &sections, report);
            if let Some(page) = read {
                walked.pages.push(translated(page, lang));
            }
            continue;
        }
        let kind = kind_of(&rel);
        if kind == PageKind::Regular && in_bundle(&walked.bundles, &rel).is_some() {
            report.note(
                shown.join(&rel),
                None,
                "Markdown resource of a page bundle is not a page; not imported",
                "move it out of the bundle to make it a page",
            );
            continue;
        }
        if let Some(page) = read_one(&dir, hugo, (&rel, &rel), kind, &sections, report) {
            walked.pages.push(page);
        }
    }
    walked
}

/// The folders holding a Markdown file named `stem` (`index`: leaf
/// bundles; `_index`: sections); the content root is never one.
fn folders_named(files: &[String], wanted: &str) -> BTreeSet<String> {
    files
        .iter()
        .filter_map(|f| {
            let (d, name) = f.rsplit_once('/')?;
            (stem(name) == wanted && MARKDOWN.contains(&extension(name).as_str()))
                .then(|| d.to_string())
        })
        .collect()
}

/// The language of a translation file (`post.fr.md` → `fr`) when it is
/// one of `languages`.
fn translation<'a>(name: &str, languages: &'a [String]) -> Option<&'a str> {
    let (_, lang) = stem(name).rsplit_once('.')?;
    let lang = lang.to_lowercase();
    languages.iter().find(|l| **l == lang).map(String::as_str)
}

/// The leaf bundle `rel` lies in, if any.
pub fn in_bundle<'a>(bundles: &'a [String], rel: &str) -> Option<&'a str> {
    bundles
        .iter()
        .find(|b| {
            rel.strip_prefix(b.as_str())
                .is_some_and(|r| r.starts_with('/'))
        })
        .map(String::as_str)
}

/// What a page file is by its name: a section's `_index`, a bundle's
/// `index`, or a page of its own.
fn kind_of(rel: &str) -> PageKind {
    let name = rel.rsplit_once('/').map_or(rel, |(_, n)| n);
    match stem(name) {
        "_index" => PageKind::Section,
        "index" if rel.contains('/') => PageKind::Bundle,
        _ => PageKind::Regular,
    }
}

/// `posts/x.fr.md` → `posts/x.md`: where the page it translates is.
fn without_language(rel: &str) -> String {
    let (dir, name) = rel.rsplit_once('/').map_or(("", rel), |(d, n)| (d, n));
    let ext = extension(name);
    let stem = stem(name);
    let original = stem.rsplit_once('.').map_or(stem, |(s, _)| s);
    match dir {
        "" => format!("{original}.{ext}"),
        dir => format!("{dir}/{original}.{ext}"),
    }
}

/// A translation read as the page it translates (its URL by the same
/// rules, from its own front matter), moved under its language: Hugo
/// publishes it at `/LANG/` + that URL, and ssg links the two by their
/// places (`content/LANG/…` with `lang`; `page.translations`).
fn translated(mut page: HugoPage, lang: &str) -> HugoPage {
    page.url = format!("/{lang}{}", page.url);
    let inner = page.dest.strip_prefix("content/").unwrap_or(&page.dest);
    page.dest = format!("content/{lang}/{inner}");
    page.front_matter.path = page.front_matter.path.take().map(|p| format!("/{lang}{p}"));
    page.front_matter.lang = Some(lang.to_string());
    // The page it translates puts the entry in the menu.
    page.menu.clear();
    page
}

/// Reads `file` (content-relative) as the page at `as_rel`: a
/// translation is read as the page it translates.
fn read_one(
    dir: &Path,
    hugo: &HugoConfig,
    (file, as_rel): (&str, &str),
    kind: PageKind,
    sections: &BTreeSet<String>,
    report: &mut Report,
) -> Option<HugoPage> {
    let shown = PathBuf::from(&hugo.content_dir).join(file);
    let text = match crate::error::read_text(&dir.join(file), &shown) {
        Ok(text) => text,
        Err(d) => {
            report.note(
                &shown,
                d.line,
                format!("{}; not imported", d.message),
                "fix the file and import again",
            );
            return None;
        }
    };
    match front_matter::split(&text) {
        Ok(split) => {
            let before = report.findings.len();
            let mut page = page::read(hugo, as_rel, kind, split, sections, report);
            // What was found in it is reported at the file it is in.
            for finding in &mut report.findings[before..] {
                if finding.file == page.source {
                    finding.file = shown.clone();
                }
            }
            page.rel = file.to_string();
            page.source = shown;
            Some(page)
        }
        Err(broken) => {
            report.note(
                &shown,
                Some(broken.line),
                format!("{}; not imported", broken.message),
                "fix the front matter and import again",
            );
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn translations_are_known_by_their_language_suffix() {
        let langs = vec!["fr".to_string(), "de".to_string()];
        assert_eq!(translation("post.fr.md", &langs), Some("fr"));
        assert_eq!(translation("_index.DE.md", &langs), Some("de"));
        assert_eq!(translation("post.en.md", &langs), None);
        assert_eq!(translation("v1.2.md", &langs), None);
    }

    #[test]
    fn bundles_and_sections_are_folders_with_their_file() {
        let files: Vec<String> = [
            "a/index.md",
            "a/x.jpg",
            "b/_index.markdown",
            "index.md",
            "c/d/index.mdown",
        ]
        .map(String::from)
        .to_vec();
        let bundles: Vec<String> = folders_named(&files, "index").into_iter().collect();
        assert_eq!(bundles, ["a", "c/d"]);
        assert_eq!(in_bundle(&bundles, "a/x.jpg"), Some("a"));
        assert_eq!(in_bundle(&bundles, "ab/x.jpg"), None);
        assert!(folders_named(&files, "_index").contains("b"));
    }
}
