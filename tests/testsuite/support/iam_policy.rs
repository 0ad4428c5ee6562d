//! Whether an IAM policy allows the requests a run made. moto does not
//! enforce IAM, so a role's least policy is checked this way instead:
//! every request the relay recorded is named as the IAM action and
//! resource ARN AWS documents for it (S3 by path, CloudFront's REST API),
//! and must fall inside an Allow statement (actions and resources as
//! `*` patterns, the `s3:prefix` condition of a listing). A request this
//! module cannot name is refused, so a call the code grows later fails
//! the test until the policy (and this table) say it may be made.

use serde_json::Value;

use crate::support::relay::Request;

/// The account moto answers as.
const ACCOUNT: &str = "123456789012";

/// The API version in every CloudFront REST path.
const CLOUDFRONT_API: &str = "/2020-05-31/";

/// One IAM authorization a request needs.
#[derive(Debug, Clone, PartialEq)]
pub struct Needed {
    pub action: String,
    pub resource: String,
    /// The `s3:prefix` of a listing.
    pub prefix: Option<String>,
}

/// Each request in `requests` that `policy` does not allow, as
/// "METHOD TARGET needs ACTION on RESOURCE" (empty: all allowed).
pub fn refused(policy: &Value, requests: &[Request]) -> Vec<String> {
    let mut out = Vec::new();
    for request in requests {
        let described = format!("{} {}", request.method, request.target());
        match needs(request) {
            None => out.push(format!("{described}: an API call this check cannot name")),
            Some(all) => {
                for needed in all.iter().filter(|n| !allows(policy, n)) {
                    out.push(format!(
                        "{described} needs {} on {}{}",
                        needed.action,
                        needed.resource,
                        needed
                            .prefix
                            .as_deref()
                            .map(|p| format!(" (s3:prefix {p})"))
                            .unwrap_or_default()
                    ));
                }
            }
        }
    }
    out
}

/// Whether an Allow statement of `policy` covers `needed`.
pub fn allows(policy: &Value, needed: &Needed) -> bool {
    let statements = match &policy["Statement"] {
        Value::Array(items) => items.clone(),
        one => vec![one.clone()],
    };
    statements.iter().any(|s| {
        s["Effect"] == "Allow"
            && list(&s["Action"])
                .iter()
                .any(|a| matches(a, &needed.action))
            && list(&s["Resource"])
                .iter()
                .any(|r| matches(r, &needed.resource))
            && conditions_hold(&s["Condition"], needed)
    })
}

/// Only the `s3:prefix` condition is understood; any other condition makes
/// the statement count as not applying (never as allowing more).
fn conditions_hold(condition: &Value, needed: &Needed) -> bool {
    let Some(operators) = condition.as_object() else {
        return condition.is_null();
    };
    operators.iter().all(|(operator, keys)| {
        let Some(keys) = keys.as_object() else {
            return false;
        };
        keys.iter().all(|(key, wanted)| {
            let Some(prefix) = needed.prefix.as_deref().filter(|_| key == "s3:prefix") else {
                return false;
            };
            list(wanted).iter().any(|w| match operator.as_str() {
                "StringLike" => matches(w, prefix),
                "StringEquals" => w == prefix,
                _ => false,
            })
        })
    })
}

