//! `ssg provision` against moto's server (S3, CloudFront, ACM, Route 53,
//! IAM, STS on 127.0.0.1, certificates issued at once with
//! `MOTO_ACM_VALIDATION_WAIT=0`), driven by the real binary, with every
//! resource read back through the AWS SDK.
//!
//! The binary talks to moto through a recording relay (below) that counts
//! write calls, can cut the run at the Nth one, and keeps what ssg sent.
//! moto drops an origin's `OriginAccessControlId` when it stores a
//! distribution; the relay puts the id ssg sent back into CloudFront's
//! answers, as real CloudFront returns it, and the tests assert on the
//! request bodies for that field.

use std::collections::HashMap;
use std::process::{Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use aws_sdk_s3::config::Credentials;

use crate::support::account::{records, unique, zone};
use crate::support::command::run;
use crate::support::moto::{
    acm, block, cloudfront, cloudfront_at, iam, moto, route53, s3, s3_as, sdk_config, start_moto,
};
use crate::support::relay::{Hook, Message, Relay, Request, Rules, header};
use crate::support::text::between;
use crate::support::{Run, Site, post};

/// Where the generated CI workflow installs ssg from, in these tests.
const SSG_GIT: &str = "https://git.example.org/me/ssg.git";

// ---------------------------------------------------------------------------
// The recording relay

/// One HTTP request ssg made.
#[derive(Debug, Clone)]
struct Call {
    /// `CreateRole`, `CertificateManager.RequestCertificate` → `RequestCertificate`, or `POST /2020-05-31/distribution?WithTags`.
    op: String,
    write: bool,
    body: String,
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
fn recording_relay(upstream: &str, fail_at: Option<usize>) -> Relay {
    Relay::start(
        upstream,
        Rules {
            is_write: |request| classify(request).write,
            on_request: Some(|request| remember_oac(&String::from_utf8_lossy(&request.body))),
            after_write: fail_at.map(|at| -> Hook { Box::new(move |n, _| n == at) }),
            on_response: Some(restore_oac),
            ..Rules::default()
        },
    )
}

/// The relay's requests as the API calls they are.
trait ApiCalls {
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

/// Puts back the OAC ids moto dropped, as real CloudFront returns them.
fn restore_oac(response: Message) -> Message {
    let mut body = String::from_utf8_lossy(&response.body).into_owned();
    if !body.contains("<Origin>") || body.contains("<OriginAccessControlId>") {
        return response;
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

const COMMENTED: &str = "# The site's settings.\ntitle = \"TITLE\" # shown in the header\nbase_url = \"https://example.com\"\ntheme = \"default\"\n\n[build]\n# ten posts per page\npaginate_by = 10\n";

/// A small blog whose title makes its bucket name unique in the shared moto.
fn blog() -> (Site, String) {
    let title = unique("Prov Test");
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
fn ssg_through(site: &Site, endpoint: &str, args: &[&str]) -> Command {
    let mut command = site.command(args);
    command.env("AWS_ENDPOINT_URL", endpoint);
    command
}

/// `ssg ARGS` through a new relay to moto; returns the run and the relay.
fn provision(site: &Site, args: &[&str]) -> (Run, Relay) {
    let relay = recording_relay(moto(), None);
    let result = run(ssg_through(site, &relay.url, args));
    (result, relay)
}

// ---------------------------------------------------------------------------
// Reading the account back

/// Every distribution in the account (all pages: the shared moto holds
/// those of every test).
fn all_distributions(
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

fn distribution_for(bucket: &str) -> Vec<aws_sdk_cloudfront::types::DistributionSummary> {
    all_distributions(&cloudfront())
        .into_iter()
        .filter(|d| d.comment() == format!("ssg site s3://{bucket}"))
        .collect()
}

fn the_distribution(bucket: &str) -> aws_sdk_cloudfront::types::Distribution {
    let found = distribution_for(bucket);
    assert_eq!(found.len(), 1, "distributions for {bucket}: {found:?}");
    let out =
        block(cloudfront().get_distribution().id(found[0].id()).send()).expect("get distribution");
    out.distribution().expect("distribution").clone()
}

fn oacs_for(bucket: &str) -> Vec<aws_sdk_cloudfront::types::OriginAccessControlSummary> {
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

fn bucket_exists(bucket: &str) -> bool {
    let list = block(s3().list_buckets().send()).expect("list buckets");
    list.buckets().iter().any(|b| b.name() == Some(bucket))
}

fn certificates_for(domain: &str) -> Vec<String> {
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

fn bucket_policy(bucket: &str) -> serde_json::Value {
    let out = block(s3().get_bucket_policy().bucket(bucket).send()).expect("policy");
    serde_json::from_str(out.policy().expect("policy text")).expect("policy json")
}

// ---------------------------------------------------------------------------
// Tests

#[test]
fn from_nothing_to_a_private_site_that_publishes_and_checks_clean() {
    let (site, bucket) = blog();
    let (result, relay) = provision(&site, &["provision", "--region", "eu-west-1"]);
    result.success();

    assert_private_bucket(&bucket, "eu-west-1");

    // The OAC and the distribution.
    let oacs = oacs_for(&bucket);
    assert_eq!(oacs.len(), 1);
    assert_eq!(oacs[0].signing_protocol().as_str(), "sigv4");
    assert_eq!(oacs[0].signing_behavior().as_str(), "always");
    assert_eq!(oacs[0].origin_access_control_origin_type().as_str(), "s3");
    let d = the_distribution(&bucket);
    assert_secure_distribution(&d, &format!("{bucket}.s3.eu-west-1.amazonaws.com"));
    let tags = block(
        cloudfront()
            .list_tags_for_resource()
            .resource(d.arn())
            .send(),
    )
    .expect("tags");
    let tags: Vec<(String, Option<String>)> = tags
        .tags()
        .map(|t| {
            t.items()
                .iter()
                .map(|t| (t.key().to_string(), t.value().map(String::from)))
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(tags, [("ssg:site".to_string(), Some(bucket.clone()))]);
    // moto does not store the origin's OAC id: it is in what ssg sent.
    let created = relay.bodies("distribution?WithTags");
    assert_eq!(created.len(), 1, "{:?}", relay.write_ops());
    assert!(
        created[0].contains(&format!(
            "<OriginAccessControlId>{}</OriginAccessControlId>",
            oacs[0].id()
        )),
        "{}",
        created[0]
    );

    // The bucket policy: CloudFront only, this distribution only.
    let policy = bucket_policy(&bucket);
    let statement = &policy["Statement"][0];
    assert_eq!(
        statement["Principal"]["Service"],
        "cloudfront.amazonaws.com"
    );
    assert_eq!(
        statement["Action"],
        serde_json::json!(["s3:GetObject", "s3:ListBucket"])
    );
    assert_eq!(
        statement["Condition"]["StringEquals"]["AWS:SourceArn"],
        d.arn()
    );

    // ssg.toml gained [publish], comments intact; the URL is printed.
    let config_text = site.read("ssg.toml");
    assert!(
        config_text.starts_with(&COMMENTED.replace("TITLE", &bucket_title(&bucket))),
        "{config_text}"
    );
    assert!(
        config_text.contains(&format!(
            "[publish]\nbucket = \"{bucket}\"\nregion = \"eu-west-1\"\ndistribution_id = \"{}\"\ndirectory_keys = true\n",
            d.id()
        )),
        "{config_text}"
    );
    assert!(
        result
            .stdout
            .contains(&format!("https://{}/", d.domain_name())),
        "{}",
        result.stdout
    );

    // --check passes; build and publish put the site in the bucket.
    let (check, _) = provision(&site, &["provision", "--check"]);
    check.success();
    assert!(check.stdout.contains("ok"), "{}", check.stdout);
    site.run(&["build"]).success();
    run(ssg_through(&site, moto(), &["publish"])).success();
    let listed = block(s3().list_objects_v2().bucket(&bucket).send()).expect("list");
    let keys: Vec<&str> = listed.contents().iter().filter_map(|o| o.key()).collect();
    assert!(
        keys.contains(&"index.html") && keys.contains(&"blog/a/"),
        "{keys:?}"
    );
}

/// The bucket is in `region`, private, owner-enforced and encrypted.
#[track_caller]
fn assert_private_bucket(bucket: &str, region: &str) {
    let s3 = s3();
    let location = block(s3.get_bucket_location().bucket(bucket).send()).expect("location");
    assert_eq!(
        location.location_constraint().map(|l| l.as_str()),
        Some(region)
    );
    let block_public = block(s3.get_public_access_block().bucket(bucket).send()).expect("bpa");
    let c = block_public
        .public_access_block_configuration()
        .expect("bpa config");
    assert_eq!(
        [
            c.block_public_acls(),
            c.ignore_public_acls(),
            c.block_public_policy(),
            c.restrict_public_buckets()
        ],
        [Some(true); 4]
    );
    let ownership =
        block(s3.get_bucket_ownership_controls().bucket(bucket).send()).expect("ownership");
    assert_eq!(
        ownership.ownership_controls().expect("controls").rules()[0]
            .object_ownership()
            .as_str(),
        "BucketOwnerEnforced"
    );
    let encryption = block(s3.get_bucket_encryption().bucket(bucket).send()).expect("encryption");
    let rule = &encryption
        .server_side_encryption_configuration()
        .expect("sse")
        .rules()[0];
    assert_eq!(
        rule.apply_server_side_encryption_by_default()
            .expect("default")
            .sse_algorithm()
            .as_str(),
        "AES256"
    );
}

/// The distribution has every setting `ssg provision` promises.
#[track_caller]
fn assert_secure_distribution(d: &aws_sdk_cloudfront::types::Distribution, origin_domain: &str) {
    let config = d.distribution_config().expect("config");
    let origin = &config.origins().expect("origins").items()[0];
    assert_eq!(origin.domain_name(), origin_domain);
    let behavior = config.default_cache_behavior().expect("behavior");
    assert_eq!(
        behavior.viewer_protocol_policy().as_str(),
        "redirect-to-https"
    );
    assert_eq!(behavior.compress(), Some(true));
    assert_eq!(
        behavior.cache_policy_id(),
        Some("658327ea-f89d-4fab-a63d-7e88639e58f6")
    );
    assert_eq!(
        behavior.response_headers_policy_id(),
        Some("67f7725c-6f97-4210-82d7-5512b31e9d03")
    );
    assert_eq!(config.http_version().map(|v| v.as_str()), Some("http2and3"));
    assert_eq!(config.is_ipv6_enabled(), Some(true));
    assert_eq!(config.default_root_object(), Some("index.html"));
    let errors: Vec<(i32, Option<&str>, Option<&str>)> = config
        .custom_error_responses()
        .expect("errors")
        .items()
        .iter()
        .map(|e| (e.error_code(), e.response_page_path(), e.response_code()))
        .collect();
    assert_eq!(
        errors,
        [
            (403, Some("/404.html"), Some("404")),
            (404, Some("/404.html"), Some("404"))
        ]
    );
}

/// The title a fixture was made with, back from its bucket name.
fn bucket_title(bucket: &str) -> String {
    let rest = bucket.trim_start_matches("prov-test-");
    format!("Prov Test-{rest}")
}

#[test]
fn a_second_run_makes_no_write_and_says_nothing_to_do() {
    let (site, bucket) = blog();
    provision(&site, &["provision"]).0.success();
    let config_before = site.read("ssg.toml");
    let (again, relay) = provision(&site, &["provision"]);
    again.success();
    assert_eq!(relay.write_ops(), Vec::<String>::new());
    assert!(again.stdout.contains("nothing to do"), "{}", again.stdout);
    assert_eq!(site.read("ssg.toml"), config_before);
    assert_eq!(distribution_for(&bucket).len(), 1);
    let (json, relay) = provision(&site, &["provision", "--json"]);
    json.success();
    assert_eq!(relay.write_ops(), Vec::<String>::new());
    let report: serde_json::Value = serde_json::from_str(&json.stdout).expect("json");
    assert_eq!(report["result"]["applied"], serde_json::json!([]));
    let url = format!("https://{}/", the_distribution(&bucket).domain_name());
    assert_eq!(report["result"]["url"], url);
}

#[test]
fn dry_run_only_reads_and_prints_the_plan() {
    let (site, bucket) = blog();
    let config_before = site.read("ssg.toml");
    let (result, relay) = provision(&site, &["provision", "--dry-run"]);
    result.success();
    assert_eq!(relay.write_ops(), Vec::<String>::new());
    assert!(
        !relay.calls().is_empty(),
        "the plan is made from real reads"
    );
    assert!(
        result.stdout.contains("create  bucket"),
        "{}",
        result.stdout
    );
    assert!(result.stdout.contains("dry run"), "{}", result.stdout);
    let (json, relay) = provision(&site, &["provision", "--dry-run", "--json"]);
    json.success();
    assert_eq!(relay.write_ops(), Vec::<String>::new());
    let report: serde_json::Value = serde_json::from_str(&json.stdout).expect("json");
    assert_eq!(report["dry_run"], true);
    assert_eq!(report["plan"]["steps"][0]["resource"], "bucket");
    assert_eq!(report["plan"]["steps"][0]["action"], "create");
    assert!(!bucket_exists(&bucket));
    assert_eq!(site.read("ssg.toml"), config_before);
}

#[test]
fn drift_is_named_by_check_and_fixed_by_a_rerun() {
    let (site, bucket) = blog();
    provision(&site, &["provision"]).0.success();
    let d = the_distribution(&bucket);

    // Someone makes the bucket public, loosens the policy, allows HTTP.
    let s3 = s3();
    block(
        s3.put_public_access_block()
            .bucket(&bucket)
            .public_access_block_configuration(
                aws_sdk_s3::types::PublicAccessBlockConfiguration::builder()
                    .block_public_acls(false)
                    .ignore_public_acls(false)
                    .block_public_policy(false)
                    .restrict_public_buckets(false)
                    .build(),
            )
            .send(),
    )
    .expect("unblock");
    let mut policy = bucket_policy(&bucket);
    policy["Statement"][0]
        .as_object_mut()
        .expect("statement")
        .remove("Condition");
    block(
        s3.put_bucket_policy()
            .bucket(&bucket)
            .policy(policy.to_string())
            .send(),
    )
    .expect("policy");
    let cf = cloudfront();
    let current = block(cf.get_distribution_config().id(d.id()).send()).expect("config");
    let mut config = current.distribution_config().expect("config").clone();
    if let Some(b) = config.default_cache_behavior.as_mut() {
        b.viewer_protocol_policy = aws_sdk_cloudfront::types::ViewerProtocolPolicy::AllowAll;
    }
    block(
        cf.update_distribution()
            .id(d.id())
            .set_if_match(current.e_tag().map(String::from))
            .distribution_config(config)
            .send(),
    )
    .expect("update");

    let (check, relay) = provision(&site, &["provision", "--check"]);
    check.failure();
    assert_eq!(relay.write_ops(), Vec::<String>::new());
    for expect in [
        "BlockPublicPolicy is off",
        "no AWS:SourceArn condition",
        "viewer protocol is allow-all",
    ] {
        assert!(
            check.stdout.contains(expect),
            "{expect:?} not in:\n{}",
            check.stdout
        );
    }
    let (json, _) = provision(&site, &["provision", "--check", "--json"]);
    let report: serde_json::Value = serde_json::from_str(&json.stdout).expect("json");
    assert_eq!(report["ok"], false);

    provision(&site, &["provision"]).0.success();
    provision(&site, &["provision", "--check"]).0.success();
    let (moved, relay) = provision(&site, &["provision", "--region", "us-west-2"]);
    moved.failure_in_one_line("pass --region us-east-1");
    assert_eq!(relay.write_ops(), Vec::<String>::new());
    let after = the_distribution(&bucket);
    assert_eq!(
        after
            .distribution_config()
            .and_then(|c| c.default_cache_behavior())
            .map(|b| b.viewer_protocol_policy().as_str()),
        Some("redirect-to-https")
    );
    assert_eq!(
        bucket_policy(&bucket)["Statement"][0]["Condition"]["StringEquals"]["AWS:SourceArn"],
        after.arn()
    );
}

#[test]
fn a_run_cut_after_any_write_is_finished_by_the_next() {
    // How many writes a whole run makes, with a domain in a hosted zone so
    // the certificate and the DNS records are among them.
    let count = {
        let (site, _) = blog();
        let domain = format!("{}.example.org", unique("cut"));
        zone(&domain);
        let (result, relay) = provision(&site, &["provision", "--domain", &domain]);
        result.success();
        relay.write_ops().len()
    };
    assert!(count >= 10, "{count} writes");
    for n in 1..=count {
        let (site, _) = blog();
        let domain = format!("{}.example.org", unique("cut"));
        let bucket = domain.replace('.', "-");
        let zone_id = zone(&domain);
        let cut = recording_relay(moto(), Some(n));
        let first = run(ssg_through(
            &site,
            &cut.url,
            &["provision", "--domain", &domain],
        ));
        assert_eq!(
            first.code,
            1,
            "cut at write {n} of {:?}:\n{}",
            cut.write_ops(),
            first.stderr
        );
        let (rerun, _) = provision(&site, &["provision", "--domain", &domain]);
        rerun.success();
        assert!(bucket_exists(&bucket), "cut at {n}");
        assert_eq!(oacs_for(&bucket).len(), 1, "cut at {n}");
        assert_eq!(distribution_for(&bucket).len(), 1, "cut at {n}");
        assert_eq!(certificates_for(&domain).len(), 1, "cut at {n}");
        let aliases = records(&zone_id).into_iter().filter(|r| r.1 == "A").count();
        assert_eq!(aliases, 1, "cut at {n}");
        provision(&site, &["provision", "--check"]).0.success();
    }
}

#[test]
fn a_domain_in_route53_gets_its_certificate_validation_and_alias_records() {
    let (site, _) = blog();
    let domain = format!("{}.example.org", unique("www"));
    let bucket = domain.replace('.', "-");
    let zone_id = zone(&domain);
    let (result, relay) = provision(
        &site,
        &["provision", "--domain", &domain, "--region", "eu-central-1"],
    );
    result.success();
    assert!(
        result.stdout.contains(&format!("https://{domain}/")),
        "{}",
        result.stdout
    );

    let arns = certificates_for(&domain);
    assert_eq!(arns.len(), 1);
    assert!(arns[0].starts_with("arn:aws:acm:us-east-1:"), "{}", arns[0]);
    let cert = block(
        acm()
            .describe_certificate()
            .certificate_arn(&arns[0])
            .send(),
    )
    .expect("describe");
    let cert = cert.certificate().expect("certificate");
    assert_eq!(cert.status().map(|s| s.as_str()), Some("ISSUED"));
    let validation = cert.domain_validation_options()[0]
        .resource_record()
        .expect("record")
        .clone();
    assert_eq!(relay.bodies("RequestCertificate").len(), 1);
    assert!(relay.bodies("RequestCertificate")[0].contains("\"ValidationMethod\":\"DNS\""));

    let d = the_distribution(&bucket);
    let config = d.distribution_config().expect("config");
    assert_eq!(
        config.aliases().map(|a| a.items().to_vec()),
        Some(vec![domain.clone()])
    );
    assert_eq!(
        config
            .viewer_certificate()
            .and_then(|v| v.acm_certificate_arn()),
        Some(arns[0].as_str())
    );
    let updates = relay.bodies("/2020-05-31/distribution");
    assert!(
        updates.iter().any(|b| b.contains(&format!(
            "<ACMCertificateArn>{}</ACMCertificateArn>",
            arns[0]
        )) && b.contains("<SSLSupportMethod>sni-only</SSLSupportMethod>")),
        "{updates:?}"
    );

    let records = records(&zone_id);
    assert!(
        records.contains(&(
            validation.name().to_string(),
            "CNAME".into(),
            validation.value().to_string()
        )),
        "{records:?}"
    );
    for kind in ["A", "AAAA"] {
        assert!(
            records.contains(&(
                format!("{domain}."),
                kind.into(),
                format!("{}.", d.domain_name())
            )),
            "{kind} alias missing: {records:?}"
        );
    }
    let (check, _) = provision(&site, &["provision", "--check"]);
    check.success();
}

#[test]
fn a_domain_elsewhere_prints_the_records_and_a_rerun_resumes() {
    // A moto whose certificates stay pending for a few seconds, as DNS
    // validation does until the records are in.
    let slow = start_moto(4);
    let (site, _) = blog();
    let domain = format!("{}.example.net", unique("blog"));
    let bucket = domain.replace('.', "-");
    let relay = recording_relay(&slow.url, None);
    let first = run(ssg_through(
        &site,
        &relay.url,
        &["provision", "--domain", &domain, "--no-wait"],
    ));
    first.success();
    assert!(
        first.stdout.contains("add at your DNS provider: _"),
        "{}",
        first.stdout
    );
    assert!(first.stdout.contains("CNAME"), "{}", first.stdout);
    assert!(
        first.stdout.contains("run `ssg provision` again"),
        "{}",
        first.stdout
    );
    std::thread::sleep(Duration::from_secs(5));
    let second = run(ssg_through(
        &site,
        &relay.url,
        &["provision", "--domain", &domain, "--no-wait"],
    ));
    second.success();
    assert!(
        second.stdout.contains(&format!("point {domain} at ")),
        "{}",
        second.stdout
    );
    let cf = cloudfront_at(&slow.url);
    let d = all_distributions(&cf)
        .into_iter()
        .find(|d| d.comment() == format!("ssg site s3://{bucket}"))
        .expect("distribution");
    assert_eq!(
        d.aliases().map(|a| a.items().to_vec()),
        Some(vec![domain.clone()])
    );
}

#[test]
fn ctrl_c_while_waiting_for_validation_stops_cleanly_and_a_rerun_picks_up() {
    use std::io::BufRead as _;
    let slow = start_moto(600);
    let (site, _) = blog();
    let domain = format!("{}.example.net", unique("wait"));
    let relay = recording_relay(&slow.url, None);
    let mut child = ssg_through(&site, &relay.url, &["provision", "--domain", &domain])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start ssg");
    // The records to add are printed just before the wait begins.
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = std::io::BufReader::new(stdout).lines();
    let mut seen = Vec::new();
    for line in lines.by_ref().map_while(Result::ok) {
        // The plan mentions the provider too; the records themselves come
        // right before the wait.
        let done = line.contains("add at your DNS provider: _");
        seen.push(line);
        if done {
            break;
        }
    }
    assert!(
        seen.last()
            .is_some_and(|l| l.contains("add at your DNS provider")),
        "no records printed before waiting:\n{}",
        seen.join("\n")
    );
    std::thread::sleep(Duration::from_millis(500));
    Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill");
    let out = child.wait_with_output().expect("wait");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("stopped by Ctrl-C"), "{stderr}");
    let writes_before = relay.write_ops().len();
    let rerun = run(ssg_through(
        &site,
        &relay.url,
        &["provision", "--domain", &domain, "--no-wait"],
    ));
    rerun.success();
    assert_eq!(
        relay.write_ops().len(),
        writes_before,
        "the rerun redid work"
    );
    assert!(
        rerun.stdout.contains("pending: certificate"),
        "{}",
        rerun.stdout
    );
}

#[test]
fn ci_github_trusts_one_branch_of_one_repository_and_writes_the_workflow() {
    let (site, bucket) = blog();
    let (result, _) = provision(
        &site,
        &[
            "provision",
            "--ci",
            "github",
            "--repo",
            "octo/blog",
            "--branch",
            "live",
            "--ssg-git",
            SSG_GIT,
        ],
    );
    result.success();
    let iam = iam();
    let role = block(
        iam.get_role()
            .role_name(format!("ssg-publish-{bucket}"))
            .send(),
    )
    .expect("role");
    let role = role.role().expect("role");
    let trust = ssg::provision::policy::parse_iam_document(
        role.assume_role_policy_document().expect("trust"),
    )
    .expect("json");
    let condition = &trust["Statement"][0]["Condition"]["StringEquals"];
    assert_eq!(
        condition["token.actions.githubusercontent.com:sub"],
        "repo:octo/blog:ref:refs/heads/live"
    );
    assert_eq!(
        condition["token.actions.githubusercontent.com:aud"],
        "sts.amazonaws.com"
    );
    assert_eq!(trust["Statement"].as_array().map(Vec::len), Some(1));
    let policy = block(
        iam.get_role_policy()
            .role_name(role.role_name())
            .policy_name("ssg-publish")
            .send(),
    )
    .expect("policy");
    let policy =
        ssg::provision::policy::parse_iam_document(policy.policy_document()).expect("json");
    let d = the_distribution(&bucket);
    let resources: Vec<String> = policy["Statement"]
        .as_array()
        .expect("statements")
        .iter()
        .map(|s| s["Resource"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(
        resources,
        [
            format!("arn:aws:s3:::{bucket}"),
            format!("arn:aws:s3:::{bucket}/*"),
            d.arn().to_string()
        ]
    );
    let providers = block(iam.list_open_id_connect_providers().send()).expect("providers");
    assert!(providers.open_id_connect_provider_list().iter().any(|p| {
        p.arn()
            .is_some_and(|a| a.ends_with("oidc-provider/token.actions.githubusercontent.com"))
    }));

    let text = site.read(".github/workflows/publish.yml");
    let docs = yaml_rust2::YamlLoader::load_from_str(&text).expect("valid YAML");
    let workflow = &docs[0];
    assert_eq!(workflow["on"]["push"]["branches"][0].as_str(), Some("live"));
    let steps = workflow["jobs"]["publish"]["steps"]
        .as_vec()
        .expect("steps");
    let runs: Vec<&str> = steps.iter().filter_map(|s| s["run"].as_str()).collect();
    assert!(runs.contains(&"ssg publish --json"), "{runs:?}");
    assert!(runs.contains(&"ssg build"), "{runs:?}");
    let role_arn = steps
        .iter()
        .find_map(|s| s["with"]["role-to-assume"].as_str())
        .expect("role step");
    assert_eq!(role_arn, role.arn());
    assert!(text.contains("path: .ssg-cache"), "{text}");
    assert_eq!(
        workflow["env"]["SSG_GIT"].as_str(),
        Some(SSG_GIT),
        "CI installs ssg from where --ssg-git said"
    );

    let (again, relay) = provision(
        &site,
        &[
            "provision",
            "--ci",
            "github",
            "--repo",
            "octo/blog",
            "--branch",
            "live",
            "--ssg-git",
            SSG_GIT,
        ],
    );
    again.success();
    assert_eq!(relay.write_ops(), Vec::<String>::new());
}

#[test]
fn check_without_ci_flags_still_checks_the_ci_role() {
    let (site, bucket) = blog();
    provision(
        &site,
        &[
            "provision",
            "--ci",
            "github",
            "--repo",
            "octo/site",
            "--ssg-git",
            SSG_GIT,
        ],
    )
    .0
    .success();
    provision(&site, &["provision", "--check"]).0.success();
    // Someone widens the trust to every branch and every workflow.
    let loose = ssg::provision::policy::trust_policy("123456789012", "octo/site", "main")
        .to_string()
        .replace("ref:refs/heads/main", "*");
    block(
        iam()
            .update_assume_role_policy()
            .role_name(format!("ssg-publish-{bucket}"))
            .policy_document(loose)
            .send(),
    )
    .expect("loosen trust");
    let (check, _) = provision(&site, &["provision", "--check"]);
    check.failure();
    assert!(
        check
            .stdout
            .contains("does not trust exactly octo/site on main"),
        "{}",
        check.stdout
    );
    provision(&site, &["provision"]).0.success();
    provision(&site, &["provision", "--check"]).0.success();
}

/// An MX record for `domain`, which ssg did not write.
fn add_mx(zone_id: &str, domain: &str) {
    let other_record = aws_sdk_route53::types::ResourceRecordSet::builder()
        .name(format!("mail.{domain}"))
        .r#type(aws_sdk_route53::types::RrType::Mx)
        .ttl(300)
        .resource_records(
            aws_sdk_route53::types::ResourceRecord::builder()
                .value("10 mx.example.org")
                .build()
                .expect("rr"),
        )
        .build()
        .expect("set");
    block(
        route53()
            .change_resource_record_sets()
            .hosted_zone_id(zone_id)
            .change_batch(
                aws_sdk_route53::types::ChangeBatch::builder()
                    .changes(
                        aws_sdk_route53::types::Change::builder()
                            .action(aws_sdk_route53::types::ChangeAction::Create)
                            .resource_record_set(other_record)
                            .build()
                            .expect("change"),
                    )
                    .build()
                    .expect("batch"),
            )
            .send(),
    )
    .expect("mx");
}

#[test]
fn destroy_removes_what_it_made_and_nothing_else() {
    let (site, _) = blog();
    let domain = format!("{}.example.org", unique("gone"));
    let bucket = domain.replace('.', "-");
    let zone_id = zone(&domain);
    // Things ssg did not make: a record in the same zone, a bucket beside.
    add_mx(&zone_id, &domain);
    let neighbour = unique("neighbour");
    block(s3().create_bucket().bucket(&neighbour).send()).expect("neighbour");

    provision(
        &site,
        &[
            "provision",
            "--domain",
            &domain,
            "--ci",
            "github",
            "--repo",
            "o/r",
            "--ssg-git",
            SSG_GIT,
        ],
    )
    .0
    .success();
    site.run(&["build"]).success();
    run(ssg_through(&site, moto(), &["publish"])).success();

    // Not on a terminal and no --yes: nothing is deleted.
    let (refused, relay) = provision(&site, &["provision", "--destroy"]);
    refused.failure();
    assert!(refused.stderr.contains("--yes"), "{}", refused.stderr);
    assert!(
        refused.stdout.contains(&format!("bucket s3://{bucket}")),
        "{}",
        refused.stdout
    );
    assert_eq!(relay.write_ops(), Vec::<String>::new());

    let (destroyed, _) = provision(&site, &["provision", "--destroy", "--yes"]);
    destroyed.success();
    assert!(!bucket_exists(&bucket));
    assert!(distribution_for(&bucket).is_empty());
    assert!(oacs_for(&bucket).is_empty());
    assert!(certificates_for(&domain).is_empty());
    let left = records(&zone_id);
    let kinds: Vec<&str> = left.iter().map(|r| r.1.as_str()).collect();
    assert!(
        !kinds.contains(&"A") && !kinds.contains(&"AAAA") && !kinds.contains(&"CNAME"),
        "{left:?}"
    );
    assert!(kinds.contains(&"MX"), "{left:?}");
    assert!(bucket_exists(&neighbour));
    assert!(
        block(
            iam()
                .get_role()
                .role_name(format!("ssg-publish-{bucket}"))
                .send()
        )
        .is_err()
    );
    assert!(!site.exists(".github/workflows/publish.yml"));
    let config_text = site.read("ssg.toml");
    assert!(!config_text.contains("[publish]"), "{config_text}");
    assert!(
        config_text.contains("# ten posts per page"),
        "{config_text}"
    );

    // A bucket ssg did not make is refused, untouched.
    site.write(
        "ssg.toml",
        format!("title = \"x\"\n[publish]\nbucket = \"{neighbour}\"\n").as_bytes(),
    );
    let (foreign, _) = provision(&site, &["provision", "--destroy", "--yes"]);
    foreign.failure_in_one_line("was not created by ssg provision");
    assert!(bucket_exists(&neighbour));
}

#[test]
fn bad_input_is_one_clear_line_and_creates_nothing() {
    let (site, bucket) = blog();
    let check = |args: &[&str], expect: &str| {
        let (result, relay) = provision(&site, args);
        result.failure_in_one_line(expect);
        assert_eq!(relay.write_ops(), Vec::<String>::new(), "{args:?}");
    };
    check(
        &["provision", "--bucket", "My_Bucket"],
        "not a valid bucket name",
    );
    check(
        &["provision", "--domain", "not_a_domain"],
        "is not a domain name",
    );
    check(
        &["provision", "--region", "eu-west-9"],
        "is not an AWS region",
    );
    check(&["provision", "--ci", "gitlab"], "not supported");
    check(
        &["provision", "--ci", "github", "--repo", "nope"],
        "not a GitHub repository",
    );
    check(
        &["provision", "--ci", "github", "--repo", "octo/site"],
        "--ci github needs --ssg-git URL",
    );
    check(
        &[
            "provision",
            "--ci",
            "github",
            "--repo",
            "octo/site",
            "--ssg-git",
            "not a url",
        ],
        "is not a git URL",
    );

    let mut command = ssg_through(&site, moto(), &["provision"]);
    command
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY");
    run(command).failure_in_one_line("no AWS credentials found");
    assert!(!bucket_exists(&bucket));

    // A bucket name another account holds.
    let sts = aws_sdk_sts::Client::new(&sdk_config(moto()));
    let other = block(
        sts.assume_role()
            .role_arn("arn:aws:iam::111111111111:role/other")
            .role_session_name("other")
            .send(),
    )
    .expect("assume role");
    let c = other.credentials().expect("credentials");
    let elsewhere = s3_as(Credentials::new(
        c.access_key_id(),
        c.secret_access_key(),
        Some(c.session_token().to_string()),
        None,
        "other",
    ));
    let taken = unique("taken");
    block(elsewhere.create_bucket().bucket(&taken).send()).expect("other account's bucket");
    check(
        &["provision", "--bucket", &taken],
        "is taken by another AWS account",
    );
    assert!(!site.read("ssg.toml").contains("[publish]"));
}
