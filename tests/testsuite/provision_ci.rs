//! `ssg provision --ci github`: the publish role trusts one branch of one
//! repository, may touch only this site (its edge function included), and the workflow it writes
//! publishes with it; `--check` keeps checking the role without the flags.
//! With a domain, pull requests get a preview job, a comment and a delete,
//! and the role also trusts the repository's pull requests.

use crate::support::moto::{block, iam, unique_name};
use crate::support::provision::{ApiCalls, SSG_GIT, blog, provision, the_distribution, zone};

/// `ssg provision --ci github` for octo/blog's branch `live`.
const CI_LIVE: [&str; 9] = [
    "provision",
    "--ci",
    "github",
    "--repo",
    "octo/blog",
    "--branch",
    "live",
    "--ssg-git",
    SSG_GIT,
];

#[test]
fn ci_github_trusts_one_branch_of_one_repository_and_writes_the_workflow() {
    let (site, bucket) = blog();
    let (result, _) = provision(&site, &CI_LIVE);
    result.success();
    let role_arn = assert_role_trusts_live_and_touches_only(&bucket);
    assert_workflow_publishes_from_live(&site.read(".github/workflows/publish.yml"), &role_arn);

    let (again, relay) = provision(&site, &CI_LIVE);
    again.success();
    assert_eq!(relay.write_ops(), Vec::<String>::new());
}

