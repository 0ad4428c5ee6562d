//! Reading a Zola site into an import [`Plan`].
//!
//! Zola is the closest of the three to ssg (TOML `+++` front matter,
//! sections as folders with `_index.md`, bundles, `@/` links, `/tags/x/`),
//! so most of a page carries over as it is; what differs is where Zola puts
//! URLs (`path`, its slug strategies, translations, non-tag taxonomies),
//! its section settings and its shortcodes.

mod anchor_links;
mod config;
mod macros;
mod pages;
mod shortcode_files;
mod shortcodes;
mod tera1;

use std::path::Path;

use anyhow::Result;

use super::{Plan, static_files};

/// A Zola site has `config.toml` with `base_url` (its one required key)
/// and a `content/` folder.
pub fn looks_like(src: &Path) -> bool {
    let Ok(text) = std::fs::read_to_string(src.join("config.toml")) else {
        return false;
    };
    let has_base_url = text
        .lines()
        .any(|l| l.trim_start().starts_with("base_url") && l.contains('='));
    has_base_url && src.join("content").is_dir()
}

/// Reads the Zola site at `src`.
pub fn read(src: &Path) -> Result<Plan> {
    let (settings, mut plan) = config::read(src);
    let usable = shortcode_files::copy(src, settings.theme.as_deref(), &mut plan);
    pages::read_content(src, &settings, &usable, &mut plan);
    let theme_templates = settings
        .theme
        .as_ref()
        .map(|theme| Path::new("themes").join(theme).join("templates"));
    let templates: Vec<&Path> = std::iter::once(Path::new("templates"))
        .chain(theme_templates.as_deref())
        .collect();
    anchor_links::apply(src, &templates, &mut plan);
    static_files::copy_tree(src, "static", "static", &mut plan);
    drop_feed_clashes(&settings, &mut plan);
    static_files::copy_data(src, "data", &mut plan);
    note_not_carried(src, &settings, &mut plan);
    Ok(plan)
}

/// A static file (or folder) where ssg writes the site's feed: ssg would
/// stop at it. phil-opp/blog_os has `static/atom.xml/index.html`, a
/// redirect to its `rss.xml` feed, which ssg's own `atom.xml` replaces.
fn drop_feed_clashes(settings: &config::Settings, plan: &mut Plan) {
    if settings.feed_files.is_empty() {
        return;
    }
    let feeds: Vec<String> = std::iter::once("/atom.xml".to_string())
        .chain(plan.config.build.feed_aliases.iter().cloned())
        .map(|f| format!("static{f}"))
        .collect();
    let clashes = |to: &str| {
        feeds
            .iter()
            .find(|f| {
                to == f.as_str()
                    || to
                        .strip_prefix(f.as_str())
                        .is_some_and(|r| r.starts_with('/'))
            })
            .cloned()
    };
    let mut dropped = std::collections::BTreeSet::new();
    plan.copies.retain(|copy| match clashes(&copy.to) {
        Some(feed) => {
            dropped.insert(feed);
            false
        }
        None => true,
    });
    for feed in dropped {
        plan.report.note(
            &feed,
            None,
            format!(
                "not copied: the site's feed is written at /{}",
                feed.trim_start_matches("static/")
            ),
            "",
        );
    }
}

/// The parts of a Zola site that have no ssg counterpart, said once each.
fn note_not_carried(src: &Path, settings: &config::Settings, plan: &mut Plan) {
    let report = &mut plan.report;
    if src.join("templates").is_dir() || settings.theme.is_some() {
        report.note(
            "templates",
            None,
            "templates and the theme are not converted (only shortcodes are copied); the new site uses ssg's default theme",
            "restyle in templates/ of the new site (README: Templates) if you want the old look; Zola's get_page, get_section, get_taxonomy and load_data work there",
        );
    }
    if src.join("sass").is_dir() {
        report.note(
            "sass",
            None,
            "Sass is not compiled by ssg; its CSS files are gone with the old theme",
            "copy the compiled CSS into static/ if your pages link to it",
        );
    }
}
