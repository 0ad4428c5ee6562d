//! `ssg serve` on a free port of 127.0.0.1, waited for until it prints its
//! address, and a live-reload websocket client to it.

use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use crate::support::cdp::http_get;
use crate::support::command::ssg_command;

/// A running `ssg serve`, stopped on drop.
pub struct Server {
    child: Child,
    pub port: u16,
}

impl Server {
    pub fn start(root: &Path, extra: &[&str]) -> Server {
        Server::spawn(root, &[], extra, Stdio::null())
    }

    /// `ssg -v serve`, its log going to `log`.
    pub fn start_logged(root: &Path, extra: &[&str], log: &Path) -> Server {
        let file = std::fs::File::create(log).expect("create the server log");
        Server::spawn(root, &["-v"], extra, Stdio::from(file))
    }

    /// `ssg GLOBAL serve -p 0 EXTRA`, its stdout read for the address.
    fn spawn(root: &Path, global: &[&str], extra: &[&str], stderr: Stdio) -> Server {
        let mut args = global.to_vec();
        args.extend(["serve", "-p", "0"]);
        args.extend_from_slice(extra);
        let mut child = ssg_command(root, &args)
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .expect("start ssg serve");
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("read address");
        let port = line
            .split("http://127.0.0.1:")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("no address in {line:?}"));
        Server { child, port }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    pub fn get(&self, path: &str) -> (u16, String) {
        http_get(self.port, path)
    }

    pub fn livereload(&self) -> LiveReload {
        let (socket, _) =
            tungstenite::connect(format!("ws://127.0.0.1:{}/__ssg/livereload", self.port))
                .expect("websocket");
        if let tungstenite::stream::MaybeTlsStream::Plain(s) = socket.get_ref() {
            s.set_read_timeout(Some(Duration::from_millis(200)))
                .expect("timeout");
        }
        LiveReload { socket }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub struct LiveReload {
    socket: tungstenite::WebSocket<tungstenite::stream::MaybeTlsStream<TcpStream>>,
}

impl LiveReload {
    /// The next message, as JSON, within `limit`.
    pub fn next(&mut self, limit: Duration) -> Option<serde_json::Value> {
        let deadline = Instant::now() + limit;
        while Instant::now() < deadline {
            match self.socket.read() {
                Ok(tungstenite::Message::Text(t)) => return serde_json::from_str(&t).ok(),
                Ok(_) => continue,
                Err(tungstenite::Error::Io(e))
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) =>
                {
                    continue;
                }
                Err(e) => panic!("websocket: {e}"),
            }
        }
        None
    }

    /// Waits for a message of `kind` ("reload" or "error").
    #[track_caller]
    pub fn expect(&mut self, kind: &str) -> serde_json::Value {
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Some(msg) = self.next(Duration::from_secs(1))
                && msg["type"] == kind
            {
                return msg;
            }
        }
        panic!("no {kind} message within 10 s");
    }
}
