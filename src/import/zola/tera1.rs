//! Zola's templates are Tera 1, ssg's are Tera 2. Most of a shortcode reads
//! the same in both; the tests that take an argument do not: Tera 1 passes
//! it by position (`src is starting_with("http")`, `n is divisibleby(3)`),
//! Tera 2 by name (`starting_with(pat="http")`, `divisible_by(divisor=3)`),
//! and fails to load the template otherwise — tabi's image shortcodes all
//! start with such a test. And Tera 1 reads a condition on a field of an
//! undefined value as false, where Tera 2 wants `?.`. This rewrites both
//! inside template tags.

use std::borrow::Cow;

/// Tera 1 tests with one positional argument: Tera 2's name and keyword.
const TESTS: &[(&str, &str, &str)] = &[
    ("starting_with", "starting_with", "pat"),
    ("ending_with", "ending_with", "pat"),
    ("containing", "containing", "pat"),
    ("divisibleby", "divisible_by", "divisor"),
];

/// `text` with its Tera 1 test calls in Tera 2's spelling.
pub fn to_tera2(text: &str) -> Cow<'_, str> {
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while let Some(open) = rest.find("{%").into_iter().chain(rest.find("{{")).min() {
        let close = if rest[open..].starts_with("{%") {
            "%}"
        } else {
            "}}"
        };
        let Some(len) = rest[open + 2..].find(close) else {
            break;
        };
        let end = open + 2 + len + close.len();
        out.push_str(&rest[..open]);
        out.push_str(&tag_to_tera2(&rest[open..end]));
        rest = &rest[end..];
    }
    out.push_str(rest);
    if out == text {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(out)
    }
}

/// Tera 1 filters Tera 2 has under another name.
const FILTERS: &[(&str, &str)] = &[
    ("as_str", "str"),
    ("trim_start_matches", "trim_start"),
    ("trim_end_matches", "trim_end"),
];

/// One tag (`{% if src is starting_with("http") %}`) rewritten.
fn tag_to_tera2(tag: &str) -> String {
    let mut tag = tests_to_tera2(tag);
    for (old, new) in FILTERS {
        tag = renamed_filter(&tag, old, new);
    }
    let keyword = tag
        .trim_start_matches(['{', '%', '-'])
        .split_whitespace()
        .next()
        .unwrap_or("");
    if tag.starts_with("{%") && matches!(keyword, "if" | "elif") {
        optional_attributes(&tag)
    } else {
        tag
    }
}

/// Tera 1 reads `{% if meta.width %}` as false when `meta` is undefined
/// (tabi sets `meta` only for a local image); Tera 2 stops with an error
/// unless the lookup is written `meta?.width`. Every `.name` after a
/// value in a condition becomes `?.name`.
fn optional_attributes(tag: &str) -> String {
    let mut out = String::with_capacity(tag.len() + 8);
    let mut quote = None;
    let mut previous = ' ';
    let mut chars = tag.chars().peekable();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'' | '`') => quote = Some(c),
            (None, '.')
                if (previous.is_alphanumeric() || matches!(previous, '_' | ')' | ']'))
                    && chars.peek().is_some_and(|n| n.is_alphabetic() || *n == '_') =>
            {
                out.push('?');
            }
            _ => {}
        }
        out.push(c);
        previous = c;
    }
    out
}

