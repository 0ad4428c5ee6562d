//! Markdown → HTML with pulldown-cmark: shortcodes expanded first, heading
//! ids and a nested table of contents, highlighted code blocks, links to
//! other content files resolved to their URLs, bare-URL autolinks, render
//! hooks, the summary, and every internal link recorded (with its line) for
//! the link checker.

mod footnotes;
mod links;
mod math;
mod pass;
mod toc;

use std::ops::Range;

use pulldown_cmark::{Event, Options, Parser, Tag};
use serde::{Deserialize, Serialize};

use crate::authoring::Authoring;
use crate::authoring::parse::may_have_calls;
use crate::authoring::shortcodes;
use crate::error::line_of_offset;
use pass::Pass;

pub const MORE_MARKER: &str = "<!-- more -->";

#[derive(Debug, Clone, Copy, Default)]
pub struct MarkdownOptions {
    pub highlight: bool,
    pub smart_punctuation: bool,
    /// `$…$` and `$$…$$` rendered as MathML.
    pub math: bool,
    /// Invalid TeX is shown as code with a warning instead of stopping the build.
    pub math_warn_only: bool,
}

impl MarkdownOptions {
    /// The site's options: `[markdown]` of ssg.toml.
    pub fn of(config: &crate::config::Config) -> MarkdownOptions {
        let md = &config.markdown;
        MarkdownOptions {
            highlight: md.highlight,
            smart_punctuation: md.smart_punctuation,
            math: md.math,
            math_warn_only: md.math_errors == crate::config::MathErrors::Warn,
        }
    }

    /// As a page's front matter says: `math: true` or `false` overrides the site.
    pub fn for_page(self, extra: &serde_json::Map<String, serde_json::Value>) -> MarkdownOptions {
        match extra.get("math").and_then(serde_json::Value::as_bool) {
            Some(math) => MarkdownOptions { math, ..self },
            None => self,
        }
    }
}

/// What the renderer needs to know about where the page lives.
pub struct PageLinks<'a> {
    /// Content-relative source path, e.g. `blog/hello.md`.
    pub source: &'a str,
    /// The page's own site path, e.g. `/blog/hello/`, for relative links.
    pub path: &'a str,
    /// Maps a content-relative `.md` path to its site path.
    pub resolve: &'a (dyn Fn(&str) -> Option<String> + Sync),
    /// [`crate::config::Config::base_path`]: written before the site paths
    /// of resolved links, so they work on a site served below a path.
    pub base_path: &'a str,
    /// The site's shortcodes and render hooks, with what they read; `None`
    /// renders plain Markdown.
    pub authoring: Option<&'a Authoring<'a>>,
    /// The resized copies of the local image at a site path, used at a
    /// line of the body; `None` when it is no image ssg resizes (or images
    /// are not processed at all).
    pub pictures: Option<&'a Pictures<'a>>,
}

/// See [`PageLinks::pictures`].
pub type Pictures<'a> = dyn Fn(&str, usize) -> Option<Result<crate::images::Picture, crate::images::Unreadable>>
    + Sync
    + 'a;

/// A heading in the table of contents.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub title: String,
    pub children: Vec<TocEntry>,
}

/// A link to somewhere inside the site, kept for checking.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct InternalLink {
    /// Site path without fragment (`/blog/x/`); empty for `#fragment` links.
    pub path: String,
    pub fragment: Option<String>,
    /// As written by the author.
    pub written: String,
    /// Line within the Markdown body, 1-based.
    pub line: usize,
}

/// A problem found while rendering that does not stop the build.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Warning {
    pub line: usize,
    pub message: String,
}

/// Rendered HTML, held compressed: every page's HTML lives as long as the
/// site does (all of a build, all of a `serve`), and uncompressed it was
/// most of a build's memory (330 MB at 10,000 code-heavy posts, which
/// compress about eightfold). It is decompressed where it is shown: the
/// page's own output, a feed, a listing that reads bodies.
pub type Html = crate::packed::PackedText;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Rendered {
    pub html: Html,
    /// From `<!-- more -->` or else the first paragraph.
    pub summary: Option<String>,
    pub toc: Vec<TocEntry>,
    pub heading_ids: Vec<String>,
    pub word_count: usize,
    /// The `src` of the content's first image, as written in the HTML:
    /// the page's social card when its front matter names no `image`.
    #[serde(default)]
    pub first_image: Option<String>,
    pub links: Vec<InternalLink>,
    /// Links to `.md` files that exist nowhere in `content/`.
    pub broken_content_links: Vec<InternalLink>,
    pub warnings: Vec<Warning>,
    /// Problems that stop the build (a shortcode or render hook that
    /// failed); a render with any is never cached.
    #[serde(skip)]
    pub errors: Vec<Warning>,
    /// The result depends on timing (a block hit the highlighting time
    /// budget), so it must not be cached: another run may highlight it.
    #[serde(skip)]
    pub volatile: bool,
}

