//! `ssg provision --ci github`: the publish role trusts one branch of one
//! repository, may touch only this site (its edge function included), and the workflow it writes
//! publishes with it; `--check` keeps checking the role without the flags.
//! With a domain, pull requests get a preview job, a comment and a delete,
//! signed in as a role of their own that trusts only the pull requests and
//! may write only the previews — checked against every request a preview
//! publish and delete make.

use serde_json::{Value, json};
use ssg::provision::policy::{parse_iam_document, trust_policy};

use crate::support::Site;
use crate::support::command::run;
use crate::support::iam_policy::refused;
use crate::support::moto::{block, iam, moto, unique_name};
use crate::support::post;
use crate::support::provision::{
    ApiCalls, SSG_GIT, blog, provision, recording_relay, ssg_through, the_distribution, zone,
};

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
    let loose = trust_policy("123456789012", "octo/site", "main")
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

/// A role as IAM has it: its ARN, trust and inline policy `policy`.
fn role(name: &str, policy: &str) -> (String, Value, Value) {
    let iam = iam();
    let role = block(iam.get_role().role_name(name).send()).expect("role");
    let role = role.role().expect("role");
    let trust =
        parse_iam_document(role.assume_role_policy_document().expect("trust")).expect("trust json");
    let document = block(
        iam.get_role_policy()
            .role_name(name)
            .policy_name(policy)
            .send(),
    )
    .expect("policy");
    let document = parse_iam_document(document.policy_document()).expect("policy json");
    (role.arn().to_string(), trust, document)
}

/// The one subject a trust policy lets in (a list fails the test).
fn subject(trust: &Value) -> &Value {
    assert_eq!(
        trust["Statement"].as_array().map(Vec::len),
        Some(1),
        "{trust}"
    );
    let condition = &trust["Statement"][0]["Condition"]["StringEquals"];
    assert_eq!(
        condition["token.actions.githubusercontent.com:aud"],
        "sts.amazonaws.com"
    );
    &condition["token.actions.githubusercontent.com:sub"]
}

/// A site with a domain provisioned with CI for octo/blog's `live`;
/// returns it, its bucket and its domain.
fn provisioned_with_previews(label: &str) -> (Site, String, String) {
    let (site, _) = blog();
    let domain = format!("{}.example.org", unique_name(label));
    let bucket = domain.replace('.', "-");
    zone(&domain);
    let mut args = CI_LIVE.to_vec();
    args.extend(["--domain", &domain]);
    provision(&site, &args).0.success();
    (site, bucket, domain)
}

#[test]
fn with_a_domain_pull_requests_publish_previews_as_a_role_of_their_own() {
    let (site, bucket, domain) = provisioned_with_previews("prs");
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
    let runs = |job: &str| -> Vec<String> {
        (jobs[job]["steps"].as_vec().expect("steps").iter())
            .filter_map(|s| s["run"].as_str().map(String::from))
            .collect()
    };
    assert_eq!(
        runs("preview-delete").last().map(String::as_str),
        Some("ssg publish --preview \"$PREVIEW\" --delete")
    );

    // The live role trusts pushes to `live` only; the preview role the
    // pull requests only, and each job signs in as its own.
    let (live_arn, live_trust, _) = role(&format!("ssg-publish-{bucket}"), "ssg-publish");
    assert_eq!(
        *subject(&live_trust),
        json!("repo:octo/blog:ref:refs/heads/live")
    );
    let (preview_arn, preview_trust, preview_policy) =
        role(&format!("ssg-preview-{bucket}"), "ssg-preview");
    assert_eq!(
        *subject(&preview_trust),
        json!("repo:octo/blog:pull_request")
    );
    let assumed = |job: &str| -> Vec<String> {
        (jobs[job]["steps"].as_vec().expect("steps").iter())
            .filter_map(|s| s["with"]["role-to-assume"].as_str().map(String::from))
            .collect()
    };
    assert_eq!(assumed("publish"), [live_arn]);
    assert_eq!(assumed("preview"), std::slice::from_ref(&preview_arn));
    assert_eq!(assumed("preview-delete"), [preview_arn]);

    // The previews' keys, reading the function, invalidating: nothing else.
    let distribution = the_distribution(&bucket).arn().to_string();
    let function = format!("arn:aws:cloudfront::123456789012:function/ssg-{bucket}");
    assert_eq!(
        preview_policy,
        json!({
            "Version": "2012-10-17",
            "Statement": [
                { "Effect": "Allow", "Action": "s3:ListBucket", "Resource": format!("arn:aws:s3:::{bucket}"),
                  "Condition": { "StringLike": { "s3:prefix": "_previews/*" } } },
                { "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"],
                  "Resource": format!("arn:aws:s3:::{bucket}/_previews/*") },
                { "Effect": "Allow", "Action": ["cloudfront:CreateInvalidation", "cloudfront:GetInvalidation", "cloudfront:GetDistributionConfig"],
                  "Resource": distribution },
                { "Effect": "Allow", "Action": ["cloudfront:DescribeFunction", "cloudfront:GetFunction"],
                  "Resource": function }
            ]
        })
    );

    // A rerun (which reads the CI settings back from the role) is settled.
    let (again, relay) = provision(&site, &["provision"]);
    again.success();
    assert_eq!(relay.write_ops(), Vec::<String>::new());

    // A preview published, republished after an edit and deleted asks for
    // nothing the preview role may not do; the live publish would.
    let relay = recording_relay(moto(), None);
    site.run(&["build"]).success();
    let preview = |args: &[&str]| {
        let args = [&["publish", "--preview", "pr-7"], args].concat();
        run(ssg_through(&site, &relay.url, &args)).success();
    };
    preview(&[]);
    site.write(
        "content/blog/a.md",
        post("Alpha", "2024-01-01", &["x"], "Edited.").as_bytes(),
    );
    site.run(&["build"]).success();
    preview(&[]);
    preview(&["--delete"]);
    relay.settle();
    let seen = relay.seen();
    assert!(seen.iter().any(|r| r.method == "PUT"), "no upload seen");
    assert!(
        seen.iter().any(|r| r.target().contains("/invalidation")),
        "no invalidation seen"
    );
    assert!(
        seen.iter().any(|r| r.target().contains("/function/")),
        "the function was not read"
    );
    assert_eq!(refused(&preview_policy, &seen), Vec::<String>::new());

    let live = recording_relay(moto(), None);
    run(ssg_through(&site, &live.url, &["publish"])).success();
    live.settle();
    let refused_live = refused(&preview_policy, &live.seen());
    assert!(
        refused_live
            .iter()
            .any(|r| r.contains("s3:PutObject on arn:aws:s3:::") && !r.contains("/_previews/")),
        "{refused_live:#?}"
    );
}

