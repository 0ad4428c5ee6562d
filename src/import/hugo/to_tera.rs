//! A Hugo shortcode template ([`go_template`](super::go_template)'s tree)
//! as a Tera shortcode of ssg: `.Get "x"` is the argument `x`, `.Get 0`
//! the argument `_0` (ssg's calls are named; the import names positional
//! ones so), `.Inner` is `body`, `.Site.Data` is `data`, `.Site.Params` is
//! `config.extra`, `.Page.Params` is `page.extra`. `if`/`else`/`with`/
//! `range` become Tera blocks, `define`/`template` Tera components (which
//! may recurse), a `partial` is written in where it is called; Go's
//! functions that have a Tera form (`default`, `eq`, `printf`, `index`,
//! `markdownify`, `findRE`, …) become it. Go's rules are kept where Tera's
//! differ: `default` takes over for any empty value, not only a missing
//! one; a `range` walks a map's values in key order or a list's items;
//! an `$x = …` inside a loop changes the `$x` outside it; HTML comments in
//! the template's text are dropped, as `html/template` drops them.
//! Anything else is an error with the template's line, so the import
//! reports the shortcode rather than write one that breaks the build.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use super::go_template::{self, Command, Node, Operand, Pipeline, Problem};
use super::to_tera_functions::{Expr, plain};

/// A shortcode template in Tera, and what its calls must pass.
#[derive(Debug, Clone)]
pub struct Translation {
    pub tera: String,
    /// Whether it prints `.Inner` (its calls have a body).
    pub inner: bool,
}

/// What a translation may read beside the template.
pub struct Sources<'a> {
    /// The Hugo site's `params`, to spell `config.extra` keys as written.
    pub site_params: &'a Map<String, Value>,
    /// A partial's template text by the name `partial` gives.
    pub partial: &'a dyn Fn(&str) -> Option<String>,
}

/// Names a call argument may not take: ssg's shortcode context has them.
pub const TAKEN: &[&str] = &["page", "config", "data", "body", "nth", "loop", "dot"];

/// What a translated template writes.
#[derive(Clone, Copy, PartialEq, Debug)]
pub enum Writes {
    /// HTML, printed values escaped by Tera (the template is `.html`).
    Html,
    /// Markdown rendered with the page, as Hugo renders a `{{% %}}` call's
    /// output: the template is `.md`, which Tera does not escape, so each
    /// value not already HTML is escaped where it is printed.
    Markdown,
}

/// Translates shortcode `name`'s template `source`.
pub fn shortcode(
    name: &str,
    source: &str,
    sources: &Sources,
    writes: Writes,
) -> Result<Translation, Problem> {
    let template = go_template::parse(source)?;
    let prefix = match writes {
        Writes::Html => format!("hugo_{}_", identifier(name)),
        // Component names are the site's; the two copies' must differ.
        Writes::Markdown => format!("hugo_{}_md_", identifier(name)),
    };
    let mut t = Translator {
        sources,
        writes,
        prefix,
        args: BTreeSet::new(),
        inner: false,
        fresh: 0,
        frames: Vec::new(),
        dot: Dot::Shortcode,
        root: Dot::Shortcode,
        defines: template.defines.iter().map(|(n, _)| n.clone()).collect(),
        partials: Vec::new(),
    };
    let mut components = String::new();
    for (define, body) in &template.defines {
        let component = format!("{}{}", t.prefix, identifier(define));
        t.dot = Dot::Value("dot".into(), false);
        t.root = t.dot.clone();
        t.frames = vec![Frame::default()];
        let text = t.nodes(body)?;
        components.push_str(&format!(
            "{{% component {component}(dot, data, config, page) %}}{text}{{% endcomponent {component} %}}"
        ));
    }
    t.dot = Dot::Shortcode;
    t.root = Dot::Shortcode;
    t.frames = vec![Frame::default()];
    let main = t.nodes(&template.body)?;
    // Go's `.Get` of an argument not passed is empty; Tera would stop.
    let mut prelude: String = t
        .args
        .iter()
        .map(|a| format!("{{% set {a} = {a} | default(value=\"\") %}}"))
        .collect();
    if t.inner {
        prelude.push_str("{% set body = body | default(value=\"\") %}");
    }
    Ok(Translation {
        tera: format!("{components}{prelude}{main}"),
        inner: t.inner,
    })
}

