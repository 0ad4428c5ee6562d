//! Go's `text/template` language as Hugo's shortcode and partial templates
//! write it, read into a tree the Tera translation walks
//! ([`to_tera`](super::to_tera)). Whitespace trimming (`{{-`, `-}}`) and
//! comments are applied here, as Go applies them when it parses, so the
//! tree's text is the text Go prints. Anything outside the subset read —
//! `block`, a declaration in an odd place, an unclosed action — is an
//! error with its line.

/// A problem at a line of the template (1-based).
pub type Problem = (usize, String);

/// One piece of a template, in order.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Text(String),
    /// `{{ pipeline }}`: prints its value.
    Print(Pipeline),
    /// `{{ $x := p }}` (`declare`) or `{{ $x = p }}`.
    Set {
        var: String,
        declare: bool,
        value: Pipeline,
    },
    /// `if`/`else if`/`else`: each branch's condition and body.
    If {
        branches: Vec<(Pipeline, Vec<Node>)>,
        otherwise: Vec<Node>,
    },
    /// `with [$x :=] p`: the body with `.` (and `$x`) bound to a value that is set.
    With {
        var: Option<String>,
        value: Pipeline,
        body: Vec<Node>,
        otherwise: Vec<Node>,
    },
    /// `range [[$k,] $v :=] p`.
    Range {
        key: Option<String>,
        var: Option<String>,
        over: Pipeline,
        body: Vec<Node>,
        otherwise: Vec<Node>,
    },
    /// `template "name" [p]`.
    Template {
        name: String,
        arg: Option<Pipeline>,
    },
    Break,
    Continue,
}

/// Commands joined by `|`: each one's value is the last argument of the next.
#[derive(Debug, Clone, PartialEq)]
pub struct Pipeline {
    pub commands: Vec<Command>,
    /// The line of the action it is in.
    pub line: usize,
}

/// A function or method with its arguments, or one value.
#[derive(Debug, Clone, PartialEq)]
pub struct Command {
    pub args: Vec<Operand>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    /// A function's name (`default`, `reflect.IsMap`).
    Ident(String),
    /// `.A.B` from the dot; `.` alone is an empty list.
    Field(Vec<String>),
    /// `$x.A.B`; `$` alone is the name `""`.
    Var(String, Vec<String>),
    Str(String),
    Number(String),
    Bool(bool),
    Nil,
    /// `( pipeline ).A.B`.
    Sub(Box<Pipeline>, Vec<String>),
}

/// A parsed template: its main body and its `define`d templates.
#[derive(Debug, Default)]
pub struct Template {
    pub body: Vec<Node>,
    pub defines: Vec<(String, Vec<Node>)>,
}

/// Reads `source` into a tree.
pub fn parse(source: &str) -> Result<Template, Problem> {
    let items = split(source)?;
    let mut reader = Reader {
        items,
        pos: 0,
        defines: Vec::new(),
    };
    let (body, end) = reader.nodes()?;
    if let Some((line, word)) = end {
        return Err((line, format!("`{{{{ {word} }}}}` with nothing open")));
    }
    Ok(Template {
        body,
        defines: reader.defines,
    })
}

/// Text, or an action's inside with its line.
#[derive(Debug)]
enum Item {
    Text(String),
    Action(String, usize),
}

