//! The site's CloudFront Function as a provisioned resource: found by its
//! name (`Names::function`), created with the code of an empty site and
//! published, then associated with the distribution's default cache
//! behavior on viewer requests. Provisioning owns that it exists, runs on
//! `cloudfront-js-2.0`, is live and is associated; `ssg publish` owns its
//! code (the built site's map), so a rerun never rewrites the code.
//!
//! CloudFront's order is fixed: a function must be published (have a LIVE
//! stage) before a cache behavior can name it, and cannot be deleted while
//! a distribution still does.

use anyhow::{Context as _, Result};
use aws_sdk_cloudfront::primitives::Blob;
use aws_sdk_cloudfront::types::{
    DefaultCacheBehavior, EventType, FunctionAssociation, FunctionAssociations, FunctionConfig,
    FunctionRuntime, FunctionStage,
};

use super::aws::{Clients, code, failed};
use super::model::{Desired, Distribution, EdgeFunction};
use super::previews;
use crate::edge::{self, SiteMap};
use crate::log;

/// The JavaScript runtime ssg's function is written for (`function.js`).
const RUNTIME: FunctionRuntime = FunctionRuntime::CloudfrontJs20;

/// The function named for the site, when there is one.
pub async fn observe(clients: &Clients, name: &str) -> Result<Option<EdgeFunction>> {
    let cf = &clients.cloudfront;
    let development = match cf.describe_function().name(name).send().await {
        Ok(out) => out,
        Err(e) if code(&e) == Some("NoSuchFunctionExists") => return Ok(None),
        Err(e) => return Err(failed(&format!("reading function {name}"), &e)),
    };
    let summary = development
        .function_summary()
        .context("CloudFront returned no function summary")?;
    // An unpublished function has no LIVE stage to describe; the answer
    // naming its stage is checked too, should one come back regardless.
    let live = match cf
        .describe_function()
        .name(name)
        .stage(FunctionStage::Live)
        .send()
        .await
    {
        Ok(out) => out
            .function_summary()
            .and_then(|s| s.function_metadata())
            .and_then(|m| m.stage())
            .is_some_and(|stage| *stage == FunctionStage::Live),
        Err(e) if code(&e) == Some("NoSuchFunctionExists") => false,
        Err(e) => return Err(failed(&format!("reading the LIVE stage of {name}"), &e)),
    };
    Ok(Some(EdgeFunction {
        arn: summary
            .function_metadata()
            .map(|m| m.function_arn().to_string())
            .unwrap_or_default(),
        runtime: summary
            .function_config()
            .map(|c| c.runtime().as_str().to_string())
            .unwrap_or_default(),
        live,
    }))
}

/// What is wrong with the function found (`Ok`, empty when nothing), or
/// why one must be made (`Err`: there is none).
pub fn problems(found: Option<&EdgeFunction>) -> Result<Vec<String>, Vec<String>> {
    let Some(function) = found else {
        return Err(vec![
            "no CloudFront Function for the site's redirects and folder URLs".into(),
        ]);
    };
    let mut why = Vec::new();
    if function.runtime != RUNTIME.as_str() {
        why.push(format!(
            "runtime is {}, not {}",
            function.runtime,
            RUNTIME.as_str()
        ));
    }
    if !function.live {
        why.push("not published (no LIVE stage): it cannot run".into());
    }
    Ok(why)
}

/// Why the distribution's association differs from what ssg sets (empty:
/// its default cache behavior runs the site's function on viewer requests
/// and, with previews, on viewer responses unless the user put a function
/// of their own there).
pub fn association_problems(desired: &Desired, d: &Distribution) -> Vec<String> {
    let name = desired.names.function();
    let wanted = format!(":function/{name}");
    let mut why = Vec::new();
    if !d.viewer_request_function.ends_with(&wanted) {
        why.push(format!("viewer requests do not run the function {name}"));
    }
    if previews::are_on(desired) && d.viewer_response_function.is_empty() {
        why.push(format!(
            "viewer responses do not run the function {name} (it marks previews noindex)"
        ));
    }
    why
}

