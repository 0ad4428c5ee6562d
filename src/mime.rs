//! Content-Type by file extension from a built-in table, shared by the
//! preview server and the publisher, so the result never depends on the
//! machine's MIME database (`/etc/mime.types` differs between
//! a laptop and a CI runner, and a wrong type breaks a page for everyone).

/// What a key of no known type is served as.
const UNKNOWN: &str = "application/octet-stream";

/// Whether `name` ends in an extension this table knows: `2.4.1` or
/// `v1.2` does not, so a URL ending so is a folder, not a file.
pub fn is_known(name: &str) -> bool {
    content_type(name) != UNKNOWN
}

/// The Content-Type S3 should serve `key` with. Text types carry `charset=utf-8`.
pub fn content_type(key: &str) -> &'static str {
    let name = key.rsplit('/').next().unwrap_or(key);
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" | "cjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json; charset=utf-8",
        "webmanifest" => "application/manifest+json; charset=utf-8",
        "xml" => "application/xml; charset=utf-8",
        "atom" => "application/atom+xml; charset=utf-8",
        "rss" => "application/rss+xml; charset=utf-8",
        "txt" | "md" => "text/plain; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "ics" => "text/calendar; charset=utf-8",
        "svg" => "image/svg+xml; charset=utf-8",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "bmp" => "image/bmp",
        "tif" | "tiff" => "image/tiff",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "eot" => "application/vnd.ms-fontobject",
        "wasm" => "application/wasm",
        "pdf" => "application/pdf",
        "zip" => "application/zip",
        "gz" => "application/gzip",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "mp3" => "audio/mpeg",
        "ogg" => "audio/ogg",
        "wav" => "audio/wav",
        "vtt" => "text/vtt; charset=utf-8",
        _ => UNKNOWN,
    }
}

#[cfg(test)]
mod tests {
    use super::content_type;

    #[test]
    fn common_types() {
        for (key, want) in [
            ("index.html", "text/html; charset=utf-8"),
            ("a/b/style.CSS", "text/css; charset=utf-8"),
            ("app.mjs", "text/javascript; charset=utf-8"),
            ("atom.xml", "application/xml; charset=utf-8"),
            ("feed.atom", "application/atom+xml; charset=utf-8"),
            ("logo.svg", "image/svg+xml; charset=utf-8"),
            ("p.webp", "image/webp"),
            ("p.avif", "image/avif"),
            ("f.woff2", "font/woff2"),
            ("m.wasm", "application/wasm"),
            ("data.json", "application/json; charset=utf-8"),
            ("LICENSE", "application/octet-stream"),
        ] {
            assert_eq!(content_type(key), want, "{key}");
        }
    }
}
