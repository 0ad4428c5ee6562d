//! Where a link found in the output was written. The output is what is
//! checked, but an author fixes a source: a content file and line (a
//! Markdown link, or raw HTML in the body), a template (and which pages
//! showed its link), or a file copied verbatim from `static/` or a bundle.
//!
//! A page's output is its template's HTML with the page's own rendered
//! Markdown inside, so a URL is the content's as often as the rendered
//! Markdown holds it, and the template's for the occurrences beyond that.

use std::borrow::Cow;
use std::cell::OnceCell;
use std::path::Path;

use rustc_hash::FxHashMap;

use super::html;
use super::{BrokenOnPage, Finding, page_paths};
use crate::build::{Built, Session};
use crate::error::line_of_offset;
use crate::markdown::{InternalLink, Rendered};
use crate::output::Output;
use crate::packed::PackedText;
use crate::urlpath::{self, decode_lossy};

/// A place an author can fix.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Location {
    pub file: String,
    pub line: Option<usize>,
}

/// A content file whose rendered Markdown is part of an output.
struct Owner<'a> {
    source: &'a Path,
    body: Body<'a>,
    line_offset: usize,
    rendered: &'a Rendered,
    /// The template its own output renders with.
    template: String,
    /// Written before the site path of each resolved content link.
    base_path: &'a str,
}

/// A content file's Markdown: a page's is held packed.
enum Body<'a> {
    Packed(&'a PackedText),
    Plain(&'a str),
}

impl Body<'_> {
    fn text(&self) -> Cow<'_, str> {
        match self {
            Body::Packed(packed) => Cow::Owned(packed.text()),
            Body::Plain(text) => Cow::Borrowed(text),
        }
    }
}

/// A template's text, to find the line a literal URL is written on.
struct TemplateText {
    shown: String,
    text: String,
}

/// Everything needed to trace a URL back to its source.
pub(crate) struct Sources<'a> {
    outputs: &'a [Output],
    /// Output file (`blog/x/index.html`) → the content file rendered in it.
    owners: FxHashMap<String, Owner<'a>>,
    /// Template name → where it came from and its text.
    templates: FxHashMap<String, TemplateText>,
    /// URL (as rendered) → where summaries shown on listings wrote it.
    summaries: OnceCell<FxHashMap<String, Vec<Location>>>,
    /// Every taxonomy's name, `tags` first: the first folder of its pages.
    taxonomies: Vec<&'a str>,
}

