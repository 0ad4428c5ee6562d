//! A guard against YAML front matter whose aliases expand exponentially
//! ("billion laughs"): the YAML reader copies the anchored value at every
//! alias, so nine short lines of `&a` and `*a` make a billion values and
//! hang the build (six levels of ten took 6 s, each level ten times more).
//! The block's events are counted first, aliases at the size of what they
//! name, and a block past the limit is refused before it is expanded.

use yaml_rust2::parser::{Event, Parser};

/// Far above any front matter people write (a page's tags, aliases, extra).
pub const MAX_VALUES: u64 = 100_000;

/// How many values `block` expands to, stopping once past [`MAX_VALUES`];
/// `None` when the block is not valid YAML (the real reader says why).
pub fn expanded_values(block: &str) -> Option<u64> {
    let mut parser = Parser::new_from_str(block);
    // Each open sequence or mapping: its anchor and the values in it so far.
    let mut open: Vec<(usize, u64)> = Vec::new();
    let mut anchored: Vec<(usize, u64)> = Vec::new();
    let mut total = 0u64;
    loop {
        let (event, _) = parser.next_token().ok()?;
        let done = match event {
            Event::StreamEnd => return Some(total),
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                open.push((anchor, 1));
                None
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (anchor, size) = open.pop()?;
                Some((anchor, size))
            }
            Event::Scalar(_, _, anchor, _) => Some((anchor, 1)),
            Event::Alias(anchor) => {
                let size = anchored
                    .iter()
                    .rev()
                    .find(|(a, _)| *a == anchor)
                    .map_or(1, |(_, s)| *s);
                Some((0, size))
            }
            _ => None,
        };
        if let Some((anchor, size)) = done {
            if anchor != 0 {
                anchored.push((anchor, size));
            }
            match open.last_mut() {
                Some((_, parent)) => *parent = parent.saturating_add(size),
                None => total = total.saturating_add(size),
            }
            if size > MAX_VALUES || total > MAX_VALUES {
                return Some(size.max(total));
            }
        }
    }
}

/// Why `block` is refused, if it expands past the limit.
pub fn too_many_values(block: &str) -> Option<String> {
    expanded_values(block).filter(|&n| n > MAX_VALUES).map(|_| {
        format!(
            "YAML front matter expands to over {MAX_VALUES} values through its aliases (`*name`); write the values out instead"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn laughs(levels: usize) -> String {
        let mut yaml = String::from("a0: &a0 [\"lol\"]\n");
        for i in 1..=levels {
            let refs = vec![format!("*a{}", i - 1); 10].join(", ");
            yaml.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
        }
        yaml
    }

    #[test]
    fn counts_values_and_what_aliases_copy() {
        assert_eq!(expanded_values("title: x\ntags: [a, b]\n"), Some(7));
        assert_eq!(expanded_values("a: &x [1, 2]\nb: *x\n"), Some(9));
        assert!(expanded_values(&laughs(4)).is_some_and(|n| n < MAX_VALUES));
        assert!(expanded_values(&laughs(9)).is_some_and(|n| n > MAX_VALUES));
        assert_eq!(expanded_values("a: [unclosed\n"), None);
    }
}
