//! Tells `ssg --version` which commit it was built from, so a bug report
//! names the exact source. Built from a git checkout (this repository,
//! or `cargo install --git`), it is `git rev-parse --short HEAD`; from a
//! crate tarball it is the commit `cargo package` recorded in
//! `.cargo_vcs_info.json`; with neither, the version alone. `SSG_COMMIT`
//! overrides both (a build from an exported tree that knows its commit).

use std::path::{Path, PathBuf};
use std::process::Command;

/// Sets `SSG_LONG_VERSION`: the version, and the commit where known.
pub fn emit() {
    println!("cargo:rerun-if-env-changed=SSG_COMMIT");
    let crate_dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let version = std::env::var("CARGO_PKG_VERSION").unwrap_or_default();
    let commit = std::env::var("SSG_COMMIT")
        .ok()
        .filter(|c| !c.is_empty())
        .or_else(|| git_commit(&crate_dir))
        .or_else(|| packaged_commit(&crate_dir));
    let long = match commit {
        Some(commit) => format!("{version} ({commit})"),
        None => version,
    };
    println!("cargo:rustc-env=SSG_LONG_VERSION={long}");
}

/// The short commit of the checkout this crate sits at the top of; `None`
/// without git, or when the crate is not the top of its repository (a
/// tarball unpacked inside another project must not take that one's commit).
fn git_commit(crate_dir: &Path) -> Option<String> {
    let top = git(crate_dir, &["rev-parse", "--show-toplevel"])?;
    if Path::new(&top).canonicalize().ok()? != crate_dir.canonicalize().ok()? {
        return None;
    }
    // Run again when HEAD moves: a checkout changes HEAD, a commit changes
    // the branch's ref (loose, or in packed-refs after a gc). Only files that
    // exist: cargo reruns the script on every build for a missing one.
    let branch = git(crate_dir, &["symbolic-ref", "-q", "HEAD"]);
    let watched = ["HEAD", "packed-refs"].into_iter().map(String::from);
    for name in watched.chain(branch) {
        if let Some(path) = git(crate_dir, &["rev-parse", "--git-path", &name]) {
            let path = crate_dir.join(path);
            if path.is_file() {
                println!("cargo:rerun-if-changed={}", path.display());
            }
        }
    }
    git(crate_dir, &["rev-parse", "--short", "HEAD"])
}

/// The commit `cargo package` wrote into the tarball, shortened as git does.
fn packaged_commit(crate_dir: &Path) -> Option<String> {
    let info = std::fs::read_to_string(crate_dir.join(".cargo_vcs_info.json")).ok()?;
    let after = info.split("\"sha1\"").nth(1)?;
    let sha: String = after
        .chars()
        .skip_while(|c| !c.is_ascii_hexdigit())
        .take_while(char::is_ascii_hexdigit)
        .collect();
    (sha.len() >= 7).then(|| sha[..7].to_string())
}

/// One line of git's output, `None` when git is missing or fails.
fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .ok()?;
    let text = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (out.status.success() && !text.is_empty()).then_some(text)
}
