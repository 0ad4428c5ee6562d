//! What templates see: the `page`, `section`, `term`, `paginator` and
//! `config` values, built from the site. Tera values share their data, so a
//! page listed on fifty pagers is serialised once.

use std::collections::BTreeMap;

use serde::Serialize;
use tera::Value;

use crate::config::Config;
use crate::content::Page;
use crate::markdown::TocEntry;
use crate::site::{Pager, Site};

#[derive(Serialize)]
struct TagRef<'a> {
    name: &'a str,
    slug: String,
    permalink: String,
}

#[derive(Serialize)]
struct PageRef<'a> {
    title: &'a str,
    date: Option<String>,
    permalink: String,
    path: &'a str,
}

/// A page as templates see it.
#[derive(Serialize)]
pub struct PageValue<'a> {
    title: &'a str,
    lang: String,
    date: Option<String>,
    updated: Option<String>,
    tags: Vec<TagRef<'a>>,
    /// Taxonomy name → the page's terms in it (`tags` included).
    taxonomies: BTreeMap<&'a str, Vec<TagRef<'a>>>,
    summary: Option<&'a str>,
    /// The summary is shorter than the content: show a "read more" link.
    has_more: bool,
    /// Not serialised: the HTML is added as `content` only to the values
    /// that show it (`RenderInputs::listed_page_value`); this is its hash.
    #[serde(skip)]
    pub content_hash: u64,
    permalink: String,
    path: &'a str,
    slug: &'a str,
    section: String,
    pub word_count: usize,
    pub reading_time: usize,
    pub toc: &'a [TocEntry],
    extra: &'a serde_json::Map<String, serde_json::Value>,
    /// Absolute URL of the page's social card image: front matter `image`,
    /// else the content's first image.
    image: Option<String>,
    draft: bool,
    weight: Option<i64>,
    assets: Vec<String>,
    earlier: Option<PageRef<'a>>,
    later: Option<PageRef<'a>>,
    translations: Vec<TranslationRef<'a>>,
}

/// One language of a page, for a language switcher.
#[derive(Serialize)]
struct TranslationRef<'a> {
    lang: String,
    title: &'a str,
    permalink: String,
    path: &'a str,
}

#[derive(Serialize)]
struct SubsectionValue<'a> {
    title: String,
    path: &'a str,
    permalink: String,
    page_count: usize,
}

/// The paginator's own fields; `pages` is added as shared values.
#[derive(Serialize)]
struct PaginatorValue {
    current_index: usize,
    number_pagers: usize,
    total_pages: usize,
    first: String,
    last: String,
    previous: Option<String>,
    next: Option<String>,
}

fn page_ref<'a>(page: &'a Page, config: &Config) -> PageRef<'a> {
    PageRef {
        title: page.title(),
        date: page.front_matter.date.as_ref().map(|d| d.to_text()),
        permalink: config.permalink(&page.path),
        path: &page.path,
    }
}

fn reading_time(words: usize) -> usize {
    words.div_ceil(200)
}

/// The image a link preview shows for `page`, as an absolute URL.
fn social_image(page: &Page, config: &Config) -> Option<String> {
    let named = page
        .front_matter
        .extra
        .get("image")
        .and_then(|v| v.as_str());
    let written = named.or(page.rendered.first_image.as_deref())?;
    absolute_url(written.trim(), &page.path, config)
}

/// A URL written on the page at site path `page_path`, made absolute
/// (`cover.jpg` → `https://example.org/blog/x/cover.jpg`); `None` for a
/// `data:` URL, which no link preview fetches.
fn absolute_url(written: &str, page_path: &str, config: &Config) -> Option<String> {
    if written.is_empty() || crate::html_urls::scheme_of(written) == Some("data") {
        return None;
    }
    if crate::html_urls::has_scheme(written) {
        return Some(written.to_string());
    }
    if let Some(rest) = written.strip_prefix("//") {
        return Some(format!("https://{rest}"));
    }
    let base = crate::urlpath::trimmed_base_url(&config.base_url);
    let base_path = config.base_path();
    if written.starts_with('/') {
        // Links ssg writes already start with the base path; a front
        // matter value is a site path.
        let origin = &base[..base.len() - base_path.len()];
        let under_base = !base_path.is_empty() && written.starts_with(&format!("{base_path}/"));
        return Some(if under_base {
            format!("{origin}{written}")
        } else {
            format!("{base}{written}")
        });
    }
    Some(format!(
        "{base}/{}",
        crate::html_urls::join_path(page_path, written)
    ))
}