/// Cuts the template into text and actions, trimming as `{{-`/`-}}` ask
/// and dropping comments.
fn split(source: &str) -> Result<Vec<Item>, Problem> {
    let mut items = Vec::new();
    let mut rest = source;
    let mut trim_next = false;
    let line_at = |rest: &str| source[..source.len() - rest.len()].matches('\n').count() + 1;
    while let Some(at) = rest.find("{{") {
        let mut text = &rest[..at];
        if trim_next {
            text = text.trim_start();
        }
        let after = &rest[at + 2..];
        let trim_before =
            after.starts_with("- ") || after.starts_with("-\t") || after.starts_with("-\n");
        if trim_before {
            text = text.trim_end();
        }
        let line = line_at(&rest[at..]);
        let inner_start = if trim_before { 1 } else { 0 };
        let close = action_end(&after[inner_start..])
            .ok_or((line, "an action `{{` that never closes".to_string()))?;
        let mut inner = &after[inner_start..inner_start + close];
        trim_next = inner.ends_with(" -") || inner.ends_with("\t-") || inner.ends_with("\n-");
        if trim_next {
            inner = &inner[..inner.len() - 1];
        }
        if !text.is_empty() {
            items.push(Item::Text(text.to_string()));
        }
        let inner = inner.trim();
        let comment = inner.starts_with("/*") && inner.ends_with("*/");
        if !comment {
            items.push(Item::Action(inner.to_string(), line));
        }
        rest = &after[inner_start + close + 2..];
    }
    let text = if trim_next { rest.trim_start() } else { rest };
    if !text.is_empty() {
        items.push(Item::Text(text.to_string()));
    }
    Ok(items)
}

/// Where `}}` closes an action, past quoted strings and comments.
fn action_end(s: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'`' => {
                i += 1 + s[i + 1..].find('`')?;
            }
            b'/' if s[i..].starts_with("/*") => {
                i += 2 + s[i + 2..].find("*/")? + 1;
            }
            b'}' if s[i..].starts_with("}}") => return Some(i),
            _ => {}
        }
        i += 1;
    }
    None
}

struct Reader {
    items: Vec<Item>,
    pos: usize,
    defines: Vec<(String, Vec<Node>)>,
}

/// The action that ended a body: `end`, `else`, `else if …`, with its line.
type Ending = Option<(usize, String)>;

impl Reader {
    /// Nodes up to an `end`/`else` action (returned) or the end of input.
    fn nodes(&mut self) -> Result<(Vec<Node>, Ending), Problem> {
        let mut nodes = Vec::new();
        while let Some(item) = self.items.get(self.pos) {
            self.pos += 1;
            let (action, line) = match item {
                Item::Text(t) => {
                    nodes.push(Node::Text(t.clone()));
                    continue;
                }
                Item::Action(a, l) => (a.clone(), *l),
            };
            let (word, rest) = action
                .split_once(char::is_whitespace)
                .map_or((action.as_str(), ""), |(w, r)| (w, r.trim()));
            match word {
                "end" | "else" => return Ok((nodes, Some((line, action.clone())))),
                "if" => nodes.push(self.if_node(rest, line)?),
                "with" => nodes.push(self.with_node(rest, line)?),
                "range" => nodes.push(self.range_node(rest, line)?),
                "define" => {
                    let name = string_literal(rest)
                        .ok_or((line, "`define` without a name".to_string()))?;
                    let (body, end) = self.nodes()?;
                    expect_end(end, line, "define")?;
                    self.defines.push((name, body));
                }
                "template" => {
                    let (name, arg) = split_first_operand(rest);
                    let name = string_literal(name)
                        .ok_or((line, "`template` without a name".to_string()))?;
                    let arg = if arg.is_empty() {
                        None
                    } else {
                        Some(pipeline(arg, line)?)
                    };
                    nodes.push(Node::Template { name, arg });
                }
                "break" => nodes.push(Node::Break),
                "continue" => nodes.push(Node::Continue),
                "block" => return Err((line, "`block`".to_string())),
                _ => nodes.push(statement(&action, line)?),
            }
        }
        Ok((nodes, None))
    }

    fn if_node(&mut self, condition: &str, line: usize) -> Result<Node, Problem> {
        let mut branches = vec![(pipeline(condition, line)?, Vec::new())];
        loop {
            let (body, end) = self.nodes()?;
            if let Some(branch) = branches.last_mut() {
                branch.1 = body;
            }
            let (at, action) = end.ok_or((line, "`if` without `end`".to_string()))?;
            if action == "end" {
                return Ok(Node::If {
                    branches,
                    otherwise: Vec::new(),
                });
            }
            if let Some(cond) = action.strip_prefix("else if ") {
                branches.push((pipeline(cond.trim(), at)?, Vec::new()));
                continue;
            }
            let otherwise = self.else_body(&action, at)?;
            return Ok(Node::If {
                branches,
                otherwise,
            });
        }
    }

