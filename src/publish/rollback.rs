//! `ssg publish --rollback [N]`: the live site becomes an earlier publish
//! again — the one before the live one, or publish N of `--history` — in
//! seconds, with no byte going through this machine.
//!
//! A rollback is a publish: under the lease, in the same order. Planned
//! first (pure, `plan`): the version of every key publish N left live
//! (`history.rs`) against the versions the bucket has now; every version
//! it needs must still be stored, or nothing is changed at all. Then the
//! manifest's root is marked under way (so no machine plans from a
//! remembered manifest while files change), the old versions are copied
//! back on top server-side (assets, then pages, then the manifest's
//! shards, then its root: the commit point), keys the old publish did not
//! have are deleted (a delete marker: recoverable), one invalidation goes
//! out for exactly the changed paths, and the rollback is added to the
//! history. Nothing is lost: what it replaced stays as noncurrent versions.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Result, anyhow, bail};
use serde::Serialize;

use super::cloud::Cloud;
use super::commit;
use super::edge_deploy::{self, FunctionUpdate};
use super::history::{self, Index, NewEntry, Record};
use super::invalidate;
use super::job::PublishOptions;
use super::key_value_store;
use super::keys::{MANIFEST_NAME, SHARD_DIR, is_reserved, lock_key, manifest_key};
use super::lease::{Holder, Lease};
use super::plan::is_document;
use super::shards::{self, Stored};
use super::survey::RemoteManifest;
use super::versions::{self, Copied, MAX_COPY_BYTES, VersionListing};
use crate::config::PublishConfig;
use crate::log;

/// One key put back to the version an earlier publish left live.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Restore {
    pub key: String,
    pub version_id: String,
    /// Whether another version of the key is live now (a changed path to
    /// invalidate), rather than none.
    pub replaces: bool,
}

/// What a rollback changes.
#[derive(Debug, Default, PartialEq, Eq, Serialize)]
pub struct RollbackPlan {
    /// In the order they are copied back: assets, pages, shards, the root.
    pub restores: Vec<Restore>,
    /// Keys live now that the publish rolled back to did not have.
    pub deletes: Vec<String>,
    /// Keys already at the version wanted.
    pub kept: usize,
}

impl RollbackPlan {
    pub fn is_empty(&self) -> bool {
        self.restores.is_empty() && self.deletes.is_empty()
    }

    /// The site paths (without the prefix) whose content changes: replaced
    /// or deleted, not ssg's own keys. A key that comes back where none is
    /// now was in no edge cache.
    pub fn changed_paths(&self, prefix: &str) -> Vec<String> {
        let replaced = self.restores.iter().filter(|r| r.replaces).map(|r| &r.key);
        (replaced.chain(&self.deletes))
            .filter(|key| !is_reserved(key, prefix))
            .map(|key| key[prefix.len()..].to_string())
            .collect()
    }
}

/// When a key is copied back: assets first, pages after them (a page
/// never shows before its assets), then the manifest's shards, then its
/// root, which names them.
fn stage(key: &str, prefix: &str) -> u8 {
    let name = &key[prefix.len()..];
    if name == MANIFEST_NAME {
        3
    } else if name.starts_with(SHARD_DIR) {
        2
    } else if is_document(name) {
        1
    } else {
        0
    }
}

/// The rollback to `record` from the versions `listing` found: pure.
/// Fails, naming what is missing, when a version it needs is gone (expired
/// by the lifecycle rule, or deleted by hand) or too large to copy.
pub fn plan(
    prefix: &str,
    record: &Record,
    listing: &VersionListing,
) -> Result<RollbackPlan, String> {
    let mut out = RollbackPlan::default();
    let mut gone = Vec::new();
    for (name, version_id) in &record.versions {
        let key = format!("{prefix}{name}");
        let live = listing.live.get(&key);
        if live.is_some_and(|l| &l.version_id == version_id) {
            out.kept += 1;
            continue;
        }
        match listing.size_of(&key, version_id) {
            None => gone.push(format!("{key} version {version_id} is gone")),
            Some(size) if size > MAX_COPY_BYTES => gone.push(format!(
                "{key} is over 5 GB, more than one S3 copy can restore"
            )),
            Some(_) => out.restores.push(Restore {
                key,
                version_id: version_id.clone(),
                replaces: live.is_some(),
            }),
        }
    }
    if let Some(first) = gone.first() {
        return Err(format!(
            "publish {} cannot be restored: {} of its files cannot be brought back (first: {first}); noncurrent versions expire by the bucket's lifecycle rule",
            record.number,
            gone.len()
        ));
    }
    out.restores
        .sort_by(|a, b| (stage(&a.key, prefix), &a.key).cmp(&(stage(&b.key, prefix), &b.key)));
    out.deletes = (listing.live.keys())
        .filter(|key| super::keys::is_rolled_back(key, prefix))
        .filter(|key| !record.versions.contains_key(&key[prefix.len()..]))
        .cloned()
        .collect();
    Ok(out)
}

