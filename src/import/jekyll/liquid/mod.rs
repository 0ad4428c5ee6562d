//! Liquid in posts and pages, rewritten into what ssg reads. Jekyll renders
//! Liquid before Markdown, everywhere in a file (code blocks too), so the
//! same is done here, tag by tag:
//!
//! - `{% highlight lang %}…{% endhighlight %}` → a fenced code block
//!   (`linenos` reported: ssg does not number lines);
//! - `{% raw %}…{% endraw %}` → its text, literally (ssg does not run
//!   templates on content);
//! - `{% comment %}…{% endcomment %}` → an HTML comment;
//! - `{% gist ID [FILE] %}` → jekyll-gist's embedding `<script>`;
//! - `{% post_url NAME %}` and `{% link PATH %}` → the imported page's
//!   `@/…` path inside a Markdown link, its URL path elsewhere (raw HTML);
//! - `{{ site.baseurl }}`, `{{ site.url }}`, `relative_url`, `absolute_url`
//!   and plain `site.*`/`page.*` values → their text;
//! - `{% include FILE k="v" %}` → a call of the shortcode the include file
//!   becomes (`{{ FILE(k="v") }}`, see [`super::shortcodes`]);
//! - `for`, `if`, `unless`, `assign` and outputs over `site.data` → a
//!   page-local Markdown shortcode in Tera;
//! - what has no Tera form (`capture`, `case`, an include given a loop's
//!   item, `include_relative`, `where_exp`…, or Liquid inside code) is run
//!   here ([`eval`]) when all it reads is known at import time, and its
//!   text written in the page;
//! - anything else is reported with its line and left in the text as it
//!   was, visible (a leftover that reads as an ssg call is escaped).

mod context;
mod eval;
mod expr;
mod filters;
mod parse;
mod placement;
mod tag;
mod values;

use crate::import::jekyll::front_matter::scalar;
use crate::import::jekyll::tera::split_words;
use context::issue;
pub use context::{Context, Issue, Target};
use eval::Evaluator;
use placement::{fence, in_code, in_markdown_link, leave};
use tag::{Tag, find_end, nested_end, next_tag};

/// The body with its Liquid converted, and what could not be.
pub fn convert(body: &str, cx: &Context) -> (String, Vec<Issue>) {
    let mut out = String::with_capacity(body.len());
    let mut issues = Vec::new();
    let mut pos = 0;
    // The page's `assign`s so far, as Liquid: each local shortcode starts with them.
    let mut assigns = String::new();
    // What has no Tera form is run here, with the page's assigns so far.
    let mut evaluator = Evaluator::new(cx);
    while let Some(found) = next_tag(body, pos) {
        out.push_str(&body[pos..found]);
        let Some(tag) = Tag::at(body, found) else {
            issues.push(issue(
                found,
                "a Liquid tag that never closes",
                "close or remove it",
            ));
            out.push_str(&body[found..found + 2]);
            pos = found + 2;
            continue;
        };
        pos = if tag.is_output {
            let local = Local {
                assigns: &assigns,
                evaluator: &mut evaluator,
            };
            output_tag(body, &tag, cx, &mut out, &mut issues, local)
        } else if matches!(
            tag.name(),
            "for" | "if" | "unless" | "case" | "assign" | "capture"
        ) {
            let local = LocalMut {
                assigns: &mut assigns,
                evaluator: &mut evaluator,
            };
            local_block(body, &tag, cx, &mut out, &mut issues, local)
        } else {
            block_tag(body, &tag, cx, &mut out, &mut issues, &mut evaluator)
        };
    }
    out.push_str(&body[pos..]);
    (out, issues)
}

