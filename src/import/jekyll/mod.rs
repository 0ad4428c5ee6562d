//! Reading a Jekyll site into an import [`Plan`].
//!
//! `_config.yml` becomes `ssg.toml` ([`config`]); every file is classified
//! the way Jekyll reads it ([`walk`]); posts, drafts, pages and collection
//! documents are read with their dates and URLs ([`document`], [`dates`],
//! [`permalink`]), placed in the new site with one owner per URL ([`place`], [`claims`]) and converted
//! ([`convert`], [`liquid`], [`kramdown`]); static files are copied into
//! `static/` at the same paths. Every page keeps Jekyll's URL through
//! `path`; `_data/` becomes `data/`, and includes and Liquid over data
//! become shortcodes ([`shortcodes`], [`tera`]); old pagination and archive pages and jekyll-feed's feed are
//! aliased or redirected ([`archives`]).

mod archives;
mod claims;
mod config;
mod convert;
mod dates;
mod document;
mod front_matter;
mod html_blocks;
mod kramdown;
mod liquid;
mod permalink;
mod place;
mod shortcodes;
mod site_lists;
mod tera;
mod walk;

use std::path::Path;

use anyhow::Result;

use super::{CopyFile, NewFrontMatter, NewPage, Plan, Report};
use config::Settings;
use document::Doc;
use walk::Kind;

/// True when `src` holds `_config.yml` or a `_posts/` folder.
pub fn looks_like(src: &Path) -> bool {
    src.join(config::CONFIG_NAME).is_file() || src.join("_posts").is_dir()
}

/// Reads the Jekyll site at `src`.
pub fn read(src: &Path) -> Result<Plan> {
    let mut report = Report::default();
    let (config, mut settings) = config::read(src, &mut report);
    // `{{ site.data.x.y }}` of a scalar is its text, in code blocks too.
    let data = data_values(src);
    settings.site.entry("data").or_insert(data);
    note_site(&settings, &mut report);
    let mut plan = Plan::new(config);
    let mut docs = Vec::new();
    let mut statics = Vec::new();
    for entry in walk::scan(src, &settings, &mut report) {
        if entry.kind == Kind::Static {
            if let Some(copy) = static_copy(&entry.rel, &mut report) {
                plan.copies.push(copy);
                statics.push(entry.rel);
            }
        } else if let Some(doc) = document::load(src, &entry, &settings, &mut report) {
            docs.push(doc);
        }
    }
    place::one_document_per_url(&mut docs, &mut report);
    let pagers = archives::pagers(&docs, &settings);
    place::place(
        &mut docs,
        pagers.as_ref().map(|(rel, _)| rel.as_str()),
        &mut report,
    );
    claims::settle(&mut docs, &mut report);
    let base_url = plan.config.base_url.clone();
    let index = place::Index::new(&docs);
    let shortcodes = shortcodes::Shortcodes::new(src, &plan.config.extra);
    let categories_kept = convert::categories_kept(&docs, &statics);
    if categories_kept {
        // ssg's defaults for a taxonomy, as for tags: a page and a feed per term.
        plan.config
            .taxonomies
            .insert("categories".into(), Default::default());
    }
    // Posts first: a page's Liquid may list them (`site.posts`), with their text.
    let mut posts = Vec::new();
    {
        let site = convert::Site {
            src,
            settings: &settings,
            base_url: &base_url,
            index: &index,
            statics: &statics,
            shortcodes: &shortcodes,
            categories_kept,
        };
        for doc in docs.iter().filter(|d| d.is_post()) {
            if let Some(page) = convert::page(doc, &site, &mut report) {
                posts.push((doc, page));
            }
        }
    }
    let listed: Vec<_> = posts.iter().map(|(doc, page)| (*doc, page)).collect();
    let markdown = crate::markdown::MarkdownOptions::of(&plan.config);
    site_lists::add(
        &mut settings.site,
        &listed,
        markdown,
        chrono::Local::now().fixed_offset(),
    );
    let site = convert::Site {
        src,
        settings: &settings,
        base_url: &base_url,
        index: &index,
        statics: &statics,
        shortcodes: &shortcodes,
        categories_kept,
    };
    plan.pages.extend(posts.into_iter().map(|(_, page)| page));
    for doc in docs.iter().filter(|d| !d.is_post()) {
        if let Some(page) = convert::page(doc, &site, &mut report) {
            plan.pages.push(page);
        }
    }
    plan.texts.extend(shortcodes.into_templates());
    data_files(src, &mut plan.copies, &mut report);
    let listings = Listings {
        pagers,
        categories_kept,
    };
    listing_aliases(&docs, &settings, listings, &mut plan, &mut report);
    let feeds = settings.feed_path.iter().map(String::as_str);
    let feeds = feeds.chain(docs.iter().filter_map(convert::hand_written_feed));
    for feed in feeds.filter(|f| *f != "/atom.xml") {
        if !plan.config.build.feed_aliases.iter().any(|a| a == feed) {
            plan.config.build.feed_aliases.push(feed.to_string());
        }
    }
    plan.pages.sort_by(|a, b| a.dest.cmp(&b.dest));
    plan.copies.sort();
    plan.report = report;
    Ok(plan)
}

