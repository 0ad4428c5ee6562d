//! `ssg provision`: the AWS side of a site — private bucket, origin access
//! control, CloudFront distribution, certificate and DNS, CI roles — made,
//! checked and torn down from one command.
//!
//! The shape is publish's: `observe` (reads only) → `plan` (pure: each
//! resource exists, is created, or is changed and why) → `converge` (the
//! writes). A run re-observes after converging and goes on until the plan
//! is empty, so waiting for a certificate and then attaching it is the
//! same loop as creating everything, and an interrupted run is finished
//! by running it again.

pub mod aws;
pub mod check;
pub mod ci_plan;
pub mod config_file;
pub mod converge;
pub mod destroy;
pub mod distribution;
pub mod dns_takeover;
pub mod edge;
pub mod git_remote;
pub mod lifecycle;
pub mod model;
pub mod names;
pub mod oac;
pub mod observe;
mod options;
pub mod plan;
pub mod policy;
pub mod previews;
pub mod replaced_certificates;
pub mod report;
pub mod step;
pub mod versioning;
pub mod wait;
pub mod workflow;

use std::path::Path;

use anyhow::{Context as _, Result, bail};

use crate::config::Config;
use crate::log;
use aws::{Clients, Endpoints};
use converge::Converge;
use model::{Ci, Desired, Observed};
pub use options::ProvisionOptions;
use plan::{Action, Plan, Resource};

/// Runs `ssg provision` in the site at `root`. `Ok(false)` means `--check`
/// found drift (exit 1 without an error line of its own).
pub fn provision(root: &Path, opts: &ProvisionOptions) -> Result<bool> {
    let config = Config::load(root).map_err(|e| anyhow::anyhow!("{e}"))?;
    let domains = opts
        .domains
        .iter()
        .map(|d| names::check_domain(d))
        .collect::<Result<Vec<_>>>()?;
    let publish = config.publish.as_ref();
    // The previews' keys, which the preview role may write, are under it.
    let publish_prefix = (publish.map(|p| crate::publish::normalize_prefix(&p.prefix)))
        .transpose()?
        .unwrap_or_default();
    let ci = ci_settings(opts, root, &publish_prefix)?;
    let bucket = match (&opts.bucket, publish) {
        (Some(b), _) => b.clone(),
        (None, Some(p)) if !p.bucket.is_empty() => p.bucket.clone(),
        _ => names::derive_bucket(&domains, &config.title),
    };
    names::check_bucket(&bucket)?;
    let endpoints = Endpoints {
        s3: publish.map(|p| p.endpoint.clone()).unwrap_or_default(),
        cloudfront: publish
            .map(|p| p.cloudfront_endpoint.clone())
            .unwrap_or_default(),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async {
        wait::exit_on_interrupt()?;
        let region = match (&opts.region, publish) {
            (Some(r), _) => r.clone(),
            (None, Some(p)) if !p.region.is_empty() => p.region.clone(),
            _ => default_region(opts.profile.as_deref()).await,
        };
        names::check_region(&region)?;
        let clients = aws::connect(&region, opts.profile.as_deref(), &endpoints).await;
        let account = observe::account(&clients).await?;
        let names = names::Names::new(&bucket);
        let domains = previews::with_previews(if domains.is_empty() {
            domains_in_use(&clients, &names, publish).await?
        } else {
            domains
        });
        let ci = match ci {
            Some(ci) => Some(ci),
            None => ci_in_use(&clients, &names, root, &publish_prefix).await?,
        };
        let desired = Desired {
            names,
            region,
            domains,
            ci,
            account,
            replace_dns: opts.replace_dns,
        };
        if opts.destroy {
            destroy::destroy(&clients, &desired, root, opts)
                .await
                .map(|()| true)
        } else if opts.check {
            check::check(&clients, &desired, root, opts.json).await
        } else {
            up(&clients, &desired, root, opts).await.map(|()| true)
        }
    })
}

