//! The site's CloudFront Function as a provisioned resource: found by its
//! name (`Names::function`), created with the code of an empty site and
//! published, then associated with the distribution's default cache
//! behavior on viewer requests. Provisioning owns that it exists, runs on
//! `cloudfront-js-2.0`, is live and is associated; `ssg publish` owns its
//! code (the built site's map), so a rerun never rewrites the code.
//!
//! Beside it, a CloudFront KeyValueStore of the same name, associated with
//! the function: where publish keeps the redirects of a site with too many
//! to embed in the code. An empty store costs nothing; a site whose map
//! fits in the code never writes or reads it.
//!
//! CloudFront's order is fixed: a function must be published (have a LIVE
//! stage) before a cache behavior can name it, and cannot be deleted while
//! a distribution still does; a store cannot be deleted while a function
//! names it.

use anyhow::{Context as _, Result};
use aws_sdk_cloudfront::primitives::Blob;
use aws_sdk_cloudfront::types::{
    DefaultCacheBehavior, EventType, FunctionAssociation, FunctionAssociations, FunctionConfig,
    FunctionRuntime, FunctionStage, KeyValueStoreAssociation, KeyValueStoreAssociations,
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
    let config = summary.function_config();
    Ok(Some(EdgeFunction {
        arn: summary
            .function_metadata()
            .map(|m| m.function_arn().to_string())
            .unwrap_or_default(),
        runtime: config
            .map(|c| c.runtime().as_str().to_string())
            .unwrap_or_default(),
        live,
        store: find_store(clients, name).await?.map(|(arn, _)| arn),
        associated_store: (config.and_then(|c| c.key_value_store_associations()))
            .and_then(|a| a.items().first())
            .map(|a| a.key_value_store_arn().to_string()),
    }))
}

/// The KeyValueStore named `name`: its ARN and ETag.
async fn find_store(clients: &Clients, name: &str) -> Result<Option<(String, Option<String>)>> {
    match clients
        .cloudfront
        .describe_key_value_store()
        .name(name)
        .send()
        .await
    {
        Ok(out) => Ok(out
            .key_value_store()
            .map(|s| (s.arn().to_string(), out.e_tag().map(String::from)))),
        Err(e) if code(&e) == Some("EntityNotFound") => Ok(None),
        Err(e) => Err(failed(&format!("reading KeyValueStore {name}"), &e)),
    }
}

/// The site's KeyValueStore, made when missing and ready to associate.
/// Returns its ARN.
async fn ensure_store(clients: &Clients, name: &str) -> Result<String> {
    if let Some((arn, _)) = find_store(clients, name).await? {
        return Ok(arn);
    }
    let created = clients
        .cloudfront
        .create_key_value_store()
        .name(name)
        .comment(edge::COMMENT)
        .send()
        .await
        .map_err(|e| failed(&format!("creating KeyValueStore {name}"), &e))?;
    let store = created
        .key_value_store()
        .context("CloudFront returned no KeyValueStore")?;
    log::info(&format!("created KeyValueStore {name}"));
    // A new store is PROVISIONING for a moment; a function can name it
    // only once it is READY.
    let mut status = store.status().unwrap_or("READY").to_string();
    for _ in 0..60 {
        if status != "PROVISIONING" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
        status = (clients
            .cloudfront
            .describe_key_value_store()
            .name(name)
            .send())
        .await
        .map_err(|e| failed(&format!("reading KeyValueStore {name}"), &e))?
        .key_value_store()
        .and_then(|s| s.status())
        .unwrap_or("READY")
        .to_string();
    }
    if status != "READY" {
        anyhow::bail!("KeyValueStore {name} is {status}, not READY: run `ssg provision` again");
    }
    Ok(store.arn().to_string())
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
    match (&function.store, &function.associated_store) {
        (None, _) => why.push("no KeyValueStore for redirects too many to embed".into()),
        (Some(store), Some(named)) if store == named => {}
        (Some(_), _) => why.push("not associated with the site's KeyValueStore".into()),
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

/// The function's config as ssg writes it (create and publish alike),
/// with the site's KeyValueStore associated.
pub fn config(store_arn: &str) -> Result<FunctionConfig> {
    let association = KeyValueStoreAssociation::builder()
        .key_value_store_arn(store_arn)
        .build()?;
    Ok(FunctionConfig::builder()
        .comment(edge::COMMENT)
        .runtime(RUNTIME)
        .key_value_store_associations(
            KeyValueStoreAssociations::builder()
                .quantity(1)
                .items(association)
                .build()?,
        )
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
    let store_arn = ensure_store(clients, name).await?;
    let etag = match found {
        None => create(clients, name, &store_arn, preview_domain).await?,
        Some(f)
            if f.runtime != RUNTIME.as_str()
                || f.associated_store.as_deref() != Some(store_arn.as_str()) =>
        {
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
                .function_config(config(&store_arn)?)
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
    store_arn: &str,
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
        .function_config(config(store_arn)?)
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
        store: Some(store_arn(names)),
        associated_store: Some(store_arn(names)),
    }
}

#[cfg(test)]
fn store_arn(names: &super::names::Names) -> String {
    format!("arn:aws:cloudfront::1:key-value-store/{}", names.function())
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
    delete_store(clients, name).await
}

/// Deletes the KeyValueStore; the function naming it must be gone first.
async fn delete_store(clients: &Clients, name: &str) -> Result<()> {
    let Some((_, etag)) = find_store(clients, name).await? else {
        return Ok(());
    };
    (clients.cloudfront.delete_key_value_store().name(name))
        .set_if_match(etag)
        .send()
        .await
        .map_err(|e| failed(&format!("deleting KeyValueStore {name}"), &e))?;
    log::info(&format!("deleted KeyValueStore {name}"));
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
        found.associated_store = None;
        let why = problems(Some(&found)).unwrap();
        assert!(why[0].contains("cloudfront-js-1.0") && why[1].contains("not published"));
        assert!(why[2].contains("not associated"), "{why:?}");
        found.store = None;
        assert!(problems(Some(&found)).unwrap()[2].contains("no KeyValueStore"));
    }
}
