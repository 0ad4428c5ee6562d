//! The build as a function: (config, input files) → outputs in memory, plus
//! the link report. Writing to disk is the last step, taken by the ledger
//! (which also decides what changed), so `check` and `serve` use the same
//! pipeline without touching `public/`.
//!
//! `build_into`, what `ssg build` runs, reads top to bottom as the stages:
//! load ([`Session`]: config, templates, content, Markdown) → render
//! (templates; outputs the ledger has unchanged are reused) → ledger
//! (decide what changed, write it, record it).

mod files;
mod links;
mod pages;
mod session;

pub use session::{Reach, Session};

use std::path::Path;
use std::time::{Duration, Instant};

use crate::config::Config;
use crate::error::{BuildError, Diagnostic};
use crate::ledger::FolderUpdate;
use crate::output::Output;

#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Include pages marked `draft`.
    pub drafts: bool,
    /// Overrides `base_url` from the config.
    pub base_url: Option<String>,
    /// Use the build cache in `.ssg-cache/` (reading and writing it).
    pub use_cache: bool,
    /// `asset_url` gives the plain names (`ssg serve`: a stylesheet edit is
    /// swapped into the open page, where a new name would reload it).
    pub plain_asset_names: bool,
}

#[derive(Debug, Clone, Default)]
pub struct Stats {
    pub pages: usize,
    pub sections: usize,
    pub tags: usize,
    pub files: usize,
    /// Templated outputs rendered (the rest were unchanged and reused).
    pub rendered: usize,
    pub rendered_paths: Vec<String>,
    pub elapsed: Duration,
}

/// A site built in memory.
pub struct Built {
    pub config: Config,
    /// Sorted by path, no duplicates.
    pub outputs: Vec<Output>,
    pub stats: Stats,
    /// Internal links that point nowhere: a warning for `build`, an error for `check`.
    pub broken_links: Vec<Diagnostic>,
    /// Problems that did not stop the build.
    pub warnings: Vec<Diagnostic>,
    /// With a ledger in memory: the outputs whose bytes changed since the
    /// last render, or that went away, sorted (what `ssg serve` reloads).
    pub changed: Vec<String>,
}

/// What [`build_into`] built, and what it did to the output folder.
pub struct BuildOutcome {
    pub built: Built,
    pub folder: FolderUpdate,
}

/// Loads the config with command-line overrides applied.
pub fn load_config(root: &Path, opts: &BuildOptions) -> Result<Config, BuildError> {
    let mut config = Config::load(root)?;
    if let Some(url) = &opts.base_url {
        config.base_url = crate::urlpath::trimmed_base_url(url).to_string();
    }
    if opts.drafts {
        config.build.drafts = true;
    }
    Ok(config)
}

/// Builds the site under `root` in memory.
pub fn build(root: &Path, opts: &BuildOptions) -> Result<Built, BuildError> {
    let started = Instant::now();
    let mut session = Session::load(root, opts)?;
    let mut built = session.render()?;
    built.stats.elapsed = started.elapsed();
    Ok(built)
}

/// `ssg build`: builds the site and writes it to the output folder (`-o`
/// or `build.output_dir`). With the cache on and a folder the last build
/// wrote, only changed outputs are rendered and written; otherwise the
/// folder is written whole. Either way a failed build leaves it untouched.
pub fn build_into(
    root: &Path,
    opts: &BuildOptions,
    out_flag: Option<&Path>,
) -> anyhow::Result<BuildOutcome> {
    let started = Instant::now();
    let mut session = Session::load_for_folder(root, opts, out_flag)?;
    let mut built = session.render()?;
    let folder = session.ledger.write(&built.outputs)?;
    crate::log::verbose(&format!(
        "wrote the output: {:?}{}",
        started.elapsed(),
        crate::log::peak_memory()
    ));
    built.stats.elapsed = started.elapsed();
    // Freeing every page one by one would delay the caller (a tenth of a
    // second at 10,000 pages, when `ssg build` is about to exit); the
    // Markdown cache is saved first, so nothing is cut short.
    session.finish_cache_writes();
    std::thread::spawn(move || drop(session));
    Ok(BuildOutcome { built, folder })
}
