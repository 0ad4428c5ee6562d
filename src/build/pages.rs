//! The Markdown stage: every page's and section's body to HTML, with the
//! links between content files resolved, reading and filling the Markdown
//! cache.

use std::collections::HashMap;
use std::sync::Arc;
use std::thread::JoinHandle;

use rayon::prelude::*;
use rustc_hash::FxHashSet;
use std::sync::Mutex;

use crate::cache::Cache;
use crate::cache::markdown::{self as markdown_cache, MarkdownStore};
use crate::content::{Content, Page, Section};
use crate::markdown::{self, MarkdownOptions, PageLinks};

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

pub fn section_index_rel(dir: &str) -> String {
    if dir.is_empty() {
        "_index.md".to_string()
    } else {
        format!("{dir}/_index.md")
    }
}

pub fn render_page_markdown(
    page: &mut Page,
    md: MarkdownOptions,
    base_path: &str,
    urls: &HashMap<String, String>,
    store: Option<&MarkdownStore>,
) {
    let served_at = format!("{base_path}{}", page.path);
    let body = page.body.text();
    let key = store.map(|_| markdown_cache::key(md, &page.rel, &served_at, &body));
    let cached = store
        .zip(key)
        .and_then(|(store, key)| store.get(&page.rel, key, |rel| urls.get(rel).cloned()));
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
        page.rendered = markdown::render(
            &body,
            md,
            &PageLinks {
                source: &page.rel,
                path: &page.path,
                resolve: &resolve,
                base_path,
            },
        );
        if let Some((store, key)) = store.zip(key)
            && !page.rendered.volatile
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
    md: MarkdownOptions,
    base_path: &str,
    urls: &HashMap<String, String>,
    cache: Option<&Arc<Cache>>,
) -> Option<JoinHandle<()>> {
    let store = cache.map(|c| MarkdownStore::load(c));
    content
        .pages
        .par_iter_mut()
        .for_each(|page| render_page_markdown(page, md, base_path, urls, store.as_ref()));
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
    let resolve = |rel: &str| urls.get(rel).cloned();
    content.sections.par_iter_mut().for_each(|section| {
        let rel = section_index_rel(&section.dir);
        section.rendered = markdown::render(
            &section.body,
            md,
            &PageLinks {
                source: &rel,
                path: &section.path,
                resolve: &resolve,
                base_path,
            },
        );
    });
    saver
}
