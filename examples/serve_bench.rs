//! Edit-to-visible latency of `ssg serve` and `hugo server`, in a real
//! browser, on the same generated blog.
//!
//!     cargo run --release --example serve_bench -- [--code-heavy] POSTS [RUNS] [HUGO_BINARY]
//!
//! For each server: generate the corpus (bench/gen_corpus.py, passing
//! `--code-heavy` on), start the server, open a post in headless chromium, then repeatedly append a unique
//! marker to that post's Markdown and time how long until the open page shows
//! it — the page reloads itself through the server's live reload; the
//! benchmark only watches. Prints each median and maximum and the ratio.
//! For ssg it first times startup with a warm cache: a server is started
//! and stopped once, then the next one is timed from spawn until it
//! answers the post's URL. Each server's peak resident memory is read
//! from /proc (Linux) before it is stopped. With `SSG_BENCH_LOG=FILE` the
//! ssg servers run with `-v` and their log is appended to FILE, each edit
//! marked there by the benchmark. Everything runs on 127.0.0.1.

#[path = "../tests/testsuite/support/cdp.rs"]
#[allow(dead_code)]
mod cdp;

use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::json;

struct Stop(Child);
impl Drop for Stop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

/// How long a server may take to start: Hugo's server builds the whole
/// site first, 30-40 minutes at 100,000 posts.
const START_LIMIT: Duration = Duration::from_secs(3 * 3600);

/// How long one edit may take to show before it counts as missed.
const EDIT_LIMIT: Duration = Duration::from_secs(120);

fn wait_listening(port: u16) {
    let deadline = Instant::now() + START_LIMIT;
    while Instant::now() < deadline {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("nothing listens on {port}");
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

/// Times `runs` edits of `file` until the page open in `browser` shows each.
/// Returns the times and how many edits never showed within [`EDIT_LIMIT`].
fn measure(browser: &mut cdp::Browser, file: &Path, runs: usize, label: &str) -> (Vec<f64>, usize) {
    let original = std::fs::read_to_string(file).expect("read post");
    let mut times = Vec::new();
    let mut missed = 0;
    for run in 0..=runs {
        let marker = format!("edit{label}{run}x{}", std::process::id());
        let text = original.replace("## Details", &format!("## Details {marker}"));
        let expression = format!("document.body && document.body.innerText.includes('{marker}')");
        let started = Instant::now();
        std::fs::write(file, text).expect("write post");
        let deadline = started + EDIT_LIMIT;
        let shown = loop {
            if browser.eval(&expression) == json!(true) {
                break true;
            }
            if Instant::now() > deadline {
                break false;
            }
            std::thread::sleep(Duration::from_millis(2));
        };
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        mark_in_log(&format!("bench: {label} edit {run}: {ms:.0} ms to visible"));
        // The first edit warms caches on both sides; it is not counted.
        if run > 0 {
            if shown {
                times.push(ms);
            } else {
                missed += 1;
            }
        }
        std::thread::sleep(Duration::from_millis(1000));
    }
    std::fs::write(file, original).expect("restore post");
    (times, missed)
}

/// Appends `line` to the `SSG_BENCH_LOG` file, if there is one.
fn mark_in_log(line: &str) {
    use std::io::Write as _;
    if let Some(path) = std::env::var_os("SSG_BENCH_LOG")
        && let Ok(mut file) = std::fs::File::options().append(true).open(path)
    {
        let _ = writeln!(file, "{line}");
    }
}

/// Opens `url` and waits until it has loaded (a slow server may still be starting).
fn open(url: &str) -> cdp::Browser {
    let mut browser = cdp::Browser::open(url);
    let deadline = Instant::now() + START_LIMIT;
    while Instant::now() < deadline {
        if browser.eval("location.href") == json!(url)
            && browser.eval("document.readyState") == json!("complete")
        {
            std::thread::sleep(Duration::from_millis(500));
            return browser;
        }
        browser.eval(&format!(
            "if (location.href !== '{url}') location.href = '{url}'"
        ));
        std::thread::sleep(Duration::from_millis(500));
    }
    panic!("{url} never loaded");
}

/// Time from spawning `ssg serve` until the post answers, and the server.
fn start_ssg(ssg: &Path, site: &Path, post: &str) -> (f64, Stop, String) {
    // SSG_BENCH_LOG=file: the server's `-v` log, to see where a slow edit's time went.
    let log = std::env::var_os("SSG_BENCH_LOG").map(|path| {
        std::fs::File::options()
            .create(true)
            .append(true)
            .open(path)
            .expect("open SSG_BENCH_LOG")
    });
    let verbose: &[&str] = if log.is_some() { &["-v"] } else { &[] };
    let started = Instant::now();
    let mut child = Command::new(ssg)
        .args(verbose)
        .args(["serve", "-p", "0"])
        .current_dir(site)
        .stdout(Stdio::piped())
        .stderr(log.map_or_else(Stdio::null, Stdio::from))
        .spawn()
        .expect("start ssg serve (build it with cargo build --release)");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("address");
    let server = Stop(child);
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .expect("url")
        .to_string();
    let addr = url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    let deadline = Instant::now() + START_LIMIT;
    while !answers(&addr, &format!("/blog/{post}/")) {
        assert!(Instant::now() < deadline, "{url} never answered");
        std::thread::sleep(Duration::from_millis(5));
    }
    (started.elapsed().as_secs_f64() * 1000.0, server, url)
}

/// Whether `GET path` on `addr` answers 200.
fn answers(addr: &str, path: &str) -> bool {
    use std::io::{Read, Write};
    let Ok(mut stream) = TcpStream::connect(addr) else {
        return false;
    };
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    let mut head = [0u8; 12];
    stream.write_all(request.as_bytes()).is_ok()
        && stream.read_exact(&mut head).is_ok()
        && head.ends_with(b"200")
}

/// The peak resident memory of process `pid` so far, in MB (Linux's
/// VmHWM), or 0 where /proc does not say.
fn peak_rss_mb(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
            line.split_whitespace().nth(1)?.parse::<u64>().ok()
        })
        .map_or(0, |kb| kb / 1024)
}

