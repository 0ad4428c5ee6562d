//! `ssg serve`: the real binary on a free port, a real websocket client, real
//! files edited on disk.

use std::io::{BufRead, BufReader, Read};
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::support::server::Server;
use crate::support::{Site, post};

fn paths(msg: &serde_json::Value) -> Vec<String> {
    msg["paths"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

fn blog() -> Site {
    Site::new()
        .file(
            "content/blog/a.md",
            &post("Alpha", "2024-01-01", &["x"], "First body."),
        )
        .file(
            "content/blog/b.md",
            &post("Beta", "2024-01-02", &["x"], "Second body."),
        )
        .file("content/about.md", "---\ntitle: About\n---\nAbout text.\n")
}

#[test]
fn edit_a_post_and_the_browser_is_told() {
    let site = blog();
    let server = Server::start(site.root(), &[]);
    let (status, body) = server.get("/blog/a/");
    assert_eq!(status, 200);
    assert!(body.contains("First body."));
    assert!(
        body.contains("/__ssg/livereload"),
        "live reload script not injected"
    );

    let mut ws = server.livereload();
    site.write(
        "content/blog/a.md",
        post("Alpha", "2024-01-01", &["x"], "Edited body.").as_bytes(),
    );
    let msg = ws.expect("reload");
    let changed = paths(&msg);
    assert!(
        changed.contains(&"blog/a/index.html".to_string()),
        "{changed:?}"
    );
    // A body-only edit shows nowhere else: the about page is not announced.
    assert!(
        !changed.contains(&"about/index.html".to_string()),
        "{changed:?}"
    );
    assert!(server.get("/blog/a/").1.contains("Edited body."));
}

/// Replaces `rel` in `site` in one step (a rename), so the server sees
/// one change, never a half-written file.
fn replace(site: &Site, rel: &str, text: &str) {
    let scratch = tempfile::tempdir().unwrap();
    let staged = scratch.path().join("staged.md");
    std::fs::write(&staged, text).unwrap();
    std::fs::rename(&staged, site.root().join(rel)).unwrap();
}

#[test]
fn an_edited_page_is_shown_before_the_rest_of_the_site() {
    let site = blog();
    let server = Server::start(site.root(), &[]);
    let mut ws = server.livereload();
    // A body edit: the page changes, and so does the feed, which carries
    // whole bodies. The page is rendered and announced on its own first.
    let edited = post("Alpha", "2024-01-01", &["x"], "Edited body.");
    replace(&site, "content/blog/a.md", &edited);
    assert_eq!(paths(&ws.expect("reload")), ["blog/a/index.html"]);
    let rest = paths(&ws.expect("reload"));
    assert!(rest.contains(&"atom.xml".to_string()), "{rest:?}");
    assert!(
        !rest.contains(&"blog/a/index.html".to_string()),
        "announced twice: {rest:?}"
    );
    assert!(server.get("/blog/a/").1.contains("Edited body."));
    assert!(server.get("/atom.xml").1.contains("Edited body."));

    // A new title moves the page in its listings: nothing goes ahead, one
    // message has the page and the listings.
    let renamed = post("Alpha renamed", "2024-01-01", &["x"], "Edited body.");
    replace(&site, "content/blog/a.md", &renamed);
    let all = paths(&ws.expect("reload"));
    for path in ["blog/a/index.html", "blog/index.html", "tags/x/index.html"] {
        assert!(all.contains(&path.to_string()), "{path} not in {all:?}");
    }
}

#[test]
fn a_relative_root_is_watched_too() {
    // `ssg --root site serve` from the parent folder: the watcher reports
    // absolute paths, which must still be recognised as the site's inputs.
    let site = blog();
    let parent = site.root().parent().expect("parent");
    let name = site.root().file_name().expect("name").to_string_lossy();
    let server = Server::start(parent, &["--root", &name]);
    let mut ws = server.livereload();
    site.write(
        "content/blog/a.md",
        post(
            "Alpha",
            "2024-01-01",
            &["x"],
            "Edited through a relative root.",
        )
        .as_bytes(),
    );
    ws.expect("reload");
    assert!(
        server
            .get("/blog/a/")
            .1
            .contains("Edited through a relative root.")
    );
}

#[test]
fn add_and_delete_a_post() {
    let site = blog();
    let server = Server::start(site.root(), &[]);
    let mut ws = server.livereload();
    site.write(
        "content/blog/c.md",
        post("Gamma", "2024-01-03", &["new tag"], "Third.").as_bytes(),
    );
    let changed = paths(&ws.expect("reload"));
    assert!(
        changed.contains(&"blog/c/index.html".to_string()),
        "{changed:?}"
    );
    assert!(
        changed.contains(&"tags/new-tag/index.html".to_string()),
        "{changed:?}"
    );
    assert_eq!(server.get("/blog/c/").0, 200);
    assert!(server.get("/").1.contains("Gamma"));

    std::fs::remove_file(site.root().join("content/blog/c.md")).unwrap();
    let changed = paths(&ws.expect("reload"));
    assert!(
        changed.contains(&"blog/c/index.html".to_string()),
        "{changed:?}"
    );
    assert!(
        changed.contains(&"tags/new-tag/index.html".to_string()),
        "{changed:?}"
    );
    assert_eq!(server.get("/blog/c/").0, 404);
    assert_eq!(server.get("/tags/new-tag/").0, 404);
}

#[test]
fn broken_front_matter_and_template_show_an_error_then_recover() {
    let site = blog();
    let server = Server::start(site.root(), &[]);
    let mut ws = server.livereload();

    site.write(
        "content/blog/a.md",
        b"---\ntitle: Alpha\ndate: 2024-13-01\n---\nBroken.\n",
    );
    let msg = ws.expect("error");
    let text = msg["message"].as_str().unwrap_or("");
    assert!(text.contains("content/blog/a.md:3: invalid date"), "{text}");
    // The last good site is still served.
    assert!(server.get("/blog/a/").1.contains("First body."));
    // A tab opened now learns of the error at once.
    let mut late = server.livereload();
    assert_eq!(late.expect("error")["message"], msg["message"]);

    site.write(
        "content/blog/a.md",
        post("Alpha", "2024-01-01", &["x"], "Fixed body.").as_bytes(),
    );
    ws.expect("reload");
    assert!(server.get("/blog/a/").1.contains("Fixed body."));

    site.write(
        "templates/page.html",
        b"{{ page.title }}\n{{ page.missing_field }}",
    );
    let text = ws.expect("error")["message"]
        .as_str()
        .unwrap_or("")
        .to_string();
    assert!(text.contains("templates/page.html:2"), "{text}");
    std::fs::remove_file(site.root().join("templates/page.html")).unwrap();
    ws.expect("reload");
    assert_eq!(server.get("/blog/a/").0, 200);
}

#[test]
fn a_data_file_edit_reaches_the_pages_that_read_it_and_no_other() {
    let site = Site::new()
        .file("data/team.toml", "lead = \"Ada\"\n")
        .file(
            "templates/shortcodes/lead.html",
            "<b>{{ data.team.lead }}</b>",
        )
        .file("content/a.md", "---\ntitle: A\n---\nLed by {{ lead() }}.\n")
        .file("content/b.md", "---\ntitle: B\n---\nNo data here.\n");
    let server = Server::start(site.root(), &[]);
    let mut ws = server.livereload();
    assert!(server.get("/a/").1.contains("Led by <b>Ada</b>."));

    site.write("data/team.toml", b"lead = \"Grace\"\n");
    let changed = paths(&ws.expect("reload"));
    assert!(server.get("/a/").1.contains("Led by <b>Grace</b>."));
    assert!(changed.contains(&"a/index.html".to_string()), "{changed:?}");
    assert!(
        !changed.contains(&"b/index.html".to_string()),
        "{changed:?}"
    );

    site.write("data/team.toml", b"lead = = 1\n");
    let text = ws.expect("error")["message"]
        .as_str()
        .unwrap_or("")
        .to_string();
    assert!(
        text.contains("data/team.toml:1: invalid toml data"),
        "{text}"
    );
    assert!(server.get("/a/").1.contains("Led by <b>Grace</b>."));
}

#[test]
fn a_site_that_does_not_build_at_start_shows_the_error_page() {
    let site = Site::new().file("content/a.md", "---\ndate: never\n---\n");
    let server = Server::start(site.root(), &[]);
    let (status, body) = server.get("/");
    assert_eq!(status, 500);
    assert!(body.contains("content/a.md:2: invalid date"), "{body}");
    let mut ws = server.livereload();
    site.write("content/a.md", b"---\ntitle: Now fine\n---\n");
    ws.expect("reload");
    assert_eq!(server.get("/a/").0, 200);
}

#[test]
fn requests_cannot_leave_the_site() {
    let site = blog().file("secret.txt", "top secret");
    let server = Server::start(site.root(), &[]);
    for path in [
        "/../secret.txt",
        "/../../etc/passwd",
        "/%2e%2e/secret.txt",
        "/%2E%2E/%2E%2E/etc/passwd",
        "/blog/..%2f..%2fsecret.txt",
        "/..%5csecret.txt",
        "/..\\secret.txt",
        "/blog/%2e%2e/%2e%2e/ssg.toml",
    ] {
        let (status, body) = server.get(path);
        assert!(status == 400 || status == 404, "{path} gave {status}");
        assert!(
            !body.contains("top secret") && !body.contains("base_url"),
            "{path} leaked a file"
        );
    }
}

#[test]
fn directories_unknown_paths_and_redirects() {
    let site = blog();
    let server = Server::start(site.root(), &[]);
    assert_eq!(server.get("/blog/").0, 200);
    let (status, body) = server.get("/no/such/page/");
    assert_eq!(status, 404);
    assert!(
        body.contains("Page not found"),
        "the site's 404.html is served"
    );
    assert_eq!(server.get("/blog").0, 308);
}

#[test]
fn binds_loopback_and_takes_the_next_port_when_taken() {
    let site = blog();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let mut child = site
        .command(&["serve", "-p", &port.to_string()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let _ = child.kill();
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    let _ = child.wait();
    assert!(line.starts_with("Serving at http://127.0.0.1:"), "{line}");
    assert!(
        !line.contains(&format!(":{port}/")),
        "took a port in use: {line}"
    );
    assert!(err.contains(&format!("Port {port} is in use")), "{err}");
}

#[test]
fn served_site_equals_a_fresh_build_after_a_series_of_edits() {
    let site = blog().file("static/s.css", "a{}");
    let server = Server::start(site.root(), &[]);
    let mut ws = server.livereload();
    let edits: Vec<Box<dyn Fn()>> = vec![
        Box::new(|| {
            site.write(
                "content/blog/c.md",
                post("Gamma", "2024-02-01", &["y"], "New.").as_bytes(),
            )
        }),
        Box::new(|| {
            site.write(
                "content/blog/a.md",
                post("Alpha renamed", "2024-03-01", &["y", "z"], "Moved up.").as_bytes(),
            )
        }),
        Box::new(|| std::fs::remove_file(site.root().join("content/blog/b.md")).unwrap()),
        Box::new(|| site.write("static/s.css", b"b{}")),
        Box::new(|| {
            site.write(
                "content/blog/_index.md",
                b"---\ntitle: Journal\n---\nIntro.\n",
            )
        }),
        Box::new(|| {
            site.write(
                "templates/tag.html",
                b"{{ tag.name }}: {{ tag.pages | length }}",
            )
        }),
    ];
    for edit in &edits {
        edit();
        ws.expect("reload");
    }
    // A fresh build as serve builds: its base URL, stylesheets under their
    // plain names (`asset_url`), no cache.
    let base = format!("http://127.0.0.1:{}", server.port);
    let opts = ssg::build::BuildOptions {
        base_url: Some(base),
        plain_asset_names: true,
        ..Default::default()
    };
    let built = ssg::build::build(site.root(), &opts).expect("fresh build");
    let fresh: Vec<(std::path::PathBuf, Vec<u8>)> = built
        .outputs
        .iter()
        .map(|o| (o.path.clone().into(), o.read().expect("output")))
        .collect();
    assert!(fresh.len() > 10);
    // Editors and file systems may split one save into two events; allow the
    // server to settle rather than racing its last rebuild.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        match first_difference(&server, &fresh) {
            None => break,
            Some(diff) if Instant::now() > deadline => panic!("{diff}"),
            Some(_) => std::thread::sleep(Duration::from_millis(100)),
        }
    }
}

/// The first output the server serves differently from a fresh build.
fn first_difference(server: &Server, fresh: &[(std::path::PathBuf, Vec<u8>)]) -> Option<String> {
    for (path, bytes) in fresh {
        let url_path = format!("/{}", path.to_string_lossy());
        let (status, body) = server.get(&url_path);
        if status != 200 {
            return Some(format!("{url_path}: status {status}"));
        }
        let expected = String::from_utf8_lossy(bytes).into_owned();
        let served = if url_path.ends_with(".html") {
            // Drop the injected live-reload script before comparing.
            let start = body.find("<script>").unwrap_or(body.len());
            let end = body[start..]
                .find("</script>")
                .map_or(start, |e| start + e + "</script>".len());
            format!("{}{}", &body[..start], &body[end..])
        } else {
            body
        };
        if served != expected {
            return Some(format!(
                "{url_path} differs from a fresh build:\nserved:\n{served}\nfresh:\n{expected}"
            ));
        }
    }
    None
}
