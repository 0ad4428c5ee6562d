//! Redirects too many to embed in the edge function (CloudFront's 10 KB
//! limit on its code): `ssg provision` makes a KeyValueStore beside the
//! function and associates it, `ssg publish` writes the redirects there by
//! difference — new ones before the code that needs them is published,
//! stale ones after — and the code only names the map's version; a site
//! whose map fits makes no KeyValueStore call at all; `--rollback` puts
//! back the code and the entries of the publish it returns to; `--destroy`
//! deletes the store after the function. The store (control and data
//! plane) is answered by the relay as AWS documents it
//! (support/key_value_stores.rs), and the function runs in Node on what
//! publish wrote there.

use std::collections::BTreeMap;
use std::io::{Read as _, Write as _};

use serde_json::{Value, json};

use crate::support::Site;
use crate::support::command::run;
use crate::support::edge_node::run_function;
use crate::support::functions;
use crate::support::key_value_stores;
use crate::support::moto::moto;
use crate::support::provision::{
    ApiCalls, blog, position, provision, publish_through, ssg_through,
};
use crate::support::relay::{Relay, Request};

const FUNCTIONS: &str = "/2020-05-31/function";
const QUERY: &str = "utm=x&a=1&a=2&flag";

fn is_store_data(r: &Request) -> bool {
    r.path.starts_with("/key-value-stores/")
}

fn is_update_keys(r: &Request) -> bool {
    is_store_data(r) && r.method == "POST" && r.path.ends_with("/keys")
}

/// `posts` posts with `per_post` aliases each, `tag` in every alias (a
/// new tag moves them all); alias → the page's URL.
fn write_aliased_posts(
    site: &Site,
    posts: usize,
    per_post: usize,
    tag: &str,
) -> BTreeMap<String, String> {
    let mut expected = BTreeMap::new();
    for n in 0..posts {
        let aliases: Vec<String> = (0..per_post)
            .map(|m| format!("/{tag}/2019/01/old-post-number-{n}-alias-{m}/"))
            .collect();
        let list = aliases
            .iter()
            .map(|a| format!("\"{a}\""))
            .collect::<Vec<_>>()
            .join(", ");
        site.write(
            &format!("content/blog/post-{n}.md"),
            format!("---\ntitle: Post {n}\ndate: 2024-01-02\naliases: [{list}]\n---\nBody.\n")
                .as_bytes(),
        );
        for alias in aliases {
            expected.insert(alias, format!("/blog/post-{n}/"));
        }
    }
    expected
}

/// Every alias asked as written, without its slash and as its
/// index.html, through `code` reading `store`: a 301 to its page with the
/// query kept, then the page served — never a loop.
fn assert_every_alias_answers(
    code: &str,
    store: &BTreeMap<String, String>,
    aliases: &BTreeMap<String, String>,
) {
    let mut asked = Vec::new();
    for (alias, page) in aliases {
        let slashless = alias.trim_end_matches('/').to_string();
        for uri in [alias.clone(), slashless, format!("{alias}index.html")] {
            asked.push((json!({"uri": uri, "query": QUERY}), page));
        }
    }
    let requests: Vec<Value> = asked.iter().map(|(r, _)| r.clone()).collect();
    let results = run_function(code, Some(store), &requests);
    for (result, (_, page)) in results.iter().zip(&asked) {
        let steps = result["steps"].as_array().expect("steps");
        assert_eq!(steps[0]["status"], 301, "{result}");
        assert_eq!(steps[0]["location"], format!("{page}?{QUERY}"), "{result}");
        assert_eq!(steps.len(), 2, "{result}");
        assert_eq!(steps[1]["uri"], format!("{page}index.html"), "{result}");
    }
}

