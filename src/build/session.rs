//! A loaded site that can be rendered again after some of its files
//! changed, re-rendering only what the change reaches: one `ssg build`
//! renders a session once; `ssg serve` keeps one for as long as it runs.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Instant;

use rayon::prelude::*;

use super::files::{asset_outputs, static_outputs};
use super::links::check_links;
use super::pages::{
    MarkdownStage, install_authoring_site, markdown_errors, render_content, render_page_markdown,
    render_section_markdown, url_map,
};
use super::{BuildOptions, Built, Stats, load_config};
use crate::assets::Fingerprints;
use crate::authoring::parse::may_have_calls;
use crate::cache::Cache;
use crate::config::Config;
use crate::content::{Page, walk};
use crate::data;
use crate::error::{BuildError, Diagnostic};
use crate::highlight;
use crate::images::Images;
use crate::layout;
use crate::layout::CONTENT;
use crate::ledger::Ledger;
use crate::markdown::MarkdownOptions;
use crate::output::{self, Output};
use crate::render::{self, PageMemory};
use crate::search;
use crate::site::Site;
use crate::taxonomy;
use crate::templates::{self, Templates};
use crate::theme;

/// See the module documentation.
pub struct Session {
    root: PathBuf,
    opts: BuildOptions,
    pub config: Config,
    templates: Templates,
    md: MarkdownOptions,
    pub site: Site,
    /// Content file (`blog/x.md`) → its URL path, so links between content files resolve.
    urls: HashMap<String, String>,
    /// Page digests and template values, kept between renders.
    page_memory: PageMemory,
    /// What the last build left, and so what changed since.
    pub ledger: Ledger,
    /// What reading `content/` warned about (files it ignored).
    content_warnings: Vec<Diagnostic>,
    /// Outputs that are copied, not rendered: static files and highlight.css.
    static_files: Vec<Output>,
    /// The names of their fingerprinted copies (`asset_url`).
    fingerprints: Fingerprints,
    /// The site's local images and the resized copies asked of them.
    images: Arc<Images>,
    /// The build cache, held while this session may still write to it.
    disk_cache: Option<Arc<Cache>>,
    /// Saving rendered Markdown into the cache, in the background.
    markdown_saver: Option<JoinHandle<()>>,
    /// What the last search index was made from, so an unchanged one is reused.
    search_index: search::IndexMemory,
    /// For a site whose shortcodes or hooks read the site or its files:
    /// the digest of what they saw (see [`install_authoring_site`]).
    authoring_site: Option<u64>,
}

/// Whether two versions of a page sort, group and link up identically.
fn same_place(a: &Page, b: &Page) -> bool {
    let (fa, fb) = (&a.front_matter, &b.front_matter);
    a.path == b.path
        && a.section == b.section
        && a.title() == b.title()
        && fa.date == fb.date
        && fa.weight == fb.weight
        && a.terms == b.terms
}

/// How far a batch of page edits reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// Only the edited pages changed: no page came, went or moved, and
    /// every order, group and neighbour is as it was. Each edited page's
    /// own output is where it was and reads nothing else that changed.
    EditedPages,
    /// Other pages' Markdown, the site's order or its outputs may have changed.
    Wider,
}

/// How a batch of page edits moved things: what other pages' links and
/// the site's order must be checked against.
#[derive(Default)]
struct PageMoves {
    /// URLs that moved or went away.
    moved: HashSet<String>,
    /// Content files that appeared.
    appeared: HashSet<String>,
    /// Whether any ordering, grouping or neighbour can have changed.
    reorder: bool,
}

impl Session {
    /// Reads config, templates and content and renders all Markdown; its
    /// ledger is kept in memory.
    pub fn load(root: &Path, opts: &BuildOptions) -> Result<Session, BuildError> {
        Session::open(root, opts, None)
    }

    /// As [`Session::load`], for writing to the output folder (`-o`, else
    /// `build.output_dir`), whose ledger is read from the build cache.
    pub fn load_for_folder(
        root: &Path,
        opts: &BuildOptions,
        out_flag: Option<&Path>,
    ) -> Result<Session, BuildError> {
        Session::open(root, opts, Some(out_flag))
    }

