//! What ssg learns of a source image from its header alone: format, size
//! as displayed (after its EXIF orientation) and a hash of its bytes. The
//! Markdown stage needs only this to write `width`, `height` and `srcset`;
//! decoding waits until a resized copy is really made, and a warm build
//! makes none.

use std::io::Cursor;

use image::metadata::Orientation;
use image::{ImageDecoder, ImageFormat, ImageReader, Limits};

/// The formats ssg resizes. GIF is read for `image_meta` but never
/// resized: its animation would be lost.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SourceFormat {
    Jpeg,
    Png,
    Webp,
    Gif,
}

impl SourceFormat {
    pub fn name(self) -> &'static str {
        match self {
            SourceFormat::Jpeg => "jpeg",
            SourceFormat::Png => "png",
            SourceFormat::Webp => "webp",
            SourceFormat::Gif => "gif",
        }
    }

    pub(super) fn of(format: ImageFormat) -> Option<SourceFormat> {
        match format {
            ImageFormat::Jpeg => Some(SourceFormat::Jpeg),
            ImageFormat::Png => Some(SourceFormat::Png),
            ImageFormat::WebP => Some(SourceFormat::Webp),
            ImageFormat::Gif => Some(SourceFormat::Gif),
            _ => None,
        }
    }
}

/// See the module documentation.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Probe {
    /// [`crate::hash::content`] of the file's bytes: resized copies are
    /// named and cached by it.
    pub digest: u64,
    pub format: SourceFormat,
    /// As displayed: a portrait photo stored sideways with orientation 6
    /// is as wide as the stored image is high.
    pub width: u32,
    pub height: u32,
}

/// Whether an EXIF orientation turns the picture a quarter (so its
/// displayed width is its stored height).
pub(super) fn turns_sideways(orientation: Orientation) -> bool {
    matches!(
        orientation,
        Orientation::Rotate90
            | Orientation::Rotate270
            | Orientation::Rotate90FlipH
            | Orientation::Rotate270FlipH
    )
}

/// Why a file could not be used as an image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    pub message: String,
}

impl From<String> for Unreadable {
    fn from(message: String) -> Unreadable {
        Unreadable { message }
    }
}

/// Reads the header of `bytes`. An image of more than `max_pixels` is an
/// error before any pixel is decoded.
pub fn probe(bytes: &[u8], max_pixels: u64) -> Result<Probe, Unreadable> {
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| format!("cannot read: {e}"))?;
    let format = reader
        .format()
        .and_then(SourceFormat::of)
        .ok_or_else(|| "not an image ssg reads (JPEG, PNG, WebP or GIF)".to_string())?;
    // Only the header is read here; the pixel limit below is ours, with a
    // message that names the setting.
    reader.limits(Limits::no_limits());
    let mut decoder = reader
        .into_decoder()
        .map_err(|e| format!("not a valid {} image: {e}", format.name()))?;
    if format == SourceFormat::Jpeg && !jpeg_is_complete(bytes) {
        let cut = "the JPEG is cut short (no end marker after its image data)";
        return Err(cut.to_string().into());
    }
    let (stored_w, stored_h) = decoder.dimensions();
    check_pixels(stored_w, stored_h, max_pixels)?;
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let (width, height) = if turns_sideways(orientation) {
        (stored_h, stored_w)
    } else {
        (stored_w, stored_h)
    };
    Ok(Probe {
        digest: crate::hash::content(bytes),
        format,
        width,
        height,
    })
}

/// Whether a JPEG's last scan is followed by its end marker. The decoder
/// fills a file cut short with grey and reports nothing, and a half-grey
/// photo on a published page is worse than an error. Inside scan data an
/// 0xFF byte is always followed by 0x00 or a restart marker, so the first
/// 0xFF 0xD9 after the last 0xFF 0xDA is the end (a trailer after it, as
/// some cameras write, is fine).
fn jpeg_is_complete(bytes: &[u8]) -> bool {
    let last_scan = bytes.windows(2).rposition(|w| w == [0xFF, 0xDA]);
    last_scan.is_some_and(|at| bytes[at..].windows(2).any(|w| w == [0xFF, 0xD9]))
}

/// An image of `w` × `h` may be decoded under the `max_pixels` limit.
pub(super) fn check_pixels(w: u32, h: u32, max_pixels: u64) -> Result<(), String> {
    if w == 0 || h == 0 {
        return Err(format!("the image is {w} × {h} pixels"));
    }
    let pixels = u64::from(w) * u64::from(h);
    if pixels > max_pixels {
        return Err(format!(
            "the image is {w} × {h} pixels ({pixels}), over the limit of {max_pixels}; \
             make it smaller or raise `max_pixels` in [images] of ssg.toml"
        ));
    }
    Ok(())
}
