//! Loading Tera templates: built-ins (feeds, sitemap, redirects), then the
//! theme's, then the site's own `templates/`, later ones replacing earlier
//! ones by file name. All are parsed once, together, so `{% extends %}` works
//! across the three.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use tera::Tera;
use walkdir::WalkDir;

use crate::assets::Fingerprints;
use crate::authoring::hooks::HookSet;
use crate::authoring::shortcodes::{Writes, shortcodes_in};
use crate::authoring::{BUILTIN_SHORTCODES, Catalog, HOOKS_DIR, SHORTCODES_DIR};
use crate::config::Config;
use crate::data::DataFiles;
use crate::error::read_text;
use crate::error::{BuildError, Diagnostic};
use crate::layout::{STATIC, TEMPLATES};
use crate::layout::{is_ignored_source, name_under};
use crate::render::site_functions::{self, DataSources, LoadPaths, SiteCalls, SiteFunctions};
use crate::theme::{self, ThemeSource};

/// Templates ssg ships for outputs every site has; a site or theme may override them.
const BUILTINS: &[(&str, &str)] = &[
    ("atom.xml", include_str!("builtin/atom.xml")),
    ("sitemap.xml", include_str!("builtin/sitemap.xml")),
    ("robots.txt", include_str!("builtin/robots.txt")),
    ("alias.html", include_str!("builtin/alias.html")),
    ("search.html", include_str!("builtin/search.html")),
];

pub struct Templates {
    pub tera: Tera,
    /// Template name → file it came from, for error messages.
    pub sources: HashMap<String, PathBuf>,
    /// What each template (with what it extends and includes) may read.
    reads: HashMap<String, HashSet<Reads>>,
    /// What each template's `load_data` calls (with what it extends and
    /// includes) load.
    load_paths: HashMap<String, LoadPaths>,
    /// What each template's `get_page`, `get_section`… calls (with what it
    /// extends and includes) name.
    site_calls: HashMap<String, SiteCalls>,
    /// `get_page`, `get_section`, … and `load_data`: what they read.
    pub site_functions: std::sync::Arc<SiteFunctions>,
    /// Hash of every template's name and text: outputs remembered from an
    /// earlier build are only reused while this is the same.
    pub fingerprint: u64,
    /// The shortcodes pages can call, by name.
    pub shortcodes: HashMap<String, Writes>,
    /// The render hooks the site or its theme has.
    pub hooks: HookSet,
    /// Hash of the shortcode and hook templates and of every template they
    /// extend or include: Markdown rendered with them is cached under it.
    pub authoring_fingerprint: u64,
    /// [`DataFiles::digest`] of the data every template sees as `data`.
    pub data_digest: u64,
    /// [`Fingerprints::digest`] of the names `asset_url` gives.
    pub assets_digest: u64,
    /// New for every [`Templates::set_images`]: an output whose template
    /// calls `resize_image` or `image_meta` is rendered on every build, so
    /// the copies it asks for are asked for again (and come from the cache).
    pub images_digest: u64,
}

fn fingerprint(all: &BTreeMap<String, (PathBuf, String)>) -> u64 {
    let named: Vec<(&String, &String)> = all.iter().map(|(name, (_, text))| (name, text)).collect();
    crate::hash::of(&named)
}

/// Parts of the context that only some templates read: knowing which lets
/// an incremental render skip outputs whose visible inputs did not change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reads {
    /// A listed page's `content`, `toc`, `word_count` or `reading_time`.
    Body,
    /// `section.pages`: every page of the section, not just the pager's.
    SectionPages,
    /// `term.pages` (or `tag.pages`): every page of a taxonomy term.
    TagPages,
    /// `paginator`: a listing template that pages; one that does not gets
    /// a single page listing everything.
    Paginator,
    /// `data`: the site's data files.
    Data,
    /// `asset_url`: the fingerprinted names of static files.
    Assets,
    /// `resize_image` or `image_meta`: the site's images.
    Images,
    /// `get_page`, `get_section`, `get_taxonomy*`: every page, section
    /// and term of the site.
    Site,
    /// `load_data`: files of the site.
    LoadData,
}

