//! The AWS side of publishing: S3 listing, uploads (multipart above a
//! threshold), batch deletes and the manifest; CloudFront invalidations.
//! Credentials come the standard AWS way (environment, profile, SSO,
//! instance or task role); the SDK retries throttling and 5xx with backoff.

use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context as _, Result, anyhow, bail};
use aws_config::BehaviorVersion;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_sdk_s3::config::http::HttpResponse;
use aws_sdk_s3::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_s3::operation::head_object::HeadObjectOutput;
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{CompletedMultipartUpload, CompletedPart, Delete, ObjectIdentifier};

use super::checksum::md5_base64;
use super::plan::{Headers, LocalObject, RemoteObject};
use crate::config::PublishConfig;

/// Size of each part of a multipart upload.
const PART_SIZE: usize = 8 * 1024 * 1024;

pub struct Cloud {
    pub s3: aws_sdk_s3::Client,
    pub cloudfront: aws_sdk_cloudfront::Client,
    /// The KeyValueStore's data plane (`key_value_store.rs`).
    pub key_value_store: aws_sdk_cloudfrontkeyvaluestore::Client,
    pub bucket: String,
    /// Shown in errors, so a wrong endpoint is visible.
    endpoint: String,
}

/// One line from an SDK error: its causes' messages, joined, with the
/// common situations put in words a user can act on.
pub fn describe<E: std::error::Error + 'static>(e: &E) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = current {
        let text = err.to_string().replace('\n', " ");
        if !text.is_empty() && !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        current = err.source();
    }
    let all = parts.join(": ");
    let full = DisplayErrorContext(e).to_string();
    if let Some(problem) = credentials_problem(&full) {
        return problem.into();
    }
    if full.contains("ConnectionRefused") || full.contains("Connection refused") {
        return "connection refused: is the endpoint right and the server up?".into();
    }
    if full.contains("timed out") || full.contains("Timeout") {
        return format!("the endpoint did not answer in time ({all})");
    }
    // Service errors carry a code and message; the rest of the chain is noise.
    if let Some(code) = full
        .split("code: Some(\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
    {
        let message = full
            .split("message: Some(\"")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .unwrap_or("");
        return format!("{code}: {message}")
            .trim_end_matches(": ")
            .to_string();
    }
    all
}

/// What is wrong with the credentials and what to run next, as one line,
/// when that is why a call failed. The SDK's own text is a chain a new
/// user cannot act on ("dispatch failure: other: an error occurred while
/// loading credentials: failed to load IMDS session token: …").
fn credentials_problem(full: &str) -> Option<&'static str> {
    if full.contains("SSO token has expired") || full.contains("SSO session has expired") {
        return Some(
            "the AWS SSO session has expired: run `aws sso login` (with --profile NAME for a named profile), then run ssg again",
        );
    }
    // Temporary credentials (SSO, assumed roles) past their end.
    if full.contains("ExpiredToken") || full.contains("RequestExpired") {
        return Some(
            "the AWS credentials have expired: renew them (`aws sso login`, or new keys with `aws configure`), then run ssg again",
        );
    }
    let no_credentials = full.contains("CredentialsNotLoaded")
        || full.contains("no providers in chain provided credentials")
        || full.contains("while loading credentials");
    no_credentials.then_some(
        "no AWS credentials found: run `aws configure` (access keys) or `aws sso login --profile NAME`, then set AWS_PROFILE=NAME or pass --profile NAME",
    )
}

/// The SDK settings every AWS client of ssg starts from (publish and
/// provision alike): the standard credential chain and endpoint variables,
/// `region`, standard retries with `max_attempts`, and timeouts that turn a
/// dead endpoint into an error within seconds.
pub async fn sdk_config(
    region: &str,
    max_attempts: u32,
    profile: Option<&str>,
) -> aws_config::SdkConfig {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .region(aws_config::Region::new(region.to_string()))
        .retry_config(RetryConfig::standard().with_max_attempts(max_attempts.max(1)))
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(5))
                .operation_attempt_timeout(Duration::from_secs(120))
                .build(),
        );
    if let Some(p) = profile {
        loader = loader.profile_name(p);
    }
    loader.load().await
}

