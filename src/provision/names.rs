//! The names ssg gives the AWS resources of a site, and the checks on what
//! a user types (bucket names, domains, regions, repositories).
//!
//! Every name is derived deterministically from the bucket name, which is
//! the site's identity on AWS: a rerun after a crash finds by these names
//! (and tags) what the first run created, instead of creating it twice.

use anyhow::{Result, bail};

/// Tag key ssg puts on everything it creates; the value is the bucket name.
pub const TAG_KEY: &str = "ssg:site";

/// CloudFront's own hosted zone id, the target zone of every alias record
/// that points at a distribution (a fixed AWS value).
pub const CLOUDFRONT_ZONE_ID: &str = "Z2FDTNDATAQYW2";

/// AWS managed cache policy "CachingOptimized": no cookies or query strings
/// in the cache key, gzip and brotli normalised — right for a static site.
pub const CACHING_OPTIMIZED: &str = "658327ea-f89d-4fab-a63d-7e88639e58f6";

/// AWS managed response headers policy "SecurityHeadersPolicy": HSTS,
/// nosniff, frame options, referrer policy, XSS protection.
pub const SECURITY_HEADERS: &str = "67f7725c-6f97-4210-82d7-5512b31e9d03";

/// GitHub's OIDC issuer and the audience its AWS action asks for.
pub const GITHUB_OIDC_HOST: &str = "token.actions.githubusercontent.com";
pub const GITHUB_AUDIENCE: &str = "sts.amazonaws.com";

/// Regions S3 and CloudFront origins can live in (commercial partition).
/// A typo such as `eu-west-9` is caught here rather than as a DNS failure.
const REGIONS: &[&str] = &[
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "af-south-1",
    "ap-east-1",
    "ap-east-2",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-7",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ca-central-1",
    "ca-west-1",
    "eu-central-1",
    "eu-central-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-south-1",
    "eu-south-2",
    "eu-north-1",
    "il-central-1",
    "me-south-1",
    "me-central-1",
    "mx-central-1",
    "sa-east-1",
];

/// The names of one site's resources, all derived from its bucket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Names {
    pub bucket: String,
}

impl Names {
    pub fn new(bucket: &str) -> Names {
        Names {
            bucket: bucket.to_string(),
        }
    }

    /// CloudFront's CallerReference for a create in the run that started
    /// at `started` (milliseconds since the epoch): one per run, so a create
    /// retried within the run gets the first one's answer back, and a new
    /// one per run, since CloudFront keeps refusing (or answering with the
    /// deleted distribution) a reference it saw before, even after
    /// `--destroy`. A later run finds the distribution by comment and tag.
    pub fn caller_reference(&self, started: i64) -> String {
        format!("ssg-{}-{started}", self.bucket)
    }

    /// The distribution's comment (shown in the console and in listings,
    /// where ssg finds its distribution without a call per distribution).
    pub fn comment(&self) -> String {
        format!("ssg site s3://{}", self.bucket)
    }

    /// OAC names are unique per account and at most 64 characters.
    pub fn oac(&self) -> String {
        bounded(&format!("ssg-{}", self.bucket), 64)
    }

    /// The site's CloudFront Function: at most 64 of `[a-zA-Z0-9-_]`, so a
    /// bucket name's dots become dashes.
    pub fn function(&self) -> String {
        bounded(&format!("ssg-{}", self.bucket.replace('.', "-")), 64)
    }

    /// IAM role names are at most 64 characters.
    pub fn role(&self) -> String {
        bounded(&format!("ssg-publish-{}", self.bucket), 64)
    }

    /// The role pull-request workflows publish previews as: a role of its
    /// own, since whoever can push a branch can run a pull request's
    /// workflow, and that must not be able to touch the live site.
    pub fn preview_role(&self) -> String {
        bounded(&format!("ssg-preview-{}", self.bucket), 64)
    }

