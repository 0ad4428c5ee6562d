//! Atom feeds, the sitemap, robots.txt and the 404 page.

use crate::support::{CONFIG, Site, has_output, output, post};

const ATOM: &str = "http://www.w3.org/2005/Atom";

fn site() -> Site {
    Site::with_config(&format!(
        "{CONFIG}description = \"Desc & more\"\nauthor = \"Ann\"\n[build]\nfeed_limit = 2\n"
    ))
    .file(
        "content/blog/a.md",
        &post("A & <b>", "2024-01-01", &["x"], "Body *a*"),
    )
    .file(
        "content/blog/b.md",
        &post("B", "2024-02-01", &["x"], "Body b"),
    )
    .file(
        "content/blog/c.md",
        "---\ntitle: C\ndate: 2024-03-01\nupdated: 2024-04-01T10:00:00Z\n---\nBody c\n",
    )
    .file("content/about.md", "---\ntitle: About\n---\nNo date.\n")
}

fn children<'a>(node: roxmltree::Node<'a, 'a>, name: &str) -> Vec<roxmltree::Node<'a, 'a>> {
    node.children()
        .filter(|n| n.has_tag_name((ATOM, name)))
        .collect()
}

#[test]
fn site_feed_is_valid_atom_with_the_newest_entries() {
    let built = site().build();
    let xml = output(&built, "atom.xml");
    let doc = roxmltree::Document::parse(&xml).expect("well-formed XML");
    let feed = doc.root_element();
    assert!(feed.has_tag_name((ATOM, "feed")));
    for required in ["title", "id", "updated", "author", "link"] {
        assert!(
            !children(feed, required).is_empty(),
            "feed lacks <{required}>"
        );
    }
    let entries = children(feed, "entry");
    assert_eq!(entries.len(), 2, "feed_limit = 2");
    let first = entries[0];
    for required in ["title", "id", "updated", "link", "content"] {
        assert!(
            !children(first, required).is_empty(),
            "entry lacks <{required}>"
        );
    }
    assert_eq!(children(first, "title")[0].text(), Some("C"));
    // The feed is dated by its newest entry, never by the build.
    assert_eq!(
        children(feed, "updated")[0].text(),
        Some("2024-04-01T10:00:00+00:00")
    );
    let content = children(first, "content")[0];
    assert_eq!(content.attribute("type"), Some("html"));
    assert!(content.text().unwrap_or("").contains("<p>Body c</p>"));
}

#[test]
fn feed_escapes_titles() {
    let built = Site::with_config(&format!("{CONFIG}[build]\nfeed_limit = 10\n"))
        .file(
            "content/blog/a.md",
            &post("A & <b>", "2024-01-01", &[], "x"),
        )
        .build();
    let xml = output(&built, "atom.xml");
    let doc = roxmltree::Document::parse(&xml).expect("well-formed XML");
    let entry = children(doc.root_element(), "entry")[0];
    assert_eq!(children(entry, "title")[0].text(), Some("A & <b>"));
}

#[test]
fn tag_feeds_hold_only_their_tag() {
    let built = site().build();
    let xml = output(&built, "tags/x/atom.xml");
    let doc = roxmltree::Document::parse(&xml).expect("well-formed XML");
    let titles: Vec<_> = children(doc.root_element(), "entry")
        .iter()
        .map(|e| children(*e, "title")[0].text().unwrap_or("").to_string())
        .collect();
    assert_eq!(titles, ["B", "A & <b>"]);
}

#[test]
fn sitemap_lists_every_page_section_and_tag() {
    let built = site().build();
    let xml = output(&built, "sitemap.xml");
    let doc = roxmltree::Document::parse(&xml).expect("well-formed XML");
    let locs: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("loc"))
        .filter_map(|n| n.text())
        .collect();
    for url in [
        "https://example.com/",
        "https://example.com/about/",
        "https://example.com/blog/",
        "https://example.com/blog/a/",
        "https://example.com/tags/",
        "https://example.com/tags/x/",
    ] {
        assert!(locs.contains(&url), "sitemap lacks {url}: {locs:?}");
    }
    assert!(
        xml.contains("<lastmod>2024-04-01T10:00:00+00:00</lastmod>"),
        "{xml}"
    );
}

