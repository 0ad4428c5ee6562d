//! `ssg check`: every broken link of the built site is reported, once per
//! place it was written, and nothing else is. One test per class of link.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::support::{CONFIG, Run, Site, post};

/// A one-post site (`content/blog/a.md`, body from line 7) with the default
/// theme, tagged: the theme links to `/tags/`, which only a tagged site has.
fn one_post(body: &str) -> Site {
    Site::new().file("content/blog/a.md", &post("A", "2024-01-01", &["t"], body))
}

/// The lines of the report that name a broken link.
fn broken_lines(run: &Run) -> Vec<&str> {
    run.stderr
        .lines()
        .filter(|l| l.contains(": broken link: "))
        .collect()
}

#[track_caller]
fn assert_reports(run: &Run, expected: &[&str]) {
    run.failure();
    let lines = broken_lines(run);
    assert_eq!(lines.len(), expected.len(), "{}", run.stderr);
    for (line, want) in lines.iter().zip(expected) {
        assert!(
            line.starts_with(want),
            "expected {want}\n got {line}\n{}",
            run.stderr
        );
    }
}

#[test]
fn scheme_links_and_email_autolinks_are_not_internal() {
    let site = one_post(
        "Write to <security@example.org> or [call](tel:+1-555-0100).\n\n\
         ![dot](data:image/png;base64,iVBORw0KGgo=) [js](javascript:void(0)) \
         [chat](irc://irc.example.org/x) [cdn](//cdn.example.org/x.js) \
         <a href=\"mailto:a@example.org\">mail</a>\n",
    );
    let run = site.run(&["check"]);
    run.success();
    assert!(run.stderr.contains("no broken links"), "{}", run.stderr);
    let build = site.run(&["build"]);
    build.success();
    assert!(!build.stderr.contains("broken"), "{}", build.stderr);
}

#[test]
fn raw_html_links_in_content_are_checked_with_their_line() {
    let body = "Intro.\n\n\
        <a href=\"/nope/\">x</a>\n\
        <img src=\"missing.png\" alt=\"\">\n\
        <script src=\"/js/missing.js\"></script>\n\
        <link rel=\"stylesheet\" href=\"/css/missing.css\">\n\
        <img src=\"ok.png\" srcset=\"ok.png 1x, missing-2x.png 2x\" alt=\"\">\n\
        <video><source src=\"/media/missing.webm\"></video>\n\n\
        <a href=\"/blog/\">fine</a> <img src=\"ok.png\" alt=\"\">\n";
    let site = Site::new()
        .file(
            "content/blog/a/index.md",
            &post("A", "2024-01-01", &["t"], body),
        )
        .file("content/blog/a/ok.png", "png");
    let f = "content/blog/a/index.md";
    assert_reports(
        &site.run(&["check"]),
        &[
            &format!("{f}:9: broken link: /nope/ (no page or file at /nope/"),
            &format!("{f}:10: broken link: missing.png (no page or file at /blog/a/missing.png"),
            &format!("{f}:11: broken link: /js/missing.js (no page or file at /js/missing.js"),
            &format!("{f}:12: broken link: /css/missing.css (no page"),
            &format!(
                "{f}:13: broken link: missing-2x.png (no page or file at /blog/a/missing-2x.png"
            ),
            &format!("{f}:14: broken link: /media/missing.webm (no page"),
        ],
    );
}

#[test]
fn template_links_are_reported_with_the_template_and_pages() {
    let page = "{% extends \"base.html\" %}\n\
        {% block content %}\n\
        {{ page.content | safe }}\n\
        <script src=\"/js/gone.js\"></script>\n\
        <a href=\"{{ config.base_url }}/no-such-page/\">x</a>\n\
        {% endblock content %}\n";
    let site = one_post("Body.")
        .file("content/blog/b.md", &post("B", "2024-01-02", &[], "Body."))
        .file("templates/page.html", page);
    assert_reports(
        &site.run(&["check"]),
        &[
            "templates/page.html:4: broken link: /js/gone.js (no page or file at /js/gone.js; on /blog/a/ and 1 more pages)",
            "templates/page.html:5: broken link: https://example.com/no-such-page/ (no page or file at /no-such-page/; on /blog/a/ and 1 more pages)",
        ],
    );
}

