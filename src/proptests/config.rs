//! `ssg.toml`, random and corrupted: parsing never panics, and every error
//! names the file and a line inside it; an unknown key or a wrong type is
//! reported on the line it was written on.

use std::path::Path;

use proptest::prelude::*;

use crate::config::Config;

/// Every section the README documents, one key per line.
const FULL: &str = r#"title = "My site"
base_url = "https://example.com"
description = "A site"
language = "en"
author = ""
theme = "default"

[build]
output_dir = "public"
paginate_by = 10
drafts = false
feed_limit = 20

[markdown]
highlight = true
highlight_theme = "base16-ocean.dark"
smart_punctuation = false

[publish]
bucket = "my-bucket"
prefix = ""
region = "us-east-1"
max_deletes = 256
concurrency = 8
directory_keys = false

[[publish.rules]]
match = "**/*.html"
cache_control = "public, max-age=300"

[extra]
menu = [{ name = "Blog", url = "/blog/" }]
"#;

fn line_count(text: &str) -> usize {
    text.split('\n').count()
}

fn check(text: &str) -> Result<(), TestCaseError> {
    if let Err(e) = Config::parse(text, Path::new("ssg.toml")) {
        prop_assert!(!e.diagnostics.is_empty());
        for d in &e.diagnostics {
            prop_assert_eq!(d.path.as_path(), Path::new("ssg.toml"));
            prop_assert!(
                d.line.is_some_and(|l| (1..=line_count(text)).contains(&l)),
                "{} ({} lines):\n{}",
                d,
                line_count(text),
                text
            );
        }
    }
    Ok(())
}

fn corrupted() -> impl Strategy<Value = String> {
    let edit = prop_oneof![
        (any::<prop::sample::Index>(), any::<String>()),
        (
            any::<prop::sample::Index>(),
            prop_oneof![
                "[-=\\[\\]{}\"'.,\n# a-z0-9]{1,8}",
                Just("\n[build]\n".to_string()),
                Just("\n[[publish.rules]]\n".to_string()),
                Just("\"\"\"".to_string()),
                Just("\0".to_string()),
                Just("\r\n".to_string()),
                Just("\u{feff}".to_string()),
                (1usize..5_000).prop_map(|n| format!("x = {}{}\n", "[".repeat(n), "]".repeat(n))),
                (1usize..5_000).prop_map(|n| format!(
                    "y = {}1{}\n",
                    "{ a = ".repeat(n),
                    " }".repeat(n)
                )),
                (1usize..200_000).prop_map(|n| format!("description = \"{}\"\n", "x".repeat(n))),
            ]
        ),
    ];
    (
        proptest::collection::vec(edit, 0..4),
        any::<prop::sample::Index>(),
        any::<bool>(),
    )
        .prop_map(|(edits, cut, truncate)| {
            let mut text = FULL.to_string();
            for (at, s) in edits {
                let mut i = at.index(text.len() + 1);
                while !text.is_char_boundary(i) {
                    i -= 1;
                }
                text.insert_str(i, &s);
            }
            if truncate {
                let mut i = cut.index(text.len() + 1);
                while !text.is_char_boundary(i) {
                    i -= 1;
                }
                text.truncate(i);
            }
            text
        })
}

/// Lines after which a key of the section above may be inserted: the
/// top level, `[build]`, `[markdown]`, `[publish]` and its rule (`[extra]`
/// takes any key).
fn insertion_lines() -> Vec<usize> {
    let lines: Vec<&str> = FULL.lines().collect();
    let extra = lines
        .iter()
        .position(|l| *l == "[extra]")
        .unwrap_or(lines.len());
    (0..extra).filter(|&i| !lines[i].is_empty()).collect()
}

proptest! {
    #![proptest_config(super::config(256))]

    #[test]
    fn any_text_parses_or_fails_on_a_line(text in any::<String>()) {
        check(&text)?;
    }

    #[test]
    fn a_valid_config_saved_with_a_bom_or_crlf_reads_the_same(
        bom in any::<bool>(),
        crlf in any::<bool>(),
        title in any::<String>(),
        paginate_by in any::<u32>(),
    ) {
        let mut text = FULL
            .replace("\"My site\"", &toml::Value::String(title.clone()).to_string())
            .replace("paginate_by = 10", &format!("paginate_by = {paginate_by}"));
        if crlf {
            text = text.replace('\n', "\r\n");
        }
        if bom {
            text.insert(0, '\u{feff}');
        }
        let config = Config::parse(&text, Path::new("ssg.toml"))
            .map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert_eq!(config.title, title);
        prop_assert_eq!(config.build.paginate_by, paginate_by as usize);
        prop_assert_eq!(config.publish.map(|p| p.bucket), Some("my-bucket".to_string()));
    }

    #[test]
    fn a_corrupted_config_parses_or_fails_on_a_line(text in corrupted()) {
        check(&text)?;
    }

    #[test]
    fn a_bad_key_or_value_is_reported_on_its_own_line(
        after in proptest::sample::select(insertion_lines()),
        bad in proptest::sample::select(&[
            "paginate = 3",
            "title_typo = \"x\"",
            "0 = 1",
            "\"quoted key\" = true",
        ][..]),
    ) {
        let mut lines: Vec<&str> = FULL.lines().collect();
        lines.insert(after + 1, bad);
        let text = lines.join("\n");
        let err = Config::parse(&text, Path::new("ssg.toml"))
            .err()
            .ok_or_else(|| TestCaseError::fail(format!("accepted:\n{text}")))?;
        prop_assert_eq!(err.diagnostics[0].line, Some(after + 2), "{}\n{}", err, text);
    }

    #[test]
    fn a_wrong_type_is_reported_on_its_own_line(
        line in proptest::sample::select(insertion_lines()),
        value in proptest::sample::select(&["[1, 2]", "{ a = 1 }", "1979-05-27", "-1"][..]),
    ) {
        let mut lines: Vec<String> = FULL.lines().map(String::from).collect();
        let Some((key, _)) = lines[line].split_once(" = ") else {
            return Ok(()); // a table header
        };
        // Strings take no list, numbers no date, booleans no map…
        lines[line] = format!("{key} = {value}");
        let text = lines.join("\n");
        if let Err(err) = Config::parse(&text, Path::new("ssg.toml")) {
            prop_assert_eq!(err.diagnostics[0].line, Some(line + 1), "{}\n{}", err, text);
        }
    }
}

proptest! {
    #![proptest_config(super::config(64))]

    #[test]
    fn a_config_file_that_is_not_utf8_fails_on_a_line(
        bad in proptest::collection::vec(0x80u8..=0xff, 1..4),
        at in any::<prop::sample::Index>(),
    ) {
        let mut bytes = FULL.as_bytes().to_vec();
        let at = at.index(bytes.len() + 1);
        bytes.splice(at..at, bad);
        let dir = tempfile::tempdir().map_err(|e| TestCaseError::fail(e.to_string()))?;
        std::fs::write(dir.path().join("ssg.toml"), &bytes)
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        match Config::load(dir.path()) {
            Ok(_) => {}
            Err(e) => {
                let d = &e.diagnostics[0];
                prop_assert_eq!(d.path.as_path(), Path::new("ssg.toml"));
                let lines = bytes.split(|&b| b == b'\n').count();
                prop_assert!(d.line.is_some_and(|l| (1..=lines).contains(&l)), "{}", d);
            }
        }
    }
}
