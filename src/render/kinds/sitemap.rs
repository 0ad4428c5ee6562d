//! `sitemap.xml`: every section, page and taxonomy page, with its last change.

use serde::Serialize;
use tera::Context;

use crate::render::inputs::RenderInputs;
use crate::render::job::{Job, OutputKind};

pub struct Sitemap;

#[derive(Serialize)]
struct SitemapEntry {
    permalink: String,
    lastmod: Option<String>,
}

pub fn job() -> Job {
    Job::new(Sitemap, "sitemap.xml", "/sitemap.xml", "/sitemap.xml")
}

impl OutputKind for Sitemap {
    fn inputs(&self, input: &RenderInputs, _template: &str) -> u64 {
        let digest = &input.digest;
        crate::hash::of(&(digest.all_pages, &digest.term_names, &digest.section_own))
    }

    fn context(&self, input: &RenderInputs, _template: &str, ctx: &mut Context) {
        ctx.insert("entries", &entries(input));
    }
}

fn entries(input: &RenderInputs) -> Vec<SitemapEntry> {
    let (site, config) = (input.site, input.config);
    let page_lastmod = |i: usize| {
        let fm = &site.pages[i].front_matter;
        fm.updated
            .as_ref()
            .or(fm.date.as_ref())
            .map(|d| d.to_text())
    };
    let entry = |path: &str, lastmod| SitemapEntry {
        permalink: config.permalink(path),
        lastmod,
    };
    let mut entries = Vec::new();
    for (s, section) in site.sections.iter().enumerate() {
        if !input.section_pagers[s].is_empty() {
            let lastmod = site.section_pages[s]
                .iter()
                .filter_map(|&i| page_lastmod(i))
                .max();
            entries.push(entry(&section.path, lastmod));
        }
    }
    for (i, page) in site.pages.iter().enumerate() {
        entries.push(entry(&page.path, page_lastmod(i)));
    }
    for (t, taxonomy) in site.taxonomies.iter().enumerate() {
        if site.terms_of(t).next().is_some() {
            entries.push(entry(&taxonomy.path(), None));
        }
    }
    for term in &site.terms {
        entries.push(entry(&term.path, None));
    }
    entries.sort_by(|a, b| a.permalink.cmp(&b.permalink));
    entries
}
