//! Fixture sites on real disk and a runner for the real `ssg` binary.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use ssg::build::{BuildOptions, Built, build};

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

    /// Runs the `ssg` binary with `args` in the site folder.
    pub fn run(&self, args: &[&str]) -> Run {
        run_in(self.root(), args)
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

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    fn from(out: Output) -> Run {
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    #[track_caller]
    pub fn success(&self) -> &Run {
        assert_eq!(
            self.code, 0,
            "expected success\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    #[track_caller]
    pub fn failure(&self) -> &Run {
        assert_eq!(
            self.code, 1,
            "expected exit 1\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }
}

pub fn ssg_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_ssg"))
}

pub fn run_in(dir: &Path, args: &[&str]) -> Run {
    let out = Command::new(ssg_bin())
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("run ssg");
    Run::from(out)
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

/// Starts the project's moto server (`.venv`, installed by scripts/test.sh)
/// on a free port of 127.0.0.1 and waits until it answers; returns it and
/// its URL. It runs under a shell that stops it once this test process is
/// gone: a server kept in a static gets no destructor, and one left to a
/// 30-minute `timeout` outlived `cargo test` by that much. SIGTERM to the
/// returned child stops the server at once.
pub fn start_moto(env: &[(&str, String)]) -> (Child, String) {
    let server = format!("{}/.venv/bin/moto_server", env!("CARGO_MANIFEST_DIR"));
    assert!(
        Path::new(&server).exists(),
        "moto is not installed: run scripts/test.sh (it installs moto[server] into .venv)"
    );
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port");
    const WATCHDOG: &str = r#"
        trap 'kill "$server" 2>/dev/null; exit 0' TERM INT
        "$0" -H 127.0.0.1 -p "$1" &
        server=$!
        while kill -0 "$2" 2>/dev/null && kill -0 "$server" 2>/dev/null; do
            sleep 1 & wait $!
        done
        kill "$server" 2>/dev/null
    "#;
    let child = Command::new("sh")
        .args(["-c", WATCHDOG, &server, &port.to_string()])
        .arg(std::process::id().to_string())
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start moto_server");
    let deadline = Instant::now() + Duration::from_secs(60);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "moto_server did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
    (child, format!("http://127.0.0.1:{port}"))
}
