//! Fingerprints the code that renders Markdown, so the Markdown cache
//! (src/cache/markdown.rs) survives a new build of ssg that renders the
//! same bytes (issue 29): before, any new executable re-rendered and
//! re-highlighted every page, which on a code-heavy blog is most of a
//! cold build.
//!
//! The fingerprint covers every file of src/ (code and the built-in
//! templates it includes) and of the embedded default theme, except the
//! rooms that never touch a page's rendered Markdown (leaving one out would serve stale
//! HTML; hashing one too many only costs a re-render), and Cargo.lock,
//! which pins the highlighter (syntect, two-face's grammars), the
//! Markdown parser and every other dependency. Without a Cargo.lock
//! beside the manifest the executable decides, as before.

use std::collections::hash_map::DefaultHasher;
use std::fs;
use std::hash::Hasher;
use std::path::{Path, PathBuf};

/// Rooms of src/ whose code cannot change a page's rendered Markdown.
const NOT_RENDERING: &[&str] = &[
    "src/check",
    "src/edge",
    "src/import",
    "src/main.rs",
    "src/proptests",
    "src/provision",
    "src/publish",
    "src/serve",
];

/// Sets `SSG_RENDER_FINGERPRINT`, empty where there is no Cargo.lock.
pub fn emit() {
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=themes");
    println!("cargo:rerun-if-changed=Cargo.lock");
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default());
    let fingerprint = match fs::read(root.join("Cargo.lock")) {
        Ok(lock) => {
            let mut files = Vec::new();
            source_files(&root, &root.join("src"), &mut files);
            source_files(&root, &root.join("themes"), &mut files);
            files.sort();
            let mut h = DefaultHasher::new();
            h.write(&lock);
            for (rel, path) in files {
                h.write(rel.as_bytes());
                h.write(&fs::read(path).unwrap_or_default());
            }
            format!("{:016x}", h.finish())
        }
        Err(_) => String::new(),
    };
    println!("cargo:rustc-env=SSG_RENDER_FINGERPRINT={fingerprint}");
}

/// Every file under `dir` outside [`NOT_RENDERING`], with its path
/// relative to `root` in `/` form (the same on every platform).
fn source_files(root: &Path, dir: &Path, files: &mut Vec<(String, PathBuf)>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let rel = path
            .strip_prefix(root)
            .unwrap_or(&path)
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        if NOT_RENDERING.contains(&rel.as_str()) {
            continue;
        }
        if path.is_dir() {
            source_files(root, &path, files);
        } else {
            files.push((rel, path));
        }
    }
}
