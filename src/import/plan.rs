//! What an import will write: the new site's config, its Markdown files
//! with ssg front matter, and the files copied as they are. Pure data, so a
//! dry run and the write see the same thing.

use std::path::PathBuf;

use serde::Serialize;
use serde_json::{Map, Value};

use super::report::Report;
use crate::config::Config;

/// The new site, before anything is written.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Written as `ssg.toml`.
    pub config: Config,
    /// Markdown files under `content/`, and `_index.md` of sections.
    pub pages: Vec<NewPage>,
    /// Files copied byte for byte (static files, page assets).
    pub copies: Vec<CopyFile>,
    /// Templates or other text files written as they are, DEST-relative.
    pub texts: Vec<(String, String)>,
    pub report: Report,
}

impl Plan {
    pub fn new(config: Config) -> Plan {
        Plan {
            config,
            pages: Vec::new(),
            copies: Vec::new(),
            texts: Vec::new(),
            report: Report::default(),
        }
    }

    /// Nothing to write: the import failed as a whole.
    pub fn is_empty(&self) -> bool {
        self.pages.is_empty() && self.copies.is_empty()
    }

    /// The report's counts, taken from what the plan holds.
    pub fn count(&mut self) {
        let r = &mut self.report;
        r.pages = self.pages.iter().filter(|p| !p.is_section()).count();
        r.sections = self.pages.iter().filter(|p| p.is_section()).count();
        r.assets = self.copies.len();
        // Every old URL kept answering: page and section `aliases`,
        // `[redirects]` and the feed copies of `build.feed_aliases`.
        r.aliases = self
            .pages
            .iter()
            .map(|p| p.front_matter.aliases.len())
            .sum::<usize>()
            + self.config.redirects.len()
            + self.config.build.feed_aliases.len();
    }
}

/// The content folder of the section that lists the page written at `dest`
/// (see [`NewPage::section_folder`]).
pub fn section_folder(dest: &str) -> &str {
    let inner = dest.strip_prefix("content/").unwrap_or(dest);
    let (folder, name) = inner.rsplit_once('/').unwrap_or(("", inner));
    if name == "index.md" {
        folder.rsplit_once('/').map_or("", |(parent, _)| parent)
    } else {
        folder
    }
}

/// One Markdown file of the new site.
#[derive(Debug, Clone)]
pub struct NewPage {
    /// The file it came from, relative to SRC (for the report).
    pub source: PathBuf,
    /// Where it goes, relative to DEST with `/`: `content/blog/hello.md`.
    pub dest: String,
    pub front_matter: NewFrontMatter,
    pub body: String,
}

impl NewPage {
    pub fn is_section(&self) -> bool {
        self.dest.ends_with("/_index.md")
    }

    /// The content folder of the section that lists this page (`blog` for
    /// `content/blog/x.md` and for a bundle's `content/blog/x/index.md`;
    /// `""` for the root), or a section's own folder.
    pub fn section_folder(&self) -> &str {
        section_folder(&self.dest)
    }

    /// The file's text: TOML front matter, then the body.
    pub fn text(&self) -> String {
        let mut text = self.front_matter.to_toml();
        if !self.body.starts_with('\n') {
            text.push('\n');
        }
        text.push_str(&self.body);
        if !text.ends_with('\n') {
            text.push('\n');
        }
        text
    }
}

/// ssg's front matter keys (README "Front matter"), as an import sets them.
#[derive(Debug, Clone, Default, Serialize)]
pub struct NewFrontMatter {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// As ssg reads it: `YYYY-MM-DD` or RFC 3339.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub draft: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slug: Option<String>,
    /// The language of a translation, where it is not the site's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    /// The page's whole URL path, kept verbatim.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weight: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub paginate_by: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sort_by: Option<String>,
    /// Terms of the taxonomies the new site declares besides `tags`.
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub taxonomies: std::collections::BTreeMap<String, Vec<String>>,
    #[serde(skip_serializing_if = "Map::is_empty")]
    pub extra: Map<String, Value>,
}

impl NewFrontMatter {
    /// The `+++` block. TOML because it keeps types without YAML's
    /// surprises (`no` as false, `1.10` as a number).
    pub fn to_toml(&self) -> String {
        let mut copy = self.clone();
        copy.extra = without_nulls(copy.extra);
        let body = toml::to_string(&copy).unwrap_or_default();
        format!("+++\n{body}+++\n")
    }
}

/// TOML has no null: keys whose value is null are dropped, at any depth.
pub fn without_nulls(map: Map<String, Value>) -> Map<String, Value> {
    map.into_iter()
        .filter(|(_, v)| !v.is_null())
        .map(|(k, v)| (k, strip_nulls(v)))
        .collect()
}

fn strip_nulls(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(without_nulls(map)),
        Value::Array(items) => Value::Array(
            items
                .into_iter()
                .filter(|v| !v.is_null())
                .map(strip_nulls)
                .collect(),
        ),
        other => other,
    }
}

/// A file copied from SRC into DEST unchanged.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct CopyFile {
    /// Relative to SRC.
    pub from: PathBuf,
    /// Relative to DEST, with `/`: `static/img/a.png`, `content/blog/trip/photo.jpg`.
    pub to: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_is_toml_in_field_order_without_empty_keys() {
        let mut fm = NewFrontMatter {
            title: Some("Crème \"brûlée\"".into()),
            date: Some("2019-03-02".into()),
            tags: vec!["rust".into(), "web dev".into()],
            path: Some("/2019/03/02/Creme.html".into()),
            ..Default::default()
        };
        fm.extra.insert("gone".into(), Value::Null);
        fm.extra.insert("toc".into(), Value::Bool(true));
        assert_eq!(
            fm.to_toml(),
            "+++\ntitle = 'Crème \"brûlée\"'\ndate = \"2019-03-02\"\ntags = [\"rust\", \"web dev\"]\npath = \"/2019/03/02/Creme.html\"\n\n[extra]\ntoc = true\n+++\n"
        );
    }

    #[test]
    fn a_page_is_listed_in_its_folder_and_a_bundle_in_the_one_above() {
        let page = |dest: &str| NewPage {
            source: PathBuf::new(),
            dest: dest.into(),
            front_matter: NewFrontMatter::default(),
            body: String::new(),
        };
        assert_eq!(page("content/blog/x.md").section_folder(), "blog");
        assert_eq!(page("content/blog/trip/index.md").section_folder(), "blog");
        assert_eq!(page("content/blog/_index.md").section_folder(), "blog");
        assert_eq!(page("content/x/index.md").section_folder(), "");
        assert_eq!(page("content/_index.md").section_folder(), "");
        assert_eq!(page("content/a/b/c.md").section_folder(), "a/b");
    }
}
