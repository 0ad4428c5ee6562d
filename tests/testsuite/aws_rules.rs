//! `ssg provision` and `ssg publish` where real AWS enforces a rule moto
//! does not: the recording relay answers those requests as AWS documents
//! them (Route 53 refusing an A record beside a CNAME of the same name, S3
//! answering 301 for a bucket in another region, IAM refusing an action a
//! role lacks) and the tests assert on what ssg sends and prints.

use std::collections::HashSet;
use std::process::Command;
use std::sync::{Arc, Mutex};

use crate::support::account::{records, unique, zone};
use crate::support::bucket::Bucket;
use crate::support::command::run;
use crate::support::functions;
use crate::support::moto::{block, iam, moto, route53, s3};
use crate::support::relay::{Answer, Message, Relay, Request, Rules};
use crate::support::text::between;
use crate::support::{Run, Site};

/// A small site whose title makes its bucket name unique in the shared moto.
fn site() -> Site {
    let title = unique("Rules Test");
    Site::with_config(&format!(
        "title = \"{title}\"\nbase_url = \"https://example.com\"\ntheme = \"default\"\n"
    ))
    .file("content/about.md", "---\ntitle: About\n---\nAbout.\n")
}

/// `ssg ARGS` in `site`, its AWS calls sent through a relay with `answer`.
fn provision(site: &Site, answer: Option<Answer>, args: &[String]) -> (Run, Relay) {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let relay = Relay::start(moto(), functions::rules(answer));
    let mut command: Command = site.command(&args);
    command.env("AWS_ENDPOINT_URL", &relay.url);
    (run(command), relay)
}

/// Requests whose path contains `part`, as text.
fn bodies(relay: &Relay, part: &str) -> Vec<String> {
    relay
        .seen()
        .iter()
        .filter(|r| r.path.contains(part))
        .map(|r| String::from_utf8_lossy(&r.body).into_owned())
        .collect()
}

/// The relay saw no write but the account lookup (STS posts to "/").
#[track_caller]
fn assert_created_nothing(relay: &Relay) {
    let writes: Vec<String> = relay
        .seen()
        .iter()
        .filter(|r| r.changes() && r.path != "/")
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert!(writes.is_empty(), "{writes:?}");
}

// ---------------------------------------------------------------------------
// Route 53: another host's records at the site's names

fn put_record(zone: &str, name: &str, kind: &str, value: &str) {
    use aws_sdk_route53::types::{
        Change, ChangeAction, ChangeBatch, ResourceRecord, ResourceRecordSet, RrType,
    };
    let set = ResourceRecordSet::builder()
        .name(name)
        .r#type(RrType::from(kind))
        .ttl(3600)
        .resource_records(ResourceRecord::builder().value(value).build().unwrap())
        .build()
        .unwrap();
    let change = Change::builder()
        .action(ChangeAction::Create)
        .resource_record_set(set)
        .build()
        .unwrap();
    let batch = ChangeBatch::builder().changes(change).build().unwrap();
    block(
        route53()
            .change_resource_record_sets()
            .hosted_zone_id(zone)
            .change_batch(batch)
            .send(),
    )
    .expect("put record");
}

/// (action, name, type) of each change in a ChangeResourceRecordSets body.
fn changes(body: &str) -> Vec<(String, String, String)> {
    body.split("<Change>")
        .skip(1)
        .map(|c| {
            let field = |tag: &str| {
                between(c, &format!("<{tag}>"), &format!("</{tag}>"))
                    .unwrap_or("")
                    .trim_end_matches('.')
                    .to_string()
            };
            (field("Action"), field("Name"), field("Type"))
        })
        .collect()
}

