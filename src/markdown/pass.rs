//! One rendering of a body: the parser's events rewritten one by one
//! (heading ids, highlighted code, resolved links, autolinks, shortcode
//! output, render hooks), and the summary marked on the way.

use std::iter::Peekable;
use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, HeadingLevel, LinkType, Tag, TagEnd};

use super::footnotes::Footnotes;
use super::links::{autolink, rewrite_link};
use super::toc::{TOC_MARKER, UsedIds, level_number, nest_toc, toc_html};
use super::{Html, MORE_MARKER, MarkdownOptions, PageLinks, Rendered, Warning};
use crate::authoring::Authoring;
use crate::authoring::hooks::{self, HookSet};
use crate::authoring::shortcodes::{Expanded, Part};
use crate::error::line_of_offset;
use crate::escape::html_text;
use crate::fence::{self, LineOptions};
use crate::highlight;
use crate::slug::slugify;

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
/// highlighted code, resolved links, autolinks, held shortcode HTML, render
/// hooks) and what was learnt on the way.
pub(super) struct Pass<'a, 'p> {
    /// The text parsed: the body with its shortcodes expanded.
    body: &'a str,
    /// The body as written, which lines are counted in.
    written: &'p str,
    expanded: Option<&'p Expanded>,
    opts: MarkdownOptions,
    page: &'p PageLinks<'p>,
    out: Rendered,
    events: Vec<Event<'a>>,
    used_ids: UsedIds,
    flat_toc: Vec<(u8, String, String)>,
    summary: SummaryMarks,
    in_link: usize,
    /// Where each open link or image started in `events`, for its hook.
    hooked_starts: Vec<usize>,
    /// Where held shortcode HTML was put in `events`.
    held_at: Vec<usize>,
    /// The site path of each open image that leads to a file of the site.
    image_sites: Vec<Option<String>>,
    /// Images met so far: all but the first load lazily.
    images_met: usize,
    /// Where `<!-- toc -->` markers stand in `events`.
    toc_at: Vec<usize>,
    /// Each open footnote definition's label and where it starts in `events`.
    open_notes: Vec<(CowStr<'a>, usize)>,
    /// The definitions met, taken out of the text for the end of the page.
    footnotes: Footnotes<'a>,
}

impl<'a, 'p> Pass<'a, 'p> {
    pub(super) fn new(
        body: &'a str,
        written: &'p str,
        opts: MarkdownOptions,
        page: &'p PageLinks<'p>,
        expanded: Option<&'p Expanded>,
    ) -> Self {
        Pass {
            body,
            written,
            expanded,
            opts,
            page,
            out: Rendered::default(),
            events: Vec::new(),
            used_ids: UsedIds::default(),
            flat_toc: Vec::new(),
            summary: SummaryMarks::default(),
            in_link: 0,
            hooked_starts: Vec::new(),
            held_at: Vec::new(),
            image_sites: Vec::new(),
            images_met: 0,
            open_notes: Vec::new(),
            footnotes: Footnotes::default(),
            toc_at: Vec::new(),
        }
    }

    pub(super) fn reserve_id(&mut self, id: String) {
        self.used_ids.reserve(id);
    }

    /// The line the author wrote what is at `offset` of the parsed text on.
    fn line(&self, offset: usize) -> usize {
        match self.expanded {
            Some(e) => line_of_offset(self.written, e.lines.original(offset)),
            None => line_of_offset(self.body, offset),
        }
    }

    fn hooks(&self) -> HookSet {
        self.page
            .authoring
            .map_or(HookSet::default(), |a| a.templates.hooks())
    }

    /// Runs a hook; a failure is an error at `offset`'s line.
    fn hooked(
        &mut self,
        offset: usize,
        run: impl FnOnce(&Authoring) -> Result<String, String>,
    ) -> Option<String> {
        let authoring = self.page.authoring?;
        match run(authoring) {
            Ok(html) => Some(html),
            Err(message) => {
                let line = self.line(offset);
                self.out.errors.push(Warning { line, message });
                None
            }
        }
    }

