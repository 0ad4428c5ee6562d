//! Where each document goes under `content/`. The URL is kept by `path`,
//! so the place only decides the new site's sections: posts and drafts in
//! one posts section (folders above `_posts/` as subsections), collections
//! in a section each, pages where they were. Also the links between them:
//! `{% post_url %}` and `{% link %}` look documents up here.

use std::collections::{BTreeSet, HashMap};

use super::document::Doc;
use super::liquid::Target;
use super::walk::Kind;
use crate::import::Report;

/// Names tried for the posts section, first one no page uses.
const POSTS_SECTIONS: &[&str] = &["posts", "blog", "articles", "jekyll-posts"];

/// Sets every document's `dest`, unique. `blog_page` is the page
/// jekyll-paginate lists the posts on, when it is a folder's `index.html`
/// (`blog/index.html`): that folder becomes the posts section, and the page
/// its `_index.md`, so ssg's section listing replaces the Liquid one.
pub fn place(docs: &mut [Doc], blog_page: Option<&str>, report: &mut Report) {
    let blog_dir = blog_page
        .and_then(|rel| rel.strip_suffix("/index.html"))
        .filter(|dir| !dir.contains('/'));
    let page_dirs: BTreeSet<String> = docs
        .iter()
        .filter(|d| d.kind == Kind::Page && Some(d.rel.as_str()) != blog_page)
        .filter_map(|d| d.rel.split_once('/').map(|(top, _)| top.to_string()))
        .collect();
    let posts = blog_dir
        .filter(|dir| crate::slug::slugify(dir) == *dir)
        .or_else(|| {
            POSTS_SECTIONS
                .iter()
                .find(|s| !page_dirs.contains(**s))
                .copied()
        })
        .unwrap_or("jekyll-posts")
        .to_string();
    let posts = posts.as_str();
    for doc in docs.iter_mut() {
        doc.dest = if Some(doc.rel.as_str()) == blog_page && blog_dir == Some(posts) {
            format!("content/{posts}/_index.md")
        } else {
            first_choice(doc, posts)
        };
    }
    index_pages_with_siblings(docs);
    let mut taken = BTreeSet::new();
    for doc in docs.iter_mut() {
        if taken.contains(&doc.dest) {
            let stem = doc.dest.trim_end_matches(".md").to_string();
            let dest = (2..)
                .map(|n| format!("{stem}-{n}.md"))
                .find(|d| !taken.contains(d))
                .unwrap_or_default();
            report.note(
                &doc.rel,
                None,
                format!("another file also becomes {}; written as {dest}", doc.dest),
                "",
            );
            doc.dest = dest;
        }
        taken.insert(doc.dest.clone());
    }
}

fn first_choice(doc: &Doc, posts: &str) -> String {
    let stem = |rel: &str| rel.rsplit_once('.').map_or(rel, |(s, _)| s).to_string();
    match &doc.kind {
        Kind::Post { .. } | Kind::Draft { .. } => {
            let folder = if doc.is_post() { "_posts/" } else { "_drafts/" };
            let rel = doc.rel.replacen(folder, "", 1);
            format!("content/{posts}/{}.md", stem(&rel))
        }
        Kind::Document { collection, .. } => {
            let rel = doc.rel.replacen(&format!("_{collection}/"), "", 1);
            format!("content/{collection}/{}.md", stem(&rel))
        }
        Kind::Page if stem(&doc.rel) == "index" || doc.url.as_deref() == Some("/") => {
            "content/_index.md".into()
        }
        Kind::Page | Kind::Static => format!("content/{}.md", stem(&doc.rel)),
    }
}

/// Two documents at one URL: Jekyll warns and writes one of them; ssg
/// would refuse to build, so the later one loses its URL (and says so).
pub fn one_document_per_url(docs: &mut [Doc], report: &mut Report) {
    let mut seen: std::collections::BTreeMap<String, String> = Default::default();
    for doc in docs
        .iter_mut()
        .filter(|d| !matches!(d.kind, Kind::Draft { .. }))
    {
        let Some(url) = doc.url.clone() else {
            continue;
        };
        if let Some(first) = seen.get(&url) {
            report.note(&doc.rel, None, format!("has the URL {url}, as {first} does; Jekyll wrote only one of them, this one gets ssg's URL"), "give one of them another permalink");
            doc.url = None;
        } else {
            seen.insert(url, doc.rel.clone());
        }
    }
}

