//! The redirects a site's sources write: `aliases` of pages and of
//! sections' `_index.md`, and `[redirects]` of ssg.toml. One list, so the
//! build's meta-refresh pages and the edge function's 301s are the same
//! redirects, spelled the same way.

use std::collections::BTreeMap;

use crate::content::{Page, Section};
use crate::urlpath;

/// One redirect as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redirect {
    /// The site path it answers at (`/old/post/`).
    pub from: String,
    /// A site path (`/blog/post/`) or a full URL of another host.
    pub to: String,
    /// What to name in its errors: a source file or `ssg.toml [redirects]`.
    pub origin: String,
}

/// Every page's `aliases`, then the sections', then `[redirects]`.
pub fn written(
    pages: &[Page],
    sections: &[Section],
    config_redirects: &BTreeMap<String, String>,
) -> Vec<Redirect> {
    let pages = pages.iter().map(|page| {
        let origin = page.source.display().to_string();
        (&page.front_matter.aliases, &page.path, origin)
    });
    // The root section without an `_index.md` has no aliases to give.
    let sections = sections.iter().filter_map(|section| {
        let origin = section.source.as_ref()?.display().to_string();
        Some((&section.front_matter.aliases, &section.path, origin))
    });
    let mut redirects = Vec::new();
    for (aliases, to, origin) in pages.chain(sections) {
        // A page's alias is a file only when named `.html`/`.htm`
        // (`x.md` is a folder, as Zola writes it); `[redirects]` keys keep
        // their own names.
        redirects.extend(aliases.iter().map(|alias| Redirect {
            from: urlpath::redirect_path(alias),
            to: to.clone(),
            origin: origin.clone(),
        }));
    }
    redirects.extend(config_redirects.iter().map(|(old, to)| Redirect {
        from: urlpath::normalize(old),
        to: if is_external(to) {
            to.clone()
        } else {
            urlpath::normalize(to)
        },
        origin: "ssg.toml [redirects]".to_string(),
    }));
    redirects
}

/// Whether `to` leads to another host rather than a path of the site.
pub fn is_external(to: &str) -> bool {
    to.contains("://")
}
