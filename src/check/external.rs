//! `ssg check --external`: asks the web about every `http(s)` link off the
//! site. HEAD first (no body to download), GET when a server refuses HEAD
//! (405); a few requests at a time, spaced out per host so a site with
//! hundreds of links to one host does not hammer it, each with a timeout.
//! Redirects and rate limiting (429) are told apart from broken links: a
//! redirect still works, and a 429 says nothing about the link.
//!
//! Answers are kept in `.ssg-cache/` for a day, so checking again (in CI,
//! say) asks only about links it has not seen lately. Rate-limited links
//! are not kept: they were not checked.
//!
//! The client is hyper's with rustls, which the S3 publisher already
//! builds, and which leaves redirects to us: they are reported, not followed.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{Context as _, Result};
use http_body_util::Empty;
use hyper::body::Bytes;
use hyper::{Method, Request, StatusCode, Uri};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

/// How external links are checked.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Requests in flight at once.
    pub concurrency: usize,
    /// Least time between two requests to the same host.
    pub per_host_interval: Duration,
    /// How long one request may take.
    pub timeout: Duration,
    /// How long an answer is trusted.
    pub max_age: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            concurrency: 8,
            per_host_interval: Duration::from_millis(250),
            timeout: Duration::from_secs(10),
            max_age: Duration::from_secs(24 * 60 * 60),
        }
    }
}

/// What a server said about one URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outcome {
    Ok,
    /// A 3xx: the link works but has moved.
    Redirect {
        status: u16,
        location: String,
    },
    /// 429: the server asks to come back later.
    RateLimited,
    /// No page there (4xx, 5xx) or no answer; why.
    Broken(String),
}

/// The cache file under the site root.
fn cache_file(root: &Path) -> PathBuf {
    root.join(crate::cache::DIR_NAME)
        .join("external-links.json")
}

/// One remembered answer.
#[derive(Debug, Serialize, Deserialize)]
struct Cached {
    /// Seconds since the Unix epoch.
    checked: u64,
    outcome: Outcome,
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Checks every URL (without its fragment), taking answers younger than
/// `max_age` from the cache, and remembers the new ones.
pub fn check_all<'u>(
    root: &Path,
    settings: &Settings,
    urls: impl Iterator<Item = &'u String>,
) -> Result<FxHashMap<String, Outcome>> {
    let file = cache_file(root);
    let mut cache: HashMap<String, Cached> = std::fs::read(&file)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or_default();
    let now = now_secs();
    cache.retain(|_, c| now.saturating_sub(c.checked) < settings.max_age.as_secs());
    let mut results = FxHashMap::default();
    let mut to_ask = Vec::new();
    for url in urls {
        match cache.get(url) {
            Some(c) => {
                results.insert(url.clone(), c.outcome.clone());
            }
            None => to_ask.push(url.clone()),
        }
    }
    crate::log::verbose(&format!(
        "external links: {} cached, {} to check",
        results.len(),
        to_ask.len()
    ));
    let answers = ask_all(settings, to_ask)?;
    for (url, outcome) in answers {
        if outcome != Outcome::RateLimited {
            let checked = now_secs();
            let remembered = Cached {
                checked,
                outcome: outcome.clone(),
            };
            cache.insert(url.clone(), remembered);
        }
        results.insert(url, outcome);
    }
    save(&file, &cache);
    Ok(results)
}

/// Writes the cache; one that cannot be written only costs requests.
fn save(file: &Path, cache: &HashMap<String, Cached>) {
    let written = file
        .parent()
        .map_or(Ok(()), std::fs::create_dir_all)
        .and_then(|()| {
            let bytes = serde_json::to_vec(cache).map_err(std::io::Error::other)?;
            crate::cache::write_atomic(file, &bytes)
        });
    if let Err(e) = written {
        crate::log::verbose(&format!("cannot save {}: {e}", file.display()));
    }
}

type HttpClient = Client<hyper_rustls::HttpsConnector<HttpConnector>, Empty<Bytes>>;

