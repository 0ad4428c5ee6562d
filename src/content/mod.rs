//! Reading `content/`: which files are pages, sections and assets, their front
//! matter, and the URL each one gets.

pub mod front_matter;
pub mod walk;
mod yaml_aliases;

use std::path::PathBuf;

use crate::error::Diagnostic;
use crate::markdown::Rendered;
use crate::packed::PackedText;
pub use front_matter::{FrontMatter, PageDate};

/// A Markdown page: `blog/hello.md` or the bundle `blog/trip/index.md`.
#[derive(Debug, Clone)]
pub struct Page {
    /// Path shown to the user in messages, e.g. `content/blog/hello.md`.
    pub source: PathBuf,
    /// Content-relative path with `/` separators, e.g. `blog/hello.md`.
    pub rel: String,
    /// Content-relative folder of the owning section (`""` for the root).
    pub section: String,
    pub front_matter: FrontMatter,
    /// The Markdown after the front matter.
    pub body: PackedText,
    /// Lines before the body in the file (the front matter).
    pub body_line_offset: usize,
    pub slug: String,
    /// Site path, e.g. `/blog/hello/`.
    pub path: String,
    /// Content-relative paths of files that sit beside a bundle's `index.md`.
    pub assets: Vec<String>,
    pub rendered: Rendered,
    /// Its terms per taxonomy of the site, tags first (`crate::taxonomy::page_terms`).
    pub terms: Vec<Vec<crate::taxonomy::PageTerm>>,
    /// Unique per reading of the file: lets caches tell a re-read page from an unchanged one.
    pub generation: u64,
}

/// A fresh [`Page::generation`].
pub fn next_generation() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

impl Page {
    pub fn title(&self) -> &str {
        self.front_matter.title.as_deref().unwrap_or(&self.slug)
    }
}

/// A folder of content: `blog/`, optionally with `blog/_index.md`.
#[derive(Debug, Clone)]
pub struct Section {
    /// Content-relative folder, `""` for the root.
    pub dir: String,
    /// `content/blog/_index.md`, when there is one.
    pub source: Option<PathBuf>,
    pub front_matter: FrontMatter,
    pub body: String,
    pub body_line_offset: usize,
    /// Site path, e.g. `/blog/`.
    pub path: String,
    /// Content-relative paths of non-Markdown files in this folder.
    pub assets: Vec<String>,
    pub rendered: Rendered,
}

impl Section {
    pub fn title(&self) -> String {
        if let Some(t) = &self.front_matter.title {
            return t.clone();
        }
        let last = self.dir.rsplit('/').next().unwrap_or("");
        let mut chars = last.chars();
        match chars.next() {
            Some(first) => first
                .to_uppercase()
                .chain(chars)
                .collect::<String>()
                .replace(['-', '_'], " "),
            None => String::new(),
        }
    }
}

/// Everything read from `content/`, before rendering.
#[derive(Debug, Clone, Default)]
pub struct Content {
    pub pages: Vec<Page>,
    pub sections: Vec<Section>,
    /// Problems that do not stop the build (Markdown inside a page bundle),
    /// for the caller to show: reading content prints nothing.
    pub warnings: Vec<Diagnostic>,
}
