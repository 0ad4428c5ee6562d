//! The build cache (`.ssg-cache/`) and in-place updates of `public/`: a
//! cached build must give exactly the bytes an uncached one gives, touch
//! only what changed, and survive a damaged cache or a hand-edited output.

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use crate::support::command::{executable_command, run, ssg_bin};
use crate::support::{Site, post, snapshot};

fn sample() -> Site {
    Site::new()
        .file(
            "content/blog/a.md",
            &post(
                "A",
                "2024-01-01",
                &["x", "y z"],
                "Text with a [link to b](b.md).\n\n```rust\nfn a() -> u8 { 1 }\n```\n",
            ),
        )
        .file(
            "content/blog/b.md",
            &post("B", "2024-01-02", &["x"], "More, [back to a](@/blog/a.md)."),
        )
        .file(
            "content/blog/c/index.md",
            &post("C", "2024-01-03", &["y z"], "![i](i.svg)"),
        )
        .file("content/blog/c/i.svg", "<svg/>")
        .file("content/about.md", "---\ntitle: About\n---\nHi\n")
        .file("static/s.txt", "s")
}

/// Builds with the cache into `public/` and without it into a fresh
/// folder, and requires the two to be the same files with the same bytes.
/// Returns the cached build's stderr (`-v`).
fn build_both_and_compare(site: &Site, step: &str) -> String {
    let cached = site.run(&["-v", "build"]);
    cached.success();
    let fresh = tempfile::tempdir().unwrap();
    let fresh_out = fresh.path().join("out");
    site.run(&["build", "--no-cache", "-o", fresh_out.to_str().unwrap()])
        .success();
    // Top-level dot-entries in the output are the user's and kept.
    let mut got = snapshot(&site.root().join("public"));
    got.retain(|(path, _)| !path.to_string_lossy().starts_with('.'));
    let want = snapshot(&fresh_out);
    let names = |s: &[(PathBuf, Vec<u8>)]| s.iter().map(|f| f.0.clone()).collect::<Vec<_>>();
    assert_eq!(names(&got), names(&want), "{step}: different files");
    for ((path, a), (_, b)) in got.iter().zip(&want) {
        assert!(
            a == b,
            "{step}: {} differs from an uncached build:\n--- cached\n{}\n--- uncached\n{}",
            path.display(),
            String::from_utf8_lossy(a),
            String::from_utf8_lossy(b)
        );
    }
    cached.stderr.clone()
}

fn edit(site: &Site, rel: &str, from: &str, to: &str) {
    let path = site.root().join(rel);
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{rel} has no {from:?}");
    fs::write(path, text.replace(from, to)).unwrap();
}

#[test]
fn cached_builds_give_the_bytes_of_uncached_builds_through_a_series_of_edits() {
    let site = sample();
    let first = build_both_and_compare(&site, "first build");
    assert!(
        first.contains("Markdown of 0 of 4 pages from the cache"),
        "{first}"
    );

    let again = build_both_and_compare(&site, "no change");
    assert!(
        again.contains("Markdown of 4 of 4 pages from the cache"),
        "{again}"
    );
    assert!(again.contains("0 files written, 0 removed"), "{again}");

    edit(&site, "content/blog/a.md", "Text with", "Edited text with");
    build_both_and_compare(&site, "body edit");

    edit(
        &site,
        "content/blog/b.md",
        "title: \"B\"",
        "title: \"B renamed\"",
    );
    build_both_and_compare(&site, "title edit (listed on a, tags, feeds)");

    // a.md did not change, but its link to b.md must follow b's new URL.
    edit(&site, "content/blog/b.md", "---\n\n", "slug: bee\n---\n\n");
    build_both_and_compare(&site, "link target moved");
    assert!(site.read("public/blog/a/index.html").contains("/blog/bee/"));

    site.write(
        "content/blog/d.md",
        post("D", "2024-02-01", &["new tag"], "Links to [c](c/index.md).").as_bytes(),
    );
    build_both_and_compare(&site, "new post with a new tag");

    fs::remove_dir_all(site.root().join("content/blog/c")).unwrap();
    fs::write(
        site.root().join("content/blog/d.md"),
        post("D", "2024-02-01", &["new tag"], "No links now."),
    )
    .unwrap();
    build_both_and_compare(&site, "bundle with asset removed");
    assert!(!site.exists("public/blog/c"));

    site.write("static/s.txt", b"s, changed");
    build_both_and_compare(&site, "static file changed");

    site.write(
        "templates/page.html",
        b"<h1>{{ page.title }}</h1>{{ page.content | safe }}",
    );
    build_both_and_compare(&site, "page template overridden");

    edit(&site, "ssg.toml", "Test site", "Renamed site");
    build_both_and_compare(&site, "config changed");

    // Hand edits in the output are undone, strays removed, dot-entries kept.
    site.write("public/blog/a/index.html", b"tampered");
    site.write("public/stray/file.html", b"stray");
    site.write("public/.well-known/security.txt", b"kept");
    fs::remove_file(site.root().join("public/about/index.html")).unwrap();
    build_both_and_compare(&site, "output edited by hand");
    assert_eq!(site.read("public/.well-known/security.txt"), "kept");
}