pub(crate) fn parser_options(opts: MarkdownOptions) -> Options {
    let mut o = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES;
    if opts.smart_punctuation {
        o |= Options::ENABLE_SMART_PUNCTUATION;
    }
    if opts.math {
        o |= Options::ENABLE_MATH;
    }
    o
}

/// Renders a short Markdown snippet (a front matter `summary`).
pub fn render_inline(text: &str, opts: MarkdownOptions) -> String {
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, Parser::new_ext(text, parser_options(opts)));
    html
}

pub fn render(body: &str, opts: MarkdownOptions, page: &PageLinks) -> Rendered {
    let expanded = match page.authoring {
        Some(authoring) if may_have_calls(body) => {
            match shortcodes::expand(body, &code_ranges(body, opts), authoring) {
                Ok(expanded) => Some(expanded),
                Err(e) => {
                    let mut failed = Rendered::default();
                    failed.errors.push(Warning {
                        line: line_of_offset(body, e.offset),
                        message: e.message,
                    });
                    return failed;
                }
            }
        }
        _ => None,
    };
    let text = expanded.as_ref().map_or(body, |e| e.markdown.as_str());
    let mut pass = Pass::new(text, body, opts, page, expanded.as_ref());
    let events: Vec<_> = Parser::new_ext(text, parser_options(opts))
        .into_offset_iter()
        .collect();
    // Footnote definitions are `id="label"` and citations
    // `id="fnref-label"`, wherever they are: a heading `# 1` before
    // `[^1]: …` must not take the id `1` too.
    for (event, _) in &events {
        if let Event::Start(Tag::FootnoteDefinition(label)) = event {
            pass.reserve_id(label.to_string());
        }
    }
    for id in footnotes::citation_ids(events.iter().map(|(event, _)| event)) {
        pass.reserve_id(id);
    }
    let mut events = events.into_iter().peekable();
    while let Some((event, range)) = events.next() {
        pass.event(event, range.start, &mut events);
    }
    pass.finish()
}

/// The byte ranges of a body's code spans and blocks, where shortcodes are
/// not expanded.
pub fn code_ranges(body: &str, opts: MarkdownOptions) -> Vec<Range<usize>> {
    Parser::new_ext(body, parser_options(opts))
        .into_offset_iter()
        .filter(|(event, _)| matches!(event, Event::Code(_) | Event::Start(Tag::CodeBlock(_))))
        .map(|(_, range)| range)
        .collect()
}

#[cfg(test)]
mod tests {

    use super::*;

    const OPTS: MarkdownOptions = MarkdownOptions {
        highlight: true,
        smart_punctuation: false,
        math: false,
        math_warn_only: false,
    };

    fn render_simple(md: &str) -> Rendered {
        let resolve = |p: &str| match p {
            "blog/other.md" => Some("/blog/other/".to_string()),
            "about.md" => Some("/about/".to_string()),
            _ => None,
        };
        render(
            md,
            OPTS,
            &PageLinks {
                source: "blog/hello.md",
                path: "/blog/hello/",
                resolve: &resolve,
                base_path: "",
                authoring: None,
                pictures: None,
            },
        )
    }

    #[test]
    fn heading_ids_are_unique_and_nested_in_toc() {
        let r = render_simple("# Intro\n\n## Setup\n\n## Setup\n\n### Deep\n\n# Next {#custom}\n");
        assert!(r.html.text().contains("<h2 id=\"setup\">"), "{}", r.html);
        assert!(r.html.text().contains("<h2 id=\"setup-1\">"));
        assert!(r.html.text().contains("<h1 id=\"custom\">"));
        assert_eq!(r.toc.len(), 2);
        assert_eq!(r.toc[0].children.len(), 2);
        assert_eq!(r.toc[0].children[1].children[0].id, "deep");
    }

    /// Found by `proptests::markdown`: the summary stopped inside the
    /// table and left `<table>…<td>` open on every listing showing it.
    #[test]
    fn a_more_marker_inside_a_table_or_list_closes_the_summary() {
        let r = render_simple("| a | b |\n|---|---|\n| <!-- more --> | x |\n");
        let s = r.summary.unwrap();
        assert!(s.ends_with("</td></tr>\n</tbody></table>\n"), "{s}");
        let r = render_simple("- one\n- two <!-- more --> three\n");
        assert_eq!(
            r.summary.unwrap(),
            "<ul>\n<li>one</li>\n<li>two </li>\n</ul>\n"
        );
    }

    /// Found by `proptests::markdown`: a link in a heading kept its `.md`
    /// destination and was never checked.
    #[test]
    fn links_in_headings_are_resolved_and_recorded() {
        let r = render_simple("Intro.\n\n## See [B](other.md#part) and ![i](x.png)\n");
        assert!(
            r.html
                .text()
                .contains("<a href=\"/blog/other/#part\">B</a>"),
            "{}",
            r.html
        );
        let written: Vec<(&str, usize)> = r
            .links
            .iter()
            .map(|l| (l.written.as_str(), l.line))
            .collect();
        assert_eq!(written, [("other.md#part", 3), ("x.png", 3)]);
    }

