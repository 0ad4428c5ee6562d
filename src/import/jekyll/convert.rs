//! A Jekyll document → an ssg page: the front matter mapping (README rows
//! in the import's report) and the body with its Liquid converted.

use serde_json::{Map, Value};

use super::config::Settings;
use super::document::{Doc, Format, split_dated_name};
use super::front_matter::{is_false, scalar, word_list};
use super::liquid::{self, Context};
use super::permalink;
use super::place;
use super::walk::Kind;
use crate::import::{NewFrontMatter, NewPage, Report};

/// Keys mapped to ssg keys or used for the URL; the rest goes to `extra`.
const MAPPED: &[&str] = &[
    "title",
    "date",
    "last_modified_at",
    "updated",
    "modified",
    "tags",
    "tag",
    "categories",
    "category",
    "published",
    "excerpt",
    "excerpt_separator",
    "layout",
    "permalink",
    "slug",
    "redirect_from",
];

/// Layouts every theme has; another one is worth a note.
const STANDARD_LAYOUTS: &[&str] = &["post", "page", "default", "home"];

/// URL paths ssg writes itself: a page there is not imported.
pub const SSG_OWNED: &[&str] = &[
    "/404.html",
    "/tags/",
    "/atom.xml",
    "/sitemap.xml",
    "/robots.txt",
    "/highlight.css",
];

pub struct Site<'a> {
    pub settings: &'a Settings,
    pub base_url: &'a str,
    pub docs: &'a [Doc],
}

/// The new page for `doc`, or `None` (noted) when it has no ssg form.
pub fn page(doc: &Doc, site: &Site, report: &mut Report) -> Option<NewPage> {
    if let Format::Other(ext) = &doc.format {
        let action = if matches!(ext.as_str(), "scss" | "sass") {
            "compile it and put the CSS in static/"
        } else {
            "rewrite it as a template or a static file"
        };
        report.note(
            &doc.rel,
            Some(1),
            format!("a .{ext} file with front matter (Liquid-rendered): not converted"),
            action,
        );
        return None;
    }
    if let Some(url) = doc.url.as_deref().filter(|u| SSG_OWNED.contains(u)) {
        report.note(
            &doc.rel,
            Some(1),
            format!("ssg writes {url} itself; this page is not imported"),
            "customise it in templates/",
        );
        return None;
    }
    if matches!(doc.kind, Kind::Document { output: false, .. }) {
        report.note(
            &doc.rel,
            None,
            "in a collection without output: true (Jekyll writes no page); imported as a draft",
            "",
        );
    }
    if doc.format == Format::Html && !doc.body.trim().is_empty() && !lists_posts(doc) {
        report.note(
            &doc.rel,
            Some(1),
            "an HTML page: its HTML is the Markdown body as it was",
            "check it renders as before",
        );
    }
    let front_matter = front_matter(doc, report);
    let body = body(doc, site, report);
    Some(NewPage {
        source: doc.rel.clone().into(),
        dest: doc.dest.clone(),
        front_matter,
        body,
    })
}

fn front_matter(doc: &Doc, report: &mut Report) -> NewFrontMatter {
    let data = &doc.data;
    let get = |k: &str| data.get(k).and_then(scalar);
    let mut fm = NewFrontMatter {
        // Jekyll titles an untitled post from its file name, not its `slug`.
        title: get("title").or_else(|| {
            let (_, name_slug) = split_dated_name(&doc.basename)?;
            doc.is_post().then(|| permalink::titleize(&name_slug))
        }),
        date: doc.date.as_ref().map(|d| d.to_ssg()),
        updated: ["last_modified_at", "updated", "modified"]
            .iter()
            .find_map(|k| get(k)),
        summary: get("excerpt"),
        draft: matches!(
            doc.kind,
            Kind::Draft { .. } | Kind::Document { output: false, .. }
        ) || data.get("published").is_some_and(is_false),
        aliases: data
            .get("redirect_from")
            .map(word_list)
            .unwrap_or_default()
            .iter()
            .map(|a| format!("/{}", a.trim_start_matches('/')))
            .collect(),
        extra: extra(data),
        ..Default::default()
    };
    let mut tags = doc.categories.clone();
    tags.extend(doc.tags.iter().cloned());
    let mut seen: Vec<String> = Vec::new();
    fm.tags = tags
        .into_iter()
        .filter(|t| {
            let new = !seen.contains(t);
            seen.push(t.clone());
            new
        })
        .collect();
    if !doc.categories.is_empty() {
        let line = doc
            .line_of("categories")
            .or_else(|| doc.line_of("category"));
        report.note(
            &doc.rel,
            line,
            format!("categories {} became tags", doc.categories.join(", ")),
            "",
        );
    }
    if !doc.dest.ends_with("/_index.md") {
        fm.path = doc
            .url
            .as_deref()
            .map(|u| permalink::output_path(u, ".html"));
    }
    if let Some(layout) = get("layout").filter(|l| !STANDARD_LAYOUTS.contains(&l.as_str())) {
        report.note(
            &doc.rel,
            doc.line_of("layout"),
            format!("layout `{layout}` dropped; the default theme's page template is used"),
            "add a template and set `template` if the page needs its own",
        );
    }
    fm
}

/// Front matter keys that are not mapped, kept under `extra`.
fn extra(data: &Map<String, Value>) -> Map<String, Value> {
    data.iter()
        .filter(|(k, v)| !MAPPED.contains(&k.as_str()) && !v.is_null())
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// A section page (the paginated blog page, or the home page) whose body
/// is the Liquid loop over the posts that ssg's listing replaces.
fn lists_posts(doc: &Doc) -> bool {
    (doc.dest.ends_with("/_index.md") || doc.dest == "content/_index.md")
        && doc.body.contains("paginator.")
}

/// The body: Liquid converted, the excerpt separator as `<!-- more -->`.
fn body(doc: &Doc, site: &Site, report: &mut Report) -> String {
    let post = |name: &str| place::find_post(site.docs, name).map(place::target);
    let link = |path: &str| place::find_link(site.docs, path).map(place::target);
    let cx = Context {
        site: &site.settings.site,
        page: &doc.data,
        base_url: site.base_url,
        post: &post,
        link: &link,
    };
    if lists_posts(doc) {
        report.note(
            &doc.rel,
            Some(doc.body_line),
            "its Liquid list of paginator.posts is not imported: ssg lists the section's posts itself",
            "put any text to keep above the list back by hand",
        );
        return String::new();
    }
    let (mut body, issues) = liquid::convert(&doc.body, &cx);
    for issue in issues {
        let line = doc.body_line + doc.body[..issue.offset].matches('\n').count();
        report.note(&doc.rel, Some(line), issue.message, issue.action);
    }
    let separator = doc
        .data
        .get("excerpt_separator")
        .and_then(scalar)
        .unwrap_or_else(|| site.settings.excerpt_separator.clone());
    if separator != "\n\n" && !separator.is_empty() && body.contains(&separator) {
        body = body.replacen(&separator, "<!-- more -->", 1);
    }
    body
}