/// The publish a rollback goes to: `to`, or the one before the live one.
/// `Ok(None)`: that publish is live already.
pub fn choose(index: &Index, to: Option<u64>, bucket: &str) -> Result<Option<u64>> {
    let live = index.live().map(|e| e.number);
    let number = match to {
        Some(n) => n,
        None => match index.publishes.iter().rev().nth(1) {
            Some(previous) => previous.number,
            None => bail!(
                "s3://{bucket} has {} recorded publish(es): there is no earlier publish to roll back to (`ssg publish --history` lists them)",
                index.publishes.len()
            ),
        },
    };
    let Some(entry) = index.entry(number) else {
        bail!(
            "there is no publish numbered {number} in s3://{bucket}: `ssg publish --history` lists them"
        );
    };
    if !entry.versioned {
        bail!(
            "publish {number} was made while bucket versioning was off, so its files were not kept: it cannot be restored"
        );
    }
    Ok((Some(number) != live).then_some(number))
}

/// The refusal where the bucket keeps no versions.
fn versioning_off(bucket: &str) -> anyhow::Error {
    anyhow!(
        "bucket versioning is off for s3://{bucket}, so earlier publishes were not kept: run `ssg provision` to turn it on (rollbacks then work for the publishes after it); nothing was changed"
    )
}

/// `ssg publish --rollback [N]`.
pub async fn run(
    config: &PublishConfig,
    prefix: &str,
    opts: &PublishOptions,
    to: Option<u64>,
) -> Result<()> {
    let cloud = Arc::new(Cloud::connect(config, opts.profile.as_deref()).await);
    if !versions::enabled(&cloud).await? {
        return Err(versioning_off(&cloud.bucket));
    }
    if opts.dry_run {
        // A dry run writes nothing, so it takes no lease.
        let Some(prepared) = prepare(&cloud, prefix, to).await? else {
            return Ok(());
        };
        return print_dry_run(prepared.number, &prepared.plan, prefix, opts.json);
    }
    let lease = Lease::acquire(
        &cloud,
        &lock_key(prefix),
        Duration::from_secs(config.lease_timeout),
        opts.no_wait,
    )
    .await?;
    let result = restore(&cloud, config, prefix, opts, to, &lease).await;
    lease.release(&cloud).await;
    result
}

/// A rollback planned: the publish to go to, its record, the plan, and
/// the root's ETag now.
struct Prepared {
    number: u64,
    record: Record,
    plan: RollbackPlan,
    root_etag: Option<String>,
}

/// The rollback planned; `None` (said) when the publish is live already.
async fn prepare(cloud: &Cloud, prefix: &str, to: Option<u64>) -> Result<Option<Prepared>> {
    let index = history::read_index(cloud, prefix).await?.index;
    let Some(number) = choose(&index, to, &cloud.bucket)? else {
        log::info(&format!(
            "publish {} is the live one already: nothing to do",
            to.unwrap_or_default()
        ));
        return Ok(None);
    };
    let record = history::read_record(cloud, prefix, number)
        .await?
        .ok_or_else(|| {
            anyhow!(
                "the versions of publish {number} are missing from s3://{}/{prefix}.ssg-history/: it cannot be restored",
                cloud.bucket
            )
        })?;
    let listing = versions::list(cloud, prefix).await?;
    let root = listing.live.get(&manifest_key(prefix));
    let plan = plan(prefix, &record, &listing)
        .map_err(|e| anyhow!("{e}; nothing was changed"))?
        .with_root_marked(prefix, &record, root.is_some());
    Ok(Some(Prepared {
        number,
        root_etag: root.map(|r| r.etag.clone()),
        record,
        plan,
    }))
}

