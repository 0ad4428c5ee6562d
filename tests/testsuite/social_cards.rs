//! Link previews: the default theme's `og:image` and `twitter:card`, from
//! front matter `image` or else the page's first image.

use crate::support::{Site, output};

fn meta(html: &str, key: &str) -> Option<String> {
    let attribute = format!("=\"{key}\" content=\"");
    let value = &html[html.find(&attribute)? + attribute.len()..];
    Some(value[..value.find('"')?].replace("&#x2F;", "/"))
}

#[test]
fn the_card_image_is_the_front_matter_image_or_the_first_image() {
    let site = Site::new()
        .file(
            "content/blog/named.md",
            "---\ntitle: Named\nimage: cover.jpg\n---\n![inline](other.png)\n",
        )
        .file(
            "content/blog/first/index.md",
            "---\ntitle: First\n---\nText.\n\n![a chart](chart.png)\n\n![later](later.png)\n",
        )
        .file("content/blog/first/chart.png", "png")
        .file(
            "content/blog/plain.md",
            "---\ntitle: Plain\n---\nNo pictures.\n",
        )
        .file(
            "content/blog/remote.md",
            "---\ntitle: Remote\nimage: https://cdn.example.net/card.png\n---\nx\n",
        );
    let built = site.build();
    let named = output(&built, "blog/named/index.html");
    assert_eq!(
        meta(&named, "og:image").as_deref(),
        Some("https://example.com/blog/named/cover.jpg")
    );
    assert_eq!(
        meta(&named, "twitter:card").as_deref(),
        Some("summary_large_image")
    );
    let first = output(&built, "blog/first/index.html");
    assert_eq!(
        meta(&first, "og:image").as_deref(),
        Some("https://example.com/blog/first/chart.png")
    );
    let remote = output(&built, "blog/remote/index.html");
    assert_eq!(
        meta(&remote, "og:image").as_deref(),
        Some("https://cdn.example.net/card.png")
    );
    let plain = output(&built, "blog/plain/index.html");
    assert_eq!(meta(&plain, "og:image"), None, "{plain}");
    assert_eq!(meta(&plain, "twitter:card").as_deref(), Some("summary"));
}

#[test]
fn templates_read_the_card_image_as_page_image() {
    let site = Site::new()
        .file("content/p.md", "---\ntitle: P\n---\n![x](/img/a.png)\n")
        .file("templates/page.html", "[{{ page.image | safe }}]");
    assert_eq!(
        output(&site.build(), "p/index.html"),
        "[https://example.com/img/a.png]"
    );
}
