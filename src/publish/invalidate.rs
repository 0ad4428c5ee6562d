//! Which URLs a CloudFront invalidation must cover: every changed or
//! deleted object's URLs, collapsed to `/folder/*` when many paths share a
//! folder and to `/*` when most of the site changed or the path budget is
//! exceeded. Hugo sends `/*` on every deploy, emptying every edge cache for a
//! one-line fix; this sends what changed, as the last step of a publish.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::Result;

use super::cloud::Cloud;
use super::job::PublishOptions;
use super::plan::{Plan, Reason};
use crate::config::PublishConfig;
use crate::log;
use crate::urlpath::urls_for;

/// CloudFront allows at most this many wildcard paths in progress.
pub const MAX_WILDCARDS: usize = 15;

/// Percent-encodes what CloudFront requires encoded in a path, keeping `/` and `*`.
pub fn encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        let keep =
            b.is_ascii_alphanumeric() || matches!(b, b'/' | b'*' | b'-' | b'_' | b'.' | b'~');
        if keep {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The invalidation paths for `changed` output paths out of `total` objects.
/// `budget` caps the number of paths sent; past it, folders collapse to
/// wildcards, and past that (or when over half the site changed) to `/*`.
pub fn paths(changed: &[String], total: usize, budget: usize) -> Vec<String> {
    if changed.is_empty() {
        return Vec::new();
    }
    if changed.len() * 2 > total.max(1) {
        return vec!["/*".into()];
    }
    let urls: BTreeSet<String> = changed.iter().flat_map(|p| urls_for(p)).collect();
    if urls.len() <= budget {
        return urls.iter().map(|u| encode(u)).collect();
    }
    // Group by top-level folder; collapse the biggest groups first.
    let mut groups: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for url in urls {
        let folder = url
            .trim_start_matches('/')
            .split_once('/')
            .map(|(f, _)| f.to_string())
            .unwrap_or_default();
        groups.entry(folder).or_default().push(url);
    }
    let mut order: Vec<(String, usize)> = groups
        .iter()
        .filter(|(f, _)| !f.is_empty())
        .map(|(f, v)| (f.clone(), v.len()))
        .collect();
    order.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let mut count: usize = groups.values().map(Vec::len).sum();
    for (wildcards, (folder, n)) in order.into_iter().enumerate() {
        if count <= budget {
            break;
        }
        if wildcards == MAX_WILDCARDS {
            return vec!["/*".into()];
        }
        groups.insert(folder.clone(), vec![format!("/{folder}/*")]);
        count = count - n + 1;
    }
    if count > budget {
        return vec!["/*".into()];
    }
    let mut out: Vec<String> = groups.into_values().flatten().map(|u| encode(&u)).collect();
    out.sort();
    out
}

/// The CloudFront paths this plan changes: objects replaced or deleted (a
/// new object was in no edge cache). None without a distribution.
pub fn paths_for_plan(
    config: &PublishConfig,
    opts: &PublishOptions,
    plan: &Plan,
    prefix: &str,
    total: usize,
) -> Vec<String> {
    if config.distribution_id.is_empty() || opts.no_invalidate {
        return Vec::new();
    }
    let changed_paths: Vec<String> = plan
        .uploads
        .iter()
        .filter(|u| u.reason != Reason::New)
        .map(|u| u.path.clone())
        .chain(
            plan.deletes
                .iter()
                .map(|d| d.key[prefix.len()..].to_string()),
        )
        .collect();
    paths(&changed_paths, total, config.max_invalidation_paths)
}

/// Sends one invalidation and returns its id, after it completed when `wait`.
pub async fn send(
    cloud: &Cloud,
    config: &PublishConfig,
    paths: &[String],
    wait: bool,
) -> Result<String> {
    let reference = format!(
        "ssg-{}-{}",
        std::process::id(),
        chrono::Utc::now().timestamp_millis()
    );
    let id = cloud
        .invalidate(&config.distribution_id, paths, &reference)
        .await?;
    if wait {
        log::info(&format!("waiting for invalidation {id} to complete…"));
        cloud.wait(&config.distribution_id, &id).await?;
    }
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn urls_of_pages_and_files() {
        assert_eq!(urls_for("index.html"), ["/", "/index.html"]);
        assert_eq!(
            urls_for("blog/x/index.html"),
            ["/blog/x/", "/blog/x/index.html"]
        );
        assert_eq!(urls_for("atom.xml"), ["/atom.xml"]);
    }

    #[test]
    fn exact_paths_within_budget() {
        let p = paths(&s(&["blog/x/index.html", "atom.xml"]), 100, 10);
        assert_eq!(p, ["/atom.xml", "/blog/x/", "/blog/x/index.html"]);
        assert!(paths(&[], 100, 10).is_empty());
    }

    #[test]
    fn many_paths_in_one_folder_collapse() {
        let changed: Vec<String> = (0..20)
            .map(|i| format!("tags/t{i}/index.html"))
            .chain(["index.html".into()])
            .collect();
        let p = paths(&changed, 1000, 10);
        assert_eq!(p, ["/", "/index.html", "/tags/*"]);
    }

    #[test]
    fn most_of_the_site_is_everything() {
        let changed = s(&["a.html", "b.html", "c.html"]);
        assert_eq!(paths(&changed, 4, 100), ["/*"]);
    }

    #[test]
    fn encodes_what_cloudfront_needs() {
        assert_eq!(encode("/tags/c++ & rust/"), "/tags/c%2B%2B%20%26%20rust/");
        assert_eq!(encode("/caf\u{e9}/"), "/caf%C3%A9/");
    }
}
