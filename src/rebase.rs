//! HTML shown away from the page it was written for keeps working links.
//!
//! A post's HTML links to `#a-heading`, `diagram.png` beside it and `/x/`
//! as a browser on the post's own page resolves them. The same HTML in a
//! feed is resolved by the reader against the feed's URL, and a summary on
//! the home page against the home page: broken images, dead anchors. So:
//!
//! - [`absolute`]: every URL in feed content made absolute against the
//!   entry's permalink (RFC 3986 resolution, as a browser does on the page);
//! - [`for_listing`]: a summary's fragments and relative URLs resolved
//!   against the post's path, and footnote references whose definitions are
//!   not in the summary dropped (they would point into the listing page).
//!
//! Attribute values are read and written raw (entities kept), so `&amp;`
//! in a query string survives untouched; comments and the text of
//! `script` and `style` are never taken for tags. Which attributes hold
//! URLs and how a `srcset` splits are [`crate::html_urls`]' rules.

use url::Url;

use crate::html_urls::{SRCSET, URL_ATTRIBUTES, has_scheme, srcset_candidates};

/// `value` resolved against `base`, or `None` when it needs nothing (it
/// has a scheme) or cannot be resolved.
fn resolve(base: &Url, value: &str) -> Option<String> {
    let trimmed = value.trim();
    if has_scheme(trimmed) {
        return None;
    }
    base.join(trimmed).ok().map(String::from)
}

/// Each candidate of a `srcset` (`a.png 1x, b.png 2x`) resolved; the
/// candidates as written when none changes.
fn resolve_srcset(resolve_one: &dyn Fn(&str) -> Option<String>, srcset: &str) -> Option<String> {
    let mut changed = false;
    let candidates: Vec<String> = srcset_candidates(srcset)
        .map(|candidate| match resolve_one(candidate.url) {
            Some(resolved) if resolved != candidate.url => {
                changed = true;
                format!("{resolved} {}", candidate.descriptors)
                    .trim_end()
                    .to_string()
            }
            _ => candidate.text.to_string(),
        })
        .collect();
    changed.then(|| candidates.join(", "))
}

/// Elements whose text is not HTML: a `<` inside them starts no tag.
const RAW_TEXT: [&str; 4] = ["script", "style", "textarea", "title"];

/// Where the tag starting at `tag[0] == '<'` ends (after its `>`): a `>`
/// inside a quoted attribute value does not end it. Searched with memchr:
/// highlighted code is mostly tags, one `<span>` per token.
fn tag_end(tag: &str) -> usize {
    let bytes = tag.as_bytes();
    let mut at = 1;
    while let Some(found) = memchr::memchr3(b'>', b'"', b'\'', &bytes[at..]) {
        let i = at + found;
        if bytes[i] == b'>' {
            return i + 1;
        }
        match memchr::memchr(bytes[i], &bytes[i + 1..]) {
            Some(close) => at = i + 1 + close + 1,
            None => break,
        }
    }
    tag.len()
}

/// Whether a start tag may have a URL attribute. Most tags of a post are
/// the `<span>`s of highlighted code, which have none.
fn may_hold_urls(tag: &str) -> bool {
    // `srcset` contains `src`.
    if URL_ATTRIBUTES.iter().any(|name| tag.contains(name)) {
        return true;
    }
    // `HREF=`: rare enough to search again, slowly, only then.
    tag.bytes().any(|b| b.is_ascii_uppercase())
        && URL_ATTRIBUTES
            .iter()
            .any(|name| tag.to_ascii_lowercase().contains(name))
}

