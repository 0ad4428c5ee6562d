//! Reading a Hugo site into an import [`Plan`]: the config
//! ([`config_file`], [`config_map`], [`config`]), the content folder ([`content`], [`page`],
//! [`front_matter`], [`dates`]), bodies ([`shortcodes`], [`refs`]), URLs
//! ([`urls`], [`moved`]), the menu ([`menu`]) and the static folder. Every page keeps the
//! URL Hugo gave it: where ssg's own rule gives another, the page gets a
//! `path`.

pub mod builtin_calls;
pub mod config;
pub mod config_file;
pub mod config_map;
pub mod content;
pub mod dates;
pub mod front_matter;
pub mod go_template;
mod languages;
pub mod menu;
pub mod moved;
mod order;
pub mod page;
pub mod refs;
pub mod shortcode_tag;
pub mod shortcodes;
pub mod site_shortcodes;
pub mod to_tera;
pub mod to_tera_functions;
pub mod translated_shortcodes;
pub mod urls;

use std::path::{Path, PathBuf};

use anyhow::Result;

use super::{CopyFile, NewPage, Plan, Report, static_files};
use config::HugoConfig;
use content::Walked;
use page::{HugoPage, PageKind};
use refs::RefIndex;
use site_shortcodes::{OtherPage, PageValues, SiteShortcodes, SiteValues};

/// What every page's shortcodes read from the site.
struct SiteForShortcodes<'a> {
    /// Every page: `.Site.GetPage` shows one's text in another.
    pages: &'a [HugoPage],
    refs: RefIndex,
    values: SiteValues,
    shortcodes: SiteShortcodes,
}

/// True when `src` holds files only a Hugo site has.
pub fn looks_like(src: &Path) -> bool {
    config_file::exists(src)
}

/// Reads the Hugo site at `src`.
pub fn read(src: &Path) -> Result<Plan> {
    let mut report = Report::default();
    let mut hugo = config_file::load(src, &mut report);
    let content_dir = src.join(&hugo.content_dir);
    config_map::keep_taxonomies(&mut hugo, &content_dir, &mut report);
    let mut walked = content::walk(src, &hugo, &mut report);
    same_url_as_another(&mut walked.pages, &mut report);
    let mut plan = Plan::new(hugo.ssg.clone());
    let site = SiteForShortcodes {
        pages: &walked.pages,
        refs: RefIndex::new(&walked.pages, &plan.config.base_url),
        values: SiteValues {
            base_url: hugo.base_url.clone(),
            title: hugo.ssg.title.clone(),
            params: hugo.params.clone(),
        },
        shortcodes: SiteShortcodes::load(src, &hugo.params, &plan.config),
    };
    for page in &walked.pages {
        plan.pages.push(new_page(page, &site, &mut report));
    }
    for (file, dest, text) in site.shortcodes.translated.written() {
        report.note(
            file,
            None,
            format!("shortcode translated from Go's template language into Tera: {dest}; its calls are ssg's"),
            "",
        );
        plan.texts.push((dest, text));
    }
    copy_content_files(&walked, &hugo, &mut plan);
    copy_static(src, &hugo, &mut plan, &mut report);
    // With no page read there is no old URL to keep (and the import fails).
    if !walked.pages.is_empty() {
        moved::section_aliases(&walked.pages, &hugo, &mut plan);
        moved::feed_aliases(&walked.pages, &hugo, &mut plan, &mut report);
        moved::term_redirects(&walked.pages, &hugo, &mut plan);
        languages::redirects(&walked.pages, &hugo, &mut plan);
        let redirects = plan.config.redirects.len();
        report.note(&hugo.file, None,
            format!("{redirects} old taxonomy URLs (term pages, their pagers and feeds) redirect to ssg's term pages (`[redirects]` in ssg.toml)"), "");
    }
    let menu = menu::main_menu(&hugo, &walked.pages);
    if !menu.is_empty() {
        plan.config
            .extra
            .insert("menu".into(), toml::Value::Array(menu));
    }
    order::weighted_sections(&mut plan, &hugo);
    not_converted(src, &mut report);
    plan.pages.sort_by(|a, b| a.dest.cmp(&b.dest));
    plan.copies.sort();
    plan.copies.dedup();
    plan.report = report;
    Ok(plan)
}