/// Whether the standard variables point S3 at another endpoint (a local
/// server, MinIO), which then wants path-style addressing.
pub fn s3_endpoint_from_env() -> bool {
    ["AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"]
        .iter()
        .any(|v| std::env::var(v).is_ok_and(|u| !u.is_empty()))
}

impl Cloud {
    pub async fn connect(config: &PublishConfig, profile: Option<&str>) -> Cloud {
        let shared = sdk_config(&config.region, config.max_attempts, profile).await;
        let mut s3 = aws_sdk_s3::config::Builder::from(&shared);
        let env_endpoint = s3_endpoint_from_env();
        if !config.endpoint.is_empty() {
            // S3-compatible servers (MinIO, R2, a local test server) want path-style URLs.
            s3 = s3.endpoint_url(&config.endpoint).force_path_style(true);
        } else if env_endpoint {
            // The SDK already takes the endpoint from the environment; the addressing is ours.
            s3 = s3.force_path_style(true);
        }
        let mut cf = aws_sdk_cloudfront::config::Builder::from(&shared);
        if !config.cloudfront_endpoint.is_empty() {
            cf = cf.endpoint_url(&config.cloudfront_endpoint);
        }
        Cloud {
            s3: aws_sdk_s3::Client::from_conf(s3.build()),
            cloudfront: aws_sdk_cloudfront::Client::from_conf(cf.build()),
            key_value_store: super::key_value_store::client(&shared, &config.cloudfront_endpoint),
            bucket: config.bucket.clone(),
            endpoint: config.endpoint.clone(),
        }
    }

    /// A failed read, in words: a missing bucket named, else what was read where.
    fn access_error(&self, verb: &str, key: &str, text: &str) -> anyhow::Error {
        if text.contains("NoSuchBucket") {
            return anyhow!(
                "bucket \"{}\" does not exist (or these credentials cannot see it): run `ssg provision` to create it, or fix [publish] bucket in ssg.toml",
                self.bucket
            );
        }
        let at = if self.endpoint.is_empty() {
            String::new()
        } else {
            format!(" at {}", self.endpoint)
        };
        anyhow!("cannot {verb} s3://{}/{key}{at}: {text}", self.bucket)
    }

