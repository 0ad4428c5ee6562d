//! Escaping text for HTML and XML (attribute-safe: quotes are escaped too).
//!
//! Templates use the same escaping as our own HTML: Tera's default writes
//! every byte through its own `write_all` call, which made escaping a
//! feed's full-text entries a tenth of a cold build.

use std::io;

fn entity(b: u8) -> Option<&'static str> {
    match b {
        b'&' => Some("&amp;"),
        b'<' => Some("&lt;"),
        b'>' => Some("&gt;"),
        b'"' => Some("&quot;"),
        b'\'' => Some("&#39;"),
        _ => None,
    }
}

/// Hands `emit` the escaped form of `text` in pieces: runs of bytes that
/// need no escaping, and entities.
fn pieces<E>(text: &str, mut emit: impl FnMut(&str) -> Result<(), E>) -> Result<(), E> {
    let mut last = 0;
    for (i, b) in text.bytes().enumerate() {
        if let Some(rep) = entity(b) {
            if last < i {
                emit(&text[last..i])?;
            }
            emit(rep)?;
            last = i + 1;
        }
    }
    if last < text.len() {
        emit(&text[last..])?;
    }
    Ok(())
}

/// Appends `text` to `out`, escaping `& < > " '`.
pub fn push_escaped(out: &mut String, text: &str) {
    let _ = pieces(text, |p| {
        out.push_str(p);
        Ok::<(), std::convert::Infallible>(())
    });
}

pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    push_escaped(&mut out, text);
    out
}

/// Writes `text` escaped to `out`: Tera's escape function for templates.
pub fn write_escaped(text: &str, out: &mut dyn io::Write) -> io::Result<()> {
    pieces(text, |p| out.write_all(p.as_bytes()))
}

/// The text of an HTML fragment: tags dropped, the common entities decoded
/// (the `striptags` filter, a heading's title for the table of contents).
pub fn html_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_specials() {
        assert_eq!(super::escape("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&#39;");
        assert_eq!(super::escape("héllo"), "héllo");
        assert_eq!(super::escape(""), "");
        assert_eq!(super::escape("<<"), "&lt;&lt;");
    }

    #[test]
    fn writer_matches_string() {
        for text in ["", "plain", "a<b>&\"c'", "<x>", "é & ü", "'"] {
            let mut out = Vec::new();
            super::write_escaped(text, &mut out).unwrap();
            assert_eq!(
                String::from_utf8(out).unwrap(),
                super::escape(text),
                "{text}"
            );
        }
    }
}
