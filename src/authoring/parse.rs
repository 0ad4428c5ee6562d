//! Finding shortcode calls in a Markdown body, in Zola's syntax, so Zola
//! sites move in unchanged: `{{ name(key=value, …) }}` inline,
//! `{% name(key=value) %}…{% end %}` with a body, and `{{/* … */}}` /
//! `{%/* … */%}` to write a call literally.
//!
//! Pure: a body and the byte ranges of its code (spans and blocks, where a
//! call is never recognised) in, pieces out. Only `{{`/`{%` followed by a
//! name and `(` is a call, so prose about templates (`{{ page.title }}`,
//! `{% if x %}`) stays text, as it always did.

use std::ops::Range;

use serde_json::Value;

/// A part of a body: text as written, a call, or an escaped call written out.
#[derive(Debug, Clone, PartialEq)]
pub enum Piece<'a> {
    Text(&'a str),
    Call(Call<'a>),
    /// `{{/* youtube(id="x") */}}` shown as `{{ youtube(id="x") }}`.
    Literal(String),
}

/// One shortcode call.
#[derive(Debug, Clone, PartialEq)]
pub struct Call<'a> {
    pub name: &'a str,
    /// Arguments in the order written.
    pub args: Vec<(&'a str, Value)>,
    /// The text between `{% name(…) %}` and its `{% end %}`, as written.
    pub body: Option<&'a str>,
    /// Where the body starts in the text parsed (for its own calls' lines).
    pub body_offset: usize,
    /// Where the call starts in the text parsed.
    pub offset: usize,
    /// Where the call (with its `{% end %}`) ends in the text parsed.
    pub end: usize,
}

/// A call that is clearly meant (a name and `(`) but cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// Byte offset in the text parsed.
    pub offset: usize,
    pub message: String,
}

/// Whether `text` may hold a call at all: the fast path for the usual
/// page, which has none.
pub fn may_have_calls(text: &str) -> bool {
    memchr::memmem::find(text.as_bytes(), b"{{").is_some()
        || memchr::memmem::find(text.as_bytes(), b"{%").is_some()
}

/// Splits `text` into pieces. `code` holds the byte ranges (in `text`) of
/// code spans and blocks; `base` is added to every offset reported.
pub fn parse<'a>(
    text: &'a str,
    code: &[Range<usize>],
    base: usize,
) -> Result<Vec<Piece<'a>>, ParseError> {
    let mut scan = Scanner {
        text,
        code,
        base,
        pieces: Vec::new(),
        text_start: 0,
    };
    scan.run()?;
    Ok(scan.pieces)
}

struct Scanner<'a, 'c> {
    text: &'a str,
    code: &'c [Range<usize>],
    base: usize,
    pieces: Vec<Piece<'a>>,
    text_start: usize,
}

/// Which of the two openings a call uses.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Opening {
    /// `{{ … }}`: no body.
    Inline,
    /// `{% … %}`: a body up to `{% end %}`.
    Block,
}

impl Opening {
    /// The opening at `at`, where `next_opening` found one.
    fn at(text: &str, at: usize) -> Opening {
        if text.as_bytes()[at + 1] == b'{' {
            Opening::Inline
        } else {
            Opening::Block
        }
    }

    fn close(self) -> &'static str {
        match self {
            Opening::Inline => "}}",
            Opening::Block => "%}",
        }
    }
}

