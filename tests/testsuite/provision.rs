//! `ssg provision` against moto's server (S3, CloudFront, ACM, Route 53,
//! IAM, STS on 127.0.0.1, certificates issued at once with
//! `MOTO_ACM_VALIDATION_WAIT=0`), driven by the real binary, with every
//! resource read back through the AWS SDK: a site from nothing, reruns,
//! dry runs, drift, runs cut after any write, and bad input. Domains, the
//! CI role and destroy have suites of their own (`provision_*.rs`); what
//! they share (the recording relay, the readers) is in
//! `support/provision.rs`.

use aws_sdk_s3::config::Credentials;

use crate::support::command::run;
use crate::support::moto::{block, cloudfront, moto, s3, s3_as, sdk_config, unique_name};
use crate::support::provision::{
    ApiCalls, COMMENTED, blog, bucket_exists, bucket_policy, certificates_for, distribution_for,
    oacs_for, provision, recording_relay, records, ssg_through, the_distribution, zone,
};

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
        let domain = format!("{}.example.org", unique_name("cut"));
        zone(&domain);
        let (result, relay) = provision(&site, &["provision", "--domain", &domain]);
        result.success();
        relay.write_ops().len()
    };
    assert!(count >= 10, "{count} writes");
    for n in 1..=count {
        let (site, _) = blog();
        let domain = format!("{}.example.org", unique_name("cut"));
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
        // The site's and the previews' wildcard name's.
        let aliases = records(&zone_id).into_iter().filter(|r| r.1 == "A").count();
        assert_eq!(aliases, 2, "cut at {n}");
        provision(&site, &["provision", "--check"]).0.success();
    }
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
    let taken = unique_name("taken");
    block(elsewhere.create_bucket().bucket(&taken).send()).expect("other account's bucket");
    check(
        &["provision", "--bucket", &taken],
        "is taken by another AWS account",
    );
    assert!(!site.read("ssg.toml").contains("[publish]"));
}
