//! The bucket's lifecycle rule that removes incomplete multipart uploads.
//!
//! A publish stopped in the middle of a large file's upload leaves its
//! parts in the bucket, invisible to a listing and billed as storage until
//! the upload is aborted. ssg aborts on failure, but a killed process
//! cannot; S3's `AbortIncompleteMultipartUpload` lifecycle action is what
//! cleans up after it. The rule is added beside any rules the bucket
//! already has (a lifecycle configuration is replaced as a whole).

use anyhow::Result;
use aws_sdk_s3::types::{
    AbortIncompleteMultipartUpload, BucketLifecycleConfiguration, ExpirationStatus, LifecycleRule,
    LifecycleRuleFilter,
};

use super::aws::{code, failed};

/// The rule's id, so a rerun finds and replaces its own rule only.
pub const RULE_ID: &str = "ssg-abort-incomplete-uploads";

/// Days after which S3 aborts an upload still incomplete: a publish never
/// takes that long, and a week of stray parts costs nothing noticeable.
pub const DAYS: i32 = 7;

/// The bucket's lifecycle rules (none when it has no configuration).
async fn rules(s3: &aws_sdk_s3::Client, bucket: &str) -> Result<Vec<LifecycleRule>> {
    match s3
        .get_bucket_lifecycle_configuration()
        .bucket(bucket)
        .send()
        .await
    {
        Ok(out) => Ok(out.rules().to_vec()),
        Err(e) if code(&e) == Some("NoSuchLifecycleConfiguration") => Ok(Vec::new()),
        Err(e) => Err(failed(
            &format!("reading the lifecycle rules of bucket {bucket}"),
            &e,
        )),
    }
}

/// The days after which an enabled rule for the whole bucket aborts
/// incomplete uploads, if one does (the user's own rule counts).
pub async fn abort_after(s3: &aws_sdk_s3::Client, bucket: &str) -> Result<Option<i32>> {
    let days = rules(s3, bucket).await?.iter().find_map(|rule| {
        // Rules written before filters existed carry a top-level prefix.
        #[allow(deprecated)]
        let legacy_prefix = rule.prefix().unwrap_or("");
        let whole_bucket = match rule.filter() {
            None => legacy_prefix.is_empty(),
            Some(filter) => filter.prefix().unwrap_or("").is_empty() && filter.and().is_none(),
        };
        let enabled = *rule.status() == ExpirationStatus::Enabled;
        (enabled && whole_bucket)
            .then(|| rule.abort_incomplete_multipart_upload())
            .flatten()
            .and_then(|a| a.days_after_initiation())
    });
    Ok(days)
}

/// Writes ssg's rule beside the bucket's other rules.
pub async fn put(s3: &aws_sdk_s3::Client, bucket: &str) -> Result<()> {
    let mut all: Vec<LifecycleRule> = rules(s3, bucket)
        .await?
        .into_iter()
        .filter(|r| r.id() != Some(RULE_ID))
        .collect();
    all.push(
        LifecycleRule::builder()
            .id(RULE_ID)
            .status(ExpirationStatus::Enabled)
            .filter(LifecycleRuleFilter::builder().prefix("").build())
            .abort_incomplete_multipart_upload(
                AbortIncompleteMultipartUpload::builder()
                    .days_after_initiation(DAYS)
                    .build(),
            )
            .build()?,
    );
    s3.put_bucket_lifecycle_configuration()
        .bucket(bucket)
        .lifecycle_configuration(
            BucketLifecycleConfiguration::builder()
                .set_rules(Some(all))
                .build()?,
        )
        .send()
        .await
        .map_err(|e| {
            failed(
                &format!("writing the lifecycle rules of bucket {bucket}"),
                &e,
            )
        })?;
    Ok(())
}
