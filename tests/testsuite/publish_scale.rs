//! Publishing proportional to the change, not to the site: the manifest's
//! ETag remembered from this machine's last publish (no listing while it is
//! unchanged), `--verify`, the sharded manifest, and the single-file
//! manifest of earlier versions read and migrated.
//!
//! Every run goes through the recording relay, so the tests assert on the
//! requests ssg made, as they reached moto.

use std::collections::BTreeMap;

use crate::support::bucket::{
    Bucket, MANIFEST, SHARDS, assert_holds, blog, gunzip_json, output_files, publish,
    publish_through,
};
use crate::support::moto::{moto, runtime, s3};
use crate::support::relay::{Relay, Request};
use crate::support::{Run, Site, post};

/// A blog of some 600 files (four shards), published once through a relay.
fn published(files: usize) -> (Bucket, Relay, Site) {
    let bucket = Bucket::new();
    let relay = Relay::to(moto());
    let site = blog(&bucket.config(&relay.url), "v", files);
    site.run(&["build"]).success();
    publish(&site, &[]).success();
    (bucket, relay, site)
}

/// Publishes with `args` and returns the run and the requests it made.
fn publish_seen(site: &Site, relay: &Relay, args: &[&str]) -> (Run, Vec<Request>) {
    let from = relay.seen().len();
    let run = publish(site, args);
    relay.settle();
    (run, relay.seen()[from..].to_vec())
}

fn json(run: &Run) -> serde_json::Value {
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}", run.stdout))
}

fn described(requests: &[Request]) -> Vec<String> {
    requests
        .iter()
        .map(|r| format!("{} /{}?{}", r.method, r.key(), r.query))
        .collect()
}

fn shard_count(bucket: &Bucket) -> usize {
    let root = gunzip_json(&bucket.objects()[MANIFEST]);
    root["shards"].as_array().map_or(0, Vec::len)
}

#[test]
fn a_publish_with_no_change_sends_one_head_and_takes_no_lease() {
    let (bucket, relay, site) = published(0);
    site.run(&["build"]).success();
    let (run, requests) = publish_seen(&site, &relay, &["--json"]);
    run.success();
    assert_eq!(
        described(&requests),
        [format!("HEAD /{MANIFEST}?")],
        "no listing, no lease, no manifest download"
    );
    let report = json(&run);
    assert_eq!(report["listed"], false);
    assert_eq!(report["result"]["uploaded"], 0);
    assert!(report["result"]["unchanged"].as_u64().unwrap_or(0) > 5);
    assert_holds(&bucket, &output_files(&site));
}

#[test]
fn an_edit_publishes_without_listing_and_rewrites_one_shard() {
    let (bucket, relay, site) = published(600);
    assert_eq!(shard_count(&bucket), 4);
    let shards_before: Vec<String> = bucket
        .objects()
        .into_keys()
        .filter(|k| k.starts_with(SHARDS))
        .collect();
    // One file of the output changes.
    site.write("static/img/v-7.txt", b"edited");
    site.run(&["build"]).success();
    let (run, requests) = publish_seen(&site, &relay, &["--json"]);
    run.success();
    assert_eq!(json(&run)["listed"], false);
    assert!(
        !requests.iter().any(Request::list),
        "{:?}",
        described(&requests)
    );
    let uploads: Vec<&str> = requests.iter().filter_map(Request::site_put).collect();
    assert_eq!(uploads, ["img/v-7.txt"]);
    let shard_puts: Vec<&Request> = requests.iter().filter(|r| r.shard_put()).collect();
    assert_eq!(shard_puts.len(), 1, "{:?}", described(&requests));
    // The root twice: marked under way before the upload, then the commit;
    // both over the version read.
    let roots: Vec<usize> = (0..requests.len())
        .filter(|&i| requests[i].root_put())
        .collect();
    assert_eq!(roots.len(), 2, "{:?}", described(&requests));
    for &i in &roots {
        assert!(
            requests[i].header("if-match").is_some(),
            "{:?}",
            requests[i]
        );
    }
    let upload = requests
        .iter()
        .position(|r| r.site_put().is_some())
        .unwrap_or(0);
    let shard = requests.iter().position(Request::shard_put).unwrap_or(0);
    let delete = requests
        .iter()
        .position(Request::batch_delete)
        .expect("the old shard deleted");
    assert!(roots[0] < upload && upload < shard && shard < roots[1] && roots[1] < delete);
    let shards_after: Vec<String> = bucket
        .objects()
        .into_keys()
        .filter(|k| k.starts_with(SHARDS))
        .collect();
    let kept = shards_after
        .iter()
        .filter(|k| shards_before.contains(k))
        .count();
    assert_eq!(kept, 3, "three shards untouched");
    assert_holds(&bucket, &output_files(&site));

    // And the next publish is back to one HEAD.
    let (run, requests) = publish_seen(&site, &relay, &[]);
    run.success();
    assert_eq!(requests.len(), 1, "{:?}", described(&requests));
}

#[test]
fn a_change_behind_ssgs_back_is_repaired_only_with_verify() {
    let (bucket, relay, site) = published(0);
    runtime()
        .block_on(
            s3().delete_object()
                .bucket(&bucket.name)
                .key("about/index.html")
                .send(),
        )
        .expect("delete behind ssg's back");

    // The manifest's ETag did not change: the remembered manifest is
    // trusted and the missing page goes unnoticed.
    let (run, requests) = publish_seen(&site, &relay, &["--json"]);
    run.success();
    assert_eq!(json(&run)["result"]["uploaded"], 0);
    assert!(!requests.iter().any(Request::list));
    assert!(!bucket.objects().contains_key("about/index.html"));

    // --verify lists, finds it and puts it back.
    let (run, requests) = publish_seen(&site, &relay, &["--verify", "--json"]);
    run.success();
    let report = json(&run);
    assert_eq!(report["listed"], true);
    assert!(requests.iter().any(Request::list));
    let uploads: Vec<&str> = requests.iter().filter_map(Request::site_put).collect();
    assert_eq!(uploads, ["about/index.html"]);
    assert_holds(&bucket, &output_files(&site));
}

