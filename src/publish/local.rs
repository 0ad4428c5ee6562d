//! The output folder as a publish reads it: every file as an object to
//! upload (key, headers, MD5, body left on disk), hashed only where the
//! last publish's stamp no longer holds; and, where no edge function
//! serves folder URLs, the folder keys `directory_keys` asks for and the
//! redirect at each page's slashless key.

use std::path::Path;
use std::sync::Arc;

use anyhow::{Context as _, Result};
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use super::checksum::Checksum;
use super::gzip;
use super::last_publish::{Stamp, Stamps};
use super::plan::{Body, Headers, LocalObject};
use super::rules::Rules;
use super::slashless;
use crate::config::PublishRule;
use crate::output::listing;
use crate::{layout, log, urlpath};

/// The output folder as read for a publish.
pub struct LocalSite {
    pub objects: Vec<LocalObject>,
    /// The stamps of this reading.
    pub stamps: Stamps,
    /// Whether `stamps` differ from the ones the reading started from.
    pub restamped: bool,
    /// How many files were read and hashed (the others had a stamp).
    pub hashed: usize,
}

impl LocalSite {
    /// No output folder: nothing to publish, and no stamps to keep.
    pub fn missing() -> LocalSite {
        LocalSite {
            objects: Vec::new(),
            stamps: Stamps::default(),
            restamped: true,
            hashed: 0,
        }
    }
}

/// Reads the output folder into objects with their hashes and headers.
/// A file whose stamp in `last_stamps` still holds takes its hash from the
/// stamp; the others are read and hashed. Bytes stay on disk until they
/// are uploaded. Folders the stamps' listing remembers are not read again
/// (`output::listing`). The stamps returned are `last_stamps` brought up
/// to date in place: at 100,000 posts they are 144,000 entries, of which a
/// publish after one edit changes a few.
pub fn read(
    out_dir: &Path,
    prefix: &str,
    rules: &Rules,
    last_stamps: Option<Stamps>,
) -> Result<LocalSite> {
    let mut stamps = last_stamps.unwrap_or_default();
    let listing = stamps.take_listing();
    let listed = listing::list(out_dir, &layout::is_unpublished, Some(listing))
        .with_context(|| format!("cannot read {}", out_dir.display()))?;
    log::verbose_timed(&format!(
        "publish: listed {} output files, {} folder(s) read (the others as the last publish listed them)",
        listed.files.len(),
        listed.folders_read
    ));
    let root: Arc<Path> = Arc::from(out_dir);
    let headers = HeaderSets::new();
    let read: Vec<(LocalObject, Option<Stamp>)> = listed
        .files
        .into_par_iter()
        .map_init(FxHashMap::default, |seen, (rel, id)| {
            let rule = rules.matching(&rel);
            let gzip = rule.is_some_and(|(_, r)| r.gzip);
            let (md5, size, hashed) = match stamps.get(&rel, &id, gzip) {
                Some(stamp) => (stamp.md5.clone(), stamp.size, false),
                None => {
                    let file = out_dir.join(&rel);
                    let raw = std::fs::read(&file)
                        .with_context(|| format!("cannot read {}", file.display()))?;
                    let body = if gzip { gzip::compress(&raw) } else { raw };
                    (Checksum::md5_of(&body), body.len() as u64, true)
                }
            };
            let stamp = hashed.then(|| Stamp {
                id,
                gzip,
                md5: md5.clone(),
                size,
            });
            let object = LocalObject {
                key: format!("{prefix}{rel}"),
                headers: headers.of(&rel, rule, seen),
                body: Body::OnDisk {
                    root: Arc::clone(&root),
                    file: rel.clone(),
                    gzip,
                    size,
                },
                path: rel,
                md5,
            };
            Ok((object, stamp))
        })
        .collect::<Result<_>>()?;
    let mut objects = Vec::with_capacity(read.len());
    let mut hashed = 0;
    for (object, stamp) in read {
        if let Some(stamp) = stamp {
            stamps.files.insert(object.path.clone(), stamp);
            hashed += 1;
        }
        objects.push(object);
    }
    // Every file listed has a stamp now: more stamps means files are gone.
    let gone = stamps.files.len() > objects.len();
    if gone {
        let listed: FxHashSet<&str> = objects.iter().map(|o| o.path.as_str()).collect();
        stamps
            .files
            .retain(|path, _| listed.contains(path.as_str()));
    }
    stamps.folders = listed.listing;
    Ok(LocalSite {
        restamped: listed.changed || hashed > 0 || gone,
        hashed,
        objects,
        stamps,
    })
}

/// Adds what `directory_keys` asks for: each page also under its folder's
/// key (`blog/x/`), and a redirect page at its slashless key (`blog/x`),
/// for a distribution that runs no edge function to serve those URLs.
pub fn add_directory_keys(objects: &mut Vec<LocalObject>, prefix: &str) {
    let copies: Vec<LocalObject> = objects
        .iter()
        .filter_map(|o| {
            let dir = urlpath::directory_key(&o.path)?;
            Some(LocalObject {
                key: format!("{prefix}{dir}"),
                path: dir,
                ..o.clone()
            })
        })
        .collect();
    let redirects: Vec<LocalObject> = objects
        .iter()
        .filter_map(|o| slashless::redirect_for(o, prefix))
        .collect();
    objects.extend(copies);
    objects.extend(redirects);
}

