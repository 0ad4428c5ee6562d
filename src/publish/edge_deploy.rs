//! Keeping the site's CloudFront Function in step with the built site.
//! `ssg provision` creates the function, publishes it and has the
//! distribution run it on viewer requests; each publish then compares the
//! code the built site makes (`crate::edge`) with the code CloudFront runs
//! (its LIVE stage) and, when they differ, updates and publishes it —
//! after the uploads, so no redirect points at an object not there yet,
//! and before the deletes. A function needs no invalidation: CloudFront
//! runs the LIVE code on the next request.
//!
//! With the redirects in the KeyValueStore (a map too large to embed), the
//! store's new and changed entries are written before the code that reads
//! them is published, its stale ones deleted after (`key_value_store.rs`);
//! the code names the version of the entries, so it differs whenever they
//! do. A map small enough to embed makes no KeyValueStore call at all.
//!
//! While the function runs, the folder-key copies and slashless redirect
//! pages of `directory_keys` have nothing left to do (the function serves
//! `/x/` from `x/index.html` and sends `/x` on with a 301), so a publish
//! stops uploading them and deletes those a publish before left.

use std::collections::BTreeMap;

use anyhow::{Result, anyhow, bail};
use aws_sdk_cloudfront::primitives::Blob;
use aws_sdk_cloudfront::types::{EventType, FunctionConfig, FunctionStage};
use serde::{Deserialize, Serialize};

use super::cloud::{Cloud, describe};
use super::key_value_store::{self, PendingDeletes};
use crate::config::PublishConfig;
use crate::edge::{self, EdgeFunction};
use crate::log;

/// The function the site's distribution runs, as a publish found it.
#[derive(Debug, Clone)]
pub struct LiveFunction {
    pub name: String,
    /// Its config as CloudFront has it (an update sends it back unchanged).
    config: FunctionConfig,
    /// The ETag of its DEVELOPMENT stage, which an update must name.
    etag: Option<String>,
    /// The code of its LIVE stage.
    code: Vec<u8>,
}

impl LiveFunction {
    /// Whether CloudFront runs something other than `code`.
    pub fn differs_from(&self, code: &str) -> bool {
        self.code != code.as_bytes()
    }

    /// Whether its code maps the hosts under `domain` to previews.
    pub fn serves_previews_of(&self, domain: &str) -> bool {
        edge::serves_previews_of(&String::from_utf8_lossy(&self.code), domain)
    }

    /// The KeyValueStore associated with the function (`ssg provision`
    /// makes it), by ARN.
    fn store_arn(&self) -> Option<&str> {
        (self.config.key_value_store_associations())
            .and_then(|a| a.items().first())
            .map(|a| a.key_value_store_arn())
    }

    /// Whether the LIVE code reads its redirects from the store.
    fn reads_the_store(&self) -> bool {
        String::from_utf8_lossy(&self.code).contains(edge::STORE_MARK)
    }
}

/// What the edge runs after a publish: its code and, with the redirects
/// in the KeyValueStore, the entries. Kept in the publish's history record,
/// so a rollback puts the redirects back with the pages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EdgeState {
    pub code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub store: Option<BTreeMap<String, String>>,
}

impl EdgeState {
    /// The state `function` deploys, when `live` can run it: one whose
    /// redirects are in the store needs a function with a store associated
    /// (made by `ssg provision` from this version on), else it is a warning.
    pub fn deployable(live: &LiveFunction, function: &EdgeFunction) -> Option<EdgeState> {
        let code = function.code.clone()?;
        if function.store.is_some() && live.store_arn().is_none() {
            log::warn(&format!(
                "the site's {} redirects are too many to embed in the edge function and function {} has no KeyValueStore to hold them: run `ssg provision` again to make one (the meta-refresh pages still redirect)",
                function.redirects, live.name
            ));
            return None;
        }
        Some(EdgeState {
            code,
            store: function.store.clone(),
        })
    }
}

/// The function ssg made that the distribution runs on viewer requests, or
/// `None`: no distribution, no such association, a function that is not
/// ssg's (its comment is not `edge::COMMENT`), or one not published. Reads
/// the credentials may not make (a CI role from before the function) are a
/// warning, and the publish goes on as without a function.
pub async fn find(cloud: &Cloud, config: &PublishConfig) -> Result<Option<LiveFunction>> {
    if config.distribution_id.is_empty() {
        return Ok(None);
    }
    match read(cloud, &config.distribution_id).await {
        Ok(found) => Ok(found),
        Err(e) if e.to_string().contains("AccessDenied") => {
            log::warn(&format!(
                "cannot read the distribution's edge function ({e}); publishing as without one (folder keys kept). Run `ssg provision` again to let the publish role read it"
            ));
            Ok(None)
        }
        Err(e) => Err(e.context("cannot read the distribution's edge function")),
    }
}

