//! The command line: help, exit codes, init, new, check, completions.

use crate::support::{Site, post, run_in};

#[test]
fn help_lists_the_commands() {
    let dir = tempfile::tempdir().unwrap();
    let run = run_in(dir.path(), &["--help"]);
    run.success();
    for cmd in ["init", "new", "build", "check", "completions"] {
        assert!(
            run.stdout.contains(cmd),
            "help lacks {cmd}:\n{}",
            run.stdout
        );
    }
}

#[test]
fn usage_errors_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(run_in(dir.path(), &["frobnicate"]).code, 2);
    assert_eq!(run_in(dir.path(), &["build", "--no-such-flag"]).code, 2);
}

#[test]
fn build_outside_a_site_says_how_to_start() {
    let dir = tempfile::tempdir().unwrap();
    let run = run_in(dir.path(), &["build"]);
    run.failure();
    assert!(run.stderr.contains("no ssg.toml"), "{}", run.stderr);
    assert!(run.stderr.contains("ssg init"), "{}", run.stderr);
}

#[test]
fn init_gives_a_site_that_builds_and_checks_clean() {
    let dir = tempfile::tempdir().unwrap();
    run_in(dir.path(), &["init", "blog"]).success();
    let site = dir.path().join("blog");
    let run = run_in(&site, &["build"]);
    run.success();
    assert!(run.stderr.contains("Built 2 pages"), "{}", run.stderr);
    for f in [
        "index.html",
        "blog/hello-world/index.html",
        "about/index.html",
        "atom.xml",
        "style.css",
        "highlight.css",
        "tags/meta/index.html",
    ] {
        assert!(site.join("public").join(f).exists(), "init site lacks {f}");
    }
    let post = std::fs::read_to_string(site.join("public/blog/hello-world/index.html")).unwrap();
    assert!(
        post.contains("<aside class=\"callout callout-note\" role=\"note\"><p class=\"callout-title\">Shortcodes</p>"),
        "the example post shows a shortcode: {post}"
    );
    assert!(
        post.contains("<code>{% note(title=\"…\") %}…{% end %}</code>"),
        "{post}"
    );
    assert!(
        post.contains("<picture><source type=\"image/webp\"")
            && post.contains("width=\"1200\" height=\"600\""),
        "the example post shows a resized picture: {post}"
    );
    run_in(&site, &["check"]).success();
    // A second init must not clobber the site.
    run_in(dir.path(), &["init", "blog"]).failure();
}

#[test]
fn new_writes_a_post_with_title_and_today() {
    let site = Site::new();
    site.run(&["new", "content/blog/my-first_post.md"])
        .success();
    let text = site.read("content/blog/my-first_post.md");
    assert!(
        text.starts_with("---\ntitle: \"My first post\"\ndate: "),
        "{text}"
    );
    let today = chrono::Local::now().format("%Y-%m-%d").to_string();
    assert!(text.contains(&format!("date: {today}")), "{text}");
    site.run(&["build"]).success();
    assert!(site.exists("public/blog/my-first-post/index.html"));
    // Never overwrite.
    site.run(&["new", "content/blog/my-first_post.md"])
        .failure();
}

#[test]
fn check_lists_every_broken_link_and_exits_1_while_build_only_warns() {
    let site = Site::new()
        .file(
            "content/blog/a.md",
            &post(
                "A",
                "2024-01-01",
                &[],
                "[ok](b.md)\n\n[gone](missing.md)\n\n[abs](/nowhere/)\n",
            ),
        )
        .file(
            "content/blog/b.md",
            &post(
                "B",
                "2024-01-02",
                &["t"],
                "![img](nope.png) [tags](/tags/) [home](/)",
            ),
        );
    let run = site.run(&["check"]);
    run.failure();
    assert!(
        run.stderr
            .contains("content/blog/a.md:9: broken link: missing.md"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("content/blog/a.md:11: broken link: /nowhere/"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("content/blog/b.md:7: broken link: nope.png"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("3 broken link(s)"), "{}", run.stderr);
    assert!(!site.exists("public"), "check must not write the site");

    let build = site.run(&["build"]);
    build.success();
    assert!(
        build
            .stderr
            .contains("warning: content/blog/a.md:9: broken link"),
        "{}",
        build.stderr
    );
}

#[test]
fn quiet_prints_nothing_on_success_and_verbose_prints_stages() {
    let site = Site::new().file("content/a.md", "---\ntitle: A\n---\n");
    let quiet = site.run(&["-q", "build"]);
    quiet.success();
    assert_eq!(quiet.stderr, "");
    assert_eq!(quiet.stdout, "");
    let verbose = site.run(&["build", "-v"]);
    verbose.success();
    assert!(
        verbose.stderr.contains("rendered templates"),
        "{}",
        verbose.stderr
    );
}

/// `ssg build -v 2>&1 | head -1`: the reader goes away before ssg is done
/// writing. ssg ends as other tools do (by SIGPIPE, nothing printed), not
/// with a panic about a broken pipe.
#[cfg(unix)]
#[test]
fn a_reader_that_stops_early_ends_the_build_quietly() {
    use std::os::unix::process::ExitStatusExt;
    use std::process::Stdio;
    let site = Site::new().file("content/a.md", "---\ntitle: A\n---\n");
    let mut child = site
        .command(&["build", "-v"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start ssg");
    // The reading end closes before ssg writes its first stage line.
    drop(child.stderr.take());
    let status = child.wait().expect("wait for ssg");
    assert_eq!(status.signal(), Some(libc::SIGPIPE), "{status:?}");
}

#[test]
fn completions_for_bash() {
    let dir = tempfile::tempdir().unwrap();
    let run = run_in(dir.path(), &["completions", "bash"]);
    run.success();
    assert!(run.stdout.contains("_ssg()"), "{}", run.stdout);
}

#[test]
fn base_url_flag_overrides_config() {
    let site = Site::new().file("content/a.md", "---\ntitle: A\n---\n");
    site.run(&["build", "--base-url", "http://127.0.0.1:9/"])
        .success();
    assert!(
        site.read("public/a/index.html")
            .contains("href=\"http://127.0.0.1:9/a/\"")
    );
}
