//! Rebuilding on change and working out what to tell the browser: only
//! outputs whose bytes changed (or that went away) are announced.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::state::{App, Body, Snapshot};
use crate::build::{BuildOptions, Reach, Session};
use crate::error::BuildError;
use crate::layout::{CONTENT, STATIC, THEMES};
use crate::log;
use crate::output::{Output, OutputData};
use crate::packed::PackedBytes;

/// How long the whole-site render waits for tabs reloaded ahead of it: a
/// page loads in tens of milliseconds here; a tab in the background may
/// never ask.
const TAB_RETURN_LIMIT: Duration = Duration::from_millis(300);

enum Plan {
    /// Re-read these page files and/or the static folders, re-render what they reach.
    Update { pages: Vec<String>, statics: bool },
    /// Load the whole site again (templates, config, sections, bundles changed).
    Reload,
}

/// Inside `static/` or a theme's `static/`.
fn is_static(root: &Path, path: &Path) -> bool {
    if path.starts_with(root.join(STATIC)) {
        return true;
    }
    path.strip_prefix(root.join(THEMES))
        .ok()
        .and_then(|rest| rest.components().nth(1))
        .is_some_and(|c| c.as_os_str() == STATIC)
}

pub struct Rebuilder {
    root: PathBuf,
    opts: BuildOptions,
    app: Arc<App>,
    /// Copied files by source path, reused while their size and mtime hold.
    copies: HashMap<PathBuf, (SystemTime, u64, Arc<[u8]>)>,
    /// The loaded site, kept between saves; `None` until a load succeeded.
    session: Option<Session>,
    /// The last full load failed: the next save loads everything again.
    needs_reload: bool,
    /// Pages whose last save did not parse: retried with every later save,
    /// so an unrelated good save does not hide their error.
    pending: BTreeSet<String>,
}

impl Rebuilder {
    pub fn new(root: &Path, opts: BuildOptions, app: Arc<App>) -> Rebuilder {
        Rebuilder {
            root: root.to_path_buf(),
            opts,
            app,
            copies: HashMap::new(),
            session: None,
            needs_reload: false,
            pending: BTreeSet::new(),
        }
    }

    fn load_copies(&mut self, outputs: &[Output]) -> std::io::Result<()> {
        let wanted: Vec<(PathBuf, SystemTime, u64)> = outputs
            .iter()
            .filter_map(|o| o.data.file().map(Path::to_path_buf))
            .map(|p| {
                let meta = std::fs::metadata(&p)?;
                Ok((p, meta.modified()?, meta.len()))
            })
            .collect::<std::io::Result<_>>()?;
        let stale: Vec<&(PathBuf, SystemTime, u64)> = wanted
            .iter()
            .filter(
                |(p, t, n)| !matches!(self.copies.get(p), Some((ct, cn, _)) if ct == t && cn == n),
            )
            .collect();
        let loaded: Vec<(PathBuf, SystemTime, u64, Arc<[u8]>)> = stale
            .par_iter()
            .map(|(p, t, n)| Ok((p.clone(), *t, *n, Arc::from(std::fs::read(p)?))))
            .collect::<std::io::Result<_>>()?;
        for (p, t, n, bytes) in loaded {
            self.copies.insert(p, (t, n, bytes));
        }
        Ok(())
    }

    /// How to bring the session up to date with `changed`.
    fn plan(&self, changed: &[PathBuf]) -> Plan {
        let Some(session) = self.session.as_ref().filter(|_| !self.needs_reload) else {
            return Plan::Reload;
        };
        let content = self.root.join(CONTENT);
        let mut rels: BTreeSet<String> = self.pending.clone();
        let mut statics = false;
        for path in changed {
            let Ok(rel) = path.strip_prefix(&content) else {
                if is_static(&self.root, path) {
                    statics = true;
                    continue;
                }
                return Plan::Reload;
            };
            let rel = rel.to_string_lossy().replace('\\', "/");
            // A folder's own event when a file in it comes or goes: the file's event says it all.
            if path.is_dir() && session.site.sections.iter().any(|s| s.dir == rel) {
                continue;
            }
            // An asset the site already copies: its new bytes are read at the next render.
            if session.is_known_asset(&rel) && path.is_file() {
                continue;
            }
            if !session.can_update_page(&rel) {
                return Plan::Reload;
            }
            rels.insert(rel);
        }
        Plan::Update {
            pages: rels.into_iter().collect(),
            statics,
        }
    }

    /// Applies `plan` to the session: re-reads what changed, or all of it.
    /// Returns the edited pages whose own outputs can be rendered ahead
    /// of the rest ([`Reach::EditedPages`]), else nothing.
    fn update(&mut self, plan: Plan) -> Result<Vec<String>, BuildError> {
        let mut ahead = Vec::new();
        match (plan, self.session.as_mut()) {
            (Plan::Update { pages, statics }, Some(session)) => {
                log::verbose(&format!(
                    "incremental: {} page file(s){}",
                    pages.len(),
                    if statics { ", static files" } else { "" }
                ));
                if statics {
                    session.reload_static()?;
                }
                if !pages.is_empty() {
                    match session.update_pages(&pages) {
                        Ok(Reach::EditedPages) => ahead = pages,
                        Ok(Reach::Wider) => {}
                        Err(e) => {
                            self.pending = pages.into_iter().collect();
                            return Err(e);
                        }
                    }
                    self.pending.clear();
                }
            }
            (_, Some(session)) => {
                log::verbose("full reload");
                self.needs_reload = true;
                session.reload()?;
                self.needs_reload = false;
                self.pending.clear();
            }
            (_, None) => {
                log::verbose("full load");
                let mut session = Session::load(&self.root, &self.opts)?;
                session.will_render_again();
                self.session = Some(session);
                self.pending.clear();
            }
        }
        // Its Markdown is in the cache now; an `ssg build` may use it meanwhile.
        self.session_mut()?.release_cache();
        Ok(ahead)
    }

