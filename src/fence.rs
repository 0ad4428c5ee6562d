//! What a code fence's info string asks for besides its language, in
//! Zola's spelling (`rust,linenos,hl_lines=1 3-5,linenostart=10`) and
//! Hugo's (`go {linenos=table hl_lines="2 4"}`), so imported posts keep
//! theirs: line numbers and marked lines, written around each line of the
//! block's HTML, and a file name shown above the block (`name=` as Zola
//! spells it, `title=` as Hugo themes do).

use std::ops::RangeInclusive;

use serde_json::{Map, Value};

/// Line numbers and marked lines asked for by a fence.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineOptions {
    pub numbers: bool,
    /// The number of the first line (`linenostart`).
    pub start: usize,
    /// Lines to mark, counted from 1 as shown (`hl_lines`).
    pub marked: Vec<RangeInclusive<usize>>,
}

impl LineOptions {
    /// From a fence's info string; `None` when it asks for neither.
    pub fn from_info(info: &str) -> Option<LineOptions> {
        let attributes = attributes(info);
        let numbers = attributes
            .get("linenos")
            .is_some_and(|v| v != &Value::Bool(false) && v != "false");
        let start = attributes
            .get("linenostart")
            .and_then(|v| v.as_str())
            .and_then(|s| s.parse().ok())
            .unwrap_or(1);
        let marked = attributes
            .get("hl_lines")
            .and_then(|v| v.as_str())
            .map(marked_lines)
            .unwrap_or_default();
        (numbers || !marked.is_empty()).then_some(LineOptions {
            numbers,
            start,
            marked,
        })
    }

    fn is_marked(&self, shown: usize) -> bool {
        self.marked.iter().any(|r| r.contains(&shown))
    }
}

/// The file name a fence asks to show above its block (`name=mod.rs` or
/// `title="main.go"`), if any.
pub fn title(info: &str) -> Option<String> {
    let attributes = attributes(info);
    let title = ["name", "title"]
        .iter()
        .find_map(|key| attributes.get(*key)?.as_str())?;
    (!title.trim().is_empty()).then(|| title.trim().to_string())
}

/// A highlighted block inside a `<figure>` whose caption is its file name.
pub fn with_title(block: &str, title: &str) -> String {
    let mut out = String::with_capacity(block.len() + title.len() + 96);
    out.push_str("<figure class=\"code-block\"><figcaption class=\"code-title\">");
    crate::escape::push_escaped(&mut out, title);
    out.push_str("</figcaption>\n");
    out.push_str(block.trim_end_matches('\n'));
    out.push_str("\n</figure>\n");
    out
}

/// `1 3-5` → 1, 3..=5; words that are not numbers are left out.
fn marked_lines(text: &str) -> Vec<RangeInclusive<usize>> {
    text.split([' ', ','])
        .filter_map(|word| match word.split_once('-') {
            Some((a, b)) => Some(a.trim().parse().ok()?..=b.trim().parse().ok()?),
            None => {
                let n = word.trim().parse().ok()?;
                Some(n..=n)
            }
        })
        .collect()
}

/// The words after a fence's language: `key=value` or a flag (`true`).
pub fn attributes(info: &str) -> Map<String, Value> {
    let mut map = Map::new();
    let rest = info
        .trim()
        .split_once([',', ' ', '{'])
        .map_or("", |(_, rest)| rest);
    let rest = rest.trim().trim_start_matches('{').trim_end_matches('}');
    for word in rest.split(',').flat_map(words) {
        let word = word.trim();
        if word.is_empty() {
            continue;
        }
        match word.split_once('=') {
            Some((key, value)) => {
                let value = value.trim().trim_matches('"');
                map.insert(key.trim().to_string(), Value::from(value));
            }
            None => {
                map.insert(word.to_string(), Value::Bool(true));
            }
        }
    }
    map
}

/// `a=1 b="x y" c` → `a=1`, `b="x y"`, `c`; `hl_lines=1 3` keeps its
/// numbers together, as Zola writes it.
fn words(text: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let mut start = 0;
    let mut quoted = false;
    for (i, b) in text.bytes().enumerate() {
        match b {
            b'"' => quoted = !quoted,
            b' ' if !quoted => {
                let next_is_key = text[i + 1..].split([' ', '=']).next().is_some_and(|w| {
                    !w.is_empty() && !w.bytes().all(|c| c.is_ascii_digit() || c == b'-')
                });
                if next_is_key {
                    found.push(&text[start..i]);
                    start = i + 1;
                }
            }
            _ => {}
        }
    }
    found.push(&text[start..]);
    found
}

