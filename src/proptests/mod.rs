//! Generated inputs for every parser (issue 12): front matter, Markdown,
//! highlighting, slugs and URL paths, the preview's path resolver,
//! `ssg.toml`, the publish planner, and (issue 26) the shortcode parser
//! and Markdown with shortcodes and render hooks. Each file states the invariants it
//! holds a parser to; a failure found here is fixed in the parser and kept
//! as a named regression test beside the code it broke, with the minimal
//! input proptest shrank it to.
//!
//! CI runs 64 to 512 cases per property (`SSG_PROPTEST_CASES` unset), from
//! a new random seed each run; a long run is
//! `SSG_PROPTEST_CASES=100000 cargo test --release --lib proptests`.
//!
//! Failure persistence is off: proptest's `proptest-regressions/` files hold
//! seeds that replay only while a strategy keeps its exact shape, so a
//! shrunk failure is written down as a readable test instead.

mod authoring;
mod config;
mod front_matter;
mod highlight;
mod markdown;
mod paths;
mod publish_plan;
mod shortcodes;

use proptest::test_runner::Config;

/// The runner's settings for a suite whose CI run takes `ci_cases` cases
/// (chosen so all suites together stay well under two minutes of a debug
/// build on two cores); `SSG_PROPTEST_CASES` sets every suite's count.
pub fn config(ci_cases: u32) -> Config {
    let cases = std::env::var("SSG_PROPTEST_CASES")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(ci_cases);
    Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    }
}
