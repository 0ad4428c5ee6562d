//! Rendered Markdown of every page, kept between builds.
//!
//! Rendering Markdown is most of a cold build (syntax highlighting above
//! all), and a page's HTML depends only on its body, its place in the site
//! and the URLs of the content files it links to. An entry is keyed by a
//! hash of the first two and stores the link lookups the render made; it
//! is reused only while every lookup still gives the same answer.
//!
//! Storage is one pack file of entries plus an index, so a build that
//! rendered one page appends one entry instead of rewriting the pack; the
//! pack is compacted when dead entries outweigh live ones.

use std::cell::RefCell;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Seek, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rustc_hash::{FxHashMap, FxHashSet};
use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::Xxh3;

use super::{Cache, renderer_fingerprint, write_atomic};
use crate::markdown::{MarkdownOptions, Rendered};

const PACK: &str = "markdown.pack";
const INDEX: &str = "markdown.index";
/// Bumped when the layout of what is stored changes.
const FORMAT: u32 = 4;

/// A content path looked up while rendering, and what it resolved to.
pub type Lookup = (String, Option<String>);

#[derive(Serialize, Deserialize)]
struct IndexFile {
    format: u32,
    /// [`renderer_fingerprint`] of the build that wrote the cache.
    renderer: u64,
    entries: Vec<IndexEntry>,
}

#[derive(Serialize, Deserialize, Clone)]
struct IndexEntry {
    rel: String,
    key: u128,
    offset: u64,
    len: u64,
    /// `hash::content` of the stored bytes: a changed byte inside a page's
    /// HTML still decodes, and would be served as the page.
    check: u64,
}

#[derive(Deserialize)]
struct Entry {
    key: u128,
    lookups: Vec<Lookup>,
    rendered: Rendered,
}

/// [`Entry`] as written: borrowed, so storing a render does not copy it first.
#[derive(Serialize)]
struct EntryRef<'a> {
    key: u128,
    lookups: &'a [Lookup],
    rendered: &'a Rendered,
}

/// Entries read from the cache, and those this build adds.
pub struct MarkdownStore {
    /// Entries are read one by one where they lie: reading the whole pack
    /// (134 MB at 10,000 posts) into memory first cost a warm build more
    /// in page faults than decoding it.
    pack: Option<File>,
    pack_len: u64,
    index: FxHashMap<String, IndexEntry>,
    new_entries: Mutex<Spill>,
    pub hits: std::sync::atomic::AtomicUsize,
}

/// The renders this build adds, written to a file beside the pack as they
/// come rather than held until the save: on a cold build they are as big as
/// the site's HTML (355 MB at 10,000 code-heavy posts), a third of the
/// build's peak memory when they were held.
struct Spill {
    path: PathBuf,
    /// Opened with the first render stored: most warm builds store none.
    file: Option<File>,
    len: u64,
    /// Offsets are into the spill file.
    entries: Vec<IndexEntry>,
}

impl Spill {
    fn new(cache: &Cache) -> Spill {
        Spill {
            path: cache.path(&format!("{SPILL_PREFIX}{}", std::process::id())),
            file: None,
            len: 0,
            entries: Vec::new(),
        }
    }

    fn push(&mut self, rel: &str, key: u128, bytes: &[u8]) -> io::Result<()> {
        let file = match &mut self.file {
            Some(file) => file,
            None => self.file.insert(
                OpenOptions::new()
                    .read(true)
                    .write(true)
                    .create(true)
                    .truncate(true)
                    .open(&self.path)?,
            ),
        };
        file.write_all(bytes)?;
        self.entries.push(IndexEntry {
            rel: rel.to_string(),
            key,
            offset: self.len,
            len: bytes.len() as u64,
            check: crate::hash::content(bytes),
        });
        self.len += bytes.len() as u64;
        Ok(())
    }

    /// Copies every spilled byte to the end of `to`.
    fn copy_into(&mut self, to: &mut File) -> io::Result<()> {
        if let Some(file) = &mut self.file {
            file.rewind()?;
            let copied = io::copy(file, to)?;
            if copied != self.len {
                return Err(io::Error::other(
                    "the Markdown spill file changed under ssg",
                ));
            }
        }
        Ok(())
    }
}

