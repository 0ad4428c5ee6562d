//! Hugo's template functions that have a Tera form, for
//! [`to_tera`](super::to_tera): each takes its Go arguments (a piped value
//! last, as Go passes it) already as Tera expressions. A function not
//! here has none, and the shortcode calling it is reported.

use super::go_template::{Operand, Problem};
use super::to_tera::string_literal;

/// A Tera expression and whether its value is HTML already (Go's
/// `template.HTML`), printed unescaped.
pub struct Expr {
    pub text: String,
    pub safe: bool,
}

pub fn plain(text: String) -> Expr {
    Expr { text, safe: false }
}

fn html(text: String) -> Expr {
    Expr { text, safe: true }
}

/// `function` over `args` (`written`: the arguments as Go wrote them,
/// without the piped one, for those that must be literal).
pub fn call(
    function: &str,
    args: Vec<Expr>,
    written: &[Operand],
    line: usize,
) -> Result<Expr, Problem> {
    for family in [logic, text, collection] {
        if let Some(made) = family(function, &args, written, line)? {
            return Ok(made);
        }
    }
    Err((line, format!("`{function}`, which has no Tera form here")))
}

/// `function` called with exactly `n` arguments, or why it cannot be
/// translated.
fn arity(function: &str, args: &[Expr], n: usize, line: usize) -> Result<(), Problem> {
    if args.len() == n {
        Ok(())
    } else {
        Err((line, format!("`{function}` with {} arguments", args.len())))
    }
}

/// Comparisons, `and`/`or`/`not`, `default`.
fn logic(
    function: &str,
    args: &[Expr],
    _: &[Operand],
    line: usize,
) -> Result<Option<Expr>, Problem> {
    let count = |n: usize| arity(function, args, n, line);
    let text = |i: usize| args[i].text.clone();
    Ok(Some(match function {
        "default" => {
            count(2)?;
            let safe = args[0].safe && args[1].safe;
            // Go's `default` stands in for any empty value.
            Expr {
                text: format!("({} if {} else {})", text(1), text(1), text(0)),
                safe,
            }
        }
        "eq" if args.len() >= 2 => {
            let alternatives: Vec<String> = args[1..]
                .iter()
                .map(|a| format!("{} == {}", text(0), a.text))
                .collect();
            plain(format!("({})", alternatives.join(" or ")))
        }
        "ne" | "lt" | "le" | "gt" | "ge" => {
            count(2)?;
            let op = match function {
                "ne" => "!=",
                "lt" => "<",
                "le" => "<=",
                "gt" => ">",
                _ => ">=",
            };
            plain(format!("({} {op} {})", text(0), text(1)))
        }
        "and" | "or" if args.len() >= 2 => {
            let joined: Vec<String> = args.iter().map(|a| a.text.clone()).collect();
            plain(format!("({})", joined.join(&format!(" {function} "))))
        }
        "not" => {
            count(1)?;
            plain(format!("(not {})", text(0)))
        }
        _ => return Ok(None),
    }))
}

/// Strings: formatting, case, Markdown, regular expressions, safe HTML.
fn text(
    function: &str,
    args: &[Expr],
    written: &[Operand],
    line: usize,
) -> Result<Option<Expr>, Problem> {
    let count = |n: usize| arity(function, args, n, line);
    let text = |i: usize| args[i].text.clone();
    Ok(Some(match function {
        "len" => {
            count(1)?;
            plain(format!("({} | length)", text(0)))
        }
        "printf" => printf(args, written, line)?,
        "print" => {
            let parts: Vec<String> = args.iter().map(|a| a.text.clone()).collect();
            plain(format!("({})", parts.join(" ~ ")))
        }
        "upper" | "strings.ToUpper" => filter(args, "upper", line)?,
        "lower" | "strings.ToLower" => filter(args, "lower", line)?,
        "title" | "strings.Title" => filter(args, "title", line)?,
        "chomp" | "strings.TrimRight" if args.len() == 1 => filter(args, "trim_end", line)?,
        "trim" | "strings.TrimSpace" if args.len() == 1 => filter(args, "trim", line)?,
        "plainify" => filter(args, "striptags", line)?,
        "urlize" => filter(args, "slugify", line)?,
        "split" | "strings.Split" => {
            count(2)?;
            plain(format!("({} | split(pat={}))", text(0), text(1)))
        }
        "findRE" | "strings.FindRE" if args.len() == 2 || args.len() == 3 => {
            // `findRE PATTERN INPUT [LIMIT]`.
            let limit = if args.len() == 3 {
                format!(", limit={}", text(2))
            } else {
                String::new()
            };
            plain(format!("({} | find_re(pat={}{limit}))", text(1), text(0)))
        }
        "markdownify" | "transform.Markdownify" => {
            count(1)?;
            html(format!("({} | markdown(inline=true))", text(0)))
        }
        "safeHTML" | "safeHTMLAttr" | "safeCSS" | "safeJS" | "safeURL" | "safe.HTML"
        | "safe.URL" => {
            count(1)?;
            html(text(0))
        }
        _ => return Ok(None),
    }))
}

