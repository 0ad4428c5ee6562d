//! S3 object versions as the history and rollback need them: whether the
//! bucket keeps them, which version of each key is live and which older
//! ones still exist, and a server-side copy of one old version back on
//! top. With versioning on, S3 keeps every overwritten or deleted object
//! as a noncurrent version (until the lifecycle rule `ssg provision` sets
//! expires it), which is what makes a rollback a matter of seconds: no
//! byte goes through this machine.

use std::collections::{BTreeMap, HashMap};

use anyhow::{Result, anyhow};
use aws_sdk_s3::types::BucketVersioningStatus;

use super::cloud::{Cloud, describe};

/// The largest object one CopyObject can copy (5 GiB, an S3 limit).
pub const MAX_COPY_BYTES: u64 = 5 * 1024 * 1024 * 1024;

/// The version of a key that is live now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveVersion {
    pub version_id: String,
    /// Without quotes.
    pub etag: String,
}

/// Every version under a prefix, as ListObjectVersions gives them.
#[derive(Debug, Default)]
pub struct VersionListing {
    /// The live version of each key (keys whose newest entry is a delete
    /// marker are not live).
    pub live: BTreeMap<String, LiveVersion>,
    /// Every version still stored, live or not: key → version id → size.
    pub stored: HashMap<String, HashMap<String, u64>>,
}

impl VersionListing {
    /// The size of `key`'s version `version_id`, if it is still stored.
    pub fn size_of(&self, key: &str, version_id: &str) -> Option<u64> {
        self.stored.get(key)?.get(version_id).copied()
    }
}

/// Whether the bucket keeps versions (versioning "Enabled"; never
/// enabled and "Suspended" both overwrite in place).
pub async fn enabled(cloud: &Cloud) -> Result<bool> {
    let out = cloud
        .s3
        .get_bucket_versioning()
        .bucket(&cloud.bucket)
        .send()
        .await
        .map_err(|e| {
            anyhow!(
                "cannot read the versioning of bucket {}: {}",
                cloud.bucket,
                describe(&e)
            )
        })?;
    Ok(out.status() == Some(&BucketVersioningStatus::Enabled))
}

/// Every version and delete marker under `prefix` (all pages).
pub async fn list(cloud: &Cloud, prefix: &str) -> Result<VersionListing> {
    let mut listing = VersionListing::default();
    let (mut key_marker, mut version_marker) = (None::<String>, None::<String>);
    loop {
        let page = cloud
            .s3
            .list_object_versions()
            .bucket(&cloud.bucket)
            .prefix(prefix)
            .set_key_marker(key_marker.clone())
            .set_version_id_marker(version_marker.clone())
            .send()
            .await
            .map_err(|e| {
                anyhow!(
                    "cannot list the versions in s3://{}/{prefix}: {}",
                    cloud.bucket,
                    describe(&e)
                )
            })?;
        for version in page.versions() {
            let (Some(key), Some(id)) = (version.key(), version.version_id()) else {
                continue;
            };
            if !key.starts_with(prefix) {
                continue;
            }
            let size = version.size().unwrap_or(0).max(0) as u64;
            (listing.stored.entry(key.to_string()).or_default()).insert(id.to_string(), size);
            if version.is_latest() == Some(true) {
                let etag = version.e_tag().unwrap_or("").trim_matches('"').to_string();
                let live = LiveVersion {
                    version_id: id.to_string(),
                    etag,
                };
                listing.live.insert(key.to_string(), live);
            }
        }
        let next = (page.next_key_marker(), page.next_version_id_marker());
        if page.is_truncated() != Some(true) || next.0.is_none() || next.0 == key_marker.as_deref()
        {
            return Ok(listing);
        }
        key_marker = next.0.map(String::from);
        version_marker = next.1.map(String::from);
    }
}

/// What a copy made live: the new version and its ETag (without quotes).
pub struct Copied {
    pub version_id: String,
    pub etag: String,
}

/// Copies `key`'s version `version_id` on top of `key`, server-side. The
/// default metadata directive (COPY) carries the old version's
/// Content-Type, Cache-Control and Content-Encoding over with its bytes.
pub async fn copy_back(cloud: &Cloud, key: &str, version_id: &str) -> Result<Copied> {
    let source = format!(
        "{}/{}?versionId={}",
        cloud.bucket,
        encode_key(key),
        encode_key(version_id)
    );
    let out = cloud
        .s3
        .copy_object()
        .bucket(&cloud.bucket)
        .key(key)
        .copy_source(source)
        .send()
        .await
        .map_err(|e| {
            anyhow!(
                "cannot restore s3://{}/{key} version {version_id}: {}",
                cloud.bucket,
                describe(&e)
            )
        })?;
    let etag = (out.copy_object_result())
        .and_then(|r| r.e_tag())
        .unwrap_or("")
        .trim_matches('"')
        .to_string();
    Ok(Copied {
        version_id: out.version_id().unwrap_or("null").to_string(),
        etag,
    })
}

/// A key as `x-amz-copy-source` wants it: percent-encoded, `/` kept.
fn encode_key(key: &str) -> String {
    const KEEP: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'/')
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'~');
    percent_encoding::utf8_percent_encode(key, KEEP).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_sources_are_encoded() {
        assert_eq!(encode_key("blog/a b/index.html"), "blog/a%20b/index.html");
        assert_eq!(encode_key("tags/c++/"), "tags/c%2B%2B/");
        assert_eq!(encode_key("caf\u{e9}.html"), "caf%C3%A9.html");
    }
}