/// `{% name %}`: returns where the text continues.
fn block_tag(
    body: &str,
    tag: &Tag,
    cx: &Context,
    out: &mut String,
    issues: &mut Vec<Issue>,
    evaluator: &mut Evaluator,
) -> usize {
    let name = tag.name();
    match name {
        "raw" | "comment" | "highlight" => {
            let Some((inner_end, after)) = find_end(body, tag.end, &format!("end{name}")) else {
                issues.push(issue(
                    tag.start,
                    format!("{{% {name} %}} without {{% end{name} %}}"),
                    "close the block",
                ));
                leave(out, tag.text(body));
                return tag.end;
            };
            let inner = &body[tag.end..inner_end];
            match name {
                "raw" => out.push_str(inner),
                "comment" => {
                    out.push_str("<!--");
                    out.push_str(&inner.replace("--", "- -"));
                    out.push_str("-->");
                }
                _ => highlight(tag, &unraw(inner), out, issues),
            }
            after
        }
        "post_url" | "link" => {
            let arg = tag.args();
            let target = if name == "post_url" {
                (cx.post)(arg)
            } else {
                (cx.link)(arg)
            };
            match target {
                Some(t) if in_markdown_link(out) => out.push_str(&t.content),
                Some(t) => out.push_str(&t.url),
                None => {
                    issues.push(issue(
                        tag.start,
                        format!("{{% {name} {arg} %}}: no such page in the site"),
                        "fix the link",
                    ));
                    leave(out, tag.text(body));
                }
            }
            tag.end
        }
        "include" | "include_relative" => {
            // In code ssg calls no shortcode: the include's text goes there.
            let call = if name == "include" && !in_code(out) {
                include_call(tag, cx)
            } else {
                Err(String::new())
            };
            match call.or_else(|_| evaluator.run(tag.text(body))) {
                Ok(text) => out.push_str(&text),
                Err(why) => {
                    issues.push(issue(
                        tag.start,
                        format!("Liquid tag {{% {name} %}} not converted: {why}"),
                        "paste the included text, or write it as a shortcode",
                    ));
                    leave(out, tag.text(body));
                }
            }
            tag.end
        }
        // jekyll-gist writes the gist's embedding script.
        "gist" if !tag.args().is_empty() => {
            let mut args = tag
                .args()
                .split_whitespace()
                .map(|a| a.trim_matches(['"', '\'']));
            let id = args.next().unwrap_or_default();
            let file = args
                .next()
                .map(|f| format!("?file={f}"))
                .unwrap_or_default();
            out.push_str(&format!(
                "<script src=\"https://gist.github.com/{id}.js{file}\"></script>"
            ));
            tag.end
        }
        _ => {
            if !name.starts_with("end") && !matches!(name, "else" | "elsif" | "when") {
                issues.push(issue(
                    tag.start,
                    format!("Liquid tag {{% {name} %}} not converted"),
                    "rewrite it by hand; it is shown as text",
                ));
            }
            leave(out, tag.text(body));
            tag.end
        }
    }
}

/// `{% include FILE key="v" key=page.x %}` → `{{ FILE(key="v") }}`.
fn include_call(tag: &Tag, cx: &Context) -> Result<String, String> {
    let words = split_words(tag.args());
    let (file, params) = words.split_first().ok_or("no file named")?;
    if file.contains("{{") {
        return Err("the file is named by a variable".into());
    }
    let name = cx.shortcodes.include(file.trim_matches(['"', '\'']))?;
    let mut args = Vec::new();
    for param in params {
        let (key, value) = param
            .split_once('=')
            .ok_or_else(|| format!("the argument {param}"))?;
        let value = literal(value)
            .or_else(|| variable(value, cx))
            .or_else(|| value.parse::<f64>().is_ok().then(|| value.to_string()))
            .ok_or_else(|| format!("the argument {param}, whose value is not known here"))?;
        let quote = ['"', '\'', '`']
            .into_iter()
            .find(|q| !value.contains(*q))
            .ok_or_else(|| format!("the argument {param}, which holds every quote"))?;
        args.push(format!("{key}={quote}{value}{quote}"));
    }
    Ok(format!("{{{{ {name}({}) }}}}", args.join(", ")))
}