    fn with_node(&mut self, rest: &str, line: usize) -> Result<Node, Problem> {
        let (vars, value) = declaration(rest);
        let var = match vars.as_slice() {
            [] => None,
            [v] => Some(v.clone()),
            _ => return Err((line, "`with` declaring two variables".to_string())),
        };
        let value = pipeline(value, line)?;
        let (body, end) = self.nodes()?;
        let (at, action) = end.ok_or((line, "`with` without `end`".to_string()))?;
        let otherwise = if action == "end" {
            Vec::new()
        } else {
            self.else_body(&action, at)?
        };
        Ok(Node::With {
            var,
            value,
            body,
            otherwise,
        })
    }

    fn range_node(&mut self, rest: &str, line: usize) -> Result<Node, Problem> {
        let (vars, over) = declaration(rest);
        let (key, var) = match vars.as_slice() {
            [] => (None, None),
            [v] => (None, Some(v.clone())),
            [k, v] => (Some(k.clone()), Some(v.clone())),
            _ => return Err((line, "`range` declaring three variables".to_string())),
        };
        let over = pipeline(over, line)?;
        let (body, end) = self.nodes()?;
        let (at, action) = end.ok_or((line, "`range` without `end`".to_string()))?;
        let otherwise = if action == "end" {
            Vec::new()
        } else {
            self.else_body(&action, at)?
        };
        Ok(Node::Range {
            key,
            var,
            over,
            body,
            otherwise,
        })
    }

    /// The body after `else` (or `else if`/`else with`, a nested block
    /// sharing the outer `end`), up to that `end`.
    fn else_body(&mut self, action: &str, line: usize) -> Result<Vec<Node>, Problem> {
        if let Some(rest) = action.strip_prefix("else with ") {
            return Ok(vec![self.with_node(rest.trim(), line)?]);
        }
        if let Some(rest) = action.strip_prefix("else if ") {
            return Ok(vec![self.if_node(rest.trim(), line)?]);
        }
        if action != "else" {
            return Err((line, format!("`{action}`")));
        }
        let (body, end) = self.nodes()?;
        expect_end(end, line, "else")?;
        Ok(body)
    }
}

fn expect_end(end: Ending, line: usize, what: &str) -> Result<(), Problem> {
    match end {
        Some((_, a)) if a == "end" => Ok(()),
        Some((at, a)) => Err((at, format!("`{a}` inside `{what}`"))),
        None => Err((line, format!("`{what}` without `end`"))),
    }
}

/// `$x := p`, `$x = p` as a statement; any other action prints.
fn statement(action: &str, line: usize) -> Result<Node, Problem> {
    if let Some((var, rest, declare)) = assignment(action) {
        return Ok(Node::Set {
            var,
            declare,
            value: pipeline(rest, line)?,
        });
    }
    Ok(Node::Print(pipeline(action, line)?))
}

/// `$x := rest` / `$x = rest`: the name, the rest, whether declared.
fn assignment(action: &str) -> Option<(String, &str, bool)> {
    let name = action.strip_prefix('$')?;
    let len = name.find(|c: char| !(c.is_alphanumeric() || c == '_'))?;
    let after = name[len..].trim_start();
    let (rest, declare) = if let Some(r) = after.strip_prefix(":=") {
        (r, true)
    } else if let Some(r) = after.strip_prefix('=').filter(|r| !r.starts_with('=')) {
        (r, false)
    } else {
        return None;
    };
    Some((name[..len].to_string(), rest.trim(), declare))
}

