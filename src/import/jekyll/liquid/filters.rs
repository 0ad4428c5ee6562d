//! Liquid's standard filters and Jekyll's own (`where`, `group_by`,
//! `slugify`, `relative_url`, `markdownify`, the `date_to_*` family…), on
//! values known at import time. A filter not here is an error naming it, so
//! the import reports the tag rather than print something Jekyll did not.
//! (`where_exp` and `group_by_exp` read an expression, so the evaluator
//! runs them.)

use serde_json::{Map, Value};

use super::values::{equal, from_number, is_empty, items, member, number, text_of, truthy};
use crate::import::jekyll::dates;

/// What `cgi_escape` leaves as it is.
const COMPONENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');
/// What `uri_escape` leaves as it is: a whole URL's punctuation too.
const URI: &percent_encoding::AsciiSet = &COMPONENT
    .remove(b'/')
    .remove(b':')
    .remove(b'#')
    .remove(b'?');

/// What a filter may need besides its input and arguments.
pub struct Site<'a> {
    /// ssg's `base_url` (Jekyll's `url` + `baseurl`).
    pub base_url: &'a str,
}

/// `input | name: args`.
pub fn apply(name: &str, input: Value, args: &[Value], site: &Site) -> Result<Value, String> {
    if let Some(done) = text_filter(name, &input, args).or_else(|| list_filter(name, &input, args))
    {
        return done;
    }
    let text = || text_of(&input);
    let arg = |i: usize| args.get(i).cloned().unwrap_or(Value::Null);
    let arg_text = |i: usize| text_of(&arg(i));
    let string = |s: String| Ok(Value::String(s));
    match name {
        "plus" | "minus" | "times" | "divided_by" | "modulo" => arithmetic(name, &input, &arg(0)),
        "round" | "ceil" | "floor" | "abs" | "at_least" | "at_most" => {
            let n = number(&input).ok_or_else(|| format!("{name} of {}", text()))?;
            let m = number(&arg(0)).unwrap_or(0.0);
            Ok(from_number(
                match name {
                    "round" => n.round(),
                    "ceil" => n.ceil(),
                    "floor" => n.floor(),
                    "abs" => n.abs(),
                    "at_least" => n.max(m),
                    _ => n.min(m),
                },
                true,
            ))
        }
        "number_of_words" => Ok(Value::from(text().split_whitespace().count())),
        "array_to_sentence_string" => {
            let words: Vec<String> = items(&input).iter().map(text_of).collect();
            let connector = args.first().map_or("and".to_string(), text_of);
            string(match words.as_slice() {
                [] => String::new(),
                [one] => one.clone(),
                [a, b] => format!("{a} {connector} {b}"),
                [rest @ .., last] => format!("{}, {connector} {last}", rest.join(", ")),
            })
        }
        "jsonify" => string(input.to_string()),
        "inspect" => string(match &input {
            Value::Null => "nil".into(),
            other => other.to_string(),
        }),
        "slugify" => string(crate::slug::slugify(&text())),
        "relative_url" => string(format!(
            "{}/{}",
            crate::urlpath::base_path(site.base_url),
            text().trim_start_matches('/')
        )),
        "absolute_url" => string(format!(
            "{}/{}",
            site.base_url.trim_end_matches('/'),
            text().trim_start_matches('/')
        )),
        "markdownify" => {
            let mut html = String::new();
            let source = text();
            let parser = pulldown_cmark::Parser::new_ext(&source, pulldown_cmark::Options::all());
            pulldown_cmark::html::push_html(&mut html, parser);
            string(html)
        }
        "date"
        | "date_to_string"
        | "date_to_long_string"
        | "date_to_xmlschema"
        | "date_to_rfc822" => date(name, &input, &arg_text(0)),
        other => Err(format!("Liquid filter {other}")),
    }
}

