//! "Did you mean …": the known name closest to a mistyped one, for errors
//! that name something the user wrote (a content path, a taxonomy).

/// The name of `known` nearest to `wanted` by edit distance, if it is
/// near enough to be a likely typo (at most a third of its length off).
pub fn closest<'a>(wanted: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = wanted.chars().count().div_ceil(3).max(1);
    known
        .into_iter()
        .map(|name| (edit_distance(wanted, name), name))
        .filter(|(distance, _)| *distance <= limit)
        .min()
        .map(|(_, name)| name)
}

/// `closest` as the end of an error message: `; did you mean "x"?`, or nothing.
pub fn hint<'a>(wanted: &str, known: impl IntoIterator<Item = &'a str>) -> String {
    closest(wanted, known)
        .map(|name| format!("; did you mean \"{name}\"?"))
        .unwrap_or_default()
}

/// Levenshtein distance over characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (diagonal + usize::from(ca != *cb))
                .min(above + 1)
                .min(row[j] + 1);
            diagonal = above;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_names_are_suggested_and_far_ones_not() {
        let known = ["blog/first.md", "blog/second.md", "about.md"];
        assert_eq!(closest("blog/frist.md", known), Some("blog/first.md"));
        assert_eq!(closest("blog/secnd.md", known), Some("blog/second.md"));
        assert_eq!(closest("nothing/like/it.md", known), None);
        assert_eq!(hint("abut.md", known), "; did you mean \"about.md\"?");
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}
