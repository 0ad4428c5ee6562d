//! Pagination of the home page, sections and tag pages.

use crate::harness::{CONFIG, Site, has_output, output, post};

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
