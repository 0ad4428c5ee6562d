//! The publish plan: a pure function of the local files, the remote listing
//! and the manifest. Nothing here talks to the network, so every decision
//! is testable and printable with `--dry-run`.
//!
//! Change detection is by content hash, never by modification time. An S3
//! ETag is the MD5 of the body only for single-part uploads without SSE-KMS,
//! so ssg keeps a manifest object (key → MD5, header hash, size, ETag) and
//! trusts an entry only where its ETag and size agree with the listing.
//! Where this machine's last publish vouches for the manifest
//! (`last_publish.rs`), the manifest's own entries stand in for the listing.

use std::collections::BTreeMap;
use std::sync::Arc;

use rustc_hash::{FxHashMap, FxHashSet};
use serde::{Deserialize, Serialize};

use super::checksum::Checksum;
use super::gzip;
use super::keys::is_reserved;

/// Headers ssg sets on an object; a change of any of them means a re-upload.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Headers {
    pub content_type: String,
    pub cache_control: Option<String>,
    pub content_encoding: Option<String>,
}

impl Headers {
    /// A short, stable digest of the headers, stored in the manifest.
    pub fn digest(&self) -> Checksum {
        let text = format!(
            "{}\n{}\n{}",
            self.content_type,
            self.cache_control.as_deref().unwrap_or(""),
            self.content_encoding.as_deref().unwrap_or("")
        );
        Checksum::md5_of(text.as_bytes())
    }
}

/// Header digests by headers: a site has a handful of distinct header
/// sets and up to hundreds of thousands of objects, each needing a digest.
#[derive(Default)]
pub struct Digests<'a>(FxHashMap<&'a Headers, Checksum>);

impl<'a> Digests<'a> {
    pub fn of(&mut self, headers: &'a Headers) -> &Checksum {
        self.0.entry(headers).or_insert_with(|| headers.digest())
    }
}

/// A file of the built site, ready to upload.
#[derive(Debug, Clone)]
pub struct LocalObject {
    /// Object key, prefix included.
    pub key: String,
    /// Path in the output folder (`blog/x/index.html`).
    pub path: String,
    /// The bytes to upload (gzipped when a rule says so).
    pub body: Body,
    /// MD5 of the bytes to upload.
    pub md5: Checksum,
    /// Shared by every object with the same headers.
    pub headers: Arc<Headers>,
}

impl LocalObject {
    /// The bytes to upload, read now if they are on disk; an error if they
    /// are no longer the bytes whose MD5 was planned with (the file changed
    /// since it was hashed: uploading it would leave the manifest wrong).
    pub fn bytes(&self) -> anyhow::Result<Arc<[u8]>> {
        let bytes =
            (self.body.load()).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", self.path))?;
        if Checksum::md5_of(&bytes) != self.md5 {
            anyhow::bail!(
                "{} changed while it was being published (a build running at the same time?); run `ssg publish` again",
                self.path
            );
        }
        Ok(bytes)
    }
}

/// The bytes of a local object: read already, or left on disk to be read
/// again only if they are uploaded — where the stamp of the last publish
/// vouched for their MD5 (`last_publish.rs`), or once they were hashed, so a
/// first publish of 100,000 posts does not hold 1.4 GB of files at once.
#[derive(Debug, Clone)]
pub enum Body {
    Loaded(Arc<[u8]>),
    OnDisk {
        /// The output folder, and the file's path in it.
        root: Arc<std::path::Path>,
        file: String,
        gzip: bool,
        /// Bytes to upload (after gzip).
        size: u64,
    },
}

impl Body {
    /// Bytes to upload.
    pub fn size(&self) -> u64 {
        match self {
            Body::Loaded(bytes) => bytes.len() as u64,
            Body::OnDisk { size, .. } => *size,
        }
    }

    /// The bytes to upload, read (and gzipped) now if they are on disk.
    pub fn load(&self) -> std::io::Result<Arc<[u8]>> {
        match self {
            Body::Loaded(bytes) => Ok(Arc::clone(bytes)),
            Body::OnDisk {
                root, file, gzip, ..
            } => {
                let raw = std::fs::read(root.join(file))?;
                Ok(Arc::from(if *gzip { gzip::compress(&raw) } else { raw }))
            }
        }
    }

    /// The bytes, when they were read already.
    pub fn loaded(&self) -> Option<&[u8]> {
        match self {
            Body::Loaded(bytes) => Some(bytes),
            Body::OnDisk { .. } => None,
        }
    }
}

impl From<&[u8]> for Body {
    fn from(bytes: &[u8]) -> Body {
        Body::Loaded(Arc::from(bytes))
    }
}

