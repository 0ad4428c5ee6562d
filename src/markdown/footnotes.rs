//! Footnotes gathered at the end of the page, as Hugo, Jekyll (kramdown)
//! and Zola's `bottom_footnotes` show them: numbered in the order the text
//! cites them, each with a link back to where it was cited. The parser
//! gives a definition where the author wrote it, often mid-page under a
//! heading of its own; a reader expects the notes after the text.
//!
//! Markup: a citation is `<sup class="footnote-reference"
//! id="fnref-LABEL"><a href="#LABEL">N</a></sup>` (a second citation of
//! the same note `fnref-LABEL-2`), the notes one `<section
//! class="footnotes"><ol>` of `<li class="footnote-definition"
//! id="LABEL">`, each ending in `<a class="footnote-backref">↩</a>` links.

use std::collections::HashMap;

use pulldown_cmark::{CowStr, Event, TagEnd};

use crate::escape::escape;

/// The id of a note's `n`-th citation (from 1).
fn citation_id(label: &str, n: usize) -> String {
    match n {
        1 => format!("fnref-{}", key(label)),
        n => format!("fnref-{}-{n}", key(label)),
    }
}

/// The ids the citations among `events` will take: reserved before
/// headings take ids, so a heading never takes one.
pub(super) fn citation_ids<'e, 'a: 'e>(events: impl Iterator<Item = &'e Event<'a>>) -> Vec<String> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    events
        .filter_map(|event| match event {
            Event::FootnoteReference(label) => {
                let n = seen.entry(key(label)).or_default();
                *n += 1;
                Some(citation_id(label, *n))
            }
            _ => None,
        })
        .collect()
}

/// GFM matches a citation to its note case-insensitively.
fn key(label: &str) -> String {
    label.to_lowercase()
}

/// The notes of one page, taken out of the text as they are met.
#[derive(Default)]
pub(super) struct Footnotes<'a> {
    /// Each note as written: its label and its rendered events.
    notes: Vec<(CowStr<'a>, Vec<Event<'a>>)>,
}

/// What is known of a note once the text is numbered.
struct Cited {
    number: usize,
    citations: usize,
}

impl<'a> Footnotes<'a> {
    pub(super) fn add(&mut self, label: CowStr<'a>, events: Vec<Event<'a>>) {
        self.notes.push((label, events));
    }

    /// Numbers the citations in `events` (the page) in reading order,
    /// then those inside the notes, each replaced by its markup; returns
    /// the notes' section to put after the page.
    pub(super) fn finish(mut self, events: &mut [Event<'a>]) -> String {
        // The parser cites only labels that have a note: no notes, no
        // citations, and the page's events need no second look.
        if self.notes.is_empty() {
            return String::new();
        }
        let mut first_note: HashMap<String, usize> = HashMap::new();
        for (at, (label, _)) in self.notes.iter().enumerate() {
            first_note.entry(key(label)).or_insert(at);
        }
        let mut cited: HashMap<String, Cited> = HashMap::new();
        let mut order: Vec<usize> = Vec::new();
        let mut cite = |events: &mut [Event<'a>], order: &mut Vec<usize>| {
            for event in events.iter_mut() {
                if let Event::FootnoteReference(label) = event {
                    *event = citation(label, &first_note, &mut cited, order);
                }
            }
        };
        cite(events, &mut order);
        // A note may cite another: numbered after the text's, as met.
        let mut next = 0;
        while next < order.len() {
            let at = order[next];
            let mut body = std::mem::take(&mut self.notes[at].1);
            cite(&mut body, &mut order);
            self.notes[at].1 = body;
            next += 1;
        }
        let mut shown = vec![false; self.notes.len()];
        let mut html = String::from("<section class=\"footnotes\" role=\"doc-endnotes\">\n<ol>\n");
        for &at in &order {
            shown[at] = true;
            let (label, body) = &self.notes[at];
            let times = cited.get(&key(label)).map_or(0, |c| c.citations);
            note_html(&mut html, Some(label), body, times);
        }
        // Notes nothing cites are kept, after the rest, in written order;
        // a second note of one label has no id (the first has it).
        for (at, (label, body)) in self.notes.iter().enumerate() {
            if !shown[at] {
                let first = first_note.get(&key(label)) == Some(&at);
                note_html(&mut html, first.then_some(label), body, 0);
            }
        }
        html.push_str("</ol>\n</section>\n");
        html
    }
}

/// The markup of one citation of `label`, numbering its note if it is the
/// first; a label with no note stays as written.
fn citation<'a>(
    label: &str,
    first_note: &HashMap<String, usize>,
    cited: &mut HashMap<String, Cited>,
    order: &mut Vec<usize>,
) -> Event<'a> {
    let Some(&at) = first_note.get(&key(label)) else {
        return Event::Text(CowStr::from(format!("[^{label}]")));
    };
    let next_number = order.len() + 1;
    let entry = cited.entry(key(label)).or_insert_with(|| {
        order.push(at);
        Cited {
            number: next_number,
            citations: 0,
        }
    });
    entry.citations += 1;
    Event::InlineHtml(CowStr::from(format!(
        "<sup class=\"footnote-reference\" id=\"{}\"><a href=\"#{}\">{}</a></sup>",
        escape(&citation_id(label, entry.citations)),
        escape(label),
        entry.number
    )))
}

