//! Liquid's expressions: values (`site.data.x[0].name`, `'text'`, `3`,
//! `(1..n)`), filters (`| where: "k", v`) and conditions (`a == b and c
//! contains 'x'`), read from a tag's text into a small tree the evaluator
//! walks. Liquid's own grammar, kept as small as its documentation: no
//! parentheses in conditions, `and`/`or` grouped from the right.

use serde_json::Value;

/// A value to look up or a literal.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Literal(Value),
    /// `a.b[0][c]`: the first key is a name, the others names or indexes.
    Path(Vec<Key>),
    /// `(from..to)`, both ends included.
    Range(Box<Expr>, Box<Expr>),
    /// `empty` and `blank`, which only compare.
    Empty,
    Blank,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Key {
    Name(String),
    Index(Expr),
}

/// A value and its filters, each with its arguments (positional, `key: v`).
#[derive(Debug, Clone, PartialEq)]
pub struct Filtered {
    pub value: Expr,
    pub filters: Vec<Filter>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Filter {
    pub name: String,
    pub args: Vec<Expr>,
    pub named: Vec<(String, Expr)>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    Test(Expr),
    Compare(Expr, String, Expr),
    And(Box<Condition>, Box<Condition>),
    Or(Box<Condition>, Box<Condition>),
    /// `unless`.
    Not(Box<Condition>),
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Str(String),
    Num(Value),
    Word(String),
    Op(String),
    Punct(char),
    DotDot,
}

fn tokens(text: &str) -> Result<Vec<Token>, String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c.is_whitespace() {
            i += 1;
        } else if c == '"' || c == '\'' {
            let end = chars[i + 1..]
                .iter()
                .position(|x| *x == c)
                .ok_or("a string that never closes")?;
            out.push(Token::Str(chars[i + 1..i + 1 + end].iter().collect()));
            i += end + 2;
        } else if c.is_ascii_digit() || (c == '-' && next.is_some_and(|n| n.is_ascii_digit())) {
            let mut j = i + 1;
            while j < chars.len()
                && (chars[j].is_ascii_digit()
                    || (chars[j] == '.' && chars.get(j + 1).is_some_and(char::is_ascii_digit)))
            {
                j += 1;
            }
            let number: String = chars[i..j].iter().collect();
            let value = match number.parse::<i64>() {
                Ok(n) => Value::from(n),
                Err(_) => number
                    .parse::<f64>()
                    .map(Value::from)
                    .map_err(|_| format!("the number {number}"))?,
            };
            out.push(Token::Num(value));
            i = j;
        } else if c.is_alphabetic() || c == '_' {
            let mut j = i + 1;
            while j < chars.len()
                && (chars[j].is_alphanumeric() || chars[j] == '_' || chars[j] == '-')
            {
                j += 1;
            }
            // `a?` is a Liquid name too (rare; Shopify's `empty?`).
            if chars.get(j) == Some(&'?') {
                j += 1;
            }
            out.push(Token::Word(chars[i..j].iter().collect()));
            i = j;
        } else if c == '.' && next == Some('.') {
            out.push(Token::DotDot);
            i += 2;
        } else if matches!(c, '=' | '!' | '<' | '>') {
            let two: String = [c, next.unwrap_or(' ')].iter().collect();
            if matches!(two.as_str(), "==" | "!=" | "<=" | ">=" | "<>") {
                out.push(Token::Op(two));
                i += 2;
            } else if matches!(c, '<' | '>') {
                out.push(Token::Op(c.to_string()));
                i += 1;
            } else {
                return Err(format!("`{c}` in `{text}`"));
            }
        } else if matches!(c, '.' | '[' | ']' | '(' | ')' | '|' | ':' | ',') {
            out.push(Token::Punct(c));
            i += 1;
        } else {
            return Err(format!("`{c}` in `{text}`"));
        }
    }
    Ok(out)
}

struct Reader {
    tokens: Vec<Token>,
    at: usize,
}

impl Reader {
    fn new(text: &str) -> Result<Reader, String> {
        Ok(Reader {
            tokens: tokens(text)?,
            at: 0,
        })
    }

    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn eat_punct(&mut self, c: char) -> bool {
        let found = self.peek() == Some(&Token::Punct(c));
        self.at += usize::from(found);
        found
    }

