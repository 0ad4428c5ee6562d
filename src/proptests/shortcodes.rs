//! The shortcode parser (`authoring::parse`) and the placeholders that hold
//! an HTML shortcode's output out of the Markdown
//! (`authoring::shortcodes::Placeholders`): no panic on any text, errors
//! that point inside the text at a char boundary on the broken call's line,
//! text without `{{`/`{%` passed through whole, a call written out parsed
//! back to the same name, arguments and body, and placeholder splitting
//! that gives back exactly what was held.

use std::ops::Range;

use proptest::prelude::*;
use pulldown_cmark::{Event, Parser, Tag};
use serde_json::Value;

use crate::authoring::parse::{Piece, parse};
use crate::authoring::shortcodes::{Part, Placeholders};
use crate::error::line_of_offset;
use crate::markdown::{MarkdownOptions, parser_options};

/// Pieces of the syntax, whole and broken, and text around it.
fn soup() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("{{"),
        Just("{%"),
        Just("}}"),
        Just("%}"),
        Just("("),
        Just(")"),
        Just("\""),
        Just("'"),
        Just("`"),
        Just("```\n"),
        Just("\n"),
        Just(" "),
        Just("\\"),
        Just("="),
        Just(","),
        Just("["),
        Just("]"),
        Just("{% end %}"),
        Just("{{/*"),
        Just("*/}}"),
        Just("{%/*"),
        Just("*/%}"),
        Just("note"),
        Just("a("),
        Just("x=1"),
        Just("y=\"é\""),
        Just("true"),
        Just("-1.5e3"),
        Just("{{ a() }}"),
        Just("{% a() %}"),
        Just("{{ a(x=[1, [\"}}\"]]) }}"),
        Just("日本"),
        Just("é"),
        Just("\u{1F600}"),
    ];
    let piece = prop_oneof![4 => piece.prop_map(String::from), 1 => "[^{}]{0,6}"];
    proptest::collection::vec(piece, 0..40).prop_map(|p| p.concat())
}

/// Code ranges as the Markdown stage finds them.
fn code_of(text: &str) -> Vec<Range<usize>> {
    let opts = MarkdownOptions::default();
    Parser::new_ext(text, parser_options(opts))
        .into_offset_iter()
        .filter(|(e, _)| matches!(e, Event::Code(_) | Event::Start(Tag::CodeBlock(_))))
        .map(|(_, r)| r)
        .collect()
}

/// The pieces laid back over `text`: each starts where the last ended,
/// and together they cover it.
fn check_cover(text: &str, pieces: &[Piece], base: usize) -> Result<(), TestCaseError> {
    let mut pos = 0;
    for piece in pieces {
        match piece {
            Piece::Text(t) => {
                prop_assert!(text[pos..].starts_with(t), "{:?} at {}", t, pos);
                pos += t.len();
            }
            Piece::Call(call) => {
                prop_assert_eq!(call.offset, base + pos);
                let rest = &text[pos..];
                let opens = rest.starts_with("{{") || rest.starts_with("{%");
                prop_assert!(opens, "a call at {} of {:?}", pos, text);
                prop_assert!(call.end > call.offset && call.end - base <= text.len());
                if let Some(body) = call.body {
                    let at = call.body_offset - base;
                    prop_assert_eq!(&text[at..at + body.len()], body);
                }
                pos = call.end - base;
            }
            Piece::Literal(_) => {
                let close = if text[pos..].starts_with("{{/*") {
                    "*/}}"
                } else {
                    prop_assert!(text[pos..].starts_with("{%/*"), "at {}", pos);
                    "*/%}"
                };
                let found = text[pos..].find(close);
                prop_assert!(found.is_some());
                pos += found.unwrap_or_default() + close.len();
            }
        }
    }
    prop_assert_eq!(pos, text.len());
    Ok(())
}

/// One value of every type an argument can hold, nested in lists.
fn value() -> impl Strategy<Value = Value> {
    let string = prop_oneof![
        "[^\\\\]{0,8}",
        Just("}}".to_string()),
        Just("%}".to_string()),
        Just("{% end %}".to_string()),
        Just("{{ a() }}".to_string()),
        Just(")".to_string()),
        Just("a\\b".to_string()),
        Just("line\nbreak".to_string()),
    ];
    let leaf = prop_oneof![
        string.prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        // Finite, with a fraction: `3.0` is written `3.0` and read back as
        // a float, never the integer 3.
        (-1e12f64..1e12).prop_map(|f| Value::from(f.trunc() + 0.25)),
        any::<bool>().prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 12, 4, |inner| {
        proptest::collection::vec(inner, 0..4).prop_map(Value::Array)
    })
}

