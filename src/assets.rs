//! Assets that never go stale: every stylesheet and script among the
//! static files also gets a copy whose name carries a hash of its bytes
//! (`style.css` → `style.3f2a9c0d1e4b.css`), and templates link it with
//! `asset_url(path="style.css")`. A new stylesheet is a new URL, so it can
//! be cached for a year as `immutable`: no browser keeps an old one, which
//! no CloudFront invalidation could reach.

use std::collections::BTreeMap;
use std::sync::Arc;

use tera::{Kwargs, State, TeraResult};

use crate::output::Output;

/// Extensions that get a fingerprinted copy: what a theme links from every
/// page and changes with the theme.
const FINGERPRINTED: &[&str] = &["css", "js", "mjs"];

/// Hex digits of the hash in a fingerprinted name.
const HASH_DIGITS: usize = 12;

/// Each fingerprinted static file's path (`style.css`) and its copy's
/// (`style.3f2a9c0d1e4b.css`).
#[derive(Debug, Clone, Default)]
pub struct Fingerprints {
    by_path: BTreeMap<String, String>,
}

impl Fingerprints {
    /// Reads every stylesheet and script of `files`; one that cannot be
    /// read keeps its plain name (its copy fails the build where it is written).
    pub fn of(files: &[Output]) -> Fingerprints {
        let by_path = files
            .iter()
            .filter(|o| {
                let ext = o.path.rsplit_once('.').map_or("", |(_, e)| e);
                FINGERPRINTED.contains(&ext)
            })
            .filter_map(|o| {
                let bytes = o.read().ok()?;
                Some((o.path.clone(), fingerprinted(&o.path, &bytes)))
            })
            .collect();
        Fingerprints { by_path }
    }

    /// The copies to write beside the originals.
    pub fn outputs(&self, files: &[Output]) -> Vec<Output> {
        files
            .iter()
            .filter_map(|o| {
                let copy = self.by_path.get(&o.path)?;
                Some(Output {
                    path: copy.clone(),
                    ..o.clone()
                })
            })
            .collect()
    }

    /// Hash of every name: outputs of templates that call `asset_url` are
    /// rendered again when it changes.
    pub fn digest(&self) -> u64 {
        crate::hash::of(&self.by_path)
    }

    /// `asset_url(path="style.css")`: the fingerprinted copy's absolute URL,
    /// or the plain file's for a file that has none.
    pub fn register(self, tera: &mut tera::Tera, base_url: &str) {
        let shared = Arc::new(self);
        let base_url = base_url.trim_end_matches('/').to_string();
        tera.register_function(
            "asset_url",
            move |kwargs: Kwargs, _: &State| -> TeraResult<String> {
                let path: &str = kwargs.must_get("path")?;
                let rel = path.trim_start_matches('/');
                let named = shared.by_path.get(rel).map_or(rel, String::as_str);
                Ok(format!("{base_url}/{named}"))
            },
        );
    }
}

/// `css/site.css` with bytes `b` → `css/site.HASH.css`.
fn fingerprinted(path: &str, bytes: &[u8]) -> String {
    let hash = format!("{:016x}", crate::hash::content(bytes));
    let hash = &hash[..HASH_DIGITS];
    match path.rsplit_once('.') {
        Some((stem, ext)) if !stem.ends_with('/') && !stem.is_empty() => {
            format!("{stem}.{hash}.{ext}")
        }
        _ => format!("{path}.{hash}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_stylesheets_and_scripts_get_a_copy_named_by_their_bytes() {
        let files = vec![
            Output::bytes("style.css".into(), b"a{}".to_vec(), "t"),
            Output::bytes("js/app.js".into(), b"x()".to_vec(), "t"),
            Output::bytes("photo.png".into(), b"png".to_vec(), "t"),
        ];
        let prints = Fingerprints::of(&files);
        let copies: Vec<String> = prints.outputs(&files).into_iter().map(|o| o.path).collect();
        assert_eq!(copies.len(), 2);
        assert!(
            copies[0].starts_with("style.") && copies[0].ends_with(".css"),
            "{copies:?}"
        );
        assert_eq!(copies[0].len(), "style..css".len() + HASH_DIGITS);
        assert!(copies[1].starts_with("js/app."), "{copies:?}");
        let changed = vec![Output::bytes("style.css".into(), b"b{}".to_vec(), "t")];
        assert_ne!(Fingerprints::of(&changed).by_path["style.css"], copies[0]);
    }

    /// The README's publish rule for fingerprinted copies matches them and
    /// nothing with a plain name.
    #[test]
    fn the_readmes_immutable_rule_matches_fingerprinted_names_only() {
        let readme = include_str!("../README.md");
        let pattern = readme
            .lines()
            .find(|l| l.starts_with("match = ") && l.contains("[0-9a-f]"))
            .and_then(|l| l.split('"').nth(1))
            .expect("the rule in the README");
        let glob = globset::GlobBuilder::new(pattern)
            .literal_separator(true)
            .build()
            .unwrap()
            .compile_matcher();
        let files = vec![Output::bytes("css/style.css".into(), b"a{}".to_vec(), "t")];
        let copy = &Fingerprints::of(&files).by_path["css/style.css"];
        assert!(glob.is_match(copy), "{pattern} vs {copy}");
        assert!(!glob.is_match("css/style.css"));
        assert!(!glob.is_match("css/jquery.min.css"));
    }
}
