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

/// One entry of ListObjectVersions: a version or a delete marker.
#[derive(Debug, Clone)]
pub struct StoredVersion {
    pub key: String,
    /// "null" for an object written while versioning was off.
    pub version_id: String,
    pub is_latest: bool,
    /// A delete marker (no bytes) rather than a version.
    pub delete_marker: bool,
    /// Without quotes; empty for a delete marker.
    pub etag: String,
    pub size: u64,
}

/// Every version and delete marker under `prefix` (all pages), as the
/// server lists them.
pub async fn each_version(
    s3: &aws_sdk_s3::Client,
    bucket: &str,
    prefix: &str,
) -> Result<Vec<StoredVersion>> {
    let mut out = Vec::new();
    let (mut key_marker, mut version_marker) = (None::<String>, None::<String>);
    loop {
        let page = s3
            .list_object_versions()
            .bucket(bucket)
            .prefix(prefix)
            .set_key_marker(key_marker.clone())
            .set_version_id_marker(version_marker.clone())
            .send()
            .await
            .map_err(|e| {
                anyhow!(
                    "cannot list the versions in s3://{bucket}/{prefix}: {}",
                    describe(&e)
                )
            })?;
        for v in page.versions() {
            out.push(StoredVersion {
                key: v.key().unwrap_or_default().to_string(),
                version_id: v.version_id().unwrap_or("null").to_string(),
                is_latest: v.is_latest() == Some(true),
                delete_marker: false,
                etag: v.e_tag().unwrap_or("").trim_matches('"').to_string(),
                size: v.size().unwrap_or(0).max(0) as u64,
            });
        }
        for m in page.delete_markers() {
            out.push(StoredVersion {
                key: m.key().unwrap_or_default().to_string(),
                version_id: m.version_id().unwrap_or("null").to_string(),
                is_latest: m.is_latest() == Some(true),
                delete_marker: true,
                etag: String::new(),
                size: 0,
            });
        }
        let next = page.next_key_marker().map(String::from);
        // A server that hands back the marker it was sent would loop for ever.
        if page.is_truncated() != Some(true) || next.is_none() || next == key_marker {
            return Ok(out);
        }
        key_marker = next;
        version_marker = page.next_version_id_marker().map(String::from);
    }
}

/// The versions under `prefix`: which is live for each key, and which
/// are still stored.
pub async fn list(cloud: &Cloud, prefix: &str) -> Result<VersionListing> {
    let mut listing = VersionListing::default();
    for version in each_version(&cloud.s3, &cloud.bucket, prefix).await? {
        // Never anything outside the prefix, whatever the server says.
        if version.delete_marker || !version.key.starts_with(prefix) {
            continue;
        }
        if version.is_latest {
            let live = LiveVersion {
                version_id: version.version_id.clone(),
                etag: version.etag,
            };
            listing.live.insert(version.key.clone(), live);
        }
        (listing.stored.entry(version.key).or_default()).insert(version.version_id, version.size);
    }
    Ok(listing)
}

/// The live version of `key` (one HEAD), `None` when there is no such object.
pub async fn live_version(cloud: &Cloud, key: &str) -> Result<Option<String>> {
    match cloud
        .s3
        .head_object()
        .bucket(&cloud.bucket)
        .key(key)
        .send()
        .await
    {
        Ok(out) => Ok(Some(out.version_id().unwrap_or("null").to_string())),
        Err(e) if e.raw_response().is_some_and(|r| r.status().as_u16() == 404) => Ok(None),
        Err(e) => Err(anyhow!(
            "cannot read s3://{}/{key}: {}",
            cloud.bucket,
            describe(&e)
        )),
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
