//! [`PackedText`] and [`PackedBytes`]: text and bytes held compressed in
//! memory. Every page's Markdown and rendered HTML live as long as the
//! site does (all of a build, all of a `serve`), and so do the outputs
//! `ssg serve` and `ssg check` hold; as plain strings they were most of
//! the memory (5.4 GB served at 100,000 code-heavy posts). LZ4 packs
//! code-heavy HTML about eightfold and Markdown about threefold, packs at
//! over a gigabyte a second and unpacks at several.

use serde::{Deserialize, Serialize};

/// Bytes held LZ4-compressed, with their length and hash.
#[derive(Clone)]
pub struct PackedBytes {
    compressed: std::sync::Arc<[u8]>,
    /// Length of the bytes.
    len: usize,
    /// `hash::content` of the bytes, for digests and comparisons without unpacking.
    hash: u64,
}

impl PackedBytes {
    pub fn new(bytes: &[u8]) -> PackedBytes {
        PackedBytes {
            compressed: lz4_flex::compress(bytes).into(),
            len: bytes.len(),
            hash: crate::hash::content(bytes),
        }
    }

    /// The bytes.
    pub fn bytes(&self) -> Vec<u8> {
        // Only this type compresses, and the Markdown cache checks each
        // entry's bytes against their hash before decoding them: a failure
        // here is a bug, not bad input.
        lz4_flex::decompress(&self.compressed, self.len)
            .expect("bytes compressed by PackedBytes::new decompress")
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// `hash::content` of the bytes.
    pub fn hash(&self) -> u64 {
        self.hash
    }

    /// Bytes held in memory.
    pub fn compressed_len(&self) -> usize {
        self.compressed.len()
    }
}

/// Equal when length and content hash are: what the ledger takes as the
/// same output.
impl PartialEq for PackedBytes {
    fn eq(&self, other: &PackedBytes) -> bool {
        self.len == other.len && self.hash == other.hash
    }
}

impl std::fmt::Debug for PackedBytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "PackedBytes({} bytes in {}, hash {:016x})",
            self.len,
            self.compressed.len(),
            self.hash
        )
    }
}

/// Text held LZ4-compressed, with its length and hash.
#[derive(Clone)]
pub struct PackedText(PackedBytes);

impl Default for PackedText {
    fn default() -> PackedText {
        PackedText::new(String::new())
    }
}

impl PackedText {
    pub fn new(text: String) -> PackedText {
        PackedText(PackedBytes::new(text.as_bytes()))
    }

    /// The text.
    pub fn text(&self) -> String {
        String::from_utf8(self.0.bytes())
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
    }

    /// The text as a template value.
    pub fn value(&self) -> tera::Value {
        tera::Value::from(self.text())
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// A hash of the text.
    pub fn hash(&self) -> u64 {
        self.0.hash()
    }

    /// Bytes held in memory.
    pub fn compressed_len(&self) -> usize {
        self.0.compressed_len()
    }
}

impl std::fmt::Display for PackedText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text())
    }
}

impl From<&str> for PackedText {
    fn from(text: &str) -> PackedText {
        PackedText::new(text.to_string())
    }
}

impl std::fmt::Debug for PackedText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&self.text(), f)
    }
}

impl<T: AsRef<str> + ?Sized> PartialEq<T> for PackedText {
    fn eq(&self, other: &T) -> bool {
        let other = other.as_ref();
        self.len() == other.len() && self.hash() == crate::hash::content(other.as_bytes())
    }
}

/// Stored (in the Markdown cache, as page HTML) as it is held: its length, its hash and
/// the compressed bytes, so a warm build neither decompresses nor rehashes.
impl Serialize for PackedText {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let PackedText(packed) = self;
        (
            packed.len as u64,
            packed.hash,
            CompressedRef(&packed.compressed),
        )
            .serialize(s)
    }
}

impl<'de> Deserialize<'de> for PackedText {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<PackedText, D::Error> {
        let (len, hash, Compressed(bytes)) = <(u64, u64, Compressed)>::deserialize(d)?;
        Ok(PackedText(PackedBytes {
            compressed: bytes.into(),
            len: usize::try_from(len).map_err(serde::de::Error::custom)?,
            hash,
        }))
    }
}

/// Compressed bytes as one byte string (a `[u8]` serialises as a sequence).
struct CompressedRef<'a>(&'a [u8]);

impl Serialize for CompressedRef<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(self.0)
    }
}

struct Compressed(Vec<u8>);

impl<'de> Deserialize<'de> for Compressed {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Compressed, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Compressed;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("compressed text")
            }
            fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<Compressed, E> {
                Ok(Compressed(v.to_vec()))
            }
            fn visit_byte_buf<E: serde::de::Error>(self, v: Vec<u8>) -> Result<Compressed, E> {
                Ok(Compressed(v))
            }
        }
        d.deserialize_byte_buf(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_held_compressed_and_stored_as_held() {
        let text = "<span class=\"k\">fn</span> main() {}\n".repeat(200);
        let packed = PackedText::new(text.clone());
        assert_eq!(packed.text(), text);
        assert_eq!(packed.len(), text.len());
        assert!(
            packed.compressed_len() * 4 < text.len(),
            "{}",
            packed.compressed_len()
        );
        assert_eq!(packed, text.as_str());
        assert_ne!(packed, "<p>other</p>");
        let stored = postcard::to_allocvec(&packed).unwrap();
        assert!(stored.len() < packed.compressed_len() + 32);
        let back: PackedText = postcard::from_bytes(&stored).unwrap();
        assert_eq!((back.text(), back.hash()), (text, packed.hash()));
        assert_eq!(PackedText::default().text(), "");
    }

    #[test]
    fn bytes_are_held_compressed_and_compared_by_content() {
        let html = b"<pre><code>let x = 1;</code></pre>\n".repeat(300);
        let packed = PackedBytes::new(&html);
        assert_eq!(packed.bytes(), html);
        assert_eq!(
            (packed.len(), packed.hash()),
            (html.len(), crate::hash::content(&html))
        );
        assert!(packed.compressed_len() * 4 < html.len());
        assert_eq!(packed, PackedBytes::new(&html));
        assert_ne!(packed, PackedBytes::new(b"<p>other</p>"));
        assert!(PackedBytes::new(b"").is_empty());
    }
}
