//! `ssg provision --destroy`: everything provisioning created, taken down
//! in the order AWS allows — bucket emptied (after listing what goes:
//! every object version and delete marker, since S3 deletes only an
//! empty bucket and versioning keeps what publishes replaced),
//! DNS records ssg wrote removed, distribution disabled, deployed and
//! deleted, then the edge function it ran, the OAC, the certificate (once detached), the CI roles,
//! the bucket, and the `[publish]` keys. Resources without ssg's tag were
//! not made by ssg and are refused, untouched.

use std::path::Path;

use anyhow::{Context as _, Result, bail};

use super::aws::{Clients, code, failed};
use super::model::{BucketState, Desired, Observed, Record, alias_records, zone_for};
use super::names::TAG_KEY;
use super::observe::{self, PREVIEW_ROLE_POLICY, ROLE_POLICY};
use super::options::ProvisionOptions;
use super::{config_file, converge, edge, policy, wait, workflow};
use crate::log;

pub async fn destroy(
    clients: &Clients,
    desired: &Desired,
    root: &Path,
    opts: &ProvisionOptions,
) -> Result<()> {
    let observed = observe::observe(clients, desired, root).await?;
    refuse_foreign(desired, &observed)?;
    let objects = list_objects(clients, desired, &observed).await?;
    let doomed = inventory(desired, &observed, objects.len());
    if doomed.is_empty() {
        println!(
            "nothing to delete: ssg created nothing for s3://{} in this account",
            desired.names.bucket
        );
        return Ok(());
    }
    println!("ssg provision --destroy deletes:");
    for line in &doomed {
        println!("  {line}");
    }
    if opts.dry_run {
        println!("(dry run: nothing was changed)");
        return Ok(());
    }
    if !opts.yes && !log::confirm("Delete all of this?") {
        bail!("nothing was deleted; pass --yes to destroy without a question (scripts, CI)");
    }
    empty_bucket(clients, desired, &objects).await?;
    delete_records(clients, desired, &observed).await?;
    delete_distribution(clients, &observed).await?;
    // CloudFront refuses to delete a function a distribution still runs,
    // and a KeyValueStore a function still names (deleted after it).
    if observed.function.is_some() {
        edge::delete(clients, &desired.names.function()).await?;
    }
    delete_oac(clients, &observed).await?;
    delete_certificate(clients, &observed).await?;
    delete_ci(clients, desired, root).await?;
    if matches!(observed.bucket, BucketState::Ours(_)) {
        clients
            .s3
            .delete_bucket()
            .bucket(&desired.names.bucket)
            .send()
            .await
            .map_err(|e| failed(&format!("deleting bucket {}", desired.names.bucket), &e))?;
        log::info(&format!("deleted bucket {}", desired.names.bucket));
    }
    config_file::remove(&root.join(crate::config::CONFIG_FILE))?;
    println!(
        "destroyed: nothing ssg created for s3://{} is left",
        desired.names.bucket
    );
    Ok(())
}

fn refuse_foreign(desired: &Desired, observed: &Observed) -> Result<()> {
    if let BucketState::Ours(bucket) = &observed.bucket
        && !bucket.tagged
    {
        bail!(
            "s3://{} was not created by ssg provision (it has no {TAG_KEY} tag); ssg deletes only what it created. Delete it yourself, or remove [publish] from ssg.toml",
            desired.names.bucket
        );
    }
    if let Some(d) = &observed.distribution
        && !d.tagged
    {
        bail!(
            "distribution {} was not created by ssg provision (it has no {TAG_KEY} tag); ssg deletes only what it created",
            d.id
        );
    }
    Ok(())
}

fn inventory(desired: &Desired, observed: &Observed, objects: usize) -> Vec<String> {
    let mut out = Vec::new();
    if matches!(observed.bucket, BucketState::Ours(_)) {
        out.push(format!(
            "bucket s3://{} and its {objects} object version(s) and delete marker(s)",
            desired.names.bucket
        ));
    }
    if let Some(d) = &observed.distribution {
        out.push(format!("distribution {} ({})", d.id, d.domain_name));
    }
    if let Some(function) = &observed.function {
        out.push(format!("function {}", desired.names.function()));
        if function.store.is_some() {
            out.push(format!("KeyValueStore {}", desired.names.function()));
        }
    }
    if let Some(o) = &observed.oac {
        out.push(format!("origin access control {}", o.id));
    }
    if let Some(c) = &observed.certificate {
        out.push(format!("certificate for {}", c.domains.join(", ")));
    }
    for r in records_ours(desired, observed) {
        out.push(format!("DNS record {} {}", r.name, r.kind));
    }
    out
}

