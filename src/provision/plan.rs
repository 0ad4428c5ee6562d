//! The provisioning plan: what the site's AWS side should be (`Desired`)
//! against what a read of the account found (`Observed`) → one step per
//! resource, each `exists`, `create`, `change` (with why), `wait` or
//! `manual`. Pure, so `--dry-run`, `--json` and `--check` print exactly
//! what `converge` would do, and the rules are unit-tested without AWS.

use serde::Serialize;

use super::distribution::{attach_domains, distribution_problems};
use super::dns_takeover::takeovers;
use super::model::{
    BucketState, Desired, Observed, Record, alias_records, has_record, two_zones_of_one_name,
    zone_for,
};
use super::names::CLOUDFRONT_ZONE_ID;
use super::oac::oac_problems;
pub use super::step::{Action, Resource, Step};
use super::{ci_plan, lifecycle, policy, versioning};

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Plan {
    pub steps: Vec<Step>,
}

impl Plan {
    pub fn writes(&self) -> impl Iterator<Item = &Step> {
        self.steps.iter().filter(|s| s.is_write())
    }

    pub fn has_writes(&self) -> bool {
        self.writes().next().is_some()
    }

    /// Everything exists as it should: nothing to do, nothing to wait for.
    pub fn is_settled(&self) -> bool {
        self.steps.iter().all(|s| s.action == Action::Exists)
    }

    pub fn step(&self, resource: Resource) -> Option<&Step> {
        self.steps.iter().find(|s| s.resource == resource)
    }
}

/// The plan for `desired` given `observed`. A bucket name taken by another
/// account is an error, since nothing ssg can do makes it ours.
pub fn plan(desired: &Desired, observed: &Observed) -> anyhow::Result<Plan> {
    if observed.bucket == BucketState::Taken {
        anyhow::bail!(
            "the bucket name \"{0}\" is taken by another AWS account (bucket names are global); choose another with --bucket, e.g. --bucket {0}-site",
            desired.names.bucket
        );
    }
    if let BucketState::Ours(bucket) = &observed.bucket
        && bucket.region != desired.region
    {
        anyhow::bail!(
            "bucket {} is in {}, not {}; pass --region {} (or choose another bucket with --bucket)",
            desired.names.bucket,
            bucket.region,
            desired.region,
            bucket.region
        );
    }
    if let Some(message) = two_zones_of_one_name(&observed.zones) {
        anyhow::bail!(message);
    }
    let mut steps = bucket_steps(desired, observed);
    steps.push(oac_step(desired, observed));
    if !desired.domains.is_empty() {
        steps.push(certificate_step(desired, observed));
        steps.push(validation_step(desired, observed));
    }
    let function = desired.names.function();
    steps.push(match super::edge::problems(observed.function.as_ref()) {
        Ok(why) => Step::exists_or_change(Resource::EdgeFunction, function, why),
        Err(why) => Step::new(Resource::EdgeFunction, function, Action::Create, why),
    });
    steps.push(distribution_step(desired, observed));
    steps.push(bucket_policy_step(desired, observed));
    if !desired.domains.is_empty() {
        steps.push(alias_step(desired, observed));
        steps.extend(super::replaced_certificates::step(observed));
    }
    if let Some(ci) = &desired.ci {
        steps.extend(ci_plan::steps(desired, ci, observed));
    }
    steps.push(config_step(desired, observed));
    Ok(Plan { steps })
}

