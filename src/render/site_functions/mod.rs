//! Zola's functions that read the rest of the site, in Zola's spelling so
//! its templates work unchanged: `get_page`, `get_section`,
//! `get_taxonomy`, `get_taxonomy_term`, `get_taxonomy_url` and
//! `load_data`.
//!
//! They are registered once, with the templates; a render installs the
//! site they read ([`SiteFunctions::install`]) and takes it away after,
//! and so does the Markdown stage for shortcodes and render hooks, with the
//! site before its Markdown is rendered (`index::before_markdown`).
//! The site's values are built only for a site whose templates call these
//! functions ([`crate::templates::Reads::Site`]); the render adds what
//! they can see to those templates' signatures (`Job::signature`).

pub mod calls;
pub mod index;
pub mod load_data;

use std::sync::{Arc, RwLock};

use tera::{Kwargs, State, Tera, TeraResult, Value};

pub use calls::SiteCalls;
use calls::content_path;
use index::Lookup;
pub use index::SiteIndex;
pub use load_data::{DataSources, LoadPaths};

/// The context variable a job sets when its template reads bodies, so
/// the pages these functions list carry `content` (else they leave it out,
/// as listings do).
pub const BODIES_FLAG: &str = "__ssg_bodies";

/// What the functions read: the site of the render under way, if any.
pub struct SiteFunctions {
    current: RwLock<Option<Installed>>,
    data: DataSources,
}

#[derive(Clone)]
struct Installed {
    /// `None` when no template reads the site (only `load_data` is called).
    index: Option<Arc<SiteIndex>>,
}

/// Why a function gave no value: nothing was installed, because no
/// template's text was seen to call it (a call reached another way).
fn not_now(function: &str) -> tera::Error {
    tera::Error::message(format!(
        "{function}: ssg did not see this template call it, so it has no site to read; \
         call it in the template itself or in one it includes or extends"
    ))
}

impl SiteFunctions {
    pub fn new(data: DataSources) -> Arc<SiteFunctions> {
        Arc::new(SiteFunctions {
            current: RwLock::new(None),
            data,
        })
    }

    /// Makes the functions answer from `index` (and read files) until
    /// [`SiteFunctions::uninstall`].
    pub fn install(&self, index: Option<Arc<SiteIndex>>) {
        self.data.begin_render();
        if let Ok(mut current) = self.current.write() {
            *current = Some(Installed { index });
        }
    }

    pub fn uninstall(&self) {
        if let Ok(mut current) = self.current.write() {
            *current = None;
        }
    }

    /// Hash of the files `paths` name (see [`DataSources::digest`]).
    pub fn data_digest(&self, paths: &LoadPaths) -> u64 {
        self.data.digest(&paths.quoted)
    }

    fn installed(&self, function: &str) -> TeraResult<Installed> {
        let current = self.current.read().ok().and_then(|c| c.clone());
        current.ok_or_else(|| not_now(function))
    }

    fn index(&self, function: &str) -> TeraResult<Arc<SiteIndex>> {
        self.installed(function)?
            .index
            .ok_or_else(|| not_now(function))
    }

    /// Registers the functions on `tera`.
    pub fn register(self: &Arc<Self>, tera: &mut Tera) {
        let me = Arc::clone(self);
        tera.register_function("get_page", move |kwargs: Kwargs, _: &State| {
            me.get_page(&kwargs)
        });
        let me = Arc::clone(self);
        tera.register_function("get_section", move |kwargs: Kwargs, state: &State| {
            me.get_section(&kwargs, state)
        });
        let me = Arc::clone(self);
        tera.register_function("get_taxonomy", move |kwargs: Kwargs, state: &State| {
            me.get_taxonomy(&kwargs, state)
        });
        let me = Arc::clone(self);
        tera.register_function("get_taxonomy_term", move |kwargs: Kwargs, state: &State| {
            me.get_taxonomy_term(&kwargs, state, false)
        });
        let me = Arc::clone(self);
        tera.register_function("get_taxonomy_url", move |kwargs: Kwargs, state: &State| {
            me.get_taxonomy_term(&kwargs, state, true)
        });
        let me = Arc::clone(self);
        tera.register_function("load_data", move |kwargs: Kwargs, _: &State| {
            me.load_data(&kwargs)
        });
    }

