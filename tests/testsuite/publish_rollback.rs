//! `ssg publish --rollback [N]` and `--history` against moto with bucket
//! versioning on, as `ssg provision` leaves it: the live site becomes an
//! earlier publish byte for byte, headers and all, with one invalidation
//! of exactly what changed; the history lists every publish; a rollback
//! that cannot be done whole (versioning off, a version gone) changes
//! nothing; a rollback leaves the previews as they are; and `--destroy`
//! removes every version a site's publishes and previews made.

use std::collections::BTreeMap;

use aws_sdk_s3::types::{BucketVersioningStatus, VersioningConfiguration};

use crate::support::Site;
use crate::support::bucket::{
    Bucket, Stored, blog as bucket_blog, is_ssg_own, output_files, publish as publish_to,
    stored_objects,
};
use crate::support::command::run;
use crate::support::moto::{block, cloudfront, moto, s3};
use crate::support::provision::{blog, bucket_exists, provision, ssg_through, the_distribution};
use crate::support::relay::Relay;
use crate::support::remote::{RULES, Remote, blog as remote_blog};

/// The site files the bucket serves (not ssg's own keys, not previews),
/// with their headers.
fn live_site(bucket: &str) -> BTreeMap<String, Stored> {
    let mut objects = stored_objects(bucket);
    objects.retain(|k, _| !is_ssg_own(k) && !k.starts_with(PREVIEWS));
    objects
}

/// The objects of the previews.
const PREVIEWS: &str = "_previews/";

fn previews(bucket: &str) -> BTreeMap<String, Stored> {
    let mut objects = stored_objects(bucket);
    objects.retain(|k, _| k.starts_with(PREVIEWS));
    objects
}

fn versioning_on(bucket: &str) {
    block(
        s3().put_bucket_versioning()
            .bucket(bucket)
            .versioning_configuration(
                VersioningConfiguration::builder()
                    .status(BucketVersioningStatus::Enabled)
                    .build(),
            )
            .send(),
    )
    .expect("versioning");
}

/// The static files of one build: `notes.txt` says `notes`, and
/// `only-NAME.txt` exists in this build alone.
fn static_build(site: &Site, name: &str, notes: &str) {
    site.write("static/notes.txt", notes.as_bytes());
    for entry in std::fs::read_dir(site.root().join("static")).expect("static") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "txt") {
            std::fs::remove_file(path).expect("remove");
        }
    }
    site.write("static/notes.txt", notes.as_bytes());
    site.write(&format!("static/only-{name}.txt"), name.as_bytes());
}

/// Every invalidation of `distribution`: its id → its paths.
fn invalidations(distribution: &str) -> BTreeMap<String, Vec<String>> {
    let list = block(
        cloudfront()
            .list_invalidations()
            .distribution_id(distribution)
            .send(),
    )
    .expect("list invalidations");
    let ids: Vec<String> = (list.invalidation_list().map(|l| l.items().to_vec()))
        .unwrap_or_default()
        .iter()
        .map(|s| s.id().to_string())
        .collect();
    ids.iter()
        .map(|id| {
            let got = block(
                cloudfront()
                    .get_invalidation()
                    .distribution_id(distribution)
                    .id(id)
                    .send(),
            )
            .expect("get invalidation");
            let mut paths = (got.invalidation())
                .and_then(|i| i.invalidation_batch())
                .and_then(|b| b.paths())
                .map(|p| p.items().to_vec())
                .unwrap_or_default();
            paths.sort();
            (id.clone(), paths)
        })
        .collect()
}

/// `ssg publish --history --json`: every publish.
fn history(site: &Site, through: &str) -> Vec<serde_json::Value> {
    let out = run(ssg_through(
        site,
        through,
        &["publish", "--history", "--json"],
    ));
    out.success();
    let json: serde_json::Value = serde_json::from_str(&out.stdout).expect("history json");
    json["publishes"].as_array().expect("publishes").clone()
}