/// A value as an author writes it, in one of the three quotes.
fn written(value: &Value, quote: char) -> String {
    match value {
        Value::String(s) => {
            let mut out = String::from(quote);
            for c in s.chars() {
                match c {
                    '\\' => out.push_str("\\\\"),
                    '\n' => out.push_str("\\n"),
                    c if c == quote => {
                        out.push('\\');
                        out.push(c);
                    }
                    c => out.push(c),
                }
            }
            out.push(quote);
            out
        }
        Value::Number(n) => match n.as_f64() {
            Some(f) if n.is_f64() => format!("{f:?}"),
            _ => n.to_string(),
        },
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(|v| written(v, quote)).collect();
            format!("[{}]", items.join(", "))
        }
        other => other.to_string(),
    }
}

/// A call or text in a generated body.
#[derive(Debug, Clone)]
enum Node {
    Text(String),
    Call {
        name: String,
        args: Vec<(String, Value)>,
        body: Option<Vec<Node>>,
        /// Spaces around the parts, and the quote strings are written in.
        space: &'static str,
        quote: char,
    },
}

fn call_parts() -> impl Strategy<Value = (String, Vec<(String, Value)>, &'static str, char)> {
    (
        "[a-z_][a-z0-9_]{0,6}",
        proptest::collection::btree_map("[a-z_][a-z0-9_]{0,5}", value(), 0..4),
        prop_oneof![Just(""), Just(" "), Just("  "), Just("\n"), Just("\t")],
        prop_oneof![Just('"'), Just('\''), Just('`')],
    )
        .prop_map(|(name, args, space, quote)| (name, args.into_iter().collect(), space, quote))
}

fn nodes() -> impl Strategy<Value = Vec<Node>> {
    let prose = "[^{}\\\\]{0,10}".prop_map(Node::Text);
    let inline = call_parts().prop_map(|(name, args, space, quote)| Node::Call {
        name,
        args,
        body: None,
        space,
        quote,
    });
    let leaf = prop_oneof![2 => prose, 1 => inline];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            2 => inner.clone(),
            1 => (call_parts(), proptest::collection::vec(inner, 0..4)).prop_map(
                |((name, args, space, quote), body)| Node::Call {
                    name,
                    args,
                    body: Some(body),
                    space,
                    quote,
                }
            ),
        ]
    })
    .prop_map(|n| vec![n])
    .prop_recursive(1, 8, 6, |inner| {
        proptest::collection::vec(inner, 1..6).prop_map(|v| v.concat())
    })
}

fn write_nodes(nodes: &[Node]) -> String {
    nodes.iter().map(write_node).collect()
}

fn write_node(node: &Node) -> String {
    let Node::Call {
        name,
        args,
        body,
        space,
        quote,
    } = node
    else {
        let Node::Text(t) = node else { unreachable!() };
        return t.clone();
    };
    let args: Vec<String> = args
        .iter()
        .map(|(k, v)| format!("{k}{space}={space}{}", written(v, *quote)))
        .collect();
    let head = format!(
        "{name}{space}({space}{}{space})",
        args.join(&format!(",{space}"))
    );
    match body {
        None => format!("{{{{{space}{head}{space}}}}}"),
        Some(body) => format!(
            "{{%{space}{head}{space}%}}{}{{%{space}end{space}%}}",
            write_nodes(body)
        ),
    }
}

/// Parses `text` and checks its calls are `nodes`' calls, bodies included.
fn check_parsed(text: &str, nodes: &[Node]) -> Result<(), TestCaseError> {
    let pieces = parse(text, &[], 0).map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
    let calls: Vec<_> = pieces
        .iter()
        .filter_map(|p| match p {
            Piece::Call(c) => Some(c),
            _ => None,
        })
        .collect();
    let expected: Vec<_> = nodes
        .iter()
        .filter(|n| matches!(n, Node::Call { .. }))
        .collect();
    prop_assert_eq!(calls.len(), expected.len(), "{:?}", pieces);
    for (call, node) in calls.into_iter().zip(expected) {
        let Node::Call {
            name, args, body, ..
        } = node
        else {
            unreachable!()
        };
        prop_assert_eq!(call.name, name.as_str());
        let got: Vec<(String, Value)> = call
            .args
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect();
        prop_assert_eq!(&got, args);
        match (call.body, body) {
            (Some(written), Some(nodes)) => {
                prop_assert_eq!(written, write_nodes(nodes));
                check_parsed(written, nodes)?;
            }
            (None, None) => {}
            (got, want) => prop_assert!(false, "body {:?}, wanted {:?}", got, want),
        }
    }
    Ok(())
}

