//! The CloudFront Function `ssg publish --dry-run --json` shows, run in
//! Node against CloudFront's event shape (`tests/edge/run.js`) on a real
//! built site: every alias and `[redirects]` entry answers 301 with its
//! `Location` (query string kept), every page's folder URL is served from
//! its `index.html` and its slashless URL is sent to the folder, assets
//! pass through, and no request goes round more than three steps. A
//! preview host (`NAME.preview.DOMAIN`) gets the same answers from the
//! preview's folder and `noindex`; the live host never reaches that folder.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};

use serde_json::{Value, json};

use crate::support::Site;
use crate::support::bucket::{Bucket, output_files};
use crate::support::edge_node::run_function;
use crate::support::moto::moto;

const QUERY: &str = "utm=x&a=1&a=2&flag";

const REDIRECTS: &str = "\"old-feed\" = \"/blog/\"\n\"gone/\" = \"https://elsewhere.example/new?from=ssg#top\"\n\"chain-a\" = \"/chain-b/\"\n\"chain-b\" = \"/blog/a/\"\n";

/// A site with aliases on a page and a section, nested sections, an
/// extensionless static file and `[redirects]` (a chain and another host).
fn site(bucket: &Bucket) -> Site {
    site_with(bucket, "", REDIRECTS)
}

/// The fixture with `publish` added to its `[publish]` and `redirects` as
/// its `[redirects]`.
fn site_with(bucket: &Bucket, publish: &str, redirects: &str) -> Site {
    let config = format!(
        "{}{publish}\n[redirects]\n{redirects}",
        bucket.config(moto())
    );
    Site::with_config(&config)
        .file(
            "content/blog/_index.md",
            "+++\ntitle = \"Blog\"\naliases = [\"/posts/\"]\n+++\n",
        )
        .file(
            "content/blog/a.md",
            "+++\ntitle = \"A\"\ndate = 2024-01-01\naliases = [\"/2019/a/\", \"old/a.html\"]\n+++\nA.\n",
        )
        .file(
            "content/blog/b.md",
            "+++\ntitle = \"B\"\ndate = 2024-01-02\naliases = [\"/vieux/café/\"]\n+++\nB.\n",
        )
        .file("content/docs/_index.md", "+++\ntitle = \"Docs\"\n+++\n")
        .file("content/docs/guide/_index.md", "+++\ntitle = \"Guide\"\n+++\n")
        .file(
            "content/docs/guide/install.md",
            "+++\ntitle = \"Install\"\n+++\nSteps.\n",
        )
        .file("static/logo.svg", "<svg/>")
        .file("static/CNAME", "example.com\n")
}

/// Where each redirect of the fixture must send a request with [`QUERY`].
fn expected_redirects() -> BTreeMap<&'static str, String> {
    let here = |path: &str| format!("{path}?{QUERY}");
    BTreeMap::from([
        ("/posts/", here("/blog/")),
        ("/2019/a/", here("/blog/a/")),
        ("/old/a.html", here("/blog/a/")),
        ("/old-feed/", here("/blog/")),
        ("/chain-a/", here("/blog/a/")),
        ("/chain-b/", here("/blog/a/")),
        // As a browser asks for `/vieux/café/`.
        ("/vieux/caf%C3%A9/", here("/blog/b/")),
        (
            "/gone/",
            format!("https://elsewhere.example/new?from=ssg&{QUERY}#top"),
        ),
    ])
}

/// The function's code from `ssg publish --dry-run --json`.
fn function_code(site: &Site) -> String {
    site.run(&["build"]).success();
    let run = site.run(&["publish", "--dry-run", "--json"]);
    run.success();
    let report: Value = serde_json::from_str(&run.stdout).expect("json report");
    let function = &report["edge_function"];
    assert_eq!(function["redirects"], 8, "{function}");
    assert!(function["note"].is_null(), "{function}");
    let code = function["code"].as_str().expect("code").to_string();
    assert!(code.contains("function handler(event)"), "{code}");
    assert_eq!(function["bytes"], code.len());
    code
}

/// Runs `requests` through the function in Node: each with its steps.
fn run_in_node(code: &str, requests: &[Value]) -> Vec<Value> {
    run_function(code, None, requests)
}

fn request(uri: &str) -> Value {
    json!({"uri": uri, "query": QUERY})
}

/// A request's steps, after checking it ends at a request passed on
/// (never a loop) within three steps.
fn steps(result: &Value) -> &Vec<Value> {
    let steps = result["steps"].as_array().expect("steps");
    let last = steps.last().expect("a step");
    let left = last["location"]
        .as_str()
        .is_some_and(|l| l.starts_with("https://elsewhere.example/"));
    assert!(
        steps.len() <= 3 && (last["uri"].is_string() || left),
        "{} does not end within 3 steps: {result}",
        result["uri"]
    );
    steps
}

