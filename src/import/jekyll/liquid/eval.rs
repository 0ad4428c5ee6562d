//! Liquid run at import time, for what has no Tera form: a loop whose body
//! includes a file with the loop's item, `capture`, `case`, `where_exp`,
//! `include_relative`. Everything such a block reads is known when the site
//! is imported — the config, `_data/`, the page's front matter, the include
//! files — so its text is written into the page as Jekyll would have
//! printed it. What is only known to Jekyll at build time (`site.posts`,
//! `site.time`, `paginator`, a page's `content`) is an error naming it, so
//! the block is reported instead of printed wrong; so is a name set
//! nowhere in what is run (Jekyll prints nothing for it, but here it is
//! most often the item of an enclosing loop that could not be run).

use std::collections::HashMap;
use std::path::Path;
use std::rc::Rc;

use serde_json::{Map, Value};

use super::context::Context;
use super::expr::{self, Condition, Expr, Filtered, Key};
use super::filters;
use super::parse::{self, IncludeFile, Node};
use super::placement::{fence, in_markdown_link};
use super::values::{equal, index, is_blank, is_empty, items, member, order, text_of, truthy};

/// `site.*` keys Jekyll fills at build time: not known here.
const BUILD_TIME_SITE: &[&str] = &[
    "posts",
    "pages",
    "html_pages",
    "documents",
    "collections",
    "categories",
    "tags",
    "time",
    "static_files",
    "html_files",
    "related_posts",
    "github",
];
/// `page.*` keys Jekyll fills from the rendered site.
const BUILD_TIME_PAGE: &[&str] = &["content", "excerpt", "next", "previous", "output"];
/// Roots a page cannot read at import time.
const BUILD_TIME_ROOTS: &[&str] = &["paginator", "content", "layout", "jekyll"];
/// Includes nested deeper than this are a loop.
const MAX_DEPTH: usize = 20;

enum Flow {
    Normal,
    Break,
    Continue,
}

/// Runs a page's Liquid; keeps the page's `assign`s and `capture`s
/// between calls, as one page's Liquid shares them.
pub struct Evaluator<'a> {
    cx: &'a Context<'a>,
    globals: Map<String, Value>,
    /// Names assigned where the value was not known here: reading one fails.
    unknown: Vec<String>,
    /// Loop variables and `include`, innermost last.
    frames: Vec<Map<String, Value>>,
    parsed: HashMap<String, Rc<Vec<Node>>>,
    depth: usize,
}

