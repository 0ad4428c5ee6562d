//! Redirect pages (`alias.html`): a page's `aliases`, and `page/1/` of a
//! paginated listing, which a visitor who edits the URL tries.

use tera::Context;

use crate::render::inputs::RenderInputs;
use crate::render::plan::{Job, OutputKind};
use crate::site::Site;

/// A redirect to the URL path `to`.
pub struct Alias {
    to: String,
}

/// `/blog/page/1/` → `/blog/`, for a listing with more than one pager.
pub fn first_pager(listing_path: &str, pagers: usize) -> Option<Job> {
    (pagers > 1).then(|| {
        let kind = Alias {
            to: listing_path.to_string(),
        };
        Job::new(
            kind,
            "alias.html",
            format!("{listing_path}page/1/"),
            "pagination",
        )
    })
}

/// Every page's `aliases`.
pub fn page_aliases(site: &Site) -> Vec<Job> {
    let mut jobs = Vec::new();
    for page in &site.pages {
        for alias in &page.front_matter.aliases {
            let kind = Alias {
                to: page.path.clone(),
            };
            let origin = page.source.display().to_string();
            jobs.push(Job::new(
                kind,
                "alias.html",
                crate::urlpath::normalize(alias),
                origin,
            ));
        }
    }
    jobs
}

impl OutputKind for Alias {
    fn inputs(&self, _input: &RenderInputs, _template: &str) -> u64 {
        crate::hash::of(&self.to)
    }

    fn context(&self, input: &RenderInputs, ctx: &mut Context) {
        ctx.insert("target", &input.config.permalink(&self.to));
    }
}