impl<'a> Sources<'a> {
    pub fn new(root: &Path, session: &'a Session, built: &'a Built) -> Sources<'a> {
        let site = &session.site;
        let mut owners = FxHashMap::default();
        for page in &site.pages {
            let template = page.front_matter.template.as_deref().unwrap_or("page.html");
            owners.insert(
                urlpath::output_file(&page.path),
                Owner {
                    source: &page.source,
                    body: Body::Packed(&page.body),
                    line_offset: page.body_line_offset,
                    rendered: &page.rendered,
                    template: template.to_string(),
                    base_path: session.config.base_path(),
                },
            );
        }
        for (s, section) in site.sections.iter().enumerate() {
            let Some(source) = &section.source else {
                continue;
            };
            let default = if site.root_section() == Some(s) {
                "index.html"
            } else {
                "section.html"
            };
            let template = section.front_matter.template.as_deref().unwrap_or(default);
            owners.insert(
                urlpath::output_file(&section.path),
                Owner {
                    source,
                    body: Body::Plain(&section.body),
                    line_offset: section.body_line_offset,
                    rendered: &section.rendered,
                    template: template.to_string(),
                    base_path: session.config.base_path(),
                },
            );
        }
        Sources {
            outputs: &built.outputs,
            owners,
            templates: template_texts(root, session),
            summaries: OnceCell::new(),
            taxonomies: std::iter::once("tags")
                .chain(session.config.taxonomies.keys().map(String::as_str))
                .collect(),
        }
    }

    /// Every broken URL traced to where it was written; one finding per
    /// place, naming the pages it broke on.
    pub fn attribute(&self, broken: &[BrokenOnPage]) -> Vec<Finding> {
        let mut findings = Vec::new();
        for b in broken {
            let own_page = self.owners.get(&self.outputs[b.output].path);
            for (location, problem) in self.locate(b.output, &b.url, &b.offsets) {
                let elsewhere = own_page.is_none_or(|o| o.location(None).file != location.file);
                findings.push(Finding {
                    elsewhere,
                    file: location.file,
                    line: location.line,
                    url: b.url.clone(),
                    problem: problem.unwrap_or_else(|| b.problem.to_string()),
                    pages: page_paths(self.outputs, std::iter::once(b.output)),
                });
            }
        }
        findings
    }

    /// Where `url`, found at `offsets` in output `output`, was written;
    /// with a better account of the problem where the source knows one.
    pub fn locate(
        &self,
        output: usize,
        url: &str,
        offsets: &[usize],
    ) -> Vec<(Location, Option<String>)> {
        let out = &self.outputs[output];
        if out.signature.is_none() {
            return copied_file_lines(out, offsets);
        }
        let mut found = Vec::new();
        let owner = self.owner_of(&out.path);
        let in_content = owner.map_or(0, |o| count_in(&o.rendered.html.text(), url));
        if let Some(owner) = owner.filter(|_| in_content > 0) {
            let problem = missing_content_file(owner.rendered, url);
            for line in content_lines(owner, url) {
                found.push((owner.location(line), problem.clone()));
            }
        }
        if offsets.len() > in_content {
            found.extend(
                self.outside_content(out, owner, url)
                    .into_iter()
                    .map(|l| (l, None)),
            );
        }
        found
    }

    /// Where a URL that the page's own content does not hold came from: a
    /// summary shown on a listing, else a template.
    fn outside_content(&self, out: &Output, owner: Option<&Owner>, url: &str) -> Vec<Location> {
        if let Some(places) = self.summaries().get(url) {
            return places.clone();
        }
        let name = match owner {
            Some(o) => o.template.clone(),
            None => guess_template(&out.path, &self.taxonomies),
        };
        let literal = self.template_lines(&name, url);
        if !literal.is_empty() {
            return literal;
        }
        let file = self
            .templates
            .get(&name)
            .map_or_else(|| format!("templates/{name}"), |t| t.shown.clone());
        vec![Location { file, line: None }]
    }

    /// The content whose Markdown is rendered into output `file`: a page,
    /// a section, or a section's pager (`blog/page/2/index.html`).
    fn owner_of(&self, file: &str) -> Option<&Owner<'a>> {
        if let Some(owner) = self.owners.get(file) {
            return Some(owner);
        }
        let dir = urlpath::page_dir(file)?;
        let (up, number) = dir.rsplit_once('/').unwrap_or(("", dir));
        let section = up
            .strip_suffix("page")
            .or_else(|| up.strip_suffix("/page"))?;
        if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        self.owners
            .get(&urlpath::index_file(section.trim_end_matches('/')))
    }

    /// Every line that writes `url` literally (or, for a URL under
    /// `base_url`, its path after `{{ config.base_url }}`) in template
    /// `name` and the templates it extends, includes or imports.
    fn template_lines(&self, name: &str, url: &str) -> Vec<Location> {
        let mut found = Vec::new();
        for t in self.involved(name) {
            let needle = quoted_in(&t.text, url);
            for (at, _) in needle
                .map(|n| t.text.match_indices(n))
                .into_iter()
                .flatten()
            {
                found.push(Location {
                    file: t.shown.clone(),
                    line: Some(line_of_offset(&t.text, at)),
                });
            }
        }
        found.sort();
        found.dedup();
        found
    }

    /// Template `name` and every template it pulls in, read from the
    /// `{% extends %}`, `{% include %}` and `{% import %}` tags of the text.
    fn involved(&self, name: &str) -> Vec<&TemplateText> {
        let mut names = vec![name.to_string()];
        let mut i = 0;
        while let Some(current) = names.get(i) {
            if let Some(t) = self.templates.get(current) {
                for used in pulled_in(&t.text) {
                    if !names.iter().any(|n| n == used) {
                        names.push(used.to_string());
                    }
                }
            }
            i += 1;
        }
        names.iter().filter_map(|n| self.templates.get(n)).collect()
    }

    /// URL → the content places that wrote it in a summary; built once,
    /// on the first URL a page's own content does not explain.
    fn summaries(&self) -> &FxHashMap<String, Vec<Location>> {
        self.summaries.get_or_init(|| {
            let mut index: FxHashMap<String, Vec<Location>> = FxHashMap::default();
            for owner in self.owners.values() {
                let Some(summary) = &owner.rendered.summary else {
                    continue;
                };
                let Ok(scan) = html::scan(summary.as_bytes()) else {
                    continue;
                };
                for link in scan.links {
                    let places = index.entry(link.url.clone()).or_default();
                    if places
                        .iter()
                        .all(|p| p.file != owner.source.display().to_string())
                    {
                        places.extend(content_lines(owner, &link.url).map(|l| owner.location(l)));
                    }
                }
            }
            index
        })
    }
}

