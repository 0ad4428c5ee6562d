//! `--agree`: how much of syntaxmate's output (ssg's `hl-` classes, ssg's
//! scope renames) a reader sees in the same colours as syntect's, per fence
//! word. For every character that is not whitespace, each engine's HTML is
//! resolved against a bat theme's CSS (src/highlight/looks.rs, the method
//! ssg's own test uses): colour, background, bold, italic, underline. A
//! language may switch engines only where the share is 100 % under every
//! theme (docs/perf.md, "Highlighting engines"). `AGREE_WORDS=toml,json`
//! limits the run to those fence words.

use std::collections::{BTreeMap, HashMap};

use syntect::html::css_for_theme_with_class_style;

use crate::corpus::Block;
use crate::engines::{Engine, HL, Syntect};
use crate::highlight::looks::{Stylesheet, agreement};
use crate::highlight::{adopted, scope_spans};

/// Per fence word: characters shown, and per theme the characters alike.
#[derive(Default)]
struct Tally {
    shown: usize,
    same: Vec<usize>,
    /// (syntect's scopes, syntaxmate's) → (characters × themes, an example text).
    differing: HashMap<(String, String), (usize, String)>,
    blocks: usize,
    unmatched: usize,
}

/// Every one of bat's themes: a user may pick any.
fn stylesheets() -> Vec<(String, Stylesheet)> {
    let themes = two_face::theme::extra();
    two_face::theme::EmbeddedLazyThemeSet::theme_names()
        .iter()
        .map(|name| {
            let css =
                css_for_theme_with_class_style(themes.get(*name), HL).expect("a bat theme's CSS");
            (name.as_name().to_string(), Stylesheet::parse(&css))
        })
        .collect()
}

pub fn run(blocks: &[Block], verbose: usize) {
    let syntect = Syntect::load();
    let syntaxmate = syntaxmate::Highlighter::bundled().expect("bundled syntaxmate grammars");
    let catalog = syntaxmate::Catalog::bundled();
    let sheets = stylesheets();
    let default_theme = sheets
        .iter()
        .position(|(n, _)| n == "base16-ocean.dark")
        .expect("the default theme");
    let mut tallies: BTreeMap<String, Tally> = BTreeMap::new();
    let only = std::env::var("AGREE_WORDS").unwrap_or_default();
    for block in blocks {
        let word = block.lang.to_ascii_lowercase();
        if !only.is_empty() && !only.split(',').any(|w| w == word) {
            continue;
        }
        let Some(language) = catalog.canonical_language(&word) else {
            continue;
        };
        let Some(first) = syntect.highlight(&word, &block.code) else {
            continue;
        };
        let tally = tallies.entry(word.clone()).or_default();
        tally.same.resize(sheets.len(), 0);
        tally.blocks += 1;
        let Some(second) = syntaxmate_html(&syntaxmate, language, &block.code) else {
            tally.unmatched += 1;
            continue;
        };
        for (i, (_, sheet)) in sheets.iter().enumerate() {
            let result = match agreement(sheet, &first, &second) {
                Ok(result) => result,
                Err(e) => {
                    eprintln!("{}: {e}", block.source.display());
                    tally.unmatched += 1;
                    break;
                }
            };
            if i == default_theme {
                tally.shown += result.shown;
            }
            {
                for (c, a, b) in result.differing {
                    let entry = tally.differing.entry((a, b)).or_default();
                    entry.0 += 1;
                    if entry.1.len() < 24 {
                        entry.1.push(c);
                    }
                }
            }
            tally.same[i] += result.same;
        }
    }
    report(&tallies, &sheets, default_theme, verbose, &catalog);
}

fn syntaxmate_html(
    highlighter: &syntaxmate::Highlighter,
    language: &str,
    code: &str,
) -> Option<String> {
    let document = highlighter.tokenize(language, code).ok()?;
    let mut html = String::from("<pre class=\"hl-code\"><code>");
    scope_spans::push_scope_spans(&mut html, code, &document, adopted::renames_for(language))?;
    html.push_str("</code></pre>");
    Some(html)
}

fn report(
    tallies: &BTreeMap<String, Tally>,
    sheets: &[(String, Stylesheet)],
    default_theme: usize,
    verbose: usize,
    catalog: &syntaxmate::Catalog,
) {
    println!(
        "fence word   | ssg's engine | syntaxmate id | blocks | shown chars | same, {} | same, worst theme",
        sheets[default_theme].0
    );
    for (word, tally) in tallies {
        let pct = |same: usize| 100.0 * same as f64 / tally.shown.max(1) as f64;
        let (worst_index, worst) = (tally.same.iter().enumerate())
            .min_by_key(|(_, s)| **s)
            .map(|(i, s)| (i, *s))
            .unwrap_or((0, 0));
        println!(
            "{word:<12} | {:<12} | {:<13} | {:>6} | {:>11} | {:>8.3} % | {:>8.3} % ({}){}",
            if adopted::adopted_language(word).is_some() {
                "syntaxmate"
            } else {
                "syntect"
            },
            catalog.canonical_language(word).unwrap_or("-"),
            tally.blocks,
            tally.shown,
            pct(tally.same[default_theme]),
            pct(worst),
            sheets[worst_index].0,
            if tally.unmatched > 0 {
                format!(", {} blocks not comparable", tally.unmatched)
            } else {
                String::new()
            }
        );
        let below: Vec<String> = (sheets.iter().zip(&tally.same))
            .filter(|(_, same)| **same < tally.shown)
            .map(|((name, _), same)| format!("{name} {}", tally.shown - same))
            .collect();
        if verbose > 0 && !below.is_empty() {
            println!(
                "    characters that differ, per theme: {}",
                below.join(", ")
            );
        }
        let mut differing: Vec<_> = tally.differing.iter().collect();
        differing.sort_by(|a, b| b.1.0.cmp(&a.1.0));
        for ((a, b), (count, example)) in differing.iter().take(verbose) {
            println!(
                "    {count:>6}  e.g. {example:?}\n        syntect    {a}\n        syntaxmate {b}"
            );
        }
    }
}
