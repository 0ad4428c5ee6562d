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
//! in a query string survives untouched.

use lol_html::{RewriteStrSettings, element, rewrite_str};
use url::Url;

/// The attributes that hold URLs in what Markdown and authors' raw HTML write.
const URL_ATTRIBUTES: [&str; 4] = ["href", "src", "poster", "cite"];

/// Whether `value` starts with a URL scheme (`https:`, `mailto:`, `data:`).
fn has_scheme(value: &str) -> bool {
    let Some((scheme, _)) = value.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// `value` resolved against `base`, or `None` when it needs nothing (it
/// has a scheme) or cannot be resolved.
fn resolve(base: &Url, value: &str) -> Option<String> {
    let trimmed = value.trim();
    if has_scheme(trimmed) {
        return None;
    }
    base.join(trimmed).ok().map(String::from)
}

/// Each candidate of a `srcset` (`a.png 1x, b.png 2x`) resolved.
fn resolve_srcset(resolve_one: &dyn Fn(&str) -> Option<String>, srcset: &str) -> Option<String> {
    let mut changed = false;
    let candidates: Vec<String> = srcset
        .split(',')
        .map(|candidate| {
            let candidate = candidate.trim();
            let (url, descriptor) = candidate
                .split_once(char::is_whitespace)
                .map_or((candidate, ""), |(u, d)| (u, d.trim()));
            match resolve_one(url) {
                Some(resolved) if resolved != url => {
                    changed = true;
                    format!("{resolved} {descriptor}").trim_end().to_string()
                }
                _ => candidate.to_string(),
            }
        })
        .collect();
    changed.then(|| candidates.join(", "))
}

/// Rewrites every URL attribute of `html` through `resolve_one`; drops
/// footnote references when `drop_footnote_refs`.
fn rewrite(
    html: &str,
    resolve_one: &dyn Fn(&str) -> Option<String>,
    drop_footnote_refs: bool,
) -> String {
    let urls = element!("[href], [src], [srcset], [poster], [cite]", |el| {
        for name in URL_ATTRIBUTES {
            if let Some(value) = el.get_attribute(name)
                && let Some(resolved) = resolve_one(&value)
                && resolved != value
            {
                el.set_attribute(name, &resolved)?;
            }
        }
        if let Some(srcset) = el.get_attribute("srcset")
            && let Some(resolved) = resolve_srcset(resolve_one, &srcset)
        {
            el.set_attribute("srcset", &resolved)?;
        }
        Ok(())
    });
    let footnote_refs = element!("sup.footnote-reference", |el| {
        el.remove();
        Ok(())
    });
    let mut settings = RewriteStrSettings::new().append_element_content_handler(urls);
    if drop_footnote_refs {
        settings = settings.append_element_content_handler(footnote_refs);
    }
    // The input is HTML ssg rendered or an author wrote; lol_html fails
    // only past its memory limits, and then the HTML is kept as it was.
    rewrite_str(html, settings).unwrap_or_else(|_| html.to_string())
}

/// Whether `html` has anything a rewrite could change.
fn has_url_attributes(html: &str) -> bool {
    ["href=", "src=", "srcset=", "poster=", "cite="]
        .iter()
        .any(|a| html.contains(a))
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
