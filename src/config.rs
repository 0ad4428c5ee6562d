//! `ssg.toml` → [`Config`]. Unknown keys and wrong types are errors with the
//! line they are on, so a typo never silently falls back to a default.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{BuildError, Diagnostic, line_of_offset};

pub const CONFIG_FILE: &str = "ssg.toml";

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default = "default_title")]
    pub title: String,
    /// Absolute URL the site is served from; permalinks are built on it.
    #[serde(default = "default_base_url")]
    pub base_url: String,
    #[serde(default)]
    pub description: String,
    #[serde(default = "default_language")]
    pub language: String,
    /// Author named in feeds; defaults to the site title.
    #[serde(default)]
    pub author: String,
    #[serde(default)]
    pub theme: Option<String>,
    #[serde(default)]
    pub build: BuildConfig,
    #[serde(default)]
    pub markdown: MarkdownConfig,
    #[serde(default)]
    pub images: ImagesConfig,
    #[serde(default)]
    pub search: SearchConfig,
    #[serde(default)]
    pub publish: Option<PublishConfig>,
    /// `[taxonomies]`: taxonomy name → its settings. `tags` is always a
    /// taxonomy; naming it here only changes its settings.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub taxonomies: std::collections::BTreeMap<String, TaxonomySettings>,
    /// Old URL path → where it now is (a site path or a full URL): a
    /// redirect page at each old path, for URLs no page or section owns
    /// (a moved site's category pages, say).
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub redirects: std::collections::BTreeMap<String, String>,
    /// Free map handed to templates as `config.extra`.
    #[serde(default)]
    pub extra: toml::Table,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BuildConfig {
    pub output_dir: String,
    /// Pages per listing page; 0 turns pagination off.
    pub paginate_by: usize,
    pub drafts: bool,
    /// Entries in each Atom feed.
    pub feed_limit: usize,
    /// Old feed URLs (`/index.xml`, `/feed.xml`) the site feed is also
    /// written at, so subscribers of a moved site keep their feed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub feed_aliases: Vec<String>,
}

impl Default for BuildConfig {
    fn default() -> Self {
        BuildConfig {
            output_dir: crate::layout::DEFAULT_OUTPUT.into(),
            paginate_by: 10,
            drafts: false,
            feed_limit: 20,
            feed_aliases: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MarkdownConfig {
    pub highlight: bool,
    pub highlight_theme: String,
    pub smart_punctuation: bool,
    /// `$…$` and `$$…$$` as math (a page's `math` front matter key decides
    /// for that page).
    pub math: bool,
    /// What invalid TeX does: `"error"` stops the build, `"warn"` shows the
    /// formula as code with a warning.
    pub math_errors: MathErrors,
}

/// `[search]`: a search index of every page, built with the site and
/// read by the browser (see `crate::search`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SearchConfig {
    /// Off unless asked for, as in Zola: the index is files a site that
    /// does not show a search box should not have to publish.
    pub enabled: bool,
}

/// One taxonomy's settings in `[taxonomies]` (`categories = {}`,
/// `series = { feed = false, paginate_by = 5 }`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TaxonomySettings {
    /// Whether each term has an Atom feed (`/NAME/TERM/atom.xml`), as tags do.
    pub feed: bool,
    /// Pages per pager of a term; `build.paginate_by` when not given.
    pub paginate_by: Option<usize>,
}

impl Default for TaxonomySettings {
    fn default() -> Self {
        TaxonomySettings {
            feed: true,
            paginate_by: None,
        }
    }
}

/// See [`MarkdownConfig::math_errors`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MathErrors {
    #[default]
    Error,
    Warn,
}

impl Default for MarkdownConfig {
    fn default() -> Self {
        MarkdownConfig {
            highlight: true,
            highlight_theme: "base16-ocean.dark".into(),
            smart_punctuation: false,
            math: false,
            math_errors: MathErrors::Error,
        }
    }
}

/// `[images]`: the resized copies a Markdown image of a local file gets
/// (see `src/images/`).
#[derive(Debug, Clone, Serialize, Deserialize, Hash)]
#[serde(deny_unknown_fields, default)]
pub struct ImagesConfig {
    /// Widths of the resized copies in `srcset`; those not narrower than
    /// the image are left out (never upscaled).
    pub widths: Vec<u32>,
    /// Formats offered besides the image's own, each in a `<source>`.
    pub formats: Vec<ExtraImageFormat>,
    /// Lossy encoding quality, 1–100 (JPEG and WebP).
    pub quality: u8,
    /// Images with more pixels than this are an error, found from the
    /// file's header before anything is decoded: a 50,000 × 50,000 image
    /// would take 10 GB to decode.
    pub max_pixels: u64,
    /// Publish page assets and the images Markdown shows without their
    /// EXIF, XMP and text metadata (the orientation kept), pixels untouched.
    pub strip_metadata: bool,
}

