//! One Hugo content file's front matter → ssg's keys, its date by Hugo's
//! `[frontmatter]` rules, and the URL Hugo gave it.

use std::collections::BTreeSet;
use std::path::PathBuf;

use serde_json::{Map, Value};

use super::config::{HugoConfig, MenuEntry};
use super::dates::HugoDate;
use super::front_matter::Split;
use super::urls::{self, PageFacts};
use crate::import::{NewFrontMatter, Report};

/// What a content file is to Hugo.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageKind {
    /// `posts/hello.md`.
    Regular,
    /// `posts/trip/index.md`: a leaf bundle.
    Bundle,
    /// `posts/_index.md` (or the home page's `_index.md`).
    Section,
}

/// A content file, read and mapped, before its body is converted.
#[derive(Debug)]
pub struct HugoPage {
    /// Relative to the content folder, with `/`.
    pub rel: String,
    /// Relative to SRC, for the report.
    pub source: PathBuf,
    pub kind: PageKind,
    pub split: Split,
    pub front_matter: NewFrontMatter,
    /// The URL Hugo wrote it at.
    pub url: String,
    /// Where it goes in DEST: `content/…`.
    pub dest: String,
    /// `(taxonomy, term)` for every term of the page.
    pub terms: Vec<(String, String)>,
    /// Hugo rendered it (not a draft, headless, future or expired).
    pub published: bool,
    pub headless: bool,
    /// Entries the page adds to the main menu.
    pub menu: Vec<MenuEntry>,
}

/// Keys kept in `extra` and reported: their meaning does not carry over.
const REPORTED: &[(&str, &str)] = &[
    ("type", "ssg picks a page's template with `template`"),
    ("layout", "ssg picks a page's template with `template`"),
    ("outputs", "ssg writes HTML pages and Atom feeds only"),
    ("cascade", "set these keys on each page"),
    ("resources", "page resource metadata is not used by ssg"),
    ("build", "ssg has no build options per page"),
    ("markup", "ssg renders Markdown only"),
    ("sitemap", "ssg lists every page in the sitemap"),
];

/// Maps one file. `dir` is its content folder (a bundle's parent) and
/// `base_name` its file name without extension (a bundle's folder name).
pub fn read(
    hugo: &HugoConfig,
    rel: &str,
    kind: PageKind,
    split: Split,
    sections: &BTreeSet<String>,
    report: &mut Report,
) -> HugoPage {
    let source = PathBuf::from(&hugo.content_dir).join(rel);
    let (dir, base_name) = place(rel, kind);
    let mut page = HugoPage {
        rel: rel.to_string(),
        source,
        kind,
        front_matter: NewFrontMatter::default(),
        url: String::new(),
        dest: dest_of(rel, kind),
        terms: Vec::new(),
        published: true,
        headless: false,
        menu: Vec::new(),
        split,
    };
    let map = page.split.map.clone();
    map_keys(hugo, &mut page, map, report);
    let date = date_of(hugo, &mut page, &base_name, report);
    let slug_from_name = hugo
        .date_sources
        .iter()
        .any(|s| s == ":filename")
        .then(|| HugoDate::from_file_name(&base_name).map(|(_, rest)| rest.to_string()))
        .flatten();
    if page.front_matter.slug.is_none() {
        page.front_matter.slug = slug_from_name;
    }
    let place = Place {
        dir: &dir,
        sections: section_chain(&dir, sections),
        base_name: &base_name,
    };
    page.url = url_of(hugo, &page, &place, date.as_ref(), report);
    let aliases = std::mem::take(&mut page.front_matter.aliases);
    page.front_matter.aliases = aliases
        .into_iter()
        .map(|a| rooted_alias(&a, &page.url, hugo.rules.ugly))
        .collect();
    schedule(&mut page, report);
    if kind == PageKind::Section {
        section_url(&mut page, report);
    } else if page.front_matter.path.is_none() {
        let ssg = crate::content::walk::PagePlace::of(rel, page.front_matter.slug.as_deref())
            .default_path();
        if ssg != page.url {
            page.front_matter.path = Some(page.url.clone());
        }
    }
    // Hugo renders no page for a headless bundle; ssg keeps it as a draft.
    page.front_matter.draft |= page.headless;
    page.published = page.published && !page.front_matter.draft;
    page
}

