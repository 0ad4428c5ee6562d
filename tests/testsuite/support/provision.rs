//! What the provision suites share: a recording relay in front of moto
//! that counts write calls, can cut a run at the Nth one, and keeps what
//! ssg sent; a small blog to provision; and the account read back through
//! the AWS SDK.
//!
//! moto drops an origin's `OriginAccessControlId` when it stores a
//! distribution; the relay puts the id ssg sent back into CloudFront's
//! answers, as real CloudFront returns it, and the tests assert on the
//! request bodies for that field. CloudFront Functions are answered by
//! the relay itself (`functions.rs`), association included.

use std::collections::HashMap;
use std::process::Command;
use std::sync::{Mutex, OnceLock};

use crate::support::command::{Run, run};
use crate::support::functions;
use crate::support::moto::{acm, block, cloudfront, moto, s3, unique_name};
use crate::support::relay::{Hook, Message, Relay, Request, Rules, header};
use crate::support::site::{Site, post};
use crate::support::text::between;

/// Where the generated CI workflow installs ssg from, in these tests.
pub const SSG_GIT: &str = "https://git.example.org/me/ssg.git";

// ---------------------------------------------------------------------------
// The recording relay

/// One HTTP request ssg made.
#[derive(Debug, Clone)]
pub struct Call {
    /// `CreateRole`, `CertificateManager.RequestCertificate` → `RequestCertificate`, or `POST /2020-05-31/distribution?WithTags`.
    pub op: String,
    pub write: bool,
    pub body: String,
}

/// Origin domain → the OAC id ssg sent for it (shared by every relay, so a
/// rerun through a new relay sees what the interrupted run sent).
fn oac_sent() -> &'static Mutex<HashMap<String, String>> {
    static MAP: OnceLock<Mutex<HashMap<String, String>>> = OnceLock::new();
    MAP.get_or_init(|| Mutex::new(HashMap::new()))
}

/// A relay to `upstream` that records ssg's API calls and puts back the OAC
/// ids moto drops; with `fail_at = Some(n)` the nth write call reaches the
/// server but its answer is lost, and every call after it fails — a run
/// killed right after its nth write.
pub fn recording_relay(upstream: &str, fail_at: Option<usize>) -> Relay {
    Relay::start(
        upstream,
        Rules {
            is_write: |request| classify(request).write,
            on_request: Some(|request| {
                remember_oac(&String::from_utf8_lossy(&request.body));
                functions::remember_association(request);
            }),
            answer: Some(Box::new(functions::answer)),
            after_write: fail_at.map(|at| -> Hook { Box::new(move |n, _| n == at) }),
            on_response: Some(restore_oac),
            ..Rules::default()
        },
    )
}

/// The relay's requests as the API calls they are.
pub trait ApiCalls {
    fn calls(&self) -> Vec<Call>;

    /// The operations of the write calls, in order.
    fn write_ops(&self) -> Vec<String> {
        self.calls()
            .into_iter()
            .filter(|c| c.write)
            .map(|c| c.op)
            .collect()
    }

    /// Bodies of the calls whose operation contains `op`.
    fn bodies(&self, op: &str) -> Vec<String> {
        self.calls()
            .into_iter()
            .filter(|c| c.op.contains(op))
            .map(|c| c.body)
            .collect()
    }
}

impl ApiCalls for Relay {
    fn calls(&self) -> Vec<Call> {
        self.seen().iter().map(classify).collect()
    }
}

fn classify(request: &Request) -> Call {
    let (method, path) = (&request.method, request.target());
    let body = String::from_utf8_lossy(&request.body).into_owned();
    let target = header(&request.head, "x-amz-target")
        .map(|t| t.rsplit('.').next().unwrap_or(t).to_string());
    let action = body
        .split('&')
        .find_map(|kv| kv.strip_prefix("Action="))
        .map(String::from);
    let (op, write) = match target.or(action) {
        Some(op) => {
            let read = ["Get", "List", "Describe"]
                .iter()
                .any(|p| op.starts_with(p));
            (op, !read)
        }
        None => (
            format!("{method} {path}"),
            !matches!(method.as_str(), "GET" | "HEAD"),
        ),
    };
    Call { op, write, body }
}

/// Notes the OAC id of each origin in a CreateDistribution/UpdateDistribution body.
fn remember_oac(body: &str) {
    for origin in body.split("<Origin>").skip(1) {
        let origin = origin.split("</Origin>").next().unwrap_or("");
        if let (Some(domain), Some(id)) = (
            between(origin, "<DomainName>", "</DomainName>"),
            between(
                origin,
                "<OriginAccessControlId>",
                "</OriginAccessControlId>",
            ),
        ) {
            oac_sent()
                .lock()
                .expect("map")
                .insert(domain.to_string(), id.to_string());
        }
    }
}

/// Puts back the OAC ids and function associations moto dropped, as real
/// CloudFront returns them.
fn restore_oac(response: Message) -> Message {
    let mut body = String::from_utf8_lossy(&response.body).into_owned();
    if !body.contains("<Origin>") {
        return response;
    }
    body = functions::restore_association(body);
    if body.contains("<OriginAccessControlId>") {
        return Message {
            head: response.head,
            body: body.into_bytes(),
        };
    }
    for (domain, id) in oac_sent().lock().expect("map").iter() {
        let tag = format!("<DomainName>{domain}</DomainName>");
        body = body.replace(
            &tag,
            &format!("{tag}<OriginAccessControlId>{id}</OriginAccessControlId>"),
        );
    }
    Message {
        head: response.head,
        body: body.into_bytes(),
    }
}

// ---------------------------------------------------------------------------
// Sites and runs

