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
      - name: Cache the ssg binary
        id: ssg-binary
        uses: actions/cache@v4
        with:
          path: ~/.cargo/bin/ssg
          key: ssg-bin-${{{{ runner.os }}}}-${{{{ env.SSG_GIT }}}}
      - name: Install ssg
        if: steps.ssg-binary.outputs.cache-hit != 'true'
        run: cargo install --locked --git "$SSG_GIT" ssg
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
}
