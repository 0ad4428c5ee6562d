//! Bad input: exit code 1, the file and line in the message, and the
//! previous `public/` left byte-for-byte as it was.

use std::time::Duration;

use crate::support::{Site, post, snapshot};

/// Far beyond any of these small builds (well under a second each): only
/// input that makes ssg hang reaches it.
const BUILD_LIMIT: Duration = Duration::from_secs(120);

/// Builds a good site, breaks it with `rel` = `text`, and checks the failed
/// build's message contains every `expected` and `public/` is untouched.
#[track_caller]
fn fails_cleanly(rel: &str, text: &[u8], expected: &[&str]) {
    let site = Site::new().file(
        "content/blog/ok.md",
        &post("Fine", "2024-01-01", &["t"], "Good."),
    );
    site.run(&["build"]).success();
    let before = snapshot(&site.root().join("public"));
    assert!(!before.is_empty());

    site.write(rel, text);
    let run = site.run_within(&["build"], BUILD_LIMIT);
    run.failure();
    for e in expected {
        assert!(
            run.stderr.contains(e),
            "stderr lacks {e:?}:\n{}",
            run.stderr
        );
    }
    assert_eq!(
        snapshot(&site.root().join("public")),
        before,
        "public/ changed after a failed build"
    );
    let leftovers: Vec<_> = std::fs::read_dir(site.root())
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("staging") || n.contains(".old-"))
        .collect();
    assert!(
        leftovers.is_empty(),
        "staging folders left behind: {leftovers:?}"
    );
}

#[test]
fn malformed_yaml() {
    fails_cleanly(
        "content/blog/a.md",
        b"---\ntitle: ok\ntags: [unclosed\ndate: 2024-01-01\n---\n",
        &["error: content/blog/a.md:", "invalid YAML front matter"],
    );
}

#[test]
fn malformed_toml() {
    fails_cleanly(
        "content/blog/a.md",
        b"+++\ntitle = \"ok\"\ndate = = 3\n+++\n",
        &["error: content/blog/a.md:3:", "invalid TOML front matter"],
    );
}

#[test]
fn yaml_value_of_the_wrong_type() {
    fails_cleanly(
        "content/blog/a.md",
        b"---\ntitle: ok\ntags: 5\n---\n",
        &[
            "error: content/blog/a.md:3: `tags` must be a list or a comma-separated string, found a number",
        ],
    );
    fails_cleanly(
        "content/blog/b.md",
        b"---\ndate: 2024-01-01\ntitle: [a]\n---\n",
        &["error: content/blog/b.md:3: `title` must be a string, found a list"],
    );
}

#[test]
fn invalid_date() {
    fails_cleanly(
        "content/blog/a.md",
        b"---\ntitle: ok\ndate: 2021-13-45\n---\n",
        &["error: content/blog/a.md:3: invalid date \"2021-13-45\""],
    );
    fails_cleanly(
        "content/blog/bare.md",
        b"title: Bare\ndate: 2021-02-30\n\nText\n",
        &["error: content/blog/bare.md:2: invalid date \"2021-02-30\""],
    );
}

#[test]
fn unclosed_front_matter() {
    fails_cleanly(
        "content/blog/a.md",
        b"---\ntitle: never closed\n\nBody\n",
        &["error: content/blog/a.md:1:", "never closed"],
    );
}

#[test]
fn two_files_with_one_url_name_both() {
    fails_cleanly(
        "content/blog/ok/index.md",
        b"---\ntitle: Same URL\n---\n",
        &[
            "content/blog/ok.md",
            "content/blog/ok/index.md",
            "/blog/ok/index.html",
        ],
    );
}

/// Found by `proptests::front_matter`: looking up the key's line sliced
/// `soupçon` inside the `ç` and the build panicked.
#[test]
fn a_wrong_type_after_a_non_ascii_key_names_its_line() {
    fails_cleanly(
        "content/blog/a.md",
        "---\nsoupçon: 1\ndraft: maybe\n---\n".as_bytes(),
        &["error: content/blog/a.md:3: `draft` must be true or false"],
    );
}

