//! Front matter in its three syntaxes, valid and corrupted: parsing never
//! panics; an error names the file and a line inside it; a valid block
//! gives back the title, date and tags it was written with.

use std::path::Path;

use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone};
use proptest::prelude::*;

use crate::content::front_matter::parse;
use crate::error::read_text;

const FILE: &str = "content/blog/post.md";

#[derive(Debug, Clone, Copy)]
enum Syntax {
    Yaml,
    Toml,
    Bare,
}

/// A date as an author writes it, with the instant it must parse to.
#[derive(Debug, Clone)]
struct WrittenDate {
    text: String,
    instant: DateTime<FixedOffset>,
    /// TOML takes it unquoted, as one of its own dates.
    toml_date: bool,
}

/// Every form the README accepts: a day, RFC 3339 (with `Z` or an offset,
/// with or without fractions), and a time without a zone, read as UTC.
fn written_date() -> impl Strategy<Value = WrittenDate> {
    let day = (1000i32..=9999, 1u32..=12, 1u32..=31)
        .prop_filter_map("a real day", |(y, m, d)| NaiveDate::from_ymd_opt(y, m, d));
    let time = (0u32..24, 0u32..60, 0u32..60, 0u32..1_000);
    (day, time, -14 * 60..=14 * 60i32, 0..7u8).prop_map(
        |(day, (h, min, s, ms), offset_minutes, form)| {
            let utc = FixedOffset::east_opt(0).expect("UTC");
            let at = |h, min, s, ms| day.and_hms_milli_opt(h, min, s, ms).expect("valid time");
            let local_utc = |naive| {
                utc.from_local_datetime(&naive)
                    .single()
                    .expect("UTC has no gaps")
            };
            let (text, instant, toml_date) = match form {
                0 => (
                    day.format("%Y-%m-%d").to_string(),
                    local_utc(at(0, 0, 0, 0)),
                    true,
                ),
                1 => {
                    let offset = FixedOffset::east_opt(offset_minutes * 60).expect("within a day");
                    let instant = offset
                        .from_local_datetime(&at(h, min, s, 0))
                        .single()
                        .expect("fixed offsets have no gaps");
                    (instant.to_rfc3339(), instant, true)
                }
                2 => {
                    let instant = local_utc(at(h, min, s, ms));
                    (
                        instant.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
                        instant,
                        true,
                    )
                }
                3 => {
                    let naive = at(h, min, s, 0);
                    (
                        naive.format("%Y-%m-%dT%H:%M:%S").to_string(),
                        local_utc(naive),
                        true,
                    )
                }
                4 => {
                    let naive = at(h, min, s, 0);
                    (
                        naive.format("%Y-%m-%d %H:%M:%S").to_string(),
                        local_utc(naive),
                        true,
                    )
                }
                _ => {
                    let naive = at(h, min, 0, 0);
                    (
                        naive.format("%Y-%m-%d %H:%M").to_string(),
                        local_utc(naive),
                        false,
                    )
                }
            };
            WrittenDate {
                text,
                instant,
                toml_date,
            }
        },
    )
}

/// A YAML double-quoted scalar: everything YAML does not call printable is escaped.
fn yaml_quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            ' '..='~' => out.push(c),
            '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'.. if c != '\u{feff}' => {
                out.push(c)
            }
            c if (c as u32) <= 0xffff => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push('"');
    out
}

