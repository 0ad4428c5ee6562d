//! The rules of a preview, in one room because three others need them:
//! `publish --preview NAME` puts a build under its own key prefix, the
//! edge function maps the preview's host to that prefix, and `provision`
//! makes the wildcard certificate name and DNS records the hosts live
//! under. A preview NAME is served at `NAME.preview.DOMAIN`, DOMAIN being
//! the site's host without a leading `www.`.

use anyhow::{Result, bail};

/// The folder of the previews' objects under the publish prefix. The live
/// site's plan never uploads, deletes, invalidates or rolls back under it
/// (`publish::keys`), and the edge function answers 404 for it on the
/// live host.
pub const KEY_DIR: &str = "_previews/";

/// The DNS label between a preview's name and the site's domain.
pub const HOST_LABEL: &str = "preview";

/// The longest preview name: a DNS label may have 63 characters, and
/// the rest of the name must still fit CloudFront's and ACM's limits.
pub const MAX_NAME: usize = 40;

/// The preview name for `input`: lowercased, every run of characters
/// other than `a`-`z` and `0`-`9` turned into one `-`, `-` trimmed from
/// both ends, cut to [`MAX_NAME`]. So a branch `feature/New_Menu` is
/// `feature-new-menu`. An input with no letter or digit is an error.
pub fn name_of(input: &str) -> Result<String> {
    let mut name = String::new();
    for c in input.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            name.push(c);
        } else if !name.is_empty() && !name.ends_with('-') {
            name.push('-');
        }
    }
    name.truncate(MAX_NAME);
    let name = name.trim_end_matches('-').to_string();
    if name.is_empty() {
        bail!(
            "--preview \"{input}\" has no letter or digit to name a preview by; use a name like pr-12 or my-branch"
        );
    }
    Ok(name)
}

/// Where preview `name`'s objects go: under `prefix` (the publish
/// prefix, empty or ending in `/`).
pub fn key_prefix(prefix: &str, name: &str) -> String {
    format!("{prefix}{KEY_DIR}{name}/")
}

/// The URL path the edge function puts before a preview's URIs, which is
/// where its objects' URLs start in CloudFront's cache and invalidations.
pub fn url_path(name: &str) -> String {
    format!("/{KEY_DIR}{name}")
}

/// The domain preview hosts end with for a site at `site_host`:
/// `preview.example.com` for `example.com` and `www.example.com`.
pub fn domain_of(site_host: &str) -> String {
    let host = site_host.trim_end_matches('.').to_ascii_lowercase();
    let apex = host.strip_prefix("www.").unwrap_or(&host);
    format!("{HOST_LABEL}.{apex}")
}

/// The wildcard name the certificate, the distribution and DNS carry for
/// the previews of a site at `site_host`.
pub fn wildcard_of(site_host: &str) -> String {
    format!("*.{}", domain_of(site_host))
}

/// Whether `domain` is the previews' wildcard name (`*.preview.…`).
pub fn is_wildcard(domain: &str) -> bool {
    domain.starts_with(&format!("*.{HOST_LABEL}."))
}

/// The host of a site's `base_url`, when it names one that is not on
/// CloudFront's own domain (previews need a domain of the site's own).
pub fn site_host(base_url: &str) -> Option<String> {
    let host = crate::urlpath::host(base_url)?;
    let usable = host.contains('.')
        && !host.ends_with(".cloudfront.net")
        && host != "localhost"
        && !host.starts_with("127.");
    usable.then_some(host)
}

/// The address of preview `name` of a site at `site_host`.
pub fn url(name: &str, site_host: &str) -> String {
    format!("https://{name}.{}/", domain_of(site_host))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn branch_names_become_dns_labels() {
        assert_eq!(name_of("pr-123").unwrap(), "pr-123");
        assert_eq!(name_of("feature/New_Menu").unwrap(), "feature-new-menu");
        assert_eq!(name_of("--Fix  it!--").unwrap(), "fix-it");
        assert_eq!(name_of("Ünïcode/ß").unwrap(), "n-code");
        let long = name_of(&format!("{}-b", "a".repeat(39))).unwrap();
        assert_eq!(long, "a".repeat(39), "cut to 40, then the dash trimmed");
        for bad in ["", "///", "__", "é"] {
            let e = name_of(bad).unwrap_err().to_string();
            assert!(e.contains("no letter or digit"), "{bad}: {e}");
        }
    }

    #[test]
    fn keys_urls_and_hosts() {
        assert_eq!(key_prefix("", "pr-1"), "_previews/pr-1/");
        assert_eq!(key_prefix("site/", "pr-1"), "site/_previews/pr-1/");
        assert_eq!(url_path("pr-1"), "/_previews/pr-1");
        assert_eq!(domain_of("www.Example.com"), "preview.example.com");
        assert_eq!(
            wildcard_of("blog.example.com"),
            "*.preview.blog.example.com"
        );
        assert!(is_wildcard("*.preview.example.com"));
        assert!(!is_wildcard("*.example.com"));
        assert_eq!(
            url("pr-1", "example.com"),
            "https://pr-1.preview.example.com/"
        );
    }

    #[test]
    fn only_a_site_of_its_own_domain_has_previews() {
        assert_eq!(
            site_host("https://www.example.com/blog/").as_deref(),
            Some("www.example.com")
        );
        for none in [
            "https://d111.cloudfront.net/",
            "http://127.0.0.1:1111/",
            "http://localhost:1111",
            "/",
        ] {
            assert_eq!(site_host(none), None, "{none}");
        }
    }
}
