//! `ssg import`: moves a Hugo, Zola or Jekyll site into a new ssg site
//! without losing a URL.
//!
//! The same split as `publish` and `provision`: each source kind's module
//! *reads* the source into a [`Plan`] — the files of the new site and a
//! [`Report`] of everything converted or not — without writing anything;
//! [`write::write_site`] then carries the plan out into DEST. `--dry-run`
//! stops after the plan.

pub mod hugo;
pub mod jekyll;
pub mod literal_calls;
pub mod plan;
pub mod report;
pub mod static_files;
pub mod tera_check;
pub mod write;
pub mod zola;

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};

pub use plan::{CopyFile, NewFrontMatter, NewPage, Plan};
pub use report::{Finding, Report};

/// The generators `ssg import` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    Hugo,
    Zola,
    Jekyll,
}

impl SourceKind {
    pub fn name(self) -> &'static str {
        match self {
            SourceKind::Hugo => "Hugo",
            SourceKind::Zola => "Zola",
            SourceKind::Jekyll => "Jekyll",
        }
    }

    /// Which generator `src` was made for, from the files only that one keeps.
    pub fn detect(src: &Path) -> Option<SourceKind> {
        if jekyll::looks_like(src) {
            Some(SourceKind::Jekyll)
        } else if hugo::looks_like(src) {
            Some(SourceKind::Hugo)
        } else if zola::looks_like(src) {
            Some(SourceKind::Zola)
        } else {
            None
        }
    }

    /// Reads the source site into a plan; writes nothing.
    pub fn read(self, src: &Path) -> Result<Plan> {
        match self {
            SourceKind::Hugo => hugo::read(src),
            SourceKind::Zola => zola::read(src),
            SourceKind::Jekyll => jekyll::read(src),
        }
    }
}

pub struct ImportOptions {
    pub src: PathBuf,
    /// Default: [`default_dest`].
    pub dest: Option<PathBuf>,
    /// Default: [`SourceKind::detect`].
    pub from: Option<SourceKind>,
    /// Plan and report only.
    pub dry_run: bool,
}

/// A new folder beside SRC: `blog` → `blog-ssg`.
pub fn default_dest(src: &Path) -> PathBuf {
    let name = src
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "site".into());
    src.with_file_name(format!("{name}-ssg"))
}

/// Runs an import: detect, read, and (unless a dry run) write DEST. The
/// report says what was done; it is an `Err` only when nothing could be
/// read or DEST cannot be written.
pub fn import(opts: &ImportOptions) -> Result<Report> {
    let src = std::path::absolute(&opts.src)?;
    if !src.is_dir() {
        bail!("{}: not a folder", opts.src.display());
    }
    let kind = match opts.from.or_else(|| SourceKind::detect(&src)) {
        Some(kind) => kind,
        None => bail!(
            "{}: not a Hugo, Zola or Jekyll site (no hugo.toml/config.toml, _config.yml or _posts/); \
             name the kind with --from hugo|zola|jekyll",
            opts.src.display()
        ),
    };
    let dest = opts.dest.clone().unwrap_or_else(|| default_dest(&src));
    if !opts.dry_run {
        write::check_dest(&src, &dest)?;
    }
    let mut plan = kind.read(&src)?;
    plan.count();
    plan.report.finish();
    let mut report = plan.report.clone();
    report.kind = Some(kind);
    report.dest = dest.clone();
    report.dry_run = opts.dry_run;
    if !opts.dry_run && !plan.is_empty() {
        write::write_site(&src, &plan, &dest)?;
    }
    Ok(report)
}
