//! Outputs that read nothing of the site but `config`: `robots.txt`, the
//! `404.html` page and, with `[search]` on, the `/search/` results page
//! (which finds its results in the browser, from `?q=`).

use tera::Context;

use crate::render::inputs::RenderInputs;
use crate::render::job::{Job, OutputKind};

pub struct ConfigOnly;

pub fn robots() -> Job {
    Job::new(ConfigOnly, "robots.txt", "/robots.txt", "/robots.txt")
}

pub fn not_found() -> Job {
    Job::new(ConfigOnly, "404.html", "/404.html", "/404.html")
}

pub fn search_results() -> Job {
    Job::new(ConfigOnly, "search.html", "/search/", "/search/")
}

impl OutputKind for ConfigOnly {
    fn inputs(&self, _input: &RenderInputs, _template: &str) -> u64 {
        0
    }

    fn context(&self, _input: &RenderInputs, _template: &str, _ctx: &mut Context) {}
}
