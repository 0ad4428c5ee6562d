//! A Jekyll document → an ssg page: its front matter mapped to ssg's keys
//! (the rest kept under `extra`) and its body with Liquid converted.

use serde_json::{Map, Value};

use super::config::Settings;
use super::dates::{self, split_dated_name};
use super::document::{Doc, Format};
use super::front_matter::{is_false, scalar};
use super::html_blocks;
use super::kramdown;
use super::liquid::{self, Context, Target};
use super::permalink;
use super::place;
use super::shortcodes::Shortcodes;
use super::walk::Kind;
use crate::error::line_of_offset;
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
    /// The Jekyll site's folder.
    pub src: &'a std::path::Path,
    pub settings: &'a Settings,
    pub base_url: &'a str,
    pub index: &'a place::Index<'a>,
    /// Files copied as they are, relative to the site: `{% link %}` names them too.
    pub statics: &'a [String],
    pub shortcodes: &'a Shortcodes<'a>,
    /// Posts' categories are a taxonomy of the new site (`/categories/NAME/`),
    /// not more tags: see [`categories_kept`].
    pub categories_kept: bool,
}

/// Whether the new site can keep Jekyll's categories as a `categories`
/// taxonomy: some post has one, and no page of the site already answers
/// under `/categories/` (a hand-made list of them, common in Jekyll
/// themes), whose URL the taxonomy's pages would take. Otherwise they
/// become tags, as they did before ssg had taxonomies of its own.
pub fn categories_kept(docs: &[Doc], statics: &[String]) -> bool {
    let taken = |url: &str| url.trim_start_matches('/').starts_with("categories/");
    docs.iter().any(|d| !d.categories.is_empty())
        && !docs.iter().filter_map(|d| d.url.as_deref()).any(taken)
        && !statics.iter().any(|s| taken(s))
}

/// A feed written by hand (an `.xml` page with `<feed` or `<rss`): ssg's
/// own Atom feed is written at its URL instead.
pub fn hand_written_feed(doc: &Doc) -> Option<&str> {
    let xml = doc.format == Format::Other("xml".into());
    let feed = doc.body.contains("<feed") || doc.body.contains("<rss");
    doc.url.as_deref().filter(|_| xml && feed)
}

/// The new page for `doc`, or `None` (noted) when it has no ssg form.
pub fn page(doc: &Doc, site: &Site, report: &mut Report) -> Option<NewPage> {
    if let Some(url) = hand_written_feed(doc) {
        report.note(
            &doc.rel,
            Some(1),
            format!("a feed written in Liquid: ssg's Atom feed is also written at {url} instead"),
            "",
        );
        return None;
    }
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
            "an HTML page: its HTML is the Markdown body (outside <pre>, without indentation and blank lines)",
            "check it renders as before",
        );
    }
    let front_matter = front_matter(doc, site, report);
    let body = body(doc, site, report);
    Some(NewPage {
        source: doc.rel.clone().into(),
        dest: doc.dest.clone(),
        front_matter,
        body,
    })
}

