//! The edge function deployed: `ssg provision` creates it, publishes it
//! and has the distribution run it on viewer requests (and a rerun
//! changes nothing); `ssg publish` puts the built site's map in it after
//! the uploads and before the deletes, only when the code changed, and
//! stops storing the folder-key copies it makes needless; `--destroy`
//! deletes it once the distribution is gone. CloudFront Functions are
//! answered by the relay as CloudFront documents them (support/functions.rs).

use crate::support::command::run;
use crate::support::functions;
use crate::support::moto::moto;
use crate::support::provision::{
    ApiCalls, blog, keys, position, provision, publish_through as publish, ssg_through,
};
use crate::support::relay::{Relay, Request};

const FUNCTIONS: &str = "/2020-05-31/function";

fn is_function_write(r: &Request) -> bool {
    r.path.starts_with(FUNCTIONS) && r.changes()
}

#[test]
fn provision_creates_publishes_and_associates_the_function_and_a_rerun_changes_nothing() {
    let (site, bucket) = blog();
    let function = format!("ssg-{bucket}");
    let (dry, relay) = provision(&site, &["provision", "--dry-run"]);
    dry.success();
    assert!(
        dry.stdout
            .contains(&format!("edge function          {function}")),
        "{}",
        dry.stdout
    );
    assert!(!relay.seen().iter().any(is_function_write));

    let (result, relay) = provision(&site, &["provision"]);
    result.success();
    let ops = relay.write_ops();
    let at = |op: &str| {
        ops.iter()
            .position(|o| o == op)
            .unwrap_or_else(|| panic!("{op} not in {ops:#?}"))
    };
    let created = at(&format!("POST {FUNCTIONS}"));
    let published = at(&format!("POST {FUNCTIONS}/{function}/publish"));
    let distribution = at("POST /2020-05-31/distribution?WithTags");
    // CloudFront lets a cache behavior name only a published function.
    assert!(created < published && published < distribution, "{ops:#?}");
    let create = &relay.bodies(&format!("POST {FUNCTIONS}"))[0];
    assert!(
        create.contains("<Runtime>cloudfront-js-2.0</Runtime>"),
        "{create}"
    );
    let sent = &relay.bodies("POST /2020-05-31/distribution?WithTags")[0];
    assert!(
        sent.contains(&format!(
            "<FunctionAssociation><FunctionARN>arn:aws:cloudfront::123456789012:function/{function}</FunctionARN><EventType>viewer-request</EventType></FunctionAssociation>"
        )),
        "{sent}"
    );
    let live = functions::live_code(&function).expect("a LIVE stage");
    assert!(live.contains("function handler(event)"), "{live}");

    let (again, relay) = provision(&site, &["provision"]);
    again.success();
    assert_eq!(relay.write_ops(), Vec::<String>::new());
    let (check, _) = provision(&site, &["provision", "--check"]);
    check.success();
}

