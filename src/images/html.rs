//! A picture as HTML: `<picture>` with a `<source>` per extra format and
//! an `<img>` with its size, `srcset` and `sizes`; and the same facts as
//! values for the image render hook.

use serde::Serialize;

use super::variant::OutputFormat;
use crate::escape::escape;

/// One format's copies, for a `<source>`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, Hash)]
pub struct PictureSource {
    /// `image/webp`.
    #[serde(rename = "type")]
    pub mime: String,
    pub srcset: String,
}

/// The copies of a Markdown image, as its HTML and its hook see them.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, Hash)]
pub struct Picture {
    /// The widest copy in the image's own format.
    pub src: String,
    /// Of that copy: the picture as displayed (EXIF orientation applied).
    pub width: u32,
    pub height: u32,
    /// Copies in the image's own format, `URL 480w, …`.
    pub srcset: String,
    /// Shown at most as wide as the widest copy.
    pub sizes: String,
    /// The other formats, best first, each as a `<source>`.
    pub sources: Vec<PictureSource>,
}

/// A resized copy: its URL, width and height.
pub(super) type Copy = (String, u32, u32);

/// The picture of `sets`: per format (its own first), each copy,
/// narrowest first.
pub(super) fn picture_of(sets: Vec<(OutputFormat, Vec<Copy>)>) -> Picture {
    let srcset = |copies: &[Copy]| {
        copies
            .iter()
            .map(|(url, w, _)| format!("{url} {w}w"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut sets = sets.into_iter();
    let (_, own) = sets.next().unwrap_or((OutputFormat::Jpeg, Vec::new()));
    let (src, width, height) = own.last().cloned().unwrap_or_default();
    Picture {
        srcset: srcset(&own),
        src,
        width,
        height,
        sizes: format!("(max-width: {width}px) 100vw, {width}px"),
        sources: sets
            .map(|(format, copies)| PictureSource {
                mime: format.mime().to_string(),
                srcset: srcset(&copies),
            })
            .collect(),
    }
}

/// `<picture>` HTML for `picture`, with the image's `alt` and `title`;
/// `lazy` for every image but a page's first, which is likely in view.
pub fn picture_html(picture: &Picture, alt: &str, title: &str, lazy: bool) -> String {
    let mut html = String::from("<picture>");
    for source in &picture.sources {
        html.push_str(&format!(
            "<source type=\"{}\" srcset=\"{}\" sizes=\"{}\">",
            source.mime,
            escape(&source.srcset),
            picture.sizes
        ));
    }
    html.push_str(&format!(
        "<img src=\"{}\" srcset=\"{}\" sizes=\"{}\" width=\"{}\" height=\"{}\" alt=\"{}\"",
        escape(&picture.src),
        escape(&picture.srcset),
        picture.sizes,
        picture.width,
        picture.height,
        escape(alt)
    ));
    if !title.is_empty() {
        html.push_str(&format!(" title=\"{}\"", escape(title)));
    }
    if lazy {
        html.push_str(" loading=\"lazy\"");
    }
    html.push_str(" decoding=\"async\"></picture>");
    html
}
