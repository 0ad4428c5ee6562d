//! `_config.yml` → ssg's `ssg.toml`, and the settings the rest of the import
//! reads (permalink style, time zone, collections, pagination, what is
//! excluded). Every key is either mapped, used, kept in `[extra]`, or named
//! in the report as having no ssg equivalent.

use std::path::Path;

use serde_json::{Map, Value};

use super::dates::Zone;
use super::front_matter::{key_line, scalar, word_list};
use crate::config::Config;
use crate::import::Report;
use crate::import::plan::without_nulls;

pub const CONFIG_NAME: &str = "_config.yml";

/// A collection of `collections:` (posts included).
#[derive(Debug, Clone)]
pub struct Collection {
    pub name: String,
    /// Jekyll writes its documents as pages only when `output: true`.
    pub output: bool,
    pub permalink: Option<String>,
}

/// One `defaults:` entry: values for files under `path` of a `type`.
#[derive(Debug, Clone)]
pub struct Default {
    pub path: String,
    pub kind: Option<String>,
    pub values: Map<String, Value>,
}

/// What the import needs from `_config.yml`.
#[derive(Debug, Clone)]
pub struct Settings {
    /// `permalink` as written: a style name or a pattern.
    pub permalink: String,
    pub zone: Zone,
    pub paginate: Option<usize>,
    pub paginate_path: String,
    pub excerpt_separator: String,
    /// Extensions Jekyll converts as Markdown (`markdown_ext`), lower case.
    pub markdown_ext: Vec<String>,
    /// Besides `posts`.
    pub collections: Vec<Collection>,
    pub posts_permalink: Option<String>,
    pub defaults: Vec<Default>,
    pub exclude: Vec<String>,
    pub include: Vec<String>,
    pub plugins: Vec<String>,
    /// Where jekyll-feed wrote the site's feed, when it ran.
    pub feed_path: Option<String>,
    pub baseurl: String,
    /// The whole file, for `{{ site.key }}`.
    pub site: Map<String, Value>,
}

impl Settings {
    pub fn has_plugin(&self, name: &str) -> bool {
        self.plugins.iter().any(|p| p == name)
    }

    /// The posts' URL template.
    pub fn posts_template(&self) -> String {
        let style = self.posts_permalink.as_deref().unwrap_or(&self.permalink);
        super::permalink::style_template(style)
    }
}

/// Keys Jekyll reads to build that need nothing in ssg, or are used here.
const USED: &[&str] = &[
    "title",
    "url",
    "baseurl",
    "description",
    "lang",
    "locale",
    "author",
    "timezone",
    "paginate",
    "paginate_path",
    "permalink",
    "collections",
    "excerpt_separator",
    "exclude",
    "include",
    "plugins",
    "gems",
    "feed",
    "defaults",
    "source",
    "destination",
    "encoding",
    "markdown_ext",
    "keep_files",
    "safe",
    "incremental",
    "show_drafts",
    "strict_front_matter",
    "profile",
    "quiet",
    "verbose",
    "livereload",
    "port",
    "host",
    "detach",
    "watch",
    "future",
    "highlighter",
    "markdown",
    "jekyll-archives",
    "limit_posts",
    "unpublished",
];

/// Keys that shape how Jekyll builds, with no ssg counterpart.
const BUILD_ONLY: &[&str] = &[
    "theme",
    "remote_theme",
    "sass",
    "kramdown",
    "commonmark",
    "liquid",
    "layouts_dir",
    "includes_dir",
    "data_dir",
    "plugins_dir",
    "whitelist",
    "collections_dir",
    "webrick",
    "show_dir_listing",
    "disable_disk_cache",
    "relative_permalinks",
    "lsi",
    "gist",
];

/// Reads `_config.yml` (a missing or broken file is reported, and Jekyll's
/// defaults used) into the new config and the import's settings.
pub fn read(src: &Path, report: &mut Report) -> (Config, Settings) {
    let path = src.join(CONFIG_NAME);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if path.exists() => {
            report.note(
                CONFIG_NAME,
                None,
                format!("cannot read: {e}; Jekyll's defaults are used"),
                "check its permissions",
            );
            String::new()
        }
        Err(_) => String::new(),
    };
    parse(&text, report)
}

/// The config from `_config.yml`'s text.
pub fn parse(text: &str, report: &mut Report) -> (Config, Settings) {
    let site = match crate::content::front_matter::yaml_to_json(text) {
        Ok(Value::Object(map)) => map,
        Ok(_) => Map::new(),
        Err((line, message)) => {
            report.note(
                CONFIG_NAME,
                line,
                format!("invalid YAML: {message}; Jekyll's defaults are used"),
                "fix the file and import again, or set ssg.toml by hand",
            );
            Map::new()
        }
    };
    let settings = settings(&site, text, report);
    let config = new_config(&site, text, &settings, report);
    (config, settings)
}

