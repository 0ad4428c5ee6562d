//! Each page's words, kept between builds by a session that builds the
//! index more than once (`ssg serve`), so an edit re-reads only the pages
//! whose text it changed: at 10,000 posts a whole index is most of a
//! second of a save's rebuild, one page's words a fraction of a
//! millisecond. The index made from kept words is the index [`build`]
//! makes from the pages (a test holds them equal).
//!
//! A page is known by its [`PageKey`] (its title and its rendered text's
//! hash): the same text read again gives the same words. Words get numbers
//! once, so putting the index together is pushes into lists by number, not
//! a hash lookup per word of every page. `ssg build` keeps none of this
//! (a build indexes once).
//!
//! [`build`]: super::index::build

use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use super::index::{Index, PageCounts, PageSource, count_words, finish};

/// What a page's words follow from: a hash of its title and text.
pub type PageKey = u64;

/// See the module documentation.
#[derive(Default)]
pub struct KeptWords {
    /// Word → its number.
    numbers: FxHashMap<Box<str>, u32>,
    /// Number → word.
    words: Vec<Box<str>>,
    pages: FxHashMap<PageKey, Arc<PageWords>>,
}

/// One page's words by number, each with its weighted count, and its length.
struct PageWords {
    words: Vec<(u32, u32)>,
    length: u32,
}

impl KeptWords {
    /// The index of `pages`, reading only those whose key is not kept.
    pub fn index<'a, T: Sync>(
        &mut self,
        pages: &'a [T],
        key: impl Fn(&T) -> PageKey + Sync,
        source: impl Fn(&'a T) -> PageSource<'a> + Sync,
    ) -> Index {
        let keys: Vec<PageKey> = pages.par_iter().map(&key).collect();
        self.read_new(pages, &keys, source);
        let live: FxHashSet<PageKey> = keys.iter().copied().collect();
        self.pages.retain(|key, _| live.contains(key));

        let mut postings: Vec<PageCounts> = vec![Vec::new(); self.words.len()];
        let mut lengths = Vec::with_capacity(pages.len());
        for (number, key) in keys.iter().enumerate() {
            let page = &self.pages[key];
            lengths.push(page.length);
            for &(word, count) in &page.words {
                postings[word as usize].push((number as u32, count));
            }
        }
        let words = postings
            .into_iter()
            .enumerate()
            .filter(|(_, pages)| !pages.is_empty())
            .map(|(word, pages)| (self.words[word].clone(), pages))
            .collect();
        finish(words, &lengths)
    }

    /// Reads the pages not kept, in parallel, and keeps their words.
    fn read_new<'a, T: Sync>(
        &mut self,
        pages: &'a [T],
        keys: &[PageKey],
        source: impl Fn(&'a T) -> PageSource<'a> + Sync,
    ) {
        let mut new: Vec<(usize, PageKey)> = (keys.iter().copied().enumerate())
            .filter(|(_, key)| !self.pages.contains_key(key))
            .collect();
        // A page twice in the site (the same title and text) is read once.
        new.sort_unstable_by_key(|&(_, key)| key);
        new.dedup_by_key(|(_, key)| *key);
        let read: Vec<_> = new
            .par_iter()
            .map(|&(at, key)| {
                let mut counts: FxHashMap<Box<str>, u32> = FxHashMap::default();
                let length = count_words(&source(&pages[at]), |word, times| {
                    match counts.get_mut(word) {
                        Some(count) => *count += times,
                        None => {
                            counts.insert(word.into(), times);
                        }
                    }
                });
                let counts: Vec<(Box<str>, u32)> = counts.into_iter().collect();
                (key, counts, length)
            })
            .collect();
        for (key, counts, length) in read {
            let words = counts
                .into_iter()
                .map(|(word, count)| (self.number(word), count))
                .collect();
            self.pages
                .insert(key, Arc::new(PageWords { words, length }));
        }
    }

    fn number(&mut self, word: Box<str>) -> u32 {
        if let Some(&number) = self.numbers.get(&word) {
            return number;
        }
        let number = self.words.len() as u32;
        self.words.push(word.clone());
        self.numbers.insert(word, number);
        number
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::index::build;

    fn key(page: &(String, String)) -> PageKey {
        crate::hash::of(page)
    }

    fn source(page: &(String, String)) -> PageSource<'_> {
        PageSource {
            title: &page.0,
            html: page.1.clone(),
        }
    }

    fn same(a: &Index, b: &Index) -> bool {
        a.words == b.words
    }

    #[test]
    fn an_index_from_kept_words_is_the_index_built_from_the_pages() {
        let mut pages: Vec<(String, String)> = (0..300)
            .map(|i| {
                let body = format!(
                    "<h2>Part {}</h2><p>common word{i} and {} {}</p>",
                    i % 5,
                    i % 7,
                    i % 11
                );
                (format!("Post {i}"), body)
            })
            .collect();
        let mut kept = KeptWords::default();
        let first = kept.index(&pages, key, source);
        assert!(same(&first, &build(&pages, source)));

        // An edit, a page gone, a page come, and a duplicate: the next
        // index reads only what changed and is still the built one.
        pages[10].1 = "<p>an edited otter</p>".into();
        pages.remove(20);
        pages.push(("New".into(), "<p>fresh words here</p>".into()));
        pages.push(pages[0].clone());
        let second = kept.index(&pages, key, source);
        assert!(same(&second, &build(&pages, source)));
        assert_eq!(kept.pages.len(), 300, "pages gone are forgotten");
    }
}
