//! The origin access control ssg wants: the config `converge` writes and
//! the check `plan` makes of the one read back, from one set of values, so
//! the writer and the check cannot drift apart (as `distribution.rs` does
//! for the distribution).

use anyhow::Result;
use aws_sdk_cloudfront::types::{
    OriginAccessControlConfig, OriginAccessControlOriginTypes, OriginAccessControlSigningBehaviors,
    OriginAccessControlSigningProtocols,
};

use super::model::Oac;
use super::names::Names;

// CloudFront signs every request to the bucket (SigV4, always), so the
// bucket policy can admit CloudFront alone.
const SIGNING_PROTOCOL: OriginAccessControlSigningProtocols =
    OriginAccessControlSigningProtocols::Sigv4;
const SIGNING_BEHAVIOR: OriginAccessControlSigningBehaviors =
    OriginAccessControlSigningBehaviors::Always;
const ORIGIN_TYPE: OriginAccessControlOriginTypes = OriginAccessControlOriginTypes::S3;

/// The origin access control for the site's bucket, as created or updated.
pub fn config(names: &Names) -> Result<OriginAccessControlConfig> {
    Ok(OriginAccessControlConfig::builder()
        .name(names.oac())
        .description(format!("ssg: CloudFront reads s3://{}", names.bucket))
        .signing_protocol(SIGNING_PROTOCOL)
        .signing_behavior(SIGNING_BEHAVIOR)
        .origin_access_control_origin_type(ORIGIN_TYPE)
        .build()?)
}

/// Each way the origin access control read back differs from `config`, in
/// words (empty: as ssg wants it).
pub fn oac_problems(oac: &Oac) -> Vec<String> {
    let (protocol, behavior, origin_type) = (
        SIGNING_PROTOCOL.as_str(),
        SIGNING_BEHAVIOR.as_str(),
        ORIGIN_TYPE.as_str(),
    );
    let mut why = Vec::new();
    if oac.signing_protocol != protocol || oac.signing_behavior != behavior {
        why.push(format!(
            "signs {}/{}, not {protocol}/{behavior}",
            oac.signing_protocol, oac.signing_behavior
        ));
    }
    if oac.origin_type != origin_type {
        why.push(format!(
            "origin type is {}, not {origin_type}",
            oac.origin_type
        ));
    }
    why
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_back(protocol: &str, behavior: &str, origin_type: &str) -> Oac {
        Oac {
            id: "OAC1".into(),
            signing_protocol: protocol.into(),
            signing_behavior: behavior.into(),
            origin_type: origin_type.into(),
        }
    }

    #[test]
    fn the_oac_ssg_writes_reads_back_clean_and_any_other_is_named() {
        assert_eq!(oac_problems(&read_back("sigv4", "always", "s3")), [""; 0]);
        assert_eq!(
            oac_problems(&read_back("sigv4", "no-override", "mediastore")),
            [
                "signs sigv4/no-override, not sigv4/always",
                "origin type is mediastore, not s3"
            ]
        );
        let written = config(&Names::new("site")).expect("config");
        let observed = read_back(
            written.signing_protocol().as_str(),
            written.signing_behavior().as_str(),
            written.origin_access_control_origin_type().as_str(),
        );
        assert!(oac_problems(&observed).is_empty());
    }
}
