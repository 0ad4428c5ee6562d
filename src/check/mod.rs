//! `ssg check`: every broken link of the built site, and only those.
//!
//! The check reads the output, not the Markdown: every `.html` file the
//! build produced is parsed ([`html`]), so a link is checked whoever wrote
//! it — a Markdown link, raw HTML in content, a template, a static file.
//! Each URL is resolved the way a browser reads it on its page
//! ([`resolve`]) and must name an output, with the `id` its `#fragment`
//! points at. Only then is each broken link traced back to where it was
//! written ([`source`]): a content file and line, a template, a static
//! file. `--external` also asks the web about `http(s)` links
//! ([`external`]).

pub mod external;
pub mod html;
pub mod report;
pub mod resolve;
mod source;

use std::path::Path;
use std::time::Instant;

use anyhow::{Context as _, Result};
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::build::{BuildOptions, Built, Session};
use crate::output::{Output, OutputData};
use crate::urlpath;
use html::Scan;
pub use report::{Finding, Report};
use resolve::Target;

/// What `ssg check` is asked to do.
#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    /// Include pages marked draft.
    pub drafts: bool,
    /// Also check `http(s)` links off the site.
    pub external: Option<external::Settings>,
}

/// Why a link is broken.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Problem {
    /// No output at the path.
    Missing(String),
    /// The page exists, no element on it has the fragment as its id.
    NoAnchor { path: String, fragment: String },
    /// `..` climbs above the site root; a browser reads it as the path.
    AboveRoot(String),
    /// A root-relative link outside the path the site is served under.
    OutsideBase { path: String, base_path: String },
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Problem::Missing(path) => write!(f, "no page or file at {path}"),
            Problem::NoAnchor { path, fragment } => {
                write!(f, "no id=\"{fragment}\" on {path}")
            }
            Problem::AboveRoot(path) => write!(
                f,
                "climbs above the site root (a browser reads it as {path})"
            ),
            Problem::OutsideBase { path, base_path } => write!(
                f,
                "{path} is outside the site, which is served under {base_path}/ (write {base_path}{path} or a relative link)"
            ),
        }
    }
}

/// One broken URL on one output page, however often the page holds it.
pub(crate) struct BrokenOnPage {
    /// Index into the outputs.
    pub output: usize,
    pub url: String,
    pub problem: Problem,
    /// Where each occurrence's tag starts in the output.
    pub offsets: Vec<usize>,
}

/// Builds the site under `root` in memory and checks every link of it.
pub fn check(root: &Path, opts: &CheckOptions) -> Result<Report> {
    let started = Instant::now();
    let build_opts = BuildOptions {
        drafts: opts.drafts,
        use_cache: true,
        ..Default::default()
    };
    let mut session = Session::load(root, &build_opts)?;
    let built = session.render()?;
    crate::log::verbose(&format!("built: {:?}", started.elapsed()));
    let scans = scan_outputs(&built.outputs)?;
    crate::log::verbose(&format!("parsed the HTML: {:?}", started.elapsed()));
    let (broken, external_links, links) = find_broken(&built, &scans);
    let sources = source::Sources::new(root, &session, &built);
    let mut report = Report {
        pages: scans.len(),
        links,
        warnings: built.warnings.clone(),
        ..Report::default()
    };
    report.broken = sources.attribute(&broken);
    if let Some(settings) = &opts.external {
        let results = external::check_all(root, settings, external_links.keys())?;
        report.add_external(&sources, &built, &external_links, &results);
    }
    report.finish();
    crate::log::verbose(&format!("checked links: {:?}", started.elapsed()));
    Ok(report)
}

/// Every HTML page of the output parsed, by output index; in parallel, since at
/// 10,000 posts the output is hundreds of megabytes.
fn scan_outputs(outputs: &[Output]) -> Result<FxHashMap<usize, Scan>> {
    outputs
        .par_iter()
        .enumerate()
        .filter(|(_, o)| crate::html_urls::is_html_page(&o.path))
        .map(|(i, o)| {
            let scan = match &o.data {
                OutputData::Bytes(bytes) => html::scan(bytes),
                OutputData::Packed(packed) => html::scan(&packed.bytes()),
                OutputData::Copy(file)
                | OutputData::Kept(file)
                | OutputData::Spooled { file, .. } => {
                    let bytes = std::fs::read(file)
                        .with_context(|| format!("cannot read {}", file.display()))?;
                    html::scan(&bytes)
                }
            };
            let scan = scan.map_err(|e| anyhow::anyhow!("cannot parse {}: {e}", o.path))?;
            Ok((i, scan))
        })
        .collect()
}

