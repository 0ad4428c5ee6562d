//! The GitHub Actions workflow `ssg provision --ci github` writes: publish
//! on every push to the branch, signed in by OIDC as the role provisioning
//! made (no stored keys), with the build cache kept between runs so a CI
//! publish is a warm build. ssg itself comes from its release, not a
//! compile: the release's installer downloads the runner's archive and
//! checks its sha256, in seconds where `cargo install` took minutes.

/// Where the workflow goes, relative to the site root.
pub const PATH: &str = ".github/workflows/publish.yml";

/// The ssg release CI installs: this ssg's own version, so CI builds the
/// site with the ssg that last provisioned it. After an upgrade, `ssg
/// provision` finds the workflow differs and writes the new version.
pub const PINNED_VERSION: &str = env!("CARGO_PKG_VERSION");

/// The `SSG_GIT` a workflow written by [`workflow`] names.
pub fn ssg_git_of(text: &str) -> Option<String> {
    text.lines()
        .find_map(|l| l.trim().strip_prefix("SSG_GIT: "))
        .map(|v| v.trim().to_string())
}

/// The releases page of the repository at `ssg_git` (a URL
/// `names::check_git_url` accepted), where GitHub (and Gitea, Forgejo)
/// serve `download/vVERSION/FILE`: `https://HOST/OWNER/ssg/releases` for
/// `https://HOST/OWNER/ssg.git`, `git@HOST:OWNER/ssg.git` and
/// `ssh://git@HOST/OWNER/ssg.git` alike.
pub fn releases_url(ssg_git: &str) -> String {
    let (host, path) = if let Some(rest) = ssg_git.strip_prefix("git@") {
        rest.split_once(':').unwrap_or((rest, ""))
    } else if let Some(rest) = ssg_git.strip_prefix("ssh://") {
        let rest = rest.split_once('@').map_or(rest, |(_, after)| after);
        let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
        // An ssh port is not the web server's.
        (host.split(':').next().unwrap_or(host), path)
    } else {
        let (scheme, rest) = ssg_git.split_once("://").unwrap_or(("https", ssg_git));
        let path = rest.trim_end_matches('/');
        let path = path.strip_suffix(".git").unwrap_or(path);
        return format!("{scheme}://{path}/releases");
    };
    let path = path.trim_matches('/');
    let path = path.strip_suffix(".git").unwrap_or(path);
    format!("https://{host}/{path}/releases")
}

/// The workflow text for `role_arn` in `region`, on pushes to `branch`,
/// installing ssg [`PINNED_VERSION`] from the releases of `ssg_git`.
pub fn workflow(role_arn: &str, region: &str, branch: &str, ssg_git: &str) -> String {
    let releases = releases_url(ssg_git);
    format!(
        r#"# Written by `ssg provision --ci github`: publishes the site on every push
# to {branch}. It signs in to AWS as {role_arn}
# through GitHub's OIDC provider, so no AWS keys are stored in the repository.
name: publish
on:
  push:
    branches: [{branch}]
  workflow_dispatch:
permissions:
  id-token: write
  contents: read
concurrency:
  group: publish
  cancel-in-progress: false
env:
  # The ssg release CI builds with: the version of the ssg that wrote this
  # file (`ssg provision --ci github` rewrites it after an upgrade).
  SSG_VERSION: {PINNED_VERSION}
  # Where ssg comes from (`ssg provision --ssg-git`) and its releases.
  SSG_GIT: {ssg_git}
  SSG_RELEASES: {releases}
jobs:
  publish:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v5
      - uses: aws-actions/configure-aws-credentials@v5
        with:
          role-to-assume: {role_arn}
          aws-region: {region}
      # The release's installer picks the runner's archive and refuses it
      # unless its sha256 matches the release's .sha256 file.
      - name: Install ssg
        run: |
          curl -fsSL --retry 3 -o "$RUNNER_TEMP/ssg-installer.sh" "$SSG_RELEASES/download/v$SSG_VERSION/ssg-installer.sh"
          SSG_DOWNLOAD_URL="$SSG_RELEASES" SSG_INSTALL_DIR="$HOME/.local/bin" sh "$RUNNER_TEMP/ssg-installer.sh"
          echo "$HOME/.local/bin" >> "$GITHUB_PATH"
      - name: Cache the build cache
        uses: actions/cache@v5
        with:
          path: .ssg-cache
          key: ssg-cache-${{{{ runner.os }}}}-${{{{ github.sha }}}}
          restore-keys: ssg-cache-${{{{ runner.os }}}}-
      - run: ssg build
      - run: ssg publish --json
"#
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn names_the_role_region_branch_and_the_pinned_release() {
        let text = super::workflow(
            "arn:aws:iam::1:role/r",
            "eu-west-1",
            "main",
            "https://git.example.org/me/ssg.git",
        );
        assert!(text.contains("SSG_GIT: https://git.example.org/me/ssg.git"));
        assert!(text.contains("SSG_RELEASES: https://git.example.org/me/ssg/releases"));
        assert!(text.contains(&format!("SSG_VERSION: {}\n", env!("CARGO_PKG_VERSION"))));
        assert!(text.contains("role-to-assume: arn:aws:iam::1:role/r"));
        assert!(text.contains("aws-region: eu-west-1"));
        assert!(text.contains("branches: [main]"));
        assert!(text.contains("key: ssg-cache-${{ runner.os }}-${{ github.sha }}"));
        assert!(text.contains("ssg publish --json"));
        assert!(
            !text.contains("cargo"),
            "CI installs the release, never compiles"
        );
        assert_eq!(
            super::ssg_git_of(&text).as_deref(),
            Some("https://git.example.org/me/ssg.git")
        );
    }

    #[test]
    fn every_git_url_form_names_the_same_releases_page() {
        for url in [
            "https://github.com/me/ssg.git",
            "https://github.com/me/ssg",
            "https://github.com/me/ssg/",
            "git@github.com:me/ssg.git",
            "ssh://git@github.com/me/ssg.git",
            "ssh://git@github.com:22/me/ssg.git",
        ] {
            assert_eq!(
                super::releases_url(url),
                "https://github.com/me/ssg/releases",
                "{url}"
            );
        }
        assert_eq!(
            super::releases_url("http://127.0.0.1:8080/me/ssg.git"),
            "http://127.0.0.1:8080/me/ssg/releases"
        );
    }
}
