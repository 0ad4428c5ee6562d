//! What the preview server shares between the rebuild thread and requests:
//! the current site in memory, the current error, and the reload channel.

use std::sync::{Arc, RwLock};

use rustc_hash::FxHashMap;
use serde::Serialize;
use tokio::sync::broadcast;

/// One complete build, as served, and the edited pages rendered ahead of
/// the next one.
#[derive(Default)]
pub struct Snapshot {
    /// Output path (`blog/x/index.html`) → bytes.
    pub files: Arc<FxHashMap<String, Arc<[u8]>>>,
    /// Outputs rendered ahead of the rebuild under way (the pages a save
    /// edited), served over `files` until that rebuild is swapped in.
    pub ahead: FxHashMap<String, Arc<[u8]>>,
    /// Set while no build has ever succeeded: every request shows it.
    pub startup_error: Option<String>,
}

impl Snapshot {
    /// The bytes served at output path `path`.
    pub fn file(&self, path: &str) -> Option<&Arc<[u8]>> {
        self.ahead.get(path).or_else(|| self.files.get(path))
    }

    pub fn error_page(&self) -> Option<String> {
        let message = self.startup_error.as_ref()?;
        let mut escaped = String::new();
        crate::escape::push_escaped(&mut escaped, message);
        Some(format!(
            "<!doctype html><html><head><meta charset=\"utf-8\"><title>ssg: build error</title></head>\
             <body style=\"font:14px/1.5 ui-monospace,monospace;padding:2rem;white-space:pre-wrap\">\
             <h1>The site does not build yet</h1>{escaped}</body></html>"
        ))
    }
}

/// A message to every open tab.
#[derive(Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Message<'a> {
    /// These outputs changed (or went away).
    Reload { paths: &'a [String] },
    /// The last save did not build.
    Error { message: &'a str },
}

impl Message<'_> {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

pub struct App {
    site: RwLock<Arc<Snapshot>>,
    error: RwLock<Option<String>>,
    tx: broadcast::Sender<String>,
}

impl Default for App {
    fn default() -> Self {
        App {
            site: RwLock::new(Arc::new(Snapshot::default())),
            error: RwLock::new(None),
            tx: broadcast::channel(64).0,
        }
    }
}

impl App {
    pub fn site(&self) -> Arc<Snapshot> {
        match self.site.read() {
            Ok(s) => Arc::clone(&s),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    pub fn set_site(&self, snapshot: Snapshot) {
        let mut guard = self.site.write().unwrap_or_else(|p| p.into_inner());
        *guard = Arc::new(snapshot);
    }

    /// Serves `files` over the current site until the next
    /// [`App::set_site`] or [`App::drop_ahead`]; returns the paths whose
    /// bytes this changes. The site's own files are shared, not copied:
    /// at 100,000 posts copying their index cost more than the render.
    pub fn show_ahead(&self, files: Vec<(String, Arc<[u8]>)>) -> Vec<String> {
        let mut guard = self.site.write().unwrap_or_else(|p| p.into_inner());
        let mut ahead = guard.ahead.clone();
        let mut changed = Vec::new();
        for (path, bytes) in files {
            if guard.file(&path) != Some(&bytes) {
                changed.push(path.clone());
                ahead.insert(path, bytes);
            }
        }
        *guard = Arc::new(Snapshot {
            files: Arc::clone(&guard.files),
            ahead,
            startup_error: guard.startup_error.clone(),
        });
        changed
    }

    /// Stops serving what [`App::show_ahead`] put over the site (the
    /// rebuild it came ahead of failed: the previous site stays served).
    pub fn drop_ahead(&self) {
        let mut guard = self.site.write().unwrap_or_else(|p| p.into_inner());
        if !guard.ahead.is_empty() {
            *guard = Arc::new(Snapshot {
                files: Arc::clone(&guard.files),
                ahead: FxHashMap::default(),
                startup_error: guard.startup_error.clone(),
            });
        }
    }

    pub fn subscribe(&self) -> broadcast::Receiver<String> {
        self.tx.subscribe()
    }

    /// The error message JSON for a newly connected tab, if the site is broken now.
    pub fn error_message(&self) -> Option<String> {
        self.error.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    pub fn announce_reload(&self, paths: &[String]) {
        *self.error.write().unwrap_or_else(|p| p.into_inner()) = None;
        // No receivers is fine: nobody has the site open.
        let _ = self.tx.send(Message::Reload { paths }.to_json());
    }

    pub fn announce_error(&self, message: &str) {
        let json = Message::Error { message }.to_json();
        *self.error.write().unwrap_or_else(|p| p.into_inner()) = Some(json.clone());
        let _ = self.tx.send(json);
    }
}