#[test]
fn redirects_too_many_to_embed_are_kept_in_the_key_value_store_and_all_answer_301() {
    let (site, bucket) = blog();
    let name = format!("ssg-{bucket}");
    let aliases = write_aliased_posts(&site, 60, 5, "old");
    let (result, relay) = provision(&site, &["provision"]);
    result.success();
    let ops = relay.write_ops();
    let at = |op: &str| {
        (ops.iter().position(|o| o.starts_with(op)))
            .unwrap_or_else(|| panic!("{op} not in {ops:#?}"))
    };
    assert!(at("POST /2020-05-31/key-value-store") < at(&format!("POST {FUNCTIONS}")));
    let create = &relay.bodies(&format!("POST {FUNCTIONS}"))[0];
    assert!(
        create.contains("<KeyValueStoreAssociations><Quantity>1</Quantity>"),
        "{create}"
    );
    assert_eq!(key_value_stores::entries(&name), Some(BTreeMap::new()));

    site.run(&["build"]).success();
    let relay = Relay::start(moto(), functions::rules(None));
    let (seen, report) = publish_through(&site, &relay, &[]);
    assert_eq!(report["result"]["edge_function_updated"], true, "{report}");
    let stored = key_value_stores::entries(&name).expect("store");
    assert_eq!(stored, aliases);
    let writes: Vec<&Request> = seen.iter().filter(|r| is_update_keys(r)).collect();
    assert_eq!(
        writes.len(),
        aliases.len().div_ceil(50),
        "at most 50 keys a call"
    );
    assert!(writes.iter().all(|w| w.header("if-match").is_some()));
    let updated = position(&seen, |r| {
        r.method == "PUT" && r.path == format!("{FUNCTIONS}/{name}")
    });
    let last_write = seen.iter().rposition(is_update_keys).expect("writes");
    assert!(
        last_write < updated,
        "the store is written before the code that reads it"
    );
    let live = functions::live_code(&name).expect("LIVE");
    assert!(
        live.len() <= 10 * 1024 && !live.contains("old-post-number"),
        "{live}"
    );
    assert_every_alias_answers(&live, &stored, &aliases);

    // Nothing changed: no store call at all.
    let (seen, _) = publish_through(&site, &relay, &[]);
    assert!(!seen.iter().any(is_store_data));

    // Moved aliases: the new ones before the code, the old ones deleted
    // only once the code that read them is gone.
    let moved = write_aliased_posts(&site, 60, 5, "older");
    site.run(&["build"]).success();
    // Their 300 meta-refresh pages go: past max_deletes.
    let (seen, _) = publish_through(&site, &relay, &["--force"]);
    let published = position(&seen, |r| r.path == format!("{FUNCTIONS}/{name}/publish"));
    let first_delete = position(&seen, |r| {
        is_update_keys(r) && String::from_utf8_lossy(&r.body).contains("\"Deletes\"")
    });
    assert!(published < first_delete);
    let stored = key_value_stores::entries(&name).expect("store");
    assert_eq!(stored, moved);
    let live = functions::live_code(&name).expect("LIVE");
    assert_every_alias_answers(&live, &stored, &moved);
}

/// A function made by an ssg from before KeyValueStores: a large map is a
/// warning (the folder keys kept, the code left as it is) until `ssg
/// provision` runs again, which makes the store and associates it.
#[test]
fn provision_gives_an_older_function_its_store() {
    let (site, bucket) = blog();
    let name = format!("ssg-{bucket}");
    let aliases = write_aliased_posts(&site, 60, 5, "old");
    provision(&site, &["provision"]).0.success();
    functions::forget_store(&name);
    key_value_stores::forget(&name);
    let (check, _) = provision(&site, &["provision", "--check"]);
    let said = format!("{}{}", check.stdout, check.stderr);
    assert!(said.contains("no KeyValueStore"), "{said}");

    site.run(&["build"]).success();
    let relay = Relay::start(moto(), functions::rules(None));
    let publish = run(ssg_through(&site, &relay.url, &["publish"]));
    publish.success();
    assert!(
        publish.stderr.contains("run `ssg provision` again"),
        "{}",
        publish.stderr
    );
    assert!(!relay.seen().iter().any(is_store_data));

    let (again, relay) = provision(&site, &["provision"]);
    again.success();
    let ops = relay.write_ops();
    assert!(
        ops.iter()
            .any(|o| o.starts_with("POST /2020-05-31/key-value-store")),
        "{ops:#?}"
    );
    assert!(ops.contains(&format!("PUT {FUNCTIONS}/{name}")), "{ops:#?}");
    let relay = Relay::start(moto(), functions::rules(None));
    publish_through(&site, &relay, &[]);
    assert_eq!(key_value_stores::entries(&name), Some(aliases));
}

#[test]
fn a_map_that_fits_in_the_code_makes_no_key_value_store_call() {
    let (site, _) = blog();
    site.write(
        "content/about.md",
        b"---\ntitle: About\naliases: [\"/old-about/\"]\n---\nAbout.\n",
    );
    provision(&site, &["provision"]).0.success();
    site.run(&["build"]).success();
    let relay = Relay::start(moto(), functions::rules(None));
    let (seen, report) = publish_through(&site, &relay, &[]);
    assert_eq!(report["result"]["edge_function_updated"], true);
    assert!(!seen.iter().any(is_store_data));
    assert!(!seen.iter().any(|r| r.path.contains("key-value-store")));
}

#[test]
fn rollback_puts_back_the_code_and_the_entries_of_the_publish_it_returns_to() {
    let (site, bucket) = blog();
    let name = format!("ssg-{bucket}");
    let first = write_aliased_posts(&site, 60, 5, "old");
    provision(&site, &["provision"]).0.success();
    site.run(&["build"]).success();
    let relay = Relay::start(moto(), functions::rules(None));
    publish_through(&site, &relay, &[]);
    let first_code = functions::live_code(&name).expect("LIVE");
    let second = write_aliased_posts(&site, 60, 5, "newer");
    site.run(&["build"]).success();
    publish_through(&site, &relay, &["--force"]);
    assert_eq!(key_value_stores::entries(&name), Some(second));

    let back = run(ssg_through(
        &site,
        &relay.url,
        &["publish", "--rollback", "--json"],
    ));
    back.success();
    let report: Value = serde_json::from_str(&back.stdout).expect("json");
    assert_eq!(report["edge_function_restored"], true, "{report}");
    let live = functions::live_code(&name).expect("LIVE");
    assert_eq!(live, first_code);
    let stored = key_value_stores::entries(&name).expect("store");
    assert_eq!(stored, first);
    assert_every_alias_answers(&live, &stored, &first);
}

