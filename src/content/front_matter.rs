//! Front matter in three syntaxes — YAML (`---`), TOML (`+++`) and the bare
//! `Key: value` header block — parsed into one typed [`FrontMatter`].
//!
//! YAML and TOML are read by gray_matter's engines; splitting the block off
//! is done here so every error can be reported against the file's own line
//! numbers.

use std::path::Path;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone, Utc};
use gray_matter::Pod;
use gray_matter::engine::{Engine, TOML, YAML};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::error::{Diagnostic, line_where};

/// Keys with a meaning of their own; anything else lands in `extra`.
pub const KNOWN_FIELDS: &[&str] = &[
    "title",
    "date",
    "updated",
    "tags",
    "summary",
    "draft",
    "slug",
    "lang",
    "template",
    "aliases",
    "weight",
    "paginate_by",
    "sort_by",
    "extra",
    "path",
    "lastmod",
    "taxonomies",
    "categories",
];

/// Keys other generators read with a meaning ssg does not give them (they
/// set a URL, a template or a publication date there); each is warned
/// about once per build, pointing at the ssg key and `ssg import`.
pub const PEER_KEYS: &[(&str, &str)] = &[
    ("url", "sets the URL in Hugo; ssg's key for that is `path`"),
    (
        "permalink",
        "sets the URL in Jekyll; ssg's key for that is `path`",
    ),
    (
        "layout",
        "picks the template in Jekyll and Hugo; ssg's key for that is `template`",
    ),
    (
        "publishDate",
        "hides the page until that date in Hugo; ssg publishes it now (use `draft` to hold it back)",
    ),
];

#[derive(Debug, Clone, Default)]
pub struct FrontMatter {
    pub title: Option<String>,
    pub date: Option<PageDate>,
    pub updated: Option<PageDate>,
    pub tags: Vec<String>,
    pub summary: Option<String>,
    pub draft: bool,
    pub slug: Option<String>,
    pub template: Option<String>,
    /// The page's language (`fr`, `pt-BR`); the site's `language` unless set.
    pub lang: Option<String>,
    pub aliases: Vec<String>,
    pub weight: Option<i64>,
    /// Sections only: overrides `build.paginate_by`.
    pub paginate_by: Option<usize>,
    /// Sections only: the order the section lists its pages in.
    pub sort_by: crate::site::SortBy,
    /// The page's whole URL path as written (Zola's `path`, Hugo's `url`).
    pub path: Option<String>,
    pub extra: Map<String, Value>,
    /// [`PEER_KEYS`] present, with the line each was written on.
    pub peer_keys: Vec<(&'static str, Option<usize>)>,
    /// Terms of taxonomies other than `tags` as written (`categories`,
    /// `taxonomies = { series = [...] }`), with the line of their key; the
    /// site's `[taxonomies]` decides what they become (`crate::taxonomy`).
    pub written_terms: Vec<WrittenTerms>,
}

impl FrontMatter {
    /// The language the page is written in: its `lang`, else the site's.
    pub fn lang_or<'a>(&'a self, site_language: &'a str) -> &'a str {
        self.lang.as_deref().unwrap_or(site_language)
    }
}

/// See [`FrontMatter::written_terms`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrittenTerms {
    pub taxonomy: String,
    pub terms: Vec<String>,
    pub line: Option<usize>,
}

/// A date as written by the author, with the instant it stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageDate {
    pub instant: DateTime<FixedOffset>,
    /// `false` for a bare `YYYY-MM-DD`.
    pub has_time: bool,
}

impl PageDate {
    pub fn parse(text: &str) -> Option<PageDate> {
        let text = text.trim();
        if let Ok(d) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            let naive = d.and_hms_opt(0, 0, 0)?;
            return Some(PageDate {
                instant: Utc.from_utc_datetime(&naive).fixed_offset(),
                has_time: false,
            });
        }
        if let Ok(dt) = DateTime::parse_from_rfc3339(text) {
            return Some(PageDate {
                instant: dt,
                has_time: true,
            });
        }
        // Local times without an offset (common in exported blogs) are taken as UTC.
        for fmt in ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"] {
            if let Ok(naive) = NaiveDateTime::parse_from_str(text, fmt) {
                return Some(PageDate {
                    instant: Utc.from_utc_datetime(&naive).fixed_offset(),
                    has_time: true,
                });
            }
        }
        None
    }

    /// `2018-07-14` for a date, RFC 3339 for a date-time.
    pub fn to_text(&self) -> String {
        if self.has_time {
            self.instant.to_rfc3339()
        } else {
            self.instant.format("%Y-%m-%d").to_string()
        }
    }

    pub fn rfc3339(&self) -> String {
        self.instant.to_rfc3339()
    }
}

