//! The manifest, sharded, so that a publish rewrites the part that changed
//! and not the whole record of the site.
//!
//! At 10,000 posts the single-file manifest was 0.44 MB of gzipped JSON,
//! read and rewritten by every publish. Now the manifest's key
//! (`.ssg-manifest.json` under the prefix) holds a small **root**: a list of
//! shards, each the manifest entries of the keys whose MD5 falls in it
//! ([`shard_of`]). A shard is stored under a name made from the MD5 of its
//! JSON (`.ssg-manifest/007-<md5>.json.gz`), so a shard object never
//! changes once written: a publish writes only the shards whose content
//! changed, under new names, then the root (the commit point, `If-Match`
//! on the version read), and only then deletes the shards the new root no
//! longer names. Killed at any moment, the root still names only shards
//! that are whole; what a killed run wrote is at worst unreferenced, and
//! the next publish that lists the bucket deletes it.
//!
//! The old single-file format (`{"version":1,"objects":{…}}`) is still
//! read ([`Stored::Legacy`]); the first publish by this version writes the
//! sharded form over it.
//!
//! Everything here is pure; `survey.rs` reads and `commit.rs` writes.

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};

use super::checksum::md5_hex;
use super::gzip;
use super::keys::SHARD_DIR;
use super::plan::{Manifest, ManifestEntry};

/// The root's format version (the single-file manifest was 1).
pub const ROOT_VERSION: u32 = 2;

/// Aimed-for entries per shard: a one-page edit rewrites ~250 entries
/// (~10 KB gzipped) instead of the whole manifest.
const ENTRIES_PER_SHARD: usize = 256;

/// At most this many shards (a power of two).
const MAX_SHARDS: usize = 256;

/// One shard as the root names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShardRef {
    /// MD5 of the shard's JSON (not of its gzipped bytes, which another
    /// gzip could make differently); empty for an empty shard, which is
    /// not stored.
    pub hash: String,
    pub entries: usize,
}

/// What the manifest's key holds in the sharded form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Root {
    pub version: u32,
    /// The run that wrote this root: every root written is a new version
    /// of the object (a new ETag), even over the same shards.
    pub run: String,
    /// Set by a publish before its first upload ("a publish is under way
    /// here"), cleared by its final root: so any write to the bucket
    /// changes the root's ETag first, and a machine that remembers the
    /// ETag of its last publish never trusts a half-done one.
    // Always written (`null` when clear): a field left out would misread
    // in the compact form this machine keeps (`last_publish.rs`).
    #[serde(default)]
    pub pending: Option<String>,
    /// Shard `i` holds the keys with [`shard_of`]`(key, shards.len()) == i`.
    pub shards: Vec<ShardRef>,
}

impl Root {
    /// The keys of the stored (non-empty) shards.
    pub fn shard_keys(&self, prefix: &str) -> Vec<String> {
        self.shards
            .iter()
            .enumerate()
            .filter(|(_, s)| s.entries > 0)
            .map(|(i, s)| shard_key(prefix, i, &s.hash))
            .collect()
    }

    /// The root's bytes as stored (gzipped JSON).
    pub fn encode(&self) -> Vec<u8> {
        // Serialising plain data with string keys cannot fail.
        gzip::compress(&serde_json::to_vec(self).unwrap_or_default())
    }
}

/// What was found at the manifest's key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stored {
    /// The sharded form.
    Sharded(Root),
    /// The single-file form of earlier versions (or nothing readable,
    /// which is an empty manifest: every entry untrusted).
    Legacy(Manifest),
}

/// Reads the manifest key's bytes, gzipped or plain, in either form.
pub fn decode_root(bytes: &[u8]) -> Stored {
    let json = gzip::decompress(bytes).unwrap_or_default();
    if let Ok(root) = serde_json::from_slice::<Root>(&json)
        && root.version == ROOT_VERSION
        && root.shards.len().is_power_of_two()
        && root.shards.len() <= MAX_SHARDS
    {
        return Stored::Sharded(root);
    }
    Stored::Legacy(Manifest::decode(bytes))
}

/// The shard of `key` among `count` (a power of two): from the key's MD5,
/// the same on every machine and in every version.
pub fn shard_of(key: &str, count: usize) -> usize {
    use md5::Digest as _;
    let digest = md5::Md5::digest(key.as_bytes());
    // The first eight hex digits of the MD5, as a number.
    let head = u32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]]) as usize;
    head % count.max(1)
}