/// `$k, $v := p` in `range`/`with`: the variables and the pipeline.
fn declaration(rest: &str) -> (Vec<String>, &str) {
    if let Some((vars, value)) = rest.split_once(":=") {
        let names: Vec<String> = vars.split(',').map(|v| v.trim().to_string()).collect();
        if names.iter().all(|v| {
            v.strip_prefix('$').is_some_and(|n| {
                !n.is_empty() && n.chars().all(|c| c.is_alphanumeric() || c == '_')
            })
        }) {
            return (
                names.into_iter().map(|v| v[1..].to_string()).collect(),
                value.trim(),
            );
        }
    }
    (Vec::new(), rest)
}

fn string_literal(s: &str) -> Option<String> {
    let s = s.trim();
    match lex(s, 0).ok()?.as_slice() {
        [Token::Str(v)] => Some(v.clone()),
        _ => None,
    }
}

/// `"name" rest…` → (`"name"`, `rest…`).
fn split_first_operand(s: &str) -> (&str, &str) {
    let s = s.trim();
    let end = if let Some(body) = s.strip_prefix('"') {
        body.find('"').map_or(s.len(), |i| i + 2)
    } else {
        s.find(char::is_whitespace).unwrap_or(s.len())
    };
    (&s[..end], s[end..].trim())
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Str(String),
    Number(String),
    Word(String),
    Field(Vec<String>),
    Var(String, Vec<String>),
    /// `)` followed by `.A.B`.
    Close(Vec<String>),
    Open,
    Pipe,
}

/// One action's words.
fn lex(s: &str, line: usize) -> Result<Vec<Token>, Problem> {
    let mut tokens = Vec::new();
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    let chain = |i: &mut usize| {
        let mut parts = Vec::new();
        while *i < chars.len() && chars[*i] == '.' {
            *i += 1;
            let start = *i;
            while *i < chars.len() && (chars[*i].is_alphanumeric() || chars[*i] == '_') {
                *i += 1;
            }
            if *i > start {
                parts.push(chars[start..*i].iter().collect::<String>());
            }
        }
        parts
    };
    while i < chars.len() {
        let c = chars[i];
        match c {
            c if c.is_whitespace() => i += 1,
            '|' => {
                tokens.push(Token::Pipe);
                i += 1;
            }
            '(' => {
                tokens.push(Token::Open);
                i += 1;
            }
            ')' => {
                i += 1;
                tokens.push(Token::Close(chain(&mut i)));
            }
            '"' => {
                let mut value = String::new();
                i += 1;
                loop {
                    let Some(&c) = chars.get(i) else {
                        return Err((line, "a string that never closes".into()));
                    };
                    i += 1;
                    match c {
                        '"' => break,
                        '\\' => {
                            let e = chars.get(i).copied().unwrap_or('\\');
                            i += 1;
                            value.push(match e {
                                'n' => '\n',
                                't' => '\t',
                                other => other,
                            });
                        }
                        c => value.push(c),
                    }
                }
                tokens.push(Token::Str(value));
            }
            '`' => {
                let rest: String = chars[i + 1..].iter().collect();
                let end = rest
                    .find('`')
                    .ok_or((line, "a string that never closes".to_string()))?;
                tokens.push(Token::Str(rest[..end].to_string()));
                i += 1 + rest[..end].chars().count() + 1;
            }
            '.' => tokens.push(Token::Field(chain(&mut i))),
            '$' => {
                i += 1;
                let start = i;
                while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                    i += 1;
                }
                let name: String = chars[start..i].iter().collect();
                tokens.push(Token::Var(name, chain(&mut i)));
            }
            c if c.is_ascii_digit() || c == '-' => {
                let start = i;
                i += 1;
                while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '.') {
                    i += 1;
                }
                tokens.push(Token::Number(chars[start..i].iter().collect()));
            }
            c if c.is_alphabetic() || c == '_' => {
                let start = i;
                while i < chars.len()
                    && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '.')
                {
                    i += 1;
                }
                tokens.push(Token::Word(chars[start..i].iter().collect()));
            }
            other => return Err((line, format!("`{other}` in an action"))),
        }
    }
    Ok(tokens)
}

