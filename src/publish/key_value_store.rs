//! The CloudFront KeyValueStore that holds a site's redirects when they
//! are too many to embed in the edge function (`crate::edge`): its data,
//! as publish and rollback keep it. `ssg provision` makes the store and
//! associates it with the function; this room only reads and writes keys.
//!
//! Written by difference, in two steps around the function's new code: new
//! and changed entries before the code that needs them goes live, stale
//! ones only after, so no request the live code answers finds its redirect
//! missing. Every write names the store's ETag (`If-Match`), so two
//! writers never interleave unseen; the lease already keeps publishes one
//! at a time.

use std::collections::BTreeMap;

use anyhow::{Result, anyhow};
use aws_sdk_cloudfrontkeyvaluestore as kvs;
use kvs::config::endpoint::{Endpoint, EndpointFuture, Params, ResolveEndpoint};
use kvs::error::DisplayErrorContext;
use kvs::types::{DeleteKeyRequestListItem, PutKeyRequestListItem};

use crate::log;

/// Puts and deletes in one UpdateKeys call: AWS takes at most 50 keys (or
/// 3 MB) a call; 50 of the largest entries (512 + 1,024 bytes) are 77 KB.
const KEYS_PER_CALL: usize = 50;

/// The largest page of ListKeys.
const KEYS_PER_PAGE: i32 = 50;

/// The data-plane client. Its endpoint is `{account}.cloudfront-kvs.global.api.aws`,
/// signed with SigV4A; a configured endpoint (`cloudfront_endpoint`, or
/// `AWS_ENDPOINT_URL[_CLOUDFRONT_KEYVALUESTORE]`: a local server) is taken as
/// it is, where the SDK's rules would put the account in front of its host.
pub fn client(shared: &aws_config::SdkConfig, cloudfront_endpoint: &str) -> kvs::Client {
    let mut config = kvs::config::Builder::from(shared);
    let from_env = [
        "AWS_ENDPOINT_URL_CLOUDFRONT_KEYVALUESTORE",
        "AWS_ENDPOINT_URL",
    ]
    .iter()
    .find_map(|v| std::env::var(v).ok().filter(|u| !u.is_empty()));
    let given = Some(cloudfront_endpoint.to_string())
        .filter(|e| !e.is_empty())
        .or(from_env);
    if let Some(url) = given {
        config = config.endpoint_resolver(AsGiven(url));
    }
    kvs::Client::from_conf(config.build())
}

#[derive(Debug)]
struct AsGiven(String);

impl ResolveEndpoint for AsGiven {
    fn resolve_endpoint<'a>(&'a self, _: &'a Params) -> EndpointFuture<'a> {
        EndpointFuture::ready(Ok(Endpoint::builder().url(self.0.clone()).build()))
    }
}

fn failed<E: std::error::Error>(what: &str, e: E) -> anyhow::Error {
    anyhow!("{what} failed: {}", DisplayErrorContext(e))
}

/// What a store must change to hold `wanted`, having `held`.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct StoreChanges {
    /// New and changed entries.
    pub puts: Vec<(String, String)>,
    /// Keys `wanted` does not have.
    pub stale: Vec<String>,
}

pub fn changes(held: &BTreeMap<String, String>, wanted: &BTreeMap<String, String>) -> StoreChanges {
    StoreChanges {
        puts: (wanted.iter())
            .filter(|(k, v)| held.get(*k) != Some(*v))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        stale: held
            .keys()
            .filter(|k| !wanted.contains_key(*k))
            .cloned()
            .collect(),
    }
}