/// Two published pages at one URL: Hugo wrote one over the other, and ssg
/// refuses to build; the later one (by file name) becomes a draft.
fn same_url_as_another(pages: &mut [HugoPage], report: &mut Report) {
    let mut taken: std::collections::BTreeMap<String, PathBuf> = Default::default();
    for page in pages
        .iter_mut()
        .filter(|p| p.published && p.kind != PageKind::Section)
    {
        match taken.get(&page.url) {
            Some(first) => {
                report.note(
                    &page.source,
                    None,
                    format!(
                        "same URL ({}) as {}: Hugo published only one of them; imported as a draft",
                        page.url,
                        first.display()
                    ),
                    "give one of them its own `path`, then remove `draft`",
                );
                page.front_matter.draft = true;
                page.published = false;
            }
            None => {
                taken.insert(page.url.clone(), page.source.clone());
            }
        }
    }
}

/// Pages shown inside pages (`.Site.GetPage` in a shortcode) deeper than
/// this are a loop.
const MAX_SHOWN_DEPTH: usize = 4;

/// The page with its body's shortcodes converted; what was not converted
/// is reported at its file line.
fn new_page(page: &HugoPage, site: &SiteForShortcodes, report: &mut Report) -> NewPage {
    // Before the shortcodes become ssg's calls: only the author's text is
    // made literal.
    let verbatim = shortcodes::highlighted(&page.split.body);
    let (body, literal) = crate::import::literal_calls::made_literal(&page.split.body, &verbatim);
    for line in literal {
        report.note(
            &page.source,
            Some(line + page.split.body_line_offset),
            "text that reads as an ssg shortcode call is kept as text (`{\\{`)",
            "",
        );
    }
    let converted = converted_body(page, &body, site, 0);
    for (line, message, action) in converted.notes {
        report.note(
            &page.source,
            Some(line + page.split.body_line_offset),
            message,
            action,
        );
    }
    if page.headless {
        report.note(&page.source, None, "headless bundle: Hugo renders no page for it; imported as a draft, its files copied to static/", "");
    }
    NewPage {
        source: page.source.clone(),
        dest: page.dest.clone(),
        front_matter: page.front_matter.clone(),
        body: converted.body,
    }
}

/// `body` (of `page`) with its shortcodes converted; a shortcode that
/// shows another page gets that page's body, converted the same way.
fn converted_body(
    page: &HugoPage,
    body: &str,
    site: &SiteForShortcodes,
    depth: usize,
) -> shortcodes::Converted {
    let index = &site.refs;
    let resolve = |target: &str, in_attribute: bool| {
        let at = index.resolve(target, &page.rel)?;
        if in_attribute {
            index.absolute(&at)
        } else {
            Some(at)
        }
    };
    let get_page = |target: &str| -> Option<OtherPage> {
        let at = index.resolve(target, &page.rel)?;
        let permalink = index.absolute(&at)?;
        let dest = crate::urlpath::decode_lossy(at.strip_prefix("@/")?);
        let other = site
            .pages
            .iter()
            .find(|p| p.dest.strip_prefix("content/") == Some(dest.as_str()))?;
        let body = if depth < MAX_SHOWN_DEPTH {
            converted_body(other, &other.split.body, site, depth + 1).body
        } else {
            String::new()
        };
        // Its summary marker would end the summary of the page showing it.
        let body = body.replace(crate::markdown::MORE_MARKER, "");
        Some(OtherPage {
            permalink,
            url: other.url.clone(),
            title: other.front_matter.title.clone().unwrap_or_default(),
            body,
        })
    };
    let ctx = shortcodes::Context {
        resolve: &resolve,
        site: &site.values,
        shortcodes: &site.shortcodes,
        page: PageValues {
            title: page.front_matter.title.as_deref().unwrap_or(""),
            params: &page.split.map,
            get_page: &get_page,
        },
    };
    shortcodes::convert(body, &ctx)
}

