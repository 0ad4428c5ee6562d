//! Integration tests, one module per feature, each against fixture sites on
//! real disk (one test binary, the mdBook `tests/testsuite/` way).

mod harness;

mod bad_input;
mod browser;
mod build_cache;
mod cache_corruption;
mod cdp;
mod check;
mod cli;
mod feeds;
mod front_matter;
mod highlighting;
mod incremental;
mod markdown;
mod output_safety;
mod pagination;
mod provision;
mod publish;
mod sections;
mod serve;
mod taxonomies;
mod templates;
