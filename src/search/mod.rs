//! The site's search index (`[search] enabled`, issue 28): every page's
//! text, indexed at build time into `pagefind/`, a static bundle the
//! browser queries with no server — so search works from a bare S3 bucket.
//!
//! The index is Pagefind's (the `pagefind` crate, fed HTML in memory): its
//! words are split into chunks by prefix, so a query fetches the chunks
//! for its words and the fragments of the results it shows, not the
//! index. Users of Zola's elasticlunr index, one file loaded whole, report
//! it stale and heavy on large and CJK sites.
//!
//! Pagefind reads each page as ssg rendered its Markdown (its title and
//! content, [`documents`]), not the themed page, so listings, menus and
//! footers never turn up as results, whatever the theme.
//!
//! The whole index is made again when any indexed page's text changes
//! (Pagefind builds it in one go), or the config or templates (the ledger
//! trusts remembered outputs only under the same ones); when none did — a
//! warm `ssg build` with nothing edited — the last index is reused through
//! the ledger ([`reuse`]).

mod documents;
mod pagefind_bundle;
mod reuse;

pub use reuse::IndexMemory;

use std::path::Path;

use crate::cache::Cache;
use crate::config::Config;
use crate::error::BuildError;
use crate::ledger::Ledger;
use crate::output::Output;
use crate::site::Site;

/// The folder of the index and its scripts in the output.
pub const BUNDLE_DIR: &str = "pagefind";

/// What produced the index's files, in messages.
const ORIGIN: &str = "the search index ([search] in ssg.toml)";

/// The index's outputs under [`BUNDLE_DIR`], or none with search off.
/// `memory` is what the last call made (and, with `cache`, what the last
/// `ssg build` made), so an unchanged index is reused, not rebuilt.
pub fn outputs(
    site: &Site,
    config: &Config,
    root: &Path,
    ledger: &Ledger,
    memory: &mut IndexMemory,
    cache: Option<&Cache>,
) -> Result<Vec<Output>, BuildError> {
    if !config.search.enabled {
        return Ok(Vec::new());
    }
    let indexed = documents::indexed_pages(site, root)?;
    let key = documents::key(&indexed, config);
    if let Some(kept) = memory.reuse(key, ledger, cache) {
        crate::log::verbose(&format!("search index unchanged: {} files", kept.len()));
        return Ok(kept);
    }
    let started = std::time::Instant::now();
    let docs = indexed.iter().map(|page| page.document(config));
    let files = pagefind_bundle::build(indexed.len(), docs).map_err(|e| {
        BuildError::one(
            "ssg.toml",
            None,
            format!("[search]: the search index could not be built: {e:#}"),
        )
    })?;
    let outputs: Vec<Output> = files
        .into_iter()
        .map(|(name, bytes)| Output {
            signature: Some(key),
            ..Output::bytes(format!("{BUNDLE_DIR}/{name}"), bytes, ORIGIN)
        })
        .collect();
    crate::log::verbose(&format!(
        "search index: {} pages in {} files, {:?}",
        indexed.len(),
        outputs.len(),
        started.elapsed()
    ));
    memory.remember(key, &outputs, cache);
    Ok(outputs)
}
