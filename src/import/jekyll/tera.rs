//! Simple Liquid → Tera, for the shortcode templates an import writes:
//! an `_includes/` file, or a loop over `site.data` in a page. Only what
//! has one meaning in both is translated — `if`/`elsif`/`else`/`unless`,
//! `for … in` (with `limit`, `offset`, `reversed`), `assign`, `comment`, `raw`,
//! outputs with a few common filters, and the values ssg has (`site.data.*`
//! is `data.*`, `site.title` is `config.title`, keys kept in `[extra]` are
//! `config.extra.*`, `include.x` is the argument `x`). Anything else makes
//! the whole text untranslatable, with the reason, so the import reports it
//! rather than write a template that breaks the build.

/// What names mean where the text is used.
pub struct Scope<'a> {
    /// `_config.yml` keys kept under `[extra]` of the new config.
    pub extra: &'a toml::Table,
    /// In an include: `include.x` is the shortcode argument `x`.
    pub in_include: bool,
}

/// The Tera text, and the include arguments it reads; or why not.
pub fn translate(liquid: &str, scope: &Scope) -> Result<(String, Vec<String>), String> {
    let mut t = Translator {
        scope,
        locals: Vec::new(),
        params: Vec::new(),
        open: Vec::new(),
    };
    let mut out = String::with_capacity(liquid.len());
    let mut pos = 0;
    while let Some(at) = next_tag(liquid, pos) {
        out.push_str(&liquid[pos..at]);
        let output = liquid[at..].starts_with("{{");
        let close = if output { "}}" } else { "%}" };
        let len = liquid[at + 2..]
            .find(close)
            .ok_or("a Liquid tag that never closes")?;
        let raw_inner = &liquid[at + 2..at + 2 + len];
        let (left, inner, right) = trim_dashes(raw_inner);
        pos = at + 2 + len + 2;
        let (open, shut) = if output { ("{{", "}}") } else { ("{%", "%}") };
        if output {
            // Liquid prints nothing for a value that is not there; Tera stops.
            let expr = t.expression(inner, " | default(value=\"\")")?;
            out.push_str(&format!("{open}{left} {expr} | safe {right}{shut}"));
            continue;
        }
        let name = inner.split_whitespace().next().unwrap_or("");
        if matches!(name, "raw" | "comment") {
            let end = format!("end{name}");
            let (body_end, after) = block_end(liquid, pos, &end).ok_or("an unclosed block")?;
            if name == "raw" {
                out.push_str(&format!(
                    "{{% raw %}}{}{{% endraw %}}",
                    &liquid[pos..body_end]
                ));
            }
            pos = after;
            continue;
        }
        let tag = t.tag(inner)?;
        out.push_str(&format!("{open}{left} {tag} {right}{shut}"));
    }
    out.push_str(&liquid[pos..]);
    if let Some(open) = t.open.last() {
        return Err(format!("{{% {open} %}} never ends"));
    }
    Ok((out, t.params))
}

fn next_tag(text: &str, from: usize) -> Option<usize> {
    let rest = &text[from..];
    [rest.find("{{"), rest.find("{%")]
        .into_iter()
        .flatten()
        .min()
        .map(|i| from + i)
}

/// `- x -` → ("-", "x", "-"): Tera reads the same whitespace control.
fn trim_dashes(inner: &str) -> (&str, &str, &str) {
    let left = if inner.starts_with('-') { "-" } else { "" };
    let right = if inner.ends_with('-') && inner.len() > 1 {
        "-"
    } else {
        ""
    };
    let core = inner.strip_prefix('-').unwrap_or(inner);
    let core = core.strip_suffix('-').unwrap_or(core);
    (left, core.trim(), right)
}

/// Where the text of a `{% raw %}`/`{% comment %}` block ends, and where
/// the text after its end tag starts.
fn block_end(text: &str, from: usize, end: &str) -> Option<(usize, usize)> {
    let mut pos = from;
    while let Some(at) = text[pos..].find("{%").map(|i| pos + i) {
        let len = text[at + 2..].find("%}")?;
        let (_, inner, _) = trim_dashes(&text[at + 2..at + 2 + len]);
        if inner == end {
            return Some((at, at + 2 + len + 2));
        }
        pos = at + 2;
    }
    None
}

