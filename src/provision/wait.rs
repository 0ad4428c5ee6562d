//! Waiting on AWS (certificate validation, distribution deployment: minutes
//! on real AWS) with a spinner that says what for, and Ctrl-C handling for
//! the whole run: every step is found again by name or tag on the next
//! run, so stopping anywhere loses nothing and says how to pick up.

use std::future::Future;
use std::time::Duration;

use anyhow::Result;
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
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(Duration::from_secs(15));
    }
}

/// From now on, Ctrl-C ends the run with a line saying how to resume
/// (exit 1). Must be called inside the runtime. The listener is registered
/// before this returns, so no Ctrl-C is missed or swallowed: once tokio
/// owns SIGINT, a signal with no listener would otherwise be ignored.
pub fn exit_on_interrupt() -> Result<()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut interrupt = signal(SignalKind::interrupt())
            .map_err(|e| anyhow::anyhow!("cannot listen for Ctrl-C: {e}"))?;
        tokio::spawn(async move {
            interrupt.recv().await;
            stop();
        });
    }
    #[cfg(not(unix))]
    tokio::spawn(async {
        if tokio::signal::ctrl_c().await.is_ok() {
            stop();
        }
    });
    Ok(())
}

fn stop() {
    eprintln!(
        "\nerror: stopped by Ctrl-C; nothing is lost: run the same command again to pick up from here"
    );
    std::process::exit(1);
}