/// The records ssg wrote that are still there: validation CNAMEs of its
/// certificate, and aliases pointing at its distribution.
fn records_ours(desired: &Desired, observed: &Observed) -> Vec<Record> {
    let mut out = Vec::new();
    let present = |r: &Record| {
        zone_for(&observed.zones, r.name.trim_end_matches('.')).is_some_and(|z| {
            z.records.iter().any(|x| {
                x.kind == r.kind
                    && x.name.trim_end_matches('.') == r.name.trim_end_matches('.')
                    && x.value.trim_end_matches('.') == r.value.trim_end_matches('.')
            })
        })
    };
    if let Some(c) = &observed.certificate {
        out.extend(c.validation.iter().filter(|r| present(r)).cloned());
    }
    if let Some(d) = &observed.distribution {
        out.extend(
            alias_records(desired, &d.domain_name)
                .into_iter()
                .filter(|r| present(r)),
        );
    }
    out
}

/// Every object version and delete marker of the bucket: (key, version id).
/// A bucket that never had versioning lists each object once, as "null".
async fn list_objects(
    clients: &Clients,
    desired: &Desired,
    observed: &Observed,
) -> Result<Vec<(String, String)>> {
    if !matches!(observed.bucket, BucketState::Ours(_)) {
        return Ok(Vec::new());
    }
    let versions = crate::publish::versions::each_version(&clients.s3, &desired.names.bucket, "")
        .await
        .context("listing the bucket's object versions")?;
    Ok(versions
        .into_iter()
        .map(|v| (v.key, v.version_id))
        .collect())
}

/// Deletes every version and delete marker, 1,000 per request. S3 answers
/// a quiet batch delete with 200 and lists what it refused in the body.
async fn empty_bucket(
    clients: &Clients,
    desired: &Desired,
    versions: &[(String, String)],
) -> Result<()> {
    use aws_sdk_s3::types::{Delete, ObjectIdentifier};
    let bucket = &desired.names.bucket;
    for batch in versions.chunks(1000) {
        let ids = batch
            .iter()
            .map(|(key, version_id)| {
                ObjectIdentifier::builder()
                    .key(key)
                    .version_id(version_id)
                    .build()
            })
            .collect::<Result<Vec<_>, _>>()?;
        let delete = Delete::builder()
            .set_objects(Some(ids))
            .quiet(true)
            .build()?;
        let out = clients
            .s3
            .delete_objects()
            .bucket(bucket)
            .delete(delete)
            .send()
            .await
            .map_err(|e| failed("emptying the bucket", &e))?;
        if let Some(err) = out.errors().first() {
            bail!(
                "emptying the bucket: deleting {} failed: {}",
                err.key().unwrap_or("?"),
                err.message().unwrap_or("unknown error")
            );
        }
    }
    if !versions.is_empty() {
        log::info(&format!(
            "deleted {} object version(s) and delete marker(s)",
            versions.len()
        ));
    }
    Ok(())
}

async fn delete_records(clients: &Clients, desired: &Desired, observed: &Observed) -> Result<()> {
    use aws_sdk_route53::types::{Change, ChangeAction, ChangeBatch};
    for record in records_ours(desired, observed) {
        let Some(zone) = zone_for(&observed.zones, record.name.trim_end_matches('.')) else {
            continue;
        };
        let set = if record.kind == "CNAME" {
            converge::validation_cname(&record)?
        } else {
            converge::alias(&record)?
        };
        let change = Change::builder()
            .action(ChangeAction::Delete)
            .resource_record_set(set)
            .build()?;
        clients
            .route53
            .change_resource_record_sets()
            .hosted_zone_id(&zone.id)
            .change_batch(ChangeBatch::builder().changes(change).build()?)
            .send()
            .await
            .map_err(|e| {
                failed(
                    &format!("deleting DNS record {} {}", record.name, record.kind),
                    &e,
                )
            })?;
        log::info(&format!(
            "deleted DNS record {} {}",
            record.name, record.kind
        ));
    }
    Ok(())
}

/// CloudFront deletes only a disabled, deployed distribution.
async fn delete_distribution(clients: &Clients, observed: &Observed) -> Result<()> {
    let Some(d) = &observed.distribution else {
        return Ok(());
    };
    let cf = &clients.cloudfront;
    if d.enabled {
        let current = cf
            .get_distribution_config()
            .id(&d.id)
            .send()
            .await
            .map_err(|e| failed(&format!("reading distribution {}", d.id), &e))?;
        let mut config = current
            .distribution_config()
            .cloned()
            .context("CloudFront returned no config")?;
        config.enabled = false;
        cf.update_distribution()
            .id(&d.id)
            .set_if_match(current.e_tag().map(String::from))
            .distribution_config(config)
            .send()
            .await
            .map_err(|e| failed(&format!("disabling distribution {}", d.id), &e))?;
        log::info(&format!("disabled distribution {}", d.id));
    }
    wait::for_deployment(clients, &d.id).await?;
    let current = cf
        .get_distribution()
        .id(&d.id)
        .send()
        .await
        .map_err(|e| failed(&format!("reading distribution {}", d.id), &e))?;
    cf.delete_distribution()
        .id(&d.id)
        .set_if_match(current.e_tag().map(String::from))
        .send()
        .await
        .map_err(|e| failed(&format!("deleting distribution {}", d.id), &e))?;
    log::info(&format!("deleted distribution {}", d.id));
    Ok(())
}

