//! `ssg publish`: the built site synced to S3 by content diff, then one
//! CloudFront invalidation covering exactly what changed.
//!
//! `publish` reads the output folder (`local.rs`), hashing only the files
//! whose stamp from this machine's last publish no longer holds
//! (`last_publish.rs`). `run` surveys the bucket (`survey.rs`): by listing
//! it, or — when the manifest's root still has the ETag this machine's last
//! publish left — from that publish's manifest, with one HEAD. A publish
//! that then finds nothing to do takes no lease and writes nothing; a dry
//! run only reports (`report.rs`).
//!
//! Otherwise `run` takes the lease (one publish at a time, `lease.rs`)
//! and `sync` carries out the plan (`plan.rs`, pure) in this order: the
//! manifest's root marked "under way", then new and changed assets, then
//! pages, feeds and the sitemap (`upload.rs`), then the manifest's changed
//! shards and its root, only over the version read at the start
//! (`commit.rs`, `shards.rs`), then the edge function's new code, where it
//! has some (`edge_deploy.rs`), then deletes, then the publish is added to
//! the history (`history.rs`, `record.rs`; what `--rollback` goes back to,
//! `rollback.rs`), then the invalidation (`invalidate.rs`), then the
//! lease is given back — so a visitor never
//! gets a page whose assets are missing, and a failed or overtaken run
//! deletes nothing. `--preview NAME` is the same publish under the
//! preview's own prefix (`previews.rs`).

pub mod checksum;
pub mod cloud;
mod commit;
mod edge_deploy;
pub mod gzip;
pub mod history;
pub mod invalidate;
mod job;
pub mod key_value_store;
pub mod keys;
pub mod last_publish;
pub mod lease;
mod local;
pub mod plan;
pub mod previews;
mod record;
mod report;
pub mod rollback;
pub mod rules;
pub mod shards;
mod slashless;
mod survey;
mod upload;
pub mod versions;

pub use job::PublishOptions;
pub use report::Outcome;

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, anyhow, bail};

use crate::config::{Config, PublishConfig};
use crate::edge::{EdgeFunction, SiteMap};
use crate::log;
use cloud::Cloud;
use edge_deploy::{EdgeState, FunctionUpdate};
use job::Job;
use last_publish::{CacheEntry, Target};
use lease::Lease;
use local::LocalSite;
use plan::{LocalObject, Plan};
use previews::Preview;
use rules::Rules;
use survey::Survey;

