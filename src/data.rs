//! Data files: `data/**/*.{toml,yaml,yml,json,csv}` read once per load and
//! shown to every template and shortcode as `data`, by path
//! (`data/team.toml` is `data.team`, `data/a/b.json` is `data.a.b`), as
//! Hugo's `.Site.Data` and Jekyll's `site.data` are. A file that does not
//! parse is an error naming it and its line.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};
use walkdir::WalkDir;

use crate::error::{BuildError, Diagnostic, line_of_offset, read_text};
use crate::layout::{DATA, is_ignored_source};

/// Extensions read as data, each with its parser.
pub const FORMATS: &[&str] = &["toml", "yaml", "yml", "json", "csv"];

/// Every data file of a site, as one tree.
#[derive(Debug, Clone)]
pub struct DataFiles {
    /// `data` as templates see it: a map, empty when the site has no `data/`.
    pub value: tera::Value,
    /// Hash of every file's name and text: what read `data` is rendered
    /// again only when this changes.
    pub digest: u64,
}

impl Default for DataFiles {
    fn default() -> Self {
        DataFiles {
            value: tera::Value::from_serializable(&Map::new()),
            digest: 0,
        }
    }
}

/// Reads `root/data/`; all of its errors at once.
pub fn load(root: &Path) -> Result<DataFiles, BuildError> {
    let dir = root.join(DATA);
    if !dir.is_dir() {
        return Ok(DataFiles::default());
    }
    let mut texts: BTreeMap<String, (PathBuf, String)> = BTreeMap::new();
    let mut errors = Vec::new();
    let walker = WalkDir::new(&dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored_source(&e.file_name().to_string_lossy()));
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                errors.push(Diagnostic::new(DATA, None, e.to_string()));
                continue;
            }
        };
        let rel = entry.path().strip_prefix(&dir).unwrap_or(entry.path());
        let ext = rel.extension().and_then(|e| e.to_str()).unwrap_or("");
        if !entry.file_type().is_file() || !FORMATS.contains(&ext) {
            continue;
        }
        let rel = rel.to_string_lossy().replace('\\', "/");
        let shown = Path::new(DATA).join(&rel);
        match read_text(entry.path(), &shown) {
            Ok(text) => {
                texts.insert(rel, (shown, text));
            }
            Err(d) => errors.push(d),
        }
    }
    let mut tree = Map::new();
    for (rel, (shown, text)) in &texts {
        match parse(rel, text, shown) {
            Ok(value) => {
                if let Err(d) = place(&mut tree, rel, value, shown) {
                    errors.push(d);
                }
            }
            Err(d) => errors.push(d),
        }
    }
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let named: Vec<(&String, &String)> = texts.iter().map(|(r, (_, t))| (r, t)).collect();
    Ok(DataFiles {
        value: tera::Value::from_serializable(&Value::Object(tree)),
        digest: crate::hash::of(&named),
    })
}

/// One file's text as a value, by its extension.
fn parse(rel: &str, text: &str, shown: &Path) -> Result<Value, Diagnostic> {
    parse_as(rel.rsplit('.').next().unwrap_or(""), text, shown)
}

/// Text in `format` (one of [`FORMATS`]; anything else is read as CSV)
/// as a value: what `data` holds of a file, and what `load_data` gives.
pub fn parse_as(format: &str, text: &str, shown: &Path) -> Result<Value, Diagnostic> {
    let ext = format;
    let error = |line: Option<usize>, message: String| {
        Diagnostic::new(shown, line, format!("invalid {ext} data: {message}"))
    };
    match ext {
        "toml" => text
            .parse::<toml::Table>()
            .map(|t| toml_to_json(toml::Value::Table(t)))
            .map_err(|e| {
                let line = e.span().map(|s| line_of_offset(text, s.start));
                error(line, e.message().to_string())
            }),
        "yaml" | "yml" => crate::content::front_matter::yaml_to_json(text)
            .map_err(|(line, message)| error(line, message)),
        "json" => serde_json::from_str(text).map_err(|e| error(Some(e.line()), e.to_string())),
        _ => csv_value(text).map_err(|(line, message)| error(line, message)),
    }
}

/// A CSV file as Zola's `load_data` gives it: `{headers, records}`, every
/// cell a string.
fn csv_value(text: &str) -> Result<Value, (Option<usize>, String)> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(text.as_bytes());
    let line_of = |e: &csv::Error| e.position().map(|p| p.line() as usize);
    let headers: Vec<Value> = reader
        .headers()
        .map_err(|e| (line_of(&e), e.to_string()))?
        .iter()
        .map(Value::from)
        .collect();
    let mut records = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| (line_of(&e), e.to_string()))?;
        records.push(Value::Array(record.iter().map(Value::from).collect()));
    }
    let mut map = Map::new();
    map.insert("headers".into(), Value::Array(headers));
    map.insert("records".into(), Value::Array(records));
    Ok(Value::Object(map))
}