/// Filters on text.
fn text_filter(name: &str, input: &Value, args: &[Value]) -> Option<Result<Value, String>> {
    let text = || text_of(input);
    let arg = |i: usize| args.get(i).cloned().unwrap_or(Value::Null);
    let arg_text = |i: usize| text_of(&arg(i));
    let string = |s: String| Ok(Value::String(s));
    Some(match name {
        "upcase" => string(text().to_uppercase()),
        "downcase" => string(text().to_lowercase()),
        "capitalize" => {
            let t = text();
            let mut chars = t.chars();
            string(chars.next().map_or(String::new(), |c| {
                c.to_uppercase()
                    .chain(chars.flat_map(char::to_lowercase))
                    .collect()
            }))
        }
        "strip" => string(text().trim().to_string()),
        "lstrip" => string(text().trim_start().to_string()),
        "rstrip" => string(text().trim_end().to_string()),
        "strip_newlines" => string(text().replace(['\n', '\r'], "")),
        "newline_to_br" => string(text().replace('\n', "<br />\n")),
        "strip_html" => string(crate::escape::html_text(&text())),
        "escape" | "xml_escape" | "escape_once" => string(escape(&text())),
        "cgi_escape" | "url_encode" | "uri_escape" => {
            let set = if name == "uri_escape" { URI } else { COMPONENT };
            let encoded = percent_encoding::utf8_percent_encode(&text(), set).to_string();
            string(encoded)
        }
        "append" => string(text() + &arg_text(0)),
        "prepend" => string(arg_text(0) + &text()),
        "replace" => string(text().replace(&arg_text(0), &arg_text(1))),
        "replace_first" => string(text().replacen(&arg_text(0), &arg_text(1), 1)),
        "remove" => string(text().replace(&arg_text(0), "")),
        "remove_first" => string(text().replacen(&arg_text(0), "", 1)),
        "truncate" => {
            let limit = number(&arg(0)).unwrap_or(50.0) as usize;
            let ellipsis = args.get(1).map_or("...".to_string(), text_of);
            let t = text();
            if t.chars().count() <= limit {
                return Some(string(t));
            }
            let keep = limit.saturating_sub(ellipsis.chars().count());
            string(t.chars().take(keep).collect::<String>() + &ellipsis)
        }
        "truncatewords" => {
            let limit = number(&arg(0)).unwrap_or(15.0) as usize;
            let t = text();
            let words: Vec<&str> = t.split_whitespace().collect();
            if words.len() <= limit {
                return Some(string(t));
            }
            string(words[..limit.max(1)].join(" ") + "...")
        }
        _ => return None,
    })
}

