//! Markdown rendering with link rewriting, heading ids, the table of
//! contents and summaries: no panic, well-formed output, unique heading ids.
//!
//! "Well-formed" is checked on html5ever's tokens (the HTML5 tokenizer,
//! not a tree builder, which would silently repair what it is given): in
//! the page and in its summary every element ssg opens is closed, in order,
//! and the tokenizer reports no parse error. The generated Markdown holds
//! raw HTML only as whole balanced snippets, so anything left open was
//! opened by ssg (or pulldown-cmark as ssg drives it), not by the author.

use std::cell::RefCell;
use std::collections::HashSet;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::{
    BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};
use proptest::prelude::*;

use crate::markdown::{MarkdownOptions, PageLinks, Rendered, TocEntry, render};

const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr",
];

#[derive(Default)]
struct Sink {
    /// Open elements, innermost last.
    open: RefCell<Vec<String>>,
    problems: RefCell<Vec<String>>,
    ids: RefCell<Vec<String>>,
    hrefs: RefCell<Vec<String>>,
    text: RefCell<String>,
}

impl TokenSink for Sink {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        match token {
            Token::TagToken(tag) => {
                let name = tag.name.to_string();
                match tag.kind {
                    TagKind::StartTag => {
                        for attr in &tag.attrs {
                            match &*attr.name.local {
                                "id" => self.ids.borrow_mut().push(attr.value.to_string()),
                                "href" => self.hrefs.borrow_mut().push(attr.value.to_string()),
                                _ => {}
                            }
                        }
                        if !VOID.contains(&name.as_str()) {
                            self.open.borrow_mut().push(name);
                        }
                    }
                    TagKind::EndTag => {
                        let top = self.open.borrow_mut().pop();
                        if top.as_deref() != Some(name.as_str()) {
                            self.problems
                                .borrow_mut()
                                .push(format!("</{name}> closes {top:?}"));
                        }
                    }
                }
            }
            // A NUL the author wrote reaches the page as text, which every
            // browser reads as U+FFFD; any other parse error is ssg's.
            Token::CharacterTokens(t) => self.text.borrow_mut().push_str(&t),
            Token::NullCharacterToken => self.text.borrow_mut().push('\0'),
            Token::ParseError(e) if !e.starts_with("Saw \0") => {
                self.problems.borrow_mut().push(e.to_string())
            }
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

/// What html5ever's tokenizer makes of a fragment of ssg's HTML.
pub(super) struct Checked {
    /// Elements closed out of order or left open, and parse errors.
    pub problems: Vec<String>,
    /// Every `id` attribute, in order.
    pub ids: Vec<String>,
    /// Every `href`, in order.
    pub hrefs: Vec<String>,
    /// The text, entities decoded and line breaks as `\n`.
    pub text: String,
}

pub(super) fn check_html(html: &str) -> Checked {
    let tokenizer = Tokenizer::new(Sink::default(), TokenizerOpts::default());
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(html));
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    let sink = &tokenizer.sink;
    let mut problems = sink.problems.take();
    let open = sink.open.take();
    if !open.is_empty() {
        problems.push(format!("left open: {open:?}"));
    }
    Checked {
        problems,
        ids: sink.ids.take(),
        hrefs: sink.hrefs.take(),
        text: sink.text.take(),
    }
}

/// Pieces of Markdown that exercise each rewrite: headings with and
/// without `{#id}`, links to content files and anchors, code fences,
/// footnotes, the `<!-- more -->` and `<!-- toc -->` markers, containers,
/// bare URLs.
fn block() -> impl Strategy<Value = String> {
    let word = "[a-zA-Z0-9éü]{1,8}";
    let inline = prop_oneof![
        word.prop_map(String::from),
        Just("*".to_string()),
        Just("_".to_string()),
        Just("**".to_string()),
        Just("`".to_string()),
        Just("[".to_string()),
        Just("]".to_string()),
        Just("(".to_string()),
        Just(")".to_string()),
        Just("\\".to_string()),
        Just("&amp;".to_string()),
        Just("<".to_string()),
        Just("https://example.com/a_(b)".to_string()),
        Just("www.x.org.".to_string()),
        Just("[x](other.md)".to_string()),
        Just("[x](other.md#part)".to_string()),
        Just("[x](@/blog/other.md)".to_string()),
        Just("[x](missing.md)".to_string()),
        Just("[x](../a/%20b.md)".to_string()),
        Just("[x](#top)".to_string()),
        Just("![i](img.png)".to_string()),
        Just("<x@y.org>".to_string()),
        Just("<https://a.b/c>".to_string()),
        Just("[^1]".to_string()),
        Just("[^n]".to_string()),
        // Raw HTML never first on a line: there it opens a raw HTML block
        // that takes the rest of the line (and what follows) as the author's.
        Just("x <!-- more -->".to_string()),
        Just("x <span class=\"s\">in</span>".to_string()),
        Just("x <br>".to_string()),
        Just("~~del~~".to_string()),
        // Any text but raw HTML, which is the author's to balance.
        "[^<]{0,12}",
    ];
    let line = proptest::collection::vec(inline, 0..8).prop_map(|w| w.join(" "));
    prop_oneof![
        3 => line.clone(),
        2 => ("#{1,6}", line.clone(), proptest::option::of("[a-z0-9-]{0,6}"))
            .prop_map(|(h, text, id)| match id {
                Some(id) => format!("{h} {text} {{#{id}}}"),
                None => format!("{h} {text}"),
            }),
        1 => (line.clone(), "[=-]{1,3}").prop_map(|(t, u)| format!("{t}\n{u}")),
        1 => (
            prop_oneof![
                Just(""), Just("rust"), Just("python"), Just("js"), Just("toml"),
                Just("yaml"), Just("bash"), Just("html"), Just("nope"), Just("rust,linenos"),
            ],
            any::<String>(),
            prop_oneof![Just("```"), Just("~~~"), Just("")],
        )
            .prop_map(|(lang, code, close)| format!("```{lang}\n{code}\n{close}")),
        1 => line.clone().prop_map(|l| format!("> {l}")),
        1 => line.clone().prop_map(|l| format!("- {l}")),
        1 => line.clone().prop_map(|l| format!("1. [ ] {l}")),
        1 => line.clone().prop_map(|l| format!("    {l}")),
        1 => line.clone().prop_map(|l| format!("[^1]: {l}")),
        1 => line.clone().prop_map(|l| format!("[^n]: {l}")),
        1 => Just("<!-- toc -->".to_string()),
        1 => line.prop_map(|l| format!("| a | b |\n|---|---|\n| {l} | x |")),
        1 => Just("<!-- more -->".to_string()),
        1 => Just("---".to_string()),
    ]
}

fn markdown() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        (
            block(),
            prop_oneof![Just("\n"), Just("\n\n"), Just("\n  "), Just("\r\n\r\n")],
        ),
        0..12,
    )
    .prop_map(|blocks| blocks.into_iter().map(|(b, sep)| b + sep).collect())
}