/// The folder a page is in and its own name: `posts/trip/index.md` →
/// (`posts`, `trip`).
pub fn place(rel: &str, kind: PageKind) -> (String, String) {
    let (dir, name) = rel.rsplit_once('/').unwrap_or(("", rel));
    let stem = name.rsplit_once('.').map_or(name, |(s, _)| s);
    match kind {
        PageKind::Bundle => {
            let (parent, folder) = dir.rsplit_once('/').unwrap_or(("", dir));
            (parent.to_string(), folder.to_string())
        }
        _ => (dir.to_string(), stem.to_string()),
    }
}

/// `index.*` and `_index.*` become `.md` (ssg's bundle and section file
/// names); other pages keep their file name.
fn dest_of(rel: &str, kind: PageKind) -> String {
    let dir = rel.rsplit_once('/').map_or("", |(d, _)| d);
    let join = |name: &str| {
        if dir.is_empty() {
            format!("content/{name}")
        } else {
            format!("content/{dir}/{name}")
        }
    };
    match kind {
        PageKind::Bundle => join("index.md"),
        PageKind::Section => join("_index.md"),
        // A Markdown extension ssg does not read (`.mkdn`, `.MD`) becomes `.md`.
        PageKind::Regular => match crate::layout::markdown_stem(rel) {
            Some(_) => format!("content/{rel}"),
            None => format!(
                "content/{}.md",
                rel.rsplit_once('.').map_or(rel, |(s, _)| s)
            ),
        },
    }
}

