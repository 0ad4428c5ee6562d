//! Tag outputs: the index of every tag (`tags.html` at `/tags/`) and each
//! tag's pagers (`tag.html` at `/tags/<slug>/` and `page/N/` below it).

use serde::Serialize;
use tera::Context;

use crate::render::inputs::RenderInputs;
use crate::render::job::{Job, OutputKind};
use crate::render::pager_templates;
use crate::templates::Reads;

pub struct TagsIndex;

pub struct TagPager {
    tag: usize,
    pager: usize,
}

#[derive(Serialize)]
struct TagSummary<'a> {
    name: &'a str,
    slug: &'a str,
    permalink: String,
    count: usize,
}

/// The template of the index of every tag.
pub const INDEX_TEMPLATE: &str = "tags.html";

pub fn index_job() -> Job {
    Job::new(TagsIndex, INDEX_TEMPLATE, "/tags/", "/tags/")
}

/// One job per pager of tag `t`.
pub fn jobs(input: &RenderInputs, t: usize) -> Vec<Job> {
    let origin = &input.site.tags[t].path;
    input.tag_pagers[t]
        .iter()
        .enumerate()
        .map(|(p, pager)| {
            let kind = TagPager { tag: t, pager: p };
            Job::new(
                kind,
                pager_templates::TAG,
                pager.path.clone(),
                origin.clone(),
            )
        })
        .collect()
}

impl OutputKind for TagsIndex {
    fn inputs(&self, input: &RenderInputs, _template: &str) -> u64 {
        input.digest.tag_names
    }

    fn context(&self, input: &RenderInputs, _template: &str, ctx: &mut Context) {
        let tags: Vec<TagSummary> = input
            .site
            .tags
            .iter()
            .map(|t| TagSummary {
                name: &t.name,
                slug: &t.slug,
                permalink: input.config.permalink(&t.path),
                count: t.pages.len(),
            })
            .collect();
        ctx.insert("tags", &tags);
    }
}

impl OutputKind for TagPager {
    fn inputs(&self, input: &RenderInputs, template: &str) -> u64 {
        let body = input.reads(template, Reads::Body);
        let tag = &input.site.tags[self.tag];
        let pager = &input.tag_pagers[self.tag][self.pager];
        let (listed, whole) = input.digest.tag_pages[self.tag];
        let all_listed =
            input
                .reads(template, Reads::TagPages)
                .then_some(if body { whole } else { listed });
        crate::hash::of(&(
            &tag.name,
            tag.pages.len(),
            all_listed,
            input.pager_hashes(&tag.pages, pager, body),
            pager.index,
            pager.total,
        ))
    }

    fn context(&self, input: &RenderInputs, template: &str, ctx: &mut Context) {
        let pagers = &input.tag_pagers[self.tag];
        let listing = &input.site.tags[self.tag].pages;
        let body = input.reads(template, Reads::Body);
        let all = input.reads(template, Reads::TagPages);
        ctx.insert_value("tag", input.tag_value(self.tag, all, body));
        ctx.insert_value(
            "paginator",
            input.paginator_value(pagers, self.pager, listing, body),
        );
    }
}
