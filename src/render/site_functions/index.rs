//! The site as `get_page`, `get_section` and `get_taxonomy*` see it: every
//! page, section and term by the name a template gives it, with its value
//! built once per render and shared (a template value clones by reference
//! count), so 10,000 pages each calling `get_section` build the section's
//! list once. Owned, not borrowed, because Tera's functions are `'static`.

use std::sync::OnceLock;

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use tera::Value;

use crate::config::Config;
use crate::layout::section_index_rel;
use crate::packed::PackedText;
use crate::render::values;
use crate::site::Site;

/// See the module documentation.
pub struct SiteIndex {
    /// Content path (`blog/a.md`) → page index.
    page_at: FxHashMap<String, usize>,
    /// Per page: its value without `content`, and its HTML.
    page_fields: Vec<Value>,
    page_html: Vec<PackedText>,
    /// Per page: its value with `content`, made on first use.
    page_whole: Vec<OnceLock<Value>>,
    /// Content path of `_index.md` → section index.
    section_at: FxHashMap<String, usize>,
    /// Per section: its value without `pages`, and its pages in listing order.
    section_meta: Vec<Value>,
    section_pages: Vec<Vec<usize>>,
    /// Per section: with `pages` (without, with bodies), made on first use.
    section_whole: Vec<[OnceLock<Value>; 2]>,
    taxonomies: Vec<TaxonomyIndex>,
}

/// One taxonomy: its value, and its terms.
struct TaxonomyIndex {
    name: String,
    kind: Value,
    permalink: String,
    terms: Vec<TermIndex>,
    /// `get_taxonomy`'s value (without, with bodies), made on first use.
    whole: [OnceLock<Value>; 2],
}

struct TermIndex {
    name: String,
    slug: String,
    permalink: String,
    meta: Value,
    pages: Vec<usize>,
    /// With `pages` (without, with bodies), made on first use.
    whole: [OnceLock<Value>; 2],
}

impl SiteIndex {
    /// Every page's, section's and term's value but for what is made on first use.
    pub fn new(site: &Site, config: &Config) -> SiteIndex {
        let page_fields: Vec<Value> = (0..site.pages.len())
            .into_par_iter()
            .map(|i| values::page_fields_value(site, i, config))
            .collect();
        let taxonomies = (0..site.taxonomies.len())
            .map(|t| taxonomy_index(site, t, config))
            .collect();
        SiteIndex {
            page_at: (site.pages.iter().enumerate())
                .map(|(i, p)| (p.rel.clone(), i))
                .collect(),
            page_fields,
            page_html: site.pages.iter().map(|p| p.rendered.html.clone()).collect(),
            page_whole: site.pages.iter().map(|_| OnceLock::new()).collect(),
            section_at: (site.sections.iter().enumerate())
                .map(|(s, section)| (section_index_rel(&section.dir), s))
                .collect(),
            section_meta: (0..site.sections.len())
                .map(|s| values::section_value(site, s, config, None))
                .collect(),
            section_pages: site.section_pages.clone(),
            section_whole: site.sections.iter().map(|_| Default::default()).collect(),
            taxonomies,
        }
    }

    /// The page at content path `rel`, as its own template sees it.
    pub fn page(&self, rel: &str) -> Option<Value> {
        self.page_at.get(rel).map(|&i| self.page_value(i, true))
    }

    /// The section whose `_index.md` is at `rel`; with its pages unless
    /// `metadata_only`, each with its body if `bodies`.
    pub fn section(&self, rel: &str, metadata_only: bool, bodies: bool) -> Option<Value> {
        let &s = self.section_at.get(rel)?;
        if metadata_only {
            return Some(self.section_meta[s].clone());
        }
        let made = self.section_whole[s][usize::from(bodies)].get_or_init(|| {
            with_pages(
                &self.section_meta[s],
                self.pages(&self.section_pages[s], bodies),
            )
        });
        Some(made.clone())
    }

    /// `{kind, items, permalink}` of the taxonomy named `kind`.
    pub fn taxonomy(&self, kind: &str, bodies: bool) -> Option<Value> {
        let taxonomy = self.taxonomies.iter().find(|t| t.name == kind)?;
        let made = taxonomy.whole[usize::from(bodies)].get_or_init(|| {
            let items: Vec<Value> = (taxonomy.terms.iter())
                .map(|term| self.term_with_pages(term, bodies))
                .collect();
            let mut map = tera::Map::new();
            map.insert("kind".into(), taxonomy.kind.clone());
            map.insert("items".into(), Value::from(items));
            map.insert("permalink".into(), Value::from(taxonomy.permalink.as_str()));
            Value::from(map)
        });
        Some(made.clone())
    }

    /// The term of taxonomy `kind` named `name` (as front matter writes it,
    /// or its slug); with its pages if `include_pages`.
    pub fn term(&self, kind: &str, name: &str, include_pages: bool, bodies: bool) -> Lookup {
        let Some(taxonomy) = self.taxonomies.iter().find(|t| t.name == kind) else {
            return Lookup::NoTaxonomy;
        };
        let slug = crate::slug::slugify(name);
        let found = (taxonomy.terms.iter()).find(|t| t.name == name || t.slug == slug);
        match found {
            None => Lookup::NoTerm,
            Some(term) if include_pages => Lookup::Found {
                value: self.term_with_pages(term, bodies),
                permalink: term.permalink.clone(),
            },
            Some(term) => Lookup::Found {
                value: term.meta.clone(),
                permalink: term.permalink.clone(),
            },
        }
    }

