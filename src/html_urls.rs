//! How a URL written inside HTML is read: whether it has a scheme, how its
//! `.` and `..` segments resolve, which attributes hold URLs, how a
//! `srcset` splits into candidates, and which output files are HTML pages.
//! Markdown link handling, the feed and summary rewriting (`rebase`), the
//! link checker and the preview server all read URLs in HTML; each kept its
//! own copy of these rules and the copies drifted apart (a `srcset` split on
//! every comma, `cite` missing from one list, `.htm` a page in one place
//! only), so they are written once, here.

/// Attributes whose value is one URL. `srcset` holds several: see
/// [`srcset_candidates`].
pub const URL_ATTRIBUTES: [&str; 4] = ["href", "src", "poster", "cite"];

/// The attribute whose value is a list of URLs, each with descriptors.
pub const SRCSET: &str = "srcset";

/// The scheme of an absolute URL (`mailto` in `mailto:x@y`), by RFC 3986:
/// a letter, then letters, digits, `+`, `-` or `.`, then `:`. `12:30` has
/// none: a browser reads it as a relative path.
pub fn scheme_of(url: &str) -> Option<&str> {
    let (scheme, _) = url.split_once(':')?;
    let mut chars = scheme.chars();
    let valid = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then_some(scheme)
}

/// Whether `url` starts with a URL scheme (`https:`, `mailto:`, `data:`).
pub fn has_scheme(url: &str) -> bool {
    scheme_of(url).is_some()
}

/// Resolves the segments of `path` onto `segments` as a browser resolves
/// a link's path (RFC 3986, section 5.2.4): empty and `.` segments dropped,
/// `..` removing the last one. Returns whether a `..` tried to climb above
/// the root (it then stays at the root) and whether the path ends as a
/// folder (in `/`, `.` or `..`).
fn push_resolved<'a>(segments: &mut Vec<&'a str>, path: &'a str) -> (bool, bool) {
    let mut climbed = false;
    let mut folder = false;
    for segment in path.split('/') {
        folder = matches!(segment, "" | "." | "..");
        match segment {
            "" | "." => {}
            ".." => climbed |= segments.pop().is_none(),
            s => segments.push(s),
        }
    }
    (climbed, folder)
}

/// A `/`-rooted path with `.` and `..` resolved (`/a/./b/../c` → `/a/c`,
/// `/a/b/..` → `/a/`), and whether a `..` tried to climb above the root.
pub fn remove_dot_segments(path: &str) -> (String, bool) {
    let mut segments = Vec::new();
    let (climbed, folder) = push_resolved(&mut segments, path);
    let mut out = String::with_capacity(path.len());
    for segment in &segments {
        out.push('/');
        out.push_str(segment);
    }
    if folder || segments.is_empty() {
        out.push('/');
    }
    (out, climbed)
}

/// Joins a relative path onto a folder, resolving `.` and `..`: `blog/x` +
/// `../y/a.md` → `blog/y/a.md`. No leading or trailing `/`; a `..` above
/// the root is dropped.
pub fn join_path(folder: &str, relative: &str) -> String {
    let mut segments: Vec<&str> = folder.split('/').filter(|s| !s.is_empty()).collect();
    push_resolved(&mut segments, relative);
    segments.join("/")
}

/// The `src` of the first `<img>` in `html`, unescaped: what a social card
/// shows for a page that names no image of its own.
pub fn first_img_src(html: &str) -> Option<String> {
    let mut rest = html;
    while let Some(at) = rest.find("<img") {
        let tag_end = rest[at..].find('>').map_or(rest.len(), |e| at + e);
        let tag = &rest[at..tag_end];
        rest = &rest[tag_end..];
        let Some(src_at) = tag.find(" src=\"") else {
            continue;
        };
        let value = &tag[src_at + 6..];
        let value = &value[..value.find('"').unwrap_or(value.len())];
        if !value.is_empty() {
            return Some(value.replace("&amp;", "&"));
        }
    }
    None
}

/// One candidate of a `srcset`: `b.png 2x` in `a.png 1x, b.png 2x`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SrcsetCandidate<'a> {
    /// The URL, as written.
    pub url: &'a str,
    /// Its descriptors (`2x`, `100w`), trimmed; empty when there are none.
    pub descriptors: &'a str,
    /// The whole candidate as written, URL to last descriptor.
    pub text: &'a str,
}

/// The candidates of a `srcset`, split as the HTML standard says: a URL
/// runs up to whitespace (commas inside it, as in a `data:` URL, are part
/// of it), then descriptors run up to a comma outside parentheses.
/// Empty candidates (`a.png 1x, , b.png`, a trailing comma) are skipped.
pub fn srcset_candidates(srcset: &str) -> impl Iterator<Item = SrcsetCandidate<'_>> + '_ {
    let mut rest = srcset;
    std::iter::from_fn(move || {
        rest = rest.trim_start_matches(|c: char| c.is_ascii_whitespace() || c == ',');
        if rest.is_empty() {
            return None;
        }
        let candidate = rest;
        let end = rest
            .find(|c: char| c.is_ascii_whitespace())
            .unwrap_or(rest.len());
        let written = &rest[..end];
        rest = &rest[end..];
        if written.ends_with(',') {
            // No descriptors: the comma ends the candidate.
            let url = written.trim_end_matches(',');
            return Some(SrcsetCandidate {
                url,
                descriptors: "",
                text: url,
            });
        }
        let stop = descriptors_end(rest);
        let descriptors = rest[..stop].trim();
        rest = &rest[stop..];
        let text = candidate[..end + stop].trim_end();
        Some(SrcsetCandidate {
            url: written,
            descriptors,
            text,
        })
    })
}

