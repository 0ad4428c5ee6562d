//! Rebuilding on change and working out what to tell the browser: only
//! outputs whose bytes changed (or that went away) are announced.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Instant, SystemTime};

use rayon::prelude::*;

use super::state::{App, Snapshot};
use crate::build::{self, BuildOptions};
use crate::log;
use crate::output::{Output, OutputData};

pub struct Rebuilder {
    root: PathBuf,
    opts: BuildOptions,
    app: Arc<App>,
    /// Copied files by source path, reused while their size and mtime hold.
    copies: HashMap<PathBuf, (SystemTime, u64, Arc<[u8]>)>,
}

impl Rebuilder {
    pub fn new(root: &Path, opts: BuildOptions, app: Arc<App>) -> Rebuilder {
        Rebuilder {
            root: root.to_path_buf(),
            opts,
            app,
            copies: HashMap::new(),
        }
    }

    fn load_copies(&mut self, outputs: &[Output]) -> std::io::Result<()> {
        let wanted: Vec<(PathBuf, SystemTime, u64)> = outputs
            .iter()
            .filter_map(|o| match &o.data {
                OutputData::Copy(p) => Some(p.clone()),
                OutputData::Bytes(_) => None,
            })
            .map(|p| {
                let meta = std::fs::metadata(&p)?;
                Ok((p, meta.modified()?, meta.len()))
            })
            .collect::<std::io::Result<_>>()?;
        let stale: Vec<&(PathBuf, SystemTime, u64)> = wanted
            .iter()
            .filter(
                |(p, t, n)| !matches!(self.copies.get(p), Some((ct, cn, _)) if ct == t && cn == n),
            )
            .collect();
        let loaded: Vec<(PathBuf, SystemTime, u64, Arc<[u8]>)> = stale
            .par_iter()
            .map(|(p, t, n)| Ok((p.clone(), *t, *n, Arc::from(std::fs::read(p)?))))
            .collect::<std::io::Result<_>>()?;
        for (p, t, n, bytes) in loaded {
            self.copies.insert(p, (t, n, bytes));
        }
        Ok(())
    }

    /// Builds the site and swaps it in. Returns the changed output paths,
    /// or `None` when the build failed (the previous site stays served).
    pub fn rebuild(&mut self) -> Option<Vec<String>> {
        let started = Instant::now();
        let built = match build::build(&self.root, &self.opts) {
            Ok(b) => b,
            Err(e) => {
                let text = e.to_string();
                for d in &e.diagnostics {
                    eprintln!("error: {d}");
                }
                let first_build = self.app.site().files.is_empty();
                if first_build {
                    self.app.set_site(Snapshot {
                        files: HashMap::new(),
                        startup_error: Some(text.clone()),
                    });
                }
                self.app.announce_error(&text);
                return None;
            }
        };
        for w in built.warnings.iter().chain(&built.broken_links) {
            log::warn(&w.to_string());
        }
        if let Err(e) = self.load_copies(&built.outputs) {
            let text = format!("cannot read a static file: {e}");
            eprintln!("error: {text}");
            self.app.announce_error(&text);
            return None;
        }
        let old = self.app.site();
        let mut files = HashMap::with_capacity(built.outputs.len());
        for o in built.outputs {
            let bytes: Arc<[u8]> = match o.data {
                OutputData::Bytes(b) => match old.files.get(&o.path) {
                    // Keep the old allocation when nothing changed: cheap diffing next time.
                    Some(prev) if **prev == *b => Arc::clone(prev),
                    _ => Arc::from(b),
                },
                OutputData::Copy(p) => match self.copies.get(&p) {
                    Some((_, _, bytes)) => Arc::clone(bytes),
                    None => continue,
                },
            };
            files.insert(o.path, bytes);
        }
        let mut changed: Vec<String> = files
            .iter()
            .filter(|(path, bytes)| {
                !old.files
                    .get(*path)
                    .is_some_and(|prev| Arc::ptr_eq(prev, bytes) || prev == *bytes)
            })
            .map(|(path, _)| path.clone())
            .collect();
        changed.extend(
            old.files
                .keys()
                .filter(|p| !files.contains_key(*p))
                .cloned(),
        );
        changed.sort();
        let count = files.len();
        self.app.set_site(Snapshot {
            files,
            startup_error: None,
        });
        log::verbose(&format!(
            "rebuilt {count} outputs in {} ms, {} changed",
            started.elapsed().as_millis(),
            changed.len()
        ));
        Some(changed)
    }
}
