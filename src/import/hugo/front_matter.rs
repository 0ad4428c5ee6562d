//! Hugo front matter in its three syntaxes — YAML (`---`), TOML (`+++`)
//! and JSON (an object opening the file) — split off the body and read into
//! one map whose keys are lower-cased (Hugo's keys are case-insensitive).

use gray_matter::engine::{Engine, TOML, YAML};
use serde_json::{Map, Value};

use crate::error::line_where;

/// A content file split into its front matter and body.
#[derive(Debug)]
pub struct Split {
    /// Lower-cased keys; nested maps keep their keys as written.
    pub map: Map<String, Value>,
    /// The lines of the front matter block, to find where a key was written.
    pub block: String,
    /// The file line the block's first line is on.
    pub block_line: usize,
    pub body: String,
    /// Lines of the file before `body`.
    pub body_line_offset: usize,
}

impl Split {
    /// The file line `key` was written on, if it can be found.
    pub fn line_of(&self, key: &str) -> Option<usize> {
        line_where(&self.block, self.block_line, |line| {
            key_in(line, key).is_some()
        })
    }

    /// `key` as the author wrote it (`publishDate` for `publishdate`).
    pub fn written(&self, key: &str) -> String {
        self.block
            .lines()
            .find_map(|line| key_in(line, key))
            .unwrap_or(key)
            .to_string()
    }

    /// The value of `key` (lower-case), if set and not null.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }
}

/// The key `line` sets when it is `key` in any case (`key: …`, `key = …`,
/// `"key": …`), as written.
fn key_in<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    let line = line.trim_start().trim_start_matches('"');
    let head = line.get(..key.len())?;
    let rest = line[key.len()..].trim_start_matches('"').trim_start();
    (head.eq_ignore_ascii_case(key) && rest.starts_with([':', '='])).then_some(head)
}

/// A front matter block that cannot be read: the file line and why.
#[derive(Debug, PartialEq, Eq)]
pub struct Broken {
    pub line: usize,
    pub message: String,
}

/// Splits `text` into front matter and body. A file with no front matter
/// is all body.
pub fn split(text: &str) -> Result<Split, Broken> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first = text.lines().next().unwrap_or("").trim_end();
    match first {
        "---" => fenced(text, "---", parse_yaml),
        "+++" => fenced(text, "+++", parse_toml),
        _ if text.starts_with('{') => json(text),
        _ => Ok(Split {
            map: Map::new(),
            block: String::new(),
            block_line: 1,
            body: text.to_string(),
            body_line_offset: 0,
        }),
    }
}

fn fenced(
    text: &str,
    fence: &str,
    parse: fn(&str) -> Result<Value, String>,
) -> Result<Split, Broken> {
    let mut offset = 0;
    let mut start = 0;
    for (index, line) in text.split_inclusive('\n').enumerate() {
        let end = offset + line.len();
        if index == 0 {
            start = end;
        } else if line.trim_end() == fence {
            let block = &text[start..offset];
            let map = as_map(parse(block).map_err(|message| Broken {
                line: error_line(&message).map_or(2, |l| l + 1),
                message,
            })?)?;
            return Ok(Split {
                map,
                block: block.to_string(),
                block_line: 2,
                body: text[end..].to_string(),
                body_line_offset: index + 1,
            });
        }
        offset = end;
    }
    Err(Broken {
        line: 1,
        message: format!("front matter opened with `{fence}` is never closed"),
    })
}

fn json(text: &str) -> Result<Split, Broken> {
    let mut values = serde_json::Deserializer::from_str(text).into_iter::<Value>();
    match values.next() {
        Some(Ok(value)) => {
            let end = values.byte_offset();
            let map = as_map(value)?;
            let rest = &text[end..];
            // The rest of the closing brace's line belongs to the block.
            let body_start = rest.find('\n').map_or(rest.len(), |n| n + 1);
            let block = &text[..end];
            Ok(Split {
                map,
                block: block.to_string(),
                block_line: 1,
                body: rest[body_start..].to_string(),
                body_line_offset: block.lines().count(),
            })
        }
        Some(Err(e)) => Err(Broken {
            line: e.line(),
            message: format!("invalid JSON front matter: {e}"),
        }),
        None => Err(Broken {
            line: 1,
            message: "empty JSON front matter".into(),
        }),
    }
}

fn parse_yaml(block: &str) -> Result<Value, String> {
    let pod = YAML::parse(block).map_err(|e| {
        format!(
            "invalid YAML front matter: {}",
            first_sentence(&e.to_string())
        )
    })?;
    pod.deserialize::<Value>().map_err(|e| e.to_string())
}

fn parse_toml(block: &str) -> Result<Value, String> {
    let pod = TOML::parse(block).map_err(|e| {
        format!(
            "invalid TOML front matter: {}",
            first_sentence(&e.to_string())
        )
    })?;
    pod.deserialize::<Value>().map_err(|e| e.to_string())
}

/// Parser messages carry excerpts and block-relative positions; one
/// sentence reads better after `file:line:`.
fn first_sentence(message: &str) -> String {
    let line = message
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with("TOML parse error") && !l.starts_with('|'))
        .unwrap_or("")
        .trim_start_matches("Deserialize error:")
        .trim();
    line.split(" at byte ").next().unwrap_or(line).to_string()
}

/// The block-relative line a parser message names ("… line 3 column 5").
fn error_line(message: &str) -> Option<usize> {
    let at = message.find("line ")?;
    let digits: String = message[at + 5..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

fn as_map(value: Value) -> Result<Map<String, Value>, Broken> {
    match value {
        Value::Object(map) => Ok(map
            .into_iter()
            .map(|(k, v)| (k.to_lowercase(), v))
            .collect()),
        Value::Null => Ok(Map::new()),
        _ => Err(Broken {
            line: 1,
            message: "front matter must be a map of keys".into(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_syntaxes_with_lower_cased_keys() {
        let y = split("---\ntitle: A\npublishDate: 2019-01-01\n---\nBody\n").unwrap();
        assert_eq!(y.map["publishdate"], "2019-01-01");
        assert_eq!((y.body.as_str(), y.body_line_offset), ("Body\n", 4));
        assert_eq!(y.line_of("publishdate"), Some(3));
        assert_eq!(y.written("publishdate"), "publishDate");
        assert_eq!(y.line_of("é"), None);
        let t = split("+++\ntitle = \"B\"\ndate = 2016-05-04T12:00:00Z\n+++\n\nBody").unwrap();
        assert_eq!(t.map["date"], "2016-05-04T12:00:00Z");
        let j = split("{\n  \"Title\": \"C\",\n  \"tags\": [\"x\"]\n}\n\nBody\n").unwrap();
        assert_eq!(j.map["title"], "C");
        assert_eq!((j.body.as_str(), j.body_line_offset), ("\nBody\n", 4));
        assert_eq!(j.line_of("tags"), Some(3));
        let none = split("Just text\n").unwrap();
        assert!(none.map.is_empty());
    }

    #[test]
    fn broken_blocks_name_their_line() {
        let open = split("---\ntitle: x\n").unwrap_err();
        assert_eq!(open.line, 1);
        let bad = split("---\ntitle: x\ntags: [a\nother: 1\n---\n").unwrap_err();
        assert!(bad.message.starts_with("invalid YAML"), "{}", bad.message);
        assert!(bad.line >= 2, "{}", bad.line);
        let json = split("{\n \"title\": \"x\",\n}\n").unwrap_err();
        assert_eq!(json.line, 3);
    }
}