/// Route 53's answer to an A or AAAA record written where a CNAME of the
/// same name is left standing: the whole batch refused.
fn refuse_a_beside_cname(cname: String) -> Answer {
    Box::new(move |request: &Request| {
        if !request.path.ends_with("/rrset") && !request.path.ends_with("/rrset/") {
            return None;
        }
        let changes = changes(&String::from_utf8_lossy(&request.body));
        let deleted = changes
            .iter()
            .any(|(action, name, kind)| action == "DELETE" && kind == "CNAME" && *name == cname);
        let blocked = changes.iter().find(|(action, name, kind)| {
            action != "DELETE" && (kind == "A" || kind == "AAAA") && *name == cname
        })?;
        if deleted {
            return None;
        }
        let zone = cname.split_once('.').map_or("", |(_, z)| z);
        Some(Message::reply(
            "400 Bad Request",
            &[],
            &format!(
                "<?xml version=\"1.0\"?>\n<InvalidChangeBatch xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\"><Messages><Message>RRSet of type {} with DNS name {cname}. is not permitted because a conflicting RRSet of type CNAME with the same DNS name already exists in zone {zone}.</Message></Messages><RequestId>relay</RequestId></InvalidChangeBatch>",
                blocked.2
            ),
        ))
    })
}

#[test]
fn another_hosts_www_cname_and_apex_a_are_named_and_replaced_only_when_asked() {
    let apex = format!("{}.example.org", unique("moving"));
    let www = format!("www.{apex}");
    let zone_id = zone(&apex);
    put_record(&zone_id, &www, "CNAME", "me.github.io.");
    put_record(&zone_id, &apex, "A", "185.199.108.153");
    let site = site();
    let domains = ["--domain", apex.as_str(), "--domain", www.as_str()];
    let with = |extra: &[&'static str]| -> Vec<String> {
        let mut args = vec!["provision".to_string()];
        args.extend(domains.iter().map(|a| a.to_string()));
        args.extend(extra.iter().map(|a| a.to_string()));
        args
    };

    let (dry, _) = provision(&site, None, &with(&["--dry-run"]));
    dry.success();
    for line in [
        format!("{www}. CNAME me.github.io. is there"),
        format!("{apex}. A 185.199.108.153 is there"),
        "--replace-dns".to_string(),
    ] {
        assert!(dry.stdout.contains(&line), "{line}: {}", dry.stdout);
    }

    // A plain run writes no alias over them, and says what to do.
    let (plain, relay) = provision(&site, Some(refuse_a_beside_cname(www.clone())), &with(&[]));
    plain.success();
    assert!(plain.stdout.contains("--replace-dns"), "{}", plain.stdout);
    let written: Vec<_> = bodies(&relay, "/rrset")
        .iter()
        .flat_map(|b| changes(b))
        .filter(|(_, _, kind)| kind != "CNAME")
        .collect();
    assert!(written.is_empty(), "{written:?}");
    let before = records(&zone_id);
    assert!(before.contains(&(format!("{www}."), "CNAME".into(), "me.github.io.".into())));
    assert!(before.contains(&(format!("{apex}."), "A".into(), "185.199.108.153".into())));

    // With --replace-dns: the CNAME goes in the same batch as the aliases.
    let (replace, relay) = provision(
        &site,
        Some(refuse_a_beside_cname(www.clone())),
        &with(&["--replace-dns"]),
    );
    replace.success();
    let batches: Vec<_> = bodies(&relay, "/rrset")
        .iter()
        .map(|b| changes(b))
        .collect();
    assert!(
        batches.iter().any(|b| {
            b.contains(&("DELETE".into(), www.clone(), "CNAME".into()))
                && b.contains(&("UPSERT".into(), www.clone(), "A".into()))
        }),
        "{batches:?}"
    );
    let after = records(&zone_id);
    assert!(
        !after
            .iter()
            .any(|r| r.1 == "CNAME" && r.0 == format!("{www}.")),
        "{after:?}"
    );
    for name in [&apex, &www] {
        let a = after
            .iter()
            .find(|r| r.0 == format!("{name}.") && r.1 == "A");
        assert!(
            a.is_some_and(|r| r.2.ends_with("cloudfront.net.")),
            "{after:?}"
        );
    }
}

