//! The shared model of provisioning: what the site's AWS side should be
//! (`Desired`) and what a read of the account found (`Observed`), with the
//! DNS lookups every room needs (the zone covering a domain, a record
//! already there, the alias records a domain should have). `observe` fills
//! it, `plan` compares it, `converge` and `destroy` act on it.

use aws_sdk_acm::types::CertificateStatus;
use serde::Serialize;

use super::names::Names;

/// What the user asked for, with names resolved.
#[derive(Debug, Clone)]
pub struct Desired {
    pub names: Names,
    pub region: String,
    pub domains: Vec<String>,
    pub ci: Option<Ci>,
    pub account: String,
    /// Replace other hosts' records at the site's names (`--replace-dns`).
    pub replace_dns: bool,
}

#[derive(Debug, Clone)]
pub struct Ci {
    pub repo: String,
    pub branch: String,
    /// The git repository the workflow installs ssg from (`cargo install --git`).
    pub ssg_git: String,
    /// The `[publish] prefix` (empty or ending in `/`): the previews' keys,
    /// which the preview role may write, are under it.
    pub publish_prefix: String,
}

/// What the reads found. `None` is "not there".
#[derive(Debug, Clone, Default)]
pub struct Observed {
    pub bucket: BucketState,
    pub oac: Option<Oac>,
    pub distribution: Option<Distribution>,
    pub function: Option<EdgeFunction>,
    pub certificate: Option<Certificate>,
    /// The site's certificates for other domain sets, which a change of
    /// its domains replaced (`replaced_certificates.rs`).
    pub replaced_certificates: Vec<String>,
    /// The hosted zone covering each domain, when the account has one.
    pub zones: Vec<Zone>,
    pub ci: CiObserved,
    pub config: ConfigKeys,
    /// Seconds since the epoch, for certificate expiry.
    pub now: i64,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub enum BucketState {
    #[default]
    Missing,
    /// Exists in another account: the name is taken.
    Taken,
    Ours(Bucket),
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Bucket {
    /// Where the bucket lives (the origin's host name depends on it).
    pub region: String,
    pub tagged: bool,
    /// BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets.
    pub public_access_block: [bool; 4],
    pub ownership: Option<String>,
    pub encryption: Option<String>,
    pub policy: Option<String>,
    /// Days after which a lifecycle rule aborts incomplete uploads, if one does.
    pub abort_incomplete_uploads_after: Option<i32>,
    /// The versioning status ("Enabled", "Suspended"; `None`: never enabled).
    pub versioning: Option<String>,
    /// Days after which a lifecycle rule removes noncurrent versions, if one does.
    pub old_versions_expire_after: Option<i32>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Oac {
    pub id: String,
    pub signing_protocol: String,
    pub signing_behavior: String,
    pub origin_type: String,
}

/// The parts of a distribution's config ssg sets, as read back.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Distribution {
    pub id: String,
    pub arn: String,
    pub domain_name: String,
    pub status: String,
    /// Commented or tagged as this site's.
    pub ours: bool,
    /// Tagged as this site's at creation: only such a one is destroyed.
    pub tagged: bool,
    pub enabled: bool,
    /// (domain name, OAC id) of each origin.
    pub origins: Vec<(String, String)>,
    pub target_origin_domain: String,
    pub viewer_protocol: String,
    pub compress: bool,
    pub http_version: String,
    pub ipv6: bool,
    pub default_root: String,
    /// (error code, response page, response code).
    pub error_responses: Vec<(i32, String, String)>,
    pub cache_policy: String,
    pub response_headers_policy: String,
    pub aliases: Vec<String>,
    pub certificate_arn: String,
    /// The ARN of the function the default cache behavior runs on viewer
    /// requests ("" when none).
    pub viewer_request_function: String,
    /// The ARN of the function it runs on viewer responses ("" when none).
    pub viewer_response_function: String,
}

/// The site's CloudFront Function, as DescribeFunction finds it.
#[derive(Debug, Clone, PartialEq)]
pub struct EdgeFunction {
    pub arn: String,
    pub runtime: String,
    /// Whether it has a LIVE stage: only a published function can be
    /// associated with a distribution, and only its LIVE code runs.
    pub live: bool,
    /// The ARN of the KeyValueStore named for the site, if there is one.
    pub store: Option<String>,
    /// The ARN of the KeyValueStore the function's config names, if any.
    pub associated_store: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Certificate {
    pub arn: String,
    pub status: String,
    pub domains: Vec<String>,
    pub not_after: Option<i64>,
    pub validation: Vec<Record>,
}

impl Certificate {
    /// ACM issued it: CloudFront can serve it.
    pub fn is_issued(&self) -> bool {
        self.status == CertificateStatus::Issued.as_str()
    }

    /// ACM waits for its DNS validation records.
    pub fn is_pending_validation(&self) -> bool {
        self.status == CertificateStatus::PendingValidation.as_str()
    }
}

/// A DNS record as ssg writes it: a CNAME, or an alias to CloudFront.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Record {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Zone {
    pub id: String,
    /// With the trailing dot, as Route 53 gives it.
    pub name: String,
    pub records: Vec<Record>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct CiObserved {
    pub provider: bool,
    /// The live publish's role.
    pub role: RoleObserved,
    /// The previews' role (read only when the site has previews).
    pub preview_role: RoleObserved,
    pub workflow: Option<String>,
}

/// One CI role as IAM has it; `arn: None` is "no such role".
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RoleObserved {
    pub arn: Option<String>,
    pub trust: Option<serde_json::Value>,
    /// Its inline policy (ssg writes one per role).
    pub policy: Option<serde_json::Value>,
}

/// The `[publish]` keys provisioning owns, as ssg.toml has them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ConfigKeys {
    pub bucket: Option<String>,
    pub region: Option<String>,
    pub distribution_id: Option<String>,
    pub directory_keys: Option<bool>,
}

/// The zone covering `domain`: the longest zone name it ends with.
pub fn zone_for<'a>(zones: &'a [Zone], domain: &str) -> Option<&'a Zone> {
    let fqdn = format!("{domain}.");
    zones
        .iter()
        .filter(|z| fqdn == z.name || fqdn.ends_with(&format!(".{}", z.name)))
        .max_by_key(|z| z.name.len())
}

