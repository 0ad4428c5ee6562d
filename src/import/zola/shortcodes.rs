//! Zola shortcodes in Markdown: `{{ name(args) }}` and
//! `{% name(args) %}body{% end %}`, which ssg reads with the same syntax.
//! Calls to the site's own shortcodes (copied by `shortcode_files`) and to
//! the ones ssg has built in (youtube, vimeo, gist) stay as written;
//! `streamable`, which Zola once had built in, becomes its iframe. Any other
//! call would stop ssg's build, so it is escaped (`{{/* … */}}`, shown as
//! text) and reported. Escaped calls stay escaped.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::error::line_of_offset;
use crate::import::Report;

/// The body with built-in shortcodes replaced; every other shortcode noted.
pub fn convert(
    usable: &BTreeSet<String>,
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
        let Some(call) = call_at(here) else {
            out.push('{');
            rest = &here[1..];
            continue;
        };
        match expand(usable, &call, here, line, shown, report) {
            Some(text) => out.push_str(&text),
            // A kept block's body may call shortcodes too (tabi's
            // `wide_container` around a `dual_theme_image`).
            None => match call.body {
                Some(inner) if call.literal.is_none() => {
                    let inner_start = body.len() - here.len() + call.head_len;
                    let inner_line = line_offset + line_of_offset(body, inner_start) - 1;
                    out.push_str(&here[..call.head_len]);
                    out.push_str(&convert(usable, inner, inner_line, shown, report));
                    out.push_str(&here[call.head_len + inner.len()..call.len]);
                }
                _ => out.push_str(&here[..call.len]),
            },
        }
        rest = &here[call.len..];
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
    /// Bytes of its opening tag (`{{ name(…) }}` or `{% name(…) %}`).
    head_len: usize,
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
                head_len: open.len() + end + close.len(),
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
    let head_len = len;
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
        head_len,
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
            // Zola reads arguments over several lines (one per line, as
            // tabi's `multilingual_quote` is written); a blank line ends
            // the paragraph, so `{{ x(` in prose matches nothing past it.
            (None, '\n')
                if text[i + 1..]
                    .trim_start_matches([' ', '\t', '\r'])
                    .starts_with('\n') =>
            {
                return None;
            }
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
/// `text` starts with the call.
fn expand(
    usable: &BTreeSet<String>,
    call: &Call,
    text: &str,
    line: usize,
    shown: &Path,
    report: &mut Report,
) -> Option<String> {
    if call.literal.is_some() || usable.contains(call.name) {
        return None;
    }
    match call.name {
        "youtube" | "vimeo" | "gist" => return None,
        "streamable" => {
            if let Some(id) = call.args.get("id") {
                return Some(iframe(
                    &format!("https://streamable.com/o/{}", crate::escape::escape(id)),
                    "Streamable video",
                ));
            }
        }
        _ => {}
    }
    report.note(
        shown,
        Some(line),
        format!(
            "shortcode `{}` has no template ssg can render; the call is shown as text",
            call.name
        ),
        "write templates/shortcodes/NAME.html (README: Shortcodes) and remove the `/* */` around the call",
    );
    // `{{ x() }}` → `{{/* x() */}}`; a block's body and `{% end %}` stay,
    // which ssg shows as text.
    let head = &text[..call.head_len];
    let (open, close) = (&head[..2], &head[head.len() - 2..]);
    let inner = &head[2..head.len() - 2];
    Some(format!(
        "{open}/*{inner}*/{close}{}",
        &text[call.head_len..call.len]
    ))
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
        let usable: BTreeSet<String> = ["own".to_string()].into();
        let out = convert(&usable, body, 3, Path::new("content/a.md"), &mut report);
        let notes = report
            .findings
            .iter()
            .map(|f| format!("{}:{}", f.line.unwrap_or(0), f.message))
            .collect();
        (out, notes)
    }

    #[test]
    fn calls_ssg_can_render_stay_as_written() {
        let body =
            "Watch:\n\n{{ youtube(id=\"dQw4w9WgXcQ\", autoplay=true) }}\n{% own(a=1) %}x{% end %}";
        let (out, notes) = run(body);
        assert_eq!(out, body);
        assert!(notes.is_empty(), "{notes:?}");
        let (out, _) = run("{{ streamable(id=\"abc\") }}");
        assert!(out.contains("https://streamable.com/o/abc"), "{out}");
    }

    #[test]
    fn other_shortcodes_are_escaped_and_reported_with_their_line() {
        let body = "a\n\n{% tip(kind='warn') %}\nCareful {with} this.\n{% end %}\nb {{ chart(src=\"x.png\") }}\n";
        let (out, notes) = run(body);
        assert_eq!(
            out,
            "a\n\n{%/* tip(kind='warn') */%}\nCareful {with} this.\n{% end %}\nb {{/* chart(src=\"x.png\") */}}\n"
        );
        assert_eq!(notes.len(), 2, "{notes:?}");
        assert!(notes[0].starts_with("6:shortcode `tip`"), "{notes:?}");
        assert!(notes[1].starts_with("9:shortcode `chart`"), "{notes:?}");
    }

    #[test]
    fn calls_in_a_kept_blocks_body_and_over_several_lines_are_read() {
        let body = "{% own() %}\n<a href=\"x\">\n{{ chart(src=\"a.png\") }}\n</a>\n{% end %}\n\
                    {{ quote(original=\"a\",\ntranslated=\"b\") }}\n";
        let (out, notes) = run(body);
        assert_eq!(
            out,
            "{% own() %}\n<a href=\"x\">\n{{/* chart(src=\"a.png\") */}}\n</a>\n{% end %}\n\
             {{/* quote(original=\"a\",\ntranslated=\"b\") */}}\n"
        );
        assert!(notes[0].starts_with("6:shortcode `chart`"), "{notes:?}");
        assert!(notes[1].starts_with("9:shortcode `quote`"), "{notes:?}");
        let (out, notes) = run("{{ x(a=1,\n\nb=2) }}");
        assert_eq!(out, "{{ x(a=1,\n\nb=2) }}", "a blank line ends a call");
        assert!(notes.is_empty());
    }

    #[test]
    fn escaped_shortcodes_stay_escaped() {
        let body = "Write `{{/* youtube(id=\"x\") */}}` and {%/* note() */%}.";
        let (out, notes) = run(body);
        assert_eq!(out, body);
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
