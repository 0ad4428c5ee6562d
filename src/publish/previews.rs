//! `ssg publish --preview NAME`: the built site published beside the live
//! one, under its own key prefix (`crate::preview::key_prefix`), served at
//! `NAME.preview.DOMAIN` by the edge function. A preview is a publish of
//! its own — its own manifest, lease and content diff — that never writes
//! the edge function, is never recorded in the live site's history (so no
//! rollback goes to it), and whose invalidation paths start with the
//! preview's URL path. `--preview NAME --delete` removes it; `--previews`
//! lists them.

use std::collections::BTreeMap;

use anyhow::{Result, anyhow};

use super::cloud::Cloud;
use super::edge_deploy::LiveFunction;
use super::invalidate;
use super::job::PublishOptions;
use crate::config::{Config, PublishConfig};
use crate::log;
use crate::preview;

/// The preview a publish goes to.
#[derive(Debug, Clone)]
pub struct Preview {
    /// A DNS label (`crate::preview::name_of`).
    pub name: String,
    /// The site's host, which the preview's host is made from.
    pub site_host: String,
}

impl Preview {
    /// Preview `input` (a name or a branch, made a DNS label) of the site
    /// `config` describes. Previews need the site's own domain in
    /// `base_url`: their hosts are made from it.
    pub fn new(config: &Config, input: &str) -> Result<Preview> {
        let name = preview::name_of(input)?;
        if name != input {
            log::info(&format!("preview name: {name} (from \"{input}\")"));
        }
        let site_host = preview::site_host(&config.base_url).ok_or_else(|| {
            anyhow!(
                "previews are served at NAME.{}.DOMAIN, and base_url \"{}\" in ssg.toml names no domain of the site's own; set it to the site's address (https://example.com/) and run `ssg provision` to make the previews' certificate and DNS",
                preview::HOST_LABEL,
                config.base_url
            )
        })?;
        Ok(Preview { name, site_host })
    }

    /// Where its objects go under the publish `prefix`.
    pub fn key_prefix(&self, prefix: &str) -> String {
        preview::key_prefix(prefix, &self.name)
    }

    /// An invalidation path of the preview's site as CloudFront caches it:
    /// behind the URL path the edge function gives the preview.
    pub fn invalidation_path(&self, path: &str) -> String {
        format!("{}{path}", preview::url_path(&self.name))
    }

    pub fn url(&self) -> String {
        preview::url(&self.name, &self.site_host)
    }

    /// Warns when the function CloudFront runs does not serve this site's
    /// previews yet (made before previews, or for another domain): the
    /// live site's next publish deploys the code that does.
    pub fn check_function(&self, live: Option<&LiveFunction>) {
        let domain = preview::domain_of(&self.site_host);
        match live {
            Some(f) if f.serves_previews_of(&domain) => {}
            Some(_) => log::warn(&format!(
                "the edge function CloudFront runs does not serve previews of {domain} yet; `ssg publish` of the live site deploys the one that does"
            )),
            None => log::warn(
                "the distribution runs no ssg edge function, so nothing serves the preview's host; run `ssg provision`",
            ),
        }
    }
}

/// `ssg publish --preview NAME --delete`: every object under the
/// preview's prefix deleted (old versions expire by the bucket's
/// lifecycle rule), and its URLs invalidated.
pub async fn delete(
    cloud: &Cloud,
    config: &PublishConfig,
    prefix: &str,
    preview: &Preview,
    opts: &PublishOptions,
) -> Result<()> {
    let under = preview.key_prefix(prefix);
    let keys: Vec<String> = cloud
        .list(&under)
        .await?
        .into_iter()
        .map(|o| o.key)
        .collect();
    if keys.is_empty() {
        log::info(&format!(
            "no preview {} in s3://{}/{prefix}: nothing to delete",
            preview.name, config.bucket
        ));
        return Ok(());
    }
    if opts.dry_run {
        log::info(&format!(
            "would delete preview {} ({} objects under s3://{}/{under}); dry run: nothing was changed",
            preview.name,
            keys.len(),
            config.bucket
        ));
        return Ok(());
    }
    cloud.delete(&keys).await?;
    let mut invalidated = String::new();
    if !config.distribution_id.is_empty() && !opts.no_invalidate {
        let paths = [preview.invalidation_path("/*")];
        let id = invalidate::send(cloud, config, &paths, opts.wait).await?;
        invalidated = format!("; invalidation {id} for {}", paths[0]);
    }
    log::info(&format!(
        "Deleted preview {} ({} objects under s3://{}/{under}){invalidated}",
        preview.name,
        keys.len(),
        config.bucket
    ));
    Ok(())
}

/// `ssg publish --previews`: each preview in the bucket with its object
/// count and bytes, and its address when the site has a domain.
pub async fn list(cloud: &Cloud, config: &Config, prefix: &str, json: bool) -> Result<()> {
    let under = format!("{prefix}{}", preview::KEY_DIR);
    let mut found: BTreeMap<String, (usize, u64)> = BTreeMap::new();
    for object in cloud.list(&under).await? {
        let Some((name, _)) = object.key[under.len()..].split_once('/') else {
            continue;
        };
        let entry = found.entry(name.to_string()).or_default();
        entry.0 += 1;
        entry.1 += object.size;
    }
    let host = preview::site_host(&config.base_url);
    let url = |name: &str| host.as_deref().map(|h| preview::url(name, h));
    if json {
        let rows: Vec<serde_json::Value> = (found.iter())
            .map(|(name, (objects, bytes))| {
                serde_json::json!({"name": name, "objects": objects, "bytes": bytes, "url": url(name)})
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&rows)?);
        return Ok(());
    }
    if found.is_empty() {
        log::info(&format!("no previews in s3://{}/{under}", cloud.bucket));
    }
    for (name, (objects, bytes)) in &found {
        let address = url(name).unwrap_or_default();
        println!("{name}\t{objects} objects\t{bytes} bytes\t{address}");
    }
    Ok(())
}
