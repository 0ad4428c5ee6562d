//! The index as the files the browser fetches: a query reads `meta.json`,
//! the word files its words fall in, and the page lists of the results it
//! shows — never the whole index.
//!
//! - `meta.json`: the number of pages, the page-list files in order, and
//!   the word files with the first word of each (words are sorted, so a
//!   word, or the words a prefix begins, are in the files whose ranges
//!   hold it).
//! - `words-HASH.bin`: about [`WORDS_FILE_BYTES`] of consecutive words,
//!   each as: its length in bytes (one byte) and UTF-8 bytes; the number of
//!   pages holding it and the byte length of their list (LEB128 varints);
//!   then each page as the difference from the previous page's number
//!   (varint) and the word's weight there (one byte). A word is never
//!   split across files.
//! - `pages-HASH.json`: [`PAGES_PER_FILE`] pages' `[url, title]`, in the
//!   site's order (page numbers count through the files).
//!
//! Files are named by their content, so a browser or CDN may cache them
//! for good and an edit uploads only the files it changed; `meta.json`
//! (named the same every build) says which ones make the current index.

use serde_json::json;

use super::index::Index;

/// A word file is cut after the word that brings it past this size.
pub const WORDS_FILE_BYTES: usize = 16 * 1024;

/// Pages in one page-list file.
pub const PAGES_PER_FILE: usize = 50;

/// Version of the format above, checked by the client.
pub const FORMAT: u32 = 1;

/// A page as the results show it.
pub struct Listed<'a> {
    pub url: &'a str,
    pub title: &'a str,
}

/// The index's files: (name inside the bundle folder, bytes).
pub fn files(index: &Index, pages: &[Listed]) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    let mut chunks = Vec::new();
    for (first, bytes) in word_files(index) {
        let name = named("words", "bin", &bytes);
        chunks.push(json!([first, name]));
        files.push((name, bytes));
    }
    let mut page_files = Vec::new();
    for group in pages.chunks(PAGES_PER_FILE) {
        let list: Vec<[&str; 2]> = group.iter().map(|p| [p.url, p.title]).collect();
        let bytes = serde_json::to_vec(&list).expect("strings serialize");
        let name = named("pages", "json", &bytes);
        page_files.push(name.clone());
        files.push((name, bytes));
    }
    let meta = json!({
        "format": FORMAT,
        "pages": pages.len(),
        "pages_per_file": PAGES_PER_FILE,
        "page_files": page_files,
        "word_files": chunks,
    });
    files.push(("meta.json".to_string(), meta.to_string().into_bytes()));
    files
}

fn named(kind: &str, extension: &str, bytes: &[u8]) -> String {
    format!("{kind}-{:016x}.{extension}", crate::hash::content(bytes))
}

/// The word files' bytes, each with its first word.
fn word_files(index: &Index) -> Vec<(&str, Vec<u8>)> {
    let mut files = Vec::new();
    let mut current: Option<(&str, Vec<u8>)> = None;
    let mut postings = Vec::new();
    for (word, pages) in &index.words {
        let (_, bytes) = current.get_or_insert_with(|| (word, Vec::new()));
        postings.clear();
        let mut previous = 0;
        for posting in pages {
            push_varint(&mut postings, posting.page - previous);
            postings.push(posting.weight);
            previous = posting.page;
        }
        // Words are at most 40 characters (160 bytes): the length fits a byte.
        bytes.push(word.len() as u8);
        bytes.extend_from_slice(word.as_bytes());
        push_varint(bytes, pages.len() as u32);
        push_varint(bytes, postings.len() as u32);
        bytes.extend_from_slice(&postings);
        if bytes.len() >= WORDS_FILE_BYTES {
            files.extend(current.take());
        }
    }
    files.extend(current);
    files
}

/// `value` as LEB128: seven bits a byte, low first, the top bit set on
/// every byte but the last.
fn push_varint(into: &mut Vec<u8>, mut value: u32) {
    while value >= 0x80 {
        into.push((value as u8 & 0x7f) | 0x80);
        value >>= 7;
    }
    into.push(value as u8);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::index::Posting;

    #[test]
    fn varints_are_leb128() {
        let mut bytes = Vec::new();
        for v in [0, 127, 128, 300, u32::MAX] {
            push_varint(&mut bytes, v);
        }
        assert_eq!(
            bytes,
            [0, 127, 0x80, 1, 0xac, 2, 0xff, 0xff, 0xff, 0xff, 0x0f]
        );
    }

    #[test]
    fn words_are_cut_into_files_by_size_and_never_split() {
        let words = (0..3000)
            .map(|i| {
                let pages = (0..20)
                    .map(|p| Posting {
                        page: p * 7 + i % 3,
                        weight: 9,
                    })
                    .collect();
                (format!("word{i:05}").into_boxed_str(), pages)
            })
            .collect();
        let index = Index { words };
        let files = word_files(&index);
        assert!(files.len() > 3, "{} files", files.len());
        assert_eq!(files[0].0, "word00000");
        for (first, bytes) in &files {
            assert!(bytes.len() < WORDS_FILE_BYTES + 200);
            assert_eq!(&bytes[1..1 + first.len()], first.as_bytes());
        }
        let firsts: Vec<&str> = files.iter().map(|f| f.0).collect();
        assert!(firsts.windows(2).all(|w| w[0] < w[1]));
    }
}