impl Owner<'_> {
    fn location(&self, line: Option<usize>) -> Location {
        Location {
            file: self.source.display().to_string(),
            line,
        }
    }
}

/// How often rendered HTML holds `url` in a link attribute.
fn count_in(rendered_html: &str, url: &str) -> usize {
    // Only `&`, quotes and angle brackets are written as references: a URL
    // without them that the text does not hold is not in it.
    if !url.contains(['&', '\'', '"', '<', '>']) && !rendered_html.contains(url) {
        return 0;
    }
    html::scan(rendered_html.as_bytes())
        .map_or(0, |s| s.links.iter().filter(|l| l.url == url).count())
}

/// The lines of a content file that write `url`: Markdown links (the
/// Markdown stage recorded their lines), raw HTML tags in the body, and
/// failing both, any mention of it; `None` when nothing shows where.
fn content_lines<'o>(owner: &'o Owner, url: &str) -> impl Iterator<Item = Option<usize>> + 'o {
    let decoded = decode_lossy(url);
    let markdown = owner
        .rendered
        .links
        .iter()
        .chain(&owner.rendered.broken_content_links)
        .filter(|l| writes(l, owner.base_path, &decoded))
        .map(|l| l.line);
    let mut lines: Vec<usize> = markdown.collect();
    let body = owner.body.text();
    if let Ok(scan) = html::scan(body.as_bytes()) {
        lines.extend(
            scan.links
                .iter()
                .filter(|l| l.url == url)
                .map(|l| line_of_offset(&body, l.offset)),
        );
    }
    if lines.is_empty() {
        lines.extend(
            body.match_indices(url)
                .map(|(at, _)| line_of_offset(&body, at)),
        );
    }
    lines.sort_unstable();
    lines.dedup();
    let offset = owner.line_offset;
    let unknown = lines.is_empty().then_some(None);
    lines
        .into_iter()
        .map(move |l| Some(l + offset))
        .chain(unknown)
}

/// Whether the Markdown link `l` rendered as the (decoded) URL `decoded`:
/// as written, or resolved from a content file to its page (with the
/// site's base path before it).
fn writes(l: &InternalLink, base_path: &str, decoded: &str) -> bool {
    if decode_lossy(&l.written) == decoded {
        return true;
    }
    let Some(decoded) = decoded.strip_prefix(base_path) else {
        return false;
    };
    match &l.fragment {
        Some(f) => decoded
            .strip_prefix(l.path.as_str())
            .and_then(|rest| rest.strip_prefix('#'))
            .is_some_and(|rest| rest == decode_lossy(f)),
        None => decoded == l.path,
    }
}

