//! `.ssg-cache` damaged in every way (issue 12): a truncated pack, another
//! format version, random bytes, missing files, a cache from another site.
//! The build ignores what it cannot trust: its output is byte for byte the
//! output of `--no-cache`.

use std::fs;
use std::path::{Path, PathBuf};

use crate::support::{Site, post, snapshot};

fn site(title: &str) -> Site {
    Site::new()
        .file(
            "content/blog/a.md",
            &post(
                title,
                "2024-01-01",
                &["x"],
                "Text with a [link to b](b.md).\n\n```rust\nfn a() -> u8 { 1 }\n```\n",
            ),
        )
        .file(
            "content/blog/b.md",
            &post(
                "B",
                "2024-01-02",
                &["x", "y"],
                "More, [back to a](@/blog/a.md).",
            ),
        )
        .file("content/about.md", "---\ntitle: About\n---\nHi *there*.\n")
}

/// Builds with whatever cache there is, and requires `public/` to be what a
/// `--no-cache` build makes.
fn same_as_uncached(site: &Site, damage: &str) {
    site.run(&["build"]).success();
    let fresh = tempfile::tempdir().unwrap();
    let out = fresh.path().join("out");
    site.run(&["build", "--no-cache", "-o", out.to_str().unwrap()])
        .success();
    let got = snapshot(&site.root().join("public"));
    let want = snapshot(&out);
    let names = |s: &[(PathBuf, Vec<u8>)]| s.iter().map(|f| f.0.clone()).collect::<Vec<_>>();
    assert_eq!(names(&got), names(&want), "{damage}: different files");
    for ((path, a), (_, b)) in got.iter().zip(&want) {
        assert!(
            a == b,
            "{damage}: {} differs from an uncached build",
            path.display()
        );
    }
}

/// The files of a built site's cache.
fn cache_files(site: &Site) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(site.root().join(".ssg-cache"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

/// A built site, its cache damaged by `damage`, then a body edit so the
/// next build both reads and rewrites the cache.
fn damaged(name: &str, damage: impl Fn(&Path)) {
    let site = site("A");
    site.run(&["build"]).success();
    for file in cache_files(&site) {
        damage(&file);
        same_as_uncached(&site, &format!("{name} {}", file.display()));
        // Once more from what that build left behind.
        site.write("content/about.md", b"---\ntitle: About\n---\nHi *again*.\n");
        same_as_uncached(&site, &format!("{name} {}, then an edit", file.display()));
        site.write("content/about.md", b"---\ntitle: About\n---\nHi *there*.\n");
    }
}

#[test]
fn a_truncated_cache_file_is_ignored() {
    for keep in [0.0, 0.1, 0.5, 0.99] {
        damaged(&format!("truncated to {keep}"), |file| {
            let len = fs::metadata(file).unwrap().len();
            let f = fs::OpenOptions::new().write(true).open(file).unwrap();
            f.set_len((len as f64 * keep) as u64).unwrap();
        });
    }
}

#[test]
fn a_cache_of_another_format_version_is_ignored() {
    // Each file starts with its format number (a postcard varint).
    for version in [0u8, 1, 9, 0x7f] {
        damaged(&format!("format {version}"), |file| {
            let mut bytes = fs::read(file).unwrap();
            if let Some(first) = bytes.first_mut() {
                *first = version;
            }
            fs::write(file, bytes).unwrap();
        });
    }
}

#[test]
fn random_bytes_in_the_cache_are_ignored() {
    // A seeded generator: the same bytes on every run, so a failure replays.
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let cases: u64 = std::env::var("SSG_PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .map_or(3, |n: u64| (n / 64).max(3));
    for case in 0..cases {
        let seeds: Vec<u64> = (0..8).map(|_| next()).collect();
        damaged(&format!("random bytes, case {case}"), |file| {
            let mut bytes = fs::read(file).unwrap();
            if bytes.is_empty() {
                return;
            }
            // A few single bytes changed where they decode as something else,
            // and a run of garbage.
            for &s in &seeds[..4] {
                let at = (s as usize) % bytes.len();
                bytes[at] ^= ((s >> 32) as u8) | 1;
            }
            let at = (seeds[4] as usize) % bytes.len();
            let len = ((seeds[5] as usize) % 16).min(bytes.len() - at);
            for (i, b) in bytes[at..at + len].iter_mut().enumerate() {
                *b = (seeds[6] >> (i % 8 * 8)) as u8;
            }
            fs::write(file, bytes).unwrap();
        });
    }
}

#[test]
fn a_missing_cache_file_is_ignored() {
    damaged("removed", |file| {
        let _ = fs::remove_file(file);
    });
}

#[test]
fn a_cache_copied_from_another_site_is_ignored() {
    let other = site("Other title").file("content/blog/z.md", &post("Z", "2023-05-05", &[], "Z."));
    other.run(&["build"]).success();
    let site = site("A");
    site.run(&["build"]).success();
    let ours = site.root().join(".ssg-cache");
    fs::remove_dir_all(&ours).unwrap();
    fs::create_dir(&ours).unwrap();
    for file in cache_files(&other) {
        fs::copy(&file, ours.join(file.file_name().unwrap())).unwrap();
    }
    same_as_uncached(&site, "another site's cache");
    // And with the same content paths but other text in them.
    site.write(
        "content/blog/a.md",
        post("A2", "2024-01-01", &["x"], "New.").as_bytes(),
    );
    same_as_uncached(&site, "another site's cache, then an edit");
}

/// Found here: the pack had no checksum, and one changed byte inside a
/// page's HTML still decoded, so the damaged page was published.
#[test]
fn a_changed_byte_inside_a_cached_page_is_not_served() {
    let site = site("A");
    site.run(&["build"]).success();
    let pack = site.root().join(".ssg-cache/markdown.pack");
    let mut bytes = fs::read(&pack).unwrap();
    let at = bytes
        .windows(8)
        .position(|w| w == b"Hi <em>t")
        .expect("the about page's HTML is in the pack");
    bytes[at] = b'J';
    fs::write(&pack, bytes).unwrap();
    same_as_uncached(&site, "one byte of a cached page changed");
}
