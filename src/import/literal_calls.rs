//! Text of an imported page that ssg would read as a shortcode call: a
//! Hugo or Jekyll post writing `{{ url_for('x') }}` or `{% raw(…) %}` in
//! prose (outside code) meant it as text, but ssg would look for a
//! shortcode of that name and stop the build. Such an opening is written
//! `{\{` / `{\%`, which Markdown shows as `{{` / `{%` and ssg does not read
//! as a call.

use std::ops::Range;

use crate::error::line_of_offset;
use crate::markdown::{MarkdownOptions, code_ranges};

/// `body` with every call-shaped opening outside code (and outside the
/// byte ranges `verbatim`, code the source's own syntax marks) made
/// literal, and the body lines (1-based) where one was.
pub fn made_literal(body: &str, verbatim: &[Range<usize>]) -> (String, Vec<usize>) {
    let openings = call_openings(body);
    if openings.is_empty() {
        return (body.to_string(), Vec::new());
    }
    let code = code_ranges(body, MarkdownOptions::default());
    let in_code = |at: usize| {
        code.iter()
            .chain(verbatim)
            .any(|r: &Range<usize>| r.contains(&at))
    };
    let mut out = String::with_capacity(body.len() + openings.len());
    let mut lines = Vec::new();
    let mut from = 0;
    for at in openings.into_iter().filter(|&at| !in_code(at)) {
        out.push_str(&body[from..=at]);
        out.push('\\');
        from = at + 1;
        lines.push(line_of_offset(body, at));
    }
    out.push_str(&body[from..]);
    (out, lines)
}

/// Where `{{` or `{%` is followed by a name and `(`, as ssg's calls are.
fn call_openings(body: &str) -> Vec<usize> {
    let bytes = body.as_bytes();
    let mut found = Vec::new();
    for at in memchr::memchr_iter(b'{', bytes) {
        if !matches!(bytes.get(at + 1), Some(b'{' | b'%')) {
            continue;
        }
        let rest = body[at + 2..].trim_start();
        let name_len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        let starts_name = rest.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_');
        if starts_name && rest[name_len..].trim_start().starts_with('(') {
            found.push(at);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn call_shaped_prose_is_made_literal_and_code_is_left_alone() {
        let (out, lines) = made_literal(
            "Use {{ url_for('x') }} and\n{% raw() %}, not `{{ f(1) }}`.\n",
            &[],
        );
        assert_eq!(
            out,
            "Use {\\{ url_for('x') }} and\n{\\% raw() %}, not `{{ f(1) }}`.\n"
        );
        assert_eq!(lines, vec![1, 2]);
        let plain = "{{< youtube x >}} {{ .Site.Title }} {% if a %}";
        assert_eq!(made_literal(plain, &[]), (plain.to_string(), vec![]));
        let verbatim = vec![0..3, 99..100];
        assert_eq!(made_literal("{{ f() }}", &verbatim).1, Vec::<usize>::new());
    }

    #[test]
    fn what_ssg_then_reads_is_text() {
        let (out, _) = made_literal("a {{ f(x=1) }} b", &[]);
        let pieces = crate::authoring::parse::parse(&out, &[], 0).expect("parses");
        assert!(
            pieces
                .iter()
                .all(|p| !matches!(p, crate::authoring::parse::Piece::Call(_))),
            "{pieces:?}"
        );
    }
}
