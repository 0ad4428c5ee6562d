//! syntect with bat's grammar set (two-face): the engine of every fence
//! word syntaxmate is not adopted for, and the fallback when it fails.
//!
//! Grammars are loaded once per process from two-face's precompiled dump;
//! each grammar's regexes compile at first use. Some grammar regexes
//! backtrack badly on long lines (Zola dropped syntect after builds hung),
//! so every block has a time budget besides the caller's size budget.

use std::sync::{OnceLock, RwLock};
use std::time::{Duration, Instant};

use rustc_hash::FxHashMap;
use syntect::html::{ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::{SyntaxReference, SyntaxSet};
use syntect::util::LinesWithEndings;

use crate::highlight::fence_words::syntect_alias;

/// Prefix of every highlighting class, so theme CSS cannot collide with them.
pub const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };
/// Wall-clock budget for one block; a guard against runaway regexes, never hit by real code.
const TIME_BUDGET: Duration = Duration::from_secs(2);

/// Why a block fell back to plain text when it ran out of time.
pub const TIMED_OUT: &str = "highlighting took too long";

fn syntaxes() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(two_face::syntax::extra_newlines)
}

/// The grammar for a fence's language word. Looking one up scans every
/// grammar's extensions, so answers are remembered per word.
pub fn find_syntax(lang: &str) -> Option<&'static SyntaxReference> {
    static FOUND: OnceLock<RwLock<FxHashMap<String, Option<&'static SyntaxReference>>>> =
        OnceLock::new();
    let found = FOUND.get_or_init(Default::default);
    if let Some(hit) = found.read().ok().and_then(|m| m.get(lang).copied()) {
        return hit;
    }
    let set = syntaxes();
    let lower = lang.to_ascii_lowercase();
    let syntax = set
        .find_syntax_by_token(syntect_alias(&lower))
        .or_else(|| set.find_syntax_by_name(lang))
        .or_else(|| set.find_syntax_by_token(lang));
    if let Ok(mut m) = found.write() {
        m.insert(lang.to_string(), syntax);
    }
    syntax
}

/// The `hl-` spans of `code`, or why it could not be highlighted.
pub fn scope_spans(code: &str, syntax: &SyntaxReference) -> Result<String, &'static str> {
    let started = Instant::now();
    let mut generator = ClassedHTMLGenerator::new_with_class_style(syntax, syntaxes(), CLASS_STYLE);
    for line in LinesWithEndings::from(code) {
        if generator
            .parse_html_for_line_which_includes_newline(line)
            .is_err()
        {
            return Err("the grammar failed on this block");
        }
        if started.elapsed() > TIME_BUDGET {
            return Err(TIMED_OUT);
        }
    }
    Ok(generator.finalize())
}
