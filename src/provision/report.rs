//! How plans and results are shown: aligned lines for people, JSON for
//! scripts (`--json`), both from the same `Plan` values.

use serde::Serialize;

use super::plan::{Action, Plan, Step};

fn verb(action: Action) -> &'static str {
    match action {
        Action::Exists => "exists",
        Action::Create => "create",
        Action::Change => "change",
        Action::Wait => "wait",
        Action::Manual => "manual",
    }
}

/// One line per step, with its reasons indented below.
pub fn print_plan(plan: &Plan) {
    for step in &plan.steps {
        println!(
            "{:<7} {:<22} {}",
            verb(step.action),
            step.resource.label(),
            step.name
        );
        if step.action != Action::Exists {
            for why in &step.why {
                println!("        - {why}");
            }
        }
    }
    let writes = plan.writes().count();
    if writes == 0 {
        println!("nothing to do");
    } else {
        println!("{writes} change(s) to make");
    }
}

/// What `ssg provision --json` prints.
#[derive(Serialize)]
pub struct Report<'a> {
    pub dry_run: bool,
    pub plan: &'a Plan,
    pub result: Option<&'a Outcome>,
}

#[derive(Serialize, Default)]
pub struct Outcome {
    pub applied: Vec<Step>,
    /// Steps still waiting on something outside ssg (DNS, a deployment).
    pub pending: Vec<Step>,
    pub url: Option<String>,
    pub bucket: String,
    pub distribution_id: Option<String>,
}

/// What `ssg provision --check --json` prints.
#[derive(Serialize)]
pub struct CheckReport<'a> {
    pub ok: bool,
    pub drifts: Vec<&'a Step>,
}

pub fn print_drifts(drifts: &[&Step]) {
    if drifts.is_empty() {
        println!("ok: the live setup matches ssg's settings");
        return;
    }
    for step in drifts {
        let reasons = if step.why.is_empty() {
            verb(step.action).to_string()
        } else {
            step.why.join("; ")
        };
        println!("drift: {} {}: {reasons}", step.resource.label(), step.name);
    }
    println!(
        "{} drift(s); `ssg provision` fixes what it can",
        drifts.len()
    );
}
