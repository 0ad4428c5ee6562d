//! Syntax highlighting with syntect: class-based spans (so the colours live in
//! one `/highlight.css`) over bat's grammar set from two-face.
//!
//! Grammars are loaded once per process from two-face's precompiled dump.
//! Some grammar regexes backtrack badly on long lines (Zola dropped syntect
//! after builds hung), so every block has a size budget and a time budget;
//! past either it is emitted as plain escaped code.

use std::sync::{OnceLock, RwLock};
use std::time::{Duration, Instant};

use rustc_hash::FxHashMap;
use syntect::html::{ClassStyle, ClassedHTMLGenerator, css_for_theme_with_class_style};
use syntect::parsing::{SyntaxReference, SyntaxSet};
use syntect::util::LinesWithEndings;

use crate::escape::escape;

/// Prefix of every highlighting class, so theme CSS cannot collide with them.
const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };
/// Longest line that is highlighted; minified code past this falls back to plain.
pub const MAX_LINE_BYTES: usize = 4_000;
/// Largest block that is highlighted.
pub const MAX_BLOCK_BYTES: usize = 256 * 1024;
/// Wall-clock budget for one block; a guard against runaway regexes, never hit by real code.
const TIME_BUDGET: Duration = Duration::from_secs(2);

fn syntaxes() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(two_face::syntax::extra_newlines)
}

/// Names people write after the fence that are neither a grammar name nor an extension.
fn alias(token: &str) -> &str {
    match token {
        "shell" | "console" | "zsh" | "shell-session" | "terminal" => "bash",
        "posh" | "pwsh" | "powershell" => "ps1",
        "js" | "node" | "javascript" => "js",
        "ts" | "typescript" => "ts",
        "yml" => "yaml",
        "docker" | "containerfile" => "Dockerfile",
        "golang" => "go",
        "c++" => "cpp",
        "c#" | "csharp" => "cs",
        "objc" => "m",
        "html" | "xhtml" => "html",
        "jsonc" | "json5" => "json",
        "make" | "makefile" => "Makefile",
        "tf" | "hcl" | "terraform" => "tf",
        other => other,
    }
}

/// The grammar for a fence's language word. Looking one up scans every
/// grammar's extensions, so answers are remembered per word.
fn find_syntax(lang: &str) -> Option<&'static SyntaxReference> {
    static FOUND: OnceLock<RwLock<FxHashMap<String, Option<&'static SyntaxReference>>>> =
        OnceLock::new();
    let found = FOUND.get_or_init(Default::default);
    if let Some(hit) = found.read().ok().and_then(|m| m.get(lang).copied()) {
        return hit;
    }
    let set = syntaxes();
    let lower = lang.to_ascii_lowercase();
    let token = alias(&lower);
    let syntax = set
        .find_syntax_by_token(token)
        .or_else(|| set.find_syntax_by_name(lang))
        .or_else(|| set.find_syntax_by_token(lang));
    if let Ok(mut m) = found.write() {
        m.insert(lang.to_string(), syntax);
    }
    syntax
}

/// The language word of a fence info string: "rust,linenos" or "rust {.x}" → "rust".
pub fn fence_language(info: &str) -> Option<&str> {
    let lang = info
        .split(|c: char| c == ',' || c.is_whitespace() || c == '{')
        .next()
        .unwrap_or("")
        .trim();
    (!lang.is_empty()).then_some(lang)
}

/// Why a block fell back to plain text when it ran out of time.
pub const TIMED_OUT: &str = "highlighting took too long";

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
    let Some(syntax) = lang.filter(|_| highlight).and_then(find_syntax) else {
        return plain(None);
    };
    if code.len() > MAX_BLOCK_BYTES {
        return plain(Some("block too large to highlight"));
    }
    if code.lines().any(|l| l.len() > MAX_LINE_BYTES) {
        return plain(Some("line too long to highlight"));
    }
    let started = Instant::now();
    let mut generator = ClassedHTMLGenerator::new_with_class_style(syntax, syntaxes(), CLASS_STYLE);
    for line in LinesWithEndings::from(code) {
        if generator
            .parse_html_for_line_which_includes_newline(line)
            .is_err()
        {
            return plain(Some("the grammar failed on this block"));
        }
        if started.elapsed() > TIME_BUDGET {
            return plain(Some(TIMED_OUT));
        }
    }
    let mut html = String::with_capacity(code.len() * 3);
    html.push_str("<pre class=\"hl-code\" data-lang=\"");
    html.push_str(&lang_attr);
    html.push_str("\"><code class=\"language-");
    html.push_str(&lang_attr);
    html.push_str("\">");
    html.push_str(&generator.finalize());
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

#[cfg(test)]
mod tests {
    use super::*;

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
        let readme = include_str!("../README.md");
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
            html.contains(&format!("class=\"{class} "))
                || html.contains(&format!("class=\"{class}\""))
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
}
