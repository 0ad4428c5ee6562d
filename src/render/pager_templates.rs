//! The templates of the paginated kinds of output (a section's pagers, a
//! tag's), needed before any job exists: how many pages a pager lists
//! depends on whether its template reads `paginator`, and the pagers are
//! part of what every kind reads (`inputs.rs`).

use crate::site::Site;

/// The template section `s` renders with.
pub fn section(site: &Site, s: usize) -> &str {
    let default = if Some(s) == site.root_section() {
        "index.html"
    } else {
        "section.html"
    };
    site.sections[s]
        .front_matter
        .template
        .as_deref()
        .unwrap_or(default)
}

/// The template every tag's pagers render with.
pub const TAG: &str = "tag.html";
