//! Templates: the context, overriding the theme by file name, `extends`
//! across site and theme, and the helper filters.

use crate::support::{Site, output};

#[test]
fn site_template_overrides_the_theme_and_extends_its_base() {
    let site = Site::new()
        .file("content/p.md", "---\ntitle: Mine\n---\n")
        .file(
            "templates/page.html",
            "{% extends \"base.html\" %}{% block content %}<p id=\"mine\">{{ page.title }}</p>{% endblock content %}",
        );
    let html = output(&site.build(), "p/index.html");
    assert!(html.contains("<p id=\"mine\">Mine</p>"), "{html}");
    assert!(
        html.contains("class=\"site-header\""),
        "theme base.html not used: {html}"
    );
}

#[test]
fn theme_folder_on_disk_is_used() {
    let site = Site::with_config("title = \"T\"\ntheme = \"plain\"\n")
        .file("themes/plain/templates/page.html", "plain:{{ page.title }}")
        .file("themes/plain/templates/index.html", "home")
        .file("themes/plain/templates/section.html", "section")
        .file("themes/plain/templates/404.html", "404")
        .file("themes/plain/static/plain.css", "body{}")
        .file("static/site.css", "x{}")
        .file("content/p.md", "---\ntitle: P\n---\n");
    let built = site.build();
    assert_eq!(output(&built, "p/index.html"), "plain:P");
    assert_eq!(output(&built, "plain.css"), "body{}");
    assert_eq!(output(&built, "site.css"), "x{}");
}

#[test]
fn site_static_wins_over_theme_static() {
    let site = Site::new().file("static/style.css", "mine{}");
    assert_eq!(output(&site.build(), "style.css"), "mine{}");
}

#[test]
fn context_variables() {
    let site = Site::with_config(
        "title = \"T & co\"\nbase_url = \"https://ex.org/\"\ndescription = \"D\"\ntheme = \"default\"\n[extra]\nanswer = 42\n",
    )
    .file("content/blog/p.md", "---\ntitle: P\ndate: 2024-06-09\nupdated: 2024-07-01\n---\n")
    .file(
        "templates/page.html",
        "{{ config.title }}|{{ config.base_url }}|{{ config.description }}|{{ config.extra.answer }}|{{ current_path }}|{{ current_url }}|{{ page.path }}|{{ page.permalink }}|{{ page.slug }}|{{ page.section }}|{{ page.date }}|{{ page.updated }}",
    );
    assert_eq!(
        output(&site.build(), "blog/p/index.html"),
        "T &amp; co|https://ex.org|D|42|/blog/p/|https://ex.org/blog/p/|/blog/p/|https://ex.org/blog/p/|p|/blog/|2024-06-09|2024-07-01"
    );
}

#[test]
fn date_filter_and_get_url() {
    let site = Site::new()
        .file("content/p.md", "---\ntitle: P\ndate: 2024-06-09\n---\n")
        .file(
            "templates/page.html",
            "{{ page.date | date(format=\"%d %B %Y\") }} {{ get_url(path=\"/a.css\") }} {{ \"Héllo Wörld\" | slugify }}",
        );
    assert_eq!(
        output(&site.build(), "p/index.html"),
        "09 June 2024 https://example.com/a.css hello-world"
    );
}

#[test]
fn earlier_and_later_are_neighbours_in_the_section() {
    let site = Site::new()
        .file("content/blog/one.md", "---\ntitle: One\ndate: 2024-01-01\n---\n")
        .file("content/blog/two.md", "---\ntitle: Two\ndate: 2024-01-02\n---\n")
        .file("content/blog/three.md", "---\ntitle: Three\ndate: 2024-01-03\n---\n")
        .file("content/notes/n.md", "---\ntitle: Other section\ndate: 2024-01-04\n---\n")
        .file(
            "templates/page.html",
            "{% if page.earlier %}{{ page.earlier.title }}{% else %}-{% endif %}<{{ page.title }}>{% if page.later %}{{ page.later.title }}{% else %}-{% endif %}",
        );
    let built = site.build();
    assert_eq!(output(&built, "blog/one/index.html"), "-<One>Two");
    assert_eq!(output(&built, "blog/two/index.html"), "One<Two>Three");
    assert_eq!(output(&built, "blog/three/index.html"), "Two<Three>-");
}

#[test]
fn without_a_theme_missing_templates_are_named() {
    let site = Site::with_config("title = \"T\"\n").file("content/p.md", "---\ntitle: P\n---\n");
    let err = site
        .try_build()
        .err()
        .expect("no templates at all must fail");
    let text = err.to_string();
    assert!(text.contains("template \"page.html\" not found"), "{text}");
    assert!(text.contains("content/p.md"), "{text}");
}