impl Templates {
    /// Whether template `name` may read `what`. Decided from the template
    /// text, conservatively: any mention counts.
    pub fn reads(&self, name: &str, what: Reads) -> bool {
        match self.reads.get(name) {
            Some(set) => set.contains(&what),
            // A missing template renders nothing but an error, so it calls
            // no function; the rest is assumed read, as it always was.
            None => !matches!(what, Reads::Site | Reads::LoadData),
        }
    }

    /// Whether any template that renders outputs (not a shortcode's or a
    /// hook's, which render with the Markdown) may read `what`.
    pub fn outputs_read(&self, what: Reads) -> bool {
        (self.reads.iter())
            .filter(|(name, _)| !is_authoring(name))
            .any(|(_, set)| set.contains(&what))
    }

    /// What template `name`'s `load_data` calls load.
    pub fn load_paths(&self, name: &str) -> LoadPaths {
        self.load_paths.get(name).cloned().unwrap_or_default()
    }

    /// What template `name`'s `get_page`, `get_section`… calls name.
    pub fn site_calls(&self, name: &str) -> SiteCalls {
        self.site_calls.get(name).cloned().unwrap_or_default()
    }

    /// Makes `data` what every template (and shortcode) sees by that name.
    pub fn set_data(&mut self, data: &DataFiles) {
        self.tera
            .global_context()
            .insert_value("data", data.value.clone());
        self.data_digest = data.digest;
    }

    /// Makes `asset_url` give the fingerprinted names of `prints`.
    pub fn set_fingerprints(&mut self, prints: &Fingerprints, config: &Config) {
        prints.clone().register(&mut self.tera, &config.base_url);
        self.assets_digest = prints.digest();
    }

    /// Makes `resize_image` and `image_meta` read `images`.
    pub fn set_images(&mut self, images: &std::sync::Arc<crate::images::Images>) {
        images.register_functions(&mut self.tera);
        self.images_digest = crate::hash::of(&(
            std::process::id(),
            std::time::SystemTime::now(),
            std::sync::Arc::as_ptr(images) as usize,
        ));
    }

    /// Whether a shortcode template of the site calls `resize_image` or
    /// `image_meta`: Markdown that calls shortcodes is then not cached,
    /// so the copies they ask for are asked for on every build.
    pub fn shortcodes_read_images(&self) -> bool {
        self.shortcodes.keys().any(|name| {
            ["html", "md"].iter().any(|ext| {
                let file = format!("{}{name}.{ext}", crate::authoring::SHORTCODES_DIR);
                self.contains(&file) && self.reads(&file, Reads::Images)
            })
        })
    }

    /// Whether a shortcode or hook template calls the functions that read
    /// the site or its files (`get_section`, `load_data`…).
    pub fn authoring_reads_site(&self) -> bool {
        self.authoring_templates()
            .any(|name| self.reads(name, Reads::Site) || self.reads(name, Reads::LoadData))
    }

    /// What the shortcode and hook templates' `load_data` calls load.
    pub fn authoring_load_paths(&self) -> LoadPaths {
        let mut paths = LoadPaths::default();
        for name in self.authoring_templates() {
            paths.extend(&self.load_paths(name));
        }
        paths
    }

    fn authoring_templates(&self) -> impl Iterator<Item = &str> {
        self.reads
            .keys()
            .map(String::as_str)
            .filter(|n| is_authoring(n))
    }

    pub fn contains(&self, name: &str) -> bool {
        self.tera.contains_template(name)
    }

    /// The file a template came from, as shown to the user.
    pub fn source_of(&self, name: &str) -> PathBuf {
        self.sources
            .get(name)
            .cloned()
            .unwrap_or_else(|| PathBuf::from(format!("templates/{name}")))
    }