/// How many shards for `entries` entries: the current count while it is
/// within a factor of four of the aim (so a site that grows a little does
/// not reshuffle every shard), else the power of two nearest the aim.
pub fn shard_count(entries: usize, current: Option<usize>) -> usize {
    let aimed = entries
        .div_ceil(ENTRIES_PER_SHARD)
        .next_power_of_two()
        .clamp(1, MAX_SHARDS);
    match current {
        Some(c)
            if c.is_power_of_two()
                && c <= MAX_SHARDS
                && (c == aimed
                    || (c <= aimed.saturating_mul(4) && aimed <= c.saturating_mul(4))) =>
        {
            c
        }
        _ => aimed,
    }
}

/// The key of shard `index` with content hash `hash`.
pub fn shard_key(prefix: &str, index: usize, hash: &str) -> String {
    format!("{prefix}{SHARD_DIR}{index:03}-{hash}.json.gz")
}

/// The manifest cut into `count` shards.
pub fn split(manifest: &Manifest, count: usize) -> Vec<BTreeMap<String, ManifestEntry>> {
    let mut shards = vec![BTreeMap::new(); count.max(1)];
    for (key, entry) in &manifest.objects {
        shards[shard_of(key, count)].insert(key.clone(), entry.clone());
    }
    shards
}

/// The shards of `next` marked in `wanted` (the others left empty), so an
/// edit copies the entries of the shards it changed, not the manifest.
fn split_only(
    manifest: &Manifest,
    count: usize,
    wanted: &[bool],
) -> Vec<BTreeMap<String, ManifestEntry>> {
    let mut shards = vec![BTreeMap::new(); count.max(1)];
    if !wanted.contains(&true) {
        return shards;
    }
    for (key, entry) in &manifest.objects {
        let index = shard_of(key, count);
        if wanted[index] {
            shards[index].insert(key.clone(), entry.clone());
        }
    }
    shards
}

/// A shard's JSON: the single-file form restricted to its keys (sorted, so
/// the same entries always give the same bytes and the same hash).
pub fn shard_json(objects: &BTreeMap<String, ManifestEntry>) -> Vec<u8> {
    let shard = Manifest {
        version: 1,
        objects: objects.clone(),
    };
    serde_json::to_vec(&shard).unwrap_or_default()
}

/// A stored shard's entries, if its bytes are the shard the root names
/// (`None` when damaged or another shard: its entries are then untrusted).
pub fn decode_shard(bytes: &[u8], hash: &str) -> Option<BTreeMap<String, ManifestEntry>> {
    let json = gzip::decompress(bytes)?;
    if md5_hex(&json) != hash {
        return None;
    }
    serde_json::from_slice::<Manifest>(&json)
        .ok()
        .map(|m| m.objects)
}

/// Whether `root` is exactly the sharding of `manifest`.
#[cfg(test)]
pub fn describes(root: &Root, manifest: &Manifest) -> bool {
    let count = root.shards.len();
    if !count.is_power_of_two() {
        return false;
    }
    split(manifest, count)
        .iter()
        .zip(&root.shards)
        .all(|(objects, shard)| shard_ref(objects) == *shard)
}

fn shard_ref(objects: &BTreeMap<String, ManifestEntry>) -> ShardRef {
    if objects.is_empty() {
        return ShardRef {
            hash: String::new(),
            entries: 0,
        };
    }
    ShardRef {
        hash: md5_hex(&shard_json(objects)),
        entries: objects.len(),
    }
}

/// For each of `count` shards, the previous root's reference when that
/// shard is whole in the bucket and `next` has exactly its entries (the
/// shard is then kept as it is), else `None`. Keys are placed by hash only
/// where an entry differs, so an edit costs what it changed.
fn unchanged_shards(
    prefix: &str,
    previous: &Root,
    manifest: &Manifest,
    present: &HashSet<String>,
    next: &Manifest,
    count: usize,
) -> Vec<Option<ShardRef>> {
    if previous.shards.len() != count {
        return vec![None; count];
    }
    let mut kept: Vec<Option<ShardRef>> = previous
        .shards
        .iter()
        .enumerate()
        .map(|(index, shard)| {
            let whole =
                shard.entries == 0 || present.contains(&shard_key(prefix, index, &shard.hash));
            whole.then(|| shard.clone())
        })
        .collect();
    for key in differing_keys(manifest, next) {
        kept[shard_of(key, count)] = None;
    }
    kept
}

/// Keys whose entry differs between `a` and `b`, or that only one holds:
/// one pass over both in key order, not a lookup per key.
fn differing_keys<'a>(a: &'a Manifest, b: &'a Manifest) -> Vec<&'a str> {
    use std::cmp::Ordering;
    let mut differing = Vec::new();
    let (mut a, mut b) = (a.objects.iter().peekable(), b.objects.iter().peekable());
    loop {
        let order = match (a.peek(), b.peek()) {
            (None, None) => return differing,
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (Some((ka, _)), Some((kb, _))) => ka.cmp(kb),
        };
        match order {
            Ordering::Less => differing.extend(a.next().map(|(k, _)| k.as_str())),
            Ordering::Greater => differing.extend(b.next().map(|(k, _)| k.as_str())),
            Ordering::Equal => {
                if let (Some((key, ea)), Some((_, eb))) = (a.next(), b.next())
                    && ea != eb
                {
                    differing.push(key.as_str());
                }
            }
        }
    }
}

