//! `ssg serve`: the site built in memory, served on 127.0.0.1 with live
//! reload over a websocket, rebuilt on every save.

pub mod http;
pub mod priority;
pub mod rebuild;
pub mod state;
pub mod watch;

use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::{Arc, mpsc};
use std::time::Instant;

use anyhow::{Context as _, Result, bail};

use crate::build::BuildOptions;
use crate::log;
use rebuild::Rebuilder;
use state::App;

pub struct ServeOptions {
    pub interface: IpAddr,
    pub port: u16,
    pub drafts: bool,
    pub open: bool,
}

/// How many ports after the requested one are tried when it is taken.
const PORT_TRIES: u16 = 50;

fn bind(interface: IpAddr, port: u16) -> Result<TcpListener> {
    let mut last_err = None;
    for candidate in port..=port.saturating_add(PORT_TRIES) {
        match TcpListener::bind(SocketAddr::new(interface, candidate)) {
            Ok(l) => {
                if candidate != port {
                    log::info(&format!("Port {port} is in use; using {candidate} instead"));
                }
                return Ok(l);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => last_err = Some(e),
            Err(e) => {
                return Err(e).with_context(|| format!("cannot listen on {interface}:{candidate}"));
            }
        }
        if port == 0 {
            break;
        }
    }
    match last_err {
        Some(e) => Err(e).with_context(|| {
            format!(
                "ports {port} to {} are all in use",
                port.saturating_add(PORT_TRIES)
            )
        }),
        None => bail!("cannot listen on {interface}:{port}"),
    }
}

fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    if std::process::Command::new(opener).arg(url).spawn().is_err() {
        log::warn(&format!("could not open a browser; visit {url}"));
    }
}

/// The address the preview is browsed at: the port actually bound, and a
/// host a browser can open (not `0.0.0.0`).
fn local_url(addr: SocketAddr) -> String {
    let host = match addr.ip() {
        IpAddr::V6(ip) => format!("[{ip}]"),
        IpAddr::V4(ip) if ip.is_unspecified() => "127.0.0.1".to_string(),
        IpAddr::V4(ip) => ip.to_string(),
    };
    format!("http://{host}:{}", addr.port())
}

pub fn serve(root: &Path, opts: ServeOptions) -> Result<()> {
    let listener = bind(opts.interface, opts.port)?;
    let url = local_url(listener.local_addr()?);
    let build_opts = BuildOptions {
        drafts: opts.drafts,
        base_url: Some(url.clone()),
        use_cache: true,
        plain_asset_names: true,
    };
    let app = Arc::new(App::default());
    priority::render_pool_behind_the_browser();
    let mut rebuilder = Rebuilder::new(root, build_opts, Arc::clone(&app));
    let started = Instant::now();
    if rebuilder.rebuild(&[]).is_some() {
        log::info(&format!(
            "Built the site in {} ms",
            started.elapsed().as_millis()
        ));
    }
    // stdout, one line, so scripts and tests can read the address.
    println!("Serving at {url}/ (Ctrl+C to stop)");
    if opts.open {
        open_browser(&format!("{url}/"));
    }

    let (watcher, events) = watch::start(root)?;
    let root_owned = root.to_path_buf();
    let watch_app = Arc::clone(&app);
    std::thread::Builder::new()
        .name("ssg-rebuild".into())
        .spawn(move || rebuild_on_changes(rebuilder, watcher, events, &root_owned, &watch_app))
        .context("cannot start the rebuild thread")?;
    serve_http(listener, app)
}

/// Rebuilds after every batch of changed inputs and tells the browsers to
/// reload, until the watcher stops.
fn rebuild_on_changes(
    mut rebuilder: Rebuilder,
    mut watcher: watch::Watcher,
    events: mpsc::Receiver<Vec<PathBuf>>,
    root: &Path,
    app: &App,
) {
    priority::run_behind_the_browser();
    while let Ok(mut paths) = events.recv() {
        // Fold batches that queued up while the last rebuild ran.
        while let Ok(more) = events.try_recv() {
            paths.extend(more);
        }
        let t0 = Instant::now();
        if log::level() >= 2 {
            log::verbose(&format!("change: {}", describe_changes(root, &paths)));
        }
        watch::watch_new_dirs(&mut watcher, root, &paths);
        let had_error = app.error_message().is_some();
        if let Some(changed) = rebuilder.rebuild(&paths) {
            if !changed.is_empty() || had_error {
                app.announce_reload(&changed);
                log::verbose(&format!(
                    "sent reload for {} outputs, {} ms after the event",
                    changed.len(),
                    t0.elapsed().as_millis()
                ));
            } else {
                log::verbose("no output changed: no reload sent");
            }
        }
    }
}

/// The changed paths for the `-v` log, each with how long ago it was
/// written: the watcher's and the debounce's share of a save's way to the
/// browser.
fn describe_changes(root: &Path, paths: &[PathBuf]) -> String {
    let now = std::time::SystemTime::now();
    paths
        .iter()
        .map(|p| {
            let rel = p.strip_prefix(root).unwrap_or(p).display();
            let written = std::fs::metadata(p)
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| now.duration_since(t).ok());
            match written {
                Some(age) => format!("{rel} (written {} ms ago)", age.as_millis()),
                None => rel.to_string(),
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Serves the site and the live-reload socket until Ctrl+C.
fn serve_http(listener: TcpListener, app: Arc<App>) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async move {
        listener.set_nonblocking(true)?;
        let listener = tokio::net::TcpListener::from_std(listener)?;
        axum::serve(listener, http::router(app))
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
            .context("the server stopped")
    })
}
