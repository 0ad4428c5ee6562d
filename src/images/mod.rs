//! Images: a Markdown image of a local file (a page's asset or a static
//! file) gets `width` and `height` (no layout shift while it loads),
//! `loading="lazy"` below the first, and a `srcset` of resized copies in
//! its own format and in WebP inside a `<picture>`; templates get
//! `resize_image` and `image_meta`. The files themselves, a page's photos
//! and the static images its Markdown shows, are published without their
//! metadata ([`originals`]).
//!
//! The Markdown stage only reads headers ([`probe`]) and asks for copies
//! by name ([`variant`]); the copies are made at the end of the build, in
//! parallel, each source decoded once ([`encode`]), and kept in
//! `.ssg-cache/images/` under their content-addressed names, so a warm
//! build and `ssg serve` make none again ([`store`]); a build removes from
//! there what it did not use. A page without local images never reaches
//! this module.

mod encode;
mod functions;
mod html;
mod metadata;
mod originals;
mod probe;
mod store;
mod variant;

pub use html::{Picture, PictureSource, picture_html};
pub use probe::{Probe, SourceFormat, Unreadable};
pub use variant::{FOLDER, Op, OutputFormat, Variant};

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};

use crate::config::{ExtraImageFormat, ImagesConfig};
use crate::output::{Output, OutputData};

/// Where a picture is used, for an error about it: the content file as
/// shown and the line.
#[derive(Debug, Clone)]
pub struct UsedAt {
    pub file: PathBuf,
    pub line: Option<usize>,
}

/// A local image file the site publishes.
struct SourceFile {
    file: PathBuf,
    /// As shown in messages: `content/blog/trip/a.jpg`, `static/b.png`.
    shown: String,
    /// Beside a page (a bundle's photo) rather than under `static/`.
    page_asset: bool,
    probed: OnceLock<Result<Probe, Unreadable>>,
}

/// A copy asked for, and by whom first.
#[derive(Clone)]
struct Request {
    variant: Variant,
    /// The site path of the source.
    source: String,
    used_at: UsedAt,
}

/// The site's local images and the resized copies asked of them so far.
pub struct Images {
    settings: ImagesConfig,
    base_path: String,
    /// By site path (`/blog/trip/a.jpg`), only files of image extensions.
    sources: HashMap<String, SourceFile>,
    /// By output path (`processed_images/a.HASH.webp`).
    requests: Mutex<BTreeMap<String, Request>>,
    /// Site paths of the sources Markdown images show.
    pictured: Mutex<BTreeSet<String>>,
}

/// File name extensions of the images ssg reads.
const IMAGE_EXTENSIONS: &[&str] = &["jpg", "jpeg", "png", "webp", "gif"];

fn is_image_name(path: &str) -> bool {
    let ext = path.rsplit_once('.').map_or("", |(_, e)| e);
    IMAGE_EXTENSIONS.iter().any(|e| e.eq_ignore_ascii_case(ext))
}