/// Bundle files and section files go beside their page. A headless
/// bundle's files, which Hugo publishes at its URL, go to `static/`; so do,
/// besides, those of a bundle with an ugly URL (`/x/trip.html`), which
/// Hugo publishes in a folder named after the page (`/x/trip/photo.jpg`).
fn copy_content_files(walked: &Walked, hugo: &HugoConfig, plan: &mut Plan) {
    for rel in &walked.files {
        let from = PathBuf::from(&hugo.content_dir).join(rel);
        let bundle = content::in_bundle(&walked.bundles, rel);
        let owner = bundle.and_then(|b| {
            walked.pages.iter().find(|p| {
                p.kind == PageKind::Bundle
                    && p.front_matter.lang.is_none()
                    && p.rel.rsplit_once('/').is_some_and(|(d, _)| d == b)
            })
        });
        let inside = &rel[bundle.map_or(0, |b| b.len() + 1)..];
        let published_dir = owner.and_then(|page| match page.url.strip_suffix(".html") {
            Some(stem) if hugo.rules.ugly => Some(format!("{stem}/")),
            _ => page.headless.then(|| page.url.clone()),
        });
        if let Some(dir) = published_dir {
            let to = format!("static{dir}{inside}");
            plan.copies.push(CopyFile {
                from: from.clone(),
                to,
            });
        }
        if !owner.is_some_and(|p| p.headless) {
            plan.copies.push(CopyFile {
                from,
                to: format!("content/{rel}"),
            });
        }
    }
    // A translated bundle (`trip/index.fr.md`) shows the bundle's files too.
    for page in walked.pages.iter().filter(|p| p.kind == PageKind::Bundle) {
        let (Some(lang), Some((bundle, _))) = (&page.front_matter.lang, page.rel.rsplit_once('/'))
        else {
            continue;
        };
        for rel in &walked.files {
            if content::in_bundle(&walked.bundles, rel) == Some(bundle) {
                plan.copies.push(CopyFile {
                    from: PathBuf::from(&hugo.content_dir).join(rel),
                    to: format!("content/{lang}/{rel}"),
                });
            }
        }
    }
}

fn copy_static(src: &Path, hugo: &HugoConfig, plan: &mut Plan, report: &mut Report) {
    for dir in &hugo.static_dirs {
        static_files::copy_tree(src, dir, "static", plan);
    }
    // `.Site.Data` is ssg's `data`, by the same paths.
    static_files::copy_data(src, "data", plan);
    // This reader keeps its findings apart until the end.
    report.findings.append(&mut plan.report.findings);
}

/// Folders of the Hugo site that are not imported, each reported once.
fn not_converted(src: &Path, report: &mut Report) {
    let folders = [
        (
            "layouts",
            "templates not converted; the default theme is used",
            "copy what you need into templates/ as Tera templates",
        ),
        (
            "themes",
            "templates not converted; the default theme is used",
            "copy what you need into templates/ as Tera templates",
        ),
        (
            "assets",
            "Hugo Pipes assets not converted; the default theme is used",
            "put finished CSS, JS and images in static/",
        ),
        (
            "i18n",
            "the theme's translated strings (i18n/) are not converted; the default theme's words are English",
            "",
        ),
        (
            "archetypes",
            "archetypes not converted; `ssg new` writes a new page",
            "",
        ),
    ];
    for (dir, message, action) in folders {
        if src.join(dir).is_dir() {
            report.note(PathBuf::from(dir), None, message, action);
        }
    }
}
