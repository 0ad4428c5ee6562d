//! Jekyll's YAML front matter: the block between a first line `---` and the
//! next `---` (or `...`) line, and typed reads of the keys the import maps.
//! Jekyll treats any file that starts with `---` as a page to render and
//! copies the rest as they are, so "has front matter" decides a file's fate.

use serde_json::{Map, Value};

use crate::content::front_matter::yaml_to_json;
use crate::error::numbered_lines;

/// A file split into its front matter and body.
#[derive(Debug, Clone)]
pub struct Split {
    pub data: Map<String, Value>,
    pub body: String,
    /// The file's line number of the body's first line.
    pub body_line: usize,
}

/// Splits `text`; `Err((line, message))` for a block that does not close or
/// is not a map of keys. Call only for a file that starts with `---`.
pub fn split(text: &str) -> Result<Split, (usize, String)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.split_inclusive('\n');
    let mut consumed = lines.next().map_or(0, str::len);
    let start = consumed;
    let mut end = None;
    for (i, line) in lines.enumerate() {
        let bare = line.trim_end();
        if bare == "---" || bare == "..." {
            end = Some((start..consumed, consumed + line.len(), i + 2));
            break;
        }
        consumed += line.len();
    }
    let Some((block, body_start, fence_line)) = end else {
        return Err((1, "front matter starts with --- but never ends".into()));
    };
    let data = match yaml_to_json(&text[block]) {
        Ok(Value::Object(map)) => map,
        Ok(Value::Null) => Map::new(),
        Ok(_) => return Err((2, "front matter is not a map of keys".into())),
        Err((line, message)) => {
            // The parser counts from the block's first line and may point
            // past its end (an unclosed list): the last key line then.
            let line = line.map_or(2, |l| (l + 1).min(fence_line - 1).max(2));
            return Err((line, format!("invalid YAML front matter: {message}")));
        }
    };
    Ok(Split {
        data,
        body: text[body_start..].to_string(),
        body_line: fence_line + 1,
    })
}

/// The 1-based line of `key:` at the top level of a file's front matter.
pub fn key_line(text: &str, key: &str) -> Option<usize> {
    numbered_lines(text, 1)
        .skip(1)
        .take_while(|(_, l)| l.trim_end() != "---")
        .find(|(_, l)| {
            l.strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with(':'))
        })
        .map(|(number, _)| number)
}

/// A scalar as text: strings, numbers, booleans.
pub fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A list the way Jekyll reads `tags` and `categories`: a YAML list, or a
/// string split at whitespace.
pub fn word_list(value: &Value) -> Vec<String> {
    match value {
        Value::Array(items) => items.iter().filter_map(scalar).collect(),
        Value::String(s) => s.split_whitespace().map(str::to_string).collect(),
        other => scalar(other).into_iter().collect(),
    }
}

/// `false`, and the YAML 1.1 spellings Ruby's parser also reads as false.
pub fn is_false(value: &Value) -> bool {
    match value {
        Value::Bool(b) => !b,
        Value::String(s) => matches!(
            s.to_ascii_lowercase().as_str(),
            "false" | "no" | "off" | "n"
        ),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_block_and_counts_body_lines() {
        let text = "---\ntitle: Hi\ntags: a b\n---\n\nBody\n";
        let s = split(text).unwrap();
        assert_eq!(s.data["title"], "Hi");
        assert_eq!(word_list(&s.data["tags"]), ["a", "b"]);
        assert_eq!((s.body.as_str(), s.body_line), ("\nBody\n", 5));
        assert_eq!(key_line(text, "tags"), Some(3));
        let empty = split("---\n---\nx").unwrap();
        assert!(empty.data.is_empty());
    }

    #[test]
    fn broken_blocks_name_a_line() {
        assert_eq!(split("---\ntitle: x\nbody").unwrap_err().0, 1);
        let (line, message) = split("---\ntitle: x\ndate: [1\n---\n").unwrap_err();
        assert_eq!(line, 3, "{message}");
        assert!(message.starts_with("invalid YAML"), "{message}");
    }

    #[test]
    fn yaml_11_falses() {
        assert!(is_false(&Value::Bool(false)));
        assert!(is_false(&Value::String("no".into())));
        assert!(!is_false(&Value::String("yes".into())));
    }
}