/// `tag` with the filter `old` (after a `|`) called `new`.
fn renamed_filter(tag: &str, old: &str, new: &str) -> String {
    let mut out = String::with_capacity(tag.len());
    let mut rest = tag;
    while let Some(bar) = rest.find('|') {
        let after = &rest[bar + 1..];
        let name = after.trim_start();
        let renames = name
            .strip_prefix(old)
            .is_some_and(|tail| !tail.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_'));
        out.push_str(&rest[..=bar]);
        if renames {
            out.push_str(&after[..after.len() - name.len()]);
            out.push_str(new);
            rest = &name[old.len()..];
        } else {
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// The tests of one tag in Tera 2's spelling.
fn tests_to_tera2(tag: &str) -> String {
    let mut out = String::with_capacity(tag.len() + 8);
    let mut rest = tag;
    while let Some(at) = rest.find("is ") {
        let (before, after) = rest.split_at(at + 3);
        out.push_str(before);
        rest = after;
        let word_start = rest.len() - rest.trim_start().len();
        let mut word = &rest[word_start..];
        if let Some(negated) = word.strip_prefix("not ") {
            out.push_str(&rest[..word_start]);
            out.push_str("not ");
            rest = negated;
            word = negated.trim_start();
        }
        let Some((old, new, keyword)) = TESTS.iter().find(|(old, _, _)| {
            word.strip_prefix(old)
                .is_some_and(|after| after.trim_start().starts_with('('))
        }) else {
            continue;
        };
        let open = rest.len() - word.len() + old.len();
        let paren = open + (rest[open..].len() - rest[open..].trim_start().len());
        let argument_start = paren + 1;
        let Some(argument_len) = argument_length(&rest[argument_start..]) else {
            continue;
        };
        let argument = rest[argument_start..argument_start + argument_len].trim();
        if is_keyword_argument(argument) {
            continue;
        }
        out.push_str(&rest[..rest.len() - word.len()]);
        out.push_str(&format!("{new}({keyword}={argument})"));
        rest = &rest[argument_start + argument_len + 1..];
    }
    out.push_str(rest);
    out
}

/// Bytes up to the `)` closing an argument, quotes and brackets respected.
pub(super) fn argument_length(text: &str) -> Option<usize> {
    let mut quote = None;
    let mut depth = 0usize;
    for (i, c) in text.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'' | '`') => quote = Some(c),
            (None, '(' | '[') => depth += 1,
            (None, ')') if depth == 0 => return Some(i),
            (None, ')' | ']') => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// `pat="x"` (already Tera 2's spelling), not `"a=b"` or `x == y`.
fn is_keyword_argument(argument: &str) -> bool {
    let name_len = argument
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(argument.len());
    name_len > 0 && {
        let after = argument[name_len..].trim_start();
        after.starts_with('=') && !after.starts_with("==")
    }
}

#[cfg(test)]
mod tests {
    use super::to_tera2;

    #[test]
    fn positional_test_arguments_get_their_tera2_names() {
        assert_eq!(
            to_tera2(r#"{%- if src is starting_with("http") or raw_path -%}x{% endif %}"#),
            r#"{%- if src is starting_with(pat="http") or raw_path -%}x{% endif %}"#
        );
        assert_eq!(
            to_tera2("{% if n is not divisibleby( 3 ) %}{{ a is ending_with('.png') }}"),
            "{% if n is not divisible_by(divisor=3) %}{{ a is ending_with(pat='.png') }}"
        );
        assert_eq!(
            to_tera2(r#"{% if tags is containing(["a(b)", x]) %}"#),
            r#"{% if tags is containing(pat=["a(b)", x]) %}"#
        );
    }

    #[test]
    fn filters_renamed_in_tera2_get_their_new_name() {
        assert_eq!(
            to_tera2("{{ n | as_str }}{% set t = x|as_str | as_string %}"),
            "{{ n | str }}{% set t = x|str | as_string %}"
        );
        assert_eq!(
            to_tera2(r#"{{ t | trim_start_matches(pat="<p>") | trim_end_matches(pat="</p>") }}"#),
            r#"{{ t | trim_start(pat="<p>") | trim_end(pat="</p>") }}"#
        );
    }

    #[test]
    fn lookups_in_conditions_may_meet_an_undefined_value() {
        assert_eq!(
            to_tera2(
                r#"{% if meta.width %} width="{{ meta.width }}"{% elif a.b.c and x == "v.w" %}{% endif %}"#
            ),
            r#"{% if meta?.width %} width="{{ meta.width }}"{% elif a?.b?.c and x == "v.w" %}{% endif %}"#
        );
        assert_eq!(to_tera2("{% if n > 1.5 %}"), "{% if n > 1.5 %}");
    }

    #[test]
    fn tera2_spellings_and_text_outside_tags_stay() {
        for text in [
            r#"{% if a is starting_with(pat="x") %}"#,
            "This is starting_with(\"x\") in prose.",
            "{% if a is defined %}{{ a }}{% endif %}",
            "{% if a is starting_with(",
        ] {
            assert_eq!(to_tera2(text), text);
        }
    }
}
