//! ssg: a static site generator with a built-in S3/CloudFront publisher.
//!
//! The build is a pure pipeline — [`build::build`] turns a site folder into
//! a list of [`output::Output`]s in memory — with I/O at its two ends.

pub mod assets;
pub mod authoring;
pub mod build;
pub mod cache;
pub mod check;
pub mod config;
pub mod content;
pub mod data;
pub mod edge;
pub mod error;
pub mod escape;
pub mod fence;
pub mod file_stat;
pub mod hash;
pub mod highlight;
pub mod html_urls;
pub mod images;
pub mod import;
pub mod layout;
pub mod ledger;
pub mod log;
pub mod markdown;
pub mod mime;
pub mod output;
pub mod packed;
pub mod preview;
pub mod provision;
pub mod publish;
pub mod rebase;
pub mod redirects;
pub mod render;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod site;
pub mod slug;
pub mod suggest;
pub mod taxonomy;
pub mod template_helpers;
pub mod templates;
pub mod theme;
pub mod urlpath;

#[cfg(test)]
mod proptests;