/// Asks about every URL, `concurrency` at a time.
fn ask_all(settings: &Settings, urls: Vec<String>) -> Result<Vec<(String, Outcome)>> {
    if urls.is_empty() {
        return Ok(Vec::new());
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the HTTP client")?;
    let client = client();
    runtime.block_on(async {
        let gate = Arc::new(tokio::sync::Semaphore::new(settings.concurrency.max(1)));
        let pacer = Arc::new(Pacer::new(settings.per_host_interval));
        let mut tasks = tokio::task::JoinSet::new();
        for url in urls {
            let (client, gate, pacer) = (client.clone(), gate.clone(), pacer.clone());
            let timeout = settings.timeout;
            tasks.spawn(async move {
                let _permit = gate.acquire_owned().await;
                let outcome = ask(&client, &pacer, &url, timeout).await;
                (url, outcome)
            });
        }
        let mut answers = Vec::new();
        while let Some(done) = tasks.join_next().await {
            answers.push(done.context("an external link check stopped")?);
        }
        Ok(answers)
    })
}

/// An HTTP(S) client that follows no redirects (hyper's never does).
fn client() -> HttpClient {
    let builder = hyper_rustls::HttpsConnectorBuilder::new();
    let tls = match builder.with_native_roots() {
        Ok(with_roots) => with_roots,
        Err(e) => {
            crate::log::warn(&format!(
                "no trusted certificates found ({e}): every https link will fail"
            ));
            let roots = rustls_empty_config();
            hyper_rustls::HttpsConnectorBuilder::new().with_tls_config(roots)
        }
    };
    let connector = tls.https_or_http().enable_http1().build();
    Client::builder(TokioExecutor::new()).build(connector)
}

/// A TLS setup that trusts nobody, for a system without certificates.
fn rustls_empty_config() -> rustls::ClientConfig {
    rustls::ClientConfig::builder()
        .with_root_certificates(rustls::RootCertStore::empty())
        .with_no_client_auth()
}

/// Spaces requests to one host `interval` apart.
struct Pacer {
    interval: Duration,
    next: Mutex<HashMap<String, Instant>>,
}

impl Pacer {
    fn new(interval: Duration) -> Pacer {
        Pacer {
            interval,
            next: Mutex::new(HashMap::new()),
        }
    }

    /// Waits for this host's turn.
    async fn wait(&self, host: &str) {
        let at = {
            let mut next = self.next.lock().unwrap_or_else(|e| e.into_inner());
            let now = Instant::now();
            let at = next.get(host).copied().filter(|&t| t > now).unwrap_or(now);
            next.insert(host.to_string(), at + self.interval);
            at
        };
        tokio::time::sleep_until(at.into()).await;
    }
}

/// HEAD, then GET if the server does not allow HEAD.
async fn ask(client: &HttpClient, pacer: &Pacer, url: &str, timeout: Duration) -> Outcome {
    let Ok(uri) = url.parse::<Uri>() else {
        return Outcome::Broken("not a valid URL".into());
    };
    let host = uri.authority().map_or("", |a| a.as_str()).to_string();
    let mut outcome = None;
    for method in [Method::HEAD, Method::GET] {
        pacer.wait(&host).await;
        let status = request(client, &uri, method, timeout).await;
        let refused_head = matches!(
            &status,
            Ok((
                StatusCode::METHOD_NOT_ALLOWED | StatusCode::NOT_IMPLEMENTED,
                _
            ))
        );
        outcome = Some(classify(status));
        if !refused_head {
            break;
        }
    }
    outcome.unwrap_or(Outcome::Broken("not checked".into()))
}

/// One request: its status and `Location`, or why there was none.
async fn request(
    client: &HttpClient,
    uri: &Uri,
    method: Method,
    timeout: Duration,
) -> Result<(StatusCode, Option<String>), String> {
    let request = Request::builder()
        .method(method)
        .uri(uri.clone())
        .header(
            "user-agent",
            concat!("ssg-check/", env!("CARGO_PKG_VERSION")),
        )
        .body(Empty::new())
        .map_err(|e| e.to_string())?;
    match tokio::time::timeout(timeout, client.request(request)).await {
        Err(_) => Err(format!("no answer within {} s", timeout.as_secs_f32())),
        Ok(Err(e)) => Err(error_chain(&e)),
        Ok(Ok(response)) => {
            let location = response
                .headers()
                .get("location")
                .and_then(|v| v.to_str().ok())
                .map(str::to_string);
            // The body is not read: dropping the response closes it.
            Ok((response.status(), location))
        }
    }
}

fn classify(answer: Result<(StatusCode, Option<String>), String>) -> Outcome {
    match answer {
        Err(why) => Outcome::Broken(why),
        Ok((status, _)) if status.is_success() => Outcome::Ok,
        Ok((StatusCode::TOO_MANY_REQUESTS, _)) => Outcome::RateLimited,
        Ok((status, location)) if status.is_redirection() => Outcome::Redirect {
            status: status.as_u16(),
            location: location.unwrap_or_default(),
        },
        Ok((status, _)) => Outcome::Broken(format!("HTTP {status}")),
    }
}

/// An error with its causes, which say what actually went wrong.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut message = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    message
}
