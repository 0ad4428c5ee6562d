//! Tera 1 macros a Zola shortcode imports (`{% import "macros/translate.html"
//! as t %}` … `t::translate(key="x")`), as Tera 2 components. Tera 2 has no
//! macros; its components are called inside an expression as
//! `<NAME key={"x"}/>`, which is what a macro call is. tabi's
//! `multilingual_quote` takes its quote marks and labels this way.
//!
//! A macro file becomes a file of components named after its path
//! (`macros/translate.html` → `macros_translate.translate`), written once
//! for all the shortcodes importing it: Tera 2 refuses one component
//! defined twice. Tera 1 macro arguments are untyped, while a Tera 2
//! default gives its argument the default's type (`language_strings=""`
//! then refuses the map passed); so defaults become `none` and the
//! component sets them itself.

use super::tera1::argument_length;

/// A shortcode with its macro calls as component calls, and the macro
/// files it imports (their path under `templates/`).
pub struct Rewritten {
    pub text: String,
    pub imports: Vec<String>,
}

/// `text` without its `{% import %}` tags, each alias's calls rewritten.
pub fn calls_to_components(text: &str) -> Result<Rewritten, String> {
    let mut aliases: Vec<(String, String)> = Vec::new();
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some((start, end)) = next_tag(rest, "{%") {
        let tag = &rest[start..end];
        out.push_str(&rest[..start]);
        match import_of(tag) {
            Some((path, alias)) => aliases.push((alias, path)),
            None => out.push_str(tag),
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    let mut text = out;
    for (alias, path) in &aliases {
        text = rewrite_calls(&text, &format!("{alias}::"), &component_prefix(path))?;
    }
    Ok(Rewritten {
        text,
        imports: aliases.into_iter().map(|(_, path)| path).collect(),
    })
}

/// The macros of a macro file (at `path` under `templates/`) as components.
pub fn file_to_components(path: &str, text: &str) -> Result<String, String> {
    let prefix = component_prefix(path);
    let text = rewrite_calls(text, "self::", &prefix)?;
    let mut out = String::new();
    let mut rest = text.as_str();
    while let Some((start, end)) = next_tag(rest, "{%") {
        let tag = &rest[start..end];
        rest = &rest[end..];
        let Some(signature) = keyword_rest(tag, "macro") else {
            continue;
        };
        let (name, params) = signature
            .split_once('(')
            .ok_or_else(|| format!("`{}` is not a macro definition ssg can read", tag.trim()))?;
        let params = params.trim_end().strip_suffix(')').unwrap_or(params);
        let (params, defaults) = untyped_params(params)?;
        let close = find_endmacro(rest)
            .ok_or_else(|| format!("macro `{}` has no `endmacro`", name.trim()))?;
        let component = format!("{prefix}.{}", name.trim());
        let (open_dash, close_dash) = dashes(tag);
        out.push_str(&format!(
            "{{%{open_dash} component {component}({params}) {close_dash}%}}{defaults}{}{{%{} endcomponent {component} {}%}}\n",
            &rest[..close.0],
            dashes(&rest[close.0..close.1]).0,
            dashes(&rest[close.0..close.1]).1,
        ));
        rest = &rest[close.1..];
    }
    Ok(out)
}

/// `macros/translate.html` → `macros_translate`.
fn component_prefix(path: &str) -> String {
    let stem = path.strip_suffix(".html").unwrap_or(path);
    stem.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

/// The next tag opened by `open` (`{%` or `{{`) in `text`, as a range.
fn next_tag(text: &str, open: &str) -> Option<(usize, usize)> {
    let close = if open == "{%" { "%}" } else { "}}" };
    let start = text.find(open)?;
    let len = text[start + 2..].find(close)?;
    Some((start, start + 2 + len + 2))
}

/// What follows `keyword` in a `{% keyword … %}` tag.
fn keyword_rest<'t>(tag: &'t str, keyword: &str) -> Option<&'t str> {
    let inner = tag
        .strip_prefix("{%")?
        .strip_suffix("%}")?
        .trim_matches('-')
        .trim();
    let rest = inner.strip_prefix(keyword)?;
    rest.starts_with(char::is_whitespace)
        .then(|| rest.trim())
        .or_else(|| rest.is_empty().then_some(""))
}

/// `{% import "macros/x.html" as name %}` → its path and alias.
fn import_of(tag: &str) -> Option<(String, String)> {
    let rest = keyword_rest(tag, "import")?;
    let quote = rest.chars().next().filter(|c| matches!(c, '"' | '\''))?;
    let end = rest[1..].find(quote)? + 1;
    let alias = rest[end + 1..].trim().strip_prefix("as")?.trim();
    Some((rest[1..end].to_string(), alias.to_string()))
}

/// The whitespace dashes of a tag: `{%-` and `-%}`.
fn dashes(tag: &str) -> (&'static str, &'static str) {
    let open = if tag.starts_with("{%-") { "-" } else { "" };
    let close = if tag.ends_with("-%}") { "-" } else { "" };
    (open, close)
}

/// Where the `{% endmacro %}` closing the macro whose body starts `text` is.
fn find_endmacro(text: &str) -> Option<(usize, usize)> {
    let mut at = 0;
    while let Some((start, end)) = next_tag(&text[at..], "{%") {
        if keyword_rest(&text[at + start..at + end], "endmacro").is_some() {
            return Some((at + start, at + end));
        }
        at += end;
    }
    None
}

/// `key, number=-1, s=""` → `key, number=none, s=none`, and the tags that
/// give each unset argument its default.
fn untyped_params(params: &str) -> Result<(String, String), String> {
    let mut names = Vec::new();
    let mut defaults = String::new();
    for param in split_top_level(params) {
        let param = param.trim();
        if param.is_empty() {
            continue;
        }
        match param.split_once('=') {
            Some((name, default)) => {
                let name = name.trim();
                names.push(format!("{name}=none"));
                defaults.push_str(&format!(
                    "{{%- if {name} is none -%}}{{%- set {name} = {} -%}}{{%- endif -%}}",
                    default.trim()
                ));
            }
            None => names.push(param.to_string()),
        }
    }
    Ok((names.join(", "), defaults))
}

/// `text`'s calls `PREFIX NAME(k=v, …)` (inside template tags) as
/// `<COMPONENT.NAME k={v} …/>`.
fn rewrite_calls(text: &str, prefix: &str, component: &str) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(prefix) {
        out.push_str(&rest[..at]);
        let after = &rest[at + prefix.len()..];
        let name_len = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(after.len());
        let name = &after[..name_len];
        let args_start = name_len + 1;
        if name.is_empty() || !after[name_len..].starts_with('(') {
            return Err(format!("`{prefix}{name}` is used other than as a call"));
        }
        let args_len = argument_length(&after[args_start..])
            .ok_or_else(|| format!("the call `{prefix}{name}(` is not closed"))?;
        let mut call = format!("<{component}.{name}");
        for arg in split_top_level(&after[args_start..args_start + args_len]) {
            let arg = arg.trim();
            if arg.is_empty() {
                continue;
            }
            let (key, value) = arg
                .split_once('=')
                .filter(|(key, _)| is_identifier(key.trim()))
                .ok_or_else(|| {
                    format!("`{prefix}{name}` is called with `{arg}`, not `name=value`")
                })?;
            call.push_str(&format!(" {}={{{}}}", key.trim(), value.trim()));
        }
        call.push_str("/>");
        out.push_str(&call);
        rest = &after[args_start + args_len + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

fn is_identifier(text: &str) -> bool {
    !text.is_empty() && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// `text` split at its commas outside quotes and brackets.
fn split_top_level(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut quote = None;
    let mut depth = 0usize;
    let mut start = 0;
    for (i, c) in text.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'' | '`') => quote = Some(c),
            (None, '(' | '[' | '{') => depth += 1,
            (None, ')' | ']' | '}') => depth = depth.saturating_sub(1),
            (None, ',') if depth == 0 => {
                parts.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shortcodes_macro_calls_become_component_calls() {
        let shortcode = "{%- import \"macros/translate.html\" as t -%}\n\
            {%- set open = t::translate(key=\"open\", default=\"“\", strings=s) -%}\
            ({{- t::translate(key=\"label\", default=\"a, b\", strings=s) -}})";
        let done = calls_to_components(shortcode).expect("rewritten");
        assert_eq!(done.imports, ["macros/translate.html"]);
        assert_eq!(
            done.text,
            "\n{%- set open = <macros_translate.translate key={\"open\"} default={\"“\"} strings={s}/> -%}\
             ({{- <macros_translate.translate key={\"label\"} default={\"a, b\"} strings={s}/> -}})"
        );
        let err = calls_to_components("{% import \"m.html\" as m %}{{ m::f(1) }}").err();
        assert!(err.is_some_and(|e| e.contains("not `name=value`")));
    }

    #[test]
    fn a_macro_file_becomes_untyped_components() {
        let file = "{# doc #}\n{% macro translate(key, number=-1, strings=\"\") %}\
            {{- strings[key] | default(value=key) -}}{{ self::other(n=number) }}\
            {% endmacro translate %}\n{%- macro other(n) -%}{{ n }}{%- endmacro -%}";
        let components = file_to_components("macros/translate.html", file).expect("read");
        assert_eq!(
            components,
            "{% component macros_translate.translate(key, number=none, strings=none) %}\
             {%- if number is none -%}{%- set number = -1 -%}{%- endif -%}\
             {%- if strings is none -%}{%- set strings = \"\" -%}{%- endif -%}\
             {{- strings[key] | default(value=key) -}}{{ <macros_translate.other n={number}/> }}\
             {% endcomponent macros_translate.translate %}\n\
             {%- component macros_translate.other(n) -%}{{ n }}{%- endcomponent macros_translate.other -%}\n"
        );
    }
}
