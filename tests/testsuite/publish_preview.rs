//! `ssg publish --preview NAME` against moto: the build goes under
//! `_previews/NAME/`, its address is printed, every live object stays byte
//! for byte and its invalidations name only the preview's paths; a live
//! publish that deletes leaves the previews alone; `--previews` lists them
//! and `--preview NAME --delete` removes one; a name is made a DNS label;
//! under a publish prefix, the preview role's policy (`ssg provision`'s)
//! allows every request a preview publish and delete make.

use std::collections::BTreeMap;

use crate::support::bucket::{Stored, output_files};
use crate::support::iam_policy::refused;
use crate::support::moto::moto;
use crate::support::post;
use crate::support::relay::Relay;
use crate::support::remote::{Remote, blog};

const PREVIEWS: &str = "_previews/";

/// The objects of the live site (every key outside the previews).
fn live_objects(remote: &Remote) -> BTreeMap<String, Stored> {
    let mut objects = remote.objects();
    objects.retain(|k, _| !k.starts_with(PREVIEWS));
    objects
}

/// The objects of preview `name`, keyed as in the output folder (ssg's
/// own manifest and lease keys left out).
fn preview_files(remote: &Remote, name: &str) -> BTreeMap<String, Vec<u8>> {
    let prefix = format!("{PREVIEWS}{name}/");
    (remote.objects().into_iter())
        .filter_map(|(k, v)| Some((k.strip_prefix(&prefix)?.to_string(), v.body)))
        .filter(|(k, _)| !k.starts_with(".ssg-"))
        .collect()
}

/// A blog published live once.
fn live_blog(remote: &Remote) -> crate::support::Site {
    let site = blog(remote, "");
    site.run(&["build"]).success();
    site.run(&["publish"]).success();
    site
}

#[test]
fn a_preview_goes_under_its_own_prefix_and_leaves_every_live_object_as_it_was() {
    let remote = Remote::new();
    let site = live_blog(&remote);
    let live = live_objects(&remote);
    let live_invalidations = remote.invalidations().len();

    site.write(
        "content/blog/b.md",
        post("Beta", "2024-01-02", &["x"], "A new menu.").as_bytes(),
    );
    site.write(
        "content/blog/c.md",
        post("Gamma", "2024-01-03", &[], "New.").as_bytes(),
    );
    site.run(&["build"]).success();
    let run = site.run(&["publish", "--preview", "feature/New_Menu"]);
    run.success();
    assert!(
        run.stdout
            .contains("https://feature-new-menu.preview.example.com/"),
        "{}",
        run.stdout
    );
    assert_eq!(live_objects(&remote), live, "the live site changed");
    assert_eq!(
        preview_files(&remote, "feature-new-menu"),
        output_files(&site)
    );
    // A preview is no live publish: the history has the one live publish.
    let history = site.run(&["publish", "--history", "--json"]);
    history.success();
    let json: serde_json::Value = serde_json::from_str(&history.stdout).expect("history json");
    assert_eq!(
        json["publishes"].as_array().map(Vec::len),
        Some(1),
        "{json}"
    );

    // Publishing it again after an edit invalidates the preview's paths only.
    site.write(
        "content/blog/b.md",
        post("Beta", "2024-01-02", &["x"], "A newer menu.").as_bytes(),
    );
    site.run(&["build"]).success();
    site.run(&["publish", "--preview", "feature-new-menu"])
        .success();
    assert_eq!(live_objects(&remote), live, "the live site changed");
    assert_eq!(
        preview_files(&remote, "feature-new-menu"),
        output_files(&site)
    );
    let invalidations = remote.invalidations();
    assert!(
        invalidations.len() > live_invalidations,
        "{invalidations:?}"
    );
    for path in invalidations[live_invalidations..].iter().flatten() {
        assert!(
            path.starts_with("/_previews/feature-new-menu/"),
            "{path} in {invalidations:?}"
        );
    }
}

#[test]
fn a_live_publish_that_deletes_leaves_the_previews_alone() {
    let remote = Remote::new();
    let site = live_blog(&remote);
    site.run(&["publish", "--preview", "pr-12"]).success();
    let preview = preview_files(&remote, "pr-12");
    assert!(preview.contains_key("blog/a/index.html"), "{preview:?}");
    let before = remote.invalidations().len();

    std::fs::remove_file(site.root().join("content/blog/a.md")).expect("remove a post");
    site.run(&["build"]).success();
    let run = site.run(&["publish", "--json"]);
    run.success();
    let report: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    assert!(report["result"]["deleted"].as_u64() > Some(0), "{report}");
    assert_eq!(preview_files(&remote, "pr-12"), preview);
    let live: Vec<String> = live_objects(&remote).into_keys().collect();
    assert!(!live.contains(&"blog/a/index.html".to_string()), "{live:?}");
    for path in remote.invalidations()[before..].iter().flatten() {
        assert!(!path.starts_with("/_previews"), "{path}");
    }
}

