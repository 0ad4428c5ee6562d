//! What a page's Liquid sees (the site's config and data, the page's
//! front matter, links to other pages, the shortcodes includes become) and
//! what it reports when something is left as it was.

use std::path::Path;

use serde_json::{Map, Value};

use crate::import::jekyll::shortcodes::Shortcodes;

/// Where an imported page lives, for links to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// `@/posts/2019-03-02-x.md`: what a Markdown link resolves.
    pub content: String,
    /// `/2019/03/02/x.html`: the page's URL path from the site root.
    pub url: String,
}

/// What a file's Liquid can see and link to.
pub struct Context<'a> {
    pub site: &'a Map<String, Value>,
    pub page: &'a Map<String, Value>,
    /// ssg's `base_url` (Jekyll's `url` + `baseurl`).
    pub base_url: &'a str,
    /// `{% post_url NAME %}`.
    pub post: &'a dyn Fn(&str) -> Option<Target>,
    /// `{% link PATH %}`, PATH relative to the site.
    pub link: &'a dyn Fn(&str) -> Option<Target>,
    /// Where includes and page-local Liquid become shortcodes.
    pub shortcodes: &'a Shortcodes<'a>,
    /// The page's name for its own shortcodes.
    pub page_name: &'a str,
    /// The site's folder: includes are read from it.
    pub src: &'a Path,
    /// The page's folder, relative to the site (`include_relative`).
    pub page_dir: &'a str,
}

/// Something left as it was; `offset` is the byte in the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    pub offset: usize,
    pub message: String,
    pub action: String,
}

pub fn issue(offset: usize, message: impl Into<String>, action: impl Into<String>) -> Issue {
    Issue {
        offset,
        message: message.into(),
        action: action.into(),
    }
}
