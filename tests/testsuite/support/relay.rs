//! A recording relay: an HTTP proxy on 127.0.0.1 in front of moto that
//! keeps every request ssg made (head and body, as it reached the server)
//! and, by its [`Rules`], can change a request on its way, refuse one (a
//! network that fails), cut the run after its Nth write (a process killed
//! before it heard the answer), change an answer on its way back, or answer
//! a request itself as real AWS documents it where moto does not enforce
//! the rule (a conflicting CNAME, a bucket in another region).
//!
//! It reads each whole message, forwards it on a connection of its own
//! (`Connection: close`) and sends the answer back with its length and no
//! chunking, so bodies may be binary (a gzipped manifest).

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A raw HTTP message: head and body (de-chunked).
pub struct Message {
    pub head: String,
    pub body: Vec<u8>,
}

impl Message {
    /// An answer as AWS would give it: `status` (`400 Bad Request`), the
    /// headers, an XML body.
    pub fn reply(status: &str, headers: &[(&str, &str)], body: &str) -> Message {
        let mut head = format!("HTTP/1.1 {status}\r\n");
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        if !body.is_empty() {
            head.push_str("Content-Type: application/xml\r\n");
        }
        head.push_str("\r\n");
        Message {
            head,
            body: body.as_bytes().to_vec(),
        }
    }
}

/// One request ssg made, as it reached the server.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    /// The target's path, without the query (`/bucket/blog/a/index.html`).
    pub path: String,
    pub query: String,
    pub head: String,
    pub body: Vec<u8>,
}

impl Request {
    fn of(message: &Message) -> Request {
        let line = message.head.lines().next().unwrap_or("");
        let mut parts = line.split(' ');
        let method = parts.next().unwrap_or("").to_string();
        let target = parts.next().unwrap_or("");
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        Request {
            method,
            path: path.to_string(),
            query: query.to_string(),
            head: message.head.clone(),
            body: message.body.clone(),
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        header(&self.head, name)
    }

    /// The target as the request line has it, path and query.
    pub fn target(&self) -> &str {
        let line = self.head.lines().next().unwrap_or("");
        line.split(' ').nth(1).unwrap_or("")
    }

    /// Anything but a GET or a HEAD: what [`Rules::default`] counts as a write.
    pub fn changes(&self) -> bool {
        !matches!(self.method.as_str(), "GET" | "HEAD")
    }
}

/// Called after the `n`th write (1-based) reached the server, before its
/// answer goes back; returns whether to cut the connection (the answer is
/// lost and every later request fails until [`Relay::revive`]).
pub type Hook = Box<dyn Fn(usize, &Request) -> bool + Send + Sync>;

/// Whether to drop a request unanswered with its connection, never
/// forwarding it.
pub type Refuse = Box<dyn Fn(&Request) -> bool + Send + Sync>;

/// The answer to give in moto's place (recorded, never forwarded; a
/// success to a write counts as a write, an error does not), or `None` to
/// forward the request.
pub type Answer = Box<dyn Fn(&Request) -> Option<Message> + Send + Sync>;

/// What the relay does besides forwarding and recording.
pub struct Rules {
    /// Which requests are writes, counted for `after_write`.
    pub is_write: fn(&Request) -> bool,
    /// Sees (and may change) each request before it is recorded and forwarded.
    pub on_request: Option<fn(&mut Message)>,
    pub refuse: Option<Refuse>,
    pub answer: Option<Answer>,
    pub after_write: Option<Hook>,
    /// Changes each answer before it goes back.
    pub on_response: Option<fn(Message) -> Message>,
}

impl Default for Rules {
    fn default() -> Rules {
        Rules {
            is_write: Request::changes,
            on_request: None,
            refuse: None,
            answer: None,
            after_write: None,
            on_response: None,
        }
    }
}

/// A running relay; its threads live as long as the test process.
pub struct Relay {
    pub url: String,
    seen: Arc<Mutex<Vec<Request>>>,
    in_flight: Arc<AtomicUsize>,
    writes: Arc<AtomicUsize>,
    dead: Arc<AtomicBool>,
}

struct Shared {
    upstream: String,
    rules: Rules,
    seen: Arc<Mutex<Vec<Request>>>,
    in_flight: Arc<AtomicUsize>,
    writes: Arc<AtomicUsize>,
    dead: Arc<AtomicBool>,
}

impl Relay {
    /// A relay to `upstream` (`http://host:port`) that only records.
    pub fn to(upstream: &str) -> Relay {
        Relay::start(upstream, Rules::default())
    }