#[test]
fn autoescaping_covers_every_special_character_in_html_and_xml() {
    let site = Site::new()
        .file(
            "content/blog/p.md",
            "---\ntitle: \"Tom & 'Jerry' <b>\\\"x\\\"</b>\"\ndate: 2024-06-09\n---\nA < b & \"c\" 'd'\n",
        )
        .file(
            "templates/page.html",
            "[{{ page.title }}]|[{{ page.title | safe }}]|<a title='{{ page.title }}'>",
        );
    let built = site.build();
    assert_eq!(
        output(&built, "blog/p/index.html"),
        "[Tom &amp; &#39;Jerry&#39; &lt;b&gt;&quot;x&quot;&lt;/b&gt;]|[Tom & 'Jerry' <b>\"x\"</b>]|<a title='Tom &amp; &#39;Jerry&#39; &lt;b&gt;&quot;x&quot;&lt;/b&gt;'>"
    );
    // The feed carries the rendered body as escaped text: an XML parser
    // reads back exactly the HTML the page shows.
    let feed = output(&built, "atom.xml");
    let doc = roxmltree::Document::parse(&feed).expect("feed is XML");
    let content = doc
        .descendants()
        .find(|n| n.has_tag_name("content"))
        .and_then(|n| n.text())
        .unwrap_or_default();
    assert_eq!(content, "<p>A &lt; b &amp; \"c\" 'd'</p>\n", "{feed}");
}

#[test]
fn asset_url_names_stylesheets_by_their_bytes_and_follows_an_edit() {
    let site = Site::new()
        .file("static/css/site.css", "a { color: red }")
        .file("static/photo.png", "png")
        .file("content/p.md", "---\ntitle: P\n---\n")
        .file(
            "templates/page.html",
            "{{ asset_url(path='/css/site.css') }} {{ asset_url(path='style.css') }} {{ asset_url(path='photo.png') }}",
        );
    site.run(&["build"]).success();
    let page = site.read("public/p/index.html");
    let urls: Vec<&str> = page.split(' ').collect();
    let site_css = urls[0].strip_prefix("https://example.com/").unwrap();
    assert!(
        site_css.starts_with("css/site.") && site_css.ends_with(".css"),
        "{page}"
    );
    assert_eq!(site.read(&format!("public/{site_css}")), "a { color: red }");
    assert!(site.exists("public/css/site.css"), "the plain name stays");
    let theme_css = urls[1].strip_prefix("https://example.com/").unwrap();
    assert_ne!(theme_css, "style.css", "{page}");
    assert!(site.exists(&format!("public/{theme_css}")));
    assert_eq!(urls[2], "https://example.com/photo.png");

    site.write("static/css/site.css", b"a { color: blue }");
    site.run(&["build"]).success();
    let edited = site.read("public/p/index.html");
    let new_css = edited
        .split(' ')
        .next()
        .unwrap()
        .strip_prefix("https://example.com/")
        .unwrap();
    assert_ne!(new_css, site_css, "a new stylesheet is a new URL");
    assert_eq!(site.read(&format!("public/{new_css}")), "a { color: blue }");
    assert!(
        !site.exists(&format!("public/{site_css}")),
        "the old copy is gone"
    );
}

/// Hugo's `range` and Zola's Tera 1 both walk a map in key order; a hash
/// map's order would differ from one process to the next, so the same
/// site would build to other bytes and publish would re-upload it.
#[test]
fn a_loop_over_a_map_walks_it_in_key_order_every_build() {
    let keys = [
        "delta", "alpha", "kilo", "echo", "bravo", "juliet", "charlie", "golf", "hotel", "foxtrot",
    ];
    let extra: String = keys.iter().map(|k| format!("{k} = 1\n")).collect();
    let data: String = keys.iter().map(|k| format!("{k}: 1\n")).collect();
    let site = Site::new()
        .file("content/p.md", &format!("+++\ntitle = \"P\"\n[extra]\n{extra}+++\n"))
        .file("data/team.yaml", &data)
        .file(
            "templates/page.html",
            "{% for k, v in page.extra %}{{ k }} {% endfor %}|{% for k, v in data.team %}{{ k }} {% endfor %}",
        );
    let mut sorted = keys.to_vec();
    sorted.sort_unstable();
    let walk = format!("{} ", sorted.join(" "));
    let expected = format!("{walk}|{walk}");
    for _ in 0..3 {
        assert_eq!(output(&site.build(), "p/index.html"), expected);
    }
}
