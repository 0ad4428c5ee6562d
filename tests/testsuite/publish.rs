//! `ssg publish` against a real S3 + CloudFront API: moto's server on
//! 127.0.0.1 (scripts/test.sh installs and starts it), driven by the real
//! binary; the bucket is inspected with the AWS SDK.

use crate::support::bucket::output_files;
use crate::support::command::run;
use crate::support::moto::{moto, runtime, s3};
use crate::support::relay::{Relay, Rules};
use crate::support::remote::{
    RULES, Remote, assert_mirrors, assert_rules_headers, blog, published_then_edited,
};
use crate::support::{Site, post};

#[test]
fn first_publish_mirrors_the_output_with_types_and_cache_headers() {
    let remote = Remote::new();
    let site = blog(&remote, RULES);
    site.run(&["build"]).success();
    site.run(&["publish"]).success();
    assert_mirrors(&remote, &site);
    assert_rules_headers(&remote);
    // Everything was new: nothing cached to invalidate.
    assert!(
        remote.invalidations().is_empty(),
        "{:?}",
        remote.invalidations()
    );
}

#[test]
fn a_second_publish_without_changes_uploads_nothing_and_invalidates_nothing() {
    let remote = Remote::new();
    let site = blog(&remote, RULES);
    site.run(&["build"]).success();
    site.run(&["publish"]).success();
    site.run(&["build"]).success();
    let run = site.run(&["publish", "--json"]);
    run.success();
    let report: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    assert_eq!(report["result"]["uploaded"], 0, "{}", run.stdout);
    assert_eq!(report["result"]["deleted"], 0);
    assert!(report["result"]["invalidation_id"].is_null());
    assert!(remote.invalidations().is_empty());
}

#[test]
fn a_one_post_edit_uploads_exactly_what_changed_and_invalidates_its_urls() {
    let remote = Remote::new();
    let site = blog(&remote, RULES);
    site.run(&["build"]).success();
    site.run(&["publish"]).success();
    let before = output_files(&site);

    site.write(
        "content/blog/a.md",
        post("Alpha", "2024-01-01", &["x"], "First, edited.").as_bytes(),
    );
    site.run(&["build"]).success();
    let after = output_files(&site);
    let mut expected: Vec<&String> = after
        .keys()
        .filter(|k| before.get(*k) != after.get(*k))
        .collect();
    expected.sort();
    assert!(!expected.is_empty());

    let run = site.run(&["publish", "--json"]);
    run.success();
    let report: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    let mut uploaded: Vec<String> = report["plan"]["uploads"]
        .as_array()
        .expect("uploads")
        .iter()
        .map(|u| u["key"].as_str().unwrap_or_default().to_string())
        .collect();
    uploaded.sort();
    assert_eq!(uploaded.iter().collect::<Vec<_>>(), expected);
    assert_eq!(
        remote.objects()["blog/a/index.html"].body,
        after["blog/a/index.html"]
    );

    let invalidations = remote.invalidations();
    assert_eq!(invalidations.len(), 1, "{invalidations:?}");
    let paths = &invalidations[0];
    assert!(paths.contains(&"/blog/a/".to_string()), "{paths:?}");
    assert!(
        paths.contains(&"/blog/a/index.html".to_string()),
        "{paths:?}"
    );
    assert!(
        !paths.contains(&"/*".to_string()),
        "a one-post edit must not flush the whole cache"
    );
    assert!(!paths.contains(&"/about/".to_string()), "{paths:?}");
}

#[test]
fn removed_pages_are_deleted_last_and_invalidated() {
    let remote = Remote::new();
    let site = blog(&remote, "");
    site.run(&["build"]).success();
    site.run(&["publish"]).success();
    std::fs::remove_file(site.root().join("content/about.md")).unwrap();
    site.run(&["build"]).success();
    site.run(&["publish"]).success();
    let stored = remote.objects();
    assert!(!stored.contains_key("about/index.html"));
    assert!(stored.contains_key("blog/a/index.html"));
    let last = remote.invalidations().pop().expect("an invalidation");
    assert!(last.contains(&"/about/".to_string()), "{last:?}");
}

