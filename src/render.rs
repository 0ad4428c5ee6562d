//! Rendering: one Tera context per output, all outputs rendered in parallel
//! from values computed once per page (Tera values share their data, so a
//! page listed on fifty pagers is serialised once).

use std::collections::HashSet;

use rustc_hash::FxHashMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Value};
use xxhash_rust::xxh3::Xxh3;

use crate::config::Config;
use crate::content::{Page, Section};
use crate::error::Diagnostic;
use crate::markdown::TocEntry;
use crate::output::{Output, OutputData};
use crate::site::{Pager, Site, paginate};
use crate::templates::{Reads, Templates};

#[derive(Serialize)]
struct TagRef<'a> {
    name: &'a str,
    slug: String,
    permalink: String,
}

#[derive(Serialize)]
struct PageRef<'a> {
    title: &'a str,
    date: Option<String>,
    permalink: String,
    path: &'a str,
}

#[derive(Serialize)]
struct PageValue<'a> {
    title: &'a str,
    date: Option<String>,
    updated: Option<String>,
    tags: Vec<TagRef<'a>>,
    summary: Option<&'a str>,
    /// The summary is shorter than the content: show a "read more" link.
    has_more: bool,
    content: &'a str,
    permalink: String,
    path: &'a str,
    slug: &'a str,
    section: String,
    word_count: usize,
    reading_time: usize,
    toc: &'a [TocEntry],
    extra: &'a serde_json::Map<String, serde_json::Value>,
    draft: bool,
    weight: Option<i64>,
    assets: Vec<String>,
    earlier: Option<PageRef<'a>>,
    later: Option<PageRef<'a>>,
}

#[derive(Serialize)]
struct SubsectionValue<'a> {
    title: String,
    path: &'a str,
    permalink: String,
    page_count: usize,
}

/// The paginator's own fields; `pages` is added as shared values.
#[derive(Serialize)]
struct PaginatorValue {
    current_index: usize,
    number_pagers: usize,
    total_pages: usize,
    first: String,
    last: String,
    previous: Option<String>,
    next: Option<String>,
}

#[derive(Serialize)]
struct TagSummary<'a> {
    name: &'a str,
    slug: &'a str,
    permalink: String,
    count: usize,
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
    content: &'a str,
    tags: Vec<&'a str>,
}

#[derive(Serialize)]
struct SitemapEntry {
    permalink: String,
    lastmod: Option<String>,
}

fn page_ref<'a>(page: &'a Page, config: &Config) -> PageRef<'a> {
    PageRef {
        title: page.title(),
        date: page.front_matter.date.as_ref().map(|d| d.to_text()),
        permalink: config.permalink(&page.path),
        path: &page.path,
    }
}

fn reading_time(words: usize) -> usize {
    words.div_ceil(200)
}

/// What templates see of a page.
fn page_view<'a>(site: &'a Site, i: usize, config: &Config) -> PageValue<'a> {
    let page = &site.pages[i];
    let fm = &page.front_matter;
    let rendered = &page.rendered;
    let summary = page.rendered.summary.as_deref();
    PageValue {
        title: page.title(),
        date: fm.date.as_ref().map(|d| d.to_text()),
        updated: fm.updated.as_ref().map(|d| d.to_text()),
        tags: fm
            .tags
            .iter()
            .zip(&page.tag_slugs)
            .filter_map(|(name, slug)| {
                let slug = slug.clone();
                (!slug.is_empty()).then(|| TagRef {
                    name,
                    permalink: config.permalink(&format!("/tags/{slug}/")),
                    slug,
                })
            })
            .collect(),
        summary,
        has_more: summary.is_some_and(|s| s.len() < rendered.html.len()),
        content: &rendered.html,
        permalink: config.permalink(&page.path),
        path: &page.path,
        slug: &page.slug,
        section: crate::content::walk::dir_path(&page.section),
        word_count: rendered.word_count,
        reading_time: reading_time(rendered.word_count),
        toc: &rendered.toc,
        extra: &fm.extra,
        draft: fm.draft,
        weight: fm.weight,
        assets: page
            .assets
            .iter()
            .map(|a| a.rsplit('/').next().unwrap_or(a).to_string())
            .collect(),
        earlier: site.earlier[i].map(|e| page_ref(&site.pages[e], config)),
        later: site.later[i].map(|l| page_ref(&site.pages[l], config)),
    }
}

