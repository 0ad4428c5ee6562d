//! The build as a function: (config, input files) → outputs in memory, plus
//! the link report. Writing to disk is the caller's last step, so `check`
//! and `serve` can use the same pipeline without touching `public/`.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use walkdir::WalkDir;

use crate::cache::markdown::MarkdownStore;
use crate::cache::outputs::FileStat;
use crate::cache::{self, Cache};
use crate::config::Config;
use crate::content::walk;
use crate::content::{Page, Section};
use crate::error::{BuildError, Diagnostic};
use crate::highlight;
use crate::markdown::{self, InternalLink, MarkdownOptions, PageLinks, Rendered};
use crate::output::{self, Output, OutputData};
use crate::render;
use crate::site::Site;
use crate::templates;
use crate::theme::{self, ThemeSource};

#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Include pages marked `draft`.
    pub drafts: bool,
    /// Overrides `base_url` from the config.
    pub base_url: Option<String>,
    /// Use the build cache in `.ssg-cache/` (reading and writing it).
    pub cache: bool,
}

#[derive(Debug, Clone, Default)]
pub struct Stats {
    pub pages: usize,
    pub sections: usize,
    pub tags: usize,
    pub files: usize,
    /// Templated outputs rendered (the rest were unchanged and reused).
    pub rendered: usize,
    pub rendered_paths: Vec<String>,
    pub elapsed: Duration,
}

pub struct Built {
    pub config: Config,
    /// Sorted by path, no duplicates.
    pub outputs: Vec<Output>,
    pub stats: Stats,
    /// Internal links that point nowhere: a warning for `build`, an error for `check`.
    pub broken_links: Vec<Diagnostic>,
    /// Problems that did not stop the build.
    pub warnings: Vec<Diagnostic>,
}

/// Loads the config with command-line overrides applied.
pub fn load_config(root: &Path, opts: &BuildOptions) -> Result<Config, BuildError> {
    let mut config = Config::load(root)?;
    if let Some(url) = &opts.base_url {
        config.base_url = url.trim_end_matches('/').to_string();
    }
    if opts.drafts {
        config.build.drafts = true;
    }
    Ok(config)
}

/// Builds the site under `root` in memory.
pub fn build(root: &Path, opts: &BuildOptions) -> Result<Built, BuildError> {
    let started = Instant::now();
    let mut session = Session::load(root, opts)?;
    let mut built = session.render()?;
    built.stats.elapsed = started.elapsed();
    Ok(built)
}

/// Every content file's URL, so `[x](other.md)` and `@/blog/x.md` resolve.
fn url_map(pages: &[Page], sections: &[Section]) -> HashMap<String, String> {
    let mut urls = HashMap::with_capacity(pages.len() + sections.len());
    for p in pages {
        urls.insert(p.rel.clone(), p.path.clone());
    }
    for s in sections {
        urls.insert(section_index_rel(&s.dir), s.path.clone());
    }
    urls
}

fn section_index_rel(dir: &str) -> String {
    if dir.is_empty() {
        "_index.md".to_string()
    } else {
        format!("{dir}/_index.md")
    }
}

fn render_page_markdown(
    page: &mut Page,
    md: MarkdownOptions,
    urls: &HashMap<String, String>,
    store: Option<&MarkdownStore>,
) {
    let key = store.map(|_| cache::markdown::key(md, &page.rel, &page.path, &page.body));
    let cached = store
        .zip(key)
        .and_then(|(store, key)| store.get(&page.rel, key, |rel| urls.get(rel).cloned()));
    if let Some(rendered) = cached {
        page.rendered = rendered;
    } else {
        // Every lookup is recorded: the cached render is valid only while
        // each of them still resolves the same way.
        let lookups = Mutex::new(Vec::new());
        let resolve = |rel: &str| {
            let found = urls.get(rel).cloned();
            if store.is_some()
                && let Ok(mut l) = lookups.lock()
            {
                l.push((rel.to_string(), found.clone()));
            }
            found
        };
        page.rendered = markdown::render(
            &page.body,
            md,
            &PageLinks {
                source: &page.rel,
                path: &page.path,
                resolve: &resolve,
            },
        );
        if let Some((store, key)) = store.zip(key)
            && !page.rendered.volatile
        {
            let lookups = lookups.into_inner().unwrap_or_default();
            store.put(&page.rel, key, &lookups, &page.rendered);
        }
    }
    if let Some(summary) = &page.front_matter.summary {
        page.rendered.summary = Some(markdown::render_inline(summary, md));
    }
}

