//! Which pages the search index holds, each as its URL, title and
//! rendered Markdown: nothing of the theme around them.
//!
//! Every page is indexed, and every section with text of its own
//! (`_index.md` with a body), unless its front matter says `search = false`.

use std::path::Path;

use serde_json::Value;

use crate::error::{BuildError, Diagnostic};
use crate::markdown::Html;
use crate::site::Site;

/// The front matter key that keeps a page out of the index.
const OPT_OUT_KEY: &str = "search";

/// One page or section the index holds.
pub struct Indexed<'a> {
    /// Its URL path inside the site (`/blog/x/`): the browser puts the
    /// bundle's own base path in front, so the index is the same for any
    /// `base_url`.
    pub url: &'a str,
    pub title: String,
    pub html: &'a Html,
}

/// The pages and sections to index, in the site's order; a `search` key
/// that is not true or false is an error at its line.
pub fn indexed_pages<'a>(site: &'a Site, root: &Path) -> Result<Vec<Indexed<'a>>, BuildError> {
    let mut indexed = Vec::new();
    let mut errors = Vec::new();
    for page in &site.pages {
        match opted_in(&page.front_matter.extra, root, &page.source) {
            Ok(true) => indexed.push(Indexed {
                url: &page.path,
                title: page.title().to_string(),
                html: &page.rendered.html,
            }),
            Ok(false) => {}
            Err(e) => errors.push(e),
        }
    }
    for section in site.sections.iter().filter(|s| !s.rendered.html.is_empty()) {
        let source = section.source.as_deref().unwrap_or(Path::new("content"));
        match opted_in(&section.front_matter.extra, root, source) {
            Ok(true) => indexed.push(Indexed {
                url: &section.path,
                title: section.title(),
                html: &section.rendered.html,
            }),
            Ok(false) => {}
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(indexed)
    } else {
        Err(errors.into())
    }
}

/// Whether front matter lets its page into the index (`search = false`
/// keeps it out).
fn opted_in(
    extra: &serde_json::Map<String, Value>,
    root: &Path,
    source: &Path,
) -> Result<bool, Diagnostic> {
    match extra.get(OPT_OUT_KEY) {
        None => Ok(true),
        Some(Value::Bool(on)) => Ok(*on),
        Some(other) => {
            // The front matter is parsed by then; its line is found again
            // in the file, only on this error path.
            let line = crate::error::read_text(&root.join(source), source)
                .ok()
                .and_then(|text| {
                    crate::error::line_where(&text, 1, |l| l.trim_start().starts_with(OPT_OUT_KEY))
                });
            Err(Diagnostic::new(
                source,
                line,
                format!(
                    "`{OPT_OUT_KEY}` must be true or false (false keeps the page out of the search index), found {other}"
                ),
            ))
        }
    }
}

/// Everything the index is made from, as one number: which pages, their
/// URLs, titles and text, and the ssg version (which fixes the index's
/// format and its client).
pub fn key(indexed: &[Indexed]) -> u64 {
    let pages: Vec<(&str, &str, u64)> = indexed
        .iter()
        .map(|i| (i.url, i.title.as_str(), i.html.hash()))
        .collect();
    crate::hash::of(&(crate::cache::executable_fingerprint(), pages))
}

/// What a page's words follow from: its title and its text.
pub fn page_key(page: &Indexed) -> u64 {
    crate::hash::of(&(page.title.as_str(), page.html.hash()))
}
