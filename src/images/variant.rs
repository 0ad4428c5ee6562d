//! A resized copy of a source image, as a value: which source (by the
//! hash of its bytes), what size, how it was fitted, what format and
//! quality. Its file name is a hash of all of that, so the same request
//! always names the same bytes: the copy can be cached for a year as
//! `immutable`, reused from `.ssg-cache/` and never uploaded twice.

use super::probe::SourceFormat;

/// Bumped when the bytes a variant encodes to change for the same request
/// (another resize filter, another encoder setting): new names, so no
/// browser or CDN keeps the old bytes under a name.
const VARIANT_VERSION: u32 = 1;

/// How a picture is brought to the requested size (Zola's operations).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Op {
    /// Exactly the requested width and height, proportions not kept; with
    /// one of them missing, the other follows the proportions.
    Scale,
    /// As large as fits inside the requested box, proportions kept, never
    /// larger than the source.
    Fit,
    /// Covers the requested box, proportions kept, the overflow cropped
    /// equally on both sides.
    Fill,
}

impl Op {
    pub fn parse(name: &str) -> Result<Op, String> {
        match name {
            "scale" => Ok(Op::Scale),
            "fit" => Ok(Op::Fit),
            "fill" => Ok(Op::Fill),
            other => Err(format!(
                "unknown resize op `{other}`: use \"fit\", \"fill\", \"scale\", \"fit_width\" or \"fit_height\""
            )),
        }
    }
}

/// The formats resized copies are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OutputFormat {
    Jpeg,
    Png,
    Webp,
    /// Last, so the others keep their hashes (and their copies' names).
    Avif,
}

impl OutputFormat {
    pub fn parse(name: &str) -> Result<OutputFormat, String> {
        match name {
            "jpg" | "jpeg" => Ok(OutputFormat::Jpeg),
            "png" => Ok(OutputFormat::Png),
            "webp" => Ok(OutputFormat::Webp),
            "avif" => Ok(OutputFormat::Avif),
            other => Err(format!(
                "unknown image format `{other}`: use \"jpeg\", \"png\", \"webp\" or \"avif\""
            )),
        }
    }

    /// The format a copy of `source` keeps when none is asked for (GIF:
    /// a single frame is a PNG).
    pub fn of_source(source: SourceFormat) -> OutputFormat {
        match source {
            SourceFormat::Jpeg => OutputFormat::Jpeg,
            SourceFormat::Png | SourceFormat::Gif => OutputFormat::Png,
            SourceFormat::Webp => OutputFormat::Webp,
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            OutputFormat::Jpeg => "jpg",
            OutputFormat::Png => "png",
            OutputFormat::Webp => "webp",
            OutputFormat::Avif => "avif",
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            OutputFormat::Jpeg => "image/jpeg",
            OutputFormat::Png => "image/png",
            OutputFormat::Webp => "image/webp",
            OutputFormat::Avif => "image/avif",
        }
    }
}

/// See the module documentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Variant {
    pub source_digest: u64,
    /// The size of the copy, decided by [`target_size`].
    pub width: u32,
    pub height: u32,
    pub op: Op,
    pub format: OutputFormat,
    pub quality: u8,
}

/// Where resized copies are written, under the output folder.
pub const FOLDER: &str = "processed_images";

impl Variant {
    /// `processed_images/STEM.HASH.EXT`, the stem kept so a reader of the
    /// HTML sees which picture it is.
    pub fn output_path(&self, stem: &str) -> String {
        let hash = crate::hash::of(&(VARIANT_VERSION, self));
        let stem = safe_stem(stem);
        format!("{FOLDER}/{stem}.{hash:016x}.{}", self.format.extension())
    }
}

/// `stem` as a file name part any server and shell takes: letters,
/// digits, `-` and `_`, the rest `-`, at most 60 characters.
pub fn safe_stem(stem: &str) -> String {
    stem.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .take(60)
        .collect()
}