    /// Every object under `prefix` (ListObjectsV2, all pages).
    pub async fn list(&self, prefix: &str) -> Result<Vec<RemoteObject>> {
        let mut out = Vec::new();
        let mut pages = self
            .s3
            .list_objects_v2()
            .bucket(&self.bucket)
            .prefix(prefix)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| self.access_error("list", prefix, &describe(&e)))?;
            for object in page.contents() {
                let Some(key) = object.key() else { continue };
                // Never touch anything outside the prefix, whatever the server says.
                if !key.starts_with(prefix) {
                    continue;
                }
                out.push(RemoteObject {
                    key: key.to_string(),
                    etag: object.e_tag().unwrap_or("").trim_matches('"').into(),
                    size: object.size().unwrap_or(0).max(0) as u64,
                });
            }
        }
        Ok(out)
    }

    /// The ETag of `key` (one HEAD), or `None` when there is no such object.
    pub async fn head(&self, key: &str) -> Result<Option<String>> {
        let found = self.head_object(key).await?;
        Ok(found.map(|out| out.e_tag().unwrap_or("").trim_matches('"').to_string()))
    }

    /// The headers ssg sets, as `key` carries them (one HEAD), or `None`
    /// when there is no such object.
    pub async fn headers(&self, key: &str) -> Result<Option<Headers>> {
        let found = self.head_object(key).await?;
        Ok(found.map(|out| Headers {
            content_type: out.content_type().unwrap_or("").to_string(),
            cache_control: out.cache_control().map(String::from),
            content_encoding: out.content_encoding().map(String::from),
        }))
    }

    async fn head_object(&self, key: &str) -> Result<Option<HeadObjectOutput>> {
        match self
            .s3
            .head_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await
        {
            Ok(out) => Ok(Some(out)),
            // A HEAD answer has no body: a 404 names nothing.
            Err(e)
                if e.as_service_error().is_some_and(|s| s.is_not_found())
                    || status(&e) == Some(404) =>
            {
                Ok(None)
            }
            Err(e) => Err(self.access_error("read", key, &describe(&e))),
        }
    }

    /// One object with its ETag and modification time; `None` when there is none.
    pub async fn get(&self, key: &str) -> Result<Option<Fetched>> {
        let object = match self
            .s3
            .get_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await
        {
            Ok(object) => object,
            // NoSuchKey; or a bare 404 from a server that names nothing.
            Err(e)
                if e.as_service_error().is_some_and(|s| s.is_no_such_key())
                    || (status(&e) == Some(404) && !describe(&e).contains("NoSuchBucket")) =>
            {
                return Ok(None);
            }
            Err(e) => return Err(self.access_error("read", key, &describe(&e))),
        };
        let etag = object.e_tag().unwrap_or("").trim_matches('"').to_string();
        let modified = object
            .last_modified()
            .and_then(|t| chrono::DateTime::from_timestamp(t.secs(), 0));
        let body = object
            .body
            .collect()
            .await
            .with_context(|| format!("cannot read s3://{}/{key}", self.bucket))?
            .into_bytes()
            .to_vec();
        Ok(Some(Fetched {
            body,
            etag,
            modified,
        }))
    }

    /// A small bookkeeping object (no-store), written under `condition`.
    /// Returns its new ETag.
    pub async fn put_small(
        &self,
        key: &str,
        body: Vec<u8>,
        content_type: &str,
        condition: &Condition,
    ) -> Result<String, WriteError> {
        let mut request = self
            .s3
            .put_object()
            .bucket(&self.bucket)
            .key(key)
            .content_type(content_type)
            .cache_control("no-store")
            .body(ByteStream::from(body));
        request = match condition {
            Condition::None => request,
            Condition::Absent => request.if_none_match("*"),
            Condition::Matches(etag) => request.if_match(format!("\"{etag}\"")),
        };
        match request.send().await {
            Ok(out) => Ok(out.e_tag().unwrap_or("").trim_matches('"').to_string()),
            Err(e) => Err(write_error(&e, &format!("cannot write {key}"))),
        }
    }

    /// Deletes one object, only while it is still the version `etag`.
    pub async fn delete_if(&self, key: &str, etag: &str) -> Result<(), WriteError> {
        match self
            .s3
            .delete_object()
            .bucket(&self.bucket)
            .key(key)
            .if_match(format!("\"{etag}\""))
            .send()
            .await
        {
            Ok(_) => Ok(()),
            Err(e) => Err(write_error(&e, &format!("cannot delete {key}"))),
        }
    }

    /// Uploads one object; returns its new ETag.
    pub async fn upload(&self, object: &LocalObject, multipart_threshold: u64) -> Result<String> {
        let body = object.bytes()?;
        if body.len() as u64 >= multipart_threshold.max(1) && body.len() > PART_SIZE {
            return self.upload_in_parts(object, &body).await;
        }
        let h = &object.headers;
        let out = self
            .s3
            .put_object()
            .bucket(&self.bucket)
            .key(&object.key)
            .content_type(&h.content_type)
            .set_cache_control(h.cache_control.clone())
            .set_content_encoding(h.content_encoding.clone())
            .content_md5(md5_base64(&body))
            .body(ByteStream::from(body.to_vec()))
            .send()
            .await
            .map_err(|e| anyhow!("upload of {} failed: {}", object.key, describe(&e)))?;
        Ok(out.e_tag().unwrap_or("").trim_matches('"').to_string())
    }

    async fn upload_in_parts(&self, object: &LocalObject, body: &[u8]) -> Result<String> {
        let h = &object.headers;
        let created = self
            .s3
            .create_multipart_upload()
            .bucket(&self.bucket)
            .key(&object.key)
            .content_type(&h.content_type)
            .set_cache_control(h.cache_control.clone())
            .set_content_encoding(h.content_encoding.clone())
            .send()
            .await
            .map_err(|e| anyhow!("upload of {} failed to start: {}", object.key, describe(&e)))?;
        let upload_id = created
            .upload_id()
            .context("the server gave no upload id")?
            .to_string();
        let result = self.send_parts(object, body, &upload_id).await;
        match result {
            Ok(etag) => Ok(etag),
            Err(e) => {
                // Leave no half-uploaded parts behind to be billed for; when
                // that fails too (a role without s3:AbortMultipartUpload),
                // say so, since the parts are invisible to a listing.
                match self
                    .s3
                    .abort_multipart_upload()
                    .bucket(&self.bucket)
                    .key(&object.key)
                    .upload_id(&upload_id)
                    .send()
                    .await
                {
                    Ok(_) => Err(e),
                    Err(abort) => Err(anyhow!(
                        "{e}; aborting the upload failed too ({}): its parts stay in the bucket, billed, until aborted (`ssg provision` adds a lifecycle rule that removes them)",
                        describe(&abort)
                    )),
                }
            }
        }
    }

    async fn send_parts(
        &self,
        object: &LocalObject,
        body: &[u8],
        upload_id: &str,
    ) -> Result<String> {
        let mut parts = Vec::new();
        for (i, chunk) in body.chunks(PART_SIZE).enumerate() {
            let number = i as i32 + 1;
            let out = self
                .s3
                .upload_part()
                .bucket(&self.bucket)
                .key(&object.key)
                .upload_id(upload_id)
                .part_number(number)
                .body(ByteStream::from(chunk.to_vec()))
                .send()
                .await
                .map_err(|e| {
                    anyhow!(
                        "upload of {} failed at part {number}: {}",
                        object.key,
                        describe(&e)
                    )
                })?;
            parts.push(
                CompletedPart::builder()
                    .part_number(number)
                    .set_e_tag(out.e_tag().map(String::from))
                    .build(),
            );
        }
        let done = self
            .s3
            .complete_multipart_upload()
            .bucket(&self.bucket)
            .key(&object.key)
            .upload_id(upload_id)
            .multipart_upload(
                CompletedMultipartUpload::builder()
                    .set_parts(Some(parts))
                    .build(),
            )
            .send()
            .await
            .map_err(|e| {
                anyhow!(
                    "upload of {} failed to complete: {}",
                    object.key,
                    describe(&e)
                )
            })?;
        Ok(done.e_tag().unwrap_or("").trim_matches('"').to_string())
    }

    /// Deletes `keys`, 1,000 per request; fails on the first key the server refuses.
    pub async fn delete(&self, keys: &[String]) -> Result<()> {
        delete_keys(&self.s3, &self.bucket, keys).await
    }

    /// Creates an invalidation, waiting out CloudFront's in-progress limits. Returns its id.
    pub async fn invalidate(
        &self,
        distribution: &str,
        paths: &[String],
        reference: &str,
    ) -> Result<String> {
        use aws_sdk_cloudfront::types::{InvalidationBatch, Paths};
        let batch = InvalidationBatch::builder()
            .caller_reference(reference)
            .paths(
                Paths::builder()
                    .quantity(paths.len() as i32)
                    .set_items(Some(paths.to_vec()))
                    .build()?,
            )
            .build()?;
        let mut delay = Duration::from_secs(2);
        for attempt in 1..=6 {
            match self
                .cloudfront
                .create_invalidation()
                .distribution_id(distribution)
                .invalidation_batch(batch.clone())
                .send()
                .await
            {
                Ok(out) => {
                    return out
                        .invalidation()
                        .map(|i| i.id().to_string())
                        .context("CloudFront returned no invalidation");
                }
                Err(e) => {
                    let text = describe(&e);
                    if text.contains("TooManyInvalidationsInProgress") && attempt < 6 {
                        crate::log::info(&format!(
                            "CloudFront has too many invalidations in progress; retrying in {} s",
                            delay.as_secs()
                        ));
                        tokio::time::sleep(delay).await;
                        delay *= 2;
                        continue;
                    }
                    bail!("invalidation on distribution {distribution} failed: {text}");
                }
            }
        }
        bail!("invalidation on distribution {distribution} kept being refused")
    }

    /// Polls until the invalidation has completed.
    pub async fn wait(&self, distribution: &str, id: &str) -> Result<()> {
        loop {
            let out = self
                .cloudfront
                .get_invalidation()
                .distribution_id(distribution)
                .id(id)
                .send()
                .await
                .map_err(|e| anyhow!("cannot read invalidation {id}: {}", describe(&e)))?;
            let status = out
                .invalidation()
                .map(|i| i.status().to_string())
                .unwrap_or_default();
            if status.eq_ignore_ascii_case("completed") {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_secs(5)).await;
        }
    }
}

