//! The link report: every internal link in content that matches no output.
//! A warning for `ssg build`, an error for `ssg check`.

use std::path::Path;

use rustc_hash::FxHashSet;

use crate::error::Diagnostic;
use crate::markdown::{InternalLink, Rendered};
use crate::output::Output;
use crate::site::Site;

/// Every internal link of every page and section that matches no output.
pub fn check_links(
    site: &Site,
    outputs: &[Output],
    warnings: &mut Vec<Diagnostic>,
) -> Vec<Diagnostic> {
    let existing: FxHashSet<&str> = outputs.iter().map(|o| o.path.as_str()).collect();
    let exists = |path: &str| {
        let rel = path.trim_start_matches('/');
        if rel.is_empty() {
            return existing.contains("index.html");
        }
        let with_index = |rel: &str| {
            let mut file = String::with_capacity(rel.len() + 11);
            file.push_str(rel);
            if !rel.ends_with('/') {
                file.push('/');
            }
            file.push_str("index.html");
            existing.contains(file.as_str())
        };
        if path.ends_with('/') {
            return with_index(rel);
        }
        existing.contains(rel) || with_index(rel)
    };
    let mut broken = Vec::new();
    let mut report = |source: &Path, offset: usize, rendered: &Rendered| {
        let line = |l: &InternalLink| Some(l.line + offset);
        for link in &rendered.links {
            if !link.path.is_empty() && !exists(&link.path) {
                broken.push(Diagnostic::new(
                    source,
                    line(link),
                    format!(
                        "broken link: {} (no page or file at {})",
                        link.written, link.path
                    ),
                ));
            }
        }
        for link in &rendered.broken_content_links {
            broken.push(Diagnostic::new(
                source,
                line(link),
                format!(
                    "broken link: {} (no content file content/{})",
                    link.written, link.path
                ),
            ));
        }
        for w in &rendered.warnings {
            warnings.push(Diagnostic::new(
                source,
                Some(w.line + offset),
                w.message.clone(),
            ));
        }
    };
    for page in &site.pages {
        report(&page.source, page.body_line_offset, &page.rendered);
    }
    for section in &site.sections {
        if let Some(source) = &section.source {
            report(source, section.body_line_offset, &section.rendered);
        }
    }
    broken.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
    broken
}
