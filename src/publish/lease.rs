//! The publish lease: one publish at a time per bucket and prefix.
//!
//! Two publishes of different builds running at once would interleave their
//! uploads and deletes and leave a bucket that is neither build. So a
//! publish first creates a lock object (`PREFIX.ssg-publish.lock`: who,
//! from which machine, since when) with S3's conditional write
//! `If-None-Match: *`, which the server applies atomically: of two
//! creates, exactly one succeeds and the other gets 412. A second publish
//! waits for the lock to go (or with `--no-wait` stops, naming the holder).
//! A lock older than `lease_timeout`, or whose process is gone from this
//! very machine, is stale: it is taken over with `If-Match` on its ETag, so
//! of two publishes taking over the same stale lock only one wins.
//!
//! Where the endpoint has no conditional writes (older S3-compatible
//! servers answer 501, or ignore the headers and overwrite), that is said
//! once and the publish goes on without a lease, as before.
//!
//! What is free, held or stale is decided by [`judge`], a pure function;
//! the rest of this module carries it out.

use std::time::Duration;

use anyhow::{Result, bail};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::cloud::{Cloud, Condition, Fetched, WriteError};
use crate::log;

/// How often a waiting publish looks at the lock again.
const POLL: Duration = Duration::from_secs(2);

/// What the lock object holds (JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holder {
    /// `host:pid:random`, unique per run; shown to whoever waits.
    pub id: String,
    pub host: String,
    pub pid: u32,
    /// The process namespace the pid belongs to (boot id and pid namespace
    /// on Linux, empty elsewhere): only a holder with this machine's scope
    /// can be found gone by its pid.
    #[serde(default)]
    pub scope: String,
    /// RFC 3339, the holder's clock.
    pub started: String,
}

impl Holder {
    /// This run.
    pub fn this_run() -> Holder {
        let host = hostname();
        let pid = std::process::id();
        let nanos = Utc::now().timestamp_nanos_opt().unwrap_or_default();
        let random = crate::hash::of(&(nanos, pid, &host)) & 0xffff_ffff;
        Holder {
            id: format!("{host}:{pid}:{random:08x}"),
            host,
            pid,
            scope: process_scope(),
            started: Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        }
    }

    fn started_at(&self) -> Option<DateTime<Utc>> {
        DateTime::parse_from_rfc3339(&self.started)
            .ok()
            .map(|t| t.with_timezone(&Utc))
    }
}

/// The lock object as found.
#[derive(Debug, Clone)]
pub struct Found {
    /// `None` when the object is not a lease ssg can read.
    pub holder: Option<Holder>,
    pub etag: String,
    /// The server's modification time, the age of an unreadable lock.
    pub modified: Option<DateTime<Utc>>,
}

/// What to do about the lock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// No lock: create one.
    Free,
    /// Someone else's, live: wait or give up.
    Held { holder: String, age: Duration },
    /// Someone else's, abandoned: take it over (If-Match on `etag`).
    Stale {
        holder: String,
        etag: String,
        why: String,
    },
}

/// Decides about the lock found. `holder_gone` says whether its process is
/// known to have ended (same machine, no such pid).
pub fn judge(
    found: Option<&Found>,
    now: DateTime<Utc>,
    timeout: Duration,
    holder_gone: bool,
) -> Verdict {
    let Some(found) = found else {
        return Verdict::Free;
    };
    let holder = found
        .holder
        .as_ref()
        .map(|h| h.id.clone())
        .unwrap_or_else(|| "an unreadable lock".to_string());
    let since = found
        .holder
        .as_ref()
        .and_then(Holder::started_at)
        .or(found.modified);
    // A lock with no time at all is as old as can be.
    let age = since
        .map(|t| (now - t).to_std().unwrap_or(Duration::ZERO))
        .unwrap_or(Duration::MAX);
    if holder_gone {
        return Verdict::Stale {
            holder,
            etag: found.etag.clone(),
            why: "its process is gone".to_string(),
        };
    }
    if age >= timeout {
        return Verdict::Stale {
            holder,
            etag: found.etag.clone(),
            why: format!("older than lease_timeout = {} s", timeout.as_secs()),
        };
    }
    Verdict::Held { holder, age }
}

/// A lease this run holds, or the note that the endpoint cannot give one.
#[derive(Debug)]
pub struct Lease {
    key: String,
    /// The lock's version as written by this run; `None` without conditional writes.
    etag: Option<String>,
}

impl Lease {
    /// Whether the endpoint honours conditional writes (and the manifest
    /// can be written with `If-Match` too).
    pub fn conditional(&self) -> bool {
        self.etag.is_some()
    }

