//! Atom feeds: the site's newest pages at `/atom.xml`, and each taxonomy
//! term's at `/NAME/<slug>/atom.xml`, `build.feed_limit` entries each.

use serde::Serialize;
use tera::Context;

use crate::render::inputs::RenderInputs;
use crate::render::job::{Job, OutputKind};
use crate::site::Site;
use crate::templates::Reads;

/// The site's feed (`term: None`) or a term's.
pub struct Feed {
    term: Option<usize>,
    /// The feed's own URL path.
    path: String,
}

#[derive(Serialize)]
struct FeedValue<'a> {
    title: String,
    /// The feed's own URL.
    permalink: String,
    /// The HTML page the feed mirrors.
    alternate: String,
    updated: Option<String>,
    pages: Vec<FeedEntry<'a>>,
}

#[derive(Serialize)]
struct FeedEntry<'a> {
    title: &'a str,
    permalink: String,
    date: String,
    updated: String,
    summary: Option<&'a str>,
    content: String,
    tags: Vec<&'a str>,
}

pub fn job(site: &Site, term: Option<usize>) -> Job {
    let path = match term {
        Some(t) => format!("{}atom.xml", site.terms[t].path),
        None => "/atom.xml".to_string(),
    };
    let kind = Feed {
        term,
        path: path.clone(),
    };
    Job::new(kind, "atom.xml", path.clone(), path)
}

/// The site's feed again at an old feed URL (`build.feed_aliases`): feed
/// readers do not follow the HTML redirect an alias page is. Its `self`
/// link stays `/atom.xml`, which tells readers where the feed now lives.
pub fn copy_job(written: &str) -> Job {
    let kind = Feed {
        term: None,
        path: "/atom.xml".to_string(),
    };
    Job::new(
        kind,
        "atom.xml",
        crate::urlpath::normalize(written),
        "build.feed_aliases",
    )
}

impl Feed {
    /// The pages the feed lists, newest first, and its title and page.
    fn listing<'a>(&self, input: &RenderInputs<'a>) -> (&'a [usize], String, String) {
        let site = input.site;
        match self.term {
            Some(t) => {
                let term = &site.terms[t];
                let title = format!("{} – {}", input.config.title, term.name);
                (&term.pages, title, term.path.clone())
            }
            None => (&site.dated, input.config.title.clone(), "/".to_string()),
        }
    }

    /// The entries: dated pages only, at most `feed_limit`.
    fn entries<'a>(&self, input: &RenderInputs<'a>) -> impl Iterator<Item = usize> + 'a {
        let site = input.site;
        self.listing(input)
            .0
            .iter()
            .copied()
            .filter(move |&i| site.pages[i].front_matter.date.is_some())
            .take(input.config.build.feed_limit)
    }
}

impl OutputKind for Feed {
    fn inputs(&self, input: &RenderInputs, template: &str) -> u64 {
        let body = input.reads(template, Reads::Body);
        let name = self.term.map_or("", |t| input.site.terms[t].name.as_str());
        let shown: Vec<u64> = self
            .entries(input)
            .map(|i| input.page_hash(i, body))
            .collect();
        crate::hash::of(&(name, shown))
    }

    fn context(&self, input: &RenderInputs, _template: &str, ctx: &mut Context) {
        let (_, title, alternate) = self.listing(input);
        let pages: Vec<FeedEntry> = self.entries(input).map(|i| feed_entry(input, i)).collect();
        // The newest entry dates the feed, never the build: same input, same bytes.
        let updated = pages.iter().map(|p| p.updated.clone()).max();
        let feed = FeedValue {
            title,
            permalink: input.config.permalink(&self.path),
            alternate: input.config.permalink(&alternate),
            updated,
            pages,
        };
        ctx.insert("feed", &feed);
    }
}

fn feed_entry<'a>(input: &'a RenderInputs<'a>, i: usize) -> FeedEntry<'a> {
    let page = &input.site.pages[i];
    let html = input.feed_html(i);
    let fm = &page.front_matter;
    let date = fm.date.as_ref().map(|d| d.rfc3339()).unwrap_or_default();
    FeedEntry {
        title: page.title(),
        permalink: input.config.permalink(&page.path),
        updated: fm
            .updated
            .as_ref()
            .map(|d| d.rfc3339())
            .unwrap_or_else(|| date.clone()),
        date,
        summary: html.summary.as_deref(),
        content: html.content.text(),
        tags: fm.tags.iter().map(String::as_str).collect(),
    }
}
