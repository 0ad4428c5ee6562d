//! A bucket of its own for each publish test, read back through the SDK:
//! its objects, the manifest ssg keeps in it (root and shards), and what a
//! request the relay recorded means to a publish (an upload of a site
//! file, the batch delete, a listing, a manifest write).

use std::collections::{BTreeMap, BTreeSet};

use crate::support::command::Run;
use crate::support::moto::{runtime, s3, unique_name};
use crate::support::relay::Request;
use crate::support::site::{Site, post, snapshot};

/// The manifest's root.
pub const MANIFEST: &str = ".ssg-manifest.json";

/// The folder of the manifest's shards.
pub const SHARDS: &str = ".ssg-manifest/";

/// The publish lease.
pub const LOCK: &str = ".ssg-publish.lock";

/// The folder of the publish history.
pub const HISTORY: &str = ".ssg-history/";

/// A key ssg keeps for itself: the manifest's root, a shard, the lock, the history.
pub fn is_ssg_own(key: &str) -> bool {
    key == MANIFEST || key == LOCK || key.starts_with(SHARDS) || key.starts_with(HISTORY)
}

/// What a request means to a publish. ssg addresses buckets by path
/// (`/bucket/key`), so the key is the path after its first segment.
impl Request {
    /// The key, without the bucket and the query (`blog/a/index.html`).
    pub fn key(&self) -> &str {
        self.path
            .trim_start_matches('/')
            .split_once('/')
            .map_or("", |(_, key)| key)
    }

    /// A PUT of a site file (not the lock, not the manifest).
    pub fn site_put(&self) -> Option<&str> {
        (self.method == "PUT" && !is_ssg_own(self.key())).then_some(self.key())
    }

    /// The batch delete of stale objects.
    pub fn batch_delete(&self) -> bool {
        self.method == "POST" && self.query.contains("delete")
    }

    /// A listing of the bucket (ListObjectsV2).
    pub fn list(&self) -> bool {
        self.method == "GET" && self.key().is_empty() && self.query.contains("list-type")
    }

    /// A write of the manifest's root.
    pub fn root_put(&self) -> bool {
        self.method == "PUT" && self.key() == MANIFEST
    }

    /// A write of one of the manifest's shards.
    pub fn shard_put(&self) -> bool {
        self.method == "PUT" && self.key().starts_with(SHARDS)
    }
}

/// A bucket of its own for one test (no CloudFront: nothing to invalidate).
pub struct Bucket {
    pub name: String,
}

impl Bucket {
    pub fn new() -> Bucket {
        let name = unique_name("ssg-lease");
        runtime()
            .block_on(s3().create_bucket().bucket(&name).send())
            .expect("create bucket");
        Bucket { name }
    }

    /// `ssg.toml` publishing to this bucket through `endpoint`.
    pub fn config(&self, endpoint: &str) -> String {
        format!(
            "title = \"Lease\"\nbase_url = \"https://example.com\"\ntheme = \"default\"\n\n[publish]\nbucket = \"{}\"\nregion = \"us-east-1\"\nendpoint = \"{endpoint}\"\nmax_attempts = 1\nconcurrency = 4\n",
            self.name
        )
    }

    /// Every object: key → bytes.
    pub fn objects(&self) -> BTreeMap<String, Vec<u8>> {
        stored_objects(&self.name)
            .into_iter()
            .map(|(key, stored)| (key, stored.body))
            .collect()
    }

    /// The site files: every object but the manifest and the lock.
    pub fn site(&self) -> BTreeMap<String, Vec<u8>> {
        let mut objects = self.objects();
        objects.retain(|k, _| !is_ssg_own(k));
        objects
    }

    pub fn put(&self, key: &str, body: &[u8]) {
        runtime()
            .block_on(
                s3().put_object()
                    .bucket(&self.name)
                    .key(key)
                    .body(body.to_vec().into())
                    .send(),
            )
            .expect("put");
    }

    /// The manifest: key → MD5. Its root must name only shards that are
    /// there and whole, and no other shard may be left in the bucket.
    pub fn manifest(&self) -> BTreeMap<String, String> {
        let objects = self.objects();
        let Some(gz) = objects.get(MANIFEST) else {
            return BTreeMap::new();
        };
        let value = gunzip_json(gz);
        let mut entries = serde_json::Map::new();
        let mut named = BTreeSet::new();
        match value["shards"].as_array() {
            None => entries = value["objects"].as_object().expect("objects").clone(),
            Some(shards) => {
                assert!(value["pending"].is_null(), "the root is left under way");
                for (i, shard) in shards.iter().enumerate() {
                    if shard["entries"].as_u64() == Some(0) {
                        continue;
                    }
                    let hash = shard["hash"].as_str().expect("hash");
                    let key = format!("{SHARDS}{i:03}-{hash}.json.gz");
                    let bytes = objects
                        .get(&key)
                        .unwrap_or_else(|| panic!("the root names a missing shard {key}"));
                    let shard = gunzip_json(bytes);
                    entries.extend(shard["objects"].as_object().expect("objects").clone());
                    named.insert(key);
                }
            }
        }
        let stored: BTreeSet<String> = objects
            .keys()
            .filter(|k| k.starts_with(SHARDS))
            .cloned()
            .collect();
        assert_eq!(stored, named, "shards the root does not name were left");
        entries
            .iter()
            .map(|(k, v)| (k.clone(), v["md5"].as_str().unwrap_or("").to_string()))
            .collect()
    }

