//! The GitHub Actions workflow `ssg provision --ci github` writes: publish
//! on every push to the branch, signed in by OIDC as the role provisioning
//! made (no stored keys), with the build cache kept between runs so a CI
//! publish is a warm build. ssg itself comes from its release, not a
//! compile: the release's installer downloads the runner's archive and
//! checks its sha256, in seconds where `cargo install` took minutes.
//! A site with a domain also gets previews of its pull requests (built
//! for the preview's address, commented on the pull request, deleted when
//! it closes), signed in as the preview role, which may write only the
//! previews.

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

/// The pull-request previews of a site with a domain.
#[derive(Debug, Clone, Copy)]
pub struct Previews<'a> {
    /// The domain preview hosts end with (`preview.example.com`).
    pub domain: &'a str,
    /// The role the preview jobs sign in as (never the live one).
    pub role_arn: &'a str,
}

/// The workflow text for `role_arn` in `region`, on pushes to `branch`,
/// installing ssg [`PINNED_VERSION`] from the releases of `ssg_git`. With
/// `previews`, each pull request is also published as preview `pr-N` at
/// `https://pr-N.DOMAIN/` as the preview role, its address commented on
/// the pull request (one comment, edited on each push), and deleted when
/// the pull request is closed.
pub fn workflow(
    role_arn: &str,
    region: &str,
    branch: &str,
    ssg_git: &str,
    previews: Option<&Previews>,
) -> String {
    let releases = releases_url(ssg_git);
    let setup = setup_steps(role_arn, region);
    let (on_pull_requests, live_only, previews) = match previews {
        Some(p) => (
            "  pull_request:\n    types: [opened, synchronize, reopened, closed]\n",
            "    if: github.event_name != 'pull_request'\n",
            preview_jobs(p.domain, &setup_steps(p.role_arn, region)),
        ),
        None => ("", "", String::new()),
    };
    format!(
        r#"# Written by `ssg provision --ci github`: publishes the site on every push
# to {branch}. It signs in to AWS as {role_arn}
# through GitHub's OIDC provider, so no AWS keys are stored in the repository.
name: publish
on:
  push:
    branches: [{branch}]
{on_pull_requests}  workflow_dispatch:
permissions:
  id-token: write
  contents: read
concurrency:
  group: publish-${{{{ github.event.pull_request.number || 'live' }}}}
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
{live_only}    runs-on: ubuntu-latest
    steps:
{setup}      - run: ssg build
      - run: ssg publish --json
{previews}"#
    )
}

/// The steps every job starts with: the checkout, AWS credentials by
/// OIDC, ssg from its release, the build cache.
fn setup_steps(role_arn: &str, region: &str) -> String {
    format!(
        r#"      - uses: actions/checkout@v5
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
"#
    )
}

/// The pull-request jobs: the preview built for its own address and
/// published, its address commented (`gh pr comment --edit-last` keeps
/// one comment per pull request), and the preview deleted on close; `setup`
/// signs in as the preview role.
fn preview_jobs(domain: &str, setup: &str) -> String {
    format!(
        r#"  preview:
    if: github.event_name == 'pull_request' && github.event.action != 'closed'
    runs-on: ubuntu-latest
    permissions:
      id-token: write
      contents: read
      pull-requests: write
    env:
      PREVIEW: pr-${{{{ github.event.number }}}}
      PREVIEW_URL: https://pr-${{{{ github.event.number }}}}.{domain}/
      PR: ${{{{ github.event.number }}}}
      GH_TOKEN: ${{{{ github.token }}}}
    steps:
{setup}      - run: ssg build --base-url "$PREVIEW_URL"
      - run: ssg publish --preview "$PREVIEW"
      - name: Comment the preview's address
        run: |
          body="Preview of this pull request: $PREVIEW_URL (updated for $GITHUB_SHA)"
          gh pr comment "$PR" --repo "$GITHUB_REPOSITORY" --edit-last --body "$body"             || gh pr comment "$PR" --repo "$GITHUB_REPOSITORY" --body "$body"
  preview-delete:
    if: github.event_name == 'pull_request' && github.event.action == 'closed'
    runs-on: ubuntu-latest
    env:
      PREVIEW: pr-${{{{ github.event.number }}}}
    steps:
{setup}      - run: ssg publish --preview "$PREVIEW" --delete
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
            None,
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
    fn with_a_domain_pull_requests_get_a_preview_a_comment_and_a_delete() {
        let without = super::workflow(
            "arn:aws:iam::1:role/r",
            "eu-west-1",
            "main",
            "https://g/me/ssg.git",
            None,
        );
        assert!(
            !without.contains("pull_request:") && !without.contains("--preview"),
            "{without}"
        );
        let previews = super::Previews {
            domain: "preview.example.com",
            role_arn: "arn:aws:iam::1:role/p",
        };
        let text = super::workflow(
            "arn:aws:iam::1:role/r",
            "eu-west-1",
            "main",
            "https://g/me/ssg.git",
            Some(&previews),
        );
        // The live job as the live role, the two preview jobs as theirs.
        assert_eq!(
            text.matches("role-to-assume: arn:aws:iam::1:role/r\n")
                .count(),
            1
        );
        assert_eq!(
            text.matches("role-to-assume: arn:aws:iam::1:role/p\n")
                .count(),
            2
        );
        assert!(text.contains("types: [opened, synchronize, reopened, closed]"));
        assert!(
            text.contains(
                "PREVIEW_URL: https://pr-${{ github.event.number }}.preview.example.com/"
            )
        );
        assert!(text.contains("ssg build --base-url \"$PREVIEW_URL\""));
        assert!(text.contains("ssg publish --preview \"$PREVIEW\"\n"));
        assert!(text.contains("ssg publish --preview \"$PREVIEW\" --delete"));
        assert!(text.contains("pull-requests: write"));
        assert!(text.contains("--edit-last"));
        // The live publish runs on pushes only, once.
        assert!(text.contains("  publish:\n    if: github.event_name != 'pull_request'\n"));
        assert_eq!(text.matches("ssg publish --json").count(), 1);
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