fn bucket_steps(desired: &Desired, observed: &Observed) -> Vec<Step> {
    let name = &desired.names.bucket;
    let BucketState::Ours(bucket) = &observed.bucket else {
        let created = |r, why: &str| Step::new(r, name, Action::Create, vec![why.to_string()]);
        return vec![
            created(Resource::Bucket, "no such bucket"),
            created(Resource::PublicAccessBlock, "with the new bucket"),
            created(Resource::ObjectOwnership, "with the new bucket"),
            created(Resource::Encryption, "with the new bucket"),
            created(Resource::Versioning, "with the new bucket"),
            created(Resource::Lifecycle, "with the new bucket"),
        ];
    };
    let mut tag = Vec::new();
    // An untagged bucket ssg.toml does not name yet is one a run created
    // and stopped before tagging; one the user named is theirs, left untagged.
    if !bucket.tagged && observed.config.bucket.is_none() {
        tag.push("not tagged as this site's (a run stopped after creating it)".to_string());
    }
    const FLAGS: [&str; 4] = [
        "BlockPublicAcls",
        "IgnorePublicAcls",
        "BlockPublicPolicy",
        "RestrictPublicBuckets",
    ];
    let public: Vec<String> = FLAGS
        .iter()
        .zip(bucket.public_access_block)
        .filter(|(_, on)| !on)
        .map(|(flag, _)| {
            format!("Block Public Access {flag} is off: the bucket can be made public")
        })
        .collect();
    let mut ownership = Vec::new();
    if bucket.ownership.as_deref() != Some("BucketOwnerEnforced") {
        ownership.push(format!(
            "object ownership is {}, not BucketOwnerEnforced (ACLs enabled)",
            bucket.ownership.as_deref().unwrap_or("unset")
        ));
    }
    let mut encryption = Vec::new();
    if !matches!(
        bucket.encryption.as_deref(),
        Some("AES256" | "aws:kms" | "aws:kms:dsse")
    ) {
        encryption.push("no default encryption".to_string());
    }
    vec![
        Step::exists_or_change(Resource::Bucket, name, tag),
        Step::exists_or_change(Resource::PublicAccessBlock, name, public),
        Step::exists_or_change(Resource::ObjectOwnership, name, ownership),
        Step::exists_or_change(Resource::Encryption, name, encryption),
        Step::exists_or_change(Resource::Versioning, name, versioning::problems(bucket)),
        Step::exists_or_change(Resource::Lifecycle, name, lifecycle::problems(bucket)),
    ]
}

fn oac_step(desired: &Desired, observed: &Observed) -> Step {
    let name = desired.names.oac();
    let Some(oac) = &observed.oac else {
        return Step::new(
            Resource::OriginAccessControl,
            name,
            Action::Create,
            vec!["none for this bucket".into()],
        );
    };
    Step::exists_or_change(Resource::OriginAccessControl, name, oac_problems(oac))
}

fn certificate_step(desired: &Desired, observed: &Observed) -> Step {
    let name = desired.domains.join(", ");
    let Some(cert) = &observed.certificate else {
        return Step::new(
            Resource::Certificate,
            name,
            Action::Create,
            vec!["no certificate for these domains in us-east-1".into()],
        );
    };
    if cert.is_pending_validation() {
        return Step::new(
            Resource::Certificate,
            name,
            Action::Wait,
            vec!["pending DNS validation".into()],
        );
    }
    if !cert.is_issued() {
        return Step::new(
            Resource::Certificate,
            name,
            Action::Create,
            vec![format!(
                "the certificate is {}: a new one is needed",
                cert.status
            )],
        );
    }
    const DAY: i64 = 86_400;
    match cert.not_after {
        Some(t) if t < observed.now + 30 * DAY => Step::new(
            Resource::Certificate,
            name,
            Action::Manual,
            vec![format!(
                "expires in {} days: ACM renews it only while its validation CNAME records are in DNS",
                (t - observed.now) / DAY
            )],
        ),
        _ => Step::exists(Resource::Certificate, name),
    }
}

fn validation_step(desired: &Desired, observed: &Observed) -> Step {
    let name = "certificate validation CNAMEs";
    let Some(cert) = &observed.certificate else {
        if desired
            .domains
            .iter()
            .all(|d| zone_for(&observed.zones, d).is_some())
        {
            return Step::new(
                Resource::ValidationRecords,
                name,
                Action::Create,
                vec!["in Route 53, once the certificate is requested".into()],
            );
        }
        let why = "no Route 53 zone for the domain: the records to add at your DNS provider are printed once the certificate is requested";
        return Step::new(
            Resource::ValidationRecords,
            name,
            Action::Manual,
            vec![why.into()],
        );
    };
    let missing: Vec<&Record> = cert
        .validation
        .iter()
        .filter(|r| !has_record(&observed.zones, r))
        .collect();
    if missing.is_empty() {
        return Step::exists(Resource::ValidationRecords, name);
    }
    let (ours, manual): (Vec<&Record>, Vec<&Record>) = missing
        .into_iter()
        .partition(|r| zone_for(&observed.zones, r.name.trim_end_matches('.')).is_some());
    if !manual.is_empty() && !cert.is_issued() {
        let why = manual
            .iter()
            .map(|r| {
                format!(
                    "add at your DNS provider: {} {} {}",
                    r.name, r.kind, r.value
                )
            })
            .collect();
        return Step::new(Resource::ValidationRecords, name, Action::Manual, why);
    }
    if ours.is_empty() {
        return Step::exists(Resource::ValidationRecords, name);
    }
    let why = ours
        .iter()
        .map(|r| format!("{} CNAME missing in Route 53", r.name))
        .collect();
    Step::new(Resource::ValidationRecords, name, Action::Create, why)
}