/// Where a candidate's descriptors end: at the first comma outside
/// parentheses, or at the end.
fn descriptors_end(descriptors: &str) -> usize {
    let mut depth = 0usize;
    descriptors
        .char_indices()
        .find(|&(_, c)| match c {
            '(' => {
                depth += 1;
                false
            }
            ')' => {
                depth = depth.saturating_sub(1);
                false
            }
            ',' => depth == 0,
            _ => false,
        })
        .map_or(descriptors.len(), |(i, _)| i)
}

/// Whether an output file is an HTML page: what the MIME table serves as
/// `text/html` (`.html` and `.htm`, in any case), so the preview puts its
/// reload script in, and `ssg check` reads the links of, exactly the files
/// a browser shows as pages.
pub fn is_html_page(path: &str) -> bool {
    crate::mime::content_type(path).starts_with("text/html")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_image_with_a_source() {
        let html = "<p><img alt=\"x\"> <img src=\"\"><img alt=\"a\" src=\"cover.jpg?a=1&amp;b=2\" /></p><img src=\"b.png\">";
        assert_eq!(first_img_src(html).as_deref(), Some("cover.jpg?a=1&b=2"));
        assert_eq!(first_img_src("<p>no images</p>"), None);
        assert_eq!(first_img_src("<img src=\"cut"), Some("cut".to_string()));
    }

    /// Markdown took any `[a-z0-9+.-]+:` for a scheme; rebase and check
    /// wanted a letter first, as RFC 3986 and browsers do.
    #[test]
    fn a_scheme_starts_with_a_letter() {
        assert_eq!(scheme_of("mailto:a@b.org"), Some("mailto"));
        assert_eq!(scheme_of("HTTPS://x.org/"), Some("HTTPS"));
        assert!(has_scheme("git+ssh://h/r") && has_scheme("a1.b-c:x"));
        for relative in [
            "12:30", "+x:y", ":x", "a/b:c", "/a:b", "#x:y", "a b:c", "x.png",
        ] {
            assert!(!has_scheme(relative), "{relative}");
        }
    }

    /// The link checker's copy ended a path in `..` as a folder and told a
    /// climb above the root; Markdown's dropped both: one resolver now,
    /// each caller keeping what it read of it.
    #[test]
    fn dot_segments_resolve_once_for_both_spellings() {
        assert_eq!(remove_dot_segments("/a/./b/../c"), ("/a/c".into(), false));
        assert_eq!(remove_dot_segments("/a/b/.."), ("/a/".into(), false));
        assert_eq!(remove_dot_segments("/a/b/."), ("/a/b/".into(), false));
        assert_eq!(remove_dot_segments("/../x/"), ("/x/".into(), true));
        assert_eq!(remove_dot_segments(""), ("/".into(), false));
        assert_eq!(join_path("blog/x", "../y/a.md"), "blog/y/a.md");
        assert_eq!(join_path("/a/b/", ".."), "a");
        assert_eq!(join_path("", "../../x.md"), "x.md");
        assert_eq!(join_path("a", "./b//c/"), "a/b/c");
    }

    #[test]
    fn srcset_candidates_follow_the_html_rules() {
        fn urls(srcset: &str) -> Vec<&str> {
            srcset_candidates(srcset).map(|c| c.url).collect()
        }
        assert_eq!(
            urls("a.png, b.png 2x,c.png 100w"),
            ["a.png", "b.png", "c.png"]
        );
        assert_eq!(urls(" x.png 1x (fancy, d) , y.png"), ["x.png", "y.png"]);
        assert_eq!(urls(""), Vec::<&str>::new());
        assert_eq!(urls(" , "), Vec::<&str>::new());
        // A comma inside a URL is the URL's: only splitting on every comma
        // cut this one in two.
        assert_eq!(
            urls("data:image/png;base64,iVBO 1x, b.png 2x"),
            ["data:image/png;base64,iVBO", "b.png"]
        );
        let all: Vec<_> = srcset_candidates("a.png  1x,b.png,  c.png 2x ,").collect();
        let parts: Vec<_> = all.iter().map(|c| (c.descriptors, c.text)).collect();
        assert_eq!(
            parts,
            [("1x", "a.png  1x"), ("", "b.png"), ("2x", "c.png 2x")]
        );
    }

    #[test]
    fn the_attributes_that_hold_urls_include_cite() {
        // `ssg check` lacked `cite`, which feeds made absolute all along.
        for name in ["href", "src", "poster", "cite"] {
            assert!(URL_ATTRIBUTES.contains(&name), "{name}");
        }
        assert!(!URL_ATTRIBUTES.contains(&SRCSET));
    }

    /// `ssg check` read `.htm` files, the preview did not put its reload
    /// script in them; both are served as `text/html`.
    #[test]
    fn html_pages_are_what_is_served_as_html() {
        for page in ["index.html", "a/old.htm", "B.HTML", "x/Y.Htm"] {
            assert!(is_html_page(page), "{page}");
        }
        for other in ["atom.xml", "a.html.gz", "html", "x.xhtml", "style.css"] {
            assert!(!is_html_page(other), "{other}");
        }
    }
}
