//! Jekyll's listing pages that ssg makes differently: jekyll-paginate's
//! pagers (`/page2/`) and jekyll-archives' tag, category and date pages
//! (`/tag/rust/`, `/2019/`). ssg's own listings live elsewhere (`/page/2/`,
//! `/tags/rust/`), so each old URL keeps answering: pagers as aliases of the
//! page they paginated, archives as `[redirects]` to the term page that
//! replaces them (`/categories/NAME/`, or a tag's where categories became
//! tags), or to the home page for dates.

use std::collections::BTreeMap;

use serde_json::Value;

use super::config::Settings;
use super::document::Doc;
use super::front_matter::{scalar, word_list};
use super::permalink::{self, Mode, slugify};
use super::walk::Kind;

/// The posts Jekyll lists.
fn listed(docs: &[Doc]) -> impl Iterator<Item = &Doc> {
    docs.iter().filter(|d| d.is_listed_post())
}

/// jekyll-paginate's pager URLs past the first, and the source file of the
/// page they paginate (the `index.html` in paginate_path's folder).
pub fn pagers(docs: &[Doc], settings: &Settings) -> Option<(String, Vec<String>)> {
    let per_page = settings.paginate.filter(|n| *n > 0)?;
    if !settings.has_plugin("jekyll-paginate") {
        return None;
    }
    let path = format!("/{}", settings.paginate_path.trim_start_matches('/'));
    // Ruby's File.dirname: a trailing `/` does not make a folder.
    let dir = path
        .trim_end_matches('/')
        .rsplit_once('/')
        .map_or("", |(d, _)| d)
        .trim_matches('/');
    let template = if dir.is_empty() {
        "index.html".to_string()
    } else {
        format!("{dir}/index.html")
    };
    docs.iter()
        .find(|d| d.rel == template && d.kind == Kind::Page)?;
    let posts = listed(docs)
        .filter(|d| !d.data.get("hidden").is_some_and(|v| v == true))
        .count();
    let aliases = (2..=posts.div_ceil(per_page))
        .map(|n| {
            let url = path.replace(":num", &n.to_string());
            format!("{}/", url.trim_end_matches('/'))
        })
        .collect();
    Some((template, aliases))
}

/// jekyll-archives' pages for the kinds it has `enabled` (with its default
/// permalinks unless the config gives others), each with where it leads now.
pub fn archive_pages(
    docs: &[Doc],
    settings: &Settings,
    categories_kept: bool,
) -> Vec<(String, String)> {
    if !settings.has_plugin("jekyll-archives") {
        return Vec::new();
    }
    let config = settings.site.get("jekyll-archives");
    let enabled = |kind: &str| match config.and_then(|c| c.get("enabled")) {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) if s == "all" => true,
        Some(list) => word_list(list).iter().any(|k| k == kind),
        None => false,
    };
    let template = |kind: &str, default: &str| {
        config
            .and_then(|c| c.get("permalinks"))
            .and_then(|p| p.get(kind))
            .and_then(scalar)
            .unwrap_or_else(|| default.to_string())
    };
    let mut urls = BTreeMap::new();
    for (kind, plural, default) in [
        ("tag", "tags", "/tag/:name/"),
        ("category", "categories", "/category/:name/"),
    ] {
        if enabled(plural) {
            let template = template(kind, default);
            for doc in listed(docs) {
                let names = if kind == "tag" {
                    &doc.tags
                } else {
                    &doc.categories
                };
                for name in names {
                    let slug = slugify(name, Mode::Default, false);
                    let old = permalink::expand_hash(&template, &[("name", &slug), ("type", kind)]);
                    let taxonomy = if kind == "category" && categories_kept {
                        "categories"
                    } else {
                        "tags"
                    };
                    let new = format!("/{taxonomy}/{}/", crate::slug::slugify(name));
                    urls.insert(old, new);
                }
            }
        }
    }
    for (kind, default, parts) in [
        ("year", "/:year/", 1),
        ("month", "/:year/:month/", 2),
        ("day", "/:year/:month/:day/", 3),
    ] {
        if enabled(kind) {
            let template = template(kind, default);
            for date in listed(docs).filter_map(|d| d.date.as_ref()) {
                let values = [
                    ("year", date.local.format("%Y").to_string()),
                    ("month", date.local.format("%m").to_string()),
                    ("day", date.local.format("%d").to_string()),
                ];
                let values: Vec<(&str, &str)> = values[..parts]
                    .iter()
                    .map(|(k, v)| (*k, v.as_str()))
                    .collect();
                urls.insert(permalink::expand_hash(&template, &values), "/".to_string());
            }
        }
    }
    // An archive already where ssg puts the tag (`/tags/:name/`) needs nothing.
    urls.into_iter().filter(|(old, new)| old != new).collect()
}
