//! The import report: what was converted, and every construct that was not,
//! each with `file:line` and what the user should do about it.

use std::fmt::Write as _;
use std::path::PathBuf;

use serde::Serialize;

use super::SourceKind;

#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    pub kind: Option<SourceKind>,
    pub dest: PathBuf,
    pub dry_run: bool,
    pub pages: usize,
    pub sections: usize,
    pub assets: usize,
    pub aliases: usize,
    /// Sorted by file and line when the report is finished.
    pub findings: Vec<Finding>,
}

/// One thing the user should know about: converted with a change of
/// meaning, left as it was, or not importable at all.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Finding {
    /// Relative to SRC.
    pub file: PathBuf,
    pub line: Option<usize>,
    /// What was found and what the import did.
    pub message: String,
    /// What the user should do; empty when nothing is needed.
    pub action: String,
}

impl Report {
    /// Adds a finding.
    pub fn note(
        &mut self,
        file: impl Into<PathBuf>,
        line: Option<usize>,
        message: impl Into<String>,
        action: impl Into<String>,
    ) {
        self.findings.push(Finding {
            file: file.into(),
            line,
            message: message.into(),
            action: action.into(),
        });
    }

    /// Sorted findings, one per place and message.
    pub fn finish(&mut self) {
        self.findings.sort();
        self.findings.dedup();
    }

    /// Nothing could be imported: the command exits 1.
    pub fn failed(&self) -> bool {
        self.pages == 0 && self.sections == 0 && self.assets == 0
    }

    pub fn json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// One line per finding, then the summary.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for f in &self.findings {
            let place = match f.line {
                Some(line) => format!("{}:{line}", f.file.display()),
                None => f.file.display().to_string(),
            };
            let _ = write!(out, "{place}: {}", f.message);
            if !f.action.is_empty() {
                let _ = write!(out, " → {}", f.action);
            }
            out.push('\n');
        }
        let kind = self.kind.map_or("", SourceKind::name);
        let verb = if self.dry_run {
            "Would import"
        } else {
            "Imported"
        };
        let _ = write!(
            out,
            "{verb} a {kind} site into {}: {} pages, {} sections, {} files copied, {} aliases; {} notes",
            self.dest.display(),
            self.pages,
            self.sections,
            self.assets,
            self.aliases,
            self.findings.len()
        );
        out
    }
}
