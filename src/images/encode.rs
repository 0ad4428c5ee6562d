//! Making the bytes of a resized copy: decode (turned upright by its EXIF
//! orientation), resize with `fast_image_resize`, encode (JPEG and PNG by
//! image, WebP by libwebp, AVIF by ravif). Encoders here
//! write no metadata, so the copies carry no EXIF: no GPS position of the
//! author's home, no camera serial number.

use std::io::Cursor;

use fast_image_resize::{FilterType, ResizeAlg, ResizeOptions, Resizer};
use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::{CompressionType, PngEncoder};
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageEncoder, ImageReader, Limits};

use super::probe::check_pixels;
use super::variant::{Op, OutputFormat, Variant};

/// The picture in `bytes`, upright, as 8-bit RGB or RGBA (what the
/// resizer and every encoder here take).
pub fn decode(bytes: &[u8], max_pixels: u64) -> Result<DynamicImage, String> {
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| format!("cannot read: {e}"))?;
    let mut limits = Limits::default();
    // RGBA at the largest allowed size, and the decoder's own buffers.
    limits.max_alloc = Some(max_pixels.saturating_mul(8).saturating_add(64 << 20));
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(|e| e.to_string())?;
    let (w, h) = decoder.dimensions();
    check_pixels(w, h, max_pixels)?;
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let mut picture =
        DynamicImage::from_decoder(decoder).map_err(|e| format!("cannot decode the image: {e}"))?;
    picture.apply_orientation(orientation);
    Ok(if picture.color().has_alpha() {
        DynamicImage::ImageRgba8(picture.into_rgba8())
    } else {
        DynamicImage::ImageRgb8(picture.into_rgb8())
    })
}

/// `picture` brought to the size of `variant` as its op says.
pub fn resize(picture: &DynamicImage, variant: &Variant) -> Result<DynamicImage, String> {
    let (w, h) = (variant.width, variant.height);
    if (picture.width(), picture.height()) == (w, h) {
        return Ok(picture.clone());
    }
    let mut resized = DynamicImage::new(w, h, picture.color());
    let mut options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3));
    if variant.op == Op::Fill {
        options = options.fit_into_destination(None);
    }
    Resizer::new()
        .resize(picture, &mut resized, &options)
        .map_err(|e| format!("cannot resize: {e}"))?;
    Ok(resized)
}

/// `picture` encoded as `format` at `quality` (1–100; PNG is lossless).
pub fn encode(
    picture: &DynamicImage,
    format: OutputFormat,
    quality: u8,
) -> Result<Vec<u8>, String> {
    let (w, h) = (picture.width(), picture.height());
    let mut out = Vec::new();
    let failed = |e: &dyn std::fmt::Display| format!("cannot encode {format:?}: {e}");
    match format {
        OutputFormat::Jpeg => {
            let rgb = picture.to_rgb8();
            JpegEncoder::new_with_quality(&mut out, quality)
                .write_image(rgb.as_raw(), w, h, image::ExtendedColorType::Rgb8)
                .map_err(|e| failed(&e))?;
        }
        OutputFormat::Png => {
            let color = picture.color().into();
            PngEncoder::new_with_quality(
                &mut out,
                CompressionType::Default,
                image::codecs::png::FilterType::Adaptive,
            )
            .write_image(picture.as_bytes(), w, h, color)
            .map_err(|e| failed(&e))?;
        }
        OutputFormat::Webp => {
            // libwebp, lossy: image's own WebP encoder is lossless only,
            // which makes photos larger than the JPEG they came from.
            let encoder = match picture {
                DynamicImage::ImageRgba8(rgba) => webp::Encoder::from_rgba(rgba.as_raw(), w, h),
                other => match other.as_rgb8() {
                    Some(rgb) => webp::Encoder::from_rgb(rgb.as_raw(), w, h),
                    None => return Err(failed(&"an unexpected pixel layout")),
                },
            };
            let encoded = encoder
                .encode_simple(false, f32::from(quality))
                .map_err(|e| failed(&format_args!("{e:?}")))?;
            out.extend_from_slice(&encoded);
        }
        OutputFormat::Avif => out = encode_avif(picture, quality).map_err(|e| failed(&e))?,
    }
    Ok(out)
}

/// rav1e's speed for AVIF copies, 1 (slowest, smallest) to 10. Without
/// rav1e's assembly even 8 costs far more than a JPEG or WebP copy
/// (docs/perf.md has the one measurement so far); lower speeds cost
/// more again for files a little smaller.
const AVIF_SPEED: u8 = 8;

/// `picture` as AVIF by ravif (10 bits inside, ravif's choice even for
/// 8-bit sources); an opaque RGBA picture loses its alpha.
fn encode_avif(picture: &DynamicImage, quality: u8) -> Result<Vec<u8>, String> {
    let (w, h) = (picture.width() as usize, picture.height() as usize);
    // ravif panics outside 1–100; the callers check, this makes sure.
    let quality = f32::from(quality.clamp(1, 100));
    let encoder = ravif::Encoder::new()
        .with_quality(quality)
        .with_alpha_quality(quality)
        .with_speed(AVIF_SPEED);
    let encoded = match picture {
        DynamicImage::ImageRgba8(rgba) => {
            let pixels: Vec<ravif::RGBA8> = rgba
                .as_raw()
                .chunks_exact(4)
                .map(|p| ravif::RGBA8::new(p[0], p[1], p[2], p[3]))
                .collect();
            encoder.encode_rgba(ravif::Img::new(&pixels[..], w, h))
        }
        other => {
            let rgb = other.to_rgb8();
            let pixels: Vec<ravif::RGB8> = rgb
                .as_raw()
                .chunks_exact(3)
                .map(|p| ravif::RGB8::new(p[0], p[1], p[2]))
                .collect();
            encoder.encode_rgb(ravif::Img::new(&pixels[..], w, h))
        }
    };
    encoded.map(|e| e.avif_file).map_err(|e| e.to_string())
}
