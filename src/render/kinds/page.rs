//! A page's own output: `page.html` (or its `template`) at the page's URL.

use tera::Context;

use crate::config::Config;
use crate::error::Diagnostic;
use crate::render::inputs::RenderInputs;
use crate::render::job::{Job, OutputKind, insert_site_wide, render_template};
use crate::render::values;
use crate::site::Site;
use crate::templates::{Reads, Templates};

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
        insert_page(ctx, input.site, input.config, self.page);
    }
}

/// What page `i`'s own template sees of it.
fn insert_page(ctx: &mut Context, site: &Site, config: &Config, i: usize) {
    ctx.insert_value("page", values::listed_page_value(site, i, config, true));
    ctx.insert("lang", site.pages[i].front_matter.lang_or(&config.language));
}

/// Whether page `i`'s own output can be rendered alone: its template
/// calls none of the functions that read the rest of the site or its files
/// (`get_section`, `load_data`…), which only a whole render installs.
pub fn can_render_alone(site: &Site, templates: &Templates, i: usize) -> bool {
    let template = job(site, i).template;
    !templates.reads(&template, Reads::Site) && !templates.reads(&template, Reads::LoadData)
}

/// Page `i`'s own output, rendered without the rest of the site: the same
/// context as its [`Job`] gets in a whole render (a page's template reads
/// the page and its neighbours, nothing that needs the site's digests),
/// so the same bytes. Returns the output file and its bytes.
pub fn render_alone(
    site: &Site,
    config: &Config,
    templates: &Templates,
    i: usize,
) -> Result<(String, String), Diagnostic> {
    let job = job(site, i);
    let mut ctx = Context::new();
    insert_page(&mut ctx, site, config, i);
    insert_site_wide(&mut ctx, values::config_value(config), config, &job.path);
    let html = render_template(templates, &job, &ctx)?;
    Ok((crate::urlpath::output_file(&job.path), html))
}