    /// A lock held by another machine's publish, started `age` ago.
    pub fn lock_held_by(&self, id: &str, age: chrono::Duration) {
        let started = (chrono::Utc::now() - age).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let body = serde_json::json!({
            "id": id, "host": "elsewhere", "pid": 1, "scope": "another machine", "started": started
        });
        self.put(LOCK, body.to_string().as_bytes());
    }
}

pub fn gunzip_json(gz: &[u8]) -> serde_json::Value {
    let mut json = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(gz), &mut json)
        .expect("gzipped manifest");
    serde_json::from_slice(&json).expect("manifest json")
}

pub fn md5_hex(bytes: &[u8]) -> String {
    use md5::{Digest, Md5};
    Md5::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The bucket holds exactly `build`, and the manifest lists exactly it.
#[track_caller]
pub fn assert_holds(bucket: &Bucket, build: &BTreeMap<String, Vec<u8>>) {
    let site = bucket.site();
    assert_eq!(
        site.keys().collect::<Vec<_>>(),
        build.keys().collect::<Vec<_>>()
    );
    assert!(site == *build, "the bucket's bytes are not the build's");
    let expected: BTreeMap<String, String> =
        build.iter().map(|(k, b)| (k.clone(), md5_hex(b))).collect();
    assert_eq!(bucket.manifest(), expected, "the manifest disagrees");
}

/// A small blog; `variant` changes every post, and `extra` static files are added.
pub fn blog(config: &str, variant: &str, extra: usize) -> Site {
    let mut site = Site::with_config(config)
        .file(
            "content/blog/a.md",
            &post("Alpha", "2024-01-01", &["x"], &format!("First {variant}.")),
        )
        .file(
            "content/blog/b.md",
            &post("Beta", "2024-01-02", &["y"], &format!("Second {variant}.")),
        )
        .file("content/about.md", "---\ntitle: About\n---\nAbout.\n")
        .file("static/logo.svg", "<svg/>");
    for i in 0..extra {
        site = site.file(
            &format!("static/img/{variant}-{i}.txt"),
            &format!("{variant} {i}"),
        );
    }
    site
}

/// Points the site at `endpoint`.
pub fn publish_through(site: &Site, bucket: &Bucket, endpoint: &str, extra: &str) {
    site.write(
        "ssg.toml",
        format!("{}{extra}", bucket.config(endpoint)).as_bytes(),
    );
}

/// Every file of the built output (`public/`) with its bytes.
pub fn output_files(site: &Site) -> BTreeMap<String, Vec<u8>> {
    snapshot(&site.root().join("public"))
        .into_iter()
        .map(|(p, b)| (p.to_string_lossy().replace('\\', "/"), b))
        .collect()
}

/// `ssg publish ARGS` in the site folder.
pub fn publish(site: &Site, args: &[&str]) -> Run {
    site.run(&publish_args(args))
}

/// `publish` and then `args`.
pub fn publish_args<'a>(args: &[&'a str]) -> Vec<&'a str> {
    let mut all = vec!["publish"];
    all.extend_from_slice(args);
    all
}

/// A stored object as the bucket serves it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub body: Vec<u8>,
    pub content_type: String,
    pub cache_control: Option<String>,
    pub content_encoding: Option<String>,
}

/// Every object of `bucket` with the headers it is served with.
pub fn stored_objects(bucket: &str) -> BTreeMap<String, Stored> {
    let rt = runtime();
    let client = s3();
    let list = rt
        .block_on(client.list_objects_v2().bucket(bucket).send())
        .expect("list");
    let mut out = BTreeMap::new();
    for object in list.contents() {
        let key = object.key().unwrap_or_default().to_string();
        let got = rt
            .block_on(client.get_object().bucket(bucket).key(&key).send())
            .expect("get");
        let stored = Stored {
            content_type: got.content_type().unwrap_or_default().to_string(),
            cache_control: got.cache_control().map(String::from),
            content_encoding: got.content_encoding().map(String::from),
            body: rt
                .block_on(got.body.collect())
                .expect("body")
                .into_bytes()
                .to_vec(),
        };
        out.insert(key, stored);
    }
    out
}
