//! Front matter: the three syntaxes, every field, drafts.

use crate::support::{Site, has_output, output};

#[test]
fn yaml_toml_and_bare_header_give_the_same_fields() {
    let site = Site::new()
        .file(
            "content/blog/yaml.md",
            "---\ntitle: From YAML\ndate: 2024-01-02\ntags: [a, b c]\n---\nBody Y\n",
        )
        .file(
            "content/blog/toml.md",
            "+++\ntitle = \"From TOML\"\ndate = 2024-01-03\ntags = [\"a\", \"b c\"]\n+++\nBody T\n",
        )
        .file(
            "content/blog/bare.md",
            "Title: From bare\nDATE: 2024-01-04\ntags: a, b c\n\nBody B\n",
        );
    let built = site.build();
    for (slug, title) in [
        ("yaml", "From YAML"),
        ("toml", "From TOML"),
        ("bare", "From bare"),
    ] {
        let html = output(&built, &format!("blog/{slug}/index.html"));
        assert!(
            html.contains(&format!("<h1>{title}</h1>")),
            "{slug}: {html}"
        );
        assert!(html.contains("/tags/b-c/"), "{slug} lacks tag b c");
        assert!(!html.contains("Title:"), "bare header leaked into the body");
    }
    let tag = output(&built, "tags/b-c/index.html");
    assert_eq!(tag.matches("class=\"post-item\"").count(), 3, "{tag}");
}

#[test]
fn a_first_paragraph_that_looks_like_a_header_stays_text() {
    let site = Site::new().file(
        "content/note.md",
        "Note: this is not front matter.\n\nMore text.\n",
    );
    let html = output(&site.build(), "note/index.html");
    assert!(
        html.contains("<p>Note: this is not front matter.</p>"),
        "{html}"
    );
}

#[test]
fn bare_header_continuation_lines_join_the_value() {
    let site = Site::new().file(
        "content/long.md",
        "title: A title that\n    goes on\ndate: 2020-05-05\n\nText.\n",
    );
    let html = output(&site.build(), "long/index.html");
    assert!(html.contains("<h1>A title that goes on</h1>"), "{html}");
}

#[test]
fn rfc3339_dates_order_pages_and_keep_their_time() {
    let site = Site::new()
        .file(
            "content/blog/morning.md",
            "---\ntitle: Morning\ndate: 2024-05-01T08:00:00+02:00\n---\n",
        )
        .file(
            "content/blog/evening.md",
            "---\ntitle: Evening\ndate: 2024-05-01T20:00:00Z\n---\n",
        );
    let built = site.build();
    let list = output(&built, "blog/index.html");
    let evening = list.find("Evening").expect("evening listed");
    let morning = list.find("Morning").expect("morning listed");
    assert!(evening < morning, "newest first");
    let feed = output(&built, "atom.xml");
    assert!(feed.contains("2024-05-01T08:00:00+02:00"), "{feed}");
}

#[test]
fn unknown_keys_and_extra_reach_templates() {
    let site = Site::new()
        .file(
            "content/x.md",
            "---\ntitle: X\nmood: sunny\nextra:\n  colour: blue\n---\n",
        )
        .file(
            "templates/page.html",
            "{{ page.extra.mood }}/{{ page.extra.colour }}",
        );
    assert_eq!(output(&site.build(), "x/index.html"), "sunny/blue");
}

#[test]
fn slug_weight_template_summary_and_aliases() {
    let site = Site::new()
        .file(
            "content/a.md",
            "---\ntitle: A\nslug: Custom Slug\nsummary: Short *one*\naliases: [/old/a/, old.html]\ntemplate: special.html\n---\nLong text.\n",
        )
        .file("templates/special.html", "special {{ page.summary | safe }}");
    let built = site.build();
    assert_eq!(
        output(&built, "custom-slug/index.html"),
        "special <p>Short <em>one</em></p>\n"
    );
    let alias = output(&built, "old/a/index.html");
    assert!(
        alias.contains("url=https://example.com/custom-slug/"),
        "{alias}"
    );
    assert!(has_output(&built, "old.html"));
}

/// Only `.html`/`.htm` makes an alias a file: `releases/2.4.1`, `docs/v1.2`
/// and `x.md` are folders with an index.html (written as files they were
/// served, and stored in S3, as downloads or as Markdown).
#[test]
fn aliases_not_named_as_html_are_folders() {
    let built = Site::new()
        .file(
            "content/r.md",
            "---\ntitle: R\naliases: [releases/2.4.1, /docs/v1.2, feed.xml, 2026/x.md, old.htm]\n---\nx\n",
        )
        .build();
    // As Zola and Hugo write aliases: a file only when named `.html`/`.htm`,
    // so every redirect page is served as HTML (old feed URLs keep their
    // feed through `build.feed_aliases` instead).
    for page in [
        "releases/2.4.1/index.html",
        "docs/v1.2/index.html",
        "feed.xml/index.html",
        "2026/x.md/index.html",
        "old.htm",
    ] {
        assert!(
            output(&built, page).contains("url=https://example.com/r/"),
            "{page}"
        );
    }
    assert!(!has_output(&built, "releases/2.4.1"));
    assert!(!has_output(&built, "docs/v1.2"));
    assert!(!has_output(&built, "2026/x.md"));
}

#[test]
fn drafts_are_left_out_unless_asked_for() {
    let site = Site::new()
        .file(
            "content/blog/live.md",
            "---\ntitle: Live\ndate: 2024-01-01\n---\n",
        )
        .file(
            "content/blog/wip.md",
            "---\ntitle: WIP\ndate: 2024-01-02\ndraft: true\n---\n",
        );
    let built = site.build();
    assert!(!has_output(&built, "blog/wip/index.html"));
    assert!(!output(&built, "index.html").contains("WIP"));
    site.run(&["build", "--drafts"]).success();
    assert!(site.exists("public/blog/wip/index.html"));
}

#[test]
fn date_prefix_in_the_file_name_dates_the_page() {
    let site = Site::new().file(
        "content/blog/2019-02-03-old-news.md",
        "---\ntitle: Old\n---\n",
    );
    let built = site.build();
    let html = output(&built, "blog/old-news/index.html");
    assert!(html.contains("datetime=\"2019-02-03\""), "{html}");
}