impl<'a> Evaluator<'a> {
    pub fn new(cx: &'a Context<'a>) -> Evaluator<'a> {
        Evaluator {
            cx,
            globals: Map::new(),
            unknown: Vec::new(),
            frames: Vec::new(),
            parsed: HashMap::new(),
            depth: 0,
        }
    }

    /// The text `liquid` prints, or why it cannot be known here.
    pub fn run(&mut self, liquid: &str) -> Result<String, String> {
        let nodes = parse::parse(liquid)?;
        let mut out = String::new();
        self.render(&nodes, &mut out)?;
        Ok(out)
    }

    /// An `assign`/`capture` whose value could not be known: later reads of
    /// `var` fail rather than print nothing.
    pub fn forget(&mut self, var: &str) {
        self.globals.remove(var);
        self.unknown.push(var.to_string());
    }

    fn render(&mut self, nodes: &[Node], out: &mut String) -> Result<Flow, String> {
        for node in nodes {
            match self.node(node, out)? {
                Flow::Normal => {}
                other => return Ok(other),
            }
        }
        Ok(Flow::Normal)
    }

    fn node(&mut self, node: &Node, out: &mut String) -> Result<Flow, String> {
        match node {
            Node::Text(t) => out.push_str(t),
            Node::Output(f) => out.push_str(&text_of(&self.filtered(f)?)),
            Node::If {
                branches,
                otherwise,
            } => {
                for (test, body) in branches {
                    if self.condition(test)? {
                        return self.render(body, out);
                    }
                }
                return self.render(otherwise, out);
            }
            Node::Case {
                subject,
                whens,
                otherwise,
            } => {
                let subject = self.value(subject)?;
                let mut matched = false;
                for (values, body) in whens {
                    for v in values {
                        if equal(&subject, &self.value(v)?) {
                            matched = true;
                            if let flow @ (Flow::Break | Flow::Continue) = self.render(body, out)? {
                                return Ok(flow);
                            }
                            break;
                        }
                    }
                }
                if !matched {
                    return self.render(otherwise, out);
                }
            }
            Node::For {
                spec,
                body,
                otherwise,
            } => self.for_loop(spec, body, otherwise, out)?,
            Node::Assign(var, value) => {
                let value = self.filtered(value)?;
                self.set(var, value);
            }
            Node::Capture(var, body) => {
                let mut captured = String::new();
                self.render(body, &mut captured)?;
                self.set(var, Value::String(captured));
            }
            Node::Include {
                relative,
                file,
                args,
            } => self.include(*relative, file, args, out)?,
            Node::Highlight { lang, body } => {
                let mut code = String::new();
                self.render(body, &mut code)?;
                fence(lang, &code, out);
            }
            Node::Break => return Ok(Flow::Break),
            Node::Continue => return Ok(Flow::Continue),
            Node::Other(name, args) => self.other(name, args, out)?,
        }
        Ok(Flow::Normal)
    }

    fn set(&mut self, var: &str, value: Value) {
        self.unknown.retain(|u| u != var);
        self.globals.insert(var.to_string(), value);
    }

    fn for_loop(
        &mut self,
        spec: &expr::Loop,
        body: &[Node],
        otherwise: &[Node],
        out: &mut String,
    ) -> Result<(), String> {
        let mut list = items(&self.value(&spec.list)?);
        let count = |e: &Option<Expr>, t: &mut Self| -> Result<Option<usize>, String> {
            e.as_ref()
                .map(|e| {
                    t.value(e)
                        .map(|v| super::values::number(&v).unwrap_or(0.0) as usize)
                })
                .transpose()
        };
        let offset = count(&spec.offset, self)?.unwrap_or(0);
        let limit = count(&spec.limit, self)?;
        list = list.into_iter().skip(offset).collect();
        if let Some(limit) = limit {
            list.truncate(limit);
        }
        if spec.reversed {
            list.reverse();
        }
        if list.is_empty() {
            self.render(otherwise, out)?;
            return Ok(());
        }
        let length = list.len();
        for (i, item) in list.into_iter().enumerate() {
            let mut frame = Map::new();
            frame.insert(spec.var.clone(), item);
            let forloop = serde_json::json!({
                "index": i + 1, "index0": i, "rindex": length - i, "rindex0": length - i - 1,
                "first": i == 0, "last": i + 1 == length, "length": length,
            });
            frame.insert("forloop".into(), forloop);
            self.frames.push(frame);
            let flow = self.render(body, out);
            self.frames.pop();
            if let Flow::Break = flow? {
                break;
            }
        }
        Ok(())
    }

    fn include(
        &mut self,
        relative: bool,
        file: &IncludeFile,
        args: &[(String, Filtered)],
        out: &mut String,
    ) -> Result<(), String> {
        let name = match file {
            IncludeFile::Named(n) => n.clone(),
            IncludeFile::Computed(nodes) => {
                let mut name = String::new();
                self.render(nodes, &mut name)?;
                name
            }
        };
        if name.split('/').any(|p| p == "..") || name.starts_with('/') {
            return Err(format!("the include {name} is outside the site"));
        }
        let rel = if relative {
            let dir = self.cx.page_dir;
            if dir.is_empty() {
                name.clone()
            } else {
                format!("{dir}/{name}")
            }
        } else {
            format!("_includes/{name}")
        };
        if self.depth >= MAX_DEPTH {
            return Err(format!("{rel} includes itself"));
        }
        let nodes = self.parsed_file(&rel)?;
        let mut params = Map::new();
        for (key, value) in args {
            params.insert(key.clone(), self.filtered(value)?);
        }
        let mut frame = Map::new();
        frame.insert("include".into(), Value::Object(params));
        self.frames.push(frame);
        self.depth += 1;
        let rendered = self.render(&nodes, out);
        self.depth -= 1;
        self.frames.pop();
        rendered.map_err(|why| format!("{rel}: {why}"))?;
        Ok(())
    }

    fn parsed_file(&mut self, rel: &str) -> Result<Rc<Vec<Node>>, String> {
        if let Some(nodes) = self.parsed.get(rel) {
            return Ok(nodes.clone());
        }
        let text = std::fs::read_to_string(Path::new(self.cx.src).join(rel))
            .map_err(|e| format!("{rel} cannot be read: {e}"))?;
        let nodes = Rc::new(parse::parse(&text).map_err(|why| format!("{rel}: {why}"))?);
        self.parsed.insert(rel.to_string(), nodes.clone());
        Ok(nodes)
    }

    /// `post_url`, `link`, `gist` inside an evaluated block.
    fn other(&mut self, name: &str, args: &str, out: &mut String) -> Result<(), String> {
        let arg = args.trim();
        let target = match name {
            "post_url" => (self.cx.post)(arg),
            "link" => (self.cx.link)(arg),
            _ => return Err(format!("Liquid tag {{% {name} %}} inside a block")),
        };
        let target = target.ok_or_else(|| format!("{{% {name} {arg} %}}: no such page"))?;
        out.push_str(if in_markdown_link(out) {
            &target.content
        } else {
            &target.url
        });
        Ok(())
    }

    fn condition(&mut self, test: &Condition) -> Result<bool, String> {
        Ok(match test {
            Condition::Test(e) => truthy(&self.value(e)?),
            Condition::Not(c) => !self.condition(c)?,
            Condition::And(a, b) => self.condition(a)? && self.condition(b)?,
            Condition::Or(a, b) => self.condition(a)? || self.condition(b)?,
            Condition::Compare(a, op, b) => {
                let special = |e: &Expr| matches!(e, Expr::Empty | Expr::Blank);
                if special(a) || special(b) {
                    let (kind, other) = if special(b) { (b, a) } else { (a, b) };
                    let v = self.value(other)?;
                    let hit = if *kind == Expr::Empty {
                        is_empty(&v)
                    } else {
                        is_blank(&v)
                    };
                    return Ok(if op == "!=" || op == "<>" { !hit } else { hit });
                }
                let (x, y) = (self.value(a)?, self.value(b)?);
                match op.as_str() {
                    "==" => equal(&x, &y),
                    "!=" | "<>" => !equal(&x, &y),
                    "contains" => match &x {
                        Value::String(s) => s.contains(&text_of(&y)),
                        Value::Array(a) => a.iter().any(|i| equal(i, &y)),
                        Value::Object(o) => o.contains_key(&text_of(&y)),
                        _ => false,
                    },
                    op => {
                        let ord = order(&x, &y);
                        match op {
                            "<" => ord.is_some_and(|o| o.is_lt()),
                            ">" => ord.is_some_and(|o| o.is_gt()),
                            "<=" => ord.is_some_and(|o| o.is_le()),
                            _ => ord.is_some_and(|o| o.is_ge()),
                        }
                    }
                }
            }
        })
    }

    fn filtered(&mut self, f: &Filtered) -> Result<Value, String> {
        let mut value = self.value(&f.value)?;
        for filter in &f.filters {
            value = match filter.name.as_str() {
                "where_exp" | "group_by_exp" => self.with_expression(filter, value)?,
                name => {
                    let args = filter
                        .args
                        .iter()
                        .map(|a| self.value(a))
                        .collect::<Result<Vec<_>, _>>()?;
                    let site = filters::Site {
                        base_url: self.cx.base_url,
                    };
                    filters::apply(name, value, &args, &site)?
                }
            };
        }
        Ok(value)
    }

    /// `where_exp: "item", "item.x == 1"`, `group_by_exp: "item", "item.x"`.
    fn with_expression(&mut self, filter: &expr::Filter, input: Value) -> Result<Value, String> {
        let text = |e: Option<&Expr>| match e {
            Some(Expr::Literal(Value::String(s))) => Ok(s.clone()),
            _ => Err(format!("{} without its two strings", filter.name)),
        };
        let var = text(filter.args.first())?;
        let source = text(filter.args.get(1))?;
        let mut results = Vec::new();
        let list = items(&input);
        for item in &list {
            let mut frame = Map::new();
            frame.insert(var.clone(), item.clone());
            self.frames.push(frame);
            let result = if filter.name == "where_exp" {
                expr::condition(&source)
                    .and_then(|c| self.condition(&c))
                    .map(Value::Bool)
            } else {
                expr::filtered(&source).and_then(|f| self.filtered(&f))
            };
            self.frames.pop();
            results.push(result?);
        }
        if filter.name == "where_exp" {
            let kept = list.into_iter().zip(&results).filter(|(_, k)| truthy(k));
            return Ok(Value::Array(kept.map(|(item, _)| item).collect()));
        }
        let mut keys = results.into_iter();
        Ok(filters::group(list, |_| keys.next().unwrap_or(Value::Null)))
    }

    fn value(&mut self, e: &Expr) -> Result<Value, String> {
        Ok(match e {
            Expr::Literal(v) => v.clone(),
            Expr::Empty | Expr::Blank => Value::String(String::new()),
            Expr::Range(from, to) => {
                let from = super::values::number(&self.value(from)?).unwrap_or(0.0) as i64;
                let to = super::values::number(&self.value(to)?).unwrap_or(0.0) as i64;
                if to - from > 100_000 {
                    return Err("a range over 100,000 long".into());
                }
                Value::Array((from..=to).map(Value::from).collect())
            }
            Expr::Path(keys) => self.path(keys)?,
        })
    }

    fn path(&mut self, keys: &[Key]) -> Result<Value, String> {
        let (first, rest) = keys.split_first().ok_or("an empty value")?;
        let root = match first {
            Key::Name(n) => n.clone(),
            Key::Index(e) => text_of(&self.value(e)?),
        };
        let mut resolved = Vec::with_capacity(rest.len());
        for key in rest {
            resolved.push(match key {
                Key::Name(n) => Value::String(n.clone()),
                Key::Index(e) => self.value(e)?,
            });
        }
        if self.unknown.contains(&root) {
            return Err(format!("{root}, whose value is not known here"));
        }
        let local = self.frames.iter().rev().find_map(|f| f.get(&root));
        if let Some(start) = local.or_else(|| self.globals.get(&root)) {
            return Ok(walk(start, &resolved));
        }
        let next = resolved.first().and_then(Value::as_str);
        // What the import filled in (the posts, the time) is known here.
        let filled = |n: &str| root == "site" && self.cx.site.contains_key(n);
        let build_time = |keys: &[&str]| next.is_some_and(|n| keys.contains(&n) && !filled(n));
        let map: &Map<String, Value> = match root.as_str() {
            "site" if build_time(BUILD_TIME_SITE) => {
                return Err(format!(
                    "site.{}, which Jekyll fills at build time",
                    next.unwrap_or_default()
                ));
            }
            "page" if build_time(BUILD_TIME_PAGE) => {
                return Err(format!(
                    "page.{}, which Jekyll fills at build time",
                    next.unwrap_or_default()
                ));
            }
            "site" => self.cx.site,
            "page" => self.cx.page,
            n if BUILD_TIME_ROOTS.contains(&n) => {
                return Err(format!("{n}, which Jekyll fills at build time"));
            }
            // Liquid prints nothing for a name nobody set; but here that is
            // most often the item of a loop that was not converted.
            n => return Err(format!("the variable {n}, which is not known here")),
        };
        match resolved.split_first() {
            None => Ok(Value::Object(map.clone())),
            Some((Value::String(k), rest)) => Ok(map.get(k).map_or(Value::Null, |v| walk(v, rest))),
            Some(_) => Ok(Value::Null),
        }
    }
}