/// Whether two versions of a page sort, group and link up identically.
fn same_place(a: &Page, b: &Page) -> bool {
    let (fa, fb) = (&a.front_matter, &b.front_matter);
    a.path == b.path
        && a.section == b.section
        && a.title() == b.title()
        && fa.date == fb.date
        && fa.weight == fb.weight
        && fa.tags == fb.tags
}

/// A loaded site that can be rendered again after some of its pages
/// changed, re-rendering only what the change reaches (`ssg serve`).
pub struct Session {
    root: PathBuf,
    pub config: Config,
    templates: templates::Templates,
    md: MarkdownOptions,
    pub site: Site,
    urls: HashMap<String, String>,
    cache: render::RenderCache,
    /// Static files and highlight.css: outputs that are not rendered.
    files: Vec<Output>,
    /// The build cache, held while this session may still write to it.
    build_cache: Option<Arc<Cache>>,
    /// Saving rendered Markdown into the cache, in the background.
    cache_writer: Option<std::thread::JoinHandle<()>>,
}

impl Session {
    /// Reads config, templates and content and renders all Markdown.
    pub fn load(root: &Path, opts: &BuildOptions) -> Result<Session, BuildError> {
        let started = Instant::now();
        let config = load_config(root, opts)?;
        let theme = theme::resolve(root, &config)?;
        let highlight_css = if config.markdown.highlight {
            Some(
                highlight::theme_css(&config.markdown.highlight_theme)
                    .map_err(|m| BuildError::one("ssg.toml", None, m))?,
            )
        } else {
            None
        };

        let (templates, content) = rayon::join(
            || templates::load(root, &config, &theme),
            || {
                walk::load(
                    &root.join("content"),
                    Path::new("content"),
                    config.build.drafts,
                )
            },
        );
        if let Ok(content) = &content {
            for w in &content.warnings {
                crate::log::warn(&w.to_string());
            }
        }
        let templates = templates?;
        let mut content = content?;
        crate::log::verbose(&format!(
            "read content and templates: {:?}",
            started.elapsed()
        ));

        let urls = url_map(&content.pages, &content.sections);
        let md = MarkdownOptions {
            highlight: config.markdown.highlight,
            smart_punctuation: config.markdown.smart_punctuation,
        };
        let build_cache = if opts.cache {
            Cache::open(root).map(Arc::new)
        } else {
            None
        };
        let store = build_cache.as_deref().map(MarkdownStore::load);
        content
            .pages
            .par_iter_mut()
            .for_each(|page| render_page_markdown(page, md, &urls, store.as_ref()));
        let mut cache_writer = None;
        if let (Some(store), Some(cache)) = (store, &build_cache) {
            crate::log::verbose(&format!(
                "Markdown of {} of {} pages from the cache",
                store.hits.load(std::sync::atomic::Ordering::Relaxed),
                content.pages.len()
            ));
            // Saved while the templates render: on a first build the pack
            // is about half the size of the site.
            let live: FxHashSet<String> = content.pages.iter().map(|p| p.rel.clone()).collect();
            let cache = Arc::clone(cache);
            cache_writer = Some(std::thread::spawn(move || store.save(&cache, &live)));
        }
        let resolve = |rel: &str| urls.get(rel).cloned();
        content.sections.par_iter_mut().for_each(|section| {
            let rel = section_index_rel(&section.dir);
            section.rendered = markdown::render(
                &section.body,
                md,
                &PageLinks {
                    source: &rel,
                    path: &section.path,
                    resolve: &resolve,
                },
            );
        });
        crate::log::verbose(&format!("rendered markdown: {:?}", started.elapsed()));

        let site = Site::new(content);
        let mut files = static_outputs(root, &theme)?;
        if let Some(css) = highlight_css {
            files.push(Output::bytes(
                "highlight.css".into(),
                css.into_bytes(),
                format!("highlight_theme \"{}\"", config.markdown.highlight_theme),
            ));
        }
        Ok(Session {
            root: root.to_path_buf(),
            config,
            templates,
            md,
            site,
            urls,
            cache: render::RenderCache::default(),
            files,
            build_cache,
            cache_writer,
        })
    }

