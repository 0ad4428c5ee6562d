//! The templates of the paginated kinds of output (a section's pagers, a
//! taxonomy term's), needed before any job exists: how many pages a pager
//! lists depends on whether its template reads `paginator`, and the pagers
//! are part of what every kind reads (`inputs.rs`).

use crate::site::Site;
use crate::taxonomy::TAGS;
use crate::templates::Templates;

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

/// ssg's own templates for tags, which every taxonomy falls back to.
pub const TAGS_LIST: &str = "tags.html";
pub const TAG_SINGLE: &str = "tag.html";

/// The templates of one taxonomy: its list of terms and a term's pagers.
#[derive(Debug, Clone)]
pub struct TaxonomyTemplates {
    pub list: String,
    pub single: String,
}

/// The first that exists of Zola's names (`NAME/list.html`, then
/// `taxonomy_list.html`) and ssg's tag templates; for `tags` itself
/// `tags.html` comes before Zola's shared name, as it did before
/// taxonomies existed.
pub fn taxonomy(templates: &Templates, name: &str) -> TaxonomyTemplates {
    let pick = |own: String, shared: &str, tags: &str| {
        let mut candidates = vec![own];
        if name == TAGS {
            candidates.push(tags.to_string());
        }
        candidates.push(shared.to_string());
        candidates
            .into_iter()
            .find(|c| templates.contains(c))
            .unwrap_or_else(|| tags.to_string())
    };
    TaxonomyTemplates {
        list: pick(format!("{name}/list.html"), "taxonomy_list.html", TAGS_LIST),
        single: pick(
            format!("{name}/single.html"),
            "taxonomy_single.html",
            TAG_SINGLE,
        ),
    }
}
