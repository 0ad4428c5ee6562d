//! Hugo config keys → `ssg.toml` and the import's URL and date rules, one
//! function per group of keys; whatever has no ssg equivalent is reported
//! with its line.

use serde_json::{Map, Value};

use super::config::{HugoConfig, MenuEntry, default_date_sources};
use crate::import::Report;
use crate::import::plan::without_nulls;

/// Keys read by one of the functions below (the rest are reported).
const HANDLED: &[&str] = &[
    "title",
    "baseurl",
    "description",
    "languagecode",
    "locale",
    "author",
    "params",
    "pagination",
    "paginate",
    "markup",
    "menus",
    "menu",
    "frontmatter",
    "permalinks",
    "disablepathtolower",
    "uglyurls",
    "taxonomies",
    "contentdir",
    "staticdir",
    "languages",
    "removepathaccents",
    "sectionpagesmenu",
    "timezone",
    "copyright",
    "theme",
    "enablerobotstxt",
    "defaultcontentlanguage",
    "paginatepath",
];

pub fn apply(hugo: &mut HugoConfig, root: &Map<String, Value>, report: &mut Report) {
    site_keys(hugo, root, report);
    pagination(hugo, root);
    highlight(hugo, root, report);
    hugo.ssg.markdown.smart_punctuation = typographer(root);
    menus(hugo, root, report);
    front_matter_dates(hugo, root, report);
    permalinks(hugo, root, report);
    paths(hugo, root, report);
    languages(hugo, root, report);
    for (key, _) in root.iter().filter(|(k, _)| !HANDLED.contains(&k.as_str())) {
        hugo.note(
            report,
            key,
            format!("config `{key}` has no ssg equivalent; not converted"),
            "",
        );
    }
}

/// `a.b.c` in a nested map.
fn lookup<'a>(root: &'a Map<String, Value>, dotted: &str) -> Option<&'a Value> {
    let mut parts = dotted.split('.');
    let mut value = root.get(parts.next()?)?;
    for part in parts {
        value = value.as_object()?.get(part)?;
    }
    (!value.is_null()).then_some(value)
}

/// A JSON map as a TOML table for `[extra]`.
fn to_table(map: Map<String, Value>) -> toml::Table {
    toml::Table::try_from(Value::Object(without_nulls(map))).unwrap_or_default()
}

