//! The `ssg` command line: parses arguments (clap) and runs one function per
//! command. Exit codes: 0 success, 1 failure, 2 usage.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, Result, anyhow};
use clap::{CommandFactory, Parser, Subcommand};
use clap_complete::Shell;

use ssg::build::{self, BuildOptions};
use ssg::check::{self, CheckOptions};
use ssg::config::CONFIG_FILE;
use ssg::error::BuildError;
use ssg::{log, scaffold};

#[derive(Parser)]
#[command(
    name = "ssg",
    // The version and the commit it was built from (build.rs).
    version = env!("SSG_LONG_VERSION"),
    about = "Markdown in, a fast static site out — built, previewed and published to S3/CloudFront"
)]
struct Cli {
    /// Site folder (default: the nearest folder upwards holding ssg.toml)
    #[arg(long, global = true, value_name = "DIR")]
    root: Option<PathBuf>,
    /// Print errors only
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    quiet: bool,
    /// Print the stages of the build and their timings
    #[arg(short, long, global = true)]
    verbose: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create a new site that builds at once
    Init {
        /// Folder to create the site in
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
    /// Create a new post with its front matter filled in
    New {
        /// Path of the new Markdown file, e.g. content/blog/my-post.md
        path: PathBuf,
    },
    /// Build the site into the output folder (public/)
    Build {
        /// Output folder (default: build.output_dir, "public")
        #[arg(short, long, value_name = "DIR")]
        output: Option<PathBuf>,
        /// Include pages marked draft
        #[arg(long)]
        drafts: bool,
        /// Override base_url from ssg.toml
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
        /// Ignore the build cache (.ssg-cache/) and write the output folder whole
        #[arg(long)]
        no_cache: bool,
    },
    /// Preview the site on 127.0.0.1, reloading the browser on every save
    Serve {
        /// Address to listen on (only loopback unless you say otherwise)
        #[arg(short, long, default_value = "127.0.0.1")]
        interface: std::net::IpAddr,
        /// Port; the next free one is taken when it is in use
        #[arg(short, long, default_value_t = 1111)]
        port: u16,
        /// Include pages marked draft
        #[arg(long)]
        drafts: bool,
        /// Open the site in a browser
        #[arg(long)]
        open: bool,
    },
    /// Upload the built site to S3 by content diff and invalidate what changed on CloudFront
    Publish {
        /// Print the plan and change nothing
        #[arg(long)]
        dry_run: bool,
        /// Print the plan and the result as JSON (for CI)
        #[arg(long)]
        json: bool,
        /// Delete more than max_deletes objects without asking
        #[arg(long)]
        force: bool,
        /// Skip the CloudFront invalidation
        #[arg(long)]
        no_invalidate: bool,
        /// Wait until the invalidation has completed
        #[arg(long)]
        wait: bool,
        /// Fail at once, naming the holder, when another publish holds the lease
        #[arg(long)]
        no_wait: bool,
        /// List the bucket even when its manifest is as this machine's last publish left it (finds and repairs changes made behind ssg's back)
        #[arg(long)]
        verify: bool,
        /// Make the live site the previous publish again, or publish N of --history (needs bucket versioning, which `ssg provision` turns on)
        #[arg(long, value_name = "N", num_args = 0..=1, conflicts_with_all = ["history", "verify", "force"])]
        rollback: Option<Option<u64>>,
        /// List the publishes recorded in the bucket: number, date, files, who, which is live
        #[arg(long, conflicts_with_all = ["dry_run", "verify", "force", "no_invalidate", "wait"])]
        history: bool,
        /// Publish the build as preview NAME, served at https://NAME.preview.DOMAIN/ and never indexed (a branch name is made a DNS label: `feature/X_y` is `feature-x-y`)
        #[arg(long, value_name = "NAME", conflicts_with_all = ["rollback", "history"])]
        preview: Option<String>,
        /// With --preview: delete that preview
        #[arg(long, requires = "preview", conflicts_with_all = ["verify", "force"])]
        delete: bool,
        /// List the previews in the bucket
        #[arg(long, conflicts_with_all = ["preview", "rollback", "history", "dry_run", "verify", "force", "no_invalidate", "wait"])]
        previews: bool,
        /// AWS profile to take credentials from (default: AWS_PROFILE or the default chain)
        #[arg(long, env = "AWS_PROFILE")]
        profile: Option<String>,
    },
    /// Create (or check, or destroy) the AWS side: private bucket, CloudFront, certificate, DNS, CI role
    Provision(ProvisionArgs),
    /// Build in memory and check every link of every page; exit 1 on a broken one
    Check {
        /// Include pages marked draft
        #[arg(long)]
        drafts: bool,
        /// Print the report as JSON (for CI)
        #[arg(long)]
        json: bool,
        /// Also check http(s) links to other sites (answers are cached for a day)
        #[arg(long)]
        external: bool,
        /// With --external: requests in flight at once
        #[arg(long, default_value_t = 8, value_name = "N")]
        concurrency: usize,
        /// With --external: seconds one request may take
        #[arg(long, default_value_t = 10, value_name = "SECS")]
        timeout: u64,
    },
    /// Move a Hugo, Zola or Jekyll site into a new ssg site, keeping every URL
    Import {
        /// The site to import (only read, never changed)
        src: PathBuf,
        /// Folder for the new site; must be new or empty (default: SRC-ssg beside SRC)
        dest: Option<PathBuf>,
        /// The kind of site (default: detected from its files)
        #[arg(long, value_enum)]
        from: Option<ssg::import::SourceKind>,
        /// Print the report and write nothing
        #[arg(long)]
        dry_run: bool,
        /// Print the report as JSON
        #[arg(long)]
        json: bool,
    },
    /// Print a shell completion script
    Completions { shell: Shell },
}

#[derive(clap::Args)]
struct ProvisionArgs {
    /// Serve the site on this domain (repeat for more, e.g. the www name)
    #[arg(long = "domain", value_name = "DOMAIN")]
    domains: Vec<String>,
    /// Region of the bucket (default: [publish] region, the AWS configuration's, else us-east-1)
    #[arg(long)]
    region: Option<String>,
    /// Bucket name (default: [publish] bucket, else derived from the domain or the site title)
    #[arg(long)]
    bucket: Option<String>,
    /// Print the plan and change nothing
    #[arg(long)]
    dry_run: bool,
    /// Print the plan and the result as JSON
    #[arg(long)]
    json: bool,
    /// Read the live setup back and list every drift; exit 1 if any
    #[arg(long, conflicts_with_all = ["destroy", "dry_run"])]
    check: bool,
    /// Delete everything ssg provision created for this site
    #[arg(long)]
    destroy: bool,
    /// Do not ask before destroying
    #[arg(long, requires = "destroy")]
    yes: bool,
    /// Do not wait for certificate validation or deployment; rerun later to finish
    #[arg(long)]
    no_wait: bool,
    /// Replace records another host has at the site's names (a www CNAME, an apex A record) in Route 53
    #[arg(long)]
    replace_dns: bool,
    /// Set up publishing from CI (github)
    #[arg(long, value_name = "PROVIDER")]
    ci: Option<String>,
    /// The GitHub repository allowed to publish, OWNER/NAME (default: the git remote's, whose letter case wins)
    #[arg(long, requires = "ci")]
    repo: Option<String>,
    /// The branch allowed to publish
    #[arg(long, default_value = "main", requires = "ci")]
    branch: String,
    /// The git repository whose releases CI installs ssg from (its GitHub releases page)
    #[arg(long, value_name = "URL", requires = "ci")]
    ssg_git: Option<String>,
    /// AWS profile to take credentials from (default: AWS_PROFILE or the default chain)
    #[arg(long, env = "AWS_PROFILE")]
    profile: Option<String>,
}

fn cmd_provision(root: &Path, args: ProvisionArgs) -> Result<bool> {
    ssg::provision::provision(
        root,
        &ssg::provision::ProvisionOptions {
            domains: args.domains,
            region: args.region,
            bucket: args.bucket,
            dry_run: args.dry_run,
            json: args.json,
            check: args.check,
            destroy: args.destroy,
            yes: args.yes,
            no_wait: args.no_wait,
            replace_dns: args.replace_dns,
            ci: args.ci,
            repo: args.repo,
            branch: args.branch,
            ssg_git: args.ssg_git,
            profile: args.profile,
        },
    )
}

/// The site root: `--root`, else the nearest ancestor of the current folder holding ssg.toml.
fn find_root(flag: Option<&Path>) -> Result<PathBuf> {
    if let Some(root) = flag {
        if !root.join(CONFIG_FILE).is_file() {
            return Err(anyhow!("{}: no {CONFIG_FILE} there", root.display()));
        }
        // Absolute, because the file watcher reports absolute paths and
        // they are matched against the root.
        return std::path::absolute(root)
            .with_context(|| format!("cannot resolve {}", root.display()));
    }
    let cwd = std::env::current_dir().context("cannot read the current folder")?;
    cwd.ancestors()
        .find(|dir| dir.join(CONFIG_FILE).is_file())
        .map(Path::to_path_buf)
        .ok_or_else(|| {
            anyhow!(
                "no {CONFIG_FILE} in {} or any folder above it; create a site with `ssg init`",
                cwd.display()
            )
        })
}

fn print_warnings(built: &build::Built) {
    for w in &built.warnings {
        log::warn(&w.to_string());
    }
}

fn cmd_build(root: &Path, output: Option<&Path>, opts: BuildOptions) -> Result<()> {
    let outcome = build::build_into(root, &opts, output)?;
    let (built, folder) = (&outcome.built, &outcome.folder);
    print_warnings(built);
    for link in &built.broken_links {
        log::warn(&link.to_string());
    }
    let out_dir = &folder.dir;
    if !folder.whole {
        log::verbose(&format!(
            "updated the output folder: {} files written, {} removed",
            folder.files_written, folder.files_removed
        ));
    }
    let s = &built.stats;
    log::info(&format!(
        "Built {} pages, {} sections, {} tags → {} ({} files) in {} ms",
        s.pages,
        s.sections,
        s.tags,
        out_dir.strip_prefix(root).unwrap_or(out_dir).display(),
        s.files,
        s.elapsed.as_millis()
    ));
    // The process ends now: freeing every output one by one would only
    // delay the exit.
    std::mem::forget(outcome);
    Ok(())
}

fn cmd_serve(root: &Path, opts: ssg::serve::ServeOptions) -> Result<bool> {
    ssg::serve::serve(root, opts)?;
    Ok(true)
}

/// What `ssg publish` is asked to do.
enum PublishCommand {
    Sync,
    Rollback(Option<u64>),
    History,
    Preview(String),
    DeletePreview(String),
    ListPreviews,
}

fn cmd_publish(
    root: &Path,
    opts: &ssg::publish::PublishOptions,
    command: PublishCommand,
) -> Result<bool> {
    let config = build::load_config(root, &BuildOptions::default())?;
    match command {
        PublishCommand::Sync => drop(ssg::publish::publish(root, &config, opts)?),
        PublishCommand::Rollback(to) => ssg::publish::rollback(&config, opts, to)?,
        PublishCommand::History => ssg::publish::history(&config, opts)?,
        PublishCommand::Preview(name) => drop(ssg::publish::preview(root, &config, opts, &name)?),
        PublishCommand::DeletePreview(name) => ssg::publish::delete_preview(&config, opts, &name)?,
        PublishCommand::ListPreviews => ssg::publish::list_previews(&config, opts)?,
    }
    Ok(true)
}

fn cmd_check(root: &Path, opts: &CheckOptions, json: bool) -> Result<bool> {
    let report = check::check(root, opts)?;
    for w in &report.warnings {
        log::warn(&w.to_string());
    }
    if json {
        println!("{}", report.json());
    } else if report.is_clean() && report.redirects.is_empty() && report.rate_limited.is_empty() {
        log::info(&report.text());
    } else {
        eprintln!("{}", report.text());
    }
    Ok(report.is_clean())
}

fn cmd_init(dir: &Path) -> Result<bool> {
    let written = scaffold::init(dir)?;
    for path in &written {
        log::verbose(&format!("wrote {}", path.display()));
    }
    log::info(&format!(
        "Created a new site in {}. Next: cd {} && ssg build",
        dir.display(),
        dir.display()
    ));
    Ok(true)
}

fn cmd_new(root: Option<&Path>, path: PathBuf) -> Result<bool> {
    let target = if path.is_absolute() {
        path
    } else {
        find_root(root).map(|root| root.join(&path)).unwrap_or(path)
    };
    let today = chrono::Local::now().format("%Y-%m-%d").to_string();
    scaffold::new_post(&target, &today)?;
    log::info(&format!("Created {}", target.display()));
    Ok(true)
}

fn cmd_import(opts: &ssg::import::ImportOptions, json: bool) -> Result<bool> {
    let report = ssg::import::import(opts)?;
    if json {
        println!("{}", report.json());
    } else {
        log::info(&report.text());
    }
    Ok(!report.failed())
}

fn run(cli: Cli) -> Result<bool> {
    match cli.command {
        Command::Init { dir } => cmd_init(&dir),
        Command::New { path } => cmd_new(cli.root.as_deref(), path),
        Command::Build {
            output,
            drafts,
            base_url,
            no_cache,
        } => {
            let root = find_root(cli.root.as_deref())?;
            let opts = BuildOptions {
                drafts,
                base_url,
                use_cache: !no_cache,
                plain_asset_names: false,
            };
            cmd_build(&root, output.as_deref(), opts)?;
            Ok(true)
        }
        Command::Serve {
            interface,
            port,
            drafts,
            open,
        } => {
            let opts = ssg::serve::ServeOptions {
                interface,
                port,
                drafts,
                open,
            };
            cmd_serve(&find_root(cli.root.as_deref())?, opts)
        }
        Command::Publish {
            dry_run,
            json,
            force,
            no_invalidate,
            wait,
            no_wait,
            verify,
            rollback,
            history,
            preview,
            delete,
            previews,
            profile,
        } => {
            let command = match (rollback, history, preview) {
                (Some(to), _, _) => PublishCommand::Rollback(to),
                (None, true, _) => PublishCommand::History,
                (None, false, Some(name)) if delete => PublishCommand::DeletePreview(name),
                (None, false, Some(name)) => PublishCommand::Preview(name),
                (None, false, None) if previews => PublishCommand::ListPreviews,
                (None, false, None) => PublishCommand::Sync,
            };
            let opts = ssg::publish::PublishOptions {
                dry_run,
                json,
                force,
                no_invalidate,
                wait,
                no_wait,
                verify,
                profile,
            };
            cmd_publish(&find_root(cli.root.as_deref())?, &opts, command)
        }
        Command::Provision(args) => cmd_provision(&find_root(cli.root.as_deref())?, args),
        Command::Check {
            drafts,
            json,
            external,
            concurrency,
            timeout,
        } => {
            let root = find_root(cli.root.as_deref())?;
            let opts = CheckOptions {
                drafts,
                external: external.then(|| check::external::Settings {
                    concurrency,
                    timeout: std::time::Duration::from_secs(timeout),
                    ..Default::default()
                }),
            };
            cmd_check(&root, &opts, json)
        }
        Command::Import {
            src,
            dest,
            from,
            dry_run,
            json,
        } => cmd_import(
            &ssg::import::ImportOptions {
                src,
                dest,
                from,
                dry_run,
            },
            json,
        ),
        Command::Completions { shell } => {
            clap_complete::generate(shell, &mut Cli::command(), "ssg", &mut std::io::stdout());
            Ok(true)
        }
    }
}

/// A command whose output ends in a reader that stops early (`ssg build
/// -v | head`) ends quietly, as other command-line tools do, instead of
/// panicking on the broken pipe. Only for commands that talk to no
/// network: the preview server and the AWS clients write to sockets,
/// where the default action of SIGPIPE would end the process on a
/// reader's hang-up.
#[cfg(unix)]
fn end_quietly_on_a_closed_pipe(command: &Command) {
    let offline = matches!(
        command,
        Command::Init { .. }
            | Command::New { .. }
            | Command::Build { .. }
            | Command::Import { .. }
            | Command::Completions { .. }
    );
    if offline {
        // SAFETY: called before any thread starts; SIG_DFL is always valid.
        unsafe {
            libc::signal(libc::SIGPIPE, libc::SIG_DFL);
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    #[cfg(unix)]
    end_quietly_on_a_closed_pipe(&cli.command);
    log::set_level(if cli.quiet {
        0
    } else if cli.verbose {
        2
    } else {
        1
    });
    match run(cli) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(err) => {
            match err.downcast_ref::<BuildError>() {
                Some(build_error) => {
                    for d in &build_error.diagnostics {
                        eprintln!("error: {d}");
                    }
                }
                None => eprintln!("error: {err:#}"),
            }
            ExitCode::from(1)
        }
    }
}

#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;
