//! The uploads of a plan: assets first, then pages, feeds and the
//! sitemap, `concurrency` at a time, with a progress bar on a terminal.
//! A failed group stops the run before the next group starts, so a page
//! never goes up without its assets.

use std::collections::HashMap;
use std::io::IsTerminal as _;
use std::sync::Arc;

use rustc_hash::FxHashMap;

use super::cloud::Cloud;
use super::job::PublishOptions;
use super::plan::{self, LocalObject, Plan};
use super::report::Outcome;
use crate::config::PublishConfig;
use crate::log;

/// Uploads assets first, then documents, with bounded concurrency. Returns
/// each attempted key's new ETag or error.
pub async fn upload_all(
    cloud: &Arc<Cloud>,
    config: &PublishConfig,
    plan: &Plan,
    local: &[LocalObject],
    opts: &PublishOptions,
    outcome: &mut Outcome,
) -> HashMap<String, Result<String, String>> {
    let by_key: FxHashMap<&str, &LocalObject> = local.iter().map(|o| (o.key.as_str(), o)).collect();
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
