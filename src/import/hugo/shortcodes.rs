//! Hugo shortcodes in a page body, rewritten as what ssg renders: the
//! built-in ones as ssg's shortcode calls or Markdown ([`builtin_calls`]),
//! `ref`/`relref` as the `@/` path of the imported page, `details` as
//! `<details>`, and the site's own shortcodes that only print a value as
//! that value ([`site_shortcodes`]). Any other shortcode is left as written
//! (so it stays visible; ssg never reads `{{<` or `{{%` as a call) and
//! reported with its line.
//!
//! [`builtin_calls`]: super::builtin_calls
//! [`site_shortcodes`]: super::site_shortcodes

use super::builtin_calls::{self, argument};
use super::shortcode_tag::{Tag, parse_tag};
use super::site_shortcodes::{PageValues, SiteShortcodes, SiteValues};
use super::to_tera::{TAKEN, is_identifier};
use crate::error::line_of_offset;
use crate::escape::escape;

/// A finding inside the body: its body line (1-based), what, what to do.
pub type BodyNote = (usize, String, String);

/// A body with its shortcodes rewritten, and what could not be.
pub struct Converted {
    pub body: String,
    pub notes: Vec<BodyNote>,
}

/// Shortcodes with an inner body and a closing tag.
const PAIRED: &[&str] = &["highlight", "details"];

/// Maps a `ref` target to the imported page's link: its `@/` path, or (the
/// `bool` says the target is inside a raw HTML attribute, where ssg does
/// not resolve `@/`) its URL.
pub type Resolve<'a> = &'a dyn Fn(&str, bool) -> Option<String>;

/// What the shortcodes of one page can read.
pub struct Context<'a> {
    pub resolve: Resolve<'a>,
    pub site: &'a SiteValues,
    pub shortcodes: &'a SiteShortcodes,
    pub page: PageValues<'a>,
}

/// Rewrites the shortcodes of `body`.
pub fn convert(body: &str, ctx: &Context) -> Converted {
    let mut out = String::with_capacity(body.len());
    let mut notes = Vec::new();
    let mut pos = 0;
    while let Some(found) = next_tag(body, pos) {
        let (tag_start, tag) = match found {
            Found::Escaped {
                start,
                end,
                literal,
            } => {
                out.push_str(&body[pos..start]);
                out.push_str(&literal);
                pos = end;
                continue;
            }
            Found::Tag(tag) => (tag.start, tag),
        };
        out.push_str(&body[pos..tag_start]);
        let line = line_of_offset(body, tag_start);
        let paired_name = PAIRED.contains(&tag.name.as_str()) || ctx.shortcodes.wraps(&tag.name);
        let inner = if paired_name && !tag.closing {
            closing_of(body, &tag)
        } else {
            None
        };
        let (text, end) = match inner {
            Some((inner_start, close)) => {
                let inner = &body[inner_start..close.start];
                let at = Place {
                    line,
                    in_attribute: false,
                };
                (paired(&tag, inner, at, ctx, &mut notes), close.end)
            }
            None => (
                {
                    let in_attribute = out.ends_with("=\"") || out.ends_with("='");
                    let at = Place { line, in_attribute };
                    single(&tag, &body[tag.start..tag.end], at, ctx, &mut notes)
                },
                tag.end,
            ),
        };
        if text.starts_with("```") && !out.is_empty() && !out.ends_with('\n') {
            out.push('\n');
        }
        out.push_str(&text);
        pos = end;
    }
    out.push_str(&body[pos..]);
    Converted {
        body: more_marker(&out),
        notes,
    }
}

/// The byte ranges of `highlight` shortcodes with their code: code that
/// Markdown does not see as code until they become fenced blocks.
pub fn highlighted(body: &str) -> Vec<std::ops::Range<usize>> {
    let mut ranges = Vec::new();
    let mut pos = 0;
    while let Some(found) = next_tag(body, pos) {
        pos = match found {
            Found::Escaped { end, .. } => end,
            Found::Tag(tag) if tag.name == "highlight" && !tag.closing => {
                match closing_of(body, &tag) {
                    Some((_, close)) => {
                        ranges.push(tag.start..close.end);
                        close.end
                    }
                    None => tag.end,
                }
            }
            Found::Tag(tag) => tag.end,
        };
    }
    ranges
}

/// `{{</* x */>}}` → `{{< x >}}`, Hugo's way to show a shortcode as text.
fn unescape_literals(code: &str) -> String {
    code.replace("{{</*", "{{<")
        .replace("*/>}}", ">}}")
        .replace("{{%/*", "{{%")
        .replace("*/%}}", "%}}")
}

