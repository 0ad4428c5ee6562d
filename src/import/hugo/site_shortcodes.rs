//! A Hugo site's own shortcodes that only print a value — the site's base
//! URL, its title, a site or page param, one of the call's arguments —
//! such as `layouts/shortcodes/baseurl.html` holding
//! `{{ .Page.Site.BaseURL }}`. Those are read here so the import can write
//! the printed text in the page. A template that shows another page
//! (`with .Site.GetPage (.Get 0)` … `.Content` … `end`) is read too: ssg's
//! shortcodes see no other page's text, so that page's text is written in at
//! import time. A template doing anything more (a range, an if, a partial)
//! is translated into Tera ([`translated_shortcodes`]), or else its calls
//! are reported.
//!
//! [`translated_shortcodes`]: super::translated_shortcodes

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Map, Value};

use super::translated_shortcodes::TranslatedShortcodes;
use crate::config::Config;

/// Where a printed value comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Source {
    BaseUrl,
    SiteTitle,
    SiteParam(Vec<String>),
    PageTitle,
    PageParam(Vec<String>),
    Positional(usize),
    Named(String),
    /// `.Inner`: the text between the opening and closing tags.
    Inner,
    /// `"<!-- x -->" | safeHTML`.
    Literal(String),
    /// Inside `with .Site.GetPage …`: that page's values.
    Other(OtherValue),
}

/// What a template prints of the page `.Site.GetPage` found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OtherValue {
    Permalink,
    RelPermalink,
    Title,
    Content,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Text(String),
    Value(Source),
    /// `with .Site.GetPage TARGET` … `end`: printed when the page exists.
    WithPage(Source, Vec<Part>),
}

/// The page a `.Site.GetPage` call names, as the import wrote it.
pub struct OtherPage {
    /// Its absolute URL.
    pub permalink: String,
    /// Its URL path from the site's root.
    pub url: String,
    pub title: String,
    /// Its body, converted (Markdown, ssg's shortcode calls).
    pub body: String,
}

/// Finds the page `.Site.GetPage` names (a content path).
pub type GetPage<'a> = &'a dyn Fn(&str) -> Option<OtherPage>;

/// The site values a printing template can read.
#[derive(Debug, Default)]
pub struct SiteValues {
    /// As `.Site.BaseURL` prints it.
    pub base_url: String,
    pub title: String,
    pub params: Map<String, Value>,
}

/// The values of the page a call is in.
pub struct PageValues<'a> {
    pub title: &'a str,
    /// Front matter, lower-cased keys (Hugo's `.Params`).
    pub params: &'a Map<String, Value>,
    /// `.Site.GetPage`, from this page.
    pub get_page: GetPage<'a>,
}

/// The printing shortcodes of a site (and its themes), by name.
#[derive(Debug, Default)]
pub struct SiteShortcodes {
    printing: BTreeMap<String, Vec<Part>>,
    /// Templates that show the page's table of contents, and no more.
    contents: std::collections::BTreeSet<String>,
    /// The others, as Tera where they have a Tera form.
    pub translated: TranslatedShortcodes,
}

impl SiteShortcodes {
    /// Reads `layouts/shortcodes/` (and Hugo 0.146's `layouts/_shortcodes/`)
    /// of the site, then of each theme; the site's file of a name wins.
    /// `params` are the site's (`.Site.Params`); `config` the new site's.
    pub fn load(src: &Path, params: &Map<String, Value>, config: &Config) -> SiteShortcodes {
        let mut roots = vec![src.to_path_buf()];
        if let Ok(themes) = std::fs::read_dir(src.join("themes")) {
            let mut themes: Vec<_> = themes.flatten().map(|e| e.path()).collect();
            themes.sort();
            roots.extend(themes);
        }
        let mut found = SiteShortcodes::default();
        let mut others = BTreeMap::new();
        for root in &roots {
            for dir in ["layouts/shortcodes", "layouts/_shortcodes"] {
                found.read_dir(&root.join(dir), &mut others);
            }
        }
        let others = others
            .into_iter()
            .map(
                |(name, (path, text)): (String, (std::path::PathBuf, String))| {
                    let rel = path.strip_prefix(src).unwrap_or(&path).to_path_buf();
                    (name, rel, text)
                },
            )
            .collect();
        found.translated = TranslatedShortcodes::translate(others, &roots, params, config);
        found
    }

