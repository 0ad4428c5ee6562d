//! The template functions, as Zola has them:
//! `resize_image(path, width, height, op, format, quality)` → `{url,
//! width, height, orig_width, orig_height}`, and `image_meta(path)` (or
//! Zola's `get_image_metadata(path, allow_missing)`) → `{width, height,
//! format}`. `path` is the image's site path
//! (`/blog/trip/a.jpg`, `img/logo.png` for `static/img/logo.png`).

use std::sync::Arc;

use serde::Serialize;
use tera::{Kwargs, State, TeraResult};

use super::variant::{Op, OutputFormat, Variant, target_size};
use super::{Images, Probe, UsedAt};

/// What `resize_image` returns.
#[derive(Serialize)]
struct Resized {
    url: String,
    width: u32,
    height: u32,
    orig_width: u32,
    orig_height: u32,
}

/// What `image_meta` returns.
#[derive(Serialize)]
struct Meta {
    width: u32,
    height: u32,
    format: &'static str,
}

/// The image at `path` and what its header says; an error names it.
fn probed<'i>(images: &'i Images, path: &str) -> TeraResult<(String, &'i Probe)> {
    let site_path = format!("/{}", path.trim_start_matches('/'));
    match images.probe(&site_path) {
        Some(Ok(probe)) => Ok((site_path, probe)),
        Some(Err(unreadable)) => Err(tera::Error::message(unreadable.message)),
        None => Err(tera::Error::message(format!(
            "no image at `{path}`: give the site path of a JPEG, PNG, WebP or GIF \
             in static/ or beside a page"
        ))),
    }
}

/// Registers the functions on `tera`.
pub fn register(images: Arc<Images>, tera: &mut tera::Tera) {
    let shared = Arc::clone(&images);
    tera.register_function(
        "image_meta",
        move |kwargs: Kwargs, _: &State| -> TeraResult<tera::Value> {
            let path: &str = kwargs.must_get("path")?;
            let (_, probe) = probed(&shared, path)?;
            Ok(tera::Value::from_serializable(&Meta {
                width: probe.width,
                height: probe.height,
                format: probe.format.name(),
            }))
        },
    );
    // Zola's name for it, whose `allow_missing=true` gives nothing for a
    // missing file instead of an error (tabi's image shortcodes try the
    // page's folder first, then the site's).
    let shared = Arc::clone(&images);
    tera.register_function(
        "get_image_metadata",
        move |kwargs: Kwargs, _: &State| -> TeraResult<tera::Value> {
            let path: &str = kwargs.must_get("path")?;
            let allow_missing = kwargs.get::<bool>("allow_missing")?.unwrap_or(false);
            let site_path = format!("/{}", path.trim_start_matches('/'));
            if allow_missing && shared.probe(&site_path).is_none() {
                return Ok(tera::Value::none());
            }
            let (_, probe) = probed(&shared, path)?;
            Ok(tera::Value::from_serializable(&Meta {
                width: probe.width,
                height: probe.height,
                format: probe.format.name(),
            }))
        },
    );
    tera.register_function(
        "resize_image",
        move |kwargs: Kwargs, _: &State| -> TeraResult<tera::Value> {
            let path: &str = kwargs.must_get("path")?;
            // Zola's calls pass 0 for the side an op does not use.
            let width = kwargs.get::<u32>("width")?.filter(|w| *w > 0);
            let height = kwargs.get::<u32>("height")?.filter(|h| *h > 0);
            let (op, width, height) = match kwargs.get("op")?.unwrap_or("fill") {
                // Zola's: exactly this wide (or high), proportions kept.
                "fit_width" => (Op::Scale, width, None),
                "fit_height" => (Op::Scale, None, height),
                name => (
                    Op::parse(name).map_err(tera::Error::message)?,
                    width,
                    height,
                ),
            };
            let quality: u8 = kwargs.get("quality")?.unwrap_or(images.default_quality());
            if !(1..=100).contains(&quality) {
                return Err(tera::Error::message("`quality` must be 1 to 100"));
            }
            let (site_path, probe) = probed(&images, path)?;
            let format = match kwargs.get::<&str>("format")? {
                None | Some("auto") => OutputFormat::of_source(probe.format),
                Some(name) => OutputFormat::parse(name).map_err(tera::Error::message)?,
            };
            let (w, h) = target_size(op, (probe.width, probe.height), width, height)
                .map_err(tera::Error::message)?;
            let variant = Variant {
                source_digest: probe.digest,
                width: w,
                height: h,
                op,
                format,
                quality,
            };
            let used_at = UsedAt {
                file: "templates (resize_image)".into(),
                line: None,
            };
            Ok(tera::Value::from_serializable(&Resized {
                url: images.request(&site_path, variant, &used_at),
                width: w,
                height: h,
                orig_width: probe.width,
                orig_height: probe.height,
            }))
        },
    );
}
