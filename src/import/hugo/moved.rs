//! Old URLs that ssg serves somewhere else, kept answering: a section
//! whose folder URL differs (an alias in its `_index.md`), Hugo's RSS feeds
//! (`build.feed_aliases`: the site's Atom feed at `/index.xml` and each
//! section's `index.xml`), and the pages, pagers and feeds of tags and
//! categories, which ssg has as tags at `/tags/SLUG/` (`[redirects]`, since
//! no `_index.md` owns a term page).

use std::collections::{BTreeMap, BTreeSet};

use super::config::HugoConfig;
use super::page::{HugoPage, PageKind};
use crate::import::{NewPage, Plan, Report};
use crate::slug::slugify;

/// The content folders that are sections: those with an `_index.md` and
/// every top-level folder holding pages (Hugo's rule).
fn section_dirs(pages: &[HugoPage]) -> BTreeSet<String> {
    let mut dirs = BTreeSet::new();
    for page in pages {
        let (dir, _) = super::page::place(&page.rel, page.kind);
        match page.kind {
            PageKind::Section => {
                dirs.insert(
                    page.rel
                        .rsplit_once('/')
                        .map_or(String::new(), |(d, _)| d.to_string()),
                );
            }
            _ => {
                dirs.insert(dir.split('/').next().unwrap_or("").to_string());
            }
        }
    }
    dirs.remove("");
    dirs
}

/// A section whose Hugo URL is not ssg's folder URL gets an alias in its
/// `_index.md`; so does Hugo's first pager (`/posts/page/1/`, a redirect
/// Hugo always writes) where ssg has one pager and so writes none.
pub fn section_aliases(pages: &[HugoPage], hugo: &HugoConfig, plan: &mut Plan) {
    let per_page = plan.config.build.paginate_by;
    for dir in section_dirs(pages) {
        let old = hugo.rules.section_url(&dir);
        let listed = pages
            .iter()
            .filter(|p| {
                p.published
                    && p.kind != PageKind::Section
                    && super::page::place(&p.rel, p.kind).0 == dir
            })
            .count();
        if per_page == 0 || listed <= per_page {
            add_section_alias(plan, hugo, &dir, format!("{old}page/1/"));
        }
        if old != crate::content::walk::dir_path(&dir) {
            add_section_alias(plan, hugo, &dir, old);
        }
    }
}

/// Adds `alias` to the `_index.md` of `dir`, written when the site had none.
fn add_section_alias(plan: &mut Plan, hugo: &HugoConfig, dir: &str, alias: String) {
    let dest = format!("content/{dir}/_index.md");
    if let Some(section) = plan.pages.iter_mut().find(|p| p.dest == dest) {
        section.front_matter.aliases.push(alias);
        return;
    }
    let mut section = NewPage {
        source: format!("{}/{dir}", hugo.content_dir).into(),
        dest,
        front_matter: Default::default(),
        body: String::new(),
    };
    section.front_matter.aliases.push(alias);
    plan.pages.push(section);
}

/// Hugo's RSS feeds of the home page, of each section and of each taxonomy
/// list are given ssg's site feed (feed readers do not follow redirects).
pub fn feed_aliases(pages: &[HugoPage], hugo: &HugoConfig, plan: &mut Plan, report: &mut Report) {
    let mut feeds = vec!["/index.xml".to_string()];
    for dir in section_dirs(pages) {
        feeds.push(format!("{}index.xml", hugo.rules.section_url(&dir)));
    }
    for taxonomy in hugo
        .taxonomies
        .iter()
        .filter(|t| *t == "tags" || *t == "categories")
    {
        feeds.push(format!("/{taxonomy}/index.xml"));
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

/// `[redirects]` for tag and category URLs: each term page, its pagers and
/// its feed, where ssg's tag URL differs; `/categories/` → `/tags/`; and
/// Hugo's first pager of a tag ssg lists on one page.
pub fn term_redirects(pages: &[HugoPage], hugo: &HugoConfig, plan: &mut Plan) {
    let mut hugo_terms: BTreeMap<String, (String, usize)> = BTreeMap::new();
    let mut ssg_tags: BTreeMap<String, BTreeSet<&str>> = BTreeMap::new();
    for page in pages.iter().filter(|p| p.published) {
        for (taxonomy, term) in page
            .terms
            .iter()
            .filter(|(t, _)| t == "tags" || t == "categories")
        {
            let url = hugo.rules.term_url(taxonomy, term);
            hugo_terms.entry(url).or_insert_with(|| (term.clone(), 0)).1 += 1;
            ssg_tags.entry(slugify(term)).or_default().insert(&page.rel);
        }
    }
    let per_page = plan.config.build.paginate_by;
    let redirects = &mut plan.config.redirects;
    for (old, (term, count)) in hugo_terms {
        let slug = slugify(&term);
        let new = format!("/tags/{slug}/");
        redirects.insert(format!("{old}index.xml"), format!("{new}atom.xml"));
        if old == new {
            let listed = ssg_tags.get(&slug).map_or(0, BTreeSet::len);
            if per_page == 0 || listed <= per_page {
                redirects.insert(format!("{old}page/1/"), new);
            }
            continue;
        }
        redirects.insert(old.clone(), new.clone());
        let pagers = count.div_ceil(hugo.pager_size.max(1));
        for n in 1..=pagers.max(1) {
            let to = if n == 1 {
                new.clone()
            } else {
                format!("{new}page/{n}/")
            };
            redirects.insert(format!("{old}page/{n}/"), to);
        }
    }
    if hugo.taxonomies.iter().any(|t| t == "categories") {
        redirects.insert("/categories/".into(), "/tags/".into());
    }
}
