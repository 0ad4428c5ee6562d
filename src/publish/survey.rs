//! The bucket as a publish finds it at the start, and the plan made from
//! it. The bucket is surveyed by listing it and reading the manifest it
//! holds, or — when the root's ETag is still the one this machine's last
//! publish left (`last_publish.rs`) — from that publish's manifest, with
//! one HEAD.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use anyhow::{Context as _, Result};
use rustc_hash::FxHashSet;

use super::cloud::{Cloud, Condition};
use super::invalidate;
use super::job::Job;
use super::keys::{SHARD_DIR, manifest_key};
use super::last_publish::LastPublish;
use super::lease::Lease;
use super::plan::{self, Headers, Manifest, Plan, Remote, RemoteObject};
use super::report::Report;
use super::shards::{self, Root, Stored};
use crate::config::PublishConfig;
use crate::log;

/// The remote side as found at the start, and the plan made from it.
pub struct Survey {
    /// The listing of the bucket; empty where the last publish's manifest
    /// stands in for it.
    pub listing: Vec<RemoteObject>,
    pub manifest: RemoteManifest,
    /// Whether the bucket was listed (else the last publish's manifest,
    /// which the root's ETag vouched for, stands in for a listing).
    pub listed: bool,
    pub plan: Plan,
    pub invalidation: Vec<String>,
}

/// The manifest as found at the start.
pub struct RemoteManifest {
    pub content: Arc<Manifest>,
    /// The version (ETag) of the root read: the one it may be replaced over.
    pub etag: Option<String>,
    /// The root in the sharded form; `None` for no manifest or the
    /// single-file form of earlier versions.
    pub root: Option<Root>,
    /// Shard keys known whole in the bucket: the next root may name them
    /// without writing them again.
    pub present: HashSet<String>,
    /// Shard keys in the bucket that the root does not name (a killed run's).
    pub orphans: Vec<String>,
}

impl RemoteManifest {
    fn empty() -> RemoteManifest {
        RemoteManifest {
            content: Arc::default(),
            etag: None,
            root: None,
            present: HashSet::new(),
            orphans: Vec::new(),
        }
    }

    /// The manifest of this machine's last publish, the root's ETag being
    /// the one it left.
    fn from_last_publish(last: &LastPublish, prefix: &str) -> RemoteManifest {
        RemoteManifest {
            content: Arc::clone(&last.manifest),
            etag: Some(last.root_etag.clone()),
            present: last.root.shard_keys(prefix).into_iter().collect(),
            root: Some(last.root.clone()),
            orphans: Vec::new(),
        }
    }