/// TOML to JSON values; a date or time becomes its text, as front matter's do.
fn toml_to_json(value: toml::Value) -> Value {
    match value {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => Value::from(i),
        toml::Value::Float(f) => serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(items) => Value::Array(items.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => {
            Value::Object(t.into_iter().map(|(k, v)| (k, toml_to_json(v))).collect())
        }
    }
}

/// Puts a file's value at its path in the tree (`a/b.json` at `a.b`).
fn place(
    tree: &mut Map<String, Value>,
    rel: &str,
    value: Value,
    shown: &Path,
) -> Result<(), Diagnostic> {
    let stem = rel.rsplit_once('.').map_or(rel, |(s, _)| s);
    let mut parts: Vec<&str> = stem.split('/').collect();
    let last = parts.pop().unwrap_or(stem);
    let mut node = tree;
    let clash = |what: String| Diagnostic::new(shown, None, what);
    for (depth, part) in parts.iter().enumerate() {
        let entry = node
            .entry(part.to_string())
            .or_insert_with(|| Value::Object(Map::new()));
        node = match entry {
            Value::Object(map) => map,
            _ => {
                return Err(clash(format!(
                    "data.{} is both a file and the folder {DATA}/{}",
                    parts[..=depth].join("."),
                    parts[..=depth].join("/")
                )));
            }
        };
    }
    if node.contains_key(last) {
        let key = stem.replace('/', ".");
        return Err(clash(format!(
            "data.{key} is given twice: by this file and by another file or folder of the same name"
        )));
    }
    node.insert(last.to_string(), value);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn tree(files: &[(&str, &str)]) -> Result<Value, Vec<Diagnostic>> {
        let mut map = Map::new();
        let mut errors = Vec::new();
        for (rel, text) in files {
            let shown = Path::new(DATA).join(rel);
            match parse(rel, text, &shown).and_then(|v| place(&mut map, rel, v, &shown)) {
                Ok(()) => {}
                Err(d) => errors.push(d),
            }
        }
        if errors.is_empty() {
            Ok(Value::Object(map))
        } else {
            Err(errors)
        }
    }

    #[test]
    fn every_format_lands_at_its_path() {
        let value = tree(&[
            (
                "team.toml",
                "[[people]]\nname = \"Ada\"\nsince = 2019-05-01\n",
            ),
            ("a/b.json", "{\"x\": [1, 2]}"),
            ("a/c.yaml", "k: v\nlist: [1, two]\n"),
            ("prices.csv", "item,price\ntea,3\n\"co,ffee\",4\n"),
        ])
        .unwrap();
        assert_eq!(value["team"]["people"][0]["name"], json!("Ada"));
        assert_eq!(value["team"]["people"][0]["since"], json!("2019-05-01"));
        assert_eq!(value["a"]["b"]["x"], json!([1, 2]));
        assert_eq!(value["a"]["c"]["list"], json!([1, "two"]));
        assert_eq!(value["prices"]["headers"], json!(["item", "price"]));
        assert_eq!(value["prices"]["records"][1], json!(["co,ffee", "4"]));
    }

    #[test]
    fn parse_errors_name_the_line() {
        let cases = [
            ("x.toml", "a = 1\nb = = 2\n", 2),
            ("x.json", "{\n\"a\": 1,\n}\n", 3),
            ("x.yaml", "a: 1\nb: [1,\n", 3),
            ("x.csv", "a,b\n1,2\n3\n", 3),
        ];
        for (rel, text, line) in cases {
            let errors = tree(&[(rel, text)]).expect_err(rel);
            assert_eq!(errors[0].line, Some(line), "{rel}: {:?}", errors[0]);
            assert!(errors[0].message.starts_with("invalid "), "{:?}", errors[0]);
        }
    }

    #[test]
    fn a_file_and_a_folder_of_one_name_clash() {
        let errors = tree(&[("a.json", "[1]"), ("a/b.json", "{}")]).unwrap_err();
        assert!(errors[0].message.contains("data.a is both"), "{errors:?}");
        // A file of keys and a folder of files share `data.a` while no key clashes.
        let merged = tree(&[("a.json", "{\"x\": 1}"), ("a/b.json", "{}")]).unwrap();
        assert_eq!(merged["a"], json!({"x": 1, "b": {}}));
        let errors = tree(&[("a.json", "{\"b\": 1}"), ("a/b.json", "{}")]).unwrap_err();
        assert!(
            errors[0].message.contains("data.a.b is given twice"),
            "{errors:?}"
        );
        let errors = tree(&[("a.json", "{}"), ("a.toml", "")]).unwrap_err();
        assert!(errors[0].message.contains("given twice"), "{errors:?}");
    }
}