impl<'a> Scanner<'a, '_> {
    fn run(&mut self) -> Result<(), ParseError> {
        let mut pos = 0;
        while let Some(at) = next_opening(self.text, pos) {
            if let Some(end) = code_end(self.code, at) {
                pos = end.max(at + 1);
                continue;
            }
            let opening = Opening::at(self.text, at);
            pos = match self.escaped(at, opening) {
                Some(end) => end,
                None => match self.call(at, opening)? {
                    Some(end) => end,
                    None => at + 1,
                },
            };
        }
        self.flush_text(self.text.len());
        Ok(())
    }

    fn flush_text(&mut self, until: usize) {
        if until > self.text_start {
            self.pieces
                .push(Piece::Text(&self.text[self.text_start..until]));
        }
        self.text_start = until;
    }

    /// `{{/* name(…) */}}` at `at`: the call as text; its end.
    fn escaped(&mut self, at: usize, opening: Opening) -> Option<usize> {
        let (inner, end) = escaped_call(self.text, at, opening)?;
        self.flush_text(at);
        let open = &self.text[at..at + 2];
        self.pieces.push(Piece::Literal(format!(
            "{open}{}{}",
            &self.text[inner],
            opening.close()
        )));
        self.text_start = end;
        Some(end)
    }

    /// A call at `at`, if one is written there: its end.
    fn call(&mut self, at: usize, opening: Opening) -> Result<Option<usize>, ParseError> {
        let Some((name, after_paren)) = call_head(self.text, at + 2) else {
            return Ok(None);
        };
        let error = |offset: usize, message: String| ParseError {
            offset: self.base + offset,
            message,
        };
        let mut args = Arguments {
            text: self.text,
            pos: after_paren,
        };
        let parsed = args.list().map_err(|(o, m)| error(o, m))?;
        let after_args = skip_space(self.text, args.pos);
        if !self.text[after_args..].starts_with(opening.close()) {
            return Err(error(
                after_args,
                format!(
                    "shortcode `{name}` call is not closed with `{}`",
                    opening.close()
                ),
            ));
        }
        let head_end = after_args + 2;
        let (body, body_offset, end) = match opening {
            Opening::Inline => (None, head_end, head_end),
            Opening::Block => {
                let (body_end, end) = self.matching_end(head_end).ok_or_else(|| {
                    error(
                        at,
                        format!("`{{% {name}(…) %}}` has no `{{% end %}}` after it"),
                    )
                })?;
                (Some(&self.text[head_end..body_end]), head_end, end)
            }
        };
        self.flush_text(at);
        self.pieces.push(Piece::Call(Call {
            name,
            args: parsed,
            body,
            body_offset: self.base + body_offset,
            offset: self.base + at,
            end: self.base + end,
        }));
        self.text_start = end;
        Ok(Some(end))
    }

    /// The `{% end %}` closing a body that starts at `from`, counting the
    /// block calls nested inside: where the body ends, and where the `end` does.
    fn matching_end(&self, from: usize) -> Option<(usize, usize)> {
        let mut depth = 1usize;
        let mut pos = from;
        while let Some(at) = next_opening(self.text, pos) {
            if let Some(end) = code_end(self.code, at) {
                pos = end.max(at + 1);
                continue;
            }
            let opening = Opening::at(self.text, at);
            // An escaped or real call inside the body is passed over whole:
            // a `{% end %}` in one of its strings does not end the body.
            if let Some((_, end)) = escaped_call(self.text, at, opening) {
                pos = end;
                continue;
            }
            pos = at + 2;
            if let Some((_, after_paren)) = call_head(self.text, at + 2) {
                let mut args = Arguments {
                    text: self.text,
                    pos: after_paren,
                };
                if args.list().is_ok() {
                    pos = args.pos;
                }
                if opening == Opening::Block {
                    depth += 1;
                }
                continue;
            }
            if opening == Opening::Inline {
                continue;
            }
            let inner = skip_space(self.text, at + 2);
            if let Some(rest) = self.text[inner..].strip_prefix("end") {
                let close = skip_space(self.text, inner + 3);
                if rest.starts_with(|c: char| c.is_whitespace() || c == '%')
                    && self.text[close..].starts_with("%}")
                {
                    depth -= 1;
                    if depth == 0 {
                        return Some((at, close + 2));
                    }
                    pos = close + 2;
                }
            }
        }
        None
    }
}

