//! What a publish adds to the history (`history.rs`): when the bucket
//! keeps versions, the version of every key it left live.
//!
//! Listing every version under the prefix would cost a request per 1,000
//! versions on every publish, however small the change: 150 requests at
//! 100,000 posts. So a publish starts from the versions the last record
//! holds, when the manifest's root still has the ETag that record left
//! (every write of a publish changes the root first, so nothing was
//! written since), and asks only for the keys it wrote itself — the files
//! it uploaded, the root, new shards — one HEAD each. Only without such a
//! record, or past [`MOST_HEADS`] keys, does it list the versions.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use anyhow::Result;

use super::cloud::Cloud;
use super::commit::Committed;
use super::edge_deploy::EdgeState;
use super::history::{self, Found, NewEntry};
use super::keys::{MANIFEST_NAME, is_rolled_back};
use super::plan::{Manifest, Plan};
use super::versions::{self, VersionListing};
use crate::log;

/// Past this many keys to ask for, one listing is cheaper than the HEADs.
pub const MOST_HEADS: usize = 64;

/// What a publish did, as far as its record needs it.
pub struct Published<'a> {
    pub plan: &'a Plan,
    /// The root's ETag the publish found at its start (before marking it
    /// under way).
    pub manifest_etag_before: Option<&'a str>,
    pub committed: &'a Committed,
    /// The manifest it left: every site file live after it.
    pub next: &'a Manifest,
    /// The keys it uploaded.
    pub uploaded: &'a HashMap<String, Result<String, String>>,
    /// What the edge runs after it, where ssg's function runs the site.
    pub edge: Option<&'a EdgeState>,
    /// Whether it changed the edge function (and nothing else, perhaps).
    pub edge_changed: bool,
}

/// After a publish that changed something: its entry in the history. A
/// failure is a warning — the site is published; only `--rollback` to
/// this publish is lost.
pub async fn record_publish(cloud: &Arc<Cloud>, prefix: &str, published: Published<'_>) {
    if published.plan.uploads.is_empty()
        && published.plan.deletes.is_empty()
        && !published.edge_changed
    {
        return;
    }
    let appended = async {
        let found = history::read_index(cloud, prefix).await?;
        let versions = match versions::enabled(cloud).await? {
            true => Some(live_versions(cloud, prefix, &found, &published).await?),
            false => None,
        };
        let new = NewEntry {
            files: published.next.objects.len(),
            rollback_to: None,
            versions,
            manifest_etag: published.committed.etag.clone(),
            edge: published.edge.cloned(),
        };
        history::append(cloud, prefix, found, new).await
    };
    match appended.await {
        Ok(number) => log::verbose_timed(&format!("publish: recorded as publish {number}")),
        Err(e) => log::warn(&format!(
            "this publish is not in the publish history ({e:#}): `ssg publish --rollback` cannot return to it"
        )),
    }
}

/// The live version of every key the publish left (keys without the
/// prefix): from the last record and HEADs of what it wrote, else listed.
async fn live_versions(
    cloud: &Arc<Cloud>,
    prefix: &str,
    found: &Found,
    published: &Published<'_>,
) -> Result<BTreeMap<String, String>> {
    if let Some(previous) = previous_versions(cloud, prefix, found, published).await? {
        // What it uploaded, and the root, which every publish writes.
        let written: HashSet<String> = (published.uploaded.keys())
            .map(|key| key[prefix.len()..].to_string())
            .chain([MANIFEST_NAME.to_string()])
            .collect();
        let (mut known, unknown) = split(&previous, &live_keys(prefix, published), &written);
        if unknown.len() <= MOST_HEADS
            && let Some(asked) = head_all(cloud, prefix, &unknown).await?
        {
            known.extend(asked);
            return Ok(known);
        }
    }
    log::verbose_timed("publish: listing the versions for the publish history");
    Ok(of_listing(&versions::list(cloud, prefix).await?, prefix))
}

/// The versions of the last record, if the root is still as it left it.
async fn previous_versions(
    cloud: &Cloud,
    prefix: &str,
    found: &Found,
    published: &Published<'_>,
) -> Result<Option<BTreeMap<String, String>>> {
    let Some(last) = found.index.live().filter(|e| e.versioned) else {
        return Ok(None);
    };
    let Some(before) = published.manifest_etag_before else {
        return Ok(None);
    };
    let record = history::read_record(cloud, prefix, last.number).await?;
    Ok(record
        .filter(|r| r.manifest_etag.as_deref() == Some(before))
        .map(|r| r.versions))
}

