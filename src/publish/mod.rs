//! `ssg publish`: the built site synced to S3 by content diff, then one
//! CloudFront invalidation covering exactly what changed.
//!
//! Order of execution: the lease (one publish at a time, `lease.rs`), then
//! the manifest's root marked "under way" (`shards.rs`), then new and
//! changed assets, then pages, feeds and the sitemap, then the manifest's
//! changed shards and its root (only over the version read at the start),
//! then deletes, then the invalidation, then the lease is given back — so a
//! visitor never gets a page whose assets are missing, and a failed or
//! overtaken run deletes nothing.
//!
//! The remote side is surveyed by listing the bucket, or — when the root's
//! ETag is still the one this machine's last publish left (`memory.rs`) —
//! from the manifest remembered here, with one HEAD. A publish that then
//! finds nothing to do takes no lease and writes nothing.

pub mod checksum;
pub mod cloud;
pub mod invalidate;
pub mod lease;
pub mod memory;
pub mod plan;
pub mod rules;
pub mod shards;

use std::collections::{HashMap, HashSet};
use std::io::{IsTerminal, Write as _};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, anyhow, bail};
use base64::Engine as _;
use md5::{Digest, Md5};
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;

use crate::config::{Config, PublishConfig};
use crate::output::listing;
use crate::{layout, log, urlpath};
use checksum::Checksum;
use cloud::{Cloud, Condition, WriteError};
use lease::Lease;
use memory::{Memory, Stamp, Stamps, Target};
use plan::{Body, Headers, LocalObject, Manifest, ManifestEntry, Plan, Reason};
use rules::Rules;
use shards::{Root, Stored};

pub fn md5_hex(bytes: &[u8]) -> String {
    Checksum::md5_of(bytes).to_string()
}

pub fn md5_base64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(Md5::digest(bytes))
}

/// Gzip with a fixed header (no name, no time): same input, same bytes.
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    use flate2::{Compression, GzBuilder};
    let mut encoder = GzBuilder::new()
        .mtime(0)
        .write(Vec::new(), Compression::best());
    // Writing to a Vec cannot fail.
    let _ = encoder.write_all(bytes);
    encoder.finish().unwrap_or_default()
}

#[derive(Debug, Clone, Default)]
pub struct PublishOptions {
    pub dry_run: bool,
    pub json: bool,
    pub force: bool,
    pub no_invalidate: bool,
    pub wait: bool,
    /// Fail instead of waiting when another publish holds the lease.
    pub no_wait: bool,
    /// List the bucket even when the manifest is as this machine left it.
    pub verify: bool,
    pub profile: Option<String>,
}

/// The key prefix, validated: no `..`, no leading `/`, ends with `/` when set.
pub fn normalize_prefix(prefix: &str) -> Result<String> {
    let trimmed = prefix.trim().trim_matches('/');
    if trimmed.is_empty() {
        return Ok(String::new());
    }
    if trimmed
        .split('/')
        .any(|s| s == ".." || s == "." || s.is_empty())
        || trimmed.contains('\\')
    {
        bail!(
            "[publish] prefix \"{prefix}\" must be a plain folder path like \"site/\" (no `..`, `.` or empty parts)"
        );
    }
    Ok(format!("{trimmed}/"))
}

/// The output folder as read for a publish.
pub struct LocalSite {
    pub objects: Vec<LocalObject>,
    /// The stamps of this reading.
    pub stamps: Stamps,
    /// Whether `stamps` differ from the ones the reading started from.
    pub restamped: bool,
    /// How many files were read and hashed (the others had a stamp).
    pub hashed: usize,
}

