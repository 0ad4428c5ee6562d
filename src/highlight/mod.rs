//! Syntax highlighting at build time: class-based spans (so the colours live
//! in one `/highlight.css`, generated from bat's themes by syntect).
//!
//! Two engines write the same `hl-` scope classes: syntaxmate for the fence
//! words measured to look exactly as syntect colours them (`adopted.rs`,
//! issue 29: it is several times faster), syntect with bat's grammars for
//! every other word. Every block has a size budget; past it, or when an
//! engine gives up, it is emitted as plain escaped code.

mod adopted;
mod fence_words;
#[cfg(test)]
mod looks;
mod scope_spans;
mod syntect_engine;
#[cfg(test)]
mod tests;
mod textmate;

use syntect::html::css_for_theme_with_class_style;

use crate::escape::escape;
use syntect_engine::CLASS_STYLE;
pub use syntect_engine::TIMED_OUT;

/// Longest line that is highlighted; minified code past this falls back to plain.
pub const MAX_LINE_BYTES: usize = 4_000;
/// Largest block that is highlighted.
pub const MAX_BLOCK_BYTES: usize = 256 * 1024;

/// The language word of a fence info string: "rust,linenos" or "rust {.x}" → "rust".
pub fn fence_language(info: &str) -> Option<&str> {
    let lang = info
        .split(|c: char| c == ',' || c.is_whitespace() || c == '{')
        .next()
        .unwrap_or("")
        .trim();
    (!lang.is_empty()).then_some(lang)
}

/// Result of highlighting one block.
pub struct Highlighted {
    pub html: String,
    /// Why the block was emitted plain although its language is known.
    pub fell_back: Option<&'static str>,
}

/// Renders a fenced code block to `<pre>` HTML. `highlight = false` or an
/// unknown language gives plain escaped code, never an error.
pub fn code_block(code: &str, lang: Option<&str>, highlight: bool) -> Highlighted {
    let lang_attr = lang.map(escape).unwrap_or_default();
    let plain = |reason| Highlighted {
        html: plain_block(code, &lang_attr),
        fell_back: reason,
    };
    let Some(word) = lang.filter(|_| highlight) else {
        return plain(None);
    };
    let adopted = textmate::language_for(word);
    let syntax = syntect_engine::find_syntax(word);
    if adopted.is_none() && syntax.is_none() {
        return plain(None);
    }
    if code.len() > MAX_BLOCK_BYTES {
        return plain(Some("block too large to highlight"));
    }
    if code.lines().any(|l| l.len() > MAX_LINE_BYTES) {
        return plain(Some("line too long to highlight"));
    }
    let spans = match (adopted.and_then(|l| textmate::scope_spans(code, l)), syntax) {
        (Some(spans), _) => spans,
        (None, Some(syntax)) => match syntect_engine::scope_spans(code, syntax) {
            Ok(spans) => spans,
            Err(reason) => return plain(Some(reason)),
        },
        (None, None) => return plain(Some("the grammar failed on this block")),
    };
    let mut html = String::with_capacity(spans.len() + 96);
    html.push_str("<pre class=\"hl-code\" data-lang=\"");
    html.push_str(&lang_attr);
    html.push_str("\"><code class=\"language-");
    html.push_str(&lang_attr);
    html.push_str("\">");
    html.push_str(&spans);
    html.push_str("</code></pre>\n");
    Highlighted {
        html,
        fell_back: None,
    }
}

fn plain_block(code: &str, lang_attr: &str) -> String {
    let mut html = String::with_capacity(code.len() + 64);
    if lang_attr.is_empty() {
        html.push_str("<pre class=\"hl-code\"><code>");
    } else {
        html.push_str("<pre class=\"hl-code\" data-lang=\"");
        html.push_str(lang_attr);
        html.push_str("\"><code class=\"language-");
        html.push_str(lang_attr);
        html.push_str("\">");
    }
    html.push_str(&escape(code));
    html.push_str("</code></pre>\n");
    html
}

/// Names of every highlight theme `highlight_theme` accepts.
pub fn theme_names() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = two_face::theme::EmbeddedLazyThemeSet::theme_names()
        .iter()
        .map(|n| n.as_name())
        .collect();
    names.sort_unstable();
    names
}

/// The theme of ours another tool's theme name stands for, if any: names
/// compared without case or punctuation (Zola's `base16-ocean-dark`, Hugo's
/// `dracula`, ours `base16-ocean.dark`, `Dracula`).
pub fn theme_named_like(name: &str) -> Option<&'static str> {
    let key = |s: &str| {
        s.chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect::<String>()
    };
    let wanted = key(name);
    theme_names().into_iter().find(|n| key(n) == wanted)
}

/// The stylesheet for `theme`, matching the classes [`code_block`] emits.
pub fn theme_css(theme: &str) -> Result<String, String> {
    let name = two_face::theme::EmbeddedLazyThemeSet::theme_names()
        .iter()
        .find(|n| n.as_name() == theme)
        .ok_or_else(|| {
            format!(
                "unknown highlight_theme \"{theme}\"; available: {}",
                theme_names().join(", ")
            )
        })?;
    let themes = two_face::theme::extra();
    css_for_theme_with_class_style(themes.get(*name), CLASS_STYLE).map_err(|e| e.to_string())
}