/// Found while testing front matter "huge values" (issue 12): nine lines of
/// YAML anchors and aliases expand to a billion values, and the build hung.
#[test]
fn a_yaml_alias_bomb_is_refused_at_once() {
    let mut text = String::from("---\ntitle: x\na0: &a0 [\"lol\"]\n");
    for i in 1..=9 {
        let refs = vec![format!("*a{}", i - 1); 10].join(", ");
        text.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
    }
    text.push_str("---\nBody.\n");
    // The count in the message is the bound that stops the expansion; a
    // build that hangs anyway fails at the run's limit, saying so.
    fails_cleanly(
        "content/blog/a.md",
        text.as_bytes(),
        &["error: content/blog/a.md:2: YAML front matter expands to over 100000 values"],
    );
}

/// Found by `proptests::config`: a config that was not UTF-8 was
/// "cannot read: stream did not contain valid UTF-8", with no line.
#[test]
fn non_utf8_config_names_the_line() {
    fails_cleanly(
        "ssg.toml",
        b"title = \"Caf\xe9\"\n",
        &["error: ssg.toml:1: not valid UTF-8"],
    );
}

#[test]
fn non_utf8_file_names_the_line() {
    fails_cleanly(
        "content/blog/latin1.md",
        b"---\ntitle: x\n---\nfine line\ncaf\xe9\n",
        &["error: content/blog/latin1.md:5: not valid UTF-8"],
    );
}

#[test]
fn template_reading_a_missing_variable() {
    fails_cleanly(
        "templates/page.html",
        b"<h1>{{ page.title }}</h1>\n<p>{{ page.nonexistent }}</p>\n",
        &[
            "error: templates/page.html:2:",
            "nonexistent",
            "content/blog/ok.md",
        ],
    );
}

#[test]
fn template_syntax_error() {
    fails_cleanly(
        "templates/page.html",
        b"line one\n{% if page.title %}\nunclosed\n",
        &["error: templates/page.html:"],
    );
}

#[test]
fn missing_template() {
    fails_cleanly(
        "content/blog/special.md",
        b"---\ntitle: s\ntemplate: nowhere.html\n---\n",
        &[
            "error: content/blog/special.md:",
            "template \"nowhere.html\" not found",
        ],
    );
}

#[test]
fn missing_theme() {
    fails_cleanly(
        "ssg.toml",
        b"title = \"x\"\ntheme = \"nope\"\n",
        &["error: ssg.toml", "theme \"nope\" not found"],
    );
}

#[test]
fn config_with_an_unknown_key() {
    fails_cleanly(
        "ssg.toml",
        b"title = \"x\"\ntheme = \"default\"\n\n[build]\npaginate = 5\n",
        &["error: ssg.toml:5:", "unknown field `paginate`"],
    );
}

#[test]
fn config_with_a_wrong_type() {
    fails_cleanly(
        "ssg.toml",
        b"title = \"x\"\ntheme = \"default\"\n[build]\npaginate_by = \"ten\"\n",
        &["error: ssg.toml:4:", "invalid type"],
    );
}

#[test]
fn unknown_highlight_theme() {
    fails_cleanly(
        "ssg.toml",
        b"theme = \"default\"\n[markdown]\nhighlight_theme = \"no-such-theme\"\n",
        &[
            "error: ssg.toml",
            "unknown highlight_theme \"no-such-theme\"",
            "base16-ocean.dark",
        ],
    );
}

#[test]
fn every_broken_file_is_reported_at_once() {
    let site = Site::new()
        .file("content/a.md", "---\ndate: nope\n---\n")
        .file("content/b.md", "---\ntags: 1\n---\n");
    let run = site.run(&["build"]);
    run.failure();
    assert!(run.stderr.contains("content/a.md:2"), "{}", run.stderr);
    assert!(run.stderr.contains("content/b.md:2"), "{}", run.stderr);
}
