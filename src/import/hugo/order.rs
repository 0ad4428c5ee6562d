//! Hugo lists a section's pages by weight first (lowest first; a weight of
//! 0 is none), then by date, newest first: ssg's `sort_by = "weight"`. A
//! section holding a weighted page says so in its `_index.md` (written if
//! the site had none), so its listing reads as Hugo's; other sections keep
//! ssg's default, which is Hugo's order when nothing is weighted.

use std::collections::BTreeSet;

use super::config::HugoConfig;
use crate::import::Plan;

/// Sets `sort_by = "weight"` on each section with a weighted page.
pub fn weighted_sections(plan: &mut Plan, hugo: &HugoConfig) {
    let folders: BTreeSet<String> = plan
        .pages
        .iter()
        .filter(|p| !p.is_section() && p.front_matter.weight.is_some_and(|w| w != 0))
        .map(|p| section_dir(&p.dest).to_string())
        .collect();
    for dir in folders {
        let section = super::moved::section_index(plan, hugo, &dir);
        section.front_matter.sort_by = Some("weight".into());
    }
}

/// The content folder of the section page `dest` (`content/a/b/x.md` or a
/// bundle's `content/a/b/x/index.md`) is listed in: `a/b`.
fn section_dir(dest: &str) -> &str {
    let inner = dest.strip_prefix("content/").unwrap_or(dest);
    let folder = inner.rsplit_once('/').map_or("", |(folder, _)| folder);
    if inner.ends_with("/index.md") {
        folder.rsplit_once('/').map_or("", |(parent, _)| parent)
    } else {
        folder
    }
}

#[cfg(test)]
mod tests {
    use super::section_dir;

    #[test]
    fn a_bundle_is_listed_in_the_folder_above_it() {
        assert_eq!(section_dir("content/garden/blog/x.md"), "garden/blog");
        assert_eq!(section_dir("content/garden/blog/x/index.md"), "garden/blog");
        assert_eq!(section_dir("content/x.md"), "");
        assert_eq!(section_dir("content/x/index.md"), "");
    }
}