    fn read_dir(
        &mut self,
        dir: &Path,
        others: &mut BTreeMap<String, (std::path::PathBuf, String)>,
    ) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        let mut paths: Vec<_> = entries.flatten().map(|e| e.path()).collect();
        paths.sort();
        for path in paths {
            let Some(name) = path
                .file_name()
                .and_then(|n| n.to_str())
                .and_then(|n| n.strip_suffix(".html"))
            else {
                continue;
            };
            let taken = self.printing.contains_key(name)
                || self.contents.contains(name)
                || others.contains_key(name);
            if taken {
                continue;
            }
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            if let Some(parts) = parse(&text) {
                self.printing.insert(name.to_string(), parts);
            } else if shows_only_contents(&text) {
                self.contents.insert(name.to_string());
            } else {
                others.insert(name.to_string(), (path.clone(), text));
            }
        }
    }

    /// Whether shortcode `name` prints its inner text: it has a closing tag.
    pub fn wraps(&self, name: &str) -> bool {
        let translated = || {
            self.translated
                .get(name)
                .is_some_and(|t| t.as_ref().is_ok_and(|t| t.inner))
        };
        self.printing
            .get(name)
            .is_some_and(|parts| parts.contains(&Part::Value(Source::Inner)))
            || translated()
    }

    /// The text shortcode `name` prints for these arguments (and `inner`,
    /// its inner text already converted), if it is a printing one.
    pub fn print(
        &self,
        name: &str,
        call: (&[String], &[(String, String)]),
        inner: &str,
        site: &SiteValues,
        page: &PageValues,
    ) -> Option<String> {
        let parts = self.printing.get(name)?;
        let mut out = String::new();
        let values = Values {
            call,
            inner,
            site,
            page,
        };
        print_parts(parts, &values, None, &mut out)?;
        // A template file's last newline would end a link written around it.
        Some(out.trim().to_string())
    }

    /// Whether shortcode `name` shows the page's table of contents, which
    /// ssg's page template shows (`page.toc`).
    pub fn shows_contents(&self, name: &str) -> bool {
        self.contents.contains(name)
    }

    /// Whether shortcode `name` shows another page (`.Site.GetPage`).
    pub fn shows_another_page(&self, name: &str) -> bool {
        self.printing
            .get(name)
            .is_some_and(|parts| parts.iter().any(|p| matches!(p, Part::WithPage(..))))
    }
}

/// What one call's values come from.
struct Values<'a> {
    call: (&'a [String], &'a [(String, String)]),
    inner: &'a str,
    site: &'a SiteValues,
    page: &'a PageValues<'a>,
}

fn print_parts(
    parts: &[Part],
    values: &Values,
    other: Option<&OtherPage>,
    out: &mut String,
) -> Option<()> {
    for part in parts {
        match part {
            Part::Text(t) => out.push_str(t),
            Part::Value(source) => out.push_str(&value_of(source, values, other)?),
            Part::WithPage(target, inner) => {
                let target = value_of(target, values, other)?;
                if let Some(found) = (values.page.get_page)(&target) {
                    print_parts(inner, values, Some(&found), out)?;
                }
            }
        }
    }
    Some(())
}

fn value_of(source: &Source, values: &Values, other: Option<&OtherPage>) -> Option<String> {
    let (positional, named) = values.call;
    let (site, page) = (values.site, values.page);
    Some(match source {
        Source::BaseUrl => site.base_url.clone(),
        Source::SiteTitle => site.title.clone(),
        Source::SiteParam(path) => param_text(&site.params, path)?,
        Source::PageTitle => page.title.to_string(),
        Source::PageParam(path) => param_text(page.params, path)?,
        Source::Positional(i) => positional.get(*i).cloned().unwrap_or_default(),
        Source::Named(k) => named
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default(),
        Source::Inner => values.inner.to_string(),
        Source::Literal(text) => text.clone(),
        Source::Other(value) => {
            let other = other?;
            match value {
                OtherValue::Permalink => other.permalink.clone(),
                OtherValue::RelPermalink => other.url.clone(),
                OtherValue::Title => other.title.clone(),
                // Markdown inside HTML is read only between blank lines.
                OtherValue::Content => format!("\n\n{}\n\n", other.body.trim()),
            }
        }
    })
}

