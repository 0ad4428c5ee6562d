//! ssg's CloudFront Function run in Node against CloudFront's event shape
//! (`tests/edge/run.js`): each request with the answers it leads to.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};

use serde_json::Value;

/// Runs `requests` through the function `code` in Node: each with its
/// steps. `store`: the KeyValueStore's entries, for a function whose
/// redirects are there (the harness says why that is its one stand-in).
pub fn run_function(
    code: &str,
    store: Option<&BTreeMap<String, String>>,
    requests: &[Value],
) -> Vec<Value> {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("function.js");
    std::fs::write(&file, code).expect("write function");
    let harness = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/edge/run.js");
    let mut command = Command::new("node");
    command.arg(&harness).arg(&file);
    if let Some(entries) = store {
        let stored = dir.path().join("store.json");
        std::fs::write(&stored, serde_json::to_vec(entries).expect("json")).expect("write store");
        command.arg(&stored);
    }
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("node runs (Debian's nodejs)");
    let input = serde_json::to_vec(requests).expect("requests");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(&input)
        .expect("write requests");
    let out = child.wait_with_output().expect("node finishes");
    assert!(
        out.status.success(),
        "node failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("harness json")
}
