//! Waiting on AWS (certificate validation, distribution deployment: minutes
//! on real AWS) with a spinner that says what for, and a Ctrl-C that stops
//! cleanly: nothing is half-written while waiting, so a rerun picks up.

use std::future::Future;
use std::time::Duration;

use anyhow::{Result, bail};
use indicatif::{ProgressBar, ProgressStyle};

/// Polls `done` (backing off from 1 s to 15 s) until it says yes.
pub async fn until<F, Fut>(what: &str, mut done: F) -> Result<()>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<bool>>,
{
    let spinner = ProgressBar::new_spinner();
    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} ({elapsed})") {
        spinner.set_style(style);
    }
    spinner.set_message(format!("waiting for {what}"));
    spinner.enable_steady_tick(Duration::from_millis(120));
    let mut delay = Duration::from_secs(1);
    loop {
        match done().await {
            Ok(true) => {
                spinner.finish_and_clear();
                return Ok(());
            }
            Ok(false) => {}
            Err(e) => {
                spinner.abandon();
                return Err(e);
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(delay) => {}
            _ = tokio::signal::ctrl_c() => {
                spinner.abandon();
                bail!("stopped while waiting for {what}; nothing is lost: run the same command again to pick up from here");
            }
        }
        delay = (delay * 2).min(Duration::from_secs(15));
    }
}