    /// The content paths of every page, for suggestions.
    pub fn page_paths(&self) -> impl Iterator<Item = &str> {
        self.page_at.keys().map(String::as_str)
    }

    /// The content paths of every section's `_index.md`, for suggestions.
    pub fn section_paths(&self) -> impl Iterator<Item = &str> {
        self.section_at.keys().map(String::as_str)
    }

    /// The names of the site's taxonomies, for suggestions.
    pub fn taxonomy_names(&self) -> impl Iterator<Item = &str> {
        self.taxonomies.iter().map(|t| t.name.as_str())
    }

    /// The names of taxonomy `kind`'s terms, for suggestions.
    pub fn term_names(&self, kind: &str) -> Vec<&str> {
        (self.taxonomies.iter())
            .filter(|t| t.name == kind)
            .flat_map(|t| t.terms.iter().map(|term| term.name.as_str()))
            .collect()
    }

    fn term_with_pages(&self, term: &TermIndex, bodies: bool) -> Value {
        (term.whole[usize::from(bodies)]
            .get_or_init(|| with_pages(&term.meta, self.pages(&term.pages, bodies))))
        .clone()
    }

    fn pages(&self, list: &[usize], bodies: bool) -> Vec<Value> {
        list.iter().map(|&i| self.page_value(i, bodies)).collect()
    }

    fn page_value(&self, i: usize, body: bool) -> Value {
        if !body {
            return self.page_fields[i].clone();
        }
        (self.page_whole[i].get_or_init(|| {
            let mut map = self.page_fields[i].clone().into_map().unwrap_or_default();
            map.insert("content".into(), self.page_html[i].value());
            Value::from(map)
        }))
        .clone()
    }
}

/// What looking a term up found.
pub enum Lookup {
    NoTaxonomy,
    NoTerm,
    Found { value: Value, permalink: String },
}

fn with_pages(meta: &Value, pages: Vec<Value>) -> Value {
    let mut map = meta.clone().into_map().unwrap_or_default();
    map.insert("pages".into(), Value::from(pages));
    Value::from(map)
}

fn taxonomy_index(site: &Site, t: usize, config: &Config) -> TaxonomyIndex {
    let taxonomy = &site.taxonomies[t];
    let terms = (site.terms.iter().enumerate())
        .filter(|(_, term)| term.taxonomy == t)
        .map(|(i, term)| TermIndex {
            name: term.name.clone(),
            slug: term.slug.clone(),
            permalink: config.permalink(&term.path),
            meta: values::term_value(site, i, config, None),
            pages: term.pages.clone(),
            whole: Default::default(),
        })
        .collect();
    TaxonomyIndex {
        name: taxonomy.name.clone(),
        kind: values::taxonomy_value(site, t, config),
        permalink: config.permalink(&taxonomy.path()),
        terms,
        whole: Default::default(),
    }
}

/// The site as shortcodes and render hooks see it, rendered with the
/// Markdown before the site is put together: every page and section with
/// its front matter, URL, order and terms, none of its Markdown rendered
/// (`content` and `summary` empty, no `toc`, `word_count` 0), as Zola's
/// shortcodes see other pages; and a digest of all of it, which the
/// Markdown cache keys pages with shortcodes by.
pub fn before_markdown(
    pages: &[crate::content::Page],
    sections: &[crate::content::Section],
    taxonomies: &[crate::taxonomy::Taxonomy],
    config: &Config,
) -> (SiteIndex, u64) {
    let pages = (pages.iter())
        .map(|p| crate::content::Page {
            rendered: Default::default(),
            ..p.clone()
        })
        .collect();
    let sections = (sections.iter())
        .map(|s| crate::content::Section {
            rendered: Default::default(),
            ..s.clone()
        })
        .collect();
    let content = crate::content::Content {
        pages,
        sections,
        warnings: Vec::new(),
    };
    let site = Site::new(content, taxonomies.to_vec(), &config.language);
    let index = SiteIndex::new(&site, config);
    (index, metadata_digest(&site, config))
}

/// Hash of every page's value and every section's own values, by content path.
fn metadata_digest(site: &Site, config: &Config) -> u64 {
    let pages: Vec<(&str, Vec<u8>)> = (0..site.pages.len())
        .into_par_iter()
        .map(|i| {
            let value = values::page_value(site, i, config);
            (
                site.pages[i].rel.as_str(),
                serde_json::to_vec(&value).unwrap_or_default(),
            )
        })
        .collect();
    let sections: Vec<(&str, &str, String, Vec<u8>)> = (site.sections.iter())
        .map(|s| {
            let extra = serde_json::to_vec(&s.front_matter.extra).unwrap_or_default();
            (s.dir.as_str(), s.path.as_str(), s.title(), extra)
        })
        .collect();
    crate::hash::of(&(pages, sections, &site.section_pages))
}