/// Inode and modification time of every output file.
fn identities(dir: &Path) -> BTreeMap<String, (u64, i64, i64)> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let m = e.metadata().unwrap();
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (rel, (m.ino(), m.mtime(), m.mtime_nsec()))
        })
        .collect()
}

/// Output files that are new or were written again between two listings.
fn changed_between(
    before: &BTreeMap<String, (u64, i64, i64)>,
    after: &BTreeMap<String, (u64, i64, i64)>,
) -> Vec<String> {
    after
        .iter()
        .filter(|(path, id)| before.get(*path) != Some(id))
        .map(|(path, _)| path.clone())
        .collect()
}

#[test]
fn a_warm_build_writes_only_the_outputs_an_edit_reaches() {
    let site = sample().file(
        "content/blog/e.md",
        &post("E", "2023-01-01", &["other"], "Summary.\n\nOld."),
    );
    site.run(&["build"]).success();
    let before = identities(&site.root().join("public"));
    edit(&site, "content/blog/e.md", "Old.", "Old, edited.");
    let run = site.run(&["-v", "build"]);
    run.success();
    let after = identities(&site.root().join("public"));
    let changed = changed_between(&before, &after);
    // The page itself and the feeds that carry its body; nothing else
    // (listings show titles and summaries only in the default theme, and
    // the summary is the unchanged first paragraph).
    assert!(
        changed.contains(&"blog/e/index.html".to_string()),
        "{changed:?}"
    );
    for untouched in [
        "blog/a/index.html",
        "about/index.html",
        "s.txt",
        "style.css",
    ] {
        assert!(
            !changed.iter().any(|c| c.as_str() == untouched),
            "{untouched} rewritten: {changed:?}"
        );
    }
    assert_eq!(
        changed,
        ["atom.xml", "blog/e/index.html", "tags/other/atom.xml"],
        "{}",
        run.stderr
    );
    assert_eq!(before.len(), after.len());
    assert!(
        run.stderr
            .contains(&format!("{} files written, 0 removed", changed.len())),
        "{}",
        run.stderr
    );
}

/// How many output folders a `-v` build says it read.
fn folders_read(stderr: &str) -> usize {
    let line = (stderr.lines())
        .find(|l| l.contains("listed the output folder"))
        .unwrap_or_else(|| panic!("no listing in:\n{stderr}"));
    let before = line.split(" folder(s) read").next().unwrap_or_default();
    let count = before.rsplit(' ').next().unwrap_or_default();
    count
        .parse()
        .unwrap_or_else(|_| panic!("no count in {line}"))
}