impl Serialize for PageDate {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_text())
    }
}

/// Front matter plus where the Markdown body starts.
#[derive(Debug)]
pub struct Split<'a> {
    pub front_matter: FrontMatter,
    pub body: &'a str,
    /// Lines of the file before `body`; add it to a body line to get a file line.
    pub body_line_offset: usize,
}

/// Splits and parses the front matter of `text`; `path` names the file in errors.
pub fn parse<'a>(text: &'a str, path: &Path) -> Result<Split<'a>, Diagnostic> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if let Some(split) = toml_after_blank_lines(text, path) {
        return split;
    }
    let first_line = text.lines().next().unwrap_or("").trim_end();
    match first_line {
        "---" => fenced(text, "---", Syntax::Yaml, path),
        "+++" => fenced(text, "+++", Syntax::Toml, path),
        _ => match bare_header(text, path)? {
            Some(split) => Ok(split),
            None => Ok(Split {
                front_matter: FrontMatter::default(),
                body: text,
                body_line_offset: 0,
            }),
        },
    }
}

/// Zola reads a `+++` block after blank lines (its pattern allows leading
/// whitespace; Zola's own documentation has 170 such pages); `None` when
/// `text` does not start with blank lines and then `+++`.
fn toml_after_blank_lines<'a>(text: &'a str, path: &Path) -> Option<Result<Split<'a>, Diagnostic>> {
    let mut skipped = 0;
    let mut rest = text;
    while let Some((line, after)) = rest.split_once('\n') {
        if !line.trim().is_empty() {
            break;
        }
        skipped += 1;
        rest = after;
    }
    let opens = rest.lines().next().is_some_and(|l| l.trim_end() == "+++");
    if skipped == 0 || !opens {
        return None;
    }
    let shift = |line: &mut Option<usize>| *line = line.map(|l| l + skipped);
    Some(
        fenced(rest, "+++", Syntax::Toml, path)
            .map(|mut split| {
                split.body_line_offset += skipped;
                let fm = &mut split.front_matter;
                fm.peer_keys.iter_mut().for_each(|(_, line)| shift(line));
                fm.written_terms.iter_mut().for_each(|w| shift(&mut w.line));
                split
            })
            .map_err(|mut d| {
                shift(&mut d.line);
                d
            }),
    )
}

#[derive(Clone, Copy)]
enum Syntax {
    Yaml,
    Toml,
}

impl Syntax {
    fn name(self) -> &'static str {
        match self {
            Syntax::Yaml => "YAML",
            Syntax::Toml => "TOML",
        }
    }
}

fn fenced<'a>(
    text: &'a str,
    fence: &str,
    syntax: Syntax,
    path: &Path,
) -> Result<Split<'a>, Diagnostic> {
    // Byte offsets of each line start, so the body can be sliced without copying.
    let mut offset = 0;
    let mut block_start = None;
    for (index, line) in text.split_inclusive('\n').enumerate() {
        let line_end = offset + line.len();
        if index == 0 {
            block_start = Some(line_end);
        } else if line.trim_end() == fence {
            let start = block_start.unwrap_or(0);
            let block = &text[start..offset];
            let front_matter = parse_block(block, syntax, path, 2)?;
            return Ok(Split {
                front_matter,
                body: &text[line_end..],
                body_line_offset: index + 1,
            });
        }
        offset = line_end;
    }
    Err(Diagnostic::new(
        path,
        Some(1),
        format!(
            "{} front matter opened with `{fence}` is never closed (add a `{fence}` line after it)",
            syntax.name()
        ),
    ))
}