#[test]
fn rollback_after_provision_serves_the_previous_publish_byte_for_byte() {
    let (site, bucket) = blog();
    provision(&site, &["provision"]).0.success();
    let versioning = block(s3().get_bucket_versioning().bucket(&bucket).send()).expect("get");
    assert_eq!(versioning.status(), Some(&BucketVersioningStatus::Enabled));
    let distribution = the_distribution(&bucket).id().to_string();
    let publish = |args: &[&str]| run(ssg_through(&site, moto(), args));

    // Build A: notes "one", only-a.txt; build B: notes "two", only-b.txt.
    static_build(&site, "a", "one");
    publish(&["build"]).success();
    publish(&["publish"]).success();
    let a = live_site(&bucket);
    assert!(a.contains_key("only-a.txt"));
    static_build(&site, "b", "two");
    publish(&["build"]).success();
    publish(&["publish"]).success();
    let b = live_site(&bucket);
    assert_ne!(a, b);
    // A preview of B: never rolled back to, and a rollback leaves it be.
    publish(&["publish", "--preview", "pr-1"]).success();
    let preview = previews(&bucket);
    assert!(
        preview.contains_key("_previews/pr-1/only-b.txt"),
        "{preview:?}"
    );
    assert_eq!(live_site(&bucket), b);
    let sent_before = invalidations(&distribution);

    // A dry run tells and changes nothing.
    let dry = publish(&["publish", "--rollback", "--dry-run"]);
    dry.success();
    assert!(dry.stdout.contains("restore notes.txt"), "{}", dry.stdout);
    assert!(dry.stdout.contains("delete  only-b.txt"), "{}", dry.stdout);
    assert_eq!(live_site(&bucket), b);

    publish(&["publish", "--rollback"]).success();
    // Every file A had, with A's bytes and headers; nothing of B's left live.
    assert_eq!(live_site(&bucket), a);
    assert_eq!(previews(&bucket), preview);
    // One invalidation: the path replaced and the path deleted (only-a.txt
    // comes back where nothing was cached).
    let mut sent = invalidations(&distribution);
    sent.retain(|id, _| !sent_before.contains_key(id));
    let sent: Vec<&Vec<String>> = sent.values().collect();
    assert_eq!(sent, [&["/notes.txt", "/only-b.txt"]]);

    // The history: A, B, and the rollback to A, live, each with its date.
    let publishes = history(&site, moto());
    assert_eq!(publishes.len(), 3, "{publishes:?}");
    for (i, p) in publishes.iter().enumerate() {
        assert_eq!(p["number"], i as u64 + 1);
        let time = p["time"].as_str().expect("time");
        chrono::DateTime::parse_from_rfc3339(time).expect("an RFC 3339 date");
        assert_eq!(p["live"], i == 2);
        assert_eq!(p["files"], a.len() as u64, "{p}");
    }
    assert_eq!(publishes[2]["rollback_to"], 1);
    let text = publish(&["publish", "--history"]);
    text.success();
    let lines: Vec<&str> = text.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", text.stdout);
    assert!(lines[2].starts_with("3  20"), "{}", lines[2]);
    assert!(lines[2].contains("(rollback to 1, live)"), "{}", lines[2]);

    // The manifest is A's again: publishing build B puts B back exactly.
    publish(&["publish"]).success();
    assert_eq!(live_site(&bucket), b);
}

/// A bucket with versioning on, the blog with `RULES`, and its publishes
/// of the static builds `names` (each `notes.txt` saying its name).
fn published(names: &[&str]) -> (Remote, Site, Vec<BTreeMap<String, Stored>>) {
    let remote = Remote::new();
    versioning_on(&remote.bucket);
    let site = remote_blog(&remote, RULES);
    let mut builds = Vec::new();
    for name in names {
        static_build(&site, name, name);
        site.run(&["build"]).success();
        site.run(&["publish"]).success();
        builds.push(live_site(&remote.bucket));
    }
    (remote, site, builds)
}

#[test]
fn rollback_n_goes_to_that_publish_and_a_bare_rollback_to_the_one_before_the_live_one() {
    let (remote, site, builds) = published(&["a", "b", "c"]);
    assert_eq!(history(&site, moto()).len(), 3);

    site.run(&["publish", "--rollback", "1"]).success();
    assert_eq!(live_site(&remote.bucket), builds[0]);
    // Headers came back with the bytes (RULES sets them per type).
    let svg = &live_site(&remote.bucket)["logo.svg"];
    assert_eq!(
        svg.cache_control.as_deref(),
        Some("public, max-age=31536000, immutable")
    );

    // The live one is now 4 (the rollback); the one before it is 3 (c).
    site.run(&["publish", "--rollback"]).success();
    assert_eq!(live_site(&remote.bucket), builds[2]);
    let publishes = history(&site, moto());
    let rolled: Vec<&serde_json::Value> = publishes.iter().map(|p| &p["rollback_to"]).collect();
    assert_eq!(
        rolled,
        [
            &serde_json::Value::Null,
            &serde_json::Value::Null,
            &serde_json::Value::Null,
            &serde_json::json!(1),
            &serde_json::json!(3)
        ]
    );

    // Rolling back to the live publish does nothing; an unknown one is an error.
    site.run(&["publish", "--rollback", "5"]).success();
    assert_eq!(history(&site, moto()).len(), 5);
    site.run(&["publish", "--rollback", "9"])
        .failure_in_one_line("no publish numbered 9");
}