    /// The bucket's REST endpoint, the origin CloudFront signs requests to
    /// with OAC (the website endpoint cannot be used with OAC).
    pub fn origin_domain(&self, region: &str) -> String {
        format!("{}.s3.{region}.amazonaws.com", self.bucket)
    }

    /// ACM's idempotency token (at most 32 word characters): the same
    /// request within an hour returns the same certificate.
    pub fn certificate_token(&self, domains: &[String]) -> String {
        let text = format!("{}|{}", self.bucket, domains.join(","));
        format!("{:032x}", xxhash_rust::xxh3::xxh3_128(text.as_bytes()))
    }
}

/// `name` cut to `max` characters with a hash of the whole kept, so two
/// long names never collide after cutting.
fn bounded(name: &str, max: usize) -> String {
    if name.len() <= max {
        return name.to_string();
    }
    let hash = format!("{:08x}", xxhash_rust::xxh3::xxh3_64(name.as_bytes()) as u32);
    let keep = max - hash.len() - 1;
    format!("{}-{hash}", name[..keep].trim_end_matches('-'))
}

/// The bucket name ssg proposes: from the first domain (`www.example.com`
/// → `www-example-com`), else from the site title.
pub fn derive_bucket(domains: &[String], title: &str) -> String {
    let base = match domains.first() {
        Some(domain) => domain.replace('.', "-"),
        None => crate::slug::slugify(title),
    };
    let mut name: String = base.chars().take(63).collect();
    name = name.trim_matches('-').to_string();
    if name.len() < 3 {
        name = format!("ssg-site-{name}").trim_end_matches('-').to_string();
    }
    name
}

/// S3's bucket naming rules, with the reason when a name breaks one.
/// Dots are refused too: they break TLS on the bucket's virtual-host name.
pub fn check_bucket(name: &str) -> Result<()> {
    let why = bucket_problem(name);
    if let Some(why) = why {
        bail!(
            "\"{name}\" is not a valid bucket name: {why}; pass another with --bucket (3-63 lowercase letters, digits and hyphens)"
        );
    }
    Ok(())
}

fn bucket_problem(name: &str) -> Option<&'static str> {
    if name.len() < 3 || name.len() > 63 {
        return Some("it must be 3 to 63 characters long");
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return Some("only lowercase letters, digits and hyphens are allowed");
    }
    let edge_ok = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    if !edge_ok(name.chars().next()) || !edge_ok(name.chars().last()) {
        return Some("it must begin and end with a letter or a digit");
    }
    const PREFIXES: &[&str] = &["xn--", "sthree-", "amzn-s3-demo-"];
    if PREFIXES.iter().any(|p| name.starts_with(p)) {
        return Some("S3 reserves that prefix");
    }
    const SUFFIXES: &[&str] = &["-s3alias", "--ol-s3", "--x-s3", "--table-s3"];
    if SUFFIXES.iter().any(|s| name.ends_with(s)) {
        return Some("S3 reserves that suffix");
    }
    None
}

