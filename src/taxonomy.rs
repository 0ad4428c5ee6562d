//! Taxonomies: `tags` and the ones a site declares in `[taxonomies]`
//! (`categories`, `series`…), each with a page listing its terms at
//! `/NAME/` and one per term at `/NAME/TERM/`, as in Zola and Hugo.
//!
//! Which terms a page has is decided here, from its front matter and the
//! declared names: `tags = [...]`, Zola's `taxonomies = { NAME = [...] }`
//! and Hugo's top-level `NAME: [...]`. `categories` of a site that does
//! not declare it stay tags, as they were before taxonomies existed.

use std::collections::BTreeMap;
use std::path::Path;

use crate::config::Config;
use crate::content::FrontMatter;
use crate::error::Diagnostic;
use crate::slug::slugify;

/// The taxonomy every site has, always first in [`declared`].
pub const TAGS: &str = "tags";

/// A taxonomy of the site, as `[taxonomies]` sets it up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Taxonomy {
    /// Also its URL: `/NAME/`.
    pub name: String,
    /// Whether each term has an Atom feed.
    pub feed: bool,
    /// Pages per pager of a term; `None`: `build.paginate_by`.
    pub paginate_by: Option<usize>,
}

impl Taxonomy {
    /// `/NAME/`: the list of its terms.
    pub fn path(&self) -> String {
        format!("/{}/", self.name)
    }

    /// A heading for it: `theme-tags` → `Theme tags`.
    pub fn title(&self) -> String {
        let words = self.name.replace(['-', '_'], " ");
        let mut chars = words.chars();
        match chars.next() {
            Some(first) => first.to_uppercase().chain(chars).collect(),
            None => String::new(),
        }
    }
}

/// The site's taxonomies: `tags` first, then the declared ones by name.
pub fn declared(config: &Config) -> Vec<Taxonomy> {
    let tags = config.taxonomies.get(TAGS).cloned().unwrap_or_default();
    let mut all = vec![Taxonomy {
        name: TAGS.into(),
        feed: tags.feed,
        paginate_by: tags.paginate_by,
    }];
    all.extend(
        config
            .taxonomies
            .iter()
            .filter(|(name, _)| name.as_str() != TAGS)
            .map(|(name, settings)| Taxonomy {
                name: name.clone(),
                feed: settings.feed,
                paginate_by: settings.paginate_by,
            }),
    );
    all
}

/// The names of [`declared`], in its order.
pub fn declared_names(config: &Config) -> Vec<String> {
    declared(config).into_iter().map(|t| t.name).collect()
}

/// One term of a page, as written and as its URL segment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageTerm {
    pub name: String,
    /// Empty for a term with no letters or digits: it gets no page.
    pub slug: String,
}

/// A page's terms per taxonomy of `names` (tags first). Folds undeclared
/// `categories` into `fm.tags`, so `fm.tags` ends as the page's tags.
pub fn page_terms(fm: &mut FrontMatter, names: &[String]) -> Vec<Vec<PageTerm>> {
    let mut written: Vec<Vec<String>> = vec![Vec::new(); names.len()];
    let position = |taxonomy: &str| names.iter().position(|n| n == taxonomy);
    for w in &fm.written_terms {
        match position(&w.taxonomy) {
            Some(t) if t > 0 => written[t].extend(w.terms.iter().cloned()),
            _ if w.taxonomy == "categories" => fm.tags.extend(w.terms.iter().cloned()),
            _ => {}
        }
    }
    // Hugo's form: a declared taxonomy's terms as a top-level key.
    for (t, name) in names.iter().enumerate().skip(1) {
        if name == "categories" {
            continue;
        }
        if let Some(list) = fm.extra.get(name).and_then(|v| v.as_array()) {
            written[t].extend(list.iter().filter_map(|v| v.as_str()).map(String::from));
        }
    }
    let mut tags = Vec::new();
    for tag in std::mem::take(&mut fm.tags) {
        if !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    fm.tags = tags.clone();
    written[0] = tags;
    written
        .into_iter()
        .map(|terms| {
            let mut out: Vec<PageTerm> = Vec::new();
            for name in terms {
                if !out.iter().any(|t| t.name == name) {
                    out.push(PageTerm {
                        slug: slugify(&name),
                        name,
                    });
                }
            }
            out
        })
        .collect()
}

/// One warning per taxonomy a page names in `taxonomies = {...}` that the
/// site does not declare: where it is first written and how many pages
/// name it. A warning, not Zola's error, so an imported site still builds.
pub fn undeclared_warnings<'a>(
    pages: impl Iterator<Item = (&'a Path, &'a FrontMatter)>,
    names: &[String],
) -> Vec<Diagnostic> {
    let found = pages.flat_map(|(source, fm)| {
        fm.written_terms
            .iter()
            .filter(|w| w.taxonomy != "categories" && !names.contains(&w.taxonomy))
            .map(move |w| (w.taxonomy.as_str(), source, w.line))
    });
    crate::error::once_per_key(found, |name, elsewhere| {
        format!(
            "taxonomy `{name}` is not declared{elsewhere}, so its terms get no pages: \
             add `{name} = {{}}` under `[taxonomies]` in ssg.toml"
        )
    })
}

