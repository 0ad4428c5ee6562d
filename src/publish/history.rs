//! The publish history kept in the bucket, beside the manifest: every
//! publish (and every rollback, which is a publish too) numbered, with
//! when, by whom and how many files, and — where bucket versioning is on
//! — the version of every key it left live, so `ssg publish --rollback N`
//! can put exactly that back.
//!
//! Two kinds of objects under `PREFIX.ssg-history/`: `index.json.gz`, one
//! line per publish (what `--history` prints, one GET however long the
//! history), and `NNNNNN.json.gz`, the versions of publish N (key →
//! version id; a 10,000-file site's is about 300 KB gzipped). Both are
//! written under the lease, the record before the index that names it,
//! the index over the version read (`If-Match`).

use std::collections::BTreeMap;

use anyhow::{Result, anyhow, bail};
use serde::{Deserialize, Serialize};

use super::cloud::{Cloud, Condition, WriteError};
use super::edge_deploy::EdgeState;
use super::gzip;
use super::keys::{HISTORY_DIR, is_reserved};
use super::lease::Holder;

/// One publish, as `--history` lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub number: u64,
    /// When it finished: RFC 3339, UTC, this machine's clock.
    pub time: String,
    /// Who published: the GitHub actor in GitHub Actions, else user@host.
    pub who: String,
    /// Site files live after it (ssg's own keys not counted).
    pub files: usize,
    /// Whether the bucket kept versions: only then can it be rolled back to.
    pub versioned: bool,
    /// The publish this one rolled back to, if it was a rollback.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rollback_to: Option<u64>,
}

/// Every publish, oldest first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Index {
    pub version: u32,
    pub publishes: Vec<Entry>,
}

impl Index {
    /// The publish numbered `number`.
    pub fn entry(&self, number: u64) -> Option<&Entry> {
        self.publishes.iter().find(|e| e.number == number)
    }

    /// The live publish: the last one.
    pub fn live(&self) -> Option<&Entry> {
        self.publishes.last()
    }

    fn next_number(&self) -> u64 {
        self.publishes.iter().map(|e| e.number).max().unwrap_or(0) + 1
    }
}

/// The versions one publish left live.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    pub version: u32,
    pub number: u64,
    /// Key (under the prefix, without it) → version id: the site's files
    /// and the manifest's root and shards.
    pub versions: BTreeMap<String, String>,
    /// The manifest root's ETag this publish left: while the root still
    /// has it, nothing changed since, and the next publish starts from
    /// these versions instead of listing them all (`record.rs`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manifest_etag: Option<String>,
    /// The edge function's code (and KeyValueStore entries) this publish
    /// left live: what a rollback to it puts back. `None` from a publish
    /// without ssg's function, or from before ssg kept it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edge: Option<EdgeState>,
}

impl Record {
    /// The site files of this record (ssg's own keys not counted).
    pub fn files(&self, prefix: &str) -> usize {
        (self.versions.keys())
            .filter(|k| !is_reserved(&format!("{prefix}{k}"), prefix))
            .count()
    }
}

/// The index as read, with its ETag (`None`: no history yet).
pub struct Found {
    pub index: Index,
    pub etag: Option<String>,
}

fn index_key(prefix: &str) -> String {
    format!("{prefix}{HISTORY_DIR}index.json.gz")
}

fn record_key(prefix: &str, number: u64) -> String {
    format!("{prefix}{HISTORY_DIR}{number:06}.json.gz")
}

/// The history's index; an empty one where there is none yet.
pub async fn read_index(cloud: &Cloud, prefix: &str) -> Result<Found> {
    let key = index_key(prefix);
    let Some(fetched) = cloud.get(&key).await? else {
        return Ok(Found {
            index: Index::default(),
            etag: None,
        });
    };
    let index = gzip::decompress(&fetched.body)
        .and_then(|json| serde_json::from_slice(&json).ok())
        .ok_or_else(|| {
            anyhow!(
                "s3://{}/{key} is damaged (not the gzipped JSON ssg writes): the publish history cannot be read",
                cloud.bucket
            )
        })?;
    Ok(Found {
        index,
        etag: Some(fetched.etag),
    })
}

/// The versions publish `number` left live, if they were recorded.
pub async fn read_record(cloud: &Cloud, prefix: &str, number: u64) -> Result<Option<Record>> {
    let key = record_key(prefix, number);
    let Some(fetched) = cloud.get(&key).await? else {
        return Ok(None);
    };
    let record = gzip::decompress(&fetched.body)
        .and_then(|json| serde_json::from_slice(&json).ok())
        .ok_or_else(|| anyhow!("s3://{}/{key} is damaged", cloud.bucket))?;
    Ok(Some(record))
}

/// What a publish adds to the history.
pub struct NewEntry {
    pub files: usize,
    pub rollback_to: Option<u64>,
    /// Key (without the prefix) → live version; `None` without versioning.
    pub versions: Option<BTreeMap<String, String>>,
    /// The manifest root's ETag it left.
    pub manifest_etag: Option<String>,
    /// What the edge runs after it.
    pub edge: Option<EdgeState>,
}

