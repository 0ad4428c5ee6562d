//! What a template's `get_page`, `get_section` and `get_taxonomy*` calls
//! name, read from its text: an output whose template names its pages,
//! sections and taxonomies with quoted text depends on those alone, so an
//! edit elsewhere does not render it again. A name computed while
//! rendering (`get_page(path=p)`) could be anything: such a template
//! depends on the whole site.

use std::collections::BTreeSet;

use super::load_data::{argument, quoted};

/// See the module documentation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SiteCalls {
    /// Content paths given to `get_page`.
    pub pages: BTreeSet<String>,
    /// Content paths given to `get_section`.
    pub sections: BTreeSet<String>,
    /// Kinds given to `get_taxonomy`, `get_taxonomy_term`, `get_taxonomy_url`.
    pub taxonomies: BTreeSet<String>,
    /// Whether some call names what it reads with a computed value.
    pub computed: bool,
}

impl SiteCalls {
    pub fn extend(&mut self, other: &SiteCalls) {
        self.pages.extend(other.pages.iter().cloned());
        self.sections.extend(other.sections.iter().cloned());
        self.taxonomies.extend(other.taxonomies.iter().cloned());
        self.computed |= other.computed;
    }
}

/// The calls of `text`.
pub fn calls_in(text: &str) -> SiteCalls {
    let mut found = SiteCalls::default();
    let functions = [
        ("get_page", "path"),
        ("get_section", "path"),
        ("get_taxonomy_term", "kind"),
        ("get_taxonomy_url", "kind"),
        ("get_taxonomy", "kind"),
    ];
    for (function, key) in functions {
        for (at, _) in text.match_indices(function) {
            let rest = &text[at + function.len()..];
            // `get_taxonomy` is also the start of `get_taxonomy_url`.
            let Some(args) = rest.trim_start().strip_prefix('(') else {
                continue;
            };
            let args = args.split(')').next().unwrap_or(args);
            let named = argument(args, key).and_then(quoted);
            let Some(name) = named else {
                found.computed = true;
                continue;
            };
            let name = content_path(name).to_string();
            match function {
                "get_page" => found.pages.insert(name),
                "get_section" => found.sections.insert(name),
                _ => found.taxonomies.insert(name),
            };
        }
    }
    found
}

/// A content path as templates write it: `blog/a.md`, `/blog/a.md` or `@/blog/a.md`.
pub fn content_path(path: &str) -> &str {
    path.strip_prefix("@/")
        .unwrap_or(path)
        .trim_start_matches('/')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_names_are_known_and_computed_ones_are_not() {
        let calls = calls_in(
            "{% set b = get_section(path=\"blog/_index.md\", metadata_only=true) %}\
             {% set p = get_page(path='@/about.md') %}\
             {{ get_taxonomy_url(kind=\"tags\", term=t) }}{% set c = get_taxonomy(kind=\"categories\") %}",
        );
        assert_eq!(
            calls.sections,
            BTreeSet::from(["blog/_index.md".to_string()])
        );
        assert_eq!(calls.pages, BTreeSet::from(["about.md".to_string()]));
        assert_eq!(
            calls.taxonomies,
            BTreeSet::from(["tags".to_string(), "categories".to_string()])
        );
        assert!(!calls.computed);
        assert!(calls_in("{% set p = get_page(path=page.path) %}").computed);
        assert!(calls_in("{% set s = get_section(path=\"a/\" ~ x) %}").computed);
    }
}