    /// Whether `rel` (content-relative) is a file the site already copies
    /// (a bundle's or a section folder's asset).
    pub fn is_known_asset(&self, rel: &str) -> bool {
        self.site
            .pages
            .iter()
            .any(|p| p.assets.iter().any(|a| a == rel))
            || self
                .site
                .sections
                .iter()
                .any(|s| s.assets.iter().any(|a| a == rel))
    }

    /// Collects the static folders again after a file in one changed.
    pub fn reload_static(&mut self) -> Result<(), BuildError> {
        let theme = theme::resolve(&self.root, &self.config)?;
        let mut files = static_outputs(&self.root, &theme)?;
        files.extend(
            self.files
                .iter()
                .filter(|o| o.origin.starts_with("highlight_theme"))
                .cloned(),
        );
        self.files = files;
        Ok(())
    }

    /// Whether a change to `rel` (content-relative) can be applied by
    /// [`Session::update_pages`]: a plain page file in an existing section,
    /// not a bundle, not a section index.
    pub fn can_update_page(&self, rel: &str) -> bool {
        let name = rel.rsplit('/').next().unwrap_or(rel);
        if !name.ends_with(".md") || name == "index.md" || name == "_index.md" {
            return false;
        }
        let dir = rel.rsplit_once('/').map_or("", |(d, _)| d);
        let known_section = self.site.sections.iter().any(|s| s.dir == dir);
        let mut ancestor = dir;
        let in_bundle = loop {
            if self.urls.contains_key(&format!("{ancestor}/index.md")) {
                break true;
            }
            match ancestor.rsplit_once('/') {
                Some((up, _)) => ancestor = up,
                None => break false,
            }
        };
        known_section && !in_bundle
    }

