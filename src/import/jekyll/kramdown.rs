//! kramdown, Jekyll's default Markdown, has syntax CommonMark does not:
//! `{:toc}` for a table of contents, attribute lists `{: .class #id}`,
//! `{::options …}` and `{::comment}` extensions. ssg would show them as
//! text, so each one is reported with its line (and left where it is).

/// One kramdown construct: the line within the body (0-based) and what to say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub line: usize,
    pub message: String,
    pub action: &'static str,
}

/// Every kramdown-only construct of `body` outside fenced code.
pub fn find(body: &str) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut fence: Option<String> = None;
    for (i, line) in body.lines().enumerate() {
        let bare = line.trim_start();
        if let Some(open) = &fence {
            if bare.trim_end() == open {
                fence = None;
            }
            continue;
        }
        if bare.starts_with("```") || bare.starts_with("~~~") {
            let c = bare.chars().next().unwrap_or('`');
            fence = Some(bare.chars().take_while(|x| *x == c).collect());
            continue;
        }
        let Some(at) = line.find("{:") else {
            continue;
        };
        let Some(len) = line[at..].find('}') else {
            continue;
        };
        let construct = &line[at..=at + len];
        let (message, action) = if construct.starts_with("{:toc") {
            (
                "kramdown {:toc} not converted: the default theme shows a table of contents by itself".to_string(),
                "remove it",
            )
        } else if construct.starts_with("{::") {
            (
                format!("kramdown extension {construct} not converted"),
                "remove it",
            )
        } else {
            (
                format!("kramdown attribute list {construct} not converted"),
                "write the element in HTML with its attributes, or remove it",
            )
        };
        out.push(Finding {
            line: i,
            message,
            action,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kramdown_constructs_are_found_outside_code() {
        let body =
            "* TOC\n{:toc}\n\nText\n{: .note}\n\n```\n{: .no}\n```\n{::comment}x{:/comment}\n";
        let found = find(body);
        let found: Vec<(usize, &str)> =
            found.iter().map(|f| (f.line, f.message.as_str())).collect();
        assert_eq!(
            found,
            [
                (
                    1,
                    "kramdown {:toc} not converted: the default theme shows a table of contents by itself"
                ),
                (4, "kramdown attribute list {: .note} not converted"),
                (9, "kramdown extension {::comment} not converted"),
            ]
        );
    }
}