/// A `<pre …><code …>…</code></pre>` block with each line wrapped in
/// `<span class="line">` (`line hl` where marked, with `data-line` where
/// numbered). Spans the highlighter left open across a line end are closed
/// before it and opened again after, so each line stands alone.
pub fn decorate(block: &str, options: &LineOptions) -> String {
    let (Some(open_end), Some(close)) = (
        block
            .find("<code")
            .and_then(|at| block[at..].find('>').map(|e| at + e + 1)),
        block.rfind("</code>"),
    ) else {
        return block.to_string();
    };
    let head = if options.numbers {
        block[..open_end].replacen("class=\"hl-code\"", "class=\"hl-code linenos\"", 1)
    } else {
        block[..open_end].to_string()
    };
    let inner = &block[open_end..close];
    let mut out = String::with_capacity(block.len() + inner.len() / 2);
    out.push_str(&head);
    let mut open: Vec<&str> = Vec::new();
    let mut lines: Vec<&str> = inner.split('\n').collect();
    // What follows the last line end is the highlighter closing its spans
    // (or nothing): each line closes its own below.
    if lines
        .last()
        .is_some_and(|tail| crate::escape::html_text(tail).is_empty())
    {
        lines.pop();
    }
    for (i, line) in lines.into_iter().enumerate() {
        let shown = options.start + i;
        out.push_str("<span class=\"line");
        if options.is_marked(i + 1) {
            out.push_str(" hl");
        }
        out.push('"');
        if options.numbers {
            out.push_str(&format!(" data-line=\"{shown}\""));
        }
        out.push('>');
        for tag in &open {
            out.push_str(tag);
        }
        out.push_str(line);
        track_spans(line, &mut open);
        for _ in &open {
            out.push_str("</span>");
        }
        out.push_str("</span>\n");
    }
    out.push_str(&block[close..]);
    out
}

/// Follows the `<span …>` opened and closed in one line of highlighted HTML.
fn track_spans<'a>(line: &'a str, open: &mut Vec<&'a str>) {
    let mut rest = line;
    while let Some(at) = rest.find('<') {
        let tail = &rest[at..];
        let Some(end) = tail.find('>') else { break };
        let tag = &tail[..=end];
        if tag.starts_with("</span") {
            open.pop();
        } else if tag.starts_with("<span") {
            open.push(tag);
        }
        rest = &tail[end + 1..];
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn attributes_in_zola_and_hugo_spelling() {
        let zola = attributes("rust,linenos,hl_lines=1 3-5");
        assert_eq!(zola.get("linenos"), Some(&json!(true)));
        assert_eq!(zola.get("hl_lines"), Some(&json!("1 3-5")));
        let hugo = attributes("go {linenos=table hl_lines=\"2 4\" title=main.go}");
        assert_eq!(hugo.get("linenos"), Some(&json!("table")));
        assert_eq!(hugo.get("hl_lines"), Some(&json!("2 4")));
        assert_eq!(hugo.get("title"), Some(&json!("main.go")));
        assert!(attributes("python").is_empty());
    }

    #[test]
    fn title_in_zola_and_hugo_spelling() {
        assert_eq!(title("rust,name=mod.rs").as_deref(), Some("mod.rs"));
        assert_eq!(
            title("go {linenos=table title=\"cmd/main.go\"}").as_deref(),
            Some("cmd/main.go")
        );
        assert_eq!(title("rust,linenos"), None);
        assert_eq!(title("rust,name="), None);
        let block = with_title("<pre><code>x</code></pre>\n", "a<b>.rs");
        assert_eq!(
            block,
            "<figure class=\"code-block\"><figcaption class=\"code-title\">a&lt;b&gt;.rs</figcaption>\n<pre><code>x</code></pre>\n</figure>\n"
        );
    }

    #[test]
    fn line_options_from_the_fence() {
        assert_eq!(LineOptions::from_info("rust"), None);
        let o = LineOptions::from_info("rust,linenos,hl_lines=1 3-5,linenostart=10").unwrap();
        assert!(o.numbers);
        assert_eq!(o.start, 10);
        assert_eq!(o.marked, vec![1..=1, 3..=5]);
        assert!(!LineOptions::from_info("rs,hl_lines=2").unwrap().numbers);
    }

    #[test]
    fn spans_across_lines_are_closed_and_reopened() {
        let block = concat!(
            "<pre class=\"hl-code\" data-lang=\"c\"><code class=\"language-c\">",
            "<span class=\"s\"><span class=\"c\">/* a\nb */</span> x;\n</span>",
            "</code></pre>\n"
        );
        let options = LineOptions {
            numbers: true,
            start: 1,
            marked: vec![2..=2],
        };
        assert_eq!(
            decorate(block, &options),
            concat!(
                "<pre class=\"hl-code linenos\" data-lang=\"c\"><code class=\"language-c\">",
                "<span class=\"line\" data-line=\"1\"><span class=\"s\"><span class=\"c\">/* a</span></span></span>\n",
                "<span class=\"line hl\" data-line=\"2\"><span class=\"s\"><span class=\"c\">b */</span> x;</span></span>\n",
                "</code></pre>\n"
            )
        );
    }
}
