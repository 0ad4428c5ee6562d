//! The one hasher behind every identity ssg remembers between runs: render
//! signatures, output content, cache keys and file names. xxh3 rather than
//! std's `DefaultHasher`: it is fast enough to hash every page's whole HTML
//! on every build (130 MB at 10,000 posts), and its output is fixed by its
//! specification, where `DefaultHasher` may change between Rust releases.
//! These hashes never meet keys chosen by an attacker.

use std::hash::{Hash, Hasher};

use xxhash_rust::xxh3::Xxh3;

/// Hash of any hashable value.
pub fn of<T: Hash + ?Sized>(value: &T) -> u64 {
    let mut h = Xxh3::new();
    value.hash(&mut h);
    h.finish()
}

/// Hash of a file's bytes, never 0 (which stands for "not known").
pub fn content(bytes: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(bytes).max(1)
}

#[cfg(test)]
mod tests {
    #[test]
    fn content_hash_is_never_the_unknown_value() {
        assert_ne!(super::content(b""), 0);
        assert_eq!(super::content(b"a"), super::content(b"a"));
        assert_ne!(super::content(b"a"), super::content(b"b"));
    }
}
