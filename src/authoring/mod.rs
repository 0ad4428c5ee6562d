//! What a site's own templates add to its Markdown: shortcodes
//! (`templates/shortcodes/NAME.{html,md}`, called from a page as
//! `{{ NAME(…) }}`) and render hooks (`templates/hooks/{link,image,
//! heading,codeblock}.html`, which replace how Markdown renders those).
//!
//! The Markdown stage sees one [`Authoring`] per page: the site's
//! templates (which give every template `data`), `config` and the page's
//! own `page` value. A site with
//! neither shortcodes called nor hooks pays one substring search per page.

pub mod hooks;
pub mod parse;
pub mod shortcodes;

use tera::{Context, Value};

use hooks::HookSet;
use shortcodes::Writes;

/// Built-in shortcodes; a theme's or the site's file of the same name
/// replaces one.
pub const BUILTIN_SHORTCODES: &[(&str, &str)] = &[
    (
        "shortcodes/youtube.html",
        include_str!("builtin/youtube.html"),
    ),
    ("shortcodes/vimeo.html", include_str!("builtin/vimeo.html")),
    (
        "shortcodes/figure.html",
        include_str!("builtin/figure.html"),
    ),
    ("shortcodes/gist.html", include_str!("builtin/gist.html")),
    ("shortcodes/note.md", include_str!("builtin/note.md")),
    ("shortcodes/warning.md", include_str!("builtin/warning.md")),
    (
        "shortcodes/highlight.md",
        include_str!("builtin/highlight.md"),
    ),
];

/// The folder of shortcode templates inside `templates/`.
pub const SHORTCODES_DIR: &str = "shortcodes/";
/// The folder of render hooks inside `templates/`.
pub const HOOKS_DIR: &str = "hooks/";

/// The templates shortcodes and hooks render with: the site's loaded
/// templates (`crate::templates::Templates`), seen from here only through
/// what rendering Markdown needs of them.
pub trait Catalog: Sync {
    /// What shortcode `name` writes, if the site has it.
    fn shortcode(&self, name: &str) -> Option<Writes>;
    /// Every shortcode's name, sorted.
    fn shortcode_names(&self) -> Vec<&str>;
    /// The render hooks the site or its theme has.
    fn hooks(&self) -> HookSet;
    /// Renders template `name`; an error is one line naming the template
    /// file and its line.
    fn render(&self, name: &str, ctx: &Context) -> Result<String, String>;
}

/// What a page's shortcodes and hooks can read.
pub struct Authoring<'a> {
    pub templates: &'a dyn Catalog,
    pub config: &'a Value,
    /// The page's front matter values (`title`, `date`, `extra`, …); not
    /// its content, which is what is being made.
    pub page: Value,
}

impl Authoring<'_> {
    /// A context holding `page` and `config` (`data` is in every one).
    pub fn context(&self) -> Context {
        let mut ctx = Context::new();
        ctx.insert_value("page", self.page.clone());
        ctx.insert_value("config", self.config.clone());
        // Zola's shortcodes see the page's language as `lang`.
        if let Some(lang) = self.page.get_from_path("lang") {
            ctx.insert_value("lang", lang.clone());
        }
        ctx
    }
}
