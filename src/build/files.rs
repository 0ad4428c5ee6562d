//! Outputs that are copied rather than rendered: `static/` of the theme
//! and the site, and the assets beside pages and in section folders.

use std::collections::HashMap;
use std::path::Path;

use walkdir::WalkDir;

use crate::content::{Page, Section};
use crate::error::BuildError;
use crate::layout::{CONTENT, STATIC, name_under};
use crate::output::Output;
use crate::theme::{self, ThemeSource};

/// Files beside a bundle's index.md, and non-Markdown files in section folders.
pub fn asset_outputs(root: &Path, pages: &[Page], sections: &[Section]) -> Vec<Output> {
    let content = Path::new(CONTENT);
    let mut out = Vec::new();
    let mut add = |base: &str, rel: &str| {
        let name = rel.rsplit('/').next().unwrap_or(rel);
        let shown = content.join(rel);
        out.push(Output::copy(
            format!("{}{}", base.trim_start_matches('/'), name),
            root.join(&shown),
            shown.display().to_string(),
        ));
    };
    for page in pages {
        for a in &page.assets {
            // Keep sub-folders of a bundle (`trip/img/a.jpg` → `/blog/trip/img/a.jpg`).
            let bundle_dir = page.rel.rsplit_once('/').map_or("", |(dir, _)| dir);
            let inner = a
                .strip_prefix(bundle_dir)
                .unwrap_or(a)
                .trim_start_matches('/');
            // A page whose `path` names a file (`/2019/x.html`) has its
            // assets in that file's folder, where its relative links lead.
            let page_folder = &page.path[..page.path.rfind('/').map_or(0, |i| i + 1)];
            let base = match inner.rsplit_once('/') {
                Some((sub, _)) => format!("{page_folder}{sub}/"),
                None => page_folder.to_string(),
            };
            add(&base, a);
        }
    }
    for section in sections {
        for a in &section.assets {
            add(&section.path, a);
        }
    }
    out
}

/// `static/` of the theme, then of the site (the site's file wins on the same path).
pub fn static_outputs(root: &Path, theme: &ThemeSource) -> Result<Vec<Output>, BuildError> {
    let mut by_path: HashMap<String, Output> = HashMap::new();
    match theme {
        ThemeSource::None => {}
        ThemeSource::Embedded => {
            for (path, bytes) in theme::embedded_static() {
                by_path.insert(
                    path.to_string(),
                    Output::bytes(
                        path.to_string(),
                        bytes.to_vec(),
                        format!("built-in theme static/{path}"),
                    ),
                );
            }
        }
        ThemeSource::Dir { dir, shown } => {
            copy_tree(&dir.join(STATIC), &shown.join(STATIC), &mut by_path)?;
        }
    }
    copy_tree(&root.join(STATIC), Path::new(STATIC), &mut by_path)?;
    Ok(by_path.into_values().collect())
}

fn copy_tree(
    dir: &Path,
    shown: &Path,
    into: &mut HashMap<String, Output>,
) -> Result<(), BuildError> {
    if !dir.is_dir() {
        return Ok(());
    }
    for entry in WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.map_err(|e| BuildError::one(shown, None, format!("cannot read: {e}")))?;
        if !entry.file_type().is_file()
            || crate::layout::is_static_junk(&entry.file_name().to_string_lossy())
        {
            continue;
        }
        let rel = name_under(dir, entry.path());
        let origin = shown.join(&rel).display().to_string();
        into.insert(
            rel.clone(),
            Output::copy(rel, entry.path().to_path_buf(), origin),
        );
    }
    Ok(())
}
