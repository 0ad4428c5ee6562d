//! Keeping the site's CloudFront Function in step with the built site.
//! `ssg provision` creates the function, publishes it and has the
//! distribution run it on viewer requests; each publish then compares the
//! code the built site makes (`crate::edge`) with the code CloudFront runs
//! (its LIVE stage) and, when they differ, updates and publishes it —
//! after the uploads, so no redirect points at an object not there yet,
//! and before the deletes. A function needs no invalidation: CloudFront
//! runs the LIVE code on the next request.
//!
//! While the function runs, the folder-key copies and slashless redirect
//! pages of `directory_keys` have nothing left to do (the function serves
//! `/x/` from `x/index.html` and sends `/x` on with a 301), so a publish
//! stops uploading them and deletes those a publish before left.

use anyhow::{Result, anyhow};
use aws_sdk_cloudfront::primitives::Blob;
use aws_sdk_cloudfront::types::{EventType, FunctionConfig, FunctionStage};

use super::cloud::{Cloud, describe};
use crate::config::PublishConfig;
use crate::edge;
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

/// The code a publish puts in the function: the built site's, where
/// CloudFront runs other code.
#[derive(Debug)]
pub struct FunctionUpdate {
    pub function: LiveFunction,
    pub code: String,
}

impl FunctionUpdate {
    /// The update `live` needs to run `code`; `None` when it runs it already.
    pub fn of(live: &LiveFunction, code: &str) -> Option<FunctionUpdate> {
        live.differs_from(code).then(|| FunctionUpdate {
            function: live.clone(),
            code: code.to_string(),
        })
    }

    pub async fn deploy(&self, cloud: &Cloud) -> Result<()> {
        deploy(cloud, &self.function, &self.code).await
    }
}