fn string_of(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A list, or one value, as strings.
pub fn strings_of(value: &Value) -> Vec<String> {
    match value {
        Value::Array(items) => items.iter().filter_map(string_of).collect(),
        other => string_of(other).into_iter().collect(),
    }
}

fn map_keys(hugo: &HugoConfig, page: &mut HugoPage, map: Map<String, Value>, report: &mut Report) {
    let fm = &mut page.front_matter;
    for (key, value) in map {
        if value.is_null() {
            continue;
        }
        let line = page.split.line_of(&key);
        match key.as_str() {
            "title" => fm.title = string_of(&value),
            "slug" => fm.slug = string_of(&value),
            "url" => {
                fm.path = string_of(&value).map(|u| {
                    if u.starts_with('/') {
                        u
                    } else {
                        format!("/{u}")
                    }
                })
            }
            "draft" => fm.draft = value.as_bool().unwrap_or(false),
            "aliases" => fm.aliases = strings_of(&value),
            // Hugo reads a weight of 0 as none: such a page lists after
            // the weighted ones, where ssg puts a page without `weight`.
            "weight" => fm.weight = value.as_i64().filter(|w| *w != 0),
            "summary" => fm.summary = string_of(&value),
            "description"
                if !page.split.map.contains_key("summary") && page.kind != PageKind::Section =>
            {
                fm.summary = string_of(&value);
            }
            "params" => {
                if let Value::Object(params) = value {
                    fm.extra.extend(params);
                }
            }
            "headless" => page.headless = value.as_bool().unwrap_or(false),
            "menu" | "menus" => page.menu.extend(menu_entries(&value)),
            "date" | "publishdate" | "pubdate" | "published" | "lastmod" | "modified"
            | "expirydate" | "unpublishdate" => {}
            k if hugo.taxonomies.iter().any(|t| t == k) => {
                for term in strings_of(&value) {
                    page.terms.push((key.clone(), term));
                }
            }
            _ => {
                if let Some((_, why)) = REPORTED.iter().find(|(k, _)| *k == key) {
                    report.note(
                        &page.source,
                        line,
                        format!("`{}` kept in `extra` only: {why}", page.split.written(&key)),
                        "",
                    );
                }
                if key == "build" && is_never_rendered(&value) {
                    page.headless = true;
                }
                fm.extra.insert(key, value);
            }
        }
    }
    // Terms of a kept taxonomy stay its own; the others become tags, tags
    // first, then categories, each in written order, and stay in `extra`
    // for templates too.
    page.terms
        .sort_by_key(|(t, _)| (t != "tags", t != "categories"));
    for (taxonomy, term) in &page.terms {
        if hugo.kept_taxonomies.contains(taxonomy) {
            let list = fm.taxonomies.entry(taxonomy.clone()).or_default();
            if !list.contains(term) {
                list.push(term.clone());
            }
            continue;
        }
        if !fm.tags.contains(term) {
            fm.tags.push(term.clone());
        }
        if taxonomy != "tags" {
            let slot = fm
                .extra
                .entry(taxonomy.clone())
                .or_insert_with(|| Value::Array(Vec::new()));
            if let Value::Array(list) = slot {
                list.push(Value::String(term.clone()));
            }
        }
    }
}

/// `build: {render: never}` (or the older `render: false`): a headless page.
fn is_never_rendered(build: &Value) -> bool {
    matches!(build.get("render"), Some(Value::String(s)) if s == "never")
        || build.get("render") == Some(&Value::Bool(false))
}

fn menu_entries(value: &Value) -> Vec<MenuEntry> {
    let entry = |weight: i64, name: Option<String>| MenuEntry {
        weight,
        name: name.unwrap_or_default(),
        target: String::new(),
        page_ref: false,
    };
    match value {
        Value::String(menu) if menu == "main" => vec![entry(0, None)],
        Value::Array(menus) if menus.iter().any(|m| m == "main") => vec![entry(0, None)],
        Value::Object(menus) => menus
            .get("main")
            .map(|m| {
                entry(
                    m.get("weight").and_then(Value::as_i64).unwrap_or(0),
                    m.get("name").and_then(string_of),
                )
            })
            .into_iter()
            .collect(),
        _ => Vec::new(),
    }
}

/// The page's date from the first of Hugo's `[frontmatter] date` sources
/// that gives one; `lastmod` becomes `updated`. A date that cannot be read
/// is reported and kept as text in `extra`.
fn date_of(
    hugo: &HugoConfig,
    page: &mut HugoPage,
    base_name: &str,
    report: &mut Report,
) -> Option<HugoDate> {
    let mut date = None;
    for source in &hugo.date_sources {
        let found = if source == ":filename" {
            HugoDate::from_file_name(base_name).map(|(d, _)| d)
        } else {
            read_date(page, source, report)
        };
        if found.is_some() {
            date = found;
            break;
        }
    }
    page.front_matter.date = date.as_ref().map(|d| d.text.clone());
    let updated =
        read_date(page, "lastmod", report).or_else(|| read_date(page, "modified", report));
    page.front_matter.updated = updated.map(|d| d.text);
    date
}

/// The date under `key`; a value that is not one is reported once.
fn read_date(page: &mut HugoPage, key: &str, report: &mut Report) -> Option<HugoDate> {
    let value = page.split.get(key)?;
    let text = string_of(value).unwrap_or_default();
    match HugoDate::parse(&text) {
        Some(date) => Some(date),
        None => {
            if !page.front_matter.extra.contains_key(key) {
                let written = page.split.written(key);
                report.note(&page.source, page.split.line_of(key),
                    format!("`{written}` \"{text}\" is not a date Hugo or ssg can read; kept as text in `extra.{key}`"),
                    "write it as YYYY-MM-DD or 2024-05-01T09:30:00Z");
                page.front_matter
                    .extra
                    .insert(key.to_string(), Value::String(text));
            }
            None
        }
    }
}

/// Hugo's URL for the page: `url`, else its section's permalink pattern,
/// else its folder and name (or `slug`).
/// Where a page is, for its URL.
struct Place<'a> {
    /// Its content folder.
    dir: &'a str,
    /// The sections it is in (`:sections`): the folders of its path that
    /// are sections (top-level ones, and those with an `_index.md`).
    sections: &'a str,
    base_name: &'a str,
}

