//! syntaxmate's tokens written the way syntect writes its own: one
//! `<span class="hl-…">` per TextMate scope, opened where the scope starts
//! and closed where it ends (across lines), its atoms as classes. So the
//! same `/highlight.css`, generated from bat's themes, colours both engines,
//! and a page's HTML keeps its shape whichever engine made it.
//!
//! It needs nothing of ssg but escaping, so the highlighter benchmark
//! (bench/highlighters/) includes this very file and measures what ssg emits.

use crate::escape::push_escaped;

/// A scope name as a grammar writes it, and the scopes written instead
/// (space-separated, outermost first; empty to drop it): where VS Code's
/// grammar names a token otherwise than bat's, the theme CSS (whose
/// selectors are bat's scopes) would colour it otherwise. The name may
/// carry its context: `"outer inner"` renames `inner` only directly inside
/// `outer`, and `"scope $"` renames `scope` only where it is the token's
/// innermost (the token has no scope of its own).
pub type ScopeRename = (&'static str, &'static str);

/// Appends the spans of `document` (syntaxmate's tokens of `code`) to `html`.
/// `None` when the tokens do not fit the text (a grammar bug; the caller
/// then uses the other engine), never a panic.
pub fn push_scope_spans(
    html: &mut String,
    code: &str,
    document: &syntaxmate::TokenizedDocument,
    renames: &[ScopeRename],
) -> Option<()> {
    // The scopes whose spans are open at this point of the HTML, outermost first.
    let mut open: Vec<&str> = Vec::new();
    let mut scopes: Vec<&str> = Vec::new();
    for (chunk, line) in code.split_inclusive('\n').zip(document.lines()) {
        let without_newline = chunk.strip_suffix('\n').unwrap_or(chunk);
        let text = without_newline
            .strip_suffix('\r')
            .unwrap_or(without_newline);
        let mut at = 0;
        for token in line.tokens() {
            let range = token.range();
            push_escaped(html, text.get(at..range.start)?);
            scopes.clear();
            let mut outer = "";
            let mut names = token.scopes().peekable();
            while let Some(scope) = names.next() {
                let innermost = names.peek().is_none();
                let written = renamed(outer, scope, innermost, renames);
                scopes.extend(written.split(' ').filter(|s| !s.is_empty()));
                outer = scope;
            }
            let kept = open.iter().zip(&scopes).take_while(|(a, b)| a == b).count();
            for _ in kept..open.len() {
                html.push_str("</span>");
            }
            open.truncate(kept);
            for scope in &scopes[kept..] {
                push_span(html, scope);
                open.push(scope);
            }
            push_escaped(html, text.get(range.clone())?);
            at = range.end;
        }
        push_escaped(html, text.get(at..)?);
        push_escaped(html, &chunk[text.len()..]);
    }
    for _ in &open {
        html.push_str("</span>");
    }
    Some(())
}

fn renamed<'a>(outer: &str, scope: &'a str, innermost: bool, renames: &[ScopeRename]) -> &'a str {
    let applies = |from: &str| match from.split_once(' ') {
        Some((name, "$")) => innermost && name == scope,
        Some((parent, name)) => parent == outer && name == scope,
        None => from == scope,
    };
    // Rules with a context come first in a table, so they win.
    match renames.iter().find(|(from, _)| applies(from)) {
        Some((_, to)) => to,
        None => scope,
    }
}

/// `<span class="hl-keyword hl-control hl-rust">` for `keyword.control.rust`,
/// as syntect's `ClassStyle::SpacedPrefixed { prefix: "hl-" }` writes it.
fn push_span(html: &mut String, scope: &str) {
    html.push_str("<span class=\"");
    for (i, atom) in scope.split('.').enumerate() {
        html.push_str(if i == 0 { "hl-" } else { " hl-" });
        push_escaped(html, atom);
    }
    html.push_str("\">");
}