/// Every key live after the publish, without the prefix: the site's
/// files, the manifest's root and the shards it names.
fn live_keys(prefix: &str, published: &Published<'_>) -> Vec<String> {
    let shards = (published.committed.root.iter()).flat_map(|root| root.shard_keys(prefix));
    (published.next.objects.keys().cloned())
        .chain(shards)
        .chain([format!("{prefix}{MANIFEST_NAME}")])
        .map(|key| key[prefix.len()..].to_string())
        .collect()
}

/// `live` split into the versions `previous` vouches for and the keys to
/// ask for: those in `written` and any `previous` lacks (all without the
/// prefix). Pure. A shard `previous` names is kept: shards are named by
/// their content, so one written again has the same bytes.
fn split(
    previous: &BTreeMap<String, String>,
    live: &[String],
    written: &HashSet<String>,
) -> (BTreeMap<String, String>, Vec<String>) {
    let mut known = BTreeMap::new();
    let mut unknown = Vec::new();
    for name in live {
        match previous.get(name) {
            Some(version) if !written.contains(name) => {
                known.insert(name.clone(), version.clone());
            }
            _ => unknown.push(name.clone()),
        }
    }
    (known, unknown)
}

/// The live version of each of `names` (one HEAD each, a few at a time);
/// `None` when one is missing (then a listing decides).
async fn head_all(
    cloud: &Arc<Cloud>,
    prefix: &str,
    names: &[String],
) -> Result<Option<BTreeMap<String, String>>> {
    let semaphore = Arc::new(tokio::sync::Semaphore::new(8));
    let mut tasks = tokio::task::JoinSet::new();
    for name in names {
        let (cloud, semaphore) = (Arc::clone(cloud), Arc::clone(&semaphore));
        let (name, key) = (name.clone(), format!("{prefix}{name}"));
        tasks.spawn(async move {
            let _permit = semaphore.acquire_owned().await;
            (name, versions::live_version(&cloud, &key).await)
        });
    }
    let mut out = BTreeMap::new();
    while let Some(joined) = tasks.join_next().await {
        let Ok((name, version)) = joined else {
            return Ok(None);
        };
        match version? {
            Some(version) => out.insert(name, version),
            None => return Ok(None),
        };
    }
    Ok(Some(out))
}

/// The live versions of a listing, keys without the prefix, the lock and
/// the history left out.
pub fn of_listing(listing: &VersionListing, prefix: &str) -> BTreeMap<String, String> {
    (listing.live.iter())
        .filter(|(key, _)| is_rolled_back(key, prefix))
        .map(|(key, live)| (key[prefix.len()..].to_string(), live.version_id.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn only_what_was_written_or_is_new_is_asked_for() {
        let previous = map(&[
            ("a.html", "1"),
            ("b.css", "2"),
            (".ssg-manifest.json", "3"),
            (".ssg-manifest/000-x.json.gz", "4"),
        ]);
        let live: Vec<String> = [
            "a.html",
            "b.css",
            "c.html",
            ".ssg-manifest.json",
            ".ssg-manifest/000-x.json.gz",
            ".ssg-manifest/001-y.json.gz",
        ]
        .map(String::from)
        .into();
        let written: HashSet<String> = ["b.css", ".ssg-manifest.json"].map(String::from).into();
        let (known, unknown) = split(&previous, &live, &written);
        assert_eq!(
            known,
            map(&[("a.html", "1"), (".ssg-manifest/000-x.json.gz", "4")])
        );
        assert_eq!(
            unknown,
            [
                "b.css",
                "c.html",
                ".ssg-manifest.json",
                ".ssg-manifest/001-y.json.gz"
            ]
        );
    }

    #[test]
    fn a_listing_leaves_out_the_lock_and_the_history() {
        let mut listing = VersionListing::default();
        for key in [
            "site/index.html",
            "site/.ssg-manifest.json",
            "site/.ssg-publish.lock",
            "site/.ssg-history/index.json.gz",
        ] {
            let live = versions::LiveVersion {
                version_id: format!("v-{key}"),
                etag: String::new(),
            };
            listing.live.insert(key.into(), live);
        }
        assert_eq!(
            of_listing(&listing, "site/").keys().collect::<Vec<_>>(),
            [".ssg-manifest.json", "index.html"]
        );
    }
}
