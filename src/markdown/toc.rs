//! Heading ids (unique on the page) and the nested table of contents.

use std::collections::{HashMap, HashSet};

use pulldown_cmark::HeadingLevel;

use super::TocEntry;

pub(super) fn level_number(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// The ids given out on a page, and for each base the next suffix to try:
/// counting up from `-1` for every heading made a page of 2,000 headings
/// named alike take seconds.
#[derive(Default)]
pub(super) struct UsedIds {
    taken: HashSet<String>,
    next_suffix: HashMap<String, usize>,
    /// Ids tried so far, the base and each suffix: the count a test holds
    /// to one or two per heading.
    #[cfg(test)]
    pub(super) probes: usize,
}

impl UsedIds {
    pub(super) fn reserve(&mut self, id: String) {
        self.taken.insert(id);
    }

    /// `base`, or else `base-N` with the smallest N not taken.
    pub(super) fn unique(&mut self, base: &str) -> String {
        #[cfg(test)]
        {
            self.probes += 1;
        }
        if self.taken.insert(base.to_string()) {
            return base.to_string();
        }
        // Every suffix below `next` is taken, and taken ids stay taken.
        let next = self.next_suffix.entry(base.to_string()).or_insert(1);
        loop {
            let candidate = format!("{base}-{next}");
            *next += 1;
            #[cfg(test)]
            {
                self.probes += 1;
            }
            if self.taken.insert(candidate.clone()) {
                return candidate;
            }
        }
    }
}

/// Where the author wants the table of contents in the body (Zola themes'
/// convention: tabi's `toc()` shortcode, blog_os's Markdown).
pub const TOC_MARKER: &str = "<!-- toc -->";

/// The table of contents written where [`TOC_MARKER`] stands.
pub(super) fn toc_html(toc: &[TocEntry]) -> String {
    fn list(entries: &[TocEntry], out: &mut String) {
        out.push_str("<ol>");
        for entry in entries {
            out.push_str("<li><a href=\"#");
            crate::escape::push_escaped(out, &entry.id);
            out.push_str("\">");
            crate::escape::push_escaped(out, &entry.title);
            out.push_str("</a>");
            if !entry.children.is_empty() {
                list(&entry.children, out);
            }
            out.push_str("</li>");
        }
        out.push_str("</ol>");
    }
    let mut out = String::from("<nav class=\"toc\" aria-label=\"Contents\">");
    list(toc, &mut out);
    out.push_str("</nav>\n");
    out
}

pub(super) fn nest_toc(flat: &[(u8, String, String)]) -> Vec<TocEntry> {
    fn take(flat: &[(u8, String, String)], i: &mut usize, parent_level: u8) -> Vec<TocEntry> {
        let mut out = Vec::new();
        while let Some((level, id, title)) = flat.get(*i) {
            if *level <= parent_level {
                break;
            }
            *i += 1;
            let children = take(flat, i, *level);
            out.push(TocEntry {
                level: *level,
                id: id.clone(),
                title: title.clone(),
                children,
            });
        }
        out
    }
    let mut i = 0;
    let mut out = Vec::new();
    // A document that starts deeper than a later heading still lists every heading.
    while i < flat.len() {
        out.extend(take(flat, &mut i, 0));
    }
    out
}