/// `docs/index.md` beside other pages of `docs/` is that section's
/// `_index.md` when its URL is the folder's: as a page bundle it would take
/// the section's own URL. With a URL of its own (`permalink: /docs/home/`)
/// it becomes a page named after that URL's last segment instead.
fn index_pages_with_siblings(docs: &mut [Doc]) {
    let dirs = section_dirs(docs.iter().filter(|d| !d.dest.ends_with("/index.md")));
    for doc in docs.iter_mut() {
        let Some(dir) = doc.dest.strip_suffix("/index.md").map(str::to_string) else {
            continue;
        };
        if !dirs.contains(&dir) {
            continue;
        }
        let folder_url = dir_url(&dir);
        doc.dest = match doc.url.as_deref() {
            Some(url) if output_file(url) != output_file(&folder_url) => {
                let last = url.trim_end_matches('/').rsplit('/').next().unwrap_or("");
                let name = crate::slug::slugify(last.rsplit_once('.').map_or(last, |(s, _)| s));
                let name = if name.is_empty() || name == "index" {
                    "index-page".to_string()
                } else {
                    name
                };
                format!("{dir}/{name}.md")
            }
            _ => format!("{dir}/_index.md"),
        };
    }
}

/// Every folder under `content/` that holds a page at any depth: each is
/// a section of the new site (`content` itself, the home page, too).
pub fn section_dirs<'a>(docs: impl Iterator<Item = &'a Doc>) -> BTreeSet<String> {
    let mut dirs = BTreeSet::new();
    for doc in docs {
        let mut dest = doc.dest.as_str();
        while let Some((dir, _)) = dest.rsplit_once('/') {
            if !dirs.insert(dir.to_string()) {
                break;
            }
            dest = dir;
        }
    }
    dirs
}

/// The URL ssg gives the section of a `content/…` folder.
pub fn dir_url(dir: &str) -> String {
    let rel = dir.strip_prefix("content").unwrap_or(dir);
    crate::content::walk::dir_path(rel)
}

/// The file a URL path is written to: how two URLs are found to be one.
pub fn output_file(url: &str) -> String {
    crate::urlpath::output_file(&crate::urlpath::normalize(url))
}

/// The link target of a document.
pub fn target(doc: &Doc) -> Target {
    Target {
        content: format!("@/{}", doc.dest.trim_start_matches("content/")),
        url: doc.url.clone().unwrap_or_default(),
    }
}

/// The documents by the names Liquid links use, looked up once per link.
pub struct Index<'a> {
    docs: &'a [Doc],
    /// A post's file name without extension → the posts of that name.
    posts: HashMap<&'a str, Vec<usize>>,
    /// Path in the site → document.
    by_path: HashMap<&'a str, usize>,
}

impl<'a> Index<'a> {
    pub fn new(docs: &'a [Doc]) -> Index<'a> {
        let mut posts: HashMap<&str, Vec<usize>> = HashMap::new();
        let mut by_path = HashMap::new();
        for (i, doc) in docs.iter().enumerate() {
            if doc.is_post() {
                posts.entry(doc.basename.as_str()).or_default().push(i);
            }
            by_path.insert(doc.rel.as_str(), i);
        }
        Index {
            docs,
            posts,
            by_path,
        }
    }

    /// `{% post_url NAME %}`: a post by its file name without extension,
    /// with the folders below `_posts/` when given (`/sub/2019-03-02-x`).
    pub fn post(&self, name: &str) -> Option<&'a Doc> {
        let name = unquote(name);
        let last = name.rsplit('/').next().unwrap_or(name);
        let mut found = self.posts.get(last)?.iter().map(|i| &self.docs[*i]);
        if !name.contains('/') {
            return found.next();
        }
        found.find(|d| {
            d.rel
                .rsplit_once('.')
                .is_some_and(|(stem, _)| stem.ends_with(name))
        })
    }

    /// `{% link PATH %}`: a document by its path in the site.
    pub fn link(&self, path: &str) -> Option<&'a Doc> {
        self.by_path.get(unquote(path)).map(|i| &self.docs[*i])
    }
}

/// A Liquid argument without quotes or a leading `/`.
pub fn unquote(arg: &str) -> &str {
    arg.trim().trim_matches(['"', '\'']).trim_start_matches('/')
}
