//! Zola's `config.toml` → ssg's `Config`, and the settings that decide
//! Zola's URLs (slug strategy, taxonomies, feeds, languages).

use std::path::Path;

use toml::{Table, Value};

use crate::config::Config;
use crate::error::{line_of_offset, line_where};
use crate::import::Plan;
use crate::urlpath::trimmed_base_url;

const FILE: &str = "config.toml";

/// How Zola turns names into URL segments (`[slugify] paths`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slugify {
    /// Lower-case ASCII words joined by `-` (Zola's default, and ssg's rule).
    On,
    /// Only characters unsafe in a path are replaced; case is kept.
    Safe,
    /// Names are used as they are.
    Off,
}

/// A Zola taxonomy from `taxonomies = [{ name = "tags", feed = true }]`.
#[derive(Debug, Clone)]
pub struct Taxonomy {
    pub name: String,
    pub feed: bool,
    /// Whether the new site has it as a taxonomy of its own (else its
    /// terms become tags): not for `tags`, a name that is not its own URL
    /// segment, or one a section's folder already has.
    pub kept: bool,
}

/// What the rest of the import needs from the config.
#[derive(Debug, Clone)]
pub struct Settings {
    pub slugify: Slugify,
    pub taxonomies: Vec<Taxonomy>,
    /// The site feed's file names (`atom.xml`, `rss.xml`); empty: no feed.
    pub feed_files: Vec<String>,
    /// Language codes of translations (`[languages.fr]`).
    pub languages: Vec<String>,
    pub theme: Option<String>,
}

impl Settings {
    pub fn slug(&self, name: &str) -> String {
        match self.slugify {
            Slugify::On => crate::slug::slugify(name),
            Slugify::Safe => name
                .trim()
                .chars()
                .map(|c| if c.is_whitespace() { '-' } else { c })
                .filter(|c| {
                    !matches!(
                        c,
                        '<' | '>' | ':' | '"' | '/' | '\\' | '|' | '?' | '*' | '#' | '%'
                    )
                })
                .collect(),
            Slugify::Off => name.to_string(),
        }
    }
}

/// Reads `config.toml` into the new site's config; what has no ssg
/// equivalent goes to the report. A config that cannot be read is
/// reported, and the import goes on with defaults.
pub fn read(src: &Path) -> (Settings, Plan) {
    let mut plan = Plan::new(Config::default());
    let text = std::fs::read_to_string(src.join(FILE)).unwrap_or_default();
    let table = match text.parse::<Table>() {
        Ok(table) => table,
        Err(err) => {
            let line = err.span().map(|s| line_of_offset(&text, s.start));
            plan.report.note(
                FILE,
                line,
                format!("not read: {}", err.message()),
                "fix it and import again; defaults were used",
            );
            Table::new()
        }
    };
    let settings = settings(&table, src);
    convert(&table, &text, &settings, &mut plan);
    (settings, plan)
}

