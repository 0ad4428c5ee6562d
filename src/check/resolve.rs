//! Where a URL written in a page leads, read the way a browser reads it on
//! that page: off the site (a scheme or `//host`), or to a path of the site
//! (relative ones joined onto the page's folder, `.` and `..` resolved,
//! percent-decoded), with its `#fragment`. Absolute URLs under the site's
//! `base_url` lead into the site too.

use crate::html_urls::{remove_dot_segments, scheme_of};
use crate::urlpath::decode_lossy;

/// Where one URL leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A scheme that names no document to fetch: `mailto:`, `tel:`,
    /// `data:`, `javascript:` and the like. Never checked.
    Other,
    /// An `http(s)` URL off the site (`--external` checks it).
    External(String),
    /// A path of the site (decoded, `/`-rooted) and the fragment, if any.
    Internal {
        path: String,
        fragment: Option<String>,
    },
    /// A relative path with more `..` than folders above its page: a
    /// browser stops at the root and reads it as `path`, which leaves the
    /// site when it is served below a path prefix — broken either way.
    AboveRoot { path: String },
    /// A root-relative path outside the path prefix the site is served
    /// under (`/x/` on a site at `https://example.org/blog`).
    OutsideBase { path: String },
}

/// Reads `url`, written on the page at site path `page` (`/blog/x/`), for
/// a site served at `base_url` (no trailing slash).
pub fn resolve(url: &str, page: &str, base_url: &str) -> Target {
    if let Some(rest) = under_base(url, base_url) {
        return resolve(if rest.is_empty() { "/" } else { rest }, page, "");
    }
    if url.starts_with("//") {
        return Target::External(format!("https:{url}"));
    }
    if let Some(scheme) = scheme_of(url) {
        return if scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https") {
            Target::External(url.to_string())
        } else {
            Target::Other
        };
    }
    let (before_fragment, fragment) = match url.split_once('#') {
        Some((p, f)) => (p, Some(decode_lossy(f))),
        None => (url, None),
    };
    let path = before_fragment.split('?').next().unwrap_or("");
    let fragment = fragment.filter(|f| !f.is_empty());
    if path.is_empty() {
        return Target::Internal {
            path: page.to_string(),
            fragment,
        };
    }
    let joined = if path.starts_with('/') {
        let base_path = crate::urlpath::base_path(base_url);
        match under_base(path, base_path) {
            Some(rest) => decode_lossy(if rest.is_empty() { "/" } else { rest }),
            None if !base_path.is_empty() => {
                return Target::OutsideBase {
                    path: decode_lossy(path),
                };
            }
            None => decode_lossy(path),
        }
    } else {
        let folder = &page[..page.rfind('/').map_or(0, |i| i + 1)];
        format!("{folder}{}", decode_lossy(path))
    };
    let (path, climbed) = remove_dot_segments(&joined);
    if climbed {
        Target::AboveRoot { path }
    } else {
        Target::Internal { path, fragment }
    }
}

/// The rest of `url` after the site's own `base_url`, when it starts with it.
fn under_base<'u>(url: &'u str, base_url: &str) -> Option<&'u str> {
    if base_url.is_empty() || url.len() < base_url.len() {
        return None;
    }
    let (head, rest) = url.split_at_checked(base_url.len())?;
    let follows = rest.is_empty() || rest.starts_with(['/', '?', '#']);
    (head.eq_ignore_ascii_case(base_url) && follows).then_some(rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "https://example.com/docs";

    fn internal(path: &str, fragment: Option<&str>) -> Target {
        Target::Internal {
            path: path.into(),
            fragment: fragment.map(Into::into),
        }
    }

    #[test]
    fn schemes_and_hosts_are_not_site_paths() {
        for url in [
            "mailto:a@b.org",
            "tel:+123",
            "data:image/png;base64,xx",
            "javascript:void(0)",
            "irc://x",
        ] {
            assert_eq!(resolve(url, "/a/", BASE), Target::Other, "{url}");
        }
        assert_eq!(
            resolve("//cdn.example.org/x.js", "/a/", BASE),
            Target::External("https://cdn.example.org/x.js".into())
        );
        assert_eq!(
            resolve("HTTPS://other.org/", "/a/", BASE),
            Target::External("HTTPS://other.org/".into())
        );
    }

    #[test]
    fn base_url_links_are_site_paths() {
        assert_eq!(
            resolve("https://example.com/docs/x/#y", "/a/", BASE),
            internal("/x/", Some("y"))
        );
        assert_eq!(
            resolve("https://example.com/docs", "/a/", BASE),
            internal("/", None)
        );
        assert_eq!(
            resolve("https://example.com/docsx/", "/a/", BASE),
            Target::External("https://example.com/docsx/".into())
        );
    }

    #[test]
    fn root_relative_links_must_stay_under_the_base_path() {
        assert_eq!(
            resolve("/docs/x/#y", "/a/", BASE),
            internal("/x/", Some("y"))
        );
        assert_eq!(resolve("/docs", "/a/", BASE), internal("/", None));
        assert_eq!(
            resolve("/x/", "/a/", BASE),
            Target::OutsideBase { path: "/x/".into() }
        );
        assert_eq!(
            resolve("/docsx/", "/a/", BASE),
            Target::OutsideBase {
                path: "/docsx/".into()
            }
        );
        assert_eq!(
            resolve("/x/", "/a/", "https://example.com"),
            internal("/x/", None)
        );
    }

    #[test]
    fn relative_paths_join_the_page_folder() {
        assert_eq!(
            resolve("pic%20one.png", "/blog/x/", ""),
            internal("/blog/x/pic one.png", None)
        );
        assert_eq!(
            resolve("../y/#s", "/blog/x/", ""),
            internal("/blog/y/", Some("s"))
        );
        assert_eq!(
            resolve("b.html", "/a/404.html", ""),
            internal("/a/b.html", None)
        );
        assert_eq!(resolve("..", "/blog/x/", ""), internal("/blog/", None));
        assert_eq!(resolve("?page=2", "/blog/", ""), internal("/blog/", None));
        assert_eq!(resolve("#", "/blog/", ""), internal("/blog/", None));
        assert_eq!(
            resolve("#top", "/blog/", ""),
            internal("/blog/", Some("top"))
        );
    }

    #[test]
    fn climbing_above_the_root_is_told() {
        assert_eq!(
            resolve("../../../../x.svg", "/blog/x/", ""),
            Target::AboveRoot {
                path: "/x.svg".into()
            }
        );
        assert_eq!(
            resolve("/../x/", "/", ""),
            Target::AboveRoot { path: "/x/".into() }
        );
        assert_eq!(
            resolve("../../x.svg", "/blog/x/", ""),
            internal("/x.svg", None)
        );
    }
}
