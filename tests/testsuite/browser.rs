//! End to end in a real browser: Debian's chromium, headless, opened on a
//! page served by `ssg serve`. The test edits files on disk and watches the
//! open page change through the DevTools protocol — it never reloads it.

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::harness::{Site, post};
use crate::serve::{Server, http_get};

/// Flags this machine's chromium needs: no sandbox as root, and no
/// background traffic to hosts a closed network refuses.
const FLAGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--remote-debugging-port=0",
];

fn chromium_binary() -> PathBuf {
    for candidate in ["chromium", "chromium-browser", "google-chrome"] {
        if let Ok(out) = Command::new("which").arg(candidate).output()
            && out.status.success()
        {
            return PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        }
    }
    panic!("chromium is not installed; scripts/test.sh installs it (apt-get install chromium)");
}

struct Browser {
    child: Child,
    _profile: tempfile::TempDir,
    socket: tungstenite::WebSocket<tungstenite::stream::MaybeTlsStream<TcpStream>>,
    next_id: u64,
}

impl Browser {
    fn open(url: &str) -> Browser {
        let profile = tempfile::tempdir().unwrap();
        let child = Command::new(chromium_binary())
            .args(FLAGS)
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg(url)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromium");
        let port = wait_for_devtools_port(profile.path());
        let ws_url = wait_for_page(port);
        let (socket, _) = tungstenite::connect(ws_url).expect("devtools websocket");
        Browser {
            child,
            _profile: profile,
            socket,
            next_id: 1,
        }
    }

    /// Evaluates `expression` in the page and returns its value.
    fn eval(&mut self, expression: &str) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        let request = json!({"id": id, "method": "Runtime.evaluate", "params": {"expression": expression, "returnByValue": true}});
        self.socket
            .send(tungstenite::Message::Text(request.to_string().into()))
            .expect("send");
        loop {
            let msg = self.socket.read().expect("devtools reply");
            if let tungstenite::Message::Text(text) = msg {
                let v: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
                if v["id"] == id {
                    return v["result"]["result"]["value"].clone();
                }
            }
        }
    }

    /// Polls `expression` until it returns `want`.
    #[track_caller]
    fn wait_for(&mut self, expression: &str, want: &Value) {
        let deadline = Instant::now() + Duration::from_secs(15);
        let mut last = Value::Null;
        while Instant::now() < deadline {
            last = self.eval(expression);
            if &last == want {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("{expression} stayed {last}, wanted {want}");
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn wait_for_devtools_port(profile: &Path) -> u16 {
    let file = profile.join("DevToolsActivePort");
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if let Ok(text) = std::fs::read_to_string(&file)
            && let Some(port) = text.lines().next().and_then(|l| l.trim().parse().ok())
        {
            return port;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("chromium did not open its DevTools port");
}

fn wait_for_page(port: u16) -> String {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        let (_, body) = http_get(port, "/json/list");
        if let Ok(Value::Array(targets)) = serde_json::from_str::<Value>(&body)
            && let Some(url) = targets
                .iter()
                .find(|t| t["type"] == "page")
                .and_then(|t| t["webSocketDebuggerUrl"].as_str())
        {
            return url.to_string();
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("chromium opened no page");
}

#[test]
fn an_open_page_follows_edits_without_the_test_reloading_it() {
    let long_body = "Filler paragraph.\n\n".repeat(200);
    let site = Site::new().file(
        "content/blog/live.md",
        &post(
            "Live",
            "2024-01-01",
            &["x"],
            &format!("Original text.\n\n{long_body}"),
        ),
    );
    let server = Server::start(site.root(), &[]);
    let mut browser = Browser::open(&server.url("/blog/live/"));
    browser.wait_for("document.readyState", &json!("complete"));
    browser.wait_for(
        "document.querySelector('h1') && document.querySelector('h1').textContent",
        &json!("Live"),
    );
    // Live reload is connected once its socket exists; give it a moment.
    std::thread::sleep(Duration::from_millis(300));
    browser.eval("window.scrollTo(0, 600)");
    browser.wait_for("Math.round(window.scrollY)", &json!(600));

    // A content edit: the page reloads itself and keeps its scroll position.
    site.write(
        "content/blog/live.md",
        post(
            "Live, edited",
            "2024-01-01",
            &["x"],
            &format!("Changed text.\n\n{long_body}"),
        )
        .as_bytes(),
    );
    browser.wait_for(
        "document.querySelector('h1').textContent",
        &json!("Live, edited"),
    );
    browser.wait_for("Math.round(window.scrollY)", &json!(600));

    // A stylesheet edit swaps the CSS without a reload: a marker set on the window survives.
    browser.eval("window.__ssgMarker = 42");
    site.write(
        "static/style.css",
        b"body { background-color: rgb(1, 2, 3); }",
    );
    browser.wait_for(
        "getComputedStyle(document.body).backgroundColor",
        &json!("rgb(1, 2, 3)"),
    );
    assert_eq!(
        browser.eval("window.__ssgMarker"),
        json!(42),
        "the CSS change reloaded the page"
    );

    // A broken save shows the error overlay; fixing it clears it.
    site.write("content/blog/live.md", b"---\ntitle: [unclosed\n---\n");
    browser.wait_for(
        "!!document.getElementById('ssg-error-overlay')",
        &json!(true),
    );
    let overlay = browser.eval("document.getElementById('ssg-error-overlay').textContent");
    assert!(
        overlay
            .as_str()
            .unwrap_or("")
            .contains("content/blog/live.md:"),
        "{overlay}"
    );
    site.write(
        "content/blog/live.md",
        post("Live again", "2024-01-01", &[], "Back.").as_bytes(),
    );
    browser.wait_for(
        "document.querySelector('h1') && document.querySelector('h1').textContent",
        &json!("Live again"),
    );
    browser.wait_for(
        "!!document.getElementById('ssg-error-overlay')",
        &json!(false),
    );
}
