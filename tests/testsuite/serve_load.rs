//! `ssg serve` under load, all on 127.0.0.1 and bounded in time: 160
//! keep-alive HTTP clients and 40 live-reload websockets on a 1,000-post
//! site while a post is saved 20 times a second. No crash, no answer but
//! the documented ones (200, 304, 404), every reload message reaches every
//! websocket, the last save is what is served, and memory stays flat.
//! `SSG_LOAD_SECS` sets how long the saves go on (10 s here; the issue's
//! figure is 60).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use crate::support::server::Server;
use crate::support::{Site, post};

const POSTS: usize = 1000;
const HTTP_CLIENTS: usize = 160;
const WEBSOCKETS: usize = 40;
const SAVES_PER_SECOND: u64 = 20;

fn blog() -> Site {
    let mut site = Site::new();
    for i in 0..POSTS {
        let date = format!("2020-{:02}-{:02}", i % 12 + 1, i % 28 + 1);
        let body = format!("Post {i}.\n\n```rust\nfn main() {{ println!(\"{i}\"); }}\n```\n");
        site = site.file(
            &format!("content/blog/post-{i:04}.md"),
            &post(&format!("Post {i}"), &date, &["t"], &body),
        );
    }
    site
}

/// Answers by status code, and requests that got no answer at all.
#[derive(Default)]
struct Tally {
    ok: AtomicUsize,
    not_modified: AtomicUsize,
    not_found: AtomicUsize,
    other: AtomicUsize,
    failed: AtomicUsize,
}

/// One keep-alive request on `stream`; the status, or `None` when the
/// connection broke.
fn request(stream: &mut BufReader<TcpStream>, path: &str) -> Option<u16> {
    write!(
        stream.get_mut(),
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    )
    .ok()?;
    let mut status_line = String::new();
    stream.read_line(&mut status_line).ok()?;
    let status = status_line.split_whitespace().nth(1)?.parse().ok()?;
    let mut length = 0usize;
    loop {
        let mut line = String::new();
        stream.read_line(&mut line).ok()?;
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            length = v.trim().parse().ok()?;
        }
    }
    let mut body = vec![0; length];
    stream.read_exact(&mut body).ok()?;
    Some(status)
}

fn http_client(port: u16, n: usize, stop: Arc<AtomicBool>, tally: Arc<Tally>) {
    let connect = || {
        let s = TcpStream::connect(("127.0.0.1", port)).ok()?;
        s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
        Some(BufReader::new(s))
    };
    let mut stream = connect();
    let mut k = n;
    while !stop.load(Ordering::Relaxed) {
        k = k.wrapping_mul(31).wrapping_add(7);
        let path = match k % 5 {
            0 => "/".to_string(),
            1 => "/no/such/page/".to_string(),
            _ => format!("/blog/post-{:04}/", k % POSTS),
        };
        let status = stream.as_mut().and_then(|s| request(s, &path));
        let counter = match status {
            Some(200) => &tally.ok,
            Some(304) => &tally.not_modified,
            Some(404) => &tally.not_found,
            Some(_) => &tally.other,
            None => {
                stream = connect();
                &tally.failed
            }
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }
}

/// Counts reload messages until `stop`, then a little longer for the last.
fn websocket(server: &Server, stop: Arc<AtomicBool>) -> thread::JoinHandle<usize> {
    let mut live = server.livereload();
    thread::spawn(move || {
        let mut reloads = 0;
        let mut quiet_since = None;
        loop {
            match live.next(Duration::from_millis(500)) {
                Some(msg) if msg["type"] == "reload" => {
                    reloads += 1;
                    quiet_since = None;
                }
                _ if stop.load(Ordering::Relaxed) => {
                    let since = *quiet_since.get_or_insert_with(Instant::now);
                    if since.elapsed() > Duration::from_secs(3) {
                        return reloads;
                    }
                }
                _ => {}
            }
        }
    })
}

/// The server's resident memory in MB, from /proc.
fn rss_mb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    Some(line.split_whitespace().nth(1)?.parse::<u64>().ok()? / 1024)
}

#[test]
fn serve_holds_200_connections_while_a_post_is_saved_20_times_a_second() {
    let site = blog();
    let server = Server::start(site.root(), &[]);
    let secs: u64 = std::env::var("SSG_LOAD_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10);
    let stop = Arc::new(AtomicBool::new(false));
    let tally = Arc::new(Tally::default());
    let sockets: Vec<_> = (0..WEBSOCKETS)
        .map(|_| websocket(&server, Arc::clone(&stop)))
        .collect();
    let clients: Vec<_> = (0..HTTP_CLIENTS)
        .map(|n| {
            let (stop, tally) = (Arc::clone(&stop), Arc::clone(&tally));
            let port = server.port;
            thread::spawn(move || http_client(port, n, stop, tally))
        })
        .collect();
    let edited = "content/blog/post-0007.md";
    let started = Instant::now();
    let mut rss = Vec::new();
    let mut save = 0u64;
    while started.elapsed() < Duration::from_secs(secs) {
        save += 1;
        let text = post(
            "Post 7",
            "2020-08-08",
            &["t"],
            &format!("Save number {save}."),
        );
        site.write(edited, text.as_bytes());
        if save.is_multiple_of(SAVES_PER_SECOND) {
            rss.push(rss_mb(server.pid()).expect("ssg serve is gone"));
        }
        thread::sleep(Duration::from_millis(1000 / SAVES_PER_SECOND));
    }
    let deadline = Instant::now() + Duration::from_secs(15);
    let last = format!("Save number {save}.");
    while !server.get("/blog/post-0007/").1.contains(&last) {
        assert!(Instant::now() < deadline, "the last save never showed");
        thread::sleep(Duration::from_millis(100));
    }
    stop.store(true, Ordering::Relaxed);
    for c in clients {
        c.join().expect("http client");
    }
    let counts: Vec<usize> = sockets
        .into_iter()
        .map(|s| s.join().expect("websocket"))
        .collect();
    let t = &tally;
    let answered = t.ok.load(Ordering::Relaxed)
        + t.not_modified.load(Ordering::Relaxed)
        + t.not_found.load(Ordering::Relaxed);
    eprintln!(
        "{secs} s, {save} saves: {answered} answers ({} ok, {} not found), {} other, {} failed; reloads per websocket {:?}; RSS MB each second {rss:?}",
        t.ok.load(Ordering::Relaxed),
        t.not_found.load(Ordering::Relaxed),
        t.other.load(Ordering::Relaxed),
        t.failed.load(Ordering::Relaxed),
        counts.iter().min()..=counts.iter().max(),
    );
    assert!(rss_mb(server.pid()).is_some(), "ssg serve died");
    assert_eq!(t.other.load(Ordering::Relaxed), 0, "an undocumented status");
    assert_eq!(
        t.failed.load(Ordering::Relaxed),
        0,
        "a request got no answer"
    );
    assert!(
        answered > HTTP_CLIENTS,
        "the clients barely ran: {answered} answers"
    );
    assert!(
        counts[0] > 0 && counts.iter().all(|c| *c == counts[0]),
        "websockets saw different reloads: {counts:?}"
    );
    // Flat: the last seconds hold no more than half again the memory of the
    // first ones (caches fill early, then stay).
    let third = rss.len().max(3) / 3;
    let early = rss.iter().take(third).max().copied().unwrap_or(0);
    let late = rss.iter().rev().take(third).max().copied().unwrap_or(0);
    assert!(
        late <= early + early / 2,
        "memory grew from {early} MB to {late} MB: {rss:?}"
    );
}
