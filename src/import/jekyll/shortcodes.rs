//! The shortcode templates an import writes: each `_includes/` file a page
//! includes, translated once into `templates/shortcodes/NAME.html`, and the
//! page-local `.md` shortcodes that hold a page's own Liquid over
//! `site.data` (a loop, an `if`) as Tera. Collected while the pages are
//! converted (one at a time), written with the plan's texts.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::Path;

use super::tera::{self, Scope};

pub struct Shortcodes<'a> {
    src: &'a Path,
    extra: &'a toml::Table,
    /// Include file → its shortcode name, or why it has none.
    includes: RefCell<BTreeMap<String, Result<String, String>>>,
    /// DEST-relative path → template text.
    templates: RefCell<BTreeMap<String, String>>,
}

impl<'a> Shortcodes<'a> {
    pub fn new(src: &'a Path, extra: &'a toml::Table) -> Shortcodes<'a> {
        Shortcodes {
            src,
            extra,
            includes: RefCell::default(),
            templates: RefCell::default(),
        }
    }

    /// The shortcode for `{% include FILE %}`, translated on first use; or
    /// why the file cannot be one.
    pub fn include(&self, file: &str) -> Result<String, String> {
        if let Some(known) = self.includes.borrow().get(file) {
            return known.clone();
        }
        let made = self.translate_include(file);
        self.includes
            .borrow_mut()
            .insert(file.to_string(), made.clone());
        made
    }

    fn translate_include(&self, file: &str) -> Result<String, String> {
        if file.contains("..") || file.starts_with('/') {
            return Err(format!("_includes/{file} is outside _includes/"));
        }
        let path = self.src.join("_includes").join(file);
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("_includes/{file} cannot be read: {e}"))?;
        let scope = Scope {
            extra: self.extra,
            in_include: true,
        };
        let (tera, params) = tera::translate(&text, &scope)
            .map_err(|why| format!("_includes/{file} has {why}, which has no Tera form here"))?;
        // Liquid prints nothing for an argument not passed; Tera would stop.
        let mut template: String = params
            .iter()
            .map(|p| format!("{{%- set {p} = {p} | default(value=\"\") -%}}"))
            .collect();
        template.push_str(&tera);
        let name = identifier(file.rsplit_once('.').map_or(file, |(stem, _)| stem));
        let markdown = file.ends_with(".md") || file.ends_with(".markdown");
        let ext = if markdown { "md" } else { "html" };
        self.templates
            .borrow_mut()
            .insert(format!("templates/shortcodes/{name}.{ext}"), template);
        Ok(name)
    }

    /// Whether a page's own Liquid has a Tera form; why not if not.
    pub fn translates(&self, liquid: &str) -> Result<String, String> {
        let scope = Scope {
            extra: self.extra,
            in_include: false,
        };
        tera::translate(liquid, &scope).map(|(tera, _)| tera)
    }

    /// A page's own Liquid as a Markdown shortcode named after the page;
    /// its name, or why it cannot be one.
    pub fn local(&self, page: &str, liquid: &str) -> Result<String, String> {
        let tera = self.translates(liquid)?;
        let base = format!("{}_liquid", identifier(page));
        let mut templates = self.templates.borrow_mut();
        let name = (1..)
            .map(|n| format!("{base}_{n}"))
            .find(|n| !templates.contains_key(&format!("templates/shortcodes/{n}.md")))
            .unwrap_or(base);
        let tera = if writes_html(liquid) {
            without_blank_lines(&tera)
        } else {
            tera
        };
        templates.insert(format!("templates/shortcodes/{name}.md"), tera);
        Ok(name)
    }

    /// The templates to write, DEST-relative.
    pub fn into_templates(self) -> Vec<(String, String)> {
        self.templates.into_inner().into_iter().collect()
    }
}

/// Whether Liquid writes HTML (its first text is a tag, as a loop over
/// table rows), whose blank lines would end the HTML block it sits in.
fn writes_html(liquid: &str) -> bool {
    let mut rest = liquid;
    loop {
        rest = rest.trim_start();
        let Some(tag) = rest.strip_prefix("{%").or_else(|| rest.strip_prefix("{{")) else {
            break;
        };
        let close = if rest.starts_with("{%") { "%}" } else { "}}" };
        match tag.find(close) {
            Some(end) if rest.starts_with("{%") => rest = &tag[end + 2..],
            _ => return false,
        }
    }
    rest.starts_with('<') && !rest.starts_with("<!--")
}