/// The deepest folder of `dir` that is a section, else its top folder.
fn section_chain<'a>(dir: &'a str, sections: &BTreeSet<String>) -> &'a str {
    let mut chain = dir;
    while !chain.is_empty() && !sections.contains(chain) {
        match chain.rsplit_once('/') {
            Some((parent, _)) => chain = parent,
            None => return chain,
        }
    }
    chain
}

fn url_of(
    hugo: &HugoConfig,
    page: &HugoPage,
    place: &Place,
    date: Option<&HugoDate>,
    report: &mut Report,
) -> String {
    let (dir, base_name) = (place.dir, place.base_name);
    let rules = &hugo.rules;
    if let Some(path) = &page.front_matter.path {
        return path.clone();
    }
    if page.kind == PageKind::Section {
        return rules.section_url(dir_of_section(&page.rel));
    }
    // Config keys were lower-cased; Hugo matches sections without case.
    let section = dir.split('/').next().unwrap_or("").to_lowercase();
    if let Some(pattern) = hugo
        .permalinks
        .get(&section)
        .filter(|_| !section.is_empty())
    {
        let facts = PageFacts {
            dir: place.sections,
            title: page.front_matter.title.as_deref().unwrap_or(""),
            slug: page.front_matter.slug.as_deref(),
            base_name,
            date,
        };
        match urls::expand(pattern, &facts, rules) {
            Ok(url) => return url,
            Err(why) => report.note(
                &page.source,
                None,
                format!(
                    "permalink \"{pattern}\" not applied: {why}; the page keeps its folder URL"
                ),
                "",
            ),
        }
    }
    rules.page_url(dir, page.front_matter.slug.as_deref().unwrap_or(base_name))
}

/// Hugo reads an alias without a leading `/` from the folder of the page's
/// URL (`old` on `/notes/third/` is `/notes/old/`; `/notes/old.html` with
/// `uglyURLs`); ssg reads every alias from the root.
fn rooted_alias(alias: &str, page_url: &str, ugly: bool) -> String {
    if alias.starts_with('/') || alias.contains("://") {
        return alias.to_string();
    }
    let trimmed = page_url.trim_end_matches('/');
    let folder = &trimmed[..trimmed.rfind('/').map_or(0, |i| i + 1)];
    let last = alias.trim_end_matches('/').rsplit('/').next().unwrap_or("");
    if ugly && !alias.ends_with('/') && !last.contains('.') {
        format!("{folder}{alias}.html")
    } else {
        format!("{folder}{alias}")
    }
}

/// ssg puts a section at its folder: a section's Hugo `url` becomes an
/// alias of it.
fn section_url(page: &mut HugoPage, report: &mut Report) {
    if let Some(url) = page.front_matter.path.take() {
        report.note(&page.source, page.split.line_of("url"),
            format!("a section's `url` ({url}) is not its address in ssg (sections live at their folder); kept as an alias"), "");
        page.front_matter.aliases.push(url);
    }
}

fn dir_of_section(rel: &str) -> &str {
    rel.rsplit_once('/').map_or("", |(d, _)| d)
}