/// The terms of a page in taxonomy `t` that have a page of their own.
fn term_refs<'a>(site: &'a Site, page: &'a Page, t: usize, config: &Config) -> Vec<TagRef<'a>> {
    let name = &site.taxonomies[t].name;
    page.terms
        .get(t)
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .filter(|term| !term.slug.is_empty())
        .map(|term| TagRef {
            name: &term.name,
            permalink: config.permalink(&format!("/{name}/{}/", term.slug)),
            slug: term.slug.clone(),
        })
        .collect()
}

/// The `page` template value of page `i`, but for its HTML.
pub fn page_fields_value(site: &Site, i: usize, config: &Config) -> Value {
    Value::from_serializable(&page_value(site, i, config))
}

/// Page `i`'s template value, with its HTML as `content` when `body`
/// (its own output, listings whose template reads bodies). The HTML is
/// decompressed for this value alone, and freed with it.
pub fn listed_page_value(site: &Site, i: usize, config: &Config, body: bool) -> Value {
    // Built for each use, not kept: held for every page, these values
    // were the largest part of a build's memory after the HTML (7.7 KB
    // a page as tera values), and building one costs microseconds.
    let fields = page_fields_value(site, i, config);
    if !body {
        return fields;
    }
    let mut map = fields.into_map().unwrap_or_default();
    map.insert("content".into(), site.pages[i].rendered.html.value());
    Value::from(map)
}

/// The `page` value of page `i`, but for its HTML (see [`PageValue::content_hash`]).
pub fn page_value<'a>(site: &'a Site, i: usize, config: &Config) -> PageValue<'a> {
    let page = &site.pages[i];
    let fm = &page.front_matter;
    let rendered = &page.rendered;
    let summary = rendered.summary.as_deref();
    PageValue {
        title: page.title(),
        lang: fm.lang_or(&config.language).to_string(),
        date: fm.date.as_ref().map(|d| d.to_text()),
        updated: fm.updated.as_ref().map(|d| d.to_text()),
        tags: term_refs(site, page, 0, config),
        taxonomies: (0..site.taxonomies.len())
            .map(|t| {
                let name = site.taxonomies[t].name.as_str();
                (name, term_refs(site, page, t, config))
            })
            .collect(),
        summary,
        has_more: summary.is_some_and(|s| s.len() < rendered.html.len()),
        content_hash: rendered.html.hash(),
        permalink: config.permalink(&page.path),
        path: &page.path,
        slug: &page.slug,
        section: crate::content::walk::dir_path(&page.section),
        word_count: rendered.word_count,
        reading_time: reading_time(rendered.word_count),
        toc: &rendered.toc,
        extra: &fm.extra,
        image: social_image(page, config),
        draft: fm.draft,
        weight: fm.weight,
        assets: page
            .assets
            .iter()
            .map(|a| a.rsplit('/').next().unwrap_or(a).to_string())
            .collect(),
        earlier: site.earlier[i].map(|e| page_ref(&site.pages[e], config)),
        later: site.later[i].map(|l| page_ref(&site.pages[l], config)),
        translations: site.translations[i]
            .iter()
            .map(|&t| {
                let page = &site.pages[t];
                TranslationRef {
                    lang: page.front_matter.lang_or(&config.language).to_string(),
                    title: page.title(),
                    permalink: config.permalink(&page.path),
                    path: &page.path,
                }
            })
            .collect(),
    }
}

/// The `section` value of section `s`, with `pages` if given.
pub fn section_value(site: &Site, s: usize, config: &Config, pages: Option<Vec<Value>>) -> Value {
    let section = &site.sections[s];
    let subsections: Vec<SubsectionValue> = site.subsections[s]
        .iter()
        .map(|&c| SubsectionValue {
            title: site.sections[c].title(),
            path: &site.sections[c].path,
            permalink: config.permalink(&site.sections[c].path),
            page_count: site.section_pages[c].len(),
        })
        .collect();
    let mut map = tera::Map::new();
    map.insert("title".into(), Value::from(section.title()));
    map.insert(
        "lang".into(),
        Value::from(section.front_matter.lang_or(&config.language)),
    );
    map.insert("content".into(), section.rendered.html.value());
    map.insert(
        "permalink".into(),
        Value::from(config.permalink(&section.path)),
    );
    map.insert("path".into(), Value::from(section.path.as_str()));
    if let Some(pages) = pages {
        map.insert("pages".into(), Value::from(pages));
    }
    map.insert("subsections".into(), Value::from_serializable(&subsections));
    map.insert(
        "extra".into(),
        Value::from_serializable(&section.front_matter.extra),
    );
    Value::from(map)
}

/// The `term` value of term `t`, with `pages` if given.
pub fn term_value(site: &Site, t: usize, config: &Config, pages: Option<Vec<Value>>) -> Value {
    let term = &site.terms[t];
    let mut map = tera::Map::new();
    map.insert("name".into(), Value::from(term.name.as_str()));
    map.insert("slug".into(), Value::from(term.slug.as_str()));
    map.insert(
        "permalink".into(),
        Value::from(config.permalink(&term.path)),
    );
    map.insert("page_count".into(), Value::from(term.pages.len()));
    if let Some(pages) = pages {
        map.insert("pages".into(), Value::from(pages));
    }
    Value::from(map)
}

