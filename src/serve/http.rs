//! The preview's HTTP side: files from the in-memory site, the live-reload
//! websocket, and request paths that can never leave the site.

use std::borrow::Cow;
use std::sync::Arc;

use axum::Router;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Query, State};
use axum::http::{StatusCode, Uri, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use tokio::sync::broadcast;

use super::state::App;
use crate::urlpath;

pub const LIVERELOAD_PATH: &str = "/__ssg/livereload";
const SCRIPT: &str = include_str!("livereload.js");

pub fn router(app: Arc<App>) -> Router {
    Router::new()
        .route(LIVERELOAD_PATH, get(websocket))
        .fallback(file)
        .with_state(app)
}

/// What a live-reload connection says about its tab.
#[derive(serde::Deserialize)]
struct TabQuery {
    /// The output the tab shows (`blog/x/index.html`), as livereload.js
    /// works it out from the page's address.
    page: Option<String>,
}

async fn websocket(
    ws: WebSocketUpgrade,
    Query(tab): Query<TabQuery>,
    State(app): State<Arc<App>>,
) -> Response {
    ws.on_upgrade(move |socket| push_reloads(socket, app, tab.page))
}

/// Forwards every rebuild message to one browser tab until it goes away.
async fn push_reloads(mut socket: WebSocket, app: Arc<App>, page: Option<String>) {
    let _open = page.map(|page| app.open_tab(page));
    let mut rx = app.subscribe();
    // A tab that connects while the site is broken sees the error at once.
    if let Some(message) = app.error_message()
        && socket.send(Message::Text(message.into())).await.is_err()
    {
        return;
    }
    loop {
        tokio::select! {
            msg = rx.recv() => match msg {
                Ok(text) => {
                    if socket.send(Message::Text(text.into())).await.is_err() {
                        return;
                    }
                }
                Err(broadcast::error::RecvError::Lagged(_)) => continue,
                Err(broadcast::error::RecvError::Closed) => return,
            },
            incoming = socket.recv() => match incoming {
                Some(Ok(_)) => continue,
                _ => return,
            },
        }
    }
}

/// How a request path maps onto the site.
#[derive(Debug, PartialEq, Eq)]
pub enum Resolved {
    File(String),
    /// `/blog` → `/blog/` when `blog/index.html` exists.
    Redirect(String),
    BadRequest,
    NotFound,
}

/// Maps a raw (still percent-encoded) request path to an output file.
/// Anything that could step outside the site — `..` in any encoding, an
/// encoded separator, a backslash, a NUL — is a bad request.
pub fn resolve(raw_path: &str, exists: impl Fn(&str) -> bool) -> Resolved {
    let lower = raw_path.to_ascii_lowercase();
    if raw_path.contains('\\')
        || lower.contains("%2f")
        || lower.contains("%5c")
        || lower.contains("%00")
    {
        return Resolved::BadRequest;
    }
    let Some(decoded) = urlpath::decode_strict(raw_path) else {
        return Resolved::BadRequest;
    };
    let mut parts = Vec::new();
    for segment in decoded.split('/') {
        match segment {
            "" => {}
            "." | ".." => return Resolved::BadRequest,
            s if s.contains(['\\', '\0']) => return Resolved::BadRequest,
            s => parts.push(s),
        }
    }
    let rel = parts.join("/");
    let wants_dir = rel.is_empty() || decoded.ends_with('/');
    let file = if wants_dir {
        urlpath::index_file(&rel)
    } else {
        rel.clone()
    };
    if exists(&file) {
        return Resolved::File(file);
    }
    if !wants_dir && exists(&urlpath::index_file(&rel)) {
        // One leading slash: `//host/` in a Location header is another host.
        return Resolved::Redirect(format!("/{}/", raw_path.trim_start_matches('/')));
    }
    Resolved::NotFound
}

/// Adds the live-reload script to an HTML page, before `</body>` when there is one.
pub fn inject_script(html: &[u8]) -> Vec<u8> {
    let tag = format!("<script>{SCRIPT}</script>");
    let lower: Vec<u8> = html.iter().map(u8::to_ascii_lowercase).collect();
    let at = lower
        .windows(7)
        .rposition(|w| w == b"</body>")
        .unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + tag.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(tag.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

fn respond(status: StatusCode, path: &str, bytes: Cow<'_, [u8]>) -> Response {
    let body = if crate::html_urls::is_html_page(path) {
        inject_script(&bytes)
    } else {
        bytes.into_owned()
    };
    (
        status,
        [
            (header::CONTENT_TYPE, crate::mime::content_type(path)),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}

async fn file(State(app): State<Arc<App>>, uri: Uri) -> Response {
    let site = app.site();
    if let Some(error_page) = site.error_page() {
        return respond(
            StatusCode::INTERNAL_SERVER_ERROR,
            "error.html",
            Cow::Borrowed(error_page.as_bytes()),
        );
    }
    match resolve(uri.path(), |p| site.file(p).is_some()) {
        Resolved::File(path) => match site.file(&path) {
            Some(body) => respond(StatusCode::OK, &path, body.bytes()),
            None => not_found(&site),
        },
        Resolved::Redirect(to) => Redirect::permanent(&to).into_response(),
        Resolved::BadRequest => (StatusCode::BAD_REQUEST, "bad request path\n").into_response(),
        Resolved::NotFound => not_found(&site),
    }
}

fn not_found(site: &super::state::Snapshot) -> Response {
    match site.file("404.html") {
        Some(body) => respond(StatusCode::NOT_FOUND, "404.html", body.bytes()),
        None => respond(
            StatusCode::NOT_FOUND,
            "404.html",
            Cow::Borrowed(
                b"<!doctype html><title>Not found</title><body><h1>Not found</h1></body>",
            ),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(p: &str) -> bool {
        matches!(
            p,
            "index.html" | "blog/index.html" | "blog/a/index.html" | "style.css" | "a b.txt"
        )
    }

    #[test]
    fn maps_paths() {
        assert_eq!(resolve("/", site), Resolved::File("index.html".into()));
        assert_eq!(
            resolve("/blog/a/", site),
            Resolved::File("blog/a/index.html".into())
        );
        assert_eq!(
            resolve("/style.css", site),
            Resolved::File("style.css".into())
        );
        assert_eq!(
            resolve("/a%20b.txt", site),
            Resolved::File("a b.txt".into())
        );
        assert_eq!(resolve("/blog", site), Resolved::Redirect("/blog/".into()));
        assert_eq!(resolve("/nope", site), Resolved::NotFound);
    }

    #[test]
    fn refuses_traversal_in_every_encoding() {
        for bad in [
            "/../etc/passwd",
            "/blog/../../x",
            "/%2e%2e/x",
            "/%2E%2E/x",
            "/.%2e/x",
            "/blog%2f..%2fx",
            "/..%5cx",
            "/a\\..\\b",
            "/a%00b",
            "/%ff",
        ] {
            assert_eq!(resolve(bad, site), Resolved::BadRequest, "{bad}");
        }
    }

    /// Found by `proptests::paths`: `//blog` redirected to `//blog/`, which
    /// a browser reads as the host `blog` (an open redirect).
    #[test]
    fn a_doubled_leading_slash_redirects_within_the_site() {
        assert_eq!(resolve("//blog", site), Resolved::Redirect("/blog/".into()));
        assert_eq!(
            resolve("///blog", site),
            Resolved::Redirect("/blog/".into())
        );
    }

    #[test]
    fn injects_before_body_end() {
        let out = String::from_utf8(inject_script(b"<html><BODY>x</BODY></html>")).unwrap();
        assert!(out.contains("x<script>"));
        assert!(out.ends_with("</script></BODY></html>"));
    }
}