    /// `get_page(path="blog/a.md")`: the page as its own template sees it.
    fn get_page(&self, kwargs: &Kwargs) -> TeraResult<Value> {
        let index = self.index("get_page")?;
        let path = content_path(kwargs.must_get("path")?);
        index.page(path).ok_or_else(|| {
            tera::Error::message(format!(
                "get_page: no page at content/{path}{}",
                crate::suggest::hint(path, index.page_paths())
            ))
        })
    }

    /// `get_section(path="blog/_index.md", metadata_only=false)`.
    fn get_section(&self, kwargs: &Kwargs, state: &State) -> TeraResult<Value> {
        let index = self.index("get_section")?;
        let path = content_path(kwargs.must_get("path")?);
        let metadata_only = kwargs.get("metadata_only")?.unwrap_or(false);
        index
            .section(path, metadata_only, bodies(state))
            .ok_or_else(|| {
                tera::Error::message(format!(
                    "get_section: no section at content/{path}{}",
                    crate::suggest::hint(path, index.section_paths())
                ))
            })
    }

    /// `get_taxonomy(kind="tags")`: `{kind, items, permalink}`.
    fn get_taxonomy(&self, kwargs: &Kwargs, state: &State) -> TeraResult<Value> {
        let index = self.index("get_taxonomy")?;
        let kind: &str = kwargs.must_get("kind")?;
        match index.taxonomy(kind, bodies(state)) {
            Some(value) => Ok(value),
            None if !kwargs.get("required")?.unwrap_or(true) => Ok(Value::none()),
            None => Err(no_taxonomy("get_taxonomy", kind, &index)),
        }
    }

    /// `get_taxonomy_term(kind, term)`, or with `url` `get_taxonomy_url(kind,
    /// term)` (`name=` too, as older Zola spelled it): the term, or its permalink.
    fn get_taxonomy_term(&self, kwargs: &Kwargs, state: &State, url: bool) -> TeraResult<Value> {
        let function = if url {
            "get_taxonomy_url"
        } else {
            "get_taxonomy_term"
        };
        let index = self.index(function)?;
        let kind: &str = kwargs.must_get("kind")?;
        let name: &str = match kwargs.get("term")? {
            Some(term) => term,
            None => kwargs.must_get("name")?,
        };
        let include_pages = !url && kwargs.get("include_pages")?.unwrap_or(true);
        let required = kwargs.get("required")?.unwrap_or(true);
        match index.term(kind, name, include_pages, bodies(state)) {
            Lookup::Found { permalink, .. } if url => Ok(Value::from(permalink)),
            Lookup::Found { value, .. } => Ok(value),
            _ if !required => Ok(Value::none()),
            Lookup::NoTaxonomy => Err(no_taxonomy(function, kind, &index)),
            Lookup::NoTerm => Err(tera::Error::message(format!(
                "{function}: taxonomy \"{kind}\" has no term \"{name}\"{}",
                crate::suggest::hint(name, index.term_names(kind))
            ))),
        }
    }

    /// `load_data(path="data/x.toml", format="toml", required=true)`, or
    /// `load_data(literal="…", format="json")`.
    fn load_data(&self, kwargs: &Kwargs) -> TeraResult<Value> {
        self.installed("load_data")?;
        let format: Option<&str> = kwargs.get("format")?;
        if kwargs.get::<&str>("url")?.is_some() {
            return Err(tera::Error::message(
                "load_data: ssg does not fetch URLs while building (a build reads only the \
                 site's files, so it gives the same bytes every time); save the data into data/",
            ));
        }
        if let Some(text) = kwargs.get::<&str>("literal")? {
            let format = format.unwrap_or("plain");
            return load_data::parse(format, text, std::path::Path::new("literal"))
                .map_err(tera::Error::message);
        }
        let path: &str = kwargs.must_get("path")?;
        let required = kwargs.get("required")?.unwrap_or(true);
        self.data
            .load(path, format, required)
            .map_err(tera::Error::message)
    }
}

/// Whether the template being rendered reads pages' bodies.
fn bodies(state: &State) -> bool {
    state
        .get::<bool>(BODIES_FLAG)
        .ok()
        .flatten()
        .unwrap_or(false)
}

fn no_taxonomy(function: &str, kind: &str, index: &SiteIndex) -> tera::Error {
    tera::Error::message(format!(
        "{function}: the site has no taxonomy \"{kind}\"{} (taxonomies are declared in ssg.toml)",
        crate::suggest::hint(kind, index.taxonomy_names())
    ))
}