#[test]
fn every_redirect_answers_301_with_its_location_and_the_query_kept() {
    let bucket = Bucket::new();
    let site = site(&bucket);
    let code = function_code(&site);
    // Each redirect asked as written, without its slash and as its index.html.
    let expected = expected_redirects();
    let mut asked: Vec<(String, &String)> = Vec::new();
    for (from, to) in &expected {
        asked.push((from.to_string(), to));
        if let Some(slashless) = from.strip_suffix('/') {
            asked.push((slashless.to_string(), to));
            asked.push((format!("{from}index.html"), to));
        }
    }
    let requests: Vec<Value> = asked.iter().map(|(uri, _)| request(uri)).collect();
    let results = run_in_node(&code, &requests);
    assert_eq!(results.len(), asked.len());
    for (result, (_, to)) in results.iter().zip(&asked) {
        let first = &steps(result)[0];
        assert_eq!(first["status"], 301, "{result}");
        assert_eq!(first["location"], to.as_str(), "{result}");
    }
}

#[test]
fn pages_are_served_from_their_folder_and_sent_there_without_the_slash() {
    let bucket = Bucket::new();
    let site = site(&bucket);
    let code = function_code(&site);
    // Every folder with an index.html but the redirect pages (alias.html).
    let pages: Vec<String> = output_files(&site)
        .iter()
        .filter(|(_, bytes)| !String::from_utf8_lossy(bytes).contains("http-equiv=\"refresh\""))
        .filter_map(|(file, _)| file.strip_suffix("index.html"))
        .map(|dir| format!("/{dir}"))
        .collect();
    assert!(!pages.iter().any(|p| p.starts_with("/vieux/")), "{pages:?}");
    for page in [
        "/",
        "/blog/",
        "/blog/a/",
        "/docs/guide/",
        "/docs/guide/install/",
    ] {
        assert!(pages.iter().any(|p| p == page), "{page} in {pages:?}");
    }
    let mut requests = Vec::new();
    for page in &pages {
        requests.push(request(page));
        if page != "/" {
            requests.push(request(page.trim_end_matches('/')));
        }
    }
    for result in run_in_node(&code, &requests) {
        let uri = result["uri"].as_str().expect("uri");
        let steps = steps(&result);
        let folder = if uri.ends_with('/') {
            uri.to_string()
        } else {
            assert_eq!(steps[0]["status"], 301, "{result}");
            assert_eq!(steps[0]["location"], format!("{uri}/?{QUERY}"), "{result}");
            format!("{uri}/")
        };
        let served = steps.last().expect("step");
        assert_eq!(served["uri"], format!("{folder}index.html"), "{result}");
        assert_eq!(served["query"], QUERY, "{result}");
    }
}

#[test]
fn assets_and_extensionless_files_pass_through_unchanged() {
    let bucket = Bucket::new();
    let site = site(&bucket);
    let code = function_code(&site);
    let assets = [
        "/logo.svg",
        "/CNAME",
        "/atom.xml",
        "/sitemap.xml",
        "/404.html",
    ];
    let requests: Vec<Value> = assets.iter().map(|a| request(a)).collect();
    for result in run_in_node(&code, &requests) {
        let steps = steps(&result);
        assert_eq!(steps.len(), 1, "{result}");
        assert_eq!(steps[0]["uri"], result["uri"], "{result}");
        assert_eq!(steps[0]["query"], QUERY, "{result}");
    }
}

#[test]
fn www_goes_to_the_apex_only_when_asked() {
    let bucket = Bucket::new();
    let www = json!({"uri": "/blog/a/", "query": QUERY, "host": "www.example.com"});
    let off = function_code(&site(&bucket));
    let passed = &run_in_node(&off, std::slice::from_ref(&www))[0];
    assert_eq!(steps(passed)[0]["uri"], "/blog/a/index.html", "{passed}");
    let on = function_code(&site_with(&bucket, "www_to_apex = true\n", REDIRECTS));
    let sent = &run_in_node(&on, &[www])[0];
    assert_eq!(sent["steps"][0]["status"], 301, "{sent}");
    assert_eq!(
        sent["steps"][0]["location"],
        format!("https://example.com/blog/a/?{QUERY}"),
        "{sent}"
    );
}