/// The size of the copy `op` makes of a `source` (width, height) picture
/// asked to be `want_w` × `want_h` (either may be missing, not both).
pub fn target_size(
    op: Op,
    source: (u32, u32),
    want_w: Option<u32>,
    want_h: Option<u32>,
) -> Result<(u32, u32), String> {
    let (sw, sh) = (f64::from(source.0), f64::from(source.1));
    let scaled = |v: f64| (v.round() as u32).max(1);
    let size = match (op, want_w, want_h) {
        (_, None, None) | (_, Some(0), _) | (_, _, Some(0)) => {
            return Err("give a `width` or a `height` above 0".to_string());
        }
        (Op::Fill, Some(w), Some(h)) | (Op::Scale, Some(w), Some(h)) => (w, h),
        (Op::Fill, ..) => return Err("\"fill\" needs both `width` and `height`".to_string()),
        (Op::Scale, Some(w), None) => (w, scaled(f64::from(w) * sh / sw)),
        (Op::Scale, None, Some(h)) => (scaled(f64::from(h) * sw / sh), h),
        (Op::Fit, w, h) => {
            let by_w = w.map_or(f64::INFINITY, |w| f64::from(w) / sw);
            let by_h = h.map_or(f64::INFINITY, |h| f64::from(h) / sh);
            let ratio = by_w.min(by_h).min(1.0);
            (scaled(sw * ratio), scaled(sh * ratio))
        }
    };
    Ok(size)
}

/// The widths of a `srcset` for a picture `width` pixels wide: each
/// configured width narrower than it, and its own width when that is
/// narrower than the widest configured (so a 1,000-pixel photo is offered
/// at 1,000, not cut to 960). Sorted, no duplicates.
pub fn srcset_widths(configured: &[u32], width: u32) -> Vec<u32> {
    let mut widths: Vec<u32> = configured.iter().copied().filter(|w| *w < width).collect();
    if configured.is_empty() || configured.iter().any(|w| *w >= width) {
        widths.push(width);
    }
    widths.sort_unstable();
    widths.dedup();
    widths
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_follow_the_op_and_never_upscale_a_fit() {
        assert_eq!(
            target_size(Op::Fit, (4000, 3000), Some(800), None),
            Ok((800, 600))
        );
        assert_eq!(
            target_size(Op::Fit, (400, 300), Some(800), Some(800)),
            Ok((400, 300))
        );
        assert_eq!(
            target_size(Op::Fit, (4000, 3000), Some(800), Some(300)),
            Ok((400, 300))
        );
        assert_eq!(
            target_size(Op::Fill, (4000, 3000), Some(100), Some(100)),
            Ok((100, 100))
        );
        assert_eq!(
            target_size(Op::Scale, (4000, 3000), None, Some(30)),
            Ok((40, 30))
        );
        assert!(target_size(Op::Fill, (10, 10), Some(5), None).is_err());
        assert!(target_size(Op::Fit, (10, 10), None, None).is_err());
    }

    #[test]
    fn srcset_widths_stay_below_the_picture() {
        assert_eq!(srcset_widths(&[1600, 480, 960], 1000), [480, 960, 1000]);
        assert_eq!(srcset_widths(&[1600, 480, 960], 4000), [480, 960, 1600]);
        assert_eq!(srcset_widths(&[480, 960], 960), [480, 960]);
        assert_eq!(srcset_widths(&[480, 960], 300), [300]);
    }

    #[test]
    fn names_change_with_every_parameter() {
        let v = Variant {
            source_digest: 1,
            width: 10,
            height: 10,
            op: Op::Fit,
            format: OutputFormat::Webp,
            quality: 80,
        };
        let other = Variant { quality: 81, ..v };
        assert_ne!(v.output_path("a"), other.output_path("a"));
        assert!(
            v.output_path("my photo")
                .starts_with("processed_images/my-photo.")
        );
        assert!(v.output_path("a").ends_with(".webp"));
    }
}
