//! Zola shortcodes in Markdown: `{{ name(args) }}` and
//! `{% name(args) %}body{% end %}`. The ones Zola once had built in
//! (youtube, vimeo, streamable, gist) become HTML unless the site defines
//! its own; a site's own shortcodes are reported, not guessed, and stay
//! visible as text. `{{/* … */}}`, Zola's way to show a shortcode
//! literally, becomes the literal text.

use std::collections::BTreeMap;
use std::path::Path;

use crate::error::line_of_offset;
use crate::import::Report;

/// The body with built-in shortcodes replaced; every other shortcode noted.
pub fn convert(
    src: &Path,
    body: &str,
    line_offset: usize,
    shown: &Path,
    report: &mut Report,
) -> String {
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(at) = rest.find(['{']) {
        out.push_str(&rest[..at]);
        let here = &rest[at..];
        let line = line_offset + line_of_offset(body, body.len() - here.len());
        let (consumed, replacement) = match call_at(here) {
            Some(call) => (call.len, expand(src, &call, line, shown, report)),
            None => (1, None),
        };
        match replacement {
            Some(text) => out.push_str(&text),
            None => out.push_str(&here[..consumed]),
        }
        rest = &here[consumed..];
    }
    out.push_str(rest);
    out
}

/// One shortcode call (or escaped call) at the start of a text.
#[derive(Debug, PartialEq)]
struct Call<'a> {
    name: &'a str,
    args: BTreeMap<String, String>,
    /// The body of a `{% %}…{% end %}` call.
    body: Option<&'a str>,
    /// The literal text of an escaped call.
    literal: Option<String>,
    /// Bytes the call spans.
    len: usize,
}

fn call_at(text: &str) -> Option<Call<'_>> {
    for (open, close, tag) in [
        ("{{/*", "*/}}", ("{{", "}}")),
        ("{%/*", "*/%}", ("{%", "%}")),
    ] {
        if let Some(inner) = text.strip_prefix(open) {
            let end = inner.find(close)?;
            return Some(Call {
                name: "",
                args: BTreeMap::new(),
                body: None,
                literal: Some(format!("{}{}{}", tag.0, &inner[..end], tag.1)),
                len: open.len() + end + close.len(),
            });
        }
    }
    let (block, inner) = if let Some(inner) = text.strip_prefix("{{") {
        (false, inner)
    } else {
        (true, text.strip_prefix("{%")?)
    };
    let trimmed = inner.trim_start();
    let name_len = trimmed.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))?;
    let name = &trimmed[..name_len];
    if name.is_empty() || !trimmed[name_len..].starts_with('(') {
        return None;
    }
    let args_start = trimmed[name_len + 1..].as_ptr() as usize - text.as_ptr() as usize;
    let args_len = closing_paren(&text[args_start..])?;
    let after = &text[args_start + args_len + 1..];
    let close = if block { "%}" } else { "}}" };
    let gap = after.len() - after.trim_start().len();
    if !after[gap..].starts_with(close) {
        return None;
    }
    let mut len = args_start + args_len + 1 + gap + close.len();
    let args = parse_args(&text[args_start..args_start + args_len]);
    let body = if block {
        let (body, end_len) = block_body(&text[len..])?;
        len += body.len() + end_len;
        Some(body)
    } else {
        None
    };
    Some(Call {
        name,
        args,
        body,
        literal: None,
        len,
    })
}

/// Length up to the `)` that closes an argument list, quotes respected.
fn closing_paren(text: &str) -> Option<usize> {
    let mut quote = None;
    let mut depth = 0usize;
    for (i, c) in text.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'' | '`') => quote = Some(c),
            (None, '[') => depth += 1,
            (None, ']') => depth = depth.saturating_sub(1),
            (None, ')') if depth == 0 => return Some(i),
            (None, '\n') => return None,
            _ => {}
        }
    }
    None
}

/// The body up to `{% end %}`, and the length of that closing tag.
fn block_body(text: &str) -> Option<(&str, usize)> {
    let mut from = 0;
    while let Some(at) = text[from..].find("{%") {
        let start = from + at;
        let inner = &text[start + 2..];
        let word = inner.trim_start();
        if let Some(rest) = word.strip_prefix("end") {
            let rest_trim = rest.trim_start();
            if rest_trim.starts_with("%}") {
                let tag_len = 2 + (inner.len() - rest_trim.len()) + 2;
                return Some((&text[..start], tag_len));
            }
        }
        from = start + 2;
    }
    None
}

