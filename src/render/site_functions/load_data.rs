//! `load_data(path=…)`: a file of the site read as data, as Zola's
//! function reads it. The path is looked up as Zola looks it up: from the
//! site's root, then `static/`, then `content/` (`@/x` is `content/x`),
//! then the theme's `static/`; never outside the site. The text is parsed
//! by the data files' own parsers ([`crate::data::parse_as`]); each file
//! is parsed once per render however many outputs load it.
//!
//! For incremental renders, [`LoadPaths`] is what a template's text says it
//! loads: the files of quoted paths are hashed into its outputs'
//! signatures; a path computed while rendering cannot be known before, so
//! such a template's outputs are rendered on every build.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

use rustc_hash::FxHashMap;
use tera::Value;

use crate::layout::{CONTENT, STATIC};

/// Where `load_data` looks for files.
pub struct DataSources {
    root: PathBuf,
    theme_static: Option<PathBuf>,
    /// (file, format) → value, for one render.
    parsed: Mutex<FxHashMap<(PathBuf, String), Value>>,
}

/// The files a template's `load_data` calls name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LoadPaths {
    /// Paths written as quoted text.
    pub quoted: BTreeSet<String>,
    /// Whether some call's path is computed (`path=page.path ~ "x.csv"`).
    pub computed: bool,
}

impl LoadPaths {
    pub fn extend(&mut self, other: &LoadPaths) {
        self.quoted.extend(other.quoted.iter().cloned());
        self.computed |= other.computed;
    }
}

/// What the `load_data(…)` calls of `text` load.
pub fn paths_in(text: &str) -> LoadPaths {
    let mut found = LoadPaths::default();
    for (at, _) in text.match_indices("load_data") {
        let args = &text[at + "load_data".len()..];
        let args = args.split(')').next().unwrap_or(args);
        let Some(value) = argument(args, "path") else {
            continue;
        };
        match quoted(value) {
            Some(path) => {
                found.quoted.insert(path.to_string());
            }
            None => found.computed = true,
        }
    }
    found
}

/// The text after `name =` in a call's arguments.
pub(crate) fn argument<'a>(args: &'a str, name: &str) -> Option<&'a str> {
    args.match_indices(name).find_map(|(at, _)| {
        let before = args[..at].chars().next_back();
        if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
            return None;
        }
        args[at + name.len()..].trim_start().strip_prefix('=')
    })
}

/// A quoted string that is the whole argument (not `"a" ~ b`).
pub(crate) fn quoted(value: &str) -> Option<&str> {
    let value = value.trim_start();
    let quote = value
        .chars()
        .next()
        .filter(|c| matches!(c, '"' | '\'' | '`'))?;
    let end = value[1..].find(quote)?;
    let rest = value[1 + end + 1..].trim_start();
    (rest.is_empty() || rest.starts_with(',')).then(|| &value[1..1 + end])
}

impl DataSources {
    pub fn new(root: &Path, theme_static: Option<PathBuf>) -> DataSources {
        DataSources {
            root: root.to_path_buf(),
            theme_static,
            parsed: Mutex::default(),
        }
    }

    /// Forgets what was parsed: files may have changed since.
    pub fn begin_render(&self) {
        if let Ok(mut parsed) = self.parsed.lock() {
            parsed.clear();
        }
    }

    /// Hash of the files `paths` name, as they are now.
    pub fn digest(&self, paths: &BTreeSet<String>) -> u64 {
        let files: Vec<(&str, Option<u64>)> = paths
            .iter()
            .map(|p| {
                let bytes = self
                    .find(p)
                    .ok()
                    .flatten()
                    .and_then(|f| std::fs::read(f).ok());
                (p.as_str(), bytes.map(|b| crate::hash::content(&b)))
            })
            .collect();
        crate::hash::of(&files)
    }

    /// The file `path` names: `Ok(None)` when there is none.
    fn find(&self, path: &str) -> Result<Option<PathBuf>, String> {
        let path = match path.strip_prefix("@/") {
            Some(rest) => format!("{CONTENT}/{rest}"),
            None => path.trim_start_matches('/').to_string(),
        };
        let inside = Path::new(&path)
            .components()
            .all(|c| matches!(c, Component::Normal(_) | Component::CurDir));
        if !inside || path.is_empty() {
            return Err(format!("\"{path}\" is not a path inside the site"));
        }
        let mut places = vec![
            self.root.clone(),
            self.root.join(STATIC),
            self.root.join(CONTENT),
        ];
        places.extend(self.theme_static.clone());
        Ok(places
            .into_iter()
            .map(|dir| dir.join(&path))
            .find(|f| f.is_file()))
    }