fn parse_block(
    block: &str,
    syntax: Syntax,
    path: &Path,
    first_line: usize,
) -> Result<FrontMatter, Diagnostic> {
    if let Syntax::Yaml = syntax
        && let Some(message) = super::yaml_aliases::too_many_values(block)
    {
        return Err(Diagnostic::new(path, Some(first_line), message));
    }
    let parsed = match syntax {
        Syntax::Yaml => YAML::parse(block),
        Syntax::Toml => TOML::parse(block),
    };
    let pod = parsed.map_err(|e| {
        let message = e.to_string();
        let line = error_line(&message, syntax).map(|l| l + first_line - 1);
        Diagnostic::new(
            path,
            line.or(Some(first_line)),
            format!("invalid {} front matter: {}", syntax.name(), tidy(&message)),
        )
    })?;
    let map = match pod_to_json(pod) {
        Value::Object(map) => map,
        Value::Null => Map::new(),
        _ => {
            return Err(Diagnostic::new(
                path,
                Some(first_line),
                format!("{} front matter must be a map of keys", syntax.name()),
            ));
        }
    };
    let lines = KeyLines {
        block,
        first_line,
        path,
    };
    from_map(map, &lines, false)
}

/// Pulls the line number out of a parser message ("... line 3 column 5", "TOML parse error at line 3").
fn error_line(message: &str, _syntax: Syntax) -> Option<usize> {
    let at = message.find("line ")?;
    let digits: String = message[at + 5..]
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    digits.parse().ok()
}

/// Parser messages arrive multi-line with source excerpts and positions
/// relative to the block; after `file:line:` one plain sentence reads better.
fn tidy(message: &str) -> String {
    let message = message
        .trim()
        .trim_start_matches("Deserialize error:")
        .trim();
    let mut parts = Vec::new();
    for line in message.lines().map(str::trim) {
        let excerpt = line.starts_with('|')
            || line.starts_with('^')
            || line
                .split_once('|')
                .is_some_and(|(n, _)| n.trim().chars().all(|c| c.is_ascii_digit()));
        if line.is_empty() || excerpt || line.starts_with("TOML parse error") {
            continue;
        }
        // yaml-rust2 appends "at byte N line N column N", counted inside the block.
        let line = line.split(" at byte ").next().unwrap_or(line);
        parts.push(line.to_string());
    }
    if parts.is_empty() {
        message.lines().next().unwrap_or("").to_string()
    } else {
        parts.join("; ")
    }
}

fn pod_to_json(pod: Pod) -> Value {
    match pod {
        Pod::Null => Value::Null,
        Pod::String(s) => Value::String(s),
        Pod::Integer(i) => Value::from(i),
        Pod::Float(f) => serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number),
        Pod::Boolean(b) => Value::Bool(b),
        Pod::Array(items) => Value::Array(items.into_iter().map(pod_to_json).collect()),
        // serde_json's Map is ordered by key, which keeps `extra` deterministic.
        Pod::Hash(map) => {
            Value::Object(map.into_iter().map(|(k, v)| (k, pod_to_json(v))).collect())
        }
    }
}

/// A whole YAML document as JSON values (for `ssg import`, which reads
/// other generators' YAML the way front matter is read here), or the
/// parser's message and the line of the text it names.
pub(crate) fn yaml_to_json(text: &str) -> Result<Value, (Option<usize>, String)> {
    let pod = YAML::parse(text).map_err(|e| {
        let message = e.to_string();
        (error_line(&message, Syntax::Yaml), tidy(&message))
    })?;
    Ok(pod_to_json(pod))
}

/// Finds the line a top-level key was written on, for type errors.
struct KeyLines<'a> {
    block: &'a str,
    first_line: usize,
    path: &'a Path,
}

impl KeyLines<'_> {
    fn line_of(&self, key: &str) -> Option<usize> {
        line_where(self.block, self.first_line, |line| {
            let rest = line.strip_prefix(key).or_else(|| {
                // Bare headers are case-insensitive.
                // `get`: the line may have a multi-byte character across `key.len()`.
                (line.get(..key.len())?.eq_ignore_ascii_case(key)).then(|| &line[key.len()..])
            });
            rest.map(str::trim_start)
                .is_some_and(|rest| rest.starts_with(':') || rest.starts_with('='))
        })
    }

    /// The line of `key` inside the top-level map `parent` (a TOML table,
    /// an indented YAML map or an inline one), else of `parent` itself.
    fn nested_line_of(&self, parent: &str, key: &str) -> Option<usize> {
        let nested = line_where(self.block, self.first_line, |line| {
            line.trim_start()
                .strip_prefix(key)
                .map(str::trim_start)
                .is_some_and(|rest| rest.starts_with(':') || rest.starts_with('='))
        });
        nested.or_else(|| self.line_of(parent)).or_else(|| {
            let header = format!("[{parent}]");
            line_where(self.block, self.first_line, |line| line.trim() == header)
        })
    }

    fn error(&self, key: &str, message: String) -> Diagnostic {
        Diagnostic::new(
            self.path,
            self.line_of(key).or(Some(self.first_line)),
            message,
        )
    }
}