/// Reads the output folder into objects with their hashes and headers.
/// A file whose stamp in `remembered` still holds takes its hash from the
/// stamp; the others are read and hashed. Bytes stay on disk until they
/// are uploaded. Folders the stamps' listing remembers are not read again
/// (`output::listing`). The stamps returned are `remembered` brought up to
/// date in place: at 100,000 posts they are 144,000 entries, of which a
/// publish after one edit changes a few.
pub fn local_objects(
    out_dir: &Path,
    prefix: &str,
    rules: &Rules,
    directory_keys: bool,
    remembered: Option<Stamps>,
) -> Result<LocalSite> {
    let mut stamps = remembered.unwrap_or_default();
    let listing = stamps.take_listing();
    let listed = listing::list(out_dir, &layout::is_unpublished, Some(listing))
        .with_context(|| format!("cannot read {}", out_dir.display()))?;
    log::verbose_timed(&format!(
        "publish: listed {} output files, {} folder(s) read (the others as the last publish listed them)",
        listed.files.len(),
        listed.folders_read
    ));
    let root: Arc<Path> = Arc::from(out_dir);
    let headers = HeaderSets::new();
    let read: Vec<(LocalObject, Option<Stamp>)> = listed
        .files
        .into_par_iter()
        .map_init(FxHashMap::default, |seen, (rel, id)| {
            let rule = rules.matching(&rel);
            let gzip = rule.is_some_and(|(_, r)| r.gzip);
            let (md5, size, hashed) = match stamps.get(&rel, &id, gzip) {
                Some(stamp) => (stamp.md5.clone(), stamp.size, false),
                None => {
                    let file = out_dir.join(&rel);
                    let raw = std::fs::read(&file)
                        .with_context(|| format!("cannot read {}", file.display()))?;
                    let body = if gzip { self::gzip(&raw) } else { raw };
                    (Checksum::md5_of(&body), body.len() as u64, true)
                }
            };
            let stamp = hashed.then(|| Stamp {
                id,
                gzip,
                md5: md5.clone(),
                size,
            });
            let object = LocalObject {
                key: format!("{prefix}{rel}"),
                headers: headers.of(&rel, rule, seen),
                body: Body::OnDisk {
                    root: Arc::clone(&root),
                    file: rel.clone(),
                    gzip,
                    size,
                },
                path: rel,
                md5,
            };
            Ok((object, stamp))
        })
        .collect::<Result<_>>()?;
    let mut objects = Vec::with_capacity(read.len());
    let mut hashed = 0;
    for (object, stamp) in read {
        if let Some(stamp) = stamp {
            stamps.files.insert(object.path.clone(), stamp);
            hashed += 1;
        }
        objects.push(object);
    }
    // Every file listed has a stamp now: more stamps means files are gone.
    let gone = stamps.files.len() > objects.len();
    if gone {
        let listed: FxHashSet<&str> = objects.iter().map(|o| o.path.as_str()).collect();
        stamps
            .files
            .retain(|path, _| listed.contains(path.as_str()));
    }
    stamps.folders = listed.listing;
    if directory_keys {
        let copies: Vec<LocalObject> = objects
            .iter()
            .filter_map(|o| {
                let dir = urlpath::directory_key(&o.path)?;
                Some(LocalObject {
                    key: format!("{prefix}{dir}"),
                    path: dir,
                    ..o.clone()
                })
            })
            .collect();
        objects.extend(copies);
    }
    Ok(LocalSite {
        restamped: listed.changed || hashed > 0 || gone,
        hashed,
        objects,
        stamps,
    })
}

/// The headers of each rule and content type, made once and shared: a
/// site has a handful of distinct sets and up to hundreds of thousands of
/// objects.
struct HeaderSets {
    made: std::sync::Mutex<FxHashMap<HeadersOf, Arc<Headers>>>,
}

/// What an object's headers depend on: the rule that matched its path (by
/// position) and the content type of its name.
type HeadersOf = (Option<usize>, &'static str);

impl HeaderSets {
    fn new() -> HeaderSets {
        HeaderSets {
            made: std::sync::Mutex::default(),
        }
    }

    /// The headers of the file at `path`, which `rule` matched; looked up
    /// in the calling thread's `seen` first, so threads rarely wait.
    fn of(
        &self,
        path: &str,
        rule: Option<(usize, &crate::config::PublishRule)>,
        seen: &mut FxHashMap<HeadersOf, Arc<Headers>>,
    ) -> Arc<Headers> {
        let content_type = crate::mime::content_type(path);
        let of = (rule.map(|(index, _)| index), content_type);
        let headers = seen.entry(of).or_insert_with(|| {
            let mut made = self.made.lock().unwrap_or_else(|e| e.into_inner());
            let rule = rule.map(|(_, r)| r);
            Arc::clone(made.entry(of).or_insert_with(|| {
                Arc::new(Headers {
                    content_type: rule
                        .and_then(|r| r.content_type.clone())
                        .unwrap_or_else(|| content_type.to_string()),
                    cache_control: rule.and_then(|r| r.cache_control.clone()),
                    content_encoding: rule.is_some_and(|r| r.gzip).then(|| "gzip".to_string()),
                })
            }))
        });
        Arc::clone(headers)
    }
}

#[derive(Debug, Default, Serialize)]
pub struct Outcome {
    pub uploaded: usize,
    pub uploaded_bytes: u64,
    pub deleted: usize,
    pub unchanged: usize,
    pub failed: Vec<String>,
    pub invalidation_id: Option<String>,
    pub invalidation_paths: Vec<String>,
    pub seconds: f64,
}

#[derive(Serialize)]
struct JsonReport<'a> {
    bucket: &'a str,
    prefix: &'a str,
    dry_run: bool,
    /// Whether the plan was made from a listing of the bucket (false: from
    /// the manifest this machine's last publish left, unchanged since).
    listed: bool,
    plan: &'a Plan,
    invalidation_paths: &'a [String],
    result: Option<&'a Outcome>,
}

fn human_bytes(n: u64) -> String {
    if n >= 1024 * 1024 {
        format!("{:.1} MB", n as f64 / (1024.0 * 1024.0))
    } else if n >= 1024 {
        format!("{:.1} KB", n as f64 / 1024.0)
    } else {
        format!("{n} B")
    }
}

fn print_plan(plan: &Plan, invalidation: &[String]) {
    for u in &plan.uploads {
        let reason = match u.reason {
            Reason::New => "new",
            Reason::Changed => "changed",
            Reason::Headers => "headers",
        };
        println!(
            "upload  {:<8} {:>10}  {}",
            reason,
            human_bytes(u.size),
            u.key
        );
    }
    for d in &plan.deletes {
        println!(
            "delete  {:<8} {:>10}  {}",
            "removed",
            human_bytes(d.size),
            d.key
        );
    }
    println!(
        "{} to upload ({}), {} to delete, {} unchanged",
        plan.uploads.len(),
        human_bytes(plan.upload_bytes()),
        plan.deletes.len(),
        plan.unchanged.len()
    );
    if !invalidation.is_empty() {
        println!(
            "invalidation: {} path(s): {}",
            invalidation.len(),
            invalidation.join(" ")
        );
    }
}

