//! Render hooks, Hugo's most used template feature: a site or theme that
//! has `templates/hooks/link.html` (or `image.html`, `heading.html`,
//! `codeblock.html`) renders every Markdown link (image, heading, fenced
//! code block) with it, given what Markdown knows of it. Where a site has
//! none, Markdown renders as it always did.

use serde_json::Value;

use super::{Authoring, HOOKS_DIR};

/// Which hooks a site has.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HookSet {
    pub link: bool,
    pub image: bool,
    pub heading: bool,
    pub codeblock: bool,
    /// The codeblock hook names `highlighted`: only then is a block
    /// highlighted before the hook sees it, so a hook that draws every
    /// block itself costs no highlighting.
    pub codeblock_reads_highlighted: bool,
}

impl HookSet {
    /// The hooks among a site's templates: (name, text).
    pub fn in_templates<'n>(templates: impl Iterator<Item = (&'n str, &'n str)>) -> HookSet {
        let mut set = HookSet::default();
        for (name, text) in templates {
            match name.strip_prefix(HOOKS_DIR) {
                Some("link.html") => set.link = true,
                Some("image.html") => set.image = true,
                Some("heading.html") => set.heading = true,
                Some("codeblock.html") => {
                    set.codeblock = true;
                    set.codeblock_reads_highlighted = text.contains("highlighted");
                }
                _ => {}
            }
        }
        set
    }

    pub fn any(&self) -> bool {
        self.link || self.image || self.heading || self.codeblock
    }
}

fn render(authoring: &Authoring, hook: &str, fields: &[(&str, Value)]) -> Result<String, String> {
    let mut ctx = authoring.context();
    for (key, value) in fields {
        ctx.insert(key.to_string(), value);
    }
    authoring
        .templates
        .render(&format!("{HOOKS_DIR}{hook}.html"), &ctx)
        .map_err(|m| format!("render hook `{hook}`: {m}"))
}

/// A link: `url` (resolved, as the built-in rendering would write it),
/// `title`, and `text`, its content rendered to HTML.
pub fn link(authoring: &Authoring, url: &str, title: &str, text: &str) -> Result<String, String> {
    render(
        authoring,
        "link",
        &[
            ("url", url.into()),
            ("title", title.into()),
            ("text", text.into()),
        ],
    )
}

/// An image: `url`, `title`, and `alt` as plain text; for a local image
/// ssg resizes, also the fields of `picture` (`src`, `width`, `height`,
/// `srcset`, `sizes`, `sources`, `lazy`).
pub fn image(
    authoring: &Authoring,
    url: &str,
    title: &str,
    alt: &str,
    picture: Value,
) -> Result<String, String> {
    let mut fields = vec![
        ("url", url.into()),
        ("title", title.into()),
        ("alt", alt.into()),
    ];
    let picture = match picture {
        Value::Object(map) => map,
        _ => serde_json::Map::new(),
    };
    fields.extend(picture.iter().map(|(k, v)| (k.as_str(), v.clone())));
    render(authoring, "image", &fields)
}

/// A heading: `level` (1–6), its unique `id`, and `text` as HTML.
pub fn heading(authoring: &Authoring, level: u8, id: &str, text: &str) -> Result<String, String> {
    render(
        authoring,
        "heading",
        &[
            ("level", level.into()),
            ("id", id.into()),
            ("text", text.into()),
        ],
    )
}

/// A fenced or indented code block: `lang` (empty when none), `code` as
/// written, `info` (the whole fence line after the backticks) and
/// `attributes`, the fence's `key=value` words and flags
/// (`rust,linenos,hl_lines=1 3` → `{linenos: true, hl_lines: "1 3"}`), and
/// `highlighted`, the HTML ssg writes without the hook, so a hook that
/// handles some languages itself (diagrams, say) passes the rest on.
pub fn codeblock(
    authoring: &Authoring,
    lang: &str,
    code: &str,
    info: &str,
    highlighted: &str,
) -> Result<String, String> {
    render(
        authoring,
        "codeblock",
        &[
            ("lang", lang.into()),
            ("code", code.into()),
            ("info", info.into()),
            ("attributes", Value::Object(crate::fence::attributes(info))),
            ("highlighted", highlighted.into()),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hooks_are_found_by_file_name() {
        let set = HookSet::in_templates(
            [
                ("hooks/link.html", ""),
                ("hooks/other.html", ""),
                ("link.html", ""),
            ]
            .into_iter(),
        );
        assert_eq!(
            set,
            HookSet {
                link: true,
                ..HookSet::default()
            }
        );
        assert!(set.any());
        let code = HookSet::in_templates([("hooks/codeblock.html", "{{ code }}")].into_iter());
        assert!(code.codeblock && !code.codeblock_reads_highlighted);
        let passes_on = HookSet::in_templates(
            [("hooks/codeblock.html", "{{ highlighted | safe }}")].into_iter(),
        );
        assert!(passes_on.codeblock_reads_highlighted);
    }
}