impl Drop for Spill {
    fn drop(&mut self) {
        if self.file.is_some() {
            let _ = fs::remove_file(&self.path);
        }
    }
}

/// Spill files are named this plus the process id.
const SPILL_PREFIX: &str = "markdown.new-";

/// Removes the spill files of builds that were killed.
fn remove_dead_spills(cache: &Cache) {
    let Ok(entries) = fs::read_dir(cache.path("")) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name().to_string_lossy().into_owned();
        let pid = name.strip_prefix(SPILL_PREFIX).and_then(|p| p.parse().ok());
        if pid.is_some_and(|pid| !crate::output::process_runs(pid)) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// What a page's rendered Markdown depends on, besides link lookups;
/// `authoring` stands for what its shortcodes and hooks read, where it has
/// any to call (see `build::pages`). xxh3-128: hashing every page body on every build must cost next to
/// nothing, and 128 bits make a collision between two bodies a non-event.
pub fn key(
    md: MarkdownOptions,
    source: &str,
    path: &str,
    body: &str,
    authoring: Option<u64>,
) -> u128 {
    let mut h = Xxh3::new();
    h.update(&FORMAT.to_le_bytes());
    h.update(&[
        u8::from(md.highlight),
        u8::from(md.smart_punctuation),
        u8::from(md.math),
        u8::from(md.math_warn_only),
    ]);
    if let Some(authoring) = authoring {
        h.update(&authoring.to_le_bytes());
    }
    for part in [source, path, body] {
        // Length-prefixed, so ("ab", "c") and ("a", "bc") differ.
        h.update(&(part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    h.digest128()
}

impl MarkdownStore {
    /// Reads the pack and index; anything unreadable or written by a build
    /// of ssg with other rendering code gives an empty store.
    pub fn load(cache: &Cache) -> MarkdownStore {
        let empty = MarkdownStore {
            pack: None,
            pack_len: 0,
            index: FxHashMap::default(),
            new_entries: Mutex::new(Spill::new(cache)),
            hits: 0.into(),
        };
        remove_dead_spills(cache);
        let Ok(index_bytes) = fs::read(cache.path(INDEX)) else {
            return empty;
        };
        let Ok(index) = postcard::from_bytes::<IndexFile>(&index_bytes) else {
            return empty;
        };
        if index.format != FORMAT || index.renderer != renderer_fingerprint() {
            return empty;
        }
        let Ok(pack) = File::open(cache.path(PACK)) else {
            return empty;
        };
        let Ok(pack_len) = pack.metadata().map(|m| m.len()) else {
            return empty;
        };
        let in_bounds = |e: &IndexEntry| {
            e.offset
                .checked_add(e.len)
                .is_some_and(|end| end <= pack_len)
        };
        let index = index
            .entries
            .into_iter()
            .filter(in_bounds)
            .map(|e| (e.rel.clone(), e))
            .collect();
        MarkdownStore {
            pack: Some(pack),
            pack_len,
            index,
            ..empty
        }
    }

    /// The cached render of `rel` if its key matches and every link lookup
    /// it made still resolves the same way.
    pub fn get(
        &self,
        rel: &str,
        key: u128,
        resolve: impl Fn(&str) -> Option<String>,
    ) -> Option<Rendered> {
        let e = self.index.get(rel).filter(|e| e.key == key)?;
        thread_local! {
            static BUFFER: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
        }
        let entry: Entry = BUFFER.with_borrow_mut(|buffer| {
            let bytes = self.read_entry(e, buffer)?;
            postcard::from_bytes(bytes).ok()
        })?;
        if entry.key != key
            || entry
                .lookups
                .iter()
                .any(|(target, found)| resolve(target) != *found)
        {
            return None;
        }
        self.hits.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Some(entry.rendered)
    }

    /// The stored bytes of `e`, read into `buffer`.
    fn read_entry<'b>(&self, e: &IndexEntry, buffer: &'b mut Vec<u8>) -> Option<&'b [u8]> {
        let len = usize::try_from(e.len).ok()?;
        buffer.resize(len, 0);
        read_exact_at(self.pack.as_ref()?, buffer, e.offset).ok()?;
        (crate::hash::content(buffer) == e.check).then_some(&buffer[..])
    }

    /// Remembers a render for the next build.
    pub fn put(&self, rel: &str, key: u128, lookups: &[Lookup], rendered: &Rendered) {
        let entry = EntryRef {
            key,
            lookups,
            rendered,
        };
        // Sized up front: the HTML is nearly all of it.
        let room = rendered.html.compressed_len()
            + rendered.summary.as_ref().map_or(0, String::len)
            + 4096;
        if let Ok(bytes) = postcard::to_extend(&entry, Vec::with_capacity(room))
            && let Ok(mut spill) = self.new_entries.lock()
            && let Err(e) = spill.push(rel, key, &bytes)
        {
            crate::log::verbose(&format!("cannot store {rel} in the Markdown cache: {e}"));
        }
    }

    /// Writes what this build added, keeping entries only for `live` pages.
    /// Failures are reported in `-v` output and otherwise ignored.
    pub fn save(self, cache: &Cache, live: &FxHashSet<String>) {
        if let Err(e) = self.write(cache, live) {
            crate::log::verbose(&format!("could not save the Markdown cache: {e}"));
        }
    }

    fn write(&self, cache: &Cache, live: &FxHashSet<String>) -> std::io::Result<()> {
        let mut spill = self.new_entries.lock().unwrap_or_else(|e| e.into_inner());
        if spill.entries.is_empty() && self.index.len() == live.len() {
            return Ok(());
        }
        let spilled = std::mem::take(&mut spill.entries);
        let replaced: FxHashSet<&str> = spilled.iter().map(|e| e.rel.as_str()).collect();
        let mut kept: Vec<IndexEntry> = self
            .index
            .values()
            .filter(|e| live.contains(e.rel.as_str()) && !replaced.contains(e.rel.as_str()))
            .cloned()
            .collect();
        let kept_bytes: u64 = kept.iter().map(|e| e.len).sum();
        let dead = self.pack_len.saturating_sub(kept_bytes);
        let pack_path = cache.path(PACK);
        let base = if self.pack.is_none() || dead > kept_bytes + spill.len {
            self.compact(&mut kept, &mut spill, &pack_path)?
        } else {
            // Append after whatever the file holds now (a crashed build may
            // have left a tail no index points to).
            let mut file = OpenOptions::new().append(true).open(&pack_path)?;
            let base = file.metadata()?.len();
            spill.copy_into(&mut file)?;
            base
        };
        let mut entries = kept;
        entries.extend(spilled.into_iter().map(|mut e| {
            e.offset += base;
            e
        }));
        let index = IndexFile {
            format: FORMAT,
            renderer: renderer_fingerprint(),
            entries,
        };
        let bytes = postcard::to_allocvec(&index).map_err(std::io::Error::other)?;
        write_atomic(&cache.path(INDEX), &bytes)
    }

    /// Writes a new pack of the `kept` entries (moved to their new offsets)
    /// followed by the spilled ones; returns where the spilled ones start.
    fn compact(&self, kept: &mut [IndexEntry], spill: &mut Spill, pack: &Path) -> io::Result<u64> {
        if kept.is_empty()
            && let Some(file) = spill.file.take()
        {
            // A cold build: the spill file is the whole new pack.
            drop(file);
            fs::rename(&spill.path, pack)?;
            return Ok(0);
        }
        let tmp = pack.with_extension(format!("tmp-{}", std::process::id()));
        let written = (|| {
            let mut out = File::create(&tmp)?;
            let mut offset = 0;
            let mut bytes = Vec::new();
            for e in kept.iter_mut() {
                let entry = self
                    .read_entry(e, &mut bytes)
                    .ok_or_else(|| io::Error::other("cannot read the Markdown pack"))?;
                out.write_all(entry)?;
                e.offset = offset;
                offset += e.len;
            }
            spill.copy_into(&mut out)?;
            fs::rename(&tmp, pack)?;
            Ok(offset)
        })();
        if written.is_err() {
            let _ = fs::remove_file(&tmp);
        }
        written
    }
}

/// Reads `buffer.len()` bytes at `offset`. Positioned reads let every
/// page read its entry from one handle in parallel.
#[cfg(unix)]
fn read_exact_at(file: &File, buffer: &mut [u8], offset: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buffer, offset)
}

#[cfg(windows)]
fn read_exact_at(file: &File, mut buffer: &mut [u8], mut offset: u64) -> std::io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !buffer.is_empty() {
        match file.seek_read(buffer, offset)? {
            0 => return Err(std::io::ErrorKind::UnexpectedEof.into()),
            n => {
                buffer = &mut buffer[n..];
                offset += n as u64;
            }
        }
    }
    Ok(())
}