/// A domain name as CloudFront and ACM take it: lowercased, at least two
/// labels, each 1-63 letters, digits or inner hyphens, an alphabetic TLD.
pub fn check_domain(input: &str) -> Result<String> {
    let domain = input.trim().trim_end_matches('.').to_ascii_lowercase();
    let labels: Vec<&str> = domain.split('.').collect();
    let label_ok = |l: &&str| {
        !l.is_empty()
            && l.len() <= 63
            && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    let tld_ok = labels
        .last()
        .is_some_and(|t| t.len() >= 2 && t.chars().all(|c| c.is_ascii_alphabetic()));
    if labels.len() < 2 || domain.len() > 253 || !labels.iter().all(label_ok) || !tld_ok {
        bail!(
            "\"{input}\" is not a domain name; pass one like --domain example.com or --domain www.example.com"
        );
    }
    Ok(domain)
}

pub fn check_region(region: &str) -> Result<()> {
    if !REGIONS.contains(&region) {
        bail!(
            "\"{region}\" is not an AWS region; pass one like --region eu-west-1 (known: {})",
            REGIONS.join(", ")
        );
    }
    Ok(())
}

/// `OWNER/NAME` as GitHub allows it.
pub fn check_repo(repo: &str) -> Result<()> {
    let ok_part = |p: &str| {
        !p.is_empty()
            && p.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    };
    match repo.split_once('/') {
        Some((owner, name)) if ok_part(owner) && ok_part(name) => Ok(()),
        _ => bail!("\"{repo}\" is not a GitHub repository; pass --repo OWNER/NAME"),
    }
}

/// A git URL safe to write into the workflow's YAML as a plain value:
/// `https://…`, `ssh://…` or `git@host:path`, with no spaces or quotes.
pub fn check_git_url(url: &str) -> Result<()> {
    let scheme_ok = ["https://", "http://", "ssh://", "git@"]
        .iter()
        .any(|p| url.starts_with(p));
    let chars_ok = url
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-._~:/@+%".contains(c));
    if scheme_ok && chars_ok && url.len() > 8 {
        Ok(())
    } else {
        bail!(
            "\"{url}\" is not a git URL; pass --ssg-git https://HOST/OWNER/ssg.git (where CI installs ssg from)"
        )
    }
}

/// A branch name safe to put in a trust policy condition.
pub fn check_branch(branch: &str) -> Result<()> {
    if branch.is_empty()
        || branch.contains(['*', '?', ' ', '"', '\\'])
        || branch.starts_with('/')
        || branch.contains("..")
    {
        bail!(
            "\"{branch}\" is not a branch name ssg can trust; pass --branch main or another plain name"
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_bucket_names_follow_the_rules() {
        assert_eq!(
            derive_bucket(&["www.example.com".into()], "x"),
            "www-example-com"
        );
        assert_eq!(derive_bucket(&[], "Crème Brûlée Blog"), "creme-brulee-blog");
        assert_eq!(derive_bucket(&[], "!"), "ssg-site");
        for name in ["www-example-com", "creme-brulee-blog", "ssg-site"] {
            check_bucket(name).unwrap();
        }
    }

    #[test]
    fn bad_bucket_names_say_why() {
        for (name, why) in [
            ("ab", "3 to 63"),
            ("My_Bucket", "lowercase"),
            ("-abc", "begin and end"),
            ("a.b.c", "lowercase letters, digits and hyphens"),
            ("xn--abc", "prefix"),
            ("abc-s3alias", "suffix"),
        ] {
            let err = check_bucket(name).unwrap_err().to_string();
            assert!(err.contains(why), "{name}: {err}");
        }
    }

    #[test]
    fn domains_are_checked_and_lowercased() {
        assert_eq!(check_domain("WWW.Example.com.").unwrap(), "www.example.com");
        for bad in [
            "localhost",
            "exa mple.com",
            "-a.com",
            "a..com",
            "a.c0m",
            "http://a.com",
        ] {
            assert!(check_domain(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn long_names_are_cut_with_a_hash() {
        let names = Names::new(&"a".repeat(63));
        assert!(names.oac().len() <= 64);
        assert!(names.role().len() <= 64);
        assert!(names.preview_role().len() <= 64);
        assert_ne!(names.role(), names.preview_role());
        let other = Names::new(&format!("{}b", "a".repeat(62)));
        assert_ne!(names.role(), other.role());
        assert_eq!(names.certificate_token(&["a.com".into()]).len(), 32);
    }

    #[test]
    fn regions_and_repos() {
        check_region("eu-west-1").unwrap();
        assert!(check_region("eu-west-9").is_err());
        check_repo("owner/my.site").unwrap();
        assert!(check_repo("owner").is_err());
        assert!(check_branch("release/*").is_err());
    }
}
