//! Pagefind's indexer, run on documents in memory: the bundle it returns
//! is the index (chunked word lists, page fragments), the WebAssembly
//! search engine and the scripts and styles of its UI — every file the
//! browser needs, so nothing is fetched from elsewhere.
//!
//! Pagefind's API is async only because its CLI writes files with tokio;
//! given documents in memory it does no I/O, and a one-thread runtime of
//! our own runs it inside the (synchronous) build.

use anyhow::{Context as _, Result};
use pagefind::api::PagefindIndex;
use pagefind::options::PagefindServiceConfig;

use super::documents::Document;

/// The bundle's files (path inside the bundle folder, bytes), sorted by path.
pub fn build(
    count: usize,
    documents: impl Iterator<Item = Document>,
) -> Result<Vec<(String, Vec<u8>)>> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .context("cannot start the indexer's runtime")?;
    let mut files = runtime.block_on(async {
        // Through its API Pagefind runs as a service, which prints nothing.
        let options = PagefindServiceConfig::builder().build();
        let mut index = PagefindIndex::new(Some(options))?;
        let started = std::time::Instant::now();
        for doc in documents {
            let url = doc.url.clone();
            index
                .add_html_file(None, Some(doc.url), doc.html)
                .await
                .with_context(|| format!("cannot index {url}"))?;
        }
        crate::log::verbose(&format!(
            "search index: read {count} pages, {:?}",
            started.elapsed()
        ));
        index.get_files().await
    })?;
    files.sort_by(|a, b| a.filename.cmp(&b.filename));
    Ok(files
        .into_iter()
        .map(|f| {
            let parts: Vec<String> = f
                .filename
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            (parts.join("/"), f.contents)
        })
        .collect())
}