/// The next `{{` or `{%` at or after `from`.
fn next_opening(text: &str, from: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut pos = from;
    while let Some(found) = memchr::memchr(b'{', bytes.get(pos..)?) {
        let at = pos + found;
        match bytes.get(at + 1) {
            Some(b'{') | Some(b'%') => return Some(at),
            Some(_) => pos = at + 1,
            None => return None,
        }
    }
    None
}

/// An escaped call (`{{/* name(…) */}}`) at `at`: the range of what is
/// between the comment marks, and where the escape ends.
fn escaped_call(text: &str, at: usize, opening: Opening) -> Option<(Range<usize>, usize)> {
    let inner_start = at + 4;
    if !text[at + 2..].starts_with("/*") {
        return None;
    }
    let closing = format!("*/{}", opening.close());
    let inner_len = text[inner_start..].find(&closing)?;
    call_head(&text[inner_start..inner_start + inner_len], 0)?;
    let inner_end = inner_start + inner_len;
    Some((inner_start..inner_end, inner_end + closing.len()))
}

/// Where the code range holding `at` ends, if one does.
fn code_end(code: &[Range<usize>], at: usize) -> Option<usize> {
    code.iter().find(|r| r.contains(&at)).map(|r| r.end)
}

fn skip_space(text: &str, from: usize) -> usize {
    let rest = &text[from..];
    from + (rest.len() - rest.trim_start().len())
}

/// After an opening at `from`: a name and `(`, and where the arguments start.
fn call_head(text: &str, from: usize) -> Option<(&str, usize)> {
    let start = skip_space(text, from);
    let rest = &text[start..];
    let first = rest.chars().next()?;
    if !(first.is_ascii_alphabetic() || first == '_') {
        return None;
    }
    let len = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    let paren = skip_space(text, start + len);
    text[paren..]
        .starts_with('(')
        .then(|| (&text[start..start + len], paren + 1))
}

/// The argument list of one call, read from `pos` up to its `)`.
struct Arguments<'a> {
    text: &'a str,
    pos: usize,
}

type ArgError = (usize, String);

impl<'a> Arguments<'a> {
    fn list(&mut self) -> Result<Vec<(&'a str, Value)>, ArgError> {
        let mut args: Vec<(&'a str, Value)> = Vec::new();
        loop {
            self.pos = skip_space(self.text, self.pos);
            if self.eat(')') {
                return Ok(args);
            }
            let key = self.key()?;
            if args.iter().any(|(k, _)| *k == key) {
                return Err((self.pos, format!("argument `{key}` is given twice")));
            }
            self.pos = skip_space(self.text, self.pos);
            if !self.eat('=') {
                return Err((
                    self.pos,
                    format!(
                        "expected `=` after argument `{key}` (arguments are written `name=value`)"
                    ),
                ));
            }
            let value = self.value(0)?;
            args.push((key, value));
            let before_space = self.pos;
            self.pos = skip_space(self.text, self.pos);
            // Zola also reads `a="x" b="y"`, arguments a space apart.
            let next_after_space = self.pos > before_space
                && self.text[self.pos..].starts_with(|c: char| c.is_alphabetic() || c == '_');
            if !self.eat(',') && !next_after_space && !self.text[self.pos..].starts_with(')') {
                return Err((self.pos, "expected `,` or `)` after an argument".into()));
            }
        }
    }

    fn eat(&mut self, c: char) -> bool {
        let found = self.text[self.pos..].starts_with(c);
        if found {
            self.pos += c.len_utf8();
        }
        found
    }

    fn key(&mut self) -> Result<&'a str, ArgError> {
        let rest = &self.text[self.pos..];
        let len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        if len == 0 || rest.starts_with(|c: char| c.is_ascii_digit()) {
            return Err((
                self.pos,
                "expected an argument name (arguments are written `name=value`)".into(),
            ));
        }
        self.pos += len;
        Ok(&rest[..len])
    }