    /// Re-reads the given page files (content-relative; gone = removed) and
    /// re-renders the Markdown of exactly the pages that changed, plus pages
    /// whose links point at a URL that came, went or moved. On error the
    /// session is unchanged.
    pub fn update_pages(&mut self, rels: &[String]) -> Result<(), BuildError> {
        let started = Instant::now();
        let content_dir = self.root.join("content");
        let drafts = self.config.build.drafts;
        let loaded: Vec<Result<(String, Option<Page>), Diagnostic>> = rels
            .par_iter()
            .map(|rel| {
                if !content_dir.join(rel).is_file() {
                    return Ok((rel.clone(), None));
                }
                walk::load_page(&content_dir, Path::new("content"), rel, drafts, Vec::new())
                    .map(|p| (rel.clone(), p))
            })
            .collect();
        let mut errors = Vec::new();
        let mut fresh = Vec::new();
        for r in loaded {
            match r {
                Ok(v) => fresh.push(v),
                Err(d) => errors.push(d),
            }
        }
        if !errors.is_empty() {
            return Err(errors.into());
        }

        // URLs that moved or went away, and content files that appeared:
        // links to them, in pages that did not change, must be rendered again.
        let mut moved: HashSet<String> = HashSet::new();
        // Whether any ordering, grouping or neighbour can have changed.
        let mut reorder = false;
        let mut appeared: HashSet<String> = HashSet::new();
        for (rel, page) in fresh {
            let at = self.site.pages.iter().position(|p| p.rel == rel);
            let new_url = page.as_ref().map(|p| p.path.clone());
            match self.urls.get(&rel) {
                Some(old) if Some(old) != new_url.as_ref() => {
                    moved.insert(old.clone());
                }
                None if new_url.is_some() => {
                    appeared.insert(rel.clone());
                }
                _ => {}
            }
            match &new_url {
                Some(url) => self.urls.insert(rel.clone(), url.clone()),
                None => self.urls.remove(&rel),
            };
            match (at, page) {
                (Some(i), Some(page)) => {
                    reorder |= !same_place(&self.site.pages[i], &page);
                    self.site.pages[i] = page;
                }
                (None, Some(page)) => {
                    reorder = true;
                    self.site.pages.push(page);
                }
                (Some(i), None) => {
                    reorder = true;
                    self.site.pages.remove(i);
                }
                (None, None) => {}
            }
        }
        let changed: HashSet<&str> = rels.iter().map(String::as_str).collect();
        let md = self.md;
        let urls = &self.urls;
        self.site.pages.par_iter_mut().for_each(|page| {
            let linked_to_change = page
                .rendered
                .links
                .iter()
                .any(|l| moved.contains(l.path.as_str()))
                || page
                    .rendered
                    .broken_content_links
                    .iter()
                    .any(|l| appeared.contains(&l.path));
            if changed.contains(page.rel.as_str()) || linked_to_change {
                if linked_to_change && !changed.contains(page.rel.as_str()) {
                    page.generation = crate::content::next_generation();
                }
                render_page_markdown(page, md, urls, None);
            }
        });
        crate::log::verbose(&format!(
            "re-read and re-rendered markdown: {:?}",
            started.elapsed()
        ));
        if reorder {
            self.site.reindex();
            crate::log::verbose(&format!("reindexed: {:?}", started.elapsed()));
        }
        Ok(())
    }

    /// Renders every output, reusing the previous render's bytes for outputs
    /// whose inputs did not change.
    pub fn render(&mut self) -> Result<Built, BuildError> {
        let started = Instant::now();
        let mut outputs =
            render::render_all(&self.site, &self.config, &self.templates, &mut self.cache)
                .map_err(BuildError::from)?;
        crate::log::verbose(&format!(
            "rendered templates: {:?} ({} of {} outputs re-rendered)",
            started.elapsed(),
            self.cache.rendered,
            outputs.len()
        ));
        outputs.extend(asset_outputs(&self.root, &self.site));
        outputs.extend(self.files.iter().cloned());
        output::check_conflicts(&mut outputs).map_err(BuildError::from)?;
        crate::log::verbose(&format!("checked conflicts: {:?}", started.elapsed()));

        let mut warnings = Vec::new();
        let broken_links = check_links(&self.site, &outputs, &mut warnings);
        crate::log::verbose(&format!("checked links: {:?}", started.elapsed()));
        let stats = Stats {
            pages: self.site.pages.len(),
            sections: self.site.sections.len(),
            tags: self.site.tags.len(),
            files: outputs.len(),
            rendered: self.cache.rendered,
            rendered_paths: self.cache.rendered_paths.clone(),
            elapsed: started.elapsed(),
        };
        Ok(Built {
            config: self.config.clone(),
            outputs,
            stats,
            broken_links,
            warnings,
        })
    }
}

impl Session {
    /// Lets other ssg processes use the build cache (`ssg serve` keeps its
    /// session for as long as it runs).
    pub fn release_cache(&mut self) {
        self.finish_cache_writes();
        self.build_cache = None;
    }

    /// Waits until the rendered Markdown is saved.
    fn finish_cache_writes(&mut self) {
        if let Some(writer) = self.cache_writer.take() {
            let _ = writer.join();
        }
    }

    /// Hash of what every output depends on besides its own inputs.
    fn site_inputs(&self) -> u64 {
        let mut h = DefaultHasher::new();
        serde_json::to_vec(&self.config)
            .unwrap_or_default()
            .hash(&mut h);
        self.templates.fingerprint.hash(&mut h);
        h.finish()
    }

