//! A page's text as Pagefind indexes it, read from the HTML ssg's Markdown
//! renderer wrote: words, with headings weighted and blocks ended as
//! sentences, in the form of the digest Pagefind's own HTML reader makes.
//!
//! Why not let Pagefind read the HTML: its reader (lol_html with a
//! selector engine) was about 40 % of its per-page work, measured with
//! `perf` on a 1,000-post build, and it runs one page at a time under
//! its index's lock. ssg's rendered Markdown is a small, known subset of
//! HTML, so a plain scan reads it, on the build's threads. What the scan
//! leaves out of Pagefind's reader: `data-pagefind-*` attributes in a
//! page's raw HTML, and heading anchors (sub-results).

use crate::check::html::decode_references;

/// Elements whose text Pagefind leaves out of the index.
const LEFT_OUT: &[&str] = &[
    "head", "style", "script", "noscript", "label", "form", "svg", "footer", "nav", "iframe",
    "template",
];

/// Elements that end a sentence: Pagefind's list, and the other blocks
/// Markdown writes (table headers and rows, code, quotes), whose words
/// would otherwise run together.
const BLOCKS: &[&str] = &[
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "p",
    "td",
    "th",
    "tr",
    "div",
    "ul",
    "ol",
    "li",
    "dt",
    "dd",
    "article",
    "section",
    "pre",
    "blockquote",
    "figcaption",
];

/// Pagefind's markers in a digest (spaces around them: it splits on
/// whitespace).
const WEIGHT_START: &str = " ___PAGEFIND_AUTO_WEIGHT___";
const WEIGHT_END: &str = " ___END_PAGEFIND_WEIGHT___ ";

/// The digest of a page: its title as its first heading, then its text.
pub fn digest(title: &str, html: &str) -> String {
    let mut text = String::with_capacity(html.len() / 2 + title.len() + 64);
    weighted(&mut text, "h1", title);
    read_html(&mut text, html);
    text
}

/// `words` as the heading `tag` would be written into the digest.
fn weighted(text: &mut String, tag: &str, words: &str) {
    open(text, tag);
    text.push_str(words);
    close(text, tag);
}

fn read_html(text: &mut String, html: &str) {
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        push_text(text, &rest[..lt]);
        rest = &rest[lt..];
        if let Some(comment) = rest.strip_prefix("<!--") {
            rest = comment.find("-->").map_or("", |end| &comment[end + 3..]);
            continue;
        }
        let Some(end) = tag_end(rest) else {
            // A `<` that opens no tag is text.
            push_text(text, &rest[..1]);
            rest = &rest[1..];
            continue;
        };
        let tag = &rest[1..end];
        rest = &rest[end + 1..];
        let (closing, name) = match tag.strip_prefix('/') {
            Some(name) => (true, tag_name(name)),
            None => (false, tag_name(tag)),
        };
        if !closing && LEFT_OUT.contains(&name.as_str()) {
            if !tag.ends_with('/') {
                rest = after_closing(rest, &name);
            }
        } else if name == "br" || name == "hr" {
            text.push(' ');
        } else if closing {
            close(text, &name);
        } else {
            open(text, &name);
        }
    }
    push_text(text, rest);
}

/// Where a tag that starts `html` (at its `<`) ends: the `>` outside its
/// quoted attribute values. None when `<` does not start a tag.
fn tag_end(html: &str) -> Option<usize> {
    let after = html.as_bytes().get(1)?;
    if !(after.is_ascii_alphabetic() || *after == b'/' || *after == b'!') {
        return None;
    }
    let mut quote = None;
    for (i, byte) in html.bytes().enumerate().skip(1) {
        match (quote, byte) {
            (None, b'"' | b'\'') => quote = Some(byte),
            (Some(q), _) if q == byte => quote = None,
            (None, b'>') => return Some(i),
            _ => {}
        }
    }
    None
}

/// A tag's name, lower case, from the text after its `<` or `</`.
fn tag_name(tag: &str) -> String {
    tag.split(|c: char| c.is_ascii_whitespace() || c == '/')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase()
}