#[test]
fn a_site_whose_live_role_trusted_pull_requests_converges_to_two_roles() {
    let (site, bucket, _) = provisioned_with_previews("old");
    let live_role = format!("ssg-publish-{bucket}");
    let preview_role = format!("ssg-preview-{bucket}");
    // As ssg provision left it before previews had a role of their own.
    let mut old = trust_policy("123456789012", "octo/blog", "live");
    old["Statement"][0]["Condition"]["StringEquals"]["token.actions.githubusercontent.com:sub"] =
        json!([
            "repo:octo/blog:ref:refs/heads/live",
            "repo:octo/blog:pull_request"
        ]);
    let iam = iam();
    block(
        iam.update_assume_role_policy()
            .role_name(&live_role)
            .policy_document(old.to_string())
            .send(),
    )
    .expect("old trust");
    block(
        iam.delete_role_policy()
            .role_name(&preview_role)
            .policy_name("ssg-preview")
            .send(),
    )
    .expect("delete policy");
    block(iam.delete_role().role_name(&preview_role).send()).expect("delete role");

    let (dry, relay) = provision(&site, &["provision", "--dry-run", "--json"]);
    dry.success();
    assert_eq!(relay.write_ops(), Vec::<String>::new());
    let report: Value = serde_json::from_str(&dry.stdout).expect("json");
    let step = |resource: &str| -> Value {
        (report["plan"]["steps"].as_array().expect("steps").iter())
            .find(|s| s["resource"] == resource)
            .cloned()
            .unwrap_or_else(|| panic!("no {resource} step in {report}"))
    };
    let narrowed = step("ci_role");
    assert_eq!(narrowed["action"], "change");
    assert!(
        narrowed["why"][0]
            .as_str()
            .is_some_and(|w| w.contains("also trusts the pull requests of octo/blog")),
        "{narrowed}"
    );
    assert_eq!(step("preview_role")["action"], "create");
    assert_eq!(step("preview_role_policy")["action"], "create");
    provision(&site, &["provision", "--check"]).0.failure();

    provision(&site, &["provision"]).0.success();
    let (_, live_trust, _) = role(&live_role, "ssg-publish");
    assert_eq!(
        *subject(&live_trust),
        json!("repo:octo/blog:ref:refs/heads/live")
    );
    let (_, preview_trust, _) = role(&preview_role, "ssg-preview");
    assert_eq!(
        *subject(&preview_trust),
        json!("repo:octo/blog:pull_request")
    );
    provision(&site, &["provision", "--check"]).0.success();

    // Someone widens the preview role to the whole bucket: --check names
    // it, a rerun puts the least policy back.
    let wide = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*",
        "Resource": format!("arn:aws:s3:::{bucket}/*")}]});
    block(
        iam.put_role_policy()
            .role_name(&preview_role)
            .policy_name("ssg-preview")
            .policy_document(wide.to_string())
            .send(),
    )
    .expect("widen");
    let (check, _) = provision(&site, &["provision", "--check"]);
    check.failure();
    assert!(
        check
            .stdout
            .contains("ssg publish --preview's least policy"),
        "{}",
        check.stdout
    );
    provision(&site, &["provision"]).0.success();
    provision(&site, &["provision", "--check"]).0.success();
}
