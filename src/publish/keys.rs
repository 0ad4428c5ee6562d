//! The keys ssg keeps for itself under the prefix: the manifest's root,
//! its shards, the publish lease, the publish history, the previews. The plan must never upload, delete or
//! invalidate them, the shards are named under them and the lease is taken
//! at one of them, so they live here, where all of those can import them
//! without importing each other.

/// The manifest's own key under the prefix (its root, `shards.rs`).
pub const MANIFEST_NAME: &str = ".ssg-manifest.json";

/// The folder of the manifest's shards under the prefix.
pub const SHARD_DIR: &str = ".ssg-manifest/";

/// The publish lease's key under the prefix (see `lease.rs`).
pub const LOCK_NAME: &str = ".ssg-publish.lock";

/// The folder of the publish history under the prefix (see `history.rs`).
pub const HISTORY_DIR: &str = ".ssg-history/";

/// Keys ssg keeps for itself under the prefix (the manifest's root, its
/// shards, the lock, the history, the previews' objects): never a site
/// file, never uploaded from the output folder, deleted or invalidated by
/// a plan.
pub fn is_reserved(key: &str, prefix: &str) -> bool {
    key.strip_prefix(prefix).is_some_and(|name| {
        name == MANIFEST_NAME
            || name == LOCK_NAME
            || name.starts_with(SHARD_DIR)
            || name.starts_with(HISTORY_DIR)
            || name.starts_with(PREVIEWS_DIR)
    })
}

/// The folder of the previews under the prefix (`crate::preview`): each
/// preview is a publish of its own there, which the live site's never sees.
pub const PREVIEWS_DIR: &str = crate::preview::KEY_DIR;

/// Keys a publish's state is made of besides the site's files: the
/// manifest's root and shards, which a rollback restores with the files.
/// The lock, the history and the previews are never rolled back.
pub fn is_rolled_back(key: &str, prefix: &str) -> bool {
    key.strip_prefix(prefix).is_some_and(|name| {
        name != LOCK_NAME && !name.starts_with(HISTORY_DIR) && !name.starts_with(PREVIEWS_DIR)
    })
}

/// The key of the manifest's root.
pub fn manifest_key(prefix: &str) -> String {
    format!("{prefix}{MANIFEST_NAME}")
}

/// The key of the publish lease.
pub fn lock_key(prefix: &str) -> String {
    format!("{prefix}{LOCK_NAME}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn previews_are_the_live_sites_to_leave_alone() {
        assert!(is_reserved("_previews/pr-1/index.html", ""));
        assert!(is_reserved("site/_previews/pr-1/index.html", "site/"));
        assert!(!is_reserved("blog/_previews/x.html", ""));
        assert!(!is_rolled_back("_previews/pr-1/index.html", ""));
        assert!(is_rolled_back("index.html", ""));
        // A preview's own keys, under its prefix, are its site's files.
        let own = crate::preview::key_prefix("", "pr-1");
        assert!(!is_reserved("_previews/pr-1/index.html", &own));
    }
}
