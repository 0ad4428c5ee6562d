//! One Hugo shortcode tag (`{{< name args >}}`, `{{% name args %}}`,
//! `{{< /name >}}`) read into its name and arguments, as Hugo splits them:
//! words separated by spaces, `"…"` and `` `…` `` holding spaces, `k=v`
//! named. Its own room so the converter and the built-in translations
//! both read it.

/// One `{{< name args >}}` or `{{% name args %}}` tag.
#[derive(Debug, PartialEq, Eq)]
pub struct Tag {
    pub name: String,
    pub closing: bool,
    pub positional: Vec<String>,
    pub named: Vec<(String, String)>,
    /// Byte range of the whole tag in the body.
    pub start: usize,
    pub end: usize,
    /// `%`: the inner text is Markdown.
    pub markdown: bool,
}

impl Tag {
    /// Argument `name`, or else the one at `position` (99: named only).
    pub fn arg(&self, name: &str, position: usize) -> Option<&str> {
        self.named
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .or_else(|| self.positional.get(position).map(String::as_str))
    }
}

/// The tag whose text between `{{<`/`{{%` and `>}}`/`%}}` is `inside`.
pub fn parse_tag(inside: &str, start: usize, end: usize, markdown: bool) -> Tag {
    let (closing, inside) = match inside.strip_prefix('/') {
        Some(rest) => (true, rest.trim()),
        None => (false, inside.trim_end_matches('/').trim()),
    };
    let mut words = split_args(inside).into_iter();
    let name = words.next().unwrap_or_default();
    let mut tag = Tag {
        name,
        closing,
        positional: Vec::new(),
        named: Vec::new(),
        start,
        end,
        markdown,
    };
    for word in words {
        match word.split_once('=') {
            Some((k, v))
                if !k.is_empty()
                    && k.chars()
                        .all(|c| c.is_alphanumeric() || c == '_' || c == '-') =>
            {
                tag.named.push((k.to_string(), unquote(v)));
            }
            _ => tag.positional.push(unquote(&word)),
        }
    }
    tag
}

/// Words separated by spaces; `"…"` and `` `…` `` hold spaces.
fn split_args(s: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quote = None;
    for c in s.chars() {
        match quote {
            Some(q) if c == q => {
                quote = None;
                word.push(c);
            }
            Some(_) => word.push(c),
            None if c == '"' || c == '`' => {
                quote = Some(c);
                word.push(c);
            }
            None if c.is_whitespace() => {
                if !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
            }
            None => word.push(c),
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

fn unquote(s: &str) -> String {
    let t = s.trim();
    for q in ['"', '`'] {
        if let Some(inner) = t.strip_prefix(q).and_then(|r| r.strip_suffix(q)) {
            return inner.replace("\\\"", "\"");
        }
    }
    t.to_string()
}