#[test]
fn fragments_must_name_an_element_of_the_target() {
    // The first paragraph is the summary shown on listings; it holds no link.
    let a = "Summary.\n\n# Setup\n\n## Custom {#custom}\n\nA note[^note].\n\n\
        <span id=\"raw\"></span><a name=\"named\"></a>\n\n\
        [s](#setup) [c](#custom) [r](#raw) [n](#named) [t](#top) [h](#) \
        [b](b.md#real) [b2](/blog/b/#real) [b3](https://example.com/blog/b/#real)\n\n\
        [bad](#nowhere)\n\n\
        [bad2](b.md#missing-part)\n\n\
        [bad3](/blog/b/#also-missing)\n\n\
        [^note]: The note.\n";
    let site = one_post(a).file(
        "content/blog/b.md",
        &post("B", "2024-01-02", &[], "## Real\n\nText."),
    );
    assert_reports(
        &site.run(&["check"]),
        &[
            "content/blog/a.md:19: broken link: #nowhere (no id=\"nowhere\" on /blog/a/",
            "content/blog/a.md:21: broken link: /blog/b/#missing-part (no id=\"missing-part\" on /blog/b/",
            "content/blog/a.md:23: broken link: /blog/b/#also-missing (no id=\"also-missing\" on /blog/b/",
        ],
    );
}

#[test]
fn links_climbing_above_the_root_are_broken_and_told_where_they_lead() {
    // The file exists at the root, yet the link only reaches it by
    // climbing above the site, which breaks it under a path prefix.
    let site = one_post("Summary.\n\n![logo](../../../../x.svg) ![ok](../../x.svg)")
        .file("static/x.svg", "<svg/>");
    assert_reports(
        &site.run(&["check"]),
        &[
            "content/blog/a.md:9: broken link: ../../../../x.svg (climbs above the site root (a browser reads it as /x.svg)",
        ],
    );
}

#[test]
fn report_is_sorted_one_line_per_place_with_a_count() {
    let site = one_post("[x](/gone/)\n\n[x](/gone/)\n\n[y](/also-gone/)")
        .file("content/about.md", "---\ntitle: About\n---\n[z](/gone/)\n");
    let run = site.run(&["check"]);
    assert_reports(
        &run,
        &[
            "content/about.md:4: broken link: /gone/",
            "content/blog/a.md:7: broken link: /gone/",
            "content/blog/a.md:9: broken link: /gone/",
            "content/blog/a.md:11: broken link: /also-gone/",
        ],
    );
    assert!(
        run.stderr.contains("4 broken link(s) in "),
        "{}",
        run.stderr
    );
}

#[test]
fn json_report_parses() {
    let site = one_post("[x](/gone/)");
    let run = site.run(&["check", "--json"]);
    run.failure();
    let report: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON on stdout");
    let broken = report["broken"].as_array().expect("broken list");
    assert_eq!(broken.len(), 1, "{report}");
    assert_eq!(broken[0]["file"], "content/blog/a.md");
    assert_eq!(broken[0]["line"], 7);
    assert_eq!(broken[0]["url"], "/gone/");
    let pages = broken[0]["pages"].as_array().expect("pages");
    assert!(pages.iter().any(|p| p == "/blog/a/"), "{report}");
    assert!(report["pages"].as_u64().unwrap_or(0) > 0, "{report}");
}

#[test]
fn no_false_alarms_on_the_example_site() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().expect("tempdir");
    for part in ["content", "themes"] {
        copy_tree(&repo.join(part), &dir.path().join(part));
    }
    std::fs::copy(repo.join("ssg.toml"), dir.path().join("ssg.toml")).expect("copy ssg.toml");
    let run = crate::support::run_in(dir.path(), &["check"]);
    run.success();
    assert!(run.stderr.contains("no broken links"), "{}", run.stderr);
}

#[test]
fn no_false_alarms_on_the_benchmark_corpus() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().expect("tempdir");
    let generated = std::process::Command::new("python3")
        .arg(repo.join("bench/gen_corpus.py"))
        .arg("50")
        .arg(dir.path())
        .output()
        .expect("python3 runs bench/gen_corpus.py");
    assert!(generated.status.success(), "{generated:?}");
    let run = crate::support::run_in(&dir.path().join("ssg"), &["check"]);
    run.success();
    assert!(run.stderr.contains("no broken links"), "{}", run.stderr);
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from)
        .into_iter()
        .filter_map(Result::ok)
    {
        let rel = entry.path().strip_prefix(from).expect("prefix");
        let target = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// A web server on 127.0.0.1 answering by path; counts requests.
fn serve_http(requests: Arc<AtomicUsize>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().expect("clone"));
            let mut request_line = String::new();
            if reader.read_line(&mut request_line).is_err() {
                continue;
            }
            // Skip the headers.
            let mut header = String::new();
            while reader.read_line(&mut header).is_ok_and(|n| n > 2) {
                header.clear();
            }
            requests.fetch_add(1, Ordering::SeqCst);
            let mut parts = request_line.split_whitespace();
            let (method, path) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
            let (status, extra) = match (method, path) {
                (_, "/ok") => ("200 OK", String::new()),
                ("HEAD", "/no-head") => ("405 Method Not Allowed", String::new()),
                ("GET", "/no-head") => ("200 OK", String::new()),
                (_, "/moved") => (
                    "301 Moved Permanently",
                    format!("Location: http://{addr}/ok\r\n"),
                ),
                (_, "/busy") => ("429 Too Many Requests", String::new()),
                _ => ("404 Not Found", String::new()),
            };
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\n{extra}Content-Length: 0\r\nConnection: close\r\n\r\n"
            );
        }
    });
    format!("http://{addr}")
}

