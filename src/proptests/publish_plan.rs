//! The publish planner over random local trees, remote contents and
//! manifests (missing, true, stale, corrupt, from another version):
//! carrying out the plan makes the remote hold the local tree, deletes only
//! listed objects under the prefix (never the manifest), never more than
//! `max_deletes` without force, and a second run has nothing to do.

use std::collections::BTreeMap;
use std::path::Path;

use proptest::prelude::*;

use crate::config::Config;
use crate::publish::checksum::{Checksum, md5_hex};
use crate::publish::gzip;
use crate::publish::keys::{LOCK_NAME, MANIFEST_NAME};
use crate::publish::plan::{
    Body, Headers, LocalObject, Manifest, ManifestEntry, Reason, Remote, RemoteObject, plan,
    plan_against,
};
use crate::publish::{PublishOptions, confirm_deletes};

const PREFIX: &str = "site/";
const PATHS: &[&str] = &[
    "index.html",
    "blog/x/index.html",
    "blog/x/",
    "style.css",
    "img/p.png",
    "atom.xml",
    "video.mp4",
    "a b.txt",
];
const BODIES: &[&str] = &["", "A", "B", "<p>hi</p>"];
const CACHE: &[Option<&str>] = &[None, Some("max-age=60"), Some("no-store")];

/// What the bucket really holds for a key (the listing shows only ETag and size).
#[derive(Debug, Clone, PartialEq)]
struct Stored {
    body: &'static str,
    headers: Checksum,
    etag: Checksum,
}

fn headers(cache: Option<&str>) -> Headers {
    Headers {
        content_type: "text/plain; charset=utf-8".into(),
        cache_control: cache.map(String::from),
        content_encoding: None,
    }
}

/// A stored object's ETag: the MD5 of a single-part upload, or an opaque
/// one (multipart, SSE-KMS) unique to that upload.
fn etag(body: &str, opaque: Option<u32>) -> Checksum {
    match opaque {
        None => Checksum::md5_of(body.as_bytes()),
        Some(n) => format!("{}-{n}", md5_hex(format!("upload {n}").as_bytes())).into(),
    }
}

#[derive(Debug, Clone)]
enum ManifestKind {
    Missing,
    True,
    /// Written before the objects were replaced: other ETags, other MD5s.
    Stale,
    Corrupt,
    /// Another version's fields: MD5s and header digests in another form.
    OtherVersion,
}

#[derive(Debug, Clone)]
struct World {
    local: Vec<(usize, usize, usize)>,
    remote: BTreeMap<String, Stored>,
    manifest_kind: ManifestKind,
    max_deletes: usize,
    force: bool,
}

fn world() -> impl Strategy<Value = World> {
    let object = (0..PATHS.len(), 0..BODIES.len(), 0..CACHE.len());
    let stored = (
        0..PATHS.len(),
        0..BODIES.len(),
        0..CACHE.len(),
        proptest::option::of(0u32..1_000_000),
    );
    (
        proptest::collection::vec(object, 0..PATHS.len()),
        proptest::collection::vec(stored, 0..10),
        prop_oneof![
            Just(ManifestKind::Missing),
            Just(ManifestKind::True),
            Just(ManifestKind::Stale),
            Just(ManifestKind::Corrupt),
            Just(ManifestKind::OtherVersion),
        ],
        0usize..6,
        any::<bool>(),
    )
        .prop_map(|(local, stored, manifest_kind, max_deletes, force)| {
            // One local object per path.
            let mut by_path = BTreeMap::new();
            for (p, b, c) in local {
                by_path.insert(p, (p, b, c));
            }
            let mut remote = BTreeMap::new();
            for (p, b, c, opaque) in stored {
                let body = BODIES[b];
                remote.insert(
                    format!("{PREFIX}{}", PATHS[p]),
                    Stored {
                        body,
                        headers: headers(CACHE[c]).digest(),
                        etag: etag(body, opaque),
                    },
                );
            }
            // Objects ssg never wrote, still under the prefix.
            remote.insert(
                format!("{PREFIX}old/left-over.html"),
                Stored {
                    body: "old",
                    headers: "".into(),
                    etag: "x".into(),
                },
            );
            World {
                local: by_path.into_values().collect(),
                remote,
                manifest_kind,
                max_deletes,
                force,
            }
        })
}

fn local_objects(world: &World) -> Vec<LocalObject> {
    world
        .local
        .iter()
        .map(|&(p, b, c)| LocalObject {
            key: format!("{PREFIX}{}", PATHS[p]),
            path: PATHS[p].to_string(),
            body: Body::from(BODIES[b].as_bytes()),
            md5: Checksum::md5_of(BODIES[b].as_bytes()),
            headers: headers(CACHE[c]).into(),
        })
        .collect()
}

fn listing(remote: &BTreeMap<String, Stored>) -> Vec<RemoteObject> {
    remote
        .iter()
        .map(|(key, s)| RemoteObject {
            key: key.clone(),
            etag: s.etag.clone(),
            size: s.body.len() as u64,
        })
        .collect()
}

