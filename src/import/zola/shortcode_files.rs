//! A Zola site's own shortcode templates (`templates/shortcodes/`, and its
//! theme's), copied into the new site's `templates/shortcodes/`: ssg calls
//! them with Zola's syntax, so the pages' calls stay as written. A template
//! ssg could not load — one Tera 2 cannot parse, or one calling a Zola
//! function or filter ssg lacks (`num_format`, `get_hash`, …), which Tera 2
//! refuses when loading — is not copied (it would stop every build), and is
//! reported with its line. So is one whose `load_data` path comes from its
//! call (`load_data(path=src)`) unless it says `required=false`: which
//! files it loads cannot be known from the template, and one missing would
//! stop every build; with `required=false` the files of the folder its
//! path starts with are copied along. `get_page`, `get_section`,
//! `get_taxonomy*` and a quoted `load_data` work as in Zola. Tera 1's
//! spellings are rewritten first (`tera1`), and the macro files it
//! imports become components (`macros`).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::import::{CopyFile, Plan};

/// Copies the usable shortcode templates into the plan; their names.
pub fn copy(src: &Path, theme: Option<&str>, plan: &mut Plan) -> BTreeSet<String> {
    let mut dirs = vec![PathBuf::from("templates")];
    if let Some(theme) = theme {
        dirs.push(Path::new("themes").join(theme).join("templates"));
    }
    let mut names = BTreeSet::new();
    let mut seen = BTreeSet::new();
    let mut written = BTreeSet::new();
    for dir in &dirs {
        let dir = dir.join("shortcodes");
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
            match usable(&file, &text, src, &dirs, &plan.config) {
                Err((line, why)) => plan.report.note(
                    &rel,
                    line,
                    format!("shortcode `{name}` not copied: {why}; its calls are shown as text"),
                    "rewrite it for ssg (README: Shortcodes) and remove the `/* */` around its calls",
                ),
                Ok(usable) => {
                    names.insert(name.to_string());
                    let to = format!("templates/shortcodes/{file}");
                    if usable.text == text {
                        plan.copies.push(CopyFile { from: rel, to });
                    } else {
                        plan.texts.push((to, usable.text));
                    }
                    for (path, components) in usable.beside {
                        if written.insert(path.clone()) {
                            plan.texts.push((path, components));
                        }
                    }
                    for from in usable.data_files {
                        if written.insert(from.clone()) {
                            let to = from.clone();
                            plan.copies.push(CopyFile { from: from.into(), to });
                        }
                    }
                }
            }
        }
    }
    names
}

/// A shortcode as the new site gets it.
struct Usable {
    text: String,
    /// Templates it calls components of: path in the new site, text.
    beside: Vec<(String, String)>,
    /// Files a computed `load_data` path may name, as in the old site.
    data_files: Vec<String>,
}

/// The shortcode in `text` as ssg can load it, or why it cannot and the
/// line. `dirs` are the old site's template folders, its own first.
fn usable(
    file: &str,
    text: &str,
    src: &Path,
    dirs: &[PathBuf],
    config: &Config,
) -> Result<Usable, (Option<usize>, String)> {
    let line_of = |needle: &str| text.lines().position(|l| l.contains(needle)).map(|i| i + 1);
    let text = super::tera1::to_tera2(text);
    let rewritten = super::macros::calls_to_components(&text).map_err(|why| (None, why))?;
    let mut beside = Vec::new();
    for import in &rewritten.imports {
        let found = dirs
            .iter()
            .find_map(|dir| std::fs::read_to_string(src.join(dir).join(import)).ok())
            .ok_or_else(|| {
                (
                    line_of(import),
                    format!("the macro file `{import}` it imports is not in templates/"),
                )
            })?;
        let components = super::macros::file_to_components(import, &super::tera1::to_tera2(&found))
            .map_err(|why| (line_of(import), format!("{import}: {why}")))?;
        beside.push((format!("templates/{import}"), components));
    }
    let data_dirs =
        optional_load_dirs(&rewritten.text).map_err(|why| (line_of("load_data"), why))?;
    let checked: Vec<(String, String)> = beside
        .iter()
        .map(|(path, text)| {
            (
                path.trim_start_matches("templates/").to_string(),
                text.clone(),
            )
        })
        .collect();
    if let Some(problem) =
        crate::import::tera_check::load_error_beside(file, &rewritten.text, &checked, config)
    {
        return Err(problem);
    }
    Ok(Usable {
        text: rewritten.text,
        beside,
        data_files: files_under(src, &data_dirs),
    })
}

/// The folders the computed `load_data` paths of `text` start with
/// (`"themes/tabi/i18n/" ~ lang ~ ".toml"` → `themes/tabi/i18n/`). A
/// computed path is usable only with `required=false`: a file missing for
/// one call then gives nothing, where it would stop every build.
fn optional_load_dirs(text: &str) -> Result<Vec<String>, String> {
    use crate::render::site_functions::load_data::{argument, quoted};
    let mut dirs = Vec::new();
    for (at, _) in text.match_indices("load_data(") {
        let args = &text[at + "load_data(".len()..];
        let args = &args[..super::tera1::argument_length(args).unwrap_or(args.len())];
        let Some(path) = argument(args, "path") else {
            continue;
        };
        if quoted(path).is_some() {
            continue;
        }
        let optional =
            argument(args, "required").is_some_and(|r| r.trim_start().starts_with("false"));
        if !optional {
            return Err(
                "its `load_data` path comes from the call, so which files it needs cannot be \
                 checked (a missing one stops every build)"
                    .to_string(),
            );
        }
        let path = path.trim_start();
        let literal = path
            .strip_prefix('"')
            .or_else(|| path.strip_prefix('\''))
            .and_then(|p| p.split(['"', '\'']).next());
        if let Some(dir) = literal.and_then(|l| l.rfind('/').map(|end| &l[..=end])) {
            dirs.push(dir.to_string());
        }
    }
    Ok(dirs)
}

/// The files under each of `dirs` of the old site, with `/`, sorted.
fn files_under(src: &Path, dirs: &[String]) -> Vec<String> {
    let mut files = BTreeSet::new();
    for dir in dirs {
        if dir.split('/').any(|part| part == "..") {
            continue;
        }
        for entry in walkdir::WalkDir::new(src.join(dir)).into_iter().flatten() {
            if entry.file_type().is_file()
                && let Ok(rel) = entry.path().strip_prefix(src)
            {
                files.insert(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    files.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zola_only_functions_and_unreadable_templates_are_found() {
        let config: Config = toml::from_str("").expect("empty config");
        let check =
            |text: &str| usable("a.html", text, Path::new("/nonexistent"), &[], &config).err();
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
        // A computed path that may miss: usable, its folder copied along.
        let optional =
            "{% set d = load_data(path=\"themes/t/i18n/\" ~ lang ~ \".toml\", required=false) %}";
        assert_eq!(check(optional), None);
        assert_eq!(
            optional_load_dirs(optional),
            Ok(vec!["themes/t/i18n/".to_string()])
        );
        let required = optional.replace("false", "true");
        assert!(check(&required).is_some());
        let (line, why) = check("\n\n{{ n | num_format }}").expect("zola only");
        assert_eq!(line, Some(3));
        assert!(why.contains("num_format"), "{why}");
        assert!(check("{% if %}").is_some());
    }
}
