//! `ssg provision --destroy`: removes every resource ssg made for the site
//! and nothing else (not a record it did not write, not a bucket beside),
//! only when told `--yes`, and refuses a bucket it did not make.

use crate::support::command::run;
use crate::support::moto::{block, iam, moto, route53, s3, unique_name};
use crate::support::provision::{
    ApiCalls, SSG_GIT, blog, bucket_exists, certificates_for, distribution_for, oacs_for,
    provision, records, ssg_through, zone,
};

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
    let domain = format!("{}.example.org", unique_name("gone"));
    let bucket = domain.replace('.', "-");
    let zone_id = zone(&domain);
    // Things ssg did not make: a record in the same zone, a bucket beside.
    add_mx(&zone_id, &domain);
    let neighbour = unique_name("neighbour");
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

    let preview_role = format!("ssg-preview-{bucket}");
    block(iam().get_role().role_name(&preview_role).send()).expect("the previews' role");

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
    // The previews' role (the site has a domain) goes with it.
    assert!(block(iam().get_role().role_name(&preview_role).send()).is_err());
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
