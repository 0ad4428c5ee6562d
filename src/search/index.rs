//! The index itself: which pages hold each word, and how much the word
//! weighs in each, gathered from every page's text in parallel.
//!
//! A word's weight in a page is its BM25 term weight (k1 = 1.2, b = 0.75,
//! as most search engines default to): how often it occurs, with a word of
//! the title counted [`TITLE_WEIGHT`] times and one of a heading
//! [`HEADING_WEIGHT`] times, against the page's length. It is computed
//! here, where the lengths are known, and stored as one byte, so the
//! browser only multiplies by how rare the word is (its IDF, from the
//! number of pages holding it) and adds up the words of a query.

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::page_text::page_text;
use super::words::for_each_word;

pub const TITLE_WEIGHT: u32 = 5;
pub const HEADING_WEIGHT: u32 = 2;

const K1: f32 = 1.2;
const B: f32 = 0.75;

/// One page's part of the index: what it is read from.
pub struct PageSource<'a> {
    pub title: &'a str,
    /// The page's rendered Markdown.
    pub html: String,
}

/// Every word of the site, in order, with the pages holding it.
pub struct Index {
    /// Sorted by word (by code point, as `str` orders).
    pub words: Vec<(Box<str>, Vec<Posting>)>,
}

/// A page holding a word, by its number in the site's order.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Posting {
    pub page: u32,
    /// The word's BM25 weight in the page, scaled to 1…255 of [`MAX_WEIGHT`].
    pub weight: u8,
}

/// The largest BM25 term weight: k1 + 1, reached as the count grows.
pub const MAX_WEIGHT: f32 = K1 + 1.0;

/// A word's pages, each with the word's count there.
pub(super) type PageCounts = Vec<(u32, u32)>;

/// Words counted so far: each word's pages (ascending within one
/// `Counts`), and each page's length in words.
#[derive(Default)]
struct Counts {
    words: FxHashMap<Box<str>, PageCounts>,
    lengths: Vec<(u32, u32)>,
}

/// Builds the index of `pages`, made one at a time by `source` (in
/// parallel: a page's text is unpacked only while it is read).
pub fn build<'a, T: Sync>(
    pages: &'a [T],
    source: impl Fn(&'a T) -> PageSource<'a> + Sync,
) -> Index {
    let counts = pages
        .par_iter()
        .enumerate()
        .fold(Counts::default, |mut counts, (number, page)| {
            counts.add(number as u32, &source(page));
            counts
        })
        .reduce(Counts::default, Counts::merge);
    let mut lengths = vec![0u32; pages.len()];
    for (page, length) in counts.lengths {
        lengths[page as usize] = length;
    }
    finish(counts.words.into_iter().collect(), &lengths)
}

/// The index of words counted in pages (each word's pages in any order)
/// of the given lengths: words sorted, pages in order, weights computed.
pub(super) fn finish(mut words: Vec<(Box<str>, PageCounts)>, lengths: &[u32]) -> Index {
    let average = lengths.iter().map(|&l| l as f32).sum::<f32>() / lengths.len().max(1) as f32;
    words.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let words = words
        .into_par_iter()
        .map(|(word, mut pages)| {
            pages.sort_unstable_by_key(|&(page, _)| page);
            let postings = pages
                .into_iter()
                .map(|(page, count)| Posting {
                    page,
                    weight: weight(count, lengths[page as usize], average),
                })
                .collect();
            (word, postings)
        })
        .collect();
    Index { words }
}

/// Calls `count(word, times)` for each word of a page, a word of the
/// title counting [`TITLE_WEIGHT`] times and one of a heading
/// [`HEADING_WEIGHT`] times; returns the page's length in words.
pub(super) fn count_words(source: &PageSource, mut count: impl FnMut(&str, u32)) -> u32 {
    let text = page_text(&source.html);
    let mut length = 0;
    for_each_word(source.title, |w| count(w, TITLE_WEIGHT));
    for_each_word(&text.headings, |w| {
        length += 1;
        count(w, HEADING_WEIGHT)
    });
    for_each_word(&text.body, |w| {
        length += 1;
        count(w, 1)
    });
    length
}

