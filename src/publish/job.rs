//! One publish as its steps share it: the bucket, the settings and the
//! command's options, the local objects, and this target's entry in the
//! cache. The survey, the sync and the report all take it, so none of
//! them needs a long list of arguments.

use std::sync::Arc;
use std::time::Instant;

use super::cloud::Cloud;
use super::edge_deploy::{EdgeState, FunctionUpdate};
use super::last_publish::{CacheEntry, LastPublish};
use super::plan::LocalObject;
use super::previews::Preview;
use crate::config::PublishConfig;

/// The options of `ssg publish`.
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

/// What a publish works with once the output folder is read.
pub struct Job<'a> {
    pub cloud: &'a Arc<Cloud>,
    pub config: &'a PublishConfig,
    pub prefix: &'a str,
    pub local: &'a [LocalObject],
    pub opts: &'a PublishOptions,
    pub started: Instant,
    pub cache: &'a CacheEntry,
    /// The edge function's new code, when CloudFront runs other code.
    pub function_update: Option<&'a FunctionUpdate>,
    /// The preview this publish makes (`None`: the live site).
    pub preview: Option<&'a Preview>,
    /// What the edge runs after this publish, where ssg's function runs
    /// this site's code: kept in the history for a rollback.
    pub edge_state: Option<&'a EdgeState>,
}

impl Job<'_> {
    /// What this machine keeps of its last publish to the target (with
    /// `--verify` too: the shards it holds are named by their hash).
    pub fn last_publish(&self) -> Option<&LastPublish> {
        self.cache.last.as_ref()
    }

    /// The invalidation paths of the site's `paths`, as CloudFront caches
    /// them (a preview's behind its URL path).
    pub fn cached_paths(&self, paths: Vec<String>) -> Vec<String> {
        match self.preview {
            None => paths,
            Some(preview) => paths.iter().map(|p| preview.invalidation_path(p)).collect(),
        }
    }
}