    /// Turns a Tera error into a diagnostic naming the template file and line.
    pub fn diagnostic(&self, err: &tera::Error, rendering: &str) -> Diagnostic {
        match err.kind() {
            tera::ErrorKind::SyntaxError(report) | tera::ErrorKind::RenderingError(report) => {
                let line = Some(report.span().start_line).filter(|&l| l > 0);
                Diagnostic::new(
                    self.source_of(report.filename()),
                    line,
                    format!("{} (rendering {rendering})", report.message()),
                )
            }
            tera::ErrorKind::TemplateNotFound(name) => Diagnostic::new(
                self.source_of(name),
                None,
                format!(
                    "template \"{name}\" not found (rendering {rendering}); add templates/{name} or use a theme that has it"
                ),
            ),
            tera::ErrorKind::MissingParent { current, parent } => Diagnostic::new(
                self.source_of(current),
                None,
                format!("extends \"{parent}\", which is neither in templates/ nor in the theme"),
            ),
            _ => {
                // Errors from a filter carry the useful part in their source chain.
                let mut message = err.to_string();
                let mut source = std::error::Error::source(err);
                while let Some(s) = source {
                    message.push_str(": ");
                    message.push_str(&s.to_string());
                    source = s.source();
                }
                Diagnostic::new(rendering, None, message)
            }
        }
    }
}

