//! Hugo's site config — `hugo.toml|yaml|json`, the older `config.*`, or a
//! `config/_default/` folder of files — read into one map and mapped onto
//! `ssg.toml`, with everything that has no ssg equivalent reported.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use gray_matter::engine::{Engine, TOML, YAML};
use serde_json::{Map, Value};

use super::urls::UrlRules;
use crate::config::Config;
use crate::error::line_where;
use crate::import::Report;
use crate::import::plan::without_nulls;

/// Config file names Hugo reads at the site root, in its order.
pub const ROOT_FILES: &[&str] = &[
    "hugo.toml",
    "hugo.yaml",
    "hugo.yml",
    "hugo.json",
    "config.toml",
    "config.yaml",
    "config.yml",
    "config.json",
];

/// The config folder Hugo merges when it exists.
pub const CONFIG_DIR: &str = "config/_default";

/// What the rest of the import needs from Hugo's config.
#[derive(Debug, Clone)]
pub struct HugoConfig {
    /// The file findings about the config point at.
    pub file: PathBuf,
    /// Its text, to find the line of a key.
    pub text: String,
    pub rules: UrlRules,
    /// Top-level section → `[permalinks]` pattern for its pages.
    pub permalinks: BTreeMap<String, String>,
    /// `[frontmatter] date`, lower-cased, `:default` expanded.
    pub date_sources: Vec<String>,
    /// Plural taxonomy names (`tags`, `categories`, …).
    pub taxonomies: Vec<String>,
    pub content_dir: String,
    pub static_dirs: Vec<String>,
    /// Hugo's pager size (its default is 10).
    pub pager_size: usize,
    /// Menu entries of the `main` menu as `(weight, name, url or pageRef, is_page_ref)`.
    pub menu: Vec<MenuEntry>,
    /// Languages other than the default one (`languages` keys): their
    /// translations (`post.fr.md`) are not imported.
    pub other_languages: Vec<String>,
    /// `sectionPagesMenu = "main"`: every top-level section is in the menu.
    pub section_pages_menu: bool,
    pub ssg: Config,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct MenuEntry {
    pub weight: i64,
    pub name: String,
    /// A URL, or a content path when `page_ref`.
    pub target: String,
    pub page_ref: bool,
}

impl HugoConfig {
    /// The file line `key` is written on (its last dotted part), if found.
    pub fn line_of(&self, key: &str) -> Option<usize> {
        let last = key.rsplit('.').next().unwrap_or(key);
        line_where(&self.text, 1, |line| writes_key(line, last))
    }

    pub fn note(&self, report: &mut Report, key: &str, message: impl Into<String>, action: &str) {
        report.note(&self.file, self.line_of(key), message, action);
    }
}

/// `key = …`, `key: …`, `[key]` or `[key.sub]`, in any case.
fn writes_key(line: &str, key: &str) -> bool {
    let line = line.trim_start().trim_start_matches(['"', '[']);
    let Some(head) = line.get(..key.len()) else {
        return false;
    };
    let rest = line[key.len()..]
        .trim_start_matches(['"', ']'])
        .trim_start();
    head.eq_ignore_ascii_case(key) && (rest.is_empty() || rest.starts_with([':', '=', '.']))
}

/// True when `src` has a Hugo config: a `hugo.*` file or
/// `config/_default/`, or a `config.*` that is not Zola's (Zola's
/// `config.toml` must set `base_url`, Hugo's says `baseURL`).
pub fn exists(src: &Path) -> bool {
    if src.join(CONFIG_DIR).is_dir() || ROOT_FILES[..4].iter().any(|f| src.join(f).is_file()) {
        return true;
    }
    ROOT_FILES[4..]
        .iter()
        .any(|f| match std::fs::read_to_string(src.join(f)) {
            Ok(text) => !text.lines().any(|l| l.trim_start().starts_with("base_url")),
            Err(_) => false,
        })
}

/// Reads and maps the config. A config that cannot be read is reported and
/// the defaults are used, so the content is still imported.
pub fn load(src: &Path, report: &mut Report) -> HugoConfig {
    let (file, text, root) = match read_tree(src) {
        Ok(found) => found,
        Err((file, line, message)) => {
            report.note(
                &file,
                line,
                message,
                "fix the config and import again; Hugo's defaults were used",
            );
            (file, String::new(), Map::new())
        }
    };
    HugoConfig::from_map(file, text, &root, report)
}

impl HugoConfig {
    /// Hugo's defaults, then the keys of `root` (lower-cased) mapped.
    pub fn from_map(
        file: PathBuf,
        text: String,
        root: &Map<String, Value>,
        report: &mut Report,
    ) -> HugoConfig {
        let mut hugo = HugoConfig {
            file,
            text,
            rules: UrlRules::default(),
            permalinks: BTreeMap::new(),
            date_sources: default_date_sources(),
            taxonomies: vec!["tags".into(), "categories".into()],
            content_dir: "content".into(),
            static_dirs: vec!["static".into()],
            pager_size: 10,
            menu: Vec::new(),
            other_languages: Vec::new(),
            section_pages_menu: false,
            ssg: default_ssg_config(),
        };
        super::config_map::apply(&mut hugo, root, report);
        hugo
    }

