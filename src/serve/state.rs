//! What the preview server shares between the rebuild thread and requests:
//! the current site in memory, the current error, the reload channel, and
//! which page each open tab shows.

use std::borrow::Cow;
use std::sync::{Arc, Condvar, Mutex, RwLock};
use std::time::{Duration, Instant};

use rustc_hash::FxHashMap;
use serde::Serialize;
use tokio::sync::broadcast;

use crate::packed::PackedBytes;

/// An output's bytes as served: rendered outputs packed as the session
/// holds them (unpacked per request, at gigabytes a second), copied files
/// as read.
#[derive(Clone, Debug)]
pub enum Body {
    Plain(Arc<[u8]>),
    Packed(PackedBytes),
}

impl Body {
    pub fn bytes(&self) -> Cow<'_, [u8]> {
        match self {
            Body::Plain(bytes) => Cow::Borrowed(bytes),
            Body::Packed(packed) => Cow::Owned(packed.bytes()),
        }
    }

    fn len(&self) -> usize {
        match self {
            Body::Plain(bytes) => bytes.len(),
            Body::Packed(packed) => packed.len(),
        }
    }

    fn hash(&self) -> u64 {
        match self {
            Body::Plain(bytes) => crate::hash::content(bytes),
            Body::Packed(packed) => packed.hash(),
        }
    }
}

/// The same bytes: compared by content hash, as the ledger compares outputs.
impl PartialEq for Body {
    fn eq(&self, other: &Body) -> bool {
        match (self, other) {
            (Body::Plain(a), Body::Plain(b)) => a == b,
            (a, b) => a.len() == b.len() && a.hash() == b.hash(),
        }
    }
}

/// One complete build, as served, and the edited pages rendered ahead of
/// the next one.
#[derive(Default)]
pub struct Snapshot {
    /// Output path (`blog/x/index.html`) → bytes.
    pub files: Arc<FxHashMap<String, Body>>,
    /// Outputs rendered ahead of the rebuild under way (the pages a save
    /// edited), served over `files` until that rebuild is swapped in.
    pub ahead: FxHashMap<String, Body>,
    /// Set while no build has ever succeeded: every request shows it.
    pub startup_error: Option<String>,
}