fn collect_dir(
    dir: &Path,
    shown_prefix: &Path,
    into: &mut BTreeMap<String, (PathBuf, String)>,
) -> Result<(), Vec<Diagnostic>> {
    if !dir.is_dir() {
        return Ok(());
    }
    let mut errors = Vec::new();
    let walker = WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored_source(&e.file_name().to_string_lossy()));
    for entry in walker.flatten() {
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = name_under(dir, entry.path());
        let shown = shown_prefix.join(&rel);
        match read_text(entry.path(), &shown) {
            Ok(text) => {
                into.insert(rel, (shown, text));
            }
            Err(d) => errors.push(d),
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// Loads and parses every template the site can use.
pub fn load(root: &Path, config: &Config, theme: &ThemeSource) -> Result<Templates, BuildError> {
    let mut all: BTreeMap<String, (PathBuf, String)> = BTreeMap::new();
    for (name, text) in BUILTINS.iter().chain(BUILTIN_SHORTCODES) {
        all.insert(
            name.to_string(),
            (
                PathBuf::from(format!("(built-in) {name}")),
                text.to_string(),
            ),
        );
    }
    let mut errors = Vec::new();
    match theme {
        ThemeSource::None => {}
        ThemeSource::Embedded => {
            for (name, text) in theme::embedded_templates() {
                all.insert(
                    name.to_string(),
                    (
                        PathBuf::from(format!("(built-in theme) templates/{name}")),
                        text.to_string(),
                    ),
                );
            }
        }
        ThemeSource::Dir { dir, shown } => {
            if let Err(e) = collect_dir(&dir.join(TEMPLATES), &shown.join(TEMPLATES), &mut all) {
                errors.extend(e);
            }
        }
    }
    if let Err(e) = collect_dir(&root.join(TEMPLATES), Path::new(TEMPLATES), &mut all) {
        errors.extend(e);
    }
    if !errors.is_empty() {
        return Err(errors.into());
    }

    let mut tera = Tera::new();
    tera.autoescape_on([".html", ".htm", ".xml"]);
    // Same bytes as Tera's own escaping, written in runs instead of bytes.
    tera.set_escape_fn(crate::escape::write_escaped);
    let theme_static = match theme {
        ThemeSource::Dir { dir, .. } => Some(dir.join(STATIC)),
        ThemeSource::None | ThemeSource::Embedded => None,
    };
    let site_functions = SiteFunctions::new(DataSources::new(root, theme_static));
    register_helpers(&mut tera, config, &site_functions);
    let sources: HashMap<String, PathBuf> = all
        .iter()
        .map(|(name, (shown, _))| (name.clone(), shown.clone()))
        .collect();
    let mut templates = Templates {
        tera: Tera::new(),
        sources,
        reads: analyse_reads(&all),
        load_paths: per_template(
            &all,
            "load_data",
            site_functions::load_data::paths_in,
            LoadPaths::extend,
        ),
        site_calls: per_template(
            &all,
            "get_",
            site_functions::calls::calls_in,
            SiteCalls::extend,
        ),
        site_functions,
        fingerprint: fingerprint(&all),
        shortcodes: shortcodes_in(all.keys().map(String::as_str)),
        hooks: HookSet::in_templates(
            all.iter()
                .map(|(name, (_, text))| (name.as_str(), text.as_str())),
        ),
        authoring_fingerprint: authoring_fingerprint(&all),
        data_digest: 0,
        assets_digest: 0,
        images_digest: 0,
    };
    if let Err(e) = tera.add_raw_templates(
        all.iter()
            .map(|(name, (_, text))| (name.as_str(), text.as_str())),
    ) {
        return Err(templates.diagnostic(&e, "templates").into());
    }
    templates.tera = tera;
    Ok(templates)
}

impl Catalog for Templates {
    fn shortcode(&self, name: &str) -> Option<Writes> {
        self.shortcodes.get(name).copied()
    }

    fn shortcode_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.shortcodes.keys().map(String::as_str).collect();
        names.sort_unstable();
        names
    }

    fn hooks(&self) -> HookSet {
        self.hooks
    }

    fn render(&self, name: &str, ctx: &tera::Context) -> Result<String, String> {
        self.tera.render(name, ctx).map_err(|e| {
            let d = self.diagnostic(&e, "");
            let message = d.message.trim_end_matches(" (rendering )");
            match d.line {
                Some(line) => format!("{}:{line}: {message}", d.path.display()),
                None => format!("{}: {message}", d.path.display()),
            }
        })
    }
}

/// Whether template `name` is a shortcode's or a render hook's.
fn is_authoring(name: &str) -> bool {
    name.starts_with(SHORTCODES_DIR) || name.starts_with(HOOKS_DIR)
}

/// Hash of the templates that shortcodes and hooks render, with all they
/// extend or include.
fn authoring_fingerprint(all: &BTreeMap<String, (PathBuf, String)>) -> u64 {
    let mut stack: Vec<&str> = all
        .keys()
        .map(String::as_str)
        .filter(|n| is_authoring(n))
        .collect();
    let mut used = std::collections::BTreeSet::new();
    while let Some(name) = stack.pop() {
        if let Some((_, text)) = all.get(name)
            && used.insert((name, text.as_str()))
        {
            stack.extend(referenced(text));
        }
    }
    crate::hash::of(&used)
}

/// A Tera with ssg's filters and functions and none of its templates: what
/// a template must load in (Tera refuses unknown functions and filters).
pub fn with_helpers(config: &Config) -> Tera {
    let mut tera = Tera::new();
    let unused = SiteFunctions::new(DataSources::new(Path::new("."), None));
    register_helpers(&mut tera, config, &unused);
    tera
}

/// Filters and functions templates can call beyond Tera's own.
fn register_helpers(tera: &mut Tera, config: &Config, site: &std::sync::Arc<SiteFunctions>) {
    site.register(tera);
    crate::template_helpers::register(tera, config);
}

/// Names `{% extends "x" %}` / `{% include "x" %}` refer to in a template.
fn referenced(text: &str) -> Vec<&str> {
    let mut names = Vec::new();
    for keyword in ["extends", "include"] {
        let mut rest = text;
        while let Some(at) = rest.find(keyword) {
            rest = &rest[at + keyword.len()..];
            let trimmed = rest.trim_start();
            if let Some(quote) = trimmed.chars().next().filter(|c| *c == '"' || *c == '\'')
                && let Some(end) = trimmed[1..].find(quote)
            {
                names.push(&trimmed[1..1 + end]);
            }
        }
    }
    names
}

/// What the tags of a template (`{{ … }}`, `{% … %}`; not its HTML) may read.
fn mentions(text: &str) -> HashSet<Reads> {
    let mut found = HashSet::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        rest = &rest[open + 1..];
        let close = match rest.chars().next() {
            Some('{') => "}}",
            Some('%') => "%}",
            _ => continue,
        };
        let end = rest.find(close).unwrap_or(rest.len());
        let code = &rest[..end];
        rest = &rest[end..];
        if code.contains("__tera_context") {
            found.extend([
                Reads::Body,
                Reads::SectionPages,
                Reads::TagPages,
                Reads::Paginator,
                Reads::Data,
                Reads::Assets,
            ]);
            continue;
        }
        // Fields are reached as attributes (`p.content`) or by name
        // (`get(key="content")`); `{% block content %}` is neither.
        let reaches = |code: &str, field: &str| {
            [
                format!(".{field}"),
                format!("\"{field}\""),
                format!("'{field}'"),
            ]
            .iter()
            .any(|form| code.contains(form.as_str()))
        };
        let without_section_content = code.replace("section.content", "");
        if ["content", "toc", "word_count", "reading_time"]
            .iter()
            .any(|f| reaches(&without_section_content, f))
        {
            found.insert(Reads::Body);
        }
        // Any list of pages but the pager's own counts: `section.pages`,
        // `tag.pages`, or the same through another name.
        if code.contains("paginator") {
            found.insert(Reads::Paginator);
        }
        if has_word(code, "data") {
            found.insert(Reads::Data);
        }
        if code.contains("asset_url") {
            found.insert(Reads::Assets);
        }
        if code.contains("resize_image") || code.contains("image_meta") {
            found.insert(Reads::Images);
        }
        if ["get_page", "get_section", "get_taxonomy"]
            .iter()
            .any(|f| code.contains(f))
        {
            found.insert(Reads::Site);
        }
        if code.contains("load_data") {
            found.insert(Reads::LoadData);
        }
        let without_pager = code.replace("paginator.pages", "");
        if reaches(&without_pager, "pages") {
            found.extend([Reads::SectionPages, Reads::TagPages]);
        }
    }
    found
}