/// BM25's term weight of a word counted `count` times in a page of
/// `length` words, as a byte.
fn weight(count: u32, length: u32, average: f32) -> u8 {
    let count = count as f32;
    let norm = K1 * (1.0 - B + B * length as f32 / average.max(1.0));
    let w = count * (K1 + 1.0) / (count + norm);
    (w / MAX_WEIGHT * 255.0).round().clamp(1.0, 255.0) as u8
}

impl Counts {
    fn add(&mut self, page: u32, source: &PageSource) {
        let length = count_words(source, |word, times| {
            match self.words.get_mut(word) {
                // Pages are read in order within one `Counts`: a word met
                // before in this page is its list's last entry.
                Some(list) if list.last().is_some_and(|&(p, _)| p == page) => {
                    list.last_mut().expect("checked").1 += times;
                }
                Some(list) => list.push((page, times)),
                None => {
                    self.words.insert(word.into(), vec![(page, times)]);
                }
            }
        });
        self.lengths.push((page, length));
    }

    /// Both counts as one; a page is in only one of them.
    fn merge(mut self, other: Counts) -> Counts {
        let (mut big, small) = if self.words.len() >= other.words.len() {
            (self, other)
        } else {
            (other, std::mem::take(&mut self))
        };
        for (word, pages) in small.words {
            big.words.entry(word).or_default().extend(pages);
        }
        big.lengths.extend(small.lengths);
        big
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(pages: &[(&str, &str)]) -> Index {
        build(pages, |(title, html)| PageSource {
            title,
            html: html.to_string(),
        })
    }

    fn postings<'a>(index: &'a Index, word: &str) -> &'a [Posting] {
        let at = index.words.binary_search_by(|(w, _)| (**w).cmp(word));
        at.map(|i| index.words[i].1.as_slice()).unwrap_or(&[])
    }

    #[test]
    fn each_word_lists_its_pages_in_order() {
        let pages: Vec<(String, String)> = (0..500)
            .map(|i| {
                (
                    format!("Post {i}"),
                    format!("<p>common word{i} and {}</p>", i % 7),
                )
            })
            .collect();
        let pages: Vec<(&str, &str)> = pages
            .iter()
            .map(|(t, h)| (t.as_str(), h.as_str()))
            .collect();
        let index = index(&pages);
        let common: Vec<u32> = postings(&index, "common").iter().map(|p| p.page).collect();
        assert_eq!(common, (0..500).collect::<Vec<u32>>());
        assert_eq!(postings(&index, "word42").len(), 1);
        assert_eq!(postings(&index, "word42")[0].page, 42);
        let sorted = index.words.windows(2).all(|w| w[0].0 < w[1].0);
        assert!(sorted);
    }

    #[test]
    fn title_and_heading_words_weigh_more_and_repeats_count() {
        let index = index(&[
            ("Otter", "<p>filler text here</p>"),
            ("Other", "<h2>Otter</h2><p>filler text</p>"),
            ("Third", "<p>an otter, one otter, two otters, filler</p>"),
            ("Fourth", "<p>an otter among filler words</p>"),
        ]);
        let weights: Vec<(u32, u8)> = postings(&index, "otter")
            .iter()
            .map(|p| (p.page, p.weight))
            .collect();
        assert_eq!(
            weights.iter().map(|w| w.0).collect::<Vec<_>>(),
            [0, 1, 2, 3]
        );
        let w = |page: usize| weights[page].1;
        assert!(w(0) > w(1) && w(1) > w(3) && w(2) > w(3), "{weights:?}");
    }

    #[test]
    fn weights_stay_in_a_byte_and_never_zero() {
        assert_eq!(weight(1, 100_000, 10.0), 1);
        assert_eq!(weight(10_000, 1, 1000.0), 255);
        assert!(weight(1, 10, 10.0) > 0);
    }
}