#[cfg(unix)]
#[test]
fn a_linked_file_is_published_as_that_file_and_a_linked_folder_is_not_entered() {
    let remote = Remote::new();
    let site = blog(&remote, "");
    site.run(&["build"]).success();
    let public = site.root().join("public");
    let shared = site.root().join("shared");
    std::fs::create_dir_all(&shared).unwrap();
    std::fs::write(shared.join("notes.txt"), "kept outside").unwrap();
    std::os::unix::fs::symlink(shared.join("notes.txt"), public.join("notes.txt")).unwrap();
    std::os::unix::fs::symlink(&public, public.join("loop")).unwrap();
    site.run(&["publish"]).success();
    let stored = remote.objects();
    assert_eq!(stored["notes.txt"].body, b"kept outside");
    assert!(
        !stored.keys().any(|k| k.starts_with("loop")),
        "{:?}",
        stored.keys()
    );
}

#[test]
fn keys_outside_the_prefix_are_never_touched() {
    let remote = Remote::new();
    remote.put("other/keep.txt", "not ours");
    let site = blog(&remote, "prefix = \"site\"\n");
    site.run(&["build"]).success();
    site.run(&["publish"]).success();
    let stored = remote.objects();
    assert_eq!(stored["other/keep.txt"].body, b"not ours");
    assert!(stored.contains_key("site/index.html"));
    assert!(!stored.contains_key("index.html"));
}

#[test]
fn more_deletes_than_allowed_changes_nothing_without_force() {
    let remote = Remote::new();
    for i in 0..5 {
        remote.put(&format!("old/{i}.html"), "old");
    }
    let site = blog(&remote, "max_deletes = 3\n");
    site.run(&["build"]).success();
    let run = site.run(&["publish"]);
    run.failure();
    assert!(
        run.stderr.contains("refusing to delete 5 pages and files"),
        "{}",
        run.stderr
    );
    let stored = remote.objects();
    assert_eq!(
        stored.len(),
        5,
        "nothing uploaded, nothing deleted: {:?}",
        stored.keys()
    );
    site.run(&["publish", "--force"]).success();
    assert!(!remote.objects().contains_key("old/0.html"));
}