/// Redirect pages written as files whose name says another type (a
/// `[redirects]` key `tags/x/index.xml`, an old feed URL): served as HTML,
/// or no browser follows them. `redirect_keys` are `[redirects]` keys as
/// written in ssg.toml; the build writes each at the file
/// `urlpath::output_file(urlpath::normalize(key))`.
pub fn redirect_pages_as_html<'k>(
    objects: &mut [LocalObject],
    redirect_keys: impl Iterator<Item = &'k String>,
) {
    let files: FxHashSet<String> = redirect_keys
        .map(|key| urlpath::output_file(&urlpath::normalize(key)))
        .filter(|file| !crate::mime::content_type(file).starts_with("text/html"))
        .collect();
    if files.is_empty() {
        return;
    }
    for object in objects.iter_mut().filter(|o| files.contains(&o.path)) {
        let mut headers = (*object.headers).clone();
        headers.content_type = crate::mime::content_type("x.html").to_string();
        object.headers = Arc::new(headers);
    }
}

/// The headers of each rule and content type, made once and shared: a
/// site has a handful of distinct sets and up to hundreds of thousands of
/// objects.
struct HeaderSets {
    made: std::sync::Mutex<FxHashMap<HeadersOf, Arc<Headers>>>,
}

/// What an object's headers depend on: the rule that matched its path (by
/// position) and the content type of its name.
type HeadersOf = (Option<usize>, &'static str);

impl HeaderSets {
    fn new() -> HeaderSets {
        HeaderSets {
            made: std::sync::Mutex::default(),
        }
    }

    /// The headers of the file at `path`, which `rule` matched; looked up
    /// in the calling thread's `seen` first, so threads rarely wait.
    fn of(
        &self,
        path: &str,
        rule: Option<(usize, &PublishRule)>,
        seen: &mut FxHashMap<HeadersOf, Arc<Headers>>,
    ) -> Arc<Headers> {
        let content_type = crate::mime::content_type(path);
        let of = (rule.map(|(index, _)| index), content_type);
        let headers = seen.entry(of).or_insert_with(|| {
            let mut made = self.made.lock().unwrap_or_else(|e| e.into_inner());
            let rule = rule.map(|(_, r)| r);
            Arc::clone(made.entry(of).or_insert_with(|| {
                Arc::new(Headers {
                    content_type: rule
                        .and_then(|r| r.content_type.clone())
                        .unwrap_or_else(|| content_type.to_string()),
                    cache_control: rule.and_then(|r| r.cache_control.clone()),
                    content_encoding: rule.is_some_and(|r| r.gzip).then(|| "gzip".to_string()),
                })
            }))
        });
        Arc::clone(headers)
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;
    use std::time::Duration;

    use super::*;

    /// Sets `paths` a minute in the past, so a reading taken now may
    /// trust their stamps.
    fn age(paths: &[PathBuf]) {
        let past = std::time::SystemTime::now() - Duration::from_secs(60);
        for path in paths {
            std::fs::File::options()
                .write(path.is_file())
                .read(true)
                .open(path)
                .and_then(|f| f.set_modified(past))
                .unwrap();
        }
    }

    #[test]
    fn a_second_reading_hashes_what_changed_and_forgets_what_is_gone() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        std::fs::create_dir(out.join("post")).unwrap();
        for (path, body) in [
            ("index.html", "i"),
            ("post/index.html", "p"),
            ("a.css", "c"),
        ] {
            std::fs::write(out.join(path), body).unwrap();
        }
        let all = ["", "post", "index.html", "post/index.html", "a.css"];
        age(&all.map(|p| out.join(p)));
        let rules = Rules::new(&[]).unwrap();
        let first = read(out, "", &rules, None).unwrap();
        assert_eq!(first.hashed, 3);
        let html: Vec<&Arc<Headers>> = (first.objects.iter())
            .filter(|o| o.path.ends_with(".html"))
            .map(|o| &o.headers)
            .collect();
        assert!(Arc::ptr_eq(html[0], html[1]), "one set of headers per kind");

        let same = read(out, "", &rules, Some(first.stamps.clone())).unwrap();
        assert_eq!((same.hashed, same.restamped), (0, false));
        assert_eq!(same.stamps.files, first.stamps.files);

        std::fs::remove_file(out.join("a.css")).unwrap();
        std::fs::write(out.join("index.html"), "changed").unwrap();
        age(&[out.join(""), out.join("index.html")]);
        let next = read(out, "", &rules, Some(same.stamps)).unwrap();
        assert_eq!((next.hashed, next.restamped), (1, true));
        let mut stamped: Vec<&str> = next.stamps.files.keys().map(String::as_str).collect();
        stamped.sort_unstable();
        assert_eq!(stamped, ["index.html", "post/index.html"]);
        let index = next
            .objects
            .iter()
            .find(|o| o.path == "index.html")
            .unwrap();
        assert_eq!(index.md5, Checksum::md5_of(b"changed"));
        assert_eq!(&*index.bytes().unwrap(), b"changed");
    }
}
