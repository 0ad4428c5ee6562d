//! The GitHub repository the site's git remote names, spelled as GitHub
//! spells it.
//!
//! GitHub's OIDC `sub` claim (`repo:Owner/Name:ref:refs/heads/main`) is
//! compared by IAM's `StringEquals`, case-sensitively: a role made for
//! `--repo owner/site` when the repository is `Owner/Site` can never be
//! assumed, while provisioning reports success. The remote's URL carries
//! the right case, so `--ci github` takes it from there.

use std::path::Path;
use std::process::{Command, Stdio};

/// `OWNER/NAME` of a GitHub remote URL (`https://github.com/O/N(.git)`,
/// `git@github.com:O/N.git`, `ssh://git@github.com/O/N.git`), as written.
pub fn github_repo_of_url(url: &str) -> Option<String> {
    let url = url.trim();
    let path = [
        "https://github.com/",
        "http://github.com/",
        "ssh://git@github.com/",
        "git@github.com:",
    ]
    .iter()
    .find_map(|prefix| url.strip_prefix(prefix))?;
    let path = path.trim_end_matches('/');
    let path = path.strip_suffix(".git").unwrap_or(path);
    let (owner, name) = path.split_once('/')?;
    (!owner.is_empty() && !name.is_empty() && !name.contains('/'))
        .then(|| format!("{owner}/{name}"))
}

/// The GitHub repository of the `origin` remote of the git repository at
/// `root`, if it has one (no git, no repository, another host: `None`).
pub fn github_repo(root: &Path) -> Option<String> {
    let out = Command::new("git")
        .args(["remote", "get-url", "origin"])
        .current_dir(root)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    github_repo_of_url(&String::from_utf8_lossy(&out.stdout))
}

/// The repository the CI role should trust: `given` (`--repo`) with the
/// remote's letter case when they differ only in case, else `given`; the
/// remote's when nothing is given. The second value is a warning to print.
pub fn choose(given: Option<&str>, remote: Option<&str>) -> (Option<String>, Option<String>) {
    match (given, remote) {
        (Some(given), Some(remote)) if given == remote => (Some(given.into()), None),
        (Some(given), Some(remote)) if given.eq_ignore_ascii_case(remote) => (
            Some(remote.into()),
            Some(format!(
                "--repo {given} differs in letter case from the git remote's {remote}; GitHub's OIDC subject is matched case-sensitively, so the role trusts {remote}"
            )),
        ),
        (Some(given), Some(remote)) => (
            Some(given.into()),
            Some(format!(
                "--repo {given} is not the git remote's repository ({remote}); the role trusts {given}"
            )),
        ),
        (Some(given), None) => (Some(given.into()), None),
        (None, remote) => (remote.map(String::from), None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_github_url_form_keeps_its_letter_case() {
        for url in [
            "https://github.com/Octo/Site.git\n",
            "https://github.com/Octo/Site",
            "git@github.com:Octo/Site.git",
            "ssh://git@github.com/Octo/Site.git",
        ] {
            assert_eq!(
                github_repo_of_url(url).as_deref(),
                Some("Octo/Site"),
                "{url}"
            );
        }
        assert_eq!(github_repo_of_url("https://gitlab.com/Octo/Site.git"), None);
        assert_eq!(github_repo_of_url("https://github.com/Octo"), None);
    }

    #[test]
    fn the_remote_spelling_wins_over_a_case_only_difference_with_a_warning() {
        let (repo, warning) = choose(Some("octo/site"), Some("Octo/Site"));
        assert_eq!(repo.as_deref(), Some("Octo/Site"));
        assert!(warning.is_some_and(|w| w.contains("letter case")));
        assert_eq!(choose(Some("Octo/Site"), Some("Octo/Site")).1, None);
        let (repo, warning) = choose(Some("octo/other"), Some("Octo/Site"));
        assert_eq!(repo.as_deref(), Some("octo/other"));
        assert!(warning.is_some());
        assert_eq!(
            choose(None, Some("Octo/Site")).0.as_deref(),
            Some("Octo/Site")
        );
        assert_eq!(choose(None, None).0, None);
    }
}
