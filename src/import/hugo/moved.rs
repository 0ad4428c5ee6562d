//! Old URLs that ssg serves somewhere else, kept answering: a section
//! whose URL differs (an alias in its `_index.md`), Hugo's first pagers
//! (`/posts/page/1/`, which Hugo always writes and ssg only for a listing
//! of several pages), Hugo's RSS feeds (`build.feed_aliases`: the site's
//! Atom feed at `/index.xml` and at each section's and taxonomy's
//! `index.xml`), and the pages, pagers and feeds of taxonomy terms, which
//! ssg has as tags at `/tags/SLUG/` (`[redirects]`, since no `_index.md`
//! owns a term page).

use std::collections::{BTreeMap, BTreeSet};

use super::config::HugoConfig;
use super::page::{HugoPage, PageKind, place};
use crate::import::{NewPage, Plan, Report};
use crate::slug::slugify;

/// The content folders that are sections — those with an `_index.md` and
/// every top-level folder holding pages (Hugo's rule) — with Hugo's URL
/// for each (a section's `url`, else its folder).
fn sections(pages: &[HugoPage], hugo: &HugoConfig) -> BTreeMap<String, String> {
    // Translations are read at their original's place: the original's URL
    // is the section's.
    let pages: Vec<&HugoPage> = pages
        .iter()
        .filter(|p| p.front_matter.lang.is_none())
        .collect();
    let mut dirs = BTreeSet::new();
    for page in &pages {
        let (dir, _) = place(&page.rel, page.kind);
        match page.kind {
            PageKind::Section => dirs.insert(
                page.rel
                    .rsplit_once('/')
                    .map_or(String::new(), |(d, _)| d.to_string()),
            ),
            _ => dirs.insert(dir.split('/').next().unwrap_or("").to_string()),
        };
    }
    dirs.remove("");
    dirs.into_iter()
        .map(|dir| {
            let own = pages
                .iter()
                .find(|p| p.kind == PageKind::Section && place(&p.rel, p.kind).0 == dir);
            let url = own.map_or_else(|| hugo.rules.section_url(&dir), |p| p.url.clone());
            (dir, url)
        })
        .collect()
}

/// Pages ssg lists in the section of folder `dir` ("" for the home page,
/// which lists every dated page).
fn listed(pages: &[HugoPage], dir: &str) -> usize {
    pages
        .iter()
        .filter(|p| p.published && p.kind != PageKind::Section && p.front_matter.lang.is_none())
        .filter(|p| {
            if dir.is_empty() {
                p.front_matter.date.is_some()
            } else {
                place(&p.rel, p.kind).0 == dir
            }
        })
        .count()
}

/// Aliases in sections' `_index.md`: a section's old URL where it moves,
/// and Hugo's first pager where ssg writes none.
pub fn section_aliases(pages: &[HugoPage], hugo: &HugoConfig, plan: &mut Plan) {
    let per_page = plan.config.build.paginate_by;
    let one_pager = |dir: &str| per_page == 0 || listed(pages, dir) <= per_page;
    if one_pager("") {
        add_section_alias(plan, hugo, "", "/page/1/".into());
    }
    for (dir, old) in sections(pages, hugo) {
        let moved = old != crate::content::walk::dir_path(&dir);
        if moved {
            // Hugo's pagers of a moved section lead to the section.
            let pagers = listed(pages, &dir).div_ceil(hugo.pager_size.max(1)).max(1);
            for n in 1..=pagers {
                add_section_alias(plan, hugo, &dir, format!("{old}page/{n}/"));
            }
        } else if one_pager(&dir) {
            add_section_alias(plan, hugo, &dir, format!("{old}page/1/"));
        }
        let own_url = plan
            .pages
            .iter()
            .any(|p| p.dest == section_file(&dir) && p.front_matter.aliases.contains(&old));
        if moved && !own_url {
            add_section_alias(plan, hugo, &dir, old);
        }
    }
}

fn section_file(dir: &str) -> String {
    if dir.is_empty() {
        "content/_index.md".into()
    } else {
        format!("content/{dir}/_index.md")
    }
}

/// Adds `alias` to the `_index.md` of `dir`, written when the site had none.
fn add_section_alias(plan: &mut Plan, hugo: &HugoConfig, dir: &str, alias: String) {
    section_index(plan, hugo, dir)
        .front_matter
        .aliases
        .push(alias);
}

