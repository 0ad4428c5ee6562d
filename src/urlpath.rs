//! URL paths and the output files they map to. A page at `/blog/x/` is
//! written to `blog/x/index.html`, served by the preview from there, stored
//! in S3 under that key (and `blog/x/` with directory keys) and invalidated
//! in CloudFront as both URLs; the build, serve and publish must agree on
//! that mapping, so it is written once, here, with percent-decoding.

/// The byte written as `%XY` at the start of `bytes`, if it is one.
fn escaped_byte(bytes: &[u8]) -> Option<u8> {
    let hex = bytes.get(1..3)?;
    // Two hex digits exactly: `from_str_radix` alone takes `%+0` as 0.
    if !hex.iter().all(u8::is_ascii_hexdigit) {
        return None;
    }
    u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()
}

/// Decodes `%XY` escapes; a `%` that starts no escape is kept as it is
/// when `strict` is off and makes the whole path `None` when it is on.
fn decode_bytes(s: &str, strict: bool) -> Option<Vec<u8>> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            match escaped_byte(&bytes[i..]) {
                Some(v) => {
                    out.push(v);
                    i += 3;
                    continue;
                }
                None if strict => return None,
                None => {}
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    Some(out)
}

/// Percent-decodes a request path; `None` for a malformed escape or bytes
/// that are not UTF-8, which a server refuses rather than guesses at.
pub fn decode_strict(s: &str) -> Option<String> {
    String::from_utf8(decode_bytes(s, true)?).ok()
}

