//! What this machine remembers of its last complete publish to a target:
//! the ETag of the manifest's root it left, and a copy of the manifest
//! itself, in the build cache (`.ssg-cache/publish-<hash>.bin`).
//!
//! Listing a 10,000-post bucket takes 15 LIST calls and seconds; when the
//! root's ETag is still the one remembered (one HEAD), nothing has written
//! to the bucket through ssg since — every publish changes the root before
//! its first upload (see `Root::pending` in `shards.rs`) — so the copy
//! here is the bucket's state and the plan is made from it without
//! listing or downloading anything. What this trusts: that nobody changed
//! the bucket behind ssg's back (an object deleted or replaced with the
//! S3 API or the console); `ssg publish --verify` lists and repairs that.
//!
//! It also keeps a stamp (size, modification time, inode) and the MD5 of
//! every output file it published, so the next publish reads and hashes
//! only files whose stamp changed: hashing all 171 MB of a 10,000-post
//! site took most of a no-change publish's half second. A build replaces
//! a changed file (new inode, new time); a file changed too shortly before
//! it was stamped to tell a later change apart by its time is hashed again
//! (the "racy git" rule, `FileStat::settled_before`). It keeps the output
//! folder's listing too, so the next publish reads only the folders that
//! changed (`output::listing`): at 100,000 posts, reading all 110,000
//! folders took longer than the rest of a one-post publish.
//!
//! Like the rest of the cache it is an accelerator only: one entry per
//! target (bucket, prefix, endpoint, so two targets never mix), ignored
//! when it cannot be read, is for another target, or disagrees with the
//! root it remembers; a copy that cannot be written only costs a listing.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use super::checksum::{Checksum, md5_hex};
use super::plan::Manifest;
use super::shards::Root;
use crate::file_stat::FileStat;
use crate::output::listing::Listing;

/// Bumped whenever what is stored here changes meaning.
const FORMAT: u32 = 4;

/// Where a publish goes: what a last publish is kept for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Target {
    pub bucket: String,
    pub prefix: String,
    /// The S3 endpoint (empty: AWS's own).
    pub endpoint: String,
}

impl Target {
    /// The endpoint as the SDK will use it: `endpoint` in `[publish]`, else
    /// the standard variables, else AWS.
    pub fn new(bucket: &str, prefix: &str, configured_endpoint: &str) -> Target {
        let endpoint = if configured_endpoint.is_empty() {
            ["AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"]
                .iter()
                .find_map(|v| std::env::var(v).ok().filter(|u| !u.is_empty()))
                .unwrap_or_default()
        } else {
            configured_endpoint.to_string()
        };
        Target {
            bucket: bucket.to_string(),
            prefix: prefix.to_string(),
            endpoint,
        }
    }

    fn file(&self, cache_dir: &Path) -> PathBuf {
        let id = md5_hex(format!("{}\n{}\n{}", self.bucket, self.prefix, self.endpoint).as_bytes());
        cache_dir.join(format!("publish-{}.bin", &id[..16]))
    }
}

/// The state a complete publish left.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LastPublish {
    format: u32,
    target: Target,
    /// The root's ETag right after that publish.
    pub root_etag: String,
    pub root: Root,
    /// Shared with the survey made from it, not copied.
    pub manifest: Arc<Manifest>,
    /// The output files as published, by path in the output folder.
    pub stamps: Stamps,
}

/// A [`LastPublish`] to store, borrowed from the publish that leaves it (a
/// copy would be 144,000 entries at 100,000 posts).
struct LastPublishRef<'a> {
    format: u32,
    target: &'a Target,
    root_etag: &'a str,
    root: &'a Root,
    manifest: &'a Manifest,
    stamps: &'a Stamps,
}

/// Output files by path as hashed, and the output folder's listing they
/// were found by (which says when), so the next publish reads only the
/// folders that changed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamps {
    pub files: FxHashMap<String, Stamp>,
    pub folders: Listing,
}

/// One file as it was hashed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    pub id: FileStat,
    /// Whether the body was gzipped (a rule), so `md5` and `size` are the gzip's.
    pub gzip: bool,
    pub md5: Checksum,
    pub size: u64,
}

impl Stamps {
    /// The listing, moved out to be brought up to date; an empty one taken
    /// at the same time is left, so the stamps are judged as before.
    pub fn take_listing(&mut self) -> Listing {
        let taken_ms = self.folders.taken_ms();
        std::mem::replace(&mut self.folders, Listing::empty_at(taken_ms))
    }

