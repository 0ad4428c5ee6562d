//! The records another host already has at a name ssg would point at
//! CloudFront: the usual case for someone moving from GitHub Pages or
//! Netlify (a `www` CNAME, an apex A record to the old host).
//!
//! Route 53 refuses an A record where a CNAME of the same name exists
//! ("RRSet of type A … is not permitted because a conflicting RRSet of
//! type CNAME … already exists"), and a change batch is all or nothing, so
//! one such CNAME would keep every alias of the zone from being written on
//! every run; an UPSERT over another host's A record would replace it
//! without a word. Both are found here, shown by the plan, and replaced
//! only when the user says so (`--replace-dns`).

use super::model::{Record, Zone, zone_for};

/// A record in the way of an alias ssg wants, and the alias it blocks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Takeover {
    /// What is there now.
    pub existing: Record,
    /// The alias that would replace it.
    pub alias: Record,
}

impl Takeover {
    /// A CNAME must be deleted in the same batch that writes the alias
    /// (an UPSERT of an A record does not replace it); an A or AAAA record
    /// is replaced by the UPSERT of its own name and type.
    pub fn needs_delete(&self) -> bool {
        self.existing.kind == "CNAME"
    }

    /// One line for the plan: what is there and what ssg would do.
    pub fn describe(&self) -> String {
        format!(
            "{} {} {} is there (another host): ssg would replace it with an {} alias to {}",
            self.existing.name,
            self.existing.kind,
            self.existing.value,
            self.alias.kind,
            self.alias.value.trim_end_matches('.')
        )
    }
}

fn same_name(a: &str, b: &str) -> bool {
    a.trim_end_matches('.')
        .eq_ignore_ascii_case(b.trim_end_matches('.'))
}

/// Every record in `zones` that an alias of `wanted` would replace: a
/// CNAME of the same name, or an A/AAAA of the same name and type that
/// points somewhere else. Each record once, in zone order.
pub fn takeovers(zones: &[Zone], wanted: &[Record]) -> Vec<Takeover> {
    let mut found: Vec<Takeover> = Vec::new();
    for alias in wanted {
        let Some(zone) = zone_for(zones, alias.name.trim_end_matches('.')) else {
            continue;
        };
        for existing in &zone.records {
            let in_the_way = same_name(&existing.name, &alias.name)
                && (existing.kind == "CNAME"
                    || (existing.kind == alias.kind && !same_name(&existing.value, &alias.value)));
            if in_the_way && !found.iter().any(|t| t.existing == *existing) {
                found.push(Takeover {
                    existing: existing.clone(),
                    alias: alias.clone(),
                });
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(name: &str, kind: &str, value: &str) -> Record {
        Record {
            name: name.into(),
            kind: kind.into(),
            value: value.into(),
        }
    }

    fn zone(records: Vec<Record>) -> Vec<Zone> {
        vec![Zone {
            id: "Z".into(),
            name: "example.com.".into(),
            records,
        }]
    }

    fn aliases(name: &str) -> Vec<Record> {
        ["A", "AAAA"]
            .map(|kind| record(name, kind, "d1.cloudfront.net."))
            .to_vec()
    }

    #[test]
    fn a_www_cname_and_an_old_apex_a_record_are_found_once_each() {
        let zones = zone(vec![
            record("example.com.", "A", "185.199.108.153"),
            record("example.com.", "MX", "10 mail.example.com."),
            record("www.example.com.", "CNAME", "me.github.io."),
        ]);
        let mut wanted = aliases("example.com");
        wanted.extend(aliases("www.example.com"));
        let found = takeovers(&zones, &wanted);
        let existing: Vec<&str> = found.iter().map(|t| t.existing.value.as_str()).collect();
        assert_eq!(existing, ["185.199.108.153", "me.github.io."]);
        assert!(!found[0].needs_delete());
        assert!(found[1].needs_delete());
        assert!(
            found[1]
                .describe()
                .contains("www.example.com. CNAME me.github.io.")
        );
    }

    #[test]
    fn ssg_own_aliases_and_other_names_are_not_in_the_way() {
        let mut records = aliases("example.com.");
        records.push(record("blog.example.com.", "CNAME", "elsewhere.net."));
        let found = takeovers(&zone(records), &aliases("example.com"));
        assert!(found.is_empty(), "{found:?}");
    }
}