/// Two public hosted zones of one name (one left from an earlier setup):
/// only the one the registrar delegates to answers, and ssg cannot tell
/// which, so records written to the other would be waited on for ever.
pub fn two_zones_of_one_name(zones: &[Zone]) -> Option<String> {
    let first = zones
        .iter()
        .find(|z| zones.iter().filter(|o| o.name == z.name).count() > 1)?;
    let ids: Vec<&str> = zones
        .iter()
        .filter(|z| z.name == first.name)
        .map(|z| z.id.as_str())
        .collect();
    Some(format!(
        "Route 53 has {} hosted zones named {} ({}): only the one your registrar's name servers point at answers; delete the other (`aws route53 delete-hosted-zone --id ID`), then run `ssg provision` again",
        ids.len(),
        first.name.trim_end_matches('.'),
        ids.join(", ")
    ))
}

/// `record` is in the zone covering its name (names and values compared
/// without the trailing dot Route 53 adds).
pub fn has_record(zones: &[Zone], record: &Record) -> bool {
    let domain = record.name.trim_end_matches('.');
    zone_for(zones, domain).is_some_and(|z| {
        z.records.iter().any(|r| {
            r.kind == record.kind
                && r.name.trim_end_matches('.') == domain
                && r.value.trim_end_matches('.') == record.value.trim_end_matches('.')
        })
    })
}

/// The A and AAAA alias records each domain should have.
pub fn alias_records(desired: &Desired, distribution_domain: &str) -> Vec<Record> {
    desired
        .domains
        .iter()
        .flat_map(|d| {
            ["A", "AAAA"].map(|kind| Record {
                name: d.clone(),
                kind: kind.to_string(),
                value: format!("{distribution_domain}."),
            })
        })
        .collect()
}