/// External URLs, each with the pages (output index) and URLs as written
/// that lead to it.
pub(crate) type ExternalLinks = FxHashMap<String, Vec<(usize, String, usize)>>;

/// Checks every link of every scanned page against the outputs: the broken
/// ones, the external ones, and how many links were read.
fn find_broken(
    built: &Built,
    scans: &FxHashMap<usize, Scan>,
) -> (Vec<BrokenOnPage>, ExternalLinks, usize) {
    let files: FxHashMap<&str, usize> = built
        .outputs
        .iter()
        .enumerate()
        .map(|(i, o)| (o.path.as_str(), i))
        .collect();
    let base_url = urlpath::trimmed_base_url(&built.config.base_url);
    let per_page: Vec<(Vec<BrokenOnPage>, ExternalLinks)> = scans
        .par_iter()
        .map(|(&i, scan)| {
            let page = urlpath::site_path(&built.outputs[i].path);
            let mut broken: FxHashMap<&str, BrokenOnPage> = FxHashMap::default();
            let mut external = ExternalLinks::default();
            for link in &scan.links {
                let problem = match resolve::resolve(&link.url, &page, base_url) {
                    Target::Other => None,
                    Target::External(mut url) => {
                        // A fragment is never sent: one request per document.
                        url.truncate(url.find('#').unwrap_or(url.len()));
                        external
                            .entry(url)
                            .or_default()
                            .push((i, link.url.clone(), link.offset));
                        None
                    }
                    Target::AboveRoot { path } => Some(Problem::AboveRoot(path)),
                    Target::OutsideBase { path } => Some(Problem::OutsideBase {
                        path,
                        base_path: built.config.base_path().to_string(),
                    }),
                    Target::Internal { path, fragment } => {
                        check_internal(&files, scans, &path, fragment.as_deref())
                    }
                };
                if let Some(problem) = problem {
                    broken
                        .entry(link.url.as_str())
                        .or_insert_with(|| BrokenOnPage {
                            output: i,
                            url: link.url.clone(),
                            problem,
                            offsets: Vec::new(),
                        })
                        .offsets
                        .push(link.offset);
                }
            }
            (broken.into_values().collect(), external)
        })
        .collect();
    let links = scans.values().map(|s| s.links.len()).sum();
    let mut all_broken = Vec::new();
    let mut all_external = ExternalLinks::default();
    for (broken, external) in per_page {
        all_broken.extend(broken);
        for (url, seen) in external {
            all_external.entry(url).or_default().extend(seen);
        }
    }
    (all_broken, all_external, links)
}

/// Whether the site path (with its fragment) names an output, and an
/// element on it; `None` when it does.
fn check_internal(
    files: &FxHashMap<&str, usize>,
    scans: &FxHashMap<usize, Scan>,
    path: &str,
    fragment: Option<&str>,
) -> Option<Problem> {
    let Some(target) = output_at(files, path) else {
        return Some(Problem::Missing(path.to_string()));
    };
    let fragment = fragment?;
    // `#top` scrolls to the top when no element has that id (HTML spec).
    if fragment.eq_ignore_ascii_case("top") {
        return None;
    }
    // Only HTML has ids; a fragment of an image or a feed is not checked.
    let scan = scans.get(&target)?;
    let has = |id: &str| scan.ids.contains(id);
    if has(fragment) {
        return None;
    }
    Some(Problem::NoAnchor {
        path: path.to_string(),
        fragment: fragment.to_string(),
    })
}

/// The output a site path is served from, as the preview server and an
/// object store with index documents serve it: the mapped file, the file
/// itself, or the folder's `index.html`.
fn output_at(files: &FxHashMap<&str, usize>, path: &str) -> Option<usize> {
    let rel = path.trim_start_matches('/');
    let folder = rel.trim_end_matches('/');
    [
        urlpath::output_file(path),
        rel.to_string(),
        urlpath::index_file(folder),
    ]
    .iter()
    .find_map(|file| files.get(file.as_str()).copied())
}

/// The distinct output pages (site paths) among `pages`, sorted.
pub(crate) fn page_paths(outputs: &[Output], pages: impl Iterator<Item = usize>) -> Vec<String> {
    let set: FxHashSet<usize> = pages.collect();
    let mut paths: Vec<String> = set
        .into_iter()
        .map(|i| urlpath::site_path(&outputs[i].path))
        .collect();
    paths.sort();
    paths
}
