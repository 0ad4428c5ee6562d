//! `[[publish.rules]]`: headers by glob over the object's path in the output
//! folder. The first rule that matches wins.

use globset::{GlobBuilder, GlobMatcher};

use crate::config::PublishRule;

pub struct Rules {
    compiled: Vec<(GlobMatcher, PublishRule)>,
}

impl Rules {
    /// Compiles the rules; an invalid glob names its rule (1-based).
    pub fn new(rules: &[PublishRule]) -> Result<Rules, String> {
        let compiled = rules
            .iter()
            .enumerate()
            .map(|(i, rule)| {
                GlobBuilder::new(&rule.pattern)
                    .literal_separator(true)
                    .build()
                    .map(|g| (g.compile_matcher(), rule.clone()))
                    .map_err(|e| {
                        format!(
                            "[[publish.rules]] #{}: invalid match \"{}\": {e}",
                            i + 1,
                            rule.pattern
                        )
                    })
            })
            .collect::<Result<_, _>>()?;
        Ok(Rules { compiled })
    }

    /// The first rule matching `path` (`blog/x/index.html`).
    pub fn for_path(&self, path: &str) -> Option<&PublishRule> {
        self.matching(path).map(|(_, rule)| rule)
    }

    /// The first rule matching `path`, with its position among the rules.
    pub fn matching(&self, path: &str) -> Option<(usize, &PublishRule)> {
        self.compiled
            .iter()
            .position(|(m, _)| m.is_match(path))
            .map(|at| (at, &self.compiled[at].1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(pattern: &str, cache: &str) -> PublishRule {
        PublishRule {
            pattern: pattern.into(),
            cache_control: Some(cache.into()),
            content_type: None,
            gzip: false,
        }
    }

    #[test]
    fn first_match_wins_and_globs_cross_folders() {
        let rules = Rules::new(&[
            rule("**/*.html", "html"),
            rule("**/*.{css,js}", "assets"),
            rule("*", "root"),
        ])
        .unwrap();
        let cache = |p: &str| rules.for_path(p).and_then(|r| r.cache_control.clone());
        assert_eq!(cache("index.html").as_deref(), Some("html"));
        assert_eq!(cache("blog/x/index.html").as_deref(), Some("html"));
        assert_eq!(cache("css/site.css").as_deref(), Some("assets"));
        assert_eq!(cache("robots.txt").as_deref(), Some("root"));
        assert_eq!(cache("img/a.png"), None, "`*` does not cross `/`");
    }

    #[test]
    fn invalid_glob_is_named() {
        let err = Rules::new(&[rule("**/*.{css", "x")]).err().unwrap();
        assert!(err.contains("#1") && err.contains("**/*.{css"), "{err}");
    }
}