/// `{% for %}…{% endfor %}`, `{% if %}…`, `{% assign %}` over `site.data`:
/// a page-local shortcode in Tera, called where the block was. An
/// `assign` prints nothing; it opens every later local shortcode.
fn local_block(
    body: &str,
    tag: &Tag,
    cx: &Context,
    out: &mut String,
    issues: &mut Vec<Issue>,
    local: LocalMut,
) -> usize {
    let LocalMut { assigns, evaluator } = local;
    let name = tag.name();
    let end = if name == "assign" {
        Some(tag.end)
    } else {
        nested_end(body, tag, &format!("end{name}"))
    };
    let made = match end {
        None => Err(format!("{{% {name} %}} without {{% end{name} %}}")),
        Some(_) if name == "capture" => Err("no Tera form".into()),
        Some(_) if name != "assign" && in_code(out) => {
            Err("inside code, where ssg calls no shortcode".into())
        }
        Some(end) => {
            let liquid = format!("{assigns}{}", &body[tag.start..end]);
            if name == "assign" {
                cx.shortcodes.translates(&liquid).map(|n| (n, end))
            } else {
                cx.shortcodes.local(cx.page_name, &liquid).map(|n| (n, end))
            }
        }
    };
    // An assign or capture is run here too: a block run here later reads it.
    let run_here = match end {
        Some(end) if matches!(name, "assign" | "capture") || made.is_err() => {
            Some(evaluator.run(&body[tag.start..end]).map(|text| (text, end)))
        }
        _ => None,
    };
    if matches!(name, "assign" | "capture")
        && let Some(Err(_)) = &run_here
    {
        evaluator.forget(assigned_name(tag.args()));
    }
    match (made, run_here) {
        (Ok((_, end)), _) if name == "assign" => {
            assigns.push_str(&body[tag.start..end]);
            end
        }
        (Ok((shortcode, end)), _) => {
            out.push_str(&format!("{{{{ {shortcode}() }}}}"));
            end
        }
        (Err(_), Some(Ok((text, end)))) => {
            note_build_time_lists(&body[tag.start..end], tag.start, issues);
            out.push_str(&text);
            end
        }
        (Err(why), run_here) => {
            let why = match run_here {
                Some(Err(here)) => here,
                _ => why,
            };
            issues.push(issue(
                tag.start,
                format!("Liquid tag {{% {name} %}} not converted: {why}"),
                "rewrite it by hand; it is shown as text",
            ));
            leave(out, tag.text(body));
            tag.end
        }
    }
}

/// Liquid run here that read the site's posts or the build's time: its
/// text is the list as it was at import time, which a later post will not
/// join (the Liquid is not translated into `get_section` calls).
fn note_build_time_lists(liquid: &str, offset: usize, issues: &mut Vec<Issue>) {
    let read = ["site.posts", "site.categories", "site.tags", "site.time"]
        .into_iter()
        .find(|name| liquid.contains(name));
    if let Some(name) = read {
        issues.push(issue(
            offset,
            format!("Liquid over {name} written out as it was at import time"),
            "a post added later is not listed here; list it by hand, or make this page a section",
        ));
    }
}

/// The variable an `assign` or `capture` sets.
fn assigned_name(args: &str) -> &str {
    let name = args.split(['=', ' ']).next().unwrap_or("");
    name.trim().trim_matches(['"', '\''])
}

/// A page's Liquid state, read by an output.
struct Local<'a, 'c> {
    /// The page's assigns so far (each local shortcode starts with them).
    assigns: &'a str,
    evaluator: &'a mut Evaluator<'c>,
}

/// A page's Liquid state, which an assign or capture changes.
struct LocalMut<'a, 'c> {
    assigns: &'a mut String,
    evaluator: &'a mut Evaluator<'c>,
}

/// Code with its `{% raw %}` blocks opened: Jekyll runs the Liquid in a
/// `{% highlight %}` block, where `raw` is how a page shows Liquid as code.
fn unraw(code: &str) -> String {
    let mut out = String::with_capacity(code.len());
    let mut pos = 0;
    while let Some(at) = code[pos..].find("{%").map(|i| pos + i) {
        let raw = Tag::at(code, at)
            .filter(|t| t.name() == "raw")
            .and_then(|t| find_end(code, t.end, "endraw").map(|(end, after)| (t.end, end, after)));
        match raw {
            Some((start, end, after)) => {
                out.push_str(&code[pos..at]);
                out.push_str(&code[start..end]);
                pos = after;
            }
            None => {
                out.push_str(&code[pos..at + 2]);
                pos = at + 2;
            }
        }
    }
    out.push_str(&code[pos..]);
    out
}

/// `{% highlight lang [linenos] %}` → a fence on its own lines, longer than
/// any run of backticks in the code.
fn highlight(tag: &Tag, code: &str, out: &mut String, issues: &mut Vec<Issue>) {
    let mut args = tag.args().split_whitespace();
    let lang = args.next().unwrap_or("");
    if args.any(|a| a.starts_with("linenos")) {
        issues.push(issue(
            tag.start,
            "highlight linenos: ssg does not number code lines",
            "",
        ));
    }
    fence(lang, code, out);
}