/// A page's hashes: of what listings see of it (`meta`: everything but the
/// body) and of all of it (`full`). Its template value is built on first use.
fn page_value(site: &Site, i: usize, config: &Config) -> CachedPage {
    let value = page_view(site, i, config);
    let (content, toc, word_count) = (value.content, value.toc, value.word_count);
    let mut meta_view = value;
    meta_view.content = "";
    meta_view.toc = &[];
    meta_view.word_count = 0;
    meta_view.reading_time = 0;
    let meta = hash_of(&serde_json::to_vec(&meta_view).unwrap_or_default());
    let full = hash_of(&(
        meta,
        content,
        serde_json::to_vec(toc).unwrap_or_default(),
        word_count,
    ));
    CachedPage {
        key: page_key(site, i),
        value: OnceLock::new(),
        meta,
        full,
    }
}

/// xxh3 rather than SipHash: every build hashes every page's whole HTML
/// (130 MB at 10,000 posts), and these hashes never meet untrusted keys.
fn hash_of<T: Hash + ?Sized>(value: &T) -> u64 {
    let mut h = Xxh3::new();
    value.hash(&mut h);
    h.finish()
}

/// What a page's value depends on besides config: its own reading and its neighbours'.
fn page_key(site: &Site, i: usize) -> (u64, Option<u64>, Option<u64>) {
    let generation = |j: Option<usize>| j.map(|j| site.pages[j].generation);
    (
        site.pages[i].generation,
        generation(site.earlier[i]),
        generation(site.later[i]),
    )
}

struct CachedPage {
    key: (u64, Option<u64>, Option<u64>),
    value: OnceLock<Value>,
    meta: u64,
    full: u64,
}

/// An output's signature, its bytes (`None`: in the output folder), and
/// the render that last produced or reused it.
type RememberedOutput = (u64, Option<Arc<[u8]>>, u64);

/// Memory between renders of the same site (`ssg serve`): page values by
/// source, and each output's input signature and bytes. An output whose
/// signature is unchanged is not rendered again.
#[derive(Default)]
pub struct RenderCache {
    pages: FxHashMap<String, CachedPage>,
    /// Output path → (signature, bytes, seen in the latest render). No
    /// bytes: the file in `kept_in` holds them (remembered from an earlier
    /// `ssg build` into that folder).
    outputs: FxHashMap<String, RememberedOutput>,
    kept_in: Option<PathBuf>,
    /// Counts renders, to drop outputs the latest render no longer produced.
    epoch: u64,
    /// Outputs rendered by the last call (the rest came from the cache).
    pub rendered: usize,
    /// Their paths, for `-v` and tests.
    pub rendered_paths: Vec<String>,
}

impl RenderCache {
    /// Takes outputs of an earlier build as rendered: `files` are output
    /// paths under `out_dir` with the signature they were rendered with.
    pub fn keep_on_disk(&mut self, out_dir: &Path, files: impl IntoIterator<Item = (String, u64)>) {
        self.kept_in = Some(out_dir.to_path_buf());
        for (path, signature) in files {
            self.outputs.insert(path, (signature, None, self.epoch));
        }
    }

    /// The input signature of a templated output of the latest render.
    pub fn signature(&self, path: &str) -> Option<u64> {
        self.outputs.get(path).map(|entry| entry.0)
    }
}

/// Template values of pages, built on first use: a rebuild that renders a
/// few outputs should not build (copying its HTML) every page's value.
struct PageValues<'a> {
    site: &'a Site,
    config: &'a Config,
    cached: Vec<&'a CachedPage>,
}

