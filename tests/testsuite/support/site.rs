//! Fixture sites on real disk: a [`Site`] written file by file in a
//! temporary folder, built in memory through the library or by the real
//! binary, and read back.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use ssg::build::{BuildOptions, Built, build};

use crate::support::command::{Run, finish_within, run, ssg_command};

/// A site in a temporary folder, written file by file.
pub struct Site {
    dir: tempfile::TempDir,
}

/// The smallest config every fixture starts from.
pub const CONFIG: &str =
    "title = \"Test site\"\nbase_url = \"https://example.com\"\ntheme = \"default\"\n";

impl Site {
    /// An empty site with [`CONFIG`].
    pub fn new() -> Site {
        Site::with_config(CONFIG)
    }

    pub fn with_config(config: &str) -> Site {
        let site = Site {
            dir: tempfile::tempdir().expect("tempdir"),
        };
        site.file("ssg.toml", config)
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// Writes `text` at `rel`, creating folders.
    pub fn file(self, rel: &str, text: &str) -> Site {
        self.write(rel, text.as_bytes());
        self
    }

    pub fn write(&self, rel: &str, bytes: &[u8]) {
        let path = self.root().join(rel);
        fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        fs::write(path, bytes).expect("write");
    }

    /// Builds in memory through the library.
    pub fn build(&self) -> Built {
        self.try_build()
            .unwrap_or_else(|e| panic!("build failed:\n{e}"))
    }

    pub fn try_build(&self) -> Result<Built, ssg::error::BuildError> {
        build(self.root(), &BuildOptions::default())
    }

    /// `ssg ARGS` in the site folder, not started yet (see [`ssg_command`]).
    pub fn command(&self, args: &[&str]) -> Command {
        ssg_command(self.root(), args)
    }

    /// Runs the `ssg` binary with `args` in the site folder.
    pub fn run(&self, args: &[&str]) -> Run {
        run(self.command(args))
    }

    /// As [`Site::run`], but a run still going after `limit` is killed and
    /// the test fails saying so: for input that once made ssg hang.
    #[track_caller]
    pub fn run_within(&self, args: &[&str], limit: Duration) -> Run {
        let child = self
            .command(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("start ssg");
        finish_within(child, limit)
            .unwrap_or_else(|| panic!("`ssg {}` did not finish within {limit:?}", args.join(" ")))
    }

    /// Reads a file of the written output (`public/…`).
    pub fn read(&self, rel: &str) -> String {
        let path = self.root().join(rel);
        fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
    }

    pub fn exists(&self, rel: &str) -> bool {
        self.root().join(rel).exists()
    }
}

/// The text of one output of an in-memory build.
pub fn output(built: &Built, path: &str) -> String {
    let o = built
        .outputs
        .iter()
        .find(|o| o.path == path)
        .unwrap_or_else(|| {
            let paths: Vec<&str> = built.outputs.iter().map(|o| o.path.as_str()).collect();
            panic!("no output {path}; outputs: {paths:#?}")
        });
    String::from_utf8(o.read().expect("read output")).expect("utf-8 output")
}

pub fn has_output(built: &Built, path: &str) -> bool {
    built.outputs.iter().any(|o| o.path == path)
}

/// Every file below `dir` with its bytes, for byte-for-byte comparisons.
pub fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files: Vec<(PathBuf, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(dir).expect("prefix").to_path_buf(),
                fs::read(e.path()).expect("read"),
            )
        })
        .collect();
    files.sort();
    files
}

/// A post with YAML front matter.
pub fn post(title: &str, date: &str, tags: &[&str], body: &str) -> String {
    let tags: Vec<String> = tags.iter().map(|t| format!("\"{t}\"")).collect();
    format!(
        "---\ntitle: \"{title}\"\ndate: {date}\ntags: [{}]\n---\n\n{body}\n",
        tags.join(", ")
    )
}