/// The `_index.md` of content folder `dir` in the plan, added empty when
/// the site had none.
pub(super) fn section_index<'p>(
    plan: &'p mut Plan,
    hugo: &HugoConfig,
    dir: &str,
) -> &'p mut NewPage {
    let dest = section_file(dir);
    let at = match plan.pages.iter().position(|p| p.dest == dest) {
        Some(at) => at,
        None => {
            plan.pages.push(NewPage {
                source: format!("{}/{dir}", hugo.content_dir)
                    .trim_end_matches('/')
                    .into(),
                dest,
                front_matter: Default::default(),
                body: String::new(),
            });
            plan.pages.len() - 1
        }
    };
    &mut plan.pages[at]
}

/// Hugo's RSS feeds of the home page, of each section and of each taxonomy
/// list are given ssg's site feed (feed readers do not follow redirects).
pub fn feed_aliases(pages: &[HugoPage], hugo: &HugoConfig, plan: &mut Plan, report: &mut Report) {
    let mut feeds = vec!["/index.xml".to_string()];
    for url in sections(pages, hugo).values() {
        feeds.push(format!("{url}index.xml"));
    }
    for taxonomy in &hugo.taxonomies {
        feeds.push(format!("/{}/index.xml", hugo.rules.sanitize(taxonomy)));
    }
    report.note(
        &hugo.file,
        None,
        format!(
            "Hugo's RSS feeds ({}) now serve the site's Atom feed (`build.feed_aliases`)",
            feeds.join(", ")
        ),
        "",
    );
    plan.config.build.feed_aliases = feeds;
}

/// The new site's term URL of a Hugo term: under its taxonomy where the
/// new site keeps it, else under `tags`.
pub(super) fn ssg_term_dir(hugo: &HugoConfig, taxonomy: &str, term: &str) -> String {
    let kept = hugo.kept_taxonomies.iter().any(|k| k == taxonomy);
    let to = if kept { taxonomy } else { "tags" };
    format!("/{to}/{}/", slugify(term))
}

/// `[redirects]` for taxonomy URLs: each term's page, pagers and feed
/// where ssg's term URL differs (its feed always: ssg's is `atom.xml`),
/// Hugo's first pager of a term ssg lists on one page, and the list of
/// each taxonomy whose terms became tags (`/series/`) → `/tags/`.
pub fn term_redirects(pages: &[HugoPage], hugo: &HugoConfig, plan: &mut Plan) {
    let rules = &hugo.rules;
    let mut hugo_terms: BTreeMap<String, (String, String, usize)> = BTreeMap::new();
    let kept = |taxonomy: &str| hugo.kept_taxonomies.iter().any(|k| k == taxonomy);
    let ssg_dir = |taxonomy: &str, term: &str| ssg_term_dir(hugo, taxonomy, term);
    let mut ssg_terms: BTreeMap<String, BTreeSet<&str>> = BTreeMap::new();
    for page in pages.iter().filter(|p| p.published) {
        for (taxonomy, term) in &page.terms {
            let dir = rules.term_dir(taxonomy, term);
            hugo_terms
                .entry(dir)
                .or_insert_with(|| (taxonomy.clone(), term.clone(), 0))
                .2 += 1;
            ssg_terms
                .entry(ssg_dir(taxonomy, term))
                .or_default()
                .insert(&page.rel);
        }
    }
    let per_page = plan.config.build.paginate_by;
    let redirects = &mut plan.config.redirects;
    for (old_dir, (taxonomy, term, count)) in hugo_terms {
        let new = ssg_dir(&taxonomy, &term);
        redirects.insert(format!("{old_dir}index.xml"), format!("{new}atom.xml"));
        let old = rules.term_url(&taxonomy, &term);
        if old == new {
            let one_pager =
                per_page == 0 || ssg_terms.get(&new).map_or(0, BTreeSet::len) <= per_page;
            if one_pager {
                redirects.insert(rules.term_pager(&old_dir, 1), new);
            }
            continue;
        }
        redirects.insert(old, new.clone());
        for n in 1..=count.div_ceil(hugo.pager_size.max(1)).max(1) {
            let to = if n == 1 {
                new.clone()
            } else {
                format!("{new}page/{n}/")
            };
            redirects.insert(rules.term_pager(&old_dir, n), to);
        }
    }
    for taxonomy in hugo.taxonomies.iter().filter(|t| *t != "tags" && !kept(t)) {
        redirects.insert(format!("/{}/", rules.sanitize(taxonomy)), "/tags/".into());
    }
}
