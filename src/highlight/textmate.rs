//! syntaxmate (VS Code's TextMate grammars, pure Rust, ~3.8× syntect's
//! speed per core here) for the fence words in `adopted.rs`.
//!
//! One highlighter per process, shared by the build's threads: it prepares
//! a language's grammar at first use and keeps it, with a few idle
//! tokenizers per language so parallel blocks do not re-prepare.

use std::sync::OnceLock;

use crate::highlight::adopted::{adopted_language, renames_for};
use crate::highlight::scope_spans::push_scope_spans;

fn highlighter() -> &'static syntaxmate::Highlighter {
    static SHARED: OnceLock<syntaxmate::Highlighter> = OnceLock::new();
    SHARED.get_or_init(|| {
        let threads = std::thread::available_parallelism().map_or(4, |n| n.get());
        let options = syntaxmate::HighlighterOptions {
            // More than ADOPTED's languages: a prepared grammar is never evicted.
            prepared_languages: 64,
            idle_tokenizers_per_language: threads,
            ..Default::default()
        };
        syntaxmate::Highlighter::with_catalog_options(&syntaxmate::Catalog::bundled(), options)
    })
}

/// syntaxmate's language for a fence word, when that word is adopted.
pub fn language_for(word: &str) -> Option<&'static str> {
    if word.bytes().any(|b| b.is_ascii_uppercase()) {
        adopted_language(&word.to_ascii_lowercase())
    } else {
        adopted_language(word)
    }
}

/// The `hl-` spans of `code`, or `None` when syntaxmate stopped early (its
/// resource limits) or failed: the caller then uses syntect.
pub fn scope_spans(code: &str, language: &str) -> Option<String> {
    let document = highlighter().tokenize(language, code).ok()?;
    if !document.status().is_complete() {
        return None;
    }
    let mut html = String::with_capacity(code.len() * 3);
    push_scope_spans(&mut html, code, &document, renames_for(language))?;
    Some(html)
}