/// Publishes the built site of `root`. Returns the outcome (also on a dry run).
pub fn publish(root: &Path, config: &Config, opts: &PublishOptions) -> Result<Outcome> {
    let started = Instant::now();
    let publish = config.publish.as_ref().ok_or_else(|| {
        anyhow!("ssg.toml has no [publish] section; add one with at least `bucket = \"my-bucket\"`")
    })?;
    if publish.bucket.trim().is_empty() {
        bail!("[publish] bucket is empty in ssg.toml");
    }
    let prefix = normalize_prefix(&publish.prefix)?;
    let rules = Rules::new(&publish.rules).map_err(|e| anyhow!("ssg.toml: {e}"))?;
    let out_dir = config.output_dir(root, None);
    let dir = root.join(crate::cache::DIR_NAME);
    let target = Target::new(&publish.bucket, &prefix, &publish.endpoint);
    // With --verify, still used for the shards it holds (named by hash),
    // but every output file is hashed again.
    let mut memory = memory::load(&dir, &target);
    log::verbose_timed(&format!(
        "publish: {} memory of the last publish to this target",
        if memory.is_some() { "read the" } else { "no" }
    ));
    let remembered = (memory.as_mut())
        .filter(|_| !opts.verify)
        .map(|m| std::mem::take(&mut m.stamps));
    let LocalSite {
        objects: mut local,
        stamps,
        restamped,
        hashed,
    } = if out_dir.is_dir() {
        local_objects(
            &out_dir,
            &prefix,
            &rules,
            publish.directory_keys,
            remembered,
        )?
    } else {
        LocalSite {
            objects: Vec::new(),
            stamps: Stamps::default(),
            restamped: true,
            hashed: 0,
        }
    };
    log::verbose_timed(&format!(
        "publish: {} of {} output files read and hashed (the others as the last publish stamped them)",
        hashed,
        local.len()
    ));
    // A file at the manifest's or the lock's key would clobber ssg's own.
    local.retain(|o| !plan::is_reserved(&o.key, &prefix));
    if local.is_empty() {
        bail!(
            "{} is empty or missing: run `ssg build` first (an empty site is never published, it would delete everything)",
            out_dir.strip_prefix(root).unwrap_or(&out_dir).display()
        );
    }

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let recall = Recall {
        dir,
        target,
        memory,
        stamps,
        restamped,
    };
    let outcome = runtime.block_on(run(publish, &prefix, &local, opts, started, &recall));
    free_in_background((local, recall));
    outcome
}

/// Frees `value` on a thread of its own. What a publish of 100,000 posts
/// holds (its objects, stamps, manifests) took a tenth of a second to
/// free, after the work was done; the command ends without waiting.
fn free_in_background<T: Send + 'static>(value: T) {
    std::thread::spawn(move || drop(value));
}

/// What this machine remembers of its last publish to the target, and
/// where; the output files' stamps as read by this run.
struct Recall {
    dir: PathBuf,
    target: Target,
    memory: Option<Memory>,
    stamps: Stamps,
    /// Whether `stamps` differ from the memory's.
    restamped: bool,
}

async fn run(
    config: &PublishConfig,
    prefix: &str,
    local: &[LocalObject],
    opts: &PublishOptions,
    started: Instant,
    recall: &Recall,
) -> Result<Outcome> {
    let cloud = Arc::new(Cloud::connect(config, opts.profile.as_deref()).await);
    let lock_key = format!("{prefix}{}", plan::LOCK_NAME);
    let memory = recall.memory.as_ref();
    let scope = Scope {
        cloud: &cloud,
        config,
        prefix,
        local,
        opts,
        memory,
    };
    if opts.dry_run {
        // A dry run writes nothing, so it takes no lease; it only tells.
        if let Some(note) = lease::describe_holder(&cloud, &lock_key).await {
            log::info(&note);
        }
        let survey = Survey::take(&scope).await?;
        survey.report(config, prefix).dry_run(opts.json)?;
        return Ok(Outcome {
            unchanged: survey.plan.unchanged.len(),
            seconds: started.elapsed().as_secs_f64(),
            ..Default::default()
        });
    }
    // The bucket as this machine left it and nothing to do: no lease, no
    // write, one HEAD in all.
    let remembered = Survey::remembered(&scope).await?;
    if let Some(survey) = &remembered
        && survey.plan.is_empty()
    {
        if let Some(m) = memory
            && recall.restamped
        {
            // Files rewritten with the same bytes: hashed once, not every time.
            memory::save(
                &recall.dir,
                &recall.target,
                &m.root_etag,
                &m.root,
                &m.manifest,
                &recall.stamps,
            );
        }
        let outcome = Outcome {
            unchanged: survey.plan.unchanged.len(),
            seconds: started.elapsed().as_secs_f64(),
            ..Default::default()
        };
        survey.report(config, prefix).done(&outcome, opts.json)?;
        return Ok(outcome);
    }
    let lease = Lease::acquire(
        &cloud,
        &lock_key,
        Duration::from_secs(config.lease_timeout),
        opts.no_wait,
    )
    .await?;
    // Ctrl-C gives the lease back instead of leaving it to go stale.
    let result = tokio::select! {
        result = sync(&cloud, &lease, config, prefix, local, opts, started, recall, remembered) => result,
        () = interrupted() => Err(anyhow!(
            "interrupted (the lease was given back); run `ssg publish` again to finish"
        )),
    };
    lease.release(&cloud).await;
    result
}

