//! The in-memory site: pages ordered within sections, the home listing,
//! taxonomy terms, neighbours and pagination. Pure data; no I/O, no templates.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use crate::content::{Content, Page, Section};
use crate::taxonomy::{Taxonomy, Term, collect_terms};

#[derive(Debug, Clone)]
pub struct Site {
    pub pages: Vec<Page>,
    pub sections: Vec<Section>,
    /// Per section: its own pages, in listing order.
    pub section_pages: Vec<Vec<usize>>,
    /// Per section: indices of its direct subsections.
    pub subsections: Vec<Vec<usize>>,
    /// Every dated page in the site's language, newest first: the home
    /// listing and the site feed. A page whose `lang` is another (a
    /// translation under `fr/`) is listed in its own section only, as
    /// Zola lists each language on its own home.
    pub dated: Vec<usize>,
    /// The site's `language`.
    pub language: String,
    /// Per page: the same page in each language it is written in, itself
    /// included, the site's language first (empty when it has no other).
    pub translations: Vec<Vec<usize>>,
    /// `tags` first, then the declared taxonomies (`crate::taxonomy::declared`).
    pub taxonomies: Vec<Taxonomy>,
    /// Every term of every taxonomy, by taxonomy then slug.
    pub terms: Vec<Term>,
    /// Per page: the next older / next newer dated page in the same section.
    pub earlier: Vec<Option<usize>>,
    pub later: Vec<Option<usize>>,
}

/// Per page, its translations (see [`Site::translations`]): a page whose
/// `lang` is not the site's, at `LANG/REST`, is the page at `REST` in
/// that language — the folders `ssg import` moves a Zola site's
/// `x.fr.md` into, and the URLs Zola gives them.
fn translations_of(pages: &[Page], language: &str) -> Vec<Vec<usize>> {
    let mut groups: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, page) in pages.iter().enumerate() {
        let lang = page.front_matter.lang_or(language);
        let original = (lang != language)
            .then(|| page.rel.strip_prefix(lang)?.strip_prefix('/'))
            .flatten()
            .unwrap_or(&page.rel);
        groups.entry(original).or_default().push(i);
    }
    let mut translations = vec![Vec::new(); pages.len()];
    for mut group in groups.into_values().filter(|g| g.len() > 1) {
        let lang_of = |i: usize| pages[i].front_matter.lang_or(language);
        group.sort_by_key(|&i| (lang_of(i) != language, lang_of(i)));
        group.dedup_by_key(|i| lang_of(*i));
        if group.len() > 1 {
            for &i in &group {
                translations[i] = group.clone();
            }
        }
    }
    translations
}

/// Listing order: dated pages newest first, then undated ones by weight and title.
pub fn listing_order(a: &Page, b: &Page) -> Ordering {
    let fa = &a.front_matter;
    let fb = &b.front_matter;
    match (&fa.date, &fb.date) {
        (Some(da), Some(db)) => db.instant.cmp(&da.instant),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => match (fa.weight, fb.weight) {
            (Some(wa), Some(wb)) => wa.cmp(&wb),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        },
    }
    .then_with(|| a.title().cmp(b.title()))
    .then_with(|| a.path.cmp(&b.path))
}

/// How a section lists its pages: its `_index.md`'s `sort_by`, in Zola's
/// words. `Date` is [`listing_order`]; the others put pages without the
/// key after those with it (Zola leaves them out), in listing order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortBy {
    #[default]
    Date,
    /// `updated`, else `date`, newest first.
    UpdateDate,
    /// `weight`, lowest first.
    Weight,
    Title,
    Slug,
}

impl SortBy {
    pub const NAMES: &'static str = "date, update_date, weight, title, slug";

    /// Also Zola's `title_bytes` (as `title`) and `none` (as `date`), so a
    /// Zola section reads as it is.
    pub fn parse(name: &str) -> Option<SortBy> {
        Some(match name {
            "date" | "none" => SortBy::Date,
            "update_date" => SortBy::UpdateDate,
            "weight" => SortBy::Weight,
            "title" | "title_bytes" => SortBy::Title,
            "slug" => SortBy::Slug,
            _ => return None,
        })
    }

    /// Its name in `sort_by`.
    pub fn name(self) -> &'static str {
        match self {
            SortBy::Date => "date",
            SortBy::UpdateDate => "update_date",
            SortBy::Weight => "weight",
            SortBy::Title => "title",
            SortBy::Slug => "slug",
        }
    }

    /// The order of `a` and `b` in a section sorted so.
    pub fn order(self, a: &Page, b: &Page) -> Ordering {
        let (fa, fb) = (&a.front_matter, &b.front_matter);
        let keyed = match self {
            SortBy::Date => Ordering::Equal,
            SortBy::UpdateDate => {
                let changed = |p: &Page| {
                    let fm = &p.front_matter;
                    fm.updated.as_ref().or(fm.date.as_ref()).map(|d| d.instant)
                };
                descending_some_first(changed(a), changed(b))
            }
            SortBy::Weight => match (fa.weight, fb.weight) {
                (Some(wa), Some(wb)) => wa.cmp(&wb),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => Ordering::Equal,
            },
            SortBy::Title => a.title().to_lowercase().cmp(&b.title().to_lowercase()),
            SortBy::Slug => a.slug.cmp(&b.slug),
        };
        keyed.then_with(|| listing_order(a, b))
    }
}

