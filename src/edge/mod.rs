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
//! function over 10 KB: a map that makes it larger keeps its redirects in
//! a CloudFront KeyValueStore instead (one per site, made by `ssg
//! provision`, written by `ssg publish`), and the code only names the
//! version of the map it needs. A map the store cannot hold either is an
//! error here rather than a failed deployment.

mod site_map;

pub use site_map::{SiteMap, apex_of, redirects_of};

use std::collections::BTreeMap;

use serde::Serialize;

/// CloudFront's limit on a function's code ("Maximum size of a function:
/// 10 KB" in its quotas).
pub const MAX_CODE_BYTES: usize = 10 * 1024;

/// CloudFront KeyValueStore's limits: a key of 512 bytes, a value of
/// 1 KB, 5 MB in all (its quotas; keys and values counted together).
pub const MAX_STORE_KEY_BYTES: usize = 512;
pub const MAX_STORE_VALUE_BYTES: usize = 1024;
pub const MAX_STORE_BYTES: usize = 5 * 1024 * 1024;

/// The comment ssg gives its function: `ssg publish` updates only a
/// function that carries it, never one the user put on the distribution.
pub const COMMENT: &str = "ssg: the site's redirects and folder URLs";

/// What the code of a function whose redirects are in the store holds.
pub const STORE_MARK: &str = "\"store\":\"";

const TEMPLATE: &str = include_str!("function.js");
const PLACEHOLDER: &str = "__SITE__";

/// Where the function finds the redirects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RedirectsIn {
    Code,
    KeyValueStore,
}

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
    pub redirects_in: RedirectsIn,
    /// With the redirects in the KeyValueStore: its entries (URL path →
    /// target), which publish writes there before the code that reads them.
    #[serde(skip)]
    pub store: Option<BTreeMap<String, String>>,
    /// Why there is no code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl EdgeFunction {
    /// The function for `map`: with the redirects embedded where that fits
    /// CloudFront's limit, else with them in the KeyValueStore.
    pub fn of(map: &SiteMap) -> EdgeFunction {
        let embedded = code_of(map);
        let mut function = EdgeFunction {
            bytes: embedded.len(),
            code: Some(embedded),
            max_bytes: MAX_CODE_BYTES,
            redirects: map.redirects.len(),
            redirects_in: RedirectsIn::Code,
            store: None,
            note: None,
        };
        if function.bytes <= MAX_CODE_BYTES {
            return function;
        }
        function.redirects_in = RedirectsIn::KeyValueStore;
        function.code = None;
        if let Some(problem) = store_problem(&map.redirects) {
            function.note = Some(problem);
            return function;
        }
        let mut without_redirects = map.clone();
        without_redirects.redirects = BTreeMap::new();
        without_redirects.store = Some(store_version(&map.redirects));
        let code = code_of(&without_redirects);
        function.bytes = code.len();
        if function.bytes > MAX_CODE_BYTES {
            function.note = Some(too_large(function.bytes, map));
            return function;
        }
        function.code = Some(code);
        function.store = Some(map.redirects.clone());
        function
    }
}

/// The version of a store's entries the code names: a change to any
/// redirect changes the code, so publish writes the store only when the
/// code it compares differs, and a rollback that puts old code back knows
/// the entries to put back with it.
fn store_version(entries: &BTreeMap<String, String>) -> String {
    let json = serde_json::to_vec(entries).unwrap_or_default();
    format!("{:016x}", crate::hash::content(&json))
}

/// Why the KeyValueStore cannot hold `redirects`, if it cannot.
fn store_problem(redirects: &BTreeMap<String, String>) -> Option<String> {
    if let Some(key) = redirects.keys().find(|k| k.len() > MAX_STORE_KEY_BYTES) {
        return Some(format!(
            "the redirect at {key} has a path of {} bytes, over the KeyValueStore's limit of {MAX_STORE_KEY_BYTES} on a key; the map stays with the meta-refresh pages",
            key.len()
        ));
    }
    if let Some((key, value)) = redirects
        .iter()
        .find(|(_, v)| v.len() > MAX_STORE_VALUE_BYTES)
    {
        return Some(format!(
            "the redirect at {key} goes to a URL of {} bytes, over the KeyValueStore's limit of {MAX_STORE_VALUE_BYTES} on a value; the map stays with the meta-refresh pages",
            value.len()
        ));
    }
    let total: usize = redirects.iter().map(|(k, v)| k.len() + v.len()).sum();
    (total > MAX_STORE_BYTES).then(|| {
        format!(
            "the {} redirect(s) take {total} bytes, over the KeyValueStore's limit of {MAX_STORE_BYTES}; the map stays with the meta-refresh pages",
            redirects.len()
        )
    })
}

fn too_large(bytes: usize, map: &SiteMap) -> String {
    format!(
        "the edge function is {bytes} bytes even with its {} redirect(s) in the KeyValueStore, over CloudFront's limit of {MAX_CODE_BYTES}: its {} extensionless file(s) and {} page(s) with a dot in their name make it so (the meta-refresh pages still redirect)",
        map.redirects.len(),
        map.files.len(),
        map.dotted_pages.len()
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
        assert!(!code.contains(r#""store""#));
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
    fn a_map_over_the_size_limit_goes_to_the_store_and_the_code_names_its_version() {
        let small = EdgeFunction::of(&map(10));
        assert!(small.code.is_some() && small.bytes <= MAX_CODE_BYTES);
        assert_eq!(small.redirects_in, RedirectsIn::Code);
        assert!(small.store.is_none());
        let large = EdgeFunction::of(&map(400));
        assert_eq!(large.redirects_in, RedirectsIn::KeyValueStore);
        let code = large.code.expect("code");
        assert!(large.bytes <= MAX_CODE_BYTES && !code.contains("/old/post-1/"));
        assert!(code.contains(STORE_MARK), "{code}");
        assert_eq!(large.store.expect("entries").len(), 400);
        // One redirect more: another version, so other code.
        let larger = EdgeFunction::of(&map(401)).code.expect("code");
        assert_ne!(code, larger);
    }

    #[test]
    fn a_map_the_store_cannot_hold_is_a_note() {
        let mut long = map(400);
        long.redirects
            .insert(format!("/{}/", "x".repeat(600)), "/".into());
        let function = EdgeFunction::of(&long);
        assert!(function.code.is_none());
        let note = function.note.expect("note");
        assert!(note.contains("limit of 512"), "{note}");
    }
}