/// Reads a pipeline from an action's text.
pub fn pipeline(s: &str, line: usize) -> Result<Pipeline, Problem> {
    let tokens = lex(s, line)?;
    let mut pos = 0;
    let found = pipeline_of(&tokens, &mut pos, line)?;
    if pos != tokens.len() {
        return Err((line, format!("`{s}`")));
    }
    Ok(found)
}

fn pipeline_of(tokens: &[Token], pos: &mut usize, line: usize) -> Result<Pipeline, Problem> {
    let mut commands = vec![Command { args: Vec::new() }];
    while let Some(token) = tokens.get(*pos) {
        let operand = match token {
            Token::Pipe => {
                *pos += 1;
                commands.push(Command { args: Vec::new() });
                continue;
            }
            Token::Close(_) => break,
            Token::Open => {
                *pos += 1;
                let inner = pipeline_of(tokens, pos, line)?;
                let Some(Token::Close(fields)) = tokens.get(*pos) else {
                    return Err((line, "a `(` that never closes".into()));
                };
                *pos += 1;
                Operand::Sub(Box::new(inner), fields.clone())
            }
            Token::Str(s) => {
                *pos += 1;
                Operand::Str(s.clone())
            }
            Token::Number(n) => {
                *pos += 1;
                Operand::Number(n.clone())
            }
            Token::Field(f) => {
                *pos += 1;
                Operand::Field(f.clone())
            }
            Token::Var(n, f) => {
                *pos += 1;
                Operand::Var(n.clone(), f.clone())
            }
            Token::Word(w) => {
                *pos += 1;
                match w.as_str() {
                    "true" => Operand::Bool(true),
                    "false" => Operand::Bool(false),
                    "nil" => Operand::Nil,
                    _ => Operand::Ident(w.clone()),
                }
            }
        };
        if let Some(command) = commands.last_mut() {
            command.args.push(operand);
        }
    }
    if commands.iter().any(|c| c.args.is_empty()) {
        return Err((line, "an empty command".into()));
    }
    Ok(Pipeline { commands, line })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trimming_and_comments_are_applied_as_go_does() {
        let t = parse("a  {{- /* c */ -}}  b {{ .Get 0 -}}\n c").expect("parses");
        assert_eq!(t.body[0], Node::Text("a".into()));
        assert_eq!(t.body[1], Node::Text("b ".into()));
        assert_eq!(t.body[3], Node::Text("c".into()));
    }

    #[test]
    fn blocks_nest_with_else_if_and_declarations() {
        let t = parse(
            "{{ $t := .Get \"type\" | default \"any\" }}{{ if eq $t \"a\" }}A{{ else if eq $t \"b\" }}B{{ else }}C{{ end }}{{ range $k, $v := .Site.Data.x }}{{ $k }}{{ end }}",
        )
        .expect("parses");
        assert!(
            matches!(&t.body[0], Node::Set { var, declare: true, value } if var == "t" && value.commands.len() == 2)
        );
        let Node::If {
            branches,
            otherwise,
        } = &t.body[1]
        else {
            panic!("{:?}", t.body[1])
        };
        assert_eq!(branches.len(), 2);
        assert_eq!(otherwise, &vec![Node::Text("C".into())]);
        assert!(matches!(&t.body[2], Node::Range { key: Some(k), .. } if k == "k"));
        assert!(parse("{{ if x }}").is_err());
        assert_eq!(parse("a\n{{ end }}").err().map(|e| e.0), Some(2));
    }

    #[test]
    fn defines_are_collected() {
        let t = parse("{{ define \"row\" }}<td>{{ . }}</td>{{ end }}{{ template \"row\" .Get 0 }}")
            .expect("parses");
        assert_eq!(t.defines.len(), 1);
        assert!(matches!(&t.body[0], Node::Template { name, arg: Some(_) } if name == "row"));
    }
}
