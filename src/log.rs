//! Terminal messages at three levels (`-q`, default, `-v`), on stderr so
//! that stdout stays clean for machine-readable output.

use std::sync::atomic::{AtomicU8, Ordering};

static LEVEL: AtomicU8 = AtomicU8::new(1);
static STARTED: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();

/// 0 = quiet (errors only), 1 = normal, 2 = verbose.
pub fn set_level(level: u8) {
    STARTED.get_or_init(std::time::Instant::now);
    LEVEL.store(level, Ordering::Relaxed);
}

pub fn level() -> u8 {
    LEVEL.load(Ordering::Relaxed)
}

pub fn warn(message: &str) {
    if level() >= 1 {
        eprintln!("warning: {message}");
    }
}

pub fn info(message: &str) {
    if level() >= 1 {
        eprintln!("{message}");
    }
}

pub fn verbose(message: &str) {
    if level() >= 2 {
        eprintln!("  {message}");
    }
}

/// A verbose line with the seconds since the command started, for the
/// steps of a command whose cost is the sum of its steps (a publish).
pub fn verbose_timed(message: &str) {
    let since = STARTED.get_or_init(std::time::Instant::now).elapsed();
    verbose(&format!("[{:6.3} s] {message}", since.as_secs_f64()));
}

/// Asks `question` on the terminal; yes only for an answer of y or yes.
/// Without a terminal (CI, a pipe) nobody can answer: no.
pub fn confirm(question: &str) -> bool {
    use std::io::IsTerminal as _;
    if !std::io::stdin().is_terminal() || !std::io::stderr().is_terminal() {
        return false;
    }
    eprint!("{question} [y/N] ");
    let mut answer = String::new();
    std::io::stdin().read_line(&mut answer).is_ok() && matches!(answer.trim(), "y" | "Y" | "yes")
}

/// `, peak memory N MB` — the process's peak resident memory so far, for
/// `-v` stage lines (where a build's memory goes is part of its cost).
/// Empty where the system does not say (it is read from `/proc`).
pub fn peak_memory() -> String {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok());
    kb.map_or_else(String::new, |kb| format!(", peak memory {} MB", kb / 1024))
}
