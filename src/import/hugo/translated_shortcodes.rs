//! The site's (and its themes') shortcode templates that do more than
//! print a value — `if`/`with`/`range` over their arguments, data files,
//! partials — translated into Tera ([`to_tera`](super::to_tera)) and
//! written as `templates/shortcodes/NAME.html` of the new site, their
//! calls becoming ssg's (`{{ NAME(a="b") }}`, `{% NAME() %}…{% end %}`).
//! Only the templates a page calls are written; each is loaded once with
//! ssg's own Tera before that, so one that would not load is reported
//! rather than written.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::to_tera::{self, Sources, Translation, Writes, is_identifier};
use crate::config::Config;

/// Why a template has no Tera form: its file, line and the reason.
#[derive(Debug, Clone)]
pub struct Untranslated {
    pub file: PathBuf,
    pub line: Option<usize>,
    pub why: String,
}

impl std::fmt::Display for Untranslated {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}: {}", self.file.display(), self.why),
            None => write!(f, "{}: {}", self.file.display(), self.why),
        }
    }
}

/// One template: its file (SRC-relative), its translation, and the copy
/// writing Markdown (made when the translation is).
#[derive(Debug)]
struct Translated {
    file: PathBuf,
    html: Result<Translation, Untranslated>,
    markdown: Option<Translation>,
}

#[derive(Debug, Default)]
pub struct TranslatedShortcodes {
    /// Name → its template and translations.
    by_name: BTreeMap<String, Translated>,
    /// Names a page called, each with how: `{{% %}}` (true) or `{{< >}}`.
    /// Their templates are written.
    called: RefCell<BTreeSet<(String, bool)>>,
}

/// Suffix of the Markdown-writing copy of a translated shortcode, which
/// its `{{% %}}` calls call: Hugo renders such a call's output as
/// Markdown, as ssg renders a `.md` shortcode's.
const MARKDOWN_COPY: &str = "_md";

/// The name an ssg call of the translated shortcode `name` uses.
pub fn call_name(name: &str, markdown: bool) -> String {
    if markdown {
        format!("{name}{MARKDOWN_COPY}")
    } else {
        name.to_string()
    }
}

impl TranslatedShortcodes {
    /// Translates each template (`name` → its file, SRC-relative, and text);
    /// partials are looked for under `roots` (the site, then its themes).
    pub fn translate(
        templates: Vec<(String, PathBuf, String)>,
        roots: &[PathBuf],
        site_params: &Map<String, Value>,
        config: &Config,
    ) -> TranslatedShortcodes {
        let partial = |name: &str| read_partial(roots, name);
        let sources = Sources {
            site_params,
            partial: &partial,
        };
        let mut by_name = BTreeMap::new();
        for (name, file, text) in templates {
            let made = translate_one(&name, &file, &text, &sources, config, Writes::Html);
            let markdown = made.as_ref().ok().and_then(|_| {
                translate_one(&name, &file, &text, &sources, config, Writes::Markdown).ok()
            });
            by_name.insert(
                name,
                Translated {
                    file,
                    html: made,
                    markdown,
                },
            );
        }
        TranslatedShortcodes {
            by_name,
            called: RefCell::default(),
        }
    }

    /// Shortcode `name`'s translation (or why it has none), if the site has
    /// a template of that name that does more than print.
    pub fn get(&self, name: &str) -> Option<&Result<Translation, Untranslated>> {
        self.by_name.get(name).map(|t| &t.html)
    }

    /// Marks `name` as called, in `{{% %}}` (`markdown`) or `{{< >}}`: the
    /// template it needs is written.
    pub fn call(&self, name: &str, markdown: bool) {
        self.called
            .borrow_mut()
            .insert((name.to_string(), markdown));
    }

    /// The templates to write: (Hugo template file, DEST-relative path, text).
    /// A shortcode called in `{{% %}}` gets a copy writing Markdown.
    pub fn written(&self) -> Vec<(PathBuf, String, String)> {
        self.called
            .borrow()
            .iter()
            .filter_map(|(name, markdown)| {
                let translated = self.by_name.get(name)?;
                let translation = if *markdown {
                    translated.markdown.as_ref()?
                } else {
                    translated.html.as_ref().ok()?
                };
                let extension = if *markdown { "md" } else { "html" };
                let written = call_name(name, *markdown);
                Some((
                    translated.file.clone(),
                    format!("templates/shortcodes/{written}.{extension}"),
                    translation.tera.clone(),
                ))
            })
            .collect()
    }
}

fn translate_one(
    name: &str,
    file: &Path,
    text: &str,
    sources: &Sources,
    config: &Config,
    writes: Writes,
) -> Result<Translation, Untranslated> {
    let untranslated = |line: Option<usize>, why: String| Untranslated {
        file: file.to_path_buf(),
        line,
        why,
    };
    if !is_identifier(name) {
        return Err(untranslated(
            None,
            format!("`{name}` is not a name an ssg call can have"),
        ));
    }
    let translation = to_tera::shortcode(name, text, sources, writes)
        .map_err(|(line, why)| untranslated((line > 0).then_some(line), why))?;
    let written = match writes {
        Writes::Html => format!("shortcodes/{name}.html"),
        Writes::Markdown => format!("shortcodes/{}.md", call_name(name, true)),
    };
    if let Some((_, why)) =
        crate::import::tera_check::load_error(&written, &translation.tera, config)
    {
        return Err(untranslated(
            None,
            format!("its translation into Tera: {why}"),
        ));
    }
    Ok(translation)
}

/// `layouts/partials/NAME.html` (or `_partials/`, Hugo 0.146) of the
/// first root that has it.
fn read_partial(roots: &[PathBuf], name: &str) -> Option<String> {
    if name.contains("..") {
        return None;
    }
    let file = if name.ends_with(".html") {
        name.to_string()
    } else {
        format!("{name}.html")
    };
    roots.iter().find_map(|root| {
        ["layouts/partials", "layouts/_partials"]
            .iter()
            .find_map(|dir| std::fs::read_to_string(root.join(dir).join(&file)).ok())
    })
}
