//! `{{< ref >}}` and `{{< relref >}}` targets resolved as Hugo resolves
//! them — a content path with or without its extension, from the page's
//! folder or the content root, or a unique file or bundle name — to the
//! imported file's `@/` path, which ssg turns into the page's URL.

use std::collections::BTreeMap;

use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};

use super::page::{HugoPage, PageKind};

/// Characters that would end or break a Markdown link destination.
const IN_LINK: &AsciiSet = &CONTROLS.add(b' ').add(b'(').add(b')').add(b'<').add(b'>');

pub struct RefIndex {
    /// `base_url`, for targets written inside an HTML attribute.
    base_url: String,
    /// DEST path → the page's URL path.
    urls: BTreeMap<String, String>,
    /// Lower-cased content path (with and without extension) → DEST path.
    by_path: BTreeMap<String, String>,
    /// Lower-cased file or bundle name → DEST paths (ambiguous when > 1).
    by_name: BTreeMap<String, Vec<String>>,
}

impl RefIndex {
    pub fn new(pages: &[HugoPage], base_url: &str) -> RefIndex {
        let mut index = RefIndex {
            base_url: base_url.to_string(),
            urls: BTreeMap::new(),
            by_path: BTreeMap::new(),
            by_name: BTreeMap::new(),
        };
        for page in pages {
            let rel = page.rel.to_lowercase();
            let no_ext = rel
                .rsplit_once('.')
                .map_or(rel.as_str(), |(s, _)| s)
                .to_string();
            let mut keys = vec![rel.clone(), no_ext.clone()];
            if page.kind != PageKind::Regular {
                keys.push(
                    no_ext
                        .rsplit_once('/')
                        .map_or(String::new(), |(d, _)| d.to_string()),
                );
            }
            let dest = page.dest.trim_start_matches("content/").to_string();
            index.urls.insert(dest.clone(), page.url.clone());
            let name = keys
                .last()
                .map(|k| k.rsplit('/').next().unwrap_or(k).to_string())
                .unwrap_or_default();
            for key in keys {
                index.by_path.entry(key).or_insert_with(|| dest.clone());
            }
            if page.kind != PageKind::Section {
                index.by_name.entry(name).or_default().push(dest.clone());
                let file = rel.rsplit('/').next().unwrap_or(&rel).to_string();
                index.by_name.entry(file).or_default().push(dest);
            }
        }
        index
    }

    /// `target` written in the page at content path `from`.
    pub fn resolve(&self, target: &str, from: &str) -> Option<String> {
        let (path, fragment) = match target.split_once('#') {
            Some((p, f)) => (p, format!("#{f}")),
            None => (target, String::new()),
        };
        let path = path.trim().to_lowercase();
        let path = path.trim_start_matches("./").trim_end_matches('/');
        let dest = if let Some(abs) = path.strip_prefix('/') {
            self.by_path.get(abs)
        } else {
            let dir = from.rsplit_once('/').map_or("", |(d, _)| d).to_lowercase();
            let local = if dir.is_empty() {
                path.to_string()
            } else {
                format!("{dir}/{path}")
            };
            self.by_path
                .get(&local)
                .or_else(|| self.by_path.get(path))
                .or_else(|| {
                    self.by_name
                        .get(path)
                        .filter(|d| d.len() == 1)
                        .and_then(|d| d.first())
                })
        };
        if path.is_empty() {
            return Some(fragment).filter(|f| !f.is_empty());
        }
        dest.map(|d| format!("@/{}{fragment}", utf8_percent_encode(d, IN_LINK)))
    }

    /// The page's absolute URL, for a target inside raw HTML (`href="…"`),
    /// where ssg does not resolve `@/` paths.
    pub fn absolute(&self, at_path: &str) -> Option<String> {
        let (path, fragment) = at_path
            .split_once('#')
            .map_or((at_path, ""), |(p, f)| (p, f));
        let dest = crate::urlpath::decode_lossy(path.strip_prefix("@/")?);
        let url = self.urls.get(&dest)?;
        let hash = if fragment.is_empty() {
            String::new()
        } else {
            format!("#{fragment}")
        };
        Some(format!("{}{url}{hash}", self.base_url))
    }
}
