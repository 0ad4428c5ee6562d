//! Sections from folders, the home page, page bundles, assets and static files.

use crate::support::{Site, has_output, output};

#[test]
fn folders_are_sections_with_optional_index() {
    let site = Site::new()
        .file("content/_index.md", "---\ntitle: Home\n---\nWelcome text.\n")
        .file("content/blog/_index.md", "---\ntitle: Writing\n---\nAll posts.\n")
        .file("content/blog/a.md", "---\ntitle: A\ndate: 2024-01-01\n---\n")
        .file("content/blog/rust/b.md", "---\ntitle: B\ndate: 2024-01-02\n---\n")
        .file("content/notes/c.md", "---\ntitle: C\n---\n")
        .file(
            "templates/section.html",
            "{{ section.title }}|{{ section.path }}|{{ section.content | safe }}|{% for p in section.pages %}{{ p.title }}{% endfor %}|{% for s in section.subsections %}{{ s.title }}:{{ s.page_count }}{% endfor %}",
        )
        .file("templates/index.html", "{{ section.content | safe }}{% for p in paginator.pages %}{{ p.title }}{% endfor %}");
    let built = site.build();
    assert_eq!(
        output(&built, "blog/index.html"),
        "Writing|/blog/|<p>All posts.</p>\n|A|Rust:1"
    );
    assert_eq!(
        output(&built, "blog/rust/index.html"),
        "Rust|/blog/rust/||B|"
    );
    assert_eq!(output(&built, "notes/index.html"), "Notes|/notes/||C|");
    // The home page lists every dated page, across sections.
    assert_eq!(output(&built, "index.html"), "<p>Welcome text.</p>\nBA");
    assert!(has_output(&built, "blog/rust/b/index.html"));
}

#[test]
fn page_bundle_assets_sit_beside_the_page() {
    let site = Site::new()
        .file(
            "content/blog/trip/index.md",
            "---\ntitle: Trip\n---\n[p](photo.jpg)\n",
        )
        .file("content/blog/trip/photo.jpg", "JPEGDATA")
        .file("content/blog/trip/img/small.png", "PNG")
        .file("content/blog/diagram.svg", "<svg/>");
    let built = site.build();
    assert!(has_output(&built, "blog/trip/index.html"));
    assert_eq!(output(&built, "blog/trip/photo.jpg"), "JPEGDATA");
    assert_eq!(output(&built, "blog/trip/img/small.png"), "PNG");
    assert_eq!(output(&built, "blog/diagram.svg"), "<svg/>");
    assert!(built.broken_links.is_empty(), "{:?}", built.broken_links);
}

#[test]
fn static_files_are_copied_verbatim_including_dot_folders() {
    let site = Site::new()
        .file("static/favicon.ico", "ICO")
        .file("static/.well-known/security.txt", "Contact: x")
        .file("static/fonts/a.woff2", "W");
    let built = site.build();
    assert_eq!(output(&built, "favicon.ico"), "ICO");
    assert_eq!(output(&built, ".well-known/security.txt"), "Contact: x");
    assert_eq!(output(&built, "fonts/a.woff2"), "W");
}

#[test]
fn hidden_and_editor_files_in_content_are_ignored() {
    let site = Site::new()
        .file("content/.hidden.md", "---\ntitle: H\n---\n")
        .file("content/post.md~", "backup")
        .file("content/.post.md.swp", "swap")
        .file("content/real.md", "---\ntitle: R\n---\n");
    let built = site.build();
    assert!(has_output(&built, "real/index.html"));
    assert!(
        !built
            .outputs
            .iter()
            .any(|o| o.path.contains("hidden") || o.path.contains('~') || o.path.contains("swp"))
    );
}

#[test]
fn file_names_become_slugs() {
    let site = Site::new().file("content/Blog Posts/Héllo Wörld.md", "---\ntitle: H\n---\n");
    assert!(has_output(
        &site.build(),
        "blog-posts/hello-world/index.html"
    ));
}

/// A section's `sort_by` (Zola's key): a projects or docs section lists by
/// `weight` although its pages are dated; `earlier`/`later` stay by date.
#[test]
fn a_section_lists_its_pages_in_the_order_its_sort_by_names() {
    let page = |title: &str, date: &str, weight: i64| {
        format!(
            "---\ntitle: {title}\ndate: {date}\nweight: {weight}\nupdated: 2025-0{weight}-01\n---\n"
        )
    };
    let site = || {
        Site::new()
            .file("content/projects/a.md", &page("Alpha", "2024-01-03", 2))
            .file("content/projects/b.md", &page("beta", "2024-01-01", 1))
            .file("content/projects/c.md", &page("Gamma", "2024-01-02", 3))
            .file(
                "templates/section.html",
                "{% for p in section.pages %}{{ p.title }} {% endfor %}",
            )
            .file(
                "templates/page.html",
                "{{ page.earlier.title | default(value='-') }}<{{ page.title }}",
            )
    };
    let listed = |sort: &str| {
        let built = site()
            .file(
                "content/projects/_index.md",
                &format!("+++\nsort_by = \"{sort}\"\n+++\n"),
            )
            .build();
        (
            output(&built, "projects/index.html"),
            output(&built, "projects/c/index.html"),
        )
    };
    assert_eq!(listed("date").0, "Alpha Gamma beta ");
    assert_eq!(
        listed("weight"),
        ("beta Alpha Gamma ".into(), "beta<Gamma".into())
    );
    assert_eq!(listed("title").0, "Alpha beta Gamma ");
    assert_eq!(listed("update_date").0, "Gamma Alpha beta ");
    assert_eq!(listed("slug").0, "Alpha beta Gamma ");
}

#[test]
fn an_unknown_sort_by_is_an_error_at_its_line() {
    let site = Site::new().file(
        "content/blog/_index.md",
        "+++\ntitle = \"B\"\nsort_by = \"newest\"\n+++\n",
    );
    let run = site.run(&["build"]);
    run.failure();
    assert!(
        run.stderr.contains("content/blog/_index.md:3")
            && run.stderr.contains(
                "`sort_by` is one of date, update_date, weight, title, slug, found \"newest\""
            ),
        "{}",
        run.stderr
    );
}