/// What committing a new manifest takes: the shards to write first, the
/// root to write then, the shards to delete after.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Commit {
    pub root: Root,
    /// Key and gzipped JSON of each shard not in the bucket yet.
    pub puts: Vec<(String, Vec<u8>)>,
    /// Shards of the previous root that the new one no longer names.
    pub obsolete: Vec<String>,
}

/// Plans the write of `next` over `previous` (the root read, if sharded,
/// and the manifest read with it). `present` holds the shard keys known to
/// be whole in the bucket: only those are reused, so the new root never
/// names a missing shard.
pub fn commit(
    prefix: &str,
    previous: Option<(&Root, &Manifest)>,
    present: &HashSet<String>,
    next: &Manifest,
    run: &str,
) -> Commit {
    let previous_root = previous.map(|(root, _)| root);
    let count = shard_count(next.objects.len(), previous_root.map(|r| r.shards.len()));
    let mut root = Root {
        version: ROOT_VERSION,
        run: run.to_string(),
        pending: None,
        shards: Vec::with_capacity(count),
    };
    let kept = previous.map_or_else(
        || vec![None; count],
        |(root, manifest)| unchanged_shards(prefix, root, manifest, present, next, count),
    );
    // Only the shards that changed are cut out of `next` and hashed: at
    // 100,000 posts hashing every shard took most of a one-post publish.
    let changed: Vec<bool> = kept.iter().map(Option::is_none).collect();
    let mut cut = split_only(next, count, &changed);
    let mut puts = Vec::new();
    for (index, kept) in kept.into_iter().enumerate() {
        let shard = match kept {
            Some(shard) => shard,
            None => {
                let objects = std::mem::take(&mut cut[index]);
                let shard = shard_ref(&objects);
                if shard.entries > 0 {
                    let key = shard_key(prefix, index, &shard.hash);
                    if !present.contains(&key) {
                        puts.push((key, gzip::compress(&shard_json(&objects))));
                    }
                }
                shard
            }
        };
        root.shards.push(shard);
    }
    let kept: HashSet<String> = root.shard_keys(prefix).into_iter().collect();
    let obsolete = previous_root
        .map(|p| p.shard_keys(prefix))
        .unwrap_or_default()
        .into_iter()
        .filter(|k| !kept.contains(k))
        .collect();
    Commit {
        root,
        puts,
        obsolete,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::publish::checksum::Checksum;

    fn manifest(n: usize, tag: &str) -> Manifest {
        let mut m = Manifest {
            version: 1,
            objects: BTreeMap::new(),
        };
        for i in 0..n {
            m.objects.insert(
                format!("blog/post-{i}/index.html"),
                ManifestEntry {
                    md5: Checksum::md5_of(format!("{tag}{i}").as_bytes()),
                    headers: "h".into(),
                    size: i as u64,
                    etag: format!("e{i}").into(),
                },
            );
        }
        m
    }

    #[test]
    fn a_key_always_lands_in_the_same_shard_and_keys_spread() {
        assert_eq!(
            shard_of("blog/a/index.html", 64),
            shard_of("blog/a/index.html", 64)
        );
        assert_eq!(shard_of("anything", 1), 0);
        // Doubling the count splits a shard in two (the low bits are kept).
        for key in ["a", "b/c.html", "x/y/z.css"] {
            assert_eq!(shard_of(key, 128) % 64, shard_of(key, 64));
        }
        let sizes: Vec<usize> = split(&manifest(6400, "v"), 64)
            .iter()
            .map(BTreeMap::len)
            .collect();
        assert!(sizes.iter().all(|&n| (50..=150).contains(&n)), "{sizes:?}");
    }

    #[test]
    fn the_shard_count_follows_the_site_with_slack() {
        assert_eq!(shard_count(0, None), 1);
        assert_eq!(shard_count(10, None), 1);
        assert_eq!(shard_count(14_609, None), 64);
        assert_eq!(shard_count(1_000_000, None), MAX_SHARDS);
        // A site that grew or shrank a little keeps its shards.
        assert_eq!(shard_count(20_000, Some(64)), 64);
        assert_eq!(shard_count(5_000, Some(64)), 64);
        // Far from the aim: resharded.
        assert_eq!(shard_count(300, Some(64)), 2);
        assert_eq!(shard_count(14_609, Some(1)), 64);
        assert_eq!(shard_count(10, Some(3)), 1, "not a power of two");
    }

    #[test]
    fn a_first_commit_writes_every_shard_and_an_unchanged_one_writes_none() {
        let next = manifest(1000, "v");
        let first = commit("site/", None, &HashSet::new(), &next, "run1");
        assert_eq!(first.root.shards.len(), 4);
        assert_eq!(first.puts.len(), 4);
        assert!(first.obsolete.is_empty());
        assert!(
            first
                .puts
                .iter()
                .all(|(k, _)| k.starts_with("site/.ssg-manifest/"))
        );
        assert!(describes(&first.root, &next));
        for ((key, gz), shard) in first.puts.iter().zip(&first.root.shards) {
            assert!(key.contains(&shard.hash));
            assert!(decode_shard(gz, &shard.hash).is_some());
            assert!(decode_shard(gz, "0").is_none(), "another shard's bytes");
        }
        let present: HashSet<String> = first.root.shard_keys("site/").into_iter().collect();
        let again = commit("site/", Some((&first.root, &next)), &present, &next, "run2");
        assert!(again.puts.is_empty() && again.obsolete.is_empty());
        assert_eq!(again.root.shards, first.root.shards);
        assert_ne!(
            again.root.encode(),
            first.root.encode(),
            "a new version each run"
        );
    }

    #[test]
    fn an_edit_rewrites_one_shard_and_retires_the_old_one() {
        let before = manifest(1000, "v");
        let first = commit("", None, &HashSet::new(), &before, "r1");
        let present: HashSet<String> = first.root.shard_keys("").into_iter().collect();
        let mut after = before.clone();
        let edited = "blog/post-7/index.html";
        if let Some(entry) = after.objects.get_mut(edited) {
            entry.md5 = "0".repeat(32).into();
        }
        let next = commit("", Some((&first.root, &before)), &present, &after, "r2");
        assert_eq!(next.puts.len(), 1);
        let index = shard_of(edited, 4);
        assert!(
            next.puts[0]
                .0
                .starts_with(&format!(".ssg-manifest/{index:03}-"))
        );
        assert_eq!(next.obsolete.len(), 1);
        assert!(present.contains(&next.obsolete[0]));
        assert!(!describes(&first.root, &after));
        assert!(describes(&next.root, &after));
    }

    #[test]
    fn a_commit_over_a_previous_root_names_the_shards_a_fresh_one_would() {
        let before = manifest(2000, "v");
        let first = commit("", None, &HashSet::new(), &before, "r1");
        let present: HashSet<String> = first.root.shard_keys("").into_iter().collect();
        let mut after = before.clone();
        after.objects.remove("blog/post-3/index.html");
        if let Some(entry) = after.objects.get_mut("blog/post-11/index.html") {
            entry.headers = "text/html; charset=utf-8|max-age=60|".into();
        }
        let mut added = after.objects["blog/post-12/index.html"].clone();
        added.md5 = "1".repeat(32).into();
        after.objects.insert("blog/new/index.html".into(), added);
        let over = commit("", Some((&first.root, &before)), &present, &after, "r2");
        let fresh = commit("", None, &HashSet::new(), &after, "r2");
        assert_eq!(over.root.shards, fresh.root.shards);
        assert!(describes(&over.root, &after));
        assert!(
            over.puts.len() <= 3,
            "only the shards the three keys fall in"
        );
    }

    #[test]
    fn a_shard_missing_from_the_bucket_is_written_again() {
        let m = manifest(600, "v");
        let first = commit("", None, &HashSet::new(), &m, "r1");
        let mut present: HashSet<String> = first.root.shard_keys("").into_iter().collect();
        let lost = first.root.shard_keys("")[1].clone();
        present.remove(&lost);
        let again = commit("", Some((&first.root, &m)), &present, &m, "r2");
        let keys: Vec<&String> = again.puts.iter().map(|(k, _)| k).collect();
        assert_eq!(keys, [&lost]);
    }

    #[test]
    fn roots_and_old_manifests_are_told_apart() {
        let m = manifest(3, "v");
        let root = commit("", None, &HashSet::new(), &m, "r").root;
        assert_eq!(decode_root(&root.encode()), Stored::Sharded(root));
        let legacy = gzip::compress(&serde_json::to_vec(&m).unwrap());
        assert_eq!(decode_root(&legacy), Stored::Legacy(m.clone()));
        let plain = serde_json::to_vec(&m).unwrap();
        assert_eq!(decode_root(&plain), Stored::Legacy(m));
        assert_eq!(
            decode_root(b"\x1f\x8bdamaged"),
            Stored::Legacy(Manifest::default())
        );
        assert_eq!(
            decode_root(br#"{"version":2,"run":"x","shards":[{"hash":"a","entries":1},{"hash":"b","entries":1},{"hash":"c","entries":1}]}"#),
            Stored::Legacy(Manifest::default()),
            "three shards is no sharding this version makes"
        );
    }
}