/// The `taxonomy` value of taxonomy `t`: its name, a heading for it and its list page.
pub fn taxonomy_value(site: &Site, t: usize, config: &Config) -> Value {
    let taxonomy = &site.taxonomies[t];
    let mut map = tera::Map::new();
    map.insert("name".into(), Value::from(taxonomy.name.as_str()));
    map.insert("title".into(), Value::from(taxonomy.title()));
    map.insert(
        "permalink".into(),
        Value::from(config.permalink(&taxonomy.path())),
    );
    map.insert("feed".into(), Value::from(taxonomy.feed));
    Value::from(map)
}

/// The `paginator` value of one pager over `all`; `pages` are the shared
/// values of the pages on this pager.
pub fn paginator_value(
    pager: &Pager,
    all: &[Pager],
    listed: usize,
    pages: Vec<Value>,
    config: &Config,
) -> Value {
    let link = |p: &Pager| config.permalink(&p.path);
    let mut map = Value::from_serializable(&PaginatorValue {
        current_index: pager.index,
        number_pagers: pager.total,
        total_pages: listed,
        first: all.first().map(link).unwrap_or_default(),
        last: all.last().map(link).unwrap_or_default(),
        previous: pager.index.checked_sub(2).map(|p| link(&all[p])),
        next: all.get(pager.index).map(link),
    })
    .into_map()
    .unwrap_or_default();
    // Shared, not serialised: serialising a page value copies it whole,
    // HTML included, once for every pager that lists it.
    map.insert("pages".into(), Value::from(pages));
    Value::from(map)
}

#[derive(Serialize)]
struct ConfigValue<'a> {
    title: &'a str,
    base_url: &'a str,
    description: &'a str,
    language: &'a str,
    author: &'a str,
    /// Whether `/highlight.css` exists, so themes link it only then.
    highlight: bool,
    /// Whether the site has a search index and `/search/`, so themes show
    /// their search box only then.
    search: bool,
    /// The site's taxonomies, `tags` first: a list, so templates can walk
    /// them in a stable order (template maps have none).
    taxonomies: Vec<TaxonomyEntry>,
    extra: &'a toml::Table,
}

#[derive(Serialize)]
struct TaxonomyEntry {
    name: String,
    title: String,
    feed: bool,
    paginate_by: Option<usize>,
}

/// The `config` value.
pub fn config_value(config: &Config) -> Value {
    Value::from_serializable(&ConfigValue {
        title: &config.title,
        base_url: &config.base_url,
        description: &config.description,
        language: &config.language,
        author: &config.author,
        highlight: config.markdown.highlight,
        search: config.search.enabled,
        taxonomies: crate::taxonomy::declared(config)
            .into_iter()
            .map(|t| TaxonomyEntry {
                title: t.title(),
                name: t.name,
                feed: t.feed,
                paginate_by: t.paginate_by,
            })
            .collect(),
        extra: &config.extra,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site_at(base_url: &str) -> Config {
        Config {
            base_url: base_url.into(),
            ..Default::default()
        }
    }

    #[test]
    fn social_images_become_absolute_urls() {
        let root = site_at("https://example.org");
        let under = site_at("https://example.org/docs");
        let page = "/blog/x/";
        let abs = |w: &str, c: &Config| absolute_url(w, page, c);
        assert_eq!(
            abs("cover.jpg", &root).unwrap(),
            "https://example.org/blog/x/cover.jpg"
        );
        assert_eq!(
            abs("../y/a.png", &root).unwrap(),
            "https://example.org/blog/y/a.png"
        );
        assert_eq!(
            abs("/img/a.png", &root).unwrap(),
            "https://example.org/img/a.png"
        );
        // ssg writes root-relative links with the base path; front matter may not.
        assert_eq!(
            abs("/docs/img/a.png", &under).unwrap(),
            "https://example.org/docs/img/a.png"
        );
        assert_eq!(
            abs("/img/a.png", &under).unwrap(),
            "https://example.org/docs/img/a.png"
        );
        assert_eq!(
            abs("cover.jpg", &under).unwrap(),
            "https://example.org/docs/blog/x/cover.jpg"
        );
        assert_eq!(
            abs("https://cdn.example/a.png", &root).unwrap(),
            "https://cdn.example/a.png"
        );
        assert_eq!(
            abs("//cdn.example/a.png", &root).unwrap(),
            "https://cdn.example/a.png"
        );
        assert_eq!(abs("data:image/png;base64,xx", &root), None);
        assert_eq!(abs("", &root), None);
    }
}