/// A scalar under `path` (keys matched case-insensitively, as Hugo does) as text.
pub fn param_text(params: &Map<String, Value>, path: &[String]) -> Option<String> {
    let (first, rest) = path.split_first()?;
    let mut value = params
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(first))
        .map(|(_, v)| v)?;
    for key in rest {
        value = value
            .as_object()?
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)?;
    }
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// The parts of a template made only of text, printed values, variables
/// set to them and `with .Site.GetPage` blocks; `None` for any other.
fn parse(template: &str) -> Option<Vec<Part>> {
    // The parts of each open `with` block, outermost first, and its target.
    let mut open: Vec<(Option<Source>, Vec<Part>)> = vec![(None, Vec::new())];
    let mut vars: Vec<(String, Source)> = Vec::new();
    let mut rest = template;
    while let Some(at) = rest.find("{{") {
        let mut text = &rest[..at];
        let after = &rest[at + 2..];
        let close = after.find("}}")?;
        let mut action = &after[..close];
        if let Some(trimmed) = action.strip_prefix('-') {
            text = text.trim_end();
            action = trimmed;
        }
        let trim_after = action.ends_with('-');
        action = action.trim_end_matches('-').trim();
        let inside_with = open.len() > 1;
        if !text.is_empty() {
            open.last_mut()?.1.push(Part::Text(text.to_string()));
        }
        let comment = action.starts_with("/*") && action.ends_with("*/");
        if comment {
            // Prints nothing.
        } else if let Some((var, value)) = action.split_once(":=") {
            vars.push((
                var.trim().to_string(),
                source_of(value, &vars, inside_with)?,
            ));
        } else if let Some(target) = get_page_target(action) {
            open.push((Some(source_of(target, &vars, false)?), Vec::new()));
        } else if action == "end" {
            let (target, inner) = open.pop()?;
            open.last_mut()?.1.push(Part::WithPage(target?, inner));
        } else {
            let value = source_of(action, &vars, inside_with)?;
            open.last_mut()?.1.push(Part::Value(value));
        }
        rest = &after[close + 2..];
        if trim_after {
            rest = rest.trim_start();
        }
    }
    let (_, mut parts) = open.pop().filter(|_| open.is_empty())?;
    if !rest.is_empty() {
        parts.push(Part::Text(rest.to_string()));
    }
    Some(parts)
}

/// A template whose only value is `.TableOfContents` (a heading or a
/// wrapper around it is the theme's, as ssg's page template has its own).
fn shows_only_contents(template: &str) -> bool {
    let actions: Vec<&str> = template
        .split("{{")
        .skip(1)
        .filter_map(|a| {
            a.split_once("}}")
                .map(|(inside, _)| inside.trim_matches('-').trim())
        })
        .filter(|a| !(a.starts_with("/*") && a.ends_with("*/")))
        .collect();
    !actions.is_empty()
        && actions.iter().all(|a| {
            matches!(
                *a,
                ".TableOfContents" | ".Page.TableOfContents" | "$.Page.TableOfContents"
            )
        })
}

/// `with .Site.GetPage X` (or `site.GetPage`): X.
fn get_page_target(action: &str) -> Option<&str> {
    let call = action.strip_prefix("with ")?.trim();
    let target = [
        "$.Site.GetPage ",
        ".Page.Site.GetPage ",
        ".Site.GetPage ",
        "site.GetPage ",
    ]
    .iter()
    .find_map(|prefix| call.strip_prefix(prefix))?;
    let target = target.trim();
    Some(
        target
            .strip_prefix('(')
            .and_then(|t| t.strip_suffix(')'))
            .unwrap_or(target)
            .trim(),
    )
}

