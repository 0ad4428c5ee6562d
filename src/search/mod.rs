//! The site's search index (`[search] enabled`, issue 28): every page's
//! words, indexed at build time into `search-index/`, static files the
//! browser queries with no server — so search works from a bare S3 bucket.
//!
//! The index is ssg's own, built from the text ssg already holds, in
//! parallel ([`index`]); its words are cut into small files by range
//! ([`bundle`]), so a query fetches the files of its words and the page
//! lists of the results it shows, not the index. The client that reads it
//! (`client.js`, written beside the index as `search.js`) splits a query
//! by the indexer's own rule ([`words`]), matches typed words as
//! prefixes, ranks by BM25 and takes each result's excerpt from the page
//! itself. Users of Zola's elasticlunr index, one file loaded whole,
//! report it stale and heavy on large and CJK sites; Pagefind, used here
//! before, doubled a build's time (one thread, the pages' HTML parsed
//! again) and held 1.3 GB at 10,000 posts (docs/perf.md).
//!
//! Each page is read as ssg rendered its Markdown (its title and content,
//! [`documents`]), not the themed page, so listings, menus and footers
//! never turn up as results, whatever the theme.
//!
//! The whole index is made again when any indexed page's text changes,
//! or the config or templates (the ledger trusts remembered outputs only
//! under the same ones); when none did — a warm `ssg build` with nothing
//! edited — the last index is reused through the ledger ([`reuse`]).

mod bundle;
mod documents;
mod index;
mod kept_words;
mod page_text;
mod reuse;
pub mod words;

pub use reuse::IndexMemory;

use std::path::Path;

use crate::cache::Cache;
use crate::config::Config;
use crate::error::BuildError;
use crate::ledger::Ledger;
use crate::output::Output;
use crate::site::Site;

/// The folder of the index and its client in the output.
pub const BUNDLE_DIR: &str = "search-index";

/// The client, a JavaScript module: `search(query)` and the results UI.
const CLIENT: &str = include_str!("client.js");

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
    let key = documents::key(&indexed);
    if let Some(kept) = memory.reuse(key, ledger, cache) {
        crate::log::verbose(&format!("search index unchanged: {} files", kept.len()));
        return Ok(kept);
    }
    let started = std::time::Instant::now();
    let index = match memory.kept_words() {
        Some(kept) => kept.index(&indexed, documents::page_key, page_source),
        None => index::build(&indexed, page_source),
    };
    let listed: Vec<bundle::Listed> = indexed
        .iter()
        .map(|page| bundle::Listed {
            url: page.url,
            title: &page.title,
        })
        .collect();
    let mut files = bundle::files(&index, &listed);
    files.push(("search.js".to_string(), CLIENT.as_bytes().to_vec()));
    let outputs: Vec<Output> = files
        .into_iter()
        .map(|(name, bytes)| Output {
            signature: Some(key),
            ..Output::bytes(format!("{BUNDLE_DIR}/{name}"), bytes, ORIGIN)
        })
        .collect();
    crate::log::verbose(&format!(
        "search index: {} pages, {} words in {} files, {:?}",
        indexed.len(),
        index.words.len(),
        outputs.len(),
        started.elapsed()
    ));
    memory.remember(key, &outputs, cache);
    Ok(outputs)
}

/// A page as the index reads it (its text unpacked only then).
fn page_source<'a>(page: &'a documents::Indexed<'_>) -> index::PageSource<'a> {
    index::PageSource {
        title: page.title.as_str(),
        html: page.html.text(),
    }
}