/// Calls broken in one way each, every error found inside the call.
fn broken_call() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        Just("{{ a(b=) }}"),
        Just("{{ a(b) }}"),
        Just("{{ a(b=1 \"c\") }}"),
        Just("{{ a(b=1, b=2) }}"),
        Just("{{ a(b=1) %}"),
        Just("{%\na(\nb=[1,\n) %}x{% end %}"),
        Just("{{ a(b=[1, 2) }}"),
        Just("{{ a(1=2) }}"),
        Just("{{ a(b=1x) }}"),
        Just("{{ a(b=nope) }}"),
    ]
}

proptest! {
    #![proptest_config(super::config(512))]

    #[test]
    fn any_text_parses_or_fails_inside_it(text in soup(), base in 0usize..3) {
        let code = code_of(&text);
        match parse(&text, &code, base) {
            Ok(pieces) => check_cover(&text, &pieces, base)?,
            Err(e) => {
                let at = e.offset - base;
                prop_assert!(at <= text.len(), "{:?} past {} bytes", e, text.len());
                prop_assert!(text.is_char_boundary(at), "{:?}", e);
                prop_assert!(!e.message.is_empty());
            }
        }
    }

    #[test]
    fn text_without_an_opening_is_one_text_piece(
        text in "([^{]|\\{[^{%]|%\\}|\\}\\})*",
    ) {
        let pieces = parse(&text, &[], 0).map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
        if text.is_empty() {
            prop_assert!(pieces.is_empty());
        } else {
            prop_assert_eq!(pieces, vec![Piece::Text(&text)]);
        }
    }

    #[test]
    fn a_written_call_parses_back(nodes in nodes()) {
        let text = write_nodes(&nodes);
        check_parsed(&text, &nodes)?;
    }

    #[test]
    fn an_error_is_on_the_broken_call_s_lines(
        before in nodes(),
        lines in 0usize..4,
        broken in broken_call(),
        after in "[^{}\"'`\\[]{0,20}",
    ) {
        let text = format!("{}{}{broken}{after}", write_nodes(&before), "\n".repeat(lines));
        let start = text.len() - broken.len() - after.len();
        let e = parse(&text, &[], 0).expect_err(&text);
        prop_assert!(
            (start..start + broken.len()).contains(&e.offset),
            "{:?} outside {}..{} of {:?}", e, start, start + broken.len(), text
        );
        let line = line_of_offset(&text, e.offset);
        let first = line_of_offset(&text, start);
        prop_assert!(line >= first && line <= first + broken.matches('\n').count());
    }

    #[test]
    fn placeholders_split_back_into_what_was_held(
        body in "(ssgsc|[0-9a-f]|n|z| |é){0,30}",
        parts in proptest::collection::vec(
            (any::<bool>(), "(ssgsc|[0-9]|n|z|<b>| |é){0,12}"),
            0..8,
        ),
    ) {
        let mut held = Placeholders::for_body(&body);
        let mut text = String::new();
        let mut expected = Vec::new();
        for (is_html, part) in &parts {
            if *is_html {
                text.push_str(&held.hold(part.clone()));
                expected.push(format!("<{part}>"));
            } else if !part.is_empty() {
                // Text around a placeholder is the body's, which never holds the prefix.
                let piece = body.get(..part.len().min(body.len())).unwrap_or_default();
                text.push_str(piece);
                expected.push(piece.to_string());
            }
        }
        let Some(split) = held.split(&text) else {
            prop_assert!(held.is_empty() || !parts.iter().any(|(h, _)| *h));
            return Ok(());
        };
        let got: Vec<String> = split
            .iter()
            .map(|p| match p {
                Part::Text(t) => t.to_string(),
                Part::Html(h) => format!("<{h}>"),
            })
            .collect();
        prop_assert_eq!(got.concat(), expected.concat());
        let htmls: Vec<&Part> = split.iter().filter(|p| matches!(p, Part::Html(_))).collect();
        prop_assert_eq!(htmls.len(), parts.iter().filter(|(h, _)| *h).count());
    }
}
