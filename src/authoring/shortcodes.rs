//! Expanding shortcode calls before the Markdown is parsed.
//!
//! A `NAME.md` shortcode's output is Markdown and takes the call's place
//! in the text. A `NAME.html` one's output is HTML, which Markdown must not
//! touch (a blank line inside it would end an HTML block): the call becomes
//! a placeholder word, and the renderer puts the HTML where that word ends
//! up — without the paragraph around it when the call stood alone. A body
//! (`{% NAME() %}…{% end %}`) has its own calls expanded first and is given
//! to the template as `body`, as written (Markdown, or HTML from calls).

use std::collections::HashMap;
use std::ops::Range;

use serde_json::Value;
use tera::Context;

use super::parse::{self, Call, Piece};
use super::{Authoring, SHORTCODES_DIR};

/// What a shortcode template writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Writes {
    Html,
    Markdown,
}

/// The shortcodes a site has, by name, from its template names
/// (`shortcodes/youtube.html`); `.html` wins over `.md` of one name.
pub fn shortcodes_in<'n>(names: impl Iterator<Item = &'n str>) -> HashMap<String, Writes> {
    let mut found = HashMap::new();
    for name in names {
        let Some(file) = name.strip_prefix(SHORTCODES_DIR) else {
            continue;
        };
        if let Some(short) = file.strip_suffix(".html") {
            found.insert(short.to_string(), Writes::Html);
        } else if let Some(short) = file.strip_suffix(".md") {
            found.entry(short.to_string()).or_insert(Writes::Markdown);
        }
    }
    found
}

/// A body with its calls expanded, ready for the Markdown parser.
#[derive(Debug, Default)]
pub struct Expanded {
    pub markdown: String,
    pub placeholders: Placeholders,
    pub lines: LineMap,
}

/// A shortcode that could not be expanded: where, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShortcodeError {
    /// Byte offset of the call in the original body.
    pub offset: usize,
    pub message: String,
}

/// Expands every call in `body`. `code` holds the byte ranges of its code
/// spans and blocks, where nothing is expanded.
pub fn expand(
    body: &str,
    code: &[Range<usize>],
    authoring: &Authoring,
) -> Result<Expanded, ShortcodeError> {
    let pieces = parse::parse(body, code, 0).map_err(|e| ShortcodeError {
        offset: e.offset,
        message: e.message,
    })?;
    let mut expander = Expander {
        authoring,
        code,
        counts: HashMap::new(),
        depth: 0,
        placeholders: Placeholders::for_body(body),
    };
    let mut out = Expanded::default();
    let mut original = 0;
    for piece in pieces {
        let start = out.markdown.len();
        match piece {
            Piece::Text(text) => {
                out.lines.copied(start, original);
                out.markdown.push_str(text);
                original += text.len();
            }
            Piece::Literal(text) => {
                out.lines.moved(start, original);
                out.markdown.push_str(&text);
                original += literal_len(body, original);
            }
            Piece::Call(call) => {
                out.lines.moved(start, call.offset);
                let text = expander.call(&call, true)?;
                out.markdown.push_str(&text);
                original = call.end;
            }
        }
    }
    out.placeholders = expander.placeholders;
    Ok(out)
}

/// The length of the escaped call written at `at` (`{{/* … */}}`).
fn literal_len(body: &str, at: usize) -> usize {
    let close = if body[at..].starts_with("{{") {
        "*/}}"
    } else {
        "*/%}"
    };
    body[at..].find(close).map_or(body.len() - at, |i| i + 4)
}

struct Expander<'a, 'p> {
    authoring: &'a Authoring<'p>,
    code: &'a [Range<usize>],
    /// Calls so far per shortcode: `nth` counts from 1, as in Zola.
    counts: HashMap<String, usize>,
    depth: usize,
    placeholders: Placeholders,
}

/// How deep bodies may nest calls; deeper is surely a mistake.
const MAX_DEPTH: usize = 32;

impl Expander<'_, '_> {
    /// Renders one call. Where its text goes into the page's Markdown
    /// (`into_page`), HTML is held behind a placeholder word.
    fn call(&mut self, call: &Call, into_page: bool) -> Result<String, ShortcodeError> {
        let error = |message: String| ShortcodeError {
            offset: call.offset,
            message,
        };
        let writes = self
            .authoring
            .templates
            .shortcode(call.name)
            .ok_or_else(|| error(unknown(call.name, self.authoring)))?;
        let mut ctx: Context = self.authoring.context();
        for (key, value) in &call.args {
            ctx.insert(key.to_string(), value);
        }
        if let Some(inner) = call.body {
            if self.depth >= MAX_DEPTH {
                return Err(error(format!(
                    "shortcode bodies nest more than {MAX_DEPTH} deep"
                )));
            }
            self.depth += 1;
            let body_into_page = into_page && writes == Writes::Markdown;
            let body = self.body(inner, call.body_offset, body_into_page);
            self.depth -= 1;
            ctx.insert("body", &body?);
        }
        let nth = self.counts.entry(call.name.to_string()).or_insert(0);
        *nth += 1;
        ctx.insert("nth", &Value::from(*nth));
        let ext = match writes {
            Writes::Html => "html",
            Writes::Markdown => "md",
        };
        let template = format!("{SHORTCODES_DIR}{}.{ext}", call.name);
        let out = self
            .authoring
            .templates
            .render(&template, &ctx)
            .map_err(|m| error(format!("shortcode `{}`: {m}", call.name)))?;
        Ok(match writes {
            Writes::Html if into_page => self.placeholders.hold(out),
            _ => out,
        })
    }