impl Images {
    /// The images among the site's static files and its page assets (as
    /// copied outputs).
    pub fn new<'o>(
        settings: &ImagesConfig,
        base_path: &str,
        static_files: impl Iterator<Item = &'o Output>,
        page_assets: impl Iterator<Item = &'o Output>,
    ) -> Images {
        let files = static_files
            .map(|o| (o, false))
            .chain(page_assets.map(|o| (o, true)));
        let sources = files
            .filter(|(o, _)| is_image_name(&o.path))
            .filter_map(|(o, page_asset)| match &o.data {
                OutputData::Copy(file) => Some((
                    format!("/{}", o.path),
                    SourceFile {
                        file: file.clone(),
                        shown: o.origin.clone(),
                        page_asset,
                        probed: OnceLock::new(),
                    },
                )),
                _ => None,
            })
            .collect();
        Images {
            settings: settings.clone(),
            base_path: base_path.to_string(),
            sources,
            requests: Mutex::new(BTreeMap::new()),
            pictured: Mutex::new(BTreeSet::new()),
        }
    }

    /// No images: what templates are checked against before the site's
    /// files are read.
    pub fn none(settings: &ImagesConfig) -> Images {
        Images::new(settings, "", std::iter::empty(), std::iter::empty())
    }

    /// Makes `resize_image` and `image_meta` read these images.
    pub fn register_functions(self: &std::sync::Arc<Self>, tera: &mut tera::Tera) {
        functions::register(std::sync::Arc::clone(self), tera);
    }

    /// The quality of lossy copies when a template names none.
    pub fn default_quality(&self) -> u8 {
        self.settings.quality
    }

    /// What the header of the image at `site_path` says; `None` when the
    /// site publishes no image file there.
    pub fn probe(&self, site_path: &str) -> Option<Result<&Probe, Unreadable>> {
        let source = self.sources.get(site_path)?;
        let probed = source.probed.get_or_init(|| {
            let bytes = std::fs::read(&source.file).map_err(|e| format!("cannot read: {e}"))?;
            probe::probe(&bytes, self.settings.max_pixels)
        });
        Some(probed.as_ref().map_err(|u| Unreadable {
            message: format!("image {}: {}", source.shown, u.message),
        }))
    }

    /// Asks for a copy of the image at `site_path` made as `variant`
    /// says; returns its URL.
    pub fn request(&self, site_path: &str, variant: Variant, used_at: &UsedAt) -> String {
        let stem = site_path
            .rsplit('/')
            .next()
            .and_then(|name| name.rsplit_once('.').map(|(stem, _)| stem))
            .unwrap_or("image");
        let path = variant.output_path(stem);
        if let Ok(mut requests) = self.requests.lock() {
            requests.entry(path.clone()).or_insert_with(|| Request {
                variant,
                source: site_path.to_string(),
                used_at: used_at.clone(),
            });
        }
        format!("{}/{path}", self.base_path)
    }

    /// The `<picture>` of a Markdown image of `site_path`: `None` when it
    /// is no local image ssg resizes (a GIF keeps its animation).
    pub fn picture(
        &self,
        site_path: &str,
        used_at: &UsedAt,
    ) -> Option<Result<Picture, Unreadable>> {
        if self.sources.contains_key(site_path)
            && let Ok(mut pictured) = self.pictured.lock()
        {
            pictured.insert(site_path.to_string());
        }
        let probe = match self.probe(site_path)? {
            Ok(probe) => probe.clone(),
            Err(unreadable) => return Some(Err(unreadable)),
        };
        if probe.format == SourceFormat::Gif {
            return None;
        }
        let own = OutputFormat::of_source(probe.format);
        let mut formats = vec![own];
        // Best first, as a browser takes the first `<source>` it reads:
        // AVIF is smaller than WebP at the same quality.
        for preferred in [ExtraImageFormat::Avif, ExtraImageFormat::Webp] {
            let format = match preferred {
                ExtraImageFormat::Avif => OutputFormat::Avif,
                ExtraImageFormat::Webp => OutputFormat::Webp,
            };
            if self.settings.formats.contains(&preferred) && !formats.contains(&format) {
                formats.push(format);
            }
        }
        let widths = variant::srcset_widths(&self.settings.widths, probe.width);
        let mut sets = Vec::new();
        for format in formats {
            let mut set = Vec::new();
            for &w in &widths {
                let size = (probe.width, probe.height);
                let (width, height) = variant::target_size(Op::Fit, size, Some(w), None).ok()?;
                let v = Variant {
                    source_digest: probe.digest,
                    width,
                    height,
                    op: Op::Fit,
                    format,
                    quality: self.settings.quality,
                };
                set.push((self.request(site_path, v, used_at), width, height));
            }
            sets.push((format, set));
        }
        Some(Ok(html::picture_of(sets)))
    }

    /// Brings `outputs` (the site's copied files among them) to what the
    /// build publishes of its images: the page assets and the static
    /// images Markdown shows stripped of their metadata, and every copy
    /// asked for added, from the cache where it is there, the rest made in
    /// parallel (and put into the cache). Then the cache loses what this
    /// build did not use. A source that cannot be decoded is an error at
    /// the content file and line that used it.
    pub fn publish(
        &self,
        cache: Option<&crate::cache::Cache>,
        outputs: &mut Vec<Output>,
    ) -> Result<(), Vec<crate::error::Diagnostic>> {
        let dir = cache.map(|c| c.path(store::CACHE_FOLDER));
        if let Some(dir) = &dir
            && let Err(e) = std::fs::create_dir_all(dir)
        {
            crate::log::verbose(&format!("image cache off: {}: {e}", dir.display()));
        }
        let mut used = BTreeSet::new();
        if self.settings.strip_metadata {
            let pictured = self.pictured.lock().map(|p| p.clone()).unwrap_or_default();
            let strips = |output: &Output| {
                let site_path = format!("/{}", output.path);
                self.sources
                    .get(&site_path)
                    .is_some_and(|source| source.page_asset || pictured.contains(&site_path))
            };
            used.extend(originals::strip_outputs(outputs, strips, dir.as_deref()));
        }
        let (copies, names) = self.copies(dir.as_deref())?;
        outputs.extend(copies);
        used.extend(names);
        if let Some(dir) = &dir {
            store::prune(dir, &used);
        }
        Ok(())
    }

    /// Every copy asked for, and the names of their cache files.
    fn copies(
        &self,
        dir: Option<&std::path::Path>,
    ) -> Result<(Vec<Output>, Vec<String>), Vec<crate::error::Diagnostic>> {
        let requests = match self.requests.lock() {
            Ok(requests) => requests.clone(),
            Err(_) => return Ok((Vec::new(), Vec::new())),
        };
        let mut names = Vec::new();
        let mut by_source: BTreeMap<&str, store::SourceJob> = BTreeMap::new();
        for (path, request) in requests {
            let Some(source) = self.sources.get(&request.source) else {
                continue;
            };
            names.push(store::cache_name(&path).to_string());
            by_source
                .entry(source.shown.as_str())
                .or_insert_with(|| store::SourceJob {
                    file: source.file.clone(),
                    shown: source.shown.clone(),
                    used_at: request.used_at.clone(),
                    copies: Vec::new(),
                })
                .copies
                .push((path, request.variant));
        }
        let copies = store::outputs(
            by_source.into_values().collect(),
            dir,
            self.settings.max_pixels,
        )?;
        Ok((copies, names))
    }
}