/// Resolves on Ctrl-C (never, where the signal cannot be watched).
async fn interrupted() {
    if tokio::signal::ctrl_c().await.is_err() {
        std::future::pending::<()>().await;
    }
}

/// The remote side as found at the start, and the plan made from it.
struct Survey {
    /// The listing of the bucket; empty where the remembered manifest
    /// stands in for it.
    remote: Vec<plan::RemoteObject>,
    recorded: Recorded,
    /// Whether the bucket was listed (else the remembered manifest, which
    /// the root's ETag vouched for, stands in for a listing).
    listed: bool,
    plan: Plan,
    invalidation: Vec<String>,
}

/// The manifest as found at the start.
struct Recorded {
    manifest: Arc<Manifest>,
    /// The version (ETag) of the root read: the one it may be replaced over.
    etag: Option<String>,
    /// The root in the sharded form; `None` for no manifest or the
    /// single-file form of earlier versions.
    root: Option<Root>,
    /// Shard keys known whole in the bucket: the next root may name them
    /// without writing them again.
    present: HashSet<String>,
    /// Shard keys in the bucket that the root does not name (a killed run's).
    orphans: Vec<String>,
}

impl Recorded {
    fn empty() -> Recorded {
        Recorded {
            manifest: Arc::default(),
            etag: None,
            root: None,
            present: HashSet::new(),
            orphans: Vec::new(),
        }
    }

    /// The manifest this machine remembers, the root's ETag being the one
    /// remembered.
    fn remembered(memory: &Memory, prefix: &str) -> Recorded {
        Recorded {
            manifest: Arc::clone(&memory.manifest),
            etag: Some(memory.root_etag.clone()),
            present: memory.root.shard_keys(prefix).into_iter().collect(),
            root: Some(memory.root.clone()),
            orphans: Vec::new(),
        }
    }

    /// Reads the root and the shards it names that the listing shows, in
    /// parallel — except those this machine remembers (a shard's name is
    /// its content's hash). An unreadable or damaged part counts as absent:
    /// its entries are then untrusted, never wrong.
    async fn read(
        cloud: &Arc<Cloud>,
        prefix: &str,
        listing: &[plan::RemoteObject],
        memory: Option<&Memory>,
    ) -> Recorded {
        let shard_dir = format!("{prefix}{}", shards::SHARD_DIR);
        let listed_shards: HashSet<&str> = listing
            .iter()
            .map(|r| r.key.as_str())
            .filter(|k| k.starts_with(&shard_dir))
            .collect();
        let Ok(Some(found)) = cloud.get(&manifest_key(prefix)).await else {
            return Recorded {
                orphans: listed_shards.iter().map(|k| k.to_string()).collect(),
                ..Recorded::empty()
            };
        };
        let root = match shards::decode_root(&found.body) {
            Stored::Legacy(manifest) => {
                return Recorded {
                    manifest: Arc::new(manifest),
                    etag: Some(found.etag),
                    orphans: listed_shards.iter().map(|k| k.to_string()).collect(),
                    ..Recorded::empty()
                };
            }
            Stored::Sharded(root) => root,
        };
        let mut recorded = Recorded {
            etag: Some(found.etag),
            ..Recorded::empty()
        };
        let mut manifest = Manifest {
            version: 1,
            ..Default::default()
        };
        let mut known = memory
            .filter(|m| m.root.shards.len() == root.shards.len())
            .map(|m| shards::split(&m.manifest, root.shards.len()))
            .unwrap_or_default();
        let mut tasks = tokio::task::JoinSet::new();
        for (index, shard) in root.shards.iter().enumerate() {
            let key = shards::shard_key(prefix, index, &shard.hash);
            if shard.entries == 0 || !listed_shards.contains(key.as_str()) {
                continue;
            }
            let remembered = memory.is_some_and(|m| m.root.shards.get(index) == Some(shard));
            if let Some(objects) = known.get_mut(index).filter(|_| remembered) {
                manifest.objects.append(objects);
                recorded.present.insert(key);
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
            recorded.present.insert(key);
        }
        let named: HashSet<String> = root.shard_keys(prefix).into_iter().collect();
        recorded.orphans = listed_shards
            .into_iter()
            .filter(|k| !named.contains(*k))
            .map(String::from)
            .collect();
        recorded.root = Some(root);
        recorded.manifest = Arc::new(manifest);
        recorded
    }

    /// The condition the root is written under: the version read at the
    /// start (or none there), so a publish that changed it meanwhile is
    /// never silently overwritten.
    fn condition(&self, lease: &Lease) -> Condition {
        match &self.etag {
            _ if !lease.conditional() => Condition::None,
            Some(etag) => Condition::Matches(etag.clone()),
            None => Condition::Absent,
        }
    }
}

/// What a survey is taken against: the bucket, the publish settings, the
/// local objects, and what this machine remembers of its last publish.
struct Scope<'a> {
    cloud: &'a Arc<Cloud>,
    config: &'a PublishConfig,
    prefix: &'a str,
    local: &'a [LocalObject],
    opts: &'a PublishOptions,
    memory: Option<&'a Memory>,
}

