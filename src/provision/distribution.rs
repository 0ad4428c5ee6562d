//! The CloudFront distribution config ssg wants, applied onto a new config
//! or onto the one read back, so an update keeps every field ssg does not
//! own (logging, geo restrictions, a WAF the user added) as it was — and
//! checked on the distribution read back against the same values, so the
//! writer and the check cannot drift apart.

use anyhow::Result;
use aws_sdk_cloudfront::types::{
    Aliases, AllowedMethods, CachedMethods, CustomErrorResponse, CustomErrorResponses,
    DefaultCacheBehavior, DistributionConfig, HttpVersion, Method, MinimumProtocolVersion, Origin,
    Origins, S3OriginConfig, SslSupportMethod, ViewerCertificate, ViewerProtocolPolicy,
};

use super::edge;
use super::model::{Certificate, Desired, Distribution, Observed};
use super::names::{CACHING_OPTIMIZED, SECURITY_HEADERS};

/// What ssg sets on the distribution.
#[derive(Debug, Clone)]
pub struct Settings {
    pub caller_reference: String,
    pub comment: String,
    pub origin_domain: String,
    pub oac_id: String,
    /// The domains and the ISSUED certificate for them, once there is one.
    pub domains: Option<(Vec<String>, String)>,
    /// The site's published function, run on viewer requests.
    pub function_arn: Option<String>,
    /// Whether it also runs on viewer responses (previews' `noindex`).
    pub function_on_responses: bool,
}

// What `apply` writes and `distribution_problems` expects to read back,
// each stated once.
const DEFAULT_ROOT: &str = "index.html";
const HTTP_VERSION: HttpVersion = HttpVersion::Http2and3;
const VIEWER_PROTOCOL: ViewerProtocolPolicy = ViewerProtocolPolicy::RedirectToHttps;
/// 403 (what S3 says for a missing key without ListBucket) and 404 both
/// answer with the site's /404.html and status 404.
const ERROR_CODES: [i32; 2] = [403, 404];
const ERROR_PAGE: &str = "/404.html";
const ERROR_STATUS: &str = "404";

impl Settings {
    fn origin_id(&self) -> String {
        format!(
            "s3-{}",
            self.origin_domain.split('.').next().unwrap_or("bucket")
        )
    }
}

/// A new distribution with ssg's settings.
pub fn new_config(settings: &Settings) -> Result<DistributionConfig> {
    let mut config = DistributionConfig::builder()
        .caller_reference(&settings.caller_reference)
        .comment(&settings.comment)
        .enabled(true)
        .origins(
            Origins::builder()
                .quantity(0)
                .set_items(Some(Vec::new()))
                .build()?,
        )
        .default_cache_behavior(
            DefaultCacheBehavior::builder()
                .target_origin_id(settings.origin_id())
                .viewer_protocol_policy(VIEWER_PROTOCOL)
                .build()?,
        )
        .build()?;
    apply(&mut config, settings)?;
    // North America, Europe and Israel: the lowest price per GB, where
    // CloudFront's default serves (and bills) every edge location. Set at
    // creation only; a class chosen later in the console is left alone.
    config.price_class = Some(aws_sdk_cloudfront::types::PriceClass::PriceClass100);
    Ok(config)
}

/// Sets ssg's fields on `config`, leaving the others alone.
pub fn apply(config: &mut DistributionConfig, settings: &Settings) -> Result<()> {
    config.comment = settings.comment.clone();
    config.enabled = true;
    config.default_root_object = Some(DEFAULT_ROOT.into());
    config.http_version = Some(HTTP_VERSION);
    config.is_ipv6_enabled = Some(true);
    let origin_id = set_origin(config, settings)?;
    set_behavior(config, origin_id)?;
    if let (Some(arn), Some(behavior)) =
        (&settings.function_arn, &mut config.default_cache_behavior)
    {
        edge::associate(behavior, arn, settings.function_on_responses)?;
    }
    set_error_responses(config)?;
    if let Some((domains, certificate)) = &settings.domains {
        config.aliases = Some(
            Aliases::builder()
                .quantity(domains.len() as i32)
                .set_items(Some(domains.clone()))
                .build()?,
        );
        config.viewer_certificate = Some(
            ViewerCertificate::builder()
                .acm_certificate_arn(certificate)
                .ssl_support_method(SslSupportMethod::SniOnly)
                .minimum_protocol_version(MinimumProtocolVersion::TlSv122021)
                .build(),
        );
    }
    Ok(())
}

/// Aliases and the certificate go on the distribution only once the
/// certificate is ISSUED: CloudFront refuses a pending one.
pub fn attach_domains(desired: &Desired, observed: &Observed) -> bool {
    !desired.domains.is_empty()
        && observed
            .certificate
            .as_ref()
            .is_some_and(Certificate::is_issued)
}

