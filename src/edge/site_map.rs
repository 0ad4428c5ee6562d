//! What the edge function needs to know of a built site, as the JSON it
//! embeds: every redirect (aliases of pages and sections, `[redirects]`
//! of ssg.toml) with chains followed to their end, and the few URLs the
//! "a slashless URL is a page" rule would get wrong.

use std::collections::BTreeMap;

use anyhow::{Result, bail};
use serde::Serialize;

use crate::config::Config;
use crate::content::Content;
use crate::{redirects, urlpath};

/// The site as the function sees it. Maps to `1` rather than lists, so the
/// function looks a URL up instead of searching.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SiteMap {
    /// URL path → where it answers 301 to (a URL path or a full URL).
    pub redirects: BTreeMap<String, String>,
    /// Files whose name has no dot (`/CNAME`): served as they are, never
    /// sent on to a folder.
    pub files: BTreeMap<String, u8>,
    /// Pages whose folder name has a dot (`/releases/2.4.1`): sent on to
    /// the folder like the others.
    pub dotted_pages: BTreeMap<String, u8>,
    /// With `www` → apex on: the apex host, whose `www.` is sent to it.
    pub apex: Option<String>,
    /// The domain preview hosts end with (`preview.example.com`), when
    /// the site has a domain of its own (`crate::preview`).
    pub preview: Option<String>,
    /// With the redirects in the KeyValueStore (none above): the version
    /// of the entries the function expects there.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub store: Option<String>,
}

/// The host of `base_url` that `www.` of it is sent to; `None` when the
/// base URL has no host or is itself a `www.` one.
pub fn apex_of(base_url: &str) -> Option<String> {
    urlpath::host(base_url).filter(|host| !host.starts_with("www."))
}

impl SiteMap {
    /// The map for the output files `paths` (relative, `/`-separated) of a
    /// site served under `base_path`.
    pub fn new<'a>(
        redirects: BTreeMap<String, String>,
        base_path: &str,
        paths: impl Iterator<Item = &'a str> + Clone,
    ) -> SiteMap {
        let page_dirs: std::collections::BTreeSet<&str> =
            paths.clone().filter_map(urlpath::page_dir).collect();
        let mut map = SiteMap {
            redirects,
            ..SiteMap::default()
        };
        for path in paths {
            let last = path.rsplit('/').next().unwrap_or(path);
            // A page's slashless twin (publish's `directory_keys`) is not
            // a file the function should serve: the page is.
            if !last.contains('.') && !page_dirs.contains(path) {
                map.files.insert(format!("{base_path}/{path}"), 1);
            }
        }
        for dir in page_dirs {
            let last = dir.rsplit('/').next().unwrap_or(dir);
            if last.contains('.') {
                map.dotted_pages.insert(format!("{base_path}/{dir}"), 1);
            }
        }
        map
    }
}

/// Every redirect the build writes a meta-refresh page for (aliases of
/// pages and sections, `[redirects]`), as URL path → target, each target
/// followed through the other redirects to where it ends. A redirect that
/// comes back to itself is an error naming where it is written.
pub fn redirects_of(config: &Config, content: &Content) -> Result<BTreeMap<String, String>> {
    let base = config.base_path();
    let within = |path: &str| {
        if redirects::is_external(path) {
            path.to_string()
        } else {
            format!("{base}{path}")
        }
    };
    // Two redirects at one path stop the build (its outputs conflict), so
    // which one a map keeps never reaches the edge.
    let written: BTreeMap<String, (String, String)> =
        redirects::written(&content.pages, &content.sections, &config.redirects)
            .into_iter()
            .map(|r| (within(&r.from), (within(&r.to), r.origin)))
            .collect();
    let mut resolved = BTreeMap::new();
    for from in written.keys() {
        resolved.insert(from.clone(), end_of(from, &written)?);
    }
    Ok(resolved)
}

/// Where the redirect at `from` ends, following the others.
fn end_of(from: &str, written: &BTreeMap<String, (String, String)>) -> Result<String> {
    let mut chain = vec![from.to_string()];
    let mut at = from;
    while let Some((to, origin)) = written.get(at) {
        if chain.contains(to) {
            chain.push(to.clone());
            bail!(
                "{origin}: the redirects {} come back to where they start; the edge function would send visitors round forever",
                chain.join(" → ")
            );
        }
        chain.push(to.clone());
        at = to;
    }
    Ok(at.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(pairs: &[(&str, &str)]) -> BTreeMap<String, (String, String)> {
        pairs
            .iter()
            .map(|(a, b)| {
                (
                    a.to_string(),
                    (b.to_string(), "ssg.toml [redirects]".into()),
                )
            })
            .collect()
    }

    #[test]
    fn a_chain_is_followed_to_its_end_and_a_loop_is_an_error() {
        let chain = written(&[("/a/", "/b/"), ("/b/", "/c/")]);
        assert_eq!(end_of("/a/", &chain).unwrap(), "/c/");
        let circle = written(&[("/a/", "/b/"), ("/b/", "/a/")]);
        let err = end_of("/a/", &circle).unwrap_err().to_string();
        assert!(
            err.contains("/a/ → /b/ → /a/") && err.contains("ssg.toml"),
            "{err}"
        );
        let own = written(&[("/a/", "/a/")]);
        assert!(end_of("/a/", &own).is_err());
    }

    #[test]
    fn extensionless_files_and_dotted_pages_are_named_and_slashless_twins_are_not() {
        let paths = [
            "index.html",
            "CNAME",
            "blog/x/index.html",
            "blog/x",
            "releases/2.4.1/index.html",
            "style.css",
        ];
        let map = SiteMap::new(BTreeMap::new(), "", paths.iter().copied());
        assert_eq!(map.files.keys().collect::<Vec<_>>(), ["/CNAME"]);
        assert_eq!(
            map.dotted_pages.keys().collect::<Vec<_>>(),
            ["/releases/2.4.1"]
        );
    }

    #[test]
    fn the_apex_is_the_base_urls_host_unless_it_is_www_already() {
        assert_eq!(
            apex_of("https://Example.com/blog").as_deref(),
            Some("example.com")
        );
        assert_eq!(
            apex_of("https://example.com:8443").as_deref(),
            Some("example.com")
        );
        assert_eq!(apex_of("https://www.example.com"), None);
        assert_eq!(apex_of("/relative"), None);
    }
}
