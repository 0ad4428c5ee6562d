//! `ssg provision --check`: read everything back and list each way the
//! live setup differs from what `ssg provision` makes — public access,
//! the bucket policy's principal and SourceArn, the OAC, viewer protocol,
//! error pages, the certificate's status and expiry, DNS. The command to
//! run when "the site is down". Reads only.

use std::path::Path;

use anyhow::Result;

use super::aws::Clients;
use super::model::Desired;
use super::plan::Action;
use super::{observe, plan, report};

/// Prints the drifts; `Ok(true)` when there are none.
pub async fn check(clients: &Clients, desired: &Desired, root: &Path, json: bool) -> Result<bool> {
    let observed = observe::observe(clients, desired, root).await?;
    let plan = plan::plan(desired, &observed)?;
    let drifts: Vec<&plan::Step> = plan
        .steps
        .iter()
        .filter(|s| s.action != Action::Exists)
        .collect();
    let ok = drifts.is_empty();
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&report::CheckReport { ok, drifts })?
        );
    } else {
        report::print_drifts(&drifts);
    }
    Ok(ok)
}
