//! What identifies one state of a file on disk (size, modification time,
//! inode), and when such a state can be trusted to show a later change.
//! Its own room because three others compare these states: the output
//! listing takes them, the ledger records them after a write, and publish
//! remembers them beside each file's hash.

use std::fs;
use std::time::UNIX_EPOCH;

use serde::{Deserialize, Serialize};

/// What identifies one state of a file on disk.
#[derive(Serialize, Deserialize, Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct FileStat {
    pub len: u64,
    /// Nanoseconds since the epoch.
    pub modified: u128,
    /// Zero where the platform has no inode numbers.
    pub inode: u64,
}

impl FileStat {
    pub fn of(meta: &fs::Metadata) -> FileStat {
        #[cfg(unix)]
        let inode = std::os::unix::fs::MetadataExt::ino(meta);
        #[cfg(not(unix))]
        let inode = 0;
        FileStat {
            len: meta.len(),
            modified: meta
                .modified()
                .ok()
                .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos()),
            inode,
        }
    }

    /// Whether this state was last changed long enough before `taken_ms`
    /// (milliseconds since the epoch, when it was observed) that any later
    /// change shows as another time: the "racy git" rule. File times tick
    /// coarser than their nanoseconds suggest, so the margin is 100 ms, or
    /// 2 s where times are whole seconds (some file systems keep only those).
    pub fn settled_before(&self, taken_ms: u64) -> bool {
        let whole_seconds = self.modified.is_multiple_of(1_000_000_000);
        let margin: u128 = if whole_seconds { 2_000 } else { 100 };
        self.modified / 1_000_000 + margin < u128::from(taken_ms)
    }
}
