//! Links in Markdown: content files resolved to their URLs, internal
//! links recorded for the checker, bare URLs made links.

use pulldown_cmark::CowStr;

use super::{InternalLink, PageLinks, Rendered};
use crate::escape::{escape, push_escaped};
use crate::html_urls::{has_scheme, join_path};
use crate::urlpath::decode_lossy;

/// Resolves links to content files and records internal links.
pub(super) fn rewrite_link<'a>(
    dest: &CowStr<'a>,
    line: usize,
    page: &PageLinks,
    out: &mut Rendered,
) -> CowStr<'a> {
    let written = dest.to_string();
    if written.starts_with("//") || (has_scheme(&written) && !written.starts_with("@/")) {
        return dest.clone();
    }
    let (path_part, fragment) = match written.split_once('#') {
        Some((p, f)) => (p.to_string(), Some(f.to_string())),
        None => (written.clone(), None),
    };
    let path_part = path_part.split('?').next().unwrap_or("").to_string();
    let link = |path: String| InternalLink {
        path,
        fragment: fragment.clone().filter(|f| !f.is_empty()),
        written: written.clone(),
        line,
    };

    let content_target = if let Some(rest) = path_part.strip_prefix("@/") {
        Some(join_path("", &decode_lossy(rest)))
    } else if !path_part.starts_with('/')
        && crate::layout::markdown_stem(path_part.rsplit('/').next().unwrap_or("")).is_some()
    {
        let dir = page.source.rsplit_once('/').map_or("", |(d, _)| d);
        Some(join_path(dir, &decode_lossy(&path_part)))
    } else {
        None
    };
    if let Some(target) = content_target {
        return match (page.resolve)(&target) {
            Some(site_path) => {
                out.links.push(link(site_path.clone()));
                let base = page.base_path;
                let url = match &fragment {
                    Some(f) => format!("{base}{site_path}#{f}"),
                    None => format!("{base}{site_path}"),
                };
                CowStr::from(url)
            }
            None => {
                out.broken_content_links.push(link(target));
                dest.clone()
            }
        };
    }
    let site_path = if path_part.is_empty() {
        String::new()
    } else if path_part.starts_with('/') {
        decode_lossy(&path_part)
    } else {
        // A page at `/a/b.html` (a `path` naming a file) links from `/a/`.
        let folder = &page.path[..page.path.rfind('/').map_or(0, |i| i + 1)];
        let joined = join_path(folder, &decode_lossy(&path_part));
        let trailing = if path_part.ends_with('/') && !joined.is_empty() {
            "/"
        } else {
            ""
        };
        format!("/{joined}{trailing}")
    };
    if !site_path.is_empty() || fragment.as_deref().is_some_and(|f| !f.is_empty()) {
        out.links.push(link(site_path));
    }
    dest.clone()
}

/// Turns bare `https://…`, `http://…` and `www.…` URLs in text into links
/// (GFM's extended autolinks). `None` when the text has none.
pub(super) fn autolink(text: &str) -> Option<String> {
    let starts = |i: usize| {
        let rest = &text[i..];
        rest.starts_with("https://") || rest.starts_with("http://") || rest.starts_with("www.")
    };
    let mut html = String::new();
    let mut last = 0;
    let mut i = 0;
    let mut found = false;
    while i < text.len() {
        let boundary = i == 0 || {
            let prev = text[..i].chars().next_back().unwrap_or(' ');
            prev.is_whitespace() || prev == '(' || prev == '*' || prev == '_'
        };
        if text.is_char_boundary(i) && boundary && starts(i) {
            let len = text[i..]
                .find(|c: char| c.is_whitespace() || c == '<')
                .unwrap_or(text.len() - i);
            let mut url = &text[i..i + len];
            loop {
                let trimmed =
                    url.trim_end_matches(['.', ',', ':', ';', '!', '?', '"', '\'', '*', '_']);
                let trimmed = if trimmed.ends_with(')')
                    && trimmed.matches(')').count() > trimmed.matches('(').count()
                {
                    &trimmed[..trimmed.len() - 1]
                } else {
                    trimmed
                };
                if trimmed.len() == url.len() {
                    break;
                }
                url = trimmed;
            }
            let host_len = url
                .trim_start_matches("https://")
                .trim_start_matches("http://")
                .len();
            if host_len > 4 && url.contains('.') {
                found = true;
                push_escaped(&mut html, &text[last..i]);
                let href = if url.starts_with("www.") {
                    format!("http://{url}")
                } else {
                    url.to_string()
                };
                html.push_str("<a href=\"");
                push_escaped(&mut html, &href);
                html.push_str("\">");
                push_escaped(&mut html, url);
                html.push_str("</a>");
                last = i + url.len();
                i = last;
                continue;
            }
        }
        i += text[i..].chars().next().map_or(1, char::len_utf8);
    }
    if !found {
        return None;
    }
    html.push_str(&escape(&text[last..]));
    Some(html)
}