    /// A string, number, boolean or array; arrays nest at most 16 deep.
    fn value(&mut self, depth: usize) -> Result<Value, ArgError> {
        self.pos = skip_space(self.text, self.pos);
        let rest = &self.text[self.pos..];
        match rest.chars().next() {
            Some(q @ ('"' | '\'' | '`')) => self.string(q).map(Value::String),
            Some('[') if depth < 16 => self.array(depth),
            Some(_) if rest.starts_with("true") && !word_goes_on(rest, 4) => {
                self.pos += 4;
                Ok(Value::Bool(true))
            }
            Some(_) if rest.starts_with("false") && !word_goes_on(rest, 5) => {
                self.pos += 5;
                Ok(Value::Bool(false))
            }
            Some(c) if c.is_ascii_digit() || c == '-' || c == '+' => self.number(),
            _ => Err((
                self.pos,
                "expected a value: a quoted string, a number, true, false or [a, list]".into(),
            )),
        }
    }

    fn string(&mut self, quote: char) -> Result<String, ArgError> {
        let start = self.pos;
        let mut out = String::new();
        let mut chars = self.text[start + 1..].char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '\\' => match chars.next() {
                    Some((_, e)) if e == quote || e == '\\' => out.push(e),
                    Some((_, 'n')) => out.push('\n'),
                    Some((_, e)) => {
                        out.push('\\');
                        out.push(e);
                    }
                    None => break,
                },
                c if c == quote => {
                    self.pos = start + 1 + i + 1;
                    return Ok(out);
                }
                c => out.push(c),
            }
        }
        Err((start, format!("string opened with {quote} is never closed")))
    }

    fn number(&mut self) -> Result<Value, ArgError> {
        let rest = &self.text[self.pos..];
        let len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+' | '_')))
            .unwrap_or(rest.len());
        let word = &rest[..len];
        let value = word
            .parse::<i64>()
            .ok()
            .map(Value::from)
            .or_else(|| {
                word.parse::<f64>()
                    .ok()
                    .filter(|f| f.is_finite())
                    .and_then(serde_json::Number::from_f64)
                    .map(Value::Number)
            })
            .ok_or_else(|| (self.pos, format!("`{word}` is not a number")))?;
        self.pos += len;
        Ok(value)
    }

    fn array(&mut self, depth: usize) -> Result<Value, ArgError> {
        let start = self.pos;
        self.pos += 1;
        let mut items = Vec::new();
        loop {
            self.pos = skip_space(self.text, self.pos);
            if self.eat(']') {
                return Ok(Value::Array(items));
            }
            if self.pos >= self.text.len() {
                return Err((start, "list opened with [ is never closed".into()));
            }
            items.push(self.value(depth + 1)?);
            self.pos = skip_space(self.text, self.pos);
            if !self.eat(',') && !self.text[self.pos..].starts_with(']') {
                return Err((self.pos, "expected `,` or `]` in a list".into()));
            }
        }
    }
}

