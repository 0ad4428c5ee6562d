//! Writing the output: staging + swap, dot-entries kept, determinism.

use std::fs;

use crate::support::{Site, post, run_in, snapshot};

fn sample() -> Site {
    Site::new()
        .file(
            "content/blog/a.md",
            &post(
                "A",
                "2024-01-01",
                &["x", "y z"],
                "Text with `code` and ```\n```rust\nfn a() {}\n```\n",
            ),
        )
        .file(
            "content/blog/b.md",
            &post("B", "2024-01-02", &["x"], "More [link](a.md)."),
        )
        .file(
            "content/blog/c/index.md",
            &post("C", "2024-01-03", &["y z"], "![i](i.svg)"),
        )
        .file("content/blog/c/i.svg", "<svg/>")
        .file(
            "content/about.md",
            "---\ntitle: About\nextra:\n  b: 2\n  a: 1\n  c: [3, 2]\n---\nHi\n",
        )
        .file("static/s.txt", "s")
}

#[test]
fn two_builds_are_byte_identical() {
    let site = sample();
    site.run(&["build"]).success();
    let first = snapshot(&site.root().join("public"));
    site.run(&["build"]).success();
    assert_eq!(first, snapshot(&site.root().join("public")));

    // A copy of the same input elsewhere gives the same bytes too.
    let other = sample();
    other.run(&["build"]).success();
    assert_eq!(first, snapshot(&other.root().join("public")));
}

#[test]
fn dot_entries_of_the_old_output_are_kept_and_stale_files_go() {
    let site = sample();
    site.run(&["build"]).success();
    site.write("public/.git/HEAD", b"ref: refs/heads/gh-pages\n");
    site.write("public/.nojekyll", b"");
    site.write("public/stale.html", b"old");
    site.run(&["build"]).success();
    assert_eq!(site.read("public/.git/HEAD"), "ref: refs/heads/gh-pages\n");
    assert!(site.exists("public/.nojekyll"));
    assert!(!site.exists("public/stale.html"));
    assert!(site.exists("public/blog/a/index.html"));
}

#[test]
fn output_flag_writes_elsewhere_and_leaves_no_staging_behind() {
    let site = sample();
    let out = tempfile::tempdir().unwrap();
    let target = out.path().join("site");
    site.run(&["build", "-o", target.to_str().unwrap()])
        .success();
    assert!(target.join("index.html").exists());
    assert!(!site.exists("public"));
    let names: Vec<String> = fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["site"]);
}

#[test]
fn build_from_a_subfolder_finds_the_root() {
    let site = sample();
    run_in(&site.root().join("content/blog"), &["build"]).success();
    assert!(site.exists("public/index.html"));
}

/// Found at 100,000 posts on a disk that filled up: every output failed
/// alike, and the build printed 49,224 errors, one per output.
#[test]
fn an_output_folder_that_cannot_be_written_is_one_error_and_keeps_nothing() {
    let site = sample();
    let out = tempfile::tempdir().unwrap();
    let blocker = out.path().join("a-file");
    fs::write(&blocker, "not a folder").unwrap();
    let target = blocker.join("public");
    let run = site.run(&["build", "-o", target.to_str().unwrap()]);
    run.failure();
    let errors: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("error:"))
        .collect();
    assert_eq!(errors.len(), 1, "{}", run.stderr);
    assert!(
        errors[0].contains("cannot write /") && errors[0].contains("the build stopped there"),
        "{}",
        errors[0]
    );
    assert_eq!(fs::read_to_string(&blocker).unwrap(), "not a folder");
}
