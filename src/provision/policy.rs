//! The IAM policy documents provisioning writes — the bucket policy that
//! lets only this distribution read the bucket, the trust and permission
//! policies of the CI roles (the live publish's, trusted by pushes to one
//! branch, and the previews', trusted by pull requests) — and the checks
//! that read them back.
//!
//! Documents are compared as parsed JSON, never as text: IAM returns them
//! percent-encoded and S3 reorders keys.

use serde_json::{Value, json};

use super::names::{GITHUB_AUDIENCE, GITHUB_OIDC_HOST, Names};

/// `s3:GetObject` to serve files, `s3:ListBucket` so a missing key is a 404
/// and not a 403 — both to CloudFront only, and only on behalf of this
/// distribution (`AWS:SourceArn`), the OAC pattern AWS documents.
pub fn bucket_policy(bucket: &str, distribution_arn: &str) -> Value {
    json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "ssgCloudFrontRead",
            "Effect": "Allow",
            "Principal": { "Service": "cloudfront.amazonaws.com" },
            "Action": ["s3:GetObject", "s3:ListBucket"],
            "Resource": [format!("arn:aws:s3:::{bucket}"), format!("arn:aws:s3:::{bucket}/*")],
            "Condition": { "StringEquals": { "AWS:SourceArn": distribution_arn } }
        }]
    })
}

/// What is wrong with a bucket policy read back, in words (empty: right).
pub fn bucket_policy_problems(policy: Option<&str>, distribution_arn: &str) -> Vec<String> {
    let Some(text) = policy else {
        return vec!["no bucket policy: CloudFront cannot read the bucket".into()];
    };
    let Ok(doc) = serde_json::from_str::<Value>(text) else {
        return vec!["the bucket policy is not JSON".into()];
    };
    let statements = as_list(&doc["Statement"]);
    let mut problems = Vec::new();
    if statements.iter().any(|s| {
        s["Effect"] == "Allow" && is_everyone(&s["Principal"]) && s.get("Condition").is_none()
    }) {
        problems.push("the bucket policy grants access to everyone (Principal \"*\")".into());
    }
    let cloudfront: Vec<&Value> = statements
        .iter()
        .filter(|s| {
            s["Effect"] == "Allow"
                && as_list(&s["Principal"]["Service"])
                    .iter()
                    .any(|p| *p == "cloudfront.amazonaws.com")
        })
        .collect();
    if cloudfront.is_empty() {
        problems.push("the bucket policy has no statement for cloudfront.amazonaws.com".into());
        return problems;
    }
    for statement in cloudfront {
        let arns = as_list(&statement["Condition"]["StringEquals"]["AWS:SourceArn"]);
        if arns.is_empty() {
            problems.push("the CloudFront statement has no AWS:SourceArn condition: any distribution could read the bucket".into());
        } else if arns.iter().any(|a| *a != distribution_arn) {
            problems.push(format!(
                "the CloudFront statement allows another distribution than {distribution_arn}"
            ));
        }
        let actions = as_list(&statement["Action"]);
        for needed in ["s3:GetObject", "s3:ListBucket"] {
            if !actions.iter().any(|a| *a == needed) {
                problems.push(format!("the CloudFront statement lacks {needed}"));
            }
        }
    }
    problems
}

/// A policy element that may be one value or a list of them.
fn as_list(v: &Value) -> Vec<Value> {
    match v {
        Value::Array(items) => items.clone(),
        Value::Null => Vec::new(),
        other => vec![other.clone()],
    }
}

fn is_everyone(principal: &Value) -> bool {
    *principal == "*" || as_list(&principal["AWS"]).iter().any(|p| *p == "*")
}

/// The subject GitHub puts in its tokens for pushes to one branch.
pub fn github_subject(repo: &str, branch: &str) -> String {
    format!("repo:{repo}:ref:refs/heads/{branch}")
}

/// (repository, branch) out of a subject; a subject that is not one exact
/// branch (a wildcard, say) gives the repository with `main`, so the plan
/// reports the trust as drifted instead of not checking it.
pub fn parse_subject(subject: &str) -> Option<(String, String)> {
    let rest = subject.strip_prefix("repo:")?;
    let (repo, reference) = rest.split_once(':').unwrap_or((rest, ""));
    let branch = reference
        .strip_prefix("ref:refs/heads/")
        .filter(|b| !b.contains('*'))
        .unwrap_or("main");
    Some((repo.to_string(), branch.to_string()))
}

pub fn oidc_provider_arn(account: &str) -> String {
    format!("arn:aws:iam::{account}:oidc-provider/{GITHUB_OIDC_HOST}")
}

/// The subject GitHub puts in its tokens for pull-request workflows (of
/// the repository's own branches: a fork's pull request gets no token).
pub fn pull_request_subject(repo: &str) -> String {
    format!("repo:{repo}:pull_request")
}

