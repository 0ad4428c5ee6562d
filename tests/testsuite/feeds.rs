//! Atom feeds, the sitemap, robots.txt and the 404 page.

use crate::harness::{CONFIG, Site, has_output, output, post};

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
