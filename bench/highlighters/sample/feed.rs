//! Reads a feed's entries and keeps the newest ones.
use std::collections::BTreeMap;
use std::fmt;

#[derive(Debug, Clone, PartialEq)]
pub struct Entry<'a> {
    pub title: &'a str,
    pub date: u32,
    tags: Vec<String>,
}

impl fmt::Display for Entry<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.title, self.date)
    }
}

/// The `limit` newest entries, newest first.
pub fn newest<'a>(entries: &[Entry<'a>], limit: usize) -> Vec<Entry<'a>> {
    let mut by_date: BTreeMap<u32, Vec<&Entry<'a>>> = BTreeMap::new();
    for e in entries.iter().filter(|e| !e.tags.is_empty()) {
        by_date.entry(e.date).or_default().push(e);
    }
    let out: Vec<_> = by_date.into_values().rev().flatten().take(limit).cloned().collect();
    if out.len() < limit {
        eprintln!("only {} of {limit} entries", out.len());
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn keeps_order() {
        assert_eq!(super::newest(&[], 3), vec![]);
    }
}