#[test]
fn previews_are_listed_and_one_is_deleted_with_its_folder_invalidated() {
    let remote = Remote::new();
    let site = live_blog(&remote);
    let live = live_objects(&remote);
    site.run(&["publish", "--preview", "pr-1"]).success();
    site.run(&["publish", "--preview", "pr-2"]).success();

    let listed = site.run(&["publish", "--previews", "--json"]);
    listed.success();
    let rows: serde_json::Value = serde_json::from_str(&listed.stdout).expect("json");
    let names: Vec<&str> = (rows.as_array().expect("rows").iter())
        .filter_map(|r| r["name"].as_str())
        .collect();
    assert_eq!(names, ["pr-1", "pr-2"]);
    assert_eq!(rows[0]["url"], "https://pr-1.preview.example.com/");

    let deleted = site.run(&["publish", "--preview", "pr-1", "--delete"]);
    deleted.success();
    assert!(
        deleted.stderr.contains("Deleted preview pr-1"),
        "{}",
        deleted.stderr
    );
    assert!(preview_files(&remote, "pr-1").is_empty());
    assert!(
        remote
            .objects()
            .keys()
            .all(|k| !k.starts_with("_previews/pr-1/"))
    );
    assert_eq!(preview_files(&remote, "pr-2"), output_files(&site));
    assert_eq!(live_objects(&remote), live);
    let last = remote.invalidations().pop().expect("an invalidation");
    assert_eq!(last, ["/_previews/pr-1/*"]);

    // Deleting it again has nothing to do.
    let again = site.run(&["publish", "--preview", "pr-1", "--delete"]);
    again.success();
    assert!(
        again.stderr.contains("nothing to delete"),
        "{}",
        again.stderr
    );
}

#[test]
fn a_preview_needs_a_name_with_a_letter_and_a_site_with_a_domain() {
    let remote = Remote::new();
    let site = blog(&remote, "");
    site.run(&["build"]).success();
    site.run(&["publish", "--preview", "__/"])
        .failure_in_one_line("has no letter or digit");
    let run = site.run(&["publish", "--delete"]);
    assert_ne!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("--preview"), "{}", run.stderr);

    let no_domain = crate::support::Site::with_config(
        &remote
            .config("")
            .replace("https://example.com", "https://d1.cloudfront.net"),
    )
    .file("content/a.md", "+++\ntitle = \"A\"\n+++\nA.\n");
    no_domain.run(&["build"]).success();
    no_domain
        .run(&["publish", "--preview", "pr-1"])
        .failure_in_one_line("names no domain of the site's own");
    assert!(remote.objects().is_empty());
}

#[test]
fn under_a_publish_prefix_the_preview_role_allows_every_request_of_a_preview() {
    let remote = Remote::new();
    let relay = Relay::to(moto());
    let config = remote.config("prefix = \"site/\"\n").replace(
        &format!("endpoint = \"{}\"", moto()),
        &format!("endpoint = \"{}\"", relay.url),
    );
    let site = crate::support::Site::with_config(&config)
        .file(
            "content/blog/a.md",
            &post("Alpha", "2024-01-01", &["x"], "First."),
        )
        .file("static/logo.svg", "<svg/>");
    site.run(&["build"]).success();
    site.run(&["publish", "--preview", "pr-3"]).success();
    site.run(&["publish", "--preview", "pr-3", "--delete"])
        .success();
    relay.settle();
    let seen = relay.seen();
    assert!(
        seen.iter()
            .any(|r| r.method == "PUT" && r.path.contains("/site/_previews/pr-3/"))
    );
    let arn = format!(
        "arn:aws:cloudfront::123456789012:distribution/{}",
        remote.distribution
    );
    let policy = ssg::provision::policy::preview_policy(&remote.bucket, "site/", &arn);
    assert_eq!(refused(&policy, &seen), Vec::<String>::new());
    // The same run under another prefix's policy is refused: the check bites.
    let elsewhere = ssg::provision::policy::preview_policy(&remote.bucket, "", &arn);
    assert!(!refused(&elsewhere, &seen).is_empty());
}