    /// The value of the file `path` in `format` (by default its extension);
    /// `Value::none()` for a missing file when not `required`.
    pub fn load(&self, path: &str, format: Option<&str>, required: bool) -> Result<Value, String> {
        let Some(file) = self.find(path)? else {
            if required {
                return Err(format!(
                    "load_data: no file \"{path}\" in the site, its static/ or content/ \
                     folders or the theme's static/ (pass required=false to get nothing instead)"
                ));
            }
            return Ok(Value::none());
        };
        let format = match format {
            Some(f) => f.to_string(),
            None => file
                .extension()
                .map_or(String::new(), |e| e.to_string_lossy().to_lowercase()),
        };
        let key = (file.clone(), format.clone());
        if let Some(value) = self.parsed.lock().ok().and_then(|p| p.get(&key).cloned()) {
            return Ok(value);
        }
        let text = std::fs::read_to_string(&file)
            .map_err(|e| format!("load_data: cannot read \"{path}\" as UTF-8 text: {e}"))?;
        let shown = file.strip_prefix(&self.root).unwrap_or(&file);
        let value = parse(&format, &text, shown)?;
        if let Ok(mut parsed) = self.parsed.lock() {
            parsed.insert(key, value.clone());
        }
        Ok(value)
    }
}

/// `text` in `format`: a data format, or `plain` (and any other extension) as text.
pub fn parse(format: &str, text: &str, shown: &Path) -> Result<Value, String> {
    match format {
        "toml" | "json" | "yaml" | "yml" | "csv" => crate::data::parse_as(format, text, shown)
            .map(|v| Value::from_serializable(&v))
            .map_err(|d| match d.line {
                Some(line) => format!("load_data: {}:{line}: {}", d.path.display(), d.message),
                None => format!("load_data: {}: {}", d.path.display(), d.message),
            }),
        "xml" | "bibtex" => Err(format!(
            "load_data: ssg reads no {format} data; convert {} to toml, json, yaml or csv, \
             or pass format=\"plain\" for its text",
            shown.display()
        )),
        _ => Ok(Value::from(text)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_paths_are_known_and_computed_ones_are_not() {
        let found = paths_in(
            "{% set a = load_data(path=\"data/a.toml\") %}{% set b = load_data( path = 'x.csv', format=\"csv\") %}",
        );
        assert_eq!(
            found.quoted,
            BTreeSet::from(["data/a.toml".to_string(), "x.csv".to_string()])
        );
        assert!(!found.computed);
        assert!(paths_in("{{ load_data(path=page.path ~ \"d.json\") }}").computed);
        assert!(paths_in("{{ load_data(path=\"a\" ~ b) }}").computed);
        assert_eq!(
            paths_in("{{ load_data(literal=\"{}\", format=\"json\") }}"),
            LoadPaths::default()
        );
    }

    #[test]
    fn paths_are_looked_up_as_zola_does_and_never_outside_the_site() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for (rel, text) in [
            ("data/a.toml", "x = 1"),
            ("static/b.json", "{\"y\": 2}"),
            ("content/blog/c.csv", "h\n3\n"),
            ("content/blog/notes.txt", "plain"),
        ] {
            std::fs::create_dir_all(root.join(rel).parent().unwrap()).unwrap();
            std::fs::write(root.join(rel), text).unwrap();
        }
        let sources = DataSources::new(root, None);
        let load = |p: &str| sources.load(p, None, true);
        assert_eq!(
            load("data/a.toml").unwrap().get_from_path("x"),
            Some(&Value::from(1))
        );
        assert!(load("b.json").unwrap().get_from_path("y").is_some());
        assert!(
            load("@/blog/c.csv")
                .unwrap()
                .get_from_path("records")
                .is_some()
        );
        assert!(
            load("blog/c.csv")
                .unwrap()
                .get_from_path("headers")
                .is_some()
        );
        assert_eq!(
            load("content/blog/notes.txt").unwrap(),
            Value::from("plain")
        );
        assert_eq!(
            sources.load("data/a.toml", Some("plain"), true).unwrap(),
            Value::from("x = 1")
        );
        assert!(
            load("../outside.toml")
                .unwrap_err()
                .contains("not a path inside")
        );
        assert!(load("data/missing.toml").unwrap_err().contains("no file"));
        assert_eq!(
            sources.load("data/missing.toml", None, false).unwrap(),
            Value::none()
        );
    }
}
