//! Read calls only: what exists in the account for this site, turned into
//! the plain `Observed` the plan works on. Nothing here writes, which is
//! what makes `--dry-run` and `--check` safe.

use std::path::Path;

use anyhow::{Context as _, Result};
use aws_sdk_cloudfront::types::{DistributionConfig, EventType};

use super::aws::{Clients, code, failed, status};
use super::model::{
    Bucket, BucketState, Certificate, CiObserved, Desired, Distribution, Oac, Observed, Record,
    RoleObserved, Zone,
};
use super::names::{Names, TAG_KEY};
use super::{config_file, edge, lifecycle, policy, workflow};

/// The account the credentials belong to; also the first call, so missing
/// or wrong credentials fail here with one clear line.
pub async fn account(clients: &Clients) -> Result<String> {
    let me = clients
        .sts
        .get_caller_identity()
        .send()
        .await
        .map_err(|e| failed("reading the AWS account (sts:GetCallerIdentity)", &e))?;
    me.account()
        .map(String::from)
        .context("STS returned no account id")
}

pub async fn observe(clients: &Clients, desired: &Desired, root: &Path) -> Result<Observed> {
    let names = &desired.names;
    let config = config_file::read(&root.join(crate::config::CONFIG_FILE))?;
    let bucket = bucket(clients, names).await?;
    let oac = oac(clients, names).await?;
    let distribution = distribution(clients, names, config.distribution_id.as_deref()).await?;
    let function = edge::observe(clients, &names.function()).await?;
    let (certificate, replaced_certificates) = if desired.domains.is_empty() {
        (None, Vec::new())
    } else {
        certificate(clients, names, &desired.domains).await?
    };
    let zones = if desired.domains.is_empty() {
        Vec::new()
    } else {
        zones(clients, &desired.domains).await?
    };
    let ci = match &desired.ci {
        Some(_) => ci(clients, desired, root).await?,
        None => CiObserved::default(),
    };
    Ok(Observed {
        bucket,
        oac,
        distribution,
        function,
        certificate,
        replaced_certificates,
        zones,
        ci,
        config,
        now: chrono::Utc::now().timestamp(),
    })
}

/// Ours when ListBuckets (this account only, every region) has it; taken
/// when it answers HEAD from elsewhere — 403 from another account, or 301
/// (PermanentRedirect, with `x-amz-bucket-region`) for a bucket in another
/// region, which ListBuckets would have listed were it ours; missing on a 404.
async fn bucket(clients: &Clients, names: &Names) -> Result<BucketState> {
    let s3 = &clients.s3;
    let name = names.bucket.as_str();
    let mut token = None;
    let mut ours = false;
    loop {
        let page = s3
            .list_buckets()
            .set_continuation_token(token)
            .send()
            .await
            .map_err(|e| failed("listing the account's buckets", &e))?;
        ours |= page.buckets().iter().any(|b| b.name() == Some(name));
        token = page.continuation_token().map(String::from);
        if ours || token.is_none() {
            break;
        }
    }
    if !ours {
        return match s3.head_bucket().bucket(name).send().await {
            Ok(_) => Ok(BucketState::Taken),
            Err(e) if status(&e) == Some(404) => Ok(BucketState::Missing),
            Err(e) if matches!(status(&e), Some(301 | 403)) => Ok(BucketState::Taken),
            Err(e) => Err(failed(&format!("looking up bucket {name}"), &e)),
        };
    }
    Ok(BucketState::Ours(bucket_settings(clients, name).await?))
}