#[test]
fn robots_and_404() {
    let built = site().build();
    assert_eq!(
        output(&built, "robots.txt"),
        "User-agent: *\nAllow: /\nSitemap: https://example.com/sitemap.xml\n"
    );
    assert!(has_output(&built, "404.html"));
    assert!(output(&built, "404.html").contains("Page not found"));
}

/// Every `href`, `src` and `srcset` URL in an HTML fragment.
fn urls_in(html: &str) -> Vec<String> {
    let mut urls = Vec::new();
    for attribute in ["href=\"", "src=\"", "srcset=\""] {
        for (at, _) in html.match_indices(attribute) {
            let value = &html[at + attribute.len()..];
            let value = &value[..value.find('"').unwrap_or(value.len())];
            if attribute == "srcset=\"" {
                urls.extend(
                    value
                        .split(',')
                        .map(|c| c.split_whitespace().next().unwrap_or("").to_string()),
                );
            } else {
                urls.push(value.to_string());
            }
        }
    }
    urls
}

/// A bundle post whose body links the ways authors do: a picture beside
/// it, an in-page anchor, a root-relative page, raw HTML, a footnote.
fn bundle_post() -> Site {
    site().file("content/blog/trip/diagram.svg", "<svg/>").file(
        "content/blog/trip/index.md",
        "---\ntitle: Trip\ndate: 2024-05-01\ntags: [x]\n---\n\
         See [how to opt out](#how-to-opt-out), the note[^n] and ![d](diagram.svg).\n\n\
         More: [about](/about/), <img src=\"raw.png\" srcset=\"raw.png 1x, /big.png 2x\">, \
         [up](../a/) and <a href=\"mailto:me@example.com\">mail</a>.\n\n\
         ## How to opt out\n\nText.\n\n[^n]: The note.\n",
    )
}

/// Feed readers resolve relative URLs against the feed, not the page: in
/// every feed, every URL of an entry's content and summary is absolute.
#[test]
fn feed_entries_carry_only_absolute_urls() {
    let built = bundle_post().build();
    for feed in ["atom.xml", "tags/x/atom.xml"] {
        let xml = output(&built, feed);
        let doc = roxmltree::Document::parse(&xml).expect("well-formed XML");
        let entry = children(doc.root_element(), "entry")
            .into_iter()
            .find(|e| children(*e, "title")[0].text() == Some("Trip"))
            .expect("the bundle post is in the feed");
        let content = children(entry, "content")[0].text().unwrap_or("");
        let urls = urls_in(content);
        for expected in [
            "https://example.com/blog/trip/#how-to-opt-out",
            "https://example.com/blog/trip/diagram.svg",
            "https://example.com/about/",
            "https://example.com/blog/trip/raw.png",
            "https://example.com/big.png",
            "https://example.com/blog/a/",
        ] {
            assert!(
                urls.iter().any(|u| u == expected),
                "{feed}: {expected} not in {urls:?}"
            );
        }
        for entry in children(doc.root_element(), "entry") {
            for part in ["content", "summary"] {
                for node in children(entry, part) {
                    for url in urls_in(node.text().unwrap_or("")) {
                        assert!(
                            url.starts_with("https://") || url.starts_with("mailto:"),
                            "{feed} {part}: {url} is relative"
                        );
                    }
                }
            }
        }
    }
}

/// A summary on a listing points into the post, not into the listing, and
/// drops footnote references whose notes it does not show.
#[test]
fn summaries_on_listings_link_into_the_post() {
    let built = bundle_post()
        .file(
            "templates/index.html",
            "{% for p in paginator.pages %}{{ p.summary | safe }}{% endfor %}",
        )
        .build();
    let home = output(&built, "index.html");
    assert!(
        home.contains("href=\"/blog/trip/#how-to-opt-out\""),
        "{home}"
    );
    assert!(home.contains("src=\"/blog/trip/diagram.svg\""), "{home}");
    assert!(!home.contains("footnote-reference"), "{home}");
    // The post itself keeps its own links as written.
    let page = output(&built, "blog/trip/index.html");
    assert!(page.contains("href=\"#how-to-opt-out\""), "{page}");
    assert!(has_output(&built, "blog/trip/diagram.svg"));
}