fn max(v: &[f64]) -> f64 {
    v.iter().copied().fold(0.0, f64::max)
}

fn main() {
    let mut args: Vec<String> = std::env::args().collect();
    let code_heavy = args.iter().any(|a| a == "--code-heavy");
    args.retain(|a| a != "--code-heavy");
    let posts: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(1000);
    let runs: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(10);
    let hugo = args.get(3).map(PathBuf::from);
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let flavour = if code_heavy { "-code" } else { "" };
    let corpus = std::env::temp_dir().join(format!("ssg-serve-bench-{posts}{flavour}"));
    let status = Command::new("python3")
        .arg(root.join("bench/gen_corpus.py"))
        .args(code_heavy.then_some("--code-heavy"))
        .arg(posts.to_string())
        .arg(&corpus)
        .status()
        .expect("run gen_corpus.py");
    assert!(status.success());
    let post = format!("post-{:05}", posts / 2);

    // ssg
    let ssg = root.join("target/release/ssg");
    let site = corpus.join("ssg");
    // The first server fills the build cache; the second starts warm.
    drop(start_ssg(&ssg, &site, &post));
    let (startup, ssg_server, url) = start_ssg(&ssg, &site, &post);
    println!("ssg serve, {posts} posts: {startup:.0} ms from start to the first page, cache warm");
    let mut browser = open(&format!("{url}blog/{post}/"));
    let (ssg_times, ssg_missed) = measure(
        &mut browser,
        &corpus.join(format!("ssg/content/blog/{post}.md")),
        runs,
        "ssg",
    );
    drop(browser);
    let ssg_median = median(ssg_times.clone());
    println!(
        "ssg serve, {posts} posts: median {ssg_median:.0} ms, max {:.0} ms edit-to-visible, {ssg_missed} of {runs} edits missed ({ssg_times:.0?}); peak RSS {} MB",
        max(&ssg_times),
        peak_rss_mb(ssg_server.0.id())
    );
    drop(ssg_server);

    let Some(hugo) = hugo else {
        return;
    };
    let port = free_port();
    let hugo_started = Instant::now();
    let child = Command::new(&hugo)
        .args(["server", "--bind", "127.0.0.1", "--port", &port.to_string()])
        .arg("--baseURL")
        .arg(format!("http://127.0.0.1:{port}/"))
        .current_dir(corpus.join("hugo"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start hugo server");
    let hugo_server = Stop(child);
    wait_listening(port);
    let mut browser = open(&format!("http://127.0.0.1:{port}/blog/{post}/"));
    println!(
        "hugo server, {posts} posts: {:.1} s from start to the first page",
        hugo_started.elapsed().as_secs_f64()
    );
    let (hugo_times, hugo_missed) = measure(
        &mut browser,
        &corpus.join(format!("hugo/content/posts/{post}.md")),
        runs,
        "hugo",
    );
    let hugo_median = median(hugo_times.clone());
    println!(
        "hugo server, {posts} posts: median {hugo_median:.0} ms, max {:.0} ms edit-to-visible, {hugo_missed} of {runs} edits missed ({hugo_times:.0?}); peak RSS {} MB",
        max(&hugo_times),
        peak_rss_mb(hugo_server.0.id())
    );
    println!(
        "ratio: ssg is {:.1}x faster from save to visible",
        hugo_median / ssg_median
    );
}