/// Each way the distribution read back differs from what `apply` sets, in
/// words (empty: as ssg wants it).
pub fn distribution_problems(
    desired: &Desired,
    observed: &Observed,
    d: &Distribution,
) -> Vec<String> {
    let mut why = Vec::new();
    let origin = desired.names.origin_domain(&desired.region);
    let mut expect = |ok: bool, text: String| {
        if !ok {
            why.push(text);
        }
    };
    expect(d.enabled, "the distribution is disabled".into());
    expect(
        d.target_origin_domain == origin,
        format!("the origin is {}, not {origin}", d.target_origin_domain),
    );
    let oac_id = observed.oac.as_ref().map(|o| o.id.as_str()).unwrap_or("");
    let attached = d
        .origins
        .iter()
        .any(|(domain, id)| *domain == origin && !id.is_empty() && id == oac_id);
    expect(attached, "the bucket origin does not use ssg's origin access control (CloudFront cannot read the private bucket)".into());
    expect(
        d.viewer_protocol == VIEWER_PROTOCOL.as_str(),
        format!(
            "viewer protocol is {}, not {}",
            d.viewer_protocol,
            VIEWER_PROTOCOL.as_str()
        ),
    );
    expect(d.compress, "compression is off".into());
    expect(
        d.http_version == HTTP_VERSION.as_str(),
        format!(
            "HTTP version is {}, not {}",
            d.http_version,
            HTTP_VERSION.as_str()
        ),
    );
    expect(d.ipv6, "IPv6 is off".into());
    expect(
        d.default_root == DEFAULT_ROOT,
        format!(
            "default root object is \"{}\", not {DEFAULT_ROOT}",
            d.default_root
        ),
    );
    for code in ERROR_CODES {
        let ok = d
            .error_responses
            .iter()
            .any(|(c, page, status)| *c == code && page == ERROR_PAGE && status == ERROR_STATUS);
        expect(
            ok,
            format!("error {code} is not answered with {ERROR_PAGE} and status {ERROR_STATUS}"),
        );
    }
    expect(
        d.cache_policy == CACHING_OPTIMIZED,
        "the cache policy is not the managed CachingOptimized".into(),
    );
    expect(
        d.response_headers_policy == SECURITY_HEADERS,
        "the response headers policy is not the managed SecurityHeadersPolicy".into(),
    );
    why.extend(edge::association_problems(desired, d));
    why.extend(domain_problems(desired, observed, d));
    why
}

/// Once the certificate is issued: the distribution answers for exactly
/// the site's domains, with its certificate.
fn domain_problems(desired: &Desired, observed: &Observed, d: &Distribution) -> Vec<String> {
    let mut why = Vec::new();
    if !attach_domains(desired, observed) {
        return why;
    }
    let mut have = d.aliases.clone();
    have.sort();
    let mut want = desired.domains.clone();
    want.sort();
    if have != want {
        why.push(format!(
            "aliases are [{}], not [{}]",
            have.join(", "),
            want.join(", ")
        ));
    }
    let cert = observed
        .certificate
        .as_ref()
        .map(|c| c.arn.as_str())
        .unwrap_or("");
    if d.certificate_arn != cert {
        why.push("the distribution does not use the site's certificate".into());
    }
    why
}

/// The bucket's REST endpoint as origin, signed by the OAC. Returns its id.
fn set_origin(config: &mut DistributionConfig, settings: &Settings) -> Result<String> {
    let mut items = config.origins.take().map(|o| o.items).unwrap_or_default();
    let index = match items
        .iter()
        .position(|o| o.domain_name == settings.origin_domain)
    {
        Some(i) => i,
        None => {
            items.push(
                Origin::builder()
                    .id(settings.origin_id())
                    .domain_name(&settings.origin_domain)
                    .build()?,
            );
            items.len() - 1
        }
    };
    let origin = &mut items[index];
    origin.origin_access_control_id = Some(settings.oac_id.clone());
    // OAC wants an S3 origin with no legacy origin access identity.
    origin.s3_origin_config = Some(S3OriginConfig::builder().origin_access_identity("").build());
    origin.custom_origin_config = None;
    let id = origin.id.clone();
    config.origins = Some(
        Origins::builder()
            .quantity(items.len() as i32)
            .set_items(Some(items))
            .build()?,
    );
    Ok(id)
}