/// Hugo's summary divider `<!--more-->` is ssg's `<!-- more -->`.
fn more_marker(body: &str) -> String {
    body.split_inclusive('\n')
        .map(|line| {
            if line.trim() == "<!--more-->" {
                line.replacen("<!--more-->", crate::markdown::MORE_MARKER, 1)
            } else {
                line.to_string()
            }
        })
        .collect()
}

enum Found {
    Tag(Tag),
    /// `{{</* x */>}}`: Hugo's way to write a shortcode literally.
    Escaped {
        start: usize,
        end: usize,
        literal: String,
    },
}

fn next_tag(body: &str, from: usize) -> Option<Found> {
    let mut search = from;
    loop {
        let at = search + body[search..].find("{{")?;
        let open = body[at + 2..].chars().next()?;
        if open != '<' && open != '%' {
            search = at + 2;
            continue;
        }
        let close = if open == '<' { ">}}" } else { "%}}" };
        let Some(len) = body[at + 3..].find(close) else {
            search = at + 3;
            continue;
        };
        let end = at + 3 + len + 3;
        let inside = body[at + 3..at + 3 + len].trim();
        if let Some(lit) = inside.strip_prefix("/*").and_then(|s| s.strip_suffix("*/")) {
            let literal = format!("{{{{{open} {} {}}}}}", lit.trim(), &close[..1]);
            return Some(Found::Escaped {
                start: at,
                end,
                literal,
            });
        }
        return Some(Found::Tag(parse_tag(inside, at, end, open == '%')));
    }
}

/// The closing tag of `open` (same name, nesting counted): where the inner
/// text starts and the closing tag.
fn closing_of(body: &str, open: &Tag) -> Option<(usize, Tag)> {
    let mut depth = 0;
    let mut pos = open.end;
    while let Some(found) = next_tag(body, pos) {
        let Found::Tag(tag) = found else {
            if let Found::Escaped { end, .. } = found {
                pos = end;
            }
            continue;
        };
        pos = tag.end;
        if tag.name != open.name {
            continue;
        }
        if !tag.closing {
            depth += 1;
        } else if depth == 0 {
            return Some((open.end, tag));
        } else {
            depth -= 1;
        }
    }
    None
}

/// A shortcode with a body: `highlight`'s is code (kept as written, only
/// Hugo's `{{</* */>}}` escapes undone); `details`' is Markdown, whose own
/// shortcodes are converted too.
fn paired(tag: &Tag, inner: &str, at: Place, ctx: &Context, notes: &mut Vec<BodyNote>) -> String {
    let line = at.line;
    if let Some(Ok(_)) = ctx.shortcodes.translated.get(&tag.name) {
        // `.Inner` as Hugo gives it: the text between the tags, as written.
        let inner = convert_inner(inner, line, ctx, notes);
        ctx.shortcodes.translated.call(&tag.name, tag.markdown);
        return translated_call(tag, Some(&inner));
    }
    let inner = inner
        .strip_prefix("\r\n")
        .or_else(|| inner.strip_prefix('\n'))
        .unwrap_or(inner);
    let inner = inner.trim_end_matches(['\n', '\r']);
    match tag.name.as_str() {
        "highlight" => builtin_calls::highlight(tag, &unescape_literals(inner)),
        "details" => {
            let summary = tag.arg("summary", 0).unwrap_or("Details");
            let open = if tag.arg("open", 99).is_some_and(|v| v == "true") {
                " open"
            } else {
                ""
            };
            let inner = convert_inner(inner, line, ctx, notes);
            format!(
                "<details{open}>\n<summary>{}</summary>\n\n{inner}\n\n</details>",
                escape(summary)
            )
        }
        name => {
            let converted = convert_inner(inner, line, ctx, notes);
            // `{{% %}}`: the inner text is Markdown, which ssg reads inside
            // an HTML block only between blank lines.
            let inner = if tag.markdown {
                format!("\n\n{converted}\n\n")
            } else {
                converted
            };
            let call = (tag.positional.as_slice(), tag.named.as_slice());
            ctx.shortcodes
                .print(name, call, &inner, ctx.site, &ctx.page)
                .unwrap_or_default()
        }
    }
}

/// The inner text of a paired shortcode with its own shortcodes converted;
/// their notes at file lines (the inner text starts on the line after the
/// opening tag, `line`).
fn convert_inner(inner: &str, line: usize, ctx: &Context, notes: &mut Vec<BodyNote>) -> String {
    let converted = convert(inner, ctx);
    notes.extend(
        converted
            .notes
            .into_iter()
            .map(|(l, m, a)| (l + line, m, a)),
    );
    converted.body
}

/// Where a tag is: its body line, and whether inside an HTML attribute.
struct Place {
    line: usize,
    in_attribute: bool,
}