/// What one `{{ … }}` action prints, when it is a plain value (`vars`:
/// the template's variables so far; `of_other`: inside `with .Site.GetPage`,
/// where `.` is that page).
fn source_of(action: &str, vars: &[(String, Source)], of_other: bool) -> Option<Source> {
    // Pipes that only mark a value safe print it unchanged; the content
    // of a page is HTML already, which `markdownify` leaves as it is.
    let mut pieces = action.split('|').map(str::trim);
    let value = pieces.next()?.trim();
    if !pieces.all(|p| matches!(p, "safeURL" | "safeHTML" | "htmlUnescape" | "markdownify")) {
        return None;
    }
    if let Some((_, source)) = vars.iter().rev().find(|(name, _)| name == value) {
        return Some(source.clone());
    }
    if let Some(literal) = value.strip_prefix('"').and_then(|v| v.strip_suffix('"')) {
        return (!literal.contains(['"', '\\'])).then(|| Source::Literal(literal.to_string()));
    }
    if of_other {
        let other = match value {
            ".Permalink" => Some(OtherValue::Permalink),
            ".RelPermalink" => Some(OtherValue::RelPermalink),
            ".Title" => Some(OtherValue::Title),
            ".Content" => Some(OtherValue::Content),
            _ => None,
        };
        if let Some(other) = other {
            return Some(Source::Other(other));
        }
    }
    let value = value
        .strip_prefix("$.")
        .map(|v| format!(".{v}"))
        .unwrap_or_else(|| value.to_string());
    let value = value.replacen(".Page.Site.", ".Site.", 1);
    let value = value.replacen("site.", ".Site.", 1);
    if let Some(arg) = value.strip_prefix(".Get ") {
        let arg = arg.trim();
        return match arg.parse::<usize>() {
            Ok(i) => Some(Source::Positional(i)),
            Err(_) => Some(Source::Named(arg.trim_matches('"').to_string())),
        };
    }
    let dotted = |p: &str| p.split('.').map(String::from).collect::<Vec<_>>();
    match value.as_str() {
        ".Inner" => Some(Source::Inner),
        ".Site.BaseURL" | ".Site.Home.Permalink" => Some(Source::BaseUrl),
        ".Site.Title" => Some(Source::SiteTitle),
        ".Page.Title" | ".Title" => Some(Source::PageTitle),
        v => {
            if let Some(p) = v.strip_prefix(".Site.Params.") {
                Some(Source::SiteParam(dotted(p)))
            } else {
                v.strip_prefix(".Page.Params.")
                    .or_else(|| v.strip_prefix(".Params."))
                    .map(|p| Source::PageParam(dotted(p)))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printing_templates_are_read_and_others_are_not() {
        assert_eq!(
            parse("{{ .Page.Site.BaseURL }}\n"),
            Some(vec![Part::Value(Source::BaseUrl), Part::Text("\n".into())])
        );
        assert_eq!(
            parse("{{- /* the site */ -}}\n<b>{{ .Get 0 | safeHTML }}</b>"),
            Some(vec![
                Part::Text("<b>".into()),
                Part::Value(Source::Positional(0)),
                Part::Text("</b>".into())
            ])
        );
        assert_eq!(parse("{{ range .Site.Pages }}x{{ end }}"), None);
        assert_eq!(parse("{{ partial \"x\" . }}"), None);
    }

    #[test]
    fn values_are_printed_from_site_page_and_arguments() {
        let mut shortcodes = SiteShortcodes::default();
        let parts = parse("{{ .Site.BaseURL }}{{ .Site.Params.Repo.url }}#{{ .Get \"at\" }}")
            .expect("printing");
        shortcodes.printing.insert("x".into(), parts);
        let mut params = Map::new();
        params.insert("repo".into(), serde_json::json!({"URL": "gh/a"}));
        let site = SiteValues {
            base_url: "https://e.org/".into(),
            title: String::new(),
            params,
        };
        let page = PageValues {
            title: "T",
            params: &Map::new(),
            get_page: &|_| None,
        };
        let named = vec![("at".to_string(), "top".to_string())];
        assert_eq!(
            shortcodes
                .print("x", (&[], &named), "", &site, &page)
                .as_deref(),
            Some("https://e.org/gh/a#top")
        );
        assert_eq!(shortcodes.print("y", (&[], &[]), "", &site, &page), None);
        assert!(!shortcodes.wraps("x"));
    }

    #[test]
    fn a_template_showing_another_page_prints_its_text() {
        let parts = parse(
            "{{- \"<!-- BEGIN -->\" | safeHTML -}}\n{{- $file := .Get 0 -}}\n{{- with .Site.GetPage $file -}}\n<a href=\"{{ .Permalink }}\">{{ .Content -}}</a>\n{{- end -}}",
        )
        .expect("a page-showing template");
        let mut shortcodes = SiteShortcodes::default();
        shortcodes.printing.insert("evergreen".into(), parts);
        assert!(shortcodes.shows_another_page("evergreen"));
        let get_page = |target: &str| {
            (target == "/snippets/a.md").then(|| OtherPage {
                permalink: "https://e.org/snippets/a/".into(),
                url: "/snippets/a/".into(),
                title: "A".into(),
                body: "```go\nx := 1\n```\n".into(),
            })
        };
        let page = PageValues {
            title: "T",
            params: &Map::new(),
            get_page: &get_page,
        };
        let site = SiteValues::default();
        let found = ["/snippets/a.md".to_string()];
        assert_eq!(
            shortcodes
                .print("evergreen", (&found, &[]), "", &site, &page)
                .as_deref(),
            Some(
                "<!-- BEGIN --><a href=\"https://e.org/snippets/a/\">\n\n```go\nx := 1\n```\n\n</a>"
            )
        );
        let missing = ["/nowhere.md".to_string()];
        assert_eq!(
            shortcodes
                .print("evergreen", (&missing, &[]), "", &site, &page)
                .as_deref(),
            Some("<!-- BEGIN -->")
        );
        assert!(shows_only_contents(
            "<aside>\n{{ .Page.TableOfContents }}\n</aside>"
        ));
        assert!(!shows_only_contents("{{ .TableOfContents }}{{ .Title }}"));
        assert_eq!(
            parse("{{ with .Site.GetPage (.Get 0) }}{{ .Content }}"),
            None
        );
    }
}