/// The `[publish]` settings and the key prefix, checked.
fn publish_target(config: &Config) -> Result<(&PublishConfig, String)> {
    let publish = config.publish.as_ref().ok_or_else(|| {
        anyhow!(
            "ssg.toml has no [publish] section: run `ssg provision` to create the bucket and CloudFront and write it (or add one with at least `bucket = \"my-bucket\"`)"
        )
    })?;
    if publish.bucket.trim().is_empty() {
        bail!("[publish] bucket is empty in ssg.toml");
    }
    Ok((publish, normalize_prefix(&publish.prefix)?))
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

/// `ssg publish --rollback [N]` (`rollback.rs`).
pub fn rollback(config: &Config, opts: &PublishOptions, to: Option<u64>) -> Result<()> {
    let (publish, prefix) = publish_target(config)?;
    runtime()?.block_on(rollback::run(publish, &prefix, opts, to))
}

/// `ssg publish --history`: every publish recorded in the bucket.
pub fn history(config: &Config, opts: &PublishOptions) -> Result<()> {
    let (publish, prefix) = publish_target(config)?;
    runtime()?.block_on(async {
        let cloud = Cloud::connect(publish, opts.profile.as_deref()).await;
        let found = history::read_index(&cloud, &prefix).await?;
        history::print(&found.index, &cloud.bucket, opts.json)
    })
}

/// Publishes the built site of `root`. Returns the outcome (also on a dry run).
pub fn publish(root: &Path, config: &Config, opts: &PublishOptions) -> Result<Outcome> {
    publish_to(root, config, opts, None)
}

/// `ssg publish --preview NAME`: the built site of `root` as preview
/// `name` (`previews.rs`); prints its address.
pub fn preview(root: &Path, config: &Config, opts: &PublishOptions, name: &str) -> Result<Outcome> {
    let preview = Preview::new(config, name)?;
    let outcome = publish_to(root, config, opts, Some(&preview))?;
    if !opts.dry_run && !opts.json {
        println!("{}", preview.url());
    }
    Ok(outcome)
}

/// `ssg publish --preview NAME --delete`.
pub fn delete_preview(config: &Config, opts: &PublishOptions, name: &str) -> Result<()> {
    let (publish, prefix) = publish_target(config)?;
    let preview = Preview::new(config, name)?;
    runtime()?.block_on(async {
        let cloud = Cloud::connect(publish, opts.profile.as_deref()).await;
        previews::delete(&cloud, publish, &prefix, &preview, opts).await
    })
}

/// `ssg publish --previews`: the previews in the bucket.
pub fn list_previews(config: &Config, opts: &PublishOptions) -> Result<()> {
    let (publish, prefix) = publish_target(config)?;
    runtime()?.block_on(async {
        let cloud = Cloud::connect(publish, opts.profile.as_deref()).await;
        previews::list(&cloud, config, &prefix, opts.json).await
    })
}

/// Publishes the built site of `root` live, or as `preview`.
fn publish_to(
    root: &Path,
    config: &Config,
    opts: &PublishOptions,
    preview: Option<&Preview>,
) -> Result<Outcome> {
    let started = Instant::now();
    let (publish, live_prefix) = publish_target(config)?;
    let prefix = match preview {
        Some(p) => p.key_prefix(&live_prefix),
        None => live_prefix,
    };
    let rules = Rules::new(&publish.rules).map_err(|e| anyhow!("ssg.toml: {e}"))?;
    let out_dir = config.output_dir(root, None);
    let dir = root.join(crate::cache::DIR_NAME);
    let target = Target::new(&publish.bucket, &prefix, &publish.endpoint);
    // With --verify, still used for the shards it holds (named by hash),
    // but every output file is hashed again.
    let mut last = last_publish::load(&dir, &target);
    log::verbose_timed(&format!(
        "publish: {} memory of the last publish to this target",
        if last.is_some() { "read the" } else { "no" }
    ));
    let last_stamps = (last.as_mut())
        .filter(|_| !opts.verify)
        .map(|m| std::mem::take(&mut m.stamps));
    let LocalSite {
        objects: mut local,
        stamps,
        restamped,
        hashed,
    } = if out_dir.is_dir() {
        local::read(&out_dir, &prefix, &rules, last_stamps)?
    } else {
        LocalSite::missing()
    };
    log::verbose_timed(&format!(
        "publish: {} of {} output files read and hashed (the others as the last publish stamped them)",
        hashed,
        local.len()
    ));
    local::redirect_pages_as_html(&mut local, config.redirects.keys());
    // A file at the manifest's or the lock's key would clobber ssg's own.
    local.retain(|o| !keys::is_reserved(&o.key, &prefix));
    if local.is_empty() {
        bail!(
            "{} is empty or missing: run `ssg build` first (an empty site is never published, it would delete everything)",
            out_dir.strip_prefix(root).unwrap_or(&out_dir).display()
        );
    }

    let runtime = runtime()?;
    let cache = CacheEntry {
        dir,
        target,
        last,
        stamps,
        restamped,
    };
    let cloud = Arc::new(runtime.block_on(Cloud::connect(publish, opts.profile.as_deref())));
    let live_function = runtime.block_on(edge_deploy::find(&cloud, publish))?;
    let edge = edge_plan(root, config, opts, &local, live_function.as_ref(), preview)?;
    if publish.directory_keys && !edge.function_serves {
        local::add_directory_keys(&mut local, &prefix);
    }
    let job = Job {
        cloud: &cloud,
        config: publish,
        prefix: &prefix,
        local: &local,
        opts,
        started,
        cache: &cache,
        function_update: edge.update.as_ref(),
        edge_state: edge.state.as_ref(),
        preview,
    };
    let outcome = runtime.block_on(run(&job, edge.function.as_ref()));
    free_in_background((local, cache));
    outcome
}

/// What a publish does with the edge function.
struct EdgePlan {
    /// The function the built site makes (where one runs, or on a dry run).
    function: Option<EdgeFunction>,
    /// What the edge runs after this publish, where ssg's function runs
    /// this site's code: kept in the history for a rollback.
    state: Option<EdgeState>,
    /// Its code (and store entries) to deploy, when CloudFront runs other code.
    update: Option<FunctionUpdate>,
    /// Whether the function serves folder URLs, so folder keys are not needed.
    function_serves: bool,
}

/// The live site's function: made from the built site and deployed when
/// it differs. A preview never writes it (it is the live site's), only
/// warns when the one running does not serve previews.
fn edge_plan(
    root: &Path,
    config: &Config,
    opts: &PublishOptions,
    local: &[LocalObject],
    live_function: Option<&edge_deploy::LiveFunction>,
    preview: Option<&Preview>,
) -> Result<EdgePlan> {
    if let Some(preview) = preview {
        preview.check_function(live_function);
        return Ok(EdgePlan {
            function: None,
            state: None,
            update: None,
            function_serves: live_function.is_some(),
        });
    }
    let function = (opts.dry_run || live_function.is_some())
        .then(|| edge_function(root, config, local))
        .transpose()?;
    let state = live_function
        .zip(function.as_ref())
        .and_then(|(live, function)| EdgeState::deployable(live, function));
    // Folder URLs are the function's once it runs this site's code; one
    // that cannot be deployed leaves them to the folder keys.
    let function_serves = state.is_some();
    let update = live_function
        .zip(state.as_ref())
        .and_then(|(live, state)| FunctionUpdate::of(live, state));
    Ok(EdgePlan {
        function,
        state,
        update,
        function_serves,
    })
}

/// Surveys the bucket, and — unless this is a dry run or there is nothing
/// to do — syncs it under the lease.
async fn run(job: &Job<'_>, edge_function: Option<&EdgeFunction>) -> Result<Outcome> {
    let Job {
        cloud,
        config,
        prefix,
        opts,
        started,
        cache,
        ..
    } = *job;
    let lock_key = keys::lock_key(prefix);
    if opts.dry_run {
        // A dry run writes nothing, so it takes no lease; it only tells.
        if let Some(note) = lease::describe_holder(cloud, &lock_key).await {
            log::info(&note);
        }
        let survey = Survey::take(job).await?;
        let mut report = survey.report(config, prefix);
        report.edge_function = edge_function;
        report.function_update = job.function_update.map(|u| u.function.name.as_str());
        report.dry_run(opts.json)?;
        return Ok(Outcome {
            unchanged: survey.plan.unchanged.len(),
            seconds: started.elapsed().as_secs_f64(),
            ..Default::default()
        });
    }
    // The bucket as this machine left it and nothing to do: no lease, no
    // write, one HEAD in all.
    let from_last = Survey::from_last_publish(job).await?;
    if let Some(survey) = &from_last
        && survey.plan.is_empty()
        && job.function_update.is_none()
    {
        if let Some(last) = job.last_publish()
            && cache.restamped
        {
            // Files rewritten with the same bytes: hashed once, not every time.
            cache.save(&last.root_etag, &last.root, &last.manifest);
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
        cloud,
        &lock_key,
        Duration::from_secs(config.lease_timeout),
        opts.no_wait,
    )
    .await?;
    // Ctrl-C gives the lease back instead of leaving it to go stale.
    let result = tokio::select! {
        result = sync(job, &lease, from_last) => result,
        () = interrupted() => Err(anyhow!(
            "interrupted (the lease was given back); run `ssg publish` again to finish"
        )),
    };
    lease.release(cloud).await;
    result
}

/// The publish proper, under the lease: plan, "under way" mark, uploads,
/// manifest, deletes, last publish kept, invalidation. `from_last` is the
/// survey made from the last publish's manifest before the lease, if any.
async fn sync(job: &Job<'_>, lease: &Lease, from_last: Option<Survey>) -> Result<Outcome> {
    let Job {
        cloud,
        config,
        prefix,
        local,
        opts,
        ..
    } = *job;
    let mut survey = match from_last {
        Some(survey) => survey.confirmed(job).await?,
        None => Survey::take(job).await?,
    };
    confirm_deletes(config, &survey.plan, prefix, opts, log::confirm)?;
    let run_id = lease::Holder::this_run().id;
    // Before the "under way" mark changes it: what the history's last record is checked against.
    let manifest_etag_before = survey.manifest.etag.clone();
    if !survey.plan.uploads.is_empty() {
        commit::announce(cloud, prefix, &mut survey.manifest, lease, &run_id).await?;
    }
    let plan = &survey.plan;
    let mut outcome = Outcome {
        unchanged: plan.unchanged.len(),
        ..Default::default()
    };
    log::verbose_timed(&format!(
        "publish: planned; uploading {}",
        plan.uploads.len()
    ));
    let etags = upload::upload_all(cloud, config, plan, local, opts, &mut outcome).await;
    log::verbose_timed("publish: uploaded");
    let found = &survey.manifest;
    let next = commit::next_manifest(local, survey.remote(), &found.content, &etags);
    let committed =
        commit::commit_manifest(cloud, prefix, found, &next, lease, &run_id, &outcome).await?;
    log::verbose_timed("publish: manifest written");
    if !outcome.failed.is_empty() {
        bail!(
            "{} upload(s) failed (first: {}); nothing was deleted and nothing invalidated. Run `ssg publish` again to finish",
            outcome.failed.len(),
            outcome.failed[0]
        );
    }

    // Every object is up: the function's redirects may point at them, and
    // the deletes below may remove what only the old function needed.
    let mut stale_store_keys = None;
    if let Some(update) = job.function_update {
        stale_store_keys = update.deploy(cloud).await?;
        outcome.edge_function_updated = true;
    }
    let doomed = commit::doomed_keys(prefix, plan, found, &committed, lease);
    if !doomed.is_empty() {
        if !committed.wrote && lease.conditional() {
            commit::ensure_root_unchanged(cloud, prefix, &found.etag).await?;
        }
        cloud.delete(&doomed).await?;
        outcome.deleted = plan.deletes.len();
    }
    if let Some(pending) = stale_store_keys {
        key_value_store::finish(&cloud.key_value_store, pending).await?;
    }
    let published = record::Published {
        plan,
        manifest_etag_before: manifest_etag_before.as_deref(),
        committed: &committed,
        next: &next,
        uploaded: &etags,
        edge: job.edge_state,
        edge_changed: job.function_update.is_some(),
    };
    // A preview is no publish of the live site: nothing to roll back to.
    if job.preview.is_none() {
        record::record_publish(cloud, prefix, published).await;
    }
    // Every write of this run landed: the bucket is the manifest now.
    if lease.conditional()
        && let (Some(etag), Some(root)) = (&committed.etag, &committed.root)
    {
        job.cache.save(etag, root, &next);
        log::verbose_timed("publish: remembered this publish");
    }
    if !survey.invalidation.is_empty() {
        let id = invalidate::send(cloud, config, &survey.invalidation, opts.wait).await?;
        outcome.invalidation_id = Some(id);
        outcome.invalidation_paths = survey.invalidation.clone();
    }
    outcome.seconds = job.started.elapsed().as_secs_f64();
    survey.report(config, prefix).done(&outcome, opts.json)?;
    free_in_background((survey, next));
    Ok(outcome)
}

/// The CloudFront Function for the site under `root` as built in `local`:
/// the redirects from its sources (what the build makes meta-refresh pages
/// of), the pages and files from the output. Too large for CloudFront is
/// a warning: the meta-refresh pages still work.
fn edge_function(root: &Path, config: &Config, local: &[LocalObject]) -> Result<EdgeFunction> {
    let taxonomies = crate::taxonomy::declared_names(config);
    let rules = crate::content::walk::PageRules {
        drafts: config.build.drafts,
        taxonomies: &taxonomies,
    };
    let content = crate::content::walk::load(
        &root.join(crate::layout::CONTENT),
        Path::new(crate::layout::CONTENT),
        rules,
    )?;
    let redirects = crate::edge::redirects_of(config, &content)?;
    let paths = local.iter().map(|o| o.path.as_str());
    let mut map = SiteMap::new(redirects, config.base_path(), paths);
    if config.publish.as_ref().is_some_and(|p| p.www_to_apex) {
        map.apex = crate::edge::apex_of(&config.base_url);
        if map.apex.is_none() {
            log::warn(&format!(
                "[publish] www_to_apex: base_url \"{}\" names no host other than www.; the edge function sends nothing on",
                config.base_url
            ));
        }
    }
    map.preview =
        crate::preview::site_host(&config.base_url).map(|h| crate::preview::domain_of(&h));
    let function = EdgeFunction::of(&map);
    if let Some(note) = &function.note {
        log::warn(note);
    }
    Ok(function)
}

/// Resolves on Ctrl-C (never, where the signal cannot be watched).
async fn interrupted() {
    if tokio::signal::ctrl_c().await.is_err() {
        std::future::pending::<()>().await;
    }
}

/// Frees `value` on a thread of its own. What a publish of 100,000 posts
/// holds (its objects, stamps, manifests) took a tenth of a second to
/// free, after the work was done; the command ends without waiting.
fn free_in_background<T: Send + 'static>(value: T) {
    std::thread::spawn(move || drop(value));
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

/// Asks before deleting more than `max_deletes` pages and files: so many
/// usually means the wrong folder or prefix, not a smaller site. The
/// directory keys of pages that stay (the first publish the edge function
/// serves deletes about two per page) are ssg's own and not counted.
/// `confirm` asks (`log::confirm`: a terminal's yes, else no).
pub(crate) fn confirm_deletes(
    config: &PublishConfig,
    plan: &Plan,
    prefix: &str,
    opts: &PublishOptions,
    confirm: impl FnOnce(&str) -> bool,
) -> Result<()> {
    let counted = plan.content_deletes();
    if counted <= config.max_deletes || opts.force {
        return Ok(());
    }
    let question = format!(
        "This publish deletes {counted} pages and files from s3://{}/{prefix} (max_deletes = {}). Go on?",
        config.bucket, config.max_deletes
    );
    if !confirm(&question) {
        bail!(
            "refusing to delete {counted} pages and files (more than max_deletes = {}); nothing was changed. Check the output folder, or pass --force",
            config.max_deletes
        );
    }
    Ok(())
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
}