/// A term of a taxonomy, with the pages that have it.
#[derive(Debug, Clone)]
pub struct Term {
    /// Index into `Site::taxonomies`.
    pub taxonomy: usize,
    /// As the author wrote it (the alphabetically first spelling when several slug alike).
    pub name: String,
    pub slug: String,
    /// `/NAME/SLUG/`.
    pub path: String,
    /// Indices into `Site::pages`, in listing order.
    pub pages: Vec<usize>,
}

/// Every term of every taxonomy, by taxonomy then slug; `terms_of(i)` is
/// page `i`'s [`page_terms`], and `order` the listing order of pages.
pub fn collect_terms<'a>(
    taxonomies: &[Taxonomy],
    page_count: usize,
    terms_of: impl Fn(usize) -> &'a [Vec<PageTerm>],
    order: impl Fn(&usize, &usize) -> std::cmp::Ordering,
) -> Vec<Term> {
    let mut by_slug: BTreeMap<(usize, String), Term> = BTreeMap::new();
    for i in 0..page_count {
        for (t, terms) in terms_of(i).iter().enumerate().take(taxonomies.len()) {
            for term in terms.iter().filter(|term| !term.slug.is_empty()) {
                let slug = term.slug.clone();
                let entry = by_slug.entry((t, slug.clone())).or_insert_with(|| Term {
                    taxonomy: t,
                    name: term.name.clone(),
                    path: format!("/{}/{slug}/", taxonomies[t].name),
                    slug,
                    pages: Vec::new(),
                });
                if term.name < entry.name {
                    entry.name = term.name.clone();
                }
                if entry.pages.last() != Some(&i) {
                    entry.pages.push(i);
                }
            }
        }
    }
    let mut terms: Vec<Term> = by_slug.into_values().collect();
    for term in &mut terms {
        term.pages.sort_by(&order);
        term.pages.dedup();
    }
    terms
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::front_matter::WrittenTerms;

    fn written(taxonomy: &str, terms: &[&str]) -> WrittenTerms {
        WrittenTerms {
            taxonomy: taxonomy.into(),
            terms: terms.iter().map(|t| t.to_string()).collect(),
            line: Some(2),
        }
    }

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|n| n.to_string()).collect()
    }

    #[test]
    fn undeclared_categories_stay_tags_and_declared_ones_do_not() {
        let fm = FrontMatter {
            tags: vec!["rust".into()],
            written_terms: vec![written("categories", &["Go", "rust"])],
            ..Default::default()
        };
        let mut plain = fm.clone();
        let terms = page_terms(&mut plain, &names(&["tags"]));
        assert_eq!(plain.tags, ["rust", "Go"]);
        assert_eq!(terms.len(), 1);
        let mut declared = fm.clone();
        let terms = page_terms(&mut declared, &names(&["tags", "categories"]));
        assert_eq!(declared.tags, ["rust"]);
        let slugs: Vec<&str> = terms[1].iter().map(|t| t.slug.as_str()).collect();
        assert_eq!(slugs, ["go", "rust"]);
    }

    #[test]
    fn hugo_top_level_keys_count_for_declared_taxonomies_only() {
        let mut fm = FrontMatter::default();
        fm.extra
            .insert("series".into(), serde_json::json!(["Intro", "Intro"]));
        let terms = page_terms(&mut fm.clone(), &names(&["tags", "series"]));
        assert_eq!(terms[1].len(), 1, "a term once per page");
        assert_eq!(terms[1][0].slug, "intro");
        assert!(page_terms(&mut fm, &names(&["tags"]))[0].is_empty());
    }

    #[test]
    fn an_undeclared_taxonomy_is_one_warning_at_its_first_line() {
        let fm = FrontMatter {
            written_terms: vec![written("theme-tags", &["a"]), written("categories", &["b"])],
            ..Default::default()
        };
        let pages = [
            (Path::new("content/a.md"), &fm),
            (Path::new("content/b.md"), &fm),
        ];
        let warnings = undeclared_warnings(pages.into_iter(), &names(&["tags"]));
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].line, Some(2));
        assert!(warnings[0].message.contains("`theme-tags`"));
        assert!(warnings[0].message.contains("1 more files"));
    }
}
