//! The Markdown stage: every page's and section's body to HTML, with the
//! links between content files resolved, reading and filling the Markdown
//! cache.

use std::collections::HashMap;
use std::sync::Arc;
use std::thread::JoinHandle;

use rayon::prelude::*;
use rustc_hash::FxHashSet;
use std::sync::Mutex;

use serde::Serialize;

use crate::authoring::Authoring;
use crate::authoring::parse::may_have_calls;
use crate::cache::Cache;
use crate::cache::markdown::{self as markdown_cache, MarkdownStore};
use crate::config::Config;
use crate::content::{Content, Page, Section};
use crate::error::Diagnostic;
use crate::images::{Images, Picture, Unreadable, UsedAt};
use crate::layout::section_index_rel;
use crate::markdown::{self, MarkdownOptions, PageLinks};
use crate::render::site_functions::index::before_markdown;
use crate::templates::Templates;

/// Every content file's URL, so `[x](other.md)` and `@/blog/x.md` resolve.
pub fn url_map(pages: &[Page], sections: &[Section]) -> HashMap<String, String> {
    let mut urls = HashMap::with_capacity(pages.len() + sections.len());
    for p in pages {
        urls.insert(p.rel.clone(), p.path.clone());
    }
    for s in sections {
        urls.insert(section_index_rel(&s.dir), s.path.clone());
    }
    urls
}

/// What rendering any page's Markdown reads besides the page.
pub struct MarkdownStage<'a> {
    pub md: MarkdownOptions,
    pub base_path: &'a str,
    /// Content file (`blog/x.md`) → its URL path.
    pub urls: &'a HashMap<String, String>,
    pub templates: &'a Templates,
    pub config: &'a Config,
    /// `config` as templates see it.
    pub config_value: tera::Value,
    /// The site's local images, which Markdown images are resized from.
    pub images: &'a Images,
    /// For a site whose shortcodes or hooks read the site or its files:
    /// the digest [`install_authoring_site`] gave.
    pub site_digest: Option<u64>,
}

/// For a site whose shortcodes or hooks call the functions that read the
/// site or its files (`get_section`, `load_data`…): makes them answer from
/// the site as it is before its Markdown is rendered (until the
/// functions are uninstalled). Returns the digest of what they can show
/// and load, which keys those pages' Markdown in the cache.
pub fn install_authoring_site(
    templates: &Templates,
    pages: &[Page],
    sections: &[Section],
    taxonomies: &[crate::taxonomy::Taxonomy],
    config: &Config,
) -> Option<u64> {
    if !templates.authoring_reads_site() {
        return None;
    }
    let (index, digest) = before_markdown(pages, sections, taxonomies, config);
    let functions = &templates.site_functions;
    functions.install(Some(Arc::new(index)));
    let files = functions.data_digest(&templates.authoring_load_paths());
    Some(crate::hash::of(&(digest, files)))
}

/// A lookup of a picture, kept among a cached render's link lookups so
/// the render is reused only while the picture is the same: NUL, which no
/// content path holds, then `LINE:SITE_PATH`.
const PICTURE_LOOKUP: &str = "\0picture:";

/// What a picture lookup records: a hash of the picture, `None` for no
/// picture (a remote image, a GIF).
fn picture_token(found: &Option<Result<Picture, Unreadable>>) -> Option<String> {
    match found {
        Some(Ok(picture)) => Some(format!("{:016x}", crate::hash::of(picture))),
        _ => None,
    }
}

/// A page as its shortcodes and hooks see it: its front matter values and
/// URL, not its content (which is what is being made).
#[derive(Serialize)]
struct PageFields<'a> {
    title: &'a str,
    date: Option<String>,
    updated: Option<String>,
    tags: &'a [String],
    extra: &'a serde_json::Map<String, serde_json::Value>,
    path: &'a str,
    permalink: String,
    slug: &'a str,
    lang: String,
    draft: bool,
    weight: Option<i64>,
    /// A bundle's site folder (`blog/trip/`), where its files are
    /// published: Zola's `page.colocated_path`, which theme shortcodes put
    /// before an image's name. `None` for a page that is one file.
    colocated_path: Option<&'a str>,
}

