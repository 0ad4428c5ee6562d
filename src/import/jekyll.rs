//! Reading a Jekyll site into an import [`Plan`].

use std::path::Path;

use anyhow::{Result, bail};

use super::Plan;

/// True when `src` holds files only a Jekyll site has.
pub fn looks_like(src: &Path) -> bool {
    let _ = src;
    false
}

/// Reads the Jekyll site at `src`.
pub fn read(src: &Path) -> Result<Plan> {
    bail!(
        "{}: importing a Jekyll site is being written",
        src.display()
    )
}
