//! Syntax highlighting: classes, the generated stylesheet, aliases, and
//! the guards that keep a pathological block from hanging a build.

use crate::support::{CONFIG, Site, has_output, output};

fn code_page(lang: &str, code: &str) -> String {
    let site = Site::new()
        .file(
            "content/p.md",
            &format!("---\ntitle: P\n---\n```{lang}\n{code}\n```\n"),
        )
        .file("templates/page.html", "{{ page.content | safe }}");
    output(&site.build(), "p/index.html")
}

#[test]
fn rust_is_highlighted_with_classes() {
    let html = code_page("rust", "fn main() { let x = 1; }");
    assert!(
        html.contains("<pre class=\"hl-code\" data-lang=\"rust\"><code class=\"language-rust\">"),
        "{html}"
    );
    assert!(
        html.contains("<span class=\"hl-storage hl-type hl-function hl-rust\">fn</span>"),
        "{html}"
    );
    assert!(!html.contains("style="), "inline styles leaked: {html}");
}

#[test]
fn extra_grammars_and_aliases() {
    for (lang, code, expect) in [
        ("toml", "[a]\nb = 1", "hl-toml"),
        ("ts", "let x: number = 1;", "hl-ts"),
        ("dockerfile", "FROM debian", "hl-dockerfile"),
        ("ps1", "Get-ChildItem", "hl-powershell"),
        ("posh", "Get-ChildItem", "hl-powershell"),
        ("console", "ls -la", "hl-shell"),
        ("yml", "a: 1", "hl-yaml"),
        ("js", "const a = 1;", "hl-js"),
    ] {
        let html = code_page(lang, code);
        assert!(
            html.contains(expect),
            "{lang} not highlighted as {expect}: {html}"
        );
    }
}

#[test]
fn unknown_language_is_plain_escaped_code() {
    let html = code_page("klingon", "<b>Qapla'</b> & more");
    assert!(
        html.contains(
            "<code class=\"language-klingon\">&lt;b&gt;Qapla&#39;&lt;/b&gt; &amp; more\n</code>"
        ),
        "{html}"
    );
}

#[test]
fn stylesheet_for_the_chosen_theme() {
    let site = Site::new();
    let css = output(&site.build(), "highlight.css");
    assert!(css.contains(".hl-code"), "{css}");
    assert!(
        css.contains("background-color: #2b303b"),
        "base16-ocean.dark background: {css}"
    );

    let site = Site::with_config(&format!(
        "{CONFIG}[markdown]\nhighlight_theme = \"InspiredGitHub\"\n"
    ));
    let css2 = output(&site.build(), "highlight.css");
    assert_ne!(css, css2);
}

#[test]
fn highlighting_can_be_turned_off() {
    let site = Site::with_config(&format!("{CONFIG}[markdown]\nhighlight = false\n")).file(
        "content/p.md",
        "---\ntitle: P\n---\n```rust\nfn x() {}\n```\n",
    );
    let built = site.build();
    assert!(!has_output(&built, "highlight.css"));
    let html = output(&built, "p/index.html");
    assert!(
        html.contains("<code class=\"language-rust\">fn x() {}\n</code>"),
        "{html}"
    );
    assert!(
        !html.contains("highlight.css"),
        "theme links a stylesheet that is not there"
    );
}

#[test]
fn pathological_block_falls_back_to_plain_quickly() {
    // A minified-style line of nested brackets and quotes: the shape of input that
    // makes backtracking grammar regexes blow up.
    let line: String = "({[\"a\\\"".repeat(2_000);
    let site = Site::new()
        .file(
            "content/p.md",
            &format!("---\ntitle: P\n---\n```js\n{line}\n```\n\n```rust\nfn ok() {{}}\n```\n"),
        )
        .file("templates/page.html", "{{ page.content | safe }}");
    let built = site.build();
    let html = output(&built, "p/index.html");
    assert!(
        html.contains("<code class=\"language-js\">({["),
        "long block not plain"
    );
    assert!(
        html.contains("hl-rust"),
        "the next block is still highlighted"
    );
    assert!(
        built
            .warnings
            .iter()
            .any(|w| w.message.contains("line too long")),
        "no warning about the fallback: {:?}",
        built.warnings
    );
}

#[test]
fn linenos_and_hl_lines_in_zola_and_hugo_spelling() {
    let html = code_page("rust,linenos,hl_lines=2", "fn a() {}\nfn b() {}\nfn c() {}");
    assert!(
        html.contains("<pre class=\"hl-code linenos\" data-lang=\"rust\">"),
        "{html}"
    );
    assert!(
        html.contains("<span class=\"line\" data-line=\"1\">"),
        "{html}"
    );
    assert!(
        html.contains("<span class=\"line hl\" data-line=\"2\">"),
        "{html}"
    );
    assert_eq!(html.matches("<span class=\"line").count(), 3, "{html}");
    let hugo = code_page(
        "go {linenos=table hl_lines=\"1 3\" linenostart=7}",
        "a\nb\nc",
    );
    assert!(
        hugo.contains("<span class=\"line hl\" data-line=\"7\">"),
        "{hugo}"
    );
    assert!(
        hugo.contains("<span class=\"line\" data-line=\"8\">"),
        "{hugo}"
    );
    assert!(
        hugo.contains("<span class=\"line hl\" data-line=\"9\">"),
        "{hugo}"
    );
    // The highlight shortcode says the same thing.
    let site = Site::new()
        .file(
            "content/p.md",
            "---\ntitle: P\n---\n{% highlight(lang=\"rust\", linenos=true, hl_lines=\"1\") %}\nfn a() {}\n{% end %}\n",
        )
        .file("templates/page.html", "{{ page.content | safe }}");
    let html = output(&site.build(), "p/index.html");
    assert!(
        html.contains("<span class=\"line hl\" data-line=\"1\"><span class=\"hl-"),
        "{html}"
    );
}

#[test]
fn a_fence_names_its_file_in_zola_and_hugo_spelling() {
    let zola = code_page("rust,linenos,name=src/main.rs", "fn main() {}");
    assert!(
        zola.starts_with(
            "<figure class=\"code-block\"><figcaption class=\"code-title\">src&#x2F;main.rs</figcaption>\n<pre class=\"hl-code linenos\""
        ) || zola.starts_with(
            "<figure class=\"code-block\"><figcaption class=\"code-title\">src/main.rs</figcaption>\n<pre class=\"hl-code linenos\""
        ),
        "{zola}"
    );
    assert!(zola.trim_end().ends_with("</pre>\n</figure>"), "{zola}");
    let hugo = code_page("go {title=\"main.go\"}", "package main");
    assert!(
        hugo.contains("<figcaption class=\"code-title\">main.go</figcaption>"),
        "{hugo}"
    );
    let plain = code_page("rust", "fn main() {}");
    assert!(!plain.contains("<figure"), "{plain}");
}
