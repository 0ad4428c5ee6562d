//! What `ssg check` tells: each broken link once per place it was written,
//! sorted by file and line, then a count; as text for a person or as JSON
//! for CI. Redirects and rate-limited external links are listed apart
//! from broken ones: they do not fail the check.

use std::fmt::Write as _;

use rustc_hash::FxHashMap;
use serde::Serialize;

use super::external::Outcome;
use super::source::Sources;
use super::{ExternalLinks, page_paths};
use crate::build::Built;
use crate::error::Diagnostic;

/// One link at one place in a source.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Finding {
    /// The source as the author knows it: `content/blog/x.md`,
    /// `templates/base.html`, `static/demo.html`.
    pub file: String,
    pub line: Option<usize>,
    /// The URL as it appears in the output.
    pub url: String,
    pub problem: String,
    /// The output pages (site paths) it appears on, sorted.
    pub pages: Vec<String>,
    /// Whether it was found away from its source's own page (a summary on
    /// a listing): one place may break differently on different pages,
    /// and its own page's account is the one to tell.
    #[serde(skip)]
    pub elsewhere: bool,
}

/// The result of a check.
#[derive(Debug, Default, Serialize)]
pub struct Report {
    pub broken: Vec<Finding>,
    /// External links answered with a redirect (with `--external`).
    pub redirects: Vec<Finding>,
    /// External links a server refused to answer yet (HTTP 429).
    pub rate_limited: Vec<Finding>,
    /// HTML pages read.
    pub pages: usize,
    /// Links read in them.
    pub links: usize,
    /// Distinct external URLs checked (with `--external`).
    pub external: usize,
    #[serde(skip)]
    pub warnings: Vec<Diagnostic>,
}

impl Report {
    /// Adds what the web answered about external links, traced to sources.
    pub(crate) fn add_external(
        &mut self,
        sources: &Sources,
        built: &Built,
        links: &ExternalLinks,
        results: &FxHashMap<String, Outcome>,
    ) {
        self.external = results.len();
        for (url, seen) in links {
            let (list, problem) = match results.get(url) {
                None | Some(Outcome::Ok) => continue,
                Some(Outcome::Broken(why)) => (&mut self.broken, why.clone()),
                Some(Outcome::Redirect { status, location }) => (
                    &mut self.redirects,
                    format!("HTTP {status}, redirects to {location}"),
                ),
                Some(Outcome::RateLimited) => (
                    &mut self.rate_limited,
                    "HTTP 429 Too Many Requests: try again later".to_string(),
                ),
            };
            let mut by_page: FxHashMap<(usize, &str), Vec<usize>> = FxHashMap::default();
            for (page, written, offset) in seen {
                by_page.entry((*page, written)).or_default().push(*offset);
            }
            for ((page, written), offsets) in by_page {
                for (location, _) in sources.locate(page, written, &offsets) {
                    list.push(Finding {
                        file: location.file,
                        line: location.line,
                        url: written.to_string(),
                        problem: problem.clone(),
                        pages: page_paths(&built.outputs, std::iter::once(page)),
                        elsewhere: false,
                    });
                }
            }
        }
    }

    /// One finding per place and URL (with every page it broke on), sorted
    /// by file, line and URL.
    pub fn finish(&mut self) {
        for list in [
            &mut self.broken,
            &mut self.redirects,
            &mut self.rate_limited,
        ] {
            merge(list);
        }
    }

    /// Whether nothing is broken.
    pub fn is_clean(&self) -> bool {
        self.broken.is_empty()
    }

    /// The report for a person: one line per finding, then the count.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for (list, what) in [
            (&self.broken, "broken link"),
            (&self.redirects, "redirected link"),
            (&self.rate_limited, "rate-limited link"),
        ] {
            for f in list {
                let _ = writeln!(out, "{}", line(f, what));
            }
        }
        let _ = if self.broken.is_empty() {
            write!(
                out,
                "Checked {} pages: no broken links ({} links",
                self.pages, self.links
            )
        } else {
            write!(
                out,
                "{} broken link(s) in {} pages ({} links checked",
                self.broken.len(),
                self.pages,
                self.links
            )
        };
        if self.external > 0 {
            let _ = write!(
                out,
                "; {} external URLs: {} redirected, {} rate-limited",
                self.external,
                self.redirects.len(),
                self.rate_limited.len()
            );
        }
        out.push(')');
        out
    }

    /// The report for CI.
    pub fn json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

/// `content/a.md:3: broken link: /nope/ (no page or file at /nope/; on /a/)`.
fn line(f: &Finding, what: &str) -> String {
    let place = match f.line {
        Some(line) => format!("{}:{line}", f.file),
        None => f.file.clone(),
    };
    let pages = match f.pages.as_slice() {
        [] => String::new(),
        [one] => format!("; on {one}"),
        [first, rest @ ..] => format!("; on {first} and {} more pages", rest.len()),
    };
    format!("{place}: {what}: {} ({}{pages})", f.url, f.problem)
}

/// Merges findings at the same place that break the same way, telling
/// the URL as on the source's own page (a summary on a listing shows the
/// same link resolved against the post: `nope.png` there is
/// `/blog/b/nope.png`, and the problem, which names the target, is the
/// same), and sorts them.
fn merge(list: &mut Vec<Finding>) {
    list.sort_by(|a, b| {
        (&a.file, a.line, &a.problem, a.elsewhere, &a.url).cmp(&(
            &b.file,
            b.line,
            &b.problem,
            b.elsewhere,
            &b.url,
        ))
    });
    let mut merged: Vec<Finding> = Vec::with_capacity(list.len());
    for f in list.drain(..) {
        match merged.last_mut() {
            Some(last)
                if last.file == f.file && last.line == f.line && last.problem == f.problem =>
            {
                last.pages.extend(f.pages);
                last.pages.sort();
                last.pages.dedup();
            }
            _ => merged.push(f),
        }
    }
    *list = merged;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(file: &str, line: Option<usize>, url: &str, page: &str) -> Finding {
        Finding {
            file: file.into(),
            line,
            url: url.into(),
            problem: "p".into(),
            pages: vec![page.into()],
            elsewhere: false,
        }
    }

    #[test]
    fn one_finding_per_place_sorted() {
        let mut list = vec![
            finding("templates/base.html", Some(3), "/x/", "/b/"),
            finding("content/b.md", Some(10), "/y/", "/b/"),
            finding("content/b.md", Some(2), "/y/", "/b/"),
            finding("templates/base.html", Some(3), "/x/", "/a/"),
        ];
        merge(&mut list);
        let places: Vec<_> = list.iter().map(|f| (f.file.as_str(), f.line)).collect();
        assert_eq!(
            places,
            [
                ("content/b.md", Some(2)),
                ("content/b.md", Some(10)),
                ("templates/base.html", Some(3))
            ]
        );
        assert_eq!(list[2].pages, ["/a/", "/b/"]);
        assert_eq!(
            line(&list[2], "broken link"),
            "templates/base.html:3: broken link: /x/ (p; on /a/ and 1 more pages)"
        );
    }
}
