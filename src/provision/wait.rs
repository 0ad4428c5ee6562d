//! Waiting on AWS (certificate validation, distribution deployment: minutes
//! on real AWS) with a spinner that says what for, and Ctrl-C handling for
//! the whole run: every step is found again by name or tag on the next
//! run, so stopping anywhere loses nothing and says how to pick up.

use std::future::Future;
use std::time::Duration;

use anyhow::{Result, bail};
use indicatif::{ProgressBar, ProgressStyle};

use super::aws::{Clients, failed};
use super::model::Observed;
use super::observe;

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

/// Until the certificate `observed` found is issued (its DNS validation
/// records are seen by ACM).
pub async fn for_certificate(clients: &Clients, observed: &Observed) -> Result<()> {
    let Some(cert) = &observed.certificate else {
        return Ok(());
    };
    let what = format!(
        "DNS validation of the certificate for {}",
        cert.domains.join(", ")
    );
    until(&what, || async {
        let now = observe::describe_certificate(clients, &cert.arn).await?;
        if now.is_issued() {
            return Ok(true);
        }
        if now.is_pending_validation() {
            return Ok(false);
        }
        bail!(
            "the certificate for {} is {}; run `ssg provision` again to request a new one",
            cert.domains.join(", "),
            now.status
        )
    })
    .await
}

/// Until CloudFront has deployed distribution `id`.
pub async fn for_deployment(clients: &Clients, id: &str) -> Result<()> {
    until(
        &format!("CloudFront to deploy distribution {id} (minutes on AWS)"),
        || async {
            let out = clients
                .cloudfront
                .get_distribution()
                .id(id)
                .send()
                .await
                .map_err(|e| failed(&format!("reading distribution {id}"), &e))?;
            Ok(out.distribution().is_some_and(|d| d.status() == "Deployed"))
        },
    )
    .await
}