/// One object of the remote listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteObject {
    pub key: String,
    /// Without quotes.
    pub etag: Checksum,
    pub size: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestEntry {
    pub md5: Checksum,
    /// The digest of the headers set (`Headers::digest`).
    pub headers: Checksum,
    pub size: u64,
    pub etag: Checksum,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub version: u32,
    #[serde(with = "crate::cache::pairs")]
    pub objects: BTreeMap<String, ManifestEntry>,
}

impl Manifest {
    /// The manifest object's bytes as stored, or an empty manifest when they
    /// are not one (damaged, another tool's): every entry is then untrusted.
    pub fn decode(bytes: &[u8]) -> Manifest {
        // Written gzipped (a 10,000-page manifest is megabytes of JSON); older ones were plain.
        let Some(json) = gzip::decompress(bytes) else {
            return Manifest::default();
        };
        serde_json::from_slice(&json).unwrap_or_default()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Reason {
    /// Not in the bucket yet.
    New,
    /// Different bytes.
    Changed,
    /// Same bytes, different Content-Type / Cache-Control / Content-Encoding.
    Headers,
}

#[derive(Debug, Clone, Serialize)]
pub struct Upload {
    pub key: String,
    pub path: String,
    pub size: u64,
    pub reason: Reason,
}

impl Upload {
    fn of(object: &LocalObject, reason: Reason) -> Upload {
        Upload {
            key: object.key.clone(),
            path: object.path.clone(),
            size: object.body.size(),
            reason,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Delete {
    pub key: String,
    pub size: u64,
    /// A page's folder-key copy (`blog/x/`) or slashless redirect
    /// (`blog/x`) while the page itself stays: ssg's own key, deleted
    /// because the edge function now serves those URLs, not content lost.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub directory_key: bool,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Plan {
    /// In upload order: assets first, then pages, feeds and the sitemap, so a
    /// visitor never gets a page whose assets are not there yet.
    pub uploads: Vec<Upload>,
    pub unchanged: Vec<String>,
    /// Of `unchanged`, those the ETag alone vouched for: no manifest entry
    /// says which headers they carry (another tool put them there, or the
    /// manifest was lost). Their headers must be read before the manifest
    /// records ssg's ([`Plan::upload_for_headers`]).
    pub unverified: Vec<String>,
    /// Objects under the prefix that the build no longer has.
    pub deletes: Vec<Delete>,
}

impl Plan {
    /// Moves `keys` (of `unverified`, found with other headers than the
    /// rules give them) from `unchanged` to the uploads.
    pub fn upload_for_headers(&mut self, local: &[LocalObject], keys: &FxHashSet<&str>) {
        if keys.is_empty() {
            return;
        }
        self.unchanged.retain(|k| !keys.contains(k.as_str()));
        self.unverified.retain(|k| !keys.contains(k.as_str()));
        let mut uploads = std::mem::take(&mut self.uploads);
        uploads.extend(
            (local.iter())
                .filter(|o| keys.contains(o.key.as_str()))
                .map(|o| Upload::of(o, Reason::Headers)),
        );
        self.uploads = in_upload_order(uploads);
    }

    pub fn is_empty(&self) -> bool {
        self.uploads.is_empty() && self.deletes.is_empty()
    }

    pub fn upload_bytes(&self) -> u64 {
        self.uploads.iter().map(|u| u.size).sum()
    }
}

/// `uploads` in upload order: assets first, then pages, feeds and the
/// sitemap, each group in the order given.
fn in_upload_order(uploads: Vec<Upload>) -> Vec<Upload> {
    let (mut assets, documents): (Vec<Upload>, Vec<Upload>) =
        uploads.into_iter().partition(|u| !is_document(&u.path));
    assets.extend(documents);
    assets
}

/// Pages and documents that link to assets: uploaded after everything else.
pub fn is_document(path: &str) -> bool {
    if path.ends_with('/') {
        // A page stored under its folder key (`directory_keys`).
        return true;
    }
    let lower = path.to_ascii_lowercase();
    [".html", ".htm", ".xml", ".atom", ".rss", ".txt"]
        .iter()
        .any(|ext| lower.ends_with(ext))
}

/// The objects in the bucket, as a plan knows them.
#[derive(Debug, Clone, Copy)]
pub enum Remote<'a> {
    /// A listing of the bucket.
    Listed(&'a [RemoteObject]),
    /// The manifest's entries: where the root's ETag vouched for the
    /// manifest (`last_publish.rs`), the bucket holds exactly those objects, and
    /// a copy of them as a listing cost 143,838 strings at 100,000 posts.
    Manifest,
}

/// One object in the bucket, and the manifest's entry for it where that
/// entry can be trusted (its ETag and size are the object's).
#[derive(Clone, Copy)]
pub struct Found<'a> {
    pub etag: &'a Checksum,
    size: u64,
    trusted: Option<&'a ManifestEntry>,
}

/// The local objects and the bucket's, side by side.
pub struct Paired<'a> {
    /// For each local object, in order, the bucket's object at its key.
    pub found: Vec<Option<Found<'a>>>,
    /// The bucket's objects no local object has, as key and size, in the
    /// order listed (S3 lists by key) or the manifest's.
    pub missing: Vec<(&'a str, u64)>,
}

/// Pairs the local objects with the bucket's objects by key.
pub fn pair<'a>(local: &[LocalObject], remote: Remote<'a>, manifest: &'a Manifest) -> Paired<'a> {
    match remote {
        Remote::Listed(listed) => pair_with_listing(local, listed, manifest),
        Remote::Manifest => pair_with_manifest(local, manifest),
    }
}

/// By key lookups: a listing comes in any order.
fn pair_with_listing<'a>(
    local: &[LocalObject],
    listed: &'a [RemoteObject],
    manifest: &'a Manifest,
) -> Paired<'a> {
    let by_key: FxHashMap<&str, &RemoteObject> =
        listed.iter().map(|r| (r.key.as_str(), r)).collect();
    let found = (local.iter())
        .map(|object| {
            let r = *by_key.get(object.key.as_str())?;
            let trusted = (manifest.objects.get(&object.key))
                .filter(|m| m.etag == r.etag && m.size == r.size);
            Some(Found {
                etag: &r.etag,
                size: r.size,
                trusted,
            })
        })
        .collect();
    let local_keys: FxHashSet<&str> = local.iter().map(|o| o.key.as_str()).collect();
    let missing = (listed.iter())
        .filter(|r| !local_keys.contains(r.key.as_str()))
        .map(|r| (r.key.as_str(), r.size))
        .collect();
    Paired { found, missing }
}

/// In one merge of two sorted sequences: the manifest is ordered by key,
/// and the output folder is listed in path order (where `directory_keys`
/// adds folder keys after it, the objects are put in order first). At
/// 100,000 posts, a lookup per object in the manifest's tree took a tenth
/// of a one-post publish.
fn pair_with_manifest<'a>(local: &[LocalObject], manifest: &'a Manifest) -> Paired<'a> {
    let mut order: Vec<usize> = (0..local.len()).collect();
    if !local.is_sorted_by(|a, b| a.key <= b.key) {
        order.sort_by(|&a, &b| local[a].key.cmp(&local[b].key));
    }
    let mut found = vec![None; local.len()];
    let mut missing = Vec::new();
    let mut entries = manifest.objects.iter().peekable();
    let mut last: Option<(&str, Found<'a>)> = None;
    for at in order {
        let key = local[at].key.as_str();
        if let Some((_, same)) = last.filter(|(k, _)| *k == key) {
            found[at] = Some(same);
            continue;
        }
        while let Some((k, entry)) = entries.next_if(|(k, _)| k.as_str() < key) {
            missing.push((k.as_str(), entry.size));
        }
        if let Some((k, entry)) = entries.next_if(|(k, _)| k.as_str() == key) {
            let here = Found {
                etag: &entry.etag,
                size: entry.size,
                trusted: Some(entry),
            };
            found[at] = Some(here);
            last = Some((k.as_str(), here));
        }
    }
    missing.extend(entries.map(|(k, entry)| (k.as_str(), entry.size)));
    Paired { found, missing }
}

/// The plan against a listing of the bucket.
pub fn plan(
    local: &[LocalObject],
    remote: &[RemoteObject],
    manifest: &Manifest,
    prefix: &str,
) -> Plan {
    plan_against(local, Remote::Listed(remote), manifest, prefix)
}

pub fn plan_against(
    local: &[LocalObject],
    remote: Remote<'_>,
    manifest: &Manifest,
    prefix: &str,
) -> Plan {
    let paired = pair(local, remote, manifest);
    let mut digests = Digests::default();
    let mut plan = Plan::default();
    let mut uploads = Vec::new();
    for (object, found) in local.iter().zip(&paired.found) {
        if is_reserved(&object.key, prefix) {
            continue;
        }
        let size = object.body.size();
        let reason = match found {
            None => Some(Reason::New),
            Some(r) => match r.trusted {
                Some(m) if m.md5 != object.md5 => Some(Reason::Changed),
                Some(m) if m.headers != *digests.of(&object.headers) => Some(Reason::Headers),
                Some(_) => None,
                // No trustworthy record: the ETag decides where it is an
                // MD5, but says nothing of the headers.
                None if r.etag.is_md5() && *r.etag == object.md5 && r.size == size => {
                    plan.unverified.push(object.key.clone());
                    None
                }
                None => Some(Reason::Changed),
            },
        };
        match reason {
            None => plan.unchanged.push(object.key.clone()),
            Some(reason) => uploads.push(Upload::of(object, reason)),
        }
    }
    plan.uploads = in_upload_order(uploads);
    let local_keys: FxHashSet<&str> = local.iter().map(|o| o.key.as_str()).collect();
    plan.deletes = (paired.missing.into_iter())
        .filter(|(key, _)| !is_reserved(key, prefix))
        .map(|(key, size)| Delete {
            key: key.to_string(),
            size,
            directory_key: is_directory_key_of_a_page(key, &local_keys),
        })
        .collect();
    plan
}

/// Whether `key` is the folder-key copy (`x/`) or slashless redirect (`x`)
/// of a page the local tree still has (`x/index.html`).
fn is_directory_key_of_a_page(key: &str, local_keys: &FxHashSet<&str>) -> bool {
    let page = if key.ends_with('/') {
        format!("{key}index.html")
    } else {
        format!("{key}/index.html")
    };
    local_keys.contains(page.as_str())
}

impl Plan {
    /// The deletes `max_deletes` counts: content, not the directory keys
    /// of pages that stay.
    pub fn content_deletes(&self) -> usize {
        self.deletes.iter().filter(|d| !d.directory_key).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::publish::keys::MANIFEST_NAME;

    fn local(key: &str, body: &str, cache: Option<&str>) -> LocalObject {
        LocalObject {
            key: key.into(),
            path: key.into(),
            body: Body::from(body.as_bytes()),
            md5: Checksum::md5_of(body.as_bytes()),
            headers: Arc::new(Headers {
                content_type: crate::mime::content_type(key).into(),
                cache_control: cache.map(String::from),
                content_encoding: None,
            }),
        }
    }

    fn remote_of(o: &LocalObject, etag: impl Into<Checksum>) -> RemoteObject {
        RemoteObject {
            key: o.key.clone(),
            etag: etag.into(),
            size: o.body.size(),
        }
    }

    fn entry(o: &LocalObject, etag: &str) -> ManifestEntry {
        ManifestEntry {
            md5: o.md5.clone(),
            headers: o.headers.digest(),
            size: o.body.size(),
            etag: etag.into(),
        }
    }

    #[test]
    fn bytes_changed_since_they_were_hashed_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.html");
        std::fs::write(&file, "one").unwrap();
        let object = LocalObject {
            body: Body::OnDisk {
                root: Arc::from(dir.path()),
                file: "a.html".into(),
                gzip: false,
                size: 3,
            },
            ..local("a.html", "one", None)
        };
        assert_eq!(&*object.bytes().unwrap(), b"one");
        std::fs::write(&file, "two").unwrap();
        let err = object.bytes().unwrap_err().to_string();
        assert!(
            err.contains("a.html changed while it was being published"),
            "{err}"
        );
    }

