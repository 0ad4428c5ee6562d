//! Metadata stripped from an image file without touching its pixels: a
//! phone photo's EXIF holds the GPS position it was taken at, the camera's
//! serial number and the time, and a page that shows the photo should not
//! publish them. JPEG loses its APP1 (EXIF, XMP), APP13 (IPTC) and comment
//! segments; PNG its `eXIf`, text and time chunks; WebP its `EXIF` and
//! `XMP ` chunks. Colour profiles stay (the picture would change colour
//! without them), and so does the image data, byte for byte.
//!
//! A picture stored sideways and shown upright by its EXIF orientation
//! would lie on its side without it, so such a file keeps a new EXIF of
//! one entry: the orientation.

use image::metadata::Orientation;
use img_parts::jpeg::{Jpeg, markers};
use img_parts::png::Png;
use img_parts::riff::RiffContent;
use img_parts::webp::{CHUNK_VP8X, CHUNK_XMP, WebP};
use img_parts::{Bytes, ImageEXIF};

/// PNG chunks that hold metadata: EXIF, the three kinds of text (where
/// editors write authors, comments and XMP) and the last-modified time.
const PNG_METADATA: [[u8; 4]; 5] = [*b"eXIf", *b"tEXt", *b"iTXt", *b"zTXt", *b"tIME"];

/// The VP8X flag saying a WebP has an XMP chunk.
const WEBP_XMP_FLAG: u8 = 0b0000_0100;

/// `bytes` without their metadata, or `None` when they hold none (the
/// file is published as it is). An error for a file whose container
/// cannot be read; its pixels are never decoded here.
pub fn strip(bytes: &[u8]) -> Result<Option<Vec<u8>>, String> {
    let failed = |e: img_parts::Error| format!("cannot read its metadata: {e}");
    let input = Bytes::copy_from_slice(bytes);
    let stripped = if bytes.starts_with(&[0xFF, 0xD8]) {
        strip_jpeg(Jpeg::from_bytes(input).map_err(failed)?)
    } else if bytes.starts_with(b"\x89PNG") {
        strip_png(Png::from_bytes(input).map_err(failed)?)
    } else if bytes.starts_with(b"RIFF") {
        strip_webp(WebP::from_bytes(input).map_err(failed)?)
    } else {
        return Ok(None);
    };
    Ok((stripped.as_ref() != bytes).then(|| stripped.to_vec()))
}

/// The EXIF to keep in place of `exif`: its orientation alone, when it
/// turns or flips the picture.
fn kept_exif(exif: Option<Bytes>) -> Option<Bytes> {
    let orientation = Orientation::from_exif_chunk(&exif?)?;
    (orientation != Orientation::NoTransforms)
        .then(|| Bytes::from(orientation_only_exif(orientation)))
}

/// A TIFF structure (what EXIF is) of one IFD with one entry, the
/// orientation, and no next IFD: 26 bytes.
fn orientation_only_exif(orientation: Orientation) -> Vec<u8> {
    let mut tiff = b"MM\0\x2a".to_vec();
    tiff.extend(8u32.to_be_bytes());
    tiff.extend(1u16.to_be_bytes());
    // Tag 0x0112 Orientation, type 3 SHORT, count 1, value left-aligned.
    tiff.extend(0x0112u16.to_be_bytes());
    tiff.extend(3u16.to_be_bytes());
    tiff.extend(1u32.to_be_bytes());
    tiff.extend(u16::from(orientation.to_exif()).to_be_bytes());
    tiff.extend([0, 0]);
    tiff.extend(0u32.to_be_bytes());
    tiff
}

fn strip_jpeg(mut jpeg: Jpeg) -> Bytes {
    let kept = kept_exif(jpeg.exif());
    // img-parts moves a multi-picture file's (MPF) offsets along when the
    // EXIF changes size.
    jpeg.set_exif(None);
    // The MPF segment's offsets count from itself to the pictures after
    // the main one: segments before it may go, those after it stay so the
    // offsets remain right (cameras and phones write XMP before it).
    let mpf_at = jpeg
        .segments()
        .iter()
        .position(|s| s.marker() == markers::APP2 && s.contents().starts_with(b"MPF\0"));
    let mut index = 0;
    jpeg.segments_mut().retain(|segment| {
        let metadata = matches!(
            segment.marker(),
            markers::APP1 | markers::APP13 | markers::COM
        );
        let before_mpf = mpf_at.is_none_or(|at| index < at);
        index += 1;
        !(metadata && before_mpf)
    });
    if kept.is_some() {
        jpeg.set_exif(kept);
    }
    jpeg.encoder().bytes()
}

fn strip_png(mut png: Png) -> Bytes {
    let kept = kept_exif(png.exif());
    for kind in PNG_METADATA {
        png.remove_chunks_by_type(kind);
    }
    if kept.is_some() {
        png.set_exif(kept);
    }
    png.encoder().bytes()
}

