//! What a page of HTML links to and what it can be linked to: every URL in
//! an `href`, `src`, `srcset`, `poster` or `cite` attribute
//! ([`crate::html_urls`]), and every `id` (and
//! `<a name>`) a `#fragment` can point at. A real HTML tokenizer
//! (`lol_html`) does the reading, so comments, `<script>` bodies and
//! escaped text in code blocks are never mistaken for links.

use std::cell::RefCell;
use std::sync::LazyLock;

use lol_html::{HtmlRewriter, Settings, element};
use rustc_hash::FxHashSet;

use crate::html_urls::{SRCSET, URL_ATTRIBUTES, srcset_candidates};

/// One URL found in an attribute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundLink {
    /// The URL with character references decoded and surrounding spaces
    /// trimmed, as a browser reads it.
    pub url: String,
    /// Byte offset of the element's start tag in the scanned text.
    pub offset: usize,
}

/// The links and anchors of one HTML document.
#[derive(Debug, Default)]
pub struct Scan {
    pub links: Vec<FoundLink>,
    pub ids: FxHashSet<String>,
}

/// The elements [`scan`] reads: those with a URL attribute or an anchor.
static SELECTOR: LazyLock<String> = LazyLock::new(|| {
    let with_url = URL_ATTRIBUTES.iter().chain([&SRCSET]);
    let mut selector: Vec<String> = with_url.map(|name| format!("[{name}]")).collect();
    selector.extend(["[id]".into(), "a[name]".into()]);
    selector.join(", ")
});

/// Reads every link and anchor of `html`.
pub fn scan(html: &[u8]) -> Result<Scan, String> {
    let found = RefCell::new(Scan::default());
    let mut rewriter = HtmlRewriter::new(
        Settings::new().append_element_content_handler(element!(SELECTOR.as_str(), |el| {
            let offset = el.source_location().bytes().start;
            let mut found = found.borrow_mut();
            let tag = el.tag_name();
            for attr in el.attributes() {
                let name = attr.name();
                let value = decode_references(&attr.value());
                match name.as_str() {
                    "id" => {
                        found.ids.insert(value);
                    }
                    "name" if tag == "a" => {
                        found.ids.insert(value);
                    }
                    SRCSET => found
                        .links
                        .extend(srcset_candidates(&value).map(|c| FoundLink {
                            url: c.url.to_string(),
                            offset,
                        })),
                    // `<base href>` is not a link.
                    n if URL_ATTRIBUTES.contains(&n) && tag != "base" => {
                        found.links.push(FoundLink {
                            url: value.trim().to_string(),
                            offset,
                        });
                    }
                    _ => {}
                }
            }
            Ok(())
        })),
        |_: &[u8]| {},
    );
    rewriter.write(html).map_err(|e| e.to_string())?;
    rewriter.end().map_err(|e| e.to_string())?;
    Ok(found.into_inner())
}

/// Decodes the character references an attribute value may hold
/// (`&amp;`, `&#39;`, `&#x2F;`); unknown names are kept as written.
pub fn decode_references(value: &str) -> String {
    if !value.contains('&') {
        return value.to_string();
    }
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let decoded = rest
            .find(';')
            .filter(|&semi| semi <= 10)
            .and_then(|semi| reference(&rest[1..semi]).map(|c| (c, semi + 1)));
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The character a reference name (between `&` and `;`) stands for.
fn reference(name: &str) -> Option<char> {
    let number = |digits: &str, radix| u32::from_str_radix(digits, radix).ok();
    let code = if let Some(hex) = name.strip_prefix("#x").or_else(|| name.strip_prefix("#X")) {
        number(hex, 16)?
    } else if let Some(dec) = name.strip_prefix('#') {
        number(dec, 10)?
    } else {
        return match name {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some('\u{a0}'),
            _ => None,
        };
    };
    char::from_u32(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn urls(html: &str) -> Vec<String> {
        scan(html.as_bytes())
            .unwrap()
            .links
            .into_iter()
            .map(|l| l.url)
            .collect()
    }

    #[test]
    fn finds_every_kind_of_link() {
        let html = r#"<html><head><link rel="stylesheet" href="/s.css"><script src="/a.js"></script>
            <base href="/ignored/"></head><body><a href=" /x/?q=1&amp;r=2#top ">x</a>
            <img src="i.png" srcset="a.png 1x, b.png 2x"><picture><source src="v.webm" srcset="c.png">
            </picture><video poster="p.jpg"></video><!-- <a href="/comment/"> -->
            <pre><code>&lt;a href="/escaped/"&gt;</code></pre><script>var s = '<a href="/js/">';</script>
            </body></html>"#;
        assert_eq!(
            urls(html),
            [
                "/s.css",
                "/a.js",
                "/x/?q=1&r=2#top",
                "i.png",
                "a.png",
                "b.png",
                "v.webm",
                "c.png",
                "p.jpg"
            ]
        );
    }

    /// Feeds made `cite` absolute all along; the checker did not read it.
    #[test]
    fn cite_is_a_link_too() {
        let html = r#"<blockquote cite="/src/"><q cite="q.html">q</q></blockquote>"#;
        assert_eq!(urls(html), ["/src/", "q.html"]);
    }

    #[test]
    fn collects_ids_and_anchor_names() {
        let s = scan(br#"<h2 id="intro">I</h2><a name="old"></a><input name="q"><p id="a&amp;b">"#)
            .unwrap();
        let mut ids: Vec<_> = s.ids.into_iter().collect();
        ids.sort();
        assert_eq!(ids, ["a&b", "intro", "old"]);
    }

    #[test]
    fn offsets_point_at_the_tag() {
        let html = "<p>\n<img src=\"x.png\">";
        let s = scan(html.as_bytes()).unwrap();
        assert_eq!(&html[s.links[0].offset..s.links[0].offset + 4], "<img");
    }

    #[test]
    fn references_decode() {
        assert_eq!(
            decode_references("a&amp;b&#39;c&#x2F;&bogus;&"),
            "a&b'c/&bogus;&"
        );
    }
}