    pub fn start(upstream: &str, rules: Rules) -> Relay {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind relay");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let shared = Arc::new(Shared {
            upstream: upstream.trim_start_matches("http://").to_string(),
            rules,
            seen: Arc::new(Mutex::new(Vec::new())),
            in_flight: Arc::new(AtomicUsize::new(0)),
            writes: Arc::new(AtomicUsize::new(0)),
            dead: Arc::new(AtomicBool::new(false)),
        });
        let relay = Relay {
            url,
            seen: shared.seen.clone(),
            in_flight: shared.in_flight.clone(),
            writes: shared.writes.clone(),
            dead: shared.dead.clone(),
        };
        std::thread::spawn(move || {
            for client in listener.incoming() {
                let Ok(client) = client else { continue };
                let shared = shared.clone();
                std::thread::spawn(move || serve(client, &shared));
            }
        });
        relay
    }

    /// Writes that reached the server so far.
    pub fn writes(&self) -> usize {
        self.writes.load(Ordering::SeqCst)
    }

    /// Forwards again after a hook cut the connection (a new run through
    /// the same endpoint).
    pub fn revive(&self) {
        self.dead.store(false, Ordering::SeqCst);
    }

    /// Every request so far, in the order they arrived.
    pub fn seen(&self) -> Vec<Request> {
        self.seen.lock().expect("seen").clone()
    }

    /// Waits until no request is being forwarded (those a killed process
    /// sent may still land).
    pub fn settle(&self) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while self.in_flight.load(Ordering::SeqCst) > 0 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

fn serve(mut client: TcpStream, shared: &Shared) {
    let rules = &shared.rules;
    while let Some(mut message) = read_message(&mut client, true) {
        if shared.dead.load(Ordering::SeqCst) {
            break;
        }
        if let Some(on_request) = rules.on_request {
            on_request(&mut message);
        }
        let request = Request::of(&message);
        shared.seen.lock().expect("seen").push(request.clone());
        if rules.refuse.as_ref().is_some_and(|refuse| refuse(&request)) {
            break;
        }
        if let Some(answer) = rules.answer.as_ref().and_then(|answer| answer(&request)) {
            let success = answer.head.starts_with("HTTP/1.1 2");
            if success && (rules.is_write)(&request) {
                let n = shared.writes.fetch_add(1, Ordering::SeqCst) + 1;
                if rules
                    .after_write
                    .as_ref()
                    .is_some_and(|hook| hook(n, &request))
                {
                    shared.dead.store(true, Ordering::SeqCst);
                    break;
                }
            }
            if client.write_all(&reframe(answer)).is_err() {
                break;
            }
            continue;
        }
        shared.in_flight.fetch_add(1, Ordering::SeqCst);
        let response = forward(&shared.upstream, &message);
        let mut cut = response.is_none();
        if response.is_some() && (rules.is_write)(&request) {
            let n = shared.writes.fetch_add(1, Ordering::SeqCst) + 1;
            if let Some(hook) = &rules.after_write {
                cut = hook(n, &request);
            }
        }
        shared.in_flight.fetch_sub(1, Ordering::SeqCst);
        if cut {
            shared.dead.store(true, Ordering::SeqCst);
            break;
        }
        let Some(mut response) = response else { break };
        if let Some(on_response) = rules.on_response {
            response = on_response(response);
        }
        if client.write_all(&reframe(response)).is_err() {
            break;
        }
    }
    let _ = client.shutdown(Shutdown::Both);
}