/// A file Jekyll copies as it is goes to `static/` at the same path —
/// except where ssg writes a file itself: `robots.txt` becomes ssg's
/// robots template, the others are left out (and said so).
fn static_copy(rel: &str, report: &mut Report) -> Option<CopyFile> {
    let url = format!("/{rel}");
    if rel == "robots.txt" {
        report.note(
            rel,
            None,
            "became templates/robots.txt (ssg writes /robots.txt from that template)",
            "",
        );
        return Some(CopyFile {
            from: rel.into(),
            to: "templates/robots.txt".into(),
        });
    }
    if convert::SSG_OWNED.contains(&url.as_str()) {
        report.note(
            rel,
            None,
            format!("ssg writes {url} itself; not copied"),
            "customise it in templates/",
        );
        return None;
    }
    let to = match rel.split_once('/') {
        // A collection's static files are written under its name.
        Some((top, rest)) if top.starts_with('_') => {
            format!("static/{}/{rest}", top.trim_start_matches('_'))
        }
        _ => format!("static/{rel}"),
    };
    Some(CopyFile {
        from: rel.into(),
        to,
    })
}

/// `_data/` → `data/`, every file ssg reads (`site.data.a.b` is `data.a.b`
/// in ssg's templates and shortcodes); the others are reported.
fn data_files(src: &Path, copies: &mut Vec<CopyFile>, report: &mut Report) {
    let root = src.join("_data");
    for entry in walkdir::WalkDir::new(&root)
        .sort_by_file_name()
        .into_iter()
        .flatten()
    {
        if !entry.file_type().is_file() {
            continue;
        }
        let Ok(rel) = entry.path().strip_prefix(&root) else {
            continue;
        };
        let rel = rel.to_string_lossy().replace('\\', "/");
        let ext = rel.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
        if matches!(
            ext.as_deref(),
            Some("yml" | "yaml" | "json" | "csv" | "toml")
        ) {
            copies.push(CopyFile {
                from: format!("_data/{rel}").into(),
                to: format!("data/{rel}"),
            });
        } else {
            report.note(
                format!("_data/{rel}"),
                None,
                "a data file ssg does not read (it reads toml, yaml, yml, json, csv); not copied",
                "convert it, e.g. a .tsv to .csv",
            );
        }
    }
}

/// The YAML and JSON files of `_data/` as `site.data` holds them; a file
/// that does not parse is left out here (ssg's build names it).
fn data_values(src: &Path) -> serde_json::Value {
    let root = src.join("_data");
    let mut data = serde_json::Map::new();
    for entry in walkdir::WalkDir::new(&root)
        .sort_by_file_name()
        .into_iter()
        .flatten()
    {
        let path = entry.path();
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase());
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        let value = match ext.as_deref() {
            Some("yml" | "yaml") => crate::content::front_matter::yaml_to_json(&text).ok(),
            Some("json") => serde_json::from_str(&text).ok(),
            _ => None,
        };
        let (Some(value), Ok(rel)) = (value, path.strip_prefix(&root)) else {
            continue;
        };
        let keys: Vec<String> = rel
            .with_extension("")
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        insert_at(&mut data, &keys, value);
    }
    serde_json::Value::Object(data)
}

