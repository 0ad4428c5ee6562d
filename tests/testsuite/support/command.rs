//! Running the real `ssg` binary: the one way every suite builds its
//! command line, and how a run ended as a [`Run`].

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// How a run of `ssg` ended: its exit code (-1 when a signal ended it) and
/// what it printed.
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

    /// Exit 1 with one line on stderr, and that line holds `expect`.
    #[track_caller]
    pub fn failure_in_one_line(&self, expect: &str) -> &Run {
        self.failure();
        assert!(
            self.stderr.contains(expect),
            "wanted {expect:?} in:\n{}",
            self.stderr
        );
        assert_eq!(
            self.stderr.trim().lines().count(),
            1,
            "not one line:\n{}",
            self.stderr
        );
        self
    }
}

/// The ssg executable under test.
pub fn ssg_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_ssg"))
}

/// `ssg ARGS` in `dir`, not started yet: no colour, no input, and nothing
/// from the machine's AWS setup (test credentials, no profile or config
/// files, no region, no instance metadata), so a run against moto is the
/// same on every machine and can never reach a real account.
pub fn ssg_command(dir: &Path, args: &[&str]) -> Command {
    executable_command(&ssg_bin(), dir, args)
}

/// [`ssg_command`] of another copy of the executable, `bin`.
pub fn executable_command(bin: &Path, dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(bin);
    command
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .env("NO_COLOR", "1")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("AWS_REGION")
        .env_remove("AWS_DEFAULT_REGION")
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", "/nonexistent")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent");
    command
}

/// Runs `command` to its end.
pub fn run(mut command: Command) -> Run {
    Run::from(command.output().expect("run ssg"))
}

/// `ssg ARGS` run in `dir`.
pub fn run_in(dir: &Path, args: &[&str]) -> Run {
    run(ssg_command(dir, args))
}

/// Waits for `child` (started with piped output) for at most `limit`;
/// `None` when it was still running then (it is killed), so the caller can
/// fail saying what did not finish.
pub fn finish_within(child: Child, limit: Duration) -> Option<Run> {
    let pid = child.id();
    let done = Arc::new(AtomicBool::new(false));
    let timed_out = Arc::new(AtomicBool::new(false));
    let watchdog = {
        let (done, timed_out) = (done.clone(), timed_out.clone());
        std::thread::spawn(move || {
            let deadline = Instant::now() + limit;
            while !done.load(Ordering::SeqCst) {
                if Instant::now() > deadline {
                    timed_out.store(true, Ordering::SeqCst);
                    let _ = Command::new("kill")
                        .args(["-KILL", &pid.to_string()])
                        .status();
                    return;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        })
    };
    let out = child.wait_with_output().expect("wait for ssg");
    done.store(true, Ordering::SeqCst);
    let _ = watchdog.join();
    (!timed_out.load(Ordering::SeqCst)).then(|| Run::from(out))
}
