//! Which outputs a site has: one [`Job`] per output, each with the
//! [`OutputKind`](super::job::OutputKind) that knows what the output is
//! made from (its signature) and what its template sees (its context).
//! Adding a kind of output is a type in `kinds/` and a line in [`plan`].

use super::inputs::RenderInputs;
use super::job::Job;
use super::kinds::{alias, feed, fixed, page, section, sitemap, taxonomy};

/// Every templated output of the site, in a stable order.
pub fn plan(input: &RenderInputs) -> Vec<Job> {
    let site = input.site;
    let mut jobs: Vec<Job> = (0..site.pages.len()).map(|i| page::job(site, i)).collect();
    for (s, pagers) in input.section_pagers.iter().enumerate() {
        jobs.extend(section::jobs(input, s));
        jobs.extend(alias::first_pager(&site.sections[s].path, pagers.len()));
    }
    jobs.extend((0..site.taxonomies.len()).filter_map(|t| taxonomy::list_job(input, t)));
    for (t, pagers) in input.term_pagers.iter().enumerate() {
        let term = &site.terms[t];
        jobs.extend(taxonomy::jobs(input, t));
        if site.taxonomies[term.taxonomy].feed {
            jobs.push(feed::job(site, Some(t)));
        }
        jobs.extend(alias::first_pager(&term.path, pagers.len()));
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
