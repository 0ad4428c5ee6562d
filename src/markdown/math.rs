//! `$…$` and `$$…$$` (pulldown-cmark's math events) rendered to MathML at
//! build time, so a page with math needs no script: every current browser
//! draws MathML Core itself. The TeX is read by pulldown-latex.

use pulldown_latex::config::DisplayMode;
use pulldown_latex::{Parser, RenderConfig, Storage, push_mathml};

/// MathML for `tex`, or what is wrong with it (the first error).
pub fn to_mathml(tex: &str, display: bool) -> Result<String, String> {
    // A dependency's panic on some input must not end the build.
    std::panic::catch_unwind(|| render(tex, display))
        .unwrap_or_else(|_| Err("the TeX reader failed on this formula".to_string()))
}

fn render(tex: &str, display: bool) -> Result<String, String> {
    let storage = Storage::new();
    let events: Vec<_> = Parser::new(tex, &storage).collect();
    if let Some(Err(e)) = events.iter().find(|e| e.is_err()) {
        let first = e.to_string();
        let message = first
            .trim_start_matches("parsing error: ")
            .lines()
            .next()
            .unwrap_or("")
            .trim()
            .to_string();
        return Err(message);
    }
    let config = RenderConfig {
        display_mode: if display {
            DisplayMode::Block
        } else {
            DisplayMode::Inline
        },
        annotation: Some(tex),
        ..RenderConfig::default()
    };
    let mut html = String::new();
    push_mathml(&mut html, events.into_iter(), config).map_err(|e| e.to_string())?;
    Ok(html)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_and_display_math() {
        let inline = to_mathml("x^2", false).unwrap();
        assert!(inline.starts_with("<math"), "{inline}");
        assert!(inline.contains("<msup>"), "{inline}");
        assert!(
            inline.contains("x^2"),
            "the source is kept as an annotation: {inline}"
        );
        let block = to_mathml(r"\frac{a}{b}", true).unwrap();
        assert!(block.contains("display=\"block\""), "{block}");
        assert!(block.contains("<mfrac>"), "{block}");
    }

    #[test]
    fn invalid_tex_is_an_error() {
        let e = to_mathml(r"\frac{a}{", false).unwrap_err();
        assert!(!e.is_empty());
        let e = to_mathml(r"\notacommand x", false).unwrap_err();
        assert!(!e.is_empty());
    }
}
