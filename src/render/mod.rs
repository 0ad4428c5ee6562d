//! Rendering: every templated output of the site, in parallel.
//!
//! [`plan`] lists the outputs, one [`Job`] each, whose [`OutputKind`]
//! (`kinds/`) knows what the output is made from and what its template
//! sees. An output whose signature the [`Ledger`] remembers, with its bytes
//! still at hand, is reused instead of rendered; the ledger, not this
//! module, decides what changed.

mod digest;
mod inputs;
mod job;
mod kinds;
mod pager_templates;
mod plan;
pub mod site_functions;
mod values;

pub use digest::PageMemory;
pub use job::{Job, OutputKind};
pub use kinds::page::{can_render_alone, render_alone as render_page_alone};
pub use plan::plan;
pub use values::config_value;

use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;

use crate::config::Config;
use crate::error::Diagnostic;
use crate::ledger::Ledger;
use crate::output::Output;
use crate::site::Site;
use crate::templates::Templates;
use inputs::RenderInputs;
use job::render_template;

/// What one render produced.
pub struct RenderedSite {
    /// Every templated output, rendered or reused.
    pub outputs: Vec<Output>,
    /// The paths of those rendered anew, sorted.
    pub rendered: Vec<String>,
}

/// Renders every templated output of the site that the ledger cannot
/// supply unchanged. All template errors are reported, each cause once.
pub fn render_site(
    site: &Site,
    config: &Config,
    templates: &Templates,
    memory: &mut PageMemory,
    ledger: &Ledger,
) -> Result<RenderedSite, Vec<Diagnostic>> {
    let pages = memory.refresh(site, config);
    let input = RenderInputs::new(site, config, templates, pages);
    let jobs = plan(&input);
    let functions = &templates.site_functions;
    functions.install(site_index(site, config, templates));
    let results = render_jobs(&jobs, &input, ledger);
    functions.uninstall();
    let mut outputs = Vec::with_capacity(results.len());
    let mut rendered = Vec::new();
    let mut errors: Vec<Diagnostic> = Vec::new();
    let mut write_error = None;
    for result in results {
        match result {
            Ok((output, was_rendered)) => {
                if was_rendered {
                    rendered.push(output.path.clone());
                }
                outputs.push(output);
            }
            Err(JobFailure::Template(d)) => report_once(&mut errors, d),
            Err(JobFailure::Write(d)) => {
                write_error.get_or_insert(d);
            }
            Err(JobFailure::NotTried) => {}
        }
    }
    errors.extend(write_error);
    if !errors.is_empty() {
        return Err(errors);
    }
    rendered.sort();
    Ok(RenderedSite { outputs, rendered })
}

/// What `get_page`, `get_section` and `get_taxonomy*` read, built only
/// for a site whose templates call them.
fn site_index(
    site: &Site,
    config: &Config,
    templates: &Templates,
) -> Option<std::sync::Arc<site_functions::SiteIndex>> {
    templates
        .outputs_read(crate::templates::Reads::Site)
        .then(|| std::sync::Arc::new(site_functions::SiteIndex::new(site, config)))
}

/// Every job's output, in parallel.
fn render_jobs(
    jobs: &[Job],
    input: &RenderInputs,
    ledger: &Ledger,
) -> Vec<Result<(Output, bool), JobFailure>> {
    // After one output could not be written (a full disk, above all), the
    // others would fail alike: one error, not one per output.
    let write_failed = AtomicBool::new(false);
    jobs.par_iter()
        .map(|job| {
            if write_failed.load(Ordering::Relaxed) {
                return Err(JobFailure::NotTried);
            }
            render_job(job, input, ledger).inspect_err(|failure| {
                if matches!(failure, JobFailure::Write(_)) {
                    write_failed.store(true, Ordering::Relaxed);
                }
            })
        })
        .collect()
}

/// Why a job gave no output.
enum JobFailure {
    /// Its template failed.
    Template(Diagnostic),
    /// Its bytes could not be written to the staging folder.
    Write(Diagnostic),
    /// Not rendered: an earlier output could not be written.
    NotTried,
}

/// The error for an output that could not be written to the staging folder.
fn write_failure(origin: &str, file: &str, e: &std::io::Error) -> Diagnostic {
    let why = if e.kind() == std::io::ErrorKind::StorageFull {
        format!("the disk is full ({e})")
    } else {
        e.to_string()
    };
    Diagnostic::new(
        origin,
        None,
        format!(
            "cannot write /{file} to the staging folder: {why}; the build stopped there \
             and the previous output is untouched"
        ),
    )
}

/// One output, and whether it was rendered (rather than reused).
fn render_job(
    job: &Job,
    input: &RenderInputs,
    ledger: &Ledger,
) -> Result<(Output, bool), JobFailure> {
    let signature = job.signature(input);
    let file = crate::urlpath::output_file(&job.path);
    if let Some(data) = ledger.reuse(&file, signature) {
        let output = Output {
            path: file,
            data,
            origin: job.origin.clone(),
            signature: Some(signature),
        };
        return Ok((output, false));
    }
    let html =
        render_template(input.templates, job, &job.context(input)).map_err(JobFailure::Template)?;
    let data = ledger
        .keep(&file, html.into_bytes())
        .map_err(|e| JobFailure::Write(write_failure(&job.origin, &file, &e)))?;
    let output = Output {
        path: file,
        data,
        origin: job.origin.clone(),
        signature: Some(signature),
    };
    Ok((output, true))
}