    /// Reads the root and the shards it names that the listing shows, in
    /// parallel — except those this machine's last publish holds (a
    /// shard's name is its content's hash). An unreadable or damaged part
    /// counts as absent: its entries are then untrusted, never wrong.
    async fn read(
        cloud: &Arc<Cloud>,
        prefix: &str,
        listing: &[RemoteObject],
        last: Option<&LastPublish>,
    ) -> RemoteManifest {
        let shard_dir = format!("{prefix}{SHARD_DIR}");
        let listed_shards: HashSet<&str> = listing
            .iter()
            .map(|r| r.key.as_str())
            .filter(|k| k.starts_with(&shard_dir))
            .collect();
        let Ok(Some(found)) = cloud.get(&manifest_key(prefix)).await else {
            return RemoteManifest {
                orphans: listed_shards.iter().map(|k| k.to_string()).collect(),
                ..RemoteManifest::empty()
            };
        };
        let root = match shards::decode_root(&found.body) {
            Stored::Legacy(manifest) => {
                return RemoteManifest {
                    content: Arc::new(manifest),
                    etag: Some(found.etag),
                    orphans: listed_shards.iter().map(|k| k.to_string()).collect(),
                    ..RemoteManifest::empty()
                };
            }
            Stored::Sharded(root) => root,
        };
        let mut read = RemoteManifest {
            etag: Some(found.etag),
            ..RemoteManifest::empty()
        };
        let mut manifest = Manifest {
            version: 1,
            ..Default::default()
        };
        let mut known = last
            .filter(|m| m.root.shards.len() == root.shards.len())
            .map(|m| shards::split(&m.manifest, root.shards.len()))
            .unwrap_or_default();
        let mut tasks = tokio::task::JoinSet::new();
        for (index, shard) in root.shards.iter().enumerate() {
            let key = shards::shard_key(prefix, index, &shard.hash);
            if shard.entries == 0 || !listed_shards.contains(key.as_str()) {
                continue;
            }
            let as_last_left = last.is_some_and(|m| m.root.shards.get(index) == Some(shard));
            if let Some(objects) = known.get_mut(index).filter(|_| as_last_left) {
                manifest.objects.append(objects);
                read.present.insert(key);
                continue;
            }
            let (cloud, hash) = (Arc::clone(cloud), shard.hash.clone());
            tasks.spawn(async move {
                let objects = match cloud.get(&key).await {
                    Ok(Some(f)) => shards::decode_shard(&f.body, &hash),
                    _ => None,
                };
                (key, objects)
            });
        }
        while let Some(joined) = tasks.join_next().await {
            let Ok((key, Some(objects))) = joined else {
                continue;
            };
            manifest.objects.extend(objects);
            read.present.insert(key);
        }
        let named: HashSet<String> = root.shard_keys(prefix).into_iter().collect();
        read.orphans = listed_shards
            .into_iter()
            .filter(|k| !named.contains(*k))
            .map(String::from)
            .collect();
        read.root = Some(root);
        read.content = Arc::new(manifest);
        read
    }

    /// The condition the root is written under: the version read at the
    /// start (or none there), so a publish that changed it meanwhile is
    /// never silently overwritten.
    pub fn condition(&self, lease: &Lease) -> Condition {
        match &self.etag {
            _ if !lease.conditional() => Condition::None,
            Some(etag) => Condition::Matches(etag.clone()),
            None => Condition::Absent,
        }
    }
}

impl Survey {
    /// The last publish's manifest, if the root's ETag is still the one it
    /// left (one HEAD; never with `--verify`), else a listing of the bucket
    /// and the manifest read from it.
    pub async fn take(job: &Job<'_>) -> Result<Survey> {
        if let Some(survey) = Survey::from_last_publish(job).await? {
            return Ok(survey);
        }
        Survey::listed(job).await
    }

    /// The survey from a listing of the bucket and the manifest read from
    /// it (shards the last publish holds are not downloaded again).
    async fn listed(job: &Job<'_>) -> Result<Survey> {
        let listing = job.cloud.list(job.prefix).await?;
        let manifest =
            RemoteManifest::read(job.cloud, job.prefix, &listing, job.last_publish()).await;
        let mut survey = Survey::new(job, listing, manifest, true);
        survey.check_unverified_headers(job).await?;
        Ok(survey)
    }

