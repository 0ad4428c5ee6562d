//! Room for the previews of a site with a domain (`crate::preview`): the
//! wildcard name `*.preview.DOMAIN` joins the site's domains, so the one
//! certificate, the distribution's aliases and the A/AAAA alias records
//! cover every preview's host, and the site's function also runs on
//! viewer responses, to mark the previews `noindex`. An existing site
//! gets them on its next `ssg provision`: the plan shows a new
//! certificate (ACM cannot add a name to one), the distribution switched
//! to it, and the new records.

use super::model::Desired;
use crate::preview;

/// The site's domains with the previews' wildcard name last (the first
/// stays the site's own address). Without a domain, none: previews need
/// one. Domains read back from the distribution hold it already.
pub fn with_previews(domains: Vec<String>) -> Vec<String> {
    let (mut site, _): (Vec<String>, Vec<String>) =
        domains.into_iter().partition(|d| !preview::is_wildcard(d));
    if let Some(first) = site.first() {
        let wildcard = preview::wildcard_of(first);
        site.push(wildcard);
    }
    site
}

/// Whether the site has previews (a domain of its own).
pub fn are_on(desired: &Desired) -> bool {
    desired.domains.iter().any(|d| preview::is_wildcard(d))
}

/// The domain preview hosts end with, for the function's first code.
pub fn domain(desired: &Desired) -> Option<String> {
    are_on(desired).then(|| preview::domain_of(&desired.domains[0]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn the_wildcard_goes_last_and_once() {
        assert_eq!(
            with_previews(strings(&["example.com", "www.example.com"])),
            strings(&["example.com", "www.example.com", "*.preview.example.com"])
        );
        assert_eq!(
            with_previews(strings(&["*.preview.example.com", "www.example.com"])),
            strings(&["www.example.com", "*.preview.example.com"])
        );
        assert!(with_previews(Vec::new()).is_empty());
    }
}
