//! The engines compared, each behind one trait: a block of code in a fence
//! language in, HTML out (`None` when it has no grammar for the language).
//!
//! `syntect` is ssg's engine as src/highlight.rs drives it (two-face's
//! grammars, `hl-` scope classes). `syntaxmate` emits the same `hl-` scope
//! classes from its own tokens, so syntect's theme CSS colours both and
//! the screenshots show only the grammars' differences; `syntaxmate-html`
//! is its own themed renderer, its fastest path. `giallo` renders Zola's way
//! (classes per theme colour); `tree-sitter` maps its capture names onto
//! the nearest TextMate scope classes.

use std::cell::RefCell;
use std::collections::HashMap;

use syntect::html::{ClassStyle, ClassedHTMLGenerator, css_for_theme_with_class_style};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

use crate::highlight::fence_words::syntect_alias;
use crate::highlight::{adopted, scope_spans::push_scope_spans};

pub trait Engine {
    fn highlight(&self, lang: &str, code: &str) -> Option<String>;
    /// The CSS the HTML of [`Engine::highlight`] needs, in the Dracula theme
    /// (a theme both TextMate theme sets ship).
    fn stylesheet(&self) -> String;
}

pub const NAMES: [&str; 5] = [
    "syntect",
    "syntaxmate",
    "syntaxmate-html",
    "giallo",
    "tree-sitter",
];

/// Loads the engine's grammar set: the start-up a build or `ssg serve` pays.
pub fn load(name: &str) -> Box<dyn Engine> {
    match name {
        "syntect" => Box::new(Syntect::load()),
        "syntaxmate" => Box::new(Syntaxmate {
            highlighter: syntaxmate::Highlighter::bundled().expect("bundled syntaxmate grammars"),
            catalog: syntaxmate::Catalog::bundled(),
            own_html: false,
        }),
        "syntaxmate-html" => Box::new(Syntaxmate {
            highlighter: syntaxmate::Highlighter::bundled().expect("bundled syntaxmate grammars"),
            catalog: syntaxmate::Catalog::bundled(),
            own_html: true,
        }),
        "giallo" => {
            let mut registry = giallo::Registry::builtin().expect("giallo's built-in dump");
            registry.link_grammars();
            Box::new(Giallo { registry })
        }
        _ => Box::new(crate::engines::tree_sitter::TreeSitter::load()),
    }
}

pub const HL: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

fn syntect_dracula_css() -> String {
    let themes = two_face::theme::extra();
    css_for_theme_with_class_style(themes.get(two_face::theme::EmbeddedThemeName::Dracula), HL)
        .expect("Dracula's CSS")
}

pub struct Syntect {
    set: SyntaxSet,
}

impl Syntect {
    pub fn load() -> Syntect {
        Syntect {
            set: two_face::syntax::extra_newlines(),
        }
    }
}

impl Engine for Syntect {
    fn highlight(&self, lang: &str, code: &str) -> Option<String> {
        // Looked up as src/highlight/syntect_engine.rs does.
        let lower = lang.to_ascii_lowercase();
        let syntax = (self.set.find_syntax_by_token(syntect_alias(&lower)))
            .or_else(|| self.set.find_syntax_by_name(lang))
            .or_else(|| self.set.find_syntax_by_token(lang))?;
        let mut generator = ClassedHTMLGenerator::new_with_class_style(syntax, &self.set, HL);
        for line in LinesWithEndings::from(code) {
            generator
                .parse_html_for_line_which_includes_newline(line)
                .ok()?;
        }
        Some(format!(
            "<pre class=\"hl-code\"><code>{}</code></pre>",
            generator.finalize()
        ))
    }
    fn stylesheet(&self) -> String {
        syntect_dracula_css()
    }
}

struct Syntaxmate {
    highlighter: syntaxmate::Highlighter,
    catalog: syntaxmate::Catalog,
    own_html: bool,
}