#[test]
fn a_small_publish_asks_for_the_versions_it_wrote_and_lists_none() {
    let bucket = Bucket::new();
    versioning_on(&bucket.name);
    let relay = Relay::to(moto());
    let site = bucket_blog(&bucket.config(&relay.url), "one", 40);
    site.run(&["build"]).success();
    publish_to(&site, &[]).success();
    let first = output_files(&site);
    // The first publish has no record to start from: it lists the versions.
    let listed = |from: usize| {
        (relay.seen()[from..].iter())
            .filter(|r| r.method == "GET" && r.query.contains("versions"))
            .count()
    };
    assert_eq!(listed(0), 1);

    let seen = relay.seen().len();
    site.write("static/img/one-0.txt", b"changed");
    site.run(&["build"]).success();
    publish_to(&site, &[]).success();
    let second = output_files(&site);
    assert_eq!(listed(seen), 0, "a one-file publish listed every version");

    // Both records are right: back to the first, then to the second.
    publish_to(&site, &["--rollback"]).success();
    assert_eq!(bucket.site(), first);
    publish_to(&site, &["--rollback"]).success();
    assert_eq!(bucket.site(), second);
}

#[test]
fn rollback_with_versioning_off_is_refused_and_changes_nothing() {
    let remote = Remote::new();
    let site = remote_blog(&remote, RULES);
    for name in ["a", "b"] {
        static_build(&site, name, name);
        site.run(&["build"]).success();
        site.run(&["publish"]).success();
    }
    let before = stored_objects(&remote.bucket);
    let sent = remote.invalidations().len();
    site.run(&["publish", "--rollback"])
        .failure_in_one_line("bucket versioning is off")
        .failure_in_one_line("run `ssg provision`");
    assert_eq!(stored_objects(&remote.bucket), before);
    assert_eq!(remote.invalidations().len(), sent);
    // The history still lists both publishes, as not restorable.
    let text = site.run(&["publish", "--history"]);
    text.success();
    assert_eq!(
        text.stdout.matches("versioning off").count(),
        2,
        "{}",
        text.stdout
    );
}

#[test]
fn a_rollback_whose_version_is_gone_changes_nothing() {
    let (remote, site, builds) = published(&["a", "b"]);
    // Publish 1's notes.txt, now a noncurrent version, deleted for good.
    let versions = block(
        s3().list_object_versions()
            .bucket(&remote.bucket)
            .prefix("notes.txt")
            .send(),
    )
    .expect("versions");
    let old = versions
        .versions()
        .iter()
        .find(|v| v.is_latest() == Some(false))
        .and_then(|v| v.version_id())
        .expect("an old version of notes.txt")
        .to_string();
    block(
        s3().delete_object()
            .bucket(&remote.bucket)
            .key("notes.txt")
            .version_id(&old)
            .send(),
    )
    .expect("delete version");
    let before = stored_objects(&remote.bucket);
    let sent = remote.invalidations().len();

    site.run(&["publish", "--rollback"])
        .failure_in_one_line("publish 1 cannot be restored");
    assert_eq!(stored_objects(&remote.bucket), before);
    assert_eq!(live_site(&remote.bucket), builds[1]);
    assert_eq!(remote.invalidations().len(), sent);
    assert_eq!(history(&site, moto()).len(), 2);
}

#[test]
fn destroy_removes_every_version_and_delete_marker() {
    let (site, bucket) = blog();
    provision(&site, &["provision"]).0.success();
    let rules = block(
        s3().get_bucket_lifecycle_configuration()
            .bucket(&bucket)
            .send(),
    )
    .expect("lifecycle");
    let expiry: Vec<Option<i32>> = (rules.rules().iter())
        .map(|r| {
            r.noncurrent_version_expiration()
                .and_then(|e| e.noncurrent_days())
        })
        .collect();
    assert!(expiry.contains(&Some(30)), "{expiry:?}");
    let publish = |args: &[&str]| run(ssg_through(&site, moto(), args));
    for name in ["a", "b"] {
        static_build(&site, name, name);
        publish(&["build"]).success();
        publish(&["publish"]).success();
        publish(&["publish", "--preview", name]).success();
    }
    assert!(!previews(&bucket).is_empty());
    // Old versions and delete markers are there to remove.
    let versions = block(s3().list_object_versions().bucket(&bucket).send()).expect("versions");
    assert!(
        versions
            .versions()
            .iter()
            .any(|v| v.is_latest() == Some(false))
    );
    assert!(!versions.delete_markers().is_empty());

    let (done, _) = provision(&site, &["provision", "--destroy", "--yes"]);
    done.success();
    assert!(!bucket_exists(&bucket));
}
