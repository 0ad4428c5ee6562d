//! Carrying out a plan: one function per resource, each doing the writes
//! its step needs. Every create carries its identifying name or tag in the
//! create call itself (bucket name, OAC name, CallerReference and tags,
//! ACM tags and idempotency token, role name), so a run stopped between
//! any two calls leaves nothing a rerun cannot find and finish.

use std::path::Path;

use anyhow::{Context as _, Result, bail};

use super::aws::{Clients, code, failed};
use super::distribution::{self, Settings};
use super::dns_takeover::takeovers;
use super::model::{
    BucketState, Certificate, Desired, Observed, Record, Zone, alias_records, zone_for,
};
use super::names::{CLOUDFRONT_ZONE_ID, GITHUB_AUDIENCE, GITHUB_OIDC_HOST, TAG_KEY};
use super::observe::{self, PREVIEW_ROLE_POLICY, ROLE_POLICY};
use super::plan::{Action, Plan, Resource, Step};
use super::{
    ci_plan, config_file, edge, lifecycle, oac, policy, replaced_certificates, versioning, wait,
    workflow,
};
use crate::log;
use serde_json::Value;

/// What the earlier steps of this run created, for the later ones.
struct Live {
    oac_id: Option<String>,
    /// (id, ARN, domain name)
    distribution: Option<(String, String, String)>,
    certificate: Option<Certificate>,
    zones: Vec<Zone>,
    bucket_missing: bool,
    /// The ARN of the site's published function.
    function_arn: Option<String>,
}

pub struct Converge<'a> {
    pub clients: &'a Clients,
    pub desired: &'a Desired,
    pub root: &'a Path,
    /// When this provision run started (milliseconds since the epoch).
    pub started: i64,
}