/// `_data/a/b.yml` is `site.data.a.b`.
fn insert_at(
    map: &mut serde_json::Map<String, serde_json::Value>,
    keys: &[String],
    value: serde_json::Value,
) {
    match keys {
        [] => {}
        [last] => {
            map.insert(last.clone(), value);
        }
        [first, rest @ ..] => {
            let slot = map
                .entry(first.clone())
                .or_insert_with(|| serde_json::Value::Object(Default::default()));
            if let Some(inner) = slot.as_object_mut() {
                insert_at(inner, rest, value);
            }
        }
    }
}

/// Notes about the site as a whole: plugins, the time zone, the base path.
fn note_site(settings: &Settings, report: &mut Report) {
    let file = config::CONFIG_NAME;
    for plugin in &settings.plugins {
        let (message, action) = match plugin.as_str() {
            "jekyll-feed" => (
                format!(
                    "jekyll-feed: the site's Atom feed is also written at {}",
                    settings.feed_path.as_deref().unwrap_or("/feed.xml")
                ),
                "",
            ),
            "jekyll-paginate" | "jekyll-sitemap" | "jekyll-redirect-from" | "jekyll-archives" => {
                continue;
            }
            "jekyll-seo-tag" => (
                "jekyll-seo-tag: the default theme writes its own title and description tags"
                    .into(),
                "",
            ),
            other => (
                format!("plugin {other}: not converted"),
                "check what it generated; ssg may need a template for it",
            ),
        };
        report.note(file, None, message, action);
    }
    if !settings.site.contains_key("timezone") {
        report.note(
            file,
            None,
            "no `timezone`: Jekyll used the build machine's zone; dates are read as UTC",
            "check the dates of posts written near midnight",
        );
    }
    if !settings.baseurl.is_empty() {
        report.note(file, None, format!("baseurl {}: part of base_url now; `{{{{ site.baseurl }}}}` in pages becomes nothing, as ssg links from the site root", settings.baseurl), "");
    }
}

/// Old listing pages: pagers as aliases of the paginated page, archives
/// as `[redirects]` to the pages that replace them.
/// What Jekyll's listing pages become: the home page's old pagers, and
/// whether categories have term pages of their own.
struct Listings {
    pagers: Option<(String, Vec<String>)>,
    categories_kept: bool,
}

fn listing_aliases(
    docs: &[Doc],
    settings: &Settings,
    listings: Listings,
    plan: &mut Plan,
    report: &mut Report,
) {
    let (pages, redirects) = (&mut plan.pages, &mut plan.config.redirects);
    if let Some((source, aliases)) = listings.pagers {
        let dest = docs
            .iter()
            .find(|d| d.rel == source)
            .map(|d| d.dest.clone())
            .unwrap_or_default();
        add_aliases(pages, &dest, &source, aliases);
    }
    let archived = archives::archive_pages(docs, settings, listings.categories_kept);
    if !archived.is_empty() {
        report.note(
            config::CONFIG_NAME,
            None,
            format!(
                "jekyll-archives: its {} tag, category and date pages redirect ([redirects] in ssg.toml) to ssg's term pages (/tags/SLUG/, /categories/SLUG/), dates to the home page",
                archived.len()
            ),
            "",
        );
        redirects.extend(archived);
    }
}

/// Adds aliases to the page written at `dest`, made if there is none.
fn add_aliases(pages: &mut Vec<NewPage>, dest: &str, source: &str, aliases: Vec<String>) {
    if aliases.is_empty() {
        return;
    }
    match pages.iter_mut().find(|p| p.dest == dest) {
        Some(page) => page.front_matter.aliases.extend(aliases),
        None => pages.push(NewPage {
            source: source.into(),
            dest: dest.to_string(),
            front_matter: NewFrontMatter {
                aliases,
                ..Default::default()
            },
            body: String::new(),
        }),
    }
}
