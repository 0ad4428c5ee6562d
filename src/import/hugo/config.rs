//! What the rest of the import needs from Hugo's site config
//! ([`HugoConfig`]): the new `ssg.toml`, and Hugo's URL, date, taxonomy and
//! menu settings, with Hugo's defaults. Read from the files by
//! `config_file.rs`, its keys mapped by `config_map.rs`.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::urls::UrlRules;
use crate::config::Config;
use crate::error::line_where;
use crate::import::Report;

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
    /// Those the new site has as taxonomies of their own (the others'
    /// terms become tags): see `config_map::keep_taxonomies`.
    pub kept_taxonomies: Vec<String>,
    pub content_dir: String,
    pub static_dirs: Vec<String>,
    /// Hugo's pager size (its default is 10).
    pub pager_size: usize,
    /// Menu entries of the `main` menu as `(weight, name, url or pageRef, is_page_ref)`.
    pub menu: Vec<MenuEntry>,
    /// Languages other than the default one (`languages` keys): their
    /// translations (`post.fr.md`) move under `content/LANG/`.
    pub other_languages: Vec<String>,
    /// `defaultContentLanguage` of a multilingual site (Hugo also writes
    /// its home at `/LANG/`, a redirect to `/`).
    pub default_language: Option<String>,
    /// `sectionPagesMenu = "main"`: every top-level section is in the menu.
    pub section_pages_menu: bool,
    /// `[params]` as written, for `.Site.Params` in shortcodes.
    pub params: serde_json::Map<String, serde_json::Value>,
    /// `baseURL` as Hugo prints it (`.Site.BaseURL`): with its trailing `/`.
    pub base_url: String,
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

impl HugoConfig {
    /// Hugo's defaults, before any key of the config file is mapped.
    pub fn defaults(file: PathBuf, text: String) -> HugoConfig {
        HugoConfig {
            file,
            text,
            rules: UrlRules::default(),
            permalinks: BTreeMap::new(),
            date_sources: default_date_sources(),
            taxonomies: vec!["tags".into(), "categories".into()],
            kept_taxonomies: Vec::new(),
            content_dir: "content".into(),
            static_dirs: vec!["static".into()],
            pager_size: 10,
            menu: Vec::new(),
            other_languages: Vec::new(),
            default_language: None,
            section_pages_menu: false,
            params: serde_json::Map::new(),
            base_url: String::new(),
            ssg: default_ssg_config(),
        }
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
