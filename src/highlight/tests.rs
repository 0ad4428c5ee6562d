//! The highlighting contract: fence words, themes, the README's languages,
//! and (issue 29) the adopted engine's output looking exactly like syntect's.

use crate::highlight::adopted::ADOPTED;
use crate::highlight::looks::{Stylesheet, agreement, characters};
use crate::highlight::syntect_engine::find_syntax;
use crate::highlight::{
    code_block, fence_language, syntect_engine, textmate, theme_css, theme_named_like, theme_names,
};

#[test]
fn other_tools_theme_names_find_ours() {
    assert_eq!(
        theme_named_like("base16-ocean-dark"),
        Some("base16-ocean.dark")
    );
    assert_eq!(theme_named_like("dracula"), Some("Dracula"));
    assert_eq!(theme_named_like("no-such-theme"), None);
}

#[test]
fn fence_info_words() {
    assert_eq!(fence_language("rust,linenos"), Some("rust"));
    assert_eq!(fence_language("py {.x}"), Some("py"));
    assert_eq!(fence_language(""), None);
}

/// A few lines of each language the README promises, with tokens its
/// grammar colours (a keyword, a string, a comment…).
const SAMPLES: &[(&str, &str)] = &[
    ("bash", "for f in *.md; do echo \"$f\"; done # count\n"),
    ("c", "#include <stdio.h>\nint main(void) { return 0; }\n"),
    (
        "cpp",
        "template <typename T> T twice(T x) { return x * 2; }\n",
    ),
    (
        "csharp",
        "public class A { static void Main() { var s = \"x\"; } }\n",
    ),
    ("css", "body { color: #333; margin: 0 auto; }\n"),
    ("diff", "--- a/x\n+++ b/x\n-old\n+new\n"),
    ("dockerfile", "FROM debian:13\nRUN apt-get update\n"),
    ("elixir", "defmodule A do\n  def f(x), do: x * 2\nend\n"),
    ("go", "package main\n\nfunc main() { println(\"hi\") }\n"),
    (
        "haskell",
        "main :: IO ()\nmain = putStrLn \"hi\" -- greet\n",
    ),
    ("html", "<p class=\"x\">Hi <b>there</b></p>\n"),
    (
        "java",
        "public class A { public static void main(String[] a) {} }\n",
    ),
    ("javascript", "const f = (x) => x * 2; // double\n"),
    ("json", "{\"a\": [1, true, null]}\n"),
    ("kotlin", "fun main() { val s = \"hi\"; println(s) }\n"),
    ("lua", "local function f(x) return x * 2 end -- double\n"),
    ("makefile", "all: build\n\tcargo build --release\n"),
    ("markdown", "# Title\n\nSome *emphasis* and `code`.\n"),
    ("php", "<?php\nfunction f($x) { return $x * 2; }\n"),
    (
        "powershell",
        "Get-ChildItem -Path . | Where-Object { $_.Length -gt 0 }\n",
    ),
    ("python", "def f(x):\n    return x * 2  # double\n"),
    ("ruby", "def f(x)\n  x * 2 # double\nend\n"),
    ("rust", "fn main() { let v: Vec<u8> = vec![1]; }\n"),
    ("scala", "object A { def f(x: Int): Int = x * 2 }\n"),
    ("shell", "$ ls -la # list\n"),
    ("sql", "SELECT id FROM posts WHERE draft = 0;\n"),
    ("swift", "func f(_ x: Int) -> Int { return x * 2 }\n"),
    ("toml", "[build]\ntitle = \"Blog\"\n"),
    ("typescript", "const f = (x: number): number => x * 2;\n"),
    ("xml", "<?xml version=\"1.0\"?>\n<a href=\"x\">t</a>\n"),
    ("yaml", "title: Blog\ntags: [a, b] # two\n"),
];

/// The fence words the README's Markdown section lists as highlighting.
fn readme_languages() -> Vec<&'static str> {
    let readme = include_str!("../../README.md");
    let start = readme
        .find("These fence words highlight")
        .expect("the README's list of languages");
    let list = &readme[start..];
    let list = &list[..list.find("An unknown language").expect("end of the list")];
    list.split('`').skip(1).step_by(2).collect()
}

// Issue 29: whatever engine highlights, no language the README
// promises may stop highlighting.
#[test]
fn every_language_the_readme_lists_highlights() {
    let languages = readme_languages();
    assert!(languages.len() >= 20, "{languages:?}");
    for lang in languages {
        let (_, code) = SAMPLES
            .iter()
            .find(|(l, _)| *l == lang)
            .unwrap_or_else(|| panic!("no sample of {lang}: add one to SAMPLES"));
        let block = code_block(code, Some(lang), true);
        assert!(block.fell_back.is_none(), "{lang}: {:?}", block.fell_back);
        assert!(
            has_token_class(&block.html),
            "{lang} has no coloured token:\n{}",
            block.html
        );
    }
}

/// Whether `html` has a span of a token's scope (not only the scope
/// of the whole block, which every known language gets).
fn has_token_class(html: &str) -> bool {
    [
        "hl-keyword",
        "hl-string",
        "hl-comment",
        "hl-entity",
        "hl-storage",
        "hl-constant",
        "hl-markup",
        "hl-support",
        "hl-variable",
    ]
    .iter()
    .any(|class| {
        html.contains(&format!("class=\"{class} ")) || html.contains(&format!("class=\"{class}\""))
    })
}