fn settings(site: &Map<String, Value>, text: &str, report: &mut Report) -> Settings {
    let get = |k: &str| site.get(k).and_then(scalar);
    let zone = match get("timezone") {
        Some(name) => Zone::load(&name).unwrap_or_else(|e| {
            report.note(
                CONFIG_NAME,
                key_line(text, "timezone"),
                format!("{e}; dates are read as UTC"),
                "install tzdata or fix the name",
            );
            Zone::utc()
        }),
        None => Zone::utc(),
    };
    let mut plugins = Vec::new();
    for key in ["plugins", "gems"] {
        plugins.extend(site.get(key).map(word_list).unwrap_or_default());
    }
    let (collections, posts_permalink) = collections(site.get("collections"));
    let feed_path = plugins.iter().any(|p| p == "jekyll-feed").then(|| {
        site.get("feed")
            .and_then(|f| f.get("path"))
            .and_then(scalar)
            .map_or_else(
                || "/feed.xml".to_string(),
                |p| format!("/{}", p.trim_start_matches('/')),
            )
    });
    Settings {
        permalink: get("permalink").unwrap_or_else(|| "date".into()),
        zone,
        paginate: site
            .get("paginate")
            .and_then(Value::as_u64)
            .map(|n| n as usize),
        paginate_path: get("paginate_path").unwrap_or_else(|| "/page:num".into()),
        excerpt_separator: get("excerpt_separator").unwrap_or_else(|| "\n\n".into()),
        markdown_ext: get("markdown_ext")
            .unwrap_or_else(|| "markdown,mkdown,mkdn,mkd,md".into())
            .split(',')
            .map(|e| e.trim().to_ascii_lowercase())
            .collect(),
        collections,
        posts_permalink,
        defaults: defaults(site.get("defaults")),
        exclude: site.get("exclude").map(word_list).unwrap_or_default(),
        // Jekyll's default `include`, replaced by the site's own.
        include: site
            .get("include")
            .map_or_else(|| vec![".htaccess".into()], word_list),
        plugins,
        feed_path,
        baseurl: get("baseurl")
            .unwrap_or_default()
            .trim_end_matches('/')
            .to_string(),
        site: site.clone(),
    }
}

/// `collections:` as a list of names or a map of name → options; the
/// `posts` entry only gives the posts' permalink.
fn collections(value: Option<&Value>) -> (Vec<Collection>, Option<String>) {
    let mut out = Vec::new();
    let mut posts = None;
    let entries: Vec<(String, Option<&Value>)> = match value {
        Some(Value::Array(names)) => names.iter().filter_map(scalar).map(|n| (n, None)).collect(),
        Some(Value::Object(map)) => map.iter().map(|(k, v)| (k.clone(), Some(v))).collect(),
        _ => Vec::new(),
    };
    for (name, options) in entries {
        let permalink = options.and_then(|o| o.get("permalink")).and_then(scalar);
        if name == "posts" {
            posts = permalink;
            continue;
        }
        let output = options
            .and_then(|o| o.get("output"))
            .and_then(Value::as_bool)
            .unwrap_or(false);
        out.push(Collection {
            name,
            output,
            permalink,
        });
    }
    (out, posts)
}

fn defaults(value: Option<&Value>) -> Vec<Default> {
    let Some(Value::Array(entries)) = value else {
        return Vec::new();
    };
    entries
        .iter()
        .filter_map(|e| {
            let scope = e.get("scope");
            let values = e.get("values")?.as_object()?.clone();
            Some(Default {
                path: scope
                    .and_then(|s| s.get("path"))
                    .and_then(scalar)
                    .unwrap_or_default(),
                kind: scope.and_then(|s| s.get("type")).and_then(scalar),
                values,
            })
        })
        .collect()
}

/// kramdown, Jekyll's Markdown unless `markdown` names another, curls
/// quotes and writes `--`, `...` as a dash and an ellipsis; unless its
/// `smart_quotes` are the straight ones.
fn kramdown_typography(site: &Map<String, Value>) -> bool {
    let kramdown = site
        .get("markdown")
        .and_then(scalar)
        .is_none_or(|m| m.eq_ignore_ascii_case("kramdown"));
    let straight = site
        .get("kramdown")
        .and_then(|k| k.get("smart_quotes"))
        .and_then(scalar)
        .is_some_and(|q| q.replace(' ', "") == "apos,apos,quot,quot");
    kramdown && !straight
}

/// The new `ssg.toml`, with a note for every key left behind.
fn new_config(
    site: &Map<String, Value>,
    text: &str,
    settings: &Settings,
    report: &mut Report,
) -> Config {
    let mut config: Config =
        toml::from_str("theme = \"default\"").unwrap_or_else(|_| unreachable!());
    let get = |k: &str| site.get(k).and_then(scalar);
    if let Some(title) = get("title") {
        config.title = title;
    }
    config.description = get("description").unwrap_or_default();
    if let Some(lang) = get("lang").or_else(|| get("locale").map(|l| l.replace('_', "-"))) {
        config.language = lang;
    }
    config.author = match site.get("author") {
        Some(Value::Object(a)) => a.get("name").and_then(scalar).unwrap_or_default(),
        Some(other) => scalar(other).unwrap_or_default(),
        None => String::new(),
    };
    let url = get("url").unwrap_or_default();
    config.base_url = if url.is_empty() {
        report.note(
            CONFIG_NAME,
            None,
            "no `url`: base_url is https://example.com",
            "set base_url in ssg.toml",
        );
        format!("https://example.com{}", settings.baseurl)
    } else {
        format!("{}{}", url.trim_end_matches('/'), settings.baseurl)
    };
    if let Some(n) = settings.paginate {
        config.build.paginate_by = n;
    }
    config.markdown.smart_punctuation = kramdown_typography(site);
    for (key, value) in site {
        let line = key_line(text, key);
        if USED.contains(&key.as_str()) {
            continue;
        }
        if BUILD_ONLY.contains(&key.as_str()) {
            report.note(
                CONFIG_NAME,
                line,
                format!("`{key}`: no ssg equivalent; not converted"),
                "",
            );
            continue;
        }
        match toml::Value::try_from(strip(value)) {
            Ok(v) => {
                config.extra.insert(key.clone(), v);
                report.note(
                    CONFIG_NAME,
                    line,
                    format!("`{key}` kept in [extra] (config.extra.{key} in templates)"),
                    "",
                );
            }
            Err(_) => report.note(CONFIG_NAME, line, format!("`{key}`: not converted"), ""),
        }
    }
    config
}

fn strip(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(without_nulls(map.clone())),
        other => other.clone(),
    }
}