/// `{{ … }}`: a value with filters.
fn output_tag(
    body: &str,
    tag: &Tag,
    cx: &Context,
    out: &mut String,
    issues: &mut Vec<Issue>,
    local: Local,
) -> usize {
    let Local { assigns, evaluator } = local;
    let mut parts = tag.inner.split('|').map(str::trim);
    let base = parts.next().unwrap_or("");
    let mut end = tag.end;
    let mut value = match base {
        // `{{ site.url }}{{ site.baseurl }}` is the site's whole base URL.
        "site.url" => match Tag::at(body, tag.end).filter(|t| t.inner == "site.baseurl") {
            Some(next) => {
                end = next.end;
                Some(cx.base_url.to_string())
            }
            None => cx.site.get("url").and_then(scalar),
        },
        // The base path, as in Jekyll; but before a `post_url`/`link` in a
        // Markdown link it goes: that link becomes `@/…`, which ssg
        // resolves with the base path itself.
        "site.baseurl" => {
            let before_content_link = body[tag.end..].starts_with("{%")
                && Tag::at(body, tag.end).is_some_and(|t| matches!(t.name(), "post_url" | "link"))
                && in_markdown_link(out);
            Some(if before_content_link {
                String::new()
            } else {
                crate::urlpath::base_path(cx.base_url).to_string()
            })
        }
        _ => literal(base).or_else(|| variable(base, cx)),
    };
    for filter in parts {
        value = value.and_then(|v| match filter {
            "relative_url" => Some(format!(
                "{}/{}",
                crate::urlpath::base_path(cx.base_url),
                v.trim_start_matches('/')
            )),
            "absolute_url" => Some(format!(
                "{}/{}",
                cx.base_url.trim_end_matches('/'),
                v.trim_start_matches('/')
            )),
            _ => None,
        });
    }
    let local = || {
        let liquid = format!("{assigns}{}", tag.text(body));
        (!in_code(out))
            .then(|| cx.shortcodes.local(cx.page_name, &liquid).ok())
            .flatten()
    };
    match value {
        Some(v) => out.push_str(&v),
        None if let Some(name) = local() => {
            out.push_str(&format!("{{{{ {name}() }}}}"));
        }
        None if let Ok(text) = evaluator.run(tag.text(body)) => {
            note_build_time_lists(tag.text(body), tag.start, issues);
            out.push_str(&text);
        }
        None => {
            issues.push(issue(
                tag.start,
                format!("Liquid output {{{{ {} }}}} not converted", tag.inner),
                "rewrite it by hand; it is shown as text",
            ));
            leave(out, tag.text(body));
            end = tag.end;
        }
    }
    end
}

fn literal(text: &str) -> Option<String> {
    let quoted = |q: char| text.strip_prefix(q).and_then(|t| t.strip_suffix(q));
    quoted('"').or_else(|| quoted('\'')).map(str::to_string)
}