/// HTML written into Markdown stays one HTML block only without a blank
/// line, which a tag alone on its line leaves, or a loop's body starting
/// on the line after it (at the call, too): each tag eats the whitespace
/// before it, and a `for` the whitespace after it. (A blank line in a
/// `<pre>` the Liquid writes goes as well.)
fn without_blank_lines(tera: &str) -> String {
    let mut out = String::with_capacity(tera.len());
    let mut rest = tera;
    // The template's own blank lines go too.
    let push_text = |out: &mut String, text: &str| {
        let mut lines = text.split('\n');
        out.push_str(lines.next().unwrap_or_default());
        for line in lines.filter(|l| !l.trim().is_empty()) {
            out.push('\n');
            out.push_str(line);
        }
    };
    while let Some(at) = rest.find("{%") {
        push_text(&mut out, &rest[..at]);
        let tag = &rest[at + 2..];
        let Some(end) = tag.find("%}") else {
            break;
        };
        let inner = tag[..end]
            .trim_start_matches('-')
            .trim_end_matches('-')
            .trim();
        let right = if inner.starts_with("for ") { "-" } else { "" };
        out.push_str(&format!("{{%- {inner} {right}%}}"));
        rest = &tag[end + 2..];
    }
    push_text(&mut out, rest);
    out
}

/// A shortcode name from a file path: `docs/option-list` → `docs_option_list`.
fn identifier(text: &str) -> String {
    let name: String = text
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        name
    } else {
        format!("include_{name}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn includes_become_shortcodes_once_and_the_rest_says_why() {
        let dir = tempfile::tempdir().unwrap();
        let includes = dir.path().join("_includes/docs");
        std::fs::create_dir_all(&includes).unwrap();
        std::fs::write(
            includes.join("note-box.html"),
            "<aside>{{ include.text }}</aside>",
        )
        .unwrap();
        std::fs::write(includes.join("posts.html"), "{{ site.posts }}").unwrap();
        let extra = toml::Table::new();
        let shortcodes = Shortcodes::new(dir.path(), &extra);
        assert_eq!(
            shortcodes.include("docs/note-box.html").unwrap(),
            "docs_note_box"
        );
        assert_eq!(
            shortcodes.include("docs/note-box.html").unwrap(),
            "docs_note_box"
        );
        assert!(
            shortcodes
                .include("docs/posts.html")
                .unwrap_err()
                .contains("site.posts")
        );
        assert!(shortcodes.include("../x").is_err());
        assert_eq!(
            shortcodes
                .local(
                    "content/about.md",
                    "{% for t in site.data.team %}{{ t }}{% endfor %}"
                )
                .unwrap(),
            "content_about_md_liquid_1"
        );
        let templates = shortcodes.into_templates();
        assert_eq!(
            templates,
            [
                (
                    "templates/shortcodes/content_about_md_liquid_1.md".to_string(),
                    "{% for t in data?.team | default(value=[]) %}{{ t | default(value=\"\") | safe }}{% endfor %}".to_string()
                ),
                (
                    "templates/shortcodes/docs_note_box.html".to_string(),
                    "{%- set text = text | default(value=\"\") -%}<aside>{{ text | default(value=\"\") | safe }}</aside>"
                        .to_string()
                ),
            ]
        );
    }

    #[test]
    fn liquid_writing_html_leaves_no_blank_line() {
        assert!(writes_html(
            "{% for s in site.data.x %}\n  <tr><td>{{ s }}</td></tr>\n{% endfor %}"
        ));
        assert!(!writes_html(
            "{% for s in site.data.x %}\n- {{ s }}\n{% endfor %}"
        ));
        assert!(!writes_html("{{ x }}<b>"));
        let extra = toml::Table::new();
        let shortcodes = Shortcodes::new(Path::new("/nonexistent"), &extra);
        let liquid = "{% for s in site.data.x %}\n  <tr>\n    {% if s %}<td>{{ s }}</td>{% endif %}\n  </tr>\n{% endfor %}";
        assert_eq!(shortcodes.local("a", liquid).unwrap(), "a_liquid_1");
        let templates = shortcodes.into_templates();
        assert_eq!(
            templates[0].1,
            "{%- for s in data?.x | default(value=[]) -%}\n  <tr>{%- if s %}<td>{{ s | default(value=\"\") | safe }}</td>{%- endif %}\n  </tr>{%- endfor %}"
        );
    }
}
