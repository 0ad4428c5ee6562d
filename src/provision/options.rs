//! What `ssg provision` was asked on the command line: one value the
//! command reads and hands to `--destroy`, kept in its own room so
//! `destroy` does not reach up to the module that calls it.

#[derive(Debug, Clone, Default)]
pub struct ProvisionOptions {
    pub domains: Vec<String>,
    pub region: Option<String>,
    pub bucket: Option<String>,
    pub dry_run: bool,
    pub json: bool,
    pub check: bool,
    pub destroy: bool,
    pub yes: bool,
    pub no_wait: bool,
    /// Replace another host's records at the site's names in Route 53.
    pub replace_dns: bool,
    pub ci: Option<String>,
    pub repo: Option<String>,
    pub branch: String,
    /// With `--ci`: the git repository CI installs ssg from.
    pub ssg_git: Option<String>,
    pub profile: Option<String>,
}