fn settings(table: &Table, src: &Path) -> Settings {
    let slugify = match table
        .get("slugify")
        .and_then(|s| s.get("paths"))
        .and_then(Value::as_str)
    {
        Some("safe") => Slugify::Safe,
        Some("off") => Slugify::Off,
        _ => Slugify::On,
    };
    let taxonomies = table
        .get("taxonomies")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(|t| {
                    let name = t.get("name")?.as_str()?.to_string();
                    let kept = name != "tags"
                        && crate::slug::slugify(&name) == name
                        && !src.join("content").join(&name).is_dir();
                    Some(Taxonomy {
                        feed: t
                            .get("feed")
                            .or_else(|| t.get("rss"))
                            .and_then(Value::as_bool)
                            .unwrap_or(false),
                        kept,
                        name,
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    Settings {
        slugify,
        taxonomies,
        feed_files: feed_files(table),
        languages: table
            .get("languages")
            .and_then(Value::as_table)
            .map(|l| l.keys().cloned().collect())
            .unwrap_or_default(),
        theme: string(table, "theme"),
    }
}

/// Zola 0.19's `generate_feeds`/`feed_filenames`, or the older singular keys.
fn feed_files(table: &Table) -> Vec<String> {
    let on = ["generate_feeds", "generate_feed", "generate_rss"]
        .iter()
        .any(|k| table.get(*k).and_then(Value::as_bool) == Some(true));
    if !on {
        return Vec::new();
    }
    if let Some(list) = table.get("feed_filenames").and_then(Value::as_array) {
        return list
            .iter()
            .filter_map(Value::as_str)
            .map(String::from)
            .collect();
    }
    vec![string(table, "feed_filename").unwrap_or_else(|| "atom.xml".into())]
}

fn string(table: &Table, key: &str) -> Option<String> {
    table.get(key).and_then(Value::as_str).map(String::from)
}

/// Keys read into ssg's config or into [`Settings`]; any other top-level
/// key or table is reported as not carried over.
const CONVERTED: &[&str] = &[
    "base_url",
    "title",
    "description",
    "default_language",
    "author",
    "theme",
    "generate_feeds",
    "generate_feed",
    "generate_rss",
    "feed_filenames",
    "feed_filename",
    "feed_limit",
    "taxonomies",
    "highlight_code",
    "highlight_theme",
    "markdown",
    "slugify",
    "languages",
    "extra",
    "output_dir",
    "compile_sass",
];

fn convert(table: &Table, text: &str, settings: &Settings, plan: &mut Plan) {
    let config = &mut plan.config;
    let report = &mut plan.report;
    let base_url = string(table, "base_url").unwrap_or_default();
    config.base_url = if base_url.contains("://") || base_url.is_empty() {
        trimmed_base_url(&base_url).to_string()
    } else {
        report.note(
            FILE,
            key_line(text, "base_url"),
            format!("`base_url = \"{base_url}\"` has no scheme"),
            "https:// was put in front; check base_url in ssg.toml",
        );
        format!("https://{}", trimmed_base_url(&base_url))
    };
    if config.base_url.is_empty() {
        config.base_url = "https://example.com".into();
    }
    config.title = string(table, "title").unwrap_or_else(|| config.title.clone());
    config.description = string(table, "description").unwrap_or_default();
    if let Some(language) = string(table, "default_language") {
        config.language = language;
    }
    config.author = string(table, "author").unwrap_or_default();
    config.theme = Some("default".into());
    if let Some(limit) = table.get("feed_limit").and_then(Value::as_integer) {
        config.build.feed_limit = usize::try_from(limit).unwrap_or(config.build.feed_limit);
    }
    config.build.feed_aliases = settings
        .feed_files
        .iter()
        .filter(|f| f.as_str() != "atom.xml")
        .map(|f| format!("/{f}"))
        .collect();
    if let Some(extra) = table.get("extra").and_then(Value::as_table) {
        config.extra = extra.clone();
    }
    convert_taxonomies(table, settings, config);
    convert_markdown(table, text, plan);
    note_unconverted(table, text, settings, &mut plan.report);
}

/// Kept taxonomies as `[taxonomies]` with Zola's settings: a feed only
/// where Zola made one, and one page per term unless Zola paginated it
/// (so no pager URL appears that Zola did not have).
fn convert_taxonomies(table: &Table, settings: &Settings, config: &mut Config) {
    let listed = table.get("taxonomies").and_then(Value::as_array);
    for taxonomy in settings.taxonomies.iter().filter(|t| t.kept) {
        let paginate_by = listed
            .and_then(|list| {
                list.iter()
                    .find(|t| t.get("name").and_then(Value::as_str) == Some(&taxonomy.name))
            })
            .and_then(|t| t.get("paginate_by"))
            .and_then(Value::as_integer)
            .and_then(|n| usize::try_from(n).ok())
            .unwrap_or(0);
        config.taxonomies.insert(
            taxonomy.name.clone(),
            crate::config::TaxonomySettings {
                feed: taxonomy.feed,
                paginate_by: Some(paginate_by),
            },
        );
    }
}

/// `highlight_code` and `highlight_theme`, top-level (older Zola) or in
/// `[markdown]`; Zola 0.22's `[markdown.highlighting]` (`theme`, or
/// `light_theme` and `dark_theme`), which turns highlighting on; and
/// `smart_punctuation`, which changes the words' quotes and dashes.
fn convert_markdown(table: &Table, text: &str, plan: &mut Plan) {
    let markdown = table.get("markdown").and_then(Value::as_table);
    let get = |key: &str| markdown.and_then(|m| m.get(key)).or_else(|| table.get(key));
    if let Some(on) = markdown
        .and_then(|m| m.get("smart_punctuation"))
        .and_then(Value::as_bool)
    {
        plan.config.markdown.smart_punctuation = on;
    }
    if let Some(on) = get("highlight_code").and_then(Value::as_bool) {
        plan.config.markdown.highlight = on;
    }
    let highlighting = markdown
        .and_then(|m| m.get("highlighting"))
        .and_then(Value::as_table);
    if highlighting.is_some() {
        plan.config.markdown.highlight = true;
    }
    let theme = get("highlight_theme").or_else(|| {
        let h = highlighting?;
        h.get("theme").or_else(|| h.get("dark_theme"))
    });
    let Some(theme) = theme.and_then(Value::as_str) else {
        return;
    };
    match crate::highlight::theme_named_like(theme) {
        Some(ours) => plan.config.markdown.highlight_theme = ours.to_string(),
        None => plan.report.note(
            FILE,
            key_line(text, "highlight_theme"),
            format!("highlight theme \"{theme}\" is not one of ssg's"),
            format!(
                "ssg's default \"{}\" is used; pick another in ssg.toml",
                plan.config.markdown.highlight_theme
            ),
        ),
    }
}

fn note_unconverted(
    table: &Table,
    text: &str,
    settings: &Settings,
    report: &mut crate::import::Report,
) {
    for key in table.keys().filter(|k| !CONVERTED.contains(&k.as_str())) {
        report.note(
            FILE,
            key_line(text, key),
            format!("`{key}` has no ssg equivalent; not carried over"),
            "",
        );
    }
    if !settings.languages.is_empty() {
        report.note(
            FILE,
            key_line(text, "languages"),
            format!(
                "languages {} are kept at their URLs, each in a folder of its own (`content/LANG/`)",
                settings.languages.join(", ")
            ),
            "each translation says its `lang`; ssg links a page's languages as `page.translations` (the default theme shows them as \"Also in\")",
        );
    }
    if table.get("compile_sass").and_then(Value::as_bool) == Some(true) {
        report.note(
            FILE,
            key_line(text, "compile_sass"),
            "`compile_sass` has no ssg equivalent",
            "",
        );
    }
}

/// The line a key is set on, as `key =` or `[key]`.
pub fn key_line(text: &str, key: &str) -> Option<usize> {
    line_where(text, 1, |line| {
        let line = line.trim_start();
        let bare = line
            .strip_prefix(key)
            .is_some_and(|rest| rest.trim_start().starts_with('='));
        bare || line.starts_with(&format!("[{key}]")) || line.starts_with(&format!("[{key}."))
    })
}