impl Snapshot {
    /// The bytes served at output path `path`.
    pub fn file(&self, path: &str) -> Option<&Body> {
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
    tabs: Mutex<Tabs>,
    /// Signalled whenever a tab connects.
    tab_arrived: Condvar,
}

impl Default for App {
    fn default() -> Self {
        App {
            site: RwLock::new(Arc::new(Snapshot::default())),
            error: RwLock::new(None),
            tx: broadcast::channel(64).0,
            tabs: Mutex::new(Tabs::default()),
            tab_arrived: Condvar::new(),
        }
    }
}

/// The live-reload connections by the output their tab shows
/// (`blog/x/index.html`): how many are open now, and how many ever
/// arrived. A tab connects once its page is parsed (the script is the last
/// thing in the body), so an arrival after a reload means the new page is
/// in the browser.
#[derive(Default)]
struct Tabs {
    open: FxHashMap<String, usize>,
    arrived: FxHashMap<String, u64>,
}

impl Tabs {
    fn arrivals_on(&self, pages: &[String]) -> u64 {
        pages.iter().filter_map(|p| self.arrived.get(p)).sum()
    }
}

/// The tabs a reload was just sent to: how many show the reloaded pages,
/// and the arrivals counted on those pages before it was sent.
pub struct Reloading {
    pages: Vec<String>,
    tabs: usize,
    arrivals_before: u64,
}

impl Reloading {
    /// How many tabs were sent the reload.
    pub fn tabs(&self) -> usize {
        self.tabs
    }
}

/// One open live-reload connection; dropping it closes it in [`App`]'s books.
pub struct OpenTab {
    app: Arc<App>,
    page: String,
}

impl Drop for OpenTab {
    fn drop(&mut self) {
        let mut tabs = self.app.lock_tabs();
        if let Some(n) = tabs.open.get_mut(&self.page) {
            *n -= 1;
            if *n == 0 {
                tabs.open.remove(&self.page);
            }
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
    pub fn show_ahead(&self, files: Vec<(String, Body)>) -> Vec<String> {
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

    fn lock_tabs(&self) -> std::sync::MutexGuard<'_, Tabs> {
        self.tabs.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A tab showing the output `page` connected; it stays counted until the
    /// returned value is dropped.
    pub fn open_tab(self: &Arc<Self>, page: String) -> OpenTab {
        let mut tabs = self.lock_tabs();
        *tabs.open.entry(page.clone()).or_default() += 1;
        *tabs.arrived.entry(page.clone()).or_default() += 1;
        drop(tabs);
        self.tab_arrived.notify_all();
        OpenTab {
            app: Arc::clone(self),
            page,
        }
    }

    /// The tabs open on any of `pages`, taken just before a reload of them
    /// is announced.
    pub fn tabs_on(&self, pages: &[String]) -> Reloading {
        let tabs = self.lock_tabs();
        Reloading {
            pages: pages.to_vec(),
            tabs: pages.iter().filter_map(|p| tabs.open.get(p)).sum(),
            arrivals_before: tabs.arrivals_on(pages),
        }
    }

    /// Waits until every tab in `reloading` has come back with its new page,
    /// or `limit` passed (a tab in the background may never reload).
    /// Returns whether they all came back.
    pub fn wait_for_tabs(&self, reloading: &Reloading, limit: Duration) -> bool {
        let deadline = Instant::now() + limit;
        let wanted = reloading.arrivals_before + reloading.tabs as u64;
        let mut tabs = self.lock_tabs();
        while tabs.arrivals_on(&reloading.pages) < wanted {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            tabs = match self.tab_arrived.wait_timeout(tabs, left) {
                Ok((guard, _)) => guard,
                Err(poisoned) => poisoned.into_inner().0,
            };
        }
        true
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

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "blog/a/index.html";

    fn pages(list: &[&str]) -> Vec<String> {
        list.iter().map(|p| p.to_string()).collect()
    }

    #[test]
    fn a_body_is_the_same_plain_or_packed() {
        let html = b"<p>served</p>".to_vec();
        let plain = Body::Plain(Arc::from(html.clone()));
        let packed = Body::Packed(PackedBytes::new(&html));
        assert_eq!(packed.bytes(), plain.bytes());
        assert_eq!(plain, packed);
        assert_eq!(packed, plain);
        assert_ne!(packed, Body::Packed(PackedBytes::new(b"<p>other</p>")));
        assert_ne!(plain, Body::Plain(Arc::from(b"<p>other</p>".to_vec())));
    }

    #[test]
    fn a_reload_waits_for_the_tabs_on_the_reloaded_page_to_come_back() {
        let app = Arc::new(App::default());
        let old_tab = app.open_tab(PAGE.into());
        let reloading = app.tabs_on(&pages(&[PAGE]));
        assert_eq!(reloading.tabs, 1);
        let browser = {
            let app = Arc::clone(&app);
            std::thread::spawn(move || {
                drop(old_tab);
                std::thread::sleep(Duration::from_millis(20));
                app.open_tab(PAGE.into())
            })
        };
        assert!(app.wait_for_tabs(&reloading, Duration::from_secs(60)));
        let new_tab = browser.join().unwrap();
        assert_eq!(app.tabs_on(&pages(&[PAGE])).tabs, 1);
        drop(new_tab);
        assert_eq!(app.tabs_on(&pages(&[PAGE])).tabs, 0);
    }

    #[test]
    fn tabs_on_other_pages_are_not_waited_for() {
        let app = Arc::new(App::default());
        let _elsewhere = app.open_tab("index.html".into());
        let reloading = app.tabs_on(&pages(&[PAGE]));
        assert_eq!(reloading.tabs, 0);
        assert!(app.wait_for_tabs(&reloading, Duration::ZERO));

        let _here = app.open_tab(PAGE.into());
        let reloading = app.tabs_on(&pages(&[PAGE]));
        let _another_elsewhere = app.open_tab("index.html".into());
        assert!(!app.wait_for_tabs(&reloading, Duration::from_millis(10)));
    }
}
