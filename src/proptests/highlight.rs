//! Highlighting: random text in each grammar the example site uses, and
//! the inputs that make grammar regexes misbehave (very long lines, deep
//! nesting, unterminated strings and comments). Never a panic; the HTML is
//! well-formed and carries exactly the code's text; past the size guard a
//! block is plain, and no block takes much past the time budget.

use std::time::{Duration, Instant};

use proptest::prelude::*;

use super::markdown::check_html;
use crate::highlight::{MAX_BLOCK_BYTES, MAX_LINE_BYTES, code_block};

/// The fence languages of the example site (`content/`), an alias, and one
/// no grammar knows.
const LANGUAGES: &[&str] = &[
    "rust",
    "python",
    "toml",
    "yml",
    "ts",
    "sh",
    "ps1",
    "dockerfile",
    "html",
    "js",
    "klingon",
];

/// Code that grammars find hard.
fn pathological() -> impl Strategy<Value = String> {
    let opener = prop_oneof![
        Just("("),
        Just("["),
        Just("{"),
        Just("<"),
        Just("\""),
        Just("'"),
        Just("`"),
        Just("/*"),
        Just("\"\"\""),
        Just("r#\""),
        Just("${"),
        Just("<<EOF"),
        Just("\\"),
        Just("@'"),
        Just("$("),
    ];
    prop_oneof![
        // Deep nesting and unterminated openers on one line, up to the line limit and past it.
        (opener.clone(), 1usize..2_500).prop_map(|(o, n)| o.repeat(n)),
        // One very long line.
        (MAX_LINE_BYTES - 8..MAX_LINE_BYTES + 8).prop_map(|n| "a".repeat(n)),
        // A block around the size limit.
        (MAX_BLOCK_BYTES - 64..MAX_BLOCK_BYTES + 64).prop_map(|n| {
            let line = "let x = \"y\"; // z\n";
            line.repeat(n / line.len() + 1)[..n].to_string()
        }),
        // Many lines each opening something that never closes.
        (opener, 1usize..3_000).prop_map(|(o, n)| format!("{o}x\n").repeat(n)),
    ]
}

/// A code block as Markdown hands it over: ending in a line break.
fn code() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => any::<String>(),
        2 => "[ -~\n\t]{0,300}",
        1 => pathological(),
    ]
    .prop_map(|code| code + "\n")
}

proptest! {
    #![proptest_config(super::config(64))]

    #[test]
    fn highlighting_keeps_the_code_and_its_guards(
        code in code(),
        lang in proptest::sample::select(LANGUAGES),
    ) {
        let started = Instant::now();
        let block = code_block(&code, Some(lang), true);
        let took = started.elapsed();
        // The budget is 2 s checked after each line; one line of at most
        // 4,000 bytes may run past it, but not by seconds.
        prop_assert!(took < Duration::from_secs(6), "{lang}: {took:?} for {} bytes", code.len());

        let too_big = code.len() > MAX_BLOCK_BYTES || code.lines().any(|l| l.len() > MAX_LINE_BYTES);
        if too_big {
            prop_assert!(!block.html.contains("<span"), "{lang}: spans past the size guard");
            // A language without a grammar is plain anyway, with no warning.
            if lang != "klingon" {
                prop_assert!(block.fell_back.is_some(), "{lang}: {} bytes, no warning", code.len());
            }
        }

        let checked = check_html(&block.html);
        prop_assert!(checked.problems.is_empty(), "{lang}: {:?}\n{}", checked.problems, block.html);
        // The block's text, and the line break after `</pre>`.
        let expected = code.replace("\r\n", "\n").replace('\r', "\n") + "\n";
        prop_assert!(checked.text == expected, "{lang}: text changed\n{:?}\n{:?}", expected, checked.text);
    }
}