fn distribution_step(desired: &Desired, observed: &Observed) -> Step {
    let name = desired.names.comment();
    let Some(d) = &observed.distribution else {
        return Step::new(
            Resource::Distribution,
            name,
            Action::Create,
            vec!["no distribution for this bucket".into()],
        );
    };
    let why = distribution_problems(desired, observed, d);
    Step::exists_or_change(Resource::Distribution, d.id.clone(), why)
}

fn bucket_policy_step(desired: &Desired, observed: &Observed) -> Step {
    let name = &desired.names.bucket;
    let (Some(d), BucketState::Ours(bucket)) = (&observed.distribution, &observed.bucket) else {
        return Step::new(
            Resource::BucketPolicy,
            name,
            Action::Create,
            vec!["once the distribution exists".into()],
        );
    };
    let why = policy::bucket_policy_problems(bucket.policy.as_deref(), &d.arn);
    if bucket.policy.is_none() {
        return Step::new(Resource::BucketPolicy, name, Action::Create, why);
    }
    Step::exists_or_change(Resource::BucketPolicy, name, why)
}

fn alias_step(desired: &Desired, observed: &Observed) -> Step {
    let name = "DNS alias records";
    let target = observed
        .distribution
        .as_ref()
        .map_or("the new distribution", |d| d.domain_name.as_str());
    let in_the_way = takeovers(&observed.zones, &alias_records(desired, target));
    // Another host's records are named before anything is created, so a
    // dry run shows them, and never replaced without --replace-dns.
    let mut replacing: Vec<String> = in_the_way.iter().map(|t| t.describe()).collect();
    if !replacing.is_empty() && !desired.replace_dns {
        replacing.push("rerun with --replace-dns to replace them (or change them yourself)".into());
        return Step::new(Resource::AliasRecords, name, Action::Manual, replacing);
    }
    let all_in_route53 = desired
        .domains
        .iter()
        .all(|d| zone_for(&observed.zones, d).is_some());
    let Some(d) = &observed.distribution else {
        // Written in this run only when Route 53 has every domain and the
        // certificate can go on the new distribution; else a later round.
        let action = if all_in_route53 && attach_domains(desired, observed) {
            Action::Create
        } else {
            Action::Wait
        };
        let mut why = vec!["once the distribution exists".to_string()];
        why.append(&mut replacing);
        return Step::new(Resource::AliasRecords, name, action, why);
    };
    if !attach_domains(desired, observed) {
        let mut why = vec!["once the certificate is issued".to_string()];
        why.append(&mut replacing);
        return Step::new(Resource::AliasRecords, name, Action::Wait, why);
    }
    if !replacing.is_empty() {
        return Step::new(Resource::AliasRecords, name, Action::Change, replacing);
    }
    let mut create = Vec::new();
    let mut manual = Vec::new();
    for record in alias_records(desired, &d.domain_name) {
        if has_record(&observed.zones, &record) {
            continue;
        }
        if zone_for(&observed.zones, &record.name).is_some() {
            create.push(format!(
                "{} {} alias to {} missing",
                record.name, record.kind, d.domain_name
            ));
        } else if record.kind == "A" {
            manual.push(format!(
                "point {} at {} at your DNS provider (ALIAS/ANAME at the apex, CNAME otherwise; zone {CLOUDFRONT_ZONE_ID})",
                record.name, d.domain_name
            ));
        }
    }
    if !create.is_empty() {
        return Step::new(Resource::AliasRecords, name, Action::Create, create);
    }
    if !manual.is_empty() {
        return Step::new(Resource::AliasRecords, name, Action::Manual, manual);
    }
    Step::exists(Resource::AliasRecords, name)
}

