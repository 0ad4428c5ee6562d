//! Redirect pages (`alias.html`): a page's `aliases`, and `page/1/` of a
//! paginated listing, which a visitor who edits the URL tries.

use tera::Context;

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

/// Every page's `aliases`.
pub fn page_aliases(site: &Site) -> Vec<Job> {
    let pages = site.pages.iter().map(|page| {
        let origin = page.source.display().to_string();
        (&page.front_matter.aliases, &page.path, origin)
    });
    redirects(pages)
}

/// The `aliases` of sections' `_index.md`: old listing, tag or category
/// URLs that now lead to a section.
pub fn section_aliases(site: &Site) -> Vec<Job> {
    let sections = site.sections.iter().filter_map(|section| {
        let origin = section.source.as_ref()?.display().to_string();
        Some((&section.front_matter.aliases, &section.path, origin))
    });
    redirects(sections)
}

/// `[redirects]` of ssg.toml.
pub fn config_redirects(redirects: &std::collections::BTreeMap<String, String>) -> Vec<Job> {
    redirects
        .iter()
        .map(|(old, to)| {
            let to = if to.contains("://") {
                to.clone()
            } else {
                crate::urlpath::normalize(to)
            };
            let path = crate::urlpath::normalize(old);
            Job::new(Alias { to }, "alias.html", path, "ssg.toml [redirects]")
        })
        .collect()
}

fn redirects<'a>(sources: impl Iterator<Item = (&'a Vec<String>, &'a String, String)>) -> Vec<Job> {
    let mut jobs = Vec::new();
    for (aliases, to, origin) in sources {
        for alias in aliases {
            let kind = Alias { to: to.clone() };
            let path = crate::urlpath::redirect_path(alias);
            jobs.push(Job::new(kind, "alias.html", path, origin.clone()));
        }
    }
    jobs
}

impl OutputKind for Alias {
    fn inputs(&self, _input: &RenderInputs, _template: &str) -> u64 {
        crate::hash::of(&self.to)
    }

    fn context(&self, input: &RenderInputs, _template: &str, ctx: &mut Context) {
        let target = if self.to.contains("://") {
            self.to.clone()
        } else {
            input.config.permalink(&self.to)
        };
        ctx.insert("target", &target);
    }
}
