//! The manifest written after the uploads: the "under way" mark before
//! the first upload, then the changed shards under new names, then the
//! root over the version the survey read — the commit point — so a
//! publish that another one overtook fails before it deletes anything.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use anyhow::{Result, anyhow};

use super::checksum::Checksum;
use super::cloud::{Cloud, Condition, WriteError};
use super::keys::manifest_key;
use super::lease::Lease;
use super::plan::{self, LocalObject, Manifest, ManifestEntry, Plan, Remote};
use super::report::Outcome;
use super::shards::{self, Root};
use super::survey::RemoteManifest;
use crate::log;

/// The error for a manifest another publish replaced since this run read it.
fn overtaken(cloud: &Cloud, key: &str, uploaded: usize) -> anyhow::Error {
    anyhow!(
        "another publish changed s3://{}/{key} since this one started: {uploaded} file(s) were uploaded, nothing was deleted and nothing invalidated. Run `ssg publish` again",
        cloud.bucket
    )
}

/// Writes the manifest's root under `condition`; returns its new ETag.
async fn put_root(
    cloud: &Cloud,
    prefix: &str,
    root: &Root,
    condition: &Condition,
    uploaded: usize,
) -> Result<String> {
    let key = manifest_key(prefix);
    let put = |condition: Condition| {
        let key = key.clone();
        async move {
            cloud
                .put_small(&key, root.encode(), "application/gzip", &condition)
                .await
        }
    };
    let written = match put(condition.clone()).await {
        // A server with If-None-Match for the lease but no If-Match here.
        Err(WriteError::Unsupported(why)) => {
            log::warn(&format!(
                "the endpoint does not support a conditional manifest write ({why}): writing it unconditionally"
            ));
            put(Condition::None).await
        }
        other => other,
    };
    match written {
        Ok(etag) => Ok(etag),
        Err(WriteError::Precondition) => Err(overtaken(cloud, &key, uploaded)),
        Err(e) => Err(anyhow!("cannot write the manifest {key}: {e}")),
    }
}

/// Before the first upload: the root rewritten with "under way" set, so its
/// ETag changes before anything else does and no machine plans from its
/// remembered copy while this run's uploads are not in the manifest yet
/// (also if this run is killed, interrupted or fails). Only a sharded root
/// can be remembered, and only where writes are conditional.
pub async fn announce(
    cloud: &Cloud,
    prefix: &str,
    found: &mut RemoteManifest,
    lease: &Lease,
    run: &str,
) -> Result<()> {
    let Some(root) = &found.root else {
        return Ok(());
    };
    if !lease.conditional() {
        return Ok(());
    }
    let marked = Root {
        run: run.to_string(),
        pending: Some(run.to_string()),
        ..root.clone()
    };
    let etag = put_root(cloud, prefix, &marked, &found.condition(lease), 0).await?;
    found.etag = Some(etag);
    found.root = Some(marked);
    Ok(())
}

/// The manifest as this run leaves it.
pub struct Committed {
    /// The root's ETag and the root (`None` where there is no sharded root).
    pub etag: Option<String>,
    pub root: Option<Root>,
    /// Whether this run wrote the root.
    pub wrote: bool,
    /// Shards the new root no longer names: deleted with the site's deletes.
    pub obsolete: Vec<String>,
}

/// Writes the manifest after the uploads, when it changed (or is in the
/// single-file form, or marked under way): the changed shards first, under
/// new names, then the root over the version read — the commit point.
pub async fn commit_manifest(
    cloud: &Arc<Cloud>,
    prefix: &str,
    found: &RemoteManifest,
    next: &Manifest,
    lease: &Lease,
    run: &str,
    outcome: &Outcome,
) -> Result<Committed> {
    // A root to keep: not under way, every shard it names read whole.
    let current = found.root.as_ref().filter(|r| {
        r.pending.is_none()
            && r.shard_keys(prefix)
                .iter()
                .all(|k| found.present.contains(k))
    });
    if current.is_some() && *next == *found.content {
        return Ok(Committed {
            etag: found.etag.clone(),
            root: current.cloned(),
            wrote: false,
            obsolete: Vec::new(),
        });
    }
    let previous = found.root.as_ref().map(|r| (r, &*found.content));
    let commit = shards::commit(prefix, previous, &found.present, next, run);
    let mut tasks = tokio::task::JoinSet::new();
    for (key, body) in commit.puts {
        let cloud = Arc::clone(cloud);
        tasks.spawn(async move {
            cloud
                .put_small(&key, body, "application/gzip", &Condition::None)
                .await
                .map_err(|e| anyhow!("cannot write the manifest shard {key}: {e}"))
        });
    }
    while let Some(joined) = tasks.join_next().await {
        joined.map_err(|e| anyhow!("a manifest shard write stopped: {e}"))??;
    }
    let etag = put_root(
        cloud,
        prefix,
        &commit.root,
        &found.condition(lease),
        outcome.uploaded,
    )
    .await?;
    Ok(Committed {
        etag: Some(etag),
        root: Some(commit.root),
        wrote: true,
        obsolete: commit.obsolete,
    })
}

/// Before deleting with no root to write: the root must still be the
/// version this run planned against.
pub async fn ensure_root_unchanged(
    cloud: &Cloud,
    prefix: &str,
    read_at_start: &Option<String>,
) -> Result<()> {
    let key = manifest_key(prefix);
    if &cloud.head(&key).await? != read_at_start {
        return Err(overtaken(cloud, &key, 0));
    }
    Ok(())
}

/// The manifest after the uploads: every object known good now, so a
/// rerun after a failure re-uploads only what did not make it.
pub fn next_manifest(
    local: &[LocalObject],
    remote: Remote<'_>,
    manifest: &Manifest,
    etags: &HashMap<String, Result<String, String>>,
) -> Manifest {
    // Objects not uploaded now are as the survey taken for the plan showed them.
    let found = plan::pair(local, remote, manifest).found;
    let mut digests = plan::Digests::default();
    // Collected, not inserted one by one: the map is then built in one
    // pass from the keys in order (the output folder is listed sorted).
    let objects = local.iter().zip(found).filter_map(|(object, found)| {
        let etag = match etags.get(&object.key) {
            Some(Ok(etag)) => Checksum::from(etag.as_str()),
            Some(Err(_)) => return None,
            None => found?.etag.clone(),
        };
        let entry = ManifestEntry {
            md5: object.md5.clone(),
            headers: digests.of(&object.headers).clone(),
            size: object.body.size(),
            etag,
        };
        Some((object.key.clone(), entry))
    });
    Manifest {
        version: 1,
        objects: objects.collect(),
    }
}

/// What the deletes after the commit remove: the plan's deletes and the
/// shards the new root no longer names; under a conditional lease also
/// shards a killed run left (only the lease holder writes shards) that
/// this run did not write again.
pub fn doomed_keys(
    prefix: &str,
    plan: &Plan,
    found: &RemoteManifest,
    committed: &Committed,
    lease: &Lease,
) -> Vec<String> {
    let mut doomed: Vec<String> = plan.deletes.iter().map(|d| d.key.clone()).collect();
    doomed.extend(committed.obsolete.iter().cloned());
    if lease.conditional() {
        let named: HashSet<String> = committed
            .root
            .as_ref()
            .map(|r| r.shard_keys(prefix).into_iter().collect())
            .unwrap_or_default();
        doomed.extend(
            found
                .orphans
                .iter()
                .filter(|k| !named.contains(*k))
                .cloned(),
        );
    }
    doomed
}