/// A start tag with the values of its URL attributes resolved.
fn rewrite_tag(tag: &str, resolve_one: &dyn Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(tag.len() + 32);
    let bytes = tag.as_bytes();
    let mut i = 1 + bytes[1..]
        .iter()
        .take_while(|c| !c.is_ascii_whitespace() && **c != b'>' && **c != b'/')
        .count();
    let mut copied = 0;
    while i < bytes.len() {
        while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
            i += 1;
        }
        let name_start = i;
        while i < bytes.len() && !b" \t\n\r\x0c=>/".contains(&bytes[i]) {
            i += 1;
        }
        let name = tag[name_start..i].to_ascii_lowercase();
        let mut j = i;
        while j < bytes.len() && bytes[j].is_ascii_whitespace() {
            j += 1;
        }
        if name.is_empty() || j >= bytes.len() || bytes[j] != b'=' {
            i = i.max(name_start + 1);
            continue;
        }
        j += 1;
        while j < bytes.len() && bytes[j].is_ascii_whitespace() {
            j += 1;
        }
        let (value_start, value_end, next) = match bytes.get(j) {
            Some(&q @ (b'"' | b'\'')) => {
                let end = tag[j + 1..]
                    .find(q as char)
                    .map_or(tag.len(), |e| j + 1 + e);
                (j + 1, end, (end + 1).min(tag.len()))
            }
            _ => {
                let len = tag[j..]
                    .find(|c: char| c.is_ascii_whitespace() || c == '>')
                    .unwrap_or(tag.len() - j);
                (j, j + len, j + len)
            }
        };
        let value = &tag[value_start..value_end];
        let resolved = match name.as_str() {
            SRCSET => resolve_srcset(resolve_one, value),
            n if URL_ATTRIBUTES.contains(&n) => resolve_one(value),
            _ => None,
        };
        if let Some(resolved) = resolved.filter(|r| r != value) {
            let quoted = value_start > j;
            out.push_str(&tag[copied..value_start]);
            if !quoted {
                out.push('"');
            }
            // Resolved URLs are percent-encoded: no quote can end the value early.
            out.push_str(&resolved);
            if !quoted {
                out.push('"');
            }
            copied = value_end;
        }
        i = next;
    }
    out.push_str(&tag[copied..]);
    out
}

/// Rewrites the URL attributes of every start tag of `html` through
/// `resolve_one`; drops footnote references when `drop_footnote_refs`.
/// One pass over the text: a feed's entries are megabytes of HTML on a
/// large site, and a general HTML rewriter made a 1,000-post cold build
/// a third slower. The HTML is Markdown's output and authors' raw HTML;
/// comments and the text of `script`, `style`, `textarea` and `title`
/// are copied untouched.
fn rewrite(
    html: &str,
    resolve_one: &dyn Fn(&str) -> Option<String>,
    drop_footnote_refs: bool,
) -> String {
    let mut out = String::with_capacity(html.len() + html.len() / 8);
    let mut at = 0;
    while let Some(offset) = html[at..].find('<') {
        let start = at + offset;
        out.push_str(&html[at..start]);
        let rest = &html[start..];
        if rest.starts_with("<!--") {
            let end = rest.find("-->").map_or(rest.len(), |e| e + 3);
            out.push_str(&rest[..end]);
            at = start + end;
            continue;
        }
        let name_len = rest[1..]
            .bytes()
            .take_while(u8::is_ascii_alphanumeric)
            .count();
        if name_len == 0 {
            // An end tag, a doctype or a lone `<`.
            out.push('<');
            at = start + 1;
            continue;
        }
        let name = &rest[1..1 + name_len];
        let end = tag_end(rest);
        let tag = &rest[..end];
        if drop_footnote_refs
            && name.eq_ignore_ascii_case("sup")
            && tag.contains("footnote-reference")
        {
            at = start
                + rest
                    .find("</sup>")
                    .map_or(rest.len(), |e| e + "</sup>".len());
            continue;
        }
        if may_hold_urls(tag) {
            out.push_str(&rewrite_tag(tag, resolve_one));
        } else {
            out.push_str(tag);
        }
        at = start + end;
        if let Some(raw) = RAW_TEXT.iter().find(|r| r.eq_ignore_ascii_case(name)) {
            let name = *raw;
            let close = format!("</{name}");
            let text_end = html[at..]
                .to_ascii_lowercase()
                .find(&close)
                .map_or(html.len(), |e| at + e);
            out.push_str(&html[at..text_end]);
            at = text_end;
        }
    }
    out.push_str(&html[at..]);
    out
}

/// Whether `html` has anything a rewrite could change: a URL attribute
/// followed by `=` (written in lower case, as Markdown writes them).
fn has_url_attributes(html: &str) -> bool {
    URL_ATTRIBUTES.iter().chain([&SRCSET]).any(|name| {
        html.match_indices(name)
            .any(|(at, _)| html[at + name.len()..].starts_with('='))
    })
}

/// Feed content: every URL absolute against `page_url`, the entry's permalink.
pub fn absolute(html: &str, page_url: &str) -> String {
    let Ok(base) = Url::parse(page_url) else {
        return html.to_string();
    };
    if !has_url_attributes(html) {
        return html.to_string();
    }
    rewrite(html, &|value| resolve(&base, value), false)
}