    fn session_mut(&mut self) -> Result<&mut Session, BuildError> {
        self.session
            .as_mut()
            .ok_or_else(|| BuildError::one(CONTENT, None, "no site loaded"))
    }

    /// Renders the own outputs of the edited `pages` alone, serves them
    /// over the current site and tells the browser, before the whole site
    /// is rendered and checked: at 100,000 posts that takes ~0.4 s, the
    /// edited page ~5 ms. Then lets the tabs showing those pages load them
    /// before the whole site takes the cores: rendered meanwhile, it made
    /// the page appear 30-50 ms later at 100,000 code-heavy posts
    /// (docs/perf.md). Returns what was shown.
    fn show_ahead(&self, pages: &[String], started: Instant) -> FxHashMap<String, Body> {
        let Some(session) = self.session.as_ref().filter(|_| !pages.is_empty()) else {
            return FxHashMap::default();
        };
        let files: Vec<(String, Body)> = session
            .render_pages_alone(pages)
            .into_iter()
            .map(|(file, bytes)| (file, Body::Packed(PackedBytes::new(&bytes))))
            .collect();
        let changed = self.app.show_ahead(files.clone());
        if !changed.is_empty() {
            let reloading = self.app.tabs_on(&changed);
            self.app.announce_reload(&changed);
            log::verbose(&format!(
                "sent reload for {} page(s) rendered ahead: {:?}",
                changed.len(),
                started.elapsed()
            ));
            let back = self.app.wait_for_tabs(&reloading, TAB_RETURN_LIMIT);
            log::verbose(&format!(
                "{} reloaded tab(s) {}: {:?}",
                reloading.tabs(),
                if back { "back" } else { "not back yet" },
                started.elapsed()
            ));
        }
        files
            .into_iter()
            .filter(|(file, _)| changed.contains(file))
            .collect()
    }

    /// Rebuilds after `changed` (empty: the first build) and swaps the site
    /// in. Returns the changed output paths, or `None` when the build failed
    /// (the previous site stays served).
    pub fn rebuild(&mut self, changed: &[PathBuf]) -> Option<Vec<String>> {
        let started = Instant::now();
        let plan = self.plan(changed);
        let shown_ahead = match self.update(plan) {
            Ok(pages) => self.show_ahead(&pages, started),
            Err(e) => {
                self.show_error(&e);
                return None;
            }
        };
        let built = match self.session_mut().and_then(|session| session.render()) {
            Ok(b) => b,
            Err(e) => {
                self.app.drop_ahead();
                self.show_error(&e);
                return None;
            }
        };
        log::verbose(&format!("built: {:?}", started.elapsed()));
        for w in built.warnings.iter().chain(&built.broken_links) {
            log::warn(&w.to_string());
        }
        if let Err(e) = self.load_copies(&built.outputs) {
            // Not served: the next build must not take these outputs as seen.
            if let Some(session) = self.session.as_mut() {
                session.forget_last_render();
            }
            self.app.drop_ahead();
            let text = format!("cannot read a static file: {e}");
            eprintln!("error: {text}");
            self.app.announce_error(&text);
            return None;
        }
        log::verbose(&format!("read static files: {:?}", started.elapsed()));
        let files = self.snapshot_files(built.outputs);
        // What the browser was already sent ahead, as it is now, is not announced twice.
        let changed: Vec<String> = built
            .changed
            .into_iter()
            .filter(|path| !matches!(shown_ahead.get(path), Some(shown) if files.get(path) == Some(shown)))
            .collect();
        let count = files.len();
        self.app.set_site(Snapshot {
            files: Arc::new(files),
            ahead: FxHashMap::default(),
            startup_error: None,
        });
        log::verbose(&format!(
            "rebuilt in {} ms: {} outputs, {} re-rendered, {} changed",
            started.elapsed().as_millis(),
            count,
            built.stats.rendered,
            changed.len()
        ));
        Some(changed)
    }

    /// The bytes to serve for each output.
    fn snapshot_files(&self, outputs: Vec<Output>) -> FxHashMap<String, Body> {
        let mut files = FxHashMap::with_capacity_and_hasher(outputs.len(), Default::default());
        for o in outputs {
            let bytes = match o.data {
                OutputData::Bytes(b) => Body::Plain(b),
                OutputData::Packed(packed) => Body::Packed(packed),
                data => match data.file().and_then(|f| self.copies.get(f)) {
                    Some((_, _, bytes)) => Body::Plain(Arc::clone(bytes)),
                    None => continue,
                },
            };
            files.insert(o.path, bytes);
        }
        files
    }

    /// Shows a failed build in the terminal and every open tab.
    fn show_error(&self, e: &BuildError) {
        let text = e.to_string();
        for d in &e.diagnostics {
            eprintln!("error: {d}");
        }
        if self.app.site().files.is_empty() {
            self.app.set_site(Snapshot {
                startup_error: Some(text.clone()),
                ..Snapshot::default()
            });
        }
        self.app.announce_error(&text);
    }
}
