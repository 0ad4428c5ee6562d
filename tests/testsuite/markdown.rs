//! Markdown rendering: CommonMark + GFM, heading ids, toc, summaries, links.

use crate::support::{Site, output};

fn render_page(body: &str) -> String {
    let site = Site::new()
        .file("content/blog/p.md", &format!("---\ntitle: P\n---\n{body}"))
        .file(
            "content/blog/other.md",
            "---\ntitle: Other\n---\n## Part two\n",
        )
        .file("content/blog/_index.md", "---\ntitle: The blog\n---\n")
        .file("templates/page.html", "{{ page.content | safe }}");
    output(&site.build(), "blog/p/index.html")
}

#[test]
fn gfm_extensions() {
    let html = render_page(
        "| a | b |\n|---|:-:|\n| 1 | 2 |\n\n~~gone~~\n\n- [x] done\n- [ ] todo\n\nText[^1].\n\n[^1]: The note.\n",
    );
    assert!(
        html.contains("<table>") && html.contains("<td style=\"text-align: center\">2</td>"),
        "{html}"
    );
    assert!(html.contains("<del>gone</del>"));
    assert!(
        html.contains("<input disabled=\"\" type=\"checkbox\" checked=\"\"/>"),
        "{html}"
    );
    assert!(html.contains("class=\"footnote-reference\""));
    assert!(html.contains("class=\"footnote-definition\""));
}

#[test]
fn autolinks_angle_and_bare() {
    let html = render_page("<https://a.example/x> and https://b.example/y.\n");
    assert!(
        html.contains("<a href=\"https://a.example/x\">https://a.example/x</a>"),
        "{html}"
    );
    assert!(
        html.contains("<a href=\"https://b.example/y\">https://b.example/y</a>."),
        "{html}"
    );
}

#[test]
fn raw_html_passes_through() {
    let html = render_page("<div class=\"box\"><b>kept</b></div>\n\nInline <kbd>Ctrl</kbd>.\n");
    assert!(html.contains("<div class=\"box\"><b>kept</b></div>"));
    assert!(html.contains("<kbd>Ctrl</kbd>"));
}

#[test]
fn heading_ids_are_unique_slugs() {
    let html =
        render_page("## Hello World\n\n## Hello World\n\n## Ünïcode Tïtle\n\n## Custom {#mine}\n");
    assert!(html.contains("<h2 id=\"hello-world\">"));
    assert!(html.contains("<h2 id=\"hello-world-1\">"));
    assert!(html.contains("<h2 id=\"unicode-title\">"));
    assert!(html.contains("<h2 id=\"mine\">"));
}

#[test]
fn toc_is_nested() {
    let site = Site::new()
        .file("content/p.md", "---\ntitle: P\n---\n# One\n## One A\n### Deep\n## One B\n# Two\n")
        .file(
            "templates/page.html",
            "{% for h in page.toc %}[{{ h.level }}:{{ h.id }}{% for c in h.children %}({{ c.id }}{% for d in c.children %}<{{ d.title }}>{% endfor %}){% endfor %}]{% endfor %}",
        );
    assert_eq!(
        output(&site.build(), "p/index.html"),
        "[1:one(one-a<Deep>)(one-b)][1:two]"
    );
}

#[test]
fn links_to_content_files_resolve() {
    let html = render_page(
        "[rel](other.md) [at](@/blog/other.md#part-two) [angle](<./other.md>) [section](_index.md) [up](../blog/other.md)\n",
    );
    assert_eq!(html.matches("href=\"/blog/other/\"").count(), 3, "{html}");
    assert!(html.contains("href=\"/blog/other/#part-two\""));
    assert!(html.contains("href=\"/blog/\""));
}

#[test]
fn summary_comes_from_front_matter_then_more_marker_then_first_paragraph() {
    let site = Site::new()
        .file("content/blog/a.md", "---\ntitle: A\ndate: 2024-01-03\nsummary: Given *here*\n---\nBody a.\n")
        .file("content/blog/b.md", "---\ntitle: B\ndate: 2024-01-02\n---\nIntro b.\n\nStill intro.\n\n<!-- more -->\n\nRest of b.\n")
        .file("content/blog/c.md", "---\ntitle: C\ndate: 2024-01-01\n---\n# Heading\n\nFirst of c.\n\nSecond of c.\n")
        .file("templates/section.html", "{% for p in section.pages %}[{{ p.summary | safe }}]{% endfor %}");
    let html = output(&site.build(), "blog/index.html");
    assert!(html.contains("[<p>Given <em>here</em></p>\n]"), "{html}");
    assert!(
        html.contains("Intro b.") && html.contains("Still intro.") && !html.contains("Rest of b."),
        "{html}"
    );
    assert!(html.contains("[<p>First of c.</p>\n]"), "{html}");
}

#[test]
fn word_count_and_reading_time() {
    let words = "word ".repeat(450);
    let site = Site::new()
        .file("content/p.md", &format!("---\ntitle: P\n---\n{words}\n"))
        .file(
            "templates/page.html",
            "{{ page.word_count }} {{ page.reading_time }}",
        );
    assert_eq!(output(&site.build(), "p/index.html"), "450 3");
}

#[test]
fn smart_punctuation_follows_config() {
    let site = Site::with_config(&format!(
        "{}[markdown]\nsmart_punctuation = true\n",
        crate::support::CONFIG
    ))
    .file(
        "content/p.md",
        "---\ntitle: P\n---\n\"Quoted\" -- dash...\n",
    )
    .file("templates/page.html", "{{ page.content | safe }}");
    let html = output(&site.build(), "p/index.html");
    assert!(html.contains("“Quoted” – dash…"), "{html}");
}