/// Sets `function_arn` as the viewer-request function of `behavior` and,
/// with `on_responses`, as its viewer-response function where the user
/// has none there; the functions the user put on the events are kept.
pub fn associate(
    behavior: &mut DefaultCacheBehavior,
    function_arn: &str,
    on_responses: bool,
) -> Result<()> {
    let found: Vec<FunctionAssociation> = behavior
        .function_associations
        .take()
        .and_then(|a| a.items)
        .unwrap_or_default();
    let users_response = found
        .iter()
        .any(|a| a.event_type == EventType::ViewerResponse && a.function_arn != function_arn);
    let mut events = vec![EventType::ViewerRequest];
    if on_responses && !users_response {
        events.push(EventType::ViewerResponse);
    }
    let mut items: Vec<FunctionAssociation> = found
        .into_iter()
        .filter(|a| !events.contains(&a.event_type))
        .collect();
    for event in events {
        items.push(
            FunctionAssociation::builder()
                .function_arn(function_arn)
                .event_type(event)
                .build()?,
        );
    }
    behavior.function_associations = Some(
        FunctionAssociations::builder()
            .quantity(items.len() as i32)
            .set_items(Some(items))
            .build()?,
    );
    Ok(())
}

/// The ARN of the function `behavior` runs on `event` ("" when none).
pub fn function_on(behavior: &DefaultCacheBehavior, event: EventType) -> String {
    behavior
        .function_associations()
        .map(|a| a.items())
        .unwrap_or_default()
        .iter()
        .find(|a| a.event_type == event)
        .map(|a| a.function_arn().to_string())
        .unwrap_or_default()
}

/// The function's config as ssg writes it (create and publish alike).
pub fn config() -> Result<FunctionConfig> {
    Ok(FunctionConfig::builder()
        .comment(edge::COMMENT)
        .runtime(RUNTIME)
        .build()?)
}

/// Makes the function exist, on ssg's runtime, published. Returns its ARN.
pub async fn converge(
    clients: &Clients,
    name: &str,
    found: Option<&EdgeFunction>,
    preview_domain: Option<String>,
) -> Result<String> {
    let cf = &clients.cloudfront;
    let etag = match found {
        None => create(clients, name, preview_domain).await?,
        Some(f) if f.runtime != RUNTIME.as_str() => {
            let current = cf
                .get_function()
                .name(name)
                .send()
                .await
                .map_err(|e| failed(&format!("reading function {name}"), &e))?;
            let code = current.function_code().cloned().unwrap_or(Blob::new(""));
            cf.update_function()
                .name(name)
                .set_if_match(current.e_tag().map(String::from))
                .function_config(config()?)
                .function_code(code)
                .send()
                .await
                .map_err(|e| failed(&format!("updating function {name}"), &e))?
                .e_tag()
                .map(String::from)
        }
        Some(_) => cf
            .describe_function()
            .name(name)
            .send()
            .await
            .map_err(|e| failed(&format!("reading function {name}"), &e))?
            .e_tag()
            .map(String::from),
    };
    let published = cf
        .publish_function()
        .name(name)
        .set_if_match(etag)
        .send()
        .await
        .map_err(|e| failed(&format!("publishing function {name}"), &e))?;
    published
        .function_summary()
        .and_then(|s| s.function_metadata())
        .map(|m| m.function_arn().to_string())
        .context("CloudFront returned no function ARN")
}

/// Creates the function with the code of a site with no redirects (folder
/// URLs and previews only): `ssg publish` puts the built site's map in.
/// Returns the ETag of its DEVELOPMENT stage.
async fn create(
    clients: &Clients,
    name: &str,
    preview_domain: Option<String>,
) -> Result<Option<String>> {
    let map = SiteMap {
        preview: preview_domain,
        ..SiteMap::default()
    };
    let code = edge::code_of(&map);
    let out = clients
        .cloudfront
        .create_function()
        .name(name)
        .function_config(config()?)
        .function_code(Blob::new(code))
        .send()
        .await
        .map_err(|e| failed(&format!("creating function {name}"), &e))?;
    Ok(out.e_tag().map(String::from))
}

