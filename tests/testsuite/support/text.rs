//! Small text rules the suites share when they read ssg's output or the
//! requests it sent.

/// The text between the first `start` and the next `end` after it.
pub fn between<'a>(text: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let from = text.find(start)? + start.len();
    let len = text[from..].find(end)?;
    Some(&text[from..from + len])
}

/// The words of an HTML fragment: tags dropped (highlighted code stays
/// one word where spans split it), whitespace collapsed, the common
/// entities decoded; what a reader sees, to compare two builds.
pub fn words(html: &str) -> String {
    let mut text = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    super::import::unescape(&text.split_whitespace().collect::<Vec<_>>().join(" "))
}
