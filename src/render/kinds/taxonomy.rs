//! Taxonomy outputs: each taxonomy's list of terms (`/tags/`,
//! `/categories/`) and each term's pagers (`/tags/<slug>/` and `page/N/`
//! below it), with the templates `pager_templates::taxonomy` picks.

use serde::Serialize;
use tera::Context;

use crate::render::inputs::RenderInputs;
use crate::render::job::{Job, OutputKind};
use crate::templates::Reads;

/// The list of the terms of taxonomy `taxonomy`.
pub struct TermList {
    taxonomy: usize,
}

pub struct TermPager {
    term: usize,
    pager: usize,
}

#[derive(Serialize)]
struct TermSummary<'a> {
    name: &'a str,
    slug: &'a str,
    permalink: String,
    /// `count` is ssg's older name, `page_count` Zola's.
    count: usize,
    page_count: usize,
}

/// The list job of taxonomy `t`, if it has one: a taxonomy with terms
/// has it; `tags` also has it with none when its list template is the
/// site's own, since themes link `/tags/` from every page (the default
/// one does).
pub fn list_job(input: &RenderInputs, t: usize) -> Option<Job> {
    let template = &input.taxonomy_templates[t].list;
    let has_terms = input.site.terms_of(t).next().is_some();
    let always = t == 0 && input.templates.contains(template);
    (has_terms || always).then(|| {
        let path = input.site.taxonomies[t].path();
        Job::new(TermList { taxonomy: t }, template, path.clone(), path)
    })
}

/// One job per pager of term `t`.
pub fn jobs(input: &RenderInputs, t: usize) -> Vec<Job> {
    let term = &input.site.terms[t];
    let template = &input.taxonomy_templates[term.taxonomy].single;
    input.term_pagers[t]
        .iter()
        .enumerate()
        .map(|(p, pager)| {
            let kind = TermPager { term: t, pager: p };
            Job::new(kind, template, pager.path.clone(), term.path.clone())
        })
        .collect()
}

impl OutputKind for TermList {
    fn inputs(&self, input: &RenderInputs, _template: &str) -> u64 {
        input.digest.term_names[self.taxonomy]
    }

    fn context(&self, input: &RenderInputs, _template: &str, ctx: &mut Context) {
        let terms: Vec<TermSummary> = input
            .site
            .terms_of(self.taxonomy)
            .map(|(_, t)| TermSummary {
                name: &t.name,
                slug: &t.slug,
                permalink: input.config.permalink(&t.path),
                count: t.pages.len(),
                page_count: t.pages.len(),
            })
            .collect();
        let taxonomy =
            crate::render::values::taxonomy_value(input.site, self.taxonomy, input.config);
        ctx.insert_value("taxonomy", taxonomy);
        ctx.insert("terms", &terms);
        // What the tags list template has always read, so it can list
        // any taxonomy's terms.
        ctx.insert("tags", &terms);
    }
}

impl OutputKind for TermPager {
    fn inputs(&self, input: &RenderInputs, template: &str) -> u64 {
        let body = input.reads(template, Reads::Body);
        let term = &input.site.terms[self.term];
        let pager = &input.term_pagers[self.term][self.pager];
        let (listed, whole) = input.digest.term_pages[self.term];
        let all_listed =
            input
                .reads(template, Reads::TagPages)
                .then_some(if body { whole } else { listed });
        crate::hash::of(&(
            &term.name,
            term.pages.len(),
            all_listed,
            input.pager_hashes(&term.pages, pager, body),
            pager.index,
            pager.total,
        ))
    }

    fn context(&self, input: &RenderInputs, template: &str, ctx: &mut Context) {
        let pagers = &input.term_pagers[self.term];
        let term = &input.site.terms[self.term];
        let body = input.reads(template, Reads::Body);
        let all = input.reads(template, Reads::TagPages);
        let value = input.term_value(self.term, all, body);
        let taxonomy =
            crate::render::values::taxonomy_value(input.site, term.taxonomy, input.config);
        ctx.insert_value("taxonomy", taxonomy);
        ctx.insert_value("term", value.clone());
        // ssg's older name, which the tag template reads.
        ctx.insert_value("tag", value);
        ctx.insert_value(
            "paginator",
            input.paginator_value(pagers, self.pager, &term.pages, body),
        );
    }
}