fn text(root: &Map<String, Value>, key: &str) -> Option<String> {
    match lookup(root, key)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn site_keys(hugo: &mut HugoConfig, root: &Map<String, Value>, report: &mut Report) {
    let ssg = &mut hugo.ssg;
    if let Some(title) = text(root, "title") {
        ssg.title = title;
    }
    if let Some(base) = text(root, "baseurl") {
        ssg.base_url = crate::urlpath::trimmed_base_url(&base).to_string();
        hugo.base_url = format!("{}/", ssg.base_url);
    }
    if let Some(d) = text(root, "params.description").or_else(|| text(root, "description")) {
        ssg.description = d;
    }
    if let Some(lang) = text(root, "locale").or_else(|| text(root, "languagecode")) {
        ssg.language = lang;
    }
    let author = [
        "params.author.name",
        "params.author",
        "author.name",
        "author",
    ]
    .iter()
    .find_map(|k| text(root, k));
    if let Some(author) = author {
        ssg.author = author;
    }
    let mut extra = lookup(root, "params")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    hugo.params = extra.clone();
    extra.remove("description");
    extra.remove("author");
    if let Some(c) = text(root, "copyright") {
        extra.insert("copyright".into(), Value::String(c));
    }
    ssg.extra = to_table(extra);
    if let Some(tz) = text(root, "timezone") {
        hugo.note(
            report,
            "timezone",
            format!("timeZone \"{tz}\": ssg reads dates without an offset as UTC"),
            "add the offset to dates that must keep their exact time",
        );
    }
    if root.contains_key("theme") {
        hugo.note(
            report,
            "theme",
            "the theme is not converted; the default theme is used",
            "",
        );
    }
}

fn pagination(hugo: &mut HugoConfig, root: &Map<String, Value>) {
    let size = lookup(root, "pagination.pagersize")
        .or_else(|| lookup(root, "paginate"))
        .and_then(Value::as_u64);
    if let Some(size) = size {
        hugo.pager_size = size as usize;
    }
    hugo.ssg.build.paginate_by = hugo.pager_size;
}

/// Goldmark's typographer (curly quotes, dashes, ellipses), on in Hugo
/// unless `markup.goldmark.extensions.typographer` is `false` or has
/// `disable = true`: ssg's `smart_punctuation`, so the words read the same.
fn typographer(root: &Map<String, Value>) -> bool {
    match lookup(root, "markup.goldmark.extensions.typographer") {
        Some(Value::Bool(on)) => *on,
        Some(Value::Object(options)) => {
            options.get("disable").and_then(Value::as_bool) != Some(true)
        }
        _ => true,
    }
}

/// `markup.highlight.style` where bat has a theme of the same name.
fn highlight(hugo: &mut HugoConfig, root: &Map<String, Value>, report: &mut Report) {
    let Some(style) = text(root, "markup.highlight.style") else {
        return;
    };
    let plain = |s: &str| {
        s.chars()
            .filter(char::is_ascii_alphanumeric)
            .collect::<String>()
            .to_lowercase()
    };
    match crate::highlight::theme_names()
        .into_iter()
        .find(|n| plain(n) == plain(&style))
    {
        Some(theme) => hugo.ssg.markdown.highlight_theme = theme.to_string(),
        None => hugo.note(
            report,
            "style",
            format!(
                "highlight style \"{style}\" has no bat theme of that name; ssg's default is used"
            ),
            "set markdown.highlight_theme in ssg.toml to one of bat's themes",
        ),
    }
    let line_numbers =
        lookup(root, "markup.highlight.linenos").and_then(Value::as_bool) == Some(true);
    if line_numbers {
        hugo.note(
            report,
            "linenos",
            "line numbers in code blocks are not supported by ssg",
            "",
        );
    }
}

fn menus(hugo: &mut HugoConfig, root: &Map<String, Value>, report: &mut Report) {
    match text(root, "sectionpagesmenu") {
        Some(menu) if menu == "main" => hugo.section_pages_menu = true,
        Some(menu) => hugo.note(report, "sectionpagesmenu",
            format!("sectionPagesMenu \"{menu}\" not converted: the default theme shows the main menu only"), ""),
        None => {}
    }
    let Some(menus) = lookup(root, "menus")
        .or_else(|| lookup(root, "menu"))
        .and_then(Value::as_object)
    else {
        return;
    };
    for (name, entries) in menus {
        if name != "main" {
            hugo.note(
                report,
                name,
                format!("menu `{name}` not converted: the default theme shows the main menu only"),
                "",
            );
            continue;
        }
        for entry in entries
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_object)
        {
            let get = |k: &str| entry.get(k).and_then(Value::as_str).map(str::to_string);
            let (target, page_ref) = match (get("url"), get("pageref")) {
                (Some(url), _) => (url, false),
                (None, Some(page)) => (page, true),
                (None, None) => continue,
            };
            hugo.menu.push(MenuEntry {
                weight: entry.get("weight").and_then(Value::as_i64).unwrap_or(0),
                name: get("name")
                    .or_else(|| get("identifier"))
                    .unwrap_or_else(|| target.clone()),
                target,
                page_ref,
            });
        }
    }
}

fn front_matter_dates(hugo: &mut HugoConfig, root: &Map<String, Value>, report: &mut Report) {
    let Some(sources) = lookup(root, "frontmatter.date").and_then(Value::as_array) else {
        return;
    };
    let mut list = Vec::new();
    for written in sources.iter().filter_map(Value::as_str) {
        let source = written.to_lowercase();
        match source.as_str() {
            ":default" => list.extend(default_date_sources()),
            ":filemodtime" | ":git" => hugo.note(report, "date",
                format!("date source `{written}` cannot be imported: pages without a date in front matter or file name get none"),
                "add a `date` to those pages"),
            _ => list.push(source),
        }
    }
    hugo.date_sources = list;
    for key in ["lastmod", "publishdate", "expirydate"] {
        if lookup(root, &format!("frontmatter.{key}")).is_some() {
            hugo.note(report, key, format!("[frontmatter] {key} sources not converted; `lastmod` in front matter is kept as `updated`"), "");
        }
    }
}