fn single(tag: &Tag, written: &str, at: Place, ctx: &Context, notes: &mut Vec<BodyNote>) -> String {
    let line = at.line;
    if tag.closing {
        return written.to_string();
    }
    if matches!(tag.name.as_str(), "ref" | "relref") {
        let target = tag.arg("path", 0).unwrap_or("");
        let resolved = (ctx.resolve)(target, at.in_attribute);
        if resolved.is_none() {
            notes.push((
                line,
                format!(
                    "{} \"{target}\" names no page of the site; left as written",
                    tag.name
                ),
                "link the page with its `@/` path".into(),
            ));
        }
        return resolved.unwrap_or_else(|| written.to_string());
    }
    if ctx.shortcodes.shows_contents(&tag.name) {
        notes.push((
            line,
            format!("shortcode `{}` shows the table of contents: left out, as ssg's page template shows the page's (`page.toc`)", tag.name),
            "place `page.toc` in templates/page.html where it should be".into(),
        ));
        return String::new();
    }
    let call = (tag.positional.as_slice(), tag.named.as_slice());
    if ctx.shortcodes.shows_another_page(&tag.name) {
        notes.push((
            line,
            format!("shortcode `{}` shows another page: its text is written here as it was at import time", tag.name),
            "an edit of that page does not show here; copy it again, or link to it".into(),
        ));
    }
    // The site's own template of a name replaces Hugo's built-in one.
    let printed = ctx
        .shortcodes
        .print(&tag.name, call, "", ctx.site, &ctx.page);
    let translated = match ctx.shortcodes.translated.get(&tag.name) {
        Some(Ok(_)) => {
            ctx.shortcodes.translated.call(&tag.name, tag.markdown);
            return translated_call(tag, None);
        }
        Some(Err(why)) => Some(why),
        None => None,
    };
    let converted = printed.or_else(|| match tag.name.as_str() {
        "figure" => builtin_calls::figure(tag),
        "youtube" => builtin_calls::youtube(tag),
        "vimeo" => builtin_calls::vimeo(tag),
        "gist" => builtin_calls::gist(tag),
        "x" | "tweet" | "twitter" => builtin_calls::post_on_x(tag),
        "instagram" => builtin_calls::instagram(tag),
        "param" => builtin_calls::param(tag, ctx.site, &ctx.page),
        _ => None,
    });
    converted.unwrap_or_else(|| {
        let kind = if tag.markdown {
            "{{% … %}}"
        } else {
            "{{< … >}}"
        };
        let why = translated.map_or(String::new(), |why| {
            format!(" (its template has no Tera form here: {why})")
        });
        notes.push((
            line,
            format!(
                "shortcode `{}` ({kind}) not converted{why}; left as written",
                tag.name
            ),
            "replace it with Markdown, HTML or an ssg shortcode".into(),
        ));
        written.to_string()
    })
}