impl Syntaxmate {
    fn highlighter_language(&self, lang: &str) -> Option<&str> {
        self.catalog.canonical_language(lang)
    }
}

impl Engine for Syntaxmate {
    fn highlight(&self, lang: &str, code: &str) -> Option<String> {
        if self.own_html {
            let html = self
                .highlighter
                .highlight_html(lang, code, syntaxmate::themes::GITHUB_DARK)
                .ok()?;
            return Some(html.as_str().to_string());
        }
        let language = self.highlighter_language(lang)?;
        let doc = self.highlighter.tokenize(language, code).ok()?;
        let mut html = String::with_capacity(code.len() * 3);
        html.push_str("<pre class=\"hl-code\"><code>");
        push_scope_spans(&mut html, code, &doc, adopted::renames_for(language))?;
        html.push_str("</code></pre>");
        Some(html)
    }
    fn stylesheet(&self) -> String {
        if self.own_html {
            String::new()
        } else {
            syntect_dracula_css()
        }
    }
}

struct Giallo {
    registry: giallo::Registry,
}

impl Engine for Giallo {
    fn highlight(&self, lang: &str, code: &str) -> Option<String> {
        let options = giallo::HighlightOptions::new(lang, giallo::ThemeVariant::Single("dracula"));
        let highlighted = self.registry.highlight(code, &options).ok()?;
        let renderer = giallo::HtmlRenderer {
            css_class_prefix: Some("g-".to_string()),
            ..Default::default()
        };
        Some(renderer.render(&highlighted, &giallo::RenderOptions::default()))
    }
    fn stylesheet(&self) -> String {
        self.registry
            .generate_css("dracula", "g-")
            .unwrap_or_default()
    }
}

pub mod tree_sitter {
    //! tree-sitter-highlight with the grammar crates of the corpus's languages.

    use super::*;
    use tree_sitter_highlight::{HighlightConfiguration, Highlighter, HtmlRenderer};

    /// Capture names of the grammars' highlight queries, and the TextMate
    /// scope classes that syntect's CSS colours the same way.
    const CAPTURES: &[(&str, &str)] = &[
        ("attribute", "hl-entity hl-other hl-attribute-name"),
        ("boolean", "hl-constant hl-language"),
        ("comment", "hl-comment"),
        ("constant", "hl-constant hl-other"),
        ("constant.builtin", "hl-constant hl-language"),
        ("constructor", "hl-entity hl-name hl-type"),
        ("escape", "hl-constant hl-character hl-escape"),
        ("function", "hl-entity hl-name hl-function"),
        ("function.builtin", "hl-support hl-function"),
        ("function.macro", "hl-support hl-function"),
        ("keyword", "hl-keyword"),
        ("label", "hl-entity hl-name hl-label"),
        ("module", "hl-entity hl-name hl-namespace"),
        ("number", "hl-constant hl-numeric"),
        ("operator", "hl-keyword hl-operator"),
        ("property", "hl-variable hl-other hl-member"),
        ("punctuation", "hl-punctuation"),
        ("string", "hl-string"),
        ("string.special", "hl-string hl-regexp"),
        ("tag", "hl-entity hl-name hl-tag"),
        ("type", "hl-storage hl-type"),
        ("type.builtin", "hl-storage hl-type"),
        ("variable.builtin", "hl-variable hl-language"),
        ("variable.parameter", "hl-variable hl-parameter"),
    ];

    pub struct TreeSitter {
        configs: HashMap<&'static str, HighlightConfiguration>,
        highlighter: RefCell<Highlighter>,
        attributes: Vec<String>,
    }

    fn config(
        language: tree_sitter_language::LanguageFn,
        name: &str,
        highlights: &str,
    ) -> HighlightConfiguration {
        let mut config = HighlightConfiguration::new(language.into(), name, highlights, "", "")
            .unwrap_or_else(|e| panic!("{name}'s highlight query: {e}"));
        let names: Vec<&str> = CAPTURES.iter().map(|(n, _)| *n).collect();
        config.configure(&names);
        config
    }