impl<'a> MarkdownStage<'a> {
    /// Page `page`'s values as its shortcodes and hooks read them.
    fn page_fields<'p>(&self, page: &'p Page) -> PageFields<'p> {
        let fm = &page.front_matter;
        PageFields {
            title: page.title(),
            date: fm.date.as_ref().map(|d| d.to_text()),
            updated: fm.updated.as_ref().map(|d| d.to_text()),
            tags: &fm.tags,
            extra: &fm.extra,
            path: &page.path,
            permalink: self.config.permalink(&page.path),
            slug: &page.slug,
            lang: fm.lang_or(&self.config.language).to_string(),
            draft: fm.draft,
            weight: fm.weight,
            colocated_path: crate::layout::is_bundle_index(
                page.rel.rsplit('/').next().unwrap_or(&page.rel),
            )
            .then(|| {
                let folder = &page.path[..page.path.rfind('/').map_or(0, |i| i + 1)];
                folder.trim_start_matches('/')
            }),
        }
    }

    /// What page `page`'s shortcodes and hooks read.
    fn authoring(&self, page: &Page) -> Authoring<'_> {
        Authoring {
            templates: self.templates,
            config: &self.config_value,
            page: tera::Value::from_serializable(&self.page_fields(page)),
        }
    }

    /// What the cached render of `body` depends on besides the body, its
    /// source and its path: the shortcode and hook templates, `data`,
    /// `config` and the page's own values, where the page can use them.
    fn authoring_key(&self, page: &Page, body: &str) -> Option<u64> {
        let calls = may_have_calls(body);
        if !calls && !self.templates.hooks.any() {
            return None;
        }
        let config = serde_json::to_vec(self.config).unwrap_or_default();
        // The page's values as JSON, in field order: the template value's
        // own form (`{:?}` of its map) comes in a different order in each
        // process, which kept every page with a shortcode out of the cache.
        let page = calls.then(|| serde_json::to_vec(&self.page_fields(page)).unwrap_or_default());
        Some(crate::hash::of(&(
            self.templates.authoring_fingerprint,
            self.templates.data_digest,
            config,
            page,
            self.site_digest,
        )))
    }

    /// Whether a page with shortcode calls must be rendered anew, not taken
    /// from the cache: its shortcodes ask for image copies, or load files
    /// whose paths are computed while rendering.
    fn calls_are_volatile(&self) -> bool {
        let templates = self.templates;
        templates.shortcodes_read_images()
            || (self.site_digest.is_some() && templates.authoring_load_paths().computed)
    }
}

pub fn render_page_markdown(page: &mut Page, stage: &MarkdownStage, store: Option<&MarkdownStore>) {
    let MarkdownStage {
        md,
        base_path,
        urls,
        ..
    } = *stage;
    let md = md.for_page(&page.front_matter.extra);
    let served_at = format!("{base_path}{}", page.path);
    let body = page.body.text();
    let authoring = stage.authoring(page);
    let extra = stage.authoring_key(page, &body);
    // Copies a shortcode asks for are asked while rendering: never from the cache.
    let store = store.filter(|_| !(may_have_calls(&body) && stage.calls_are_volatile()));
    let key = store.map(|_| markdown_cache::key(md, &page.rel, &served_at, &body, extra));
    let used_at = |line: usize| UsedAt {
        file: page.source.clone(),
        line: Some(line + page.body_line_offset),
    };
    let lookup = |rel: &str| match rel.strip_prefix(PICTURE_LOOKUP) {
        Some(picture) => {
            let (line, site) = picture.split_once(':')?;
            let line = line.parse().ok()?;
            picture_token(&stage.images.picture(site, &used_at(line)))
        }
        None => urls.get(rel).cloned(),
    };
    let cached = store
        .zip(key)
        .and_then(|(store, key)| store.get(&page.rel, key, lookup));
    if let Some(rendered) = cached {
        page.rendered = rendered;
    } else {
        // Every lookup is recorded: the cached render is valid only while
        // each of them still resolves the same way.
        let lookups = Mutex::new(Vec::new());
        let resolve = |rel: &str| {
            let found = urls.get(rel).cloned();
            if store.is_some()
                && let Ok(mut l) = lookups.lock()
            {
                l.push((rel.to_string(), found.clone()));
            }
            found
        };
        let pictures = |site: &str, line: usize| {
            let found = stage.images.picture(site, &used_at(line));
            if store.is_some()
                && let Ok(mut l) = lookups.lock()
            {
                let rel = format!("{PICTURE_LOOKUP}{line}:{site}");
                l.push((rel, picture_token(&found)));
            }
            found
        };
        page.rendered = markdown::render(
            &body,
            md,
            &PageLinks {
                source: &page.rel,
                path: &page.path,
                resolve: &resolve,
                base_path,
                authoring: Some(&authoring),
                pictures: Some(&pictures),
            },
        );
        if let Some((store, key)) = store.zip(key)
            && !page.rendered.volatile
            && page.rendered.errors.is_empty()
        {
            let lookups = lookups.into_inner().unwrap_or_default();
            store.put(&page.rel, key, &lookups, &page.rendered);
        }
    }
    if let Some(summary) = &page.front_matter.summary {
        let html = markdown::render_inline(summary, md);
        page.rendered.summary = Some(crate::rebase::for_listing(&html, &served_at));
    }
}