#[test]
fn dry_run_changes_nothing_and_json_parses() {
    let remote = Remote::new();
    remote.put("stale.html", "x");
    let site = blog(&remote, "");
    site.run(&["build"]).success();
    let run = site.run(&["publish", "--dry-run"]);
    run.success();
    assert!(run.stdout.contains("upload  new"), "{}", run.stdout);
    assert!(
        run.stdout.contains("delete") && run.stdout.contains("stale.html"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("dry run"), "{}", run.stdout);
    let run = site.run(&["publish", "--dry-run", "--json"]);
    run.success();
    let report: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    assert_eq!(report["dry_run"], true);
    assert_eq!(report["plan"]["deletes"][0]["key"], "stale.html");
    assert!(
        report["plan"]["uploads"]
            .as_array()
            .is_some_and(|u| !u.is_empty())
    );
    let stored = remote.objects();
    assert_eq!(stored.keys().collect::<Vec<_>>(), ["stale.html"]);
}

#[test]
fn a_header_only_rule_change_reapplies_headers() {
    let remote = Remote::new();
    let site = blog(&remote, "");
    site.run(&["build"]).success();
    site.run(&["publish"]).success();
    assert_eq!(remote.objects()["style.css"].cache_control, None);

    site.write("ssg.toml", remote.config(RULES).as_bytes());
    let run = site.run(&["publish", "--json"]);
    run.success();
    let report: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    let uploads = report["plan"]["uploads"].as_array().expect("uploads");
    assert!(
        uploads.iter().all(|u| u["reason"] == "headers"),
        "{uploads:?}"
    );
    assert!(uploads.iter().any(|u| u["key"] == "style.css"));
    assert_eq!(
        remote.objects()["style.css"].cache_control.as_deref(),
        Some("public, max-age=31536000, immutable")
    );
}

/// A bucket another tool filled (`hugo deploy`, `aws s3 sync`): the same
/// bytes, so the ETags match, but its own headers. Without a manifest entry
/// nothing says which headers an object carries: ssg reads them, puts
/// right those that differ, and only then records its own.
#[test]
fn objects_another_tool_put_with_the_same_bytes_get_the_rules_headers() {
    let remote = Remote::new();
    let site = blog(&remote, RULES);
    site.run(&["build"]).success();
    let files = output_files(&site);
    for (key, bytes) in &files {
        // Like `aws s3 sync`: a guessed type, no Cache-Control.
        let guessed = if key.ends_with(".html") {
            "text/html"
        } else {
            "binary/octet-stream"
        };
        let put = s3()
            .put_object()
            .bucket(&remote.bucket)
            .key(key)
            .content_type(guessed)
            .body(bytes.clone().into());
        runtime().block_on(put.send()).expect("put as another tool");
    }
    // One object already as ssg would put it: left alone.
    let css = &files["style.css"];
    let put = s3()
        .put_object()
        .bucket(&remote.bucket)
        .key("style.css")
        .content_type("text/css; charset=utf-8")
        .cache_control("public, max-age=31536000, immutable")
        .body(css.clone().into());
    runtime().block_on(put.send()).expect("put as ssg would");

    let run = site.run(&["publish", "--json"]);
    run.success();
    let report: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    let uploads = report["plan"]["uploads"].as_array().expect("uploads");
    assert_eq!(uploads.len(), files.len() - 1, "{uploads:?}");
    assert!(
        uploads.iter().all(|u| u["reason"] == "headers"),
        "{uploads:?}"
    );
    assert!(!uploads.iter().any(|u| u["key"] == "style.css"));
    assert_mirrors(&remote, &site);
    assert_rules_headers(&remote);

    // What the manifest now records is what the bucket has.
    let run = site.run(&["publish", "--verify", "--json"]);
    run.success();
    let report: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    assert_eq!(report["plan"]["uploads"].as_array().map(Vec::len), Some(0));
}

#[test]
fn gzip_rule_sets_content_encoding_with_stable_bytes() {
    let remote = Remote::new();
    let site = blog(
        &remote,
        "[[publish.rules]]\nmatch = \"**/*.css\"\ngzip = true\n",
    );
    site.run(&["build"]).success();
    site.run(&["publish"]).success();
    let css = remote.objects()["style.css"].clone();
    assert_eq!(css.content_encoding.as_deref(), Some("gzip"));
    assert_eq!(&css.body[..2], &[0x1f, 0x8b]);
    // Same bytes again: nothing to upload.
    let run = site.run(&["publish", "--json"]);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    assert_eq!(report["result"]["uploaded"], 0, "{}", run.stdout);
}

#[test]
fn large_files_go_up_in_parts_and_are_not_uploaded_again() {
    let remote = Remote::new();
    let site = blog(&remote, "multipart_threshold = 5242880\n");
    let big: Vec<u8> = (0..9 * 1024 * 1024).map(|i| (i % 251) as u8).collect();
    site.write("static/video.bin", &big);
    site.run(&["build"]).success();
    site.run(&["publish"]).success();
    assert_eq!(remote.objects()["video.bin"].body, big);
    let run = site.run(&["publish", "--json"]);
    run.success();
    let report: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    assert_eq!(
        report["result"]["uploaded"], 0,
        "multipart ETag mistaken for a change: {}",
        run.stdout
    );
}

#[test]
fn bad_setups_fail_with_one_clear_line_and_change_nothing() {
    let remote = Remote::new();
    let site = blog(&remote, "");
    site.run(&["build"]).success();

    let check = |config: String, expect: &str| {
        site.write("ssg.toml", config.as_bytes());
        site.run(&["publish"]).failure_in_one_line(expect);
    };
    check(
        "title = \"x\"\ntheme = \"default\"\n".into(),
        "no [publish] section",
    );
    check(
        remote
            .config("")
            .replace(&format!("bucket = \"{}\"", remote.bucket), "bucket = \"\""),
        "bucket is empty",
    );
    check(
        remote
            .config("")
            .replace(&remote.bucket, "no-such-bucket-here"),
        "does not exist",
    );
    check(remote.config("prefix = \"../up\"\n"), "prefix \"../up\"");
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    check(
        remote.config("").replace(
            &format!("endpoint = \"{}\"", moto()),
            &format!("endpoint = \"http://127.0.0.1:{closed}\""),
        ),
        "connection refused",
    );
    assert!(
        remote.objects().is_empty(),
        "a failed publish changed the bucket"
    );

    // An empty output folder is refused outright.
    site.write("ssg.toml", remote.config("").as_bytes());
    std::fs::remove_dir_all(site.root().join("public")).unwrap();
    std::fs::create_dir(site.root().join("public")).unwrap();
    let run = site.run(&["publish"]);
    run.failure();
    assert!(run.stderr.contains("empty or missing"), "{}", run.stderr);
}

#[test]
fn no_credentials_is_a_clear_error() {
    let remote = Remote::new();
    let site = blog(&remote, "");
    site.run(&["build"]).success();
    let mut command = site.command(&["publish"]);
    command
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY");
    let run = run(command);
    run.failure();
    assert!(
        run.stderr.to_lowercase().contains("credentials"),
        "{}",
        run.stderr
    );
    assert!(remote.objects().is_empty());
}

#[test]
fn directory_keys_serve_pretty_urls_from_a_private_bucket() {
    let remote = Remote::new();
    let site = blog(&remote, "directory_keys = true\n");
    site.run(&["build"]).success();
    site.run(&["publish"]).success();
    let stored = remote.objects();
    // CloudFront with OAC asks S3 for the key `blog/a/` when a reader opens /blog/a/.
    assert_eq!(stored["blog/a/"].body, stored["blog/a/index.html"].body);
    assert_eq!(stored["blog/a/"].content_type, "text/html; charset=utf-8");
    // …and for the key `blog/a` when a reader opens /blog/a: a page that
    // sends the browser on to the folder URL (relative, so a prefix works).
    let slashless = String::from_utf8_lossy(&stored["blog/a"].body).into_owned();
    assert!(
        slashless.contains("http-equiv=\"refresh\" content=\"0; url=a/\"")
            && slashless.contains("rel=\"canonical\" href=\"a/\""),
        "{slashless}"
    );
    assert_eq!(stored["blog/a"].content_type, "text/html; charset=utf-8");
    assert!(
        !stored.contains_key(""),
        "the home page is the distribution's default root object"
    );
    let run = site.run(&["publish", "--json"]);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    assert_eq!(report["result"]["uploaded"], 0, "{}", run.stdout);

    std::fs::remove_file(site.root().join("content/about.md")).unwrap();
    site.run(&["build"]).success();
    site.run(&["publish"]).success();
    let stored = remote.objects();
    assert!(
        !stored.contains_key("about/")
            && !stored.contains_key("about")
            && !stored.contains_key("about/index.html")
    );
}

/// A redirect page is served as HTML whatever its name: an alias is a
/// folder unless named `.html` (Zola's `x.md` alias), and a `[redirects]`
/// key kept as a file (an old feed URL) gets `Content-Type: text/html`.
#[test]
fn redirect_pages_are_served_as_html_whatever_their_name() {
    let remote = Remote::new();
    let site = blog(&remote, "\n[redirects]\n\"/old/index.xml\" = \"/blog/\"\n").file(
        "content/moved.md",
        "---\ntitle: Moved\naliases: [\"2026/03/20/x.md\", \"old.html\"]\n---\nHere.\n",
    );
    site.run(&["build"]).success();
    site.run(&["publish"]).success();
    let stored = remote.objects();
    for key in ["old/index.xml", "2026/03/20/x.md/index.html", "old.html"] {
        let object = stored
            .get(key)
            .unwrap_or_else(|| panic!("{key} not published"));
        assert_eq!(object.content_type, "text/html; charset=utf-8", "{key}");
    }
    assert!(!stored.contains_key("2026/03/20/x.md"));
}

#[test]
fn standard_endpoint_variables_work() {
    let remote = Remote::new();
    let config = remote
        .config("")
        .replace(&format!("cloudfront_endpoint = \"{}\"\n", moto()), "")
        .replace(&format!("\nendpoint = \"{}\"\n", moto()), "\n");
    let site = Site::with_config(&config).file("content/a.md", "---\ntitle: A\n---\nA.\n");
    site.run(&["build"]).success();
    let mut command = site.command(&["publish"]);
    command
        .env("AWS_ENDPOINT_URL_S3", moto())
        .env("AWS_ENDPOINT_URL_CLOUDFRONT", moto());
    run(command).success();
    assert!(remote.objects().contains_key("a/index.html"));
}

/// A relay to moto that drops the connection of every upload of a key
/// containing `fail_on`, unanswered — a network that fails some uploads.
fn flaky_proxy(fail_on: &'static str) -> Relay {
    Relay::start(
        moto(),
        Rules {
            refuse: Some(Box::new(move |request| {
                request.method == "PUT" && request.path.contains(fail_on)
            })),
            ..Rules::default()
        },
    )
}

#[test]
fn failed_uploads_delete_nothing_invalidate_nothing_and_a_rerun_converges() {
    let remote = Remote::new();
    let site = blog(&remote, "max_attempts = 1\nconcurrency = 2\n");
    site.run(&["build"]).success();
    site.run(&["publish"]).success();
    let invalidations_before = remote.invalidations().len();

    // Change two posts and remove one page; the network then fails every
    // upload of blog/b/.
    site.write(
        "content/blog/a.md",
        post("Alpha", "2024-01-01", &["x"], "Edited a.").as_bytes(),
    );
    site.write(
        "content/blog/b.md",
        post("Beta", "2024-01-02", &["x"], "Edited b.").as_bytes(),
    );
    std::fs::remove_file(site.root().join("content/about.md")).unwrap();
    site.run(&["build"]).success();
    let proxy = flaky_proxy("/blog/b/");
    let proxy = &proxy.url;
    site.write(
        "ssg.toml",
        remote
            .config("max_attempts = 1\nconcurrency = 2\n")
            .replace(
                &format!("endpoint = \"{}\"", moto()),
                &format!("endpoint = \"{proxy}\""),
            )
            .as_bytes(),
    );
    let run = site.run(&["publish"]);
    run.failure();
    assert!(run.stderr.contains("nothing was deleted"), "{}", run.stderr);
    let stored = remote.objects();
    assert!(
        stored.contains_key("about/index.html"),
        "a failed publish deleted something"
    );
    assert_eq!(
        remote.invalidations().len(),
        invalidations_before,
        "a failed publish invalidated"
    );

    // The network is back: the rerun finishes the job.
    site.write("ssg.toml", remote.config("max_attempts = 1\n").as_bytes());
    let run = site.run(&["publish", "--json"]);
    run.success();
    let report: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    let keys: Vec<&str> = report["plan"]["uploads"]
        .as_array()
        .expect("uploads")
        .iter()
        .filter_map(|u| u["key"].as_str())
        .collect();
    assert!(keys.contains(&"blog/b/index.html"), "{keys:?}");
    assert!(
        !keys.contains(&"blog/a/index.html"),
        "re-uploaded what already succeeded: {keys:?}"
    );
    assert_mirrors(&remote, &site);
}

#[test]
fn wait_polls_the_invalidation_until_completed() {
    let remote = Remote::new();
    let site = published_then_edited(&remote, "Changed.");
    let run = site.run(&["publish", "--wait"]);
    run.success();
    assert!(
        run.stderr.contains("waiting for invalidation"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("path(s)") && run.stderr.contains("$0.005"),
        "{}",
        run.stderr
    );
    let statuses: Vec<String> = remote
        .invalidation_summaries()
        .iter()
        .map(|i| i.status().to_string())
        .collect();
    assert!(
        statuses.iter().all(|s| s.eq_ignore_ascii_case("completed")),
        "{statuses:?}"
    );
}

#[test]
fn no_invalidate_skips_cloudfront() {
    let remote = Remote::new();
    let site = published_then_edited(&remote, "Changed again.");
    site.run(&["publish", "--no-invalidate"]).success();
    assert!(remote.invalidations().is_empty());
}