    /// What decides an output's bytes: the render signature of a templated
    /// output, else the copied file's identity or the bytes themselves.
    fn output_signature(&self, o: &Output) -> u64 {
        if let Some(signature) = self.cache.signature(&o.path) {
            return signature;
        }
        let mut h = DefaultHasher::new();
        match &o.data {
            OutputData::Bytes(b) => b.hash(&mut h),
            OutputData::Copy(from) | OutputData::Kept(from) => {
                from.hash(&mut h);
                fs::metadata(from)
                    .ok()
                    .map(|m| FileStat::of(&m))
                    .hash(&mut h);
            }
        }
        h.finish()
    }
}

impl Drop for Session {
    /// The Markdown cache is being saved on another thread: a process that
    /// ends right after (`ssg check`) must not cut that write short.
    fn drop(&mut self) {
        self.finish_cache_writes();
    }
}

/// What [`build_into`] built and wrote.
pub struct BuiltInto {
    pub built: Built,
    pub written: Written,
    /// The loaded site, returned so a caller about to exit can skip freeing it.
    pub session: Session,
}

/// What [`build_into`] did to the output folder.
#[derive(Debug, Clone)]
pub struct Written {
    pub dir: PathBuf,
    /// Files written (all of them when the folder was written whole).
    pub written: usize,
    /// Files removed because no output claims them any more.
    pub removed: usize,
    /// Written whole through a staging folder rather than updated.
    pub whole: bool,
}

