//! One rendered Jekyll file — post, draft, page or collection document —
//! read with its front matter (and the `defaults:` that apply to it), its
//! date, categories, and the URL Jekyll gives it.

use serde_json::{Map, Value};

use super::config::Settings;
use super::dates::{self, LocalDate, split_dated_name};
use super::front_matter::{self, key_line, scalar, word_list};
use super::permalink::{self, Placeholders};
use super::walk::{Entry, Kind};
use crate::import::Report;

/// What a file is written in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Format {
    Markdown,
    Html,
    /// Any other extension (`xml`, `txt`, `scss`…), without the dot.
    Other(String),
}

#[derive(Debug, Clone)]
pub struct Doc {
    pub rel: String,
    pub kind: Kind,
    /// The whole file, for the lines of its keys.
    pub text: String,
    pub data: Map<String, Value>,
    pub body: String,
    pub body_line: usize,
    pub format: Format,
    pub date: Option<LocalDate>,
    /// `slug`, else the file name after its date.
    pub slug: String,
    /// The file name without its extension.
    pub basename: String,
    pub categories: Vec<String>,
    pub tags: Vec<String>,
    /// Jekyll's URL; `None` for drafts and documents Jekyll does not write.
    pub url: Option<String>,
    /// `redirect_from` (jekyll-redirect-from) as rooted URL paths.
    pub aliases: Vec<String>,
    /// Where it goes in the new site (`content/…md`), set by `place`.
    pub dest: String,
}

impl Doc {
    pub fn line_of(&self, key: &str) -> Option<usize> {
        key_line(&self.text, key)
    }

    pub fn is_post(&self) -> bool {
        matches!(self.kind, Kind::Post { .. })
    }

    /// A post dated after now, which Jekyll leaves out (`future: false`).
    pub fn is_future_post(&self) -> bool {
        let Some(date) = self.date.as_ref().filter(|_| self.is_post()) else {
            return false;
        };
        let offset = chrono::Duration::seconds(i64::from(date.offset.local_minus_utc()));
        date.local - offset > chrono::Utc::now().naive_utc()
    }

    /// A post Jekyll publishes: not `published: false`, not in the future.
    pub fn is_listed_post(&self) -> bool {
        self.is_post()
            && !self
                .data
                .get("published")
                .is_some_and(front_matter::is_false)
            && !self.is_future_post()
    }
}

/// Reads a rendered file; `None` (with a note) when it cannot be.
pub fn load(
    src: &std::path::Path,
    entry: &Entry,
    settings: &Settings,
    report: &mut Report,
) -> Option<Doc> {
    let rel = entry.rel.as_str();
    match std::fs::read_to_string(src.join(rel)) {
        Ok(text) => from_text(entry, text, settings, report),
        Err(e) => {
            report.note(
                rel,
                None,
                format!("cannot read: {e}"),
                "check the file; it was not imported",
            );
            None
        }
    }
}

/// A rendered file from its text; `None` (with a note) when its front
/// matter is broken or Jekyll would skip it.
pub fn from_text(
    entry: &Entry,
    text: String,
    settings: &Settings,
    report: &mut Report,
) -> Option<Doc> {
    let rel = entry.rel.as_str();
    let fenced = text
        .trim_start_matches('\u{feff}')
        .lines()
        .next()
        .is_some_and(|l| l.trim_end() == "---");
    let split = match front_matter::split(&text) {
        // A post may have no front matter at all.
        _ if !fenced => front_matter::Split {
            data: serde_json::Map::new(),
            body: text.clone(),
            body_line: 1,
        },
        Ok(split) => split,
        Err((line, message)) => {
            report.note(
                rel,
                Some(line),
                message,
                "fix the front matter and import again; the file was not imported",
            );
            return None;
        }
    };
    let name = rel.rsplit('/').next().unwrap_or(rel);
    let (basename, ext) = match name.rsplit_once('.') {
        Some((b, e)) if !b.is_empty() => (b.to_string(), e.to_ascii_lowercase()),
        _ => (name.to_string(), String::new()),
    };
    let format = match ext.as_str() {
        e if settings.markdown_ext.iter().any(|m| m == e) => Format::Markdown,
        "html" | "htm" => Format::Html,
        other => Format::Other(other.to_string()),
    };
    let mut doc = Doc {
        rel: rel.to_string(),
        kind: entry.kind.clone(),
        data: with_defaults(split.data, rel, &entry.kind, settings),
        text,
        body: split.body,
        body_line: split.body_line,
        format,
        date: None,
        slug: String::new(),
        basename,
        categories: Vec::new(),
        tags: Vec::new(),
        url: None,
        aliases: Vec::new(),
        dest: String::new(),
    };
    date_and_slug(&mut doc, settings, report)?;
    taxonomies(&mut doc);
    doc.url = url(&doc, settings, report);
    doc.aliases = doc
        .data
        .get("redirect_from")
        .map(word_list)
        .unwrap_or_default()
        .iter()
        .map(|a| format!("/{}", a.trim_start_matches('/')))
        .collect();
    Some(doc)
}

/// `defaults:` values for this file, under its own front matter.
fn with_defaults(
    mut data: Map<String, Value>,
    rel: &str,
    kind: &Kind,
    settings: &Settings,
) -> Map<String, Value> {
    let kind_name = match kind {
        Kind::Post { .. } => "posts",
        Kind::Draft { .. } => "drafts",
        Kind::Page => "pages",
        Kind::Document { collection, .. } => collection.as_str(),
        Kind::Static => "",
    };
    for d in &settings.defaults {
        let path = d.path.trim_matches('/');
        let in_scope = path.is_empty() || rel == path || rel.starts_with(&format!("{path}/"));
        let of_kind = d.kind.as_deref().is_none_or(|k| k == kind_name);
        if in_scope && of_kind {
            for (k, v) in &d.values {
                data.entry(k.clone()).or_insert_with(|| v.clone());
            }
        }
    }
    data
}