/// Markdown that nests or repeats far past what people write.
fn pathological() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("> "),
        Just("- "),
        Just("1. "),
        Just("  "),
        Just("*"),
        Just("_"),
        Just("["),
        Just("]("),
        Just("`"),
        Just("<"),
        Just("[^1]"),
        Just("\\"),
        Just("# same\n"),
        Just("| a |\n|---|\n"),
        Just("x <!-- more -->"),
    ];
    (proptest::collection::vec(piece, 1..4), 1usize..3_000).prop_map(|(pieces, n)| {
        let unit: String = pieces.concat();
        format!("{}x\n", unit.repeat(n))
    })
}

fn resolve(p: &str) -> Option<String> {
    match p {
        "blog/other.md" => Some("/blog/other/".into()),
        "a/ b.md" => Some("/a/b/".into()),
        _ => None,
    }
}

fn render_page(text: &str, highlight: bool, smart_punctuation: bool) -> Rendered {
    let page = PageLinks {
        source: "blog/post.md",
        path: "/blog/post/",
        resolve: &resolve,
        base_path: "",
        authoring: None,
        pictures: None,
    };
    let opts = MarkdownOptions {
        highlight,
        smart_punctuation,
        math: false,
        math_warn_only: false,
    };
    render(text, opts, &page)
}