/// The HTML after the element `name` whose start tag was just read:
/// after its matching end tag, elements of the same name inside it
/// counted; the end of `html` when it has none.
fn after_closing<'h>(html: &'h str, name: &str) -> &'h str {
    let lower = html.to_ascii_lowercase();
    let (open, close) = (format!("<{name}"), format!("</{name}"));
    let mut depth = 1;
    let mut at = 0;
    while let Some(next) = lower[at..].find(&close) {
        // Script and style hold text, not elements: no depth.
        if !matches!(name, "script" | "style") {
            depth += lower[at..at + next].matches(&open).count();
        }
        depth -= 1;
        at += next + close.len();
        if depth == 0 {
            return lower[at..].find('>').map_or("", |gt| &html[at + gt + 1..]);
        }
    }
    ""
}

fn push_text(text: &mut String, raw: &str) {
    if !raw.is_empty() {
        text.push_str(&decode_references(raw));
    }
}

fn open(text: &mut String, tag: &str) {
    if let Some(weight) = heading_weight(tag) {
        text.push_str(WEIGHT_START);
        text.push(weight);
        text.push(' ');
    } else if BLOCKS.contains(&tag) {
        text.push(' ');
    }
}

fn close(text: &mut String, tag: &str) {
    if !BLOCKS.contains(&tag) {
        return;
    }
    // As Pagefind does, a block ends a sentence, so excerpts read well;
    // not an empty one (its last word is a marker).
    let trimmed = text.trim_end();
    let last_word = trimmed.rsplit(char::is_whitespace).next().unwrap_or("");
    let ends_a_word = last_word
        .chars()
        .last()
        .is_some_and(|c| c.is_alphanumeric() || "_'\")$*".contains(c));
    if ends_a_word && !last_word.starts_with("___") {
        text.truncate(trimmed.len());
        text.push('.');
    }
    text.push(' ');
    if heading_weight(tag).is_some() {
        text.push_str(WEIGHT_END);
    }
}

/// Pagefind's weight of a heading's words (a paragraph's are 1).
fn heading_weight(tag: &str) -> Option<char> {
    match tag {
        "h1" => Some('7'),
        "h2" => Some('6'),
        "h3" => Some('5'),
        "h4" => Some('4'),
        "h5" => Some('3'),
        "h6" => Some('2'),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(digest: &str) -> String {
        digest.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn the_title_and_headings_are_weighted_and_blocks_end_sentences() {
        let html =
            "<h2 id=\"why\">Why <em>this</em></h2>\n<p>Fast &amp; plain</p><p>Done.</p><h3></h3>";
        assert_eq!(
            words(&digest("Q & A", html)),
            "___PAGEFIND_AUTO_WEIGHT___7 Q & A. ___END_PAGEFIND_WEIGHT___ \
             ___PAGEFIND_AUTO_WEIGHT___6 Why this. ___END_PAGEFIND_WEIGHT___ Fast & plain. Done. \
             ___PAGEFIND_AUTO_WEIGHT___5 ___END_PAGEFIND_WEIGHT___"
        );
    }

    #[test]
    fn scripts_styles_forms_and_comments_are_left_out() {
        let html = "<p>a</p><script>if (x < 1) { y = '</p>'; }</script><!-- b --><FORM><form>c</form>d</Form>\
                    <style>p{}</style><svg/><p>e</p>";
        assert_eq!(words(&read(html)), "a. e.");
    }

    #[test]
    fn table_cells_code_and_quoted_attributes_keep_words_apart() {
        let html = "<table><tr><th>name</th><th>value</th></tr></table><pre><code>let x = 1 &lt; 2;</code></pre>\
                    <a title=\"a>b\" href=\"/\">link</a> 3 < 4<br>five";
        assert_eq!(
            words(&read(html)),
            "name. value. let x = 1 < 2; link 3 < 4 five"
        );
    }

    fn read(html: &str) -> String {
        let mut text = String::new();
        read_html(&mut text, html);
        text
    }
}
