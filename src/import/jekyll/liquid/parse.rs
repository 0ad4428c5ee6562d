//! A Liquid text read into a tree of nodes, for the evaluator: text,
//! outputs, and the tags Jekyll's pages use (`if`/`unless`/`case`, `for`,
//! `assign`, `capture`, `include`, `include_relative`, `raw`, `comment`,
//! `highlight`, `break`/`continue`); other tags are kept by name for the
//! caller (`post_url`, `link`). Whitespace control (`{%-`, `-%}`) is applied
//! while reading, as Liquid does.

use super::expr::{self, Condition, Expr, Filtered, Loop};
use super::tag::{Tag, next_tag};

#[derive(Debug)]
pub enum Node {
    Text(String),
    Output(Filtered),
    If {
        branches: Vec<(Condition, Vec<Node>)>,
        otherwise: Vec<Node>,
    },
    For {
        spec: Loop,
        body: Vec<Node>,
        otherwise: Vec<Node>,
    },
    Case {
        subject: Expr,
        whens: Vec<(Vec<Expr>, Vec<Node>)>,
        otherwise: Vec<Node>,
    },
    Assign(String, Filtered),
    Capture(String, Vec<Node>),
    /// `include` (from `_includes/`) or `include_relative` (from the page's folder).
    Include {
        relative: bool,
        file: IncludeFile,
        args: Vec<(String, Filtered)>,
    },
    Highlight {
        lang: String,
        body: Vec<Node>,
    },
    Break,
    Continue,
    /// A tag the caller knows (`post_url`, `link`, `gist`): name, arguments.
    Other(String, String),
}

#[derive(Debug)]
pub enum IncludeFile {
    Named(String),
    /// `{% include {{ page.x }}.html %}`: a file named by Liquid.
    Computed(Vec<Node>),
}

/// One piece of the text: text, an output, or a tag with its inner text.
enum Piece<'a> {
    Text(String),
    Output(&'a str),
    Tag(&'a str),
}

/// Reads `text` into nodes; an unknown or unclosed tag is an error naming it.
pub fn parse(text: &str) -> Result<Vec<Node>, String> {
    let pieces = pieces(text)?;
    let mut reader = Reader { pieces, at: 0 };
    let (nodes, end) = reader.until(&[])?;
    match end {
        Some(tag) => Err(format!("{{% {tag} %}} without its block")),
        None => Ok(nodes),
    }
}

/// The text cut into pieces; `raw` and `comment` bodies taken whole.
fn pieces(text: &str) -> Result<Vec<Piece<'_>>, String> {
    let mut out = Vec::new();
    let mut pos = 0;
    let mut trim_next = false;
    while let Some(at) = next_tag(text, pos) {
        let tag = Tag::at(text, at).ok_or("a Liquid tag that never closes")?;
        let raw_inner = &text[at + 2..tag.end - 2];
        let mut before = text[pos..at].to_string();
        if trim_next {
            before = before.trim_start().to_string();
        }
        if raw_inner.starts_with('-') {
            before = before.trim_end().to_string();
        }
        out.push(Piece::Text(before));
        trim_next = raw_inner.ends_with('-');
        pos = tag.end;
        if tag.is_output {
            out.push(Piece::Output(tag.inner));
            continue;
        }
        match tag.name() {
            name @ ("raw" | "comment") => {
                let end = format!("end{name}");
                let (inner_end, after) = super::tag::find_end(text, pos, &end)
                    .ok_or(format!("{{% {name} %}} without {{% {end} %}}"))?;
                if name == "raw" {
                    out.push(Piece::Text(text[pos..inner_end].to_string()));
                }
                let closing = &text[inner_end + 2..after - 2];
                trim_next = closing.ends_with('-');
                pos = after;
            }
            _ => out.push(Piece::Tag(tag.inner)),
        }
    }
    let mut rest = text[pos..].to_string();
    if trim_next {
        rest = rest.trim_start().to_string();
    }
    out.push(Piece::Text(rest));
    Ok(out)
}

struct Reader<'a> {
    pieces: Vec<Piece<'a>>,
    at: usize,
}

fn split_tag(inner: &str) -> (&str, &str) {
    inner
        .split_once(char::is_whitespace)
        .map_or((inner, ""), |(n, a)| (n, a.trim()))
}

impl<'a> Reader<'a> {
    /// Nodes up to one of the tags `ends` (returned with its arguments), or the end.
    fn until(&mut self, ends: &[&str]) -> Result<(Vec<Node>, Option<&'a str>), String> {
        let mut nodes = Vec::new();
        while let Some(piece) = self.pieces.get(self.at) {
            self.at += 1;
            match piece {
                Piece::Text(t) if t.is_empty() => {}
                Piece::Text(t) => nodes.push(Node::Text(t.clone())),
                Piece::Output(inner) => nodes.push(Node::Output(expr::filtered(inner)?)),
                Piece::Tag(inner) => {
                    let inner: &'a str = inner;
                    let (name, _) = split_tag(inner);
                    if ends.contains(&name) {
                        return Ok((nodes, Some(inner)));
                    }
                    nodes.push(self.tag(inner)?);
                }
            }
        }
        Ok((nodes, None))
    }

    /// The body of a block up to one of `ends`, which must come.
    fn block(&mut self, opener: &str, ends: &[&str]) -> Result<(Vec<Node>, &'a str), String> {
        let (nodes, end) = self.until(ends)?;
        let end = end.ok_or(format!("{{% {opener} %}} never ends"))?;
        Ok((nodes, end))
    }

