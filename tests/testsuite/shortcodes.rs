//! Shortcodes as a writer meets them: a site's own (HTML and Markdown), a
//! theme's, the built-in ones, calls inside code left alone, the escape,
//! and every bad call named by file and line with the old site kept.

use crate::support::{Site, output, snapshot};

fn page(body: &str) -> String {
    format!("---\ntitle: Post\ndate: 2024-05-01\nextra:\n  mood: sunny\n---\n{body}\n")
}

#[test]
fn a_site_shortcode_gets_its_arguments_page_config_and_data() {
    let site = Site::new()
        .file(
            "templates/shortcodes/card.html",
            "<div class=\"card\" data-n=\"{{ n }}\" data-ok=\"{{ ok }}\">{{ name }}|{{ list | join(sep=\"+\") }}|{{ page.title }}|{{ page.extra.mood }}|{{ config.title }}|{{ data.team.lead }}|{{ nth }}</div>",
        )
        .file("data/team.toml", "lead = \"Ada\"\n")
        .file(
            "content/p.md",
            &page("Intro.\n\n{{ card(name=\"x<y\", n=3, ok=true, list=[1, 'two']) }}\n\nText {{ card(name='b', n=-1.5, ok=false, list=[]) }} inline."),
        );
    let html = output(&site.build(), "p/index.html");
    assert!(
        html.contains("<div class=\"card\" data-n=\"3\" data-ok=\"true\">x&lt;y|1+two|Post|sunny|Test site|Ada|1</div>"),
        "{html}"
    );
    // Alone in its paragraph, the HTML is a block of its own, not inside <p>.
    assert!(!html.contains("<p><div class=\"card\""), "{html}");
    assert!(
        html.contains("<p>Text <div class=\"card\" data-n=\"-1.5\" data-ok=\"false\">b||Post|sunny|Test site|Ada|2</div> inline.</p>"),
        "{html}"
    );
}

#[test]
fn a_markdown_shortcode_is_rendered_with_the_page() {
    let site = Site::new()
        .file(
            "templates/shortcodes/see.md",
            "**See** [{{ what }}]({{ file }})",
        )
        .file("content/other.md", "---\ntitle: Other\n---\n")
        .file(
            "content/p.md",
            &page("{{ see(what=\"the other\", file=\"other.md\") }}"),
        );
    let html = output(&site.build(), "p/index.html");
    assert!(
        html.contains("<p><strong>See</strong> <a href=\"/other/\">the other</a></p>"),
        "{html}"
    );
}

#[test]
fn bodies_nest_and_reach_the_template_as_body() {
    let site = Site::new()
        .file(
            "templates/shortcodes/box.html",
            "<section class=\"{{ kind }}\">{{ body | markdown | safe }}</section>",
        )
        .file("templates/shortcodes/em.html", "<em>{{ word }}</em>")
        .file(
            "content/p.md",
            &page("{% box(kind=\"outer\") %}\nSome *text* and {{ em(word=\"inner\") }}.\n{% end %}\n\nAfter."),
        );
    let html = output(&site.build(), "p/index.html");
    assert!(
        html.contains(
            "<section class=\"outer\"><p>Some <em>text</em> and <em>inner</em>.</p>\n</section>"
        ),
        "{html}"
    );
    assert!(html.contains("<p>After.</p>"), "{html}");
}

#[test]
fn calls_in_code_and_escaped_calls_are_shown_as_written() {
    let site = Site::new().file(
        "content/p.md",
        &page("Inline `{{ youtube(id=\"a\") }}` code.\n\n```\n{{ youtube(id=\"b\") }}\n{% note() %}x{% end %}\n```\n\nWrite {{/* youtube(id=\"c\") */}} to embed.\n\nProse about {{ page.title }} stays."),
    );
    let html = output(&site.build(), "p/index.html");
    assert!(!html.contains("<iframe"), "{html}");
    assert!(
        html.contains("<code>{{ youtube(id=\"a\") }}</code>"),
        "{html}"
    );
    assert!(html.contains("{{ youtube(id=&quot;b&quot;) }}"), "{html}");
    assert!(
        html.contains("Write {{ youtube(id=\"c\") }} to embed."),
        "{html}"
    );
    assert!(
        html.contains("Prose about {{ page.title }} stays."),
        "{html}"
    );
}

#[test]
fn built_in_shortcodes_render_and_a_site_file_replaces_one() {
    let site = Site::new().file(
        "content/p.md",
        &page(concat!(
            "{{ youtube(id=\"dQw4w9WgXcQ\") }}\n\n",
            "{{ vimeo(id=\"76979871\") }}\n\n",
            "{{ figure(src=\"/a.png\", caption=\"A & B\", link=\"/big.png\") }}\n\n",
            "{{ gist(url=\"https://gist.github.com/u/abc\", file=\"x.rs\") }}\n\n",
            "{% note(title=\"Tip\") %}\nSee [home](/) and `code`.\n{% end %}\n\n",
            "{% warning() %}\nCareful.\n{% end %}\n\n",
            "{% highlight(lang=\"rust\") %}\nfn main() {}\n{% end %}\n",
        )),
    );
    let html = output(&site.build(), "p/index.html");
    for part in [
        "src=\"https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ\"",
        "src=\"https://player.vimeo.com/video/76979871?dnt=1\"",
        "<figure><a href=\"/big.png\"><img src=\"/a.png\" alt=\"A &amp; B\" loading=\"lazy\"></a><figcaption>A &amp; B</figcaption></figure>",
        "<script src=\"https://gist.github.com/u/abc.js?file=x.rs\"></script>",
        "<aside class=\"callout callout-note\" role=\"note\"><p class=\"callout-title\">Tip</p>",
        "<p>See <a href=\"/\">home</a> and <code>code</code>.</p>",
        "<aside class=\"callout callout-warning\" role=\"note\">",
        "<span class=\"hl-",
    ] {
        assert!(html.contains(part), "missing {part}:\n{html}");
    }
    let site = site.file(
        "templates/shortcodes/youtube.html",
        "<a class=\"yt\" href=\"https://youtu.be/{{ id }}\">video</a>",
    );
    let html = output(&site.build(), "p/index.html");
    assert!(
        html.contains("<a class=\"yt\" href=\"https://youtu.be/dQw4w9WgXcQ\">video</a>"),
        "{html}"
    );
}