/// The date (front matter, else the file name's) and the slug.
fn date_and_slug(doc: &mut Doc, settings: &Settings, report: &mut Report) -> Option<()> {
    let named = split_dated_name(&doc.basename);
    if doc.is_post() && named.is_none() {
        report.note(
            &doc.rel,
            None,
            "a post whose name is not YYYY-MM-DD-title: Jekyll skips it; not imported",
            "rename it to import it",
        );
        return None;
    }
    let (name_date, name_slug) = match &named {
        Some((d, s)) => (dates::parse(d, &settings.zone), s.clone()),
        None => (None, doc.basename.clone()),
    };
    doc.date = name_date;
    if let Some(value) = doc.data.get("date") {
        let text = scalar(value).unwrap_or_default();
        match dates::parse(&text, &settings.zone) {
            Some(d) => doc.date = Some(d),
            None => report.note(
                &doc.rel,
                doc.line_of("date"),
                format!(
                    "unparseable date {text:?}; {}",
                    if doc.date.is_some() {
                        "the file name's date is used"
                    } else {
                        "the page has no date"
                    }
                ),
                "write it as YYYY-MM-DD HH:MM:SS +ZZZZ",
            ),
        }
    }
    let slug = doc.data.get("slug").and_then(scalar).unwrap_or(name_slug);
    doc.slug = slug.trim_end_matches('.').to_string();
    Some(())
}

/// Categories (the folders above `_posts/`, then `categories`, then
/// `category`) and tags (`tags`, else `tag`), as Jekyll merges them.
fn taxonomies(doc: &mut Doc) {
    let mut categories = match &doc.kind {
        Kind::Post { categories } | Kind::Draft { categories } => categories.clone(),
        _ => Vec::new(),
    };
    for key in ["categories", "category"] {
        if let Some(v) = doc.data.get(key) {
            let list = if key == "category" {
                scalar(v).into_iter().collect()
            } else {
                word_list(v)
            };
            categories.extend(list);
        }
    }
    let mut seen = Vec::new();
    categories.retain(|c| {
        let new = !seen.contains(c);
        seen.push(c.clone());
        new
    });
    doc.categories = categories;
    doc.tags = doc
        .data
        .get("tags")
        .or_else(|| doc.data.get("tag"))
        .map(word_list)
        .unwrap_or_default();
}

/// Jekyll's URL for the file, from its permalink or its kind's template.
fn url(doc: &Doc, settings: &Settings, report: &mut Report) -> Option<String> {
    let output_ext = match &doc.format {
        Format::Other(ext) if !ext.is_empty() => format!(".{ext}"),
        _ => ".html".to_string(),
    };
    let permalink = doc.data.get("permalink").and_then(scalar);
    let suffix = permalink::suffix_for_style(&settings.permalink);
    let template = match &doc.kind {
        Kind::Draft { .. } | Kind::Static | Kind::Document { output: false, .. } => return None,
        Kind::Page => return Some(page_url(doc, permalink.as_deref(), suffix, &output_ext)),
        Kind::Post { .. } => permalink.unwrap_or_else(|| settings.posts_template()),
        Kind::Document { collection, .. } => permalink.unwrap_or_else(|| {
            let own = settings
                .collections
                .iter()
                .find(|c| &c.name == collection)
                .and_then(|c| c.permalink.clone());
            own.map_or_else(
                || format!("/:collection/:path{suffix}"),
                |p| permalink::style_template(&p),
            )
        }),
    };
    let values = Placeholders {
        date: doc.date.as_ref().map(|d| d.local),
        slug: doc.slug.clone(),
        basename: doc.basename.clone(),
        categories: doc.categories.clone(),
        collection: match &doc.kind {
            Kind::Document { collection, .. } => collection.clone(),
            _ => "posts".into(),
        },
        path: cleaned_path(&doc.rel, &doc.kind),
        output_ext,
    };
    match permalink::expand(&template, &values) {
        Ok(url) => Some(url),
        Err(name) => {
            report.note(&doc.rel, doc.line_of("permalink"), format!("permalink names :{name}, which Jekyll does not know; the page gets ssg's own URL"), "fix the permalink");
            None
        }
    }
}

/// A page's URL: `/:path/:basename` with the style's suffix, `/:path/`
/// for an index, its permalink when it has one.
fn page_url(doc: &Doc, permalink: Option<&str>, suffix: &str, output_ext: &str) -> String {
    let dir = match doc.rel.rsplit_once('/') {
        Some((d, _)) => format!("/{d}/"),
        None => "/".into(),
    };
    let template = match permalink {
        Some(p) => p.to_string(),
        None if output_ext != ".html" => "/:path/:basename:output_ext".into(),
        None if doc.basename == "index" => "/:path/".into(),
        None => format!("/:path/:basename{suffix}"),
    };
    permalink::expand_page(&template, &dir, &doc.basename, output_ext)
}

/// `:path` of a document: its path in the collection, without extension.
fn cleaned_path(rel: &str, kind: &Kind) -> String {
    let dir = match kind {
        Kind::Document { collection, .. } => format!("_{collection}"),
        _ => "_posts".into(),
    };
    let without_ext = rel.rsplit_once('.').map_or(rel, |(a, _)| a);
    without_ext
        .replacen(&dir, "", 1)
        .trim_end_matches('.')
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collection_paths() {
        let kind = Kind::Document {
            collection: "recipes".into(),
            output: true,
        };
        assert_eq!(cleaned_path("_recipes/cakes/choc.md", &kind), "/cakes/choc");
    }
}