/// Lists and maps: `index`, `slice`, `dict`, `append`, `in`, their kinds.
fn collection(
    function: &str,
    args: &[Expr],
    written: &[Operand],
    line: usize,
) -> Result<Option<Expr>, Problem> {
    let count = |n: usize| arity(function, args, n, line);
    let text = |i: usize| args[i].text.clone();
    Ok(Some(match function {
        "index" if !args.is_empty() => {
            let mut out = text(0);
            for key in &args[1..] {
                out = format!("{out}[{}]", key.text);
            }
            plain(out)
        }
        "reflect.IsMap" => {
            count(1)?;
            plain(format!("({} is map)", text(0)))
        }
        "reflect.IsSlice" => {
            count(1)?;
            plain(format!("({} is array)", text(0)))
        }
        "append" | "collections.Append" => {
            count(2)?;
            plain(format!("({} | concat(with={}))", text(1), text(0)))
        }
        "slice" | "collections.Slice" => {
            let items: Vec<String> = args.iter().map(|a| a.text.clone()).collect();
            plain(format!("[{}]", items.join(", ")))
        }
        "dict" | "collections.Dictionary" if args.len().is_multiple_of(2) => {
            let mut pairs = Vec::new();
            for (i, key) in written.iter().step_by(2).enumerate() {
                let Operand::Str(key) = key else {
                    return Err((line, "`dict` with a key named at run time".into()));
                };
                pairs.push(format!("{}: {}", string_literal(key), text(2 * i + 1)));
            }
            plain(format!("{{{}}}", pairs.join(", ")))
        }
        "in" | "collections.In" => {
            count(2)?;
            plain(format!("({} in {})", text(1), text(0)))
        }

        _ => return Ok(None),
    }))
}

/// A filter over one string; Hugo's string functions keep HTML HTML.
fn filter(args: &[Expr], name: &str, line: usize) -> Result<Expr, Problem> {
    match args {
        [one] => Ok(Expr {
            text: format!("({} | {name})", one.text),
            safe: one.safe && name != "striptags",
        }),
        _ => Err((line, format!("`{name}` with {} arguments", args.len()))),
    }
}

/// `printf "…%s…" a`: the format's text joined to the values with `~`;
/// only verbs that print a value as it is (`%s`, `%v`, `%d`) are read.
fn printf(args: &[Expr], written: &[Operand], line: usize) -> Result<Expr, Problem> {
    let Some(Operand::Str(format)) = written.first() else {
        return Err((line, "`printf` with a format made at run time".into()));
    };
    let mut values = args[1..].iter();
    let mut parts = Vec::new();
    let mut literal = String::new();
    let mut chars = format.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            literal.push(c);
            continue;
        }
        match chars.next() {
            Some('%') => literal.push('%'),
            Some('s' | 'v' | 'd') => {
                let value = values
                    .next()
                    .ok_or((line, "`printf` with too few values".to_string()))?;
                if !literal.is_empty() {
                    parts.push(string_literal(&std::mem::take(&mut literal)));
                }
                parts.push(value.text.clone());
            }
            other => {
                return Err((line, format!("`printf` verb `%{}`", other.unwrap_or(' '))));
            }
        }
    }
    if !literal.is_empty() || parts.is_empty() {
        parts.push(string_literal(&literal));
    }
    Ok(plain(format!("(\"\" ~ {})", parts.join(" ~ "))))
}