/// `id="x", autoplay=true` → {id: x, autoplay: true}.
fn parse_args(text: &str) -> BTreeMap<String, String> {
    let mut args = BTreeMap::new();
    let mut rest = text.trim();
    while let Some(eq) = rest.find('=') {
        let key = rest[..eq].trim().trim_start_matches(',').trim().to_string();
        let value = rest[eq + 1..].trim_start();
        let (value_text, next) = match value.chars().next() {
            Some(q @ ('"' | '\'' | '`')) => {
                let end = value[1..].find(q).map_or(value.len(), |e| e + 1);
                (&value[1..end], value.get(end + 1..).unwrap_or(""))
            }
            _ => {
                let end = value.find(',').unwrap_or(value.len());
                (value[..end].trim(), &value[end..])
            }
        };
        args.insert(key, value_text.to_string());
        rest = next.trim_start().trim_start_matches(',');
    }
    args
}

/// The replacement text of a call, or `None` to leave it as written.
fn expand(
    src: &Path,
    call: &Call,
    line: usize,
    shown: &Path,
    report: &mut Report,
) -> Option<String> {
    if let Some(literal) = &call.literal {
        return Some(literal.clone());
    }
    let own = ["html", "md"].iter().any(|ext| {
        src.join(format!("templates/shortcodes/{}.{ext}", call.name))
            .is_file()
    });
    let arg = |k: &str| call.args.get(k).map(|v| crate::escape::escape(v));
    let html = match (own, call.name) {
        (false, "youtube") => arg("id").map(|id| {
            iframe(
                &format!("https://www.youtube-nocookie.com/embed/{id}"),
                "YouTube video",
            )
        }),
        (false, "vimeo") => arg("id").map(|id| {
            iframe(
                &format!("https://player.vimeo.com/video/{id}"),
                "Vimeo video",
            )
        }),
        (false, "streamable") => arg("id").map(|id| {
            iframe(
                &format!("https://streamable.com/o/{id}"),
                "Streamable video",
            )
        }),
        (false, "gist") => arg("url").map(|url| format!("[Gist: {url}]({url})")),
        _ => None,
    };
    if html.is_none() {
        let whose = if own {
            format!("the site's own, templates/shortcodes/{}.html", call.name)
        } else {
            "unknown".to_string()
        };
        report.note(
            shown,
            Some(line),
            format!(
                "shortcode `{}` ({whose}) is not converted; it shows as text",
                call.name
            ),
            "replace it with Markdown or HTML",
        );
    }
    html
}

fn iframe(src: &str, title: &str) -> String {
    format!(
        "<div class=\"embed\"><iframe src=\"{src}\" title=\"{title}\" loading=\"lazy\" allowfullscreen></iframe></div>"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(body: &str) -> (String, Vec<String>) {
        let mut report = Report::default();
        let out = convert(
            Path::new("/nonexistent"),
            body,
            3,
            Path::new("content/a.md"),
            &mut report,
        );
        let notes = report
            .findings
            .iter()
            .map(|f| format!("{}:{}", f.line.unwrap_or(0), f.message))
            .collect();
        (out, notes)
    }

    #[test]
    fn built_in_shortcodes_become_html() {
        let (out, notes) = run("Watch:\n\n{{ youtube(id=\"dQw4w9WgXcQ\", autoplay=true) }}\n");
        assert!(
            out.contains("<iframe src=\"https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ\""),
            "{out}"
        );
        assert!(notes.is_empty(), "{notes:?}");
        let (out, _) = run("{{ gist(url=\"https://gist.github.com/a/1\") }}");
        assert_eq!(
            out,
            "[Gist: https://gist.github.com/a/1](https://gist.github.com/a/1)"
        );
    }

    #[test]
    fn other_shortcodes_stay_visible_and_are_reported_with_their_line() {
        let body = "a\n\n{% note(kind='warn') %}\nCareful {with} this.\n{% end %}\nb {{ figure(src=\"x.png\") }}\n";
        let (out, notes) = run(body);
        assert_eq!(out, body);
        assert_eq!(notes.len(), 2, "{notes:?}");
        assert!(notes[0].starts_with("6:shortcode `note`"), "{notes:?}");
        assert!(notes[1].starts_with("9:shortcode `figure`"), "{notes:?}");
    }

    #[test]
    fn escaped_shortcodes_become_their_literal_text() {
        let (out, notes) = run("Write `{{/* youtube(id=\"x\") */}}` and {%/* note() */%}.");
        assert_eq!(out, "Write `{{ youtube(id=\"x\") }}` and {% note() %}.");
        assert!(notes.is_empty());
    }

    #[test]
    fn braces_that_are_not_shortcodes_are_left_alone() {
        for text in [
            "{{ config.title }}",
            "{ a }",
            "{{ x(",
            "{% if a %}",
            "fn f() {}",
            "{{ é() }}",
        ] {
            let (out, notes) = run(text);
            assert_eq!(out, text);
            assert!(notes.is_empty(), "{text}: {notes:?}");
        }
    }
}
