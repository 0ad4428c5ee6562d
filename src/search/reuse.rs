//! What the last search index was made from and which files it is, so an
//! index whose pages did not change is taken from the ledger instead of
//! being built again: `ssg serve` keeps this in memory, `ssg build` in the
//! build cache (the index's files are named by their content, so the
//! ledger alone cannot tell which of them make one index). A session
//! that indexes again also keeps each page's words ([`KeptWords`]).

use serde::{Deserialize, Serialize};

use super::kept_words::KeptWords;
use crate::cache::Cache;
use crate::ledger::Ledger;
use crate::output::Output;

/// File in the build cache.
const CACHE_FILE: &str = "search-index.json";

/// See the module documentation.
#[derive(Default)]
pub struct IndexMemory {
    last: Option<LastIndex>,
    /// Whether this session built an index before.
    indexed_before: bool,
    /// Keep the pages' words from the first index on: the session will
    /// index again (`ssg serve`).
    keeps_words: bool,
    /// The pages' words, kept from a session's second index on (its first,
    /// with `keeps_words`).
    kept: Option<KeptWords>,
}

#[derive(Serialize, Deserialize)]
struct LastIndex {
    /// [`super::documents::key`] of its pages.
    key: u64,
    /// Its outputs' paths.
    paths: Vec<String>,
}

impl IndexMemory {
    /// The last index's outputs, when it was made from `key` and the ledger
    /// still has every one of its files as it was.
    pub fn reuse(
        &mut self,
        key: u64,
        ledger: &Ledger,
        cache: Option<&Cache>,
    ) -> Option<Vec<Output>> {
        if self.last.is_none() {
            self.last = cache.and_then(load);
        }
        let last = self.last.as_ref().filter(|l| l.key == key)?;
        last.paths
            .iter()
            .map(|path| {
                let data = ledger.reuse(path, key)?;
                Some(Output {
                    path: path.clone(),
                    data,
                    origin: super::ORIGIN.to_string(),
                    signature: Some(key),
                })
            })
            .collect()
    }

    /// The pages' words kept for the next index: none the first time (a
    /// build indexes once and keeps nothing), kept from a session's second
    /// index on, or its first when told it will index again
    /// ([`Self::keep_words`]), so later ones read only changed pages.
    pub fn kept_words(&mut self) -> Option<&mut KeptWords> {
        let first = !std::mem::replace(&mut self.indexed_before, true);
        if first && !self.keeps_words {
            return None;
        }
        Some(self.kept.get_or_insert_with(KeptWords::default))
    }

    /// Keeps the pages' words from the next index on: `ssg serve`'s first
    /// save after start then reads only the pages it changed (at 10,000
    /// posts the first save read every page, 0.94 s).
    pub fn keep_words(&mut self) {
        self.keeps_words = true;
    }

    /// Remembers the index just made (and saves that in `cache`).
    pub fn remember(&mut self, key: u64, outputs: &[Output], cache: Option<&Cache>) {
        let last = LastIndex {
            key,
            paths: outputs.iter().map(|o| o.path.clone()).collect(),
        };
        if let Some(cache) = cache
            && let Ok(json) = serde_json::to_vec(&last)
            && let Err(e) = crate::cache::write_atomic(&cache.path(CACHE_FILE), &json)
        {
            // The cache only saves time: without it the next build indexes again.
            crate::log::verbose(&format!("cannot save {CACHE_FILE} in the build cache: {e}"));
        }
        self.last = Some(last);
    }
}

fn load(cache: &Cache) -> Option<LastIndex> {
    let bytes = std::fs::read(cache.path(CACHE_FILE)).ok()?;
    serde_json::from_slice(&bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::IndexMemory;

    #[test]
    fn words_are_kept_from_the_second_index_or_the_first_when_asked() {
        let mut build = IndexMemory::default();
        assert!(build.kept_words().is_none(), "a build keeps nothing");
        assert!(build.kept_words().is_some());
        let mut serve = IndexMemory::default();
        serve.keep_words();
        assert!(serve.kept_words().is_some(), "serve keeps from the first");
    }
}
