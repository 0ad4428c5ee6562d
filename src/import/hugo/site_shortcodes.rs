//! A Hugo site's own shortcodes that only print a value — the site's base
//! URL, its title, a site or page param, one of the call's arguments —
//! such as `layouts/shortcodes/baseurl.html` holding
//! `{{ .Page.Site.BaseURL }}`. Those are read here so the import can write
//! the printed text in the page; a template doing anything more (a range,
//! an if, a partial) is not evaluated, and its calls are reported.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Map, Value};

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
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Text(String),
    Value(Source),
}

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
}

/// The printing shortcodes of a site (and its themes), by name.
#[derive(Debug, Default)]
pub struct SiteShortcodes {
    printing: BTreeMap<String, Vec<Part>>,
}

impl SiteShortcodes {
    /// Reads `layouts/shortcodes/` (and Hugo 0.146's `layouts/_shortcodes/`)
    /// of the site, then of each theme; the site's file of a name wins.
    pub fn load(src: &Path) -> SiteShortcodes {
        let mut roots = vec![src.to_path_buf()];
        if let Ok(themes) = std::fs::read_dir(src.join("themes")) {
            let mut themes: Vec<_> = themes.flatten().map(|e| e.path()).collect();
            themes.sort();
            roots.extend(themes);
        }
        let mut found = SiteShortcodes::default();
        for root in roots {
            for dir in ["layouts/shortcodes", "layouts/_shortcodes"] {
                found.read_dir(&root.join(dir));
            }
        }
        found
    }

    fn read_dir(&mut self, dir: &Path) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let Some(name) = path
                .file_name()
                .and_then(|n| n.to_str())
                .and_then(|n| n.strip_suffix(".html"))
            else {
                continue;
            };
            if self.printing.contains_key(name) {
                continue;
            }
            if let Some(parts) = std::fs::read_to_string(&path).ok().and_then(|t| parse(&t)) {
                self.printing.insert(name.to_string(), parts);
            }
        }
    }

    /// Whether shortcode `name` prints its inner text: it has a closing tag.
    pub fn wraps(&self, name: &str) -> bool {
        self.printing
            .get(name)
            .is_some_and(|parts| parts.contains(&Part::Value(Source::Inner)))
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
        let (positional, named) = call;
        let parts = self.printing.get(name)?;
        let mut out = String::new();
        for part in parts {
            match part {
                Part::Text(t) => out.push_str(t),
                Part::Value(source) => {
                    let value = match source {
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
                        Source::Inner => inner.to_string(),
                    };
                    out.push_str(&value);
                }
            }
        }
        // A template file's last newline would end a link written around it.
        Some(out.trim().to_string())
    }
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

/// The parts of a template made only of text and printed values; `None`
/// for any other template.
fn parse(template: &str) -> Option<Vec<Part>> {
    let mut parts = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find("{{") {
        let mut text = &rest[..open];
        let after = &rest[open + 2..];
        let close = after.find("}}")?;
        let mut action = &after[..close];
        if let Some(trimmed) = action.strip_prefix('-') {
            text = text.trim_end();
            action = trimmed;
        }
        let trim_after = action.ends_with('-');
        action = action.trim_end_matches('-').trim();
        if !text.is_empty() {
            parts.push(Part::Text(text.to_string()));
        }
        if !(action.starts_with("/*") && action.ends_with("*/")) {
            parts.push(Part::Value(source_of(action)?));
        }
        rest = &after[close + 2..];
        if trim_after {
            rest = rest.trim_start();
        }
    }
    if !rest.is_empty() {
        parts.push(Part::Text(rest.to_string()));
    }
    Some(parts)
}

/// What one `{{ … }}` action prints, when it is a plain value.
fn source_of(action: &str) -> Option<Source> {
    // Pipes that only mark a value safe print it unchanged.
    let mut pieces = action.split('|').map(str::trim);
    let value = pieces.next()?;
    if !pieces.all(|p| matches!(p, "safeURL" | "safeHTML" | "htmlUnescape")) {
        return None;
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
}
