//! Markdown → HTML with pulldown-cmark: heading ids and a nested table of
//! contents, highlighted code blocks, links to other content files resolved
//! to their URLs, bare-URL autolinks, the summary, and every internal link
//! recorded (with its line) for the link checker.

use std::collections::{HashMap, HashSet};
use std::iter::Peekable;
use std::ops::Range;

use pulldown_cmark::{
    CodeBlockKind, CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd,
};
use serde::{Deserialize, Serialize};

use crate::error::line_of_offset;
use crate::escape::{escape, push_escaped};
use crate::highlight;
use crate::html_urls::{has_scheme, join_path};
use crate::slug::slugify;
use crate::urlpath::decode_lossy;

pub const MORE_MARKER: &str = "<!-- more -->";

#[derive(Debug, Clone, Copy)]
pub struct MarkdownOptions {
    pub highlight: bool,
    pub smart_punctuation: bool,
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
}

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
    pub links: Vec<InternalLink>,
    /// Links to `.md` files that exist nowhere in `content/`.
    pub broken_content_links: Vec<InternalLink>,
    pub warnings: Vec<Warning>,
    /// The result depends on timing (a block hit the highlighting time
    /// budget), so it must not be cached: another run may highlight it.
    #[serde(skip)]
    pub volatile: bool,
}

fn parser_options(opts: MarkdownOptions) -> Options {
    let mut o = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES;
    if opts.smart_punctuation {
        o |= Options::ENABLE_SMART_PUNCTUATION;
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
    let mut pass = Pass::new(body, opts, page);
    let events: Vec<_> = Parser::new_ext(body, parser_options(opts))
        .into_offset_iter()
        .collect();
    // Footnote definitions are `id="label"` wherever they are: a heading
    // `# 1` before `[^1]: …` must not take the id `1` too.
    for (event, _) in &events {
        if let Event::Start(Tag::FootnoteDefinition(label)) = event {
            pass.used_ids.reserve(label.to_string());
        }
    }
    let mut events = events.into_iter().peekable();
    while let Some((event, range)) = events.next() {
        pass.event(event, range.start, &mut events);
    }
    pass.finish()
}

/// Where the summary ends, as indexes into the rewritten events: at
/// `<!-- more -->`, or else around the first top-level paragraph.
#[derive(Default)]
struct SummaryMarks {
    more_at: Option<usize>,
    first_paragraph: Option<(usize, usize)>,
    paragraph_start: Option<usize>,
    /// Nesting of blocks that make a paragraph not "top level" for the summary.
    container_depth: usize,
}

impl SummaryMarks {
    /// A block starts at index `at`.
    fn start(&mut self, tag: &Tag, at: usize) {
        match tag {
            Tag::Paragraph if self.container_depth == 0 && self.first_paragraph.is_none() => {
                self.paragraph_start = Some(at);
            }
            Tag::Paragraph => {}
            Tag::BlockQuote(_)
            | Tag::List(_)
            | Tag::FootnoteDefinition(_)
            | Tag::Table(_)
            | Tag::HtmlBlock => self.container_depth += 1,
            _ => {}
        }
    }

    /// A block ends at index `at`.
    fn end(&mut self, end: &TagEnd, at: usize) {
        match end {
            TagEnd::Paragraph => {
                if let Some(start) = self.paragraph_start.take() {
                    self.first_paragraph = Some((start, at + 1));
                }
            }
            TagEnd::BlockQuote(_)
            | TagEnd::List(_)
            | TagEnd::FootnoteDefinition
            | TagEnd::Table
            | TagEnd::HtmlBlock => self.container_depth = self.container_depth.saturating_sub(1),
            _ => {}
        }
    }

    fn of<'e, 'a>(&self, events: &'e [Event<'a>]) -> Option<&'e [Event<'a>]> {
        match (self.more_at, self.first_paragraph) {
            (Some(end), _) => Some(&events[..end]),
            (None, Some((start, end))) => Some(&events[start..end]),
            (None, None) => None,
        }
    }
}

/// One rendering of a body: the parser's events rewritten (heading ids,
/// highlighted code, resolved links, autolinks) and what was learnt on
/// the way.
struct Pass<'a, 'p> {
    body: &'a str,
    opts: MarkdownOptions,
    page: &'p PageLinks<'p>,
    out: Rendered,
    events: Vec<Event<'a>>,
    used_ids: UsedIds,
    flat_toc: Vec<(u8, String, String)>,
    summary: SummaryMarks,
    in_link: usize,
}

impl<'a, 'p> Pass<'a, 'p> {
    fn new(body: &'a str, opts: MarkdownOptions, page: &'p PageLinks<'p>) -> Self {
        Pass {
            body,
            opts,
            page,
            out: Rendered::default(),
            events: Vec::new(),
            used_ids: UsedIds::default(),
            flat_toc: Vec::new(),
            summary: SummaryMarks::default(),
            in_link: 0,
        }
    }

