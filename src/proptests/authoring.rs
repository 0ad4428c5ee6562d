//! Markdown rendering with a site's shortcodes and all four render hooks
//! (`markdown::render` with an `Authoring`): any body renders without a
//! panic and every error names a line of the body; a body of valid calls
//! renders without error, with each HTML shortcode's output on the page
//! once and no placeholder word left over.

use std::sync::OnceLock;

use proptest::prelude::*;

use crate::authoring::Authoring;
use crate::markdown::{MarkdownOptions, PageLinks, Rendered, render};
use crate::templates::Templates;

/// The site's shortcode and hook templates: HTML and Markdown ones, with
/// and without a body, and one whose template fails.
const TEMPLATES: &[(&str, &str)] = &[
    ("shortcodes/sc.html", "<span class=\"sc\">{{ nth }}</span>"),
    ("shortcodes/md.md", "*md {{ nth }}* {{ page.title }}"),
    (
        "shortcodes/box.html",
        "<div class=\"box\">{{ body | safe }}</div>",
    ),
    ("shortcodes/mdbox.md", "> {{ body }}"),
    ("shortcodes/fail.html", "{{ missing.value }}"),
    (
        "hooks/link.html",
        "<a class=\"hook\" href=\"{{ url }}\">{{ text | safe }}</a>",
    ),
    (
        "hooks/image.html",
        "<img class=\"hook\" src=\"{{ url }}\" alt=\"{{ alt }}\">",
    ),
    (
        "hooks/heading.html",
        "<h{{ level }} id=\"{{ id }}\" class=\"hook\">{{ text | safe }}</h{{ level }}>",
    ),
    (
        "hooks/codeblock.html",
        "<pre class=\"hook\" data-lang=\"{{ lang }}\">{{ code }}</pre>",
    ),
];

struct Site {
    templates: Templates,
    config: tera::Value,
}

/// Loaded once: every case renders with the same templates.
fn site() -> &'static Site {
    static SITE: OnceLock<Site> = OnceLock::new();
    SITE.get_or_init(|| {
        let (templates, config) = crate::templates::from_files(TEMPLATES);
        Site { templates, config }
    })
}

fn render_with_authoring(body: &str, highlight: bool) -> Rendered {
    let site = site();
    let authoring = Authoring {
        templates: &site.templates,
        config: &site.config,
        page: tera::Value::from_serializable(&serde_json::json!({ "title": "Page" })),
    };
    let resolve = |p: &str| (p == "blog/other.md").then(|| "/blog/other/".to_string());
    let page = PageLinks {
        source: "blog/post.md",
        path: "/blog/post/",
        resolve: &resolve,
        base_path: "",
        authoring: Some(&authoring),
        pictures: None,
    };
    let opts = MarkdownOptions {
        highlight,
        ..MarkdownOptions::default()
    };
    render(body, opts, &page)
}

/// Valid and broken calls among the Markdown they meet: code, links,
/// images, headings, lists, quotes.
fn soup() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("{{ sc() }}"),
        Just("{{ md() }}"),
        Just("{% box() %}"),
        Just("{% mdbox(x=1) %}"),
        Just("{% end %}"),
        Just("{{ fail() }}"),
        Just("{{ nope() }}"),
        Just("{{ sc(a=) }}"),
        Just("{{ sc(a=\"x) }}"),
        Just("{{/* sc() */}}"),
        Just("{{"),
        Just("{%"),
        Just("}}"),
        Just("%}"),
        Just("`"),
        Just("```\n"),
        Just("```rust\n"),
        Just("    "),
        Just("\n"),
        Just("\n\n"),
        Just("# "),
        Just("> "),
        Just("- "),
        Just("["),
        Just("]("),
        Just(")"),
        Just("[a](other.md)"),
        Just("![i](x.png)"),
        Just("\\"),
        Just("\""),
        Just("é"),
        Just("日本"),
        Just("ssgsc"),
    ];
    let piece = prop_oneof![5 => piece.prop_map(String::from), 1 => "[^{}]{0,8}"];
    proptest::collection::vec(piece, 0..30).prop_map(|p| p.concat())
}

