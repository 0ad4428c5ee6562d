//! HTML in a Jekyll page, written so CommonMark reads it as kramdown did.
//! kramdown reads a block-level element that starts a line as HTML up to
//! its end tag, blank lines and indentation included; CommonMark ends an
//! HTML block at the first blank line and reads an indented line after it
//! as code, so a documentation table with a blank line inside showed its
//! rows as code. Inside such an element (and in an HTML page, all of it)
//! blank lines go and lines lose their indentation, outside `<pre>` and
//! fenced code, where whitespace matters.

/// Elements kramdown reads as a block of HTML when one starts a line.
const BLOCK_ELEMENTS: &[&str] = &[
    "article",
    "aside",
    "blockquote",
    "details",
    "div",
    "dl",
    "fieldset",
    "figure",
    "form",
    "ol",
    "section",
    "table",
    "ul",
];

/// An HTML page's body: every line as in an HTML block. Fenced code from
/// `{% highlight %}` keeps its lines, with a blank line on each side.
pub fn flatten(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut lines = Flattener::default();
    for line in body.lines() {
        lines.push(line, &mut out);
    }
    out
}

/// A Markdown page's body with its block-level HTML elements flattened.
pub fn kramdown_elements(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    // The element open at the start of a line: its name and nesting depth.
    let mut open: Option<(&str, i64)> = None;
    let mut fence: Option<String> = None;
    let mut lines = Flattener::default();
    let all: Vec<&str> = body.lines().collect();
    for (i, &line) in all.iter().enumerate() {
        let bare = line.trim_start();
        match open.as_mut() {
            Some((name, depth)) => {
                *depth += nesting(bare, name);
                lines.push(line, &mut out);
                if *depth <= 0 && !lines.inside_code() {
                    open = None;
                }
                continue;
            }
            None if fence.is_none() && line.len() - bare.len() < 4 => {
                let started = BLOCK_ELEMENTS
                    .iter()
                    .find(|name| opens(bare, name))
                    .filter(|_| !bare.contains("markdown="))
                    .filter(|name| closes(&all[i..], name));
                if let Some(name) = started {
                    let depth = nesting(bare, name);
                    lines = Flattener::default();
                    lines.push(line, &mut out);
                    if depth > 0 {
                        open = Some((name, depth));
                    }
                    continue;
                }
            }
            None => {}
        }
        // A span element's tag alone on its line starts a paragraph in
        // kramdown and an HTML block in CommonMark: joined to the text
        // after it, CommonMark reads the paragraph too.
        if fence.is_none() && opens_a_span(bare) && starts_text(all.get(i + 1)) {
            out.push_str(line);
            continue;
        }
        // Markdown's own fences: an element named inside one is code.
        if let Some(marker) = &fence {
            if bare.trim_end() == marker {
                fence = None;
            }
        } else if bare.starts_with("```") || bare.starts_with("~~~") {
            fence = Some(
                bare.chars()
                    .take_while(|c| *c == '`' || *c == '~')
                    .collect(),
            );
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// Whether the element `<name` opening `lines` ends in the text kramdown
/// gives it: the whole page, or, for one indented in a list item, that
/// item (to a blank line and a line indented less). kramdown closes one
/// left open itself, where its Markdown after it is still read: such an
/// element is left as it is written, CommonMark reading it much the same.
fn closes(lines: &[&str], name: &str) -> bool {
    let indent = |line: &str| line.len() - line.trim_start().len();
    let Some(first) = lines.first() else {
        return false;
    };
    let at = indent(first);
    let mut depth = 0;
    let mut after_blank = false;
    for line in lines {
        if line.trim().is_empty() {
            after_blank = true;
            continue;
        }
        if at > 0 && after_blank && indent(line) < at {
            return false;
        }
        after_blank = false;
        depth += nesting(line.trim_start(), name);
        if depth <= 0 {
            return true;
        }
    }
    false
}

/// Elements kramdown reads as text of a paragraph.
const SPAN_ELEMENTS: &[&str] = &[
    "a", "abbr", "b", "cite", "code", "em", "font", "i", "kbd", "mark", "q", "s", "small", "span",
    "strong", "sub", "sup", "u",
];

/// Whether `line` is one span element's opening tag and nothing else.
fn opens_a_span(line: &str) -> bool {
    let line = line.trim_end();
    line.ends_with('>')
        && line.matches('<').count() == 1
        && SPAN_ELEMENTS.iter().any(|name| opens(line, name))
}

/// Whether `line` holds text a paragraph goes on with (not blank, not
/// indented as code, not another tag).
fn starts_text(line: Option<&&str>) -> bool {
    line.is_some_and(|l| {
        let bare = l.trim_start();
        !bare.is_empty() && l.len() - bare.len() < 4 && !bare.starts_with('<')
    })
}

/// Whether `line` starts with the tag `<name` (`<div>`, `<div class…`).
fn opens(line: &str, name: &str) -> bool {
    let lower = line.get(..name.len() + 2).map(str::to_ascii_lowercase);
    lower.is_some_and(|l| {
        l.starts_with('<')
            && &l[1..=name.len()] == name
            && l[name.len() + 1..].starts_with([' ', '>', '\t', '\n'])
    }) || line.eq_ignore_ascii_case(&format!("<{name}"))
}

/// `<name` opened minus `</name>` closed in `line`.
fn nesting(line: &str, name: &str) -> i64 {
    let lower = line.to_ascii_lowercase();
    let opened = lower
        .match_indices(&format!("<{name}"))
        .filter(|(at, _)| {
            lower[at + name.len() + 1..]
                .chars()
                .next()
                .is_none_or(|c| c == '>' || c.is_whitespace())
        })
        .count();
    let closed = lower.matches(&format!("</{name}>")).count();
    opened as i64 - closed as i64
}

/// Lines of HTML, as one HTML block.
#[derive(Default)]
struct Flattener {
    fence: Option<String>,
    in_pre: bool,
}

impl Flattener {
    fn inside_code(&self) -> bool {
        self.fence.is_some() || self.in_pre
    }

    fn push(&mut self, line: &str, out: &mut String) {
        let bare = line.trim_start();
        if let Some(open) = &self.fence {
            out.push_str(line);
            out.push('\n');
            if bare.trim_end() == open {
                self.fence = None;
                out.push('\n');
            }
            return;
        }
        if self.in_pre {
            out.push_str(line);
            out.push('\n');
            self.in_pre = !line.to_ascii_lowercase().contains("</pre>");
            return;
        }
        if bare.starts_with("```") {
            self.fence = Some(bare.chars().take_while(|c| *c == '`').collect());
            if !out.is_empty() && !out.ends_with("\n\n") {
                out.push('\n');
            }
        } else if bare.is_empty() {
            return;
        }
        let lower = bare.to_ascii_lowercase();
        self.in_pre = lower.contains("<pre") && !lower.contains("</pre>");
        out.push_str(if self.fence.is_some() { line } else { bare });
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_bodies_stay_one_html_block() {
        let body = "<div>\n  <p>One</p>\n\n    <p>Two</p>\n  <pre>\n  keep\n\n  this\n  </pre>\n</div>\n```ruby\n  x = 1\n```\n<p>After</p>\n";
        assert_eq!(
            flatten(body),
            "<div>\n<p>One</p>\n<p>Two</p>\n<pre>\n  keep\n\n  this\n  </pre>\n</div>\n\n```ruby\n  x = 1\n```\n\n<p>After</p>\n"
        );
    }

    #[test]
    fn a_span_tag_alone_on_its_line_opens_a_paragraph() {
        let body = "---\n\n<small>\nArm is a trademark.<br>\n</small>\n\n<span>\n\n<div>\n</div>\n";
        assert_eq!(
            kramdown_elements(body),
            "---\n\n<small>Arm is a trademark.<br>\n</small>\n\n<span>\n\n<div>\n</div>\n"
        );
    }

    #[test]
    fn an_element_left_open_is_left_as_written() {
        let body = "* Scheduler:\n  <ol type=\"a\">\n  <li>one</li>\n\nThe *text* after.\n\n<div>\n\nnever closed\n";
        assert_eq!(kramdown_elements(body), body);
        let closed = "* x\n  <ol>\n\n  <li>a</li>\n  </ol>\n";
        assert_eq!(kramdown_elements(closed), "* x\n<ol>\n<li>a</li>\n</ol>\n");
    }

    #[test]
    fn a_table_in_markdown_stays_one_html_block_to_its_end_tag() {
        let body = "Intro\n\n    code stays\n\n<div class=\"scroll\">\n<table>\n  <tbody>\n\n    <tr><td>a</td></tr>\n  </tbody>\n</table>\n</div>\n\n    indented code again\n\n<div markdown=\"1\">\n\n  *x*\n</div>\n```html\n<div>\n\n    kept\n```\n";
        assert_eq!(
            kramdown_elements(body),
            "Intro\n\n    code stays\n\n<div class=\"scroll\">\n<table>\n<tbody>\n<tr><td>a</td></tr>\n</tbody>\n</table>\n</div>\n\n    indented code again\n\n<div markdown=\"1\">\n\n  *x*\n</div>\n```html\n<div>\n\n    kept\n```\n"
        );
    }
}
