//! Publishes that meet: the lease (`PREFIX.ssg-publish.lock`), the manifest
//! written only over the version read, an endpoint without conditional
//! writes, and `ssg publish` killed (SIGKILL) after each of its writes.
//!
//! moto (5.2) answers `If-None-Match: *` and `If-Match` on PutObject and
//! `If-Match` on DeleteObject with 412 as S3 does, so the lease is tested
//! for real; its check and its store are not one atomic step, which is why
//! ssg reads the lock back after taking it. The binary talks to moto
//! through a relay (below) that records every request with its headers and
//! can act after the Nth write reached the server: kill the process before
//! it hears the answer, or change the bucket behind its back.

use std::collections::{BTreeMap, BTreeSet};
use std::process::{Child, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::support::bucket::{
    Bucket, LOCK, MANIFEST, assert_holds, blog, output_files, publish, publish_args,
    publish_through,
};
use crate::support::command::finish_within;
use crate::support::moto::{moto, runtime, s3};
use crate::support::relay::{Hook, Message, Relay, Request, Rules};
use crate::support::{Run, Site, post};

/// A relay that calls `hook` after each write reached the server.
fn after_write(hook: Hook) -> Rules {
    Rules {
        after_write: Some(hook),
        ..Rules::default()
    }
}

/// An endpoint without conditional writes: the condition headers are dropped.
fn drop_conditions(request: &mut Message) {
    request.head = request
        .head
        .split("\r\n")
        .filter(|l| {
            let name = l.split(':').next().unwrap_or("").trim();
            !name.eq_ignore_ascii_case("if-match") && !name.eq_ignore_ascii_case("if-none-match")
        })
        .collect::<Vec<_>>()
        .join("\r\n");
}

fn spawn_publish(site: &Site, args: &[&str]) -> Child {
    site.command(&publish_args(args))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn ssg publish")
}

/// Waits for `child` and returns how it ended; a run still going after a
/// minute fails the test.
#[track_caller]
fn finish(child: Child) -> Run {
    finish_within(child, Duration::from_secs(60))
        .unwrap_or_else(|| panic!("ssg publish did not finish within 60 s"))
}

// ---------------------------------------------------------------------------
// Two at once, stale and held leases

#[test]
fn two_publishes_of_different_builds_at_once_leave_exactly_one_of_them() {
    let bucket = Bucket::new();
    let relays = [Relay::to(moto()), Relay::to(moto())];
    let sites = [
        blog(&bucket.config(&relays[0].url), "one", 6),
        blog(&bucket.config(&relays[1].url), "two", 6),
    ];
    let builds: Vec<BTreeMap<String, Vec<u8>>> = sites
        .iter()
        .map(|site| {
            site.run(&["build"]).success();
            output_files(site)
        })
        .collect();
    assert_ne!(builds[0], builds[1]);
    let mut waited = 0;
    // Where each round's requests start, per relay.
    let mut rounds: Vec<[usize; 2]> = Vec::new();
    for round in 0..3 {
        rounds.push([relays[0].seen().len(), relays[1].seen().len()]);
        let children: Vec<Child> = sites.iter().map(|s| spawn_publish(s, &[])).collect();
        let runs: Vec<Run> = children.into_iter().map(finish).collect();
        for run in &runs {
            assert_eq!(run.code, 0, "round {round}: {}", run.stderr);
            waited += usize::from(run.stderr.contains("waiting for the publish of"));
        }
        let site = bucket.site();
        let winner = builds
            .iter()
            .position(|b| *b == site)
            .unwrap_or_else(|| panic!("round {round}: the bucket is neither build"));
        assert_holds(&bucket, &builds[winner]);
        assert!(
            !bucket.objects().contains_key(LOCK),
            "the lease was not given back"
        );
    }
    assert!(
        waited > 0,
        "the publishes never met: the test proves nothing"
    );
    // Every lock went up with If-None-Match: *, every manifest over the
    // version read at the start, every release with If-Match.
    for (r, relay) in relays.iter().enumerate() {
        let seen = relay.seen();
        let lock_puts: Vec<&Request> = seen
            .iter()
            .filter(|r| r.method == "PUT" && r.key() == LOCK)
            .collect();
        assert!(!lock_puts.is_empty());
        for put in lock_puts {
            assert_eq!(put.header("if-none-match"), Some("*"), "{}", put.head);
        }
        for put in seen
            .iter()
            .filter(|r| r.method == "PUT" && r.key() == MANIFEST)
        {
            assert!(
                put.header("if-match").is_some() || put.header("if-none-match") == Some("*"),
                "an unconditional manifest write: {}",
                put.head
            );
        }
        // One release per run that took the lease (a run that found the
        // bucket as it left it and nothing to do takes none).
        for (round, starts) in rounds.iter().enumerate() {
            let end = rounds.get(round + 1).map_or(seen.len(), |next| next[r]);
            let requests = &seen[starts[r]..end];
            let took = requests
                .iter()
                .any(|q| q.method == "PUT" && q.key() == LOCK);
            let releases = requests
                .iter()
                .filter(|q| q.method == "DELETE" && q.key() == LOCK)
                .count();
            assert_eq!(
                releases,
                usize::from(took),
                "round {round}: one release per lease"
            );
        }
        for delete in seen
            .iter()
            .filter(|r| r.method == "DELETE" && r.key() == LOCK)
        {
            assert!(delete.header("if-match").is_some(), "{}", delete.head);
        }
    }
}

#[test]
fn a_stale_lease_is_taken_over() {
    let bucket = Bucket::new();
    let site = blog(&bucket.config(moto()), "stale", 0);
    site.run(&["build"]).success();
    bucket.lock_held_by("elsewhere:1:0badf00d", chrono::Duration::hours(2));
    let run = publish(&site, &[]);
    run.success();
    assert!(
        run.stderr
            .contains("taking over the publish lease of elsewhere:1:0badf00d")
            && run.stderr.contains("lease_timeout = 900 s"),
        "{}",
        run.stderr
    );
    assert_holds(&bucket, &output_files(&site));
    assert!(!bucket.objects().contains_key(LOCK));

    // A shorter lease_timeout makes a younger lock stale. (Something to
    // publish: a publish with nothing to do takes no lease.)
    bucket.lock_held_by("elsewhere:2:0badf00d", chrono::Duration::seconds(30));
    publish_through(&site, &bucket, moto(), "lease_timeout = 10\n");
    site.write("static/new.txt", b"new");
    site.run(&["build"]).success();
    let run = publish(&site, &[]);
    run.success();
    assert!(
        run.stderr.contains("lease_timeout = 10 s"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_held_lease_makes_no_wait_fail_naming_the_holder_and_a_publish_wait() {
    let bucket = Bucket::new();
    let site = blog(&bucket.config(moto()), "held", 0);
    site.run(&["build"]).success();
    bucket.lock_held_by("ci-runner-7:4242:cafe0001", chrono::Duration::seconds(75));

    let run = publish(&site, &["--no-wait"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("ci-runner-7:4242:cafe0001")
            && run.stderr.contains("nothing was changed"),
        "{}",
        run.stderr
    );
    assert!(bucket.site().is_empty(), "--no-wait wrote");

    // A dry run takes no lease but says it is held.
    let run = publish(&site, &["--dry-run"]);
    run.success();
    assert!(
        run.stderr.contains("ci-runner-7:4242:cafe0001"),
        "{}",
        run.stderr
    );

    // Without --no-wait it waits, says for whom, and goes on once the lock is gone.
    let child = spawn_publish(&site, &[]);
    std::thread::sleep(Duration::from_secs(3));
    assert!(
        bucket.site().is_empty(),
        "published while the lease was held"
    );
    runtime()
        .block_on(s3().delete_object().bucket(&bucket.name).key(LOCK).send())
        .expect("release");
    let run = finish(child);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("waiting for the publish of ci-runner-7:4242:cafe0001"),
        "{}",
        run.stderr
    );
    assert_holds(&bucket, &output_files(&site));
}

#[test]
fn a_manifest_changed_by_another_publish_stops_the_run_before_any_delete() {
    let bucket = Bucket::new();
    let site = blog(&bucket.config(moto()), "v1", 0);
    site.run(&["build"]).success();
    publish(&site, &[]).success();

    std::fs::remove_file(site.root().join("content/about.md")).expect("rm");
    site.write(
        "content/blog/a.md",
        post("Alpha", "2024-01-01", &["x"], "Edited.").as_bytes(),
    );
    site.run(&["build"]).success();
    // Another writer (one without the lease) replaces the manifest while
    // this publish uploads.
    let other = Bucket {
        name: bucket.name.clone(),
    };
    let changed = AtomicBool::new(false);
    let hook: Hook = Box::new(move |_, request| {
        if request.site_put().is_some() && !changed.swap(true, Ordering::SeqCst) {
            other.put(MANIFEST, b"{\"version\":1,\"objects\":{}}");
        }
        false
    });
    let relay = Relay::start(moto(), after_write(hook));
    publish_through(&site, &bucket, &relay.url, "");
    let run = publish(&site, &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("another publish changed")
            && run.stderr.contains("nothing was deleted"),
        "{}",
        run.stderr
    );
    assert!(
        bucket.objects().contains_key("about/index.html"),
        "deleted after the manifest changed"
    );
    assert!(!relay.seen().iter().any(Request::batch_delete));
    let manifest_put = relay
        .seen()
        .into_iter()
        .find(|r| r.method == "PUT" && r.key() == MANIFEST)
        .expect("a manifest write");
    assert!(
        manifest_put.header("if-match").is_some(),
        "not over the version read: {}",
        manifest_put.head
    );
    assert!(
        !bucket.objects().contains_key(LOCK),
        "the lease was not given back"
    );
}

#[test]
fn an_endpoint_without_conditional_writes_is_named_once_and_publishing_goes_on() {
    let bucket = Bucket::new();
    let relay = Relay::start(
        moto(),
        Rules {
            on_request: Some(drop_conditions),
            ..Rules::default()
        },
    );
    let site = blog(&bucket.config(&relay.url), "old", 0);
    site.run(&["build"]).success();
    for _ in 0..2 {
        let run = publish(&site, &[]);
        run.success();
        assert_eq!(
            run.stderr
                .matches("does not support conditional writes")
                .count(),
            1,
            "{}",
            run.stderr
        );
        assert_holds(&bucket, &output_files(&site));
        assert!(!bucket.objects().contains_key(LOCK));
    }
}

#[test]
fn ctrl_c_gives_the_lease_back() {
    let bucket = Bucket::new();
    let pid = Arc::new(AtomicU32::new(0));
    let hook: Hook = {
        let pid = pid.clone();
        // Ctrl-C while the first upload is answered.
        Box::new(move |_, request| {
            if request.site_put().is_some() && pid.load(Ordering::SeqCst) != 0 {
                let _ = std::process::Command::new("kill")
                    .args(["-INT", &pid.swap(0, Ordering::SeqCst).to_string()])
                    .status();
            }
            false
        })
    };
    let relay = Relay::start(moto(), after_write(hook));
    let site = blog(&bucket.config(&relay.url), "int", 4);
    site.run(&["build"]).success();
    let child = spawn_publish(&site, &[]);
    pid.store(child.id(), Ordering::SeqCst);
    let run = finish(child);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("interrupted"), "{}", run.stderr);
    relay.settle();
    assert!(
        !bucket.objects().contains_key(LOCK),
        "the lease was left behind"
    );
}

// ---------------------------------------------------------------------------
// SIGKILL

/// When a publish is killed.
#[derive(Debug, Clone, Copy)]
enum Kill {
    /// Right after its Nth write reached the server, before it heard the answer.
    AfterWrite(usize),
    /// This long after it started.
    AfterTime(Duration),
}

/// Publishes `to` over `from` and kills the run (SIGKILL) at `kill`. Checks
/// the state left, then that a rerun converges uploading only what had not
/// landed. Returns false when the run finished before the kill.
///
/// With `same_machine`, all three publishes go through one endpoint from
/// one site folder, so the killed run and the rerun start from the
/// manifest remembered by the first (`.ssg-cache/`); else each goes
/// through an endpoint of its own and lists the bucket.
fn killed_run(
    kill: Kill,
    from: &BTreeMap<String, Vec<u8>>,
    to: &BTreeMap<String, Vec<u8>>,
    same_machine: bool,
) -> bool {
    let bucket = Bucket::new();
    let site = Site::with_config(&bucket.config(moto()));
    let install = |build: &BTreeMap<String, Vec<u8>>| {
        let _ = std::fs::remove_dir_all(site.root().join("public"));
        for (path, bytes) in build {
            site.write(&format!("public/{path}"), bytes);
        }
    };
    let killer = Killer::default();
    let relay = Relay::start(
        moto(),
        Rules {
            after_write: killer.hook(kill),
            ..Rules::default()
        },
    );
    install(from);
    if same_machine {
        publish_through(&site, &bucket, &relay.url, "");
    }
    publish(&site, &[]).success();
    install(to);
    // lease_timeout only bounds the test: the killed holder is found gone by its pid.
    publish_through(&site, &bucket, &relay.url, "lease_timeout = 60\n");
    let killed_from = relay.seen().len();
    killer.base.store(relay.writes(), Ordering::SeqCst);
    let mut child = spawn_publish(&site, &[]);
    killer.pid.store(child.id(), Ordering::SeqCst);
    if let Kill::AfterTime(delay) = kill {
        std::thread::sleep(delay);
        // SIGKILL; the child is not reaped yet, so its pid is still its own.
        let _ = child.kill();
    }
    let run = finish(child);
    relay.settle();
    killer.base.store(usize::MAX, Ordering::SeqCst);
    let killed = run.code == -1;
    if let Kill::AfterWrite(_) = kill {
        assert_eq!(
            killed,
            killer.fired.load(Ordering::SeqCst),
            "{kill:?}: {}",
            run.stderr
        );
    }
    if !killed {
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert_holds(&bucket, to);
        return false;
    }

    let seen = relay.seen()[killed_from..].to_vec();
    assert!(
        !same_machine || !seen.iter().any(Request::list),
        "{kill:?}: the killed run listed instead of planning from its memory"
    );
    assert_deletes_came_last(kill, &seen, from, to);
    let left = bucket.site();
    let removed: Vec<&String> = from.keys().filter(|k| !to.contains_key(*k)).collect();
    if removed.iter().any(|k| !left.contains_key(*k)) {
        for (key, bytes) in to {
            assert_eq!(
                left.get(key),
                Some(bytes),
                "{kill:?}: {key} deleted-from before it was uploaded"
            );
        }
    }

    let fresh;
    let relay = if same_machine {
        relay.revive();
        &relay
    } else {
        fresh = Relay::to(moto());
        publish_through(&site, &bucket, &fresh.url, "lease_timeout = 60\n");
        &fresh
    };
    assert_rerun_finishes(kill, &site, &bucket, relay, &left, to);
    true
}

/// What a kill after a write shares with the relay's hook: the pid to kill,
/// whether it was killed, and the write count the kill counts from (never
/// while it is usize::MAX).
struct Killer {
    pid: Arc<AtomicU32>,
    fired: Arc<AtomicBool>,
    base: Arc<AtomicUsize>,
}

impl Default for Killer {
    fn default() -> Killer {
        Killer {
            pid: Arc::new(AtomicU32::new(0)),
            fired: Arc::new(AtomicBool::new(false)),
            base: Arc::new(AtomicUsize::new(usize::MAX)),
        }
    }
}

impl Killer {
    /// The relay's hook that SIGKILLs the run right after its Nth write
    /// reached the server, for `Kill::AfterWrite(n)`; none for a timed kill.
    fn hook(&self, kill: Kill) -> Option<Hook> {
        let Kill::AfterWrite(kill_at) = kill else {
            return None;
        };
        let (pid, fired, base) = (self.pid.clone(), self.fired.clone(), self.base.clone());
        Some(Box::new(move |n, _| {
            let from = base.load(Ordering::SeqCst);
            if from == usize::MAX || n != from + kill_at {
                return false;
            }
            let deadline = Instant::now() + Duration::from_secs(5);
            while pid.load(Ordering::SeqCst) == 0 && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(5));
            }
            let _ = std::process::Command::new("kill")
                .args(["-KILL", &pid.load(Ordering::SeqCst).to_string()])
                .status();
            fired.store(true, Ordering::SeqCst);
            true
        }))
    }
}

/// In the killed run's requests (`seen`), deletes came only after every
/// upload succeeded, and after the manifest that records them.
#[track_caller]
fn assert_deletes_came_last(
    kill: Kill,
    seen: &[Request],
    from: &BTreeMap<String, Vec<u8>>,
    to: &BTreeMap<String, Vec<u8>>,
) {
    let Some(first_delete) = seen.iter().position(Request::batch_delete) else {
        return;
    };
    let planned: BTreeSet<&String> = to
        .iter()
        .filter(|(k, b)| from.get(*k) != Some(b))
        .map(|(k, _)| k)
        .collect();
    let before: BTreeSet<&str> = seen[..first_delete]
        .iter()
        .filter_map(Request::site_put)
        .collect();
    assert!(
        planned.iter().all(|k| before.contains(k.as_str())),
        "{kill:?}: a delete before every upload"
    );
    let last_upload = seen[..first_delete]
        .iter()
        .rposition(|r| r.site_put().is_some());
    let last_root = seen[..first_delete].iter().rposition(Request::root_put);
    assert!(
        last_root > last_upload,
        "{kill:?}: a delete before the manifest that records the uploads"
    );
}

/// The rerun through `relay` takes over the dead run's lease, uploads
/// exactly what had not landed (what `left` lacks of `to`), and ends with
/// the bucket and the manifest equal to the build.
#[track_caller]
fn assert_rerun_finishes(
    kill: Kill,
    site: &Site,
    bucket: &Bucket,
    relay: &Relay,
    left: &BTreeMap<String, Vec<u8>>,
    to: &BTreeMap<String, Vec<u8>>,
) {
    let not_landed: BTreeSet<String> = to
        .iter()
        .filter(|(k, b)| left.get(*k) != Some(b))
        .map(|(k, _)| k.clone())
        .collect();
    let rerun_from = relay.seen().len();
    let rerun = publish(site, &[]);
    assert_eq!(rerun.code, 0, "{kill:?}: rerun failed: {}", rerun.stderr);
    // A rerun that waits for a lease says so once, then polls until the
    // lock is gone: the dead run's lease must be taken over at once.
    assert_eq!(
        rerun.stderr.matches("waiting for the publish of").count(),
        0,
        "{kill:?}: the rerun waited for the dead run's lease: {}",
        rerun.stderr
    );
    let rerun_puts: BTreeSet<String> = relay.seen()[rerun_from..]
        .iter()
        .filter_map(|r| r.site_put().map(String::from))
        .collect();
    assert_eq!(
        rerun_puts, not_landed,
        "{kill:?}: the rerun uploaded something that had landed, or missed something"
    );
    assert_holds(bucket, to);
    assert!(!bucket.objects().contains_key(LOCK));
}

/// Two builds of one blog: the second with edited posts, a removed page
/// and new files.
fn two_builds() -> (BTreeMap<String, Vec<u8>>, BTreeMap<String, Vec<u8>>) {
    let site = blog(
        &Bucket {
            name: "unused".into(),
        }
        .config(moto()),
        "one",
        2,
    );
    site.run(&["build"]).success();
    let from = output_files(&site);
    std::fs::remove_file(site.root().join("content/about.md")).expect("rm");
    for (name, title, date) in [("a", "Alpha", "2024-01-01"), ("b", "Beta", "2024-01-02")] {
        site.write(
            &format!("content/blog/{name}.md"),
            post(title, date, &["x"], "Rewritten.").as_bytes(),
        );
    }
    for i in 0..4 {
        site.write(
            &format!("static/new/{i}.txt"),
            format!("new {i}").as_bytes(),
        );
    }
    site.run(&["build"]).success();
    (from, output_files(&site))
}

#[test]
fn a_publish_killed_after_any_write_is_finished_by_a_rerun() {
    let (from, to) = two_builds();
    // Every kill point: the lease, its check, each upload, the manifest,
    // the delete, the release.
    let started = Instant::now();
    let mut points = 0;
    for kill_at in 1..100 {
        if !killed_run(Kill::AfterWrite(kill_at), &from, &to, false) {
            break;
        }
        points += 1;
    }
    eprintln!("{points} kill points in {:?}", started.elapsed());
    assert!(points >= 8, "only {points} kill points");
}

#[test]
fn a_publish_killed_after_any_write_is_finished_by_a_rerun_on_the_same_machine() {
    let (from, to) = two_builds();
    // As above, but the killed run and the rerun start from the manifest
    // the first publish left in `.ssg-cache/`: the rerun must not trust it
    // once the killed run wrote anything.
    let mut points = 0;
    for kill_at in 1..100 {
        if !killed_run(Kill::AfterWrite(kill_at), &from, &to, true) {
            break;
        }
        points += 1;
    }
    assert!(points >= 8, "only {points} kill points");
}

#[test]
fn a_publish_killed_at_moments_in_time_is_finished_by_a_rerun() {
    let (from, to) = two_builds();
    // Moments spread over a run (one takes some 100-500 ms here), also
    // mid-request and between writes.
    let mut killed = 0;
    for ms in [0, 10, 30, 60, 90, 120, 160, 200, 260, 330, 420, 550] {
        if killed_run(
            Kill::AfterTime(Duration::from_millis(ms)),
            &from,
            &to,
            false,
        ) {
            killed += 1;
        }
    }
    eprintln!("{killed} of 12 runs killed before they finished");
    assert!(killed >= 1, "every run finished before its kill");
}