/// The answer as bytes again, with its length, no chunking, and the
/// connection closed after it.
fn reframe(response: Message) -> Vec<u8> {
    let head = with_header(
        &response.head,
        "Content-Length",
        &response.body.len().to_string(),
    );
    let head = without_chunking(&head);
    let head = with_header(&head, "Connection", "close");
    let mut out = head.into_bytes();
    out.extend_from_slice(&response.body);
    out
}

fn without_chunking(head: &str) -> String {
    head.replace("Transfer-Encoding: chunked\r\n", "")
        .replace("transfer-encoding: chunked\r\n", "")
}

pub fn header<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines().skip(1).find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.trim().eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

/// The head with `name` set to `value` (replacing it, or added).
pub fn with_header(head: &str, name: &str, value: &str) -> String {
    let mut lines: Vec<String> = head
        .trim_end()
        .lines()
        .filter(|l| {
            !l.split(':')
                .next()
                .is_some_and(|k| k.trim().eq_ignore_ascii_case(name))
        })
        .map(String::from)
        .collect();
    lines.push(format!("{name}: {value}"));
    format!("{}\r\n\r\n", lines.join("\r\n"))
}

/// The request sent to `upstream` (`host:port`) on a connection of its
/// own, and the answer read back.
fn forward(upstream: &str, request: &Message) -> Option<Message> {
    let mut server = TcpStream::connect(upstream).ok()?;
    let head = with_header(&request.head, "Connection", "close");
    let head = with_header(&head, "Content-Length", &request.body.len().to_string());
    let head = without_chunking(&head);
    server.write_all(head.as_bytes()).ok()?;
    server.write_all(&request.body).ok()?;
    read_message(&mut server, false)
}

/// Reads one message; a response (`request = false`) without a length is read to EOF.
fn read_message(stream: &mut TcpStream, request: bool) -> Option<Message> {
    let mut data = Vec::new();
    let mut buf = [0u8; 65536];
    let head_end = loop {
        if let Some(i) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let n = stream.read(&mut buf).ok().filter(|n| *n > 0)?;
        data.extend_from_slice(&buf[..n]);
    };
    let head = String::from_utf8_lossy(&data[..head_end]).into_owned();
    let mut rest = data[head_end..].to_vec();
    let body =
        if let Some(len) = header(&head, "content-length").and_then(|v| v.parse::<usize>().ok()) {
            fill(&mut rest, stream, len);
            rest.truncate(len);
            rest
        } else if header(&head, "transfer-encoding").is_some_and(|v| v.contains("chunked")) {
            read_chunked(&mut rest, stream)?
        } else if request || head.starts_with("HTTP/1.1 204") || head.starts_with("HTTP/1.1 304") {
            Vec::new()
        } else {
            let _ = stream.read_to_end(&mut rest);
            rest
        };
    Some(Message { head, body })
}

/// Reads from `stream` until `rest` holds `want` bytes; false at EOF first.
fn fill(rest: &mut Vec<u8>, stream: &mut TcpStream, want: usize) -> bool {
    let mut buf = [0u8; 65536];
    while rest.len() < want {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return false,
            Ok(n) => rest.extend_from_slice(&buf[..n]),
        }
    }
    true
}

/// A chunked body, `rest` holding what was read past the head.
fn read_chunked(rest: &mut Vec<u8>, stream: &mut TcpStream) -> Option<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        while !rest.windows(2).any(|w| w == b"\r\n") {
            let want = rest.len() + 1;
            if !fill(rest, stream, want) {
                return None;
            }
        }
        let line_end = rest.windows(2).position(|w| w == b"\r\n")?;
        let size = usize::from_str_radix(
            String::from_utf8_lossy(&rest[..line_end])
                .split(';')
                .next()?
                .trim(),
            16,
        )
        .ok()?;
        rest.drain(..line_end + 2);
        fill(rest, stream, size + 2);
        if size == 0 {
            return Some(body);
        }
        body.extend_from_slice(&rest[..size]);
        rest.drain(..size + 2);
    }
}