#[cfg(not(any(unix, windows)))]
fn read_exact_at(_file: &File, _buffer: &mut [u8], _offset: u64) -> std::io::Result<()> {
    // No positioned reads here: the cache is read as empty.
    Err(std::io::ErrorKind::Unsupported.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    const MD: MarkdownOptions = MarkdownOptions {
        highlight: true,
        smart_punctuation: false,
        math: false,
        math_warn_only: false,
    };

    fn rendered(html: &str) -> Rendered {
        Rendered {
            html: html.into(),
            word_count: 2,
            ..Default::default()
        }
    }

    fn live(rels: &[&str]) -> FxHashSet<String> {
        rels.iter().map(|r| r.to_string()).collect()
    }

    #[test]
    fn an_entry_is_reused_only_while_its_links_resolve_the_same() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::open(dir.path()).unwrap();
        let key = key(MD, "a.md", "/a/", "see [b](b.md)", None);
        let store = MarkdownStore::load(&cache);
        let lookups = vec![("b.md".to_string(), Some("/b/".to_string()))];
        store.put("a.md", key, &lookups, &rendered("<p>see b</p>"));
        store.save(&cache, &live(&["a.md"]));

        let store = MarkdownStore::load(&cache);
        let same = |_: &str| Some("/b/".to_string());
        let moved = |_: &str| Some("/bee/".to_string());
        assert_eq!(store.get("a.md", key, same).unwrap().html, "<p>see b</p>");
        assert!(store.get("a.md", key, moved).is_none());
        let edited = super::key(MD, "a.md", "/a/", "see [b](b.md)!", None);
        assert!(store.get("a.md", edited, same).is_none());
        let plain = MarkdownOptions {
            highlight: false,
            ..MD
        };
        assert_ne!(super::key(plain, "a.md", "/a/", "see [b](b.md)", None), key);
    }

    #[test]
    fn edits_append_and_dead_entries_are_compacted_away() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::open(dir.path()).unwrap();
        let pack_len = || fs::metadata(cache.path(PACK)).unwrap().len();
        let big = "x".repeat(10_000);
        let store = MarkdownStore::load(&cache);
        for rel in ["a.md", "b.md", "c.md"] {
            store.put(rel, key(MD, rel, "/", rel, None), &[], &rendered(&big));
        }
        store.save(&cache, &live(&["a.md", "b.md", "c.md"]));
        let first = pack_len();

        // One edited page: its new entry is appended, the others stay put.
        let store = MarkdownStore::load(&cache);
        store.put(
            "a.md",
            key(MD, "a.md", "/", "a2", None),
            &[],
            &rendered(&big),
        );
        store.save(&cache, &live(&["a.md", "b.md", "c.md"]));
        assert!(pack_len() > first && pack_len() < first * 2);

        // Two of three pages gone: dead bytes outweigh live ones → compacted.
        let store = MarkdownStore::load(&cache);
        store.save(&cache, &live(&["c.md"]));
        assert!(pack_len() < first / 2, "{} vs {first}", pack_len());
        let store = MarkdownStore::load(&cache);
        let c = store.get("c.md", key(MD, "c.md", "/", "c.md", None), |_| None);
        assert_eq!(c.unwrap().html, big);
        assert!(
            store
                .get("b.md", key(MD, "b.md", "/", "b.md", None), |_| None)
                .is_none()
        );
    }
}
