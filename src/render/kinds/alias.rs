//! Redirect pages (`alias.html`): a page's `aliases`, and `page/1/` of a
//! paginated listing, which a visitor who edits the URL tries.

use std::collections::BTreeMap;

use tera::Context;

use crate::redirects;
use crate::render::inputs::RenderInputs;
use crate::render::job::{Job, OutputKind};
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

/// Every redirect the sources write (`aliases`, `[redirects]`).
pub fn written(site: &Site, config_redirects: &BTreeMap<String, String>) -> Vec<Job> {
    redirects::written(&site.pages, &site.sections, config_redirects)
        .into_iter()
        .map(|r| Job::new(Alias { to: r.to }, "alias.html", r.from, r.origin))
        .collect()
}

impl OutputKind for Alias {
    fn inputs(&self, _input: &RenderInputs, _template: &str) -> u64 {
        crate::hash::of(&self.to)
    }

    fn context(&self, input: &RenderInputs, _template: &str, ctx: &mut Context) {
        let target = if redirects::is_external(&self.to) {
            self.to.clone()
        } else {
            input.config.permalink(&self.to)
        };
        ctx.insert("target", &target);
    }
}