impl Converge<'_> {
    /// Does every write of `plan`, in order. Returns the steps done.
    pub async fn apply(&self, plan: &Plan, observed: &Observed) -> Result<Vec<Step>> {
        let mut live = Live {
            oac_id: observed.oac.as_ref().map(|o| o.id.clone()),
            distribution: observed
                .distribution
                .as_ref()
                .map(|d| (d.id.clone(), d.arn.clone(), d.domain_name.clone())),
            certificate: observed.certificate.clone(),
            zones: observed.zones.clone(),
            bucket_missing: observed.bucket == BucketState::Missing,
            function_arn: observed
                .function
                .as_ref()
                .filter(|f| f.live)
                .map(|f| f.arn.clone()),
        };
        let mut done = Vec::new();
        for step in plan.writes() {
            self.step(step, &mut live, observed).await?;
            let verb = if step.action == Action::Create {
                "created"
            } else {
                "fixed"
            };
            log::info(&format!("{verb} {}: {}", step.resource.label(), step.name));
            done.push(step.clone());
        }
        Ok(done)
    }

    async fn step(&self, step: &Step, live: &mut Live, observed: &Observed) -> Result<()> {
        match step.resource {
            Resource::Bucket => self.bucket(live).await,
            Resource::PublicAccessBlock => self.public_access_block().await,
            Resource::ObjectOwnership => self.ownership().await,
            Resource::Encryption => self.encryption().await,
            Resource::Versioning => versioning::put(&self.clients.s3, self.bucket_name()).await,
            Resource::Lifecycle => lifecycle::put(&self.clients.s3, self.bucket_name()).await,
            Resource::OriginAccessControl => self.oac(step, live).await,
            Resource::Certificate => self.certificate(live).await,
            Resource::ValidationRecords => self.validation_records(live).await,
            Resource::EdgeFunction => {
                let name = self.desired.names.function();
                let previews = super::previews::domain(self.desired);
                let found = observed.function.as_ref();
                let arn = edge::converge(self.clients, &name, found, previews).await?;
                live.function_arn = Some(arn);
                Ok(())
            }
            Resource::Distribution => self.distribution(step, live).await,
            Resource::BucketPolicy => self.bucket_policy(live).await,
            Resource::AliasRecords => self.alias_records(live).await,
            Resource::ReplacedCertificates => {
                replaced_certificates::delete(self.clients, observed).await
            }
            Resource::OidcProvider => self.oidc_provider().await,
            Resource::CiRole => {
                let ci = self.desired.ci.as_ref().context("no CI settings")?;
                let trust = policy::trust_policy(&self.desired.account, &ci.repo, &ci.branch);
                let about = format!("ssg publish from GitHub {} ({})", ci.repo, ci.branch);
                self.role(step, &self.desired.names.role(), &trust, &about)
                    .await
            }
            Resource::CiRolePolicy => {
                let arn = Self::distribution_arn(live)?;
                let document = policy::publish_policy(self.bucket_name(), arn);
                let role = self.desired.names.role();
                self.role_policy(&role, ROLE_POLICY, &document).await
            }
            Resource::PreviewRole => {
                let ci = self.desired.ci.as_ref().context("no CI settings")?;
                let trust = policy::preview_trust_policy(&self.desired.account, &ci.repo);
                let about = format!(
                    "ssg publish --preview from GitHub {} pull requests",
                    ci.repo
                );
                let role = self.desired.names.preview_role();
                self.role(step, &role, &trust, &about).await
            }
            Resource::PreviewRolePolicy => {
                let ci = self.desired.ci.as_ref().context("no CI settings")?;
                let arn = Self::distribution_arn(live)?;
                let document = policy::preview_policy(self.bucket_name(), &ci.publish_prefix, arn);
                let role = self.desired.names.preview_role();
                self.role_policy(&role, PREVIEW_ROLE_POLICY, &document)
                    .await
            }
            Resource::Workflow => self.workflow(),
            Resource::Config => self.config(live),
        }
    }

    fn bucket_name(&self) -> &str {
        &self.desired.names.bucket
    }

    async fn bucket(&self, live: &mut Live) -> Result<()> {
        use aws_sdk_s3::types::{
            BucketLocationConstraint, CreateBucketConfiguration, ObjectOwnership, Tag, Tagging,
        };
        let s3 = &self.clients.s3;
        let name = self.bucket_name();
        if live.bucket_missing {
            let region = &self.desired.region;
            // us-east-1 is S3's default and refuses to be named as a constraint.
            let location = (region != "us-east-1").then(|| {
                CreateBucketConfiguration::builder()
                    .location_constraint(BucketLocationConstraint::from(region.as_str()))
                    .build()
            });
            match s3
                .create_bucket()
                .bucket(name)
                .set_create_bucket_configuration(location)
                .object_ownership(ObjectOwnership::BucketOwnerEnforced)
                .send()
                .await
            {
                Ok(_) => {}
                Err(e) if code(&e) == Some("BucketAlreadyOwnedByYou") => {}
                Err(e) if code(&e) == Some("BucketAlreadyExists") => {
                    bail!(
                        "the bucket name \"{name}\" is taken by another AWS account (bucket names are global); choose another with --bucket, e.g. --bucket {name}-site"
                    )
                }
                Err(e) => return Err(failed(&format!("creating bucket {name}"), &e)),
            }
            live.bucket_missing = false;
        }
        let tagging = Tagging::builder()
            .tag_set(Tag::builder().key(TAG_KEY).value(name).build()?)
            .build()?;
        s3.put_bucket_tagging()
            .bucket(name)
            .tagging(tagging)
            .send()
            .await
            .map_err(|e| failed(&format!("tagging bucket {name}"), &e))?;
        Ok(())
    }

    async fn public_access_block(&self) -> Result<()> {
        use aws_sdk_s3::types::PublicAccessBlockConfiguration;
        let all = PublicAccessBlockConfiguration::builder()
            .block_public_acls(true)
            .ignore_public_acls(true)
            .block_public_policy(true)
            .restrict_public_buckets(true)
            .build();
        self.clients
            .s3
            .put_public_access_block()
            .bucket(self.bucket_name())
            .public_access_block_configuration(all)
            .send()
            .await
            .map_err(|e| failed("blocking public access", &e))?;
        Ok(())
    }

    async fn ownership(&self) -> Result<()> {
        use aws_sdk_s3::types::{ObjectOwnership, OwnershipControls, OwnershipControlsRule};
        let rule = OwnershipControlsRule::builder()
            .object_ownership(ObjectOwnership::BucketOwnerEnforced)
            .build()?;
        self.clients
            .s3
            .put_bucket_ownership_controls()
            .bucket(self.bucket_name())
            .ownership_controls(OwnershipControls::builder().rules(rule).build()?)
            .send()
            .await
            .map_err(|e| failed("setting object ownership", &e))?;
        Ok(())
    }

    async fn encryption(&self) -> Result<()> {
        use aws_sdk_s3::types::{
            ServerSideEncryption, ServerSideEncryptionByDefault, ServerSideEncryptionConfiguration,
            ServerSideEncryptionRule,
        };
        let by_default = ServerSideEncryptionByDefault::builder()
            .sse_algorithm(ServerSideEncryption::Aes256)
            .build()?;
        let config = ServerSideEncryptionConfiguration::builder()
            .rules(
                ServerSideEncryptionRule::builder()
                    .apply_server_side_encryption_by_default(by_default)
                    .build(),
            )
            .build()?;
        self.clients
            .s3
            .put_bucket_encryption()
            .bucket(self.bucket_name())
            .server_side_encryption_configuration(config)
            .send()
            .await
            .map_err(|e| failed("setting default encryption", &e))?;
        Ok(())
    }

    async fn oac(&self, step: &Step, live: &mut Live) -> Result<()> {
        let names = &self.desired.names;
        let config = oac::config(names)?;
        let cf = &self.clients.cloudfront;
        if let (Action::Change, Some(id)) = (step.action, &live.oac_id) {
            let current = cf
                .get_origin_access_control()
                .id(id)
                .send()
                .await
                .map_err(|e| failed("reading the origin access control", &e))?;
            cf.update_origin_access_control()
                .id(id)
                .set_if_match(current.e_tag().map(String::from))
                .origin_access_control_config(config)
                .send()
                .await
                .map_err(|e| failed("updating the origin access control", &e))?;
            return Ok(());
        }
        match cf
            .create_origin_access_control()
            .origin_access_control_config(config)
            .send()
            .await
        {
            Ok(out) => {
                live.oac_id = out.origin_access_control().map(|o| o.id().to_string());
            }
            // A retried create after a lost answer: the first one is there.
            Err(e) if code(&e) == Some("OriginAccessControlAlreadyExists") => {
                live.oac_id = observe::oac(self.clients, names).await?.map(|o| o.id);
            }
            Err(e) => return Err(failed("creating the origin access control", &e)),
        }
        live.oac_id
            .as_ref()
            .map(|_| ())
            .context("CloudFront returned no origin access control id")
    }

    async fn certificate(&self, live: &mut Live) -> Result<()> {
        use aws_sdk_acm::types::{Tag, ValidationMethod};
        let domains = &self.desired.domains;
        let names = &self.desired.names;
        let out = self
            .clients
            .acm
            .request_certificate()
            .domain_name(&domains[0])
            .set_subject_alternative_names(Some(domains.clone()))
            .validation_method(ValidationMethod::Dns)
            .idempotency_token(names.certificate_token(domains))
            .tags(Tag::builder().key(TAG_KEY).value(&names.bucket).build()?)
            .send()
            .await
            .map_err(|e| {
                failed(
                    &format!("requesting a certificate for {}", domains.join(", ")),
                    &e,
                )
            })?;
        let arn = out
            .certificate_arn()
            .context("ACM returned no certificate ARN")?
            .to_string();
        // ACM fills in the validation records a few seconds after the request.
        wait::until(
            "ACM to publish the certificate's validation records",
            || async {
                let c = observe::describe_certificate(self.clients, &arn).await?;
                Ok(!c.validation.is_empty() || c.is_issued())
            },
        )
        .await?;
        live.certificate = Some(observe::describe_certificate(self.clients, &arn).await?);
        Ok(())
    }

    async fn validation_records(&self, live: &mut Live) -> Result<()> {
        let Some(cert) = &live.certificate else {
            return Ok(());
        };
        let records: Vec<Record> = cert.validation.clone();
        self.upsert(&live.zones, &records, cname, &[]).await
    }

    /// UPSERTs `records` into the zones covering them, one batch per zone,
    /// after deleting the record sets of `deletes` (zone id, set) in the
    /// same batch, so a CNAME and the alias replacing it change at once.
    async fn upsert<F>(
        &self,
        zones: &[Zone],
        records: &[Record],
        make: F,
        deletes: &[(String, aws_sdk_route53::types::ResourceRecordSet)],
    ) -> Result<()>
    where
        F: Fn(&Record) -> Result<aws_sdk_route53::types::ResourceRecordSet>,
    {
        use aws_sdk_route53::types::{Change, ChangeAction, ChangeBatch};
        for zone in zones {
            let mine: Vec<&Record> = records
                .iter()
                .filter(|r| {
                    zone_for(zones, r.name.trim_end_matches('.')).is_some_and(|z| z.id == zone.id)
                })
                .collect();
            if mine.is_empty() {
                continue;
            }
            let mut changes = deletes
                .iter()
                .filter(|(id, _)| *id == zone.id)
                .map(|(_, set)| {
                    Ok(Change::builder()
                        .action(ChangeAction::Delete)
                        .resource_record_set(set.clone())
                        .build()?)
                })
                .collect::<Result<Vec<_>>>()?;
            for r in &mine {
                changes.push(
                    Change::builder()
                        .action(ChangeAction::Upsert)
                        .resource_record_set(make(r)?)
                        .build()?,
                );
            }
            self.clients
                .route53
                .change_resource_record_sets()
                .hosted_zone_id(&zone.id)
                .change_batch(
                    ChangeBatch::builder()
                        .comment(format!("ssg provision: {}", self.desired.names.bucket))
                        .set_changes(Some(changes))
                        .build()?,
                )
                .send()
                .await
                .map_err(|e| failed(&format!("writing DNS records in zone {}", zone.name), &e))?;
        }
        Ok(())
    }

    async fn distribution(&self, step: &Step, live: &mut Live) -> Result<()> {
        let names = &self.desired.names;
        let oac_id = live
            .oac_id
            .clone()
            .context("no origin access control to attach")?;
        let domains = live
            .certificate
            .as_ref()
            .filter(|c| c.is_issued())
            .map(|c| (self.desired.domains.clone(), c.arn.clone()));
        let settings = Settings {
            caller_reference: names.caller_reference(self.started),
            comment: names.comment(),
            origin_domain: names.origin_domain(&self.desired.region),
            oac_id,
            domains,
            function_arn: live.function_arn.clone(),
            function_on_responses: super::previews::are_on(self.desired),
        };
        match (&live.distribution, step.action) {
            (Some((id, _, _)), Action::Change) => self.update_distribution(id, &settings).await,
            _ => {
                live.distribution = match self.create_distribution(&settings).await? {
                    Some(made) => Some(made),
                    // Refused as a duplicate: an earlier attempt of this run made it.
                    None => observe::distribution(self.clients, names, None)
                        .await?
                        .map(|d| (d.id, d.arn, d.domain_name)),
                };
                live.distribution.as_ref().map(|_| ()).context(
                    "CloudFront refused the new distribution as a duplicate, and none is listed for this bucket",
                )
            }
        }
    }

    /// Creates the distribution; its (id, ARN, domain name) from the
    /// create's answer (a listing may not show it yet), or `None` when
    /// CloudFront refused the CallerReference as already used.
    async fn create_distribution(
        &self,
        settings: &Settings,
    ) -> Result<Option<(String, String, String)>> {
        use aws_sdk_cloudfront::types::{DistributionConfigWithTags, Tag, Tags};
        let tags = Tags::builder()
            .items(
                Tag::builder()
                    .key(TAG_KEY)
                    .value(&self.desired.names.bucket)
                    .build()?,
            )
            .build();
        let config = DistributionConfigWithTags::builder()
            .distribution_config(distribution::new_config(settings)?)
            .tags(tags)
            .build();
        match self
            .clients
            .cloudfront
            .create_distribution_with_tags()
            .distribution_config_with_tags(config)
            .send()
            .await
        {
            Ok(out) => {
                let d = out
                    .distribution()
                    .context("CloudFront returned no distribution")?;
                Ok(Some((
                    d.id().to_string(),
                    d.arn().to_string(),
                    d.domain_name().to_string(),
                )))
            }
            Err(e) if code(&e) == Some("DistributionAlreadyExists") => Ok(None),
            Err(e) => Err(failed("creating the CloudFront distribution", &e)),
        }
    }

    async fn update_distribution(&self, id: &str, settings: &Settings) -> Result<()> {
        let cf = &self.clients.cloudfront;
        let current = cf
            .get_distribution_config()
            .id(id)
            .send()
            .await
            .map_err(|e| failed(&format!("reading distribution {id}"), &e))?;
        let mut config = current
            .distribution_config()
            .cloned()
            .context("CloudFront returned no config")?;
        distribution::apply(&mut config, settings)?;
        cf.update_distribution()
            .id(id)
            .set_if_match(current.e_tag().map(String::from))
            .distribution_config(config)
            .send()
            .await
            .map_err(|e| failed(&format!("updating distribution {id}"), &e))?;
        Ok(())
    }

    async fn bucket_policy(&self, live: &Live) -> Result<()> {
        let (_, arn, _) = live
            .distribution
            .as_ref()
            .context("no distribution for the bucket policy")?;
        let text = policy::bucket_policy(self.bucket_name(), arn).to_string();
        self.clients
            .s3
            .put_bucket_policy()
            .bucket(self.bucket_name())
            .policy(text)
            .send()
            .await
            .map_err(|e| failed("writing the bucket policy", &e))?;
        Ok(())
    }

    async fn alias_records(&self, live: &Live) -> Result<()> {
        let (_, _, domain) = live
            .distribution
            .as_ref()
            .context("no distribution to point DNS at")?;
        let records = alias_records(self.desired, domain);
        let mut deletes = Vec::new();
        // The plan makes this step a write over another host's records
        // only with --replace-dns; a CNAME must go in the alias's batch.
        for takeover in takeovers(&live.zones, &records) {
            if !takeover.needs_delete() {
                continue;
            }
            let name = takeover.existing.name.trim_end_matches('.');
            let Some(zone) = zone_for(&live.zones, name) else {
                continue;
            };
            if let Some(set) = self.record_set(&zone.id, &takeover.existing).await? {
                deletes.push((zone.id.clone(), set));
            }
        }
        self.upsert(&live.zones, &records, alias, &deletes).await
    }

    /// The record set holding `record`, exactly as Route 53 has it: a
    /// DELETE must repeat its TTL and every value.
    async fn record_set(
        &self,
        zone: &str,
        record: &Record,
    ) -> Result<Option<aws_sdk_route53::types::ResourceRecordSet>> {
        use aws_sdk_route53::types::RrType;
        let kind = RrType::from(record.kind.as_str());
        let page = self
            .clients
            .route53
            .list_resource_record_sets()
            .hosted_zone_id(zone)
            .start_record_name(&record.name)
            .start_record_type(kind.clone())
            .max_items(1)
            .send()
            .await
            .map_err(|e| failed(&format!("reading {} {}", record.name, record.kind), &e))?;
        Ok(page
            .resource_record_sets()
            .iter()
            .find(|s| {
                *s.r#type() == kind
                    && s.name()
                        .trim_end_matches('.')
                        .eq_ignore_ascii_case(record.name.trim_end_matches('.'))
            })
            .cloned())
    }

    async fn oidc_provider(&self) -> Result<()> {
        match self
            .clients
            .iam
            .create_open_id_connect_provider()
            .url(format!("https://{GITHUB_OIDC_HOST}"))
            .client_id_list(GITHUB_AUDIENCE)
            // IAM no longer checks the thumbprint for GitHub (it trusts the
            // issuer's CA), but older API versions require one.
            .thumbprint_list("6938fd4d98bab03faadb97b34396831e3780aea1")
            .tags(self.iam_tag()?)
            .send()
            .await
        {
            Ok(_) => Ok(()),
            Err(e) if code(&e) == Some("EntityAlreadyExists") => Ok(()),
            Err(e) => Err(failed("creating the GitHub OIDC provider", &e)),
        }
    }

    /// The tag that marks an IAM resource as this site's.
    fn iam_tag(&self) -> Result<aws_sdk_iam::types::Tag> {
        let tag = aws_sdk_iam::types::Tag::builder()
            .key(TAG_KEY)
            .value(self.bucket_name())
            .build()?;
        Ok(tag)
    }

    /// Role `name` made with `trust`, or its trust set to it.
    async fn role(&self, step: &Step, name: &str, trust: &Value, about: &str) -> Result<()> {
        let iam = &self.clients.iam;
        if step.action == Action::Change {
            iam.update_assume_role_policy()
                .role_name(name)
                .policy_document(trust.to_string())
                .send()
                .await
                .map_err(|e| failed(&format!("updating the trust policy of role {name}"), &e))?;
            return Ok(());
        }
        match iam
            .create_role()
            .role_name(name)
            .assume_role_policy_document(trust.to_string())
            .description(about)
            .tags(self.iam_tag()?)
            .send()
            .await
        {
            Ok(_) => Ok(()),
            Err(e) => Err(failed(&format!("creating role {name}"), &e)),
        }
    }

    /// The distribution's ARN, which the CI policies are scoped to.
    fn distribution_arn(live: &Live) -> Result<&str> {
        let (_, arn, _) = live
            .distribution
            .as_ref()
            .context("no distribution to scope the CI policy to")?;
        Ok(arn)
    }

    async fn role_policy(&self, role: &str, policy_name: &str, document: &Value) -> Result<()> {
        self.clients
            .iam
            .put_role_policy()
            .role_name(role)
            .policy_name(policy_name)
            .policy_document(document.to_string())
            .send()
            .await
            .map_err(|e| failed(&format!("writing the policy of role {role}"), &e))?;
        Ok(())
    }

    fn workflow(&self) -> Result<()> {
        let ci = self.desired.ci.as_ref().context("no CI settings")?;
        let path = self.root.join(workflow::PATH);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
        }
        std::fs::write(&path, ci_plan::workflow_text(self.desired, ci))
            .with_context(|| format!("cannot write {}", path.display()))
    }

    fn config(&self, live: &Live) -> Result<()> {
        let (id, _, _) = live
            .distribution
            .as_ref()
            .context("no distribution id to write")?;
        let path = self.root.join(crate::config::CONFIG_FILE);
        config_file::write(&path, self.bucket_name(), &self.desired.region, id)
    }
}

/// A validation CNAME as ACM asks for it.
fn cname(r: &Record) -> Result<aws_sdk_route53::types::ResourceRecordSet> {
    use aws_sdk_route53::types::{ResourceRecord, ResourceRecordSet, RrType};
    Ok(ResourceRecordSet::builder()
        .name(&r.name)
        .r#type(RrType::Cname)
        .ttl(300)
        .resource_records(ResourceRecord::builder().value(&r.value).build()?)
        .build()?)
}

/// An A or AAAA alias to the distribution.
pub fn alias(r: &Record) -> Result<aws_sdk_route53::types::ResourceRecordSet> {
    use aws_sdk_route53::types::{AliasTarget, ResourceRecordSet, RrType};
    Ok(ResourceRecordSet::builder()
        .name(&r.name)
        .r#type(RrType::from(r.kind.as_str()))
        .alias_target(
            AliasTarget::builder()
                .hosted_zone_id(CLOUDFRONT_ZONE_ID)
                .dns_name(&r.value)
                .evaluate_target_health(false)
                .build()?,
        )
        .build()?)
}

pub fn validation_cname(r: &Record) -> Result<aws_sdk_route53::types::ResourceRecordSet> {
    cname(r)
}
