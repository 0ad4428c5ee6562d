//! A page's own output: `page.html` (or its `template`) at the page's URL.

use tera::Context;

use crate::render::inputs::RenderInputs;
use crate::render::plan::{Job, OutputKind};
use crate::site::Site;

pub struct PageOutput {
    page: usize,
}

pub fn job(site: &Site, i: usize) -> Job {
    let page = &site.pages[i];
    let template = page.front_matter.template.as_deref().unwrap_or("page.html");
    Job::new(
        PageOutput { page: i },
        template,
        page.path.clone(),
        page.source.display().to_string(),
    )
}

impl OutputKind for PageOutput {
    fn inputs(&self, input: &RenderInputs, _template: &str) -> u64 {
        crate::hash::of(&input.pages[self.page].whole)
    }

    fn context(&self, input: &RenderInputs, _template: &str, ctx: &mut Context) {
        ctx.insert_value("page", input.page_value(self.page));
    }
}
