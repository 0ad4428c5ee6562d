//! The default theme's navigation (`[extra] menu = [{name, url}]`) from
//! Hugo's main menu: entries of the config (`url` or `pageRef`), of pages'
//! `menu` keys, and with `sectionPagesMenu = "main"` every top-level section.

use super::config::{HugoConfig, MenuEntry};
use super::page::{HugoPage, PageKind, place};

/// The main menu from the config (a `pageRef` becomes that page's URL)
/// and from pages' `menu` keys, by weight, as the default theme reads it.
pub fn main_menu(hugo: &HugoConfig, pages: &[HugoPage]) -> Vec<toml::Value> {
    let mut entries = Vec::new();
    for entry in &hugo.menu {
        let mut entry = entry.clone();
        if entry.page_ref {
            let wanted = entry.target.trim_matches('/').to_lowercase();
            let found = pages.iter().find(|p| {
                let rel = p.rel.to_lowercase();
                let no_ext = rel.rsplit_once('.').map_or(rel.as_str(), |(s, _)| s);
                no_ext == wanted
                    || no_ext == format!("{wanted}/_index")
                    || no_ext == format!("{wanted}/index")
            });
            entry.target = found.map_or_else(|| hugo.rules.section_url(&wanted), |p| p.url.clone());
        }
        entries.push(entry);
    }
    for page in pages.iter().filter(|p| p.published) {
        for entry in &page.menu {
            let mut entry = entry.clone();
            if entry.name.is_empty() {
                entry.name = page.front_matter.title.clone().unwrap_or_default();
            }
            if entry.weight == 0 {
                entry.weight = page.front_matter.weight.unwrap_or(0);
            }
            entry.target = page.url.clone();
            entries.push(entry);
        }
    }
    if hugo.section_pages_menu {
        for entry in section_entries(hugo, pages) {
            if !entries.iter().any(|e: &MenuEntry| e.target == entry.target) {
                entries.push(entry);
            }
        }
    }
    // Hugo's order: by weight, then name; a weight of 0 is "none" and last.
    entries.sort_by(|a, b| {
        (a.weight == 0, a.weight, &a.name).cmp(&(b.weight == 0, b.weight, &b.name))
    });
    let items = entries.into_iter().map(|e| {
        let mut item = toml::Table::new();
        item.insert("name".into(), toml::Value::String(e.name));
        item.insert("url".into(), toml::Value::String(e.target));
        toml::Value::Table(item)
    });
    items.collect()
}

/// `sectionPagesMenu`: each top-level section, named by its title.
fn section_entries(hugo: &HugoConfig, pages: &[HugoPage]) -> Vec<MenuEntry> {
    let mut tops: Vec<String> = pages
        .iter()
        .filter_map(|p| {
            let (dir, _) = place(&p.rel, p.kind);
            let top = dir.split('/').next().unwrap_or("");
            (!top.is_empty()).then(|| top.to_string())
        })
        .collect();
    tops.sort();
    tops.dedup();
    tops.into_iter()
        .map(|top| {
            let own = pages
                .iter()
                .find(|p| p.kind == PageKind::Section && place(&p.rel, p.kind).0 == top);
            MenuEntry {
                weight: own.and_then(|p| p.front_matter.weight).unwrap_or(0),
                target: own.map_or_else(|| hugo.rules.section_url(&top), |p| p.url.clone()),
                name: own
                    .and_then(|p| p.front_matter.title.clone())
                    .unwrap_or(top),
                page_ref: false,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::path::Path;

    use super::*;
    use crate::import::Report;
    use crate::import::hugo::{front_matter, page};

    fn pages(hugo: &HugoConfig, files: &[(&str, PageKind, &str)]) -> Vec<HugoPage> {
        files
            .iter()
            .map(|(rel, kind, text)| {
                let split = front_matter::split(text).unwrap();
                page::read(
                    hugo,
                    rel,
                    *kind,
                    split,
                    &BTreeSet::new(),
                    &mut Report::default(),
                )
            })
            .collect()
    }

    #[test]
    fn config_entries_pages_and_sections_in_weight_order() {
        let config = "sectionPagesMenu = 'main'\n[[menus.main]]\nname = 'About'\npageRef = '/about'\nweight = 2\n[[menus.main]]\nname = 'Home'\nurl = '/'\nweight = 1\n";
        let hugo = HugoConfig::parse(config, Path::new("hugo.toml"));
        let site = pages(
            &hugo,
            &[
                ("about.md", PageKind::Regular, "---\ntitle: About me\n---\n"),
                (
                    "posts/_index.md",
                    PageKind::Section,
                    "---\ntitle: Writing\nweight: 3\n---\n",
                ),
                (
                    "posts/a.md",
                    PageKind::Regular,
                    "---\ntitle: A\nmenu: main\n---\n",
                ),
                ("trip/index.md", PageKind::Bundle, "---\ntitle: Trip\n---\n"),
            ],
        );
        let menu = main_menu(&hugo, &site);
        let items: Vec<(String, String)> = menu
            .iter()
            .map(|v| {
                (
                    v["name"].as_str().unwrap().into(),
                    v["url"].as_str().unwrap().into(),
                )
            })
            .collect();
        let want = [
            ("Home", "/"),
            ("About", "/about/"),
            ("Writing", "/posts/"),
            ("A", "/posts/a/"),
        ];
        assert_eq!(items, want.map(|(n, u)| (n.to_string(), u.to_string())));
    }
}