fn true_manifest(remote: &BTreeMap<String, Stored>) -> Manifest {
    Manifest {
        version: 1,
        objects: remote
            .iter()
            .map(|(key, s)| {
                let entry = ManifestEntry {
                    md5: Checksum::md5_of(s.body.as_bytes()),
                    headers: s.headers.clone(),
                    size: s.body.len() as u64,
                    etag: s.etag.clone(),
                };
                (key.clone(), entry)
            })
            .collect(),
    }
}

fn manifest(world: &World, local: &[LocalObject]) -> Manifest {
    let mut m = true_manifest(&world.remote);
    match world.manifest_kind {
        ManifestKind::Missing => return Manifest::default(),
        ManifestKind::True => {}
        ManifestKind::Stale => {
            // Each entry records an older upload: the local bytes, under an
            // ETag the bucket has since replaced.
            for (key, entry) in m.objects.iter_mut() {
                if let Some(o) = local.iter().find(|o| &o.key == key) {
                    entry.md5 = o.md5.clone();
                    entry.headers = o.headers.digest();
                }
                entry.etag =
                    format!("{}-9", md5_hex(format!("older {}", entry.etag).as_bytes())).into();
            }
        }
        ManifestKind::Corrupt => {
            for entry in m.objects.values_mut() {
                entry.md5 = "not an md5".into();
                entry.headers = "\0".into();
                entry.size = u64::MAX;
            }
        }
        ManifestKind::OtherVersion => {
            m.version = 7;
            for entry in m.objects.values_mut() {
                entry.md5 = (entry.md5.to_string().to_uppercase() + "==").into();
                entry.headers = format!("v7:{}", entry.headers).into();
            }
        }
    }
    m
}

proptest! {
    #![proptest_config(super::config(512))]

    #[test]
    fn carrying_out_the_plan_makes_the_remote_the_local_tree(world in world()) {
        let local = local_objects(&world);
        let manifest_key = format!("{PREFIX}{MANIFEST_NAME}");
        let lock_key = format!("{PREFIX}{LOCK_NAME}");
        let mut remote = world.remote.clone();
        // The manifest and the lease's lock are listed too, and must survive.
        remote.insert(manifest_key.clone(), Stored { body: "{}", headers: "".into(), etag: "m".into() });
        remote.insert(lock_key.clone(), Stored { body: "{}", headers: "".into(), etag: "l".into() });
        let manifest = manifest(&world, &local);
        let p = plan(&local, &listing(&remote), &manifest, PREFIX);

        let text = format!("[publish]\nbucket = \"b\"\nmax_deletes = {}\n", world.max_deletes);
        let config = Config::parse(&text, Path::new("ssg.toml")).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let config = config.publish.ok_or_else(|| TestCaseError::fail("no [publish]"))?;
        let opts = PublishOptions { force: world.force, ..Default::default() };
        // Nobody at a terminal to say yes.
        let allowed = confirm_deletes(&config, &p, PREFIX, &opts, |_| false).is_ok();
        prop_assert_eq!(allowed, world.force || p.content_deletes() <= world.max_deletes);
        if !allowed {
            return Ok(());
        }

        let mut uploads = 0u32;
        for u in &p.uploads {
            let o = local.iter().find(|o| o.key == u.key).ok_or_else(|| TestCaseError::fail(format!("{} is not local", u.key)))?;
            let body = BODIES.iter().copied().find(|b| Some(b.as_bytes()) == o.body.loaded()).unwrap_or_default();
            uploads += 1;
            let opaque = (o.path.ends_with(".mp4")).then_some(2_000_000 + uploads);
            remote.insert(u.key.clone(), Stored { body, headers: o.headers.digest(), etag: etag(body, opaque) });
        }
        for d in &p.deletes {
            prop_assert!(d.key.starts_with(PREFIX), "deletes {} outside the prefix", d.key);
            prop_assert!(d.key != manifest_key, "deletes the manifest");
            prop_assert!(d.key != lock_key, "deletes the lease's lock");
            prop_assert!(world.remote.contains_key(&d.key), "deletes {}, which was never listed", d.key);
            remote.remove(&d.key);
        }

        remote.remove(&manifest_key);
        remote.remove(&lock_key);
        let keys: Vec<&String> = remote.keys().collect();
        let local_keys: Vec<&String> = local.iter().map(|o| &o.key).collect::<std::collections::BTreeSet<_>>().into_iter().collect();
        prop_assert_eq!(keys, local_keys);
        let mut known_only_by_etag = Vec::new();
        for o in &local {
            let stored = &remote[&o.key];
            prop_assert_eq!(Some(stored.body.as_bytes()), o.body.loaded(), "{}", o.key);
            // Without a manifest entry it can trust, the planner knows a
            // stored object only by its ETag: the same bytes are left as
            // they are, whatever headers they were stored with.
            let trusted = world.remote.get(&o.key).is_some_and(|listed| {
                manifest
                    .objects
                    .get(&o.key)
                    .is_some_and(|m| m.etag == listed.etag && m.size == listed.body.len() as u64)
            });
            if p.unchanged.contains(&o.key) && !trusted
            {
                known_only_by_etag.push(o.key.clone());
            } else {
                prop_assert_eq!(&stored.headers, &o.headers.digest(), "{}", o.key);
            }
        }

        // The next run, with a manifest true to the bucket, has nothing to do
        // but those headers.
        let again = plan(&local, &listing(&remote), &true_manifest(&remote), PREFIX);
        prop_assert!(again.deletes.is_empty(), "second run: {:?}", again);
        for u in &again.uploads {
            prop_assert!(
                u.reason == Reason::Headers && known_only_by_etag.contains(&u.key),
                "second run: {:?}",
                again
            );
        }
    }
}