/// Pages Hugo did not publish (a future date or `publishDate`, a past
/// `expiryDate`) become drafts, so ssg does not publish them either.
fn schedule(page: &mut HugoPage, report: &mut Report) {
    let now = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S").to_string();
    let when = |key: &str| {
        page.split
            .get(key)
            .and_then(string_of)
            .and_then(|s| HugoDate::parse(&s))
    };
    let later = |d: &HugoDate| d.text.get(..19).unwrap_or(&d.text) > now.as_str();
    let future = [
        page.split.get("publishdate").map(|_| "publishdate"),
        Some("date"),
    ]
    .into_iter()
    .flatten()
    .find(|k| when(k).is_some_and(|d| later(&d)));
    let expired = when("expirydate").is_some_and(|d| !later(&d));
    for key in ["publishdate", "expirydate"] {
        if let Some(value) = page.split.get(key).cloned() {
            report.note(
                &page.source,
                page.split.line_of(key),
                format!(
                    "`{}` kept in `extra` only: ssg publishes a page whatever its dates",
                    page.split.written(key)
                ),
                "",
            );
            page.front_matter.extra.insert(key.to_string(), value);
        }
    }
    let why = match (future, expired) {
        (Some(key), _) => format!("`{key}` is in the future"),
        (None, true) => "`expirydate` has passed".to_string(),
        _ => return,
    };
    if !page.front_matter.draft {
        report.note(
            &page.source,
            None,
            format!("{why}: Hugo did not publish this page; imported as a draft"),
            "remove `draft` when it should be published",
        );
        page.front_matter.draft = true;
        page.published = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::hugo::front_matter::split;
    use std::path::Path;

    fn hugo(config: &str) -> HugoConfig {
        HugoConfig::parse(config, Path::new("hugo.toml"))
    }

    fn read_with(config: &HugoConfig, rel: &str, text: &str) -> (HugoPage, Report) {
        let mut report = Report::default();
        let kind = match rel.rsplit('/').next() {
            Some(n) if n.starts_with("_index.") => PageKind::Section,
            Some(n) if n.starts_with("index.") => PageKind::Bundle,
            _ => PageKind::Regular,
        };
        let page = read(
            config,
            rel,
            kind,
            split(text).unwrap(),
            &BTreeSet::new(),
            &mut report,
        );
        (page, report)
    }

    #[test]
    fn hugo_keys_map_to_ssg_keys() {
        let text = "---\ntitle: T\ndate: 2019-03-02\nlastmod: 2019-04-01T10:00:00Z\nslug: Sl\ndraft: true\naliases: [/old/]\nweight: 4\ndescription: D\ntags: [a]\ncategories: [b, a]\nparams:\n  mood: happy\nkeywords: [k]\ntype: special\n---\nBody\n";
        let (page, report) = read_with(&hugo(""), "posts/x.md", text);
        let fm = &page.front_matter;
        assert_eq!(fm.title.as_deref(), Some("T"));
        assert_eq!(fm.date.as_deref(), Some("2019-03-02"));
        assert_eq!(fm.updated.as_deref(), Some("2019-04-01T10:00:00+00:00"));
        assert_eq!(fm.slug.as_deref(), Some("Sl"));
        assert!(fm.draft && !page.published);
        assert_eq!(fm.aliases, ["/old/"]);
        assert_eq!(fm.weight, Some(4));
        assert_eq!(fm.summary.as_deref(), Some("D"));
        let (unweighted, _) = read_with(&hugo(""), "posts/y.md", "---\ntitle: U\nweight: 0\n---\n");
        assert_eq!(
            unweighted.front_matter.weight, None,
            "Hugo's weight 0 is none"
        );
        assert_eq!(fm.tags, ["a", "b"]);
        assert_eq!(fm.extra["mood"], "happy");
        assert_eq!(fm.extra["keywords"][0], "k");
        assert_eq!(fm.extra["categories"][0], "b");
        assert_eq!(fm.extra["type"], "special");
        assert_eq!(page.url, "/posts/sl/");
        assert_eq!(
            fm.path.as_deref(),
            None,
            "ssg's slug rule gives /posts/sl/ too"
        );
        assert!(
            report
                .findings
                .iter()
                .any(|f| f.line == Some(15) && f.message.contains("`type`"))
        );
    }

    #[test]
    fn relative_aliases_start_at_the_page_folder() {
        assert_eq!(rooted_alias("old", "/notes/third/", false), "/notes/old");
        assert_eq!(
            rooted_alias("old", "/notes/Third.html", true),
            "/notes/old.html"
        );
        assert_eq!(
            rooted_alias("sub/x.html", "/notes/t/", false),
            "/notes/sub/x.html"
        );
        assert_eq!(rooted_alias("/abs/", "/notes/t/", true), "/abs/");
    }

    #[test]
    fn url_is_the_path_verbatim() {
        let (page, _) = read_with(
            &hugo(""),
            "posts/x.md",
            "+++\nurl = '2019/03/02/My-Post.html'\n+++\n",
        );
        assert_eq!(
            page.front_matter.path.as_deref(),
            Some("/2019/03/02/My-Post.html")
        );
        assert_eq!(page.url, "/2019/03/02/My-Post.html");
    }

    #[test]
    fn dates_follow_the_frontmatter_config() {
        let by_name = hugo("[frontmatter]\ndate = [':filename', ':default']\n");
        let (page, _) = read_with(
            &by_name,
            "posts/2020-01-15-dated.md",
            "+++\ntitle = 'x'\n+++\n",
        );
        assert_eq!(page.front_matter.date.as_deref(), Some("2020-01-15"));
        assert_eq!(page.front_matter.slug.as_deref(), Some("dated"));
        let (plain, _) = read_with(
            &hugo(""),
            "posts/2020-01-15-dated.md",
            "+++\ntitle = 'x'\n+++\n",
        );
        assert_eq!(plain.front_matter.date, None);
        assert_eq!(plain.url, "/posts/2020-01-15-dated/");
        assert_eq!(
            plain.front_matter.path.as_deref(),
            Some("/posts/2020-01-15-dated/")
        );
        let (published, _) = read_with(&hugo(""), "a.md", "---\npublishDate: 2018-05-01\n---\n");
        assert_eq!(published.front_matter.date.as_deref(), Some("2018-05-01"));
    }

    #[test]
    fn an_unreadable_date_is_reported_and_kept_as_text() {
        let (page, report) = read_with(&hugo(""), "a.md", "---\ntitle: x\ndate: someday\n---\n");
        assert_eq!(page.front_matter.date, None);
        assert_eq!(page.front_matter.extra["date"], "someday");
        let f = &report.findings[0];
        assert_eq!(
            (f.file.as_path(), f.line),
            (Path::new("content/a.md"), Some(3))
        );
    }

    #[test]
    fn future_and_expired_pages_become_drafts() {
        let (future, report) = read_with(&hugo(""), "a.md", "---\ndate: 2999-01-01\n---\n");
        assert!(future.front_matter.draft && !future.published);
        assert!(
            report
                .findings
                .iter()
                .any(|f| f.message.contains("in the future"))
        );
        let (expired, _) = read_with(
            &hugo(""),
            "b.md",
            "---\ndate: 2001-01-01\nexpiryDate: 2002-01-01\n---\n",
        );
        assert!(expired.front_matter.draft);
    }

    #[test]
    fn permalinks_and_bundles() {
        let config = hugo("[permalinks.page]\nposts = '/:year/:month/:title/'\n");
        let (page, _) = read_with(
            &config,
            "posts/trip/index.md",
            "---\ntitle: A Trip\ndate: 2020-05-10\n---\n",
        );
        assert_eq!(page.url, "/2020/05/a-trip/");
        assert_eq!(page.dest, "content/posts/trip/index.md");
        let (section, report) = read_with(
            &config,
            "posts/_index.md",
            "---\ntitle: P\nurl: /articles/\n---\n",
        );
        assert_eq!(section.front_matter.aliases, ["/articles/"]);
        assert_eq!(section.front_matter.path, None);
        assert!(!report.findings.is_empty());
        let (odd, _) = read_with(&config, "notes/x.mkdn", "x");
        assert_eq!(odd.dest, "content/notes/x.md");
    }
}
