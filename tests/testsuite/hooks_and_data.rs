//! Render hooks and data files as a writer meets them: a site's
//! `templates/hooks/*.html` replacing how links, images, headings and code
//! blocks render, `data/` read by templates, and their errors.

use crate::support::{Site, output};

#[test]
fn each_hook_replaces_its_rendering_with_what_markdown_knows() {
    let site = Site::new()
        .file(
            "templates/hooks/link.html",
            "<a class=\"hooked\" href=\"{{ url }}\"{% if title %} title=\"{{ title }}\"{% endif %}>{{ text | safe }}</a>",
        )
        .file(
            "templates/hooks/image.html",
            "<img src=\"{{ url }}\" alt=\"{{ alt }}\" data-title=\"{{ title }}\">",
        )
        .file(
            "templates/hooks/heading.html",
            "<h{{ level }} id=\"{{ id }}\"><a href=\"#{{ id }}\">{{ text | safe }}</a></h{{ level }}>",
        )
        .file(
            "templates/hooks/codeblock.html",
            "<pre data-lang=\"{{ lang }}\" data-lines=\"{{ attributes.hl_lines | default(value='') }}\"><code>{{ code }}</code></pre>",
        )
        .file("content/other.md", "---\ntitle: Other\n---\n")
        .file(
            "content/p.md",
            "---\ntitle: P\n---\n## Hello *there*\n\nSee [the **other**](other.md \"T\") and <me@example.com>.\n\n![a *cat*](/cat.png \"Cat\")\n\n```rust,hl_lines=2\nlet x = 1 < 2;\n```\n",
        );
    let html = output(&site.build(), "p/index.html");
    for part in [
        "<h2 id=\"hello-there\"><a href=\"#hello-there\">Hello <em>there</em></a></h2>",
        "<a class=\"hooked\" href=\"/other/\" title=\"T\">the <strong>other</strong></a>",
        "<a class=\"hooked\" href=\"mailto:me@example.com\">me@example.com</a>",
        "<img src=\"/cat.png\" alt=\"a cat\" data-title=\"Cat\">",
        "<pre data-lang=\"rust\" data-lines=\"2\"><code>let x = 1 &lt; 2;\n</code></pre>",
    ] {
        assert!(html.contains(part), "missing {part}:\n{html}");
    }
}

#[test]
fn a_codeblock_hook_handles_one_language_and_passes_the_rest_on_highlighted() {
    let site = Site::new()
        .file(
            "templates/hooks/codeblock.html",
            "{% if lang == \"mermaid\" %}<pre class=\"mermaid\">{{ code }}</pre>{% else %}{{ highlighted | safe }}{% endif %}",
        )
        .file(
            "content/p.md",
            "---\ntitle: P\n---\n```mermaid\ngraph TD; A-->B\n```\n\n```rust,linenos,name=main.rs\nfn main() {}\n```\n",
        )
        .file("templates/page.html", "{{ page.content | safe }}");
    let html = output(&site.build(), "p/index.html");
    assert!(
        html.contains("<pre class=\"mermaid\">graph TD; A--&gt;B\n</pre>"),
        "{html}"
    );
    assert!(
        html.contains("<figcaption class=\"code-title\">main.rs</figcaption>\n<pre class=\"hl-code linenos\" data-lang=\"rust\">"),
        "{html}"
    );
    assert!(html.contains("<span class=\"hl-"), "{html}");
}

#[test]
fn a_failing_hook_names_the_content_line() {
    let site = Site::new()
        .file("templates/hooks/image.html", "{{ nope.nothing }}")
        .file("content/p.md", "---\ntitle: P\n---\ntext\n\n![x](/x.png)\n");
    let err = site.try_build().err().expect("hook error").to_string();
    assert!(err.contains("content/p.md:6: render hook `image`"), "{err}");
}

#[test]
fn templates_read_data_files_by_path() {
    let site = Site::new()
        .file("data/team.toml", "[[people]]\nname = \"Ada\"\n[[people]]\nname = \"Grace\"\n")
        .file("data/links/social.json", "{\"mastodon\": \"https://example.social/@me\"}")
        .file("data/prices.csv", "item,price\ntea,3\n")
        .file(
            "templates/page.html",
            "{% for p in data.team.people %}{{ p.name }};{% endfor %}{{ data.links.social.mastodon }};{{ data.prices.records[0][1] }}",
        )
        .file("content/p.md", "---\ntitle: P\n---\n");
    assert_eq!(
        output(&site.build(), "p/index.html"),
        "Ada;Grace;https://example.social/@me;3"
    );
}

#[test]
fn a_data_file_that_does_not_parse_names_its_line() {
    let site = Site::new()
        .file("data/team.yaml", "lead: Ada\npeople: [a,\n")
        .file("content/p.md", "---\ntitle: P\n---\n");
    let err = site.try_build().err().expect("bad data").to_string();
    assert!(err.contains("data/team.yaml:3: invalid yaml data"), "{err}");
}
