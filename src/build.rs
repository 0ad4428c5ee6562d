//! The build as a function: (config, input files) → outputs in memory, plus
//! the link report. Writing to disk is the caller's last step, so `check`
//! and `serve` can use the same pipeline without touching `public/`.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::config::Config;
use crate::content::walk;
use crate::error::{BuildError, Diagnostic};
use crate::highlight;
use crate::markdown::{self, InternalLink, MarkdownOptions, PageLinks, Rendered};
use crate::output::{self, Output};
use crate::render;
use crate::site::Site;
use crate::templates;
use crate::theme::{self, ThemeSource};

#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Include pages marked `draft`.
    pub drafts: bool,
    /// Overrides `base_url` from the config.
    pub base_url: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Stats {
    pub pages: usize,
    pub sections: usize,
    pub tags: usize,
    pub files: usize,
    pub elapsed: Duration,
}

pub struct Built {
    pub config: Config,
    /// Sorted by path, no duplicates.
    pub outputs: Vec<Output>,
    pub stats: Stats,
    /// Internal links that point nowhere: a warning for `build`, an error for `check`.
    pub broken_links: Vec<Diagnostic>,
    /// Problems that did not stop the build.
    pub warnings: Vec<Diagnostic>,
}

/// Loads the config with command-line overrides applied.
pub fn load_config(root: &Path, opts: &BuildOptions) -> Result<Config, BuildError> {
    let mut config = Config::load(root)?;
    if let Some(url) = &opts.base_url {
        config.base_url = url.trim_end_matches('/').to_string();
    }
    if opts.drafts {
        config.build.drafts = true;
    }
    Ok(config)
}

/// Builds the site under `root` in memory.
pub fn build(root: &Path, opts: &BuildOptions) -> Result<Built, BuildError> {
    let started = Instant::now();
    let config = load_config(root, opts)?;
    let theme = theme::resolve(root, &config)?;
    let highlight_css = if config.markdown.highlight {
        Some(
            highlight::theme_css(&config.markdown.highlight_theme)
                .map_err(|m| BuildError::one("ssg.toml", None, m))?,
        )
    } else {
        None
    };

    let (templates, content) = rayon::join(
        || templates::load(root, &config, &theme),
        || {
            walk::load(
                &root.join("content"),
                Path::new("content"),
                config.build.drafts,
            )
        },
    );
    let templates = templates?;
    let mut content = content?;
    crate::log::verbose(&format!(
        "read content and templates: {:?}",
        started.elapsed()
    ));

    // Every content file's URL, so `[x](other.md)` and `@/blog/x.md` resolve.
    let mut urls: HashMap<String, String> = HashMap::new();
    for p in &content.pages {
        urls.insert(p.rel.clone(), p.path.clone());
    }
    for s in &content.sections {
        let index = if s.dir.is_empty() {
            "_index.md".to_string()
        } else {
            format!("{}/_index.md", s.dir)
        };
        urls.insert(index, s.path.clone());
    }
    let resolve = |rel: &str| urls.get(rel).cloned();
    let md = MarkdownOptions {
        highlight: config.markdown.highlight,
        smart_punctuation: config.markdown.smart_punctuation,
    };
    content.pages.par_iter_mut().for_each(|page| {
        page.rendered = markdown::render(
            &page.body,
            md,
            &PageLinks {
                source: &page.rel,
                path: &page.path,
                resolve: &resolve,
            },
        );
        if let Some(summary) = &page.front_matter.summary {
            page.rendered.summary = Some(markdown::render_inline(summary, md));
        }
    });
    content.sections.par_iter_mut().for_each(|section| {
        let rel = if section.dir.is_empty() {
            "_index.md".to_string()
        } else {
            format!("{}/_index.md", section.dir)
        };
        section.rendered = markdown::render(
            &section.body,
            md,
            &PageLinks {
                source: &rel,
                path: &section.path,
                resolve: &resolve,
            },
        );
    });
    crate::log::verbose(&format!("rendered markdown: {:?}", started.elapsed()));

    let site = Site::new(content);
    let mut outputs = render::render_all(&site, &config, &templates).map_err(BuildError::from)?;
    crate::log::verbose(&format!("rendered templates: {:?}", started.elapsed()));

    outputs.extend(asset_outputs(root, &site));
    outputs.extend(static_outputs(root, &theme)?);
    if let Some(css) = highlight_css {
        outputs.push(Output::bytes(
            "highlight.css".into(),
            css.into_bytes(),
            format!("highlight_theme \"{}\"", config.markdown.highlight_theme),
        ));
    }
    output::check_conflicts(&mut outputs).map_err(BuildError::from)?;

    let mut warnings = Vec::new();
    let broken_links = check_links(&site, &outputs, &mut warnings);
    let stats = Stats {
        pages: site.pages.len(),
        sections: site.sections.len(),
        tags: site.tags.len(),
        files: outputs.len(),
        elapsed: started.elapsed(),
    };
    Ok(Built {
        config,
        outputs,
        stats,
        broken_links,
        warnings,
    })
}