    /// Takes the lease on `key`, waiting while another publish holds it
    /// (or failing at once with `no_wait`).
    pub async fn acquire(
        cloud: &Cloud,
        key: &str,
        timeout: Duration,
        no_wait: bool,
    ) -> Result<Lease> {
        let me = Holder::this_run();
        let body = serde_json::to_vec_pretty(&me)?;
        let mut told = false;
        loop {
            let found = read(cloud, key).await?;
            let gone = found
                .as_ref()
                .and_then(|f| f.holder.as_ref())
                .is_some_and(holder_gone);
            let condition = match judge(found.as_ref(), chrono::Utc::now(), timeout, gone) {
                Verdict::Free => Condition::Absent,
                Verdict::Stale { holder, etag, why } => {
                    log::warn(&format!(
                        "taking over the publish lease of {holder} ({why})"
                    ));
                    Condition::Matches(etag)
                }
                Verdict::Held { holder, age } => {
                    if no_wait {
                        bail!(
                            "another publish holds s3://{}/{key}: {holder}, for {}; nothing was changed (run again when it is done, or without --no-wait to wait)",
                            cloud.bucket,
                            human_age(age)
                        );
                    }
                    if !told {
                        log::info(&format!(
                            "waiting for the publish of {holder} (running for {}) to finish…",
                            human_age(age)
                        ));
                        told = true;
                    }
                    tokio::time::sleep(POLL).await;
                    continue;
                }
            };
            match cloud
                .put_small(key, body.clone(), "application/json", &condition)
                .await
            {
                Ok(_) => {
                    if let Some(lease) = confirm(cloud, key, &me, body.clone()).await? {
                        return Ok(lease);
                    }
                }
                // Another publish got there first: look again.
                Err(WriteError::Precondition) => continue,
                Err(WriteError::Unsupported(text)) => return Ok(Lease::unsupported(key, &text)),
                Err(WriteError::Failed(e)) => {
                    return Err(e.context("cannot take the publish lease"));
                }
            }
        }
    }

    fn unsupported(key: &str, why: &str) -> Lease {
        log::warn(&format!(
            "the endpoint does not support conditional writes ({why}): publishing without a lease, so two publishes at once are not kept apart"
        ));
        Lease {
            key: key.to_string(),
            etag: None,
        }
    }

    /// Gives the lease back: deletes the lock if it is still this run's.
    /// A failure here is a warning; the lock then goes stale by itself.
    pub async fn release(self, cloud: &Cloud) {
        let Some(etag) = self.etag else { return };
        match cloud.delete_if(&self.key, &etag).await {
            Ok(()) => {}
            // Conditional writes but no conditional delete (some
            // S3-compatible servers): delete it if it is still this run's.
            Err(WriteError::Unsupported(_)) => {
                let ours = read(cloud, &self.key)
                    .await
                    .ok()
                    .flatten()
                    .is_some_and(|found| found.etag == etag);
                if ours {
                    let _ = cloud.delete(std::slice::from_ref(&self.key)).await;
                }
            }
            Err(WriteError::Precondition) => log::warn(&format!(
                "the publish lease s3://{}/{} was taken over by another publish while this one ran",
                cloud.bucket, self.key
            )),
            Err(e) => log::warn(&format!(
                "cannot release the publish lease s3://{}/{}: {e} (it goes stale after lease_timeout)",
                cloud.bucket, self.key
            )),
        }
    }
}

/// After a create or takeover succeeded: checks that the endpoint really
/// honours conditions (a second create must be refused; an old server
/// that ignores the header overwrites instead) and that the lock read back
/// is this run's (`None` when another run's create won after all: wait
/// for it like for any holder).
async fn confirm(cloud: &Cloud, key: &str, me: &Holder, body: Vec<u8>) -> Result<Option<Lease>> {
    match cloud
        .put_small(key, body, "application/json", &Condition::Absent)
        .await
    {
        Err(WriteError::Precondition) => {}
        Ok(_) => {
            let lease = Lease::unsupported(key, "a second If-None-Match: * create succeeded");
            // The lock written is nobody's guard: take it away again.
            let _ = cloud.delete(&[key.to_string()]).await;
            return Ok(Some(lease));
        }
        Err(WriteError::Unsupported(text)) => return Ok(Some(Lease::unsupported(key, &text))),
        Err(WriteError::Failed(e)) => return Err(e.context("cannot take the publish lease")),
    }
    Ok(read(cloud, key)
        .await?
        .filter(|found| found.holder.as_ref() == Some(me))
        .map(|found| Lease {
            key: key.to_string(),
            etag: Some(found.etag),
        }))
}

/// The lock, if there is one.
pub async fn read(cloud: &Cloud, key: &str) -> Result<Option<Found>> {
    Ok(cloud.get(key).await?.map(
        |Fetched {
             body,
             etag,
             modified,
         }| Found {
            holder: serde_json::from_slice(&body).ok(),
            etag,
            modified,
        },
    ))
}

