//! What Jekyll fills in at build time and a page's Liquid lists: the posts
//! (`site.posts`, newest first), the posts by category and by tag
//! (`site.categories.X`, `site.tags.X`) and the build's time (`site.time`).
//! ssg's shortcodes see other pages' front matter but not their text, and
//! the Liquid is not translated into those calls, so a page that loops over these
//! (a news archive, a list of releases) is written out at import time from
//! the posts just converted: the text Jekyll would have printed. Each such
//! page is reported, as a post added later will not join its list.

use chrono::{DateTime, FixedOffset, TimeZone};
use serde_json::{Map, Value};

use super::document::Doc;
use crate::import::NewPage;
use crate::markdown::{MORE_MARKER, MarkdownOptions, render_inline};

/// Adds `posts`, `categories`, `tags` and `time` to `site` from the posts
/// Jekyll lists, each with the page it became.
pub fn add(
    site: &mut Map<String, Value>,
    posts: &[(&Doc, &NewPage)],
    markdown: MarkdownOptions,
    now: DateTime<FixedOffset>,
) {
    let mut listed: Vec<(&Doc, &NewPage)> = posts
        .iter()
        .copied()
        .filter(|(doc, page)| doc.is_listed_post() && !page.front_matter.draft)
        .collect();
    // Newest first, as `site.posts`; Jekyll orders equal dates by path.
    listed.sort_by(|(a, _), (b, _)| {
        let when = |d: &Doc| {
            d.date
                .as_ref()
                .map(|d| d.local - chrono::Duration::seconds(i64::from(d.offset.local_minus_utc())))
        };
        when(b).cmp(&when(a)).then_with(|| b.rel.cmp(&a.rel))
    });
    let values: Vec<Value> = listed
        .iter()
        .map(|(doc, page)| post_value(doc, page, markdown))
        .collect();
    let mut categories = Map::new();
    let mut tags = Map::new();
    for ((doc, _), value) in listed.iter().zip(&values) {
        for (names, by) in [(&doc.categories, &mut categories), (&doc.tags, &mut tags)] {
            for name in names {
                let list = by
                    .entry(name.clone())
                    .or_insert_with(|| Value::Array(Vec::new()));
                if let Value::Array(list) = list {
                    list.push(value.clone());
                }
            }
        }
    }
    site.insert("posts".into(), Value::Array(values));
    site.insert("categories".into(), Value::Object(categories));
    site.insert("tags".into(), Value::Object(tags));
    site.insert(
        "time".into(),
        Value::String(now.format("%Y-%m-%d %H:%M:%S %z").to_string()),
    );
}

/// A post as Liquid sees it: its front matter, then what Jekyll adds.
fn post_value(doc: &Doc, page: &NewPage, markdown: MarkdownOptions) -> Value {
    let mut post = doc.data.clone();
    let mut set = |key: &str, value: Value| {
        post.insert(key.to_string(), value);
    };
    set(
        "title",
        page.front_matter
            .title
            .clone()
            .map_or(Value::Null, Value::from),
    );
    set("url", doc.url.clone().map_or(Value::Null, Value::from));
    set(
        "id",
        doc.url.clone().map_or(Value::Null, |u| {
            Value::from(u.trim_end_matches('/').trim_end_matches(".html"))
        }),
    );
    set("slug", Value::from(doc.slug.clone()));
    set("path", Value::from(doc.rel.clone()));
    if let Some(date) = &doc.date {
        let text = date
            .offset
            .from_local_datetime(&date.local)
            .single()
            .map(|at| at.format("%Y-%m-%d %H:%M:%S %z").to_string());
        set("date", text.map_or(Value::Null, Value::from));
    }
    set("categories", Value::from(doc.categories.clone()));
    set("tags", Value::from(doc.tags.clone()));
    set("content", Value::from(render_inline(&page.body, markdown)));
    let excerpt = match doc.data.get("excerpt").and_then(Value::as_str) {
        Some(own) => render_inline(own, markdown),
        None => render_inline(excerpt_of(&page.body), markdown),
    };
    set("excerpt", Value::from(excerpt));
    Value::Object(post)
}

/// The part of a converted body Jekyll's excerpt holds: up to the
/// separator (written as `<!-- more -->`), else the first paragraph.
fn excerpt_of(body: &str) -> &str {
    if let Some(at) = body.find(MORE_MARKER) {
        return &body[..at];
    }
    let body = body.trim_start_matches(['\n', '\r']);
    body.find("\n\n").map_or(body, |at| &body[..at])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_excerpt_is_the_first_paragraph_or_up_to_the_marker() {
        assert_eq!(excerpt_of("\nOne\nline.\n\nTwo."), "One\nline.");
        assert_eq!(
            excerpt_of("One.\n\nTwo.\n<!-- more -->\nThree"),
            "One.\n\nTwo.\n"
        );
    }
}