fn kind_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "nothing",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a map",
    }
}

fn scalar_string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Typed fields from a parsed map. `bare`: keys of the bare header block are
/// case-insensitive, so they are matched (and kept in `extra`) lower-cased.
fn from_map(
    map: Map<String, Value>,
    lines: &KeyLines,
    bare: bool,
) -> Result<FrontMatter, Diagnostic> {
    let mut fm = FrontMatter::default();
    let mut more_tags = Vec::new();
    let mut lastmod = None;
    for (key, value) in map {
        let name = if bare {
            key.to_ascii_lowercase()
        } else {
            key.clone()
        };
        if value.is_null() && name != "extra" {
            continue;
        }
        let field = Field {
            key: &key,
            name: &name,
            value: &value,
            lines,
        };
        match name.as_str() {
            "title" => fm.title = Some(field.string()?),
            "summary" => fm.summary = Some(field.string()?),
            "slug" => fm.slug = Some(field.string()?),
            "template" => fm.template = Some(field.string()?),
            "lang" => fm.lang = Some(field.string()?),
            "date" => fm.date = Some(field.date()?),
            "updated" => fm.updated = Some(field.date()?),
            "tags" => fm.tags = field.list()?,
            "aliases" => fm.aliases = field.list()?,
            "draft" => fm.draft = field.boolean()?,
            "weight" => fm.weight = Some(field.whole_number()?),
            "paginate_by" => fm.paginate_by = Some(field.count()?),
            "sort_by" => fm.sort_by = field.sort_by()?,
            "path" => fm.path = Some(field.string()?),
            "lastmod" => lastmod = Some(field.date()?),
            // Kept in `extra` as well, for templates written against them.
            "categories" => {
                fm.written_terms.push(WrittenTerms {
                    taxonomy: name.clone(),
                    terms: field.list()?,
                    line: lines.line_of(&key),
                });
                fm.extra.insert(name, value);
            }
            "taxonomies" => {
                for (taxonomy, terms) in field.taxonomy_lists()? {
                    if taxonomy == "tags" {
                        more_tags.extend(terms);
                    } else {
                        fm.written_terms.push(WrittenTerms {
                            line: lines.nested_line_of(&key, &taxonomy),
                            taxonomy,
                            terms,
                        });
                    }
                }
                fm.extra.insert(name, value);
            }
            "extra" => match value {
                Value::Object(m) => fm.extra.extend(m),
                Value::Null => {}
                other => {
                    return Err(lines.error(
                        &key,
                        format!("`extra` must be a map, found {}", kind_name(&other)),
                    ));
                }
            },
            _ => {
                if let Some((peer, _)) = PEER_KEYS
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(&name))
                {
                    fm.peer_keys.push((peer, lines.line_of(&key)));
                }
                fm.extra.insert(name, value);
            }
        }
    }
    fm.updated = fm.updated.or(lastmod);
    for tag in more_tags {
        if !fm.tags.contains(&tag) {
            fm.tags.push(tag);
        }
    }
    Ok(fm)
}

/// One front matter value, read as the type its field needs; a wrong type
/// is an error on the line the key was written on.
struct Field<'v> {
    /// As written (the line is looked up by it).
    key: &'v str,
    /// As matched: lower-cased in a bare header.
    name: &'v str,
    value: &'v Value,
    lines: &'v KeyLines<'v>,
}