mod math {
    use crate::support::{CONFIG, Site, output};

    fn site(config_extra: &str, page: &str) -> Site {
        Site::with_config(&format!("{CONFIG}{config_extra}"))
            .file("templates/page.html", "{{ page.content | safe }}")
            .file("content/p.md", page)
    }

    #[test]
    fn off_unless_the_config_or_the_page_turns_it_on() {
        let body = "---\ntitle: P\n---\nCosts $5 and $6.\n";
        let html = output(&site("", body).build(), "p/index.html");
        assert_eq!(html, "<p>Costs $5 and $6.</p>\n");
        let on = "---\ntitle: P\nmath: true\n---\nInline $x^2$ and\n\n$$\\frac{a}{b}$$\n";
        let html = output(&site("", on).build(), "p/index.html");
        assert!(html.contains("<math"), "{html}");
        assert!(html.contains("<msup>"), "{html}");
        assert!(html.contains("display=\"block\""), "{html}");
        assert!(html.contains("<mfrac>"), "{html}");
        let site_wide = "---\ntitle: P\n---\n$e^{i\\pi}$\n";
        let html = output(
            &site("[markdown]\nmath = true\n", site_wide).build(),
            "p/index.html",
        );
        assert!(html.contains("<math"), "{html}");
        let page_off = "---\ntitle: P\nmath: false\n---\nCosts $5 and $6.\n";
        let html = output(
            &site("[markdown]\nmath = true\n", page_off).build(),
            "p/index.html",
        );
        assert_eq!(html, "<p>Costs $5 and $6.</p>\n");
    }

    #[test]
    fn invalid_tex_is_an_error_with_its_line_or_by_config_a_warning() {
        let body = "---\ntitle: P\nmath: true\n---\nfine $x$\n\nbad $\\notacommand x$\n";
        let err = site("", body)
            .try_build()
            .err()
            .expect("invalid TeX")
            .to_string();
        assert!(
            err.contains("content/p.md:7: invalid TeX `\\notacommand x`"),
            "{err}"
        );
        let built = site("[markdown]\nmath_errors = \"warn\"\n", body).build();
        let html = output(&built, "p/index.html");
        assert!(html.contains("bad <code>\\notacommand x</code>"), "{html}");
        let warnings: Vec<String> = built.warnings.iter().map(|w| w.to_string()).collect();
        assert!(
            warnings
                .iter()
                .any(|w| w.contains("content/p.md:7: invalid TeX")),
            "{warnings:?}"
        );
    }
}

/// A post whose notes are written under a heading mid-page, as writers
/// moving from Hugo or Jekyll have them: the default theme shows the text
/// whole, then the notes in the order cited, each linking back.
#[test]
fn footnotes_are_gathered_after_the_text_in_the_order_cited() {
    let site = Site::new().file(
        "content/blog/notes.md",
        "---\ntitle: Notes\n---\nFirst claim[^src] and second[^aside].\n\n\
         ## Sources\n\n[^aside]: An aside.\n[^src]: The source.\n\n\
         ## Closing\n\nThe last words.\n",
    );
    let page = output(&site.build(), "blog/notes/index.html");
    let at = |text: &str| {
        page.find(text)
            .unwrap_or_else(|| panic!("{text} in {page}"))
    };
    assert!(
        at("The last words") < at("<section class=\"footnotes\""),
        "{page}"
    );
    assert!(at("The source.") < at("An aside."), "{page}");
    assert!(
        at("<section class=\"footnotes\"") < at("</article>"),
        "{page}"
    );
    assert!(page.contains("href=\"#src\">1</a>"), "{page}");
    assert!(page.contains("href=\"#fnref-aside\""), "{page}");
}

/// `<!-- toc -->` where the author wants the table of contents, written or
/// from a shortcode (tabi's `toc()`, which Zola themes replace the same
/// way): the list is put there, and the default theme shows no second one.
#[test]
fn a_toc_marker_places_the_table_of_contents_in_the_body() {
    let site = Site::new()
        .file("templates/shortcodes/toc.html", "<!-- toc -->")
        .file(
            "content/written.md",
            "---\ntitle: W\n---\nIntro.\n\n<!-- toc -->\n\n## A & B\n\n### Deep\n\n## C\n",
        )
        .file(
            "content/called.md",
            "---\ntitle: C\n---\nIntro.\n\n{{ toc() }}\n\n## One\n\n## Two\n",
        )
        .file("content/plain.md", "---\ntitle: P\n---\n## One\n\n## Two\n");
    let built = site.build();
    let written = output(&built, "written/index.html");
    let toc = "<nav class=\"toc\" aria-label=\"Contents\"><ol><li><a href=\"#a-b\">A &amp; B</a><ol><li><a href=\"#deep\">Deep</a></li></ol></li><li><a href=\"#c\">C</a></li></ol></nav>";
    assert!(
        written.contains(&format!("<p>Intro.</p>\n{toc}")),
        "{written}"
    );
    assert!(!written.contains("<details class=\"toc\">"), "{written}");
    let called = output(&built, "called/index.html");
    assert!(
        called.contains("<p>Intro.</p>\n<nav class=\"toc\" aria-label=\"Contents\"><ol><li><a href=\"#one\">One</a></li>"),
        "{called}"
    );
    assert!(!called.contains("<!-- toc -->"), "{called}");
    let plain = output(&built, "plain/index.html");
    assert!(plain.contains("<details class=\"toc\">"), "{plain}");
}
