//! Where converted (or unconverted) text lands in the Markdown around it:
//! inside a link's target, an open HTML tag, a code span or fence.

/// Leaves a construct as it was, visible. Where it would be a link's
/// target it is taken out of the link, so the page shows it as text and
/// `ssg check` does not report a link to `{{ … }}`: a Markdown link's `](`
/// becomes `]\(` (shown as written), an HTML tag's `<` becomes `&lt;`.
pub fn leave(out: &mut String, text: &str) {
    let destination = out
        .rfind("](")
        .filter(|at| !out[at + 2..].contains([')', ' ', '\n']));
    if let Some(at) = destination {
        out.insert(at + 1, '\\');
    } else if let Some(at) = open_tag(out) {
        out.replace_range(at..at + 1, "&lt;");
    }
    match text.get(2..text.len().saturating_sub(2)) {
        Some(inner) if reads_as_call(inner) => {
            let close = if text.starts_with("{{") { "}}" } else { "%}" };
            out.push_str(&format!("{}/*{inner}*/{close}", &text[..2]));
        }
        _ => out.push_str(text),
    }
}

/// `name(` at the start of a tag's inner text: ssg would read it as a
/// shortcode call (and stop at an unknown name).
fn reads_as_call(inner: &str) -> bool {
    let inner = inner.trim_start_matches('-').trim_start();
    let name_len = inner
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(inner.len());
    name_len > 0 && inner[name_len..].trim_start().starts_with('(')
}

/// Whether the end of `out` is inside fenced code or a code span, where
/// Jekyll runs Liquid but ssg calls no shortcode.
pub fn in_code(out: &str) -> bool {
    let mut fenced = false;
    for line in out.lines() {
        let bare = line.trim_start();
        if bare.starts_with("```") || bare.starts_with("~~~") {
            fenced = !fenced;
        }
    }
    let line = out.rsplit('\n').next().unwrap_or(out);
    fenced || line.matches('`').count() % 2 == 1
}

/// Where the HTML tag still open at the end of `out` starts.
fn open_tag(out: &str) -> Option<usize> {
    let at = out.rfind('<')?;
    let opens_tag = out[at + 1..].starts_with(|c: char| c.is_ascii_alphabetic());
    (opens_tag && !out[at..].contains('>')).then_some(at)
}

pub fn in_markdown_link(out: &str) -> bool {
    let tail = out.trim_end_matches(' ');
    out.ends_with("](") || out.ends_with("](<") || tail.ends_with("]:")
}

/// Code as a fence on its own lines, longer than any run of backticks in
/// the code (a `{% highlight %}` block).
pub fn fence(lang: &str, code: &str, out: &mut String) {
    let mut longest = 0;
    let mut run = 0;
    for c in code.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat((longest + 1).max(3));
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    let code = code
        .strip_prefix("\r\n")
        .or_else(|| code.strip_prefix('\n'))
        .unwrap_or(code);
    let code = code.trim_end_matches([' ', '\t', '\r', '\n']);
    out.push_str(&format!("{fence}{lang}\n{code}\n{fence}"));
}