    fn upload_order(p: &Plan) -> Vec<(&str, Reason)> {
        p.uploads
            .iter()
            .map(|u| (u.key.as_str(), u.reason))
            .collect()
    }

    #[test]
    fn new_changed_unchanged_deleted_in_order() {
        let page = local("index.html", "<p>hi</p>", None);
        let css = local("style.css", "a{}", None);
        let same = local("same.png", "PNG", None);
        let remote = vec![
            remote_of(&same, same.md5.clone()),
            RemoteObject {
                key: "style.css".into(),
                etag: "0".repeat(32).into(),
                size: 3,
            },
            RemoteObject {
                key: "gone.html".into(),
                etag: "x".into(),
                size: 9,
            },
            RemoteObject {
                key: MANIFEST_NAME.into(),
                etag: "m".into(),
                size: 1,
            },
        ];
        let p = plan(&[page, css, same], &remote, &Manifest::default(), "");
        assert_eq!(
            upload_order(&p),
            [("style.css", Reason::Changed), ("index.html", Reason::New)]
        );
        assert_eq!(p.unchanged, ["same.png"]);
        assert_eq!(p.unverified, ["same.png"], "no manifest: headers unknown");
        assert_eq!(p.deletes.len(), 1);
        assert_eq!(p.deletes[0].key, "gone.html");
    }

