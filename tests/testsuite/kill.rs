//! A kill at any moment: `ssg build` is SIGKILLed at a spread of moments
//! through a cold build, an in-place rebuild (every page changed) and an
//! uncached rebuild over an existing site. Afterwards every file of the
//! output folder is complete and is either the old site's or the new
//! one's; the next build succeeds, leaves nothing of the killed one behind
//! (no temporary file, no staging folder) and gives exactly the bytes of a
//! clean build.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::{Site, post, snapshot};

type Files = BTreeMap<PathBuf, Vec<u8>>;

const POSTS: usize = 150;
/// Kill points, as fractions of an unkilled run of the same command.
const KILL_AT: &[f64] = &[0.05, 0.2, 0.4, 0.6, 0.75, 0.9, 1.0];

fn config(title: &str) -> String {
    format!("title = \"{title}\"\nbase_url = \"https://example.com\"\ntheme = \"default\"\n")
}

fn blog() -> Site {
    let mut site = Site::with_config(&config("Old title"));
    for i in 0..POSTS {
        let body = format!(
            "Post {i} text.\n\n```rust\nfn main() {{\n    let x = {i};\n    println!(\"{{x}}\");\n}}\n```\n\n<!-- more -->\n\nMore words for post {i}.\n"
        );
        let date = format!("2020-{:02}-{:02}", i % 12 + 1, i % 28 + 1);
        site = site.file(
            &format!("content/blog/post-{i:03}.md"),
            &post(&format!("Post {i}"), &date, &["a", "b"], &body),
        );
    }
    site
}

fn files(dir: &Path) -> Files {
    snapshot(dir).into_iter().collect()
}

/// `ssg ARGS` with its output dropped: these runs are judged by their files.
fn ssg(site: &Site, args: &[&str]) -> Command {
    let mut cmd = site.command(args);
    cmd.stdout(Stdio::null()).stderr(Stdio::null());
    cmd
}

/// Runs to the end and returns how long it took.
fn timed(site: &Site, args: &[&str]) -> Duration {
    let started = Instant::now();
    let status = ssg(site, args).status().expect("run ssg");
    assert!(status.success(), "ssg {args:?} failed");
    started.elapsed()
}

/// Starts `ssg build`, SIGKILLs it after `after`; whether it was still running.
fn kill_after(site: &Site, args: &[&str], after: Duration) -> bool {
    let mut child = ssg(site, args).spawn().expect("spawn ssg");
    std::thread::sleep(after);
    let running = child.try_wait().expect("poll").is_none();
    let _ = child.kill();
    let _ = child.wait();
    running
}

/// The site built clean with `title`, in a folder of its own.
fn reference(site: &Site, title: &str, name: &str) -> Files {
    site.write("ssg.toml", config(title).as_bytes());
    let out = site.root().join(name);
    let status = ssg(
        site,
        &["build", "--no-cache", "-o", out.to_str().expect("utf-8")],
    )
    .status()
    .expect("run");
    assert!(status.success());
    files(&out)
}

/// Every file in `public` is a complete file of the old or the new site;
/// temporary files of an interrupted in-place write are allowed.
fn each_file_old_or_new(public: &Path, old: &Files, new: &Files, when: &str) {
    for (rel, bytes) in files(public) {
        let name = rel.to_string_lossy();
        if name.contains(".ssg-new-") {
            continue;
        }
        let known = old.get(&rel) == Some(&bytes) || new.get(&rel) == Some(&bytes);
        assert!(
            known,
            "{when}: {name} is neither the old nor the new file ({} bytes)",
            bytes.len()
        );
    }
}

/// After a clean finishing build: exactly the new site, and nothing the
/// killed build left beside it.
fn converged(site: &Site, new: &Files, when: &str) {
    let status = ssg(site, &["build"]).status().expect("run");
    assert!(status.success(), "{when}: the next build failed");
    assert!(
        files(&site.root().join("public")) == *new,
        "{when}: the next build differs from a clean one"
    );
    let leftovers: Vec<String> = std::fs::read_dir(site.root())
        .expect("read site")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".public."))
        .collect();
    assert!(leftovers.is_empty(), "{when}: left behind {leftovers:?}");
}

fn kill_points(full: Duration) -> impl Iterator<Item = Duration> {
    KILL_AT.iter().map(move |f| full.mul_f64(*f))
}

#[test]
fn a_killed_cold_build_leaves_no_site_or_the_whole_new_one() {
    let site = blog();
    let new = reference(&site, "Old title", "ref");
    let full = timed(&site, &["build"]);
    for at in kill_points(full) {
        let _ = std::fs::remove_dir_all(site.root().join("public"));
        let _ = std::fs::remove_dir_all(site.root().join(".ssg-cache"));
        let when = format!("cold build killed after {at:?} of {full:?}");
        kill_after(&site, &["build"], at);
        let public = site.root().join("public");
        if public.exists() {
            assert!(files(&public) == new, "{when}: a partial site in public/");
        }
        converged(&site, &new, &when);
    }
}

#[test]
fn a_killed_rebuild_leaves_complete_old_or_new_files() {
    let site = blog();
    let old = reference(&site, "Old title", "ref-old");
    let new = reference(&site, "New title", "ref-new");
    // An in-place update rewrites every page (the title is on each); an
    // uncached one swaps a whole new folder in.
    for (args, kind) in [
        (&["build"][..], "in-place"),
        (&["build", "--no-cache"][..], "uncached"),
    ] {
        site.write("ssg.toml", config("Old title").as_bytes());
        timed(&site, &["build"]);
        site.write("ssg.toml", config("New title").as_bytes());
        let full = timed(&site, args);
        for at in kill_points(full) {
            site.write("ssg.toml", config("Old title").as_bytes());
            timed(&site, &["build"]);
            assert!(files(&site.root().join("public")) == old);
            site.write("ssg.toml", config("New title").as_bytes());
            let when = format!("{kind} rebuild killed after {at:?} of {full:?}");
            kill_after(&site, args, at);
            each_file_old_or_new(&site.root().join("public"), &old, &new, &when);
            converged(&site, &new, &when);
        }
    }
}
