//! The ledger: the one place that decides what changed between two builds.
//!
//! It remembers, for every output of the last build, its input signature
//! (what it was rendered from), a hash of its bytes and, for an output
//! folder, the file's state right after writing ([`record`]). From that it
//! answers the three questions an incremental build asks:
//!
//! - may this output's render be skipped? ([`Ledger::reuse`]: same
//!   signature, and its bytes still in memory or its file untouched on disk);
//! - must this output's file be written? ([`Ledger::write`]: not when its
//!   file is untouched and its signature or its bytes are the same);
//! - which outputs does a browser showing the site need again?
//!   ([`Ledger::commit`]: those whose bytes changed, and those that went
//!   away — what `ssg serve` announces).
//!
//! Signatures are comparable only under the same site-wide inputs (config,
//! templates): [`Ledger::begin`] is told those before each render. Bytes
//! hashes are comparable always, so a template edit that changes few pages
//! rewrites (and reloads) few files.
//!
//! `ssg build` keeps the ledger of its output folder on disk in the build
//! cache; `ssg serve` keeps one in memory, holding the bytes it serves.

pub mod record;

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::thread::JoinHandle;

use anyhow::Result;
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::cache::Cache;
use crate::file_stat::FileStat;
use crate::output::{self, DiskState, Output, OutputData, Spool};
use crate::packed::PackedBytes;
use record::{OutputRecord, RecordedFile};

/// What stands for an output's bytes in the ledger.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Identity {
    /// What the output was made from: its render signature, or for a file
    /// that is not rendered, its source's identity or its bytes' hash.
    pub signature: u64,
    /// Hash of its bytes; 0 when not known.
    pub content: u64,
}

/// One output as the last committed build left it.
#[derive(Clone)]
struct Entry {
    identity: Identity,
    /// Its file's state after writing (an output folder's ledger).
    stat: Option<FileStat>,
    /// Its bytes, plain or packed (an in-memory ledger), so a render can reuse them.
    held: Option<OutputData>,
}

impl Entry {
    fn recorded(file: RecordedFile) -> Entry {
        Entry {
            identity: Identity {
                signature: file.signature,
                content: file.content,
            },
            stat: Some(file.stat),
            held: None,
        }
    }
}

/// What [`Ledger::write`] did to the output folder.
#[derive(Debug, Clone)]
pub struct FolderUpdate {
    pub dir: PathBuf,
    /// Files written (all of them when the folder was written whole).
    pub files_written: usize,
    /// Files removed because no output claims them any more.
    pub files_removed: usize,
    /// Written whole through a staging folder rather than updated in place.
    pub whole: bool,
}

/// An output folder's files and the listing they were found by, and the
/// record of the build that wrote them.
type Listing = (DiskState, output::listing::Listing, Option<OutputRecord>);

/// Each written file's state afterwards.
type FileStats = Vec<(String, FileStat)>;

/// The output folder a ledger stands for, and what the last build left there.
struct Folder {
    dir: PathBuf,
    /// The build cache holding the record; without it the folder is written whole.
    cache: Option<Arc<Cache>>,
    /// The folder's files as listed while the site loaded, with the record.
    listing: Option<JoinHandle<Option<Listing>>>,
    disk: Option<DiskState>,
    /// The listing `disk` was found by, kept with the record for the next build.
    disk_listing: Option<output::listing::Listing>,
    /// Where rendered outputs wait for [`Ledger::write`].
    spool: Spool,
}

/// See the module documentation.
#[derive(Default)]
pub struct Ledger {
    entries: FxHashMap<String, Entry>,
    /// The site-wide inputs the entries' signatures were computed under.
    entries_site: Option<u64>,
    /// This build's site-wide inputs.
    site_inputs: u64,
    folder: Option<Folder>,
}

impl Ledger {
    /// A ledger kept in memory, with the bytes of every rendered output.
    pub fn in_memory() -> Ledger {
        Ledger::default()
    }