/// `ssg build`: builds the site and writes it to the output folder (`-o`
/// or `build.output_dir`). With the cache on and a folder the last build
/// wrote, only changed outputs are rendered and written; otherwise the
/// folder is written whole. Either way a failed build leaves it untouched.
pub fn build_into(
    root: &Path,
    opts: &BuildOptions,
    out_flag: Option<&Path>,
) -> anyhow::Result<BuiltInto> {
    let started = Instant::now();
    // An output folder the cache may update is listed while the site
    // loads: at 10,000 posts listing its 27,000 entries takes as long as
    // reading the content, and the two barely compete.
    let early_scan = opts
        .cache
        .then(|| match out_flag {
            Some(dir) => Some(dir.to_path_buf()),
            None => load_config(root, opts)
                .ok()
                .map(|config| output_dir(root, &config, None)),
        })
        .flatten()
        .filter(|dir| dir.is_dir())
        .map(|dir| {
            let listed = dir.clone();
            (dir, std::thread::spawn(move || output::scan(&listed)))
        });
    let mut session = Session::load(root, opts)?;
    let out_dir = output_dir(root, &session.config, out_flag);
    let site_inputs = session.site_inputs();
    // With the cache on, an existing output folder is updated in place.
    // The record's signatures are trusted only while the site-wide inputs
    // are the same; its byte hashes always are, so a template edit rewrites
    // just the files whose bytes it changed.
    let previous = session
        .build_cache
        .as_ref()
        .filter(|_| out_dir.is_dir())
        .and_then(|cache| {
            let disk = match early_scan {
                Some((dir, scan)) if dir == out_dir => scan.join().ok()?,
                _ => output::scan(&out_dir),
            }
            .ok()?;
            let record = cache::outputs::load(cache, &out_dir, site_inputs).unwrap_or_default();
            Some((record, disk))
        });
    if let Some((record, disk)) = &previous {
        if record.same_site {
            let intact = record
                .entries
                .iter()
                .filter(|(path, e)| disk.files.get(*path) == Some(&e.stat))
                .map(|(path, e)| (path.clone(), e.signature));
            session.cache.keep_on_disk(&out_dir, intact);
        }
        crate::log::verbose(&format!(
            "scanned the output folder: {:?} ({} files)",
            started.elapsed(),
            disk.files.len()
        ));
    }
    let mut built = session.render()?;

    // Per output: what it was made from, and what stands for its bytes.
    let identities: Vec<(u64, u64)> = built
        .outputs
        .par_iter()
        .map(|o| {
            let signature = session.output_signature(o);
            let content = match &o.data {
                OutputData::Bytes(b) => cache::outputs::content_hash(b),
                OutputData::Kept(_) => previous
                    .as_ref()
                    .and_then(|(record, _)| record.entries.get(&o.path))
                    .map_or(0, |e| e.content),
                // A copy's signature is its source file's identity, which
                // no site-wide input affects: it stands for the bytes.
                OutputData::Copy(_) => signature.max(1),
            };
            (signature, content)
        })
        .collect();
    let identity_of: FxHashMap<&str, (u64, u64)> = built
        .outputs
        .iter()
        .map(|o| o.path.as_str())
        .zip(identities.iter().copied())
        .collect();
    let mut written = Written {
        dir: out_dir.clone(),
        written: built.outputs.len(),
        removed: 0,
        whole: true,
    };
    let mut stats = None;
    if let Some((record, disk)) = &previous {
        let unchanged = |o: &Output| {
            let Some(e) = record.entries.get(&o.path) else {
                return false;
            };
            let Some(&(signature, content)) = identity_of.get(o.path.as_str()) else {
                return false;
            };
            disk.files.get(&o.path) == Some(&e.stat)
                && ((record.same_site && signature == e.signature)
                    || (content != 0 && content == e.content))
        };
        if let output::Update::Done {
            written: n,
            removed,
            stats: s,
        } = output::update(&built.outputs, &out_dir, disk, unchanged)?
        {
            written.written = n;
            written.removed = removed;
            written.whole = false;
            stats = Some(s);
        }
    }
    if written.whole {
        output::write(&built.outputs, &out_dir)?;
    }
    crate::log::verbose(&format!("wrote the output: {:?}", started.elapsed()));

    session.finish_cache_writes();
    if let Some(cache) = &session.build_cache {
        let stats = stats.unwrap_or_else(|| {
            built
                .outputs
                .par_iter()
                .filter_map(|o| {
                    let meta = fs::metadata(out_dir.join(&o.path)).ok()?;
                    Some((o.path.clone(), FileStat::of(&meta)))
                })
                .collect()
        });
        let files = stats
            .into_iter()
            .filter_map(|(path, stat)| {
                let (signature, content) = *identity_of.get(path.as_str())?;
                let entry = cache::outputs::Entry {
                    signature,
                    content,
                    stat,
                };
                Some((path, entry))
            })
            .collect();
        cache::outputs::save(cache, &out_dir, site_inputs, files);
    }
    built.stats.elapsed = started.elapsed();
    Ok(BuiltInto {
        built,
        written,
        session,
    })
}

/// Files beside a bundle's index.md, and non-Markdown files in section folders.
fn asset_outputs(root: &Path, site: &Site) -> Vec<Output> {
    let content = Path::new("content");
    let mut out = Vec::new();
    let mut add = |base: &str, rel: &str| {
        let name = rel.rsplit('/').next().unwrap_or(rel);
        let shown = content.join(rel);
        out.push(Output::copy(
            format!("{}{}", base.trim_start_matches('/'), name),
            root.join(&shown),
            shown.display().to_string(),
        ));
    };
    for page in &site.pages {
        for a in &page.assets {
            // Keep sub-folders of a bundle (`trip/img/a.jpg` → `/blog/trip/img/a.jpg`).
            let bundle_dir = page.rel.trim_end_matches("index.md");
            let inner = a.strip_prefix(bundle_dir).unwrap_or(a);
            let base = match inner.rsplit_once('/') {
                Some((sub, _)) => format!("{}{}/", page.path, sub),
                None => page.path.clone(),
            };
            add(&base, a);
        }
    }
    for section in &site.sections {
        for a in &section.assets {
            add(&section.path, a);
        }
    }
    out
}