#[test]
fn publish_keeps_the_function_in_step_and_drops_the_folder_keys_it_serves() {
    let (site, bucket) = blog();
    let function = format!("ssg-{bucket}");
    site.write(
        "content/about.md",
        b"---\ntitle: About\naliases: [\"/old-about/\"]\n---\nAbout.\n",
    );
    provision(&site, &["provision"]).0.success();
    site.run(&["build"]).success();
    // Straight to moto, which keeps no association: as without the
    // function, the folder keys and slashless redirects go up.
    run(ssg_through(&site, moto(), &["publish"])).success();
    let before = keys(&bucket);
    assert!(
        before.contains(&"blog/a/".to_string()) && before.contains(&"blog/a".to_string()),
        "{before:?}"
    );

    // A dry run names the update and makes none.
    let relay = Relay::start(moto(), functions::rules(None));
    let (seen, report) = publish(&site, &relay, &["--dry-run"]);
    assert_eq!(report["edge_function_update"], function.as_str());
    assert!(!seen.iter().any(is_function_write));

    // The distribution runs the function: the site's map goes in once,
    // after every upload, before the folder keys are deleted.
    let (seen, report) = publish(&site, &relay, &[]);
    assert_eq!(report["result"]["edge_function_updated"], true);
    let writes: Vec<&Request> = seen.iter().filter(|r| is_function_write(r)).collect();
    assert_eq!(writes.len(), 2, "{writes:#?}");
    let updated = position(&seen, |r| {
        r.method == "PUT" && r.path == format!("{FUNCTIONS}/{function}")
    });
    let published = position(&seen, |r| {
        r.method == "POST" && r.path == format!("{FUNCTIONS}/{function}/publish")
    });
    let deleted = position(&seen, Request::batch_delete);
    assert!(updated < published && published < deleted);
    // The relay refuses a stale or missing ETag, as CloudFront does.
    assert!(seen[updated].header("if-match").is_some());
    assert!(
        !seen
            .iter()
            .any(|r| r.method == "PUT" && r.key() == "blog/a/"),
        "folder keys were uploaded again"
    );
    let live = functions::live_code(&function).expect("LIVE");
    assert!(
        live.contains(r#""/old-about/":"/about/""#),
        "the map is not in the LIVE code: {live}"
    );
    let after = keys(&bucket);
    assert!(
        after.contains(&"blog/a/index.html".to_string())
            && !after.contains(&"blog/a/".to_string())
            && !after.contains(&"blog/a".to_string()),
        "{after:?}"
    );

    // Nothing changed: no function write (and no listing: the memory of
    // the last publish holds).
    site.run(&["build"]).success();
    let (seen, report) = publish(&site, &relay, &[]);
    assert!(!seen.iter().any(is_function_write));
    assert_eq!(report["listed"], false);
    assert_eq!(report["result"]["edge_function_updated"], false);

    // A new alias changes the map: one update, one publish, after the uploads.
    site.write(
        "content/about.md",
        b"---\ntitle: About\naliases: [\"/old-about/\", \"/me/\"]\n---\nAbout.\n",
    );
    site.run(&["build"]).success();
    let (seen, _) = publish(&site, &relay, &[]);
    let writes: Vec<String> = seen
        .iter()
        .filter(|r| is_function_write(r))
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert_eq!(
        writes,
        [
            format!("PUT {FUNCTIONS}/{function}"),
            format!("POST {FUNCTIONS}/{function}/publish")
        ]
    );
    let updated = position(&seen, |r| {
        r.path == format!("{FUNCTIONS}/{function}") && r.method == "PUT"
    });
    let last_upload = seen
        .iter()
        .rposition(|r| r.site_put().is_some() && !r.path.starts_with(FUNCTIONS))
        .expect("uploads");
    assert!(last_upload < updated);
    assert!(
        functions::live_code(&function)
            .expect("LIVE")
            .contains(r#""/me/":"/about/""#)
    );

    // A change to the function alone (www → apex) uploads nothing and
    // still updates it: a publish with nothing to upload is not done yet.
    let config = site.read("ssg.toml");
    site.write(
        "ssg.toml",
        format!("{config}www_to_apex = true\n").as_bytes(),
    );
    site.run(&["build"]).success();
    let (seen, report) = publish(&site, &relay, &[]);
    assert_eq!(report["result"]["uploaded"], 0, "{report}");
    assert_eq!(seen.iter().filter(|r| is_function_write(r)).count(), 2);
    assert!(
        functions::live_code(&function)
            .expect("LIVE")
            .contains(r#""apex":"example.com""#)
    );
}

#[test]
fn destroy_deletes_the_function_after_the_distribution() {
    let (site, bucket) = blog();
    let function = format!("ssg-{bucket}");
    provision(&site, &["provision"]).0.success();
    assert!(functions::exists(&function));
    let (gone, relay) = provision(&site, &["provision", "--destroy", "--yes"]);
    gone.success();
    assert!(
        gone.stdout.contains(&format!("function {function}")),
        "{}",
        gone.stdout
    );
    let ops = relay.write_ops();
    let distribution = ops
        .iter()
        .position(|o| o.starts_with("DELETE /2020-05-31/distribution/"))
        .expect("distribution deleted");
    let deleted = ops
        .iter()
        .position(|o| *o == format!("DELETE {FUNCTIONS}/{function}"))
        .unwrap_or_else(|| panic!("{ops:#?}"));
    assert!(distribution < deleted, "{ops:#?}");
    assert!(!functions::exists(&function));
}

/// The first publish the function serves deletes every page's folder-key
/// copy and slashless redirect: about twice the pages, past a small
/// `max_deletes`. Those are ssg's own keys, not content: the publish goes
/// through without `--force`, the plan counting them apart; a publish
/// that drops real pages past the limit is still refused.
#[test]
fn max_deletes_counts_pages_not_the_folder_keys_the_function_makes_needless() {
    let (site, bucket) = blog();
    for n in 0..4 {
        site.write(
            &format!("content/blog/extra-{n}.md"),
            format!(
                "---\ntitle: Extra {n}\ndate: 2024-02-0{}\n---\nMore.\n",
                n + 1
            )
            .as_bytes(),
        );
    }
    provision(&site, &["provision"]).0.success();
    let config = site.read("ssg.toml");
    site.write("ssg.toml", format!("{config}max_deletes = 3\n").as_bytes());
    site.run(&["build"]).success();
    run(ssg_through(&site, moto(), &["publish"])).success();
    assert!(keys(&bucket).contains(&"blog/extra-0".to_string()));

    let relay = Relay::start(moto(), functions::rules(None));
    let (_, dry) = publish(&site, &relay, &["--dry-run"]);
    let deletes = dry["plan"]["deletes"].as_array().expect("deletes");
    assert!(deletes.len() > 3, "{dry}");
    assert!(
        deletes.iter().all(|d| d["directory_key"] == true),
        "{deletes:#?}"
    );
    let (_, report) = publish(&site, &relay, &[]);
    assert_eq!(report["result"]["deleted"], deletes.len(), "{report}");
    let after = keys(&bucket);
    assert!(
        !after.contains(&"blog/extra-0".to_string())
            && after.contains(&"blog/extra-0/index.html".to_string()),
        "{after:?}"
    );

    for n in 0..4 {
        std::fs::remove_file(site.root().join(format!("content/blog/extra-{n}.md")))
            .expect("remove post");
    }
    site.run(&["build"]).success();
    let refused = run(ssg_through(&site, &relay.url, &["publish"]));
    refused.failure();
    assert!(
        refused
            .stderr
            .contains("refusing to delete 4 pages and files"),
        "{}",
        refused.stderr
    );
    assert!(keys(&bucket).contains(&"blog/extra-0/index.html".to_string()));
}