/// Bodies of valid calls only, in the places Markdown puts text: each
/// `sc` call puts one `<span class="sc">` on the page.
fn valid_body() -> impl Strategy<Value = String> {
    let inline = prop_oneof![
        Just("{{ sc() }}"),
        Just("{{ md() }}"),
        Just("word"),
        Just("é 日本"),
        Just("*{{ sc() }}*"),
        Just("[{{ sc() }} x](other.md)"),
        Just("[x](https://example.com/)"),
        Just("![i {{ md() }}](x.png)"),
        Just("{% box() %}in {{ sc() }}{% end %}"),
        Just("{% mdbox() %}{{ sc() }} *b*{% end %}"),
    ];
    let line = proptest::collection::vec(inline, 1..5).prop_map(|w| w.join(" "));
    let block = prop_oneof![
        3 => line.clone(),
        1 => line.clone().prop_map(|l| format!("## {l}")),
        1 => line.clone().prop_map(|l| format!("- {l}")),
        1 => line.clone().prop_map(|l| format!("> {l}")),
        1 => Just("```rust\nlet x = \"{{ sc() }}\";\n```".to_string()),
        1 => line.prop_map(|l| format!("{{% box() %}}\n\n{l}\n\n{{% end %}}")),
    ];
    proptest::collection::vec(block, 0..8).prop_map(|b| b.join("\n\n"))
}

proptest! {
    #![proptest_config(super::config(256))]

    #[test]
    fn any_body_renders_and_its_errors_are_on_its_lines(
        body in soup(),
        highlight in any::<bool>(),
    ) {
        let out = render_with_authoring(&body, highlight);
        let lines = body.split('\n').count();
        for problem in out.errors.iter().chain(&out.warnings) {
            prop_assert!(
                (1..=lines).contains(&problem.line),
                "{:?} of {} lines:\n{}", problem, lines, body
            );
        }
        for link in out.links.iter().chain(&out.broken_content_links) {
            prop_assert!((1..=lines).contains(&link.line), "{:?}", link);
        }
    }

    #[test]
    fn valid_calls_render_once_each_with_no_placeholder_left(body in valid_body()) {
        let out = render_with_authoring(&body, false);
        prop_assert!(out.errors.is_empty(), "{:?}\n{}", out.errors, body);
        let html = out.html.text();
        prop_assert!(!html.contains("ssgsc"), "a placeholder is left:\n{}\n--- html\n{}", body, html);
        // Calls in code stay as written; every other `sc` call is on the page.
        let code_calls = body.matches("\"{{ sc() }}\"").count();
        let calls = body.matches("{{ sc() }}").count() - code_calls;
        prop_assert_eq!(
            html.matches("<span class=\"sc\">").count(),
            calls,
            "{}\n--- html\n{}", body, html
        );
    }
}

proptest! {
    #![proptest_config(super::config(128))]

    #[test]
    fn a_bad_call_is_reported_on_its_own_line(
        before in valid_body(),
        nested in any::<bool>(),
        gap in 0usize..3,
        bad in prop_oneof![
            Just("{{ nope() }}"),
            Just("{{ fail() }}"),
            Just("{{ sc(a=) }}"),
            Just("{% mdbox() %}{{ fail() }}{% end %}"),
        ],
    ) {
        let gap = "\n".repeat(gap);
        let bad_at = if nested {
            format!("{before}\n\n{{% box() %}}\n{gap}")
        } else {
            format!("{before}\n\n{gap}")
        };
        let body = if nested {
            format!("{bad_at}{bad}\n{{% end %}}\n\nafter")
        } else {
            format!("{bad_at}{bad}\n\nafter")
        };
        let out = render_with_authoring(&body, false);
        let line = crate::error::line_of_offset(&body, bad_at.len());
        prop_assert_eq!(out.errors.len(), 1, "{}", body);
        prop_assert_eq!(out.errors[0].line, line, "{:?}\n{}", out.errors, body);
    }
}
