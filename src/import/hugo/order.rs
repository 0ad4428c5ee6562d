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
        .map(|p| p.section_folder().to_string())
        .collect();
    for dir in folders {
        let section = super::moved::section_index(plan, hugo, &dir);
        section.front_matter.sort_by = Some("weight".into());
    }
}