#[test]
fn redirects_that_come_back_to_themselves_are_an_error_naming_the_file() {
    let bucket = Bucket::new();
    let circle = "\"a\" = \"/b/\"\n\"b\" = \"/a/\"\n";
    let site = site_with(&bucket, "", circle);
    site.run(&["build"]).success();
    let run = site.run(&["publish", "--dry-run", "--json"]);
    run.failure();
    assert!(
        run.stderr.contains("ssg.toml [redirects]") && run.stderr.contains("/a/ → /b/ → /a/"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_map_over_cloudfronts_size_limit_keeps_its_redirects_in_the_key_value_store() {
    let bucket = Bucket::new();
    let many: String = (0..300)
        .map(|i| format!("\"old/posts/number-{i}\" = \"/blog/a/\"\n"))
        .collect();
    let site = site_with(&bucket, "", &many);
    site.run(&["build"]).success();
    let run = site.run(&["publish", "--dry-run", "--json"]);
    run.success();
    let report: Value = serde_json::from_str(&run.stdout).expect("json report");
    let function = &report["edge_function"];
    assert_eq!(function["redirects_in"], "key_value_store", "{function}");
    assert!(function["note"].is_null(), "{function}");
    let code = function["code"].as_str().expect("code");
    assert!(
        code.len() <= 10 * 1024 && !code.contains("number-1"),
        "{code}"
    );
    // Without the store the function cannot answer a redirect, and says
    // so rather than sending the visitor on as if there were none.
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("function.js");
    std::fs::write(&file, code).expect("write function");
    let harness = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/edge/run.js");
    let out = Command::new("node")
        .arg(&harness)
        .arg(&file)
        .stdin(Stdio::null())
        .output()
        .expect("node runs");
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("no KeyValueStore"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A request to `uri` on `host`.
fn on_host(uri: &str, host: &str) -> Value {
    json!({"uri": uri, "query": QUERY, "host": host})
}

#[test]
fn a_preview_host_is_served_from_its_folder_with_the_sites_rules_and_noindex() {
    let bucket = Bucket::new();
    let code = function_code(&site(&bucket));
    let host = "pr-7.preview.example.com";
    let requests = [
        on_host("/", host),
        on_host("/blog/a/", host),
        on_host("/docs/guide/install", host),
        on_host("/logo.svg", host),
        on_host("/CNAME", host),
        on_host("/posts/", host),
        on_host("/blog/a/", "PR-7.Preview.Example.com"),
    ];
    let results = run_in_node(&code, &requests);
    let served = |r: &Value| steps(r).last().expect("step")["uri"].clone();
    assert_eq!(served(&results[0]), "/_previews/pr-7/index.html");
    assert_eq!(served(&results[1]), "/_previews/pr-7/blog/a/index.html");
    // The slashless URL is sent to the folder on the preview's own host.
    let install = steps(&results[2]);
    assert_eq!(
        install[0]["location"],
        format!("/docs/guide/install/?{QUERY}")
    );
    assert_eq!(
        install[1]["uri"],
        "/_previews/pr-7/docs/guide/install/index.html"
    );
    assert_eq!(served(&results[3]), "/_previews/pr-7/logo.svg");
    assert_eq!(served(&results[4]), "/_previews/pr-7/CNAME");
    // An alias redirects to a path, which stays on the preview's host.
    let alias = steps(&results[5]);
    assert_eq!(alias[0]["location"], format!("/blog/?{QUERY}"), "{alias:?}");
    assert_eq!(alias[1]["uri"], "/_previews/pr-7/blog/index.html");
    assert_eq!(served(&results[6]), "/_previews/pr-7/blog/a/index.html");
    for result in &results {
        assert_eq!(result["robots"], "noindex", "{result}");
    }
}

#[test]
fn the_live_host_is_untouched_by_previews_and_cannot_reach_them() {
    let bucket = Bucket::new();
    let code = function_code(&site(&bucket));
    let live = [
        on_host("/blog/a/", "example.com"),
        on_host("/_previews/pr-7/index.html", "example.com"),
        on_host("/_previews", "example.com"),
        on_host("/%5Fpreviews/pr-7/", "example.com"),
        // Not a preview host: another domain's, or a name with a dot.
        on_host("/blog/a/", "pr-7.preview.example.org"),
        on_host("/blog/a/", "a.b.preview.example.com"),
        on_host("/blog/a/", "preview.example.com"),
    ];
    let results = run_in_node(&code, &live);
    assert_eq!(steps(&results[0])[0]["uri"], "/blog/a/index.html");
    for hidden in &results[1..4] {
        assert_eq!(hidden["steps"][0]["status"], 404, "{hidden}");
    }
    for other in &results[4..] {
        assert_eq!(steps(other)[0]["uri"], "/blog/a/index.html", "{other}");
    }
    for result in &results {
        assert!(result["robots"].is_null(), "{result}");
    }
}

#[test]
fn a_site_without_a_domain_of_its_own_has_no_preview_hosts() {
    let bucket = Bucket::new();
    let config = bucket.config(moto()).replace(
        "https://example.com",
        "https://d111111abcdef8.cloudfront.net",
    );
    let site = Site::with_config(&config).file("content/a.md", "+++\ntitle = \"A\"\n+++\nA.\n");
    site.run(&["build"]).success();
    let run = site.run(&["publish", "--dry-run", "--json"]);
    run.success();
    let report: Value = serde_json::from_str(&run.stdout).expect("json report");
    let code = report["edge_function"]["code"].as_str().expect("code");
    assert!(code.contains("\"preview\":null"), "{code}");
    let host = "pr-1.preview.d111111abcdef8.cloudfront.net";
    let result = &run_in_node(code, &[on_host("/a/", host)])[0];
    assert_eq!(steps(result)[0]["uri"], "/a/index.html", "{result}");
    assert!(result["robots"].is_null(), "{result}");
}