// ---------------------------------------------------------------------------
// S3: a bucket name another account holds in another region

/// S3's answer to HeadBucket for a bucket in another region: 301 with the
/// bucket's region in `x-amz-bucket-region` (a HEAD answer has no body).
fn bucket_elsewhere(bucket: String) -> Answer {
    Box::new(move |request: &Request| {
        (request.method == "HEAD" && request.path.trim_end_matches('/') == format!("/{bucket}"))
            .then(|| {
                Message::reply(
                    "301 Moved Permanently",
                    &[("x-amz-bucket-region", "ap-southeast-2")],
                    "",
                )
            })
    })
}

#[test]
fn a_bucket_name_taken_in_another_region_says_use_bucket() {
    let site = site();
    let bucket = unique("taken-elsewhere");
    let args: Vec<String> = ["provision", "--bucket", &bucket, "--region", "eu-west-1"]
        .map(String::from)
        .to_vec();
    let (result, relay) = provision(&site, Some(bucket_elsewhere(bucket.clone())), &args);
    result.failure_in_one_line(&format!("\"{bucket}\" is taken"));
    assert!(result.stderr.contains("--bucket"), "{}", result.stderr);
    assert_created_nothing(&relay);
}

// ---------------------------------------------------------------------------
// Incomplete multipart uploads: billed until aborted

fn lifecycle_rules(bucket: &str) -> Vec<aws_sdk_s3::types::LifecycleRule> {
    block(
        s3().get_bucket_lifecycle_configuration()
            .bucket(bucket)
            .send(),
    )
    .map(|out| out.rules().to_vec())
    .unwrap_or_default()
}

/// `ssg provision` of `bucket` with a CI role for GitHub's octo/site.
fn with_ci(bucket: &str) -> Vec<String> {
    [
        "provision",
        "--bucket",
        bucket,
        "--ci",
        "github",
        "--repo",
        "octo/site",
        "--ssg-git",
        "https://git.example.org/me/ssg.git",
    ]
    .map(String::from)
    .to_vec()
}

#[test]
fn provision_removes_incomplete_uploads_and_lets_ci_abort_them() {
    let site = site();
    let bucket = unique("uploads");
    let args = with_ci(&bucket);
    provision(&site, None, &args).0.success();
    let rules = lifecycle_rules(&bucket);
    let aborts = |rules: &[aws_sdk_s3::types::LifecycleRule]| {
        rules.iter().any(|r| {
            r.abort_incomplete_multipart_upload()
                .and_then(|a| a.days_after_initiation())
                .is_some()
        })
    };
    assert!(aborts(&rules), "{rules:?}");
    let policy = block(
        iam()
            .get_role_policy()
            .role_name(format!("ssg-publish-{bucket}"))
            .policy_name("ssg-publish")
            .send(),
    )
    .expect("role policy");
    let document = percent_encoding::percent_decode_str(policy.policy_document())
        .decode_utf8_lossy()
        .into_owned();
    assert!(document.contains("s3:AbortMultipartUpload"), "{document}");

    // The user's own rules stay when ssg puts its rule back.
    use aws_sdk_s3::types::{
        BucketLifecycleConfiguration, ExpirationStatus, LifecycleExpiration, LifecycleRule,
        LifecycleRuleFilter,
    };
    let theirs = LifecycleRule::builder()
        .id("expire-tmp")
        .status(ExpirationStatus::Enabled)
        .filter(LifecycleRuleFilter::builder().prefix("tmp/").build())
        .expiration(LifecycleExpiration::builder().days(1).build())
        .build()
        .unwrap();
    block(
        s3().put_bucket_lifecycle_configuration()
            .bucket(&bucket)
            .lifecycle_configuration(
                BucketLifecycleConfiguration::builder()
                    .rules(theirs)
                    .build()
                    .unwrap(),
            )
            .send(),
    )
    .expect("put lifecycle");
    let (check, _) = provision(&site, None, &["provision".to_string(), "--check".into()]);
    assert!(
        check.stdout.contains("incomplete multipart uploads"),
        "{}",
        check.stdout
    );
    provision(&site, None, &args).0.success();
    let rules = lifecycle_rules(&bucket);
    assert!(aborts(&rules), "{rules:?}");
    assert!(
        rules.iter().any(|r| r.id() == Some("expire-tmp")),
        "{rules:?}"
    );
}