/// Whether `pattern` (IAM's `*` and `?` wildcards) matches all of `text`.
fn matches(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    let (mut pi, mut ti, mut star, mut mark) = (0, 0, None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

fn list(v: &Value) -> Vec<String> {
    match v {
        Value::Array(items) => items
            .iter()
            .filter_map(|i| i.as_str().map(String::from))
            .collect(),
        Value::String(s) => vec![s.clone()],
        _ => Vec::new(),
    }
}

/// What `request` needs, or `None` for a call not in this table.
pub fn needs(request: &Request) -> Option<Vec<Needed>> {
    match request.path.strip_prefix(CLOUDFRONT_API) {
        Some(rest) => cloudfront_needs(&request.method, rest).map(|n| vec![n]),
        None => s3_needs(request),
    }
}

fn need(action: &str, resource: String, prefix: Option<String>) -> Needed {
    Needed {
        action: action.to_string(),
        resource,
        prefix,
    }
}

fn cloudfront_needs(method: &str, rest: &str) -> Option<Needed> {
    let parts: Vec<&str> = rest.split('/').collect();
    let arn = |kind: &str, name: &str| format!("arn:aws:cloudfront::{ACCOUNT}:{kind}/{name}");
    let action = match (method, parts.as_slice()) {
        ("GET", ["distribution", id]) => ("GetDistribution", arn("distribution", id)),
        ("GET", ["distribution", id, "config"]) => {
            ("GetDistributionConfig", arn("distribution", id))
        }
        ("POST", ["distribution", id, "invalidation"]) => {
            ("CreateInvalidation", arn("distribution", id))
        }
        ("GET", ["distribution", id, "invalidation", _]) => {
            ("GetInvalidation", arn("distribution", id))
        }
        ("GET", ["function", name, "describe"]) => ("DescribeFunction", arn("function", name)),
        ("GET", ["function", name]) => ("GetFunction", arn("function", name)),
        ("PUT", ["function", name]) => ("UpdateFunction", arn("function", name)),
        ("POST", ["function", name, "publish"]) => ("PublishFunction", arn("function", name)),
        _ => return None,
    };
    Some(need(&format!("cloudfront:{}", action.0), action.1, None))
}

/// S3 addressed by path (`/bucket/key`), as ssg does with an endpoint.
fn s3_needs(request: &Request) -> Option<Vec<Needed>> {
    let path = percent_encoding::percent_decode_str(request.path.trim_start_matches('/'))
        .decode_utf8()
        .ok()?;
    let (bucket, key) = path.split_once('/').unwrap_or((&path, ""));
    let query = query_pairs(&request.query);
    let has = |name: &str| query.iter().any(|(k, _)| k == name);
    let object = format!("arn:aws:s3:::{bucket}/{key}");
    let bucket_arn = format!("arn:aws:s3:::{bucket}");
    let method = request.method.as_str();
    if key.is_empty() {
        let action = match method {
            "GET" if has("versioning") => "s3:GetBucketVersioning",
            "GET" if has("versions") => "s3:ListBucketVersions",
            "GET" if has("list-type") || query.is_empty() || has("prefix") => "s3:ListBucket",
            "POST" if has("delete") => {
                let body = String::from_utf8_lossy(&request.body);
                let keys = body
                    .split("<Key>")
                    .skip(1)
                    .filter_map(|k| k.split_once("</Key>"));
                return Some(
                    keys.map(|(k, _)| {
                        need(
                            "s3:DeleteObject",
                            format!("{bucket_arn}/{}", unescape(k)),
                            None,
                        )
                    })
                    .collect(),
                );
            }
            _ => return None,
        };
        let prefix = (action != "s3:GetBucketVersioning").then(|| {
            query
                .iter()
                .find(|(k, _)| k == "prefix")
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        });
        return Some(vec![need(action, bucket_arn, prefix)]);
    }
    let action = match method {
        "GET" | "HEAD" if has("versionId") => "s3:GetObjectVersion",
        "GET" | "HEAD" if query.is_empty() || has("partNumber") => "s3:GetObject",
        "PUT" if request.header("x-amz-copy-source").is_some() => return None,
        "PUT" | "POST" if !has("tagging") && !has("acl") && !has("retention") => "s3:PutObject",
        "DELETE" if has("uploadId") => "s3:AbortMultipartUpload",
        "DELETE" if query.is_empty() => "s3:DeleteObject",
        _ => return None,
    };
    Some(vec![need(action, object, None)])
}

fn query_pairs(query: &str) -> Vec<(String, String)> {
    let decode = |s: &str| {
        percent_encoding::percent_decode_str(&s.replace('+', " "))
            .decode_utf8_lossy()
            .into_owned()
    };
    query
        .split('&')
        .filter(|kv| !kv.is_empty())
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            (decode(k), decode(v))
        })
        .filter(|(k, _)| k != "x-id")
        .collect()
}

/// XML's five escapes, as a DeleteObjects body writes keys.
fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

#[test]
fn patterns_and_conditions_as_iam_reads_them() {
    assert!(matches(
        "arn:aws:s3:::b/_previews/*",
        "arn:aws:s3:::b/_previews/pr-1/a.html"
    ));
    assert!(!matches(
        "arn:aws:s3:::b/_previews/*",
        "arn:aws:s3:::b/index.html"
    ));
    assert!(matches("s3:*", "s3:GetObject") && !matches("s3:Get", "s3:GetObject"));
    let policy = serde_json::json!({"Statement": [{
        "Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::b",
        "Condition": {"StringLike": {"s3:prefix": "_previews/*"}}
    }]});
    let list = |prefix: &str| {
        need(
            "s3:ListBucket",
            "arn:aws:s3:::b".into(),
            Some(prefix.into()),
        )
    };
    assert!(allows(&policy, &list("_previews/pr-1/")));
    assert!(!allows(&policy, &list("")));
    assert!(!allows(
        &policy,
        &need("s3:ListBucket", "arn:aws:s3:::b".into(), None)
    ));
}
