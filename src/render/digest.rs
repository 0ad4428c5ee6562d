//! Digests of what outputs are rendered from, for their signatures: each
//! page's hash as listings see it and as its own page sees it, and per
//! section and term the hashes of their listed pages. Page digests are
//! remembered between renders of one site, so a rebuild after a one-post
//! edit digests one page.

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use super::values::page_value;
use crate::config::Config;
use crate::site::Site;

/// What a page's value depends on besides config: its own reading, its
/// neighbours' (which it links to as `earlier` and `later`) and its
/// translations' (their titles and URLs).
type PageKey = (u64, Option<u64>, Option<u64>, Vec<u64>);

fn page_key(site: &Site, i: usize) -> PageKey {
    let generation = |j: Option<usize>| j.map(|j| site.pages[j].generation);
    (
        site.pages[i].generation,
        generation(site.earlier[i]),
        generation(site.later[i]),
        site.translations[i]
            .iter()
            .map(|&t| site.pages[t].generation)
            .collect(),
    )
}

/// A page's hashes.
pub struct PageDigest {
    key: PageKey,
    /// Of what listings see of the page: everything but its body.
    pub listed: u64,
    /// Of all of it.
    pub whole: u64,
}

fn digest_page(site: &Site, i: usize, config: &Config) -> PageDigest {
    let value = page_value(site, i, config);
    let (content, toc, word_count) = (value.content_hash, value.toc, value.word_count);
    let mut listed_view = value;
    listed_view.toc = &[];
    listed_view.word_count = 0;
    listed_view.reading_time = 0;
    let listed = crate::hash::of(&serde_json::to_vec(&listed_view).unwrap_or_default());
    let whole = crate::hash::of(&(
        listed,
        content,
        serde_json::to_vec(toc).unwrap_or_default(),
        word_count,
    ));
    PageDigest {
        key: page_key(site, i),
        listed,
        whole,
    }
}

/// Page digests by source path, kept between renders of the same site.
#[derive(Default)]
pub struct PageMemory {
    digests: FxHashMap<String, PageDigest>,
}

impl PageMemory {
    /// Digests the pages that changed since the last call and forgets
    /// pages that went away; returns every page's digest, by page index.
    pub fn refresh<'a>(&'a mut self, site: &Site, config: &Config) -> Vec<&'a PageDigest> {
        let digested: Vec<Option<PageDigest>> = (0..site.pages.len())
            .into_par_iter()
            .map(|i| {
                let known = self
                    .digests
                    .get(&site.pages[i].rel)
                    .is_some_and(|d| d.key == page_key(site, i));
                (!known).then(|| digest_page(site, i, config))
            })
            .collect();
        for (i, digest) in digested.into_iter().enumerate() {
            if let Some(digest) = digest {
                self.digests.insert(site.pages[i].rel.clone(), digest);
            }
        }
        // Every live page has a digest; any more are pages that went away.
        if self.digests.len() != site.pages.len() {
            let live: FxHashSet<&str> = site.pages.iter().map(|p| p.rel.as_str()).collect();
            self.digests.retain(|rel, _| live.contains(rel.as_str()));
        }
        site.pages.iter().map(|p| &self.digests[&p.rel]).collect()
    }
}

/// The site-wide digests that listings' signatures combine.
pub struct SiteDigest {
    /// Per section: (listed, whole) hashes of its pages.
    pub section_pages: Vec<(u64, u64)>,
    /// Per term: (listed, whole) hashes of its pages.
    pub term_pages: Vec<(u64, u64)>,
    /// Per section: its own title, body, extra and subsections.
    pub section_own: Vec<u64>,
    /// Every page as listings see it.
    pub all_pages: u64,
    /// Per taxonomy: every term's name, slug and size.
    pub term_names: Vec<u64>,
}

/// Hash of the digests of `list`: listed or whole.
pub fn aggregate(pages: &[&PageDigest], list: &[usize], whole: bool) -> u64 {
    let hashes: Vec<u64> = list
        .iter()
        .map(|&i| {
            if whole {
                pages[i].whole
            } else {
                pages[i].listed
            }
        })
        .collect();
    crate::hash::of(&hashes)
}

impl SiteDigest {
    pub fn new(site: &Site, pages: &[&PageDigest]) -> SiteDigest {
        let both = |list: &[usize]| (aggregate(pages, list, false), aggregate(pages, list, true));
        let all: Vec<usize> = (0..site.pages.len()).collect();
        SiteDigest {
            section_pages: site.section_pages.iter().map(|l| both(l)).collect(),
            term_pages: site.terms.iter().map(|t| both(&t.pages)).collect(),
            section_own: (0..site.sections.len())
                .map(|s| section_own(site, s))
                .collect(),
            all_pages: aggregate(pages, &all, false),
            term_names: (0..site.taxonomies.len())
                .map(|t| {
                    crate::hash::of(
                        &site
                            .terms_of(t)
                            .map(|(_, term)| (&term.name, &term.slug, term.pages.len()))
                            .collect::<Vec<_>>(),
                    )
                })
                .collect(),
        }
    }
}

fn section_own(site: &Site, s: usize) -> u64 {
    let section = &site.sections[s];
    let subsections: Vec<(String, &str, usize)> = site.subsections[s]
        .iter()
        .map(|&c| {
            (
                site.sections[c].title(),
                site.sections[c].path.as_str(),
                site.section_pages[c].len(),
            )
        })
        .collect();
    crate::hash::of(&(
        section.title(),
        section.rendered.html.hash(),
        serde_json::to_vec(&section.front_matter.extra).unwrap_or_default(),
        subsections,
    ))
}