    /// Reads the headers of the objects the plan kept on their ETag alone
    /// (one HEAD each, `concurrency` at a time) and uploads again those
    /// that differ from what the rules give them: the manifest then never
    /// records headers the bucket does not have. This costs requests only
    /// where no manifest entry vouches for an object: a bucket another
    /// tool (`hugo deploy`, `aws s3 sync`) filled, or a lost manifest.
    async fn check_unverified_headers(&mut self, job: &Job<'_>) -> Result<()> {
        if self.plan.unverified.is_empty() {
            return Ok(());
        }
        log::verbose_timed(&format!(
            "publish: reading the headers of {} object(s) no manifest entry vouches for",
            self.plan.unverified.len()
        ));
        let wanted: HashMap<&str, &Headers> = (job.local.iter())
            .map(|o| (o.key.as_str(), o.headers.as_ref()))
            .collect();
        let semaphore = Arc::new(tokio::sync::Semaphore::new(job.config.concurrency.max(1)));
        let mut tasks = tokio::task::JoinSet::new();
        for key in self.plan.unverified.clone() {
            let (cloud, semaphore) = (Arc::clone(job.cloud), Arc::clone(&semaphore));
            tasks.spawn(async move {
                let _permit = semaphore.acquire_owned().await;
                let found = cloud.headers(&key).await;
                (key, found)
            });
        }
        let mut differ = Vec::new();
        while let Some(joined) = tasks.join_next().await {
            let (key, found) = joined.context("reading an object's headers")?;
            if found?.as_ref() != wanted.get(key.as_str()).copied() {
                differ.push(key);
            }
        }
        let keys: FxHashSet<&str> = differ.iter().map(String::as_str).collect();
        self.plan.upload_for_headers(job.local, &keys);
        self.invalidation = invalidate::paths_for_plan(
            job.config,
            job.opts,
            &self.plan,
            job.prefix,
            job.local.len(),
        );
        Ok(())
    }

    /// This survey from the last publish's manifest if the root is still
    /// the version it was made from (one HEAD, now that the lease is
    /// held), else a listing: another publish may have run before the lease.
    pub async fn confirmed(self, job: &Job<'_>) -> Result<Survey> {
        if job.cloud.head(&manifest_key(job.prefix)).await? == self.manifest.etag {
            return Ok(self);
        }
        log::verbose_timed(
            "publish: the manifest changed before the lease was taken: listing the bucket",
        );
        Survey::listed(job).await
    }

    /// The survey from the last publish's manifest, when the root is still
    /// the version it left; `None` (and nothing but a HEAD sent) otherwise.
    pub async fn from_last_publish(job: &Job<'_>) -> Result<Option<Survey>> {
        let Some(last) = job.last_publish().filter(|_| !job.opts.verify) else {
            return Ok(None);
        };
        let now = job.cloud.head(&manifest_key(job.prefix)).await?;
        if now.as_deref() != Some(last.root_etag.as_str()) {
            log::verbose_timed(
                "publish: the manifest changed since this machine's last publish: listing the bucket",
            );
            return Ok(None);
        }
        log::verbose_timed(
            "publish: the manifest is as this machine's last publish left it: planning from it, no listing (--verify lists)",
        );
        let manifest = RemoteManifest::from_last_publish(last, job.prefix);
        // The manifest stands in for the listing (`plan::Remote::Manifest`).
        Ok(Some(Survey::new(job, Vec::new(), manifest, false)))
    }

    fn new(
        job: &Job<'_>,
        listing: Vec<RemoteObject>,
        manifest: RemoteManifest,
        listed: bool,
    ) -> Survey {
        let Job {
            config,
            prefix,
            local,
            opts,
            ..
        } = *job;
        let plan = plan::plan_against(
            local,
            remote_of(&listing, listed),
            &manifest.content,
            prefix,
        );
        let invalidation = job.cached_paths(invalidate::paths_for_plan(
            config,
            opts,
            &plan,
            prefix,
            local.len(),
        ));
        Survey {
            listing,
            manifest,
            listed,
            plan,
            invalidation,
        }
    }

    /// The bucket's objects as this survey found them.
    pub fn remote(&self) -> Remote<'_> {
        remote_of(&self.listing, self.listed)
    }

    pub fn report<'a>(&'a self, config: &'a PublishConfig, prefix: &'a str) -> Report<'a> {
        Report {
            config,
            prefix,
            listed: self.listed,
            plan: &self.plan,
            invalidation: &self.invalidation,
            edge_function: None,
            function_update: None,
        }
    }
}

/// The bucket's objects as a survey found them: its listing, or the last
/// publish's manifest that stands in for one.
fn remote_of(listing: &[RemoteObject], listed: bool) -> Remote<'_> {
    if listed {
        Remote::Listed(listing)
    } else {
        Remote::Manifest
    }
}