    /// The stamp of `path` if the file is still that version (`id`), was
    /// hashed with the same gzip setting, and had last changed long enough
    /// before it was stamped that a change after would show in its time.
    pub fn get(&self, path: &str, id: &FileStat, gzip: bool) -> Option<&Stamp> {
        self.files.get(path).filter(|s| {
            s.id == *id && s.gzip == gzip && s.id.settled_before(self.folders.taken_ms())
        })
    }
}

/// The last publish to `target`, if a sound one is kept.
pub fn load(cache_dir: &Path, target: &Target) -> Option<LastPublish> {
    let bytes = std::fs::read(target.file(cache_dir)).ok()?;
    let last = decode(&bytes);
    let sound = last.as_ref().is_some_and(|m| {
        m.format == FORMAT
            && m.target == *target
            && !m.root_etag.is_empty()
            && m.root.pending.is_none()
            && m.root.shards.iter().map(|s| s.entries).sum::<usize>() == m.manifest.objects.len()
    });
    if !sound {
        crate::log::verbose("publish: the remembered manifest is unusable; listing the bucket");
        return None;
    }
    last
}

/// The stored form: a checksum of the rest, then four sections, each in
/// postcard behind its length: the head (format, target, root), the
/// manifest, the file stamps, the folder listing. JSON took 0.8 s to read
/// at 100,000 posts; postcard in one piece 0.2 s, on one core; the
/// sections are encoded and decoded two at a time. The root and manifest
/// were one commit's when written (`save`), so a copy that reads back
/// whole is that commit's; the checksum stands in for hashing every shard
/// again.
fn encode(last: &LastPublishRef<'_>) -> Option<Vec<Vec<u8>>> {
    let head = (last.format, last.target, last.root_etag, last.root);
    let stamps = last.stamps;
    let ((head, manifest), (files, folders)) = rayon::join(
        || {
            (
                postcard::to_allocvec(&head),
                postcard::to_allocvec(last.manifest),
            )
        },
        || {
            let files: Vec<(&String, &Stamp)> = stamps.files.iter().collect();
            (
                postcard::to_allocvec(&files),
                postcard::to_allocvec(&stamps.folders),
            )
        },
    );
    // Chunks written one after the other, not copied into one buffer.
    let mut chunks = vec![Vec::new()];
    let mut sum = xxhash_rust::xxh3::Xxh3::new();
    for section in [head.ok()?, manifest.ok()?, files.ok()?, folders.ok()?] {
        let len = (section.len() as u64).to_le_bytes().to_vec();
        sum.update(&len);
        sum.update(&section);
        chunks.extend([len, section]);
    }
    chunks[0] = sum.digest().to_le_bytes().to_vec();
    Some(chunks)
}

fn decode(bytes: &[u8]) -> Option<LastPublish> {
    let (sum, body) = bytes.split_at_checked(8)?;
    if xxhash_rust::xxh3::xxh3_64(body) != u64::from_le_bytes(sum.try_into().ok()?) {
        return None;
    }
    let mut sections = [&[][..]; 4];
    let mut rest = body;
    for section in &mut sections {
        let (len, tail) = rest.split_at_checked(8)?;
        let len = usize::try_from(u64::from_le_bytes(len.try_into().ok()?)).ok()?;
        (*section, rest) = tail.split_at_checked(len)?;
    }
    if !rest.is_empty() {
        return None;
    }
    let [head, manifest, files, folders] = sections;
    let ((head, manifest), (files, folders)) = rayon::join(
        || {
            (
                postcard::from_bytes::<(u32, Target, String, Root)>(head),
                postcard::from_bytes::<Manifest>(manifest),
            )
        },
        || {
            (
                postcard::from_bytes::<Vec<(String, Stamp)>>(files),
                postcard::from_bytes::<Listing>(folders),
            )
        },
    );
    let (format, target, root_etag, root) = head.ok()?;
    Some(LastPublish {
        format,
        target,
        root_etag,
        root,
        manifest: Arc::new(manifest.ok()?),
        stamps: Stamps {
            files: files.ok()?.into_iter().collect(),
            folders: folders.ok()?,
        },
    })
}

/// This target's entry in the cache: where it is kept, the last publish
/// read from it, and the output files' stamps as this run read them, which
/// a save keeps with this run's manifest.
pub struct CacheEntry {
    pub dir: PathBuf,
    pub target: Target,
    pub last: Option<LastPublish>,
    pub stamps: Stamps,
    /// Whether `stamps` differ from the last publish's.
    pub restamped: bool,
}