fn toml_quote(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// A block with a title, a date and tags, and what it must parse to.
#[derive(Debug, Clone)]
struct ValidDoc {
    text: String,
    title: String,
    date: WrittenDate,
    tags: Vec<String>,
}

fn valid_doc() -> impl Strategy<Value = ValidDoc> {
    let syntax = prop_oneof![Just(Syntax::Yaml), Just(Syntax::Toml), Just(Syntax::Bare)];
    (
        syntax,
        any::<String>(),
        written_date(),
        proptest::collection::vec(any::<String>(), 0..5),
        any::<bool>(),
        "[^\\x00]{0,200}",
    )
        .prop_map(|(syntax, title, date, tags, quote_date, body)| {
            let (text, title, tags) = match syntax {
                Syntax::Yaml => {
                    let date_text = if quote_date {
                        yaml_quote(&date.text)
                    } else {
                        date.text.clone()
                    };
                    let list: Vec<String> = tags.iter().map(|t| yaml_quote(t)).collect();
                    let text = format!(
                        "---\ntitle: {}\ndate: {date_text}\ntags: [{}]\n---\n{body}",
                        yaml_quote(&title),
                        list.join(", ")
                    );
                    (text, title, tags)
                }
                Syntax::Toml => {
                    let date_text = if quote_date || !date.toml_date {
                        toml_quote(&date.text)
                    } else {
                        date.text.clone()
                    };
                    let list: Vec<String> = tags.iter().map(|t| toml_quote(t)).collect();
                    let text = format!(
                        "+++\ntitle = {}\ndate = {date_text}\ntags = [{}]\n+++\n{body}",
                        toml_quote(&title),
                        list.join(", ")
                    );
                    (text, title, tags)
                }
                Syntax::Bare => {
                    // One line per value, trimmed; tags split at commas.
                    let one_line = |s: &str| -> String {
                        s.chars()
                            .map(|c| if c.is_control() { ' ' } else { c })
                            .collect::<String>()
                            .trim()
                            .to_string()
                    };
                    let title = one_line(&title);
                    let tags: Vec<String> = tags
                        .iter()
                        .map(|t| one_line(&t.replace(',', " ")))
                        .filter(|t| !t.is_empty())
                        .collect();
                    let text = format!(
                        "Title: {title}\nDate: {}\nTags: {}\n\n{body}",
                        date.text,
                        tags.join(", ")
                    );
                    (text, title, tags)
                }
            };
            ValidDoc {
                text,
                title,
                date,
                tags,
            }
        })
}

/// A way to damage a file.
#[derive(Debug, Clone)]
enum Damage {
    Truncate(prop::sample::Index),
    Insert(prop::sample::Index, String),
    Bom,
    Crlf,
    Nul(prop::sample::Index),
    DeepNesting(usize, prop::sample::Index),
    HugeValue(usize),
    /// `levels` of anchors, each naming the one before ten times.
    Aliases(usize),
}

fn damage() -> impl Strategy<Value = Damage> {
    prop_oneof![
        any::<prop::sample::Index>().prop_map(Damage::Truncate),
        (
            any::<prop::sample::Index>(),
            prop_oneof![
                any::<String>(),
                "[-+:=\\[\\]{}\"'\n#&*!|>%@` ]{1,10}",
                Just("\n---\n".to_string()),
                Just("\n+++\n".to_string()),
                Just("title:\n".to_string()),
                Just("tags: [".to_string()),
                Just("date = 2024-13-45\n".to_string()),
                Just("extra: 5\n".to_string()),
                // Error messages are searched for "line N": text that says it too.
                Just("line 999999".to_string()),
                Just("x: \"line 99\" line 98\n".to_string()),
            ]
        )
            .prop_map(|(at, s)| Damage::Insert(at, s)),
        Just(Damage::Bom),
        Just(Damage::Crlf),
        any::<prop::sample::Index>().prop_map(Damage::Nul),
        (1usize..20_000, any::<prop::sample::Index>())
            .prop_map(|(d, at)| Damage::DeepNesting(d, at)),
        (1usize..1_000_000).prop_map(Damage::HugeValue),
        (1usize..12).prop_map(Damage::Aliases),
    ]
}

/// The char boundary nearest below `index` into `text`.
fn boundary(text: &str, index: &prop::sample::Index) -> usize {
    let mut at = index.index(text.len() + 1);
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn apply(text: &str, damage: &Damage) -> String {
    let mut text = text.to_string();
    match damage {
        Damage::Truncate(at) => text.truncate(boundary(&text, at)),
        Damage::Insert(at, s) => text.insert_str(boundary(&text, at), s),
        Damage::Bom => text.insert(0, '\u{feff}'),
        Damage::Crlf => text = text.replace('\n', "\r\n"),
        Damage::Nul(at) => text.insert(boundary(&text, at), '\0'),
        Damage::DeepNesting(depth, at) => {
            let nest = format!(
                "{}{}",
                ["[", "{a: ", "- "][depth % 3].repeat(*depth),
                ["]", "}", ""][depth % 3].repeat(*depth)
            );
            text.insert_str(boundary(&text, at), &format!("\nextra: {nest}\n"));
        }
        Damage::Aliases(levels) => {
            let mut block = String::from("a0: &a0 [\"lol\"]\n");
            for i in 1..=*levels {
                let refs = vec![format!("*a{}", i - 1); 10].join(", ");
                block.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
            }
            let at = text.find('\n').map_or(0, |i| i + 1);
            text.insert_str(at, &block);
        }
        Damage::HugeValue(len) => {
            let value = "x".repeat(*len);
            let at = text.find('\n').map_or(0, |i| i + 1);
            text.insert_str(at, &format!("summary: {value}\ntitle = \"{value}\"\n"));
        }
    }
    text
}

/// The file's lines, as an editor numbers them: a last line without a line
/// break counts, and so does a lone `\r` (YAML and CommonMark break lines
/// there too, and a file converted twice has `\r\r\n`).
fn line_count(text: &str) -> usize {
    text.replace("\r\n", "\n").split(['\n', '\r']).count()
}

/// Parses `text`: an error names the file and a line inside it; a success
/// leaves a body that is the end of the file, starting on the line it says
/// (Markdown warnings and links are placed by that number).
fn assert_error_is_placed(text: &str) -> Result<(), TestCaseError> {
    match parse(text, Path::new(FILE)) {
        Err(d) => {
            prop_assert_eq!(d.path.as_path(), Path::new(FILE));
            let line = d.line;
            prop_assert!(
                line.is_some_and(|l| (1..=line_count(text)).contains(&l)),
                "line {:?} of {} in {}",
                line,
                line_count(text),
                d
            );
        }
        Ok(split) => {
            prop_assert!(text.ends_with(split.body), "the body is not the file's end");
            let before = &text[..text.len() - split.body.len()];
            if !split.body.is_empty() {
                prop_assert_eq!(
                    before.matches('\n').count(),
                    split.body_line_offset,
                    "{:?}",
                    text
                );
            }
        }
    }
    Ok(())
}

/// A key with a value of the wrong type or a syntax error, as each syntax
/// writes it; each is reported on its own line.
fn bad_entry(syntax: Syntax) -> impl Strategy<Value = &'static str> {
    let entries: &'static [&'static str] = match syntax {
        Syntax::Yaml => &[
            "draft: maybe",
            "updated: 2024-13-45",
            "weight: heavy",
            "paginate_by: -3",
            "extra: 5",
            "aliases: {a: 1}",
        ],
        Syntax::Toml => &[
            "draft = \"maybe\"",
            "updated = \"2024-13-45\"",
            "weight = \"heavy\"",
            "paginate_by = -3",
            "extra = 5",
            "aliases = { a = 1 }",
            "broken = ",
            "= 3",
        ],
        Syntax::Bare => &[
            "Draft: maybe",
            "Updated: 2024-13-45",
            "Weight: heavy",
            "Paginate_by: -3",
        ],
    };
    proptest::sample::select(entries)
}

