//! Carries a [`Plan`] out: the new site is written into a staging folder
//! beside DEST and renamed into place once complete, so a failed import
//! leaves no half-written site. SRC is only ever read.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};

use super::Plan;
use crate::config::CONFIG_FILE;

/// Refuses a DEST that holds anything, or that lies inside SRC (the
/// import would then write into the site it reads).
pub fn check_dest(src: &Path, dest: &Path) -> Result<()> {
    let dest_abs = std::path::absolute(dest)?;
    if dest_abs.starts_with(src) {
        bail!(
            "{}: inside the site being imported; choose a folder outside {}",
            dest.display(),
            src.display()
        );
    }
    if let Ok(mut entries) = fs::read_dir(dest)
        && entries.next().is_some()
    {
        bail!(
            "{}: already exists and is not empty; choose a new folder",
            dest.display()
        );
    }
    Ok(())
}

/// Writes the plan's files into DEST.
pub fn write_site(src: &Path, plan: &Plan, dest: &Path) -> Result<()> {
    let staging = staging_dir(dest);
    if staging.exists() {
        fs::remove_dir_all(&staging)
            .with_context(|| format!("cannot remove {}", staging.display()))?;
    }
    let written = write_files(src, plan, &staging);
    if let Err(err) = written {
        let _ = fs::remove_dir_all(&staging);
        return Err(err);
    }
    if dest.exists() {
        // check_dest saw it empty.
        fs::remove_dir(dest).with_context(|| format!("cannot replace {}", dest.display()))?;
    }
    fs::rename(&staging, dest)
        .with_context(|| format!("cannot move {} to {}", staging.display(), dest.display()))
}

fn staging_dir(dest: &Path) -> PathBuf {
    let name = dest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    dest.with_file_name(format!(".{name}.importing"))
}

fn write_files(src: &Path, plan: &Plan, root: &Path) -> Result<()> {
    let config = toml::to_string(&plan.config).context("cannot write the config")?;
    write_text(root, CONFIG_FILE, &config)?;
    write_text(root, ".gitignore", "/public/\n/.ssg-cache/\n")?;
    for page in &plan.pages {
        write_text(root, &page.dest, &page.text())?;
    }
    for (rel, text) in &plan.texts {
        write_text(root, rel, text)?;
    }
    for copy in &plan.copies {
        let to = root.join(&copy.to);
        make_parent(&to)?;
        let from = src.join(&copy.from);
        fs::copy(&from, &to)
            .with_context(|| format!("cannot copy {} to {}", from.display(), to.display()))?;
    }
    Ok(())
}

fn write_text(root: &Path, rel: &str, text: &str) -> Result<()> {
    let path = root.join(rel);
    make_parent(&path)?;
    fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))
}

fn make_parent(path: &Path) -> Result<()> {
    match path.parent() {
        Some(parent) => fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display())),
        None => Ok(()),
    }
}
