//! A Zola site's own shortcode templates (`templates/shortcodes/`, and its
//! theme's), copied into the new site's `templates/shortcodes/`: ssg calls
//! them with Zola's syntax, so the pages' calls stay as written. A template
//! ssg could not load — one Tera 2 cannot parse, or one calling a Zola
//! function or filter ssg lacks (`num_format`, `get_hash`, …), which Tera 2
//! refuses when loading — is not copied (it would stop every build), and is
//! reported with its line. So is one calling a function that ssg gives
//! templates but not shortcodes (`get_page`, `load_data`, …: a shortcode is
//! rendered with its page's Markdown, before the site is put together).

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
            match unusable(&file, &text, &plan.config) {
                Some((line, why)) => plan.report.note(
                    &rel,
                    line,
                    format!("shortcode `{name}` not copied: {why}; its calls are shown as text"),
                    "rewrite it for ssg (README: Shortcodes) and remove the `/* */` around its calls",
                ),
                None => {
                    names.insert(name.to_string());
                    plan.copies.push(CopyFile {
                        from: rel,
                        to: format!("templates/shortcodes/{file}"),
                    });
                }
            }
        }
    }
    names
}

/// Functions ssg's templates have and its shortcodes do not.
const TEMPLATE_ONLY: &[&str] = &[
    "get_page",
    "get_section",
    "get_taxonomy_term",
    "get_taxonomy_url",
    "get_taxonomy",
    "load_data",
];

/// Why ssg could not load this template, and its line.
fn unusable(file: &str, text: &str, config: &Config) -> Option<(Option<usize>, String)> {
    if let Some((line, function)) = template_only_call(text) {
        return Some((
            Some(line),
            format!(
                "it calls `{function}`, which ssg's templates have but its shortcodes do not \
                 (a shortcode is rendered before the rest of the site)"
            ),
        ));
    }
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

/// The first call of a [`TEMPLATE_ONLY`] function in `text`: its line and name.
fn template_only_call(text: &str) -> Option<(usize, &'static str)> {
    text.lines().enumerate().find_map(|(i, line)| {
        TEMPLATE_ONLY
            .iter()
            .find(|f| line.contains(&format!("{f}(")))
            .map(|f| (i + 1, *f))
    })
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
        let (line, why) = check("x\n{% set d = load_data(path=p) %}").expect("templates only");
        assert_eq!(line, Some(2));
        assert!(
            why.contains("`load_data`, which ssg's templates have"),
            "{why}"
        );
        let (_, why) =
            check("{{ get_taxonomy_url(kind=\"tags\", term=t) }}").expect("templates only");
        assert!(why.contains("`get_taxonomy_url`"), "{why}");
        let (line, why) = check("\n\n{{ n | num_format }}").expect("zola only");
        assert_eq!(line, Some(3));
        assert!(why.contains("num_format"), "{why}");
        assert!(check("{% if %}").is_some());
    }
}
