//! Where the theme comes from: `themes/NAME/` on disk, or — for `default`
//! when the site has no such folder — the copy built into the binary, so
//! `ssg init` sites stay small and pick up theme fixes with ssg upgrades.

use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::error::BuildError;
use crate::layout::THEMES;

pub enum ThemeSource {
    None,
    Embedded,
    Dir { dir: PathBuf, shown: PathBuf },
}

pub const DEFAULT_THEME: &str = "default";

macro_rules! theme_file {
    ($path:literal) => {
        (
            $path,
            include_bytes!(concat!("../themes/default/", $path)).as_slice(),
        )
    };
}

/// Every file of the built-in default theme, by path inside the theme.
const EMBEDDED: &[(&str, &[u8])] = &[
    theme_file!("templates/base.html"),
    theme_file!("templates/index.html"),
    theme_file!("templates/section.html"),
    theme_file!("templates/page.html"),
    theme_file!("templates/tags.html"),
    theme_file!("templates/tag.html"),
    theme_file!("templates/404.html"),
    theme_file!("templates/partials/page_list.html"),
    theme_file!("templates/partials/pager.html"),
    theme_file!("templates/search.html"),
    theme_file!("static/style.css"),
    theme_file!("static/code.js"),
    theme_file!("static/search.js"),
];

/// Templates of the built-in theme: (name inside templates/, text).
pub fn embedded_templates() -> impl Iterator<Item = (&'static str, &'static str)> {
    EMBEDDED.iter().filter_map(|(path, bytes)| {
        let name = path.strip_prefix("templates/")?;
        Some((name, std::str::from_utf8(bytes).ok()?))
    })
}

/// Static files of the built-in theme: (path inside static/, bytes).
pub fn embedded_static() -> impl Iterator<Item = (&'static str, &'static [u8])> {
    EMBEDDED
        .iter()
        .filter_map(|(path, bytes)| Some((path.strip_prefix("static/")?, *bytes)))
}

pub fn resolve(root: &Path, config: &Config) -> Result<ThemeSource, BuildError> {
    let Some(name) = config.theme.as_deref().filter(|n| !n.is_empty()) else {
        return Ok(ThemeSource::None);
    };
    if name.contains(['/', '\\']) || name == ".." {
        return Err(BuildError::one(
            "ssg.toml",
            None,
            format!("theme \"{name}\" must be a folder name under themes/"),
        ));
    }
    let dir = root.join(THEMES).join(name);
    if dir.is_dir() {
        return Ok(ThemeSource::Dir {
            dir,
            shown: Path::new(THEMES).join(name),
        });
    }
    if name == DEFAULT_THEME {
        return Ok(ThemeSource::Embedded);
    }
    Err(BuildError::one(
        "ssg.toml",
        None,
        format!(
            "theme \"{name}\" not found: there is no folder themes/{name}/ (the built-in theme is \"{DEFAULT_THEME}\")"
        ),
    ))
}