/// Newest first, values before none.
fn descending_some_first<T: Ord>(a: Option<T>, b: Option<T>) -> Ordering {
    match (a, b) {
        (Some(a), Some(b)) => b.cmp(&a),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

impl Site {
    pub fn new(content: Content, taxonomies: Vec<Taxonomy>, language: &str) -> Site {
        // The warnings were the caller's to show when the content was read.
        let Content {
            pages,
            sections,
            warnings: _,
        } = content;
        let mut site = Site {
            pages,
            sections,
            section_pages: Vec::new(),
            subsections: Vec::new(),
            dated: Vec::new(),
            language: language.to_string(),
            translations: Vec::new(),
            taxonomies,
            terms: Vec::new(),
            earlier: Vec::new(),
            later: Vec::new(),
        };
        site.reindex();
        site
    }

    /// Recomputes every ordering and grouping from `pages` and `sections`,
    /// after pages were added, removed or changed in place.
    pub fn reindex(&mut self) {
        let pages = &self.pages;
        let sections = &self.sections;
        let section_index: BTreeMap<&str, usize> = sections
            .iter()
            .enumerate()
            .map(|(i, s)| (s.dir.as_str(), i))
            .collect();

        let mut section_pages = vec![Vec::new(); sections.len()];
        for (i, page) in pages.iter().enumerate() {
            if let Some(&s) = section_index.get(page.section.as_str()) {
                section_pages[s].push(i);
            }
        }
        for (s, list) in section_pages.iter_mut().enumerate() {
            let sort = sections[s].front_matter.sort_by;
            list.sort_by(|&a, &b| sort.order(&pages[a], &pages[b]));
        }

        let mut subsections = vec![Vec::new(); sections.len()];
        for (i, s) in sections.iter().enumerate() {
            if s.dir.is_empty() {
                continue;
            }
            let parent = s.dir.rsplit_once('/').map_or("", |(p, _)| p);
            if let Some(&p) = section_index.get(parent) {
                subsections[p].push(i);
            }
        }
        for list in &mut subsections {
            list.sort_by(|&a, &b| {
                let (sa, sb) = (&sections[a], &sections[b]);
                sa.front_matter
                    .weight
                    .unwrap_or(i64::MAX)
                    .cmp(&sb.front_matter.weight.unwrap_or(i64::MAX))
                    .then_with(|| sa.title().cmp(&sb.title()))
                    .then_with(|| sa.path.cmp(&sb.path))
            });
        }

        let mut dated: Vec<usize> = (0..pages.len())
            .filter(|&i| {
                let fm = &pages[i].front_matter;
                fm.date.is_some() && fm.lang_or(&self.language) == self.language
            })
            .collect();
        dated.sort_by(|&a, &b| listing_order(&pages[a], &pages[b]));

        let mut earlier = vec![None; pages.len()];
        let mut later = vec![None; pages.len()];
        for list in &section_pages {
            // Neighbours by date, whatever order the section lists in.
            let mut dated_here: Vec<usize> = list
                .iter()
                .copied()
                .filter(|&i| pages[i].front_matter.date.is_some())
                .collect();
            dated_here.sort_by(|&a, &b| listing_order(&pages[a], &pages[b]));
            for (pos, &i) in dated_here.iter().enumerate() {
                later[i] = pos.checked_sub(1).map(|p| dated_here[p]);
                earlier[i] = dated_here.get(pos + 1).copied();
            }
        }

        self.terms = collect_terms(
            &self.taxonomies,
            pages.len(),
            |i| &pages[i].terms,
            |&a, &b| listing_order(&pages[a], &pages[b]),
        );
        self.translations = translations_of(pages, &self.language);
        self.section_pages = section_pages;
        self.subsections = subsections;
        self.dated = dated;
        self.earlier = earlier;
        self.later = later;
    }

    pub fn root_section(&self) -> Option<usize> {
        self.sections.iter().position(|s| s.dir.is_empty())
    }

    /// The terms of taxonomy `t`, by slug.
    pub fn terms_of(&self, t: usize) -> impl Iterator<Item = (usize, &Term)> {
        self.terms
            .iter()
            .enumerate()
            .filter(move |(_, term)| term.taxonomy == t)
    }
}

/// One page of a paginated listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pager {
    /// 1-based.
    pub index: usize,
    pub total: usize,
    /// Site path of this pager (`/blog/` or `/blog/page/2/`).
    pub path: String,
    /// Range into the listing.
    pub start: usize,
    pub end: usize,
}

/// Splits `count` items into pagers under `base` (`/blog/`). Always at least
/// one pager, so an empty section still has its page. `per_page = 0`: one pager.
pub fn paginate(base: &str, count: usize, per_page: usize) -> Vec<Pager> {
    let per_page = if per_page == 0 {
        count.max(1)
    } else {
        per_page
    };
    let total = count.div_ceil(per_page).max(1);
    (1..=total)
        .map(|index| Pager {
            index,
            total,
            path: pager_path(base, index),
            start: (index - 1) * per_page,
            end: (index * per_page).min(count),
        })
        .collect()
}

pub fn pager_path(base: &str, index: usize) -> String {
    if index == 1 {
        base.to_string()
    } else {
        format!("{base}page/{index}/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pagination_splits_and_names_pages() {
        let p = paginate("/blog/", 25, 10);
        assert_eq!(p.len(), 3);
        assert_eq!(p[0].path, "/blog/");
        assert_eq!(p[2].path, "/blog/page/3/");
        assert_eq!((p[2].start, p[2].end), (20, 25));
        assert_eq!(paginate("/", 0, 10).len(), 1);
        assert_eq!(paginate("/", 7, 0).len(), 1);
    }
}