fn config_step(desired: &Desired, observed: &Observed) -> Step {
    let keys = &observed.config;
    let mut why = Vec::new();
    if keys.bucket.as_deref() != Some(desired.names.bucket.as_str()) {
        why.push(format!("bucket = \"{}\" missing", desired.names.bucket));
    }
    if keys.region.as_deref() != Some(desired.region.as_str()) {
        why.push(format!("region = \"{}\" missing", desired.region));
    }
    let id = observed.distribution.as_ref().map(|d| d.id.as_str());
    if id.is_none() || keys.distribution_id.as_deref() != id {
        why.push("distribution_id missing".into());
    }
    if keys.directory_keys != Some(true) {
        why.push("directory_keys = true missing (pretty URLs through the private bucket)".into());
    }
    let action = if why.is_empty() {
        Action::Exists
    } else if keys.bucket.is_none() {
        Action::Create
    } else {
        Action::Change
    };
    Step::new(Resource::Config, "ssg.toml [publish]", action, why)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provision::distribution::{Settings, new_config};
    use crate::provision::model::{Bucket, Certificate, CiObserved, ConfigKeys, Oac, Zone};
    use crate::provision::names::Names;
    use crate::provision::observe::view;

    const DAY: i64 = 86_400;

    fn desired(domains: &[&str]) -> Desired {
        Desired {
            names: Names::new("site"),
            region: "eu-west-1".into(),
            domains: domains.iter().map(|d| d.to_string()).collect(),
            ci: None,
            account: "123456789012".into(),
            replace_dns: false,
        }
    }

    /// What the account looks like after a complete, clean run.
    fn converged(desired: &Desired) -> Observed {
        let names = &desired.names;
        let certificate = (!desired.domains.is_empty()).then(|| Certificate {
            arn: "arn:aws:acm:us-east-1:1:certificate/c".into(),
            status: "ISSUED".into(),
            domains: desired.domains.clone(),
            not_after: Some(400 * DAY),
            validation: vec![Record {
                name: format!("_x.{}.", desired.domains[0]),
                kind: "CNAME".into(),
                value: "_y.acm-validations.aws.".into(),
            }],
        });
        let settings = Settings {
            caller_reference: names.caller_reference(0),
            comment: names.comment(),
            origin_domain: names.origin_domain(&desired.region),
            oac_id: "OAC".into(),
            domains: certificate
                .as_ref()
                .map(|c| (desired.domains.clone(), c.arn.clone())),
            function_arn: Some(crate::provision::edge::published(names).arn),
            function_on_responses: super::super::previews::are_on(desired),
        };
        let mut distribution = view(&new_config(&settings).unwrap(), names);
        distribution.id = "E1".into();
        distribution.arn = "arn:aws:cloudfront::1:distribution/E1".into();
        distribution.domain_name = "d1.cloudfront.net".into();
        let mut zone = Zone {
            id: "Z".into(),
            name: "example.com.".into(),
            records: Vec::new(),
        };
        if let Some(c) = &certificate {
            zone.records.extend(c.validation.clone());
            zone.records
                .extend(alias_records(desired, &distribution.domain_name));
        }
        Observed {
            bucket: BucketState::Ours(Bucket {
                region: "eu-west-1".into(),
                tagged: true,
                public_access_block: [true; 4],
                ownership: Some("BucketOwnerEnforced".into()),
                encryption: Some("AES256".into()),
                policy: Some(policy::bucket_policy("site", &distribution.arn).to_string()),
                abort_incomplete_uploads_after: Some(7),
                versioning: Some("Enabled".into()),
                old_versions_expire_after: Some(30),
            }),
            oac: Some(Oac {
                id: "OAC".into(),
                signing_protocol: "sigv4".into(),
                signing_behavior: "always".into(),
                origin_type: "s3".into(),
            }),
            config: ConfigKeys {
                bucket: Some("site".into()),
                region: Some("eu-west-1".into()),
                distribution_id: Some("E1".into()),
                directory_keys: Some(true),
            },
            distribution: Some(distribution),
            function: Some(crate::provision::edge::published(names)),
            certificate,
            zones: vec![zone],
            ci: CiObserved::default(),
            now: 0,
            ..Observed::default()
        }
    }

    fn actions(plan: &Plan) -> Vec<(Resource, Action)> {
        plan.steps.iter().map(|s| (s.resource, s.action)).collect()
    }

    #[test]
    fn from_nothing_everything_is_created_in_dependency_order() {
        let plan = plan(&desired(&[]), &Observed::default()).unwrap();
        assert!(
            plan.steps.iter().all(|s| s.action == Action::Create),
            "{plan:?}"
        );
        let order: Vec<Resource> = plan.steps.iter().map(|s| s.resource).collect();
        let at = |r| order.iter().position(|x| *x == r).unwrap();
        assert!(at(Resource::Bucket) < at(Resource::OriginAccessControl));
        assert!(at(Resource::OriginAccessControl) < at(Resource::Distribution));
        assert!(at(Resource::Distribution) < at(Resource::BucketPolicy));
        assert!(at(Resource::BucketPolicy) < at(Resource::Config));
    }

    #[test]
    fn a_converged_account_is_settled() {
        for domains in [&[][..], &["example.com"][..]] {
            let desired = desired(domains);
            let plan = plan(&desired, &converged(&desired)).unwrap();
            assert!(plan.is_settled(), "{:?}", actions(&plan));
        }
    }

    #[test]
    fn each_drift_is_a_change_with_its_reason() {
        let desired = desired(&[]);
        let mut observed = converged(&desired);
        if let BucketState::Ours(b) = &mut observed.bucket {
            b.public_access_block[2] = false;
            b.ownership = Some("ObjectWriter".into());
        }
        if let Some(d) = &mut observed.distribution {
            d.http_version = "http1.1".into();
            d.error_responses.retain(|e| e.0 != 403);
        }
        let plan = plan(&desired, &observed).unwrap();
        let why = |r| plan.step(r).unwrap().why.join("; ");
        assert!(why(Resource::PublicAccessBlock).contains("BlockPublicPolicy"));
        assert!(why(Resource::ObjectOwnership).contains("ObjectWriter"));
        assert!(why(Resource::Distribution).contains("http1.1"));
        assert!(why(Resource::Distribution).contains("error 403"));
        assert_eq!(plan.writes().count(), 3);
    }

    #[test]
    fn a_taken_bucket_name_is_an_error_with_a_suggestion() {
        let observed = Observed {
            bucket: BucketState::Taken,
            ..Default::default()
        };
        let err = plan(&desired(&[]), &observed).unwrap_err().to_string();
        assert!(err.contains("--bucket site-site"), "{err}");
    }

    #[test]
    fn a_bucket_in_another_region_is_an_error_naming_it() {
        let desired = desired(&[]);
        let mut observed = converged(&desired);
        if let BucketState::Ours(b) = &mut observed.bucket {
            b.region = "us-east-1".into();
        }
        let err = plan(&desired, &observed).unwrap_err().to_string();
        assert!(err.contains("pass --region us-east-1"), "{err}");
    }

    #[test]
    fn a_pending_certificate_waits_and_keeps_the_domains_off() {
        let desired = desired(&["example.com"]);
        let mut observed = converged(&desired);
        if let Some(c) = &mut observed.certificate {
            c.status = "PENDING_VALIDATION".into();
        }
        if let Some(d) = &mut observed.distribution {
            d.aliases.clear();
            d.certificate_arn.clear();
        }
        let plan = plan(&desired, &observed).unwrap();
        assert_eq!(
            plan.step(Resource::Certificate).unwrap().action,
            Action::Wait
        );
        // CloudFront refuses a pending certificate: no change asked for yet.
        assert_eq!(
            plan.step(Resource::Distribution).unwrap().action,
            Action::Exists
        );
        assert_eq!(
            plan.step(Resource::AliasRecords).unwrap().action,
            Action::Wait
        );
    }

    #[test]
    fn without_a_zone_the_records_are_for_the_user() {
        let desired = desired(&["example.org"]);
        let mut observed = converged(&desired);
        observed.zones.clear();
        if let Some(c) = &mut observed.certificate {
            c.status = "PENDING_VALIDATION".into();
        }
        let plan = plan(&desired, &observed).unwrap();
        let step = plan.step(Resource::ValidationRecords).unwrap();
        assert_eq!(step.action, Action::Manual);
        assert!(
            step.why[0].contains("_x.example.org. CNAME _y.acm-validations.aws."),
            "{step:?}"
        );
        assert!(!plan.has_writes());
    }

    #[test]
    fn an_expiring_certificate_is_reported() {
        let desired = desired(&["example.com"]);
        let mut observed = converged(&desired);
        observed.now = 390 * DAY;
        let step = plan(&desired, &observed)
            .unwrap()
            .step(Resource::Certificate)
            .cloned()
            .unwrap();
        assert_eq!(step.action, Action::Manual);
        assert!(step.why[0].contains("expires in 10 days"), "{step:?}");
    }

    #[test]
    fn an_untagged_bucket_is_tagged_only_when_ssg_made_it() {
        let desired = desired(&[]);
        let mut observed = converged(&desired);
        if let BucketState::Ours(b) = &mut observed.bucket {
            b.tagged = false;
        }
        // Named in ssg.toml: the user's, left as it is.
        assert!(plan(&desired, &observed).unwrap().is_settled());
        // Not named anywhere yet: a run that stopped before tagging.
        observed.config = ConfigKeys::default();
        let plan = plan(&desired, &observed).unwrap();
        assert_eq!(plan.step(Resource::Bucket).unwrap().action, Action::Change);
    }
}