/// A summary shown on listings: fragments and relative URLs resolved
/// against the post's site path (`/blog/x/`), root-relative and absolute
/// ones kept; footnote references dropped unless their definitions are in
/// the summary too.
pub fn for_listing(summary: &str, page_path: &str) -> String {
    // Any origin will do: only the path, query and fragment are kept.
    let Ok(base) = Url::parse("http://site.invalid").and_then(|o| o.join(page_path)) else {
        return summary.to_string();
    };
    let resolve_path = |value: &str| {
        let trimmed = value.trim();
        if trimmed.starts_with('/') || has_scheme(trimmed) {
            return None;
        }
        let resolved = base.join(trimmed).ok()?;
        let mut path = resolved.path().to_string();
        if let Some(query) = resolved.query() {
            path = format!("{path}?{query}");
        }
        if let Some(fragment) = resolved.fragment() {
            path = format!("{path}#{fragment}");
        }
        Some(path)
    };
    let orphan_refs =
        summary.contains("footnote-reference") && !summary.contains("footnote-definition");
    if !orphan_refs && !has_url_attributes(summary) {
        return summary.to_string();
    }
    rewrite(summary, &resolve_path, orphan_refs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feed_urls_become_absolute_against_the_entry() {
        let html = r##"<p><a href="#part">a</a> <img src="diagram.png" alt=""> <a href="/x/">x</a> <a href="../up/?a=1&amp;b=2">u</a> <a href="https://o.org/">o</a> <a href="mailto:a@b.c">m</a> <img srcset="s.png 1x, /l.png 2x" src="s.png"></p>"##;
        let out = absolute(html, "https://example.org/blog/post/");
        for expected in [
            r#"href="https://example.org/blog/post/#part""#,
            r#"src="https://example.org/blog/post/diagram.png""#,
            r#"href="https://example.org/x/""#,
            r#"href="https://example.org/blog/up/?a=1&amp;b=2""#,
            r#"href="https://o.org/""#,
            r#"href="mailto:a@b.c""#,
            r#"srcset="https://example.org/blog/post/s.png 1x, https://example.org/l.png 2x""#,
        ] {
            assert!(out.contains(expected), "{expected} not in {out}");
        }
    }

    /// Fixed when `srcset` parsing moved to `html_urls`: split on every
    /// comma, a `data:` URL was cut in two and its tail made a relative
    /// URL, and the empty candidate after a trailing comma became the
    /// page's own URL.
    #[test]
    fn srcset_is_split_as_browsers_split_it() {
        let html = r#"<img srcset="data:image/png;base64,iVBO 1x, b.png 2x,">"#;
        assert_eq!(
            absolute(html, "https://e.org/p/"),
            r#"<img srcset="data:image/png;base64,iVBO 1x, https://e.org/p/b.png 2x">"#
        );
        let data_only = r#"<img srcset="data:image/png;base64,iVBO 1x">"#;
        assert_eq!(absolute(data_only, "https://e.org/p/"), data_only);
        let summary = r#"<img srcset="a.png 1x (fancy, d), /b.png 2x">"#;
        assert_eq!(
            for_listing(summary, "/blog/x/"),
            r#"<img srcset="/blog/x/a.png 1x (fancy, d), /b.png 2x">"#
        );
    }

    #[test]
    fn comments_scripts_and_odd_attributes_are_handled() {
        let html = "<!-- <a href=\"c\"> --><script>var s = '<img src=\"x\">';</script>\
            <A HREF=up.html title='a > b'>u</A><img alt=\"x\" src = 'p.png' data-src=\"keep.png\">";
        let out = absolute(html, "https://e.org/p/");
        assert!(
            out.starts_with("<!-- <a href=\"c\"> --><script>var s = '<img src=\"x\">';</script>"),
            "{out}"
        );
        assert!(
            out.contains("HREF=\"https://e.org/p/up.html\" title='a > b'>u</A>"),
            "{out}"
        );
        assert!(out.contains("src = 'https://e.org/p/p.png'"), "{out}");
        assert!(out.contains("data-src=\"keep.png\""), "{out}");
    }

    #[test]
    fn summaries_point_at_the_post_and_lose_orphan_footnote_references() {
        let summary = r##"<p>See <a href="#opt-out">below</a><sup class="footnote-reference"><a href="#n">1</a></sup> and <img src="a.png" alt=""> or <a href="/about/">about</a>.</p>"##;
        let out = for_listing(summary, "/blog/post/");
        assert!(out.contains(r#"href="/blog/post/#opt-out""#), "{out}");
        assert!(out.contains(r#"src="/blog/post/a.png""#), "{out}");
        assert!(out.contains(r#"href="/about/""#), "{out}");
        assert!(!out.contains("footnote-reference"), "{out}");
        assert_eq!(for_listing("<p>Plain.</p>", "/x/"), "<p>Plain.</p>");
    }
}
