//! A headless chromium driven over the DevTools protocol, and a raw HTTP
//! GET. Shared by the browser test and `examples/serve_bench.rs`.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// A raw HTTP/1.1 GET: the path goes on the wire exactly as given.
pub fn http_get(port: u16, path: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    )
    .expect("send");
    // Read the head, then exactly Content-Length bytes: some servers
    // (chromium's DevTools) keep the connection open regardless.
    let mut raw = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        let n = stream.read(&mut buf).expect("response");
        raw.extend_from_slice(&buf[..n]);
        let head_end = raw.windows(4).position(|w| w == b"\r\n\r\n");
        if let Some(end) = head_end {
            let head = String::from_utf8_lossy(&raw[..end]).to_ascii_lowercase();
            let length = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse::<usize>().ok());
            if length.is_some_and(|len| raw.len() >= end + 4 + len) {
                break;
            }
        }
        if n == 0 {
            break;
        }
    }
    let text = String::from_utf8_lossy(&raw).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

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

pub struct Browser {
    child: Child,
    _profile: tempfile::TempDir,
    socket: tungstenite::WebSocket<tungstenite::stream::MaybeTlsStream<TcpStream>>,
    next_id: u64,
}

impl Browser {
    pub fn open(url: &str) -> Browser {
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
        let mut browser = Browser {
            child,
            _profile: profile,
            socket,
            next_id: 1,
        };
        // The page target exists before the navigation to `url` commits; on
        // a loaded machine a test's first `document.readyState` would
        // otherwise read the blank start page's, already "complete".
        browser.wait_for("location.href.startsWith('about:')", &json!(false));
        browser
    }

    /// Evaluates `expression` in the page and returns its value.
    pub fn eval(&mut self, expression: &str) -> Value {
        let params = json!({"expression": expression, "returnByValue": true});
        self.call("Runtime.evaluate", params)["result"]["value"].clone()
    }

    /// Evaluates `expression` as if the user had just clicked (so the page
    /// may use the clipboard), waiting for the promise it returns.
    pub fn eval_as_user(&mut self, expression: &str) -> Value {
        let params = json!({"expression": expression, "returnByValue": true,
            "userGesture": true, "awaitPromise": true});
        self.call("Runtime.evaluate", params)["result"]["value"].clone()
    }

    /// Sends one DevTools command and returns its `result`.
    pub fn call(&mut self, method: &str, params: Value) -> Value {
        match self.try_call(method, params) {
            Ok(result) => result,
            Err(error) => panic!("{method} failed: {error}"),
        }
    }

    /// Sends one DevTools command: its `result`, or the `error` it answered.
    fn try_call(&mut self, method: &str, params: Value) -> Result<Value, Value> {
        let id = self.next_id;
        self.next_id += 1;
        let request = json!({"id": id, "method": method, "params": params});
        self.socket
            .send(tungstenite::Message::Text(request.to_string().into()))
            .expect("send");
        loop {
            let msg = self.socket.read().expect("devtools reply");
            if let tungstenite::Message::Text(text) = msg {
                let v: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
                if v["id"] == id {
                    if v["error"].is_null() {
                        return Ok(v["result"].clone());
                    }
                    return Err(v["error"].clone());
                }
            }
        }
    }

    /// Polls `expression` until it returns `want`.
    #[track_caller]
    pub fn wait_for(&mut self, expression: &str, want: &Value) {
        let deadline = Instant::now() + Duration::from_secs(15);
        let mut last = Value::Null;
        while Instant::now() < deadline {
            // While a navigation commits, chromium answers an evaluation with
            // "Inspected target navigated or closed": not yet, ask again.
            let params = json!({"expression": expression, "returnByValue": true});
            last = match self.try_call("Runtime.evaluate", params) {
                Ok(result) => result["result"]["value"].clone(),
                Err(error) => error,
            };
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