fn word_goes_on(rest: &str, at: usize) -> bool {
    rest[at..]
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn calls(text: &str) -> Vec<Piece<'_>> {
        parse(text, &[], 0).unwrap_or_else(|e| panic!("{e:?}"))
    }

    #[test]
    fn inline_call_with_every_kind_of_value() {
        let pieces = calls(
            "a {{ figure(src=\"a.png\", width=640, ratio=1.5, lazy=true, tags=['x', `y`]) }} b",
        );
        assert_eq!(pieces.len(), 3);
        let Piece::Call(call) = &pieces[1] else {
            panic!("{pieces:?}")
        };
        assert_eq!(call.name, "figure");
        assert_eq!(call.offset, 2);
        assert_eq!(
            call.args,
            vec![
                ("src", json!("a.png")),
                ("width", json!(640)),
                ("ratio", json!(1.5)),
                ("lazy", json!(true)),
                ("tags", json!(["x", "y"])),
            ]
        );
        assert_eq!(pieces[2], Piece::Text(" b"));
    }

    #[test]
    fn block_calls_nest_and_end_at_their_own_end() {
        let text =
            "{% note(kind=\"tip\") %}\nouter {% note() %}inner{% end %} tail\n{% end %}\nafter";
        let pieces = calls(text);
        let Piece::Call(call) = &pieces[0] else {
            panic!("{pieces:?}")
        };
        assert_eq!(call.body, Some("\nouter {% note() %}inner{% end %} tail\n"));
        assert_eq!(pieces[1], Piece::Text("\nafter"));
    }

    /// Found by `proptests::shortcodes`: a `{% end %}` inside a string of
    /// a call in a body (or of an escaped one) ended the body there.
    #[test]
    fn an_end_inside_a_nested_call_s_string_does_not_end_the_body() {
        let inner = "{{ b(x=[\"{% end %}\"]) }} {%/* c(y='{% end %}') */%}";
        let text = format!("{{% a() %}}{inner}{{% end %}}!");
        let pieces = calls(&text);
        let Piece::Call(call) = &pieces[0] else {
            panic!("{pieces:?}")
        };
        assert_eq!(call.body, Some(inner));
        assert_eq!(pieces[1], Piece::Text("!"));
    }

    #[test]
    fn template_text_that_is_not_a_call_stays_text() {
        let text = "{{ page.title }} {% if x %} {{ }} {% end %} {{ 3(x) }}";
        assert_eq!(calls(text), vec![Piece::Text(text)]);
    }

    #[test]
    fn calls_inside_code_are_left_alone() {
        let text = "`{{ youtube(id=\"x\") }}` and {{ youtube(id=\"y\") }}";
        let code = [Range { start: 0, end: 24 }];
        let pieces = parse(text, &code, 0).unwrap();
        assert_eq!(pieces[0], Piece::Text("`{{ youtube(id=\"x\") }}` and "));
        assert!(matches!(&pieces[1], Piece::Call(c) if c.args[0].1 == json!("y")));
    }

    #[test]
    fn escaped_calls_are_written_out() {
        let pieces = calls("{{/* youtube(id=\"x\") */}} and {%/* note() */%}");
        assert_eq!(
            pieces,
            vec![
                Piece::Literal("{{ youtube(id=\"x\") }}".into()),
                Piece::Text(" and "),
                Piece::Literal("{% note() %}".into()),
            ]
        );
    }

    #[test]
    fn errors_say_what_is_wrong_where() {
        let cases = [
            ("x {{ a(b=) }}", 9, "expected a value"),
            ("x {{ a(b=\"c) }}", 9, "never closed"),
            ("x {{ a(b) }}", 8, "expected `=`"),
            ("x {{ a(b=1 \"c\") }}", 11, "expected `,`"),
            ("x {{ a(b=1, b=2) }}", 13, "given twice"),
            ("x {{ a(b=1) %}", 12, "not closed with `}}`"),
            ("x\n{% a() %}\nbody", 2, "no `{% end %}`"),
        ];
        for (text, offset, message) in cases {
            let e = parse(text, &[], 0).expect_err(text);
            assert_eq!(e.offset, offset, "{text}: {e:?}");
            assert!(e.message.contains(message), "{text}: {e:?}");
        }
    }

    /// Zola's grammar reads arguments without a comma between them, and
    /// osc.garden's posts call `dual_theme_image(light_src="…",
    /// dark_src="…" alt="…")`.
    #[test]
    fn arguments_a_space_apart_are_read_as_zola_reads_them() {
        let pieces = calls("{{ a(b=\"x\" c=2,\nd=3) }}");
        let Piece::Call(call) = &pieces[0] else {
            panic!("{pieces:?}")
        };
        assert_eq!(
            call.args,
            vec![("b", json!("x")), ("c", json!(2)), ("d", json!(3))]
        );
    }

    #[test]
    fn offsets_count_from_the_base() {
        let pieces = parse("{{ a() }}", &[], 100).unwrap();
        assert!(matches!(&pieces[0], Piece::Call(c) if c.offset == 100));
    }
}
