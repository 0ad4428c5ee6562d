//! One owner per URL. Jekyll has no sections: `_docs/plugins.md` (URL
//! `/docs/plugins/`) beside a folder `_docs/plugins/` is one page and its
//! children, and jekyll-redirect-from writes a redirect wherever it is told
//! to, over a page or not. In ssg every folder is a section with a page at
//! the folder's URL, and two outputs at one path stop the build. So a
//! document at its folder's URL becomes that section's `_index.md` (its
//! text the section's), and a `redirect_from` that claims the URL of a
//! page, a section or an earlier redirect is dropped, and reported.

use std::collections::HashMap;

use super::document::Doc;
use super::place::{dir_url, output_file, section_dirs};
use crate::import::Report;

/// Settles every URL on one output: documents first, then aliases.
pub fn settle(docs: &mut [Doc], report: &mut Report) {
    documents_at_section_urls(docs, report);
    free_aliases_only(docs, report);
}

/// The folder of a section page `content/x/_index.md`: `content/x`.
fn section_of(dest: &str) -> Option<&str> {
    dest.strip_suffix("/_index.md")
}

/// A document whose URL is a section's becomes that section's page.
fn documents_at_section_urls(docs: &mut [Doc], report: &mut Report) {
    let dirs = section_dirs(docs.iter());
    let section_at: HashMap<String, &String> = dirs
        .iter()
        .map(|dir| (output_file(&dir_url(dir)), dir))
        .collect();
    let mut has_page: Vec<String> = docs
        .iter()
        .filter_map(|d| section_of(&d.dest).map(str::to_string))
        .collect();
    for doc in docs.iter_mut() {
        if section_of(&doc.dest).is_some() {
            continue;
        }
        let Some(url) = doc.url.clone() else {
            continue;
        };
        let Some(dir) = section_at.get(&output_file(&url)) else {
            continue;
        };
        if has_page.contains(dir) {
            report.note(
                &doc.rel,
                doc.line_of("permalink"),
                format!(
                    "has the URL {url}, which is the page of the section {dir}/; it gets ssg's own URL"
                ),
                "give it another permalink",
            );
            doc.url = None;
            continue;
        }
        let dest = format!("{dir}/_index.md");
        report.note(
            &doc.rel,
            None,
            format!("its URL {url} is its folder's: written as {dest}, the page of that section"),
            "",
        );
        has_page.push(dir.to_string());
        doc.dest = dest;
    }
}

/// Drops every alias whose output a page, a section or an earlier alias
/// already writes.
fn free_aliases_only(docs: &mut [Doc], report: &mut Report) {
    let mut owners: HashMap<String, String> = HashMap::new();
    for doc in docs.iter() {
        let url = match section_of(&doc.dest) {
            Some(dir) => Some(dir_url(dir)),
            None => doc.url.clone(),
        };
        if let Some(url) = url {
            owners.entry(output_file(&url)).or_insert(doc.rel.clone());
        }
    }
    for dir in section_dirs(docs.iter()) {
        owners
            .entry(output_file(&dir_url(&dir)))
            .or_insert_with(|| format!("the section listing of {dir}/"));
    }
    for doc in docs.iter_mut() {
        let line = doc.line_of("redirect_from");
        for alias in std::mem::take(&mut doc.aliases) {
            let file = output_file(&alias);
            match owners.get(&file) {
                Some(owner) => {
                    let whose = if *owner == doc.rel {
                        "its own URL".to_string()
                    } else {
                        format!("the URL of {owner}")
                    };
                    report.note(
                        &doc.rel,
                        line,
                        format!("redirect_from {alias} is {whose}; dropped"),
                        "",
                    );
                }
                None => {
                    owners.insert(file, format!("{}'s redirect_from", doc.rel));
                    doc.aliases.push(alias);
                }
            }
        }
    }
}
