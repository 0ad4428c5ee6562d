//! The CloudFront Function that makes the edge behave like a web server
//! for a built site: real 301s for aliases and `[redirects]`, the folder
//! URL for a page asked without its slash, a folder URL served from its
//! `index.html`. Hugo and Zola leave moved URLs to meta-refresh pages;
//! ssg knows every redirect at build time and owns the CDN, so it can
//! answer them at the edge. The same function serves the previews'
//! hosts from their own folders and marks them `noindex`
//! (`crate::preview`).
//!
//! The function's code is `function.js`, readable and testable alone; the
//! site's map is put in it as a JSON literal. CloudFront refuses a
//! function over 10 KB, so a map that makes it larger is an error here
//! rather than a failed deployment.

mod site_map;

pub use site_map::{SiteMap, apex_of, redirects_of};

use serde::Serialize;

/// CloudFront's limit on a function's code ("Maximum size of a function:
/// 10 KB" in its quotas).
pub const MAX_CODE_BYTES: usize = 10 * 1024;

/// The comment ssg gives its function: `ssg publish` updates only a
/// function that carries it, never one the user put on the distribution.
pub const COMMENT: &str = "ssg: the site's redirects and folder URLs";

const TEMPLATE: &str = include_str!("function.js");
const PLACEHOLDER: &str = "__SITE__";

/// The function as it would be deployed, or why it cannot be.
#[derive(Debug, Clone, Serialize)]
pub struct EdgeFunction {
    /// The whole CloudFront Functions source; `None` when it is too large.
    pub code: Option<String>,
    /// Its size in bytes (of what it would be, when too large).
    pub bytes: usize,
    pub max_bytes: usize,
    /// How many redirects the map holds.
    pub redirects: usize,
    /// Why there is no code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl EdgeFunction {
    /// The function for `map`, its size checked against CloudFront's limit.
    pub fn of(map: &SiteMap) -> EdgeFunction {
        let code = code_of(map);
        let bytes = code.len();
        let fits = bytes <= MAX_CODE_BYTES;
        EdgeFunction {
            note: (!fits).then(|| too_large(bytes, map.redirects.len())),
            code: fits.then_some(code),
            bytes,
            max_bytes: MAX_CODE_BYTES,
            redirects: map.redirects.len(),
        }
    }
}

fn too_large(bytes: usize, redirects: usize) -> String {
    format!(
        "the edge function with its {redirects} redirect(s) embedded is {bytes} bytes, over CloudFront's limit of {MAX_CODE_BYTES}; a map this large needs a CloudFront KeyValueStore, which ssg does not make yet (the meta-refresh pages still redirect)"
    )
}

/// Whether `code` (as `code_of` makes it) serves the previews under
/// `domain`: its map names that domain.
pub fn serves_previews_of(code: &str, domain: &str) -> bool {
    let named = serde_json::to_string(domain).unwrap_or_default();
    code.contains(&format!("\"preview\":{named}"))
}

/// The source with `map` in it. Comment lines are left out: they explain
/// the file in the repository, and every byte counts against the limit.
pub fn code_of(map: &SiteMap) -> String {
    let json = serde_json::to_string(map).unwrap_or_else(|_| "{}".into());
    let mut code = String::from(
        "// ssg's CloudFront Function, generated from the built site (ssg: src/edge/function.js)\n",
    );
    for line in TEMPLATE.lines() {
        if line.trim_start().starts_with("//") {
            continue;
        }
        code.push_str(&line.replace(PLACEHOLDER, &json));
        code.push('\n');
    }
    code
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(redirects: usize) -> SiteMap {
        let mut map = SiteMap::default();
        for i in 0..redirects {
            map.redirects
                .insert(format!("/old/post-{i}/"), format!("/blog/post-{i}/"));
        }
        map
    }

    #[test]
    fn the_map_is_embedded_as_json_and_comments_are_left_out() {
        let function = EdgeFunction::of(&map(2));
        let code = function.code.unwrap();
        assert!(code.contains("function handler(event)"));
        assert!(code.contains(r#""/old/post-1/":"/blog/post-1/""#));
        assert!(!code.contains(PLACEHOLDER));
        assert_eq!(
            code.lines()
                .filter(|l| l.trim_start().starts_with("//"))
                .count(),
            1
        );
        assert_eq!(function.bytes, code.len());
        assert!(function.note.is_none());
    }

    #[test]
    fn the_preview_domain_is_in_the_code() {
        let mut with = map(1);
        with.preview = Some("preview.example.com".into());
        let code = code_of(&with);
        assert!(serves_previews_of(&code, "preview.example.com"));
        assert!(!serves_previews_of(&code, "preview.example.org"));
        assert!(!serves_previews_of(
            &code_of(&map(1)),
            "preview.example.com"
        ));
    }

    #[test]
    fn a_map_over_the_size_limit_gives_a_note_and_no_code() {
        let small = EdgeFunction::of(&map(10));
        assert!(small.code.is_some() && small.bytes <= MAX_CODE_BYTES);
        let large = EdgeFunction::of(&map(400));
        assert!(large.bytes > MAX_CODE_BYTES);
        assert!(large.code.is_none());
        let note = large.note.unwrap();
        assert!(
            note.contains("400 redirect(s)") && note.contains("KeyValueStore"),
            "{note}"
        );
    }
}