fn front_matter(doc: &Doc, site: &Site, report: &mut Report) -> NewFrontMatter {
    let data = &doc.data;
    let get = |k: &str| data.get(k).and_then(scalar);
    let mut fm = NewFrontMatter {
        // Jekyll titles an untitled post from its file name, not its `slug`.
        title: get("title").or_else(|| {
            let (_, name_slug) = split_dated_name(&doc.basename)?;
            doc.is_post().then(|| permalink::titleize(&name_slug))
        }),
        date: doc.date.as_ref().map(|d| d.to_ssg()),
        updated: updated(doc, site, report),
        summary: get("excerpt"),
        draft: matches!(
            doc.kind,
            Kind::Draft { .. } | Kind::Document { output: false, .. }
        ) || data.get("published").is_some_and(is_false)
            || future(doc, report),
        aliases: doc.aliases.clone(),
        extra: extra(data),
        ..Default::default()
    };
    let mut tags = doc.tags.clone();
    if site.categories_kept {
        if !doc.categories.is_empty() {
            fm.taxonomies
                .insert("categories".into(), unique(doc.categories.clone()));
        }
    } else {
        tags.splice(0..0, doc.categories.iter().cloned());
        if !doc.categories.is_empty() {
            let line = doc
                .line_of("categories")
                .or_else(|| doc.line_of("category"));
            report.note(
                &doc.rel,
                line,
                format!("categories {} became tags", doc.categories.join(", ")),
                "a page of the site answers under /categories/, where a `categories` taxonomy's pages would be",
            );
        }
    }
    fm.tags = unique(tags);
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

/// `last_modified_at` (jekyll-last-modified-at), `updated` or `modified`,
/// read like `date` (in the site's zone) and written as ssg reads it.
fn updated(doc: &Doc, site: &Site, report: &mut Report) -> Option<String> {
    let (key, text) = ["last_modified_at", "updated", "modified"]
        .iter()
        .find_map(|k| doc.data.get(*k).and_then(scalar).map(|v| (*k, v)))?;
    let parsed = dates::parse(&text, &site.settings.zone);
    if parsed.is_none() {
        report.note(
            &doc.rel,
            doc.line_of(key),
            format!("unparseable {key} {text:?}; left out"),
            "write it as YYYY-MM-DD HH:MM:SS +ZZZZ",
        );
    }
    parsed.map(|d| d.to_ssg())
}

/// A post dated after the import: Jekyll leaves it out (unless `future:
/// true`) until it is due, so it comes in as a draft.
fn future(doc: &Doc, report: &mut Report) -> bool {
    let future = doc.is_future_post();
    if future {
        report.note(
            &doc.rel,
            doc.line_of("date"),
            "dated in the future: Jekyll does not publish it yet; imported as a draft",
            "remove `draft` when it is due",
        );
    }
    future
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
    let post = |name: &str| site.index.post(name).map(place::target);
    let link = |path: &str| {
        let found = site.index.link(path).map(place::target);
        let path = place::unquote(path);
        found.or_else(|| {
            site.statics.iter().any(|s| s == path).then(|| Target {
                content: format!("/{path}"),
                url: format!("/{path}"),
            })
        })
    };
    let page_name = doc
        .dest
        .trim_start_matches("content/")
        .trim_end_matches(".md");
    // Jekyll's `page` is the front matter and what Jekyll adds to it.
    let mut page = doc.data.clone();
    if let Some(url) = &doc.url {
        page.entry("url")
            .or_insert_with(|| Value::String(url.clone()));
    }
    page.entry("path")
        .or_insert_with(|| Value::String(doc.rel.clone()));
    let page_dir = doc.rel.rsplit_once('/').map_or("", |(dir, _)| dir);
    let cx = Context {
        site: &site.settings.site,
        page: &page,
        base_url: site.base_url,
        post: &post,
        link: &link,
        shortcodes: site.shortcodes,
        page_name,
        src: site.src,
        page_dir,
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
        let line = doc.body_line + line_of_offset(&doc.body, issue.offset) - 1;
        report.note(&doc.rel, Some(line), issue.message, issue.action);
    }
    if doc.format == Format::Html {
        body = html_blocks::flatten(&body);
    } else {
        body = html_blocks::kramdown_elements(&body);
        for found in kramdown::find(&doc.body) {
            report.note(
                &doc.rel,
                Some(doc.body_line + found.line),
                found.message,
                found.action,
            );
        }
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

/// The list without its repeats, in first-seen order.
fn unique(list: Vec<String>) -> Vec<String> {
    let mut seen: Vec<String> = Vec::new();
    for item in list {
        if !seen.contains(&item) {
            seen.push(item);
        }
    }
    seen
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::jekyll::{config, document, place, walk::Entry};

    const CONFIG: &str = "title: T\nurl: https://example.org\ntimezone: America/New_York\nexcerpt_separator: <!--more-->\n";

    /// Converts `files` (path, text) of a site with `CONFIG`.
    fn convert(files: &[(&str, Kind, &str)]) -> (Vec<NewPage>, Report) {
        let mut report = Report::default();
        let (cfg, settings) = config::parse(CONFIG, &mut report);
        let mut docs: Vec<Doc> = files
            .iter()
            .filter_map(|(rel, kind, text)| {
                let entry = Entry {
                    rel: rel.to_string(),
                    kind: kind.clone(),
                };
                document::from_text(&entry, text.to_string(), &settings, &mut report)
            })
            .collect();
        place::one_document_per_url(&mut docs, &mut report);
        place::place(&mut docs, None, &mut report);
        let shortcodes = Shortcodes::new(std::path::Path::new("/nonexistent"), &cfg.extra);
        let site = Site {
            src: std::path::Path::new("/nonexistent"),
            settings: &settings,
            base_url: &cfg.base_url,
            index: &place::Index::new(&docs),
            statics: &[],
            shortcodes: &shortcodes,
            categories_kept: categories_kept(&docs, &[]),
        };
        let pages = docs
            .iter()
            .filter_map(|d| page(d, &site, &mut report))
            .collect();
        (pages, report)
    }

    fn post(categories: &[&str]) -> Kind {
        Kind::Post {
            categories: categories.iter().map(|c| c.to_string()).collect(),
        }
    }

    #[test]
    fn post_front_matter_maps_to_ssg_keys() {
        let text = "---\ntitle: Hello\ndate: 2019-03-02 23:30:00 -0800\ncategories: Web\ncategory: Misc\ntags: rust web\nlayout: post\npermalink: /:categories/:title/\nexcerpt: Short.\nredirect_from: old/hello.html\nlast_modified_at: 2019-04-01 10:00:00 +0100\nauthor: Ada\n---\nBody\n";
        let (pages, report) =
            convert(&[("blog/_posts/2019-03-02-hello.md", post(&["blog"]), text)]);
        let fm = &pages[0].front_matter;
        assert_eq!(pages[0].dest, "content/posts/blog/2019-03-02-hello.md");
        assert_eq!(fm.title.as_deref(), Some("Hello"));
        assert_eq!(fm.date.as_deref(), Some("2019-03-03T02:30:00-05:00"));
        assert_eq!(fm.updated.as_deref(), Some("2019-04-01T05:00:00-04:00"));
        assert_eq!(fm.tags, ["rust", "web"]);
        assert_eq!(fm.taxonomies["categories"], ["blog", "Web", "Misc"]);
        assert_eq!(fm.path.as_deref(), Some("/blog/web/misc/hello/"));
        assert_eq!(fm.summary.as_deref(), Some("Short."));
        assert_eq!(fm.aliases, ["/old/hello.html"]);
        assert_eq!(fm.extra.keys().collect::<Vec<_>>(), ["author"]);
        assert!(!fm.draft);
        assert!(report.findings.is_empty(), "{:?}", report.findings);
    }

    #[test]
    fn categories_become_tags_where_a_page_answers_under_categories() {
        let text = "---
title: Hello
categories: [Web, rust]
tags: rust
---
Body
";
        let list = "---
title: Categories
permalink: /categories/
---
";
        let (pages, report) = convert(&[
            ("_posts/2019-03-02-hello.md", post(&[]), text),
            ("categories.md", Kind::Page, list),
        ]);
        let fm = &pages[0].front_matter;
        assert_eq!(fm.tags, ["Web", "rust"]);
        assert!(fm.taxonomies.is_empty());
        let notes: Vec<&str> = report.findings.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(notes, ["categories Web, rust became tags"]);
    }

    #[test]
    fn drafts_unpublished_and_separators() {
        let (pages, _) = convert(&[
            (
                "_drafts/idea.md",
                Kind::Draft { categories: vec![] },
                "---\ntitle: Idea\n---\nA\n",
            ),
            (
                "_posts/2020-01-01-no.md",
                post(&[]),
                "---\npublished: false\n---\nIntro\n<!--more-->\nRest\n",
            ),
        ]);
        assert!(pages[0].front_matter.draft && pages[0].front_matter.path.is_none());
        let no = &pages[1];
        assert!(no.front_matter.draft);
        assert_eq!(no.front_matter.title.as_deref(), Some("No"));
        assert_eq!(no.body, "Intro\n<!-- more -->\nRest\n");
    }

    #[test]
    fn two_documents_at_one_url_do_not_break_the_build() {
        let (pages, report) = convert(&[
            ("a.md", Kind::Page, "---\npermalink: /same/\n---\n"),
            ("b.md", Kind::Page, "---\npermalink: /same/\n---\n"),
        ]);
        assert_eq!(pages[0].front_matter.path.as_deref(), Some("/same/"));
        assert_eq!(pages[1].front_matter.path, None);
        assert!(
            report.findings[0]
                .message
                .contains("has the URL /same/, as a.md does")
        );
    }

    #[test]
    fn pages_keep_their_urls_and_ssg_owned_ones_are_left_out() {
        let (pages, report) = convert(&[
            (
                "about.md",
                Kind::Page,
                "---\ntitle: About\nlayout: fancy\n---\nHi\n",
            ),
            ("docs/index.md", Kind::Page, "---\ntitle: Docs\n---\n"),
            (
                "docs/intro.md",
                Kind::Page,
                "---\ntitle: Intro\npermalink: /start\n---\n",
            ),
            (
                "404.md",
                Kind::Page,
                "---\npermalink: /404.html\n---\nGone\n",
            ),
        ]);
        let dests: Vec<(&str, Option<&str>)> = pages
            .iter()
            .map(|p| (p.dest.as_str(), p.front_matter.path.as_deref()))
            .collect();
        assert_eq!(
            dests,
            [
                ("content/about.md", Some("/about.html")),
                ("content/docs/_index.md", None),
                ("content/docs/intro.md", Some("/start.html")),
            ]
        );
        let text = Report {
            findings: report.findings.clone(),
            ..Default::default()
        }
        .text();
        assert!(
            text.contains("about.md:3: layout `fancy` dropped"),
            "{text}"
        );
        assert!(
            text.contains("404.md:1: ssg writes /404.html itself"),
            "{text}"
        );
    }
}
