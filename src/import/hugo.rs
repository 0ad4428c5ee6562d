//! Reading a Hugo site into an import [`Plan`].

use std::path::Path;

use anyhow::{Result, bail};

use super::Plan;

/// True when `src` holds files only a Hugo site has.
pub fn looks_like(src: &Path) -> bool {
    let _ = src;
    false
}

/// Reads the Hugo site at `src`.
pub fn read(src: &Path) -> Result<Plan> {
    bail!("{}: importing a Hugo site is being written", src.display())
}