impl Survey {
    /// The remembered manifest, if the root's ETag is still the one
    /// remembered (one HEAD; never with `--verify`), else a listing of the
    /// bucket and the manifest read from it.
    async fn take(scope: &Scope<'_>) -> Result<Survey> {
        if let Some(survey) = Survey::remembered(scope).await? {
            return Ok(survey);
        }
        Survey::listed(scope).await
    }

    /// The survey from a listing of the bucket and the manifest read from
    /// it (shards the memory holds are not downloaded again).
    async fn listed(scope: &Scope<'_>) -> Result<Survey> {
        let remote = scope.cloud.list(scope.prefix).await?;
        let recorded = Recorded::read(scope.cloud, scope.prefix, &remote, scope.memory).await;
        let mut survey = Survey::new(scope, remote, recorded, true);
        survey.check_unverified_headers(scope).await?;
        Ok(survey)
    }

    /// Reads the headers of the objects the plan kept on their ETag alone
    /// (one HEAD each, `concurrency` at a time) and uploads again those
    /// that differ from what the rules give them: the manifest then never
    /// records headers the bucket does not have. This costs requests only
    /// where no manifest entry vouches for an object: a bucket another
    /// tool (`hugo deploy`, `aws s3 sync`) filled, or a lost manifest.
    async fn check_unverified_headers(&mut self, scope: &Scope<'_>) -> Result<()> {
        if self.plan.unverified.is_empty() {
            return Ok(());
        }
        log::verbose_timed(&format!(
            "publish: reading the headers of {} object(s) no manifest entry vouches for",
            self.plan.unverified.len()
        ));
        let wanted: HashMap<&str, &plan::Headers> = (scope.local.iter())
            .map(|o| (o.key.as_str(), o.headers.as_ref()))
            .collect();
        let semaphore = Arc::new(tokio::sync::Semaphore::new(scope.config.concurrency.max(1)));
        let mut tasks = tokio::task::JoinSet::new();
        for key in self.plan.unverified.clone() {
            let (cloud, semaphore) = (Arc::clone(scope.cloud), Arc::clone(&semaphore));
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
        let keys: rustc_hash::FxHashSet<&str> = differ.iter().map(String::as_str).collect();
        self.plan.upload_for_headers(scope.local, &keys);
        self.invalidation = invalidation_paths(
            scope.config,
            scope.opts,
            &self.plan,
            scope.prefix,
            scope.local.len(),
        );
        Ok(())
    }

    /// This survey from the remembered manifest if the root is still the
    /// version it was made from (one HEAD, now that the lease is held),
    /// else a listing: another publish may have run before the lease.
    async fn confirmed(self, scope: &Scope<'_>) -> Result<Survey> {
        if scope.cloud.head(&manifest_key(scope.prefix)).await? == self.recorded.etag {
            return Ok(self);
        }
        log::verbose_timed(
            "publish: the manifest changed before the lease was taken: listing the bucket",
        );
        Survey::listed(scope).await
    }

    /// The survey from the remembered manifest, when the root is still the
    /// version remembered; `None` (and nothing but a HEAD sent) otherwise.
    async fn remembered(scope: &Scope<'_>) -> Result<Option<Survey>> {
        let Some(memory) = scope.memory.filter(|_| !scope.opts.verify) else {
            return Ok(None);
        };
        let now = scope.cloud.head(&manifest_key(scope.prefix)).await?;
        if now.as_deref() != Some(memory.root_etag.as_str()) {
            log::verbose_timed(
                "publish: the manifest changed since this machine's last publish: listing the bucket",
            );
            return Ok(None);
        }
        log::verbose_timed(
            "publish: the manifest is as this machine's last publish left it: planning from it, no listing (--verify lists)",
        );
        let recorded = Recorded::remembered(memory, scope.prefix);
        // The manifest stands in for the listing (`plan::Remote::Manifest`).
        Ok(Some(Survey::new(scope, Vec::new(), recorded, false)))
    }

    fn new(
        scope: &Scope<'_>,
        remote: Vec<plan::RemoteObject>,
        recorded: Recorded,
        listed: bool,
    ) -> Survey {
        let Scope {
            config,
            prefix,
            local,
            opts,
            ..
        } = *scope;
        let plan = plan::plan_against(
            local,
            remote_of(&remote, listed),
            &recorded.manifest,
            prefix,
        );
        let invalidation = invalidation_paths(config, opts, &plan, prefix, local.len());
        Survey {
            remote,
            recorded,
            listed,
            plan,
            invalidation,
        }
    }

    fn report<'a>(&'a self, config: &'a PublishConfig, prefix: &'a str) -> Report<'a> {
        Report {
            config,
            prefix,
            listed: self.listed,
            plan: &self.plan,
            invalidation: &self.invalidation,
        }
    }
}

/// The bucket's objects as a survey found them: its listing, or the
/// remembered manifest that stands in for one.
fn remote_of(listing: &[plan::RemoteObject], listed: bool) -> plan::Remote<'_> {
    if listed {
        plan::Remote::Listed(listing)
    } else {
        plan::Remote::Manifest
    }
}