/// Whether `word` stands in `code` as a name of its own (`data.team`, not
/// `metadata`).
fn has_word(code: &str, word: &str) -> bool {
    let is_name = |c: char| c.is_ascii_alphanumeric() || c == '_';
    code.match_indices(word).any(|(at, _)| {
        let before = code[..at].chars().next_back();
        let after = code[at + word.len()..].chars().next();
        !before.is_some_and(|c| is_name(c) || c == '.') && !after.is_some_and(is_name)
    })
}

/// For each template, what it and the templates it extends or includes read.
fn analyse_reads(all: &BTreeMap<String, (PathBuf, String)>) -> HashMap<String, HashSet<Reads>> {
    let own: HashMap<&str, HashSet<Reads>> = all
        .iter()
        .map(|(n, (_, t))| (n.as_str(), mentions(t)))
        .collect();
    let mut out = HashMap::new();
    for name in all.keys() {
        let mut reads = HashSet::new();
        for used in with_what_it_uses(name, all) {
            reads.extend(own.get(used).into_iter().flatten().copied());
        }
        out.insert(name.clone(), reads);
    }
    out
}

/// For each template, `read` of its own text and of the templates it
/// extends or includes, merged; only texts that contain `mark` are read.
fn per_template<T: Default>(
    all: &BTreeMap<String, (PathBuf, String)>,
    mark: &str,
    read: impl Fn(&str) -> T,
    merge: impl Fn(&mut T, &T),
) -> HashMap<String, T> {
    let own: HashMap<&str, T> = all
        .iter()
        .filter(|(_, (_, t))| t.contains(mark))
        .map(|(n, (_, t))| (n.as_str(), read(t)))
        .collect();
    let mut out = HashMap::new();
    for name in all.keys() {
        let mut found = T::default();
        for used in with_what_it_uses(name, all) {
            if let Some(own) = own.get(used) {
                merge(&mut found, own);
            }
        }
        out.insert(name.clone(), found);
    }
    out
}

