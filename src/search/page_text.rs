//! The text a reader sees in a page's rendered Markdown, as the search
//! index reads it: headings apart from the body (their words weigh more),
//! tags gone, entities decoded, scripts and styles left out. Inline tags
//! join the text on either side (`<em>un</em>do` reads "undo", as the
//! browser's `textContent` does, and as highlighted code's many spans
//! need); other tags end a word.

/// A page's text, in two parts.
#[derive(Default, Debug, PartialEq)]
pub struct PageText {
    /// The text of its `<h1>`…`<h6>`.
    pub headings: String,
    /// Everything else.
    pub body: String,
}

/// Elements whose content is not text a reader reads.
const SKIPPED: &[&str] = &["script", "style", "svg", "template", "math", "noscript"];

/// Elements inside a line of text: they do not end a word.
const INLINE: &[&str] = &[
    "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "del", "dfn", "em", "i", "ins", "kbd",
    "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var", "wbr",
];

/// The text of `html`.
pub fn page_text(html: &str) -> PageText {
    let mut text = PageText::default();
    let mut in_heading = false;
    let mut rest = html;
    // Past the last `>` no tag can end: the rest is text. Without this a
    // page of many `<` and no `>` was read again to its end at each one.
    let last_close = html.rfind('>').map_or(0, |at| at + 1);
    while let Some(open) = rest.find('<') {
        let into = if in_heading {
            &mut text.headings
        } else {
            &mut text.body
        };
        push_decoded(into, &rest[..open]);
        rest = &rest[open..];
        if html.len() - rest.len() >= last_close {
            break;
        }
        let Some(tag) = Tag::read(rest) else {
            // A `<` that starts no tag is text.
            into.push('<');
            rest = &rest[1..];
            continue;
        };
        rest = &rest[tag.len..];
        if tag.kind != Kind::Inline {
            into.push(' ');
        }
        match tag.kind {
            Kind::Heading => in_heading = !tag.closing,
            Kind::Skipped(name) if !tag.closing => rest = skip_element(rest, name),
            _ => {}
        }
    }
    let into = if in_heading {
        &mut text.headings
    } else {
        &mut text.body
    };
    push_decoded(into, rest);
    text
}

/// What a tag means to the text.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Kind {
    Heading,
    /// One of [`SKIPPED`], by its name.
    Skipped(&'static str),
    Inline,
    /// Any other tag, a comment or a doctype: it ends a word.
    Other,
}

impl Kind {
    /// The kind of an element named `name` (any letter case). Read for
    /// every tag of every page, so it looks names up without allocating.
    fn of(name: &[u8]) -> Kind {
        let mut lower = [0u8; 8];
        let Some(buffer) = lower.get_mut(..name.len()) else {
            return Kind::Other;
        };
        for (to, from) in buffer.iter_mut().zip(name) {
            *to = from.to_ascii_lowercase();
        }
        let name = &lower[..name.len()];
        if let [b'h', b'1'..=b'6'] = name {
            return Kind::Heading;
        }
        if let Some(skipped) = SKIPPED.iter().find(|s| s.as_bytes() == name) {
            return Kind::Skipped(skipped);
        }
        if INLINE.iter().any(|i| i.as_bytes() == name) {
            return Kind::Inline;
        }
        Kind::Other
    }
}

/// One tag (or comment, or doctype) at the start of the text.
struct Tag {
    kind: Kind,
    closing: bool,
    /// Bytes it spans.
    len: usize,
}

impl Tag {
    fn read(at: &str) -> Option<Tag> {
        if let Some(comment) = at.strip_prefix("<!--") {
            let end = comment.find("-->").map_or(at.len(), |e| 4 + e + 3);
            return Some(Tag {
                kind: Kind::Other,
                closing: false,
                len: end,
            });
        }
        let bytes = at.as_bytes();
        let closing = bytes.get(1) == Some(&b'/');
        let name_at = if closing { 2 } else { 1 };
        let first = *bytes.get(name_at)?;
        if !first.is_ascii_alphabetic() && first != b'!' {
            return None;
        }
        let name_len = bytes[name_at..]
            .iter()
            .position(|&b| !b.is_ascii_alphanumeric() && b != b'-' && b != b'!')
            .unwrap_or(bytes.len() - name_at);
        Some(Tag {
            kind: Kind::of(&bytes[name_at..name_at + name_len]),
            closing,
            len: tag_end(bytes)?,
        })
    }
}