impl PageValues<'_> {
    fn get(&self, i: usize) -> Value {
        self.cached[i]
            .value
            .get_or_init(|| Value::from_serializable(&page_view(self.site, i, self.config)))
            .clone()
    }
}

fn section_value(site: &Site, s: usize, config: &Config, page_values: &PageValues) -> Value {
    let section: &Section = &site.sections[s];
    let mut map = tera::Map::new();
    let insert = |map: &mut tera::Map, k: &'static str, v: Value| {
        map.insert(k.into(), v);
    };
    insert(&mut map, "title", Value::from(section.title()));
    insert(
        &mut map,
        "content",
        Value::from(section.rendered.html.as_str()),
    );
    insert(
        &mut map,
        "permalink",
        Value::from(config.permalink(&section.path)),
    );
    insert(&mut map, "path", Value::from(section.path.as_str()));
    insert(
        &mut map,
        "pages",
        Value::from(
            site.section_pages[s]
                .iter()
                .map(|&i| page_values.get(i))
                .collect::<Vec<_>>(),
        ),
    );
    let subs: Vec<SubsectionValue> = site.subsections[s]
        .iter()
        .map(|&c| SubsectionValue {
            title: site.sections[c].title(),
            path: &site.sections[c].path,
            permalink: config.permalink(&site.sections[c].path),
            page_count: site.section_pages[c].len(),
        })
        .collect();
    insert(&mut map, "subsections", Value::from_serializable(&subs));
    insert(
        &mut map,
        "extra",
        Value::from_serializable(&section.front_matter.extra),
    );
    Value::from(map)
}

fn paginator_value(
    pager: &Pager,
    all: &[Pager],
    listing: &[usize],
    page_values: &PageValues,
    config: &Config,
) -> Value {
    let link = |p: &Pager| config.permalink(&p.path);
    let mut map = Value::from_serializable(&PaginatorValue {
        current_index: pager.index,
        number_pagers: pager.total,
        total_pages: listing.len(),
        first: all.first().map(link).unwrap_or_default(),
        last: all.last().map(link).unwrap_or_default(),
        previous: pager.index.checked_sub(2).map(|p| link(&all[p])),
        next: all.get(pager.index).map(link),
    })
    .into_map()
    .unwrap_or_default();
    // Shared, not serialised: serialising a page value copies it whole,
    // HTML included, once for every pager that lists it.
    let pages: Vec<Value> = listing[pager.start..pager.end]
        .iter()
        .map(|&i| page_values.get(i))
        .collect();
    map.insert("pages".into(), Value::from(pages));
    Value::from(map)
}

/// One output to render.
enum Job {
    Page(usize),
    /// Section index, pager index into its pagers.
    Section(usize, usize),
    TagIndex,
    Tag(usize, usize),
    Feed {
        tag: Option<usize>,
    },
    Sitemap,
    Robots,
    NotFound,
    Alias {
        from: String,
        to: String,
        origin: String,
    },
}

/// Site path `/blog/x/` → output file `blog/x/index.html`; `/a.html` → `a.html`.
pub fn output_file(path: &str) -> String {
    let trimmed = path.trim_start_matches('/');
    if trimmed.is_empty() {
        "index.html".into()
    } else if path.ends_with('/') {
        format!("{trimmed}index.html")
    } else if trimmed
        .rsplit('/')
        .next()
        .is_some_and(|last| last.contains('.'))
    {
        trimmed.to_string()
    } else {
        format!("{trimmed}/index.html")
    }
}

