//! The CI part of the provisioning plan: GitHub's OIDC provider, the live
//! publish's role (trusted by pushes to one branch), with previews the
//! previews' role (trusted by pull requests, allowed only the previews'
//! keys), and the workflow that signs in as them. Two roles because anyone
//! who can push a branch can run a pull request's workflow — its file
//! included — and that must not be able to publish or delete the live site.

use serde_json::Value;

use super::model::{Ci, Desired, Observed, RoleObserved};
use super::names::GITHUB_OIDC_HOST;
use super::step::{Action, Resource, Step};
use super::{policy, previews, workflow};

/// The steps of the CI side, in the order `converge` makes them.
pub fn steps(desired: &Desired, ci: &Ci, observed: &Observed) -> Vec<Step> {
    let seen = &observed.ci;
    let mut steps = vec![if seen.provider {
        Step::exists(Resource::OidcProvider, GITHUB_OIDC_HOST)
    } else {
        Step::new(
            Resource::OidcProvider,
            GITHUB_OIDC_HOST,
            Action::Create,
            vec!["GitHub cannot sign in to this account yet".into()],
        )
    }];
    let distribution_arn = observed
        .distribution
        .as_ref()
        .map(|d| d.arn.as_str())
        .unwrap_or("");
    let live = Wanted {
        resources: (Resource::CiRole, Resource::CiRolePolicy),
        name: desired.names.role(),
        trust: policy::trust_policy(&desired.account, &ci.repo, &ci.branch),
        policy: policy::publish_policy(&desired.names.bucket, distribution_arn),
        distribution_arn,
    };
    let mut trust_why = format!(
        "the role does not trust exactly {} on {}",
        ci.repo, ci.branch
    );
    if (seen.role.trust.as_ref()).is_some_and(|t| policy::trusts_pull_requests(t, &ci.repo)) {
        trust_why = format!(
            "the role also trusts the pull requests of {}, which publish previews as a role of their own",
            ci.repo
        );
    }
    steps.extend(live.steps(
        &seen.role,
        trust_why,
        "the role's policy is not ssg publish's least policy for this bucket and distribution",
    ));
    if previews::are_on(desired) {
        let preview = Wanted {
            resources: (Resource::PreviewRole, Resource::PreviewRolePolicy),
            name: desired.names.preview_role(),
            trust: policy::preview_trust_policy(&desired.account, &ci.repo),
            policy: policy::preview_policy(
                &desired.names.bucket,
                &ci.publish_prefix,
                distribution_arn,
            ),
            distribution_arn,
        };
        steps.extend(preview.steps(
            &seen.preview_role,
            format!("the role does not trust exactly the pull requests of {}", ci.repo),
            "the role's policy is not ssg publish --preview's least policy for this bucket's previews and this distribution",
        ));
    }
    steps.push(workflow_step(
        seen.workflow.as_deref(),
        ci,
        &workflow_text(desired, ci),
    ));
    steps
}

/// The workflow ssg writes for `desired`: the live job as the live role,
/// the preview jobs (with previews) as the preview role.
pub fn workflow_text(desired: &Desired, ci: &Ci) -> String {
    let arn = |role: &str| format!("arn:aws:iam::{}:role/{role}", desired.account);
    let preview_role = arn(&desired.names.preview_role());
    let domain = previews::domain(desired);
    let previews = domain.as_deref().map(|domain| workflow::Previews {
        domain,
        role_arn: &preview_role,
    });
    workflow::workflow(
        &arn(&desired.names.role()),
        &desired.region,
        &ci.branch,
        &ci.ssg_git,
        previews.as_ref(),
    )
}

/// One role as it should be.
struct Wanted<'a> {
    /// The role's step and its policy's.
    resources: (Resource, Resource),
    name: String,
    trust: Value,
    policy: Value,
    /// Empty until the distribution exists (the policy is then not final).
    distribution_arn: &'a str,
}

impl Wanted<'_> {
    /// The role's step and its policy's, given what IAM has.
    fn steps(&self, seen: &RoleObserved, trust_why: String, policy_why: &str) -> [Step; 2] {
        let (role, role_policy) = self.resources;
        let name = &self.name;
        let role_step = match (&seen.arn, &seen.trust) {
            (None, _) => Step::new(role, name, Action::Create, vec!["no such role".into()]),
            (Some(_), Some(t)) if *t == self.trust => Step::exists(role, name),
            _ => Step::new(role, name, Action::Change, vec![trust_why]),
        };
        let policy_step = match &seen.policy {
            Some(p) if *p == self.policy && !self.distribution_arn.is_empty() => {
                Step::exists(role_policy, name)
            }
            Some(_) => Step::new(role_policy, name, Action::Change, vec![policy_why.into()]),
            None => Step::new(
                role_policy,
                name,
                Action::Create,
                vec!["the role has no policy".into()],
            ),
        };
        [role_step, policy_step]
    }
}

fn workflow_step(seen: Option<&str>, ci: &Ci, wanted: &str) -> Step {
    let step =
        |action, why: &str| Step::new(Resource::Workflow, workflow::PATH, action, vec![why.into()]);
    match seen {
        None if ci.ssg_git.is_empty() => step(
            Action::Manual,
            "no workflow, and where CI installs ssg from is not known: rerun with --ci github --repo OWNER/NAME --ssg-git URL",
        ),
        None => step(Action::Create, "no workflow"),
        Some(t) if t == wanted => Step::exists(Resource::Workflow, workflow::PATH),
        Some(_) => step(
            Action::Change,
            "differs from the one ssg writes for these roles and this branch",
        ),
    }
}