    /// The ledger of the output folder `dir`, read from `cache`. The folder
    /// is listed on another thread while the site loads: at 10,000 posts
    /// listing its 27,000 entries takes as long as reading the content,
    /// and the two barely compete.
    pub fn for_folder(dir: PathBuf, cache: Option<Arc<Cache>>) -> Ledger {
        let listing = cache.as_ref().filter(|_| dir.is_dir()).map(|cache| {
            let (dir, cache) = (dir.clone(), Arc::clone(cache));
            std::thread::spawn(move || {
                let mut record = record::load(&cache, &dir);
                let previous = record.as_mut().map(|r| std::mem::take(&mut r.listing));
                let (disk, listing) = output::scan(&dir, previous).ok()?;
                Some((disk, listing, record))
            })
        });
        Ledger {
            folder: Some(Folder {
                spool: Spool::for_output(&dir),
                dir,
                cache,
                listing,
                disk: None,
                disk_listing: None,
            }),
            ..Ledger::default()
        }
    }

    /// The output folder this ledger stands for, if any.
    pub fn folder(&self) -> Option<&Path> {
        self.folder.as_ref().map(|f| f.dir.as_path())
    }

    /// Before a render: this build's site-wide inputs, which decide whether
    /// remembered signatures can be trusted.
    pub fn begin(&mut self, site_inputs: u64) {
        self.site_inputs = site_inputs;
        let Some(folder) = self.folder.as_mut() else {
            return;
        };
        let Some(listing) = folder.listing.take() else {
            return;
        };
        let Some((disk, disk_listing, record)) = listing.join().ok().flatten() else {
            return;
        };
        // A folder with no record of ours is still updated in place: every
        // output is written, and what no output claims is removed.
        if let Some(record) = record {
            self.entries_site = Some(record.site_inputs);
            self.entries = record
                .files
                .into_iter()
                .map(|(path, file)| (path, Entry::recorded(file)))
                .collect();
        }
        crate::log::verbose(&format!(
            "listed the output folder: {} files, {} folder(s) read (the others as the last build listed them)",
            disk.files.len(),
            disk.folders_read
        ));
        folder.disk = Some(disk);
        folder.disk_listing = Some(disk_listing);
    }

    fn same_site(&self) -> bool {
        self.entries_site == Some(self.site_inputs)
    }

    /// Whether the output at `path` is still as the ledger left it: its
    /// file untouched since it was written, or for a ledger in memory, always.
    fn untouched(&self, path: &str, entry: &Entry) -> bool {
        match &self.folder {
            None => true,
            Some(folder) => folder
                .disk
                .as_ref()
                .is_some_and(|disk| disk.files.get(path) == entry.stat.as_ref()),
        }
    }

    /// The remembered output at `path`, if its render can be skipped: it was
    /// rendered from the same inputs and its bytes are still at hand.
    pub fn reuse(&self, path: &str, signature: u64) -> Option<OutputData> {
        if !self.same_site() {
            return None;
        }
        let entry = self
            .entries
            .get(path)
            .filter(|e| e.identity.signature == signature)?;
        match (&entry.held, &self.folder) {
            (Some(held), _) => Some(held.clone()),
            (None, Some(folder)) if self.untouched(path, entry) => {
                Some(OutputData::Kept(folder.dir.join(path)))
            }
            _ => None,
        }
    }

    /// What becomes of a rendered output's bytes. A ledger in memory keeps
    /// them packed; an output folder's ledger writes them to its spool at
    /// once, or, when the file in the folder already holds these very
    /// bytes, keeps that file. Either way memory does not grow with the
    /// output (4.2 GB at 100,000 code-heavy posts).
    pub fn keep(&self, path: &str, bytes: Vec<u8>) -> std::io::Result<OutputData> {
        let Some(folder) = &self.folder else {
            return Ok(OutputData::Packed(PackedBytes::new(&bytes)));
        };
        let content = crate::hash::content(&bytes);
        let same_file = self
            .entries
            .get(path)
            .is_some_and(|e| e.identity.content == content && self.untouched(path, e));
        if same_file {
            return Ok(OutputData::Kept(folder.dir.join(path)));
        }
        let file = folder.spool.put(path, &bytes)?;
        Ok(OutputData::Spooled { file, content })
    }

