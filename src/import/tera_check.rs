//! Whether ssg can load a shortcode template an import would write: one
//! that Tera 2 cannot parse, or that calls a function or filter ssg lacks
//! (which Tera refuses when loading), would stop every build of the new
//! site, so the import reports it instead. One home for the Zola import
//! (templates copied) and the Hugo one (templates translated).

use crate::config::Config;

/// Why ssg could not load template `file` holding `text`, and its line.
pub fn load_error(file: &str, text: &str, config: &Config) -> Option<(Option<usize>, String)> {
    load_error_beside(file, text, &[], config)
}

/// [`load_error`], with the templates it calls components of loaded too.
pub fn load_error_beside(
    file: &str,
    text: &str,
    beside: &[(String, String)],
    config: &Config,
) -> Option<(Option<usize>, String)> {
    let mut tera = crate::templates::with_helpers(config);
    let templates = beside
        .iter()
        .map(|(name, text)| (name.as_str(), text.as_str()))
        .chain([(file, text)]);
    let error = tera.add_raw_templates(templates).err()?;
    let shown = error.to_string();
    // Tera's message: `error: WHAT\n --> FILE:LINE:COLUMN\n …`.
    let what = shown
        .lines()
        .next()
        .unwrap_or("")
        .trim_start_matches("error: ");
    let line = shown
        .split_once(&format!("{file}:"))
        .and_then(|(_, at)| at.split(':').next()?.parse().ok());
    Some((line, format!("ssg's templates cannot load it ({what})")))
}