/// The ssg call of a shortcode translated into Tera: Hugo's positional
/// arguments are named `_0`, `_1`, … (ssg's calls name every argument);
/// with a body, the inner text between `{% … %}` and `{% end %}`. A
/// `{{% %}}` call calls the template's Markdown-writing copy.
fn translated_call(tag: &Tag, body: Option<&str>) -> String {
    let positional = tag
        .positional
        .iter()
        .enumerate()
        .map(|(i, v)| argument(&format!("_{i}"), v));
    let named = tag
        .named
        .iter()
        .filter(|(k, _)| is_identifier(k) && !TAKEN.contains(&k.as_str()))
        .map(|(k, v)| argument(k, v));
    let args: Vec<String> = positional.chain(named).collect();
    let name = super::translated_shortcodes::call_name(&tag.name, tag.markdown);
    let args = args.join(", ");
    match body {
        Some(body) => format!("{{% {name}({args}) %}}{body}{{% end %}}"),
        None => format!("{{{{ {name}({args}) }}}}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(body: &str) -> Converted {
        let resolve = |target: &str, html: bool| {
            let link = if html {
                "https://x.org/posts/a/"
            } else {
                "@/posts/a.md"
            };
            (target == "posts/a.md" || target == "a").then(|| link.to_string())
        };
        let mut params = serde_json::Map::new();
        params.insert("author".into(), serde_json::json!({"name": "Ada"}));
        let site = SiteValues {
            base_url: "https://x.org/".into(),
            title: "X".into(),
            params,
        };
        let page_params = serde_json::Map::new();
        let ctx = Context {
            resolve: &resolve,
            site: &site,
            shortcodes: &SiteShortcodes::default(),
            page: PageValues {
                title: "A",
                params: &page_params,
                get_page: &|_| None,
            },
        };
        convert(body, &ctx)
    }

    #[test]
    fn highlight_becomes_a_fence_with_its_options() {
        let c = run(
            "Code:\n\n{{< highlight go \"linenos=table,hl_lines=2 4-5\" >}}\nfunc main() {}\n{{< /highlight >}}\nafter\n",
        );
        assert_eq!(
            c.body,
            "Code:\n\n```go,linenos,hl_lines=2 4-5\nfunc main() {}\n```\nafter\n"
        );
        assert!(c.notes.is_empty());
        let inline = run("x {{% highlight rust %}}\nfn a() {}\n{{% /highlight %}}");
        assert_eq!(inline.body, "x \n```rust\nfn a() {}\n```");
    }

    #[test]
    fn figure_video_and_gist_become_ssg_calls() {
        let c =
            run("{{< figure src=\"photo.jpg\" alt=\"A \\\"peak\\\"\" caption=\"Dawn, *two*\" >}}");
        assert_eq!(
            c.body,
            "<figure><img src=\"photo.jpg\" alt=\"A &quot;peak&quot;\"><figcaption>Dawn, <em>two</em></figcaption></figure>"
        );
        let plain = run("{{< figure src=\"p.jpg\" caption=\"Dawn\" width=\"300\" >}}");
        assert_eq!(
            plain.body,
            "{{ figure(src=\"p.jpg\", caption=\"Dawn\", width=300) }}"
        );
        let y = run("{{< youtube dQw4w9WgXcQ >}} {{< vimeo id=\"146022717\" >}}");
        assert_eq!(
            y.body,
            "{{ youtube(id=\"dQw4w9WgXcQ\") }} {{ vimeo(id=146022717) }}"
        );
        assert_eq!(
            run("{{< gist spf13 7896402 x.go >}}").body,
            "{{ gist(url=\"https://gist.github.com/spf13/7896402\", file=\"x.go\") }}"
        );
        assert!(y.notes.is_empty());
    }

    #[test]
    fn params_posts_and_printing_shortcodes_become_text() {
        let c = run("By {{< param \"author.name\" >}}: {{< x user=\"a\" id=\"9\" >}}");
        assert_eq!(
            c.body,
            "By Ada: [Post by @a on X](https://x.com/a/status/9)"
        );
        assert!(c.notes.is_empty());
    }

    #[test]
    fn refs_resolve_or_stay_visible() {
        let c = run("[a]({{< ref \"posts/a.md\" >}}) [b]({{< relref \"missing\" >}})");
        assert_eq!(c.body, "[a](@/posts/a.md) [b]({{< relref \"missing\" >}})");
        let html = run("<a href=\"{{< ref a >}}\">a</a>");
        assert_eq!(html.body, "<a href=\"https://x.org/posts/a/\">a</a>");
        let html = run("<a href=\"{{< ref a >}}\">a</a>");
        assert_eq!(html.body, "<a href=\"https://x.org/posts/a/\">a</a>");
        assert_eq!(c.notes.len(), 1);
        assert!(c.notes[0].1.contains("missing"));
    }

    #[test]
    fn unknown_shortcodes_stay_and_are_reported_at_their_line() {
        let c = run(
            "one\n{{% notice warning %}}\n**Careful**\n{{% /notice %}}\n{{< qr text=\"x\" >}}\n",
        );
        assert_eq!(
            c.body,
            "one\n{{% notice warning %}}\n**Careful**\n{{% /notice %}}\n{{< qr text=\"x\" >}}\n"
        );
        let lines: Vec<usize> = c.notes.iter().map(|n| n.0).collect();
        assert_eq!(lines, vec![2, 5]);
    }

    #[test]
    fn escaped_shortcodes_and_more_marker() {
        let c = run("Write {{</* youtube ID */>}} like this.\n\n<!--more-->\n\nRest\n");
        assert_eq!(
            c.body,
            "Write {{< youtube ID >}} like this.\n\n<!-- more -->\n\nRest\n"
        );
        assert!(c.notes.is_empty());
    }

    #[test]
    fn code_keeps_its_shortcodes_as_text() {
        let c = run("{{< highlight md >}}\n{{</* youtube x */>}}\n{{< /highlight >}}");
        assert_eq!(c.body, "```md\n{{< youtube x >}}\n```");
    }

    #[test]
    fn shortcodes_inside_details_are_converted_or_reported() {
        let c = run("x\n{{< details >}}\n{{< gist a 1 >}}\n{{< qr 1 >}}\n{{< /details >}}");
        assert!(
            c.body
                .contains("{{ gist(url=\"https://gist.github.com/a/1\") }}"),
            "{}",
            c.body
        );
        assert_eq!(c.notes.len(), 1);
        assert_eq!(c.notes[0].0, 4, "{:?}", c.notes);
    }

    #[test]
    fn details_keep_their_markdown() {
        let c = run("{{< details summary=\"More\" >}}\n*hidden*\n{{< /details >}}");
        assert_eq!(
            c.body,
            "<details>\n<summary>More</summary>\n\n*hidden*\n\n</details>"
        );
    }
}