async fn read(cloud: &Cloud, distribution_id: &str) -> Result<Option<LiveFunction>> {
    let cf = &cloud.cloudfront;
    let out = cf
        .get_distribution_config()
        .id(distribution_id)
        .send()
        .await
        .map_err(|e| anyhow!("reading distribution {distribution_id}: {}", describe(&e)))?;
    let arn = out
        .distribution_config()
        .and_then(|c| c.default_cache_behavior())
        .and_then(|b| b.function_associations())
        .map(|a| a.items())
        .unwrap_or_default()
        .iter()
        .find(|a| a.event_type == EventType::ViewerRequest)
        .map(|a| a.function_arn().to_string());
    let Some(arn) = arn else { return Ok(None) };
    let name = arn.rsplit('/').next().unwrap_or(&arn).to_string();
    let described = cf
        .describe_function()
        .name(&name)
        .send()
        .await
        .map_err(|e| anyhow!("reading function {name}: {}", describe(&e)))?;
    let Some(config) = described
        .function_summary()
        .and_then(|s| s.function_config())
        .filter(|c| c.comment() == edge::COMMENT)
        .cloned()
    else {
        log::verbose(&format!(
            "publish: the distribution runs function {name}, which ssg did not make; it is left alone"
        ));
        return Ok(None);
    };
    let live = match cf
        .get_function()
        .name(&name)
        .stage(FunctionStage::Live)
        .send()
        .await
    {
        Ok(out) => out,
        Err(e)
            if e.as_service_error()
                .is_some_and(|s| s.is_no_such_function_exists()) =>
        {
            return Ok(None);
        }
        Err(e) => return Err(anyhow!("reading function {name}: {}", describe(&e))),
    };
    Ok(Some(LiveFunction {
        name,
        config,
        etag: described.e_tag().map(String::from),
        code: live
            .function_code()
            .map(|c| c.as_ref().to_vec())
            .unwrap_or_default(),
    }))
}

/// Puts `code` in the function and publishes it to LIVE.
pub async fn deploy(cloud: &Cloud, function: &LiveFunction, code: &str) -> Result<()> {
    let cf = &cloud.cloudfront;
    let name = &function.name;
    let updated = cf
        .update_function()
        .name(name)
        .set_if_match(function.etag.clone())
        .function_config(function.config.clone())
        .function_code(Blob::new(code.as_bytes()))
        .send()
        .await
        .map_err(|e| anyhow!("updating function {name}: {}", describe(&e)))?;
    let etag = match updated.e_tag() {
        Some(tag) => Some(tag.to_string()),
        // The answer's header is `ETtag` in CloudFront's API reference;
        // should it ever be spelled otherwise, ask.
        None => cf
            .describe_function()
            .name(name)
            .send()
            .await
            .map_err(|e| anyhow!("reading function {name}: {}", describe(&e)))?
            .e_tag()
            .map(String::from),
    };
    cf.publish_function()
        .name(name)
        .set_if_match(etag)
        .send()
        .await
        .map_err(|e| anyhow!("publishing function {name}: {}", describe(&e)))?;
    log::verbose_timed(&format!(
        "publish: edge function {name} updated and published"
    ));
    Ok(())
}

/// What a publish (or a rollback) puts at the edge: the new state, where
/// CloudFront runs other code.
#[derive(Debug)]
pub struct FunctionUpdate {
    pub function: LiveFunction,
    pub state: EdgeState,
}

impl FunctionUpdate {
    /// The update `live` needs to run `state`; `None` when it runs it already.
    pub fn of(live: &LiveFunction, state: &EdgeState) -> Option<FunctionUpdate> {
        live.differs_from(&state.code).then(|| FunctionUpdate {
            function: live.clone(),
            state: state.clone(),
        })
    }

    /// The store's new entries, then the code. Returns the store's stale
    /// keys, for [`key_value_store::finish`] once the old code is gone.
    pub async fn deploy(&self, cloud: &Cloud) -> Result<Option<PendingDeletes>> {
        // Where the old code read the store and the new one does not, the
        // store is emptied after; a site that never used it is never asked.
        let empty = BTreeMap::new();
        let wanted = match &self.state.store {
            Some(entries) => Some(entries),
            None if self.function.reads_the_store() => Some(&empty),
            None => None,
        };
        let pending = match (wanted, self.function.store_arn()) {
            (Some(entries), Some(arn)) => {
                Some(key_value_store::write_new(&cloud.key_value_store, arn, entries).await?)
            }
            (Some(_), None) if self.state.store.is_some() => bail!(
                "function {} has no KeyValueStore for its redirects: run `ssg provision` again to make one",
                self.function.name
            ),
            _ => None,
        };
        deploy(cloud, &self.function, &self.state.code).await?;
        Ok(pending)
    }
}