/// Only workflows of `repo` running on `branch` may assume the live
/// publish role: both the audience and the exact subject are required (no
/// wildcards). Pull requests get the preview role instead
/// ([`preview_trust_policy`]).
pub fn trust_policy(account: &str, repo: &str, branch: &str) -> Value {
    github_trust(account, &github_subject(repo, branch))
}

/// Only pull-request workflows of `repo` may assume the preview role.
/// Anyone who can push a branch can open one (and change the workflow in
/// it), which is why this role may write nothing but the previews.
pub fn preview_trust_policy(account: &str, repo: &str) -> Value {
    github_trust(account, &pull_request_subject(repo))
}

/// A trust policy for GitHub's OIDC tokens with exactly `subject`.
fn github_trust(account: &str, subject: &str) -> Value {
    json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": { "Federated": oidc_provider_arn(account) },
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": { "StringEquals": {
                format!("{GITHUB_OIDC_HOST}:aud"): GITHUB_AUDIENCE,
                format!("{GITHUB_OIDC_HOST}:sub"): subject
            } }
        }]
    })
}

/// Whether a trust policy read back lets `repo`'s pull requests in (the
/// live role's did before previews had a role of their own).
pub fn trusts_pull_requests(trust: &Value, repo: &str) -> bool {
    let subject = pull_request_subject(repo);
    as_list(&trust["Statement"]).iter().any(|s| {
        let sub = &s["Condition"]["StringEquals"][format!("{GITHUB_OIDC_HOST}:sub")];
        as_list(sub).iter().any(|v| *v == subject.as_str())
    })
}

/// The least `ssg publish --preview NAME` and `--preview NAME --delete`
/// need, scoped to the previews' keys under the publish `prefix` (empty or
/// ending in `/`): each preview's files, manifest and lease live under
/// `PREFIX_previews/NAME/`, so nothing at the live site's keys. Reading
/// the distribution's function is how a preview warns when the edge does
/// not serve previews yet; writing it is the live publish's. An
/// invalidation cannot be limited to paths by IAM: the role may
/// invalidate any path of the distribution (a cost, never a change).
pub fn preview_policy(bucket: &str, prefix: &str, distribution_arn: &str) -> Value {
    let previews = format!("{prefix}{}", crate::preview::KEY_DIR);
    json!({
        "Version": "2012-10-17",
        "Statement": [
            { "Effect": "Allow", "Action": "s3:ListBucket",
              "Resource": format!("arn:aws:s3:::{bucket}"),
              "Condition": { "StringLike": { "s3:prefix": format!("{previews}*") } } },
            { "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"],
              "Resource": format!("arn:aws:s3:::{bucket}/{previews}*") },
            { "Effect": "Allow", "Action": ["cloudfront:CreateInvalidation", "cloudfront:GetInvalidation", "cloudfront:GetDistributionConfig"],
              "Resource": distribution_arn },
            { "Effect": "Allow", "Action": ["cloudfront:DescribeFunction", "cloudfront:GetFunction"],
              "Resource": function_arn(bucket, distribution_arn) }
        ]
    })
}

/// The least `ssg publish` needs (the README's policy), scoped to this
/// bucket and this distribution.
pub fn publish_policy(bucket: &str, distribution_arn: &str) -> Value {
    json!({
        "Version": "2012-10-17",
        "Statement": [
            // The versioning and the versions: the publish history records
            // them, `--rollback` copies old ones back (GetObjectVersion).
            { "Effect": "Allow", "Action": ["s3:ListBucket", "s3:ListBucketVersions", "s3:GetBucketVersioning"],
              "Resource": format!("arn:aws:s3:::{bucket}") },
            // AbortMultipartUpload: a failed upload of a large file must be
            // able to remove its parts, which are billed until aborted.
            { "Effect": "Allow", "Action": ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"],
              "Resource": format!("arn:aws:s3:::{bucket}/*") },
            // GetDistributionConfig: publish reads which function the
            // distribution runs, then keeps that function's code in step.
            { "Effect": "Allow", "Action": ["cloudfront:CreateInvalidation", "cloudfront:GetInvalidation", "cloudfront:GetDistributionConfig"],
              "Resource": distribution_arn },
            { "Effect": "Allow", "Action": ["cloudfront:DescribeFunction", "cloudfront:GetFunction", "cloudfront:UpdateFunction", "cloudfront:PublishFunction"],
              "Resource": function_arn(bucket, distribution_arn) },
            // The redirects of a site with too many to embed in the code
            // (the store's ARN ends in an id only provision learns).
            { "Effect": "Allow", "Action": ["cloudfront-keyvaluestore:DescribeKeyValueStore", "cloudfront-keyvaluestore:ListKeys", "cloudfront-keyvaluestore:UpdateKeys"],
              "Resource": format!("{}:key-value-store/*", account_part(distribution_arn)) }
        ]
    })
}