    /// What stands for `output`'s bytes.
    pub fn identity(&self, output: &Output) -> Identity {
        // Reused bytes of an in-memory ledger are the very bytes it holds:
        // their hash is known. Rehashing every output on every `serve`
        // rebuild was 400 MB of hashing at 10,000 code-heavy posts.
        if let OutputData::Bytes(bytes) = &output.data
            && let Some(entry) = self.entries.get(&output.path)
            && matches!(&entry.held, Some(OutputData::Bytes(held)) if Arc::ptr_eq(held, bytes))
        {
            return Identity {
                signature: output.signature.unwrap_or(entry.identity.signature),
                content: entry.identity.content,
            };
        }
        let signature = output.signature.unwrap_or_else(|| match &output.data {
            OutputData::Bytes(bytes) => crate::hash::of(&bytes[..]),
            OutputData::Packed(packed) => packed.hash(),
            OutputData::Copy(from) | OutputData::Kept(from) => {
                let stat = fs::metadata(from).ok().map(|m| FileStat::of(&m));
                crate::hash::of(&(from, stat))
            }
            OutputData::Spooled { content, .. } => *content,
        });
        let content = match &output.data {
            OutputData::Bytes(bytes) => crate::hash::content(bytes),
            OutputData::Packed(packed) => packed.hash(),
            OutputData::Kept(_) => self
                .entries
                .get(&output.path)
                .map_or(0, |e| e.identity.content),
            // A copy's signature is its source file's identity, which no
            // site-wide input affects: it stands for the bytes.
            OutputData::Copy(_) => signature.max(1),
            OutputData::Spooled { content, .. } => *content,
        };
        Identity { signature, content }
    }

    /// Whether the output at `path`, now with `identity`, is what the last
    /// build left: untouched since, and made from the same inputs or with
    /// the same bytes.
    fn unchanged(&self, path: &str, identity: Identity) -> bool {
        let Some(entry) = self.entries.get(path) else {
            return false;
        };
        self.untouched(path, entry)
            && ((self.same_site() && identity.signature == entry.identity.signature)
                || (identity.content != 0 && identity.content == entry.identity.content))
    }

    fn identities(&self, outputs: &[Output]) -> Vec<Identity> {
        outputs.par_iter().map(|o| self.identity(o)).collect()
    }

    /// Takes `outputs` as the new state and returns the paths whose bytes
    /// changed or that went away, sorted: what a browser needs again.
    pub fn commit(&mut self, outputs: &[Output]) -> Vec<String> {
        let identities = self.identities(outputs);
        let mut changed: Vec<String> = outputs
            .iter()
            .zip(&identities)
            .filter(|(o, id)| !self.unchanged(&o.path, **id))
            .map(|(o, _)| o.path.clone())
            .collect();
        let live: FxHashSet<&str> = outputs.iter().map(|o| o.path.as_str()).collect();
        changed.extend(
            self.entries
                .keys()
                .filter(|p| !live.contains(p.as_str()))
                .cloned(),
        );
        changed.sort();
        let entries = outputs
            .iter()
            .zip(identities)
            .map(|(o, identity)| {
                let held = match &o.data {
                    OutputData::Bytes(_) | OutputData::Packed(_) => Some(o.data.clone()),
                    _ => None,
                };
                let entry = Entry {
                    identity,
                    stat: None,
                    held,
                };
                (o.path.clone(), entry)
            })
            .collect();
        self.entries = entries;
        self.entries_site = Some(self.site_inputs);
        changed
    }