#[test]
fn a_manifest_replaced_by_another_machine_makes_the_next_publish_list() {
    let (bucket, relay, here) = published(0);
    // Another machine (another site folder, so another memory) publishes
    // an edit through the same endpoint.
    let there = blog(&bucket.config(&relay.url), "v", 0);
    there.write(
        "content/blog/a.md",
        post("Alpha", "2024-01-01", &["x"], "Edited elsewhere.").as_bytes(),
    );
    there.run(&["build"]).success();
    let (run, requests) = publish_seen(&there, &relay, &[]);
    run.success();
    assert!(
        requests.iter().any(Request::list),
        "nothing remembered there"
    );
    assert_holds(&bucket, &output_files(&there));

    // Here the root's ETag is no longer the one remembered: list, and put
    // this machine's build back.
    let (run, requests) = publish_seen(&here, &relay, &["--json"]);
    run.success();
    assert_eq!(json(&run)["listed"], true);
    assert!(requests.iter().any(Request::list));
    let uploads: Vec<&str> = requests.iter().filter_map(Request::site_put).collect();
    assert!(uploads.contains(&"blog/a/index.html"), "{uploads:?}");
    assert_holds(&bucket, &output_files(&here));
}

#[test]
fn an_old_single_file_manifest_is_read_and_migrated() {
    let bucket = Bucket::new();
    let site = blog(&bucket.config(moto()), "v", 0);
    site.run(&["build"]).success();
    publish(&site, &[]).success();
    // The bucket as an earlier version of ssg left it: one manifest file.
    let objects = bucket.objects();
    let root = gunzip_json(&objects[MANIFEST]);
    let mut entries = serde_json::Map::new();
    for (i, shard) in root["shards"]
        .as_array()
        .expect("shards")
        .iter()
        .enumerate()
    {
        let key = format!(
            "{SHARDS}{i:03}-{}.json.gz",
            shard["hash"].as_str().unwrap_or("")
        );
        let shard = gunzip_json(&objects[&key]);
        entries.extend(shard["objects"].as_object().expect("objects").clone());
        runtime()
            .block_on(s3().delete_object().bucket(&bucket.name).key(&key).send())
            .expect("delete shard");
    }
    let legacy = serde_json::json!({ "version": 1, "objects": entries });
    bucket.put(MANIFEST, &gzip(&serde_json::to_vec(&legacy).expect("json")));

    // A header-only change is seen only through the manifest's entries:
    // so the old manifest was read.
    let relay = Relay::to(moto());
    publish_through(
        &site,
        &bucket,
        &relay.url,
        "[[publish.rules]]\nmatch = \"**/*.css\"\ncache_control = \"max-age=60\"\n",
    );
    let (run, requests) = publish_seen(&site, &relay, &["--json"]);
    run.success();
    let report = json(&run);
    let reasons: BTreeMap<String, String> = report["plan"]["uploads"]
        .as_array()
        .expect("uploads")
        .iter()
        .map(|u| {
            (
                u["key"].as_str().unwrap_or("").to_string(),
                u["reason"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    let css: BTreeMap<String, String> = output_files(&site)
        .into_keys()
        .filter(|k| k.ends_with(".css"))
        .map(|k| (k, "headers".to_string()))
        .collect();
    assert!(css.contains_key("style.css"), "{css:?}");
    assert_eq!(reasons, css);
    // Migrated: a sharded root, whole shards.
    assert!(requests.iter().any(Request::shard_put));
    assert!(gunzip_json(&bucket.objects()[MANIFEST])["shards"].is_array());
    assert_holds(&bucket, &output_files(&site));
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write as _;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).expect("gzip");
    encoder.finish().expect("gzip")
}

#[test]
fn a_file_changed_in_the_output_folder_after_a_publish_is_uploaded() {
    let bucket = Bucket::new();
    let relay = Relay::to(moto());
    let site = blog(&bucket.config(&relay.url), "v", 0);
    site.run(&["build"]).success();
    // Files older than the publish by over a second: their stamps are
    // trusted by the next publish, which does not read them again.
    std::thread::sleep(std::time::Duration::from_millis(2100));
    publish(&site, &[]).success();
    let before = site.read("public/logo.svg");
    let edited: String = before.chars().rev().collect();
    assert_eq!(edited.len(), before.len());
    assert_ne!(edited, before);
    site.write("public/logo.svg", edited.as_bytes());
    // And a header rule: style.css goes up again from its unread file.
    publish_through(
        &site,
        &bucket,
        &relay.url,
        "[[publish.rules]]\nmatch = \"style.css\"\ncache_control = \"max-age=60\"\n",
    );
    let (run, requests) = publish_seen(&site, &relay, &["-v"]);
    run.success();
    assert!(
        run.stderr.contains("publish: 1 of "),
        "only the edited file is read: {}",
        run.stderr
    );
    let mut uploads: Vec<&str> = requests.iter().filter_map(Request::site_put).collect();
    uploads.sort();
    assert_eq!(uploads, ["logo.svg", "style.css"]);
    assert_holds(&bucket, &output_files(&site));
}