async fn bucket_settings(clients: &Clients, name: &str) -> Result<Bucket> {
    let s3 = &clients.s3;
    let what = |w: &str| format!("reading the {w} of bucket {name}");
    let location = s3
        .get_bucket_location()
        .bucket(name)
        .send()
        .await
        .map_err(|e| failed(&what("region"), &e))?;
    // S3 reports us-east-1 as no constraint, and eu-west-1 as "EU" for old buckets.
    let region = match location.location_constraint().map(|l| l.as_str()) {
        None | Some("") => "us-east-1".to_string(),
        Some("EU") => "eu-west-1".to_string(),
        Some(other) => other.to_string(),
    };
    let tagged = match s3.get_bucket_tagging().bucket(name).send().await {
        Ok(out) => out
            .tag_set()
            .iter()
            .any(|t| t.key() == TAG_KEY && t.value() == name),
        Err(e) if code(&e) == Some("NoSuchTagSet") => false,
        Err(e) => return Err(failed(&what("tags"), &e)),
    };
    let public_access_block = match s3.get_public_access_block().bucket(name).send().await {
        Ok(out) => out
            .public_access_block_configuration()
            .map_or([false; 4], |c| {
                [
                    c.block_public_acls().unwrap_or(false),
                    c.ignore_public_acls().unwrap_or(false),
                    c.block_public_policy().unwrap_or(false),
                    c.restrict_public_buckets().unwrap_or(false),
                ]
            }),
        Err(e) if code(&e) == Some("NoSuchPublicAccessBlockConfiguration") => [false; 4],
        Err(e) => return Err(failed(&what("public access block"), &e)),
    };
    let ownership = match s3.get_bucket_ownership_controls().bucket(name).send().await {
        Ok(out) => out
            .ownership_controls()
            .and_then(|c| c.rules().first())
            .map(|r| r.object_ownership().as_str().to_string()),
        Err(e) if code(&e) == Some("OwnershipControlsNotFoundError") => None,
        Err(e) => return Err(failed(&what("object ownership"), &e)),
    };
    let encryption = match s3.get_bucket_encryption().bucket(name).send().await {
        Ok(out) => out
            .server_side_encryption_configuration()
            .and_then(|c| c.rules().first())
            .and_then(|r| r.apply_server_side_encryption_by_default())
            .map(|d| d.sse_algorithm().as_str().to_string()),
        Err(e) if code(&e) == Some("ServerSideEncryptionConfigurationNotFoundError") => None,
        Err(e) => return Err(failed(&what("encryption"), &e)),
    };
    let policy = match s3.get_bucket_policy().bucket(name).send().await {
        Ok(out) => out.policy().map(String::from),
        Err(e) if code(&e) == Some("NoSuchBucketPolicy") => None,
        Err(e) => return Err(failed(&what("policy"), &e)),
    };
    let versioning = s3
        .get_bucket_versioning()
        .bucket(name)
        .send()
        .await
        .map_err(|e| failed(&what("versioning"), &e))?
        .status()
        .map(|s| s.as_str().to_string());
    let expiry = lifecycle::expiry(s3, name).await?;
    Ok(Bucket {
        region,
        tagged,
        public_access_block,
        ownership,
        encryption,
        policy,
        abort_incomplete_uploads_after: expiry.abort_uploads_after,
        versioning,
        old_versions_expire_after: expiry.old_versions_after,
    })
}

/// The marker of the next page, or `None` when there is none — or when
/// the server hands back the marker it was sent (moto does for OACs past
/// 100), which would otherwise loop for ever.
pub fn next_marker(sent: Option<&str>, next: Option<&str>) -> Option<String> {
    next.filter(|m| !m.is_empty() && Some(*m) != sent)
        .map(String::from)
}

/// The OAC named for this bucket (OAC names are unique per account).
pub async fn oac(clients: &Clients, names: &Names) -> Result<Option<Oac>> {
    let wanted = names.oac();
    let mut marker = None;
    loop {
        let out = clients
            .cloudfront
            .list_origin_access_controls()
            .set_marker(marker.clone())
            .send()
            .await
            .map_err(|e| failed("listing origin access controls", &e))?;
        let Some(list) = out.origin_access_control_list() else {
            return Ok(None);
        };
        if let Some(found) = list.items().iter().find(|o| o.name() == wanted) {
            return Ok(Some(Oac {
                id: found.id().to_string(),
                signing_protocol: found.signing_protocol().as_str().to_string(),
                signing_behavior: found.signing_behavior().as_str().to_string(),
                origin_type: found
                    .origin_access_control_origin_type()
                    .as_str()
                    .to_string(),
            }));
        }
        marker = next_marker(marker.as_deref(), list.next_marker());
        if !list.is_truncated() || marker.is_none() {
            return Ok(None);
        }
    }
}

