//! Sites written for Hugo, Zola or Jekyll, read natively where a key means
//! the same thing: `path`, `lastmod`, `[taxonomies]`, `categories`, a date in
//! the URL, the longer Markdown extensions; section aliases and old feed
//! URLs; a warning for the keys that mean something else elsewhere.

use crate::support::{Site, has_output, output};

#[test]
fn path_keeps_a_url_verbatim_capitals_and_file_names_included() {
    let site = Site::new()
        .file(
            "content/blog/my-post.md",
            "+++\ntitle = \"Mine\"\npath = \"2016/04/07/My-Post\"\n+++\nBody\n",
        )
        .file(
            "content/old.md",
            "---\ntitle: Old\npath: /jekyll/update/2019/03/02/welcome.html\n---\nSee [the trip](trip/index.md).\n",
        )
        .file(
            "content/trip/index.md",
            "---\ntitle: Trip\npath: /Travel/Trip.html\n---\n![p](photo.svg)\n",
        )
        .file("content/trip/photo.svg", "<svg/>");
    let built = site.build();
    let post = output(&built, "2016/04/07/My-Post/index.html");
    assert!(post.contains("<h1>Mine</h1>"), "{post}");
    assert!(
        post.contains("datetime=\"2016-04-07\""),
        "dated by its path: {post}"
    );
    assert!(!has_output(&built, "blog/my-post/index.html"));
    assert!(output(&built, "jekyll/update/2019/03/02/welcome.html").contains("<h1>Old</h1>"));
    // A bundle whose page is a file keeps its assets in that file's folder,
    // where the page's relative links lead.
    assert!(has_output(&built, "Travel/Trip.html"));
    assert!(has_output(&built, "Travel/photo.svg"));
    assert!(built.broken_links.is_empty(), "{:?}", built.broken_links);
    let home = output(&built, "index.html");
    assert!(
        home.contains("/2016/04/07/My-Post/"),
        "listed at its path: {home}"
    );
    let sitemap = output(&built, "sitemap.xml");
    assert!(sitemap.contains("https://example.com/jekyll/update/2019/03/02/welcome.html"));
}

#[test]
fn two_paths_on_one_file_are_an_error_naming_both() {
    let site = Site::new()
        .file("content/a.md", "---\npath: /same/\n---\n")
        .file("content/b.md", "---\npath: same\n---\n");
    let err = match site.try_build() {
        Ok(_) => panic!("two pages at one path built"),
        Err(err) => err.to_string(),
    };
    assert!(
        err.contains("content/a.md") && err.contains("content/b.md"),
        "{err}"
    );
}

#[test]
fn zola_and_hugo_keys_are_read_natively() {
    let site = Site::new()
        .file(
            "content/blog/zola.md",
            "+++\ntitle = \"Zola\"\ndate = 2020-01-02\nupdated = 2020-02-03\n\n[taxonomies]\ntags = [\"rust\"]\ncategories = [\"Notes\"]\n+++\n",
        )
        .file(
            "content/blog/hugo.md",
            "---\ntitle: Hugo\ndate: 2021-01-02\nlastmod: 2021-05-06\ntags: [rust]\ncategories: [Go, rust]\n---\n",
        );
    let built = site.build();
    for (slug, updated) in [("zola", "2020-02-03"), ("hugo", "2021-05-06")] {
        let html = output(&built, &format!("blog/{slug}/index.html"));
        assert!(html.contains("/tags/rust/"), "{slug}: {html}");
        let feed = output(&built, "atom.xml");
        assert!(
            feed.contains(&format!("<updated>{updated}")),
            "{slug}: {feed}"
        );
    }
    assert!(output(&built, "tags/notes/index.html").contains("Zola"));
    let go = output(&built, "tags/go/index.html");
    assert!(go.contains("Hugo") && !go.contains("Zola"), "{go}");
    let rust = output(&built, "tags/rust/index.html");
    assert_eq!(
        rust.matches("class=\"post-item\"").count(),
        2,
        "tag once per page: {rust}"
    );
}

#[test]
fn every_markdown_extension_is_a_page_and_a_link_target() {
    let site = Site::new()
        .file(
            "content/a.markdown",
            "---\ntitle: A\n---\nTo [b](b.mdown), [c](@/notes/c.mkd).\n",
        )
        .file("content/b.mdown", "---\ntitle: B\n---\n")
        .file(
            "content/notes/_index.markdown",
            "---\ntitle: My notes\n---\n",
        )
        .file("content/notes/c.mkd", "---\ntitle: C\n---\n")
        .file("content/trip/index.markdown", "---\ntitle: Trip\n---\n")
        .file("content/trip/map.png", "png");
    let built = site.build();
    let a = output(&built, "a/index.html");
    assert!(
        a.contains("href=\"/b/\"") && a.contains("href=\"/notes/c/\""),
        "{a}"
    );
    assert!(output(&built, "notes/index.html").contains("My notes"));
    assert!(has_output(&built, "trip/index.html") && has_output(&built, "trip/map.png"));
    assert!(built.broken_links.is_empty(), "{:?}", built.broken_links);
}

#[test]
fn sections_and_the_config_redirect_old_urls_and_old_feed_urls_get_the_feed() {
    let site = Site::with_config(&format!(
        "{}[build]\nfeed_aliases = [\"/index.xml\", \"feed.xml\"]\n\n[redirects]\n\"/categories/rust/\" = \"/tags/rust/\"\n\"old.html\" = \"https://elsewhere.example/\"\n",
        crate::support::CONFIG
    ))
    .file(
        "content/blog/_index.md",
        "---\ntitle: Blog\naliases: [/posts/, /categories/blog/]\n---\n",
    )
    .file(
        "content/blog/a.md",
        &crate::support::post("A", "2024-01-02", &[], "x"),
    );
    let built = site.build();
    for old in ["posts/index.html", "categories/blog/index.html"] {
        let html = output(&built, old);
        assert!(html.contains("https://example.com/blog/"), "{old}: {html}");
    }
    let rust = output(&built, "categories/rust/index.html");
    assert!(rust.contains("https://example.com/tags/rust/"), "{rust}");
    assert!(output(&built, "old.html").contains("https://elsewhere.example/"));
    let feed = output(&built, "atom.xml");
    for old in ["index.xml", "feed.xml"] {
        assert_eq!(output(&built, old), feed, "{old} is the site feed");
    }
}

#[test]
fn keys_that_mean_something_else_elsewhere_warn_once_each() {
    let site = Site::new()
        .file(
            "content/a.md",
            "---\ntitle: A\nlayout: post\npermalink: /a.html\n---\n",
        )
        .file("content/b.md", "---\ntitle: B\nlayout: post\n---\n");
    let run = site.run(&["build"]);
    run.success();
    let warnings: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.contains("ssg import"))
        .collect();
    assert_eq!(warnings.len(), 2, "{}", run.stderr);
    assert!(
        warnings.iter().any(|w| w
            .contains("content/a.md:3: `layout` is ignored (and in 1 more files)")
            && w.contains("`template`")),
        "{warnings:?}"
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("content/a.md:4: `permalink`") && w.contains("`path`"))
    );
}