/// Files beside a bundle's index.md, and non-Markdown files in section folders.
fn asset_outputs(root: &Path, site: &Site) -> Vec<Output> {
    let content = Path::new("content");
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
    for page in &site.pages {
        for a in &page.assets {
            // Keep sub-folders of a bundle (`trip/img/a.jpg` → `/blog/trip/img/a.jpg`).
            let bundle_dir = page.rel.trim_end_matches("index.md");
            let inner = a.strip_prefix(bundle_dir).unwrap_or(a);
            let base = match inner.rsplit_once('/') {
                Some((sub, _)) => format!("{}{}/", page.path, sub),
                None => page.path.clone(),
            };
            add(&base, a);
        }
    }
    for section in &site.sections {
        for a in &section.assets {
            add(&section.path, a);
        }
    }
    out
}

fn is_junk(name: &str) -> bool {
    name == ".DS_Store" || name == "Thumbs.db" || name.ends_with('~') || name.ends_with(".swp")
}

/// `static/` of the theme, then of the site (the site's file wins on the same path).
fn static_outputs(root: &Path, theme: &ThemeSource) -> Result<Vec<Output>, BuildError> {
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
            copy_tree(&dir.join("static"), &shown.join("static"), &mut by_path)?;
        }
    }
    copy_tree(&root.join("static"), Path::new("static"), &mut by_path)?;
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
        if !entry.file_type().is_file() || is_junk(&entry.file_name().to_string_lossy()) {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(dir)
            .unwrap_or(entry.path())
            .to_string_lossy()
            .replace('\\', "/");
        let origin = shown.join(&rel).display().to_string();
        into.insert(
            rel.clone(),
            Output::copy(rel, entry.path().to_path_buf(), origin),
        );
    }
    Ok(())
}

/// Every internal link of every page and section that matches no output.
fn check_links(site: &Site, outputs: &[Output], warnings: &mut Vec<Diagnostic>) -> Vec<Diagnostic> {
    let existing: HashSet<&str> = outputs.iter().map(|o| o.path.as_str()).collect();
    let exists = |path: &str| {
        let rel = path.trim_start_matches('/');
        if rel.is_empty() {
            return existing.contains("index.html");
        }
        if path.ends_with('/') {
            return existing.contains(format!("{rel}index.html").as_str());
        }
        existing.contains(rel) || existing.contains(format!("{rel}/index.html").as_str())
    };
    let mut broken = Vec::new();
    let mut report = |source: &Path, offset: usize, rendered: &Rendered| {
        let line = |l: &InternalLink| Some(l.line + offset);
        for link in &rendered.links {
            if !link.path.is_empty() && !exists(&link.path) {
                broken.push(Diagnostic::new(
                    source,
                    line(link),
                    format!(
                        "broken link: {} (no page or file at {})",
                        link.written, link.path
                    ),
                ));
            }
        }
        for link in &rendered.broken_content_links {
            broken.push(Diagnostic::new(
                source,
                line(link),
                format!(
                    "broken link: {} (no content file content/{})",
                    link.written, link.path
                ),
            ));
        }
        for w in &rendered.warnings {
            warnings.push(Diagnostic::new(
                source,
                Some(w.line + offset),
                w.message.clone(),
            ));
        }
    };
    for page in &site.pages {
        report(&page.source, page.body_line_offset, &page.rendered);
    }
    for section in &site.sections {
        if let Some(source) = &section.source {
            report(source, section.body_line_offset, &section.rendered);
        }
    }
    broken.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
    broken
}

/// Where `ssg build` writes: `-o` if given, else `build.output_dir` under the root.
pub fn output_dir(root: &Path, config: &Config, flag: Option<&Path>) -> PathBuf {
    match flag {
        Some(p) => p.to_path_buf(),
        None => root.join(&config.build.output_dir),
    }
}
