//! The bucket's lifecycle rules: one that removes incomplete multipart
//! uploads, one that expires old versions.
//!
//! A publish stopped in the middle of a large file's upload leaves its
//! parts in the bucket, invisible to a listing and billed as storage until
//! the upload is aborted. ssg aborts on failure, but a killed process
//! cannot; S3's `AbortIncompleteMultipartUpload` lifecycle action is what
//! cleans up after it.
//!
//! With versioning on (what `ssg publish --rollback` restores from), every
//! file a publish replaces or deletes stays as a noncurrent version, billed
//! like any object; `NoncurrentVersionExpiration` removes those after
//! [`VERSION_DAYS`], and the delete markers left with no version behind
//! them go too. Both rules are added beside any rules the bucket already
//! has, in its one configuration (which is replaced as a whole).

use anyhow::Result;
use aws_sdk_s3::types::{
    AbortIncompleteMultipartUpload, BucketLifecycleConfiguration, ExpirationStatus,
    LifecycleExpiration, LifecycleRule, LifecycleRuleFilter, NoncurrentVersionExpiration,
};

use super::aws::{code, failed};
use super::model::Bucket;

/// The rule's id, so a rerun finds and replaces its own rule only.
pub const RULE_ID: &str = "ssg-abort-incomplete-uploads";

/// Days after which S3 aborts an upload still incomplete: a publish never
/// takes that long, and a week of stray parts costs nothing noticeable.
pub const DAYS: i32 = 7;

/// The id of the rule that expires old versions.
pub const VERSIONS_RULE_ID: &str = "ssg-expire-old-versions";

/// Days a replaced or deleted file is kept (and can be rolled back to):
/// a month of publishes, at cents of storage for a typical site.
pub const VERSION_DAYS: i32 = 30;

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

/// The enabled rules of the bucket that apply to every key.
fn whole_bucket_rules(rules: &[LifecycleRule]) -> impl Iterator<Item = &LifecycleRule> {
    rules.iter().filter(|rule| {
        // Rules written before filters existed carry a top-level prefix.
        #[allow(deprecated)]
        let legacy_prefix = rule.prefix().unwrap_or("");
        let whole_bucket = match rule.filter() {
            None => legacy_prefix.is_empty(),
            Some(filter) => filter.prefix().unwrap_or("").is_empty() && filter.and().is_none(),
        };
        *rule.status() == ExpirationStatus::Enabled && whole_bucket
    })
}

/// What the bucket's rules for every key do (the user's own rules count).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Expiry {
    /// Days after which incomplete uploads are aborted.
    pub abort_uploads_after: Option<i32>,
    /// Days after which noncurrent versions are removed.
    pub old_versions_after: Option<i32>,
}

/// What the enabled rules for the whole bucket expire, and after how long.
pub async fn expiry(s3: &aws_sdk_s3::Client, bucket: &str) -> Result<Expiry> {
    let rules = rules(s3, bucket).await?;
    let whole = || whole_bucket_rules(&rules);
    Ok(Expiry {
        abort_uploads_after: whole().find_map(|rule| {
            (rule.abort_incomplete_multipart_upload()).and_then(|a| a.days_after_initiation())
        }),
        old_versions_after: whole().find_map(|rule| {
            (rule.noncurrent_version_expiration()).and_then(|e| e.noncurrent_days())
        }),
    })
}

/// Writes ssg's rules beside the bucket's other rules. ssg's rule for old
/// versions is kept as it is when it has days set (a user who keeps
/// versions longer changes its `NoncurrentDays`).
pub async fn put(s3: &aws_sdk_s3::Client, bucket: &str) -> Result<()> {
    let mut all: Vec<LifecycleRule> = rules(s3, bucket)
        .await?
        .into_iter()
        .filter(|r| r.id() != Some(RULE_ID))
        .filter(|r| r.id() != Some(VERSIONS_RULE_ID) || r.noncurrent_version_expiration().is_some())
        .collect();
    let versions_rule_kept = all.iter().any(|r| r.id() == Some(VERSIONS_RULE_ID));
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
    if !versions_rule_kept {
        all.push(versions_rule()?);
    }
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

/// ssg's rule for old versions: removed 30 days after they stopped being
/// live, and delete markers with nothing left behind them removed too.
fn versions_rule() -> Result<LifecycleRule> {
    Ok(LifecycleRule::builder()
        .id(VERSIONS_RULE_ID)
        .status(ExpirationStatus::Enabled)
        .filter(LifecycleRuleFilter::builder().prefix("").build())
        .noncurrent_version_expiration(
            NoncurrentVersionExpiration::builder()
                .noncurrent_days(VERSION_DAYS)
                .build(),
        )
        .expiration(
            LifecycleExpiration::builder()
                .expired_object_delete_marker(true)
                .build(),
        )
        .build()?)
}

/// What is missing from the bucket's rules, for the plan.
pub fn problems(bucket: &Bucket) -> Vec<String> {
    let mut problems = Vec::new();
    if bucket.abort_incomplete_uploads_after.is_none() {
        problems.push(
            "no rule removes incomplete multipart uploads: their parts are billed until aborted"
                .into(),
        );
    }
    if bucket.old_versions_expire_after.is_none() {
        problems.push(
            "no rule expires noncurrent versions: every replaced file would be billed for ever"
                .into(),
        );
    }
    problems
}
