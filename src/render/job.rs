//! One output to render ([`Job`]) and what every kind of output has to say
//! about itself ([`OutputKind`]): its signature and its template context.
//! Shared by the list of outputs (`plan.rs`), each kind in `kinds/`
//! and the render itself, so a kind imports these and never the list.

use tera::Context;

use super::inputs::RenderInputs;
use crate::config::Config;
use crate::error::Diagnostic;
use crate::templates::Reads;
use crate::templates::Templates;

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
        let assets = input
            .reads(&self.template, Reads::Assets)
            .then_some(input.templates.assets_digest);
        let images = input
            .reads(&self.template, Reads::Images)
            .then_some(input.templates.images_digest);
        // What `get_page`, `get_section`… and `load_data` may have shown.
        let site = input.reads(&self.template, Reads::Site).then(|| {
            input.site_calls_digest(&self.template, input.reads(&self.template, Reads::Body))
        });
        let loaded = input
            .reads(&self.template, Reads::LoadData)
            .then(|| input.load_data_digest(&self.template));
        crate::hash::of(&(
            self.template.as_str(),
            self.path.as_str(),
            inputs,
            data,
            assets,
            images,
            site,
            loaded,
        ))
    }

    /// The whole template context.
    pub fn context(&self, input: &RenderInputs) -> Context {
        let mut ctx = Context::new();
        self.kind.context(input, &self.template, &mut ctx);
        if input.reads(&self.template, Reads::Site) && input.reads(&self.template, Reads::Body) {
            ctx.insert(super::site_functions::BODIES_FLAG, &true);
        }
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
/// `current_path`, `current_url`, and `lang` (the site's language where
/// the kind set none: a page's or section's own `lang`), which Zola
/// templates pass on to its functions (`get_url(path=…, lang=lang)`).
pub fn insert_site_wide(ctx: &mut Context, config_value: tera::Value, config: &Config, path: &str) {
    ctx.insert_value("config", config_value);
    if !ctx.contains_key("lang") {
        ctx.insert("lang", &config.language);
    }
    ctx.insert("current_path", path);
    ctx.insert("current_url", &config.permalink(path));
}

/// `job`'s template applied to `ctx`.
pub fn render_template(
    templates: &Templates,
    job: &Job,
    ctx: &tera::Context,
) -> Result<String, Diagnostic> {
    if !templates.contains(&job.template) {
        return Err(Diagnostic::new(
            job.origin.clone(),
            None,
            format!(
                "template \"{}\" not found: add templates/{} or set a theme that has it (theme = \"default\")",
                job.template, job.template
            ),
        ));
    }
    templates
        .tera
        .render(&job.template, ctx)
        .map_err(|e| templates.diagnostic(&e, &job.origin))
}