    /// Takes one event at byte `offset`; a heading, code block or run of
    /// text also takes the events after it that belong to it from `rest`.
    fn event<I>(&mut self, event: Event<'a>, offset: usize, rest: &mut Peekable<I>)
    where
        I: Iterator<Item = (Event<'a>, Range<usize>)>,
    {
        match event {
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => self.heading(level, id, classes, attrs, rest),
            Event::Start(Tag::CodeBlock(kind)) => self.code_block(kind, offset, rest),
            Event::Start(Tag::Link { .. }) => {
                self.in_link += 1;
                let link = self.resolved(event, offset);
                self.events.push(link);
            }
            Event::End(TagEnd::Link) => {
                self.in_link = self.in_link.saturating_sub(1);
                self.events.push(Event::End(TagEnd::Link));
            }
            Event::Start(Tag::Image { .. }) => {
                let image = self.resolved(event, offset);
                self.events.push(image);
            }
            Event::Text(text) => self.text(text, rest),
            Event::Html(html) | Event::InlineHtml(html)
                if self.summary.more_at.is_none() && html.trim() == MORE_MARKER =>
            {
                self.summary.more_at = Some(self.events.len());
                self.events.push(Event::Html(html));
            }
            Event::Start(tag) => {
                self.summary.start(&tag, self.events.len());
                self.events.push(Event::Start(tag));
            }
            Event::End(end) => {
                self.summary.end(&end, self.events.len());
                self.events.push(Event::End(end));
            }
            Event::Code(code) => {
                self.out.word_count += code.split_whitespace().count();
                self.events.push(Event::Code(code));
            }
            other => self.events.push(other),
        }
    }

    /// A link or image with its destination resolved (a content file to
    /// its URL) and recorded for the link checker; any other event as it is.
    fn resolved(&mut self, event: Event<'a>, offset: usize) -> Event<'a> {
        match event {
            // `<x@y.org>` is a mailto: link whose destination is written without the scheme.
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) if link_type != LinkType::Email => {
                let dest_url = rewrite_link(&dest_url, self.body, offset, self.page, &mut self.out);
                Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                })
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest_url = rewrite_link(&dest_url, self.body, offset, self.page, &mut self.out);
                Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                })
            }
            other => other,
        }
    }

    /// A heading with a unique id (its own `{#id}` or its slug), entered in
    /// the table of contents.
    fn heading(
        &mut self,
        level: HeadingLevel,
        id: Option<CowStr<'a>>,
        classes: Vec<CowStr<'a>>,
        attrs: Vec<(CowStr<'a>, Option<CowStr<'a>>)>,
        rest: &mut impl Iterator<Item = (Event<'a>, Range<usize>)>,
    ) {
        let mut inner = Vec::new();
        let mut title = String::new();
        for (e, range) in rest.by_ref() {
            match &e {
                Event::End(TagEnd::Heading(_)) => break,
                Event::Text(t) | Event::Code(t) => {
                    title.push_str(t);
                    self.out.word_count += t.split_whitespace().count();
                }
                _ => {}
            }
            inner.push(self.resolved(e, range.start));
        }
        let base = id
            .as_deref()
            .map(str::to_string)
            .unwrap_or_else(|| slugify(&title));
        let base = if base.is_empty() {
            "section".to_string()
        } else {
            base
        };
        let unique = self.used_ids.unique(&base);
        self.flat_toc.push((
            level_number(level),
            unique.clone(),
            title.trim().to_string(),
        ));
        self.out.heading_ids.push(unique.clone());
        self.events.push(Event::Start(Tag::Heading {
            level,
            id: Some(CowStr::from(unique)),
            classes,
            attrs,
        }));
        self.events.extend(inner);
        self.events.push(Event::End(TagEnd::Heading(level)));
    }

    /// A code block as highlighted HTML; one shown plain is a warning.
    fn code_block(
        &mut self,
        kind: CodeBlockKind<'a>,
        offset: usize,
        rest: &mut impl Iterator<Item = (Event<'a>, Range<usize>)>,
    ) {
        let info = match &kind {
            CodeBlockKind::Fenced(info) => info.to_string(),
            CodeBlockKind::Indented => String::new(),
        };
        let mut code = String::new();
        for (e, _) in rest.by_ref() {
            match e {
                Event::End(TagEnd::CodeBlock) => break,
                Event::Text(t) => code.push_str(&t),
                _ => {}
            }
        }
        let lang = highlight::fence_language(&info);
        let block = highlight::code_block(&code, lang, self.opts.highlight);
        if let Some(reason) = block.fell_back {
            self.out.volatile |= reason == highlight::TIMED_OUT;
            self.out.warnings.push(Warning {
                line: line_of_offset(self.body, offset),
                message: format!(
                    "code block shown without highlighting: {reason} (longest line {} bytes, {} bytes in all)",
                    code.lines().map(str::len).max().unwrap_or(0),
                    code.len()
                ),
            });
        }
        self.events.push(Event::Html(CowStr::from(block.html)));
    }

    /// Text, with bare URLs outside links turned into links.
    fn text<I>(&mut self, mut text: CowStr<'a>, rest: &mut Peekable<I>)
    where
        I: Iterator<Item = (Event<'a>, Range<usize>)>,
    {
        // The parser splits text at would-be emphasis markers; a URL may span pieces.
        while let Some((Event::Text(next), _)) = rest.peek() {
            text = CowStr::from(format!("{text}{next}"));
            rest.next();
        }
        self.out.word_count += text.split_whitespace().count();
        match (self.in_link == 0).then(|| autolink(&text)).flatten() {
            Some(html) => self.events.push(Event::InlineHtml(CowStr::from(html))),
            None => self.events.push(Event::Text(text)),
        }
    }

    fn finish(mut self) -> Rendered {
        if let Some(slice) = self.summary.of(&self.events) {
            let mut html = String::new();
            pulldown_cmark::html::push_html(&mut html, closed(slice));
            // Shown on listings and in feeds, not on the post itself.
            self.out.summary = Some(crate::rebase::for_listing(
                &html,
                &format!("{}{}", self.page.base_path, self.page.path),
            ));
        }
        let mut html = String::with_capacity(self.body.len() * 3 / 2);
        pulldown_cmark::html::push_html(&mut html, self.events.into_iter());
        self.out.html = Html::new(html);
        self.out.toc = nest_toc(&self.flat_toc);
        self.out
    }
}

/// `events` and an end for every element they leave open: `<!-- more -->`
/// in a list, a table or a paragraph cuts the summary inside it, and the
/// listing that shows the summary must not inherit an open `<table>`.
fn closed<'e, 'a>(events: &'e [Event<'a>]) -> impl Iterator<Item = Event<'a>> + 'e {
    let mut open = Vec::new();
    for event in events {
        match event {
            Event::Start(tag) => open.push(tag.to_end()),
            Event::End(_) => {
                open.pop();
            }
            _ => {}
        }
    }
    events
        .iter()
        .cloned()
        .chain(open.into_iter().rev().map(Event::End))
}

fn level_number(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// The ids given out on a page, and for each base the next suffix to try:
/// counting up from `-1` for every heading made a page of 2,000 headings
/// named alike take seconds.
#[derive(Default)]
struct UsedIds {
    taken: HashSet<String>,
    next_suffix: HashMap<String, usize>,
}

impl UsedIds {
    fn reserve(&mut self, id: String) {
        self.taken.insert(id);
    }

    /// `base`, or else `base-N` with the smallest N not taken.
    fn unique(&mut self, base: &str) -> String {
        if self.taken.insert(base.to_string()) {
            return base.to_string();
        }
        // Every suffix below `next` is taken, and taken ids stay taken.
        let next = self.next_suffix.entry(base.to_string()).or_insert(1);
        loop {
            let candidate = format!("{base}-{next}");
            *next += 1;
            if self.taken.insert(candidate.clone()) {
                return candidate;
            }
        }
    }
}

fn nest_toc(flat: &[(u8, String, String)]) -> Vec<TocEntry> {
    fn take(flat: &[(u8, String, String)], i: &mut usize, parent_level: u8) -> Vec<TocEntry> {
        let mut out = Vec::new();
        while let Some((level, id, title)) = flat.get(*i) {
            if *level <= parent_level {
                break;
            }
            *i += 1;
            let children = take(flat, i, *level);
            out.push(TocEntry {
                level: *level,
                id: id.clone(),
                title: title.clone(),
                children,
            });
        }
        out
    }
    let mut i = 0;
    let mut out = Vec::new();
    // A document that starts deeper than a later heading still lists every heading.
    while i < flat.len() {
        out.extend(take(flat, &mut i, 0));
    }
    out
}

/// Resolves links to content files and records internal links.
fn rewrite_link<'a>(
    dest: &CowStr<'a>,
    body: &str,
    offset: usize,
    page: &PageLinks,
    out: &mut Rendered,
) -> CowStr<'a> {
    let written = dest.to_string();
    let line = line_of_offset(body, offset);
    if written.starts_with("//") || (has_scheme(&written) && !written.starts_with("@/")) {
        return dest.clone();
    }
    let (path_part, fragment) = match written.split_once('#') {
        Some((p, f)) => (p.to_string(), Some(f.to_string())),
        None => (written.clone(), None),
    };
    let path_part = path_part.split('?').next().unwrap_or("").to_string();
    let link = |path: String| InternalLink {
        path,
        fragment: fragment.clone().filter(|f| !f.is_empty()),
        written: written.clone(),
        line,
    };

    let content_target = if let Some(rest) = path_part.strip_prefix("@/") {
        Some(join_path("", &decode_lossy(rest)))
    } else if !path_part.starts_with('/')
        && crate::layout::markdown_stem(path_part.rsplit('/').next().unwrap_or("")).is_some()
    {
        let dir = page.source.rsplit_once('/').map_or("", |(d, _)| d);
        Some(join_path(dir, &decode_lossy(&path_part)))
    } else {
        None
    };
    if let Some(target) = content_target {
        return match (page.resolve)(&target) {
            Some(site_path) => {
                out.links.push(link(site_path.clone()));
                let base = page.base_path;
                let url = match &fragment {
                    Some(f) => format!("{base}{site_path}#{f}"),
                    None => format!("{base}{site_path}"),
                };
                CowStr::from(url)
            }
            None => {
                out.broken_content_links.push(link(target));
                dest.clone()
            }
        };
    }
    let site_path = if path_part.is_empty() {
        String::new()
    } else if path_part.starts_with('/') {
        decode_lossy(&path_part)
    } else {
        // A page at `/a/b.html` (a `path` naming a file) links from `/a/`.
        let folder = &page.path[..page.path.rfind('/').map_or(0, |i| i + 1)];
        let joined = join_path(folder, &decode_lossy(&path_part));
        let trailing = if path_part.ends_with('/') && !joined.is_empty() {
            "/"
        } else {
            ""
        };
        format!("/{joined}{trailing}")
    };
    if !site_path.is_empty() || fragment.as_deref().is_some_and(|f| !f.is_empty()) {
        out.links.push(link(site_path));
    }
    dest.clone()
}

/// Turns bare `https://…`, `http://…` and `www.…` URLs in text into links
/// (GFM's extended autolinks). `None` when the text has none.
fn autolink(text: &str) -> Option<String> {
    let starts = |i: usize| {
        let rest = &text[i..];
        rest.starts_with("https://") || rest.starts_with("http://") || rest.starts_with("www.")
    };
    let mut html = String::new();
    let mut last = 0;
    let mut i = 0;
    let mut found = false;
    while i < text.len() {
        let boundary = i == 0 || {
            let prev = text[..i].chars().next_back().unwrap_or(' ');
            prev.is_whitespace() || prev == '(' || prev == '*' || prev == '_'
        };
        if text.is_char_boundary(i) && boundary && starts(i) {
            let len = text[i..]
                .find(|c: char| c.is_whitespace() || c == '<')
                .unwrap_or(text.len() - i);
            let mut url = &text[i..i + len];
            loop {
                let trimmed =
                    url.trim_end_matches(['.', ',', ':', ';', '!', '?', '"', '\'', '*', '_']);
                let trimmed = if trimmed.ends_with(')')
                    && trimmed.matches(')').count() > trimmed.matches('(').count()
                {
                    &trimmed[..trimmed.len() - 1]
                } else {
                    trimmed
                };
                if trimmed.len() == url.len() {
                    break;
                }
                url = trimmed;
            }
            let host_len = url
                .trim_start_matches("https://")
                .trim_start_matches("http://")
                .len();
            if host_len > 4 && url.contains('.') {
                found = true;
                push_escaped(&mut html, &text[last..i]);
                let href = if url.starts_with("www.") {
                    format!("http://{url}")
                } else {
                    url.to_string()
                };
                html.push_str("<a href=\"");
                push_escaped(&mut html, &href);
                html.push_str("\">");
                push_escaped(&mut html, url);
                html.push_str("</a>");
                last = i + url.len();
                i = last;
                continue;
            }
        }
        i += text[i..].chars().next().map_or(1, char::len_utf8);
    }
    if !found {
        return None;
    }
    html.push_str(&escape(&text[last..]));
    Some(html)
}

#[cfg(test)]
mod tests {
    use super::*;

    const OPTS: MarkdownOptions = MarkdownOptions {
        highlight: true,
        smart_punctuation: false,
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
    /// seconds, each new id counting up from `-1` again.
    #[test]
    fn many_headings_named_alike_get_ids_in_linear_time() {
        let started = std::time::Instant::now();
        let r = render_simple(&"# same\n".repeat(3_000));
        // Milliseconds now; seconds before, even in a release build.
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
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

    #[test]
    fn path_joining() {
        assert_eq!(join_path("blog/a", "../b.md"), "blog/b.md");
        assert_eq!(join_path("", "./x/y.md"), "x/y.md");
    }
}