/// Filters on lists (and `size`, `default`).
fn list_filter(name: &str, input: &Value, args: &[Value]) -> Option<Result<Value, String>> {
    let text = || text_of(input);
    let arg = |i: usize| args.get(i).cloned().unwrap_or(Value::Null);
    let arg_text = |i: usize| text_of(&arg(i));
    let string = |s: String| Ok(Value::String(s));
    Some(match name {
        "size" => Ok(member(input, "size")),
        "first" => Ok(member(input, "first")),
        "last" => Ok(member(input, "last")),
        "join" => {
            let sep = args.first().map_or(" ".to_string(), text_of);
            string(
                items(input)
                    .iter()
                    .map(text_of)
                    .collect::<Vec<_>>()
                    .join(&sep),
            )
        }
        "split" => {
            let sep = arg_text(0);
            let t = text();
            let parts: Vec<Value> = if sep.is_empty() {
                t.chars().map(|c| Value::String(c.to_string())).collect()
            } else {
                t.split(sep.as_str())
                    .map(|p| Value::String(p.to_string()))
                    .collect()
            };
            Ok(Value::Array(parts))
        }
        "default" => Ok(if truthy(input) && !is_empty(input) {
            input.clone()
        } else {
            arg(0)
        }),
        "reverse" => Ok(Value::Array(items(input).into_iter().rev().collect())),
        "uniq" => {
            let mut seen: Vec<Value> = Vec::new();
            for item in items(input) {
                if !seen.contains(&item) {
                    seen.push(item);
                }
            }
            Ok(Value::Array(seen))
        }
        "compact" => Ok(Value::Array(
            items(input).into_iter().filter(|v| !v.is_null()).collect(),
        )),
        "concat" => Ok(Value::Array(
            items(input).into_iter().chain(items(&arg(0))).collect(),
        )),
        "push" => Ok(Value::Array(
            items(input).into_iter().chain([arg(0)]).collect(),
        )),
        "map" => {
            let key = arg_text(0);
            Ok(Value::Array(
                items(input).iter().map(|v| member(v, &key)).collect(),
            ))
        }
        "sort" | "sort_natural" => sort(input.clone(), args.first(), name == "sort_natural"),
        "where" => {
            let key = arg_text(0);
            let kept = items(input).into_iter().filter(|item| {
                let found = member(item, &key);
                match args.get(1) {
                    None => truthy(&found),
                    Some(want) => {
                        equal(&found, want)
                            || text_of(&found) == text_of(want) && !found.is_null()
                            || found.as_array().is_some_and(|a| a.contains(want))
                    }
                }
            });
            Ok(Value::Array(kept.collect()))
        }
        "group_by" => {
            let key = arg_text(0);
            Ok(group(items(input), |item| member(item, &key)))
        }
        "slice" => {
            let t = items(input);
            let start = number(&arg(0)).unwrap_or(0.0) as i64;
            let len = number(&arg(1)).unwrap_or(1.0) as usize;
            let start = if start < 0 {
                (t.len() as i64 + start).max(0) as usize
            } else {
                start as usize
            };
            if let Value::String(s) = &input {
                return Some(string(s.chars().skip(start).take(len).collect()));
            }
            Ok(Value::Array(t.into_iter().skip(start).take(len).collect()))
        }
        _ => return None,
    })
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// Items grouped by a key, in first-seen order: `[{name, items, size}]`.
pub fn group(list: Vec<Value>, mut key: impl FnMut(&Value) -> Value) -> Value {
    let mut groups: Vec<(Value, Vec<Value>)> = Vec::new();
    for item in list {
        let name = Value::String(text_of(&key(&item)));
        match groups.iter_mut().find(|(n, _)| *n == name) {
            Some((_, members)) => members.push(item),
            None => groups.push((name, vec![item])),
        }
    }
    Value::Array(
        groups
            .into_iter()
            .map(|(name, members)| {
                let mut group = Map::new();
                group.insert("name".into(), name);
                group.insert("size".into(), Value::from(members.len()));
                group.insert("items".into(), Value::Array(members));
                Value::Object(group)
            })
            .collect(),
    )
}

fn sort(input: Value, key: Option<&Value>, natural: bool) -> Result<Value, String> {
    let mut list = items(&input);
    let key = key.map(text_of);
    let sort_key = |v: &Value| match &key {
        Some(k) => member(v, k),
        None => v.clone(),
    };
    list.sort_by(|a, b| {
        let (a, b) = (sort_key(a), sort_key(b));
        // nil sorts last, as Jekyll's `sort` puts it.
        match (a.is_null(), b.is_null()) {
            (true, false) => return std::cmp::Ordering::Greater,
            (false, true) => return std::cmp::Ordering::Less,
            _ => {}
        }
        if let (Some(x), Some(y)) = (a.as_f64(), b.as_f64()) {
            return x.partial_cmp(&y).unwrap_or(std::cmp::Ordering::Equal);
        }
        let (x, y) = (text_of(&a), text_of(&b));
        if natural {
            x.to_lowercase().cmp(&y.to_lowercase())
        } else {
            x.cmp(&y)
        }
    });
    Ok(Value::Array(list))
}

fn arithmetic(name: &str, a: &Value, b: &Value) -> Result<Value, String> {
    let (Some(x), Some(y)) = (number(a), number(b)) else {
        return Err(format!("{name} of {} and {}", text_of(a), text_of(b)));
    };
    let integers = [a, b]
        .iter()
        .all(|v| v.as_i64().is_some() || v.as_str().is_some_and(|s| s.parse::<i64>().is_ok()));
    if matches!(name, "divided_by" | "modulo") && y == 0.0 {
        return Err(format!("{name} 0"));
    }
    let n = match name {
        "plus" => x + y,
        "minus" => x - y,
        "times" => x * y,
        "divided_by" if integers => (x / y).floor(),
        "divided_by" => x / y,
        _ => x.rem_euclid(y),
    };
    Ok(from_number(n, integers))
}

/// The date filters on a date Jekyll would read from the text.
fn date(name: &str, input: &Value, format: &str) -> Result<Value, String> {
    let text = text_of(input);
    let parsed = dates::parse(&text, &dates::Zone::utc())
        .ok_or_else(|| format!("`{text}` is no date known at import time"))?;
    let at = parsed.local;
    let spec = match name {
        "date" if format.is_empty() => return Ok(input.clone()),
        // Ruby's nanoseconds and milliseconds, in chrono's spelling.
        "date" => &format.replace("%N", "%f").replace("%L", "%3f"),
        "date_to_string" => "%d %b %Y",
        "date_to_long_string" => "%d %B %Y",
        "date_to_xmlschema" => "%Y-%m-%dT%H:%M:%S%:z",
        _ => "%a, %d %b %Y %H:%M:%S %z",
    };
    let offset = parsed.offset;
    let zoned = chrono::TimeZone::from_local_datetime(&offset, &at)
        .single()
        .ok_or("a date that does not exist in its zone")?;
    let mut out = String::new();
    use std::fmt::Write;
    write!(out, "{}", zoned.format(spec)).map_err(|_| format!("the date format {spec}"))?;
    Ok(Value::String(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run(name: &str, input: Value, args: &[Value]) -> Value {
        let site = Site {
            base_url: "https://example.org/blog",
        };
        apply(name, input, args, &site).unwrap()
    }

    #[test]
    fn the_common_filters_do_what_liquid_does() {
        let people = json!([{"n": "b", "t": "x"}, {"n": "a", "t": "y"}, {"n": "c", "t": "x"}]);
        assert_eq!(
            run("where", people.clone(), &[json!("t"), json!("x")]),
            json!([{"n": "b", "t": "x"}, {"n": "c", "t": "x"}])
        );
        assert_eq!(
            run(
                "map",
                run("sort", people.clone(), &[json!("n")]),
                &[json!("n")]
            ),
            json!(["a", "b", "c"])
        );
        assert_eq!(run("group_by", people, &[json!("t")])[0]["size"], json!(2));
        assert_eq!(run("plus", json!(1), &[json!(2)]), json!(3));
        assert_eq!(run("divided_by", json!(7), &[json!(2)]), json!(3));
        assert_eq!(
            run("slugify", json!("Hello World!"), &[]),
            json!("hello-world")
        );
        assert_eq!(run("relative_url", json!("/a"), &[]), json!("/blog/a"));
        assert_eq!(
            run(
                "date",
                json!("2020-05-27 10:00:00 +0200"),
                &[json!("%B %-d, %Y")]
            ),
            json!("May 27, 2020")
        );
        assert_eq!(
            run("array_to_sentence_string", json!(["a", "b", "c"]), &[]),
            json!("a, b, and c")
        );
        assert_eq!(
            run("truncate", json!("abcdefgh"), &[json!(5)]),
            json!("ab...")
        );
        assert_eq!(
            run("markdownify", json!("*x*"), &[]),
            json!("<p><em>x</em></p>\n")
        );
        let site = Site { base_url: "" };
        assert!(apply("shuffle", json!(1), &[], &site).is_err());
    }
}