    #[test]
    fn objects_found_with_other_headers_are_uploaded_again_in_order() {
        let page = local("index.html", "<p>hi</p>", None);
        let same_page = local("about/index.html", "<p>about</p>", None);
        let same_css = local("style.css", "a{}", None);
        let new_js = local("app.js", "x", None);
        let remote = [
            remote_of(&same_page, same_page.md5.clone()),
            remote_of(&same_css, same_css.md5.clone()),
        ];
        let all = [page, same_page, same_css, new_js];
        let mut p = plan(&all, &remote, &Manifest::default(), "");
        assert_eq!(p.unverified, ["about/index.html", "style.css"]);
        let differ: FxHashSet<&str> = ["about/index.html", "style.css"].into_iter().collect();
        p.upload_for_headers(&all, &differ);
        assert_eq!(
            upload_order(&p),
            [
                ("app.js", Reason::New),
                ("style.css", Reason::Headers),
                ("index.html", Reason::New),
                ("about/index.html", Reason::Headers),
            ]
        );
        assert!(p.unchanged.is_empty() && p.unverified.is_empty());
    }

    #[test]
    fn manifest_detects_changes_behind_multipart_etags_and_header_changes() {
        let big = local("video.mp4", "new bytes", None);
        let mut manifest = Manifest::default();
        // Uploaded in parts: the ETag is no MD5, only the manifest knows the content.
        let mut old = entry(&big, "abc-2");
        old.md5 = "0".repeat(32).into();
        manifest.objects.insert(big.key.clone(), old);
        let p = plan(
            std::slice::from_ref(&big),
            &[remote_of(&big, "abc-2")],
            &manifest,
            "",
        );
        assert_eq!(p.uploads[0].reason, Reason::Changed);

        manifest
            .objects
            .insert(big.key.clone(), entry(&big, "abc-2"));
        let p = plan(
            std::slice::from_ref(&big),
            &[remote_of(&big, "abc-2")],
            &manifest,
            "",
        );
        assert!(p.is_empty(), "same content, same headers");

        let recached = local("video.mp4", "new bytes", Some("max-age=60"));
        let p = plan(&[recached], &[remote_of(&big, "abc-2")], &manifest, "");
        assert_eq!(p.uploads[0].reason, Reason::Headers);
    }

