//! Errors a user can act on: every problem in their input names the file
//! and, where the parser knows it, the line. How that line is found (from
//! a byte offset, or the line a key is written on) is here too, once, for
//! the build and for every importer.

use std::fmt;
use std::path::{Path, PathBuf};

/// One problem in one input file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Path as the user knows it (relative to the site root where possible).
    pub path: PathBuf,
    /// 1-based line, when known.
    pub line: Option<usize>,
    pub message: String,
}

impl Diagnostic {
    pub fn new(path: impl Into<PathBuf>, line: Option<usize>, message: impl Into<String>) -> Self {
        Diagnostic {
            path: path.into(),
            line,
            message: message.into(),
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}: {}", self.path.display(), line, self.message),
            None => write!(f, "{}: {}", self.path.display(), self.message),
        }
    }
}

/// A build that failed because of its input. Carries every problem found, so
/// an author fixes them in one pass rather than one per build.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct BuildError {
    pub diagnostics: Vec<Diagnostic>,
}

impl BuildError {
    pub fn one(path: impl Into<PathBuf>, line: Option<usize>, message: impl Into<String>) -> Self {
        BuildError {
            diagnostics: vec![Diagnostic::new(path, line, message)],
        }
    }
}

impl From<Diagnostic> for BuildError {
    fn from(d: Diagnostic) -> Self {
        BuildError {
            diagnostics: vec![d],
        }
    }
}

impl From<Vec<Diagnostic>> for BuildError {
    fn from(mut diagnostics: Vec<Diagnostic>) -> Self {
        diagnostics.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
        BuildError { diagnostics }
    }
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.diagnostics.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

/// 1-based line number of a byte offset in `text`.
/// One warning per key (a front matter key, a taxonomy name) however many
/// files write it: `found` gives each (key, file, line); `message` makes
/// the warning's text from the key and `elsewhere` (" (and in 3 more
/// files)", or nothing), placed where the key is first written.
pub fn once_per_key<'a, K: Ord + Copy>(
    found: impl Iterator<Item = (K, &'a Path, Option<usize>)>,
    message: impl Fn(K, &str) -> String,
) -> Vec<Diagnostic> {
    let mut seen: std::collections::BTreeMap<K, (&Path, Option<usize>, usize)> = Default::default();
    for (key, source, line) in found {
        seen.entry(key)
            .and_modify(|(_, _, count)| *count += 1)
            .or_insert((source, line, 1));
    }
    seen.into_iter()
        .map(|(key, (source, line, count))| {
            let elsewhere = match count {
                1 => String::new(),
                n => format!(" (and in {} more files)", n - 1),
            };
            Diagnostic::new(source, line, message(key, &elsewhere))
        })
        .collect()
}

pub fn line_of_offset(text: &str, offset: usize) -> usize {
    line_of_byte(text.as_bytes(), offset)
}

/// 1-based line number of a byte offset in `bytes` not yet known to be
/// UTF-8 (where a file stops being valid text).
pub fn line_of_byte(bytes: &[u8], offset: usize) -> usize {
    bytes[..offset.min(bytes.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// The lines of `text` with their 1-based numbers, the first numbered
/// `first_line`: a block cut out of a file (front matter) keeps the file's
/// numbering.
pub fn numbered_lines(text: &str, first_line: usize) -> impl Iterator<Item = (usize, &str)> {
    (first_line..).zip(text.lines())
}

/// The number of the first line of `text` that `is_it` accepts, numbered
/// as [`numbered_lines`] does: where a key is written, for a diagnostic
/// about its value.
pub fn line_where(
    text: &str,
    first_line: usize,
    mut is_it: impl FnMut(&str) -> bool,
) -> Option<usize> {
    numbered_lines(text, first_line)
        .find(|(_, line)| is_it(line))
        .map(|(number, _)| number)
}

/// Shows `path` relative to `root` when it lies inside it.
pub fn display_path(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root)
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| path.to_path_buf())
}

/// Reads a file as UTF-8, naming the line of the first bad byte otherwise.
pub fn read_text(path: &Path, shown: &Path) -> Result<String, Diagnostic> {
    let bytes = std::fs::read(path)
        .map_err(|e| Diagnostic::new(shown, None, format!("cannot read: {e}")))?;
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        Diagnostic::new(
            shown,
            Some(line_of_byte(e.as_bytes(), valid)),
            format!("not valid UTF-8 (byte {valid}); save the file as UTF-8"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_with_and_without_line() {
        assert_eq!(
            Diagnostic::new("content/a.md", Some(3), "bad").to_string(),
            "content/a.md:3: bad"
        );
        assert_eq!(
            Diagnostic::new("ssg.toml", None, "bad").to_string(),
            "ssg.toml: bad"
        );
    }

    #[test]
    fn line_numbers_are_one_based() {
        assert_eq!(line_of_offset("a\nb\nc", 0), 1);
        assert_eq!(line_of_offset("a\nb\nc", 2), 2);
        assert_eq!(line_of_offset("a\nb\nc", 99), 3);
        assert_eq!(line_of_offset("a\r\nb", 3), 2);
    }

    #[test]
    fn a_line_is_found_in_the_files_numbering() {
        let block = "title: T\r\ntags: [a]\n\ndate: 2020";
        assert_eq!(line_where(block, 1, |l| l.starts_with("tags")), Some(2));
        assert_eq!(line_where(block, 5, |l| l.starts_with("date")), Some(8));
        assert_eq!(line_where(block, 1, |l| l.starts_with("x")), None);
        let numbers: Vec<usize> = numbered_lines(block, 3).map(|(n, _)| n).collect();
        assert_eq!(numbers, [3, 4, 5, 6]);
    }
}