struct Translator<'a> {
    scope: &'a Scope<'a>,
    /// Names a `for` or `assign` made.
    locals: Vec<String>,
    params: Vec<String>,
    /// Blocks open, innermost last.
    open: Vec<&'static str>,
}

impl Translator<'_> {
    /// A `{% … %}` tag's Tera inner text.
    fn tag(&mut self, inner: &str) -> Result<String, String> {
        let (name, args) = inner
            .split_once(char::is_whitespace)
            .map_or((inner, ""), |(n, a)| (n, a.trim()));
        Ok(match name {
            "if" | "unless" => {
                self.open.push(if name == "if" { "if" } else { "unless" });
                let cond = self.condition(args)?;
                if name == "if" {
                    format!("if {cond}")
                } else {
                    format!("if not ({cond})")
                }
            }
            "elsif" => format!("elif {}", self.condition(args)?),
            "else" => "else".into(),
            "endif" | "endunless" => {
                self.open.pop().ok_or("an end without its block")?;
                "endif".into()
            }
            "for" => {
                self.open.push("for");
                self.for_loop(args)?
            }
            "endfor" => {
                self.open.pop().ok_or("an end without its block")?;
                "endfor".into()
            }
            "assign" => {
                let (var, expr) = args.split_once('=').ok_or("assign without =")?;
                let var = var.trim();
                if !is_identifier(var) {
                    return Err(format!("assign to {var}"));
                }
                let expr = self.expression(expr, "")?;
                self.locals.push(var.to_string());
                format!("set {var} = {expr}")
            }
            other => return Err(format!("Liquid tag {{% {other} %}}")),
        })
    }

    /// `x in list [limit:n] [offset:n] [reversed]`.
    fn for_loop(&mut self, args: &str) -> Result<String, String> {
        let words = split_words(args);
        let [var, "in", list, rest @ ..] = words.as_slice() else {
            return Err(format!("for {args}"));
        };
        let mut list = self.value(list)?;
        let (mut offset, mut limit, mut reversed) = (0, None, false);
        for option in rest {
            let number = |n: &str| n.parse::<usize>().map_err(|_| format!("for … {option}"));
            match option.split_once(':') {
                _ if *option == "reversed" => reversed = true,
                Some(("limit", n)) => limit = Some(number(n)?),
                Some(("offset", n)) => offset = number(n)?,
                _ => return Err(format!("for … {option}")),
            }
        }
        // Liquid slices before it reverses; Tera slices a path.
        if offset > 0 || limit.is_some() {
            if list.contains(' ') {
                return Err(format!("for … in {list} with limit or offset"));
            }
            let end = limit.map(|l| (offset + l).to_string()).unwrap_or_default();
            list = format!("{list}[{offset}:{end}]");
        }
        list = format!("{list} | default(value=[])");
        if reversed {
            list = format!("{list} | reverse");
        }
        if !is_identifier(var) {
            return Err(format!("for {var}"));
        }
        self.locals.push(var.to_string());
        Ok(format!("for {var} in {list}"))
    }

    /// Comparisons joined by `and`/`or`; `a contains b` is `b in a`.
    fn condition(&mut self, text: &str) -> Result<String, String> {
        let words = split_words(text);
        let mut out = Vec::new();
        let mut i = 0;
        while i < words.len() {
            let word = words[i];
            match word {
                "and" | "or" | "==" | "!=" | "<" | ">" | "<=" | ">=" => out.push(word.to_string()),
                "contains" => {
                    let haystack = out.pop().ok_or("contains without a left side")?;
                    let needle = self.value(words.get(i + 1).ok_or("contains what?")?)?;
                    out.push(format!("{needle} in {haystack}"));
                    i += 1;
                }
                _ => out.push(self.value(word)?),
            }
            i += 1;
        }
        Ok(out.join(" "))
    }

    /// `value | filter: args | …`, `after_value` put right after the value.
    fn expression(&mut self, text: &str, after_value: &str) -> Result<String, String> {
        let mut parts = split_filters(text).into_iter();
        let mut out = self.value(parts.next().unwrap_or_default().trim())? + after_value;
        for filter in parts {
            let (name, args) = filter
                .split_once(':')
                .map_or((filter.trim(), ""), |(n, a)| (n.trim(), a.trim()));
            let arg = |t: &mut Self| t.value(args);
            let tera = match name {
                "upcase" => "upper".into(),
                "downcase" => "lower".into(),
                "capitalize" | "first" | "last" | "reverse" | "escape" => name.to_string(),
                "strip" => "trim".into(),
                "size" => "length".into(),
                "join" => format!("join(sep={})", arg(self)?),
                "default" => format!("default(value={})", arg(self)?),
                "split" => format!("split(pat={})", arg(self)?),
                // Concatenation has no filter form in Tera.
                "prepend" => {
                    out = format!("({} ~ {out})", arg(self)?);
                    continue;
                }
                "append" => {
                    out = format!("({out} ~ {})", arg(self)?);
                    continue;
                }
                "sort" if args.is_empty() => "sort".into(),
                "sort" => format!("sort(attribute={})", arg(self)?),
                other => return Err(format!("Liquid filter {other}")),
            };
            out = format!("{out} | {tera}");
        }
        Ok(out)
    }

    /// A literal or a variable, as Tera names it.
    fn value(&mut self, text: &str) -> Result<String, String> {
        let text = text.trim();
        let quoted = |q: char| text.len() >= 2 && text.starts_with(q) && text.ends_with(q);
        if quoted('"') || quoted('\'') || text.parse::<f64>().is_ok() {
            return Ok(text.to_string());
        }
        if matches!(text, "true" | "false") {
            return Ok(text.to_string());
        }
        let mut path: Vec<&str> = text.split('.').collect();
        if path.iter().any(|p| !is_key(p)) {
            return Err(format!("the value {text}"));
        }
        // `list.size`, `.first`, `.last` are filters in Tera.
        let tail = match path.last().copied() {
            Some("size") if path.len() > 1 => " | length",
            Some("first") if path.len() > 1 => " | first",
            Some("last") if path.len() > 1 => " | last",
            _ => "",
        };
        if !tail.is_empty() {
            path.pop();
        }
        let head = self.root(&path)?;
        Ok(format!("{head}{tail}"))
    }

    /// The Tera path of a Liquid variable path.
    fn root(&mut self, path: &[&str]) -> Result<String, String> {
        let (first, rest) = path.split_first().ok_or("an empty value")?;
        let (base, rest) = match *first {
            "include" if self.scope.in_include => {
                let (param, rest) = rest.split_first().ok_or("include alone")?;
                if !is_identifier(param) {
                    return Err(format!("include.{param}"));
                }
                if !self.params.iter().any(|p| p == param) {
                    self.params.push(param.to_string());
                }
                (param.to_string(), rest)
            }
            "site" => match rest {
                ["data", rest @ ..] => ("data".to_string(), rest),
                ["title", rest @ ..] | ["description", rest @ ..] => {
                    (format!("config.{}", path[1]), rest)
                }
                ["url"] => ("config.base_url".to_string(), &[][..]),
                ["baseurl"] => return Ok("\"\"".into()),
                [key, rest @ ..] if self.scope.extra.contains_key(*key) => {
                    (format!("config.extra{}", segment(key)), rest)
                }
                _ => return Err(format!("site.{}", rest.join("."))),
            },
            "page" => match rest {
                ["title"] | ["date"] => (format!("page.{}", rest[0]), &[][..]),
                _ => return Err(format!("page.{}", rest.join("."))),
            },
            "forloop" => match rest {
                [k @ ("index" | "index0" | "first" | "last")] => (format!("loop.{k}"), &[][..]),
                _ => return Err(format!("forloop.{}", rest.join("."))),
            },
            local if self.locals.iter().any(|l| l == local) => (local.to_string(), rest),
            other => return Err(format!("the variable {other}")),
        };
        Ok(rest.iter().fold(base, |acc, key| acc + &segment(key)))
    }
}