    /// Takes one event at byte `offset`; a heading, code block or run of
    /// text also takes the events after it that belong to it from `rest`.
    pub(super) fn event<I>(&mut self, event: Event<'a>, offset: usize, rest: &mut Peekable<I>)
    where
        I: Iterator<Item = (Event<'a>, Range<usize>)>,
    {
        match event {
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => self.heading(level, id, classes, attrs, offset, rest),
            Event::Start(Tag::CodeBlock(kind)) => self.code_block(kind, offset, rest),
            Event::Start(Tag::Link { .. }) => {
                self.in_link += 1;
                let link = self.resolved(event, offset);
                if self.hooks().link {
                    self.hooked_starts.push(self.events.len());
                }
                self.events.push(link);
            }
            Event::End(TagEnd::Link) => {
                self.in_link = self.in_link.saturating_sub(1);
                self.events.push(Event::End(TagEnd::Link));
                if self.hooks().link {
                    self.link_hook(offset);
                }
            }
            Event::Start(Tag::Image { .. }) => {
                let links_before = self.out.links.len();
                let image = self.resolved(event, offset);
                // A local image was recorded as a link with its site path.
                let site = match self.out.links[links_before..] {
                    [ref link] if link.fragment.is_none() && !link.path.is_empty() => {
                        Some(link.path.clone())
                    }
                    _ => None,
                };
                self.image_sites.push(site);
                if self.hooks().image || self.page.pictures.is_some() {
                    self.hooked_starts.push(self.events.len());
                }
                self.events.push(image);
            }
            Event::End(TagEnd::Image) => {
                self.events.push(Event::End(TagEnd::Image));
                let site = self.image_sites.pop().flatten();
                if self.hooks().image || self.page.pictures.is_some() {
                    self.image_end(offset, site);
                }
                self.images_met += 1;
            }
            Event::End(TagEnd::Paragraph) if self.only_held_html_since_paragraph() => {
                // A shortcode alone in its paragraph is a block of its own.
                let held = self.events.pop();
                self.events.pop();
                if let Some(at) = self.held_at.last_mut() {
                    *at -= 1;
                }
                if let Some(at) = self.toc_at.last_mut()
                    && *at == self.events.len() + 1
                {
                    *at -= 1;
                }
                self.events.extend(held);
            }
            Event::Start(Tag::FootnoteDefinition(label)) => {
                self.summary
                    .start(&Tag::FootnoteDefinition(label.clone()), self.events.len());
                self.open_notes.push((label, self.events.len()));
            }
            Event::End(TagEnd::FootnoteDefinition) => {
                self.summary
                    .end(&TagEnd::FootnoteDefinition, self.events.len());
                self.footnote_ends();
            }
            Event::Text(text) => self.text(text, rest),
            Event::Html(html) | Event::InlineHtml(html)
                if self.summary.more_at.is_none() && html.trim() == MORE_MARKER =>
            {
                self.summary.more_at = Some(self.events.len());
                self.events.push(Event::Html(html));
            }
            Event::Html(html) => {
                let html = self.filled(html);
                self.mark_toc(&html);
                self.events.push(Event::Html(html));
            }
            Event::InlineHtml(html) => {
                let html = self.filled(html);
                self.events.push(Event::InlineHtml(html));
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
            Event::InlineMath(tex) => self.math(&tex, false, offset),
            Event::DisplayMath(tex) => self.math(&tex, true, offset),
            other => self.events.push(other),
        }
    }

    /// The footnote definition that just ended leaves the text for the
    /// notes at the end of the page.
    fn footnote_ends(&mut self) {
        let Some((label, start)) = self.open_notes.pop() else {
            return;
        };
        let body = self.events.split_off(start);
        // What pointed into the note now points past the text.
        self.held_at.retain(|&at| at < start);
        self.toc_at.retain(|&at| at < start);
        if let Some(more) = self.summary.more_at.as_mut() {
            *more = (*more).min(start);
        }
        self.footnotes.add(label, body);
    }

    /// The link that just ended, through the link hook: its events since
    /// its start become the hook's HTML.
    fn link_hook(&mut self, offset: usize) {
        let Some(start) = self.hooked_starts.pop() else {
            return;
        };
        let mut inner = self.events.split_off(start);
        let (Some(first), Some(end)) = (inner.first().cloned(), inner.pop()) else {
            return;
        };
        let Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            ..
        }) = &first
        else {
            inner.push(end);
            self.events.extend(inner);
            return;
        };
        let url = match link_type {
            LinkType::Email => format!("mailto:{dest_url}"),
            _ => dest_url.to_string(),
        };
        let mut text = String::new();
        pulldown_cmark::html::push_html(&mut text, inner[1..].iter().cloned());
        match self.hooked(offset, |a| hooks::link(a, &url, title, &text)) {
            Some(html) => self.events.push(Event::InlineHtml(CowStr::from(html))),
            None => {
                inner.push(end);
                self.events.extend(inner);
            }
        }
    }

    /// The resized copies of the local image at `site`, used at `offset`.
    /// A file that cannot be used (broken, cut short, over the pixel
    /// limit, no image at all) is a warning at its line and shown as
    /// written: sites moved from Hugo or Zola hold such files, which those
    /// publish untouched, and must still build.
    fn picture(&mut self, site: &str, offset: usize) -> Option<crate::images::Picture> {
        let line = self.line(offset);
        match (self.page.pictures?)(site, line)? {
            Ok(picture) => Some(picture),
            Err(unreadable) => {
                self.out.warnings.push(Warning {
                    line,
                    message: format!("{}; shown as written, not resized", unreadable.message),
                });
                None
            }
        }
    }

    /// The image that just ended, through the image hook, or as a
    /// `<picture>` of its resized copies; its alt text is the plain text
    /// of its events.
    fn image_end(&mut self, offset: usize, site: Option<String>) {
        let Some(start) = self.hooked_starts.pop() else {
            return;
        };
        let inner = self.events.split_off(start);
        let Some(Event::Start(Tag::Image {
            dest_url, title, ..
        })) = inner.first()
        else {
            self.events.extend(inner);
            return;
        };
        let (url, title) = (dest_url.to_string(), title.to_string());
        let alt: String = inner
            .iter()
            .filter_map(|e| match e {
                Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
                _ => None,
            })
            .collect();
        let picture = site.and_then(|site| self.picture(&site, offset));
        let lazy = self.images_met > 0;
        if !self.hooks().image {
            match picture {
                Some(p) => self.events.push(Event::InlineHtml(CowStr::from(
                    crate::images::picture_html(&p, &alt, &title, lazy),
                ))),
                None => self.events.extend(inner),
            }
            return;
        }
        let fields = picture.map_or(serde_json::Value::Null, |p| {
            let mut fields = serde_json::to_value(&p).unwrap_or_default();
            if let Some(map) = fields.as_object_mut() {
                map.insert("lazy".into(), lazy.into());
            }
            fields
        });
        match self.hooked(offset, |a| hooks::image(a, &url, &title, &alt, fields)) {
            Some(html) => self.events.push(Event::InlineHtml(CowStr::from(html))),
            None => self.events.extend(inner),
        }
    }

    /// A formula as MathML; invalid TeX stops the build, or (with
    /// `math_errors = "warn"`) is shown as code with a warning.
    fn math(&mut self, tex: &str, display: bool, offset: usize) {
        match super::math::to_mathml(tex, display) {
            Ok(mathml) => self.events.push(Event::InlineHtml(CowStr::from(mathml))),
            Err(reason) => {
                let problem = Warning {
                    line: self.line(offset),
                    message: format!("invalid TeX `{tex}`: {reason}"),
                };
                if self.opts.math_warn_only {
                    self.out.warnings.push(problem);
                    self.events.push(Event::Code(CowStr::from(tex.to_string())));
                } else {
                    self.out.errors.push(problem);
                }
            }
        }
    }

    /// Whether the paragraph ending now holds nothing but one shortcode's HTML.
    fn only_held_html_since_paragraph(&self) -> bool {
        let n = self.events.len();
        n >= 2
            && matches!(self.events[n - 2], Event::Start(Tag::Paragraph))
            && self.held_at.last() == Some(&(n - 1))
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
                let line = self.line(offset);
                let dest_url = rewrite_link(&dest_url, line, self.page, &mut self.out);
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
                let line = self.line(offset);
                let dest_url = rewrite_link(&dest_url, line, self.page, &mut self.out);
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
        offset: usize,
        rest: &mut impl Iterator<Item = (Event<'a>, Range<usize>)>,
    ) {
        let mut inner = Vec::new();
        let mut title = String::new();
        for (e, range) in rest.by_ref() {
            match e {
                Event::End(TagEnd::Heading(_)) => break,
                Event::Text(t) => self.heading_text(t, &mut title, &mut inner),
                Event::Code(t) => {
                    title.push_str(&t);
                    self.out.word_count += t.split_whitespace().count();
                    inner.push(Event::Code(t));
                }
                e => inner.push(self.resolved(e, range.start)),
            }
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
        if self.hooks().heading {
            let mut text = String::new();
            pulldown_cmark::html::push_html(&mut text, inner.iter().cloned());
            let number = level_number(level);
            if let Some(html) = self.hooked(offset, |a| hooks::heading(a, number, &unique, &text)) {
                self.events.push(Event::Html(CowStr::from(html)));
                return;
            }
        }
        self.events.push(Event::Start(Tag::Heading {
            level,
            id: Some(CowStr::from(unique)),
            classes,
            attrs,
        }));
        self.events.extend(inner);
        self.events.push(Event::End(TagEnd::Heading(level)));
    }

    /// Text inside a heading: its words go into the title (for the id and
    /// the table of contents), a shortcode's HTML held behind a placeholder
    /// goes onto the page and not into the title.
    fn heading_text(&mut self, text: CowStr<'a>, title: &mut String, inner: &mut Vec<Event<'a>>) {
        let expanded = self.expanded;
        let Some(parts) = expanded.and_then(|e| e.placeholders.split(&text)) else {
            title.push_str(&text);
            self.out.word_count += text.split_whitespace().count();
            inner.push(Event::Text(text));
            return;
        };
        for part in parts {
            match part {
                Part::Text(t) => {
                    title.push_str(t);
                    self.out.word_count += t.split_whitespace().count();
                    inner.push(Event::Text(CowStr::from(t.to_string())));
                }
                Part::Html(html) => {
                    // Its text joins the title the table of contents shows.
                    let text = html_text(html);
                    title.push_str(&text);
                    self.out.word_count += text.split_whitespace().count();
                    inner.push(Event::InlineHtml(CowStr::from(html.to_string())));
                }
            }
        }
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
        let hooks = self.hooks();
        let block = (!hooks.codeblock || hooks.codeblock_reads_highlighted)
            .then(|| self.highlighted_block(&code, lang, &info));
        if hooks.codeblock {
            let html = block.as_ref().map_or("", |b| b.html.as_str());
            let hooked = self.hooked(offset, |a| {
                hooks::codeblock(a, lang.unwrap_or(""), &code, &info, html)
            });
            if let Some(html) = hooked {
                self.events.push(Event::Html(CowStr::from(html)));
                return;
            }
        }
        let block = match block {
            Some(block) => block,
            None => self.highlighted_block(&code, lang, &info),
        };
        if let Some(reason) = block.fell_back {
            self.out.volatile |= reason == highlight::TIMED_OUT;
            self.out.warnings.push(Warning {
                line: self.line(offset),
                message: format!(
                    "code block shown without highlighting: {reason} (longest line {} bytes, {} bytes in all)",
                    code.lines().map(str::len).max().unwrap_or(0),
                    code.len()
                ),
            });
        }
        self.events.push(Event::Html(CowStr::from(block.html)));
    }

    /// A code block as ssg writes it: highlighted, with the line numbers,
    /// marked lines and file name its fence asks for.
    fn highlighted_block(
        &self,
        code: &str,
        lang: Option<&str>,
        info: &str,
    ) -> highlight::Highlighted {
        let mut block = highlight::code_block(code, lang, self.opts.highlight);
        if let Some(lines) = LineOptions::from_info(info) {
            block.html = fence::decorate(&block.html, &lines);
        }
        if let Some(title) = fence::title(info) {
            block.html = fence::with_title(&block.html, &title);
        }
        block
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
        let parts = self.expanded.and_then(|e| e.placeholders.split(&text));
        let Some(parts) = parts else {
            self.plain_text(text);
            return;
        };
        for part in parts {
            match part {
                Part::Text(t) => self.plain_text(CowStr::from(t.to_string())),
                Part::Html(html) => {
                    self.mark_toc(html);
                    self.held_at.push(self.events.len());
                    self.events
                        .push(Event::Html(CowStr::from(html.to_string())));
                }
            }
        }
    }

    /// Notes a `<!-- toc -->` block (written, or a shortcode's output)
    /// about to be pushed.
    fn mark_toc(&mut self, html: &str) {
        if html.trim() == TOC_MARKER {
            self.toc_at.push(self.events.len());
        }
    }

    /// Raw HTML with the shortcode output its placeholders hold put in.
    fn filled(&self, html: CowStr<'a>) -> CowStr<'a> {
        match self.expanded.and_then(|e| e.placeholders.fill(&html)) {
            Some(filled) => CowStr::from(filled),
            None => html,
        }
    }

    /// Text that holds no shortcode output.
    fn plain_text(&mut self, text: CowStr<'a>) {
        self.out.word_count += text.split_whitespace().count();
        match (self.in_link == 0).then(|| autolink(&text)).flatten() {
            Some(html) => self.events.push(Event::InlineHtml(CowStr::from(html))),
            None => self.events.push(Event::Text(text)),
        }
    }

    /// The table of contents where each `<!-- toc -->` stands.
    fn place_toc(&mut self) {
        if self.toc_at.is_empty() || self.out.toc.is_empty() {
            return;
        }
        let toc = toc_html(&self.out.toc);
        for &at in &self.toc_at {
            // An index a later rewrite moved (a marker inside a link) no
            // longer holds the marker: left as it is.
            let holds_marker =
                matches!(self.events.get(at), Some(Event::Html(h)) if h.trim() == TOC_MARKER);
            if holds_marker {
                self.events[at] = Event::Html(CowStr::from(toc.clone()));
            }
        }
    }

    pub(super) fn finish(mut self) -> Rendered {
        let notes = std::mem::take(&mut self.footnotes).finish(&mut self.events);
        self.out.toc = nest_toc(&self.flat_toc);
        self.place_toc();
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
        html.push_str(&notes);
        self.out.first_image = crate::html_urls::first_img_src(&html);
        self.out.html = Html::new(html);
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
