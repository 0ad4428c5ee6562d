//! The bucket's versioning, on: every file a publish replaces or deletes
//! is kept as a noncurrent version (until the lifecycle rule in
//! `lifecycle.rs` expires it), which is what `ssg publish --rollback`
//! copies back.

use anyhow::Result;
use aws_sdk_s3::types::{BucketVersioningStatus, VersioningConfiguration};

use super::aws::failed;
use super::model::Bucket;

/// Why the bucket's versioning needs a change, for the plan.
pub fn problems(bucket: &Bucket) -> Vec<String> {
    if bucket.versioning.as_deref() == Some("Enabled") {
        return Vec::new();
    }
    vec![format!(
        "versioning is {}: `ssg publish --rollback` has no earlier publish to restore",
        bucket.versioning.as_deref().unwrap_or("off").to_lowercase()
    )]
}

/// Turns versioning on.
pub async fn put(s3: &aws_sdk_s3::Client, bucket: &str) -> Result<()> {
    s3.put_bucket_versioning()
        .bucket(bucket)
        .versioning_configuration(
            VersioningConfiguration::builder()
                .status(BucketVersioningStatus::Enabled)
                .build(),
        )
        .send()
        .await
        .map_err(|e| failed(&format!("turning on versioning of bucket {bucket}"), &e))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versioning_off_or_suspended_is_a_problem() {
        let mut bucket = Bucket::default();
        assert!(problems(&bucket)[0].contains("versioning is off"));
        bucket.versioning = Some("Suspended".into());
        assert!(problems(&bucket)[0].contains("versioning is suspended"));
        bucket.versioning = Some("Enabled".into());
        assert!(problems(&bucket).is_empty());
    }
}