    /// A config file's text, as Hugo reads it for its extension.
    pub fn parse(text: &str, file: &Path) -> HugoConfig {
        let ext = file
            .extension()
            .map(|e| e.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        let root = match parse_text(text, &ext) {
            Ok(Value::Object(map)) => map,
            _ => Map::new(),
        };
        HugoConfig::from_map(
            file.to_path_buf(),
            text.to_string(),
            &root,
            &mut Report::default(),
        )
    }
}

/// ssg's defaults with the default theme; `author` stays empty (ssg then
/// names the site title in feeds) unless Hugo's config has one.
fn default_ssg_config() -> Config {
    // Every field of Config has a default: an empty ssg.toml always parses.
    let mut config: Config = toml::from_str("").expect("an empty ssg.toml parses");
    config.theme = Some("default".into());
    config
}

/// Hugo's default `[frontmatter] date` sources.
pub fn default_date_sources() -> Vec<String> {
    [
        "date",
        "publishdate",
        "pubdate",
        "published",
        "lastmod",
        "modified",
    ]
    .map(String::from)
    .to_vec()
}

type ReadError = (PathBuf, Option<usize>, String);

/// The merged config map with lower-cased keys, and the main file.
fn read_tree(src: &Path) -> Result<(PathBuf, String, Map<String, Value>), ReadError> {
    let dir = src.join(CONFIG_DIR);
    let root_file = ROOT_FILES.iter().find(|f| src.join(f).is_file());
    let mut merged = Map::new();
    let mut main: Option<(PathBuf, String)> = None;
    if let Some(name) = root_file {
        let (text, map) = read_file(src, Path::new(name))?;
        merged = map;
        main = Some((PathBuf::from(name), text));
    }
    if dir.is_dir() {
        let mut names: Vec<PathBuf> = std::fs::read_dir(&dir)
            .map_err(|e| (PathBuf::from(CONFIG_DIR), None, format!("cannot read: {e}")))?
            .filter_map(Result::ok)
            .map(|e| Path::new(CONFIG_DIR).join(e.file_name()))
            .collect();
        names.sort();
        for rel in names {
            let stem = rel
                .file_stem()
                .map(|s| s.to_string_lossy().to_lowercase())
                .unwrap_or_default();
            let Ok((text, map)) = read_file(src, &rel) else {
                continue;
            };
            if stem == "hugo" || stem == "config" {
                merged.extend(map);
                main = Some((rel, text));
            } else {
                // `params.toml` holds the `params` key, `menus.en.toml` the `menus` key.
                let key = stem.split('.').next().unwrap_or(&stem).to_string();
                merged.insert(key, Value::Object(map));
            }
        }
    }
    let (file, text) = main.ok_or_else(|| {
        (
            PathBuf::from("hugo.toml"),
            None,
            "no Hugo config (hugo.toml, config.toml or config/_default/)".to_string(),
        )
    })?;
    Ok((file, text, merged))
}

fn read_file(src: &Path, rel: &Path) -> Result<(String, Map<String, Value>), ReadError> {
    let text = std::fs::read_to_string(src.join(rel))
        .map_err(|e| (rel.to_path_buf(), None, format!("cannot read: {e}")))?;
    let ext = rel
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    match parse_text(&text, &ext) {
        Ok(Value::Object(map)) => Ok((text, map)),
        Ok(_) => Ok((text, Map::new())),
        Err(message) => Err((
            rel.to_path_buf(),
            line_in(&message),
            format!("invalid config: {}", message.lines().next().unwrap_or("")),
        )),
    }
}

/// TOML, YAML or JSON text → a map with lower-cased keys (any other
/// extension: an empty map).
fn parse_text(text: &str, ext: &str) -> Result<Value, String> {
    let parsed: Result<Value, String> = match ext {
        "toml" => TOML::parse(text)
            .map_err(|e| e.to_string())
            .and_then(|p| p.deserialize().map_err(|e| e.to_string())),
        "yaml" | "yml" => YAML::parse(text)
            .map_err(|e| e.to_string())
            .and_then(|p| p.deserialize().map_err(|e| e.to_string())),
        "json" => serde_json::from_str(text).map_err(|e| e.to_string()),
        _ => Ok(Value::Object(Map::new())),
    };
    parsed.map(lower_keys)
}

fn line_in(message: &str) -> Option<usize> {
    let at = message.find("line ")?;
    message[at + 5..]
        .split(|c: char| !c.is_ascii_digit())
        .next()?
        .parse()
        .ok()
}

/// Hugo's config keys are case-insensitive: every key lower-cased.
fn lower_keys(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (k.to_lowercase(), lower_keys(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(lower_keys).collect()),
        other => other,
    }
}

/// `a.b.c` in a nested map.
pub fn lookup<'a>(root: &'a Map<String, Value>, dotted: &str) -> Option<&'a Value> {
    let mut parts = dotted.split('.');
    let mut value = root.get(parts.next()?)?;
    for part in parts {
        value = value.as_object()?.get(part)?;
    }
    (!value.is_null()).then_some(value)
}

