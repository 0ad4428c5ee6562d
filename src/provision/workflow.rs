//! The GitHub Actions workflow `ssg provision --ci github` writes: publish
//! on every push to the branch, signed in by OIDC as the role provisioning
//! made (no stored keys), with the ssg binary and the build cache kept
//! between runs so a CI publish is a warm build.

/// Where the workflow goes, relative to the site root.
pub const PATH: &str = ".github/workflows/publish.yml";

/// The `SSG_GIT` a workflow written by [`workflow`] installs ssg from.
pub fn ssg_git_of(text: &str) -> Option<String> {
    text.lines()
        .find_map(|l| l.trim().strip_prefix("SSG_GIT: "))
        .map(|v| v.trim().to_string())
}

/// The workflow text for `role_arn` in `region`, on pushes to `branch`.
pub fn workflow(role_arn: &str, region: &str, branch: &str, ssg_git: &str) -> String {
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
  # Where `cargo install` takes ssg from (`ssg provision --ssg-git`).
  SSG_GIT: {ssg_git}
jobs:
  publish:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: aws-actions/configure-aws-credentials@v4
        with:
          role-to-assume: {role_arn}
          aws-region: {region}
      # The binary is cached under the revision it was built from, so a
      # new commit to SSG_GIT is installed on the next run.
      - name: Find ssg's revision
        id: ssg-rev
        run: echo "rev=$(git ls-remote "$SSG_GIT" HEAD | cut -f1)" >> "$GITHUB_OUTPUT"
      - name: Cache the ssg binary
        id: ssg-binary
        uses: actions/cache@v4
        with:
          path: ~/.cargo/bin/ssg
          key: ssg-bin-${{{{ runner.os }}}}-${{{{ steps.ssg-rev.outputs.rev }}}}
      - name: Install ssg
        if: steps.ssg-binary.outputs.cache-hit != 'true'
        run: cargo install --locked --git "$SSG_GIT" --rev "${{{{ steps.ssg-rev.outputs.rev }}}}" ssg
      - name: Cache the build cache
        uses: actions/cache@v4
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
    fn names_the_role_region_and_branch() {
        let text = super::workflow(
            "arn:aws:iam::1:role/r",
            "eu-west-1",
            "main",
            "https://git.example.org/ssg.git",
        );
        assert!(text.contains("SSG_GIT: https://git.example.org/ssg.git"));
        assert!(text.contains("role-to-assume: arn:aws:iam::1:role/r"));
        assert!(text.contains("aws-region: eu-west-1"));
        assert!(text.contains("branches: [main]"));
        assert!(text.contains("${{ runner.os }}"));
        assert!(text.contains("ssg publish --json"));
    }

    /// The `run:` line of the step named `name`.
    fn step_command(text: &str, name: &str) -> String {
        let after = text
            .split(&format!("- name: {name}\n"))
            .nth(1)
            .expect("step");
        let run = after.lines().find_map(|l| l.trim().strip_prefix("run: "));
        run.expect("run line").to_string()
    }

    fn git(dir: &std::path::Path, args: &[&str]) -> String {
        let out = std::process::Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@example.org"])
            .args(args)
            .current_dir(dir)
            .output()
            .expect("git");
        assert!(out.status.success(), "{out:?}");
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    /// Runs the workflow's revision step (as Actions runs it: bash, with
    /// GITHUB_OUTPUT) against a local repository; its `rev=` output.
    fn revision_step(text: &str, repo: &std::path::Path, output: &std::path::Path) -> String {
        let status = std::process::Command::new("bash")
            .args(["-e", "-c", &step_command(text, "Find ssg's revision")])
            .env("SSG_GIT", repo)
            .env("GITHUB_OUTPUT", output)
            .status()
            .expect("bash");
        assert!(status.success());
        let written = std::fs::read_to_string(output).expect("output");
        let last = written.lines().last().unwrap_or("");
        last.strip_prefix("rev=").unwrap_or("").to_string()
    }

    #[test]
    fn the_binary_cache_key_changes_with_each_commit_of_ssg() {
        let text = super::workflow("arn:aws:iam::1:role/r", "eu-west-1", "main", "URL");
        assert!(
            text.contains("key: ssg-bin-${{ runner.os }}-${{ steps.ssg-rev.outputs.rev }}"),
            "{text}"
        );
        assert!(text.contains("--rev \"${{ steps.ssg-rev.outputs.rev }}\""));
        let dir = tempfile::tempdir().expect("tempdir");
        let repo = dir.path().join("ssg");
        std::fs::create_dir(&repo).expect("mkdir");
        git(&repo, &["init", "-q"]);
        git(&repo, &["commit", "-q", "--allow-empty", "-m", "one"]);
        let output = dir.path().join("output");
        let first = revision_step(&text, &repo, &output);
        assert_eq!(first, git(&repo, &["rev-parse", "HEAD"]));
        git(&repo, &["commit", "-q", "--allow-empty", "-m", "two"]);
        let second = revision_step(&text, &repo, &output);
        assert_eq!(second, git(&repo, &["rev-parse", "HEAD"]));
        assert_ne!(first, second);
    }
}