#[test]
fn a_warm_build_reads_only_the_output_folders_the_last_build_wrote_in() {
    let site = sample().file(
        "content/blog/e.md",
        &post("E", "2023-01-01", &["other"], "Summary.\n\nOld."),
    );
    // A folder changed within 100 ms of a listing is read again by the
    // next one (it could change again within its clock's tick).
    let settle = || std::thread::sleep(std::time::Duration::from_millis(250));
    site.run(&["build"]).success();
    settle();
    let first = site.run(&["-v", "build"]);
    first.success();
    let all = folders_read(&first.stderr);
    assert!(all > 5, "{}", first.stderr);
    settle();
    let again = site.run(&["-v", "build"]);
    again.success();
    assert_eq!(folders_read(&again.stderr), 0, "{}", again.stderr);

    edit(&site, "content/blog/e.md", "Old.", "Old, edited.");
    settle();
    let edited = site.run(&["-v", "build"]);
    edited.success();
    assert_eq!(folders_read(&edited.stderr), 0, "{}", edited.stderr);
    settle();
    // The folders the edit's files were renamed into: the root (atom.xml),
    // blog/e and tags/other.
    let after = site.run(&["-v", "build"]);
    after.success();
    assert_eq!(folders_read(&after.stderr), 3, "{}", after.stderr);

    // A file put in by hand is found, and removed as no output's.
    std::fs::write(site.root().join("public/blog/stray.html"), "x").unwrap();
    settle();
    let stray = site.run(&["-v", "build"]);
    stray.success();
    assert!(!site.root().join("public/blog/stray.html").exists());
}

#[test]
fn a_damaged_cache_is_ignored() {
    let site = sample();
    site.run(&["build"]).success();
    let cache = site.root().join(".ssg-cache");
    let pack = cache.join("markdown.pack");
    let len = fs::metadata(&pack).unwrap().len() as usize;
    // Same length, other bytes: every entry fails to decode or to match.
    fs::write(&pack, vec![0xA5u8; len]).unwrap();
    edit(&site, "content/blog/a.md", "Text with", "Changed text with");
    build_both_and_compare(&site, "garbage pack");

    // A truncated pack and an unreadable output record.
    let len = fs::metadata(&pack).unwrap().len();
    fs::OpenOptions::new()
        .write(true)
        .open(&pack)
        .unwrap()
        .set_len(len / 2)
        .unwrap();
    for entry in fs::read_dir(&cache).unwrap() {
        let path = entry.unwrap().path();
        if path
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("outputs-")
        {
            fs::write(path, b"not a record").unwrap();
        }
    }
    edit(&site, "content/blog/b.md", "More", "Much more");
    build_both_and_compare(&site, "truncated pack, garbage record");

    fs::write(cache.join("markdown.index"), b"\xff\xff\xff").unwrap();
    build_both_and_compare(&site, "garbage index");
}

#[test]
fn no_cache_builds_leave_no_cache_folder() {
    let site = sample();
    site.run(&["build", "--no-cache"]).success();
    assert!(site.exists("public/index.html"));
    assert!(!site.exists(".ssg-cache"));
}

#[test]
fn a_failed_build_with_the_cache_leaves_public_as_it_was() {
    let site = sample();
    site.run(&["build"]).success();
    let before = snapshot(&site.root().join("public"));
    site.write("content/blog/a.md", b"---\ntitle: [unclosed\n---\nbody\n");
    site.run(&["build"]).failure();
    assert_eq!(before, snapshot(&site.root().join("public")));
    // Once fixed, the next build picks up from there.
    site.write(
        "content/blog/a.md",
        post("A", "2024-01-01", &["x"], "Fixed.").as_bytes(),
    );
    build_both_and_compare(&site, "after a failed build");
}