/// An object read back whole, with its version.
pub struct Fetched {
    pub body: Vec<u8>,
    /// Without quotes.
    pub etag: String,
    pub modified: Option<chrono::DateTime<chrono::Utc>>,
}

/// A condition on a write: S3's conditional writes (`If-None-Match: *`,
/// `If-Match: ETAG`, on AWS since 2024), which the server checks and applies
/// atomically.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Condition {
    /// Unconditional: an endpoint without conditional writes.
    None,
    /// Only if there is no such object yet.
    Absent,
    /// Only if the object is still this version (its ETag, without quotes).
    Matches(String),
}

/// Why a conditional write did not happen.
#[derive(Debug)]
pub enum WriteError {
    /// 412 PreconditionFailed (or 409 ConditionalRequestConflict, another
    /// conditional write to the key in flight): the object is not as the
    /// condition said.
    Precondition,
    /// The endpoint refuses the condition (501 NotImplemented): an older
    /// S3-compatible server.
    Unsupported(String),
    Failed(anyhow::Error),
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WriteError::Precondition => f.write_str("the object changed (PreconditionFailed)"),
            WriteError::Unsupported(text) => write!(f, "conditional writes unsupported: {text}"),
            WriteError::Failed(e) => write!(f, "{e:#}"),
        }
    }
}