/// Percent-decodes a link an author wrote, keeping what does not decode:
/// a Markdown link is checked and resolved, never refused.
pub fn decode_lossy(s: &str) -> String {
    // Never `None` when not strict.
    let bytes = decode_bytes(s, false).unwrap_or_default();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// The page file of a folder: `""` → `index.html`, `blog/x` → `blog/x/index.html`.
pub fn index_file(dir: &str) -> String {
    if dir.is_empty() {
        "index.html".into()
    } else {
        format!("{dir}/index.html")
    }
}

/// Whether a path's last segment names a file: it has an extension the
/// MIME table knows (`.html`, `.xml`, `.png`…). `/releases/2.4.1` does
/// not: written as a file it would be served as a download.
fn names_a_file(path: &str) -> bool {
    let last = path.rsplit('/').next().unwrap_or(path);
    last.contains('.') && crate::mime::is_known(last)
}

/// A base URL as ssg keeps it: without its trailing `/`s, so the
/// `{{ base_url }}/x/` a template writes and the permalinks ssg builds
/// never double the slash (`https://example.org/blog/` →
/// `https://example.org/blog`).
pub fn trimmed_base_url(base_url: &str) -> &str {
    base_url.trim_end_matches('/')
}

/// The path a site is served under, from its base URL: `/blog` for
/// `https://example.org/blog/`, empty at a domain's root. Root-relative
/// links ssg writes start with it.
pub fn base_path(base_url: &str) -> &str {
    let url = trimmed_base_url(base_url);
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    after_scheme.find('/').map_or("", |i| &after_scheme[i..])
}

/// The host a site is served at, from its base URL: lowercased, without
/// port or path (`example.org` for `https://Example.org:8443/blog/`);
/// `None` for a base URL with no host (a relative one). The previews'
/// hosts and the edge function's `www.` rule are both made from it.
pub fn host(base_url: &str) -> Option<String> {
    let after_scheme = base_url.split_once("://")?.1;
    let host = after_scheme.split(['/', ':']).next()?.to_ascii_lowercase();
    (!host.is_empty()).then_some(host)
}

/// Site path `/blog/x/` → output file `blog/x/index.html`; `/a.html` →
/// `a.html`; `/old/post` or `/releases/2.4.1` (no file extension: a page)
/// → `old/post/index.html`.
pub fn output_file(path: &str) -> String {
    let trimmed = path.trim_start_matches('/');
    if trimmed.is_empty() {
        "index.html".into()
    } else if path.ends_with('/') {
        format!("{trimmed}index.html")
    } else if names_a_file(trimmed) {
        trimmed.to_string()
    } else {
        format!("{trimmed}/index.html")
    }
}

/// A URL path as an author writes it (`old/post`, ` /releases/2.4.1`,
/// `old/post.html`) → the site path it names: rooted, and a folder
/// (ending in `/`) unless its last segment names a file.
pub fn normalize(written: &str) -> String {
    let trimmed = written.trim();
    // `blog//x` and `./blog/x` are written to disk as `blog/x`: spelled so
    // here too, or an alias and the page it overwrites would not be seen
    // to collide (conflicts are found by comparing these paths).
    let segments: Vec<&str> = trimmed
        .split('/')
        .filter(|s| !s.is_empty() && *s != ".")
        .collect();
    let rooted = format!("/{}", segments.join("/"));
    if rooted == "/" || (names_a_file(&rooted) && !trimmed.ends_with('/')) {
        rooted
    } else {
        format!("{rooted}/")
    }
}

/// A redirect page's URL path from an alias as written: like
/// [`normalize`], but a file only when its last segment ends in `.html` or
/// `.htm`, as Zola and Hugo write aliases: `2026/03/20/x.md` is the folder
/// `x.md/` with `index.html`, which any host serves as HTML (a file named
/// `x.md` would be served as Markdown, and no browser follows it).
pub fn redirect_path(written: &str) -> String {
    let path = normalize(written);
    let last = path.rsplit('/').next().unwrap_or("");
    let lower = last.to_ascii_lowercase();
    if path.ends_with('/') || lower.ends_with(".html") || lower.ends_with(".htm") {
        path
    } else {
        format!("{path}/")
    }
}

/// The folder whose page an output file is: `index.html` → `""`,
/// `blog/x/index.html` → `blog/x`; `None` for any other file.
pub fn page_dir(file: &str) -> Option<&str> {
    if file == "index.html" {
        Some("")
    } else {
        file.strip_suffix("/index.html")
    }
}

/// The site path an output file is served at, the inverse of
/// [`output_file`]: `blog/x/index.html` → `/blog/x/`, `atom.xml` → `/atom.xml`.
pub fn site_path(file: &str) -> String {
    match page_dir(file) {
        Some("") => "/".into(),
        Some(dir) => format!("/{dir}/"),
        None => format!("/{file}"),
    }
}

/// The folder key an object store keeps a copy of a page under, so a
/// folder URL finds it with no index-document logic: `blog/x/index.html`
/// → `blog/x/`. The root page has none (its key would be empty).
pub fn directory_key(file: &str) -> Option<String> {
    page_dir(file)
        .filter(|dir| !dir.is_empty())
        .map(|dir| format!("{dir}/"))
}

/// The URLs a stored object is served at: a page at its folder URL and
/// its `index.html` (`blog/x/index.html` → `/blog/x/`, `/blog/x/index.html`),
/// a page's folder-key copy (`blog/x/`) at the same two, any other file at
/// its own path.
pub fn urls_for(key_path: &str) -> Vec<String> {
    let path = key_path.trim_start_matches('/');
    match page_dir(path).or_else(|| path.strip_suffix('/')) {
        Some(dir) => {
            let url = if dir.is_empty() {
                "/".to_string()
            } else {
                format!("/{dir}/")
            };
            let index = format!("{url}index.html");
            vec![url, index]
        }
        None => vec![format!("/{path}")],
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_host_of_a_base_url() {
        assert_eq!(
            super::host("https://Example.org:8443/blog/").as_deref(),
            Some("example.org")
        );
        assert_eq!(
            super::host("https://example.org").as_deref(),
            Some("example.org")
        );
        assert_eq!(super::host("/blog/"), None);
        assert_eq!(super::host("https:///x"), None);
    }

    use super::*;

    #[test]
    fn an_escape_is_two_hex_digits() {
        assert_eq!(decode_strict("/a%20b"), Some("/a b".into()));
        assert_eq!(decode_strict("/a%+0b"), None, "a sign is not a digit");
        assert_eq!(decode_strict("/a%2"), None);
        assert_eq!(decode_lossy("/a%+0b"), "/a%+0b");
    }

    #[test]
    fn written_paths_name_folders_unless_they_end_in_a_known_extension() {
        assert_eq!(normalize("old/post.html"), "/old/post.html");
        assert_eq!(normalize("/old/post"), "/old/post/");
        assert_eq!(normalize("/old/"), "/old/");
        assert_eq!(normalize("releases/2.4.1"), "/releases/2.4.1/");
        assert_eq!(normalize("/docs/v1.2"), "/docs/v1.2/");
        assert_eq!(normalize("feed.xml"), "/feed.xml");
        assert_eq!(output_file("/releases/2.4.1"), "releases/2.4.1/index.html");
        for written in ["a/b", "r/2.4.1", "x.html", "/y/", "img/p.png"] {
            let path = normalize(written);
            assert_eq!(site_path(&output_file(&path)), path, "{written}");
        }
    }

    #[test]
    fn a_redirect_is_a_file_only_when_named_as_html() {
        assert_eq!(redirect_path("2026/03/20/x.md"), "/2026/03/20/x.md/");
        assert_eq!(redirect_path("/old/feed.xml"), "/old/feed.xml/");
        assert_eq!(redirect_path("/old/post.html"), "/old/post.html");
        assert_eq!(redirect_path("/OLD.HTM"), "/OLD.HTM");
        assert_eq!(redirect_path("releases/2.4.1"), "/releases/2.4.1/");
        assert_eq!(output_file(&redirect_path("a/x.md")), "a/x.md/index.html");
    }

    /// Found by `proptests::paths`: alias `blog//x` wrote `blog/x/index.html`
    /// over the page there, unseen by the conflict check.
    #[test]
    fn an_alias_with_doubled_or_dot_segments_names_the_file_it_writes() {
        assert_eq!(normalize("//"), "/");
        assert_eq!(normalize("blog//x"), "/blog/x/");
        assert_eq!(normalize("./blog/./x/"), "/blog/x/");
        assert_eq!(normalize("/a//b.html"), "/a/b.html");
        assert_eq!(output_file(&normalize("blog//x")), "blog/x/index.html");
    }

    #[test]
    fn strict_decoding_refuses_what_lossy_keeps() {
        assert_eq!(decode_strict("/a%20b").as_deref(), Some("/a b"));
        assert_eq!(decode_lossy("/a%20b"), "/a b");
        for bad in ["/%zz", "/%2", "/50%", "/%ff"] {
            assert_eq!(decode_strict(bad), None, "{bad}");
        }
        assert_eq!(decode_lossy("/%zz"), "/%zz");
        assert_eq!(decode_lossy("/50%"), "/50%");
        assert_eq!(decode_lossy("/%ff"), "/\u{fffd}");
        assert_eq!(decode_lossy("caf%C3%A9"), "caf\u{e9}");
    }

    #[test]
    fn base_urls_are_kept_without_trailing_slashes() {
        assert_eq!(
            trimmed_base_url("https://e.org/blog//"),
            "https://e.org/blog"
        );
        assert_eq!(trimmed_base_url("https://e.org"), "https://e.org");
        assert_eq!(base_path("https://e.org/blog/"), "/blog");
        assert_eq!(base_path("https://e.org/"), "");
    }

    #[test]
    fn site_paths_to_output_files() {
        assert_eq!(output_file("/"), "index.html");
        assert_eq!(output_file("/blog/x/"), "blog/x/index.html");
        assert_eq!(output_file("/atom.xml"), "atom.xml");
        assert_eq!(output_file("/old/post"), "old/post/index.html");
        assert_eq!(index_file(""), "index.html");
        assert_eq!(index_file("blog"), "blog/index.html");
    }

    #[test]
    fn output_file_and_site_path_are_inverses() {
        let paths = [
            "/",
            "/blog/",
            "/blog/x/",
            "/tags/c++/",
            "/v1.2/",
            "/atom.xml",
            "/blog/atom.xml",
            "/a.b/c.html",
            "/404.html",
        ];
        for path in paths {
            let file = output_file(path);
            assert_eq!(site_path(&file), path, "{path} → {file}");
            assert_eq!(output_file(&site_path(&file)), file, "{file}");
        }
    }

    #[test]
    fn folder_keys_of_pages_only() {
        assert_eq!(
            directory_key("blog/x/index.html").as_deref(),
            Some("blog/x/")
        );
        assert_eq!(directory_key("index.html"), None);
        assert_eq!(directory_key("blog/myindex.html"), None);
        assert_eq!(directory_key("atom.xml"), None);
    }

    #[test]
    fn urls_of_objects() {
        assert_eq!(urls_for("index.html"), ["/", "/index.html"]);
        assert_eq!(
            urls_for("blog/x/index.html"),
            ["/blog/x/", "/blog/x/index.html"]
        );
        assert_eq!(urls_for("blog/x/"), ["/blog/x/", "/blog/x/index.html"]);
        assert_eq!(urls_for("atom.xml"), ["/atom.xml"]);
        assert_eq!(urls_for(""), ["/"]);
    }
}
