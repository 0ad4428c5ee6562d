//! Integration tests, one module per feature, each against fixture sites on
//! real disk (one test binary, the mdBook `tests/testsuite/` way).

mod support;

mod aws_credentials;
mod aws_rules;
mod bad_input;
mod browser;
mod build_cache;
mod cache_corruption;
mod check;
mod cli;
mod edge_deploy;
mod edge_function;
mod feeds;
mod front_matter;
mod highlighting;
mod hooks_and_data;
mod images;
mod images_in_chromium;
mod import_hugo;
mod import_jekyll;
mod import_zola;
mod incremental;
mod install;
mod kill;
mod markdown;
mod output_safety;
mod pagination;
mod peer_keys;
mod provision;
mod provision_ci;
mod provision_destroy;
mod provision_domain;
mod publish;
mod publish_lease;
mod publish_rollback;
mod publish_scale;
mod search;
mod sections;
mod serve;
mod serve_load;
mod shortcodes;
mod social_cards;
mod taxonomies;
mod templates;
