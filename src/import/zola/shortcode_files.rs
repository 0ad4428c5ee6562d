//! A Zola site's own shortcode templates (`templates/shortcodes/`, and its
//! theme's), copied into the new site's `templates/shortcodes/`: ssg calls
//! them with Zola's syntax, so the pages' calls stay as written. A template
//! ssg could not load — one Tera 2 cannot parse, or one calling a Zola
//! function or filter ssg lacks (`load_data`, `get_page`, `resize_image`,
//! `num_format`, …), which Tera 2 refuses when loading — is not copied (it
//! would stop every build), and is reported with its line. Tera 1's
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
    let mut tera = crate::templates::with_helpers(config);
    let error = tera.add_raw_template(file, text).err()?;
    let shown = error.to_string();
    // Tera's message: `error: WHAT\n --> FILE:LINE:COLUMN\n …`.
    let what = shown
        .lines()
        .next()
        .unwrap_or("")
        .trim_start_matches("error: ");
    let line = shown
        .split_once(&format!("{file}:"))
        .and_then(|(_, at)| at.split(':').next()?.parse().ok());
    Some((line, format!("ssg's templates cannot load it ({what})")))
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
        let (line, why) = check("x\n{% set d = load_data(path=p) %}").expect("zola only");
        assert_eq!(line, Some(2));
        assert!(why.contains("load_data"), "{why}");
        assert!(check("{{ n | num_format }}").is_some());
        assert!(check("{% if %}").is_some());
    }
}