    fn open(
        root: &Path,
        opts: &BuildOptions,
        folder: Option<Option<&Path>>,
    ) -> Result<Session, BuildError> {
        let started = Instant::now();
        let config = load_config(root, opts)?;
        let disk_cache = opts
            .use_cache
            .then(|| Cache::open(root))
            .flatten()
            .map(Arc::new);
        let ledger = match folder {
            None => Ledger::in_memory(),
            Some(flag) => Ledger::for_folder(config.output_dir(root, flag), disk_cache.clone()),
        };
        let theme = theme::resolve(root, &config)?;
        let highlight_css = highlight_css(&config)?;
        let taxonomy_names = taxonomy::declared_names(&config);
        let rules = walk::PageRules {
            drafts: config.build.drafts,
            taxonomies: &taxonomy_names,
        };
        let ((templates, data), content) = rayon::join(
            || (templates::load(root, &config, &theme), data::load(root)),
            || walk::load(&root.join(CONTENT), Path::new(CONTENT), rules),
        );
        let (mut templates, mut content) = (templates?, content?);
        templates.set_data(&data?);
        crate::log::verbose(&format!(
            "read content and templates: {:?}{}",
            started.elapsed(),
            crate::log::peak_memory()
        ));
        let urls = url_map(&content.pages, &content.sections);
        let md = MarkdownOptions::of(&config);
        let content_warnings = std::mem::take(&mut content.warnings);
        let mut static_files = static_outputs(root, &theme)?;
        static_files.extend(highlight_css);
        let assets = asset_outputs(root, &content.pages, &content.sections);
        let images = Arc::new(Images::new(
            &config.images,
            config.base_path(),
            static_files.iter(),
            assets.iter(),
        ));
        templates.set_images(&images);
        let taxonomies = taxonomy::declared(&config);
        let authoring_site = install_authoring_site(
            &templates,
            &content.pages,
            &content.sections,
            &taxonomies,
            &config,
        );
        let stage = MarkdownStage {
            md,
            base_path: config.base_path(),
            urls: &urls,
            templates: &templates,
            config: &config,
            config_value: render::config_value(&config),
            images: &images,
            site_digest: authoring_site,
        };
        let markdown_saver = render_content(&mut content, &stage, disk_cache.as_ref());
        templates.site_functions.uninstall();
        crate::log::verbose(&format!(
            "rendered markdown: {:?}{}",
            started.elapsed(),
            crate::log::peak_memory()
        ));
        let fingerprints = fingerprints_of(&static_files, opts);
        templates.set_fingerprints(&fingerprints, &config);
        let language = config.language.clone();
        Ok(Session {
            root: root.to_path_buf(),
            opts: opts.clone(),
            config,
            templates,
            md,
            site: Site::new(content, taxonomies, &language),
            urls,
            page_memory: PageMemory::default(),
            ledger,
            content_warnings,
            static_files,
            fingerprints,
            images,
            disk_cache,
            markdown_saver,
            search_index: search::IndexMemory::default(),
            authoring_site,
        })
    }

    /// This session will render again and again (`ssg serve`): the search
    /// index keeps each page's words from its first build on.
    pub fn will_render_again(&mut self) {
        self.search_index.keep_words();
    }

