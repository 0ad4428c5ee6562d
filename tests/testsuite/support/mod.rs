//! What the suites share, in one place: every suite imports from here and
//! never from another suite (the mdBook `tests/testsuite/` way). Fixture
//! sites and the `ssg` runner first; then the real servers some suites
//! need: moto, a recording relay in front of it, `ssg serve`, chromium.
//! README.md beside main.rs says what each starts and needs installed.

pub mod account;
pub mod bucket;
pub mod cdp;
pub mod command;
pub mod edge_node;
pub mod functions;
pub mod iam_policy;
pub mod images;
pub mod import;
pub mod key_value_stores;
pub mod moto;
pub mod provision;
pub mod relay;
pub mod remote;
pub mod server;
pub mod site;
pub mod static_host;
pub mod text;

pub use command::{Run, run_in};
pub use site::{CONFIG, Site, has_output, output, post, snapshot};