/// Adds a publish to the history read as `found`: its record, then the
/// index naming it, written over the version read. Returns its number.
pub async fn append(cloud: &Cloud, prefix: &str, found: Found, new: NewEntry) -> Result<u64> {
    let number = found.index.next_number();
    let versioned = new.versions.is_some();
    if let Some(versions) = new.versions {
        let record = Record {
            version: 1,
            number,
            versions,
            manifest_etag: new.manifest_etag,
            edge: new.edge,
        };
        let body = gzip::compress(&serde_json::to_vec(&record)?);
        (cloud.put_small(
            &record_key(prefix, number),
            body,
            "application/gzip",
            &Condition::None,
        ))
        .await
        .map_err(|e| anyhow!("{e}"))?;
    }
    let mut index = found.index;
    index.version = 1;
    index.publishes.push(Entry {
        number,
        time: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        who: who(),
        files: new.files,
        versioned,
        rollback_to: new.rollback_to,
    });
    let body = gzip::compress(&serde_json::to_vec(&index)?);
    let condition = match found.etag {
        Some(etag) => Condition::Matches(etag),
        None => Condition::Absent,
    };
    let key = index_key(prefix);
    let written = match cloud
        .put_small(&key, body.clone(), "application/gzip", &condition)
        .await
    {
        Err(WriteError::Unsupported(_)) => {
            (cloud.put_small(&key, body, "application/gzip", &Condition::None)).await
        }
        other => other,
    };
    match written {
        Ok(_) => Ok(number),
        Err(WriteError::Precondition) => bail!(
            "s3://{}/{key} changed while this publish wrote it (a publish without the lease?)",
            cloud.bucket
        ),
        Err(e) => Err(anyhow!("{e}")),
    }
}

/// Who publishes: the GitHub actor in GitHub Actions, else user@host.
fn who() -> String {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    if let Some(actor) = var("GITHUB_ACTOR") {
        return format!("{actor} (GitHub Actions)");
    }
    let user = var("USER")
        .or_else(|| var("USERNAME"))
        .unwrap_or_else(|| "someone".into());
    format!("{user}@{}", Holder::this_run().host)
}

/// `ssg publish --history`: one line per publish, the live one marked;
/// or the same as JSON. A reader that stops early (`| head`) is no error.
pub fn print(index: &Index, bucket: &str, json: bool) -> Result<()> {
    let text = if json {
        #[derive(Serialize)]
        struct Line<'a> {
            #[serde(flatten)]
            entry: &'a Entry,
            live: bool,
        }
        let live = index.live().map(|e| e.number);
        let lines: Vec<Line> = (index.publishes.iter())
            .map(|entry| Line {
                entry,
                live: Some(entry.number) == live,
            })
            .collect();
        let report = serde_json::json!({ "bucket": bucket, "publishes": lines });
        serde_json::to_string_pretty(&report)? + "\n"
    } else if index.publishes.is_empty() {
        format!("no publishes recorded in s3://{bucket} yet\n")
    } else {
        lines(index)
            .iter()
            .map(|line| format!("{line}\n"))
            .collect()
    };
    match std::io::Write::write_all(&mut std::io::stdout().lock(), text.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(()),
    }
}

/// The text lines of `--history`, oldest first.
fn lines(index: &Index) -> Vec<String> {
    let live = index.live().map(|e| e.number);
    let width = (index.publishes.iter())
        .map(|e| e.number.to_string().len())
        .max()
        .unwrap_or(1);
    index
        .publishes
        .iter()
        .map(|e| {
            let date = e.time.replacen('T', " ", 1).replace('Z', " UTC");
            let mut notes = Vec::new();
            if let Some(n) = e.rollback_to {
                notes.push(format!("rollback to {n}"));
            }
            if !e.versioned {
                notes.push("versioning off: cannot be rolled back to".into());
            }
            if Some(e.number) == live {
                notes.push("live".into());
            }
            let notes = if notes.is_empty() {
                String::new()
            } else {
                format!("  ({})", notes.join(", "))
            };
            format!(
                "{:>width$}  {date}  {:>6} files  {}{notes}",
                e.number, e.files, e.who
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(number: u64, rollback_to: Option<u64>, versioned: bool) -> Entry {
        Entry {
            number,
            time: "2026-01-02T03:04:05Z".into(),
            who: "ann@desk".into(),
            files: 12,
            versioned,
            rollback_to,
        }
    }

    #[test]
    fn history_lines_mark_the_live_publish_and_rollbacks() {
        let index = Index {
            version: 1,
            publishes: vec![
                entry(1, None, false),
                entry(2, None, true),
                entry(3, Some(2), true),
            ],
        };
        assert_eq!(
            lines(&index),
            [
                "1  2026-01-02 03:04:05 UTC      12 files  ann@desk  (versioning off: cannot be rolled back to)",
                "2  2026-01-02 03:04:05 UTC      12 files  ann@desk",
                "3  2026-01-02 03:04:05 UTC      12 files  ann@desk  (rollback to 2, live)",
            ]
        );
        assert_eq!(index.next_number(), 4);
        assert_eq!(index.live().map(|e| e.number), Some(3));
    }

    #[test]
    fn records_count_site_files_only() {
        let record = Record {
            version: 1,
            number: 1,
            versions: [("index.html", "v1"), (".ssg-manifest.json", "v2")]
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .into(),
            manifest_etag: None,
            edge: None,
        };
        assert_eq!(record.files("site/"), 1);
    }
}
