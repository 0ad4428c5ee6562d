//! The filters and functions every template, shortcode and hook can call
//! beyond Tera's own and the site functions (`render::site_functions`):
//! `date`, `slugify`, `striptags`, `markdown`, `get_url`, `asset_url`,
//! the image functions, and the few that imported sites need in Hugo's and
//! Zola's spelling (`find_re`, `concat`, `get_random`).

use chrono::DateTime;
use tera::{Kwargs, State, Tera, TeraResult};

use crate::assets::Fingerprints;
use crate::config::Config;
use crate::content::PageDate;
use crate::slug::slugify;

/// Registers them all on `tera`.
pub fn register(tera: &mut Tera, config: &Config) {
    register_text_filters(tera, config);
    register_url_functions(tera, config);
    register_imported_spellings(tera);
}

/// `date`, `slugify`, `striptags`, `markdown`.
fn register_text_filters(tera: &mut Tera, config: &Config) {
    // `{{ page.date | date(format="%B %e, %Y") }}`: strftime over the date as written.
    tera.register_filter(
        "date",
        |value: &str, kwargs: Kwargs, _: &State| -> TeraResult<String> {
            let format: &str = kwargs.get("format")?.unwrap_or("%Y-%m-%d");
            let instant = PageDate::parse(value)
                .map(|d| d.instant)
                .or_else(|| DateTime::parse_from_rfc3339(value).ok())
                .ok_or_else(|| {
                    tera::Error::message(format!(
                        "the date filter cannot read \"{value}\" as a date"
                    ))
                })?;
            let mut out = String::new();
            use std::fmt::Write;
            write!(out, "{}", instant.format(format))
                .map_err(|_| tera::Error::message(format!("invalid date format \"{format}\"")))?;
            Ok(out)
        },
    );
    tera.register_filter("slugify", |value: &str, _: Kwargs, _: &State| {
        slugify(value)
    });
    tera.register_filter("striptags", |value: &str, _: Kwargs, _: &State| {
        crate::escape::html_text(value)
    });
    // `{{ body | markdown | safe }}`, as in Zola (shortcodes' bodies); with
    // `inline=true` a single paragraph loses its `<p>`.
    let md = crate::markdown::MarkdownOptions::of(config);
    tera.register_filter(
        "markdown",
        move |value: &str, kwargs: Kwargs, _: &State| -> TeraResult<String> {
            let html = crate::markdown::render_inline(value, md);
            if kwargs.get::<bool>("inline")?.unwrap_or(false) {
                let trimmed = html.trim_end();
                if let Some(inner) = trimmed
                    .strip_prefix("<p>")
                    .and_then(|t| t.strip_suffix("</p>"))
                    .filter(|inner| !inner.contains("<p>"))
                {
                    return Ok(inner.to_string());
                }
            }
            Ok(html)
        },
    );
}

/// `get_url`, `asset_url` and the image functions.
fn register_url_functions(tera: &mut Tera, config: &Config) {
    // Known before the static files are read, so templates that call it
    // parse; `set_fingerprints` gives it the names.
    Fingerprints::default().register(tera, &config.base_url);
    std::sync::Arc::new(crate::images::Images::none(&config.images)).register_functions(tera);
    let base_url = config.base_url.clone();
    // `{{ get_url(path="/style.css") }}`: an absolute URL on this site.
    tera.register_function(
        "get_url",
        move |kwargs: Kwargs, _: &State| -> TeraResult<String> {
            let path: &str = kwargs.must_get("path")?;
            if path.contains("://") {
                return Ok(path.to_string());
            }
            let path = path.trim_start_matches('/');
            Ok(format!("{base_url}/{path}"))
        },
    );
}

/// What imported sites call in Hugo's and Zola's spelling: `find_re`
/// (Hugo's `findRE`), `concat` (Hugo's `append`), `get_random`.
fn register_imported_spellings(tera: &mut Tera) {
    // `{{ text | find_re(pat="<h[1-6]", limit=1) }}`: the matches, as
    // Hugo's `findRE` gives them (shortcodes the Hugo import translates).
    tera.register_filter(
        "find_re",
        |value: &str, kwargs: Kwargs, _: &State| -> TeraResult<Vec<String>> {
            let pat: &str = kwargs.must_get("pat")?;
            let limit: Option<i64> = kwargs.get("limit")?;
            let re = regex_lite::Regex::new(pat).map_err(|e| {
                tera::Error::message(format!("find_re: `{pat}` is not a regular expression: {e}"))
            })?;
            let take = limit
                .and_then(|l| usize::try_from(l).ok())
                .unwrap_or(usize::MAX);
            Ok(re
                .find_iter(value)
                .take(take)
                .map(|m| m.as_str().to_string())
                .collect())
        },
    );
    // `{{ list | concat(with=x) }}`: the list with x (or x's items) after
    // it, as Tera 1 and Hugo's `append` have it.
    tera.register_filter(
        "concat",
        |value: tera::Value, kwargs: Kwargs, _: &State| -> TeraResult<Vec<tera::Value>> {
            let with: tera::Value = kwargs.must_get("with")?;
            let mut out: Vec<tera::Value> = match value.as_array() {
                Some(items) => items.to_vec(),
                None if value.is_none() || value.is_undefined() => Vec::new(),
                None => vec![value.clone()],
            };
            match with.as_array() {
                Some(items) => out.extend(items.iter().cloned()),
                None => out.push(with.clone()),
            }
            Ok(out)
        },
    );
    tera.register_function("get_random", get_random);
}

/// Zola's `get_random(start=0, end)`: a number in `start..end`. Themes
/// use it for element ids (tabi's `image_toggler`), so it comes from the
/// page, the call's `nth` and the range rather than from chance: a page
/// is the same bytes on every build, and publish does not upload it again.
fn get_random(kwargs: Kwargs, state: &State) -> TeraResult<i64> {
    let start: i64 = kwargs.get("start")?.unwrap_or(0);
    let end: i64 = kwargs.must_get("end")?;
    if end <= start {
        return Err(tera::Error::message(format!(
            "get_random: `end` ({end}) must be above `start` ({start})"
        )));
    }
    let page = state
        .get::<tera::Value>("page")?
        .and_then(|p| {
            Some(
                p.as_map()?
                    .get(&tera::value::Key::from("path"))?
                    .to_string(),
            )
        })
        .unwrap_or_default();
    let nth = state.get::<i64>("nth")?.unwrap_or(0);
    let span = end.abs_diff(start);
    let offset = crate::hash::of(&(page, nth, start, end)) % span;
    Ok(start.wrapping_add_unsigned(offset))
}