/// The site's function as a run that made it leaves it, for the plan's tests.
#[cfg(test)]
pub fn published(names: &super::names::Names) -> EdgeFunction {
    EdgeFunction {
        arn: format!("arn:aws:cloudfront::1:function/{}", names.function()),
        runtime: RUNTIME.as_str().to_string(),
        live: true,
    }
}

/// Deletes the function; the distribution naming it must be gone first.
pub async fn delete(clients: &Clients, name: &str) -> Result<()> {
    let cf = &clients.cloudfront;
    let current = match cf.describe_function().name(name).send().await {
        Ok(out) => out,
        Err(e) if code(&e) == Some("NoSuchFunctionExists") => return Ok(()),
        Err(e) => return Err(failed(&format!("reading function {name}"), &e)),
    };
    cf.delete_function()
        .name(name)
        .set_if_match(current.e_tag().map(String::from))
        .send()
        .await
        .map_err(|e| failed(&format!("deleting function {name}"), &e))?;
    log::info(&format!("deleted function {name}"));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn association(arn: &str, event: EventType) -> FunctionAssociation {
        FunctionAssociation::builder()
            .function_arn(arn)
            .event_type(event)
            .build()
            .unwrap()
    }

    #[test]
    fn associating_replaces_the_viewer_request_function_and_keeps_the_others() {
        let mut behavior = DefaultCacheBehavior::builder()
            .target_origin_id("o")
            .viewer_protocol_policy(aws_sdk_cloudfront::types::ViewerProtocolPolicy::AllowAll)
            .function_associations(
                FunctionAssociations::builder()
                    .quantity(2)
                    .items(association("theirs-request", EventType::ViewerRequest))
                    .items(association("theirs-response", EventType::ViewerResponse))
                    .build()
                    .unwrap(),
            )
            .build()
            .unwrap();
        let ours = "arn:aws:cloudfront::1:function/ssg-b";
        associate(&mut behavior, ours, true).unwrap();
        let items = behavior.function_associations().unwrap();
        assert_eq!(items.quantity(), 2);
        assert_eq!(function_on(&behavior, EventType::ViewerRequest), ours);
        // The user's function on responses stays, previews or not.
        assert_eq!(
            function_on(&behavior, EventType::ViewerResponse),
            "theirs-response"
        );
    }

    #[test]
    fn with_previews_the_function_also_runs_on_responses_where_free() {
        let mut behavior = DefaultCacheBehavior::builder()
            .target_origin_id("o")
            .viewer_protocol_policy(aws_sdk_cloudfront::types::ViewerProtocolPolicy::AllowAll)
            .build()
            .unwrap();
        let ours = "arn:aws:cloudfront::1:function/ssg-b";
        associate(&mut behavior, ours, false).unwrap();
        assert_eq!(function_on(&behavior, EventType::ViewerResponse), "");
        associate(&mut behavior, ours, true).unwrap();
        assert_eq!(function_on(&behavior, EventType::ViewerRequest), ours);
        assert_eq!(function_on(&behavior, EventType::ViewerResponse), ours);
        assert_eq!(behavior.function_associations().unwrap().quantity(), 2);
    }

    #[test]
    fn a_missing_unpublished_or_other_runtime_function_is_named() {
        assert!(problems(None).is_err());
        let names = super::super::names::Names::new("b");
        let mut found = published(&names);
        assert_eq!(problems(Some(&found)), Ok(Vec::new()));
        found.live = false;
        found.runtime = "cloudfront-js-1.0".into();
        let why = problems(Some(&found)).unwrap();
        assert!(why[0].contains("cloudfront-js-1.0") && why[1].contains("not published"));
    }
}
