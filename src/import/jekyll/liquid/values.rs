//! Liquid's rules for values, on JSON values: what prints (nil prints
//! nothing, an array its items run together), what is true (all but nil
//! and false), and how two values compare (numbers by value, `empty`).

use std::cmp::Ordering;

use serde_json::Value;

/// The text Liquid prints for a value.
pub fn text_of(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Array(items) => items.iter().map(text_of).collect(),
        Value::Object(_) => value.to_string(),
    }
}

pub fn truthy(value: &Value) -> bool {
    !matches!(value, Value::Null | Value::Bool(false))
}

pub fn number(value: &Value) -> Option<f64> {
    match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// `==`: numbers by value, the rest as they are.
pub fn equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(_), Value::Number(_)) => number(a) == number(b),
        _ => a == b,
    }
}

/// `<`, `>`: numbers with numbers, strings with strings.
pub fn order(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Number(_), Value::Number(_)) => number(a)?.partial_cmp(&number(b)?),
        (Value::String(x), Value::String(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

/// `x == empty`: an empty string, array or hash.
pub fn is_empty(value: &Value) -> bool {
    match value {
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        _ => false,
    }
}

/// `x == blank`: empty, nil, false, or only whitespace.
pub fn is_blank(value: &Value) -> bool {
    match value {
        Value::String(s) => s.trim().is_empty(),
        Value::Null | Value::Bool(false) => true,
        _ => is_empty(value),
    }
}

/// A number as Liquid keeps it: whole numbers stay integers.
pub fn from_number(n: f64, integers: bool) -> Value {
    if integers && n.fract() == 0.0 && n.abs() < 9e15 {
        Value::from(n as i64)
    } else {
        Value::from(n)
    }
}

/// A value as a list: an array, a hash's `[key, value]` pairs, or one item.
pub fn items(value: &Value) -> Vec<Value> {
    match value {
        Value::Array(a) => a.clone(),
        Value::Object(o) => o
            .iter()
            .map(|(k, v)| Value::Array(vec![Value::String(k.clone()), v.clone()]))
            .collect(),
        Value::Null => Vec::new(),
        other => vec![other.clone()],
    }
}

/// `list.size`, `.first`, `.last` and keys, as Liquid reads a name after a dot.
pub fn member(value: &Value, key: &str) -> Value {
    match (value, key) {
        (Value::Object(o), k) if o.contains_key(k) => o[k].clone(),
        (Value::Array(a), "size") => Value::from(a.len()),
        (Value::Object(o), "size") => Value::from(o.len()),
        (Value::String(s), "size") => Value::from(s.chars().count()),
        (Value::Array(a), "first") => a.first().cloned().unwrap_or(Value::Null),
        (Value::Array(a), "last") => a.last().cloned().unwrap_or(Value::Null),
        _ => Value::Null,
    }
}

/// `list[i]` (negative from the end) or `hash["key"]`.
pub fn index(value: &Value, key: &Value) -> Value {
    match (value, key) {
        (Value::Array(a), Value::Number(n)) => {
            let Some(i) = n.as_i64() else {
                return Value::Null;
            };
            let i = if i < 0 { a.len() as i64 + i } else { i };
            usize::try_from(i)
                .ok()
                .and_then(|i| a.get(i))
                .cloned()
                .unwrap_or(Value::Null)
        }
        (_, Value::String(k)) => member(value, k),
        _ => Value::Null,
    }
}
