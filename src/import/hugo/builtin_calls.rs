//! Hugo's built-in shortcodes written as what ssg has: its own built-in
//! shortcodes where one does the same (`youtube`, `vimeo`, `gist`,
//! `figure`), a fenced block for `highlight` (code stays code, so nothing
//! in it is read as a call), a link for the embeds ssg has no shortcode for
//! (`x`, `tweet`, `instagram`), and the value itself for `param`.

use super::shortcode_tag::Tag;
use super::site_shortcodes::{PageValues, SiteValues, param_text};
use crate::escape::escape;

/// A string argument of an ssg call, quoted as its parser reads it.
pub fn quoted(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `{{ name(key="value", …) }}`.
fn inline_call(name: &str, args: &[(&str, Option<&str>)]) -> String {
    let written: Vec<String> = args
        .iter()
        .filter_map(|(key, value)| Some(argument(key, (*value)?)))
        .collect();
    format!("{{{{ {name}({}) }}}}", written.join(", "))
}

/// `key="value"` of an ssg call; a value that is all digits is a number,
/// `true` and `false` booleans, as Hugo reads them unquoted.
pub fn argument(key: &str, value: &str) -> String {
    let is_number = !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit());
    if is_number || value == "true" || value == "false" {
        format!("{key}={value}")
    } else {
        format!("{key}={}", quoted(value))
    }
}

pub fn youtube(tag: &Tag) -> Option<String> {
    let id = tag.arg("id", 0)?;
    Some(inline_call(
        "youtube",
        &[
            ("id", Some(id)),
            ("title", tag.arg("title", 99)),
            ("start", tag.arg("start", 99)),
            ("autoplay", tag.arg("autoplay", 99)),
            ("class", tag.arg("class", 99)),
        ],
    ))
}

pub fn vimeo(tag: &Tag) -> Option<String> {
    let id = tag.arg("id", 0)?;
    Some(inline_call(
        "vimeo",
        &[
            ("id", Some(id)),
            ("title", tag.arg("title", 99)),
            ("class", tag.arg("class", 99)),
        ],
    ))
}

pub fn gist(tag: &Tag) -> Option<String> {
    let user = tag.arg("user", 0)?;
    let id = tag.arg("id", 1)?;
    let url = format!("https://gist.github.com/{user}/{id}");
    Some(inline_call(
        "gist",
        &[("url", Some(&url)), ("file", tag.arg("file", 2))],
    ))
}

/// `x`/`tweet` (and `twitter`): a link to the post, which is what a
/// reader without the embed's script sees too.
pub fn post_on_x(tag: &Tag) -> Option<String> {
    let id = tag.arg("id", 99).or_else(|| tag.arg("id", 0))?;
    Some(match tag.arg("user", 99) {
        Some(user) => format!("[Post by @{user} on X](https://x.com/{user}/status/{id})"),
        None => format!("[Post on X](https://x.com/i/status/{id})"),
    })
}

pub fn instagram(tag: &Tag) -> Option<String> {
    let id = tag.arg("id", 0)?;
    Some(format!(
        "[Instagram post](https://www.instagram.com/p/{id}/)"
    ))
}

/// `{{< param "a.b" >}}`: the page's param, else the site's.
pub fn param(tag: &Tag, site: &SiteValues, page: &PageValues) -> Option<String> {
    let name = tag.arg("name", 0)?;
    let path: Vec<String> = name.split('.').map(String::from).collect();
    param_text(page.params, &path).or_else(|| param_text(&site.params, &path))
}

/// A fenced block carrying Hugo's `linenos` and `hl_lines` options as
/// ssg's fence attributes; the code as written.
pub fn highlight(tag: &Tag, code: &str) -> String {
    let lang = tag.arg("lang", 0).unwrap_or("");
    let mut info = lang.to_string();
    let options = tag.arg("options", 1).unwrap_or("");
    for option in options.split(',').map(str::trim) {
        let (key, value) = option.split_once('=').unwrap_or((option, "true"));
        let value = value.trim().trim_matches('"');
        match key.trim() {
            "linenos" if !matches!(value, "false" | "") => info.push_str(",linenos"),
            "hl_lines" if !value.is_empty() => info.push_str(&format!(",hl_lines={value}")),
            _ => {}
        }
    }
    let fence = if code.contains("```") { "````" } else { "```" };
    format!("{fence}{info}\n{code}\n{fence}")
}

/// ssg's `figure` where it shows what Hugo's does; Hugo's own HTML where
/// the figure has a title (an `<h4>` in the caption), a Markdown caption
/// or a link target, which ssg's does not show.
pub fn figure(tag: &Tag) -> Option<String> {
    let src = tag.arg("src", 99)?;
    let caption = tag.arg("caption", 99);
    let plain = |t: &str| !t.contains(['*', '_', '[', '<', '`', '&', '\\']);
    let fits = caption.is_none_or(plain)
        && [
            "title", "target", "rel", "attr", "attrlink", "id", "loading",
        ]
        .iter()
        .all(|k| tag.arg(k, 99).is_none());
    if fits {
        return Some(inline_call(
            "figure",
            &[
                ("src", Some(src)),
                ("alt", tag.arg("alt", 99)),
                ("caption", caption),
                ("link", tag.arg("link", 99)),
                ("width", tag.arg("width", 99)),
                ("height", tag.arg("height", 99)),
                ("class", tag.arg("class", 99)),
            ],
        ));
    }
    Some(figure_html(tag, src))
}

fn figure_html(tag: &Tag, src: &str) -> String {
    let attr = |name: &str| {
        tag.arg(name, 99)
            .map(|v| format!(" {name}=\"{}\"", escape(v)))
            .unwrap_or_default()
    };
    let mut img = format!(
        "<img src=\"{}\"{}{}{}{}>",
        escape(src),
        attr("alt"),
        attr("width"),
        attr("height"),
        attr("loading")
    );
    if let Some(link) = tag.arg("link", 99) {
        img = format!("<a href=\"{}\"{}>{img}</a>", escape(link), attr("target"));
    }
    let mut html = format!("<figure{}{}>{img}", attr("class"), attr("id"));
    let title = tag.arg("title", 99);
    let caption = tag.arg("caption", 99);
    if title.is_some() || caption.is_some() {
        html.push_str("<figcaption>");
        if let Some(t) = title {
            html.push_str(&format!("<h4>{}</h4>", escape(t)));
        }
        if let Some(c) = caption {
            html.push_str(&inline_markdown(c));
        }
        html.push_str("</figcaption>");
    }
    html.push_str("</figure>");
    html
}

/// A caption is Markdown in Hugo; raw HTML in ssg's Markdown is not read
/// as Markdown, so it is rendered here.
fn inline_markdown(text: &str) -> String {
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new(text));
    let trimmed = html.trim();
    trimmed
        .strip_prefix("<p>")
        .and_then(|s| s.strip_suffix("</p>"))
        .unwrap_or(trimmed)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_quoted_as_ssg_reads_them() {
        assert_eq!(quoted("a \"b\" \\ c\nd"), "\"a \\\"b\\\" \\\\ c\\nd\"");
        assert_eq!(
            inline_call("x", &[("a", Some("12")), ("b", None), ("c", Some("true"))]),
            "{{ x(a=12, c=true) }}"
        );
    }
}
