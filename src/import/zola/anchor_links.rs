//! Zola's `insert_anchor_links` (a section's `left`, `right` or `heading`)
//! puts a link to each heading inside the heading of its pages: Zola's
//! own markup, `<a class="zola-anchor" href="#id" aria-label="Anchor link
//! for: id">🔗</a>`, or the site's `templates/anchor-link.html`. ssg does
//! this with a heading render hook: each page of such a section says its
//! side in `extra.anchor_links`, and `templates/hooks/heading.html` puts
//! the link there. A site with no such section gets no hook (a hook costs
//! every heading a template call).

use std::path::Path;

use serde_json::Value;

use crate::import::Plan;

/// The key pages and sections carry their side in.
pub const KEY: &str = "anchor_links";

/// Zola's built-in `anchor-link.html`.
const ZOLA_ANCHOR: &str =
    r##"<a class="zola-anchor" href="#{{ id }}" aria-label="Anchor link for: {{ id }}">🔗</a>"##;

/// `insert_anchor_links` as the side ssg's hook reads, or `None` for
/// `none` and anything Zola does not know.
pub fn side(value: Option<&Value>) -> Option<&'static str> {
    match value?.as_str()? {
        "left" => Some("left"),
        "right" => Some("right"),
        "heading" => Some("heading"),
        _ => None,
    }
}

/// Gives each page the side of its section, and writes the hook if any
/// page or section has one. `templates` are the old site's template
/// folders, its own first.
pub fn apply(src: &Path, templates: &[&Path], plan: &mut Plan) {
    let sides: Vec<(String, Value)> = plan
        .pages
        .iter()
        .filter(|p| p.is_section())
        .filter_map(|p| {
            let side = p.front_matter.extra.get(KEY)?.clone();
            Some((p.section_folder().to_string(), side))
        })
        .collect();
    if sides.is_empty() {
        return;
    }
    for page in plan.pages.iter_mut().filter(|p| !p.is_section()) {
        let section = page.section_folder();
        if let Some((_, side)) = sides.iter().find(|(folder, _)| folder == section) {
            page.front_matter.extra.insert(KEY.into(), side.clone());
        }
    }
    let anchor = templates
        .iter()
        .find_map(|dir| std::fs::read_to_string(src.join(dir).join("anchor-link.html")).ok())
        .map(|own| super::tera1::to_tera2(&own).trim().to_string())
        .unwrap_or_else(|| ZOLA_ANCHOR.to_string());
    plan.texts
        .push(("templates/hooks/heading.html".into(), hook(&anchor)));
}

/// The heading hook putting `anchor` on the side its page names.
fn hook(anchor: &str) -> String {
    let heading_link = anchor
        .split_once('>')
        .map(|(open, _)| format!("{open}>{{{{ text | safe }}}}</a>"))
        .unwrap_or_else(|| "{{ text | safe }}".into());
    format!(
        "{{#- Zola's insert_anchor_links, from `ssg import`: the side is the page's `extra.{KEY}`. -#}}\n\
         {{%- set side = page.extra.{KEY} | default(value=\"\") -%}}\n\
         <h{{{{ level }}}} id=\"{{{{ id }}}}\">\
         {{%- if side == \"left\" %}}{anchor}{{% endif -%}}\
         {{%- if side == \"heading\" %}}{heading_link}{{% else %}}{{{{ text | safe }}}}{{% endif -%}}\
         {{%- if side == \"right\" %}}{anchor}{{% endif -%}}\
         </h{{{{ level }}}}>\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_zola_s_sides_are_kept() {
        assert_eq!(side(Some(&Value::from("left"))), Some("left"));
        assert_eq!(side(Some(&Value::from("none"))), None);
    }
}