    fn tag(&mut self, inner: &'a str) -> Result<Node, String> {
        let (name, args) = split_tag(inner);
        Ok(match name {
            "if" | "unless" => self.if_block(name, args)?,
            "case" => self.case_block(args)?,
            "for" => {
                let spec = expr::for_loop(args)?;
                let (body, end) = self.block("for", &["else", "endfor"])?;
                let otherwise = if split_tag(end).0 == "else" {
                    self.block("for", &["endfor"])?.0
                } else {
                    Vec::new()
                };
                Node::For {
                    spec,
                    body,
                    otherwise,
                }
            }
            "assign" => {
                let (var, value) = expr::assignment(args)?;
                Node::Assign(var, value)
            }
            "capture" => {
                let (body, _) = self.block("capture", &["endcapture"])?;
                Node::Capture(args.trim_matches(['"', '\'']).to_string(), body)
            }
            "include" | "include_relative" => include(name == "include_relative", args)?,
            "highlight" => {
                let (body, _) = self.block("highlight", &["endhighlight"])?;
                let lang = args.split_whitespace().next().unwrap_or("").to_string();
                Node::Highlight { lang, body }
            }
            "break" => Node::Break,
            "continue" => Node::Continue,
            "post_url" | "link" | "gist" => Node::Other(name.to_string(), args.to_string()),
            other => return Err(format!("Liquid tag {{% {other} %}}")),
        })
    }

    fn if_block(&mut self, name: &str, args: &str) -> Result<Node, String> {
        let end = format!("end{name}");
        let ends = ["elsif", "else", end.as_str()];
        let mut test = expr::condition(args)?;
        if name == "unless" {
            test = Condition::Not(Box::new(test));
        }
        let mut branches = Vec::new();
        let mut otherwise = Vec::new();
        loop {
            let (body, closing) = self.block(name, &ends)?;
            branches.push((test, body));
            let (closing_name, closing_args) = split_tag(closing);
            match closing_name {
                "elsif" => test = expr::condition(closing_args)?,
                "else" => {
                    otherwise = self.block(name, &[end.as_str()])?.0;
                    break;
                }
                _ => break,
            }
        }
        Ok(Node::If {
            branches,
            otherwise,
        })
    }

    fn case_block(&mut self, args: &str) -> Result<Node, String> {
        let subject = expr::filtered(args)?.value;
        let ends = ["when", "else", "endcase"];
        // Text between `case` and the first `when` is dropped, as in Liquid.
        let (_, mut closing) = self.block("case", &ends)?;
        let mut whens = Vec::new();
        let mut otherwise = Vec::new();
        loop {
            let (closing_name, closing_args) = split_tag(closing);
            match closing_name {
                "when" => {
                    let values = expr::alternatives(closing_args)?;
                    let (body, next) = self.block("case", &ends)?;
                    whens.push((values, body));
                    closing = next;
                }
                "else" => {
                    let (body, next) = self.block("case", &ends)?;
                    otherwise = body;
                    closing = next;
                }
                _ => break,
            }
        }
        Ok(Node::Case {
            subject,
            whens,
            otherwise,
        })
    }
}

/// `FILE key=value key="v"`, FILE plain or made of `{{ … }}`.
fn include(relative: bool, args: &str) -> Result<Node, String> {
    let words = crate::import::jekyll::tera::split_words(args);
    let (file, rest) = words.split_first().ok_or("an include naming no file")?;
    // Jekyll reads `key = value` as `key=value`.
    let mut params: Vec<String> = Vec::new();
    for word in rest {
        match params.last_mut() {
            Some(last) if last.ends_with('=') || word.starts_with('=') => last.push_str(word),
            _ => params.push(word.to_string()),
        }
    }
    let file = if file.contains("{{") {
        IncludeFile::Computed(parse(file)?)
    } else {
        IncludeFile::Named(file.trim_matches(['"', '\'']).to_string())
    };
    let mut named = Vec::new();
    for param in &params {
        let (key, value) = param
            .split_once('=')
            .ok_or_else(|| format!("the include argument {param}"))?;
        named.push((key.trim().to_string(), expr::filtered(value)?));
    }
    Ok(Node::Include {
        relative,
        file,
        args: named,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_nest_and_whitespace_control_trims() {
        let nodes = parse(
            "a {%- if x -%} b {% elsif y %}c{% else %}{% for i in l %}{{ i }}{% break %}{% else %}none{% endfor %}{% endif %}\n{% case v %} {% when 1, 2 %}one{% else %}other{% endcase %}{% raw %}{{ kept }}{% endraw %}{% comment %}gone{% endcomment %}",
        )
        .unwrap();
        assert!(matches!(&nodes[0], Node::Text(t) if t == "a"));
        let Node::If {
            branches,
            otherwise,
        } = &nodes[1]
        else {
            panic!("{nodes:?}")
        };
        assert_eq!(branches.len(), 2);
        assert!(matches!(&branches[0].1[0], Node::Text(t) if t == "b "));
        assert!(matches!(&otherwise[0], Node::For { otherwise, .. } if otherwise.len() == 1));
        assert!(matches!(&nodes[3], Node::Case { whens, .. } if whens[0].0.len() == 2));
        assert!(matches!(&nodes[4], Node::Text(t) if t == "{{ kept }}"));
        assert!(parse("{% if a %}x").is_err());
        assert!(parse("{% endif %}").is_err());
        assert!(parse("{% tablerow x in y %}{% endtablerow %}").is_err());
    }
}