/// The templates a template's text names in `extends`, `include` and
/// `import` tags.
fn pulled_in(text: &str) -> impl Iterator<Item = &str> {
    text.split("{%").skip(1).filter_map(|tag| {
        let tag = tag.trim_start_matches(['-', ' ']);
        let rest = ["extends", "include", "import"]
            .iter()
            .find_map(|kw| tag.strip_prefix(kw))?;
        let rest = rest.trim_start();
        let quote = rest.chars().next().filter(|c| matches!(c, '"' | '\''))?;
        let inner = &rest[1..];
        inner.find(quote).map(|end| &inner[..end])
    })
}

/// The better message for a link to a Markdown file that does not exist.
fn missing_content_file(rendered: &Rendered, url: &str) -> Option<String> {
    rendered
        .broken_content_links
        .iter()
        .find(|l| l.written == url)
        .map(|l| format!("no content file content/{}", l.path))
}

/// `url` as a template may write it: whole, or, when it is absolute, its
/// path (what follows `{{ config.base_url }}`); `None` when too short to
/// tell apart from other text.
fn quoted_in<'u>(text: &str, url: &'u str) -> Option<&'u str> {
    if text.contains(url) {
        return Some(url);
    }
    let path = url
        .split_once("://")
        .and_then(|(_, rest)| rest.find('/').map(|i| &rest[i..]))?;
    (path.len() > 1 && text.contains(path)).then_some(path)
}

/// Lines of the occurrences in a file copied verbatim into the output.
fn copied_file_lines(out: &Output, offsets: &[usize]) -> Vec<(Location, Option<String>)> {
    let bytes = out.read().unwrap_or_default();
    let text = String::from_utf8_lossy(&bytes);
    let mut lines: Vec<usize> = offsets.iter().map(|&o| line_of_offset(&text, o)).collect();
    lines.sort_unstable();
    lines.dedup();
    lines
        .into_iter()
        .map(|line| {
            let location = Location {
                file: out.origin.clone(),
                line: Some(line),
            };
            (location, None)
        })
        .collect()
}

/// The template an output with no content of its own renders with, by
/// the paths the site gives those outputs: every taxonomy's (`tags` and
/// those `[taxonomies]` declares) list at `/NAME/` and terms below it.
fn guess_template(file: &str, taxonomies: &[&str]) -> String {
    let taxonomy_page = |name: &str| file.strip_prefix(name)?.strip_prefix('/');
    match file {
        "404.html" => "404.html".into(),
        "search/index.html" => "search.html".into(),
        _ => match taxonomies.iter().find_map(|name| taxonomy_page(name)) {
            Some("index.html") => "tags.html".into(),
            Some(_) => "tag.html".into(),
            None => "index.html".into(),
        },
    }
}

/// Every template's shown path and text, by name. Built-ins that ship
/// with ssg itself (feeds, sitemap, redirects) are not the author's and
/// are left out.
fn template_texts(root: &Path, session: &Session) -> FxHashMap<String, TemplateText> {
    let embedded: FxHashMap<&str, &str> = crate::theme::embedded_templates().collect();
    let mut texts = FxHashMap::default();
    for (name, shown) in &session.templates().sources {
        let shown_str = shown.display().to_string();
        let text = if shown_str.starts_with("(built-in theme)") {
            embedded.get(name.as_str()).map(|t| t.to_string())
        } else if shown_str.starts_with("(built-in)") {
            None
        } else {
            std::fs::read_to_string(root.join(shown)).ok()
        };
        if let Some(text) = text {
            texts.insert(
                name.clone(),
                TemplateText {
                    shown: shown_str,
                    text,
                },
            );
        }
    }
    texts
}
