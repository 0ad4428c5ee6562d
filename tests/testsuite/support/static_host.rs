//! A folder served as a bucket serves it: files only, `index.html` for a
//! folder's URL, the query string ignored — what a site gets from S3,
//! with no ssg behind it. It counts the bytes of every file it sends,
//! so a test can tell what a browser fetched (a web worker's requests
//! included, which the page's own timing API does not see).

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Every file sent: (URL path without the query, bytes of its body).
pub type Served = Arc<Mutex<Vec<(String, usize)>>>;

/// A folder on a free port of 127.0.0.1, served until the test ends.
pub struct StaticHost {
    pub port: u16,
    served: Served,
}

impl StaticHost {
    pub fn start(dir: &Path) -> StaticHost {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("address").port();
        let served: Served = Arc::default();
        let (dir, log) = (dir.to_path_buf(), Arc::clone(&served));
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (dir, log) = (dir.clone(), Arc::clone(&log));
                std::thread::spawn(move || answer(stream, &dir, &log));
            }
        });
        StaticHost { port, served }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// What was sent so far, and forgets it.
    pub fn take_served(&self) -> Vec<(String, usize)> {
        std::mem::take(&mut *self.served.lock().expect("log"))
    }
}

fn answer(stream: TcpStream, dir: &Path, log: &Mutex<Vec<(String, usize)>>) {
    let mut reader = BufReader::new(&stream);
    let mut request = String::new();
    if reader.read_line(&mut request).is_err() {
        return;
    }
    // The rest of the head is not needed; read it so the client is not cut off.
    let mut line = String::new();
    while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
        line.clear();
    }
    let target = request.split_whitespace().nth(1).unwrap_or("/");
    let path = target.split(['?', '#']).next().unwrap_or("/").to_string();
    let file = file_for(dir, &path);
    let mut out = &stream;
    match file.and_then(|f| std::fs::read(&f).ok().map(|b| (f, b))) {
        Some((file, body)) => {
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                content_type(&file),
                body.len()
            );
            let _ = out
                .write_all(head.as_bytes())
                .and_then(|()| out.write_all(&body));
            log.lock().expect("log").push((path, body.len()));
        }
        None => {
            let _ = out.write_all(
                b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            );
        }
    }
}

fn file_for(dir: &Path, path: &str) -> Option<PathBuf> {
    if path.split('/').any(|part| part == "..") {
        return None;
    }
    let mut file = dir.join(path.trim_start_matches('/'));
    if path.ends_with('/') {
        file = file.join("index.html");
    }
    file.is_file().then_some(file)
}

/// The types a browser insists on (module scripts must be served as
/// JavaScript), and those of images, as a bucket serves them.
fn content_type(file: &Path) -> &'static str {
    match file.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript",
        Some("css") => "text/css",
        Some("json") => "application/json",
        Some("wasm") => "application/wasm",
        Some("jpg") => "image/jpeg",
        Some("png") => "image/png",
        Some("webp") => "image/webp",
        Some("avif") => "image/avif",
        _ => "application/octet-stream",
    }
}