/// Renders every page's and section's Markdown, pages from the cache
/// where it has them. Returns the thread saving new renders into the
/// cache, which runs while the templates render (on a first build the
/// pack is about half the size of the site).
pub fn render_content(
    content: &mut Content,
    stage: &MarkdownStage,
    cache: Option<&Arc<Cache>>,
) -> Option<JoinHandle<()>> {
    let store = cache.map(|c| MarkdownStore::load(c));
    content
        .pages
        .par_iter_mut()
        .for_each(|page| render_page_markdown(page, stage, store.as_ref()));
    let saver = store.zip(cache).map(|(store, cache)| {
        crate::log::verbose(&format!(
            "Markdown of {} of {} pages from the cache",
            store.hits.load(std::sync::atomic::Ordering::Relaxed),
            content.pages.len()
        ));
        let live: FxHashSet<String> = content.pages.iter().map(|p| p.rel.clone()).collect();
        let cache = Arc::clone(cache);
        std::thread::spawn(move || store.save(&cache, &live))
    });
    content
        .sections
        .par_iter_mut()
        .for_each(|section| render_section_markdown(section, stage));
    saver
}

/// Renders a section's Markdown (never cached: sections are few).
pub fn render_section_markdown(section: &mut Section, stage: &MarkdownStage) {
    let resolve = |rel: &str| stage.urls.get(rel).cloned();
    let rel = section_index_rel(&section.dir);
    let authoring = Authoring {
        templates: stage.templates,
        config: &stage.config_value,
        page: section_fields(section, stage.config),
    };
    let pictures = |site: &str, line: usize| {
        let used_at = UsedAt {
            file: section.source.clone().unwrap_or_else(|| "content".into()),
            line: Some(line + section.body_line_offset),
        };
        stage.images.picture(site, &used_at)
    };
    section.rendered = markdown::render(
        &section.body,
        stage.md.for_page(&section.front_matter.extra),
        &PageLinks {
            source: &rel,
            path: &section.path,
            resolve: &resolve,
            base_path: stage.base_path,
            authoring: Some(&authoring),
            pictures: Some(&pictures),
        },
    );
}

/// A section as its shortcodes and hooks see it, as `page`.
fn section_fields(section: &Section, config: &Config) -> tera::Value {
    #[derive(Serialize)]
    struct SectionFields<'a> {
        title: String,
        extra: &'a serde_json::Map<String, serde_json::Value>,
        path: &'a str,
        permalink: String,
        lang: &'a str,
    }
    tera::Value::from_serializable(&SectionFields {
        lang: section.front_matter.lang_or(&config.language),
        title: section.title(),
        extra: &section.front_matter.extra,
        path: &section.path,
        permalink: config.permalink(&section.path),
    })
}

/// What stops the build in the pages' and sections' Markdown (a shortcode
/// or hook that failed), each at its file and line.
pub fn markdown_errors(site: &crate::site::Site) -> Vec<Diagnostic> {
    let pages = site
        .pages
        .iter()
        .map(|p| (Some(&p.source), p.body_line_offset, &p.rendered));
    let sections = site
        .sections
        .iter()
        .map(|s| (s.source.as_ref(), s.body_line_offset, &s.rendered));
    let mut errors = Vec::new();
    for (source, offset, rendered) in pages.chain(sections) {
        let shown = source.map_or_else(|| std::path::PathBuf::from("content"), Clone::clone);
        for e in &rendered.errors {
            errors.push(Diagnostic::new(
                &shown,
                Some(e.line + offset),
                e.message.clone(),
            ));
        }
    }
    errors
}