    /// Brings the output folder to `outputs`: in place, writing only the
    /// files that changed, when the folder is one this ledger knows; else
    /// whole, through a staging folder. Either way a failure leaves the
    /// previous output. Then records what was written.
    pub fn write(&mut self, outputs: &[Output]) -> Result<FolderUpdate> {
        let Some(dir) = self.folder().map(Path::to_path_buf) else {
            anyhow::bail!("this build has no output folder");
        };
        let identities = self.identities(outputs);
        let (update, stats) = match self.update_in_place(outputs, &identities, &dir)? {
            Some((update, stats)) => {
                if let Some(folder) = &self.folder {
                    folder.spool.clear();
                }
                (update, Some(stats))
            }
            None => {
                output::write(outputs, &dir)?;
                let update = FolderUpdate {
                    dir: dir.clone(),
                    files_written: outputs.len(),
                    files_removed: 0,
                    whole: true,
                };
                (update, None)
            }
        };
        self.save_record(outputs, identities, stats, &dir);
        Ok(update)
    }

    /// The in-place update, when the folder's last state is known and no
    /// file stands where a folder must go (or the other way round).
    fn update_in_place(
        &self,
        outputs: &[Output],
        identities: &[Identity],
        dir: &Path,
    ) -> Result<Option<(FolderUpdate, FileStats)>> {
        let Some(disk) = self.folder.as_ref().and_then(|f| f.disk.as_ref()) else {
            return Ok(None);
        };
        let identity_of: FxHashMap<&str, Identity> = outputs
            .iter()
            .map(|o| o.path.as_str())
            .zip(identities.iter().copied())
            .collect();
        let unchanged = |o: &Output| {
            identity_of
                .get(o.path.as_str())
                .is_some_and(|id| self.unchanged(&o.path, *id))
        };
        Ok(match output::update(outputs, dir, disk, unchanged)? {
            output::Update::Done {
                written,
                removed,
                stats,
            } => Some((
                FolderUpdate {
                    dir: dir.to_path_buf(),
                    files_written: written,
                    files_removed: removed,
                    whole: false,
                },
                stats,
            )),
            output::Update::NeedsWholeWrite => None,
        })
    }

    /// Saves what the folder now holds, for the next build.
    fn save_record(
        &mut self,
        outputs: &[Output],
        identities: Vec<Identity>,
        stats: Option<FileStats>,
        dir: &Path,
    ) {
        let Some(folder) = self.folder.as_mut() else {
            return;
        };
        let Some(cache) = folder.cache.clone() else {
            return;
        };
        // Taken before this build wrote: the folders it wrote in changed
        // since, so the next build reads them again.
        let listing = folder.disk_listing.take().unwrap_or_default();
        let stats = stats.unwrap_or_else(|| stat_all(outputs, dir));
        let identity_of: FxHashMap<&str, Identity> = outputs
            .iter()
            .map(|o| o.path.as_str())
            .zip(identities)
            .collect();
        let files = stats
            .into_iter()
            .filter_map(|(path, stat)| {
                let id = *identity_of.get(path.as_str())?;
                let file = RecordedFile {
                    signature: id.signature,
                    content: id.content,
                    stat,
                };
                Some((path, file))
            })
            .collect();
        record::save(&cache, dir, self.site_inputs, files, listing);
    }
}