fn is_junk(name: &str) -> bool {
    name == ".DS_Store" || name == "Thumbs.db" || name.ends_with('~') || name.ends_with(".swp")
}

/// `static/` of the theme, then of the site (the site's file wins on the same path).
fn static_outputs(root: &Path, theme: &ThemeSource) -> Result<Vec<Output>, BuildError> {
    let mut by_path: HashMap<String, Output> = HashMap::new();
    match theme {
        ThemeSource::None => {}
        ThemeSource::Embedded => {
            for (path, bytes) in theme::embedded_static() {
                by_path.insert(
                    path.to_string(),
                    Output::bytes(
                        path.to_string(),
                        bytes.to_vec(),
                        format!("built-in theme static/{path}"),
                    ),
                );
            }
        }
        ThemeSource::Dir { dir, shown } => {
            copy_tree(&dir.join("static"), &shown.join("static"), &mut by_path)?;
        }
    }
    copy_tree(&root.join("static"), Path::new("static"), &mut by_path)?;
    Ok(by_path.into_values().collect())
}

fn copy_tree(
    dir: &Path,
    shown: &Path,
    into: &mut HashMap<String, Output>,
) -> Result<(), BuildError> {
    if !dir.is_dir() {
        return Ok(());
    }
    for entry in WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.map_err(|e| BuildError::one(shown, None, format!("cannot read: {e}")))?;
        if !entry.file_type().is_file() || is_junk(&entry.file_name().to_string_lossy()) {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(dir)
            .unwrap_or(entry.path())
            .to_string_lossy()
            .replace('\\', "/");
        let origin = shown.join(&rel).display().to_string();
        into.insert(
            rel.clone(),
            Output::copy(rel, entry.path().to_path_buf(), origin),
        );
    }
    Ok(())
}

/// Every internal link of every page and section that matches no output.
fn check_links(site: &Site, outputs: &[Output], warnings: &mut Vec<Diagnostic>) -> Vec<Diagnostic> {
    let existing: FxHashSet<&str> = outputs.iter().map(|o| o.path.as_str()).collect();
    let exists = |path: &str| {
        let rel = path.trim_start_matches('/');
        if rel.is_empty() {
            return existing.contains("index.html");
        }
        let with_index = |rel: &str| {
            let mut file = String::with_capacity(rel.len() + 11);
            file.push_str(rel);
            if !rel.ends_with('/') {
                file.push('/');
            }
            file.push_str("index.html");
            existing.contains(file.as_str())
        };
        if path.ends_with('/') {
            return with_index(rel);
        }
        existing.contains(rel) || with_index(rel)
    };
    let mut broken = Vec::new();
    let mut report = |source: &Path, offset: usize, rendered: &Rendered| {
        let line = |l: &InternalLink| Some(l.line + offset);
        for link in &rendered.links {
            if !link.path.is_empty() && !exists(&link.path) {
                broken.push(Diagnostic::new(
                    source,
                    line(link),
                    format!(
                        "broken link: {} (no page or file at {})",
                        link.written, link.path
                    ),
                ));
            }
        }
        for link in &rendered.broken_content_links {
            broken.push(Diagnostic::new(
                source,
                line(link),
                format!(
                    "broken link: {} (no content file content/{})",
                    link.written, link.path
                ),
            ));
        }
        for w in &rendered.warnings {
            warnings.push(Diagnostic::new(
                source,
                Some(w.line + offset),
                w.message.clone(),
            ));
        }
    };
    for page in &site.pages {
        report(&page.source, page.body_line_offset, &page.rendered);
    }
    for section in &site.sections {
        if let Some(source) = &section.source {
            report(source, section.body_line_offset, &section.rendered);
        }
    }
    broken.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
    broken
}

/// Where `ssg build` writes: `-o` if given, else `build.output_dir` under the root.
pub fn output_dir(root: &Path, config: &Config, flag: Option<&Path>) -> PathBuf {
    match flag {
        Some(p) => p.to_path_buf(),
        None => root.join(&config.build.output_dir),
    }
}