/// The ARN of the site's function, in the distribution's account.
fn function_arn(bucket: &str, distribution_arn: &str) -> String {
    format!(
        "{}:function/{}",
        account_part(distribution_arn),
        Names::new(bucket).function()
    )
}

/// `arn:aws:cloudfront::ACCOUNT` of a distribution's ARN.
fn account_part(distribution_arn: &str) -> &str {
    distribution_arn
        .split_once(":distribution/")
        .map_or(distribution_arn, |(before, _)| before)
}

/// A policy document as IAM returns it (percent-encoded JSON), parsed.
pub fn parse_iam_document(text: &str) -> Option<Value> {
    let decoded = percent_encoding::percent_decode_str(text)
        .decode_utf8()
        .ok()?;
    serde_json::from_str(&decoded)
        .ok()
        .or_else(|| serde_json::from_str(text).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    const ARN: &str = "arn:aws:cloudfront::123456789012:distribution/E1";

    #[test]
    fn our_policy_has_no_problems() {
        let text = bucket_policy("b", ARN).to_string();
        assert!(bucket_policy_problems(Some(&text), ARN).is_empty());
    }

    #[test]
    fn each_weakening_is_named() {
        let mut doc = bucket_policy("b", ARN);
        doc["Statement"][0]
            .as_object_mut()
            .unwrap()
            .remove("Condition");
        let problems = bucket_policy_problems(Some(&doc.to_string()), ARN);
        assert!(problems[0].contains("no AWS:SourceArn"), "{problems:?}");

        let mut doc = bucket_policy("b", ARN);
        doc["Statement"].as_array_mut().unwrap().push(json!({
            "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"
        }));
        let problems = bucket_policy_problems(Some(&doc.to_string()), ARN);
        assert!(problems[0].contains("everyone"), "{problems:?}");

        let other = bucket_policy("b", "arn:aws:cloudfront::1:distribution/E2").to_string();
        assert!(bucket_policy_problems(Some(&other), ARN)[0].contains("another distribution"));
        assert!(bucket_policy_problems(None, ARN)[0].contains("no bucket policy"));
    }

    #[test]
    fn subjects_give_repository_and_branch() {
        let pair = |r: &str, b: &str| Some((r.to_string(), b.to_string()));
        assert_eq!(
            parse_subject(&github_subject("o/r", "live")),
            pair("o/r", "live")
        );
        assert_eq!(parse_subject("repo:o/r:*"), pair("o/r", "main"));
        assert_eq!(parse_subject("nope"), None);
    }

    #[test]
    fn iam_documents_are_decoded() {
        let doc = trust_policy("1", "o/r", "main");
        let encoded: String = percent_encoding::utf8_percent_encode(
            &doc.to_string(),
            percent_encoding::NON_ALPHANUMERIC,
        )
        .to_string();
        assert_eq!(parse_iam_document(&encoded), Some(doc.clone()));
        assert_eq!(parse_iam_document(&doc.to_string()), Some(doc));
    }

    #[test]
    fn pushes_and_pull_requests_get_different_roles() {
        let sub = |doc: &Value| {
            doc["Statement"][0]["Condition"]["StringEquals"][format!("{GITHUB_OIDC_HOST}:sub")]
                .clone()
        };
        let live = trust_policy("1", "o/r", "main");
        let preview = preview_trust_policy("1", "o/r");
        assert_eq!(sub(&live), json!("repo:o/r:ref:refs/heads/main"));
        assert_eq!(sub(&preview), json!("repo:o/r:pull_request"));
        assert!(!trusts_pull_requests(&live, "o/r"));
        assert!(trusts_pull_requests(&preview, "o/r"));
        let mut old = live.clone();
        old["Statement"][0]["Condition"]["StringEquals"][format!("{GITHUB_OIDC_HOST}:sub")] =
            json!(["repo:o/r:ref:refs/heads/main", "repo:o/r:pull_request"]);
        assert!(trusts_pull_requests(&old, "o/r"));
    }

    #[test]
    fn the_preview_policy_names_only_the_previews_keys() {
        let doc = preview_policy("b", "site/", ARN);
        let text = doc.to_string();
        assert!(
            text.contains("\"arn:aws:s3:::b/site/_previews/*\""),
            "{text}"
        );
        assert!(
            text.contains("\"s3:prefix\":\"site/_previews/*\""),
            "{text}"
        );
        for write in [
            "UpdateFunction",
            "PublishFunction",
            "PutBucket",
            "keyvaluestore",
            "arn:aws:s3:::b/*",
        ] {
            assert!(!text.contains(write), "{write} in {text}");
        }
    }
}