// The legacy TTL and forwarding fields are deprecated; they are cleared
// here because a distribution made with them would keep them otherwise.
#[allow(deprecated)]
fn set_behavior(config: &mut DistributionConfig, origin_id: String) -> Result<()> {
    let behavior = match config.default_cache_behavior.take() {
        Some(b) => b,
        None => DefaultCacheBehavior::builder()
            .target_origin_id(&origin_id)
            .viewer_protocol_policy(VIEWER_PROTOCOL)
            .build()?,
    };
    let mut behavior = behavior;
    behavior.target_origin_id = origin_id;
    behavior.viewer_protocol_policy = VIEWER_PROTOCOL;
    behavior.compress = Some(true);
    behavior.cache_policy_id = Some(CACHING_OPTIMIZED.into());
    behavior.response_headers_policy_id = Some(SECURITY_HEADERS.into());
    // A cache policy replaces the legacy TTL and forwarding settings;
    // CloudFront refuses both at once.
    behavior.forwarded_values = None;
    behavior.min_ttl = None;
    behavior.default_ttl = None;
    behavior.max_ttl = None;
    let read = vec![Method::Get, Method::Head];
    behavior.allowed_methods = Some(
        AllowedMethods::builder()
            .quantity(2)
            .set_items(Some(read.clone()))
            .cached_methods(
                CachedMethods::builder()
                    .quantity(2)
                    .set_items(Some(read))
                    .build()?,
            )
            .build()?,
    );
    config.default_cache_behavior = Some(behavior);
    Ok(())
}

/// The error answers of `ERROR_CODES`, replacing any the config had.
fn set_error_responses(config: &mut DistributionConfig) -> Result<()> {
    let mut items: Vec<CustomErrorResponse> = config
        .custom_error_responses
        .take()
        .and_then(|r| r.items)
        .unwrap_or_default()
        .into_iter()
        .filter(|r| !ERROR_CODES.contains(&r.error_code))
        .collect();
    for code in ERROR_CODES {
        items.push(
            CustomErrorResponse::builder()
                .error_code(code)
                .response_page_path(ERROR_PAGE)
                .response_code(ERROR_STATUS)
                .error_caching_min_ttl(60)
                .build()?,
        );
    }
    config.custom_error_responses = Some(
        CustomErrorResponses::builder()
            .quantity(items.len() as i32)
            .set_items(Some(items))
            .build()?,
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provision::model::Oac;
    use crate::provision::names::Names;
    use crate::provision::observe::view;

    fn settings(domains: Option<(Vec<String>, String)>) -> Settings {
        let names = Names::new("b");
        Settings {
            caller_reference: names.caller_reference(0),
            comment: names.comment(),
            origin_domain: names.origin_domain("eu-west-1"),
            oac_id: "OAC1".into(),
            domains,
            function_arn: Some(crate::provision::edge::published(&names).arn),
            function_on_responses: false,
        }
    }

    fn desired() -> Desired {
        Desired {
            names: Names::new("b"),
            region: "eu-west-1".into(),
            domains: Vec::new(),
            ci: None,
            account: "1".into(),
            replace_dns: false,
        }
    }

    fn observed() -> Observed {
        Observed {
            oac: Some(Oac {
                id: "OAC1".into(),
                signing_protocol: "sigv4".into(),
                signing_behavior: "always".into(),
                origin_type: "s3".into(),
            }),
            ..Default::default()
        }
    }

    #[test]
    fn a_new_config_has_no_problems() {
        let config = new_config(&settings(None)).unwrap();
        let d = view(&config, &Names::new("b"));
        assert_eq!(
            distribution_problems(&desired(), &observed(), &d),
            Vec::<String>::new()
        );
        assert!(d.ours);
    }

    #[test]
    fn apply_fixes_a_drifted_config_and_keeps_the_rest() {
        let mut config = new_config(&settings(None)).unwrap();
        config.web_acl_id = Some("waf".into());
        if let Some(b) = config.default_cache_behavior.as_mut() {
            b.viewer_protocol_policy = ViewerProtocolPolicy::AllowAll;
        }
        config.default_root_object = None;
        let d = view(&config, &Names::new("b"));
        let problems = distribution_problems(&desired(), &observed(), &d);
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].contains("allow-all"), "{problems:?}");
        apply(&mut config, &settings(None)).unwrap();
        let d = view(&config, &Names::new("b"));
        assert!(distribution_problems(&desired(), &observed(), &d).is_empty());
        assert_eq!(config.web_acl_id.as_deref(), Some("waf"));
        assert_eq!(config.origins.as_ref().map(|o| o.items.len()), Some(1));
    }

    #[test]
    fn domains_go_on_with_the_certificate() {
        let config =
            new_config(&settings(Some((vec!["a.com".into()], "arn:cert".into())))).unwrap();
        let d = view(&config, &Names::new("b"));
        assert_eq!(d.aliases, ["a.com"]);
        assert_eq!(d.certificate_arn, "arn:cert");
    }
}