/// Renders every templated output of the site.
pub fn render_all(
    site: &Site,
    config: &Config,
    templates: &Templates,
    cache: &mut RenderCache,
) -> Result<Vec<Output>, Vec<Diagnostic>> {
    let fresh: Vec<Option<CachedPage>> = (0..site.pages.len())
        .into_par_iter()
        .map(|i| {
            let hit = cache
                .pages
                .get(&site.pages[i].rel)
                .is_some_and(|c| c.key == page_key(site, i));
            (!hit).then(|| page_value(site, i, config))
        })
        .collect();
    for (i, f) in fresh.into_iter().enumerate() {
        if let Some(c) = f {
            cache.pages.insert(site.pages[i].rel.clone(), c);
        }
    }
    // Every live page has an entry; extra entries are pages that went away.
    if cache.pages.len() != site.pages.len() {
        let live: HashSet<&str> = site.pages.iter().map(|p| p.rel.as_str()).collect();
        cache.pages.retain(|rel, _| live.contains(rel.as_str()));
    }
    let cached: Vec<&CachedPage> = site.pages.iter().map(|p| &cache.pages[&p.rel]).collect();
    let page_values = PageValues {
        site,
        config,
        cached: cached.clone(),
    };
    let page_hash = |i: usize, body: bool| if body { cached[i].full } else { cached[i].meta };
    let aggregate = |list: &[usize], body: bool| {
        hash_of(
            &list
                .iter()
                .map(|&i| page_hash(i, body))
                .collect::<Vec<u64>>(),
        )
    };
    let section_aggs: Vec<(u64, u64)> = site
        .section_pages
        .iter()
        .map(|l| (aggregate(l, false), aggregate(l, true)))
        .collect();
    let tag_aggs: Vec<(u64, u64)> = site
        .tags
        .iter()
        .map(|t| (aggregate(&t.pages, false), aggregate(&t.pages, true)))
        .collect();
    let section_own: Vec<u64> = site
        .sections
        .iter()
        .enumerate()
        .map(|(s, sec)| {
            let subs: Vec<(String, &str, usize)> = site.subsections[s]
                .iter()
                .map(|&c| {
                    (
                        site.sections[c].title(),
                        site.sections[c].path.as_str(),
                        site.section_pages[c].len(),
                    )
                })
                .collect();
            hash_of(&(
                sec.title(),
                &sec.rendered.html,
                serde_json::to_vec(&sec.front_matter.extra).unwrap_or_default(),
                subs,
            ))
        })
        .collect();
    let all_pages: Vec<usize> = (0..site.pages.len()).collect();
    let everything = aggregate(&all_pages, false);
    let tag_names = hash_of(
        &site
            .tags
            .iter()
            .map(|t| (&t.name, &t.slug, t.pages.len()))
            .collect::<Vec<_>>(),
    );
    let paginate_by = |s: &Section| {
        s.front_matter
            .paginate_by
            .unwrap_or(config.build.paginate_by)
    };

    let root = site.root_section();
    let section_listing = |s: usize| -> &[usize] {
        if Some(s) == root {
            &site.dated
        } else {
            &site.section_pages[s]
        }
    };
    let section_pagers: Vec<Vec<Pager>> = (0..site.sections.len())
        .map(|s| {
            paginate(
                &site.sections[s].path,
                section_listing(s).len(),
                paginate_by(&site.sections[s]),
            )
        })
        .collect();
    let tag_pagers: Vec<Vec<Pager>> = site
        .tags
        .iter()
        .map(|t| paginate(&t.path, t.pages.len(), config.build.paginate_by))
        .collect();
    // Built on first use, once: every pager of a section or tag shares its
    // value (cloning a Value is a reference count) instead of listing all
    // of its pages again.
    let section_values: Vec<OnceLock<Value>> =
        (0..site.sections.len()).map(|_| OnceLock::new()).collect();
    let section_value_of = |s: usize| {
        section_values[s]
            .get_or_init(|| section_value(site, s, config, &page_values))
            .clone()
    };
    let tag_values: Vec<OnceLock<Value>> = site.tags.iter().map(|_| OnceLock::new()).collect();
    let tag_value_of = |t: usize| {
        tag_values[t]
            .get_or_init(|| {
                let tag = &site.tags[t];
                let mut map = tera::Map::new();
                map.insert("name".into(), Value::from(tag.name.as_str()));
                map.insert("slug".into(), Value::from(tag.slug.as_str()));
                map.insert("permalink".into(), Value::from(config.permalink(&tag.path)));
                let pages: Vec<Value> = tag.pages.iter().map(|&i| page_values.get(i)).collect();
                map.insert("pages".into(), Value::from(pages));
                Value::from(map)
            })
            .clone()
    };

    let mut jobs: Vec<Job> = (0..site.pages.len()).map(Job::Page).collect();
    for (s, pagers) in section_pagers.iter().enumerate() {
        jobs.extend((0..pagers.len()).map(|p| Job::Section(s, p)));
        if pagers.len() > 1 {
            // `/blog/page/1/` is what a visitor who edits the URL tries; send them home.
            let path = &site.sections[s].path;
            jobs.push(Job::Alias {
                from: format!("{path}page/1/"),
                to: path.clone(),
                origin: "pagination".into(),
            });
        }
    }
    if !site.tags.is_empty() {
        jobs.push(Job::TagIndex);
    }
    for (t, pagers) in tag_pagers.iter().enumerate() {
        jobs.extend((0..pagers.len()).map(|p| Job::Tag(t, p)));
        jobs.push(Job::Feed { tag: Some(t) });
        if pagers.len() > 1 {
            jobs.push(Job::Alias {
                from: format!("{}page/1/", site.tags[t].path),
                to: site.tags[t].path.clone(),
                origin: "pagination".into(),
            });
        }
    }
    jobs.push(Job::Feed { tag: None });
    jobs.extend([Job::Sitemap, Job::Robots, Job::NotFound]);
    for page in &site.pages {
        for alias in &page.front_matter.aliases {
            jobs.push(Job::Alias {
                from: normalize_alias(alias),
                to: page.path.clone(),
                origin: page.source.display().to_string(),
            });
        }
    }

    let config_value = Value::from_serializable(&config_for_templates(config));
    let previous = &cache.outputs;
    let kept_in = cache.kept_in.as_deref();

    // What a job renders: (template, site path, what to name in errors).
    let describe = |job: &Job| -> (String, String, String) {
        match job {
            Job::Page(i) => {
                let page = &site.pages[*i];
                let template = page
                    .front_matter
                    .template
                    .clone()
                    .unwrap_or_else(|| "page.html".into());
                (
                    template,
                    page.path.clone(),
                    page.source.display().to_string(),
                )
            }
            Job::Section(s, p) => {
                let section = &site.sections[*s];
                let default = if Some(*s) == root {
                    "index.html"
                } else {
                    "section.html"
                };
                let template = section
                    .front_matter
                    .template
                    .clone()
                    .unwrap_or_else(|| default.into());
                let what = section
                    .source
                    .as_ref()
                    .map(|p| p.display().to_string())
                    .unwrap_or_else(|| format!("section {}", section.path));
                (template, section_pagers[*s][*p].path.clone(), what)
            }
            Job::TagIndex => ("tags.html".into(), "/tags/".into(), "/tags/".into()),
            Job::Tag(t, p) => (
                "tag.html".into(),
                tag_pagers[*t][*p].path.clone(),
                site.tags[*t].path.clone(),
            ),
            Job::Feed { tag } => {
                let path = match tag {
                    Some(t) => format!("{}atom.xml", site.tags[*t].path),
                    None => "/atom.xml".to_string(),
                };
                ("atom.xml".into(), path.clone(), path)
            }
            Job::Sitemap => (
                "sitemap.xml".into(),
                "/sitemap.xml".into(),
                "/sitemap.xml".into(),
            ),
            Job::Robots => (
                "robots.txt".into(),
                "/robots.txt".into(),
                "/robots.txt".into(),
            ),
            Job::NotFound => ("404.html".into(), "/404.html".into(), "/404.html".into()),
            Job::Alias { from, origin, .. } => ("alias.html".into(), from.clone(), origin.clone()),
        }
    };

    // Everything a job's output depends on, as one number.
    let signature = |job: &Job, template: &str, path: &str| -> u64 {
        let body = templates.reads(template, Reads::Body);
        let all_listed = |kind| templates.reads(template, kind);
        let pick = |(meta, full): (u64, u64)| if body { full } else { meta };
        let slice = |listing: &[usize], pager: &Pager| {
            listing[pager.start..pager.end]
                .iter()
                .map(|&i| page_hash(i, body))
                .collect::<Vec<u64>>()
        };
        let inputs = match job {
            Job::Page(i) => hash_of(&cached[*i].full),
            Job::Section(s, p) => {
                let pager = &section_pagers[*s][*p];
                let listed = all_listed(Reads::SectionPages).then(|| pick(section_aggs[*s]));
                hash_of(&(
                    section_own[*s],
                    listed,
                    slice(section_listing(*s), pager),
                    pager.index,
                    pager.total,
                ))
            }
            Job::Tag(t, p) => {
                let pager = &tag_pagers[*t][*p];
                let listed = all_listed(Reads::TagPages).then(|| pick(tag_aggs[*t]));
                hash_of(&(
                    &site.tags[*t].name,
                    site.tags[*t].pages.len(),
                    listed,
                    slice(&site.tags[*t].pages, pager),
                    pager.index,
                    pager.total,
                ))
            }
            Job::TagIndex => tag_names,
            Job::Feed { tag } => {
                let (listing, name) = match tag {
                    Some(t) => (&site.tags[*t].pages, site.tags[*t].name.as_str()),
                    None => (&site.dated, ""),
                };
                let shown: Vec<u64> = listing
                    .iter()
                    .copied()
                    .filter(|&i| site.pages[i].front_matter.date.is_some())
                    .take(config.build.feed_limit)
                    .map(|i| page_hash(i, body))
                    .collect();
                hash_of(&(name, shown))
            }
            Job::Sitemap => hash_of(&(everything, tag_names, &section_own)),
            Job::Robots | Job::NotFound => 0,
            Job::Alias { to, .. } => hash_of(to),
        };
        hash_of(&(template, path, inputs))
    };

    // The context of a job that has to be rendered.
    let context = |job: &Job| -> Context {
        let mut ctx = Context::new();
        ctx.insert_value("config", config_value.clone());
        match job {
            Job::Page(i) => ctx.insert_value("page", page_values.get(*i)),
            Job::Section(s, p) => {
                let pagers = &section_pagers[*s];
                ctx.insert_value("section", section_value_of(*s));
                ctx.insert_value(
                    "paginator",
                    paginator_value(
                        &pagers[*p],
                        pagers,
                        section_listing(*s),
                        &page_values,
                        config,
                    ),
                );
            }
            Job::TagIndex => {
                let tags: Vec<TagSummary> = site
                    .tags
                    .iter()
                    .map(|t| TagSummary {
                        name: &t.name,
                        slug: &t.slug,
                        permalink: config.permalink(&t.path),
                        count: t.pages.len(),
                    })
                    .collect();
                ctx.insert("tags", &tags);
            }
            Job::Tag(t, p) => {
                let tag = &site.tags[*t];
                let pagers = &tag_pagers[*t];
                ctx.insert_value("tag", tag_value_of(*t));
                ctx.insert_value(
                    "paginator",
                    paginator_value(&pagers[*p], pagers, &tag.pages, &page_values, config),
                );
            }
            Job::Feed { tag } => {
                let (title, listing, alternate, path) = match tag {
                    Some(t) => {
                        let tag = &site.tags[*t];
                        (
                            format!("{} – {}", config.title, tag.name),
                            &tag.pages,
                            tag.path.clone(),
                            format!("{}atom.xml", tag.path),
                        )
                    }
                    None => (
                        config.title.clone(),
                        &site.dated,
                        "/".to_string(),
                        "/atom.xml".to_string(),
                    ),
                };
                ctx.insert(
                    "feed",
                    &feed_value(site, config, title, listing, &alternate, &path),
                );
            }
            Job::Sitemap => ctx.insert("entries", &sitemap_entries(site, config, &section_pagers)),
            Job::Robots | Job::NotFound => {}
            Job::Alias { to, .. } => ctx.insert("target", &config.permalink(to)),
        }
        ctx
    };

    let render = |job: &Job| -> Result<(Output, u64, bool), Diagnostic> {
        let (template, path, what) = describe(job);
        let signature = signature(job, &template, &path);
        let file = output_file(&path);
        let reused = previous
            .get(&file)
            .filter(|entry| entry.0 == signature)
            .and_then(|(_, bytes, _)| match (bytes, kept_in) {
                (Some(bytes), _) => Some(OutputData::Bytes(Arc::clone(bytes))),
                (None, Some(dir)) => Some(OutputData::Kept(dir.join(&file))),
                (None, None) => None,
            });
        if let Some(data) = reused {
            let output = Output {
                path: file,
                data,
                origin: what,
            };
            return Ok((output, signature, false));
        }
        if !templates.contains(&template) {
            return Err(Diagnostic::new(
                what.clone(),
                None,
                format!(
                    "template \"{template}\" not found: add templates/{template} or set a theme that has it (theme = \"default\")"
                ),
            ));
        }
        let mut ctx = context(job);
        ctx.insert("current_path", &path);
        ctx.insert("current_url", &config.permalink(&path));
        let html = templates
            .tera
            .render(&template, &ctx)
            .map_err(|e| templates.diagnostic(&e, &what))?;
        Ok((
            Output::bytes(file, html.into_bytes(), what),
            signature,
            true,
        ))
    };

    let results: Vec<Result<(Output, u64, bool), Diagnostic>> =
        jobs.par_iter().map(render).collect();
    let mut outputs = Vec::with_capacity(results.len());
    let mut errors: Vec<Diagnostic> = Vec::new();
    cache.epoch += 1;
    let epoch = cache.epoch;
    cache.rendered = 0;
    cache.rendered_paths.clear();
    let mut fresh = Vec::new();
    for r in results {
        match r {
            Ok((o, signature, rendered)) => {
                if rendered {
                    cache.rendered += 1;
                    cache.rendered_paths.push(o.path.clone());
                    if let OutputData::Bytes(bytes) = &o.data {
                        fresh.push((o.path.clone(), signature, Some(Arc::clone(bytes))));
                    }
                } else if let Some(entry) = cache.outputs.get_mut(&o.path) {
                    entry.2 = epoch;
                }
                outputs.push(o);
            }
            // One broken template fails every page; report it once.
            Err(d)
                if errors.iter().any(|e| {
                    e.path == d.path && e.line == d.line && same_cause(&e.message, &d.message)
                }) => {}
            Err(d) => errors.push(d),
        }
    }
    cache.rendered_paths.sort();
    if !errors.is_empty() {
        // The cache stays as the last good render left it.
        return Err(errors);
    }
    for (path, signature, bytes) in fresh {
        cache.outputs.insert(path, (signature, bytes, epoch));
    }
    cache.outputs.retain(|_, entry| entry.2 == epoch);
    Ok(outputs)
}