/// See [`ImagesConfig::formats`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ExtraImageFormat {
    Webp,
    Avif,
}

impl Default for ImagesConfig {
    fn default() -> Self {
        ImagesConfig {
            // A phone column, a laptop column at 2x, a wide screen.
            widths: vec![480, 960, 1600],
            formats: vec![ExtraImageFormat::Webp],
            quality: 80,
            // 100 megapixels: above any phone or most cameras.
            max_pixels: 100_000_000,
            strip_metadata: true,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublishConfig {
    pub bucket: String,
    #[serde(default)]
    pub prefix: String,
    #[serde(default = "default_region")]
    pub region: String,
    #[serde(default)]
    pub endpoint: String,
    #[serde(default)]
    pub cloudfront_endpoint: String,
    #[serde(default)]
    pub distribution_id: String,
    #[serde(default = "default_max_deletes")]
    pub max_deletes: usize,
    /// More paths than this in one invalidation collapse to wildcards.
    #[serde(default = "default_max_invalidation_paths")]
    pub max_invalidation_paths: usize,
    /// Files at least this large (bytes) are uploaded in parts.
    #[serde(default = "default_multipart_threshold")]
    pub multipart_threshold: u64,
    /// Also store each page under its folder's key (`blog/x/` next to
    /// `blog/x/index.html`), so CloudFront in front of a private bucket
    /// (Origin Access Control) serves pretty URLs with no edge code.
    #[serde(default)]
    pub directory_keys: bool,
    /// The edge function sends `www.` of the base URL's host to the host
    /// itself (301), for a site reached under both names.
    #[serde(default)]
    pub www_to_apex: bool,
    /// Uploads in flight at once.
    #[serde(default = "default_concurrency")]
    pub concurrency: usize,
    /// Attempts per request (the SDK retries throttling, 5xx and dropped
    /// connections with backoff).
    #[serde(default = "default_max_attempts")]
    pub max_attempts: u32,
    /// Seconds after which another publish's lease counts as abandoned
    /// and is taken over.
    #[serde(default = "default_lease_timeout")]
    pub lease_timeout: u64,
    #[serde(default)]
    pub rules: Vec<PublishRule>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublishRule {
    #[serde(rename = "match")]
    pub pattern: String,
    #[serde(default)]
    pub cache_control: Option<String>,
    #[serde(default)]
    pub content_type: Option<String>,
    #[serde(default)]
    pub gzip: bool,
}

impl Default for Config {
    /// Every field's default; `parse` then fills what depends on other
    /// fields (`author` from `title`).
    fn default() -> Self {
        Config {
            title: default_title(),
            base_url: default_base_url(),
            description: String::new(),
            language: default_language(),
            author: String::new(),
            theme: None,
            build: BuildConfig::default(),
            markdown: MarkdownConfig::default(),
            images: ImagesConfig::default(),
            search: SearchConfig::default(),
            publish: None,
            taxonomies: Default::default(),
            redirects: Default::default(),
            extra: toml::Table::new(),
        }
    }
}

fn default_title() -> String {
    "My site".into()
}
fn default_base_url() -> String {
    "http://127.0.0.1:1111".into()
}
fn default_language() -> String {
    "en".into()
}
fn default_region() -> String {
    "us-east-1".into()
}
fn default_max_deletes() -> usize {
    256
}
fn default_max_invalidation_paths() -> usize {
    100
}
fn default_multipart_threshold() -> u64 {
    16 * 1024 * 1024
}
fn default_concurrency() -> usize {
    8
}
fn default_max_attempts() -> u32 {
    5
}

fn default_lease_timeout() -> u64 {
    900
}

impl Config {
    /// Parses config text; `path` is only used in error messages.
    pub fn parse(text: &str, path: &Path) -> Result<Config, BuildError> {
        let mut config: Config = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|s| line_of_offset(text, s.start));
            Diagnostic::new(path, line, e.message().trim().to_string())
        })?;
        config.base_url = crate::urlpath::trimmed_base_url(&config.base_url).to_string();
        if config.author.is_empty() {
            config.author = config.title.clone();
        }
        let images = &config.images;
        if !(1..=100).contains(&images.quality) || images.widths.contains(&0) {
            let line = text.find("[images]").map(|at| line_of_offset(text, at));
            return Err(Diagnostic::new(
                path,
                line,
                "[images]: `quality` must be 1 to 100 and every width above 0",
            )
            .into());
        }
        if let Some(bad) = config
            .taxonomies
            .keys()
            .find(|name| crate::slug::slugify(name) != **name || name.as_str() == "taxonomies")
        {
            let line = text.find("[taxonomies]").map(|at| line_of_offset(text, at));
            return Err(Diagnostic::new(
                path,
                line,
                format!(
                    "[taxonomies]: `{bad}` cannot name a taxonomy: its name is its URL \
                     (`/{bad}/`), so use lower-case letters, digits and `-`, like `{}`",
                    crate::slug::slugify(bad)
                ),
            )
            .into());
        }
        Ok(config)
    }

    pub fn load(root: &Path) -> Result<Config, BuildError> {
        // As content files are read: a byte that is not UTF-8 is named by its line.
        let text = crate::error::read_text(&root.join(CONFIG_FILE), Path::new(CONFIG_FILE))?;
        Config::parse(&text, Path::new(CONFIG_FILE))
    }

    /// The output folder: the `-o` flag when given, else `build.output_dir`
    /// under the site root. Build writes and publish reads the same folder
    /// only because both ask here.
    pub fn output_dir(&self, root: &Path, flag: Option<&Path>) -> PathBuf {
        match flag {
            Some(dir) => dir.to_path_buf(),
            None => root.join(&self.build.output_dir),
        }
    }

    /// The URL path the site is served under: `/blog` for `base_url =
    /// "https://example.org/blog/"`, empty for a site at a domain's root.
    /// Root-relative links ssg writes into content start with it.
    pub fn base_path(&self) -> &str {
        crate::urlpath::base_path(&self.base_url)
    }

    /// The absolute URL of a site path such as `/blog/hello/`.
    pub fn permalink(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_base_path_is_the_path_of_base_url() {
        let with = |url: &str| Config {
            base_url: url.into(),
            ..Config::default()
        };
        assert_eq!(with("https://example.org/blog/").base_path(), "/blog");
        assert_eq!(with("https://example.org/a/b").base_path(), "/a/b");
        assert_eq!(with("https://example.org/").base_path(), "");
        assert_eq!(with("https://example.org").base_path(), "");
        assert_eq!(with("http://127.0.0.1:1111").base_path(), "");
    }

    #[test]
    fn defaults_fill_an_empty_file() {
        let c = Config::parse("", Path::new("ssg.toml")).unwrap();
        let mut default = Config::default();
        default.author = default.title.clone();
        assert_eq!(toml::to_string(&c).ok(), toml::to_string(&default).ok());
        assert_eq!(c.build.output_dir, "public");
        assert_eq!(c.build.paginate_by, 10);
        assert!(c.markdown.highlight);
    }

    #[test]
    fn unknown_key_names_its_line() {
        let err = Config::parse(
            "title = \"x\"\n\n[build]\npaginate = 3\n",
            Path::new("ssg.toml"),
        )
        .unwrap_err();
        let d = &err.diagnostics[0];
        assert_eq!(d.line, Some(4));
        assert!(d.message.contains("paginate"), "{}", d.message);
    }

    #[test]
    fn wrong_type_names_its_line() {
        let err = Config::parse("title = 5\n", Path::new("ssg.toml")).unwrap_err();
        assert_eq!(err.diagnostics[0].line, Some(1));
    }

    #[test]
    fn output_dir_is_the_flag_or_the_configured_folder() {
        let c = Config::parse("[build]\noutput_dir = \"out\"", Path::new("ssg.toml")).unwrap();
        let root = Path::new("site");
        assert_eq!(c.output_dir(root, None), Path::new("site/out"));
        assert_eq!(
            c.output_dir(root, Some(Path::new("/tmp/x"))),
            Path::new("/tmp/x")
        );
    }

    #[test]
    fn base_url_loses_trailing_slash() {
        let c = Config::parse("base_url = \"https://x.org/\"", Path::new("ssg.toml")).unwrap();
        assert_eq!(c.permalink("/a/"), "https://x.org/a/");
    }
}
