//! Which outputs a site has: one [`Job`] per output, each with the
//! [`OutputKind`](super::job::OutputKind) that knows what the output is
//! made from (its signature) and what its template sees (its context).
//! Adding a kind of output is a type in `kinds/` and a line in [`plan`].

use super::inputs::RenderInputs;
use super::job::Job;
use super::kinds::{alias, feed, fixed, page, section, sitemap, tag};

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
    if input.config.search.enabled {
        jobs.push(fixed::search_results());
    }
    jobs.extend(alias::written(site, &input.config.redirects));
    jobs
}
