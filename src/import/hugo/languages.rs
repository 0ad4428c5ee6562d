//! The URLs Hugo writes for a site's other languages besides their pages:
//! `/fr/index.xml` and each translated section's and taxonomy's feed,
//! `/fr/tags/x/` (and its pagers and feed), `/fr/tags/`, the first pager
//! of a translated section, `/fr/sitemap.xml`, and the default language's
//! home at `/en/`. The new site has one feed, one set of term pages (every
//! language's terms together) and one sitemap, so each answers there —
//! links to the old site keep working, as for a site of one language.

use std::collections::BTreeMap;

use super::config::HugoConfig;
use super::moved::{section_index, ssg_term_dir};
use super::page::{HugoPage, PageKind};
use crate::import::Plan;
use crate::import::plan::section_folder;

/// Adds the feed aliases and `[redirects]` of every other language.
pub fn redirects(pages: &[HugoPage], hugo: &HugoConfig, plan: &mut Plan) {
    let Some(default) = &hugo.default_language else {
        return;
    };
    plan.config
        .redirects
        .insert(format!("/{default}/"), "/".into());
    plan.config
        .redirects
        .insert(format!("/{default}/sitemap.xml"), "/sitemap.xml".into());
    for lang in &hugo.other_languages {
        let of_lang: Vec<&HugoPage> = pages
            .iter()
            .filter(|p| p.published && p.front_matter.lang.as_deref() == Some(lang))
            .collect();
        if of_lang.is_empty() {
            continue;
        }
        feeds_and_lists(&of_lang, lang, hugo, plan);
        terms(&of_lang, lang, hugo, plan);
        plan.config
            .redirects
            .insert(format!("/{lang}/sitemap.xml"), "/sitemap.xml".into());
    }
}

/// `/fr/index.xml`, each translated section's and taxonomy's feed, each
/// taxonomy's list, and a one-pager section's `page/1/`. Hugo lists a
/// section in every language it has pages in, `_index.fr.md` or not.
fn feeds_and_lists(pages: &[&HugoPage], lang: &str, hugo: &HugoConfig, plan: &mut Plan) {
    let mut feeds = vec![format!("/{lang}/index.xml")];
    let mut listed: BTreeMap<&str, usize> = BTreeMap::new();
    for page in pages {
        let folder = section_folder(&page.dest);
        let count = listed.entry(folder).or_default();
        *count += usize::from(page.kind != PageKind::Section);
    }
    let per_page = plan.config.build.paginate_by;
    for (dir, count) in listed {
        let Some(original) = dir.strip_prefix(lang).and_then(|d| d.strip_prefix('/')) else {
            continue;
        };
        let url = format!("/{lang}{}", hugo.rules.section_url(original));
        feeds.push(format!("{url}index.xml"));
        if per_page == 0 || count <= per_page {
            let section = section_index(plan, hugo, dir);
            section.front_matter.lang = Some(lang.to_string());
            section.front_matter.aliases.push(format!("{url}page/1/"));
        }
    }
    for taxonomy in &hugo.taxonomies {
        let name = hugo.rules.sanitize(taxonomy);
        feeds.push(format!("/{lang}/{name}/index.xml"));
        let kept = hugo.kept_taxonomies.iter().any(|k| k == taxonomy);
        let to = if kept { name.clone() } else { "tags".into() };
        plan.config
            .redirects
            .insert(format!("/{lang}/{name}/"), format!("/{to}/"));
    }
    plan.config.build.feed_aliases.extend(feeds);
}

/// Each term's page, pagers and feed under `/fr/`.
fn terms(pages: &[&HugoPage], lang: &str, hugo: &HugoConfig, plan: &mut Plan) {
    let rules = &hugo.rules;
    let mut counts: std::collections::BTreeMap<(String, String), usize> = Default::default();
    for page in pages {
        for (taxonomy, term) in &page.terms {
            *counts.entry((taxonomy.clone(), term.clone())).or_default() += 1;
        }
    }
    let redirects = &mut plan.config.redirects;
    for ((taxonomy, term), count) in counts {
        let new = ssg_term_dir(hugo, &taxonomy, &term);
        let old_dir = format!("/{lang}{}", rules.term_dir(&taxonomy, &term));
        let old = format!("/{lang}{}", rules.term_url(&taxonomy, &term));
        redirects.insert(format!("{old_dir}index.xml"), format!("{new}atom.xml"));
        redirects.insert(old, new.clone());
        for n in 1..=count.div_ceil(hugo.pager_size.max(1)).max(1) {
            redirects.insert(rules.term_pager(&old_dir, n), new.clone());
        }
    }
}