/// The publish role trusts only octo/blog's `live` through GitHub's OIDC
/// provider, and its policy names only this site's bucket and
/// distribution. Returns the role's ARN.
#[track_caller]
fn assert_role_trusts_live_and_touches_only(bucket: &str) -> String {
    let iam = iam();
    let role = block(
        iam.get_role()
            .role_name(format!("ssg-publish-{bucket}"))
            .send(),
    )
    .expect("role");
    let role = role.role().expect("role");
    let trust = ssg::provision::policy::parse_iam_document(
        role.assume_role_policy_document().expect("trust"),
    )
    .expect("json");
    let condition = &trust["Statement"][0]["Condition"]["StringEquals"];
    assert_eq!(
        condition["token.actions.githubusercontent.com:sub"],
        "repo:octo/blog:ref:refs/heads/live"
    );
    assert_eq!(
        condition["token.actions.githubusercontent.com:aud"],
        "sts.amazonaws.com"
    );
    assert_eq!(trust["Statement"].as_array().map(Vec::len), Some(1));
    let policy = block(
        iam.get_role_policy()
            .role_name(role.role_name())
            .policy_name("ssg-publish")
            .send(),
    )
    .expect("policy");
    let policy =
        ssg::provision::policy::parse_iam_document(policy.policy_document()).expect("json");
    let d = the_distribution(bucket);
    let resources: Vec<String> = policy["Statement"]
        .as_array()
        .expect("statements")
        .iter()
        .map(|s| s["Resource"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(
        resources,
        [
            format!("arn:aws:s3:::{bucket}"),
            format!("arn:aws:s3:::{bucket}/*"),
            d.arn().to_string(),
            // Publish keeps the site's edge function in step, that one only.
            format!("arn:aws:cloudfront::123456789012:function/ssg-{bucket}"),
            // And the redirects of a map too large to embed, in the
            // account's KeyValueStores (their ARNs end in an id).
            "arn:aws:cloudfront::123456789012:key-value-store/*".to_string(),
        ]
    );
    let providers = block(iam.list_open_id_connect_providers().send()).expect("providers");
    assert!(providers.open_id_connect_provider_list().iter().any(|p| {
        p.arn()
            .is_some_and(|a| a.ends_with("oidc-provider/token.actions.githubusercontent.com"))
    }));
    role.arn().to_string()
}

/// The workflow runs on pushes to `live`, builds, publishes as the role
/// and installs the release of this very ssg from where `--ssg-git` said,
/// through the release's installer (which checks the archive's sha256),
/// never compiling it.
#[track_caller]
fn assert_workflow_publishes_from_live(text: &str, role_arn: &str) {
    let docs = yaml_rust2::YamlLoader::load_from_str(text).expect("valid YAML");
    let workflow = &docs[0];
    assert_eq!(workflow["on"]["push"]["branches"][0].as_str(), Some("live"));
    let steps = workflow["jobs"]["publish"]["steps"]
        .as_vec()
        .expect("steps");
    let runs: Vec<&str> = steps.iter().filter_map(|s| s["run"].as_str()).collect();
    assert!(runs.contains(&"ssg publish --json"), "{runs:?}");
    assert!(runs.contains(&"ssg build"), "{runs:?}");
    let assumed = steps
        .iter()
        .find_map(|s| s["with"]["role-to-assume"].as_str())
        .expect("role step");
    assert_eq!(assumed, role_arn);
    assert!(text.contains("path: .ssg-cache"), "{text}");
    assert_eq!(
        workflow["env"]["SSG_GIT"].as_str(),
        Some(SSG_GIT),
        "CI installs ssg from where --ssg-git said"
    );
    assert_eq!(
        workflow["env"]["SSG_RELEASES"].as_str(),
        Some("https://git.example.org/me/ssg/releases")
    );
    assert_eq!(
        workflow["env"]["SSG_VERSION"].as_str(),
        Some(env!("CARGO_PKG_VERSION")),
        "CI builds with the ssg that wrote the workflow"
    );
    let install = steps
        .iter()
        .find(|s| s["name"].as_str() == Some("Install ssg"))
        .and_then(|s| s["run"].as_str())
        .expect("an Install ssg step");
    assert!(
        install.contains("$SSG_RELEASES/download/v$SSG_VERSION/ssg-installer.sh"),
        "{install}"
    );
    assert!(
        runs.iter().all(|run| !run.contains("cargo")),
        "CI installs the release binary, it does not compile: {runs:?}"
    );
}

#[test]
fn check_without_ci_flags_still_checks_the_ci_role() {
    let (site, bucket) = blog();
    provision(
        &site,
        &[
            "provision",
            "--ci",
            "github",
            "--repo",
            "octo/site",
            "--ssg-git",
            SSG_GIT,
        ],
    )
    .0
    .success();
    provision(&site, &["provision", "--check"]).0.success();
    // Someone widens the trust to every branch and every workflow.
    let loose = ssg::provision::policy::trust_policy("123456789012", "octo/site", "main", false)
        .to_string()
        .replace("ref:refs/heads/main", "*");
    block(
        iam()
            .update_assume_role_policy()
            .role_name(format!("ssg-publish-{bucket}"))
            .policy_document(loose)
            .send(),
    )
    .expect("loosen trust");
    let (check, _) = provision(&site, &["provision", "--check"]);
    check.failure();
    assert!(
        check
            .stdout
            .contains("does not trust exactly octo/site on main"),
        "{}",
        check.stdout
    );
    provision(&site, &["provision"]).0.success();
    provision(&site, &["provision", "--check"]).0.success();
}

#[test]
fn with_a_domain_pull_requests_get_previews_from_the_same_role() {
    let (site, _) = blog();
    let domain = format!("{}.example.org", unique_name("prs"));
    let bucket = domain.replace('.', "-");
    zone(&domain);
    let mut args = CI_LIVE.to_vec();
    args.extend(["--domain", &domain]);
    provision(&site, &args).0.success();
    let text = site.read(".github/workflows/publish.yml");
    let docs = yaml_rust2::YamlLoader::load_from_str(&text).expect("valid YAML");
    let jobs = &docs[0]["jobs"];
    assert_eq!(
        jobs["preview"]["env"]["PREVIEW_URL"].as_str(),
        Some(format!("https://pr-${{{{ github.event.number }}}}.preview.{domain}/").as_str())
    );
    assert_eq!(
        jobs["preview"]["permissions"]["pull-requests"].as_str(),
        Some("write")
    );
    let deletes: Vec<&str> = (jobs["preview-delete"]["steps"]
        .as_vec()
        .expect("steps")
        .iter())
    .filter_map(|s| s["run"].as_str())
    .collect();
    assert_eq!(
        deletes.last(),
        Some(&"ssg publish --preview \"$PREVIEW\" --delete")
    );

    let role = block(
        iam()
            .get_role()
            .role_name(format!("ssg-publish-{bucket}"))
            .send(),
    )
    .expect("role");
    let trust = ssg::provision::policy::parse_iam_document(
        role.role()
            .and_then(|r| r.assume_role_policy_document())
            .expect("trust"),
    )
    .expect("json");
    assert_eq!(
        trust["Statement"][0]["Condition"]["StringEquals"]["token.actions.githubusercontent.com:sub"],
        serde_json::json!([
            "repo:octo/blog:ref:refs/heads/live",
            "repo:octo/blog:pull_request"
        ])
    );
    // A rerun (which reads the CI settings back from the role) is settled.
    let (again, relay) = provision(&site, &["provision"]);
    again.success();
    assert_eq!(relay.write_ops(), Vec::<String>::new());
}
