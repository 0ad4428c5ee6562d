//! Finding Liquid's tags in a text: `{% … %}` and `{{ … }}`, and where
//! the block a tag opens ends.

pub fn next_tag(body: &str, from: usize) -> Option<usize> {
    let rest = &body[from..];
    let a = rest.find("{%");
    let b = rest.find("{{");
    let first = match (a, b) {
        (Some(a), Some(b)) => a.min(b),
        (Some(x), None) | (None, Some(x)) => x,
        (None, None) => return None,
    };
    Some(from + first)
}

/// One `{% … %}` or `{{ … }}` with its inner text (whitespace control `-` removed).
pub struct Tag<'a> {
    pub start: usize,
    pub end: usize,
    pub inner: &'a str,
    pub is_output: bool,
}

impl<'a> Tag<'a> {
    pub fn at(body: &'a str, start: usize) -> Option<Tag<'a>> {
        let is_output = body[start..].starts_with("{{");
        let close = if is_output { "}}" } else { "%}" };
        let len = body[start + 2..].find(close)?;
        let inner = &body[start + 2..start + 2 + len];
        let inner = inner.strip_prefix('-').unwrap_or(inner);
        let inner = inner.strip_suffix('-').unwrap_or(inner).trim();
        Some(Tag {
            start,
            end: start + 2 + len + 2,
            inner,
            is_output,
        })
    }

    pub fn name(&self) -> &'a str {
        self.inner.split_whitespace().next().unwrap_or("")
    }

    pub fn args(&self) -> &'a str {
        self.inner[self.name().len()..].trim()
    }

    pub fn text<'b>(&self, body: &'b str) -> &'b str {
        &body[self.start..self.end]
    }
}

/// The end of the block closed by `{% end %}`: (where its text ends, where
/// the text after the closing tag starts).
pub fn find_end(body: &str, from: usize, end: &str) -> Option<(usize, usize)> {
    let mut pos = from;
    while let Some(at) = body[pos..].find("{%").map(|i| pos + i) {
        let tag = Tag::at(body, at)?;
        if tag.name() == end {
            return Some((at, tag.end));
        }
        pos = at + 2;
    }
    None
}

/// Where the block `tag` opens ends (after its end tag), nested blocks of
/// the same name counted.
pub fn nested_end(body: &str, tag: &Tag, end: &str) -> Option<usize> {
    let mut depth = 0;
    let mut pos = tag.end;
    while let Some(at) = body[pos..].find("{%").map(|i| pos + i) {
        let inner = Tag::at(body, at)?;
        if inner.name() == tag.name() {
            depth += 1;
        } else if inner.name() == end {
            if depth == 0 {
                return Some(inner.end);
            }
            depth -= 1;
        }
        pos = inner.end;
    }
    None
}