async fn delete_oac(clients: &Clients, observed: &Observed) -> Result<()> {
    let Some(o) = &observed.oac else {
        return Ok(());
    };
    let cf = &clients.cloudfront;
    let current = cf
        .get_origin_access_control()
        .id(&o.id)
        .send()
        .await
        .map_err(|e| failed("reading the origin access control", &e))?;
    cf.delete_origin_access_control()
        .id(&o.id)
        .set_if_match(current.e_tag().map(String::from))
        .send()
        .await
        .map_err(|e| failed("deleting the origin access control", &e))?;
    log::info(&format!("deleted origin access control {}", o.id));
    Ok(())
}

/// ACM refuses while CloudFront still lists the certificate as in use,
/// which lasts a little after the distribution is gone.
async fn delete_certificate(clients: &Clients, observed: &Observed) -> Result<()> {
    let Some(c) = &observed.certificate else {
        return Ok(());
    };
    wait::until("the certificate to be released by CloudFront", || async {
        match clients
            .acm
            .delete_certificate()
            .certificate_arn(&c.arn)
            .send()
            .await
        {
            Ok(_) => Ok(true),
            Err(e) if code(&e) == Some("ResourceInUseException") => Ok(false),
            Err(e) if code(&e) == Some("ResourceNotFoundException") => Ok(true),
            Err(e) => Err(failed("deleting the certificate", &e)),
        }
    })
    .await?;
    log::info(&format!("deleted certificate for {}", c.domains.join(", ")));
    Ok(())
}

/// The CI roles (the live publish's and the previews') if ssg tagged
/// them; the GitHub OIDC provider only if ssg created it for this site and
/// no other role trusts it; the workflow file only if it is still the one
/// ssg wrote.
async fn delete_ci(clients: &Clients, desired: &Desired, root: &Path) -> Result<()> {
    let iam = &clients.iam;
    let role = desired.names.role();
    let tagged = |tags: &[aws_sdk_iam::types::Tag]| {
        tags.iter()
            .any(|t| t.key() == TAG_KEY && t.value() == desired.names.bucket)
    };
    delete_role(iam, &role, ROLE_POLICY, &tagged).await?;
    let preview_role = desired.names.preview_role();
    delete_role(iam, &preview_role, PREVIEW_ROLE_POLICY, &tagged).await?;
    let provider = policy::oidc_provider_arn(&desired.account);
    if let Ok(out) = iam
        .get_open_id_connect_provider()
        .open_id_connect_provider_arn(&provider)
        .send()
        .await
        && tagged(out.tags())
        && !provider_in_use(clients, &provider).await?
    {
        iam.delete_open_id_connect_provider()
            .open_id_connect_provider_arn(&provider)
            .send()
            .await
            .map_err(|e| failed("deleting the GitHub OIDC provider", &e))?;
        log::info("deleted the GitHub OIDC provider");
    }
    let path = root.join(workflow::PATH);
    if let Ok(text) = std::fs::read_to_string(&path)
        && text.starts_with("# Written by `ssg provision --ci github`")
        && text.contains(&format!("role/{role}"))
    {
        std::fs::remove_file(&path).with_context(|| format!("cannot remove {}", path.display()))?;
    }
    Ok(())
}

/// Role `name` and its inline policy `policy_name`, if `ours` says its
/// tags are this site's.
async fn delete_role(
    iam: &aws_sdk_iam::Client,
    name: &str,
    policy_name: &str,
    ours: &dyn Fn(&[aws_sdk_iam::types::Tag]) -> bool,
) -> Result<()> {
    let found = match iam.get_role().role_name(name).send().await {
        Ok(out) => out.role().is_some_and(|r| ours(r.tags())),
        Err(e) if code(&e) == Some("NoSuchEntity") => false,
        Err(e) => return Err(failed(&format!("reading role {name}"), &e)),
    };
    if !found {
        return Ok(());
    }
    match iam
        .delete_role_policy()
        .role_name(name)
        .policy_name(policy_name)
        .send()
        .await
    {
        Ok(_) => {}
        Err(e) if code(&e) == Some("NoSuchEntity") => {}
        Err(e) => return Err(failed(&format!("deleting the policy of role {name}"), &e)),
    }
    iam.delete_role()
        .role_name(name)
        .send()
        .await
        .map_err(|e| failed(&format!("deleting role {name}"), &e))?;
    log::info(&format!("deleted role {name}"));
    Ok(())
}

async fn provider_in_use(clients: &Clients, provider: &str) -> Result<bool> {
    let mut marker = None;
    loop {
        let page = clients
            .iam
            .list_roles()
            .set_marker(marker)
            .send()
            .await
            .map_err(|e| failed("listing roles", &e))?;
        let uses = page.roles().iter().any(|r| {
            r.assume_role_policy_document()
                .and_then(policy::parse_iam_document)
                .is_some_and(|d| d.to_string().contains(provider))
        });
        if uses {
            return Ok(true);
        }
        marker = page.marker().map(String::from);
        if !page.is_truncated() || marker.is_none() {
            return Ok(false);
        }
    }
}