/// The distribution `ssg.toml` names (read by id: a listing can lag behind
/// a create), else the one whose comment names this bucket (what ssg
/// writes on every distribution it creates).
pub async fn distribution(
    clients: &Clients,
    names: &Names,
    configured: Option<&str>,
) -> Result<Option<Distribution>> {
    let found = match configured.filter(|id| !id.is_empty()) {
        Some(id) => Some(id.to_string()),
        None => listed_distribution(clients, &names.comment()).await?,
    };
    let Some(id) = found else { return Ok(None) };
    let out = match clients.cloudfront.get_distribution().id(&id).send().await {
        Ok(out) => out,
        Err(e) if code(&e) == Some("NoSuchDistribution") => return Ok(None),
        Err(e) => return Err(failed(&format!("reading distribution {id}"), &e)),
    };
    distribution_view(clients, names, out).await
}

/// The id of the distribution whose comment is `comment`, from the listing.
async fn listed_distribution(clients: &Clients, comment: &str) -> Result<Option<String>> {
    let mut marker = None;
    loop {
        let out = clients
            .cloudfront
            .list_distributions()
            .set_marker(marker.clone())
            .send()
            .await
            .map_err(|e| failed("listing CloudFront distributions", &e))?;
        let Some(list) = out.distribution_list() else {
            return Ok(None);
        };
        if let Some(hit) = list.items().iter().find(|d| d.comment() == comment) {
            return Ok(Some(hit.id().to_string()));
        }
        marker = next_marker(marker.as_deref(), list.next_marker());
        if !list.is_truncated() || marker.is_none() {
            return Ok(None);
        }
    }
}

/// Finishes reading the distribution `out` holds: its tags and settings.
async fn distribution_view(
    clients: &Clients,
    names: &Names,
    out: aws_sdk_cloudfront::operation::get_distribution::GetDistributionOutput,
) -> Result<Option<Distribution>> {
    let d = out
        .distribution()
        .context("CloudFront returned no distribution")?;
    let tags = clients
        .cloudfront
        .list_tags_for_resource()
        .resource(d.arn())
        .send()
        .await
        .map_err(|e| failed(&format!("reading the tags of distribution {}", d.id()), &e))?;
    let tagged = tags
        .tags()
        .map(|t| {
            t.items()
                .iter()
                .any(|t| t.key() == TAG_KEY && t.value() == Some(names.bucket.as_str()))
        })
        .unwrap_or(false);
    let mut view = d
        .distribution_config()
        .map(|c| view(c, names))
        .unwrap_or_default();
    view.id = d.id().to_string();
    view.arn = d.arn().to_string();
    view.domain_name = d.domain_name().to_string();
    view.status = d.status().to_string();
    view.ours = tagged || view.ours;
    view.tagged = tagged;
    Ok(Some(view))
}

