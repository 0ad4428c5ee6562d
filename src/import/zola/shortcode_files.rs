//! A Zola site's own shortcode templates (`templates/shortcodes/`, and its
//! theme's), copied into the new site's `templates/shortcodes/`: ssg calls
//! them with Zola's syntax, so the pages' calls stay as written. A template
//! ssg could not load — one Tera 2 cannot parse, or one calling a Zola
//! function or filter ssg lacks (`num_format`, `get_hash`, …), which Tera 2
//! refuses when loading — is not copied (it would stop every build), and is
//! reported with its line. So is one whose `load_data` path comes from its
//! call (`load_data(path=src)`): which files it loads cannot be known from
//! the template, and one missing would stop every build. `get_page`,
//! `get_section`, `get_taxonomy*` and a quoted `load_data` work as in Zola. Tera 1's
//! positional test arguments are rewritten first (`tera1`).

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::import::{CopyFile, Plan};

/// Copies the usable shortcode templates into the plan; their names.
pub fn copy(src: &Path, theme: Option<&str>, plan: &mut Plan) -> BTreeSet<String> {
    let mut dirs = vec![PathBuf::from("templates/shortcodes")];
    if let Some(theme) = theme {
        dirs.push(Path::new("themes").join(theme).join("templates/shortcodes"));
    }
    let mut names = BTreeSet::new();
    let mut seen = BTreeSet::new();
    for dir in dirs {
        let Ok(entries) = std::fs::read_dir(src.join(&dir)) else {
            continue;
        };
        let mut files: Vec<_> = entries.flatten().map(|e| e.file_name()).collect();
        files.sort();
        for file in files {
            let file = file.to_string_lossy().into_owned();
            let Some(name) = file
                .strip_suffix(".html")
                .or_else(|| file.strip_suffix(".md"))
            else {
                continue;
            };
            // The site's file of a name wins over its theme's.
            if !seen.insert(file.clone()) {
                continue;
            }
            let rel = dir.join(&file);
            let Ok(text) = std::fs::read_to_string(src.join(&rel)) else {
                plan.report
                    .note(&rel, None, "cannot read this shortcode template", "");
                continue;
            };
            let text = super::tera1::to_tera2(&text);
            match unusable(&file, &text, &plan.config) {
                Some((line, why)) => plan.report.note(
                    &rel,
                    line,
                    format!("shortcode `{name}` not copied: {why}; its calls are shown as text"),
                    "rewrite it for ssg (README: Shortcodes) and remove the `/* */` around its calls",
                ),
                None => {
                    names.insert(name.to_string());
                    let to = format!("templates/shortcodes/{file}");
                    match text {
                        Cow::Borrowed(_) => plan.copies.push(CopyFile { from: rel, to }),
                        Cow::Owned(text) => plan.texts.push((to, text)),
                    }
                }
            }
        }
    }
    names
}

/// Why ssg could not load this template, and its line.
fn unusable(file: &str, text: &str, config: &Config) -> Option<(Option<usize>, String)> {
    if crate::render::site_functions::load_data::paths_in(text).computed {
        let line = text
            .lines()
            .position(|l| l.contains("load_data"))
            .map(|i| i + 1);
        return Some((
            line,
            "its `load_data` path comes from the call, so which files it needs cannot be \
             checked (a missing one stops every build)"
                .to_string(),
        ));
    }
    crate::import::tera_check::load_error(file, text, config)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zola_only_functions_and_unreadable_templates_are_found() {
        let config: Config = toml::from_str("").expect("empty config");
        let check = |text: &str| unusable("a.html", text, &config);
        assert_eq!(
            check("<b>{{ body | markdown | safe }}</b>{{ get_url(path=p) }}"),
            None
        );
        let (line, why) = check("x\n{% set d = load_data(path=p) %}").expect("computed path");
        assert_eq!(line, Some(2));
        assert!(
            why.contains("`load_data` path comes from the call"),
            "{why}"
        );
        assert_eq!(
            check("{% set d = load_data(path=\"data/a.toml\") %}{{ d.x }}"),
            None
        );
        assert_eq!(check("{{ get_taxonomy_url(kind=\"tags\", term=t) }}"), None);
        let (line, why) = check("\n\n{{ n | num_format }}").expect("zola only");
        assert_eq!(line, Some(3));
        assert!(why.contains("num_format"), "{why}");
        assert!(check("{% if %}").is_some());
    }
}