fn strip_webp(mut webp: WebP) -> Bytes {
    let kept = kept_exif(webp.exif());
    webp.remove_chunks_by_id(CHUNK_XMP);
    // Also brings the VP8X header's EXIF flag up to date.
    webp.set_exif(kept);
    let vp8x = webp.chunks_mut().iter_mut().find(|c| c.id() == CHUNK_VP8X);
    if let Some(RiffContent::Data(data)) = vp8x.map(|c| c.content_mut())
        && let Some(&flags) = data.first()
        && flags & WEBP_XMP_FLAG != 0
    {
        let mut header = data.to_vec();
        header[0] = flags & !WEBP_XMP_FLAG;
        *data = Bytes::from(header);
    }
    webp.encoder().bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_orientation_alone_is_read_back() {
        let exif = orientation_only_exif(Orientation::Rotate90);
        assert_eq!(exif.len(), 26);
        assert_eq!(
            Orientation::from_exif_chunk(&exif),
            Some(Orientation::Rotate90)
        );
    }

    /// A small picture encoded by image as `format`.
    fn encoded(format: image::ImageFormat) -> Vec<u8> {
        let picture = image::RgbaImage::from_fn(8, 6, |x, y| {
            image::Rgba([x as u8 * 30, y as u8 * 40, 90, 200])
        });
        let mut out = std::io::Cursor::new(Vec::new());
        image::DynamicImage::ImageRgba8(picture)
            .write_to(&mut out, format)
            .unwrap();
        out.into_inner()
    }

    /// A camera's EXIF in short: `orientation` and a GPS marker.
    fn exif_with_gps(orientation: Orientation) -> Bytes {
        let mut exif = orientation_only_exif(orientation);
        exif.extend(b"GPS-SECRET");
        Bytes::from(exif)
    }

    fn pixels(bytes: &[u8]) -> Vec<u8> {
        image::load_from_memory(bytes)
            .unwrap()
            .to_rgba8()
            .into_raw()
    }

    fn has(bytes: &[u8], needle: &[u8]) -> bool {
        bytes.windows(needle.len()).any(|w| w == needle)
    }

    #[test]
    fn a_png_loses_its_text_and_keeps_its_pixels_and_orientation() {
        let mut png = Png::from_bytes(encoded(image::ImageFormat::Png).into()).unwrap();
        png.set_exif(Some(exif_with_gps(Orientation::Rotate270)));
        let text = Bytes::from_static(b"Comment\0taken at home");
        let at = png.chunks().len() - 1;
        png.chunks_mut()
            .insert(at, img_parts::png::PngChunk::new(*b"tEXt", text));
        let input = png.encoder().bytes().to_vec();
        let stripped = strip(&input).unwrap().expect("something stripped");
        assert!(!has(&stripped, b"taken at home") && !has(&stripped, b"GPS-SECRET"));
        assert_eq!(pixels(&stripped), pixels(&input));
        let kept = Png::from_bytes(stripped.clone().into()).unwrap().exif();
        assert_eq!(
            kept.and_then(|e| Orientation::from_exif_chunk(&e)),
            Some(Orientation::Rotate270)
        );
        assert_eq!(strip(&stripped), Ok(None), "stripped twice, nothing left");
    }

    #[test]
    fn a_webp_loses_its_exif_and_xmp_and_their_header_flags() {
        let mut webp = WebP::from_bytes(encoded(image::ImageFormat::WebP).into()).unwrap();
        webp.set_exif(Some(exif_with_gps(Orientation::NoTransforms)));
        let xmp = RiffContent::Data(Bytes::from_static(b"<x:xmpmeta>GPS-XMP</x:xmpmeta>"));
        webp.chunks_mut()
            .push(img_parts::riff::RiffChunk::new(CHUNK_XMP, xmp));
        let vp8x = webp.chunks_mut().iter_mut().find(|c| c.id() == CHUNK_VP8X);
        if let Some(RiffContent::Data(data)) = vp8x.map(|c| c.content_mut()) {
            let mut header = data.to_vec();
            header[0] |= WEBP_XMP_FLAG;
            *data = Bytes::from(header);
        }
        let input = webp.encoder().bytes().to_vec();
        let stripped = strip(&input).unwrap().expect("something stripped");
        assert!(!has(&stripped, b"GPS-SECRET") && !has(&stripped, b"GPS-XMP"));
        assert_eq!(pixels(&stripped), pixels(&input));
        let out = WebP::from_bytes(stripped.into()).unwrap();
        let flags = out
            .chunk_by_id(CHUNK_VP8X)
            .and_then(|c| c.content().data())
            .map_or(0, |d| d[0]);
        assert_eq!(flags & (WEBP_XMP_FLAG | 0b1000), 0, "no EXIF or XMP flag");
    }

    #[test]
    fn a_file_of_no_known_container_is_left_alone() {
        assert_eq!(strip(b"GIF89a..."), Ok(None));
        assert!(strip(b"\xFF\xD8\xFF\xE1").is_err());
    }
}