    fn eat_word(&mut self, word: &str) -> bool {
        let found = matches!(self.peek(), Some(Token::Word(w)) if w == word);
        self.at += usize::from(found);
        found
    }

    fn done(&self) -> bool {
        self.at >= self.tokens.len()
    }

    fn expr(&mut self) -> Result<Expr, String> {
        let token = self.peek().cloned().ok_or("a missing value")?;
        self.at += 1;
        match token {
            Token::Str(s) => Ok(Expr::Literal(Value::String(s))),
            Token::Num(n) => Ok(Expr::Literal(n)),
            Token::Punct('(') => {
                let from = self.expr()?;
                if self.peek() != Some(&Token::DotDot) {
                    return Err("a range without `..`".into());
                }
                self.at += 1;
                let to = self.expr()?;
                if !self.eat_punct(')') {
                    return Err("a range without `)`".into());
                }
                Ok(Expr::Range(Box::new(from), Box::new(to)))
            }
            Token::Word(w) => match w.as_str() {
                "true" => Ok(Expr::Literal(Value::Bool(true))),
                "false" => Ok(Expr::Literal(Value::Bool(false))),
                "nil" | "null" => Ok(Expr::Literal(Value::Null)),
                "empty" => Ok(Expr::Empty),
                "blank" => Ok(Expr::Blank),
                _ => self.path(w),
            },
            Token::Punct('[') => {
                // `[var]` at the start: a variable named by a value.
                let key = self.expr()?;
                self.eat_punct(']');
                self.path_from(vec![Key::Index(key)])
            }
            other => Err(format!("{other:?} where a value should be")),
        }
    }

    fn path(&mut self, first: String) -> Result<Expr, String> {
        self.path_from(vec![Key::Name(first)])
    }

    fn path_from(&mut self, mut keys: Vec<Key>) -> Result<Expr, String> {
        loop {
            if self.eat_punct('.') {
                match self.peek().cloned() {
                    Some(Token::Word(w)) => {
                        self.at += 1;
                        keys.push(Key::Name(w));
                    }
                    Some(Token::Num(n)) => {
                        self.at += 1;
                        keys.push(Key::Index(Expr::Literal(n)));
                    }
                    _ => return Err("a `.` without a name after it".into()),
                }
            } else if self.eat_punct('[') {
                let key = self.expr()?;
                if !self.eat_punct(']') {
                    return Err("a `[` without `]`".into());
                }
                keys.push(Key::Index(key));
            } else {
                return Ok(Expr::Path(keys));
            }
        }
    }

    fn filtered(&mut self) -> Result<Filtered, String> {
        let value = self.expr()?;
        let mut filters = Vec::new();
        while self.eat_punct('|') {
            let Some(Token::Word(name)) = self.peek().cloned() else {
                return Err("a `|` without a filter name".into());
            };
            self.at += 1;
            let mut filter = Filter {
                name,
                args: Vec::new(),
                named: Vec::new(),
            };
            if self.eat_punct(':') {
                loop {
                    let named = match (self.peek(), self.tokens.get(self.at + 1)) {
                        (Some(Token::Word(k)), Some(Token::Punct(':'))) => Some(k.clone()),
                        _ => None,
                    };
                    if let Some(key) = named {
                        self.at += 2;
                        filter.named.push((key, self.expr()?));
                    } else {
                        filter.args.push(self.expr()?);
                    }
                    if !self.eat_punct(',') {
                        break;
                    }
                }
            }
            filters.push(filter);
        }
        Ok(Filtered { value, filters })
    }

    fn condition(&mut self) -> Result<Condition, String> {
        let left = self.expr()?;
        let test = match self.peek().cloned() {
            Some(Token::Op(op)) => {
                self.at += 1;
                Condition::Compare(left, op, self.expr()?)
            }
            Some(Token::Word(w)) if w == "contains" => {
                self.at += 1;
                Condition::Compare(left, w, self.expr()?)
            }
            _ => Condition::Test(left),
        };
        if self.eat_word("and") {
            Ok(Condition::And(Box::new(test), Box::new(self.condition()?)))
        } else if self.eat_word("or") {
            Ok(Condition::Or(Box::new(test), Box::new(self.condition()?)))
        } else {
            Ok(test)
        }
    }
}