fn ci_settings(opts: &ProvisionOptions, root: &Path, publish_prefix: &str) -> Result<Option<Ci>> {
    match opts.ci.as_deref() {
        None => Ok(None),
        Some("github") => {
            let remote = git_remote::github_repo(root);
            let (repo, warning) = git_remote::choose(opts.repo.as_deref(), remote.as_deref());
            if let Some(warning) = warning {
                log::warn(&warning);
            }
            let repo = repo.context(
                "--ci github needs --repo OWNER/NAME (the site's git repository has no GitHub remote to take it from)",
            )?;
            names::check_repo(&repo)?;
            names::check_branch(&opts.branch)?;
            let ssg_git = opts.ssg_git.clone().context(
                "--ci github needs --ssg-git URL: the git repository whose releases CI installs ssg from (https://github.com/OWNER/ssg.git)",
            )?;
            names::check_git_url(&ssg_git)?;
            Ok(Some(Ci {
                repo,
                branch: opts.branch.clone(),
                ssg_git,
                publish_prefix: publish_prefix.to_string(),
            }))
        }
        Some(other) => bail!("--ci {other} is not supported; use --ci github"),
    }
}

/// The region of the AWS configuration (AWS_REGION, the profile), else
/// us-east-1.
async fn default_region(profile: Option<&str>) -> String {
    let mut provider = aws_config::default_provider::region::DefaultRegionChain::builder();
    if let Some(p) = profile {
        provider = provider.profile_name(p);
    }
    match provider.build().region().await {
        Some(r) => r.to_string(),
        None => "us-east-1".into(),
    }
}

/// Without `--domain`, the domains the site's distribution already serves,
/// so `--check` and a rerun keep checking the certificate and DNS.
/// Without `--ci`, the repository and branch the site's CI role trusts,
/// so `--check` and a rerun keep checking it.
async fn ci_in_use(
    clients: &Clients,
    names: &names::Names,
    root: &Path,
    publish_prefix: &str,
) -> Result<Option<Ci>> {
    let role = match clients.iam.get_role().role_name(names.role()).send().await {
        Ok(out) => out.role().cloned(),
        Err(e) if aws::code(&e) == Some("NoSuchEntity") => None,
        Err(e) => return Err(aws::failed(&format!("reading role {}", names.role()), &e)),
    };
    let trust = role
        .as_ref()
        .and_then(|r| r.assume_role_policy_document())
        .and_then(policy::parse_iam_document);
    let Some(trust) = trust else { return Ok(None) };
    let key = format!("{}:sub", names::GITHUB_OIDC_HOST);
    let equals = &trust["Statement"][0]["Condition"]["StringEquals"][&key];
    // A live role from before previews had their own listed the push
    // subject first, the pull requests' after.
    let subject = (equals.as_str())
        .or_else(|| equals[0].as_str())
        .or_else(|| {
            trust["Statement"][0]["Condition"]["StringLike"]
                [format!("{}:sub", names::GITHUB_OIDC_HOST)]
            .as_str()
        })
        .unwrap_or("");
    // Where CI installs ssg from is in the workflow the last run wrote
    // (empty when it is gone: the plan then asks for --ssg-git again).
    let ssg_git = std::fs::read_to_string(root.join(workflow::PATH))
        .ok()
        .and_then(|text| workflow::ssg_git_of(&text))
        .unwrap_or_default();
    Ok(policy::parse_subject(subject).map(|(repo, branch)| Ci {
        repo,
        branch,
        ssg_git,
        publish_prefix: publish_prefix.to_string(),
    }))
}

async fn domains_in_use(
    clients: &Clients,
    names: &names::Names,
    publish: Option<&crate::config::PublishConfig>,
) -> Result<Vec<String>> {
    let configured = publish.map(|p| p.distribution_id.as_str());
    let found = observe::distribution(clients, names, configured).await?;
    Ok(found.map(|d| d.aliases).unwrap_or_default())
}