/// For `--dry-run`: a line about a lease held right now, if any.
pub async fn describe_holder(cloud: &Cloud, key: &str) -> Option<String> {
    let found = read(cloud, key).await.ok()??;
    let holder = found
        .holder
        .as_ref()
        .map(|h| h.id.clone())
        .unwrap_or_else(|| "an unreadable lock".into());
    Some(format!(
        "note: a publish holds the lease s3://{}/{key}: {holder}",
        cloud.bucket
    ))
}

fn human_age(age: Duration) -> String {
    let secs = age.as_secs();
    if secs >= 3600 {
        format!("{} h {} min", secs / 3600, secs % 3600 / 60)
    } else if secs >= 60 {
        format!("{} min {} s", secs / 60, secs % 60)
    } else {
        format!("{secs} s")
    }
}

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "unknown-host".to_string())
}

/// Boot id and pid namespace (Linux): two processes with this same scope
/// share one pid table, so a pid missing from it is a process gone. Empty
/// where that cannot be known (then only the timeout frees a lock).
fn process_scope() -> String {
    let boot = std::fs::read_to_string("/proc/sys/kernel/random/boot_id");
    let namespace = std::fs::read_link("/proc/self/ns/pid");
    match (boot, namespace) {
        (Ok(boot), Ok(ns)) => format!("{}/{}", boot.trim(), ns.display()),
        _ => String::new(),
    }
}

/// Whether `holder` ran on this machine, in this pid namespace, and its
/// process has ended.
fn holder_gone(holder: &Holder) -> bool {
    let scope = process_scope();
    !scope.is_empty()
        && holder.scope == scope
        && holder.pid != std::process::id()
        && !std::path::Path::new(&format!("/proc/{}", holder.pid)).exists()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(started: &str) -> Found {
        Found {
            holder: Some(Holder {
                id: "ci:42:abcd".into(),
                host: "ci".into(),
                pid: 42,
                scope: String::new(),
                started: started.into(),
            }),
            etag: "e1".into(),
            modified: None,
        }
    }

    fn at(t: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(t).unwrap().with_timezone(&Utc)
    }

    const TIMEOUT: Duration = Duration::from_secs(900);

    #[test]
    fn no_lock_is_free() {
        assert_eq!(
            judge(None, at("2026-01-01T00:00:00Z"), TIMEOUT, false),
            Verdict::Free
        );
    }

    #[test]
    fn a_young_lock_is_held_with_its_holder_and_age() {
        let lock = found("2026-01-01T00:00:00Z");
        assert_eq!(
            judge(Some(&lock), at("2026-01-01T00:01:30Z"), TIMEOUT, false),
            Verdict::Held {
                holder: "ci:42:abcd".into(),
                age: Duration::from_secs(90)
            }
        );
        // A holder clock ahead of ours is no reason to wait longer than the timeout.
        assert!(matches!(
            judge(Some(&lock), at("2025-12-31T23:59:00Z"), TIMEOUT, false),
            Verdict::Held { age, .. } if age == Duration::ZERO
        ));
    }

    #[test]
    fn an_old_lock_or_one_whose_process_is_gone_is_stale() {
        let lock = found("2026-01-01T00:00:00Z");
        let Verdict::Stale { etag, why, .. } =
            judge(Some(&lock), at("2026-01-01T00:15:00Z"), TIMEOUT, false)
        else {
            panic!("not stale")
        };
        assert_eq!(etag, "e1");
        assert!(why.contains("900"), "{why}");
        let Verdict::Stale { why, .. } =
            judge(Some(&lock), at("2026-01-01T00:00:01Z"), TIMEOUT, true)
        else {
            panic!("not stale")
        };
        assert!(why.contains("gone"), "{why}");
    }

    #[test]
    fn an_unreadable_lock_ages_by_its_modification_time() {
        let mut lock = found("not a time");
        lock.holder = None;
        assert!(matches!(
            judge(Some(&lock), at("2026-01-01T00:00:00Z"), TIMEOUT, false),
            Verdict::Stale { .. }
        ));
        lock.modified = Some(at("2026-01-01T00:00:00Z"));
        assert!(matches!(
            judge(Some(&lock), at("2026-01-01T00:05:00Z"), TIMEOUT, false),
            Verdict::Held { holder, .. } if holder == "an unreadable lock"
        ));
    }

    #[test]
    fn this_run_is_never_gone_and_a_foreign_scope_never_is() {
        let me = Holder::this_run();
        assert!(!holder_gone(&me));
        let mut other = me.clone();
        other.pid = u32::MAX;
        other.scope = "another machine".into();
        assert!(!holder_gone(&other));
        if !me.scope.is_empty() {
            other.scope = me.scope.clone();
            assert!(holder_gone(&other), "no process has pid {}", u32::MAX);
        }
    }
}
