//! What a new user is told when AWS is not set up yet: no credentials, an
//! expired SSO session, a site with no bucket. One line saying what is
//! wrong and what to run next (`aws configure`, `aws sso login`,
//! `ssg provision`), as cargo does, never the SDK's error chain. Nothing
//! here reaches a network: instance metadata stays off and the SSO token
//! is expired with nothing to refresh it.

use std::process::Command;

use crate::support::account::unique;
use crate::support::command::run;
use crate::support::moto::moto;
use crate::support::{Site, post};

fn site(publish: &str) -> Site {
    let site = Site::with_config(&format!(
        "title = \"Creds\"\nbase_url = \"https://example.com\"\ntheme = \"default\"\n{publish}"
    ))
    .file(
        "content/blog/a.md",
        &post("Alpha", "2024-01-01", &[], "First."),
    );
    site.run(&["build"]).success();
    site
}

fn publish_to(bucket: &str) -> String {
    format!("\n[publish]\nbucket = \"{bucket}\"\nregion = \"us-east-1\"\n")
}

/// `ssg ARGS` against moto with no credentials anywhere: no keys, no
/// profile, instance metadata off (as on a laptop).
fn without_credentials(site: &Site, args: &[&str]) -> Command {
    let mut command = site.command(args);
    command
        .env("AWS_ENDPOINT_URL", moto())
        .env("HOME", site.root())
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY");
    command
}

#[test]
fn no_credentials_says_run_aws_configure() {
    let site = site(&publish_to(&unique("creds")));
    for args in [&["publish"][..], &["provision"]] {
        let result = run(without_credentials(&site, args));
        result.failure_in_one_line("no AWS credentials found: run `aws configure`");
        assert!(
            !result.stderr.contains("dispatch failure"),
            "{}",
            result.stderr
        );
    }
}

#[test]
fn an_expired_sso_session_says_run_aws_sso_login() {
    let site = site(&publish_to(&unique("sso")));
    site.write(
        "aws-config",
        b"[profile dev]\nsso_session = work\nsso_account_id = 123456789012\nsso_role_name = Admin\nregion = us-east-1\n\n[sso-session work]\nsso_start_url = https://example.awsapps.com/start\nsso_region = us-east-1\n",
    );
    // The SDK's token cache: ~/.aws/sso/cache/<sha1 of the session name>.json,
    // here expired and without what a refresh needs, so nothing is called.
    let cache = ".aws/sso/cache/e274eeff768c6396088ec6eb091f4bf4d47ab1e0.json";
    site.write(
        cache,
        br#"{"accessToken":"old","expiresAt":"2020-01-01T00:00:00Z","startUrl":"https://example.awsapps.com/start","region":"us-east-1"}"#,
    );
    for args in [&["publish"][..], &["provision"]] {
        let mut command = without_credentials(&site, args);
        command
            .env("AWS_CONFIG_FILE", site.root().join("aws-config"))
            .env("AWS_PROFILE", "dev");
        let result = run(command);
        result.failure_in_one_line("the AWS SSO session has expired: run `aws sso login`");
    }
}

#[test]
fn a_site_without_a_bucket_yet_says_run_ssg_provision() {
    let site = site("");
    site.run(&["publish"])
        .failure_in_one_line("run `ssg provision`");
    site.write(
        "ssg.toml",
        format!(
            "title = \"Creds\"\nbase_url = \"https://example.com\"\ntheme = \"default\"\n{}endpoint = \"{}\"\n",
            publish_to(&unique("not-made-yet")),
            moto()
        )
        .as_bytes(),
    );
    site.run(&["publish"]).failure_in_one_line(
        "does not exist (or these credentials cannot see it): run `ssg provision`",
    );
}
