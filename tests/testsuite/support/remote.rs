//! A bucket and a distribution of one publish test's own, in the shared
//! moto, read back as a browser would see them: every object with its
//! headers, the invalidations sent; and the small blog the publish suites
//! publish to it.

use std::collections::BTreeMap;

use aws_sdk_cloudfront::types::{
    CacheBehaviors, DefaultCacheBehavior, DistributionConfig, Origin, Origins, S3OriginConfig,
    ViewerProtocolPolicy,
};

use super::bucket::{Stored, is_ssg_own, output_files, stored_objects};
use super::moto::{cloudfront, moto, runtime, s3, unique_name};
use super::{Site, post};

/// A bucket of its own (and a distribution) for one test.
pub struct Remote {
    pub bucket: String,
    pub distribution: String,
}

impl Remote {
    pub fn new() -> Remote {
        let bucket = unique_name("ssg-test");
        let rt = runtime();
        rt.block_on(s3().create_bucket().bucket(&bucket).send())
            .expect("create bucket");
        let origin = Origin::builder()
            .id("s3")
            .domain_name(format!("{bucket}.s3.amazonaws.com"))
            .s3_origin_config(S3OriginConfig::builder().origin_access_identity("").build())
            .build()
            .expect("origin");
        let config = DistributionConfig::builder()
            .caller_reference(&bucket)
            .comment("ssg test")
            .enabled(true)
            .origins(
                Origins::builder()
                    .quantity(1)
                    .items(origin)
                    .build()
                    .expect("origins"),
            )
            .default_cache_behavior(
                DefaultCacheBehavior::builder()
                    .target_origin_id("s3")
                    .viewer_protocol_policy(ViewerProtocolPolicy::RedirectToHttps)
                    .build()
                    .expect("behavior"),
            )
            .cache_behaviors(
                CacheBehaviors::builder()
                    .quantity(0)
                    .build()
                    .expect("behaviors"),
            )
            .build()
            .expect("distribution config");
        let created = rt
            .block_on(
                cloudfront()
                    .create_distribution()
                    .distribution_config(config)
                    .send(),
            )
            .expect("create distribution");
        let distribution = created
            .distribution()
            .expect("distribution")
            .id()
            .to_string();
        Remote {
            bucket,
            distribution,
        }
    }

    pub fn objects(&self) -> BTreeMap<String, Stored> {
        stored_objects(&self.bucket)
    }

    pub fn put(&self, key: &str, body: &str) {
        runtime()
            .block_on(
                s3().put_object()
                    .bucket(&self.bucket)
                    .key(key)
                    .body(body.as_bytes().to_vec().into())
                    .send(),
            )
            .expect("put");
    }

    /// Every invalidation created so far, newest first (as CloudFront lists them).
    pub fn invalidation_summaries(&self) -> Vec<aws_sdk_cloudfront::types::InvalidationSummary> {
        let list = runtime()
            .block_on(
                cloudfront()
                    .list_invalidations()
                    .distribution_id(&self.distribution)
                    .send(),
            )
            .expect("list invalidations");
        list.invalidation_list()
            .map(|l| l.items().to_vec())
            .unwrap_or_default()
    }

    /// Paths of every invalidation created so far, oldest first.
    pub fn invalidations(&self) -> Vec<Vec<String>> {
        let rt = runtime();
        let client = cloudfront();
        let mut out = Vec::new();
        let items = self.invalidation_summaries();
        for summary in items.iter().rev() {
            let got = rt
                .block_on(
                    client
                        .get_invalidation()
                        .distribution_id(&self.distribution)
                        .id(summary.id())
                        .send(),
                )
                .expect("get invalidation");
            let mut paths = got
                .invalidation()
                .and_then(|i| i.invalidation_batch())
                .and_then(|b| b.paths())
                .map(|p| p.items().to_vec())
                .unwrap_or_default();
            paths.sort();
            out.push(paths);
        }
        out
    }

    pub fn config(&self, extra: &str) -> String {
        format!(
            "title = \"Pub\"\nbase_url = \"https://example.com\"\ntheme = \"default\"\n\n[publish]\nbucket = \"{}\"\nregion = \"us-east-1\"\nendpoint = \"{}\"\ncloudfront_endpoint = \"{}\"\ndistribution_id = \"{}\"\n{extra}",
            self.bucket,
            moto(),
            moto(),
            self.distribution
        )
    }
}

pub const RULES: &str = "[[publish.rules]]\nmatch = \"**/*.html\"\ncache_control = \"public, max-age=300\"\n\n[[publish.rules]]\nmatch = \"**/*.{css,js,svg}\"\ncache_control = \"public, max-age=31536000, immutable\"\n";

pub fn blog(remote: &Remote, extra: &str) -> Site {
    Site::with_config(&remote.config(extra))
        .file(
            "content/blog/a.md",
            &post("Alpha", "2024-01-01", &["x"], "First."),
        )
        .file(
            "content/blog/b.md",
            &post("Beta", "2024-01-02", &["x"], "Second."),
        )
        .file("content/about.md", "---\ntitle: About\n---\nAbout.\n")
        .file("static/logo.svg", "<svg/>")
}

/// The bucket holds exactly the output's files (and the manifest), byte for byte.
#[track_caller]
pub fn assert_mirrors(remote: &Remote, site: &Site) {
    let stored = remote.objects();
    let local = output_files(site);
    let keys: Vec<&String> = stored.keys().filter(|k| !is_ssg_own(k)).collect();
    assert_eq!(keys, local.keys().collect::<Vec<_>>());
    for (path, bytes) in &local {
        assert_eq!(&stored[path].body, bytes, "{path}");
    }
}

/// A blog published once, then rebuilt after an edit of one post's body.
pub fn published_then_edited(remote: &Remote, body: &str) -> Site {
    let site = blog(remote, "");
    site.run(&["build"]).success();
    site.run(&["publish"]).success();
    site.write(
        "content/blog/b.md",
        post("Beta", "2024-01-02", &["x"], body).as_bytes(),
    );
    site.run(&["build"]).success();
    site
}

/// The blog's objects carry the types of the built-in table and the
/// `Cache-Control` of [`RULES`].
#[track_caller]
pub fn assert_rules_headers(remote: &Remote) {
    let stored = remote.objects();
    let page = &stored["blog/a/index.html"];
    assert_eq!(page.content_type, "text/html; charset=utf-8");
    assert_eq!(page.cache_control.as_deref(), Some("public, max-age=300"));
    assert_eq!(
        stored["logo.svg"].content_type,
        "image/svg+xml; charset=utf-8"
    );
    assert_eq!(
        stored["logo.svg"].cache_control.as_deref(),
        Some("public, max-age=31536000, immutable")
    );
    assert_eq!(stored["style.css"].content_type, "text/css; charset=utf-8");
    assert_eq!(
        stored["atom.xml"].content_type,
        "application/xml; charset=utf-8"
    );
    assert_eq!(stored["atom.xml"].cache_control, None);
}