impl RollbackPlan {
    /// The plan once the root is to be marked under way before the copies:
    /// the root is then copied back last whatever its version now.
    fn with_root_marked(mut self, prefix: &str, record: &Record, root_live: bool) -> RollbackPlan {
        let root = manifest_key(prefix);
        let wanted = record.versions.get(MANIFEST_NAME);
        let restored = self.restores.iter().any(|r| r.key == root);
        if let (Some(version_id), false, false) = (wanted, restored, self.is_empty()) {
            self.kept -= 1;
            self.restores.push(Restore {
                key: root,
                version_id: version_id.clone(),
                replaces: root_live,
            });
        }
        self
    }
}

/// The rollback proper, under the lease.
async fn restore(
    cloud: &Arc<Cloud>,
    config: &PublishConfig,
    prefix: &str,
    opts: &PublishOptions,
    to: Option<u64>,
    lease: &Lease,
) -> Result<()> {
    let Some(Prepared {
        number,
        record,
        plan,
        mut root_etag,
    }) = prepare(cloud, prefix, to).await?
    else {
        return Ok(());
    };
    if !plan.is_empty() {
        mark_root_under_way(cloud, prefix, lease).await?;
    }
    let mut versions = record.versions.clone();
    let root = manifest_key(prefix);
    for stage_number in 0..=3 {
        let group: Vec<&Restore> = (plan.restores.iter())
            .filter(|r| stage(&r.key, prefix) == stage_number)
            .collect();
        for (key, copied) in copy_all(cloud, config, &group).await? {
            if key == root {
                root_etag = Some(copied.etag);
            }
            versions.insert(key[prefix.len()..].to_string(), copied.version_id);
        }
    }
    if plan.deletes.contains(&root) {
        root_etag = None;
    }
    // As in a publish: the redirects go back once the pages they point at
    // are, and before the deletes.
    let live_function = edge_deploy::find(cloud, config).await?;
    let edge_update = edge_update(number, &record, live_function.as_ref());
    let mut stale_store_keys = None;
    if let Some(update) = &edge_update {
        stale_store_keys = update.deploy(cloud).await?;
    }
    if !plan.deletes.is_empty() {
        cloud.delete(&plan.deletes).await?;
    }
    if let Some(pending) = stale_store_keys {
        key_value_store::finish(&cloud.key_value_store, pending).await?;
    }
    let changed = plan.changed_paths(prefix);
    let mut invalidation = None;
    if !config.distribution_id.is_empty() && !opts.no_invalidate && !changed.is_empty() {
        let files = record.files(prefix);
        let paths = invalidate::paths(&changed, files, config.max_invalidation_paths);
        let id = invalidate::send(cloud, config, &paths, opts.wait).await?;
        invalidation = Some((id, paths));
    }
    let new = NewEntry {
        files: record.files(prefix),
        rollback_to: Some(number),
        versions: Some(versions),
        manifest_etag: root_etag,
        edge: live_function.and(record.edge.clone()),
    };
    let recorded = match history::read_index(cloud, prefix).await {
        Ok(found) => history::append(cloud, prefix, found, new).await,
        Err(e) => Err(e),
    };
    if let Err(e) = &recorded {
        log::warn(&format!(
            "the rollback is done but not in the publish history: {e:#}"
        ));
    }
    let done = Done {
        rollback_to: number,
        publish: recorded.ok(),
        restored: plan.restores.len(),
        deleted: plan.deletes.len(),
        edge_function_restored: edge_update.is_some(),
        invalidation_id: invalidation.as_ref().map(|(id, _)| id.clone()),
        invalidation_paths: invalidation.map(|(_, p)| p).unwrap_or_default(),
    };
    done.print(opts.json)
}