fn flatten(toc: &[TocEntry], out: &mut Vec<String>) {
    for entry in toc {
        out.push(entry.id.clone());
        flatten(&entry.children, out);
    }
}

proptest! {
    #![proptest_config(super::config(128))]

    #[test]
    fn any_text_renders(text in any::<String>(), highlight in any::<bool>()) {
        render_page(&text, highlight, false);
    }

    #[test]
    fn a_page_and_its_summary_are_well_formed_with_unique_heading_ids(
        text in markdown(),
        highlight in any::<bool>(),
        smart in any::<bool>(),
    ) {
        let out = render_page(&text, highlight, smart);
        let Checked { problems, ids, hrefs, .. } = check_html(&out.html.text());
        prop_assert!(problems.is_empty(), "{:?}\n--- markdown\n{}\n--- html\n{}", problems, text, out.html);
        if let Some(summary) = &out.summary {
            let problems = check_html(summary).problems;
            prop_assert!(problems.is_empty(), "summary: {:?}\n--- markdown\n{}\n--- summary\n{}", problems, text, summary);
        }

        // Each heading id is on the page once (a footnote the author
        // defined twice is theirs to fix), and the toc lists them in order.
        let unique: HashSet<&String> = out.heading_ids.iter().collect();
        prop_assert_eq!(unique.len(), out.heading_ids.len(), "{:?}", out.heading_ids);
        for id in &out.heading_ids {
            let on_page = ids.iter().filter(|i| *i == id).count();
            prop_assert_eq!(on_page, 1, "id {:?} in {:?}\n{}", id, ids, out.html);
        }
        // Links to content files that exist became their URLs; one to a
        // file that does not stays as written and is reported.
        for href in &hrefs {
            let path = href.split('#').next().unwrap_or_default();
            prop_assert!(!path.ends_with(".md") || path == "missing.md", "href {:?}\n{}", href, out.html);
        }
        if hrefs.iter().any(|h| h == "missing.md") {
            prop_assert!(
                out.broken_content_links.iter().any(|l| l.written == "missing.md"),
                "{:?}",
                out.broken_content_links
            );
        }
        // Every recorded link is on a line of the body.
        let lines = text.split('\n').count();
        for link in out.links.iter().chain(&out.broken_content_links) {
            prop_assert!((1..=lines).contains(&link.line), "{:?} of {} lines", link, lines);
        }
        let mut toc_ids = Vec::new();
        flatten(&out.toc, &mut toc_ids);
        prop_assert_eq!(&toc_ids, &out.heading_ids);
        // A footnote's links back reach its citations, each on the page
        // once; notes are gathered after the text.
        for href in hrefs.iter().filter_map(|h| h.strip_prefix("#fnref-")) {
            let id = format!("fnref-{href}");
            let on_page = ids.iter().filter(|i| **i == id).count();
            prop_assert_eq!(on_page, 1, "{:?} in {:?}\n{}", id, ids, out.html);
        }
        let html = out.html.text();
        if let Some(notes) = html.find("<section class=\"footnotes\"") {
            prop_assert!(!html[notes..].contains("<p>") || html[notes..].contains("footnote-definition"));
            prop_assert!(html.ends_with("</section>\n"), "{}", html);
        }
        prop_assert!(!html.contains("<!-- toc -->") || out.toc.is_empty(), "{}", html);
    }
}

proptest! {
    // Inputs of up to tens of kilobytes: fewer of them.
    #![proptest_config(super::config(32))]

    #[test]
    fn deep_and_repetitive_markdown_renders_well_formed(text in pathological()) {
        // How long these take is `examples/markdown_bench.rs`'s to measure.
        let out = render_page(&text, false, false);
        let problems = check_html(&out.html.text()).problems;
        prop_assert!(problems.is_empty(), "{:?}", &problems[..problems.len().min(3)]);
        if let Some(summary) = &out.summary {
            let problems = check_html(summary).problems;
            prop_assert!(problems.is_empty(), "summary: {:?}", &problems[..problems.len().min(3)]);
        }
    }
}