/// The HTTP status of a failed call, when the server answered.
fn status<E>(e: &SdkError<E, HttpResponse>) -> Option<u16> {
    e.raw_response().map(|r| r.status().as_u16())
}

fn write_error<E>(e: &SdkError<E, HttpResponse>, context: &str) -> WriteError
where
    E: std::error::Error + ProvideErrorMetadata + 'static,
{
    let code = e.as_service_error().and_then(|s| s.code()).unwrap_or("");
    match status(e) {
        Some(412) => WriteError::Precondition,
        Some(409) if code == "ConditionalRequestConflict" => WriteError::Precondition,
        Some(501) => WriteError::Unsupported(describe(e)),
        _ if code == "NotImplemented" => WriteError::Unsupported(describe(e)),
        _ => WriteError::Failed(anyhow!("{context}: {}", describe(e))),
    }
}

/// Shares a client across upload tasks.
pub type SharedCloud = Arc<Cloud>;

/// Deletes `keys` from `bucket`, 1,000 per request. S3 answers a quiet
/// batch delete with 200 and lists the keys it refused in the body, so
/// each answer is read: the first refused key fails the call.
pub async fn delete_keys(s3: &aws_sdk_s3::Client, bucket: &str, keys: &[String]) -> Result<()> {
    for batch in keys.chunks(1000) {
        let ids = batch
            .iter()
            .map(|k| ObjectIdentifier::builder().key(k).build())
            .collect::<Result<Vec<_>, _>>()?;
        let out = s3
            .delete_objects()
            .bucket(bucket)
            .delete(
                Delete::builder()
                    .set_objects(Some(ids))
                    .quiet(true)
                    .build()?,
            )
            .send()
            .await
            .map_err(|e| anyhow!("delete failed: {}", describe(&e)))?;
        if let Some(err) = out.errors().first() {
            bail!(
                "delete of {} failed: {}",
                err.key().unwrap_or("?"),
                err.message().unwrap_or("unknown error")
            );
        }
    }
    Ok(())
}
