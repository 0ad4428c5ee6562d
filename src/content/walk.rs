//! Walks `content/` (walkdir, sorted so builds are deterministic), classifies
//! files, reads and parses them in parallel, and assigns URLs.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use rayon::prelude::*;
use walkdir::WalkDir;

use super::{Content, FrontMatter, Page, PageDate, Section, front_matter};
use crate::error::{BuildError, Diagnostic, read_text};
use crate::layout;
use crate::packed::PackedText;
use crate::slug::slugify;
use crate::urlpath;

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
        let rel = layout::name_under(content_dir, entry.path());
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

/// The date in a URL path of the form `…/YYYY/MM/DD/…` (Zola's `path`,
/// Hugo's `url` and Jekyll's default permalinks keep a post's date there).
fn date_in_path(path: &str) -> Option<PageDate> {
    let segments: Vec<&str> = path.split('/').collect();
    segments.windows(3).find_map(|w| {
        let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
        (digits(w[0], 4) && digits(w[1], 2) && digits(w[2], 2))
            .then(|| PageDate::parse(&format!("{}-{}-{}", w[0], w[1], w[2])))
            .flatten()
    })
}

struct Parsed {
    front_matter: FrontMatter,
    /// Packed as soon as it is read: the site holds every body at once.
    body: PackedText,
    body_line_offset: usize,
}