#[test]
fn a_template_edit_rewrites_only_the_files_whose_bytes_change() {
    let site = sample().file(
        "templates/page.html",
        "<h1>{{ page.title }}</h1>{{ page.content | safe }}",
    );
    site.run(&["build"]).success();
    let before = identities(&site.root().join("public"));

    // A comment changes no output: nothing is written.
    site.write(
        "templates/page.html",
        b"<h1>{{ page.title }}</h1>{# why #}{{ page.content | safe }}",
    );
    let run = site.run(&["-v", "build"]);
    run.success();
    assert!(
        run.stderr.contains("0 files written, 0 removed"),
        "{}",
        run.stderr
    );
    assert_eq!(before, identities(&site.root().join("public")));

    // A visible change rewrites the pages and nothing else.
    site.write(
        "templates/page.html",
        b"<h1 class=t>{{ page.title }}</h1>{{ page.content | safe }}",
    );
    build_both_and_compare(&site, "page template changed");
    let after = identities(&site.root().join("public"));
    let changed = changed_between(&before, &after);
    assert_eq!(
        changed,
        [
            "about/index.html",
            "blog/a/index.html",
            "blog/b/index.html",
            "blog/c/index.html"
        ]
    );
}

#[test]
fn check_fills_the_cache_that_build_then_reads() {
    let site = sample();
    site.run(&["check"]).success();
    let run = site.run(&["-v", "build"]);
    run.success();
    assert!(
        run.stderr
            .contains("Markdown of 4 of 4 pages from the cache"),
        "{}",
        run.stderr
    );
}

/// How many pages a `-v` build says came from the Markdown cache.
fn markdown_hits(stderr: &str) -> &str {
    let line = (stderr.lines())
        .find(|l| l.contains("pages from the cache"))
        .unwrap_or_else(|| panic!("no Markdown cache line in:\n{stderr}"));
    line.trim_start_matches(|c: char| !c.is_ascii_digit())
}

// Issue 29: the cache was keyed by the executable, so every new build of
// ssg highlighted every page again. A copy of the executable stands for a
// new build of the same code: another file, written at another time.
#[test]
fn another_build_of_the_same_ssg_reuses_the_rendered_markdown() {
    let site = sample();
    site.run(&["build"]).success();
    let bin = tempfile::tempdir().unwrap();
    let copy = bin.path().join("ssg");
    fs::copy(ssg_bin(), &copy).unwrap();
    let warm = run(executable_command(&copy, site.root(), &["-v", "build"]));
    warm.success();
    assert!(
        markdown_hits(&warm.stderr).starts_with("4 of 4 pages"),
        "{}",
        warm.stderr
    );
    build_both_and_compare(&site, "another executable");
}

/// A page that calls shortcodes is read from the cache like any other
/// while nothing it reads changed, and rendered again when its own values
/// (which its shortcodes see as `page`) change.
#[test]
fn pages_with_shortcodes_come_from_the_cache_until_their_values_change() {
    let site = Site::new()
        .file(
            "templates/shortcodes/whose.html",
            "<span>{{ page.title }} by {{ who }}</span>",
        )
        .file(
            "content/blog/a.md",
            "---\ntitle: A\n---\n{{ whose(who=\"me\") }}\n\n{% note(title=\"N\") %}\nA note.\n{% end %}\n",
        )
        .file("content/blog/b.md", "---\ntitle: B\n---\nNo calls.\n");
    let run = |args: &[&str]| {
        let run = site.run(args);
        run.success();
        run.stderr
    };
    let first = run(&["-v", "build"]);
    assert!(
        first.contains("Markdown of 0 of 2 pages from the cache"),
        "{first}"
    );
    let again = run(&["-v", "build"]);
    assert!(
        again.contains("Markdown of 2 of 2 pages from the cache"),
        "{again}"
    );
    edit(&site, "content/blog/a.md", "title: A", "title: A renamed");
    let renamed = run(&["-v", "build"]);
    assert!(
        renamed.contains("Markdown of 1 of 2 pages from the cache"),
        "{renamed}"
    );
    assert!(
        site.read("public/blog/a/index.html")
            .contains("<span>A renamed by me</span>"),
        "the shortcode saw the old title"
    );
}