/// What the edge function needs to answer as it did after publish
/// `number`: its code and store back, where ssg's function runs other code
/// now; `None` where it runs that already, or nothing was recorded.
fn edge_update(
    number: u64,
    record: &Record,
    live: Option<&edge_deploy::LiveFunction>,
) -> Option<FunctionUpdate> {
    let live = live?;
    let Some(state) = &record.edge else {
        log::warn(&format!(
            "publish {number} has no record of the edge function (made before ssg kept one, or without the function): it keeps the redirects it has"
        ));
        return None;
    };
    FunctionUpdate::of(live, state)
}

/// Before the first copy: the manifest's root rewritten with "under way"
/// set (as a publish does before its uploads), so its ETag changes first
/// and no machine plans from its remembered copy while files change.
async fn mark_root_under_way(cloud: &Cloud, prefix: &str, lease: &Lease) -> Result<()> {
    let Some(found) = cloud.get(&manifest_key(prefix)).await? else {
        return Ok(());
    };
    let Stored::Sharded(root) = shards::decode_root(&found.body) else {
        return Ok(());
    };
    let mut manifest = RemoteManifest {
        content: Arc::default(),
        etag: Some(found.etag),
        root: Some(root),
        present: HashSet::new(),
        orphans: Vec::new(),
    };
    let run_id = Holder::this_run().id;
    commit::announce(cloud, prefix, &mut manifest, lease, &run_id).await
}

/// Copies every version of `group` back, `concurrency` at a time; the
/// first failure fails the rollback before anything is deleted. Returns
/// key → what its copy made live.
async fn copy_all(
    cloud: &Arc<Cloud>,
    config: &PublishConfig,
    group: &[&Restore],
) -> Result<BTreeMap<String, Copied>> {
    let semaphore = Arc::new(tokio::sync::Semaphore::new(config.concurrency.max(1)));
    let mut tasks = tokio::task::JoinSet::new();
    for restore in group {
        let (cloud, semaphore) = (Arc::clone(cloud), Arc::clone(&semaphore));
        let (key, version_id) = (restore.key.clone(), restore.version_id.clone());
        tasks.spawn(async move {
            let _permit = semaphore.acquire_owned().await;
            let copied = versions::copy_back(&cloud, &key, &version_id).await;
            (key, copied)
        });
    }
    let mut out = BTreeMap::new();
    let mut failed = None;
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok((key, Ok(copied))) => {
                out.insert(key, copied);
            }
            Ok((_, Err(e))) => failed = failed.or(Some(e)),
            Err(e) => failed = failed.or(Some(anyhow!("a copy stopped: {e}"))),
        }
    }
    match failed {
        Some(e) => Err(e.context(
            "the rollback stopped before deleting anything; run it again to finish (the manifest is marked under way, so the next publish lists the bucket)",
        )),
        None => Ok(out),
    }
}

/// What a rollback did.
#[derive(Serialize)]
struct Done {
    rollback_to: u64,
    /// Its own number in the history (`None`: not recorded).
    publish: Option<u64>,
    restored: usize,
    deleted: usize,
    /// Whether the edge function's code (and store) went back too.
    edge_function_restored: bool,
    invalidation_id: Option<String>,
    invalidation_paths: Vec<String>,
}

impl Done {
    fn print(&self, json: bool) -> Result<()> {
        if json {
            println!("{}", serde_json::to_string_pretty(self)?);
            return Ok(());
        }
        let invalidated = match &self.invalidation_id {
            Some(id) => format!(
                "; invalidation {id} ({} path(s))",
                self.invalidation_paths.len()
            ),
            None => String::new(),
        };
        let recorded = self
            .publish
            .map(|n| format!(" (recorded as publish {n})"))
            .unwrap_or_default();
        let edge = if self.edge_function_restored {
            ", the edge function's redirects put back"
        } else {
            ""
        };
        log::info(&format!(
            "rolled back to publish {}: {} object(s) restored, {} deleted{edge}{invalidated}{recorded}",
            self.rollback_to, self.restored, self.deleted
        ));
        Ok(())
    }
}