#[test]
fn external_links_are_checked_and_cached_for_a_day() {
    let requests = Arc::new(AtomicUsize::new(0));
    let host = serve_http(requests.clone());
    let body = format!(
        "[ok]({host}/ok)\n\n[gone]({host}/gone)\n\n[nohead]({host}/no-head)\n\n\
         [moved]({host}/moved)\n\n[busy]({host}/busy)\n"
    );
    let site = one_post(&body);
    // Without --external nothing is asked.
    site.run(&["check"]).success();
    assert_eq!(requests.load(Ordering::SeqCst), 0);

    let run = site.run(&["check", "--external"]);
    assert_reports(
        &run,
        &[&format!(
            "content/blog/a.md:9: broken link: {host}/gone (HTTP 404"
        )],
    );
    let err = &run.stderr;
    assert!(
        err.contains(&format!(
            "content/blog/a.md:13: redirected link: {host}/moved (HTTP 301, redirects to {host}/ok"
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "content/blog/a.md:15: rate-limited link: {host}/busy"
        )),
        "{err}"
    );
    assert!(!err.contains("/ok ("), "{err}");
    assert!(!err.contains("/no-head"), "{err}");
    // HEAD each, and GET after the 405.
    assert_eq!(requests.load(Ordering::SeqCst), 6);

    // A day's cache: only the rate-limited link is asked again.
    site.run(&["check", "--external"]).failure();
    assert_eq!(requests.load(Ordering::SeqCst), 7);

    // Answers older than a day are asked again.
    let cache = site.root().join(".ssg-cache/external-links.json");
    let text = std::fs::read_to_string(&cache).expect("cache file");
    let mut entries: serde_json::Value = serde_json::from_str(&text).expect("cache JSON");
    for (_, entry) in entries.as_object_mut().expect("object").iter_mut() {
        entry["checked"] = serde_json::json!(0);
    }
    std::fs::write(&cache, entries.to_string()).expect("write cache");
    site.run(&["check", "--external"]).failure();
    assert_eq!(requests.load(Ordering::SeqCst), 13);
}

#[test]
fn a_site_served_below_a_path_links_under_it_and_root_links_outside_it_are_broken() {
    let site = Site::with_config(
        "title = \"T\"\nbase_url = \"https://example.org/docs/\"\ntheme = \"default\"\n",
    )
    .file(
        "content/blog/a.md",
        &post(
            "A",
            "2024-01-01",
            &["t"],
            "To [b](b.md) and [c](@/blog/c.md#part).\n\n<a href=\"/blog/b/\">old style</a>\n",
        ),
    )
    .file("content/blog/b.md", &post("B", "2024-01-02", &[], "B."))
    .file(
        "content/blog/c.md",
        &post("C", "2024-01-03", &[], "## Part\n"),
    )
    .file(
        "content/blog/trip/index.md",
        &post("Trip", "2024-01-04", &[], "![view](view.svg)\n\nMore.\n"),
    )
    .file(
        "content/blog/trip/view.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    );
    site.run(&["build"]).success();
    let a = site.read("public/blog/a/index.html");
    assert!(a.contains("href=\"/docs/blog/b/\""), "{a}");
    assert!(a.contains("href=\"/docs/blog/c/#part\""), "{a}");
    let listing = site.read("public/blog/index.html");
    assert!(
        listing.contains("src=\"/docs/blog/trip/view.svg\""),
        "summary: {listing}"
    );
    let run = site.run(&["check"]);
    assert_reports(
        &run,
        &[
            "content/blog/a.md:9: broken link: /blog/b/ (/blog/b/ is outside the site, which is served under /docs/",
        ],
    );
}

#[test]
fn a_broken_link_in_a_declared_taxonomys_pages_names_their_templates() {
    let base = "{% extends \"base.html\" %}\n{% block content %}\n";
    let site = Site::with_config(&format!("{CONFIG}\n[taxonomies]\ncategories = {{}}\n"))
        .file(
            "content/blog/a.md",
            "---\ntitle: A\ndate: 2024-01-01\ncategories: [Rust]\n---\nBody.\n",
        )
        .file(
            "templates/tags.html",
            &format!("{base}<a href=\"/gone-list/\">x</a>\n{{% endblock content %}}\n"),
        )
        .file(
            "templates/tag.html",
            &format!("{base}\n<a href=\"/gone-term/\">x</a>\n{{% endblock content %}}\n"),
        );
    assert_reports(
        &site.run(&["check"]),
        &[
            "templates/tag.html:4: broken link: /gone-term/ (no page or file at /gone-term/; on /categories/rust/",
            "templates/tags.html:3: broken link: /gone-list/ (no page or file at /gone-list/; on /categories/",
        ],
    );
}