impl Field<'_> {
    fn error(&self, message: String) -> Diagnostic {
        self.lines.error(self.key, message)
    }

    fn string(&self) -> Result<String, Diagnostic> {
        scalar_string(self.value).ok_or_else(|| {
            self.error(format!(
                "`{}` must be a string, found {}",
                self.name,
                kind_name(self.value)
            ))
        })
    }

    fn sort_by(&self) -> Result<crate::site::SortBy, Diagnostic> {
        let name = self.string()?;
        crate::site::SortBy::parse(&name).ok_or_else(|| {
            self.error(format!(
                "`sort_by` is one of {}, found \"{name}\"",
                crate::site::SortBy::NAMES
            ))
        })
    }

    fn date(&self) -> Result<PageDate, Diagnostic> {
        let Value::String(text) = self.value else {
            return Err(self.error(format!(
                "`{}` must be a date like 2024-05-01, found {}",
                self.name,
                kind_name(self.value)
            )));
        };
        PageDate::parse(text).ok_or_else(|| {
            self.error(format!(
                "invalid date \"{text}\" (expected YYYY-MM-DD or RFC 3339 like 2024-05-01T09:30:00Z)"
            ))
        })
    }

    fn list(&self) -> Result<Vec<String>, Diagnostic> {
        list_of_strings(self.value).ok_or_else(|| {
            self.error(format!(
                "`{}` must be a list or a comma-separated string, found {}",
                self.name,
                kind_name(self.value)
            ))
        })
    }

    /// Zola's `[taxonomies]`: every taxonomy's list of terms, by name.
    fn taxonomy_lists(&self) -> Result<Vec<(String, Vec<String>)>, Diagnostic> {
        let Value::Object(map) = self.value else {
            return Err(self.error(format!(
                "`{}` must be a map of lists like `tags = [\"rust\"]`, found {}",
                self.name,
                kind_name(self.value)
            )));
        };
        let mut lists = Vec::new();
        for (name, value) in map {
            let terms = list_of_strings(value).ok_or_else(|| {
                self.error(format!(
                    "`{}.{name}` must be a list, found {}",
                    self.name,
                    kind_name(value)
                ))
            })?;
            lists.push((name.clone(), terms));
        }
        Ok(lists)
    }

    /// A boolean, or the words people write for one in a plain-text header.
    fn boolean(&self) -> Result<bool, Diagnostic> {
        match self.value {
            Value::Bool(b) => Ok(*b),
            Value::String(s) if matches!(s.to_ascii_lowercase().as_str(), "true" | "yes") => {
                Ok(true)
            }
            Value::String(s) if matches!(s.to_ascii_lowercase().as_str(), "false" | "no") => {
                Ok(false)
            }
            other => Err(self.error(format!(
                "`{}` must be true or false, found {}",
                self.name,
                kind_name(other)
            ))),
        }
    }

    fn whole_number(&self) -> Result<i64, Diagnostic> {
        match self.value {
            Value::Number(n) => n.as_i64(),
            Value::String(s) => s.trim().parse::<i64>().ok(),
            _ => None,
        }
        .ok_or_else(|| {
            self.error(format!(
                "`{}` must be a whole number, found {}",
                self.name,
                kind_name(self.value)
            ))
        })
    }

    fn count(&self) -> Result<usize, Diagnostic> {
        usize::try_from(self.whole_number()?)
            .map_err(|_| self.error(format!("`{}` must not be negative", self.name)))
    }
}

fn list_of_strings(v: &Value) -> Option<Vec<String>> {
    match v {
        Value::Array(items) => items.iter().map(scalar_string).collect(),
        Value::String(s) => Some(
            s.split(',')
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(String::from)
                .collect(),
        ),
        _ => None,
    }
}

/// The Python-Markdown "meta" header: `Key: value` lines up to the first blank
/// line. Returns `None` when the top of the file is not such a block.
fn bare_header<'a>(text: &'a str, path: &Path) -> Result<Option<Split<'a>>, Diagnostic> {
    let mut entries: Vec<(String, String)> = Vec::new();
    let mut offset = 0;
    let mut consumed_lines = 0;
    for line in text.split_inclusive('\n') {
        let content = line.trim_end_matches(['\n', '\r']);
        if content.trim().is_empty() {
            break;
        }
        if content.starts_with([' ', '\t']) {
            let Some((_, value)) = entries.last_mut() else {
                return Ok(None);
            };
            if !value.is_empty() {
                value.push(' ');
            }
            value.push_str(content.trim());
        } else {
            let Some((key, value)) = content.split_once(':') else {
                return Ok(None);
            };
            let key_ok = key.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                && key
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
            if !key_ok {
                return Ok(None);
            }
            entries.push((key.to_string(), value.trim().to_string()));
        }
        offset += line.len();
        consumed_lines += 1;
    }
    let known = entries
        .iter()
        .any(|(k, _)| KNOWN_FIELDS.contains(&k.to_ascii_lowercase().as_str()));
    if !known {
        return Ok(None);
    }
    let block = &text[..offset];
    let mut map = Map::new();
    for (key, value) in entries {
        map.insert(key, Value::String(value));
    }
    let lines = KeyLines {
        block,
        first_line: 1,
        path,
    };
    let front_matter = from_map(map, &lines, true)?;
    Ok(Some(Split {
        front_matter,
        body: &text[offset..],
        body_line_offset: consumed_lines,
    }))
}