/// S3's answers for a role without s3:AbortMultipartUpload whose upload
/// of a large file fails: the part refused (a dropped connection would do
/// the same), then the abort denied.
fn abort_denied() -> Answer {
    Box::new(|request: &Request| {
        if !request.query.contains("uploadId=") {
            return None;
        }
        if request.method == "PUT" {
            return Some(Message::reply(
                "503 Slow Down",
                &[],
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message><RequestId>relay</RequestId></Error>",
            ));
        }
        (request.method == "DELETE").then(|| {
            Message::reply(
                "403 Forbidden",
                &[],
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>AccessDenied</Code><Message>User is not authorized to perform: s3:AbortMultipartUpload because no identity-based policy allows the s3:AbortMultipartUpload action</Message><RequestId>relay</RequestId></Error>",
            )
        })
    })
}

#[test]
fn a_failed_large_upload_is_aborted_and_a_refused_abort_is_reported() {
    let bucket = Bucket::new();
    let relay = Relay::start(
        moto(),
        Rules {
            answer: Some(abort_denied()),
            ..Rules::default()
        },
    );
    let site = Site::with_config(&format!(
        "{}multipart_threshold = 1\n",
        bucket.config(&relay.url)
    ))
    .file("content/about.md", "---\ntitle: About\n---\nAbout.\n");
    site.write("static/big.bin", &vec![7u8; 9 << 20]);
    site.run(&["build"]).success();
    let result = site.run(&["publish"]);
    result.failure();
    let aborts = relay
        .seen()
        .iter()
        .filter(|r| r.method == "DELETE" && r.query.contains("uploadId="))
        .count();
    assert_eq!(aborts, 1, "the failed upload was not aborted");
    assert!(
        result.stderr.contains("aborting the upload failed too")
            && result.stderr.contains("AccessDenied"),
        "{}",
        result.stderr
    );
}

// ---------------------------------------------------------------------------
// IAM: GitHub's OIDC subject is matched case-sensitively

#[test]
fn the_ci_role_trusts_the_repository_as_its_git_remote_spells_it() {
    let site = site();
    let git = |args: &[&str]| {
        let status = Command::new("git")
            .args(args)
            .current_dir(site.root())
            .status()
            .expect("git");
        assert!(status.success(), "git {args:?}");
    };
    git(&["init", "-q"]);
    git(&["remote", "add", "origin", "git@github.com:Octo/Site.git"]);
    let bucket = unique("case");
    let args = with_ci(&bucket);
    let (result, _) = provision(&site, None, &args);
    result.success();
    assert!(result.stderr.contains("letter case"), "{}", result.stderr);
    let role = block(
        iam()
            .get_role()
            .role_name(format!("ssg-publish-{bucket}"))
            .send(),
    )
    .expect("role");
    let trust = percent_encoding::percent_decode_str(
        role.role()
            .and_then(|r| r.assume_role_policy_document())
            .unwrap_or(""),
    )
    .decode_utf8_lossy()
    .into_owned();
    assert!(
        trust.contains("repo:Octo/Site:ref:refs/heads/main"),
        "{trust}"
    );
}

// ---------------------------------------------------------------------------
// CloudFront: a listing that lags, a CallerReference used before

