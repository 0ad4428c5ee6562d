//! Pagination of the home page, sections and tag pages.

use crate::support::{CONFIG, Site, has_output, output, post};

const PAGER_TEMPLATE: &str = "{{ paginator.current_index }}/{{ paginator.number_pagers }} \
    first={{ paginator.first }} last={{ paginator.last }} \
    prev={% if paginator.previous %}{{ paginator.previous }}{% else %}-{% endif %} next={% if paginator.next %}{{ paginator.next }}{% else %}-{% endif %} \
    [{% for p in paginator.pages %}{{ p.title }}{% endfor %}]";

fn five_posts() -> Site {
    let mut site = Site::with_config(&format!("{CONFIG}[build]\npaginate_by = 2\n"));
    for i in 1..=5 {
        site = site.file(
            &format!("content/blog/p{i}.md"),
            &post(&format!("P{i}"), &format!("2024-01-0{i}"), &["t"], "x"),
        );
    }
    site.file("templates/index.html", PAGER_TEMPLATE)
        .file("templates/section.html", PAGER_TEMPLATE)
        .file("templates/tag.html", PAGER_TEMPLATE)
}

#[test]
fn home_is_paginated_over_all_dated_pages() {
    let built = five_posts().build();
    assert_eq!(
        output(&built, "index.html"),
        "1/3 first=https://example.com/ last=https://example.com/page/3/ prev=- next=https://example.com/page/2/ [P5P4]"
    );
    assert_eq!(
        output(&built, "page/2/index.html"),
        "2/3 first=https://example.com/ last=https://example.com/page/3/ prev=https://example.com/ next=https://example.com/page/3/ [P3P2]"
    );
    assert!(output(&built, "page/3/index.html").ends_with("[P1]"));
    assert!(!has_output(&built, "page/4/index.html"));
}

#[test]
fn first_pager_url_redirects_to_the_listing() {
    let built = five_posts().build();
    let redirect = output(&built, "blog/page/1/index.html");
    assert!(
        redirect.contains("url=https://example.com/blog/"),
        "{redirect}"
    );
}

#[test]
fn sections_and_tags_are_paginated() {
    let built = five_posts().build();
    assert!(output(&built, "blog/page/3/index.html").starts_with("3/3"));
    assert!(output(&built, "tags/t/page/2/index.html").contains("[P3P2]"));
}

#[test]
fn section_front_matter_overrides_paginate_by_and_zero_disables() {
    let built = five_posts()
        .file(
            "content/blog/_index.md",
            "---\ntitle: Blog\npaginate_by: 0\n---\n",
        )
        .build();
    assert_eq!(
        output(&built, "blog/index.html"),
        "1/1 first=https://example.com/blog/ last=https://example.com/blog/ prev=- next=- [P5P4P3P2P1]"
    );
    assert!(!has_output(&built, "blog/page/2/index.html"));
}

/// A listing template that reads `section.pages` or `tag.pages` but never
/// `paginator` gets one page: pager pages would each repeat the whole list
/// (a 7,900-post tag once wrote 792 of them, 840 KB each).
#[test]
fn listings_whose_template_does_not_paginate_get_one_page() {
    let all = "[{% for p in section.pages %}{{ p.title }}{% endfor %}]";
    let built = five_posts()
        .file("templates/section.html", all)
        .file(
            "templates/tag.html",
            "[{% for p in tag.pages %}{{ p.title }}{% endfor %}]",
        )
        .build();
    assert_eq!(output(&built, "blog/index.html"), "[P5P4P3P2P1]");
    assert_eq!(output(&built, "tags/t/index.html"), "[P5P4P3P2P1]");
    for pager in [
        "blog/page/2/index.html",
        "blog/page/1/index.html",
        "tags/t/page/2/index.html",
        "tags/t/page/1/index.html",
    ] {
        assert!(!has_output(&built, pager), "{pager} written");
    }
    // The home page's template still pages.
    assert!(has_output(&built, "page/2/index.html"));
}

/// The same at the scale the defect was found: 10,000 posts under one tag
/// whose template lists `tag.pages` write one tag page, not 1,000.
#[test]
fn a_ten_thousand_post_tag_listing_every_page_writes_one_page() {
    let site = Site::with_config(&format!("{CONFIG}[build]\npaginate_by = 10\n"));
    for i in 0..10_000 {
        site.write(
            &format!("content/blog/p{i:05}.md"),
            post(&format!("P{i}"), "2024-01-01", &["all"], "x").as_bytes(),
        );
    }
    let built = site
        .file("templates/tag.html", "{{ tag.pages | length }} pages")
        .build();
    let tag_pages: Vec<&str> = built
        .outputs
        .iter()
        .map(|o| o.path.as_str())
        .filter(|p| p.starts_with("tags/all/") && p.ends_with("index.html"))
        .collect();
    assert_eq!(tag_pages, ["tags/all/index.html"]);
    assert_eq!(output(&built, "tags/all/index.html"), "10000 pages");
}