/// A valid document with one bad line among its keys: the text and that line.
fn doc_with_bad_line() -> impl Strategy<Value = (String, usize)> {
    valid_doc()
        .prop_flat_map(|doc| {
            let syntax = if doc.text.starts_with("---") {
                Syntax::Yaml
            } else if doc.text.starts_with("+++") {
                Syntax::Toml
            } else {
                Syntax::Bare
            };
            (Just(doc), bad_entry(syntax), 0usize..=3)
        })
        .prop_map(|(doc, bad, at)| {
            let fenced = !doc.text.starts_with("Title");
            // Key lines start after the fence, if any; three keys.
            let line_index = usize::from(fenced) + at;
            let mut lines: Vec<&str> = doc.text.split('\n').collect();
            lines.insert(line_index, bad);
            (lines.join("\n"), line_index + 1)
        })
}

proptest! {
    #![proptest_config(super::config(256))]

    #[test]
    fn a_bad_value_is_reported_on_its_own_line((text, line) in doc_with_bad_line()) {
        match parse(&text, Path::new(FILE)) {
            Ok(_) => prop_assert!(false, "accepted line {}:\n{}", line, text),
            Err(d) => prop_assert_eq!(d.line, Some(line), "{}\n{}", d, text),
        }
    }

    #[test]
    fn any_text_parses_or_fails_on_a_line_of_the_file(text in any::<String>()) {
        assert_error_is_placed(&text)?;
    }

    #[test]
    fn a_damaged_block_parses_or_fails_on_a_line_of_the_file(
        doc in valid_doc(),
        damages in proptest::collection::vec(damage(), 1..4),
    ) {
        let text = damages.iter().fold(doc.text.clone(), |text, d| apply(&text, d));
        assert_error_is_placed(&text)?;
    }

    #[test]
    fn a_valid_block_gives_back_its_title_date_and_tags(doc in valid_doc(), crlf in any::<bool>(), bom in any::<bool>()) {
        let mut text = doc.text.clone();
        if crlf {
            text = text.replace('\n', "\r\n");
        }
        if bom {
            text.insert(0, '\u{feff}');
        }
        let split = parse(&text, Path::new(FILE)).map_err(|d| TestCaseError::fail(format!("{d}\n{text}")))?;
        let fm = split.front_matter;
        prop_assert_eq!(fm.title.as_deref(), Some(doc.title.as_str()), "{}", text);
        prop_assert_eq!(fm.date.map(|d| d.instant), Some(doc.date.instant), "{}", text);
        prop_assert_eq!(&fm.tags, &doc.tags, "{}", text);
    }

    #[test]
    fn a_file_that_is_not_utf8_fails_on_a_line_of_the_file(
        doc in valid_doc(),
        bad in proptest::collection::vec(0x80u8..=0xff, 1..4),
        at in any::<prop::sample::Index>(),
    ) {
        let mut bytes = doc.text.clone().into_bytes();
        let at = at.index(bytes.len() + 1);
        bytes.splice(at..at, bad);
        let dir = tempfile::tempdir().map_err(|e| TestCaseError::fail(e.to_string()))?;
        let file = dir.path().join("post.md");
        std::fs::write(&file, &bytes).map_err(|e| TestCaseError::fail(e.to_string()))?;
        match read_text(&file, Path::new(FILE)) {
            Ok(text) => assert_error_is_placed(&text)?,
            Err(d) => {
                prop_assert_eq!(d.path.as_path(), Path::new(FILE));
                let lines = bytes.split(|&b| b == b'\n').count();
                prop_assert!(d.line.is_some_and(|l| (1..=lines).contains(&l)), "{}", d);
            }
        }
    }
}