fn print_dry_run(number: u64, plan: &RollbackPlan, prefix: &str, json: bool) -> Result<()> {
    if json {
        let report = serde_json::json!({
            "dry_run": true,
            "rollback_to": number,
            "plan": plan,
            "changed_paths": plan.changed_paths(prefix),
        });
        println!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(());
    }
    for r in &plan.restores {
        println!("restore {}  (version {})", r.key, r.version_id);
    }
    for key in &plan.deletes {
        println!("delete  {key}");
    }
    println!(
        "rollback to publish {number}: {} to restore, {} to delete, {} unchanged (dry run: nothing was changed)",
        plan.restores.len(),
        plan.deletes.len(),
        plan.kept
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::publish::history::Entry;
    use crate::publish::versions::LiveVersion;

    fn listing(live: &[(&str, &str)], stored: &[(&str, &str, u64)]) -> VersionListing {
        let mut out = VersionListing::default();
        for (key, version_id) in live {
            let version = LiveVersion {
                version_id: version_id.to_string(),
                etag: String::new(),
            };
            out.live.insert(key.to_string(), version);
        }
        let live_stored = live.iter().map(|(k, v)| (*k, *v, 1));
        for (key, version_id, size) in stored.iter().copied().chain(live_stored) {
            (out.stored.entry(key.to_string()).or_default()).insert(version_id.to_string(), size);
        }
        out
    }

    fn record(versions: &[(&str, &str)]) -> Record {
        Record {
            version: 1,
            number: 1,
            versions: versions
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            manifest_etag: None,
            edge: None,
        }
    }

    #[test]
    fn restores_in_publish_order_and_deletes_what_the_old_publish_lacked() {
        let now = listing(
            &[
                ("s/index.html", "b1"),
                ("s/style.css", "b2"),
                ("s/new.html", "b3"),
                ("s/logo.svg", "a4"),
                ("s/.ssg-manifest.json", "b5"),
                ("s/.ssg-manifest/000-x.json.gz", "b6"),
                ("s/.ssg-publish.lock", "l"),
                ("s/.ssg-history/index.json.gz", "h"),
            ],
            &[
                ("s/index.html", "a1", 10),
                ("s/style.css", "a2", 10),
                ("s/old.html", "a3", 10),
                ("s/.ssg-manifest.json", "a5", 10),
                ("s/.ssg-manifest/000-y.json.gz", "a6", 10),
            ],
        );
        let old = record(&[
            ("index.html", "a1"),
            ("style.css", "a2"),
            ("old.html", "a3"),
            ("logo.svg", "a4"),
            (".ssg-manifest.json", "a5"),
            (".ssg-manifest/000-y.json.gz", "a6"),
        ]);
        let plan = plan("s/", &old, &now).unwrap();
        let order: Vec<&str> = plan.restores.iter().map(|r| r.key.as_str()).collect();
        assert_eq!(
            order,
            [
                "s/style.css",
                "s/index.html",
                "s/old.html",
                "s/.ssg-manifest/000-y.json.gz",
                "s/.ssg-manifest.json"
            ]
        );
        assert_eq!(
            plan.deletes,
            ["s/.ssg-manifest/000-x.json.gz", "s/new.html"]
        );
        assert_eq!(plan.kept, 1);
        // old.html comes back where nothing is cached; new.html goes.
        assert_eq!(
            plan.changed_paths("s/"),
            ["style.css", "index.html", "new.html"]
        );
    }

    #[test]
    fn a_version_gone_fails_the_whole_plan() {
        let now = listing(&[("index.html", "b1")], &[]);
        let err = plan("", &record(&[("index.html", "a1")]), &now).unwrap_err();
        assert!(err.contains("index.html version a1 is gone"), "{err}");
    }

    #[test]
    fn the_previous_publish_is_the_one_before_the_live_one() {
        let entry = |number, versioned| Entry {
            number,
            time: String::new(),
            who: String::new(),
            files: 1,
            versioned,
            rollback_to: None,
        };
        let index = Index {
            version: 1,
            publishes: vec![entry(1, false), entry(2, true), entry(3, true)],
        };
        assert_eq!(choose(&index, None, "b").unwrap(), Some(2));
        assert_eq!(choose(&index, Some(3), "b").unwrap(), None);
        let off = choose(&index, Some(1), "b").unwrap_err().to_string();
        assert!(off.contains("versioning was off"), "{off}");
        assert!(choose(&index, Some(9), "b").is_err());
        let single = Index {
            version: 1,
            publishes: vec![entry(1, true)],
        };
        assert!(choose(&single, None, "b").is_err());
    }
}
