//! What `ssg publish` prints: the plan before it is carried out (a dry
//! run) or the outcome after, as text or as JSON (`--json`).

use anyhow::Result;
use serde::Serialize;

use super::plan::{Plan, Reason};
use crate::config::PublishConfig;
use crate::edge::EdgeFunction;
use crate::log;

/// What a publish did (on a dry run: what it found unchanged).
#[derive(Debug, Default, Serialize)]
pub struct Outcome {
    pub uploaded: usize,
    pub uploaded_bytes: u64,
    pub deleted: usize,
    pub unchanged: usize,
    pub failed: Vec<String>,
    pub invalidation_id: Option<String>,
    pub invalidation_paths: Vec<String>,
    /// Whether the edge function got the built site's code.
    pub edge_function_updated: bool,
    pub seconds: f64,
}

#[derive(Serialize)]
struct JsonReport<'a> {
    bucket: &'a str,
    prefix: &'a str,
    dry_run: bool,
    /// Whether the plan was made from a listing of the bucket (false: from
    /// the manifest this machine's last publish left, unchanged since).
    listed: bool,
    plan: &'a Plan,
    invalidation_paths: &'a [String],
    result: Option<&'a Outcome>,
    /// The CloudFront Function the built site makes (on a dry run).
    #[serde(skip_serializing_if = "Option::is_none")]
    edge_function: Option<&'a EdgeFunction>,
    /// The function a dry run would update and publish.
    #[serde(skip_serializing_if = "Option::is_none")]
    edge_function_update: Option<&'a str>,
}

fn human_bytes(n: u64) -> String {
    if n >= 1024 * 1024 {
        format!("{:.1} MB", n as f64 / (1024.0 * 1024.0))
    } else if n >= 1024 {
        format!("{:.1} KB", n as f64 / 1024.0)
    } else {
        format!("{n} B")
    }
}

fn print_plan(plan: &Plan, invalidation: &[String]) {
    for u in &plan.uploads {
        let reason = match u.reason {
            Reason::New => "new",
            Reason::Changed => "changed",
            Reason::Headers => "headers",
        };
        println!(
            "upload  {:<8} {:>10}  {}",
            reason,
            human_bytes(u.size),
            u.key
        );
    }
    for d in &plan.deletes {
        println!(
            "delete  {:<8} {:>10}  {}",
            if d.directory_key { "folder" } else { "removed" },
            human_bytes(d.size),
            d.key
        );
    }
    let directory_keys = plan.deletes.len() - plan.content_deletes();
    let of_which = if directory_keys > 0 {
        format!(
            " ({directory_keys} of them folder keys the edge function serves instead, not counted by max_deletes)"
        )
    } else {
        String::new()
    };
    println!(
        "{} to upload ({}), {} to delete{of_which}, {} unchanged",
        plan.uploads.len(),
        human_bytes(plan.upload_bytes()),
        plan.deletes.len(),
        plan.unchanged.len()
    );
    if !invalidation.is_empty() {
        println!(
            "invalidation: {} path(s): {}",
            invalidation.len(),
            invalidation.join(" ")
        );
    }
}

/// What a run prints: the plan before (dry run) or the outcome after, as
/// text or JSON.
pub struct Report<'a> {
    pub config: &'a PublishConfig,
    pub prefix: &'a str,
    pub listed: bool,
    pub plan: &'a Plan,
    pub invalidation: &'a [String],
    pub edge_function: Option<&'a EdgeFunction>,
    /// The name of the function whose code a publish would update.
    pub function_update: Option<&'a str>,
}

impl Report<'_> {
    fn json(&self, result: Option<&Outcome>) -> Result<()> {
        let report = JsonReport {
            bucket: &self.config.bucket,
            prefix: self.prefix,
            dry_run: result.is_none(),
            listed: self.listed,
            plan: self.plan,
            invalidation_paths: self.invalidation,
            result,
            edge_function: self.edge_function,
            edge_function_update: self.function_update,
        };
        println!("{}", serde_json::to_string_pretty(&report)?);
        Ok(())
    }

    pub fn dry_run(&self, json: bool) -> Result<()> {
        if json {
            return self.json(None);
        }
        print_plan(self.plan, self.invalidation);
        if let Some(function) = self.edge_function
            && function.code.is_some()
        {
            let deployment = match self.function_update {
                Some(name) => format!("would update and publish function {name}"),
                None if self.config.distribution_id.is_empty() => {
                    "not deployed: no distribution_id".to_string()
                }
                None => "no update (the distribution runs this code, or no function of ssg's: `ssg provision` adds it)"
                    .to_string(),
            };
            println!(
                "edge function: {} of {} bytes, {} redirect(s); {deployment} (--json shows its code)",
                function.bytes, function.max_bytes, function.redirects
            );
        }
        println!("(dry run: nothing was changed)");
        Ok(())
    }

    pub fn done(&self, outcome: &Outcome, json: bool) -> Result<()> {
        if json {
            return self.json(Some(outcome));
        }
        let invalidation_text = match &outcome.invalidation_id {
            Some(id) => format!(
                "; invalidation {id} for {} path(s) (the first 1,000 paths a month are free, then $0.005 each)",
                outcome.invalidation_paths.len()
            ),
            None if self.plan.is_empty() => "; nothing changed, no invalidation".to_string(),
            None => String::new(),
        };
        let function_text = if outcome.edge_function_updated {
            "; edge function updated"
        } else {
            ""
        };
        log::info(&format!(
            "Published to s3://{}/{}: uploaded {} ({}), deleted {}, unchanged {}{}{} in {:.1} s",
            self.config.bucket,
            self.prefix,
            outcome.uploaded,
            human_bytes(outcome.uploaded_bytes),
            outcome.deleted,
            outcome.unchanged,
            invalidation_text,
            function_text,
            outcome.seconds
        ));
        Ok(())
    }
}