pub const COMMENTED: &str = "# The site's settings.\ntitle = \"TITLE\" # shown in the header\nbase_url = \"https://example.com\"\ntheme = \"default\"\n\n[build]\n# ten posts per page\npaginate_by = 10\n";

/// A small blog whose title makes its bucket name unique in the shared moto.
pub fn blog() -> (Site, String) {
    let title = unique_name("Prov Test");
    let bucket = title.to_lowercase().replace(' ', "-");
    let site = Site::with_config(&COMMENTED.replace("TITLE", &title))
        .file(
            "content/blog/a.md",
            &post("Alpha", "2024-01-01", &["x"], "First."),
        )
        .file("content/about.md", "---\ntitle: About\n---\nAbout.\n");
    (site, bucket)
}

/// `ssg ARGS` in the site folder, its AWS calls sent to `endpoint`.
pub fn ssg_through(site: &Site, endpoint: &str, args: &[&str]) -> Command {
    let mut command = site.command(args);
    command.env("AWS_ENDPOINT_URL", endpoint);
    command
}

/// `ssg publish --json ARGS` through `relay` (one relay for every publish
/// of a test: the memory of the last publish is kept per endpoint); the
/// requests it made and its report.
pub fn publish_through(
    site: &Site,
    relay: &Relay,
    args: &[&str],
) -> (Vec<Request>, serde_json::Value) {
    let from = relay.seen().len();
    let args = [&["publish", "--json"], args].concat();
    let result = run(ssg_through(site, &relay.url, &args));
    result.success();
    relay.settle();
    let report =
        serde_json::from_str(&result.stdout).unwrap_or_else(|e| panic!("{e}: {}", result.stdout));
    (relay.seen()[from..].to_vec(), report)
}

/// The keys of `bucket`, as moto lists them.
pub fn keys(bucket: &str) -> Vec<String> {
    let listed = block(s3().list_objects_v2().bucket(bucket).send()).expect("list");
    listed
        .contents()
        .iter()
        .filter_map(|o| o.key().map(String::from))
        .collect()
}

/// Where the first request matching `wanted` is, panicking with the list.
#[track_caller]
pub fn position(requests: &[Request], wanted: impl Fn(&Request) -> bool) -> usize {
    requests.iter().position(wanted).unwrap_or_else(|| {
        let seen: Vec<String> = requests
            .iter()
            .map(|r| format!("{} {}", r.method, r.target()))
            .collect();
        panic!("no such request in {seen:#?}")
    })
}

/// `ssg ARGS` through a new relay to moto; returns the run and the relay.
pub fn provision(site: &Site, args: &[&str]) -> (Run, Relay) {
    let relay = recording_relay(moto(), None);
    let result = run(ssg_through(site, &relay.url, args));
    (result, relay)
}

// ---------------------------------------------------------------------------
// Reading the account back

/// Every distribution in the account (all pages: the shared moto holds
/// those of every test).
pub fn all_distributions(
    client: &aws_sdk_cloudfront::Client,
) -> Vec<aws_sdk_cloudfront::types::DistributionSummary> {
    let mut out = Vec::new();
    let mut marker = None;
    loop {
        let page = block(
            client
                .list_distributions()
                .set_marker(marker.clone())
                .send(),
        )
        .expect("list distributions");
        let Some(list) = page.distribution_list() else {
            return out;
        };
        out.extend(list.items().iter().cloned());
        marker = ssg::provision::observe::next_marker(marker.as_deref(), list.next_marker());
        if !list.is_truncated() || marker.is_none() {
            return out;
        }
    }
}

pub fn distribution_for(bucket: &str) -> Vec<aws_sdk_cloudfront::types::DistributionSummary> {
    all_distributions(&cloudfront())
        .into_iter()
        .filter(|d| d.comment() == format!("ssg site s3://{bucket}"))
        .collect()
}

pub fn the_distribution(bucket: &str) -> aws_sdk_cloudfront::types::Distribution {
    let found = distribution_for(bucket);
    assert_eq!(found.len(), 1, "distributions for {bucket}: {found:?}");
    let out =
        block(cloudfront().get_distribution().id(found[0].id()).send()).expect("get distribution");
    out.distribution().expect("distribution").clone()
}

pub fn oacs_for(bucket: &str) -> Vec<aws_sdk_cloudfront::types::OriginAccessControlSummary> {
    let mut out = Vec::new();
    let mut marker = None;
    loop {
        let page = block(
            cloudfront()
                .list_origin_access_controls()
                .set_marker(marker.clone())
                .send(),
        )
        .expect("list oacs");
        let Some(list) = page.origin_access_control_list() else {
            break;
        };
        out.extend(
            list.items()
                .iter()
                .filter(|o| o.name() == format!("ssg-{bucket}"))
                .cloned(),
        );
        marker = ssg::provision::observe::next_marker(marker.as_deref(), list.next_marker());
        if !list.is_truncated() || marker.is_none() {
            break;
        }
    }
    out
}

pub fn bucket_exists(bucket: &str) -> bool {
    let list = block(s3().list_buckets().send()).expect("list buckets");
    list.buckets().iter().any(|b| b.name() == Some(bucket))
}

pub fn certificates_for(domain: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut token = None;
    loop {
        let page = block(acm().list_certificates().set_next_token(token).send())
            .expect("list certificates");
        out.extend(
            page.certificate_summary_list()
                .iter()
                .filter(|c| c.domain_name() == Some(domain))
                .filter_map(|c| c.certificate_arn().map(String::from)),
        );
        token = page.next_token().map(String::from);
        if token.is_none() {
            return out;
        }
    }
}

pub fn bucket_policy(bucket: &str) -> serde_json::Value {
    let out = block(s3().get_bucket_policy().bucket(bucket).send()).expect("policy");
    serde_json::from_str(out.policy().expect("policy text")).expect("policy json")
}

pub use super::account::{records, zone};