/// `site.title`, `page.author.name`: a scalar of the config or the front matter.
fn variable(name: &str, cx: &Context) -> Option<String> {
    let (scope, path) = name.split_once('.')?;
    let map = match scope {
        "site" => cx.site,
        "page" => cx.page,
        _ => return None,
    };
    let mut keys = path.split('.');
    let mut value = map.get(keys.next()?)?;
    for key in keys {
        value = value.get(key)?;
    }
    scalar(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::jekyll::shortcodes::Shortcodes;
    use serde_json::Map;

    fn run(body: &str) -> (String, Vec<Issue>) {
        let mut site = Map::new();
        site.insert("url".into(), "https://example.org".into());
        site.insert("title".into(), "My blog".into());
        site.insert("author".into(), serde_json::json!({"name": "Ada"}));
        let mut page = Map::new();
        page.insert("title".into(), "Hello".into());
        let post = |name: &str| {
            (name == "2019-03-02-welcome").then(|| Target {
                content: "@/posts/2019-03-02-welcome.md".into(),
                url: "/2019/03/02/welcome.html".into(),
            })
        };
        let link = |_: &str| None;
        let extra = toml::Table::new();
        let shortcodes = Shortcodes::new(std::path::Path::new("/nonexistent"), &extra);
        let cx = Context {
            site: &site,
            page: &page,
            base_url: "https://example.org/blog",
            post: &post,
            link: &link,
            shortcodes: &shortcodes,
            page_name: "posts/x",
            src: std::path::Path::new("/nonexistent"),
            page_dir: "_posts",
        };
        convert(body, &cx)
    }

    #[test]
    fn highlight_becomes_a_fence() {
        let (out, issues) = run(
            "Code:\n\n{% highlight ruby linenos %}\ndef x\n  `a`\nend\n{% endhighlight %}\n\nAfter",
        );
        assert_eq!(out, "Code:\n\n```ruby\ndef x\n  `a`\nend\n```\n\nAfter");
        assert_eq!(issues.len(), 1);
        assert!(issues[0].message.contains("linenos"));
    }

    #[test]
    fn raw_is_kept_literally_and_comments_hidden() {
        let (out, issues) =
            run("{% raw %}{{ x }} {% if %}{% endraw %} {%- comment -%}no{% endcomment %}");
        assert_eq!(out, "{{ x }} {% if %} <!--no-->");
        assert!(issues.is_empty());
    }

    #[test]
    fn post_links_resolve_in_markdown_and_html() {
        let (out, _) = run(
            "[a]({{ site.baseurl }}{% post_url 2019-03-02-welcome %}) <a href=\"{% post_url 2019-03-02-welcome %}\">",
        );
        assert_eq!(
            out,
            "[a](@/posts/2019-03-02-welcome.md) <a href=\"/2019/03/02/welcome.html\">"
        );
        // Raw HTML keeps Jekyll's meaning: the base path, then the post's URL.
        let (out, _) = run("<a href=\"{{ site.baseurl }}{% post_url 2019-03-02-welcome %}\">");
        assert_eq!(out, "<a href=\"/blog/2019/03/02/welcome.html\">");
        let (out, issues) = run("[b]({% post_url 2001-01-01-gone %})");
        assert_eq!(out, "[b]\\({% post_url 2001-01-01-gone %})");
        assert!(issues[0].message.contains("no such page"));
    }

    #[test]
    fn urls_and_values() {
        let (out, issues) = run(
            "{{ site.url }}{{ site.baseurl }}/x {{ '/a.png' | relative_url }} {{ \"b\" | absolute_url }} {{ page.title }} — {{ site.title }} by {{ site.author.name }}",
        );
        assert_eq!(
            out,
            "https://example.org/blog/x /blog/a.png https://example.org/blog/b Hello — My blog by Ada"
        );
        assert!(issues.is_empty());
    }

    #[test]
    fn a_leftover_that_reads_as_a_shortcode_call_is_escaped() {
        let (out, issues) = run("{{ t(1) }} {% x(2) %}");
        assert_eq!(out, "{{/* t(1) */}} {%/* x(2) */%}");
        assert_eq!(issues.len(), 2);
    }

    #[test]
    fn liquid_in_code_is_reported_not_made_a_shortcode_ssg_would_not_call() {
        let (out, issues) = run("```\n{{ x.y }}\n```\n`{% for a in site.posts %}{% endfor %}`");
        assert_eq!(
            out,
            "```\n{{ x.y }}\n```\n`{% for a in site.posts %}{% endfor %}`"
        );
        assert_eq!(issues.len(), 2, "{issues:?}");
    }

    #[test]
    fn gists_embed() {
        let (out, issues) = run("{% gist parkr/c08ee0f2726fd0e3909d test.md %}");
        assert_eq!(
            out,
            "<script src=\"https://gist.github.com/parkr/c08ee0f2726fd0e3909d.js?file=test.md\"></script>"
        );
        assert!(issues.is_empty());
    }

    #[test]
    fn what_is_left_is_no_link() {
        let (out, _) = run(
            "<li><a href=\"{{ post.url | relative_url }}\">{{ post.title }}</a></li> [x]({{ nope }})",
        );
        assert_eq!(
            out,
            "<li>&lt;a href=\"{{ post.url | relative_url }}\">{{ post.title }}</a></li> [x]\\({{ nope }})"
        );
    }

    #[test]
    fn the_rest_is_reported_and_left_visible() {
        let body =
            "{% include note.html %}\n{% for p in site.posts %}{{ p.title | upcase }}{% endfor %}";
        let (out, issues) = run(body);
        assert_eq!(out, body);
        let messages: Vec<&str> = issues.iter().map(|i| i.message.as_str()).collect();
        assert_eq!(messages.len(), 3, "{messages:?}");
        assert!(messages[0].contains("include"));
        assert_eq!(issues[1].offset, body.find("{% for").unwrap());
    }
}
