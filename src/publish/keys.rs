//! The keys ssg keeps for itself under the prefix: the manifest's root,
//! its shards, the publish lease. The plan must never upload, delete or
//! invalidate them, the shards are named under them and the lease is taken
//! at one of them, so they live here, where all of those can import them
//! without importing each other.

/// The manifest's own key under the prefix (its root, `shards.rs`).
pub const MANIFEST_NAME: &str = ".ssg-manifest.json";

/// The folder of the manifest's shards under the prefix.
pub const SHARD_DIR: &str = ".ssg-manifest/";

/// The publish lease's key under the prefix (see `lease.rs`).
pub const LOCK_NAME: &str = ".ssg-publish.lock";

/// Keys ssg keeps for itself under the prefix (the manifest's root, its
/// shards, the lock): never a site file, never uploaded from the output
/// folder, deleted or invalidated by a plan.
pub fn is_reserved(key: &str, prefix: &str) -> bool {
    key.strip_prefix(prefix).is_some_and(|name| {
        name == MANIFEST_NAME || name == LOCK_NAME || name.starts_with(SHARD_DIR)
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