#[test]
fn rollback_puts_back_an_embedded_map_too() {
    let (site, bucket) = blog();
    let name = format!("ssg-{bucket}");
    let about = |alias: &str| format!("---\ntitle: About\naliases: [\"{alias}\"]\n---\nAbout.\n");
    site.write("content/about.md", about("/first-about/").as_bytes());
    provision(&site, &["provision"]).0.success();
    site.run(&["build"]).success();
    let relay = Relay::start(moto(), functions::rules(None));
    publish_through(&site, &relay, &[]);
    site.write("content/about.md", about("/second-about/").as_bytes());
    site.run(&["build"]).success();
    publish_through(&site, &relay, &[]);
    assert!(
        functions::live_code(&name)
            .expect("LIVE")
            .contains("/second-about/")
    );

    run(ssg_through(&site, &relay.url, &["publish", "--rollback"])).success();
    let live = functions::live_code(&name).expect("LIVE");
    assert!(
        live.contains(r#""/first-about/":"/about/""#) && !live.contains("/second-about/"),
        "{live}"
    );
}

#[test]
fn destroy_deletes_the_store_after_the_function() {
    let (site, bucket) = blog();
    let name = format!("ssg-{bucket}");
    provision(&site, &["provision"]).0.success();
    assert!(key_value_stores::exists(&name));
    let (gone, relay) = provision(&site, &["provision", "--destroy", "--yes"]);
    gone.success();
    assert!(
        gone.stdout.contains(&format!("KeyValueStore {name}")),
        "{}",
        gone.stdout
    );
    let ops = relay.write_ops();
    let function = ops
        .iter()
        .position(|o| *o == format!("DELETE {FUNCTIONS}/{name}"));
    let store = ops
        .iter()
        .position(|o| o.starts_with("DELETE /2020-05-31/key-value-store/"));
    assert!(function.is_some() && function < store, "{ops:#?}");
    assert!(!key_value_stores::exists(&name));
}

/// The relay answers the data plane as AWS does: a write over an ETag the
/// store no longer has is refused, as are more than 50 keys a call.
#[test]
fn the_stand_in_store_refuses_a_stale_etag_and_oversized_calls() {
    let (site, bucket) = blog();
    let name = format!("ssg-{bucket}");
    provision(&site, &["provision"]).0.success();
    let relay = Relay::start(moto(), functions::rules(None));
    let arn = functions::live_config(&name)
        .and_then(|c| {
            crate::support::text::between(&c, "<KeyValueStoreARN>", "</KeyValueStoreARN>")
                .map(String::from)
        })
        .expect("associated store");
    let path = format!(
        "/key-value-stores/{}/keys",
        arn.replace(':', "%3A").replace('/', "%2F")
    );
    let describe = raw(&relay, "GET", &path.replace("/keys", ""), None, "");
    let etag = crate::support::relay::header(&describe, "etag")
        .expect("etag")
        .to_string();
    let put = r#"{"Puts":[{"Key":"/a/","Value":"/b/"}]}"#;
    assert!(raw(&relay, "POST", &path, Some(&etag), put).starts_with("HTTP/1.1 200"));
    let stale = raw(&relay, "POST", &path, Some(&etag), put);
    assert!(
        stale.starts_with("HTTP/1.1 409") && stale.contains("ConflictException"),
        "{stale}"
    );
    key_value_stores::put_behind_the_back(&name, "/x/", "/y/");
    let many: Vec<Value> = (0..51)
        .map(|i| json!({"Key": format!("/k{i}/"), "Value": "/"}))
        .collect();
    let body = json!({ "Puts": many }).to_string();
    let describe = raw(&relay, "GET", &path.replace("/keys", ""), None, "");
    let etag = crate::support::relay::header(&describe, "etag")
        .expect("etag")
        .to_string();
    let refused = raw(&relay, "POST", &path, Some(&etag), &body);
    assert!(refused.starts_with("HTTP/1.1 400"), "{refused}");
}

/// One raw HTTP request to the relay: the answer's head and body as text.
fn raw(relay: &Relay, method: &str, path: &str, if_match: Option<&str>, body: &str) -> String {
    let address = relay.url.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(address).expect("relay");
    let condition = if_match
        .map(|e| format!("If-Match: {e}\r\n"))
        .unwrap_or_default();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\n{condition}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).expect("send");
    // The relay reads requests until the client is done.
    stream
        .shutdown(std::net::Shutdown::Write)
        .expect("done sending");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("answer");
    answer
}