fn same_cause(a: &str, b: &str) -> bool {
    let cause = |m: &str| m.split(" (rendering ").next().unwrap_or(m).to_string();
    cause(a) == cause(b)
}

/// `old/post.html` stays a file; `old/post` and `/old/post/` become folders with index.html.
fn normalize_alias(alias: &str) -> String {
    let trimmed = alias.trim();
    let with_slash = if trimmed.starts_with('/') {
        trimmed.to_string()
    } else {
        format!("/{trimmed}")
    };
    let last = with_slash.rsplit('/').next().unwrap_or("");
    if with_slash.ends_with('/') || last.contains('.') {
        with_slash
    } else {
        format!("{with_slash}/")
    }
}

#[derive(Serialize)]
struct ConfigValue<'a> {
    title: &'a str,
    base_url: &'a str,
    description: &'a str,
    language: &'a str,
    author: &'a str,
    /// Whether `/highlight.css` exists, so themes link it only then.
    highlight: bool,
    extra: &'a toml::Table,
}

fn config_for_templates(config: &Config) -> ConfigValue<'_> {
    ConfigValue {
        title: &config.title,
        base_url: &config.base_url,
        description: &config.description,
        language: &config.language,
        author: &config.author,
        highlight: config.markdown.highlight,
        extra: &config.extra,
    }
}

