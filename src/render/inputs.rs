//! Everything one render of the site reads, shared by every output kind:
//! the site, its digests, its pagers, and template values built once on
//! first use (every pager of a section or term shares its value; cloning a
//! value is a reference count).

use std::sync::{Mutex, OnceLock};

use rustc_hash::FxHashMap;

use tera::Value;

use super::digest::{PageDigest, SiteDigest};
use super::pager_templates::{self, TaxonomyTemplates};
use super::values;
use crate::config::Config;
use crate::packed::PackedText;
use crate::site::{Pager, Site, paginate};
use crate::templates::{Reads, Templates};

pub struct RenderInputs<'a> {
    pub site: &'a Site,
    pub config: &'a Config,
    pub templates: &'a Templates,
    pub pages: Vec<&'a PageDigest>,
    pub digest: SiteDigest,
    pub section_pagers: Vec<Vec<Pager>>,
    /// Per taxonomy of `site.taxonomies`: the templates it renders with.
    pub taxonomy_templates: Vec<TaxonomyTemplates>,
    /// Per term of `site.terms`: its pagers.
    pub term_pagers: Vec<Vec<Pager>>,
    pub config_value: Value,
    /// Per section and term: its value without its pages, with them, and
    /// with their bodies too (see [`variant`]).
    section_values: Vec<[OnceLock<Value>; 3]>,
    term_values: Vec<[OnceLock<Value>; 3]>,
    /// Per page: its content and summary as feeds show them.
    feed_html: Vec<OnceLock<FeedHtml>>,
    /// [`Self::site_wide_digest`]: as listings see pages, and with bodies.
    site_wide: [OnceLock<u64>; 2],
    /// Per template that calls `load_data`: [`Self::load_data_digest`].
    loaded_files: Mutex<FxHashMap<String, u64>>,
    /// Per template that calls `get_page`…: [`Self::site_calls_digest`].
    site_calls: Mutex<FxHashMap<String, u64>>,
    /// Content path → page, and `_index.md` path → section, made on first use.
    content_names: OnceLock<ContentNames>,
}

/// A taxonomy's term names and each term's pages, as one template sees them.
type TermsDigest = (u64, Vec<u64>);

/// Pages and sections by the content paths `get_page` and `get_section` take.
struct ContentNames {
    pages: FxHashMap<String, usize>,
    sections: FxHashMap<String, usize>,
}

/// A page's HTML with every URL absolute, for feed readers, which resolve
/// relative ones against the feed's URL. Held packed: pages in a feed are
/// as many as `feed_limit` times the number of terms.
pub struct FeedHtml {
    pub content: PackedText,
    pub summary: Option<String>,
}