fn manifest_key(prefix: &str) -> String {
    format!("{prefix}{}", plan::MANIFEST_NAME)
}

/// The publish proper, under the lease: plan, "under way" mark, uploads,
/// manifest, deletes, memory, invalidation.
#[allow(clippy::too_many_arguments)]
async fn sync(
    cloud: &Arc<Cloud>,
    lease: &Lease,
    config: &PublishConfig,
    prefix: &str,
    local: &[LocalObject],
    opts: &PublishOptions,
    started: Instant,
    recall: &Recall,
    remembered: Option<Survey>,
) -> Result<Outcome> {
    let scope = Scope {
        cloud,
        config,
        prefix,
        local,
        opts,
        memory: recall.memory.as_ref(),
    };
    let mut survey = match remembered {
        Some(survey) => survey.confirmed(&scope).await?,
        None => Survey::take(&scope).await?,
    };
    confirm_deletes(config, &survey.plan, prefix, opts, log::confirm)?;
    let run_id = lease::Holder::this_run().id;
    if !survey.plan.uploads.is_empty() {
        announce(cloud, prefix, &mut survey.recorded, lease, &run_id).await?;
    }
    let plan = &survey.plan;
    let mut outcome = Outcome {
        unchanged: plan.unchanged.len(),
        ..Default::default()
    };
    let by_key: FxHashMap<&str, &LocalObject> = local.iter().map(|o| (o.key.as_str(), o)).collect();
    log::verbose_timed(&format!(
        "publish: planned; uploading {}",
        plan.uploads.len()
    ));
    let etags = upload_all(cloud, config, plan, &by_key, opts, &mut outcome).await;
    log::verbose_timed("publish: uploaded");
    let remote = remote_of(&survey.remote, survey.listed);
    let next = next_manifest(local, remote, &survey.recorded.manifest, &etags);
    let recorded = &survey.recorded;
    let committed =
        commit_manifest(cloud, prefix, recorded, &next, lease, &run_id, &outcome).await?;
    log::verbose_timed("publish: manifest written");
    if !outcome.failed.is_empty() {
        bail!(
            "{} upload(s) failed (first: {}); nothing was deleted and nothing invalidated. Run `ssg publish` again to finish",
            outcome.failed.len(),
            outcome.failed[0]
        );
    }

    let mut doomed: Vec<String> = plan.deletes.iter().map(|d| d.key.clone()).collect();
    doomed.extend(committed.obsolete);
    if lease.conditional() {
        // Left by a killed run (only the lease holder writes shards), and
        // not written again by this one.
        let named: HashSet<String> = committed
            .root
            .as_ref()
            .map(|r| r.shard_keys(prefix).into_iter().collect())
            .unwrap_or_default();
        doomed.extend(
            recorded
                .orphans
                .iter()
                .filter(|k| !named.contains(*k))
                .cloned(),
        );
    }
    if !doomed.is_empty() {
        if !committed.wrote && lease.conditional() {
            ensure_root_unchanged(cloud, prefix, &recorded.etag).await?;
        }
        cloud.delete(&doomed).await?;
        outcome.deleted = plan.deletes.len();
    }
    // Every write of this run landed: the bucket is the manifest now.
    if lease.conditional()
        && let (Some(etag), Some(root)) = (&committed.etag, &committed.root)
    {
        memory::save(
            &recall.dir,
            &recall.target,
            etag,
            root,
            &next,
            &recall.stamps,
        );
        log::verbose_timed("publish: remembered this publish");
    }
    if !survey.invalidation.is_empty() {
        let id = send_invalidation(cloud, config, &survey.invalidation, opts.wait).await?;
        outcome.invalidation_id = Some(id);
        outcome.invalidation_paths = survey.invalidation.clone();
    }
    outcome.seconds = started.elapsed().as_secs_f64();
    survey.report(config, prefix).done(&outcome, opts.json)?;
    free_in_background((survey, next));
    Ok(outcome)
}

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
async fn announce(
    cloud: &Cloud,
    prefix: &str,
    recorded: &mut Recorded,
    lease: &Lease,
    run: &str,
) -> Result<()> {
    let Some(root) = &recorded.root else {
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
    let etag = put_root(cloud, prefix, &marked, &recorded.condition(lease), 0).await?;
    recorded.etag = Some(etag);
    recorded.root = Some(marked);
    Ok(())
}

/// The manifest as this run leaves it.
struct Committed {
    /// The root's ETag and the root (`None` where there is no sharded root).
    etag: Option<String>,
    root: Option<Root>,
    /// Whether this run wrote the root.
    wrote: bool,
    /// Shards the new root no longer names: deleted with the site's deletes.
    obsolete: Vec<String>,
}

/// Writes the manifest after the uploads, when it changed (or is in the
/// single-file form, or marked under way): the changed shards first, under
/// new names, then the root over the version read — the commit point.
async fn commit_manifest(
    cloud: &Arc<Cloud>,
    prefix: &str,
    recorded: &Recorded,
    next: &Manifest,
    lease: &Lease,
    run: &str,
    outcome: &Outcome,
) -> Result<Committed> {
    // A root to keep: not under way, every shard it names read whole.
    let current = recorded.root.as_ref().filter(|r| {
        r.pending.is_none()
            && r.shard_keys(prefix)
                .iter()
                .all(|k| recorded.present.contains(k))
    });
    if current.is_some() && *next == *recorded.manifest {
        return Ok(Committed {
            etag: recorded.etag.clone(),
            root: current.cloned(),
            wrote: false,
            obsolete: Vec::new(),
        });
    }
    let previous = recorded.root.as_ref().map(|r| (r, &*recorded.manifest));
    let commit = shards::commit(prefix, previous, &recorded.present, next, run);
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
        &recorded.condition(lease),
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
async fn ensure_root_unchanged(
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

/// The CloudFront paths this plan changes: objects replaced or deleted (a
/// new object was in no edge cache). None without a distribution.
fn invalidation_paths(
    config: &PublishConfig,
    opts: &PublishOptions,
    plan: &Plan,
    prefix: &str,
    total: usize,
) -> Vec<String> {
    if config.distribution_id.is_empty() || opts.no_invalidate {
        return Vec::new();
    }
    let changed_paths: Vec<String> = plan
        .uploads
        .iter()
        .filter(|u| u.reason != Reason::New)
        .map(|u| u.path.clone())
        .chain(
            plan.deletes
                .iter()
                .map(|d| d.key[prefix.len()..].to_string()),
        )
        .collect();
    invalidate::paths(&changed_paths, total, config.max_invalidation_paths)
}

/// Asks before deleting more than `max_deletes` objects: so many usually
/// means the wrong folder or prefix, not a smaller site. `confirm` asks
/// (`log::confirm`: a terminal's yes, else no).
pub(crate) fn confirm_deletes(
    config: &PublishConfig,
    plan: &Plan,
    prefix: &str,
    opts: &PublishOptions,
    confirm: impl FnOnce(&str) -> bool,
) -> Result<()> {
    if plan.deletes.len() <= config.max_deletes || opts.force {
        return Ok(());
    }
    let question = format!(
        "This publish deletes {} objects from s3://{}/{prefix} (max_deletes = {}). Go on?",
        plan.deletes.len(),
        config.bucket,
        config.max_deletes
    );
    if !confirm(&question) {
        bail!(
            "refusing to delete {} objects (more than max_deletes = {}); nothing was changed. Check the output folder, or pass --force",
            plan.deletes.len(),
            config.max_deletes
        );
    }
    Ok(())
}

/// The manifest after the uploads: every object known good now, so a
/// rerun after a failure re-uploads only what did not make it.
fn next_manifest(
    local: &[LocalObject],
    remote: plan::Remote<'_>,
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

/// Sends one invalidation and returns its id, after it completed when `wait`.
async fn send_invalidation(
    cloud: &Cloud,
    config: &PublishConfig,
    paths: &[String],
    wait: bool,
) -> Result<String> {
    let reference = format!(
        "ssg-{}-{}",
        std::process::id(),
        chrono::Utc::now().timestamp_millis()
    );
    let id = cloud
        .invalidate(&config.distribution_id, paths, &reference)
        .await?;
    if wait {
        log::info(&format!("waiting for invalidation {id} to complete…"));
        cloud.wait(&config.distribution_id, &id).await?;
    }
    Ok(id)
}

/// What a run prints: the plan before (dry run) or the outcome after, as
/// text or JSON.
struct Report<'a> {
    config: &'a PublishConfig,
    prefix: &'a str,
    listed: bool,
    plan: &'a Plan,
    invalidation: &'a [String],
}

impl Report<'_> {
    fn json(&self, result: Option<&Outcome>) -> Result<()> {
        let report = JsonReport {
            bucket: &self.config.bucket,
            prefix: self.prefix,
            dry_run: result.is_none(),
            listed: self.listed,
            plan: self.plan,
            invalidation_paths: self.invalidation,
            result,
        };
        println!("{}", serde_json::to_string_pretty(&report)?);
        Ok(())
    }

    fn dry_run(&self, json: bool) -> Result<()> {
        if json {
            return self.json(None);
        }
        print_plan(self.plan, self.invalidation);
        println!("(dry run: nothing was changed)");
        Ok(())
    }

    fn done(&self, outcome: &Outcome, json: bool) -> Result<()> {
        if json {
            return self.json(Some(outcome));
        }
        let invalidation_text = match &outcome.invalidation_id {
            Some(id) => format!(
                "; invalidation {id} for {} path(s) (the first 1,000 paths a month are free, then $0.005 each)",
                outcome.invalidation_paths.len()
            ),
            None if self.plan.is_empty() => "; nothing changed, no invalidation".to_string(),
            None => String::new(),
        };
        log::info(&format!(
            "Published to s3://{}/{}: uploaded {} ({}), deleted {}, unchanged {}{} in {:.1} s",
            self.config.bucket,
            self.prefix,
            outcome.uploaded,
            human_bytes(outcome.uploaded_bytes),
            outcome.deleted,
            outcome.unchanged,
            invalidation_text,
            outcome.seconds
        ));
        Ok(())
    }
}

/// Uploads assets first, then documents, with bounded concurrency. Returns
/// each attempted key's new ETag or error.
async fn upload_all(
    cloud: &Arc<Cloud>,
    config: &PublishConfig,
    plan: &Plan,
    by_key: &FxHashMap<&str, &LocalObject>,
    opts: &PublishOptions,
    outcome: &mut Outcome,
) -> HashMap<String, Result<String, String>> {
    let mut results = HashMap::new();
    let show_progress = !opts.json && log::level() >= 1 && std::io::stderr().is_terminal();
    let bar = show_progress.then(|| {
        let bar = indicatif::ProgressBar::new(plan.upload_bytes());
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:30} {bytes}/{total_bytes} {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    });
    let (assets, documents): (Vec<_>, Vec<_>) = plan
        .uploads
        .iter()
        .partition(|u| !plan::is_document(&u.path));
    for group in [assets, documents] {
        let semaphore = Arc::new(tokio::sync::Semaphore::new(config.concurrency.max(1)));
        let mut tasks = tokio::task::JoinSet::new();
        for upload in group {
            let Some(object) = by_key.get(upload.key.as_str()) else {
                continue;
            };
            let object = (*object).clone();
            let cloud = Arc::clone(cloud);
            let semaphore = Arc::clone(&semaphore);
            let threshold = config.multipart_threshold;
            tasks.spawn(async move {
                let _permit = semaphore.acquire_owned().await;
                let result = cloud.upload(&object, threshold).await;
                (object.key.clone(), object.body.size(), result)
            });
        }
        // A failed group stops the run before the next one starts.
        let mut group_failed = false;
        while let Some(joined) = tasks.join_next().await {
            let Ok((key, size, result)) = joined else {
                group_failed = true;
                continue;
            };
            match result {
                Ok(etag) => {
                    outcome.uploaded += 1;
                    outcome.uploaded_bytes += size;
                    if let Some(bar) = &bar {
                        bar.inc(size);
                        bar.set_message(key.clone());
                    }
                    results.insert(key, Ok(etag));
                }
                Err(e) => {
                    group_failed = true;
                    let text = format!("{e:#}");
                    outcome.failed.push(text.clone());
                    results.insert(key, Err(text));
                }
            }
        }
        if group_failed {
            break;
        }
    }
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    results
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_are_checked() {
        assert_eq!(normalize_prefix("").unwrap(), "");
        assert_eq!(normalize_prefix("/site/").unwrap(), "site/");
        assert_eq!(normalize_prefix("a/b").unwrap(), "a/b/");
        assert!(normalize_prefix("../x").is_err());
        assert!(normalize_prefix("a/../b").is_err());
    }

    #[test]
    fn gzip_is_deterministic() {
        let a = gzip(b"hello hello hello");
        assert_eq!(a, gzip(b"hello hello hello"));
        assert_eq!(&a[4..8], &[0, 0, 0, 0], "no timestamp in the header");
    }

    /// Sets `paths` a minute in the past, so a reading taken now may
    /// trust their stamps.
    fn age(paths: &[PathBuf]) {
        let past = std::time::SystemTime::now() - Duration::from_secs(60);
        for path in paths {
            std::fs::File::options()
                .write(path.is_file())
                .read(true)
                .open(path)
                .and_then(|f| f.set_modified(past))
                .unwrap();
        }
    }

    #[test]
    fn a_second_reading_hashes_what_changed_and_forgets_what_is_gone() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        std::fs::create_dir(out.join("post")).unwrap();
        for (path, body) in [
            ("index.html", "i"),
            ("post/index.html", "p"),
            ("a.css", "c"),
        ] {
            std::fs::write(out.join(path), body).unwrap();
        }
        let all = ["", "post", "index.html", "post/index.html", "a.css"];
        age(&all.map(|p| out.join(p)));
        let rules = Rules::new(&[]).unwrap();
        let first = local_objects(out, "", &rules, false, None).unwrap();
        assert_eq!(first.hashed, 3);
        let html: Vec<&Arc<Headers>> = (first.objects.iter())
            .filter(|o| o.path.ends_with(".html"))
            .map(|o| &o.headers)
            .collect();
        assert!(Arc::ptr_eq(html[0], html[1]), "one set of headers per kind");

        let same = local_objects(out, "", &rules, false, Some(first.stamps.clone())).unwrap();
        assert_eq!((same.hashed, same.restamped), (0, false));
        assert_eq!(same.stamps.files, first.stamps.files);

        std::fs::remove_file(out.join("a.css")).unwrap();
        std::fs::write(out.join("index.html"), "changed").unwrap();
        age(&[out.join(""), out.join("index.html")]);
        let next = local_objects(out, "", &rules, false, Some(same.stamps)).unwrap();
        assert_eq!((next.hashed, next.restamped), (1, true));
        let mut stamped: Vec<&str> = next.stamps.files.keys().map(String::as_str).collect();
        stamped.sort_unstable();
        assert_eq!(stamped, ["index.html", "post/index.html"]);
        let index = next
            .objects
            .iter()
            .find(|o| o.path == "index.html")
            .unwrap();
        assert_eq!(index.md5, Checksum::md5_of(b"changed"));
        assert_eq!(&*index.bytes().unwrap(), b"changed");
    }

    #[test]
    fn md5_forms() {
        assert_eq!(md5_hex(b""), "d41d8cd98f00b204e9800998ecf8427e");
        assert_eq!(md5_base64(b""), "1B2M2Y8AsgTpgAmY7PhCfg==");
    }
}