    #[test]
    fn a_manifest_entry_that_disagrees_with_the_listing_is_ignored() {
        let page = local("a.html", "v2", None);
        let mut manifest = Manifest::default();
        // Someone replaced the object outside ssg: the ETag no longer matches the record.
        manifest
            .objects
            .insert(page.key.clone(), entry(&page, "stale-etag"));
        let p = plan(
            std::slice::from_ref(&page),
            &[remote_of(&page, "other-1")],
            &manifest,
            "",
        );
        assert_eq!(p.uploads[0].reason, Reason::Changed);
    }

    #[test]
    fn the_manifest_and_the_lock_are_never_site_files() {
        let prefix = "site/";
        let page = local("site/index.html", "hi", None);
        // An output folder that happens to hold files at ssg's own keys.
        let fake_manifest = local("site/.ssg-manifest.json", "{}", None);
        let fake_lock = local("site/.ssg-publish.lock", "{}", None);
        let remote = vec![
            RemoteObject {
                key: "site/.ssg-manifest.json".into(),
                etag: "m".into(),
                size: 1,
            },
            RemoteObject {
                key: "site/.ssg-publish.lock".into(),
                etag: "l".into(),
                size: 1,
            },
            RemoteObject {
                key: "site/old.html".into(),
                etag: "o".into(),
                size: 1,
            },
        ];
        let p = plan(
            &[page, fake_manifest, fake_lock],
            &remote,
            &Manifest::default(),
            prefix,
        );
        let uploads: Vec<&str> = p.uploads.iter().map(|u| u.key.as_str()).collect();
        assert_eq!(uploads, ["site/index.html"]);
        let deletes: Vec<&str> = p.deletes.iter().map(|d| d.key.as_str()).collect();
        assert_eq!(deletes, ["site/old.html"]);
        assert!(p.unchanged.is_empty());
        assert!(is_reserved(".ssg-publish.lock", ""));
        assert!(!is_reserved("other/.ssg-publish.lock", "site/"));
        assert!(!is_reserved("site/a/.ssg-publish.lock", "site/"));
        assert!(is_reserved("site/.ssg-manifest/000-ab.json.gz", "site/"));
        assert!(!is_reserved("site/a/.ssg-manifest/000-ab.json.gz", "site/"));
    }
}