    /// A body with its own calls expanded, their output written in place.
    fn body(&mut self, inner: &str, at: usize, into_page: bool) -> Result<String, ShortcodeError> {
        let code: Vec<Range<usize>> = self
            .code
            .iter()
            .filter(|r| r.end > at && r.start < at + inner.len())
            .map(|r| r.start.saturating_sub(at)..r.end.saturating_sub(at).min(inner.len()))
            .collect();
        let pieces = parse::parse(inner, &code, at).map_err(|e| ShortcodeError {
            offset: e.offset,
            message: e.message,
        })?;
        let mut out = String::with_capacity(inner.len());
        for piece in pieces {
            match piece {
                Piece::Text(t) => out.push_str(t),
                Piece::Literal(t) => out.push_str(&t),
                Piece::Call(call) => out.push_str(&self.call(&call, into_page)?),
            }
        }
        Ok(out)
    }
}

fn unknown(name: &str, authoring: &Authoring) -> String {
    let known = authoring.templates.shortcode_names();
    format!(
        "unknown shortcode `{name}`: add templates/shortcodes/{name}.html (or .md); known: {}",
        known.join(", ")
    )
}

/// HTML held out of the Markdown, each behind a word the parser leaves
/// alone: `ssgsc` + a tag no word of the body has + its number + `z`.
#[derive(Debug, Default)]
pub struct Placeholders {
    prefix: String,
    outputs: Vec<String>,
}

/// A run of text with placeholders: text, or held HTML.
#[derive(Debug, PartialEq, Eq)]
pub enum Part<'a> {
    Text(&'a str),
    Html(&'a str),
}

impl Placeholders {
    pub(crate) fn for_body(body: &str) -> Placeholders {
        let mut tag = crate::hash::of(body) as u32;
        let mut prefix = format!("ssgsc{tag:08x}n");
        while body.contains(&prefix) {
            tag = tag.wrapping_add(1);
            prefix = format!("ssgsc{tag:08x}n");
        }
        Placeholders {
            prefix,
            outputs: Vec::new(),
        }
    }

    pub(crate) fn hold(&mut self, html: String) -> String {
        self.outputs.push(html);
        format!("{}{}z", self.prefix, self.outputs.len() - 1)
    }

    pub fn is_empty(&self) -> bool {
        self.outputs.is_empty()
    }

    /// Raw HTML of the page with each placeholder replaced by the HTML it
    /// holds; `None` when it has none. A shortcode called inside an HTML
    /// block (`<div>` … `</div>`) reaches the renderer as part of that block.
    pub fn fill(&self, html: &str) -> Option<String> {
        let parts = self.split(html)?;
        Some(
            parts
                .iter()
                .fold(String::with_capacity(html.len()), |mut out, part| {
                    out.push_str(match part {
                        Part::Text(t) | Part::Html(t) => t,
                    });
                    out
                }),
        )
    }

    /// `text` split at its placeholders; `None` when it has none.
    pub fn split<'s>(&'s self, text: &'s str) -> Option<Vec<Part<'s>>> {
        if self.is_empty() || !text.contains(&self.prefix) {
            return None;
        }
        let mut parts = Vec::new();
        let mut rest = text;
        while let Some(at) = rest.find(&self.prefix) {
            let after = &rest[at + self.prefix.len()..];
            let digits = after.bytes().take_while(u8::is_ascii_digit).count();
            let held = after[..digits]
                .parse::<usize>()
                .ok()
                .filter(|_| after[digits..].starts_with('z'))
                .and_then(|i| self.outputs.get(i));
            match held {
                Some(html) => {
                    if at > 0 {
                        parts.push(Part::Text(&rest[..at]));
                    }
                    parts.push(Part::Html(html));
                    rest = &after[digits + 1..];
                }
                None => {
                    let keep = at + self.prefix.len();
                    parts.push(Part::Text(&rest[..keep]));
                    rest = &rest[keep..];
                }
            }
        }
        if !rest.is_empty() {
            parts.push(Part::Text(rest));
        }
        Some(parts)
    }
}

/// Where each part of the expanded text came from in the body, so lines
/// (of links, warnings, errors) are the lines the author wrote.
#[derive(Debug, Default)]
pub struct LineMap {
    /// (offset in the expanded text, offset in the body, copied as is).
    segments: Vec<(usize, usize, bool)>,
}

impl LineMap {
    fn copied(&mut self, expanded: usize, original: usize) {
        self.segments.push((expanded, original, true));
    }

    fn moved(&mut self, expanded: usize, original: usize) {
        self.segments.push((expanded, original, false));
    }

    /// The body offset that `expanded` came from: itself where no call was
    /// expanded before it, the call's own offset inside a call's output.
    pub fn original(&self, expanded: usize) -> usize {
        let at = self.segments.partition_point(|s| s.0 <= expanded);
        match at.checked_sub(1).map(|i| self.segments[i]) {
            Some((start, original, true)) => original + (expanded - start),
            Some((_, original, false)) => original,
            None => expanded,
        }
    }
}