/// CloudFront's listing before a new distribution shows up in it: empty.
fn listing_lags() -> Answer {
    Box::new(|request: &Request| {
        (request.method == "GET" && request.path == "/2020-05-31/distribution").then(|| {
            Message::reply(
                "200 OK",
                &[],
                "<?xml version=\"1.0\"?>\n<DistributionList xmlns=\"http://cloudfront.amazonaws.com/doc/2020-05-31/\"><Marker></Marker><MaxItems>100</MaxItems><IsTruncated>false</IsTruncated><Quantity>0</Quantity></DistributionList>",
            )
        })
    })
}

fn caller_reference(request: &Request) -> Option<String> {
    let body = String::from_utf8_lossy(&request.body);
    between(&body, "<CallerReference>", "</CallerReference>").map(String::from)
}

/// CloudFront refusing a create whose CallerReference it has seen before
/// (`used`, shared by every run of a test) with another config.
fn reference_used_before(used: Arc<Mutex<HashSet<String>>>) -> Answer {
    Box::new(move |request: &Request| {
        if request.method != "POST" || request.path != "/2020-05-31/distribution" {
            return None;
        }
        let reference = caller_reference(request)?;
        if used.lock().expect("used").insert(reference) {
            return None;
        }
        Some(Message::reply(
            "409 Conflict",
            &[],
            "<?xml version=\"1.0\"?>\n<ErrorResponse xmlns=\"http://cloudfront.amazonaws.com/doc/2020-05-31/\"><Error><Type>Sender</Type><Code>DistributionAlreadyExists</Code><Message>The caller reference that you are using to create a distribution is associated with another distribution.</Message></Error><RequestId>relay</RequestId></ErrorResponse>",
        ))
    })
}

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|a| a.to_string()).collect()
}

#[test]
fn a_new_distribution_is_taken_from_its_create_answer_at_the_lower_price_class() {
    let site = site();
    let bucket = unique("lagging");
    let (result, relay) = provision(
        &site,
        Some(listing_lags()),
        &args(&["provision", "--bucket", &bucket]),
    );
    result.success();
    let creates = bodies(&relay, "/2020-05-31/distribution")
        .into_iter()
        .filter(|b| b.contains("<CallerReference>"))
        .collect::<Vec<_>>();
    assert_eq!(creates.len(), 1, "{creates:?}");
    assert!(
        creates[0].contains("<PriceClass>PriceClass_100</PriceClass>"),
        "{}",
        creates[0]
    );
    assert!(
        site.read("ssg.toml").contains("distribution_id = \""),
        "{}",
        site.read("ssg.toml")
    );
}

#[test]
fn a_provision_after_destroy_sends_a_caller_reference_of_its_own() {
    let site = site();
    let bucket = unique("again");
    let used = Arc::new(Mutex::new(HashSet::new()));
    let up = args(&["provision", "--bucket", &bucket]);
    let (first, relay) = provision(&site, Some(reference_used_before(used.clone())), &up);
    first.success();
    let first_reference = relay.seen().iter().find_map(caller_reference);
    provision(&site, None, &args(&["provision", "--destroy", "--yes"]))
        .0
        .success();
    let (second, relay) = provision(&site, Some(reference_used_before(used.clone())), &up);
    second.success();
    let second_reference = relay.seen().iter().find_map(caller_reference);
    assert!(first_reference.is_some() && second_reference.is_some());
    assert_ne!(first_reference, second_reference);
}

// ---------------------------------------------------------------------------
// Route 53: two hosted zones of one name

#[test]
fn two_hosted_zones_of_one_name_are_named_and_nothing_is_created() {
    let site = site();
    let domain = format!("{}.example.org", unique("twice"));
    let ids = [zone(&domain), zone(&domain)];
    let bucket = unique("twice");
    let (result, relay) = provision(
        &site,
        None,
        &args(&["provision", "--bucket", &bucket, "--domain", &domain]),
    );
    result.failure_in_one_line(&format!("2 hosted zones named {domain}"));
    for id in &ids {
        assert!(result.stderr.contains(id.as_str()), "{}", result.stderr);
    }
    assert_created_nothing(&relay);
}