/// The store's entries and its ETag.
async fn read(client: &kvs::Client, arn: &str) -> Result<(String, BTreeMap<String, String>)> {
    let described = (client.describe_key_value_store().kvs_arn(arn).send())
        .await
        .map_err(|e| failed(&format!("reading KeyValueStore {arn}"), e))?;
    let mut entries = BTreeMap::new();
    let mut next: Option<String> = None;
    loop {
        let page = (client.list_keys().kvs_arn(arn))
            .set_next_token(next.take())
            .max_results(KEYS_PER_PAGE)
            .send()
            .await
            .map_err(|e| failed(&format!("listing the keys of KeyValueStore {arn}"), e))?;
        for item in page.items() {
            entries.insert(item.key().to_string(), item.value().to_string());
        }
        match page.next_token() {
            Some(token) if !token.is_empty() => next = Some(token.to_string()),
            _ => break,
        }
    }
    Ok((described.e_tag().to_string(), entries))
}

/// Sends `puts` and `deletes` in calls of [`KEYS_PER_CALL`], each over the
/// ETag the last left. Returns the ETag after them.
async fn update(
    client: &kvs::Client,
    arn: &str,
    mut etag: String,
    puts: &[(String, String)],
    deletes: &[String],
) -> Result<String> {
    for batch in puts.chunks(KEYS_PER_CALL) {
        let items = (batch.iter())
            .map(|(k, v)| PutKeyRequestListItem::builder().key(k).value(v).build())
            .collect::<Result<Vec<_>, _>>()?;
        let out = (client.update_keys().kvs_arn(arn).if_match(&etag))
            .set_puts(Some(items))
            .send()
            .await
            .map_err(|e| failed(&format!("writing KeyValueStore {arn}"), e))?;
        etag = out.e_tag().to_string();
    }
    for batch in deletes.chunks(KEYS_PER_CALL) {
        let items = (batch.iter())
            .map(|k| DeleteKeyRequestListItem::builder().key(k).build())
            .collect::<Result<Vec<_>, _>>()?;
        let out = (client.update_keys().kvs_arn(arn).if_match(&etag))
            .set_deletes(Some(items))
            .send()
            .await
            .map_err(|e| failed(&format!("deleting stale keys of KeyValueStore {arn}"), e))?;
        etag = out.e_tag().to_string();
    }
    Ok(etag)
}

/// A store written up to its stale keys: what [`finish`] deletes once the
/// code that no longer needs them is live.
#[derive(Debug)]
pub struct PendingDeletes {
    arn: String,
    etag: String,
    stale: Vec<String>,
}

/// Writes the new and changed entries of `wanted` to the store `arn`.
pub async fn write_new(
    client: &kvs::Client,
    arn: &str,
    wanted: &BTreeMap<String, String>,
) -> Result<PendingDeletes> {
    let (etag, held) = read(client, arn).await?;
    let StoreChanges { puts, stale } = changes(&held, wanted);
    let etag = update(client, arn, etag, &puts, &[]).await?;
    log::verbose_timed(&format!(
        "publish: KeyValueStore: {} entr(ies) written, {} kept, {} stale",
        puts.len(),
        wanted.len() - puts.len(),
        stale.len()
    ));
    Ok(PendingDeletes {
        arn: arn.to_string(),
        etag,
        stale,
    })
}

/// Deletes the keys the live code no longer reads.
pub async fn finish(client: &kvs::Client, pending: PendingDeletes) -> Result<()> {
    if pending.stale.is_empty() {
        return Ok(());
    }
    update(client, &pending.arn, pending.etag, &[], &pending.stale).await?;
    log::verbose_timed(&format!(
        "publish: KeyValueStore: {} stale entr(ies) deleted",
        pending.stale.len()
    ));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn only_new_and_changed_entries_are_put_and_missing_ones_are_stale() {
        let held = entries(&[("/a/", "/x/"), ("/b/", "/y/"), ("/gone/", "/z/")]);
        let wanted = entries(&[("/a/", "/x/"), ("/b/", "/moved/"), ("/new/", "/n/")]);
        let found = changes(&held, &wanted);
        assert_eq!(
            found.puts,
            [
                ("/b/".to_string(), "/moved/".to_string()),
                ("/new/".to_string(), "/n/".to_string())
            ]
        );
        assert_eq!(found.stale, ["/gone/"]);
        assert_eq!(changes(&wanted, &wanted), StoreChanges::default());
    }
}