/// Template `name` and every template it extends or includes, at any depth.
fn with_what_it_uses<'a>(
    name: &'a str,
    all: &'a BTreeMap<String, (PathBuf, String)>,
) -> Vec<&'a str> {
    let mut seen = HashSet::new();
    let mut stack = vec![name];
    let mut used = Vec::new();
    while let Some(current) = stack.pop() {
        if !seen.insert(current) {
            continue;
        }
        if let Some((_, text)) = all.get(current) {
            used.push(current);
            stack.extend(referenced(text));
        }
    }
    used
}

/// For unit tests: the templates of a site whose `templates/` holds
/// `files` (no theme), and `config` as templates see it.
#[cfg(test)]
pub(crate) fn from_files(files: &[(&str, &str)]) -> (Templates, tera::Value) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    for (name, text) in files {
        let path = dir.path().join(TEMPLATES).join(name);
        std::fs::create_dir_all(path.parent().expect("a folder")).expect("folders");
        std::fs::write(path, text).expect("a template");
    }
    let config = Config::parse(
        "title = \"T\"\nbase_url = \"http://127.0.0.1\"\n",
        Path::new("ssg.toml"),
    )
    .expect("the config");
    let templates = load(dir.path(), &config, &ThemeSource::None)
        .unwrap_or_else(|e| panic!("templates: {e:?}"));
    (templates, crate::render::config_value(&config))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(files: &[(&str, &str)]) -> HashSet<String> {
        let all = files
            .iter()
            .map(|(n, t)| (n.to_string(), (PathBuf::from(n), t.to_string())))
            .collect();
        analyse_reads(&all)
            .into_iter()
            .filter(|(_, r)| r.contains(&Reads::Body))
            .map(|(n, _)| n)
            .collect()
    }

    #[test]
    fn listing_readers() {
        let all: BTreeMap<String, (PathBuf, String)> = [
            (
                "pager.html",
                "{% for p in paginator.pages %}{{ p.title }}{% endfor %}",
            ),
            ("count.html", "{{ tag.pages | length }}"),
            (
                "aliased.html",
                "{% set s = section %}{% for p in s.pages %}{% endfor %}",
            ),
        ]
        .iter()
        .map(|(n, t)| (n.to_string(), (PathBuf::from(n), t.to_string())))
        .collect();
        let reads = analyse_reads(&all);
        assert_eq!(
            reads["pager.html"],
            HashSet::from([Reads::Paginator]),
            "the pager's own pages are not a whole listing"
        );
        assert!(reads["count.html"].contains(&Reads::TagPages));
        assert!(reads["aliased.html"].contains(&Reads::SectionPages));
    }

    #[test]
    fn body_readers_follow_extends_and_include_but_not_html() {
        let readers = set(&[
            (
                "base.html",
                "<meta name=\"description\" content=\"{{ config.description }}\">{% block content %}{% endblock content %}",
            ),
            (
                "page.html",
                "{% extends \"base.html\" %}{% block c %}{{ page.content | safe }}{% endblock c %}",
            ),
            (
                "list.html",
                "{% for p in pages %}{{ p.summary }}{% endfor %}",
            ),
            (
                "index.html",
                "{% extends \"base.html\" %}{{ section.content | safe }}{% include \"list.html\" %}",
            ),
            ("feed.xml", "{% include 'entry.xml' %}"),
            ("entry.xml", "{{ entry.content }}"),
        ]);
        assert!(readers.contains("page.html"));
        assert!(readers.contains("feed.xml"));
        assert!(!readers.contains("index.html"));
        assert!(!readers.contains("base.html"));
    }
}