async fn observe_and_plan(
    clients: &Clients,
    desired: &Desired,
    root: &Path,
) -> Result<(Observed, Plan)> {
    let observed = observe::observe(clients, desired, root).await?;
    let plan = plan::plan(desired, &observed)?;
    Ok((observed, plan))
}

/// Rounds of observe → plan → converge until nothing is left to write (or
/// only waits the user chose not to sit through).
async fn up(
    clients: &Clients,
    desired: &Desired,
    root: &Path,
    opts: &ProvisionOptions,
) -> Result<()> {
    let (mut observed, first) = observe_and_plan(clients, desired, root).await?;
    if opts.dry_run {
        if opts.json {
            let report = report::Report {
                dry_run: true,
                plan: &first,
                result: None,
            };
            println!("{}", serde_json::to_string_pretty(&report)?);
        } else {
            report::print_plan(&first);
            println!("(dry run: nothing was changed)");
        }
        return Ok(());
    }
    if !opts.json {
        report::print_plan(&first);
    }
    let converge = Converge {
        clients,
        desired,
        root,
        started: chrono::Utc::now().timestamp_millis(),
    };
    let mut outcome = report::Outcome {
        bucket: desired.names.bucket.clone(),
        ..Default::default()
    };
    let mut plan = first.clone();
    // Create, wait for the certificate, attach it, write the aliases: at
    // most four rounds on a good day; more means something does not stick.
    for _ in 0..6 {
        if plan.has_writes() {
            outcome
                .applied
                .extend(converge.apply(&plan, &observed).await?);
        } else if needs_certificate_wait(&plan) && !opts.no_wait {
            print_manual(&plan);
            wait::for_certificate(clients, &observed).await?;
        } else {
            break;
        }
        (observed, plan) = observe_and_plan(clients, desired, root).await?;
    }
    if plan.has_writes() {
        let left: Vec<String> = plan
            .writes()
            .map(|s| format!("{} ({})", s.resource.label(), s.why.join("; ")))
            .collect();
        bail!(
            "the setup did not settle after several rounds; still to do: {}",
            left.join(", ")
        );
    }
    if let Some(d) = &observed.distribution {
        if d.status != "Deployed" && !opts.no_wait {
            wait::for_deployment(clients, &d.id).await?;
        }
        outcome.distribution_id = Some(d.id.clone());
        let host = if distribution::attach_domains(desired, &observed) {
            desired.domains[0].clone()
        } else {
            d.domain_name.clone()
        };
        outcome.url = Some(format!("https://{host}/"));
    }
    outcome.pending = plan
        .steps
        .iter()
        .filter(|s| matches!(s.action, Action::Wait | Action::Manual))
        .cloned()
        .collect();
    finish(&first, &outcome, opts.json)
}

fn finish(first: &Plan, outcome: &report::Outcome, json: bool) -> Result<()> {
    if json {
        let report = report::Report {
            dry_run: false,
            plan: first,
            result: Some(outcome),
        };
        println!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(());
    }
    for step in &outcome.pending {
        println!("pending: {} {}", step.resource.label(), step.name);
        for why in &step.why {
            println!("        - {why}");
        }
    }
    if !outcome.pending.is_empty() {
        println!("run `ssg provision` again once that is done; it picks up from here");
    }
    if let Some(url) = &outcome.url {
        log::info("Next: ssg build && ssg publish");
        println!("{url}");
    }
    Ok(())
}

fn needs_certificate_wait(plan: &Plan) -> bool {
    plan.step(Resource::Certificate)
        .is_some_and(|s| s.action == Action::Wait)
}

/// Records the user must add themselves, printed before waiting on them.
fn print_manual(plan: &Plan) {
    for step in plan.steps.iter().filter(|s| s.action == Action::Manual) {
        for why in &step.why {
            println!("{why}");
        }
    }
}