proptest! {
    #![proptest_config(super::config(256))]

    /// Where the root's ETag vouches for the manifest, the bucket holds
    /// exactly its objects: planning from the manifest alone (one merge of
    /// sorted keys) must give the plan a listing of those objects gives.
    #[test]
    fn a_plan_from_the_manifest_is_the_plan_from_a_listing_of_it(world in world()) {
        let local = local_objects(&world);
        let manifest = true_manifest(&world.remote);
        let listed: Vec<RemoteObject> = (manifest.objects.iter())
            .map(|(key, e)| RemoteObject { key: key.clone(), etag: e.etag.clone(), size: e.size })
            .collect();
        let from_listing = plan(&local, &listed, &manifest, PREFIX);
        let from_manifest = plan_against(&local, Remote::Manifest, &manifest, PREFIX);
        prop_assert_eq!(format!("{from_manifest:?}"), format!("{from_listing:?}"));
        let mut sorted = local.clone();
        sorted.sort_by(|a, b| a.key.cmp(&b.key));
        let in_order = plan_against(&sorted, Remote::Manifest, &manifest, PREFIX);
        prop_assert_eq!(in_order.deletes.len(), from_listing.deletes.len());
        prop_assert_eq!(in_order.unchanged.len(), from_listing.unchanged.len());
    }
}

fn any_manifest() -> impl Strategy<Value = Manifest> {
    let entry = (
        "[0-9a-f]{32}",
        any::<String>(),
        any::<u64>(),
        "[0-9a-f-]{0,40}",
    )
        .prop_map(|(md5, headers, size, etag)| ManifestEntry {
            md5: md5.into(),
            headers: headers.into(),
            size,
            etag: etag.into(),
        });
    (
        any::<u32>(),
        proptest::collection::btree_map(any::<String>(), entry, 0..8),
    )
        .prop_map(|(version, objects)| Manifest { version, objects })
}

proptest! {
    #![proptest_config(super::config(256))]

    #[test]
    fn a_manifest_reads_back_as_written(manifest in any_manifest()) {
        // As the single-file manifest of earlier versions was stored.
        let json = serde_json::to_vec(&manifest).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(Manifest::decode(&gzip::compress(&json)), manifest.clone());
        prop_assert_eq!(Manifest::decode(&json), manifest);
    }

    #[test]
    fn a_sharded_manifest_reads_back_as_written(manifest in any_manifest()) {
        use crate::publish::shards;
        let commit = shards::commit("p/", None, &Default::default(), &manifest, "run");
        prop_assert_eq!(shards::decode_root(&commit.root.encode()), shards::Stored::Sharded(commit.root.clone()));
        prop_assert!(shards::describes(&commit.root, &manifest));
        let mut objects = std::collections::BTreeMap::new();
        for (key, gz) in &commit.puts {
            let shard = commit.root.shards.iter().find(|s| key.contains(&s.hash));
            let hash = shard.map(|s| s.hash.clone()).unwrap_or_default();
            let read = shards::decode_shard(gz, &hash);
            prop_assert!(read.is_some(), "{} unreadable", key);
            objects.extend(read.unwrap_or_default());
        }
        prop_assert_eq!(objects, manifest.objects);
    }

    #[test]
    fn damaged_manifest_bytes_read_as_a_manifest_or_none(
        manifest in any_manifest(),
        gzipped in any::<bool>(),
        cut in any::<prop::sample::Index>(),
        flips in proptest::collection::vec((any::<prop::sample::Index>(), 1u8..=255), 0..4),
        noise in proptest::collection::vec(any::<u8>(), 0..64),
    ) {
        let json = serde_json::to_vec(&manifest).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let mut bytes = if gzipped { gzip::compress(&json) } else { json };
        for (at, x) in flips {
            let i = at.index(bytes.len());
            bytes[i] ^= x;
        }
        bytes.truncate(cut.index(bytes.len() + 1));
        // A damaged gzip stream is refused whole (its CRC), never half read.
        let decoded = Manifest::decode(&bytes);
        if gzipped && bytes.len() < gzip::compress(&serde_json::to_vec(&manifest).unwrap_or_default()).len() {
            prop_assert_eq!(decoded, Manifest::default());
        }
        Manifest::decode(&noise);
    }
}