    impl TreeSitter {
        pub fn load() -> TreeSitter {
            let typescript = format!(
                "{}\n{}",
                tree_sitter_typescript::HIGHLIGHTS_QUERY,
                tree_sitter_javascript::HIGHLIGHT_QUERY
            );
            let configs = HashMap::from([
                (
                    "rust",
                    config(
                        tree_sitter_rust::LANGUAGE,
                        "rust",
                        tree_sitter_rust::HIGHLIGHTS_QUERY,
                    ),
                ),
                (
                    "python",
                    config(
                        tree_sitter_python::LANGUAGE,
                        "python",
                        tree_sitter_python::HIGHLIGHTS_QUERY,
                    ),
                ),
                (
                    "javascript",
                    config(
                        tree_sitter_javascript::LANGUAGE,
                        "javascript",
                        tree_sitter_javascript::HIGHLIGHT_QUERY,
                    ),
                ),
                (
                    "typescript",
                    config(
                        tree_sitter_typescript::LANGUAGE_TYPESCRIPT,
                        "typescript",
                        &typescript,
                    ),
                ),
                (
                    "go",
                    config(
                        tree_sitter_go::LANGUAGE,
                        "go",
                        tree_sitter_go::HIGHLIGHTS_QUERY,
                    ),
                ),
                (
                    "bash",
                    config(
                        tree_sitter_bash::LANGUAGE,
                        "bash",
                        tree_sitter_bash::HIGHLIGHT_QUERY,
                    ),
                ),
                (
                    "c",
                    config(tree_sitter_c::LANGUAGE, "c", tree_sitter_c::HIGHLIGHT_QUERY),
                ),
                (
                    "java",
                    config(
                        tree_sitter_java::LANGUAGE,
                        "java",
                        tree_sitter_java::HIGHLIGHTS_QUERY,
                    ),
                ),
                (
                    "json",
                    config(
                        tree_sitter_json::LANGUAGE,
                        "json",
                        tree_sitter_json::HIGHLIGHTS_QUERY,
                    ),
                ),
                (
                    "yaml",
                    config(
                        tree_sitter_yaml::LANGUAGE,
                        "yaml",
                        tree_sitter_yaml::HIGHLIGHTS_QUERY,
                    ),
                ),
                (
                    "toml",
                    config(
                        tree_sitter_toml_ng::LANGUAGE,
                        "toml",
                        tree_sitter_toml_ng::HIGHLIGHTS_QUERY,
                    ),
                ),
                (
                    "sql",
                    config(
                        tree_sitter_sequel::LANGUAGE,
                        "sql",
                        tree_sitter_sequel::HIGHLIGHTS_QUERY,
                    ),
                ),
            ]);
            let attributes = CAPTURES
                .iter()
                .map(|(_, c)| format!("class=\"{c}\""))
                .collect();
            TreeSitter {
                configs,
                highlighter: RefCell::new(Highlighter::new()),
                attributes,
            }
        }
    }

    impl Engine for TreeSitter {
        fn highlight(&self, lang: &str, code: &str) -> Option<String> {
            let config = self.configs.get(lang)?;
            let mut highlighter = self.highlighter.borrow_mut();
            let events = highlighter
                .highlight(config, code.as_bytes(), None, None, |_| None)
                .ok()?;
            let mut renderer = HtmlRenderer::new();
            renderer
                .render(events, code.as_bytes(), &|h, out: &mut Vec<u8>| {
                    out.extend_from_slice(self.attributes[h.0].as_bytes())
                })
                .ok()?;
            let mut html = String::from("<pre class=\"hl-code\"><code>");
            for line in renderer.lines() {
                html.push_str(line);
            }
            html.push_str("</code></pre>");
            Some(html)
        }
        fn stylesheet(&self) -> String {
            syntect_dracula_css()
        }
    }
}