/// One broken template fails every page that uses it: report it once.
fn report_once(errors: &mut Vec<Diagnostic>, d: Diagnostic) {
    let cause = |m: &str| m.split(" (rendering ").next().unwrap_or(m).to_string();
    let known = errors
        .iter()
        .any(|e| e.path == d.path && e.line == d.line && cause(&e.message) == cause(&d.message));
    if !known {
        errors.push(d);
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::fs;

    use super::*;
    use crate::build::{BuildOptions, Session};

    /// A small blog: three tagged posts paginated by two, one with an
    /// alias, and listing templates that read titles but not bodies.
    fn blog() -> (tempfile::TempDir, Session) {
        let dir = tempfile::tempdir().unwrap();
        let write = |rel: &str, text: &str| {
            let path = dir.path().join(rel);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, text).unwrap();
        };
        write(
            "ssg.toml",
            "title = \"T\"\nbase_url = \"https://example.org\"\n[build]\npaginate_by = 2\n",
        );
        write("content/blog/_index.md", "+++\ntitle = \"Blog\"\n+++\n");
        for (n, tags) in [(1, "[\"a\"]"), (2, "[\"a\", \"b\"]"), (3, "[\"b\"]")] {
            let alias = if n == 1 {
                "aliases = [\"old/one\"]\n"
            } else {
                ""
            };
            write(
                &format!("content/blog/post-{n}.md"),
                &format!(
                    "+++\ntitle = \"Post {n}\"\ndate = 2024-01-0{n}\ntags = {tags}\n{alias}+++\nSummary {n}.\n\nBody {n}.\n"
                ),
            );
        }
        let titles = "{% for p in paginator.pages %}{{ p.title }}{% endfor %}";
        write("templates/section.html", titles);
        write("templates/index.html", titles);
        write("templates/tag.html", titles);
        let session = Session::load(dir.path(), &BuildOptions::default()).unwrap();
        (dir, session)
    }

    /// Every job's path with its template and signature.
    fn planned(session: &mut Session) -> BTreeMap<String, (String, u64)> {
        let (site, config, templates, memory) = session.render_parts();
        let input = RenderInputs::new(site, config, templates, memory.refresh(site, config));
        plan(&input)
            .iter()
            .map(|job| {
                (
                    job.path.clone(),
                    (job.template.clone(), job.signature(&input)),
                )
            })
            .collect()
    }

    fn edit(dir: &tempfile::TempDir, session: &mut Session, rel: &str, from: &str, to: &str) {
        let path = dir.path().join("content").join(rel);
        let text = fs::read_to_string(&path).unwrap().replace(from, to);
        fs::write(&path, text).unwrap();
        session.update_pages(&[rel.to_string()]).unwrap();
    }

    #[test]
    fn the_plan_has_one_job_per_output_of_each_kind() {
        let (_dir, mut session) = blog();
        let jobs = planned(&mut session);
        let template = |path: &str| jobs.get(path).map(|(t, _)| t.as_str());
        assert_eq!(template("/blog/post-1/"), Some("page.html"));
        assert_eq!(template("/blog/"), Some("section.html"));
        assert_eq!(template("/blog/page/2/"), Some("section.html"));
        assert_eq!(template("/blog/page/1/"), Some("alias.html"));
        assert_eq!(template("/tags/"), Some("tags.html"));
        assert_eq!(template("/tags/a/"), Some("tag.html"));
        assert_eq!(template("/tags/a/atom.xml"), Some("atom.xml"));
        assert_eq!(template("/tags/a/page/1/"), None, "one pager: no redirect");
        assert_eq!(template("/atom.xml"), Some("atom.xml"));
        assert_eq!(template("/sitemap.xml"), Some("sitemap.xml"));
        assert_eq!(template("/robots.txt"), Some("robots.txt"));
        assert_eq!(template("/404.html"), Some("404.html"));
        assert_eq!(template("/old/one/"), Some("alias.html"));
    }

    #[test]
    fn signatures_follow_what_each_template_reads() {
        let (dir, mut session) = blog();
        let before = planned(&mut session);
        edit(
            &dir,
            &mut session,
            "blog/post-3.md",
            "Body 3.",
            "Body three.",
        );
        let body_edit = planned(&mut session);
        let changed = |after: &BTreeMap<String, (String, u64)>| -> Vec<String> {
            after
                .iter()
                .filter(|(path, (_, sig))| before.get(*path).map(|(_, s)| s) != Some(sig))
                .map(|(path, _)| path.clone())
                .collect()
        };
        // Below the summary: the listings read titles only; the feeds show bodies.
        assert_eq!(
            changed(&body_edit),
            ["/atom.xml", "/blog/post-3/", "/tags/b/atom.xml"]
        );
        edit(&dir, &mut session, "blog/post-3.md", "Post 3", "Third");
        let title_edit = changed(&planned(&mut session));
        for path in ["/blog/", "/tags/b/", "/tags/b/atom.xml", "/sitemap.xml"] {
            assert!(
                title_edit.contains(&path.to_string()),
                "{path}: {title_edit:?}"
            );
        }
        // Post 2 shows post 3's title as its `later` neighbour, so what lists
        // post 2 changes too; post 1 and what reads no page do not.
        for path in ["/blog/post-1/", "/robots.txt", "/old/one/"] {
            assert!(
                !title_edit.contains(&path.to_string()),
                "{path}: {title_edit:?}"
            );
        }
    }

    #[test]
    fn listings_carry_pages_and_bodies_only_for_templates_that_read_them() {
        let (dir, _) = blog();
        let bodies = "{% for p in section.pages %}[{{ p.content | safe }}]{% endfor %}";
        fs::write(dir.path().join("templates/section.html"), bodies).unwrap();
        let mut session = Session::load(dir.path(), &BuildOptions::default()).unwrap();
        let (site, config, templates, memory) = session.render_parts();
        let input = RenderInputs::new(site, config, templates, memory.refresh(site, config));
        let jobs = plan(&input);
        let job = |path: &str| jobs.iter().find(|j| j.path == path).unwrap();
        let blog = job("/blog/");
        let html = templates
            .tera
            .render(&blog.template, &blog.context(&input))
            .unwrap();
        assert!(html.contains("<p>Body 3.</p>"), "{html}");
        // The home page lists its pager's titles: no page HTML, and no
        // list of every page.
        let home = job("/").context(&input);
        let listed = home.get("paginator").unwrap();
        assert!(listed.get_from_path("pages.0.title").is_some());
        assert!(listed.get_from_path("pages.0.content").is_none());
        let section = home.get("section").unwrap();
        assert!(section.get_from_path("title").is_some());
        assert!(section.get_from_path("pages").is_none());
        // A page's own output shows its HTML.
        let page = job("/blog/post-1/").context(&input);
        let content = page.get("page").unwrap().get_from_path("content");
        assert!(
            content
                .and_then(|c| c.as_str())
                .is_some_and(|c| c.contains("Body 1."))
        );
    }

    #[test]
    fn a_page_rendered_alone_has_the_bytes_of_the_whole_render() {
        let (dir, _) = blog();
        let page = "{{ page.title }}|{{ page.content | safe }}|\
                    {% if page.earlier %}{{ page.earlier.title }}{% endif %}|\
                    {% if page.later %}{{ page.later.title }}{% endif %}|\
                    {{ page.tags | length }}|{{ current_url }}|{{ config.title }}";
        fs::write(dir.path().join("templates/page.html"), page).unwrap();
        fs::write(dir.path().join("templates/404.html"), "404").unwrap();
        fs::write(dir.path().join("templates/tags.html"), "tags").unwrap();
        let mut session = Session::load(dir.path(), &BuildOptions::default()).unwrap();
        edit(
            &dir,
            &mut session,
            "blog/post-2.md",
            "Body 2.",
            "Body 2, edited.",
        );
        let whole = session.render().unwrap();
        let file = "blog/post-2/index.html";
        let rendered = whole.outputs.iter().find(|o| o.path == file).unwrap();
        let crate::output::OutputData::Packed(whole_bytes) = &rendered.data else {
            panic!("a session in memory keeps its outputs' bytes, packed");
        };
        let alone = session.render_pages_alone(&["blog/post-2.md".to_string()]);
        assert_eq!(alone.len(), 1);
        assert_eq!(alone[0].0, file);
        assert_eq!(alone[0].1, whole_bytes.bytes());
        let text = String::from_utf8_lossy(&alone[0].1);
        assert!(
            text.ends_with(
                "Body 2, edited.</p>\n|Post 1|Post 3|2|https://example.org/blog/post-2/|T"
            ),
            "{text}"
        );
    }

    #[test]
    fn each_kind_gives_its_template_what_it_reads() {
        let (_dir, mut session) = blog();
        let (site, config, templates, memory) = session.render_parts();
        let input = RenderInputs::new(site, config, templates, memory.refresh(site, config));
        let expected = [
            ("/blog/post-1/", &["page"][..]),
            ("/blog/", &["section", "paginator"]),
            ("/tags/a/", &["tag", "paginator"]),
            ("/tags/", &["tags"]),
            ("/atom.xml", &["feed"]),
            ("/sitemap.xml", &["entries"]),
            ("/old/one/", &["target"]),
        ];
        let jobs = plan(&input);
        for (path, keys) in expected {
            let job = jobs.iter().find(|j| j.path == path).unwrap();
            let ctx = job.context(&input);
            for key in keys
                .iter()
                .chain(&["config", "current_path", "current_url", "lang"])
            {
                assert!(ctx.contains_key(key), "{path} lacks {key}");
            }
        }
        let alias = jobs.iter().find(|j| j.path == "/old/one/").unwrap();
        assert_eq!(
            alias.context(&input).get("target").and_then(|v| v.as_str()),
            Some("https://example.org/blog/post-1/")
        );
    }
}
