//! Which outputs a site has: one [`Job`] per output, each with the
//! [`OutputKind`] that knows what the output is made from (its signature)
//! and what its template sees (its context). Adding a kind of output is a
//! type in `kinds/` and a line in [`plan`].

use tera::Context;

use super::inputs::RenderInputs;
use super::kinds::{alias, feed, fixed, page, section, sitemap, tag};
use crate::config::Config;
use crate::templates::Reads;

/// One kind of templated output.
pub trait OutputKind: Send + Sync {
    /// A hash of everything the output's bytes depend on besides its
    /// template, its path and the site-wide inputs (config, templates).
    fn inputs(&self, input: &RenderInputs, template: &str) -> u64;

    /// Adds what its template reads, besides `config` and `current_*`.
    fn context(&self, input: &RenderInputs, template: &str, ctx: &mut Context);
}

/// One output to render.
pub struct Job {
    pub kind: Box<dyn OutputKind>,
    pub template: String,
    /// Its URL path: `/blog/x/`, `/atom.xml`.
    pub path: String,
    /// What to name in its errors: a source file or a description.
    pub origin: String,
}

impl Job {
    pub fn new(
        kind: impl OutputKind + 'static,
        template: impl Into<String>,
        path: impl Into<String>,
        origin: impl Into<String>,
    ) -> Job {
        Job {
            kind: Box::new(kind),
            template: template.into(),
            path: path.into(),
            origin: origin.into(),
        }
    }

    /// Everything the output depends on besides the site-wide inputs, as one number.
    pub fn signature(&self, input: &RenderInputs) -> u64 {
        let inputs = self.kind.inputs(input, &self.template);
        let data = input
            .reads(&self.template, Reads::Data)
            .then_some(input.templates.data_digest);
        crate::hash::of(&(self.template.as_str(), self.path.as_str(), inputs, data))
    }

    /// The whole template context.
    pub fn context(&self, input: &RenderInputs) -> Context {
        let mut ctx = Context::new();
        self.kind.context(input, &self.template, &mut ctx);
        insert_site_wide(
            &mut ctx,
            input.config_value.clone(),
            input.config,
            &self.path,
        );
        ctx
    }
}

/// What every template sees besides its kind's values: `config`,
/// `current_path`, `current_url`.
pub fn insert_site_wide(ctx: &mut Context, config_value: tera::Value, config: &Config, path: &str) {
    ctx.insert_value("config", config_value);
    ctx.insert("current_path", path);
    ctx.insert("current_url", &config.permalink(path));
}

/// Every templated output of the site, in a stable order.
pub fn plan(input: &RenderInputs) -> Vec<Job> {
    let site = input.site;
    let mut jobs: Vec<Job> = (0..site.pages.len()).map(|i| page::job(site, i)).collect();
    for (s, pagers) in input.section_pagers.iter().enumerate() {
        jobs.extend(section::jobs(input, s));
        jobs.extend(alias::first_pager(&site.sections[s].path, pagers.len()));
    }
    // Themes link `/tags/` from every page (the default one does): it
    // exists whenever it can be rendered, tags or not yet.
    if !site.tags.is_empty() || input.templates.contains(tag::INDEX_TEMPLATE) {
        jobs.push(tag::index_job());
    }
    for (t, pagers) in input.tag_pagers.iter().enumerate() {
        jobs.extend(tag::jobs(input, t));
        jobs.push(feed::job(site, Some(t)));
        jobs.extend(alias::first_pager(&site.tags[t].path, pagers.len()));
    }
    jobs.push(feed::job(site, None));
    for path in &input.config.build.feed_aliases {
        jobs.push(feed::copy_job(path));
    }
    jobs.extend([sitemap::job(), fixed::robots(), fixed::not_found()]);
    jobs.extend(alias::page_aliases(site));
    jobs.extend(alias::section_aliases(site));
    jobs.extend(alias::config_redirects(&input.config.redirects));
    jobs
}