fn feed_value<'a>(
    site: &'a Site,
    config: &Config,
    title: String,
    listing: &[usize],
    alternate: &str,
    path: &str,
) -> FeedValue<'a> {
    let pages: Vec<FeedEntry> = listing
        .iter()
        .filter(|&&i| site.pages[i].front_matter.date.is_some())
        .take(config.build.feed_limit)
        .map(|&i| {
            let page = &site.pages[i];
            let fm = &page.front_matter;
            let date = fm.date.as_ref().map(|d| d.rfc3339()).unwrap_or_default();
            FeedEntry {
                title: page.title(),
                permalink: config.permalink(&page.path),
                updated: fm
                    .updated
                    .as_ref()
                    .map(|d| d.rfc3339())
                    .unwrap_or_else(|| date.clone()),
                date,
                summary: page.rendered.summary.as_deref(),
                content: &page.rendered.html,
                tags: fm.tags.iter().map(String::as_str).collect(),
            }
        })
        .collect();
    // The newest entry dates the feed, never the build: same input, same bytes.
    let updated = pages.iter().map(|p| p.updated.clone()).max();
    FeedValue {
        title,
        permalink: config.permalink(path),
        alternate: config.permalink(alternate),
        updated,
        pages,
    }
}

fn sitemap_entries(
    site: &Site,
    config: &Config,
    section_pagers: &[Vec<Pager>],
) -> Vec<SitemapEntry> {
    let mut entries = Vec::new();
    for (s, section) in site.sections.iter().enumerate() {
        let lastmod = site.section_pages[s]
            .iter()
            .filter_map(|&i| {
                let fm = &site.pages[i].front_matter;
                fm.updated
                    .as_ref()
                    .or(fm.date.as_ref())
                    .map(|d| d.to_text())
            })
            .max();
        if !section_pagers[s].is_empty() {
            entries.push(SitemapEntry {
                permalink: config.permalink(&section.path),
                lastmod,
            });
        }
    }
    for page in &site.pages {
        let fm = &page.front_matter;
        entries.push(SitemapEntry {
            permalink: config.permalink(&page.path),
            lastmod: fm
                .updated
                .as_ref()
                .or(fm.date.as_ref())
                .map(|d| d.to_text()),
        });
    }
    if !site.tags.is_empty() {
        entries.push(SitemapEntry {
            permalink: config.permalink("/tags/"),
            lastmod: None,
        });
    }
    for tag in &site.tags {
        entries.push(SitemapEntry {
            permalink: config.permalink(&tag.path),
            lastmod: None,
        });
    }
    entries.sort_by(|a, b| a.permalink.cmp(&b.permalink));
    entries
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_files_for_paths() {
        assert_eq!(output_file("/"), "index.html");
        assert_eq!(output_file("/blog/x/"), "blog/x/index.html");
        assert_eq!(output_file("/atom.xml"), "atom.xml");
        assert_eq!(output_file("/old/post"), "old/post/index.html");
    }

    #[test]
    fn aliases_normalize() {
        assert_eq!(normalize_alias("old/post.html"), "/old/post.html");
        assert_eq!(normalize_alias("/old/post"), "/old/post/");
        assert_eq!(normalize_alias("/old/"), "/old/");
    }
}