/// The settings ssg cares about, out of a full distribution config.
pub fn view(c: &DistributionConfig, names: &Names) -> Distribution {
    let origins: Vec<(String, String)> = c
        .origins()
        .map(|o| {
            o.items()
                .iter()
                .map(|o| {
                    (
                        o.domain_name().to_string(),
                        o.origin_access_control_id().unwrap_or("").to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let behavior = c.default_cache_behavior();
    let target = behavior.map(|b| b.target_origin_id()).unwrap_or("");
    let target_origin_domain = c
        .origins()
        .and_then(|o| o.items().iter().find(|o| o.id() == target))
        .map(|o| o.domain_name().to_string())
        .unwrap_or_default();
    let error_responses = c
        .custom_error_responses()
        .map(|r| {
            r.items()
                .iter()
                .map(|e| {
                    (
                        e.error_code(),
                        e.response_page_path().unwrap_or("").to_string(),
                        e.response_code().unwrap_or("").to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let viewer_certificate = c.viewer_certificate();
    Distribution {
        ours: c.comment() == names.comment(),
        enabled: c.enabled(),
        origins,
        target_origin_domain,
        viewer_protocol: behavior
            .map(|b| b.viewer_protocol_policy().as_str().to_string())
            .unwrap_or_default(),
        compress: behavior.and_then(|b| b.compress()).unwrap_or(false),
        http_version: c
            .http_version()
            .map(|v| v.as_str().to_string())
            .unwrap_or_default(),
        ipv6: c.is_ipv6_enabled().unwrap_or(false),
        default_root: c.default_root_object().unwrap_or("").to_string(),
        error_responses,
        cache_policy: behavior
            .and_then(|b| b.cache_policy_id())
            .unwrap_or("")
            .to_string(),
        response_headers_policy: behavior
            .and_then(|b| b.response_headers_policy_id())
            .unwrap_or("")
            .to_string(),
        aliases: c.aliases().map(|a| a.items().to_vec()).unwrap_or_default(),
        certificate_arn: viewer_certificate
            .and_then(|v| v.acm_certificate_arn())
            .unwrap_or("")
            .to_string(),
        viewer_request_function: behavior
            .map(|b| edge::function_on(b, EventType::ViewerRequest))
            .unwrap_or_default(),
        viewer_response_function: behavior
            .map(|b| edge::function_on(b, EventType::ViewerResponse))
            .unwrap_or_default(),
        ..Default::default()
    }
}

/// The certificate for exactly these domains that carries this site's tag
/// (ssg tags it in the request itself, so even an interrupted run's
/// certificate is found). Failed or expired ones are passed over for a
/// live one when there is one. Also the ARNs of the site's certificates
/// for the same first domain and other names: those a change of the
/// domains (the previews' name added) replaced.
pub async fn certificate(
    clients: &Clients,
    names: &Names,
    domains: &[String],
) -> Result<(Option<Certificate>, Vec<String>)> {
    let mut token = None;
    let mut best: Option<Certificate> = None;
    let mut replaced = Vec::new();
    loop {
        let page = clients
            .acm
            .list_certificates()
            .set_next_token(token)
            .send()
            .await
            .map_err(|e| failed("listing ACM certificates in us-east-1", &e))?;
        for summary in page.certificate_summary_list() {
            let (Some(arn), Some(domain)) = (summary.certificate_arn(), summary.domain_name())
            else {
                continue;
            };
            if domain != domains[0] {
                continue;
            }
            let tags = clients
                .acm
                .list_tags_for_certificate()
                .certificate_arn(arn)
                .send()
                .await
                .map_err(|e| failed(&format!("reading the tags of certificate {arn}"), &e))?;
            if !tags
                .tags()
                .iter()
                .any(|t| t.key() == TAG_KEY && t.value() == Some(names.bucket.as_str()))
            {
                continue;
            }
            let cert = describe_certificate(clients, arn).await?;
            let mut have = cert.domains.clone();
            have.sort();
            let mut want = domains.to_vec();
            want.sort();
            let live = cert.is_issued() || cert.is_pending_validation();
            if have != want {
                replaced.push(cert.arn);
            } else if best.is_none() || live {
                best = Some(cert);
            }
        }
        token = page.next_token().map(String::from);
        if token.is_none() {
            return Ok((best, replaced));
        }
    }
}

pub async fn describe_certificate(clients: &Clients, arn: &str) -> Result<Certificate> {
    let out = clients
        .acm
        .describe_certificate()
        .certificate_arn(arn)
        .send()
        .await
        .map_err(|e| failed(&format!("reading certificate {arn}"), &e))?;
    let c = out.certificate().context("ACM returned no certificate")?;
    let mut domains: Vec<String> = c.subject_alternative_names().to_vec();
    if let Some(d) = c.domain_name()
        && !domains.iter().any(|x| x == d)
    {
        domains.push(d.to_string());
    }
    let mut validation: Vec<Record> = c
        .domain_validation_options()
        .iter()
        .filter_map(|o| o.resource_record())
        .map(|r| Record {
            name: r.name().to_string(),
            kind: r.r#type().as_str().to_string(),
            value: r.value().to_string(),
        })
        .collect();
    // Two domains can share one validation record (a name and its www).
    validation.sort_by(|a, b| a.name.cmp(&b.name));
    validation.dedup();
    Ok(Certificate {
        arn: arn.to_string(),
        status: c
            .status()
            .map(|s| s.as_str().to_string())
            .unwrap_or_default(),
        domains,
        not_after: c.not_after().map(|t| t.secs()),
        validation,
    })
}

/// The public hosted zones covering the domains, with their records.
async fn zones(clients: &Clients, domains: &[String]) -> Result<Vec<Zone>> {
    let mut zones = Vec::new();
    let mut marker = None;
    loop {
        let page = clients
            .route53
            .list_hosted_zones()
            .set_marker(marker.clone())
            .send()
            .await
            .map_err(|e| failed("listing Route 53 hosted zones", &e))?;
        for zone in page.hosted_zones() {
            let private = zone.config().is_some_and(|c| c.private_zone());
            let covers = domains.iter().any(|d| {
                let fqdn = format!("{d}.");
                fqdn == zone.name() || fqdn.ends_with(&format!(".{}", zone.name()))
            });
            if covers && !private {
                zones.push(Zone {
                    id: zone.id().trim_start_matches("/hostedzone/").to_string(),
                    name: zone.name().to_string(),
                    records: Vec::new(),
                });
            }
        }
        marker = next_marker(marker.as_deref(), page.next_marker());
        if !page.is_truncated() || marker.is_none() {
            break;
        }
    }
    for zone in &mut zones {
        zone.records = records(clients, &zone.id).await?;
    }
    Ok(zones)
}

async fn records(clients: &Clients, zone: &str) -> Result<Vec<Record>> {
    let mut out = Vec::new();
    let mut start: Option<(String, aws_sdk_route53::types::RrType)> = None;
    loop {
        let mut call = clients
            .route53
            .list_resource_record_sets()
            .hosted_zone_id(zone);
        if let Some((name, kind)) = start.take() {
            call = call.start_record_name(name).start_record_type(kind);
        }
        let page = call
            .send()
            .await
            .map_err(|e| failed(&format!("listing the records of hosted zone {zone}"), &e))?;
        for set in page.resource_record_sets() {
            let kind = set.r#type().as_str().to_string();
            let values: Vec<String> = match set.alias_target() {
                Some(alias) => vec![alias.dns_name().to_string()],
                None => set
                    .resource_records()
                    .iter()
                    .map(|r| r.value().to_string())
                    .collect(),
            };
            for value in values {
                out.push(Record {
                    // Route 53 lists `*` in a name as its octal escape.
                    name: set.name().replace("\\052", "*"),
                    kind: kind.clone(),
                    value,
                });
            }
        }
        match (
            page.is_truncated(),
            page.next_record_name(),
            page.next_record_type(),
        ) {
            (true, Some(name), Some(kind)) => start = Some((name.to_string(), kind.clone())),
            _ => return Ok(out),
        }
    }
}

/// What is there of the CI side: the GitHub OIDC provider, the live
/// publish's role and (with previews) the previews' role, each with its
/// inline policy, and the workflow file.
async fn ci(clients: &Clients, desired: &Desired, root: &Path) -> Result<CiObserved> {
    let iam = &clients.iam;
    let provider = match iam
        .get_open_id_connect_provider()
        .open_id_connect_provider_arn(policy::oidc_provider_arn(&desired.account))
        .send()
        .await
    {
        Ok(_) => true,
        Err(e) if code(&e) == Some("NoSuchEntity") => false,
        Err(e) => return Err(failed("reading the GitHub OIDC provider", &e)),
    };
    let role = role(iam, &desired.names.role(), ROLE_POLICY).await?;
    let preview_role = if super::previews::are_on(desired) {
        let name = desired.names.preview_role();
        self::role(iam, &name, PREVIEW_ROLE_POLICY).await?
    } else {
        RoleObserved::default()
    };
    let workflow = std::fs::read_to_string(root.join(workflow::PATH)).ok();
    Ok(CiObserved {
        provider,
        role,
        preview_role,
        workflow,
    })
}

/// Role `name` with its trust and its inline policy `policy_name`.
async fn role(iam: &aws_sdk_iam::Client, name: &str, policy_name: &str) -> Result<RoleObserved> {
    let (arn, trust) = match iam.get_role().role_name(name).send().await {
        Ok(out) => {
            let role = out.role();
            (
                role.map(|r| r.arn().to_string()),
                role.and_then(|r| r.assume_role_policy_document())
                    .and_then(policy::parse_iam_document),
            )
        }
        Err(e) if code(&e) == Some("NoSuchEntity") => return Ok(RoleObserved::default()),
        Err(e) => return Err(failed(&format!("reading role {name}"), &e)),
    };
    let policy = match iam
        .get_role_policy()
        .role_name(name)
        .policy_name(policy_name)
        .send()
        .await
    {
        Ok(out) => policy::parse_iam_document(out.policy_document()),
        Err(e) if code(&e) == Some("NoSuchEntity") => None,
        Err(e) => return Err(failed(&format!("reading the policy of role {name}"), &e)),
    };
    Ok(RoleObserved { arn, trust, policy })
}

/// The name of the CI role's inline policy.
pub const ROLE_POLICY: &str = "ssg-publish";

/// The name of the preview role's inline policy.
pub const PREVIEW_ROLE_POLICY: &str = "ssg-preview";