fn read_and_parse(content_dir: &Path, shown_dir: &Path, rel: &str) -> Result<Parsed, Diagnostic> {
    let shown = shown_dir.join(rel);
    let text = read_text(&content_dir.join(rel), &shown)?;
    let split = front_matter::parse(&text, &shown)?;
    Ok(Parsed {
        body: PackedText::new(split.body.to_string()),
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

/// Where a page file sits in the site, from its content-relative path and
/// front matter `slug` alone: the one rule for a page's URL, which
/// `ssg import` asks too to know when an old URL needs a `path`.
pub struct PagePlace {
    /// Content-relative folder of the owning section.
    pub section: String,
    /// The date in a `YYYY-MM-DD-` file (or bundle folder) name.
    pub file_date: Option<PageDate>,
    /// Empty when neither `slug` nor the name has a letter or digit.
    pub slug: String,
}

impl PagePlace {
    pub fn of(rel: &str, slug: Option<&str>) -> PagePlace {
        let name = file_name(rel);
        let (section, stem) = if layout::is_bundle_index(name) {
            let bundle = parent_dir(rel);
            (parent_dir(bundle), file_name(bundle))
        } else {
            (parent_dir(rel), layout::markdown_stem(name).unwrap_or(name))
        };
        let (file_date, stem_rest) = split_date_prefix(stem);
        let mut slug = slugify(slug.unwrap_or(stem_rest));
        if slug.is_empty() {
            slug = slugify(stem);
        }
        PagePlace {
            section: section.to_string(),
            file_date,
            slug,
        }
    }

    /// The site path a page gets without `path`: `/blog/hello/`.
    pub fn default_path(&self) -> String {
        format!("{}{}/", dir_path(&self.section), self.slug)
    }
}

/// What the site's config decides about each page it reads.
#[derive(Debug, Clone, Copy)]
pub struct PageRules<'a> {
    /// Whether drafts are pages (else they are left out).
    pub drafts: bool,
    /// The site's taxonomy names, `tags` first (`crate::taxonomy::declared_names`).
    pub taxonomies: &'a [String],
}

/// A page from its parsed file; `None` for a draft left out.
fn make_page(
    shown_dir: &Path,
    rel: String,
    p: Parsed,
    rules: PageRules,
    assets: Vec<String>,
) -> Result<Option<Page>, Diagnostic> {
    let mut fm = p.front_matter;
    let drafts = rules.drafts;
    if fm.draft && !drafts {
        return Ok(None);
    }
    let place = PagePlace::of(&rel, fm.slug.as_deref());
    if fm.date.is_none() {
        fm.date = (place.file_date.clone()).or_else(|| fm.path.as_deref().and_then(date_in_path));
    }
    if place.slug.is_empty() {
        return Err(Diagnostic::new(
            shown_dir.join(&rel),
            None,
            "cannot make a URL from this name: give the page a `slug` with letters or digits",
        ));
    }
    let path = match &fm.path {
        Some(written) => urlpath::normalize(written),
        None => place.default_path(),
    };
    let PagePlace { section, slug, .. } = place;
    let terms = crate::taxonomy::page_terms(&mut fm, rules.taxonomies);
    Ok(Some(Page {
        source: shown_dir.join(&rel),
        terms,
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
    rules: PageRules,
    assets: Vec<String>,
) -> Result<Option<Page>, Diagnostic> {
    let parsed = read_and_parse(content_dir, shown_dir, rel)?;
    make_page(shown_dir, rel.to_string(), parsed, rules, assets)
}

/// The files of `content/` sorted by what each becomes, before any is read.
struct Sorted<'a> {
    /// Page files: `blog/hello.md` and bundles' `blog/trip/index.md`.
    pages: Vec<&'a str>,
    /// Section folder → its `_index.md`.
    section_files: BTreeMap<String, &'a str>,
    /// Every section folder: the root and every ancestor folder of a file.
    section_dirs: BTreeSet<String>,
    section_assets: BTreeMap<String, Vec<String>>,
    bundle_assets: BTreeMap<&'a str, Vec<String>>,
    warnings: Vec<Diagnostic>,
}

impl<'a> Sorted<'a> {
    fn new(files: &'a [String], shown_dir: &Path) -> Sorted<'a> {
        // A folder holding index.md is a page bundle: everything below it belongs to that page.
        let bundles: BTreeSet<&str> = files
            .iter()
            .filter(|f| layout::is_bundle_index(file_name(f)))
            .map(|f| parent_dir(f))
            .filter(|d| !d.is_empty())
            .collect();
        let mut sorted = Sorted {
            pages: Vec::new(),
            section_files: BTreeMap::new(),
            section_dirs: BTreeSet::from([String::new()]),
            section_assets: BTreeMap::new(),
            bundle_assets: BTreeMap::new(),
            warnings: Vec::new(),
        };
        for rel in files {
            match bundle_of(&bundles, rel) {
                Some(bundle)
                    if !(layout::is_bundle_index(file_name(rel)) && parent_dir(rel) == bundle) =>
                {
                    sorted.add_bundle_file(bundle, rel, shown_dir);
                }
                _ => sorted.add_section_file(rel),
            }
        }
        sorted
    }

    /// A file inside a page bundle other than its `index.md`: an asset of
    /// the page, or Markdown that is nothing (and said so).
    fn add_bundle_file(&mut self, bundle: &'a str, rel: &str, shown_dir: &Path) {
        if layout::markdown_stem(file_name(rel)).is_some() {
            self.warnings.push(Diagnostic::new(
                shown_dir.join(rel),
                None,
                format!(
                    "ignored: Markdown inside the page bundle {bundle}/ (only index.md is a page there)"
                ),
            ));
        } else {
            self.bundle_assets
                .entry(bundle)
                .or_default()
                .push(rel.to_string());
        }
    }

    /// A file outside bundles (or a bundle's `index.md`): a section's
    /// `_index.md`, a page, or an asset of its section.
    fn add_section_file(&mut self, rel: &'a str) {
        let name = file_name(rel);
        let dir = if layout::is_bundle_index(name) {
            parent_dir(parent_dir(rel))
        } else {
            parent_dir(rel)
        };
        // Every ancestor folder of a page is a section, so listings nest.
        let mut d = dir;
        while !d.is_empty() {
            self.section_dirs.insert(d.to_string());
            d = parent_dir(d);
        }
        if layout::is_section_index(name) {
            self.section_files.insert(dir.to_string(), rel);
        } else if layout::markdown_stem(name).is_some() {
            self.pages.push(rel);
        } else {
            self.section_assets
                .entry(dir.to_string())
                .or_default()
                .push(rel.to_string());
        }
    }
}

/// Every section folder as a [`Section`], with its `_index.md` read when it
/// has one. Files that cannot be read or parsed land in `errors`.
fn load_sections(
    content_dir: &Path,
    shown_dir: &Path,
    sorted: &mut Sorted,
    errors: &mut Vec<Diagnostic>,
) -> Vec<Section> {
    let parsed: Vec<Result<(String, Parsed), Diagnostic>> = sorted
        .section_files
        .par_iter()
        .map(|(dir, rel)| read_and_parse(content_dir, shown_dir, rel).map(|p| (dir.clone(), p)))
        .collect();
    let mut parsed_by_dir: BTreeMap<String, Parsed> = BTreeMap::new();
    for r in parsed {
        match r {
            Ok((dir, p)) => {
                parsed_by_dir.insert(dir, p);
            }
            Err(d) => errors.push(d),
        }
    }
    let mut sections = Vec::new();
    for dir in &sorted.section_dirs {
        let source = sorted.section_files.get(dir).map(|rel| shown_dir.join(rel));
        let (front_matter, body, body_line_offset) = match parsed_by_dir.remove(dir) {
            Some(p) => (p.front_matter, p.body.text(), p.body_line_offset),
            None => (FrontMatter::default(), String::new(), 0),
        };
        sections.push(Section {
            dir: dir.clone(),
            source,
            front_matter,
            body,
            body_line_offset,
            path: dir_path(dir),
            assets: sorted.section_assets.remove(dir).unwrap_or_default(),
            rendered: Default::default(),
        });
    }
    sections
}

/// Every page file read and parsed as a [`Page`], drafts left out unless
/// `drafts`. Files that cannot be read or parsed land in `errors`.
fn load_pages(
    content_dir: &Path,
    shown_dir: &Path,
    sorted: &Sorted,
    rules: PageRules,
    errors: &mut Vec<Diagnostic>,
) -> Vec<Page> {
    let parsed: Vec<Result<(&str, Parsed), Diagnostic>> = sorted
        .pages
        .par_iter()
        .map(|rel| read_and_parse(content_dir, shown_dir, rel).map(|p| (*rel, p)))
        .collect();
    let mut pages = Vec::new();
    for r in parsed {
        let (rel, p) = match r {
            Ok(v) => v,
            Err(d) => {
                errors.push(d);
                continue;
            }
        };
        let assets = if layout::is_bundle_index(file_name(rel)) {
            sorted
                .bundle_assets
                .get(parent_dir(rel))
                .cloned()
                .unwrap_or_default()
        } else {
            Vec::new()
        };
        match make_page(shown_dir, rel.to_string(), p, rules, assets) {
            Ok(Some(page)) => pages.push(page),
            Ok(None) => {}
            Err(d) => errors.push(d),
        }
    }
    pages
}

/// Reads `content/` into pages and sections with their URLs, and the
/// warnings for the caller to show. `shown_dir` is how the content folder
/// is named in messages (`content`).
pub fn load(content_dir: &Path, shown_dir: &Path, rules: PageRules) -> Result<Content, BuildError> {
    let files = list_files(content_dir)?;
    let mut sorted = Sorted::new(&files, shown_dir);
    let mut errors = Vec::new();
    let sections = load_sections(content_dir, shown_dir, &mut sorted, &mut errors);
    let pages = load_pages(content_dir, shown_dir, &sorted, rules, &mut errors);
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let mut warnings = sorted.warnings;
    warnings.extend(peer_key_warnings(&pages, &sections));
    warnings.extend(crate::taxonomy::undeclared_warnings(
        pages.iter().map(|p| (p.source.as_path(), &p.front_matter)),
        rules.taxonomies,
    ));
    Ok(Content {
        pages,
        sections,
        warnings,
    })
}

/// One warning per [`front_matter::PEER_KEYS`] key found anywhere: where it
/// is first written, how many files have it, what to use instead.
fn peer_key_warnings(pages: &[Page], sections: &[Section]) -> Vec<Diagnostic> {
    let sources = pages
        .iter()
        .map(|p| (p.source.as_path(), &p.front_matter))
        .chain(
            sections
                .iter()
                .filter_map(|s| Some((s.source.as_deref()?, &s.front_matter))),
        );
    let found = sources.flat_map(|(source, fm)| {
        fm.peer_keys
            .iter()
            .map(move |(key, line)| (*key, source, *line))
    });
    crate::error::once_per_key(found, |key, elsewhere| {
        let meaning = front_matter::PEER_KEYS
            .iter()
            .find_map(|(k, m)| (*k == key).then_some(*m))
            .unwrap_or_default();
        format!(
            "`{key}` is ignored{elsewhere}: it {meaning}. `ssg import` converts a whole Hugo, Zola or Jekyll site"
        )
    })
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
    fn a_date_is_read_from_a_dated_url_path() {
        let date = |p| date_in_path(p).map(|d| d.to_text());
        assert_eq!(date("/2016/04/07/My-Post/").as_deref(), Some("2016-04-07"));
        assert_eq!(
            date("blog/2019/03/02/x.html").as_deref(),
            Some("2019-03-02")
        );
        assert_eq!(date("/2019/13/02/x/"), None);
        assert_eq!(date("/2019/3/2/x/"), None);
        assert_eq!(date("/posts/x/"), None);
    }

    #[test]
    fn a_page_s_default_url_is_its_folders_and_slug() {
        let url = |rel, slug| PagePlace::of(rel, slug).default_path();
        assert_eq!(url("posts/hello-world.md", None), "/posts/hello-world/");
        assert_eq!(url("posts/2020-01-15-dated.md", None), "/posts/dated/");
        assert_eq!(url("posts/2020-01-15x.md", None), "/posts/2020-01-15x/");
        assert_eq!(url("posts/trip/index.md", None), "/posts/trip/");
        assert_eq!(url("notes/First Note.mdown", None), "/notes/first-note/");
        assert_eq!(
            url("notes/x.md", Some("Custom_Slug")),
            "/notes/custom-slug/"
        );
        assert_eq!(url("about.md", None), "/about/");
    }

    #[test]
    fn folder_paths_are_slugged() {
        assert_eq!(dir_path(""), "/");
        assert_eq!(dir_path("My Blog/2024"), "/my-blog/2024/");
    }
}
