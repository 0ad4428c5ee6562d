//! `ssg provision --domain`: a domain whose zone is in Route 53 gets its
//! certificate, validation and alias records; one elsewhere gets the
//! records to add printed, and a rerun (or one after Ctrl-C) resumes.
//! Both also get the previews' wildcard name (`*.preview.DOMAIN`) on the
//! certificate, the distribution and in DNS; a site provisioned before
//! previews gets them on its next run, the plan showing a new certificate,
//! and the certificate it replaced is deleted.

use std::process::{Command, Stdio};
use std::time::Duration;

use crate::support::command::run;
use crate::support::functions;
use crate::support::moto::{acm, block, cloudfront_at, start_moto, unique_name};
use crate::support::provision::{
    ApiCalls, all_distributions, blog, certificates_for, provision, recording_relay, records,
    ssg_through, the_distribution, zone,
};

#[test]
fn a_domain_in_route53_gets_its_certificate_validation_and_alias_records() {
    let (site, _) = blog();
    let domain = format!("{}.example.org", unique_name("www"));
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

    let previews = format!("*.preview.{domain}");
    let mut names = cert.subject_alternative_names().to_vec();
    names.sort();
    assert_eq!(names, [previews.clone(), domain.clone()]);

    let d = the_distribution(&bucket);
    let config = d.distribution_config().expect("config");
    assert_eq!(
        config.aliases().map(|a| a.items().to_vec()),
        Some(vec![domain.clone(), previews.clone()])
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
    for (name, kind) in [
        (&domain, "A"),
        (&domain, "AAAA"),
        (&previews, "A"),
        (&previews, "AAAA"),
    ] {
        // Route 53 lists a `*` as its octal escape.
        let escaped = name.replace('*', "\\052");
        assert!(
            records.iter().any(|(n, k, v)| {
                (*n == format!("{name}.") || *n == format!("{escaped}."))
                    && k == kind
                    && *v == format!("{}.", d.domain_name())
            }),
            "{name} {kind} alias missing: {records:?}"
        );
    }
    // The site's function runs on responses too, and serves the previews.
    assert!(
        updates
            .iter()
            .any(|b| b.contains("<EventType>viewer-response</EventType>")),
        "{updates:?}"
    );
    let function = format!("ssg-{bucket}");
    let code = functions::live_code(&function).expect("the function's LIVE code");
    assert!(
        code.contains(&format!("\"preview\":\"preview.{domain}\"")),
        "{code}"
    );
    let (check, _) = provision(&site, &["provision", "--check"]);
    check.success();
}

#[test]
fn a_domain_elsewhere_prints_the_records_and_a_rerun_resumes() {
    // A moto whose certificates stay pending for a few seconds, as DNS
    // validation does until the records are in.
    let slow = start_moto(4);
    let (site, _) = blog();
    let domain = format!("{}.example.net", unique_name("blog"));
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
        Some(vec![domain.clone(), format!("*.preview.{domain}")])
    );
    assert!(
        second
            .stdout
            .contains(&format!("point *.preview.{domain} at ")),
        "{}",
        second.stdout
    );
}

#[test]
fn ctrl_c_while_waiting_for_validation_stops_cleanly_and_a_rerun_picks_up() {
    use std::io::BufRead as _;
    let slow = start_moto(600);
    let (site, _) = blog();
    let domain = format!("{}.example.net", unique_name("wait"));
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

/// Gives the site's distribution `domain` as a run before previews left
/// it: a certificate for `domain` alone (requested and tagged as ssg
/// does) and `domain` as its only alias. Returns the certificate's ARN.
fn as_before_previews(bucket: &str, domain: &str) -> String {
    use aws_sdk_acm::types::{Tag, ValidationMethod};
    use aws_sdk_cloudfront::types::{Aliases, ViewerCertificate};
    let old = block(
        acm()
            .request_certificate()
            .domain_name(domain)
            .subject_alternative_names(domain)
            .validation_method(ValidationMethod::Dns)
            .tags(
                Tag::builder()
                    .key("ssg:site")
                    .value(bucket)
                    .build()
                    .expect("tag"),
            )
            .send(),
    )
    .expect("old certificate");
    let old = old.certificate_arn().expect("arn").to_string();
    let id = the_distribution(bucket).id().to_string();
    let cf = cloudfront_at(crate::support::moto::moto());
    let found = block(cf.get_distribution_config().id(&id).send()).expect("config");
    let mut config = found.distribution_config().expect("config").clone();
    config.aliases = Some(
        Aliases::builder()
            .quantity(1)
            .items(domain)
            .build()
            .expect("aliases"),
    );
    config.viewer_certificate = Some(
        ViewerCertificate::builder()
            .acm_certificate_arn(&old)
            .ssl_support_method(aws_sdk_cloudfront::types::SslSupportMethod::SniOnly)
            .build(),
    );
    block(
        cf.update_distribution()
            .id(&id)
            .set_if_match(found.e_tag().map(String::from))
            .distribution_config(config)
            .send(),
    )
    .expect("update");
    old
}

#[test]
fn a_site_provisioned_before_previews_gets_them_on_its_next_run() {
    let (site, bucket) = blog();
    let domain = format!("{}.example.org", unique_name("old"));
    zone(&domain);
    provision(&site, &["provision"]).0.success();
    let old = as_before_previews(&bucket, &domain);

    // Without --domain, as a rerun is: the domains come from the distribution.
    let (dry, relay) = provision(&site, &["provision", "--dry-run", "--json"]);
    dry.success();
    assert_eq!(relay.write_ops(), Vec::<String>::new());
    let report: serde_json::Value = serde_json::from_str(&dry.stdout).expect("json");
    let step = |resource: &str| {
        (report["plan"]["steps"].as_array().expect("steps").iter())
            .find(|s| s["resource"] == resource)
            .cloned()
            .unwrap_or_else(|| panic!("no {resource} step in {report}"))
    };
    let previews = format!("*.preview.{domain}");
    assert_eq!(step("certificate")["action"], "create", "{report}");
    // The aliases (and the distribution's) follow once it is issued.
    assert_eq!(step("alias_records")["action"], "wait", "{report}");
    assert!(
        step("certificate")["name"]
            .as_str()
            .is_some_and(|n| n.contains(&previews)),
        "{report}"
    );

    provision(&site, &["provision"]).0.success();
    let d = the_distribution(&bucket);
    let config = d.distribution_config().expect("config");
    assert_eq!(
        config.aliases().map(|a| a.items().to_vec()),
        Some(vec![domain.clone(), previews.clone()])
    );
    let now = config
        .viewer_certificate()
        .and_then(|v| v.acm_certificate_arn())
        .expect("a certificate");
    assert_ne!(now, old);
    // The replaced certificate is deleted once the distribution lets go.
    assert_eq!(certificates_for(&domain), [now.to_string()]);
    provision(&site, &["provision", "--check"]).0.success();
}
