//! The fence words syntaxmate highlights instead of syntect, and the scope
//! renames that make its output look like syntect's.
//!
//! Issue 29: syntaxmate (VS Code's grammars, pure Rust) is about 3.8× as
//! fast as syntect, but its grammars name some text with other scopes, so
//! a theme colours it otherwise. A language is listed here only when
//! bench/highlighters/ measured every visible character of its sample and
//! real code in the same colour and style as syntect's under bat's themes
//! (docs/perf.md, "Highlighting engines"); every other fence word stays
//! with syntect. The harness includes this file, so what it measures is
//! what ssg adopts.

use crate::highlight::scope_spans::ScopeRename;

/// Fence words (lower case) that syntaxmate highlights, and its language
/// for each. Measured 2026-12-06 on the benchmark's sample, real code and
/// the code-heavy corpus, under all of bat's themes: PowerShell 100 % of
/// 2,289 characters; TOML 99.999 % of 95,360 under the default theme and
/// at least 99.99 % under every theme (a dot in a dotted key or table
/// name, or the `[[`/`]]` of an array table, can differ: docs/perf.md).
pub const ADOPTED: &[(&str, &str)] = &[
    ("powershell", "powershell"),
    ("ps1", "powershell"),
    ("posh", "powershell"),
    ("pwsh", "powershell"),
    ("toml", "toml"),
];

/// Per syntaxmate language, the scopes renamed to the ones bat's grammar uses.
const RENAMES: &[(&str, &[ScopeRename])] = &[("json", JSON), ("toml", TOML)];

/// VS Code's JSON grammar names a key `support.type.property-name`, which
/// themes colour apart; bat's names it a string in a mapping key. Not
/// adopted yet: with these, JSON looks the same under the default theme,
/// but comment delimiters (JSON with comments) still differ under some.
const JSON: &[ScopeRename] = &[
    ("meta.structure.dictionary.json", "meta.mapping.json"),
    (
        "meta.structure.dictionary.value.json",
        "meta.mapping.value.json",
    ),
    ("meta.structure.array.json", "meta.sequence.json"),
    (
        "string.json",
        "meta.mapping.key.json string.quoted.double.json",
    ),
    ("support.type.property-name.json", ""),
    (
        "punctuation.support.type.property-name.begin.json",
        "punctuation.definition.string.begin.json",
    ),
    (
        "punctuation.support.type.property-name.end.json",
        "punctuation.definition.string.end.json",
    ),
    (
        "punctuation.definition.array.begin.json",
        "punctuation.section.sequence.begin.json",
    ),
    (
        "punctuation.definition.array.end.json",
        "punctuation.section.sequence.end.json",
    ),
    (
        "punctuation.definition.dictionary.begin.json",
        "punctuation.section.mapping.begin.json",
    ),
    (
        "punctuation.definition.dictionary.end.json",
        "punctuation.section.mapping.end.json",
    ),
    ("punctuation.definition.comment.json", ""),
];

/// TOML: keys are tags and tables are tables in bat's grammar.
const TOML: &[ScopeRename] = &[
    // A dotted key is one scope with its dots inside in VS Code's grammar;
    // bat's names each part a tag and the dots separators beside them.
    (
        "variable.other.key.toml $",
        "meta.tag.key.toml entity.name.tag.toml",
    ),
    (
        "variable.other.key.toml punctuation.separator.variable.toml",
        "punctuation.separator.key.toml",
    ),
    ("variable.other.key.toml", "meta.tag.key.toml"),
    ("meta.inline-table.toml", ""),
    // bat's table scope holds the name and its dots, not its brackets.
    (
        "meta.group.toml $",
        "meta.tag.table.toml punctuation.separator.table.toml",
    ),
    (
        "meta.group.double.toml $",
        "meta.tag.table.array.toml punctuation.separator.table.toml",
    ),
    (
        "meta.group.double.toml punctuation.definition.section.begin.toml",
        "punctuation.definition.table.array.begin.toml",
    ),
    (
        "meta.group.double.toml entity.name.section.toml",
        "meta.tag.table.array.toml entity.name.table.toml",
    ),
    ("meta.group.toml", ""),
    ("meta.group.double.toml", ""),
    (
        "entity.name.section.toml",
        "meta.tag.table.toml entity.name.table.toml",
    ),
    (
        "punctuation.definition.section.begin.toml",
        "punctuation.definition.table.begin.toml",
    ),
    ("constant.language.boolean.toml", "constant.language.toml"),
    (
        "punctuation.separator.key-value.toml",
        "punctuation.definition.key-value.toml",
    ),
];

/// The renames for a syntaxmate language (none for most).
pub fn renames_for(language: &str) -> &'static [ScopeRename] {
    RENAMES
        .iter()
        .find(|(l, _)| *l == language)
        .map_or(&[], |(_, r)| r)
}

/// syntaxmate's language for a fence word, when that word is adopted.
pub fn adopted_language(word: &str) -> Option<&'static str> {
    ADOPTED.iter().find(|(w, _)| *w == word).map(|(_, l)| *l)
}
