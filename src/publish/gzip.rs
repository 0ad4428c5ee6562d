//! Gzip as publish stores it: the manifest's root and shards, and the
//! bodies a `gzip = true` rule names. One room, so the plan, the shards
//! and the local reading compress the same way and read back the same way.

use std::io::{Read as _, Write as _};

/// Gzip with a fixed header (no name, no time): same input, same bytes —
/// what lets a no-change publish find every object unchanged.
pub fn compress(bytes: &[u8]) -> Vec<u8> {
    use flate2::{Compression, GzBuilder};
    let mut encoder = GzBuilder::new()
        .mtime(0)
        .write(Vec::new(), Compression::best());
    // Writing to a Vec cannot fail.
    let _ = encoder.write_all(bytes);
    encoder.finish().unwrap_or_default()
}

/// The bytes, gunzipped when they are gzip (as they are otherwise);
/// `None` when they are damaged gzip.
pub fn decompress(bytes: &[u8]) -> Option<Vec<u8>> {
    if !bytes.starts_with(&[0x1f, 0x8b]) {
        return Some(bytes.to_vec());
    }
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .ok()?;
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gzip_is_deterministic() {
        let a = compress(b"hello hello hello");
        assert_eq!(a, compress(b"hello hello hello"));
        assert_eq!(&a[4..8], &[0, 0, 0, 0], "no timestamp in the header");
        assert_eq!(decompress(&a).unwrap(), b"hello hello hello");
        assert_eq!(decompress(b"plain").unwrap(), b"plain");
        assert!(decompress(b"\x1f\x8bdamaged").is_none());
    }
}
