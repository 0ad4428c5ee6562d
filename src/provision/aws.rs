//! The AWS clients provisioning talks to, all from publish's SDK loader
//! (same credential chain, `AWS_ENDPOINT_URL` and `AWS_ENDPOINT_URL_<SERVICE>`
//! overrides), and the one-line error text every call reports.
//!
//! CloudFront, ACM (for CloudFront), IAM and Route 53 are addressed in
//! us-east-1 whatever the site's region: CloudFront only takes certificates
//! from there, and the other three are global services signed there.

use aws_sdk_s3::config::http::HttpResponse;
use aws_sdk_s3::error::{ProvideErrorMetadata, SdkError};

use crate::publish::cloud::{describe, s3_endpoint_from_env, sdk_config};

pub struct Clients {
    pub s3: aws_sdk_s3::Client,
    pub cloudfront: aws_sdk_cloudfront::Client,
    pub acm: aws_sdk_acm::Client,
    pub route53: aws_sdk_route53::Client,
    pub iam: aws_sdk_iam::Client,
    pub sts: aws_sdk_sts::Client,
}

/// Endpoints from `[publish]` (`endpoint`, `cloudfront_endpoint`), when set.
#[derive(Debug, Clone, Default)]
pub struct Endpoints {
    pub s3: String,
    pub cloudfront: String,
}

const GLOBAL_REGION: &str = "us-east-1";

pub async fn connect(region: &str, profile: Option<&str>, endpoints: &Endpoints) -> Clients {
    // Three attempts: a retried create is safe (every create is found again
    // by name or refused as a duplicate), and a dead endpoint fails fast.
    let regional = sdk_config(region, 3, profile).await;
    let global = sdk_config(GLOBAL_REGION, 3, profile).await;
    let mut s3 = aws_sdk_s3::config::Builder::from(&regional);
    if !endpoints.s3.is_empty() {
        s3 = s3.endpoint_url(&endpoints.s3).force_path_style(true);
    } else if s3_endpoint_from_env() {
        s3 = s3.force_path_style(true);
    }
    let mut cloudfront = aws_sdk_cloudfront::config::Builder::from(&global);
    if !endpoints.cloudfront.is_empty() {
        cloudfront = cloudfront.endpoint_url(&endpoints.cloudfront);
    }
    Clients {
        s3: aws_sdk_s3::Client::from_conf(s3.build()),
        cloudfront: aws_sdk_cloudfront::Client::from_conf(cloudfront.build()),
        acm: aws_sdk_acm::Client::new(&global),
        route53: aws_sdk_route53::Client::new(&global),
        iam: aws_sdk_iam::Client::new(&global),
        sts: aws_sdk_sts::Client::new(&regional),
    }
}

/// The error code of a failed call (`NoSuchBucket`, `NoSuchEntity`…), if
/// the service answered.
pub fn code<E: ProvideErrorMetadata, R>(e: &SdkError<E, R>) -> Option<&str> {
    e.code()
}

/// The HTTP status of a failed call, if the service answered.
pub fn status<E>(e: &SdkError<E, HttpResponse>) -> Option<u16> {
    e.raw_response().map(|r| r.status().as_u16())
}

/// `what` failed: one line saying why.
pub fn failed<E: std::error::Error + 'static>(what: &str, e: &E) -> anyhow::Error {
    anyhow::anyhow!("{what} failed: {}", describe(e))
}