    /// Found by `proptests::markdown`: 3,000 headings named alike took
    /// seconds, each new id counting up from `-1` again (4.5 million ids
    /// tried); now each tries the base and one suffix.
    #[test]
    fn many_headings_named_alike_get_ids_in_linear_time() {
        let mut ids = toc::UsedIds::default();
        for _ in 0..3_000 {
            ids.unique("same");
        }
        assert_eq!(ids.probes, 1 + 2 * 2_999);
        let r = render_simple(&"# same\n".repeat(3_000));
        assert_eq!(r.heading_ids[0], "same");
        assert_eq!(r.heading_ids[2_999], "same-2999");
        let r = render_simple("# a {#a-1}\n# a\n# a\n# a-1\n");
        assert_eq!(r.heading_ids, ["a-1", "a", "a-2", "a-1-1"]);
    }

    /// Found by `proptests::markdown`: `# 1` and the footnote `[^1]` both
    /// had `id="1"`, so `#1` led to the heading, never the note.
    #[test]
    fn a_heading_never_takes_a_footnotes_id() {
        let r = render_simple("# 1\n\nText[^1].\n\n[^1]: The note.\n");
        assert_eq!(r.heading_ids, ["1-1"]);
        assert!(r.html.text().contains("<h1 id=\"1-1\">"), "{}", r.html);
    }

    /// `body` rendered with a site whose templates are `files`
    /// (`shortcodes/x.html`, `hooks/heading.html`, …).
    fn render_with_templates(body: &str, files: &[(&str, &str)]) -> Rendered {
        let (templates, config) = crate::templates::from_files(files);
        let authoring = Authoring {
            templates: &templates,
            config: &config,
            page: tera::Value::from_serializable(&serde_json::json!({ "title": "P" })),
        };
        let resolve = |_: &str| None;
        let page = PageLinks {
            source: "p.md",
            path: "/p/",
            resolve: &resolve,
            base_path: "",
            authoring: Some(&authoring),
            pictures: None,
        };
        render(body, OPTS, &page)
    }

    /// Found by `proptests::authoring`: an HTML shortcode in a heading left
    /// its placeholder word on the page and in the heading's id.
    #[test]
    fn an_html_shortcode_in_a_heading_reaches_the_page() {
        let sc = ("shortcodes/sc.html", "<span class=\"sc\">!</span>");
        let hook = (
            "hooks/heading.html",
            "<h{{ level }} id=\"{{ id }}\">{{ text | safe }}</h{{ level }}>",
        );
        for files in [&[sc][..], &[sc, hook][..]] {
            let r = render_with_templates("## Go *{{ sc() }}* now\n", files);
            assert_eq!(
                r.html.text().trim_end(),
                "<h2 id=\"go-now\">Go <em><span class=\"sc\">!</span></em> now</h2>",
                "{files:?}"
            );
            assert_eq!(r.toc[0].title, "Go ! now");
        }
    }

    #[test]
    fn summary_from_more_marker_or_first_paragraph() {
        let r = render_simple("First para.\n\nSecond.\n\n<!-- more -->\n\nRest.");
        let s = r.summary.unwrap();
        assert!(s.contains("First para.") && s.contains("Second.") && !s.contains("Rest"));
        let r = render_simple("# Title\n\n> quote\n\nThe real first.\n\nNext.");
        assert_eq!(r.summary.unwrap().trim(), "<p>The real first.</p>");
    }

    #[test]
    fn content_links_resolve() {
        let r = render_simple(
            "[a](other.md) [b](@/about.md#team) [c](<../blog/other.md>) [d](missing.md)",
        );
        assert!(
            r.html.text().contains("href=\"/blog/other/\""),
            "{}",
            r.html
        );
        assert!(r.html.text().contains("href=\"/about/#team\""));
        assert_eq!(r.broken_content_links.len(), 1);
        assert_eq!(r.broken_content_links[0].path, "blog/missing.md");
    }

    #[test]
    fn relative_links_are_recorded_against_page_path() {
        let r = render_simple("![p](photo.jpg) [x](/tags/) [y](https://example.com) [z](#top)");
        let paths: Vec<_> = r.links.iter().map(|l| l.path.as_str()).collect();
        assert_eq!(paths, ["/blog/hello/photo.jpg", "/tags/", ""]);
    }

    #[test]
    fn bare_urls_become_links() {
        let r =
            render_simple("See https://example.com/a_(b). and www.rust-lang.org, `http://no.link`");
        assert!(
            r.html
                .text()
                .contains("<a href=\"https://example.com/a_(b)\">"),
            "{}",
            r.html
        );
        assert!(
            r.html
                .text()
                .contains("<a href=\"http://www.rust-lang.org\">www.rust-lang.org</a>,")
        );
        assert!(r.html.text().contains("<code>http://no.link</code>"));
    }
}