/// Where the tag at the start of `at` ends (after its `>`), with quoted
/// attribute values that hold a `>` read past. A quote opens a value only
/// after `=`, so `<a title=don't>` ends at its `>`.
fn tag_end(at: &[u8]) -> Option<usize> {
    let mut quote = None;
    let mut after_equals = false;
    for (i, &c) in at.iter().enumerate().skip(1) {
        match (quote, c) {
            (None, b'"' | b'\'') if after_equals => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, b'>') => return Some(i + 1),
            _ => {}
        }
        if !c.is_ascii_whitespace() {
            after_equals = quote.is_none() && c == b'=';
        }
    }
    None
}

/// `rest` after the end tag of the element `name` opened just before it.
fn skip_element<'a>(rest: &'a str, name: &str) -> &'a str {
    let mut from = 0;
    while let Some(at) = rest[from..].find("</").map(|a| a + from) {
        let after = &rest[at + 2..];
        let named = after
            .get(..name.len())
            .is_some_and(|n| n.eq_ignore_ascii_case(name));
        if named {
            let end = after.find('>').map_or(after.len(), |e| e + 1);
            return &after[end..];
        }
        from = at + 2;
    }
    ""
}

/// Appends `text` with its character references decoded; one that is not
/// known becomes a space, so its name is not read as a word.
fn push_decoded(into: &mut String, text: &str) {
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        into.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let end = rest[1..]
            .find(|c: char| !c.is_ascii_alphanumeric() && c != '#')
            .map(|e| e + 1)
            .filter(|&e| rest[e..].starts_with(';'));
        let Some(end) = end else {
            into.push('&');
            rest = &rest[1..];
            continue;
        };
        into.push(decode_reference(&rest[1..end]).unwrap_or(' '));
        rest = &rest[end + 1..];
    }
    into.push_str(rest);
}

fn decode_reference(name: &str) -> Option<char> {
    if let Some(number) = name.strip_prefix('#') {
        let code = match number.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => number.parse().ok()?,
        };
        return char::from_u32(code);
    }
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        "shy" => '\u{ad}',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_apart_tags_gone_and_entities_decoded() {
        let text = page_text(
            "<h2 id=\"a\">Set <em>up</em></h2><p>Tom &amp; Jerry&#39;s <b>bold</b>ness &frac12;x</p>",
        );
        assert_eq!(
            text.headings.split_whitespace().collect::<Vec<_>>(),
            ["Set", "up"]
        );
        assert_eq!(
            text.body.split_whitespace().collect::<Vec<_>>(),
            ["Tom", "&", "Jerry's", "boldness", "x"]
        );
    }

    #[test]
    fn highlighted_code_reads_as_its_text() {
        let text = page_text(
            "<pre><code><span class=\"k\">fn</span> <span>main</span><span>()</span>\n</code></pre>",
        );
        assert_eq!(
            text.body.split_whitespace().collect::<Vec<_>>(),
            ["fn", "main()"]
        );
    }

    #[test]
    fn scripts_styles_and_comments_are_not_text() {
        let text = page_text(
            "<p>one</p><script>var two = '</p>';</script><!-- three --><style>p{}</style><p a='>'>four</p>",
        );
        assert_eq!(
            text.body.split_whitespace().collect::<Vec<_>>(),
            ["one", "four"]
        );
    }

    proptest::proptest! {
        #[test]
        fn any_text_is_read_without_panicking(html in "(<[a-zA-Z/!]{0,3}[^>]{0,5}>?|&#?[a-z0-9]{0,4};?|[^<&]{0,8})*") {
            let text = page_text(&html);
            proptest::prop_assert!(text.body.len() + text.headings.len() <= html.len() * 2 + 2);
        }

        #[test]
        fn text_without_markup_is_kept_as_it_is(plain in "[^<&]*") {
            proptest::prop_assert_eq!(page_text(&plain).body, plain);
        }
    }

    #[test]
    fn many_less_thans_without_a_greater_than_are_read_once() {
        // Read again to the end at each `<`, this page would not finish.
        let html = "a<b ".repeat(200_000);
        assert_eq!(page_text(&html).body, html);
    }

    #[test]
    fn a_lone_less_than_and_ampersand_are_text() {
        let text = page_text("<p>1 < 2 & 3 <</p>");
        assert_eq!(
            text.body.split_whitespace().collect::<Vec<_>>(),
            ["1", "<", "2", "&", "3", "<"]
        );
    }
}
