//! Reading a Zola site into an import [`Plan`].

use std::path::Path;

use anyhow::{Result, bail};

use super::Plan;

/// True when `src` holds files only a Zola site has.
pub fn looks_like(src: &Path) -> bool {
    let _ = src;
    false
}

/// Reads the Zola site at `src`.
pub fn read(src: &Path) -> Result<Plan> {
    bail!("{}: importing a Zola site is being written", src.display())
}
