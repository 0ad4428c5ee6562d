//! The object a page's URL without its trailing slash finds.
//!
//! CloudFront in front of a private bucket (a REST origin, Origin Access
//! Control) asks S3 for the URL's path as a key: `/blog/x/` finds the
//! folder key `directory_keys` stores (`blog/x/`), but `/blog/x` asks for
//! `blog/x`, which does not exist, and the reader gets the 404 page. A
//! small page at `blog/x` sends the browser on to `x/` (relative, so a
//! `[publish] prefix` served as the origin path needs nothing else) and
//! tells search engines the folder URL is the real one. A 301 needs code
//! at the edge; this needs none.

use std::sync::Arc;

use super::checksum::Checksum;
use super::gzip;
use super::plan::{Body, LocalObject};
use crate::escape;
use crate::urlpath;

/// The redirect page for the page stored as `page` (its `index.html`
/// object), at the page's folder name without the slash; `None` for the
/// home page, which has no such URL.
pub fn redirect_for(page: &LocalObject, prefix: &str) -> Option<LocalObject> {
    let dir = urlpath::page_dir(&page.path).filter(|dir| !dir.is_empty())?;
    let name = dir.rsplit('/').next().unwrap_or(dir);
    let html = redirect_page(&format!("{name}/"));
    // The page's headers say whether its rule gzips: the redirect matches.
    let gzip = page.headers.content_encoding.as_deref() == Some("gzip");
    let body = if gzip {
        gzip::compress(html.as_bytes())
    } else {
        html.into_bytes()
    };
    Some(LocalObject {
        key: format!("{prefix}{dir}"),
        path: dir.to_string(),
        md5: Checksum::md5_of(&body),
        body: Body::Loaded(Arc::from(body)),
        headers: Arc::clone(&page.headers),
    })
}

/// A page that sends the browser to `target` at once.
fn redirect_page(target: &str) -> String {
    let target = escape::escape(target);
    format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Moved</title><link rel=\"canonical\" href=\"{target}\"><meta name=\"robots\" content=\"noindex\"><meta http-equiv=\"refresh\" content=\"0; url={target}\"></head><body><a href=\"{target}\">{target}</a></body></html>\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::publish::plan::Headers;

    fn page(path: &str, encoding: Option<&str>) -> LocalObject {
        LocalObject {
            key: path.into(),
            path: path.into(),
            md5: Checksum::md5_of(b"page"),
            body: Body::Loaded(Arc::from(b"page".to_vec())),
            headers: Arc::new(Headers {
                content_type: "text/html; charset=utf-8".into(),
                cache_control: None,
                content_encoding: encoding.map(String::from),
            }),
        }
    }

    #[test]
    fn a_page_gets_a_redirect_at_its_folder_name_and_the_home_page_none() {
        let redirect = redirect_for(&page("blog/x/index.html", None), "site/").unwrap();
        assert_eq!(redirect.key, "site/blog/x");
        let Body::Loaded(body) = &redirect.body else {
            panic!("loaded")
        };
        assert!(String::from_utf8_lossy(body).contains("url=x/"));
        assert!(redirect_for(&page("index.html", None), "").is_none());
        assert!(redirect_for(&page("blog/x.css", None), "").is_none());
    }

    #[test]
    fn a_gzipped_page_gets_a_gzipped_redirect() {
        let redirect = redirect_for(&page("a/index.html", Some("gzip")), "").unwrap();
        let Body::Loaded(body) = &redirect.body else {
            panic!("loaded")
        };
        assert_eq!(&body[..2], [0x1f, 0x8b]);
        assert_eq!(redirect.md5, Checksum::md5_of(body));
    }
}
