//! A section's pagers: `section.html` (`index.html` for the home page, or
//! the section's `template`) at the section's URL and `page/N/` below it.

use tera::Context;

use crate::render::inputs::RenderInputs;
use crate::render::job::{Job, OutputKind};
use crate::render::pager_templates;
use crate::templates::Reads;

pub struct SectionPager {
    section: usize,
    pager: usize,
}

/// One job per pager of section `s`.
pub fn jobs(input: &RenderInputs, s: usize) -> Vec<Job> {
    let section = &input.site.sections[s];
    let template = pager_templates::section(input.site, s);
    let origin = section
        .source
        .as_ref()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| format!("section {}", section.path));
    input.section_pagers[s]
        .iter()
        .enumerate()
        .map(|(p, pager)| {
            let kind = SectionPager {
                section: s,
                pager: p,
            };
            Job::new(kind, template, pager.path.clone(), origin.clone())
        })
        .collect()
}

impl OutputKind for SectionPager {
    fn inputs(&self, input: &RenderInputs, template: &str) -> u64 {
        let body = input.reads(template, Reads::Body);
        let pager = &input.section_pagers[self.section][self.pager];
        let (listed, whole) = input.digest.section_pages[self.section];
        let all_listed = input
            .reads(template, Reads::SectionPages)
            .then_some(if body { whole } else { listed });
        crate::hash::of(&(
            input.digest.section_own[self.section],
            all_listed,
            input.pager_hashes(input.section_listing(self.section), pager, body),
            pager.index,
            pager.total,
        ))
    }

    fn context(&self, input: &RenderInputs, template: &str, ctx: &mut Context) {
        let pagers = &input.section_pagers[self.section];
        let listing = input.section_listing(self.section);
        let body = input.reads(template, Reads::Body);
        let all = input.reads(template, Reads::SectionPages);
        ctx.insert_value("section", input.section_value(self.section, all, body));
        let lang = &input.site.sections[self.section].front_matter.lang;
        if let Some(lang) = lang {
            ctx.insert("lang", lang);
        }
        ctx.insert_value(
            "paginator",
            input.paginator_value(pagers, self.pager, listing, body),
        );
    }
}