impl CacheEntry {
    /// Keeps `root` (whose ETag is `root_etag`) and `manifest` as the last
    /// publish, with this run's stamps.
    pub fn save(&self, root_etag: &str, root: &Root, manifest: &Manifest) {
        save(
            &self.dir,
            &self.target,
            root_etag,
            root,
            manifest,
            &self.stamps,
        );
    }
}

/// Remembers a complete publish. A failure costs the next publish a listing.
pub fn save(
    cache_dir: &Path,
    target: &Target,
    root_etag: &str,
    root: &Root,
    manifest: &Manifest,
    stamps: &Stamps,
) {
    let last = LastPublishRef {
        format: FORMAT,
        target,
        root_etag,
        root,
        manifest,
        stamps,
    };
    let written = encode(&last)
        .ok_or_else(|| std::io::Error::other("cannot encode"))
        .and_then(|chunks| {
            crate::cache::create_dir(cache_dir)?;
            let chunks: Vec<&[u8]> = chunks.iter().map(Vec::as_slice).collect();
            crate::cache::write_chunks_atomic(&target.file(cache_dir), &chunks)
        });
    if let Err(e) = written {
        crate::log::verbose_timed(&format!(
            "publish: cannot remember the manifest in {}: {e}",
            cache_dir.display()
        ));
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::publish::plan::ManifestEntry;
    use crate::publish::shards;

    fn manifest() -> Manifest {
        let mut m = Manifest {
            version: 1,
            ..Default::default()
        };
        m.objects.insert(
            "index.html".into(),
            ManifestEntry {
                md5: "m".into(),
                headers: "h".into(),
                size: 1,
                etag: "e".into(),
            },
        );
        m
    }

    #[test]
    fn remembered_per_target_and_checked_against_its_root() {
        let dir = tempfile::tempdir().unwrap();
        let a = Target::new("bucket", "", "http://127.0.0.1:1");
        let b = Target::new("bucket", "site/", "http://127.0.0.1:1");
        let m = manifest();
        let root = shards::commit("", None, &HashSet::new(), &m, "run").root;
        assert!(load(dir.path(), &a).is_none());
        save(dir.path(), &a, "etag1", &root, &m, &Stamps::default());
        let got = load(dir.path(), &a).expect("remembered");
        assert_eq!((got.root_etag.as_str(), &*got.manifest), ("etag1", &m));
        assert!(load(dir.path(), &b).is_none(), "another prefix");

        // A copy that disagrees with its root is not trusted.
        let mut other = m.clone();
        other.objects.clear();
        save(dir.path(), &a, "etag2", &root, &other, &Stamps::default());
        assert!(load(dir.path(), &a).is_none());

        std::fs::write(a.file(dir.path()), b"{damaged").unwrap();
        assert!(load(dir.path(), &a).is_none());

        // One byte changed anywhere: not trusted.
        save(dir.path(), &a, "etag1", &root, &m, &Stamps::default());
        let mut bytes = std::fs::read(a.file(dir.path())).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        std::fs::write(a.file(dir.path()), bytes).unwrap();
        assert!(load(dir.path(), &a).is_none());
    }

    #[test]
    fn a_stamp_holds_only_for_the_same_file_version_and_gzip_setting() {
        let id = FileStat {
            len: 10,
            modified: 1_000_000_000_005,
            inode: 42,
        };
        let stamp = Stamp {
            id,
            gzip: false,
            md5: "m".into(),
            size: 10,
        };
        let stamps = Stamps {
            files: FxHashMap::from_iter([("a.html".to_string(), stamp)]),
            folders: Listing::empty_at(1_000_101),
        };
        assert!(stamps.get("a.html", &id, false).is_some());
        assert!(stamps.get("a.html", &id, true).is_none(), "now gzipped");
        assert!(stamps.get("b.html", &id, false).is_none());
        for other in [
            FileStat { len: 11, ..id },
            FileStat {
                modified: id.modified + 1,
                ..id
            },
            FileStat { inode: 43, ..id },
        ] {
            assert!(stamps.get("a.html", &other, false).is_none(), "{other:?}");
        }
        // Written just before it was read: it may have changed unseen.
        let racy = Stamps {
            folders: Listing::empty_at(1_000_099),
            ..stamps.clone()
        };
        assert!(racy.get("a.html", &id, false).is_none());
        // Whole-second times: two seconds.
        let coarse = FileStat {
            modified: 1_000_000_000_000,
            ..id
        };
        let mut whole = stamps.clone();
        whole.files.values_mut().for_each(|s| s.id = coarse);
        assert!(whole.get("a.html", &coarse, false).is_none());
        whole.folders = Listing::empty_at(1_002_001);
        assert!(whole.get("a.html", &coarse, false).is_some());
    }
}