/// `?.key`, or `["key-with-dashes"]` where Tera needs it. Optional: a
/// key Liquid finds missing is nothing, where Tera would stop the build.
fn segment(key: &str) -> String {
    if key.parse::<usize>().is_ok() {
        format!("[{key}]")
    } else if is_identifier(key) {
        format!("?.{key}")
    } else {
        format!("[\"{key}\"]")
    }
}

fn is_identifier(text: &str) -> bool {
    let mut chars = text.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A key of a variable path: letters, digits, `_` and `-`.
fn is_key(text: &str) -> bool {
    !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// Words split at whitespace, quoted strings kept whole.
pub fn split_words(text: &str) -> Vec<&str> {
    split_outside_quotes(text, |c| c.is_whitespace())
}

/// An expression split at its `|`s (outside quotes).
fn split_filters(text: &str) -> Vec<&str> {
    split_outside_quotes(text, |c| c == '|')
}

fn split_outside_quotes(text: &str, at: impl Fn(char) -> bool) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut quote = None;
    let mut start = 0;
    for (i, c) in text.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => quote = Some(c),
            None if at(c) => {
                parts.push(&text[start..i]);
                start = i + c.len_utf8();
            }
            None => {}
        }
    }
    parts.push(&text[start..]);
    parts.retain(|p| !p.trim().is_empty());
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str, in_include: bool) -> Result<String, String> {
        let mut extra = toml::Table::new();
        extra.insert("twitter".into(), toml::Value::String("x".into()));
        let scope = Scope {
            extra: &extra,
            in_include,
        };
        translate(text, &scope).map(|(text, _)| text)
    }

    #[test]
    fn includes_loops_and_data_become_tera() {
        assert_eq!(
            run(
                "<aside>{{ include.text | upcase }}</aside>{% if include.url %}<a href=\"{{ include.url }}\">{{ site.title }}</a>{% endif %}",
                true
            )
            .unwrap(),
            "<aside>{{ text | default(value=\"\") | upper | safe }}</aside>{% if url %}<a href=\"{{ url | default(value=\"\") | safe }}\">{{ config.title | default(value=\"\") | safe }}</a>{% endif %}"
        );
        assert_eq!(
            run(
                "{%- for t in site.data.jekyllconf-talks limit:2 reversed -%}\n- {{ forloop.index }} {{ t.name | append: '/' }}{% unless t.hidden %}!{% endunless %}\n{% endfor %}{% assign n = site.data.team.size %}{{ n }} {{ site.twitter }}",
                false
            )
            .unwrap(),
            "{%- for t in data[\"jekyllconf-talks\"][0:2] | default(value=[]) | reverse -%}\n- {{ loop.index | default(value=\"\") | safe }} {{ (t?.name | default(value=\"\") ~ '/') | safe }}{% if not (t?.hidden) %}!{% endif %}\n{% endfor %}{% set n = data?.team | length %}{{ n | default(value=\"\") | safe }} {{ config.extra?.twitter | default(value=\"\") | safe }}"
        );
        assert_eq!(
            run("{% if a contains 'x' %}{% endif %}{% assign a = site.data.x %}{% raw %}{{ y }}{% endraw %}", false)
                .unwrap_err(),
            "the variable a"
        );
    }

    #[test]
    fn what_has_no_tera_form_is_refused() {
        for text in [
            "{{ site.posts }}",
            "{{ x | markdownify }}",
            "{{ site.data.x | where: 'a', 'b' }}",
            "{% include other.html %}",
            "{% for p in site.data.x %}",
            "{{ page.layout }}",
            "{% capture x %}y{% endcapture %}",
            "{{ include.x }}",
        ] {
            assert!(run(text, false).is_err(), "{text}");
        }
    }
}