    /// Loads everything again (templates, config or sections changed),
    /// keeping the ledger, so what changed is still told apart. On error
    /// the session is unchanged.
    pub fn reload(&mut self) -> Result<(), BuildError> {
        let mut fresh = Session::load(&self.root, &self.opts)?;
        fresh.ledger = std::mem::take(&mut self.ledger);
        fresh.search_index = std::mem::take(&mut self.search_index);
        *self = fresh;
        Ok(())
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
            self.static_files
                .iter()
                .filter(|o| o.origin.starts_with("highlight_theme"))
                .cloned(),
        );
        self.fingerprints = fingerprints_of(&files, &self.opts);
        self.templates
            .set_fingerprints(&self.fingerprints, &self.config);
        self.static_files = files;
        Ok(())
    }

    /// Whether a change to `rel` (content-relative) can be applied by
    /// [`Session::update_pages`]: a plain page file in an existing section,
    /// not a bundle, not a section index.
    pub fn can_update_page(&self, rel: &str) -> bool {
        let name = rel.rsplit('/').next().unwrap_or(rel);
        let is_plain_page = layout::markdown_stem(name)
            .is_some_and(|_| !layout::is_bundle_index(name) && !layout::is_section_index(name));
        if !is_plain_page {
            return false;
        }
        let dir = rel.rsplit_once('/').map_or("", |(d, _)| d);
        let known_section = self.site.sections.iter().any(|s| s.dir == dir);
        let mut ancestor = dir;
        let in_bundle = loop {
            let bundle = layout::MARKDOWN_EXTENSIONS
                .iter()
                .any(|ext| self.urls.contains_key(&format!("{ancestor}/index.{ext}")));
            if bundle {
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
    pub fn update_pages(&mut self, rels: &[String]) -> Result<Reach, BuildError> {
        let started = Instant::now();
        let edited = self.read_pages(rels)?;
        let moves = self.apply_page_edits(edited);
        let authoring_site_changed = self.refresh_authoring_site();
        self.rerender_reached(rels, &moves, authoring_site_changed);
        self.templates.site_functions.uninstall();
        crate::log::verbose(&format!(
            "re-read and re-rendered markdown: {:?}",
            started.elapsed()
        ));
        if moves.reorder {
            self.site.reindex();
            crate::log::verbose(&format!("reindexed: {:?}", started.elapsed()));
        }
        let contained = !authoring_site_changed
            && !moves.reorder
            && moves.moved.is_empty()
            && moves.appeared.is_empty();
        Ok(if contained {
            Reach::EditedPages
        } else {
            Reach::Wider
        })
    }

    /// The own outputs of the pages at `rels` (content-relative), each
    /// rendered alone, byte for byte as [`Session::render`] will render it:
    /// `ssg serve` shows an edited page with this before the whole site is
    /// rendered and checked. Only meaningful right after an
    /// [`Session::update_pages`] of `rels` that returned
    /// [`Reach::EditedPages`]. A page that fails to render is left out (the
    /// whole render reports it), and so is one whose template reads other
    /// pages or files (`get_section`, `load_data`…): the whole render shows it.
    pub fn render_pages_alone(&self, rels: &[String]) -> Vec<(String, Vec<u8>)> {
        rels.iter()
            .filter_map(|rel| self.site.pages.iter().position(|p| &p.rel == rel))
            .filter(|&i| render::can_render_alone(&self.site, &self.templates, i))
            .filter_map(|i| {
                render::render_page_alone(&self.site, &self.config, &self.templates, i).ok()
            })
            .map(|(file, html)| (file, html.into_bytes()))
            .collect()
    }

    /// The pages at `rels` as they are now on disk (`None`: gone).
    fn read_pages(&self, rels: &[String]) -> Result<Vec<(String, Option<Page>)>, BuildError> {
        let content_dir = self.root.join(CONTENT);
        let taxonomy_names = taxonomy::declared_names(&self.config);
        let rules = walk::PageRules {
            drafts: self.config.build.drafts,
            taxonomies: &taxonomy_names,
        };
        let (read, errors): (Vec<_>, Vec<_>) = rels
            .par_iter()
            .map(|rel| {
                if !content_dir.join(rel).is_file() {
                    return Ok((rel.clone(), None));
                }
                walk::load_page(&content_dir, Path::new(CONTENT), rel, rules, Vec::new())
                    .map(|p| (rel.clone(), p))
            })
            .partition(Result::is_ok);
        let errors: Vec<Diagnostic> = errors.into_iter().filter_map(Result::err).collect();
        if !errors.is_empty() {
            return Err(errors.into());
        }
        Ok(read.into_iter().filter_map(Result::ok).collect())
    }

    /// Puts the edited pages into the site and the URL map.
    fn apply_page_edits(&mut self, edited: Vec<(String, Option<Page>)>) -> PageMoves {
        let mut moves = PageMoves::default();
        for (rel, page) in edited {
            let at = self.site.pages.iter().position(|p| p.rel == rel);
            let new_url = page.as_ref().map(|p| p.path.clone());
            match self.urls.get(&rel) {
                Some(old) if Some(old) != new_url.as_ref() => {
                    moves.moved.insert(old.clone());
                }
                None if new_url.is_some() => {
                    moves.appeared.insert(rel.clone());
                }
                _ => {}
            }
            match &new_url {
                Some(url) => self.urls.insert(rel.clone(), url.clone()),
                None => self.urls.remove(&rel),
            };
            match (at, page) {
                (Some(i), Some(page)) => {
                    moves.reorder |= !same_place(&self.site.pages[i], &page);
                    self.site.pages[i] = page;
                }
                (None, Some(page)) => {
                    moves.reorder = true;
                    self.site.pages.push(page);
                }
                (Some(i), None) => {
                    moves.reorder = true;
                    self.site.pages.remove(i);
                }
                (None, None) => {}
            }
        }
        moves
    }

    /// For a site whose shortcodes or hooks read the site: installs the
    /// site as it is now for them; whether what they can see changed.
    fn refresh_authoring_site(&mut self) -> bool {
        let Some(before) = self.authoring_site else {
            return false;
        };
        self.authoring_site = install_authoring_site(
            &self.templates,
            &self.site.pages,
            &self.site.sections,
            &self.site.taxonomies,
            &self.config,
        );
        self.authoring_site != Some(before)
    }

    /// Renders the Markdown of the edited pages and of the pages whose
    /// links point at a URL that moved or a content file that appeared;
    /// after `site_changed` (what shortcodes and hooks that read the site
    /// see), of every page and section that calls a shortcode or has a hook.
    fn rerender_reached(&mut self, rels: &[String], moves: &PageMoves, site_changed: bool) {
        let edited: HashSet<&str> = rels.iter().map(String::as_str).collect();
        let stage = MarkdownStage {
            md: self.md,
            base_path: self.config.base_path(),
            urls: &self.urls,
            templates: &self.templates,
            config: &self.config,
            config_value: render::config_value(&self.config),
            images: &self.images,
            site_digest: self.authoring_site,
        };
        let hooks = self.templates.hooks.any();
        let reads_site = |page: &Page| site_changed && (hooks || may_have_calls(&page.body.text()));
        self.site.pages.par_iter_mut().for_each(|page| {
            let rendered = &page.rendered;
            let links_reached = rendered
                .links
                .iter()
                .any(|l| moves.moved.contains(l.path.as_str()))
                || rendered
                    .broken_content_links
                    .iter()
                    .any(|l| moves.appeared.contains(&l.path));
            let was_edited = edited.contains(page.rel.as_str());
            if was_edited || links_reached || reads_site(page) {
                if !was_edited {
                    page.generation = crate::content::next_generation();
                }
                render_page_markdown(page, &stage, None);
            }
        });
        if site_changed {
            (self.site.sections.par_iter_mut())
                .for_each(|section| render_section_markdown(section, &stage));
        }
    }

    /// Renders every output, reusing those the ledger has unchanged, and
    /// checks the site's internal links. A ledger in memory (`serve`,
    /// `check`) takes the result as its new state at once; an output
    /// folder's ledger does when the folder is written ([`Ledger::write`]).
    pub fn render(&mut self) -> Result<Built, BuildError> {
        let started = Instant::now();
        let errors = markdown_errors(&self.site);
        if !errors.is_empty() {
            return Err(errors.into());
        }
        self.ledger.begin(self.site_inputs());
        // The search index is made beside the templates: most of Pagefind's
        // indexing runs on one thread, which this way overlaps the render.
        let (rendered, search_outputs) = std::thread::scope(|scope| {
            let search = scope.spawn(|| {
                search::outputs(
                    &self.site,
                    &self.config,
                    &self.root,
                    &self.ledger,
                    &mut self.search_index,
                    self.disk_cache.as_deref(),
                )
            });
            let rendered = render::render_site(
                &self.site,
                &self.config,
                &self.templates,
                &mut self.page_memory,
                &self.ledger,
            );
            (rendered, search.join())
        });
        let rendered = rendered.map_err(BuildError::from)?;
        let mut outputs = rendered.outputs;
        outputs.extend(search_outputs.unwrap_or_else(|_| {
            Err(BuildError::one(
                "ssg.toml",
                None,
                "[search]: the search indexer failed",
            ))
        })?);
        crate::log::verbose(&format!(
            "rendered templates: {:?} ({} of {} outputs re-rendered){}",
            started.elapsed(),
            rendered.rendered.len(),
            outputs.len(),
            crate::log::peak_memory()
        ));
        outputs.extend(asset_outputs(
            &self.root,
            &self.site.pages,
            &self.site.sections,
        ));
        outputs.extend(self.static_files.iter().cloned());
        let images = self
            .images
            .publish(self.disk_cache.as_deref(), &mut outputs);
        images.map_err(BuildError::from)?;
        outputs.extend(self.fingerprints.outputs(&self.static_files));
        output::check_conflicts(&mut outputs).map_err(BuildError::from)?;
        let mut warnings = self.content_warnings.clone();
        let broken_links = check_links(&self.site, &outputs, &mut warnings);
        crate::log::verbose(&format!(
            "checked links: {:?}{}",
            started.elapsed(),
            crate::log::peak_memory()
        ));
        let changed = match self.ledger.folder() {
            None => self.ledger.commit(&outputs),
            Some(_) => Vec::new(),
        };
        let stats = Stats {
            pages: self.site.pages.len(),
            sections: self.site.sections.len(),
            tags: self.site.terms.iter().filter(|t| t.taxonomy == 0).count(),
            files: outputs.len(),
            rendered: rendered.rendered.len(),
            rendered_paths: rendered.rendered,
            elapsed: started.elapsed(),
        };
        Ok(Built {
            config: self.config.clone(),
            outputs,
            stats,
            broken_links,
            warnings,
            changed,
        })
    }

    /// The loaded templates (`ssg check` traces links back to them).
    pub fn templates(&self) -> &Templates {
        &self.templates
    }

    /// What a render reads, for the render module's own tests.
    #[cfg(test)]
    pub(crate) fn render_parts(&mut self) -> (&Site, &Config, &Templates, &mut PageMemory) {
        (
            &self.site,
            &self.config,
            &self.templates,
            &mut self.page_memory,
        )
    }

    /// Hash of what every output depends on besides its own inputs.
    fn site_inputs(&self) -> u64 {
        let config = serde_json::to_vec(&self.config).unwrap_or_default();
        crate::hash::of(&(config, self.templates.fingerprint))
    }

    /// Forgets what the last render left, so the next one renders, and
    /// reports as changed, every output (its result could not be used).
    pub fn forget_last_render(&mut self) {
        self.ledger = match self.ledger.folder() {
            None => Ledger::in_memory(),
            Some(_) => return,
        };
    }

    /// Lets other ssg processes use the build cache (`ssg serve` keeps its
    /// session for as long as it runs).
    pub fn release_cache(&mut self) {
        self.finish_cache_writes();
        self.disk_cache = None;
    }

    /// Waits until the rendered Markdown is saved.
    pub fn finish_cache_writes(&mut self) {
        if let Some(saver) = self.markdown_saver.take() {
            let _ = saver.join();
        }
    }
}

impl Drop for Session {
    /// The Markdown cache is being saved on another thread: a process that
    /// ends right after (`ssg check`) must not cut that write short.
    fn drop(&mut self) {
        self.finish_cache_writes();
    }
}

/// The fingerprinted names of `files`, where the build wants them.
fn fingerprints_of(files: &[Output], opts: &BuildOptions) -> Fingerprints {
    if opts.plain_asset_names {
        Fingerprints::default()
    } else {
        Fingerprints::of(files)
    }
}

/// `highlight.css` for the configured theme, when highlighting is on.
fn highlight_css(config: &Config) -> Result<Option<Output>, BuildError> {
    if !config.markdown.highlight {
        return Ok(None);
    }
    let theme = &config.markdown.highlight_theme;
    let css = highlight::theme_css(theme).map_err(|m| BuildError::one("ssg.toml", None, m))?;
    Ok(Some(Output::bytes(
        "highlight.css".into(),
        css.into_bytes(),
        format!("highlight_theme \"{theme}\""),
    )))
}