/// The state of every output's file, after a whole write.
fn stat_all(outputs: &[Output], dir: &Path) -> FileStats {
    outputs
        .par_iter()
        .filter_map(|o| {
            let meta: io::Result<fs::Metadata> = fs::metadata(dir.join(&o.path));
            Some((o.path.clone(), FileStat::of(&meta.ok()?)))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rendered(path: &str, bytes: &str, signature: u64) -> Output {
        let mut o = Output::bytes(path.into(), bytes.as_bytes().to_vec(), "test");
        o.signature = Some(signature);
        o
    }

    #[test]
    fn reuse_needs_the_same_signature_under_the_same_site_inputs() {
        let mut ledger = Ledger::in_memory();
        ledger.begin(1);
        assert!(ledger.reuse("a/index.html", 10).is_none(), "empty ledger");
        ledger.commit(&[rendered("a/index.html", "A", 10)]);
        ledger.begin(1);
        assert!(matches!(
            ledger.reuse("a/index.html", 10),
            Some(OutputData::Bytes(b)) if &b[..] == b"A"
        ));
        assert!(ledger.reuse("a/index.html", 11).is_none(), "other inputs");
        ledger.begin(2);
        assert!(
            ledger.reuse("a/index.html", 10).is_none(),
            "a template or config edit makes signatures incomparable"
        );
    }

    #[test]
    fn reused_bytes_keep_the_identity_they_were_committed_with() {
        let mut ledger = Ledger::in_memory();
        ledger.begin(1);
        ledger.commit(&[rendered("a.html", "A", 1)]);
        let mut reused = rendered("a.html", "unused", 1);
        reused.data = ledger.reuse("a.html", 1).unwrap();
        let identity = ledger.identity(&reused);
        assert_eq!(identity.content, crate::hash::content(b"A"));
        assert_eq!(identity.signature, 1);
        assert!(ledger.commit(&[reused]).is_empty());
    }

    #[test]
    fn commit_names_outputs_whose_bytes_changed_and_those_that_went_away() {
        let mut ledger = Ledger::in_memory();
        ledger.begin(1);
        let first = ledger.commit(&[
            rendered("a.html", "A", 1),
            rendered("b.html", "B", 2),
            rendered("c.html", "C", 3),
        ]);
        assert_eq!(first, ["a.html", "b.html", "c.html"], "all new");
        // New site inputs (a template edit): bytes decide, not signatures.
        ledger.begin(2);
        let second = ledger.commit(&[
            rendered("a.html", "A", 7),
            rendered("b.html", "B2", 8),
            rendered("d.html", "D", 9),
        ]);
        assert_eq!(second, ["b.html", "c.html", "d.html"]);
        ledger.begin(2);
        assert!(
            ledger
                .commit(&[
                    rendered("a.html", "A", 7),
                    rendered("b.html", "B2", 8),
                    rendered("d.html", "D", 9),
                ])
                .is_empty()
        );
    }

    #[test]
    fn a_copied_file_is_identified_by_its_source() {
        let dir = tempfile::tempdir().unwrap();
        let source = dir.path().join("style.css");
        fs::write(&source, "a").unwrap();
        let copy = Output::copy("style.css".into(), source.clone(), "static/style.css");
        let ledger = Ledger::in_memory();
        let before = ledger.identity(&copy);
        assert_eq!(before, ledger.identity(&copy));
        fs::write(&source, "bb").unwrap();
        assert_ne!(
            before,
            ledger.identity(&copy),
            "an edit changes its identity"
        );
    }

    #[test]
    fn a_folder_ledger_writes_only_changed_files_and_keeps_untouched_ones() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("public");
        let cache = || Cache::open(root.path()).map(Arc::new);
        let outputs = vec![rendered("a.html", "A", 1), rendered("b.html", "B", 2)];

        let mut first = Ledger::for_folder(out.clone(), cache());
        first.begin(5);
        let update = first.write(&outputs).unwrap();
        assert!(update.whole, "no folder yet: written whole");
        drop(first);

        let mut second = Ledger::for_folder(out.clone(), cache());
        second.begin(5);
        assert!(
            matches!(second.reuse("a.html", 1), Some(OutputData::Kept(p)) if p == out.join("a.html")),
            "an untouched file is reused where it lies"
        );
        let changed = vec![rendered("a.html", "A", 1), rendered("b.html", "B2", 3)];
        let update = second.write(&changed).unwrap();
        assert!(!update.whole);
        assert_eq!((update.files_written, update.files_removed), (1, 0));
        assert_eq!(fs::read_to_string(out.join("b.html")).unwrap(), "B2");
        drop(second);

        // A file edited by hand is neither reused nor left as it is.
        fs::write(out.join("a.html"), "hand edit").unwrap();
        let mut third = Ledger::for_folder(out.clone(), cache());
        third.begin(5);
        assert!(third.reuse("a.html", 1).is_none());
        let update = third.write(&changed).unwrap();
        assert_eq!(update.files_written, 1);
        assert_eq!(fs::read_to_string(out.join("a.html")).unwrap(), "A");
    }
}