/// What `.` (or `$`) is.
#[derive(Debug, Clone)]
enum Dot {
    /// The shortcode call: `.Get`, `.Inner`, `.Site`, `.Page`.
    Shortcode,
    /// A value: the Tera expression, and whether it is HTML already.
    Value(String, bool),
}

/// A Go scope: its variables (Go name, Tera name, HTML already), and
/// whether a Tera loop starts with it.
#[derive(Default)]
struct Frame {
    vars: Vec<(String, String, bool)>,
    is_loop: bool,
}

struct Translator<'a> {
    sources: &'a Sources<'a>,
    writes: Writes,
    /// Prefix of the components this shortcode defines (Tera's component
    /// names are shared by all of the site's templates).
    prefix: String,
    args: BTreeSet<String>,
    inner: bool,
    fresh: usize,
    frames: Vec<Frame>,
    dot: Dot,
    root: Dot,
    defines: BTreeSet<String>,
    /// Partials being written in, against a partial that calls itself.
    partials: Vec<String>,
}

fn at<T>(line: usize, why: impl Into<String>) -> Result<T, Problem> {
    Err((line, why.into()))
}

impl Translator<'_> {
    fn fresh(&mut self, base: &str) -> String {
        self.fresh += 1;
        format!("{base}_{}", self.fresh)
    }

    fn nodes(&mut self, nodes: &[Node]) -> Result<String, Problem> {
        let mut out = String::new();
        for node in nodes {
            out.push_str(&self.node(node)?);
        }
        Ok(out)
    }

    /// `nodes` in a new Go scope (a loop's, when `is_loop`), with `.` as `dot`.
    fn scoped(
        &mut self,
        nodes: &[Node],
        dot: Option<Dot>,
        frame: Frame,
    ) -> Result<String, Problem> {
        let outer = dot.map(|d| std::mem::replace(&mut self.dot, d));
        self.frames.push(frame);
        let out = self.nodes(nodes);
        self.frames.pop();
        if let Some(outer) = outer {
            self.dot = outer;
        }
        out
    }

    fn node(&mut self, node: &Node) -> Result<String, Problem> {
        Ok(match node {
            Node::Text(text) => text_of(text)?,
            Node::Print(p) => self.print(p)?,
            Node::Set {
                var,
                declare,
                value,
            } => self.set(var, *declare, value)?,
            Node::If {
                branches,
                otherwise,
            } => {
                let mut out = String::new();
                for (i, (condition, body)) in branches.iter().enumerate() {
                    let condition = self.pipeline(condition)?.text;
                    let keyword = if i == 0 { "if" } else { "elif" };
                    let body = self.scoped(body, None, Frame::default())?;
                    out.push_str(&format!("{{% {keyword} {condition} %}}{body}"));
                }
                self.close_if(out, otherwise)?
            }
            Node::With {
                var,
                value,
                body,
                otherwise,
            } => {
                let value = self.pipeline(value)?;
                let name = self.fresh("with");
                let mut frame = Frame::default();
                if let Some(var) = var {
                    frame.vars.push((var.clone(), name.clone(), value.safe));
                }
                let dot = Dot::Value(name.clone(), value.safe);
                let body = self.scoped(body, Some(dot), frame)?;
                let out = format!("{{% set {name} = {} %}}{{% if {name} %}}{body}", value.text);
                self.close_if(out, otherwise)?
            }
            Node::Range {
                key,
                var,
                over,
                body,
                otherwise,
            } => self.range(key.as_deref(), var.as_deref(), over, body, otherwise)?,
            Node::Template { name, arg } => {
                if !self.defines.contains(name) {
                    return at(
                        0,
                        format!("`template \"{name}\"`, which the file does not define"),
                    );
                }
                let arg = match arg {
                    Some(p) => self.pipeline(p)?.text,
                    None => "none".into(),
                };
                let component = format!("{}{}", self.prefix, identifier(name));
                format!(
                    "{{{{ <{component} dot={{{arg}}} data={{data}} config={{config}} page={{page}} /> }}}}"
                )
            }
            Node::Break => "{% break %}".into(),
            Node::Continue => "{% continue %}".into(),
        })
    }

    fn close_if(&mut self, mut out: String, otherwise: &[Node]) -> Result<String, Problem> {
        if !otherwise.is_empty() {
            let body = self.scoped(otherwise, None, Frame::default())?;
            out.push_str(&format!("{{% else %}}{body}"));
        }
        out.push_str("{% endif %}");
        Ok(out)
    }

    /// Go walks a map's values (keys sorted; ssg's maps iterate so) or a
    /// list's items; Tera needs to know which, so both loops are written.
    fn range(
        &mut self,
        key: Option<&str>,
        var: Option<&str>,
        over: &Pipeline,
        body: &[Node],
        otherwise: &[Node],
    ) -> Result<String, Problem> {
        let over = self.pipeline(over)?;
        let list = self.fresh("range");
        let key_name = self.fresh("key");
        let item = self.fresh("item");
        let frame = || {
            let mut frame = Frame {
                vars: Vec::new(),
                is_loop: true,
            };
            if let Some(k) = key {
                frame.vars.push((k.to_string(), key_name.clone(), false));
            }
            if let Some(v) = var {
                frame.vars.push((v.to_string(), item.clone(), false));
            }
            frame
        };
        let dot = Dot::Value(item.clone(), false);
        let over_map = self.scoped(body, Some(dot.clone()), frame())?;
        let over_list = self.scoped(body, Some(dot), frame())?;
        let out = format!(
            "{{% set {list} = {} %}}{{% if {list} %}}{{% if {list} is map %}}{{% for {key_name}, {item} in {list} %}}{over_map}{{% endfor %}}{{% else %}}{{% for {item} in {list} %}}{{% set {key_name} = loop.index0 %}}{over_list}{{% endfor %}}{{% endif %}}",
            over.text
        );
        self.close_if(out, otherwise)
    }

    fn set(&mut self, var: &str, declare: bool, value: &Pipeline) -> Result<String, Problem> {
        let line = value.line;
        let value = self.pipeline(value)?;
        if declare {
            let visible = self
                .frames
                .iter()
                .any(|f| f.vars.iter().any(|v| v.0 == var));
            let name = if visible {
                self.fresh(&format!("v_{var}"))
            } else {
                format!("v_{var}")
            };
            let frame = self
                .frames
                .last_mut()
                .ok_or((line, "no scope".to_string()))?;
            frame.vars.push((var.to_string(), name.clone(), value.safe));
            return Ok(format!("{{% set {name} = {} %}}", value.text));
        }
        // Where the variable was declared, and whether a loop began since.
        let mut crossed_loop = false;
        for depth in (0..self.frames.len()).rev() {
            if let Some(found) = self.frames[depth]
                .vars
                .iter_mut()
                .rev()
                .find(|v| v.0 == var)
            {
                found.2 = found.2 && value.safe;
                let name = found.1.clone();
                if !crossed_loop {
                    return Ok(format!("{{% set {name} = {} %}}", value.text));
                }
                // Tera's `set` in a loop is the loop's own; only the
                // template's (or component's) top scope can be reached.
                if self.frames[..=depth].iter().any(|f| f.is_loop) {
                    return at(line, format!("`${var} =` inside a loop within a loop"));
                }
                return Ok(format!("{{% set_global {name} = {} %}}", value.text));
            }
            crossed_loop |= self.frames[depth].is_loop;
        }
        at(line, format!("`${var} =` before `${var} :=`"))
    }

    fn print(&mut self, p: &Pipeline) -> Result<String, Problem> {
        if let Some(partial) = self.partial_call(p)? {
            return Ok(partial);
        }
        let value = self.pipeline(p)?;
        Ok(match (value.safe, self.writes) {
            (true, _) => format!("{{{{ {} | safe }}}}", value.text),
            (false, Writes::Html) => format!("{{{{ {} }}}}", value.text),
            // `str` first: Tera's `escape` takes strings only.
            (false, Writes::Markdown) => format!("{{{{ {} | str | escape }}}}", value.text),
        })
    }

    /// `partial "name" x` (or `x | partial "name"`) printed: the partial's
    /// template written in here, its `.` and `$` being `x`.
    fn partial_call(&mut self, p: &Pipeline) -> Result<Option<String>, Problem> {
        let Some(last) = p.commands.last() else {
            return Ok(None);
        };
        let name = match last.args.as_slice() {
            [Operand::Ident(f), Operand::Str(name), ..] if f == "partial" => name.clone(),
            _ => return Ok(None),
        };
        let line = p.line;
        let mut arg_cmds = p.commands[..p.commands.len() - 1].to_vec();
        let explicit = &last.args[2..];
        let arg = match (arg_cmds.is_empty(), explicit) {
            (true, []) => return at(line, "`partial` without a value"),
            (true, [one]) => Pipeline {
                commands: vec![Command {
                    args: vec![one.clone()],
                }],
                line,
            },
            (false, []) => {
                arg_cmds.shrink_to_fit();
                Pipeline {
                    commands: arg_cmds,
                    line,
                }
            }
            _ => return at(line, "`partial` with more than one value"),
        };
        if self.partials.contains(&name) {
            return at(line, format!("partial \"{name}\", which calls itself"));
        }
        let file = name.strip_suffix(".html").unwrap_or(&name).to_string();
        let source = (self.sources.partial)(&file).ok_or((
            line,
            format!("partial \"{name}\", which the site does not have"),
        ))?;
        let template = go_template::parse(&source)
            .map_err(|(l, why)| (line, format!("partial \"{name}\" (its line {l}: {why})")))?;
        if !template.defines.is_empty() {
            return at(line, format!("partial \"{name}\", which defines templates"));
        }
        // `.` passed on as it is (the shortcode) stays the shortcode.
        let (bind, dot) = match arg.commands.as_slice() {
            [Command { args }] if matches!(args.as_slice(), [Operand::Field(f)] if f.is_empty()) => {
                (String::new(), self.dot.clone())
            }
            _ => {
                let value = self.pipeline(&arg)?;
                let name = self.fresh("partial");
                (
                    format!("{{% set {name} = {} %}}", value.text),
                    Dot::Value(name, value.safe),
                )
            }
        };
        self.partials.push(name.clone());
        let root = std::mem::replace(&mut self.root, dot.clone());
        // A partial sees none of the caller's variables.
        let frames = std::mem::replace(&mut self.frames, vec![Frame::default()]);
        let outer_dot = std::mem::replace(&mut self.dot, dot);
        let body = self.nodes(&template.body);
        self.dot = outer_dot;
        self.frames = frames;
        self.root = root;
        self.partials.pop();
        let body =
            body.map_err(|(l, why)| (line, format!("partial \"{name}\" (its line {l}: {why})")))?;
        Ok(Some(format!("{bind}{body}")))
    }

    fn pipeline(&mut self, p: &Pipeline) -> Result<Expr, Problem> {
        let mut value: Option<Expr> = None;
        for command in &p.commands {
            value = Some(self.command(command, value, p.line)?);
        }
        value.ok_or((p.line, "an empty pipeline".into()))
    }

    fn command(&mut self, c: &Command, piped: Option<Expr>, line: usize) -> Result<Expr, Problem> {
        let (head, rest) = c
            .args
            .split_first()
            .ok_or((line, "an empty command".to_string()))?;
        if let Some(arg) = self.shortcode_get(head, rest, line)? {
            return Ok(arg);
        }
        if let Operand::Ident(function) = head {
            let mut args = Vec::with_capacity(rest.len() + 1);
            for a in rest {
                args.push(self.operand(a, line)?);
            }
            args.extend(piped);
            return super::to_tera_functions::call(function, args, rest, line);
        }
        if !rest.is_empty() || piped.is_some() {
            let method = match head {
                Operand::Field(chain) => format!(".{}", chain.join(".")),
                Operand::Var(name, chain) => format!("${name}.{}", chain.join(".")),
                _ => "a value".into(),
            };
            return at(line, format!("`{method}` called with arguments"));
        }
        self.operand(head, line)
    }

    /// `.Get "x"` / `.Get 0` of the shortcode: its argument.
    fn shortcode_get(
        &mut self,
        head: &Operand,
        rest: &[Operand],
        line: usize,
    ) -> Result<Option<Expr>, Problem> {
        let dot = match head {
            Operand::Field(f) if f.len() == 1 && f[0] == "Get" => self.dot.clone(),
            Operand::Var(v, f) if v.is_empty() && f.len() == 1 && f[0] == "Get" => {
                self.root.clone()
            }
            _ => return Ok(None),
        };
        if !matches!(dot, Dot::Shortcode) {
            return at(line, "`.Get` of something other than the shortcode");
        }
        let name = match rest {
            [Operand::Str(name)] => name.clone(),
            [Operand::Number(n)] if n.parse::<usize>().is_ok() => format!("_{n}"),
            _ => return at(line, "`.Get` of an argument named at run time"),
        };
        if !is_identifier(&name) || TAKEN.contains(&name.as_str()) {
            return at(
                line,
                format!("an argument named `{name}`, which an ssg call cannot pass"),
            );
        }
        self.args.insert(name.clone());
        Ok(Some(plain(name)))
    }

    fn operand(&mut self, o: &Operand, line: usize) -> Result<Expr, Problem> {
        Ok(match o {
            Operand::Str(s) => plain(string_literal(s)),
            Operand::Number(n) => {
                if n.parse::<f64>().is_err() {
                    return at(line, format!("the number `{n}`"));
                }
                plain(n.clone())
            }
            Operand::Bool(b) => plain(b.to_string()),
            Operand::Nil => plain("none".into()),
            Operand::Field(chain) => self.chain(self.dot.clone(), chain, line)?,
            Operand::Var(name, chain) if name.is_empty() => {
                self.chain(self.root.clone(), chain, line)?
            }
            Operand::Var(name, chain) => {
                let (tera, safe) = self
                    .frames
                    .iter()
                    .rev()
                    .find_map(|f| f.vars.iter().rev().find(|v| &v.0 == name))
                    .map(|v| (v.1.clone(), v.2))
                    .ok_or((line, format!("`${name}`, set nowhere")))?;
                self.chain(Dot::Value(tera, safe), chain, line)?
            }
            Operand::Sub(p, chain) => {
                let inner = self.pipeline(p)?;
                let value = Dot::Value(format!("({})", inner.text), inner.safe);
                self.chain(value, chain, line)?
            }
            Operand::Ident(word) => {
                if let Some(rest) = word.strip_prefix("site.") {
                    let chain: Vec<String> = rest.split('.').map(String::from).collect();
                    return self.site(&chain, line);
                }
                return super::to_tera_functions::call(word, Vec::new(), &[], line);
            }
        })
    }

    /// `.A.B` from `dot`.
    fn chain(&mut self, dot: Dot, chain: &[String], line: usize) -> Result<Expr, Problem> {
        let (text, safe) = match dot {
            Dot::Value(text, safe) => (text, safe),
            Dot::Shortcode => return self.shortcode_field(chain, line),
        };
        if chain.is_empty() {
            return Ok(Expr { text, safe });
        }
        Ok(plain(fields(text, chain)))
    }

    fn shortcode_field(&mut self, chain: &[String], line: usize) -> Result<Expr, Problem> {
        let first = chain.first().map(String::as_str);
        match first {
            Some("Inner") | Some("InnerDeindent") if chain.len() == 1 => {
                self.inner = true;
                Ok(Expr {
                    text: "body".into(),
                    safe: true,
                })
            }
            Some("Ordinal") if chain.len() == 1 => Ok(plain("(nth - 1)".into())),
            Some("Site") => self.site(&chain[1..], line),
            Some("Page") => page_field(&chain[1..], line),
            Some(other) => at(line, format!("`.{other}` of the shortcode")),
            None => at(line, "the shortcode itself as a value"),
        }
    }

    fn site(&mut self, chain: &[String], line: usize) -> Result<Expr, Problem> {
        let rest = chain.get(1..).unwrap_or_default();
        let text = match chain.first().map(String::as_str) {
            Some("Data") => fields("data".into(), rest),
            Some("Params") => {
                let Some((key, deeper)) = rest.split_first() else {
                    return Ok(plain("config.extra".into()));
                };
                let written = self
                    .sources
                    .site_params
                    .keys()
                    .find(|k| k.eq_ignore_ascii_case(key))
                    .ok_or((
                        line,
                        format!("`.Site.Params.{key}`, which the site does not set"),
                    ))?;
                fields(format!("config.extra[{}]", string_literal(written)), deeper)
            }
            Some("Title") if rest.is_empty() => "config.title".into(),
            Some("BaseURL") if rest.is_empty() => "config.base_url".into(),
            Some("LanguageCode") if rest.is_empty() => "config.language".into(),
            _ => return at(line, format!("`.Site.{}`", chain.join("."))),
        };
        Ok(plain(text))
    }
}

