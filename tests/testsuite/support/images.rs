//! Test images made in the test: JPEGs and PNGs of known colours and
//! sizes, a JPEG carrying EXIF (orientation and a GPS position, written
//! byte by byte into an APP1 segment as a camera does), and bad files: a
//! truncated JPEG and a PNG whose header claims 50,000 × 50,000 pixels.

use std::io::Cursor;

use image::{DynamicImage, ImageFormat, Rgb, RgbImage, Rgba, RgbaImage};

/// A `w` × `h` JPEG whose left half is red and right half blue.
pub fn jpeg_halves(w: u32, h: u32) -> Vec<u8> {
    let picture = RgbImage::from_fn(w, h, |x, _| {
        if x < w / 2 {
            Rgb([230, 20, 20])
        } else {
            Rgb([20, 20, 230])
        }
    });
    encoded(&DynamicImage::ImageRgb8(picture), ImageFormat::Jpeg)
}

/// A `w` × `h` PNG with a transparent right half.
pub fn png_with_alpha(w: u32, h: u32) -> Vec<u8> {
    let picture = RgbaImage::from_fn(w, h, |x, y| {
        let alpha = if x < w / 2 { 255 } else { 0 };
        Rgba([(x % 256) as u8, (y % 256) as u8, 90, alpha])
    });
    encoded(&DynamicImage::ImageRgba8(picture), ImageFormat::Png)
}

fn encoded(picture: &DynamicImage, format: ImageFormat) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    picture.write_to(&mut out, format).expect("encode");
    out.into_inner()
}

/// A latitude no real test photo has, to look for in outputs.
pub const GPS_MARKER: [u8; 8] = [0, 0, 0x1d, 0x2b, 0, 0, 0, 1];

/// `jpeg` with an EXIF APP1 segment right after its start marker:
/// orientation `orientation` and a GPS latitude (north, 7467°: its first
/// rational is [`GPS_MARKER`]).
pub fn with_exif(jpeg: &[u8], orientation: u16) -> Vec<u8> {
    // TIFF, little-endian: header, IFD0 (2 entries), GPS IFD (2 entries),
    // then the latitude's three rationals.
    let mut tiff: Vec<u8> = b"II*\0".to_vec();
    tiff.extend(8u32.to_le_bytes());
    let ifd0 = 8u32;
    let gps_ifd = ifd0 + 2 + 2 * 12 + 4;
    let latitude = gps_ifd + 2 + 2 * 12 + 4;
    let entry = |tiff: &mut Vec<u8>, tag: u16, kind: u16, count: u32, value: [u8; 4]| {
        tiff.extend(tag.to_le_bytes());
        tiff.extend(kind.to_le_bytes());
        tiff.extend(count.to_le_bytes());
        tiff.extend(value);
    };
    tiff.extend(2u16.to_le_bytes());
    let o = orientation.to_le_bytes();
    entry(&mut tiff, 0x0112, 3, 1, [o[0], o[1], 0, 0]);
    entry(&mut tiff, 0x8825, 4, 1, gps_ifd.to_le_bytes());
    tiff.extend(0u32.to_le_bytes());
    tiff.extend(2u16.to_le_bytes());
    entry(&mut tiff, 0x0001, 2, 2, *b"N\0\0\0");
    entry(&mut tiff, 0x0002, 5, 3, latitude.to_le_bytes());
    tiff.extend(0u32.to_le_bytes());
    tiff.extend(GPS_MARKER);
    tiff.extend([0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0]);
    let mut segment = b"Exif\0\0".to_vec();
    segment.extend(tiff);
    let length = u16::try_from(segment.len() + 2).expect("small EXIF");
    let mut out = jpeg[..2].to_vec();
    out.extend([0xFF, 0xE1]);
    out.extend(length.to_be_bytes());
    out.extend(segment);
    out.extend(&jpeg[2..]);
    out
}

/// The first `keep` of `bytes`: a file a copy or upload cut short.
pub fn truncated(bytes: &[u8], keep: usize) -> Vec<u8> {
    bytes[..keep.min(bytes.len())].to_vec()
}

/// A PNG whose header claims `w` × `h` RGBA pixels, with a few bytes of
/// image data: a small file that would need w × h × 4 bytes to decode.
pub fn png_header_claiming(w: u32, h: u32) -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut header = w.to_be_bytes().to_vec();
    header.extend(h.to_be_bytes());
    header.extend([8, 6, 0, 0, 0]);
    // zlib: a stored block of 16 zero bytes.
    let mut data = vec![0x78, 0x01, 0x01, 0x10, 0x00, 0xEF, 0xFF];
    data.extend([0; 16]);
    data.extend([0, 0, 0, 1]);
    for (kind, body) in [(b"IHDR", header), (b"IDAT", data), (b"IEND", Vec::new())] {
        let mut chunk = kind.to_vec();
        chunk.extend(&body);
        out.extend(
            u32::try_from(body.len())
                .expect("small chunk")
                .to_be_bytes(),
        );
        out.extend(&chunk);
        out.extend(crc32(&chunk).to_be_bytes());
    }
    out
}

/// The CRC-32 PNG chunks carry (ISO 3309), bit by bit: a few bytes here.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A decoded output: its format and size.
pub fn decoded(bytes: &[u8]) -> (ImageFormat, DynamicImage) {
    let format = image::guess_format(bytes).expect("an image format");
    let picture = image::load_from_memory(bytes).expect("decodes");
    (format, picture)
}

/// The URLs of a `srcset` attribute value, with their widths.
pub fn srcset_urls(srcset: &str) -> Vec<(String, u32)> {
    srcset
        .split(',')
        .map(|candidate| {
            let (url, width) = candidate.trim().rsplit_once(' ').expect("URL and width");
            let width = width.trim_end_matches('w').parse().expect("a width");
            (url.to_string(), width)
        })
        .collect()
}