/// `value | filter: a, b | …`: an output or an `assign`'s right side.
pub fn filtered(text: &str) -> Result<Filtered, String> {
    let mut reader = Reader::new(text)?;
    let out = reader.filtered()?;
    if !reader.done() {
        return Err(format!("more after the value in `{text}`"));
    }
    Ok(out)
}

/// An `if`/`elsif`/`unless` condition.
pub fn condition(text: &str) -> Result<Condition, String> {
    let mut reader = Reader::new(text)?;
    let out = reader.condition()?;
    if !reader.done() {
        return Err(format!("more after the condition in `{text}`"));
    }
    Ok(out)
}

/// A `when` list: `a, b` or `a or b`.
pub fn alternatives(text: &str) -> Result<Vec<Expr>, String> {
    let mut reader = Reader::new(text)?;
    let mut out = vec![reader.expr()?];
    while reader.eat_punct(',') || reader.eat_word("or") {
        out.push(reader.expr()?);
    }
    Ok(out)
}

/// What a `for` tag says.
#[derive(Debug)]
pub struct Loop {
    pub var: String,
    pub list: Expr,
    pub limit: Option<Expr>,
    pub offset: Option<Expr>,
    pub reversed: bool,
}

/// `item in list [limit: n] [offset: n] [reversed]`.
pub fn for_loop(text: &str) -> Result<Loop, String> {
    let mut reader = Reader::new(text)?;
    let Some(Token::Word(var)) = reader.peek().cloned() else {
        return Err(format!("for {text}"));
    };
    reader.at += 1;
    if !reader.eat_word("in") {
        return Err(format!("for {text}"));
    }
    let list = reader.expr()?;
    let mut found = Loop {
        var,
        list,
        limit: None,
        offset: None,
        reversed: false,
    };
    while !reader.done() {
        if reader.eat_word("reversed") {
            found.reversed = true;
        } else if reader.eat_word("limit") && reader.eat_punct(':') {
            found.limit = Some(reader.expr()?);
        } else if reader.eat_word("offset") && reader.eat_punct(':') {
            found.offset = Some(reader.expr()?);
        } else {
            return Err(format!("for … {text}"));
        }
    }
    Ok(found)
}

/// `var = value | filters`.
pub fn assignment(text: &str) -> Result<(String, Filtered), String> {
    let (var, value) = text.split_once('=').ok_or("assign without =")?;
    let var = var.trim();
    if var.is_empty() || var.contains(char::is_whitespace) {
        return Err(format!("assign to {var}"));
    }
    Ok((var.to_string(), filtered(value)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(n: &str) -> Key {
        Key::Name(n.into())
    }

    #[test]
    fn paths_filters_and_conditions_read() {
        let f =
            filtered("site.data.x[0]['a-b'] | where: \"k\", 2 | sort: 'n' | truncate: 10").unwrap();
        assert_eq!(
            f.value,
            Expr::Path(vec![
                name("site"),
                name("data"),
                name("x"),
                Key::Index(Expr::Literal(0.into())),
                Key::Index(Expr::Literal("a-b".into())),
            ])
        );
        let names: Vec<&str> = f.filters.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["where", "sort", "truncate"]);
        assert_eq!(f.filters[0].args.len(), 2);
        let c = condition("a == 1 and b contains 'x' or c").unwrap();
        assert!(matches!(c, Condition::And(_, ref rest) if matches!(**rest, Condition::Or(..))));
        assert_eq!(alternatives("'a', 'b' or 3").unwrap().len(), 3);
        let l = for_loop("i in (1..site.n) limit:2 offset: 1 reversed").unwrap();
        assert!(l.reversed && l.limit.is_some() && matches!(l.list, Expr::Range(..)));
        assert!(filtered("a |").is_err());
        assert!(filtered("'open").is_err());
        assert!(condition("a = b").is_err());
    }
}