impl<'a> RenderInputs<'a> {
    pub fn new(
        site: &'a Site,
        config: &'a Config,
        templates: &'a Templates,
        pages: Vec<&'a PageDigest>,
    ) -> RenderInputs<'a> {
        let digest = SiteDigest::new(site, &pages);
        let per_pager = |template: &str, configured: usize, listed: usize| {
            // A template that never reads `paginator` lists its pages
            // another way (`section.pages`): pager pages would each repeat
            // the whole list, so it gets one page, as in Hugo and Zola.
            if templates.reads(template, Reads::Paginator) {
                configured
            } else {
                listed.max(1)
            }
        };
        let taxonomy_templates: Vec<TaxonomyTemplates> = site
            .taxonomies
            .iter()
            .map(|t| pager_templates::taxonomy(templates, &t.name))
            .collect();
        let term_pagers = site
            .terms
            .iter()
            .map(|term| {
                let taxonomy = &site.taxonomies[term.taxonomy];
                let configured = taxonomy.paginate_by.unwrap_or(config.build.paginate_by);
                let listed = term.pages.len();
                let template = &taxonomy_templates[term.taxonomy].single;
                paginate(&term.path, listed, per_pager(template, configured, listed))
            })
            .collect();
        let mut inputs = RenderInputs {
            site,
            config,
            templates,
            pages,
            digest,
            section_pagers: Vec::new(),
            taxonomy_templates,
            term_pagers,
            config_value: values::config_value(config),
            section_values: (0..site.sections.len())
                .map(|_| Default::default())
                .collect(),
            term_values: site.terms.iter().map(|_| Default::default()).collect(),
            feed_html: site.pages.iter().map(|_| OnceLock::new()).collect(),
            site_wide: Default::default(),
            loaded_files: Mutex::default(),
            site_calls: Mutex::default(),
            content_names: OnceLock::new(),
        };
        inputs.section_pagers = (0..site.sections.len())
            .map(|s| {
                let section = &site.sections[s];
                let configured = section
                    .front_matter
                    .paginate_by
                    .unwrap_or(config.build.paginate_by);
                let listed = inputs.section_listing(s).len();
                let size = per_pager(pager_templates::section(site, s), configured, listed);
                paginate(&section.path, listed, size)
            })
            .collect();
        inputs
    }

    /// The pages section `s` lists: every dated page for the home page,
    /// else its own.
    pub fn section_listing(&self, s: usize) -> &'a [usize] {
        if Some(s) == self.site.root_section() {
            &self.site.dated
        } else {
            &self.site.section_pages[s]
        }
    }

    /// Everything `get_page`, `get_section` and `get_taxonomy*` can show:
    /// every page (with its body if `body`) by content path, every
    /// section's own values and listings, every term's. One digest for the
    /// whole site: an edit to any page re-renders every output whose
    /// template calls them, and nothing else pays for it.
    pub fn site_wide_digest(&self, body: bool) -> u64 {
        *self.site_wide[usize::from(body)].get_or_init(|| {
            let pick = |(listed, whole): &(u64, u64)| if body { *whole } else { *listed };
            let pages: Vec<(&str, u64)> = (self.site.pages.iter().enumerate())
                .map(|(i, p)| (p.rel.as_str(), self.page_hash(i, body)))
                .collect();
            let sections: Vec<&str> = self.site.sections.iter().map(|s| s.dir.as_str()).collect();
            let digest = &self.digest;
            crate::hash::of(&(
                pages,
                sections,
                &digest.section_own,
                digest.section_pages.iter().map(pick).collect::<Vec<_>>(),
                digest.term_pages.iter().map(pick).collect::<Vec<_>>(),
                &digest.term_names,
            ))
        })
    }

    /// What `template`'s `get_page`, `get_section` and `get_taxonomy*`
    /// calls can show: the pages, sections (with their pages) and
    /// taxonomies (with their terms' pages) they name, or the whole site
    /// when one of them names what it reads with a computed value.
    pub fn site_calls_digest(&self, template: &str, body: bool) -> u64 {
        let cached = self
            .site_calls
            .lock()
            .ok()
            .and_then(|m| m.get(template).copied());
        if let Some(known) = cached {
            return known;
        }
        let calls = self.templates.site_calls(template);
        let digest = if calls.computed {
            self.site_wide_digest(body)
        } else {
            self.named_digest(&calls, body)
        };
        if let Ok(mut known) = self.site_calls.lock() {
            known.insert(template.to_string(), digest);
        }
        digest
    }

    fn named_digest(&self, calls: &crate::render::site_functions::SiteCalls, body: bool) -> u64 {
        let pick = |(listed, whole): (u64, u64)| if body { whole } else { listed };
        let names = self.content_names.get_or_init(|| ContentNames {
            pages: (self.site.pages.iter().enumerate())
                .map(|(i, p)| (p.rel.clone(), i))
                .collect(),
            sections: (self.site.sections.iter().enumerate())
                .map(|(s, section)| (crate::layout::section_index_rel(&section.dir), s))
                .collect(),
        });
        let pages: Vec<(&String, Option<u64>)> = (calls.pages.iter())
            .map(|rel| (rel, names.pages.get(rel).map(|&i| self.page_hash(i, body))))
            .collect();
        let sections: Vec<(&String, Option<(u64, u64)>)> = (calls.sections.iter())
            .map(|rel| {
                let s = names.sections.get(rel);
                let own = s.map(|&s| {
                    (
                        self.digest.section_own[s],
                        pick(self.digest.section_pages[s]),
                    )
                });
                (rel, own)
            })
            .collect();
        let taxonomies: Vec<(&String, Option<TermsDigest>)> = (calls.taxonomies.iter())
            .map(|kind| {
                let t = self.site.taxonomies.iter().position(|t| &t.name == kind);
                let terms = t.map(|t| {
                    let listed = self
                        .site
                        .terms_of(t)
                        .map(|(i, _)| pick(self.digest.term_pages[i]));
                    (self.digest.term_names[t], listed.collect())
                });
                (kind, terms)
            })
            .collect();
        crate::hash::of(&(pages, sections, taxonomies))
    }

    /// What `template`'s `load_data` calls read: the files of their quoted
    /// paths; a template that computes a path is rendered on every build.
    pub fn load_data_digest(&self, template: &str) -> u64 {
        if let Some(known) = self
            .loaded_files
            .lock()
            .ok()
            .and_then(|m| m.get(template).copied())
        {
            return known;
        }
        let paths = self.templates.load_paths(template);
        let digest = if paths.computed {
            crate::hash::of(&(std::process::id(), std::time::SystemTime::now()))
        } else {
            self.templates.site_functions.data_digest(&paths)
        };
        if let Ok(mut known) = self.loaded_files.lock() {
            known.insert(template.to_string(), digest);
        }
        digest
    }

    /// Whether `template` reads what `reads` names.
    pub fn reads(&self, template: &str, reads: Reads) -> bool {
        self.templates.reads(template, reads)
    }

    /// Page `i`'s hash as a template shows it: whole if it reads bodies.
    pub fn page_hash(&self, i: usize, body: bool) -> u64 {
        if body {
            self.pages[i].whole
        } else {
            self.pages[i].listed
        }
    }

    /// The hashes of the pages of `listing[pager]`.
    pub fn pager_hashes(&self, listing: &[usize], pager: &Pager, body: bool) -> Vec<u64> {
        listing[pager.start..pager.end]
            .iter()
            .map(|&i| self.page_hash(i, body))
            .collect()
    }

    /// Page `i`'s value in a listing: with `content` only for a template
    /// that reads bodies.
    pub fn listed_page_value(&self, i: usize, body: bool) -> Value {
        values::listed_page_value(self.site, i, self.config, body)
    }

    pub fn page_values(&self, list: &[usize], body: bool) -> Vec<Value> {
        list.iter()
            .map(|&i| self.listed_page_value(i, body))
            .collect()
    }

    /// The `section` value of section `s`; with `section.pages` only for
    /// a template that reads them (`all`), each with its body for one that
    /// reads bodies.
    pub fn section_value(&self, s: usize, all: bool, body: bool) -> Value {
        self.section_values[s][variant(all, body)]
            .get_or_init(|| {
                let pages = all.then(|| self.page_values(&self.site.section_pages[s], body));
                values::section_value(self.site, s, self.config, pages)
            })
            .clone()
    }

    /// The `term` value of term `t`, with `term.pages` as [`Self::section_value`].
    pub fn term_value(&self, t: usize, all: bool, body: bool) -> Value {
        self.term_values[t][variant(all, body)]
            .get_or_init(|| {
                let pages = all.then(|| self.page_values(&self.site.terms[t].pages, body));
                values::term_value(self.site, t, self.config, pages)
            })
            .clone()
    }

    /// Page `i`'s HTML as feeds show it, made once however many feeds list it.
    pub fn feed_html(&self, i: usize) -> &FeedHtml {
        self.feed_html[i].get_or_init(|| {
            let page = &self.site.pages[i];
            let permalink = self.config.permalink(&page.path);
            let rendered = &page.rendered;
            FeedHtml {
                content: PackedText::new(crate::rebase::absolute(
                    &rendered.html.text(),
                    &permalink,
                )),
                summary: rendered
                    .summary
                    .as_deref()
                    .map(|s| crate::rebase::absolute(s, &permalink)),
            }
        })
    }

    /// The `paginator` value of pager `p` of `pagers` over `listing`.
    pub fn paginator_value(
        &self,
        pagers: &[Pager],
        p: usize,
        listing: &[usize],
        body: bool,
    ) -> Value {
        let pager = &pagers[p];
        let pages = self.page_values(&listing[pager.start..pager.end], body);
        values::paginator_value(pager, pagers, listing.len(), pages, self.config)
    }
}

/// Which of a section's or term's values a template needs: listing every
/// page copies each page's value (they are built per use, not kept), so
/// only a template that reads the whole list gets it.
fn variant(all: bool, body: bool) -> usize {
    match (all, body) {
        (false, _) => 0,
        (true, false) => 1,
        (true, true) => 2,
    }
}