/// One note as a list item, its links back inside its last paragraph.
fn note_html(html: &mut String, id: Option<&CowStr>, body: &[Event], citations: usize) {
    match id {
        Some(id) => html.push_str(&format!(
            "<li class=\"footnote-definition\" id=\"{}\">\n",
            escape(id)
        )),
        None => html.push_str("<li class=\"footnote-definition\">\n"),
    }
    let back: String = match id {
        Some(id) => (1..=citations)
            .map(|n| {
                let mark = if n == 1 { String::new() } else { n.to_string() };
                format!(
                    " <a class=\"footnote-backref\" href=\"#{}\" aria-label=\"Back to citation {n}\">↩{mark}</a>",
                    escape(&citation_id(id, n)),
                )
            })
            .collect(),
        None => String::new(),
    };
    match body.split_last() {
        Some((Event::End(TagEnd::Paragraph), rest)) if !back.is_empty() => {
            pulldown_cmark::html::push_html(html, rest.iter().cloned());
            html.truncate(html.trim_end().len());
            html.push_str(&back);
            html.push_str("</p>\n");
        }
        _ => {
            pulldown_cmark::html::push_html(html, body.iter().cloned());
            if !back.is_empty() {
                html.push_str(&format!("<p>{}</p>\n", back.trim_start()));
            }
        }
    }
    html.push_str("</li>\n");
}

#[cfg(test)]
mod tests {
    use crate::markdown::{MarkdownOptions, PageLinks, render};

    fn html(md: &str) -> String {
        let opts = MarkdownOptions {
            highlight: false,
            smart_punctuation: false,
            math: false,
            math_warn_only: false,
        };
        let page = PageLinks {
            source: "a.md",
            path: "/a/",
            resolve: &|_| None,
            base_path: "",
            authoring: None,
            pictures: None,
        };
        render(md, opts, &page).html.text().to_string()
    }

    #[test]
    fn notes_go_to_the_end_numbered_as_cited() {
        let out = html(
            "Intro[^late] and[^early].\n\n## References\n\n[^early]: First written.\n\n\
             [^late]: Second written.\n\nAfter the notes.\n",
        );
        let late = out.find("Second written").unwrap();
        let early = out.find("First written").unwrap();
        let after = out.find("After the notes").unwrap();
        assert!(after < late && late < early, "{out}");
        assert!(
            out.contains(
                "<sup class=\"footnote-reference\" id=\"fnref-late\"><a href=\"#late\">1</a></sup>"
            ),
            "{out}"
        );
        assert!(out.contains("<a href=\"#early\">2</a>"), "{out}");
        assert!(out.contains("<li class=\"footnote-definition\" id=\"late\">\n<p>Second written. <a class=\"footnote-backref\" href=\"#fnref-late\""), "{out}");
        assert!(out.ends_with("</ol>\n</section>\n"), "{out}");
    }

    #[test]
    fn a_note_cited_twice_links_back_to_both_and_unreferenced_notes_stay() {
        let out = html("A[^n], B[^N].\n\n[^n]: Note.\n\n[^lost]: Nobody cites me.\n");
        assert!(out.contains("id=\"fnref-n\""), "{out}");
        assert!(out.contains("id=\"fnref-n-2\""), "{out}");
        assert!(
            out.contains("href=\"#fnref-n-2\" aria-label=\"Back to citation 2\">↩2</a>"),
            "{out}"
        );
        assert!(
            out.contains("<li class=\"footnote-definition\" id=\"lost\">\n<p>Nobody cites me.</p>"),
            "{out}"
        );
    }

    #[test]
    fn notes_citing_notes_and_notes_of_many_blocks() {
        let out = html("Text[^a].\n\n[^a]: See[^b].\n\n    ```\n    code\n    ```\n\n[^b]: B.\n");
        assert!(out.contains("<a href=\"#b\">2</a>"), "{out}");
        // A note ending in a code block gets its link back as a paragraph.
        assert!(
            out.contains("</pre>\n<p><a class=\"footnote-backref\""),
            "{out}"
        );
    }

    #[test]
    fn a_citation_of_no_note_is_text() {
        let out = html("A[^missing] b.\n");
        assert_eq!(out, "<p>A[^missing] b.</p>\n");
    }

    #[test]
    fn a_heading_never_takes_a_citation_id() {
        let out = html("# fnref-x\n\nA[^x].\n\n[^x]: X.\n");
        assert!(out.contains("<h1 id=\"fnref-x-1\">"), "{out}");
        assert_eq!(out.matches("id=\"fnref-x\"").count(), 1, "{out}");
    }
}