/// A JSON map as a TOML table for `[extra]`.
pub fn to_table(map: Map<String, Value>) -> toml::Table {
    toml::Table::try_from(Value::Object(without_nulls(map))).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_three_syntaxes_map_alike() {
        let toml = "baseURL = 'https://x.org/blog/'\ntitle = 'T'\n[params]\ndescription = 'D'\n[pagination]\npagerSize = 4\n";
        let yaml =
            "baseurl: https://x.org/blog/\ntitle: T\nparams:\n  description: D\npaginate: 4\n";
        let json = r#"{"baseURL": "https://x.org/blog/", "Title": "T", "params": {"Description": "D"}, "pagination": {"pagerSize": 4}}"#;
        for (text, file) in [
            (toml, "hugo.toml"),
            (yaml, "hugo.yaml"),
            (json, "config.json"),
        ] {
            let c = HugoConfig::parse(text, Path::new(file));
            assert_eq!(c.ssg.base_url, "https://x.org/blog", "{file}");
            assert_eq!(
                (c.ssg.title.as_str(), c.ssg.description.as_str()),
                ("T", "D"),
                "{file}"
            );
            assert_eq!(c.ssg.build.paginate_by, 4, "{file}");
            assert_eq!(c.ssg.theme.as_deref(), Some("default"));
        }
    }

    #[test]
    fn a_config_folder_is_merged_file_by_file() {
        let dir = tempfile::tempdir().unwrap();
        let conf = dir.path().join(CONFIG_DIR);
        std::fs::create_dir_all(&conf).unwrap();
        std::fs::write(conf.join("hugo.toml"), "title = 'Folder'\n").unwrap();
        std::fs::write(conf.join("params.yaml"), "author:\n  name: Grace\n").unwrap();
        std::fs::write(
            conf.join("menus.en.toml"),
            "[[main]]\nname = 'Blog'\nurl = '/blog/'\n",
        )
        .unwrap();
        assert!(exists(dir.path()));
        let c = load(dir.path(), &mut Report::default());
        assert_eq!(
            (c.ssg.title.as_str(), c.ssg.author.as_str()),
            ("Folder", "Grace")
        );
        assert_eq!(c.menu[0].target, "/blog/");
        assert_eq!(c.file, Path::new("config/_default/hugo.toml"));
    }

    #[test]
    fn keys_without_an_equivalent_are_reported_with_their_line() {
        let text = "title = 'T'\ntimeZone = 'Europe/Oslo'\ngoogleAnalytics = 'G-1'\n[markup.highlight]\nstyle = 'monokai'\n[frontmatter]\ndate = [':filename', ':default', ':fileModTime']\n[permalinks]\nposts = '/:year/:slug/'\n[permalinks.section]\nposts = '/articles/'\n";
        let root = match parse_text(text, "toml").unwrap() {
            Value::Object(map) => map,
            _ => unreachable!(),
        };
        let mut report = Report::default();
        let c = HugoConfig::from_map("hugo.toml".into(), text.into(), &root, &mut report);
        let lines: Vec<(Option<usize>, &str)> = report
            .findings
            .iter()
            .map(|f| (f.line, f.message.as_str()))
            .collect();
        let has = |line: usize, words: &str| {
            lines
                .iter()
                .any(|(l, m)| *l == Some(line) && m.contains(words))
        };
        assert!(has(2, "timeZone"), "{lines:#?}");
        assert!(
            has(3, "`googleanalytics` has no ssg equivalent"),
            "{lines:#?}"
        );
        assert!(has(5, "monokai"), "{lines:#?}");
        assert!(has(7, ":fileModTime"), "{lines:#?}");
        assert!(
            lines
                .iter()
                .any(|(_, m)| m.contains("[permalinks.section]")),
            "{lines:#?}"
        );
        assert_eq!(c.date_sources[0], ":filename");
        assert_eq!(c.date_sources[1], "date");
        assert_eq!(c.permalinks["posts"], "/:year/:slug/");
    }
}
