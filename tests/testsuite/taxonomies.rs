//! Tags: the index with counts, one page and one feed per tag, slugs.

use crate::support::{Site, has_output, output, post};

fn tagged_site() -> Site {
    Site::new()
        .file(
            "content/blog/a.md",
            &post("A", "2024-01-01", &["Rust", "web development"], "a"),
        )
        .file(
            "content/blog/b.md",
            &post("B", "2024-01-02", &["rust"], "b"),
        )
        .file(
            "content/blog/c.md",
            &post("C", "2024-01-03", &["Crème brûlée"], "c"),
        )
}

#[test]
fn tag_index_lists_every_tag_with_its_count() {
    let site = tagged_site().file(
        "templates/tags.html",
        "{% for t in tags %}{{ t.name }}={{ t.slug }}={{ t.count }}={{ t.permalink }};{% endfor %}",
    );
    assert_eq!(
        output(&site.build(), "tags/index.html"),
        "Crème brûlée=creme-brulee=1=https://example.com/tags/creme-brulee/;\
         Rust=rust=2=https://example.com/tags/rust/;\
         web development=web-development=1=https://example.com/tags/web-development/;"
    );
}

#[test]
fn each_tag_has_a_page_with_its_posts_newest_first() {
    let site = tagged_site().file(
        "templates/tag.html",
        "{{ tag.name }}:{% for p in tag.pages %}{{ p.title }}{% endfor %}",
    );
    let built = site.build();
    assert_eq!(output(&built, "tags/rust/index.html"), "Rust:BA");
    assert_eq!(
        output(&built, "tags/web-development/index.html"),
        "web development:A"
    );
    assert!(has_output(&built, "tags/rust/atom.xml"));
}

#[test]
fn page_tags_link_to_tag_pages() {
    let site = tagged_site().file(
        "templates/page.html",
        "{% for t in page.tags %}{{ t.name }}|{{ t.slug }}|{{ t.permalink }} {% endfor %}",
    );
    assert_eq!(
        output(&site.build(), "blog/a/index.html"),
        "Rust|rust|https://example.com/tags/rust/ web development|web-development|https://example.com/tags/web-development/ "
    );
}

/// No tags means no tag pages and no tag feeds; the index of tags is
/// there (empty) only because the theme has one to link to.
#[test]
fn no_tags_means_no_tag_pages() {
    let site = Site::new().file("content/a.md", "---\ntitle: A\n---\n");
    let built = site.build();
    let tag_outputs: Vec<&str> = built
        .outputs
        .iter()
        .map(|o| o.path.as_str())
        .filter(|p| p.starts_with("tags/") && *p != "tags/index.html")
        .collect();
    assert!(tag_outputs.is_empty(), "{tag_outputs:?}");
    let bare = Site::with_config("title = \"T\"\nbase_url = \"https://example.com\"\n")
        .file("content/a.md", "---\ntitle: A\n---\n")
        .file("templates/page.html", "{{ page.title }}")
        .file("templates/index.html", "home")
        .file("templates/404.html", "gone");
    assert!(
        !has_output(&bare.build(), "tags/index.html"),
        "a site without tags.html gets no index of tags"
    );
}

/// The default theme links `/tags/` from every page: a site with no tags
/// yet still has that page, so the link is never broken.
#[test]
fn a_site_without_tags_still_has_the_tag_index_its_theme_links() {
    let site = Site::new().file(
        "content/blog/a.md",
        "---\ntitle: A\ndate: 2024-01-01\n---\nNo tags here.\n",
    );
    let built = site.build();
    assert!(output(&built, "tags/index.html").contains("No tags yet"));
    site.run(&["check"]).success();
}
