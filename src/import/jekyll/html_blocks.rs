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
    for line in body.lines() {
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
                    .filter(|_| !bare.contains("markdown="));
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
    fn a_table_in_markdown_stays_one_html_block_to_its_end_tag() {
        let body = "Intro\n\n    code stays\n\n<div class=\"scroll\">\n<table>\n  <tbody>\n\n    <tr><td>a</td></tr>\n  </tbody>\n</table>\n</div>\n\n    indented code again\n\n<div markdown=\"1\">\n\n  *x*\n</div>\n```html\n<div>\n\n    kept\n```\n";
        assert_eq!(
            kramdown_elements(body),
            "Intro\n\n    code stays\n\n<div class=\"scroll\">\n<table>\n<tbody>\n<tr><td>a</td></tr>\n</tbody>\n</table>\n</div>\n\n    indented code again\n\n<div markdown=\"1\">\n\n  *x*\n</div>\n```html\n<div>\n\n    kept\n```\n"
        );
    }
}