#[test]
fn a_theme_shortcode_is_used_and_the_site_one_wins() {
    let site = Site::with_config("title = \"T\"\ntheme = \"t\"\n")
        .file("themes/t/templates/page.html", "{{ page.content | safe }}")
        .file("themes/t/templates/index.html", "")
        .file("themes/t/templates/section.html", "")
        .file("themes/t/templates/404.html", "")
        .file("themes/t/templates/shortcodes/hi.html", "theme-hi")
        .file("themes/t/templates/shortcodes/bye.html", "theme-bye")
        .file("templates/shortcodes/bye.html", "site-bye")
        .file("content/p.md", &page("{{ hi() }} {{ bye() }}"));
    assert_eq!(
        output(&site.build(), "p/index.html"),
        "<p>theme-hi site-bye</p>\n"
    );
}

#[test]
fn bad_calls_are_errors_with_file_and_line() {
    let cases = [
        (
            "a\n\n{{ nope() }}\n",
            "content/p.md:9:",
            "unknown shortcode `nope`",
        ),
        (
            "a\n\nb\n{% note() %}\nnever ended\n",
            "content/p.md:10:",
            "no `{% end %}`",
        ),
        (
            "{{ youtube(id=) }}\n",
            "content/p.md:7:",
            "expected a value",
        ),
        (
            "x\n{{ youtube(title=\"no id\") }}\n",
            "content/p.md:8:",
            "shortcode `youtube`",
        ),
    ];
    for (body, place, message) in cases {
        let site = Site::new().file("content/p.md", &page(body));
        let err = site.try_build().err().expect(body).to_string();
        assert!(err.contains(place), "{body:?}: {err}");
        assert!(err.contains(message), "{body:?}: {err}");
    }
}

#[test]
fn a_bad_call_keeps_the_previous_site() {
    let site = Site::new().file("content/p.md", &page("{{ youtube(id=\"a\") }}"));
    site.run(&["build"]).success();
    let before = snapshot(&site.root().join("public"));
    site.write("content/p.md", page("\n{{ youtub(id=\"a\") }}").as_bytes());
    let run = site.run(&["build"]);
    run.failure();
    assert!(
        run.stderr
            .contains("content/p.md:8: unknown shortcode `youtub`"),
        "{}",
        run.stderr
    );
    assert_eq!(snapshot(&site.root().join("public")), before);
}

#[test]
fn a_warm_build_sees_a_changed_shortcode_template_and_data_file() {
    let site = Site::new()
        .file(
            "templates/shortcodes/lead.html",
            "lead={{ data.team.lead }}",
        )
        .file("data/team.yaml", "lead: Ada\n")
        .file("content/p.md", &page("{{ lead() }}"))
        .file("content/q.md", &page("No calls."));
    site.run(&["build"]).success();
    assert!(site.read("public/p/index.html").contains("lead=Ada"));
    site.write("data/team.yaml", b"lead: Grace\n");
    site.run(&["build"]).success();
    assert!(site.read("public/p/index.html").contains("lead=Grace"));
    site.write(
        "templates/shortcodes/lead.html",
        b"chief={{ data.team.lead }}",
    );
    site.run(&["build"]).success();
    assert!(site.read("public/p/index.html").contains("chief=Grace"));
}

#[test]
fn a_shortcode_in_a_heading_shows_its_text_in_the_table_of_contents() {
    let site = Site::new()
        .file("templates/shortcodes/ver.html", "<code>v{{ n }}</code>")
        .file(
            "templates/page.html",
            "{% for h in page.toc %}[{{ h.id }}|{{ h.title }}]{% endfor %}{{ page.content | safe }}",
        )
        .file("content/p.md", &page("## Release {{ ver(n=2) }} notes\n"));
    let html = output(&site.build(), "p/index.html");
    assert!(
        html.starts_with("[release-v2-notes|Release v2 notes]"),
        "{html}"
    );
    assert!(
        html.contains("<h2 id=\"release-v2-notes\">Release <code>v2</code> notes</h2>"),
        "{html}"
    );
}

/// CommonMark reads `<div>` up to the next blank line as one HTML block;
/// a shortcode called inside it is still expanded, as in Zola.
#[test]
fn a_shortcode_inside_an_html_block_is_expanded() {
    let site = Site::new()
        .file("templates/shortcodes/badge.html", "<span class=\"badge\">{{ text }}</span>")
        .file(
            "content/p.md",
            &page("<div class=\"box\">\n{{ badge(text=\"new\") }} and <em>{{ badge(text=\"hot\") }}</em>\n</div>\n\nAfter."),
        );
    let html = output(&site.build(), "p/index.html");
    assert!(
        html.contains("<div class=\"box\">\n<span class=\"badge\">new</span> and <em><span class=\"badge\">hot</span></em>\n</div>"),
        "{html}"
    );
    assert!(!html.contains("ssgsc"), "{html}");
}