#[test]
fn aliases_resolve() {
    for lang in [
        "sh",
        "shell",
        "console",
        "bash",
        "js",
        "ts",
        "yml",
        "ps1",
        "posh",
        "toml",
        "dockerfile",
        "Dockerfile",
        "rust",
        "python",
        "go",
    ] {
        assert!(find_syntax(lang).is_some(), "{lang}");
    }
}

/// The benchmark's sample file of a language (bench/highlighters/sample/),
/// code written to exercise its grammar, for the agreement test.
fn sample_file(language: &str) -> Option<&'static str> {
    Some(match language {
        "bash" | "shell" => include_str!("../../bench/highlighters/sample/deploy.sh"),
        "c" => include_str!("../../bench/highlighters/sample/words.c"),
        "go" => include_str!("../../bench/highlighters/sample/serve.go"),
        "java" => include_str!("../../bench/highlighters/sample/Slugs.java"),
        "javascript" | "js" => include_str!("../../bench/highlighters/sample/search.js"),
        "json" => include_str!("../../bench/highlighters/sample/site.json"),
        "powershell" | "ps1" | "posh" | "pwsh" => {
            include_str!("../../bench/highlighters/sample/publish.ps1")
        }
        "python" | "py" => include_str!("../../bench/highlighters/sample/tags.py"),
        "rust" | "rs" => include_str!("../../bench/highlighters/sample/feed.rs"),
        "sql" => include_str!("../../bench/highlighters/sample/report.sql"),
        "toml" => include_str!("../../bench/highlighters/sample/ssg.toml"),
        "typescript" | "ts" => include_str!("../../bench/highlighters/sample/cache.ts"),
        "yaml" | "yml" => include_str!("../../bench/highlighters/sample/workflow.yaml"),
        _ => return None,
    })
}

// Issue 29: a fence word moves to syntaxmate only if a reader cannot tell:
// every visible character of its samples in the colour, background and
// font style syntect's HTML gets, under every one of bat's themes, as a
// browser resolves `/highlight.css` (looks.rs).
#[test]
fn adopted_languages_look_exactly_as_syntect_colours_them() {
    let sheets: Vec<(&str, Stylesheet)> = theme_names()
        .into_iter()
        .map(|name| {
            (
                name,
                Stylesheet::parse(&theme_css(name).expect("a bat theme")),
            )
        })
        .collect();
    assert!(sheets.len() > 20, "bat's themes");
    for (word, language) in ADOPTED {
        let line = SAMPLES
            .iter()
            .find(|(l, _)| l == word)
            .map(|(_, code)| *code);
        let file = sample_file(word);
        assert!(
            file.is_some(),
            "no sample file of {word}: add one to bench/highlighters/sample/"
        );
        let samples: Vec<&str> = line.into_iter().chain(file).collect();
        let syntax = find_syntax(word).unwrap_or_else(|| panic!("syntect has no {word}"));
        for code in samples {
            let wrap = |spans: String| format!("<pre class=\"hl-code\"><code>{spans}</code></pre>");
            let syntect = wrap(syntect_engine::scope_spans(code, syntax).expect("syntect"));
            let adopted = wrap(textmate::scope_spans(code, language).expect("syntaxmate"));
            for (theme, sheet) in &sheets {
                let agreement = agreement(sheet, &syntect, &adopted).expect("the same text");
                assert!(agreement.shown > 0);
                assert!(
                    agreement.differing.is_empty(),
                    "{word} under {theme}: {} of {} characters look otherwise, e.g. {:?}",
                    agreement.differing.len(),
                    agreement.shown,
                    &agreement.differing[..agreement.differing.len().min(5)]
                );
            }
        }
    }
}

/// The resolver itself: a rule of more classes wins, a later rule of as
/// many wins, colour is inherited, an ancestor's underline shows through.
#[test]
fn theme_css_resolves_as_a_browser_does() {
    let sheet = Stylesheet::parse(
        "/* theme */ .hl-code { color: #111111; background-color: #eeeeee; }\n\
         .hl-string { color: #222222; }\n\
         .hl-string.hl-quoted, .hl-other { color: #333333; font-style: italic; }\n\
         .hl-source .hl-string { color: #444444; }\n\
         .hl-meta.hl-path { text-decoration: underline; }\n\
         .hl-keyword { color: #555555; }\n\
         .hl-keyword { color: #666666; font-weight: bold; }\n",
    );
    let look = |html: &str| {
        let chars = characters(html).expect("nested HTML");
        sheet.look(&chars[0].1)
    };
    let base = look("<pre class=\"hl-code\"><code>x</code></pre>");
    assert_eq!(base.color.as_deref(), Some("#111111"));
    assert_eq!(base.background.as_deref(), Some("#eeeeee"));
    let quoted = look(
        "<pre class=\"hl-code\"><span class=\"hl-source\"><span class=\"hl-string hl-quoted\">&quot;</span></span></pre>",
    );
    assert_eq!(quoted.color.as_deref(), Some("#444444"));
    assert!(quoted.italic);
    let keyword = look(
        "<pre class=\"hl-code\"><span class=\"hl-meta hl-path\"><span class=\"hl-keyword\">k</span></span></pre>",
    );
    assert_eq!(keyword.color.as_deref(), Some("#666666"));
    assert!(keyword.bold && keyword.underline);
    assert_eq!(keyword.background.as_deref(), Some("#eeeeee"));
    assert!(characters("<span>x").is_err());
}
