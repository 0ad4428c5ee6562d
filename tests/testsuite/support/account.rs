//! The AWS account in the shared moto, as the provision suites set it up
//! and read it back: names unique to one test (every test shares the
//! server), hosted zones and the records in them.

use super::moto::{block, route53};

/// A name no other test in the shared moto uses (one rule, in moto.rs).
pub use super::moto::unique_name as unique;

/// A new public hosted zone for `domain`; its id.
pub fn zone(domain: &str) -> String {
    let out = block(
        route53()
            .create_hosted_zone()
            .name(domain)
            .caller_reference(unique("zone"))
            .send(),
    )
    .expect("create zone");
    out.hosted_zone()
        .expect("zone")
        .id()
        .trim_start_matches("/hostedzone/")
        .to_string()
}

/// (name, type, value or alias target) of every record in a zone.
pub fn records(zone: &str) -> Vec<(String, String, String)> {
    let out = block(
        route53()
            .list_resource_record_sets()
            .hosted_zone_id(zone)
            .send(),
    )
    .expect("records");
    out.resource_record_sets()
        .iter()
        .flat_map(|s| {
            let values: Vec<String> = match s.alias_target() {
                Some(a) => vec![a.dns_name().to_string()],
                None => s
                    .resource_records()
                    .iter()
                    .map(|r| r.value().to_string())
                    .collect(),
            };
            values
                .into_iter()
                .map(|v| (s.name().to_string(), s.r#type().as_str().to_string(), v))
                .collect::<Vec<_>>()
        })
        .collect()
}
