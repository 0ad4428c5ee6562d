//! `ssg init` (a new site that builds at once) and `ssg new` (a post with its
//! front matter filled in).

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};

use crate::config::CONFIG_FILE;
use crate::layout::{CONTENT, STATIC, TEMPLATES};

const INIT_FILES: &[(&str, &str)] = &[
    (
        CONFIG_FILE,
        r#"title = "My new site"
base_url = "https://example.com"
description = "Notes and writing."
language = "en"
theme = "default"

[build]
paginate_by = 10

[markdown]
highlight = true
highlight_theme = "base16-ocean.dark"

# A search box in the header, and /search/: the index is built with the
# site into public/search-index/ and searched in the browser, no server.
[search]
enabled = true
"#,
    ),
    (
        "content/_index.md",
        "---\ntitle: Home\n---\n\nWelcome! This site was made with `ssg init`. Edit `content/_index.md` to change this text.\n",
    ),
    (
        "content/about.md",
        "---\ntitle: About\n---\n\nWrite a few words about yourself in `content/about.md`.\n",
    ),
    ("content/blog/_index.md", "---\ntitle: Blog\n---\n"),
    (
        "content/blog/hello-world.md",
        r#"---
title: Hello, world
date: 2026-01-01
tags: [meta]
math: true
---

This is the first post. Posts live in `content/blog/`; make a new one with

```sh
ssg new content/blog/my-next-post.md
```

<!-- more -->

Preview while you write with `ssg serve`, and build the site into `public/`
with `ssg build`.

![A sunrise, drawn by ssg init](/img/sunrise.jpg)

An image of a local file is published with its width and height and
resized copies (in WebP too) for small screens: put photos beside a post
(`content/blog/trip/index.md` and `content/blog/trip/photo.jpg`) or in
`static/`, and link them as usual.

Every page is in the site's search index: try the box at the top. A page
that should not turn up in search says `search: false` in its front matter.

{% note(title="Shortcodes") %}
This box is a shortcode: `{% note(title="…") %}…{% end %}`. ssg has
`youtube`, `vimeo`, `figure`, `gist`, `note`, `warning` and `highlight`
built in; add your own as `templates/shortcodes/NAME.html`.
{% end %}

Code blocks can name their file, number their lines and mark some; the
copy button comes with the theme:

```rust,linenos,hl_lines=2,name=src/main.rs
fn main() {
    println!("Hello, world!");
}
```

With `math: true` in a page's front matter (or `math = true` under
`[markdown]` in `ssg.toml`), TeX becomes MathML when the site is built, so
readers load no script: $e^{i\pi} + 1 = 0$.
"#,
    ),
    (".gitignore", "/public/\n/.ssg-cache/\n"),
];

/// Creates a new site in `dir` (created if missing). Refuses to overwrite a site.
pub fn init(dir: &Path) -> Result<Vec<PathBuf>> {
    if dir.join(CONFIG_FILE).exists() {
        bail!(
            "{} already has an {CONFIG_FILE}; not overwriting it",
            dir.display()
        );
    }
    if dir.join(CONTENT).exists() {
        bail!(
            "{} already has a content/ folder; not overwriting it",
            dir.display()
        );
    }
    let mut written = Vec::new();
    for (path, text) in INIT_FILES {
        let dest = dir.join(path);
        if let Some(parent) = dest.parent() {
            fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        if dest.exists() {
            continue;
        }
        fs::write(&dest, text).with_context(|| format!("cannot write {}", dest.display()))?;
        written.push(dest);
    }
    for folder in [STATIC, TEMPLATES] {
        fs::create_dir_all(dir.join(folder))?;
    }
    let picture = dir.join(STATIC).join(SUNRISE);
    if !picture.exists() {
        fs::create_dir_all(dir.join(STATIC).join("img"))?;
        fs::write(&picture, sunrise_jpeg()?)
            .with_context(|| format!("cannot write {}", picture.display()))?;
        written.push(picture);
    }
    Ok(written)
}

/// The example post's picture, under `static/`.
const SUNRISE: &str = "img/sunrise.jpg";

/// A sunrise drawn in code (sky gradient, sun, sea), 1200 × 600: an
/// example photo that costs the repository no binary file and is wider
/// than the smaller `srcset` widths, so the example shows resizing.
fn sunrise_jpeg() -> Result<Vec<u8>> {
    let (w, h) = (1200u32, 600u32);
    let picture = image::RgbImage::from_fn(w, h, |x, y| {
        let (fx, fy) = (f64::from(x), f64::from(y));
        let horizon = f64::from(h) * 0.62;
        let sun = ((fx - 600.0).powi(2) + (fy - horizon).powi(2)).sqrt();
        let [r, g, b] = if sun < 90.0 && fy < horizon {
            [255.0, 214.0, 120.0]
        } else if fy < horizon {
            let t = fy / horizon;
            [40.0 + 215.0 * t, 60.0 + 100.0 * t, 120.0 - 20.0 * t]
        } else {
            let t = (fy - horizon) / (f64::from(h) - horizon);
            [90.0 - 60.0 * t, 70.0 - 30.0 * t, 110.0 - 30.0 * t]
        };
        image::Rgb([r as u8, g as u8, b as u8])
    });
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 85)
        .encode_image(&picture)
        .context("cannot draw the example picture")?;
    Ok(jpeg)
}

/// `my-first_post` → `My first post`.
fn title_from_stem(stem: &str) -> String {
    let words = stem.replace(['-', '_'], " ");
    let mut chars = words.trim().chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => "Untitled".into(),
    }
}

/// Writes a new post at `path` with title (from the file name) and `today`.
pub fn new_post(path: &Path, today: &str) -> Result<()> {
    if path.extension().and_then(|e| e.to_str()) != Some("md") {
        bail!(
            "{}: a post is a Markdown file; give it the .md extension",
            path.display()
        );
    }
    if path.exists() {
        bail!("{} already exists; not overwriting it", path.display());
    }
    let stem = if path.file_stem().and_then(|s| s.to_str()) == Some("index") {
        path.parent().and_then(|p| p.file_name())
    } else {
        path.file_stem()
    }
    .map(|s| s.to_string_lossy().into_owned())
    .unwrap_or_default();
    let title = title_from_stem(&stem).replace('"', "\\\"");
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    let text = format!("---\ntitle: \"{title}\"\ndate: {today}\ntags: []\n---\n\nWrite here.\n");
    fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::title_from_stem;

    #[test]
    fn titles_from_file_names() {
        assert_eq!(title_from_stem("my-first_post"), "My first post");
        assert_eq!(title_from_stem(""), "Untitled");
    }
}