/// The value at `keys` under `start`, borrowing until the end.
fn walk(start: &Value, keys: &[Value]) -> Value {
    let mut at = start;
    for (i, key) in keys.iter().enumerate() {
        let next = match (at, key) {
            (Value::Object(o), Value::String(k)) => o.get(k),
            (Value::Array(a), Value::Number(n)) if n.as_u64().is_some() => {
                a.get(n.as_u64().unwrap_or_default() as usize)
            }
            _ => None,
        };
        match next {
            Some(v) => at = v,
            // `.size`, `.first`, a negative index: the slower rules.
            None => {
                let found = match key {
                    Value::String(k) => member(at, k),
                    k => index(at, k),
                };
                return walk(&found, &keys[i + 1..]);
            }
        }
    }
    at.clone()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::jekyll::shortcodes::Shortcodes;
    use serde_json::json;

    fn run(liquid: &str) -> Result<String, String> {
        let site = json!({"title": "T", "data": {"nav": [
            {"title": "Home", "url": "/", "tags": ["a"]},
            {"title": "Docs", "url": "/docs/", "tags": ["b"]},
        ]}});
        let page = json!({"title": "P", "kind": "guide"});
        let none = |_: &str| None;
        let extra = toml::Table::new();
        let shortcodes = Shortcodes::new(Path::new("/nonexistent"), &extra);
        let cx = Context {
            site: site.as_object().unwrap(),
            page: page.as_object().unwrap(),
            base_url: "https://example.org",
            post: &none,
            link: &none,
            shortcodes: &shortcodes,
            page_name: "x",
            src: Path::new("/nonexistent"),
            page_dir: "",
        };
        Evaluator::new(&cx).run(liquid)
    }

    #[test]
    fn blocks_run_as_liquid_runs_them() {
        let out = run(
            "{% for n in site.data.nav %}{% if forloop.last %}{% break %}{% endif %}{{ n.title }}{% endfor %}|{% case page.kind %}{% when 'howto', 'guide' %}G{% else %}O{% endcase %}|{% capture c %}{{ page.title | append: '!' }}{% endcapture %}{{ c }}|{{ site.data.nav | where_exp: 'n', \"n.tags contains 'b'\" | map: 'url' | join: ',' }}|{% for i in (1..3) reversed %}{{ i }}{% endfor %}|{% for x in site.data.none %}{% else %}empty{% endfor %}",
        )
        .unwrap();
        assert_eq!(out, "Home|G|P!|/docs/|321|empty");
    }

    #[test]
    fn what_only_jekyll_knows_is_an_error_naming_it() {
        assert!(
            run("{{ site.posts | size }}")
                .unwrap_err()
                .contains("site.posts")
        );
        assert!(
            run("{{ paginator.page }}")
                .unwrap_err()
                .contains("paginator")
        );
        assert!(run("{{ post.title }}").unwrap_err().contains("post"));
        assert!(
            run("{% include missing.html %}")
                .unwrap_err()
                .contains("cannot be read")
        );
        assert!(run("{{ 'x' | shuffle }}").unwrap_err().contains("shuffle"));
    }
}