fn page_field(chain: &[String], line: usize) -> Result<Expr, Problem> {
    let text = match chain {
        [one] if one == "Title" => "page.title".to_string(),
        [one] if one == "Permalink" => "page.permalink".into(),
        [one] if one == "RelPermalink" => "page.path".into(),
        [params, rest @ ..] if params == "Params" && !rest.is_empty() => {
            let lower: Vec<String> = rest.iter().map(|k| k.to_lowercase()).collect();
            fields("page.extra".into(), &lower)
        }
        _ => return at(line, format!("`.Page.{}`", chain.join("."))),
    };
    Ok(plain(text))
}

/// `x.a.b` read as Go reads a map: a missing key is nothing, not an error.
fn fields(mut text: String, chain: &[String]) -> String {
    for key in chain {
        text = format!("({text} | get(key={}, default=none))", string_literal(key));
    }
    text
}

/// A Tera string literal of `s`.
pub fn string_literal(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Template text as Tera prints it: Go's `html/template` drops HTML
/// comments; text holding Tera's delimiters is kept raw.
fn text_of(text: &str) -> Result<String, Problem> {
    let mut kept = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("<!--") {
        let Some(end) = rest[at..].find("-->") else {
            break;
        };
        kept.push_str(&rest[..at]);
        rest = &rest[at + end + 3..];
    }
    kept.push_str(rest);
    if ["{{", "{%", "{#"].iter().any(|d| kept.contains(d)) {
        if kept.contains("endraw") {
            return at(0, "text holding `endraw`");
        }
        return Ok(format!("{{% raw %}}{kept}{{% endraw %}}"));
    }
    Ok(kept)
}

pub fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// `s` with every character a Tera name cannot hold as `_`.
pub fn identifier(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the translation of `go` prints for `args` (and `data`).
    fn render(go: &str, args: serde_json::Value) -> String {
        let params = Map::new();
        let partial = |name: &str| (name == "wrap").then(|| "<b>{{ . }}</b>".to_string());
        let sources = Sources {
            site_params: &params,
            partial: &partial,
        };
        let translation = shortcode("x", go, &sources, Writes::Html).expect("translates");
        let config = crate::config::Config::default();
        let mut tera = crate::templates::with_helpers(&config);
        tera.autoescape_on(vec![".html"]);
        tera.add_raw_template("x.html", &translation.tera)
            .unwrap_or_else(|e| panic!("{e}\n{}", translation.tera));
        let mut ctx = tera::Context::from_serialize(&args).expect("a map");
        for name in ["page", "config"] {
            ctx.insert(name, &serde_json::json!({}));
        }
        if args.get("data").is_none() {
            ctx.insert("data", &serde_json::json!({}));
        }
        tera.render("x.html", &ctx)
            .unwrap_or_else(|e| panic!("{e:?}\n{}", translation.tera))
    }

    #[test]
    fn default_stands_in_for_an_empty_argument_as_in_go() {
        let go = "{{ $k := .Get \"kind\" | default \"plain\" }}{{ if eq $k \"a\" \"b\" }}AB{{ else }}{{ $k }}{{ end }}";
        assert_eq!(render(go, serde_json::json!({})), "plain");
        assert_eq!(render(go, serde_json::json!({"kind": ""})), "plain");
        assert_eq!(render(go, serde_json::json!({"kind": "b"})), "AB");
        assert_eq!(render(go, serde_json::json!({"kind": "<i>"})), "&lt;i&gt;");
    }

    #[test]
    fn range_walks_lists_and_maps_and_assignments_reach_outside() {
        let go = "{{ $n := 0 }}{{ $last := \"\" }}{{ range $k, $v := .Site.Data.m }}{{ $k }}={{ $v }};{{ $last = $k }}{{ end }}|{{ range .Site.Data.l }}{{ . }}{{ else }}none{{ end }}|{{ $last }}";
        let data = serde_json::json!({"data": {"m": {"a": 1, "b": 2}, "l": ["x", "y"]}});
        assert_eq!(render(go, data), "a=1;b=2;|xy|b");
        let empty = serde_json::json!({"data": {"m": {}, "l": []}});
        assert_eq!(render(go, empty), "|none|");
    }

    #[test]
    fn positional_arguments_with_printf_partials_and_inner() {
        let go = "<!-- note -->{{ with .Get 1 }}{{ printf \"%s-%d%%\" . $.Ordinal }}{{ else }}{{ .Get 0 }}{{ end }}{{ .Inner | markdownify | partial \"wrap\" }}";
        let out = render(go, serde_json::json!({"_0": "z", "body": "*hi*", "nth": 1}));
        assert_eq!(out, "z<b><em>hi</em></b>");
        let out = render(go, serde_json::json!({"_1": "y", "nth": 3}));
        assert_eq!(out, "y-2%<b></b>");
    }

    #[test]
    fn text_with_tera_delimiters_stays_text() {
        let out = render("{% raw %} {{ \"{{ x }}\" }}", serde_json::json!({}));
        assert_eq!(out, "{% raw %} {{ x }}");
    }

    #[test]
    fn what_has_no_tera_form_is_refused_with_its_line() {
        let params = Map::new();
        let sources = Sources {
            site_params: &params,
            partial: &|_| None,
        };
        let refused = |go: &str| shortcode("x", go, &sources, Writes::Html).err();
        assert_eq!(
            refused("a\n{{ .Page.Date.Format \"2006\" }}").map(|e| e.0),
            Some(2)
        );
        assert!(refused("{{ humanize .Get 0 }}").is_some());
        assert!(refused("{{ partial \"missing\" . }}").is_some());
        assert!(refused("{{ .Get \"data-x\" }}").is_some());
        assert!(refused("{{ .Site.Params.nothing }}").is_some());
        assert!(
            refused("{{ range .Site.Data.a }}{{ range . }}{{ $x = 1 }}{{ end }}{{ end }}")
                .is_some()
        );
    }
}