/// `[permalinks]` (old form: section → pattern) and `[permalinks.page]`.
fn permalinks(hugo: &mut HugoConfig, root: &Map<String, Value>, report: &mut Report) {
    let Some(all) = lookup(root, "permalinks").and_then(Value::as_object) else {
        return;
    };
    for (key, value) in all {
        match value {
            Value::String(pattern) => {
                hugo.permalinks.insert(key.clone(), pattern.clone());
            }
            Value::Object(kinds) if key == "page" => {
                for (section, pattern) in kinds {
                    if let Some(p) = pattern.as_str() {
                        hugo.permalinks.insert(section.clone(), p.to_string());
                    }
                }
            }
            Value::Object(kinds) if !kinds.is_empty() => hugo.note(report, key,
                format!("[permalinks.{key}] not converted: ssg puts sections at their folder and tags at /tags/"), ""),
            _ => {}
        }
    }
}

fn paths(hugo: &mut HugoConfig, root: &Map<String, Value>, report: &mut Report) {
    let flag = |k: &str| lookup(root, k).and_then(Value::as_bool) == Some(true);
    hugo.rules.lower = !flag("disablepathtolower");
    hugo.rules.ugly = flag("uglyurls");
    if flag("removepathaccents") {
        hugo.note(report, "removepathaccents",
            "removePathAccents is not reproduced: old URLs made from accented names are computed with their accents",
            "check the URLs of pages with accented titles or file names, and add `aliases` where they differ");
    }
    if let Some(dir) = text(root, "contentdir") {
        hugo.content_dir = dir;
    }
    match lookup(root, "staticdir") {
        Some(Value::String(dir)) => hugo.static_dirs = vec![dir.clone()],
        Some(Value::Array(dirs)) => {
            hugo.static_dirs = dirs
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        }
        _ => {}
    }
    if let Some(map) = lookup(root, "taxonomies").and_then(Value::as_object) {
        hugo.taxonomies = map
            .values()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect();
        hugo.taxonomies.sort();
    }
}

/// Hugo's taxonomies stay taxonomies of the new site, with a feed per term
/// as Hugo has and Hugo's pager size (`build.paginate_by`), unless the name is not its own URL
/// segment in ssg or a section's folder has it (`content/NAME/`): then
/// their terms become tags and their URLs redirect to the tag pages.
pub fn keep_taxonomies(hugo: &mut HugoConfig, content: &std::path::Path, report: &mut Report) {
    for plural in hugo.taxonomies.clone() {
        if plural == "tags" {
            continue;
        }
        let own_url =
            crate::slug::slugify(&plural) == plural && hugo.rules.sanitize(&plural) == plural;
        if own_url && !content.join(&plural).is_dir() {
            // Feeds and pager size as Hugo's defaults are ssg's.
            hugo.ssg
                .taxonomies
                .insert(plural.clone(), Default::default());
            hugo.kept_taxonomies.push(plural);
        } else {
            hugo.note(report, &plural,
                format!("taxonomy `{plural}`: its terms became tags (and stay in each page's `extra.{plural}`); its URLs redirect to the tag pages"),
                "its name is not a URL segment ssg keeps, or a section has that folder");
        }
    }
}

/// A multilingual site: the languages other than the default one, whose
/// translations (`post.fr.md`) move under `content/fr/`.
fn languages(hugo: &mut HugoConfig, root: &Map<String, Value>, report: &mut Report) {
    let Some(languages) = lookup(root, "languages").and_then(Value::as_object) else {
        return;
    };
    let default = text(root, "defaultcontentlanguage")
        .unwrap_or_else(|| "en".into())
        .to_lowercase();
    hugo.other_languages = languages
        .keys()
        .filter(|l| **l != default)
        .cloned()
        .collect();
    if !hugo.other_languages.is_empty() {
        hugo.default_language = Some(default.clone());
        hugo.note(report, "languages",
            format!("multilingual site ({default} first, then {}): translations (`post.LANG.md`) move under `content/LANG/` with `lang = \"LANG\"` at their Hugo URLs (`/LANG/…`), linked to the page they translate (`page.translations`); each language's own config (title, menus, permalinks) is not carried over", hugo.other_languages.join(", ")),
            "");
    }
}
