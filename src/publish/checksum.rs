//! An MD5 or an S3 ETag, as the hex text S3 and the manifest show, kept
//! in 16 bytes when it is a plain MD5 (the ETag of every single-part
//! upload): a publish of 100,000 posts holds three per object, and as
//! strings they were most of its allocations, copies and stored bytes.
//!
//! Equality and order are those of the text, so a `Checksum` behaves as
//! the string it stands for; only the storage differs. JSON (the manifest
//! in the bucket) gets the text; postcard (the last publish kept in the cache) gets
//! the 16 bytes. The MD5 in the other forms publish sends (hex text for
//! names, base64 for S3's `Content-MD5`) is made here too.

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// Hex text, held as bytes when it is 32 lowercase hex digits.
#[derive(Clone, PartialEq, Eq, Hash)]
pub enum Checksum {
    Md5([u8; 16]),
    /// Anything else: a multipart ETag (`<hex>-3`), an encrypted object's.
    Other(Box<str>),
}

impl Checksum {
    /// The MD5 of `bytes`.
    pub fn md5_of(bytes: &[u8]) -> Checksum {
        use md5::Digest as _;
        Checksum::Md5(md5::Md5::digest(bytes).into())
    }

    /// Whether this is a plain MD5 (an ETag that is the body's MD5).
    pub fn is_md5(&self) -> bool {
        matches!(self, Checksum::Md5(_))
    }
}

/// The MD5 of `bytes` as hex text (shard names, the cache file's name).
pub fn md5_hex(bytes: &[u8]) -> String {
    Checksum::md5_of(bytes).to_string()
}

/// The MD5 of `bytes` in base64, as S3's `Content-MD5` header wants it.
pub fn md5_base64(bytes: &[u8]) -> String {
    use base64::Engine as _;
    use md5::Digest as _;
    base64::engine::general_purpose::STANDARD.encode(md5::Md5::digest(bytes))
}

fn parse_md5(text: &str) -> Option<[u8; 16]> {
    let digits = text.as_bytes();
    if digits.len() != 32 {
        return None;
    }
    let value = |d: u8| match d {
        b'0'..=b'9' => Some(d - b'0'),
        b'a'..=b'f' => Some(d - b'a' + 10),
        _ => None,
    };
    let mut out = [0u8; 16];
    for (byte, pair) in out.iter_mut().zip(digits.chunks_exact(2)) {
        *byte = value(pair[0])? << 4 | value(pair[1])?;
    }
    Some(out)
}

impl From<&str> for Checksum {
    fn from(text: &str) -> Checksum {
        parse_md5(text).map_or_else(|| Checksum::Other(text.into()), Checksum::Md5)
    }
}

impl From<String> for Checksum {
    fn from(text: String) -> Checksum {
        parse_md5(&text).map_or_else(|| Checksum::Other(text.into()), Checksum::Md5)
    }
}

impl fmt::Display for Checksum {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Checksum::Md5(bytes) => bytes.iter().try_for_each(|b| write!(f, "{b:02x}")),
            Checksum::Other(text) => f.write_str(text),
        }
    }
}

impl fmt::Debug for Checksum {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\"{self}\"")
    }
}

impl PartialEq<str> for Checksum {
    fn eq(&self, text: &str) -> bool {
        match self {
            Checksum::Md5(bytes) => parse_md5(text).as_ref() == Some(bytes),
            Checksum::Other(own) => **own == *text,
        }
    }
}

impl PartialEq<&str> for Checksum {
    fn eq(&self, text: &&str) -> bool {
        self == *text
    }
}

impl Serialize for Checksum {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if serializer.is_human_readable() {
            return serializer.collect_str(self);
        }
        match self {
            Checksum::Md5(bytes) => {
                serializer.serialize_newtype_variant("Checksum", 0, "Md5", bytes)
            }
            Checksum::Other(text) => {
                serializer.serialize_newtype_variant("Checksum", 1, "Other", text)
            }
        }
    }
}

impl<'de> Deserialize<'de> for Checksum {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Checksum, D::Error> {
        if deserializer.is_human_readable() {
            return deserializer.deserialize_str(TextVisitor);
        }
        #[derive(Deserialize)]
        enum Stored {
            Md5([u8; 16]),
            Other(Box<str>),
        }
        Ok(match Stored::deserialize(deserializer)? {
            Stored::Md5(bytes) => Checksum::Md5(bytes),
            Stored::Other(text) => Checksum::Other(text),
        })
    }
}

struct TextVisitor;

impl Visitor<'_> for TextVisitor {
    type Value = Checksum;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a checksum in hex")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Checksum, E> {
        Ok(Checksum::from(text))
    }

    fn visit_string<E: de::Error>(self, text: String) -> Result<Checksum, E> {
        Ok(Checksum::from(text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_md5_is_held_as_bytes_and_reads_back_as_the_same_text() {
        let md5 = Checksum::md5_of(b"hello");
        assert!(md5.is_md5());
        assert_eq!(md5.to_string(), "5d41402abc4b2a76b9719d911017c592");
        assert_eq!(md5, "5d41402abc4b2a76b9719d911017c592");
        assert_eq!(Checksum::from(md5.to_string()), md5);
        // Not 32 lowercase hex digits: kept as the text.
        for other in ["5D41402ABC4B2A76B9719D911017C592", "abc-3", "", "e1"] {
            let kept = Checksum::from(other);
            assert!(!kept.is_md5(), "{other}");
            assert_eq!(kept.to_string(), other);
            assert_ne!(kept, md5);
        }
    }

    #[test]
    fn md5_forms() {
        assert_eq!(md5_hex(b""), "d41d8cd98f00b204e9800998ecf8427e");
        assert_eq!(md5_base64(b""), "1B2M2Y8AsgTpgAmY7PhCfg==");
    }

    #[test]
    fn json_gets_the_text_and_postcard_the_bytes() {
        for c in [Checksum::md5_of(b"x"), Checksum::from("abc-3")] {
            let json = serde_json::to_string(&c).unwrap();
            assert_eq!(json, format!("\"{c}\""));
            assert_eq!(serde_json::from_str::<Checksum>(&json).unwrap(), c);
            let bytes = postcard::to_allocvec(&c).unwrap();
            assert_eq!(postcard::from_bytes::<Checksum>(&bytes).unwrap(), c);
        }
        assert_eq!(
            postcard::to_allocvec(&Checksum::md5_of(b"x"))
                .unwrap()
                .len(),
            17
        );
    }
}
