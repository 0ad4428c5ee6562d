//! Jekyll's URLs, worked out the way Jekyll 4 does (`lib/jekyll/url.rb`,
//! `drops/url_drop.rb`, `utils.rb`), so every imported page can keep its old
//! URL through ssg's `path` key: the built-in permalink styles, `:placeholder`
//! expansion, the suffix pages take from the site's style, slugs, and the
//! file a URL is written to.

use chrono::NaiveDateTime;

/// A built-in style's post template, or the text itself for a custom pattern
/// (Jekyll's `style_to_permalink`).
pub fn style_template(style: &str) -> String {
    match style {
        "date" => "/:categories/:year/:month/:day/:title:output_ext".into(),
        "pretty" => "/:categories/:year/:month/:day/:title/".into(),
        "ordinal" => "/:categories/:year/:y_day/:title:output_ext".into(),
        "weekdate" => "/:categories/:year/W:week/:short_day/:title:output_ext".into(),
        "none" => "/:categories/:title:output_ext".into(),
        custom => custom.into(),
    }
}

/// What pages and collection documents without a permalink append to their
/// template under the site's style (Jekyll's `add_permalink_suffix`).
pub fn suffix_for_style(style: &str) -> &'static str {
    match style {
        "pretty" => "/",
        "date" | "ordinal" | "none" => ":output_ext",
        s if s.ends_with('/') => "/",
        s if s.ends_with(":output_ext") => ":output_ext",
        _ => "",
    }
}

/// The values a document's URL template can name.
#[derive(Debug, Clone, Default)]
pub struct Placeholders {
    /// The date in the site's time zone.
    pub date: Option<NaiveDateTime>,
    /// The `slug` front matter key, else the file name's slug part.
    pub slug: String,
    /// The file name without its extension (with a post's date).
    pub basename: String,
    pub categories: Vec<String>,
    /// The collection's name (`posts` for posts).
    pub collection: String,
    /// Relative to the collection's folder, without the extension, from `/`.
    pub path: String,
    pub output_ext: String,
}

impl Placeholders {
    fn value(&self, name: &str) -> Option<String> {
        let date_fmt = match name {
            "year" => Some("%Y"),
            "month" => Some("%m"),
            "day" => Some("%d"),
            "hour" => Some("%H"),
            "minute" => Some("%M"),
            "second" => Some("%S"),
            "i_day" => Some("%-d"),
            "i_month" => Some("%-m"),
            "short_month" => Some("%b"),
            "long_month" => Some("%B"),
            "short_year" => Some("%y"),
            "w_year" => Some("%G"),
            "week" => Some("%V"),
            "w_day" => Some("%u"),
            "short_day" => Some("%a"),
            "long_day" => Some("%A"),
            "y_day" => Some("%j"),
            _ => None,
        };
        if let Some(fmt) = date_fmt {
            // A document without a date has Jekyll's build time; there is
            // none to keep, so the year 1970 stands in and is reported.
            let date = self.date.unwrap_or_default();
            return Some(date.format(fmt).to_string());
        }
        Some(match name {
            "title" => slugify(&self.slug, Mode::Pretty, true),
            "slug" => slugify(&self.slug, Mode::Default, false),
            "name" => slugify(&self.basename, Mode::Default, false),
            "categories" => {
                let mut seen: Vec<String> = Vec::new();
                for c in &self.categories {
                    let c = c.to_lowercase();
                    if !seen.contains(&c) {
                        seen.push(c);
                    }
                }
                seen.join("/")
            }
            "slugified_categories" => {
                let mut seen: Vec<String> = Vec::new();
                for c in &self.categories {
                    let c = slugify(c, Mode::Default, false);
                    if !seen.contains(&c) {
                        seen.push(c);
                    }
                }
                seen.join("/")
            }
            "collection" => self.collection.clone(),
            "path" => self.path.clone(),
            "output_ext" => self.output_ext.clone(),
            _ => return None,
        })
    }
}

/// Expands every `:name` of `template` (a run of `a-z` and `_`; a trailing
/// `_` may be the text after the name, as in `/:month_:day`), then tidies
/// the result as Jekyll's `sanitize_url` does. The URL is unescaped: it is
/// also the output file's path. `Err` names a placeholder that does not
/// exist (Jekyll stops the build on it).
pub fn expand(template: &str, values: &Placeholders) -> Result<String, String> {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(at) = rest.find(':') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let len = after
            .bytes()
            .take_while(|b| b.is_ascii_lowercase() || *b == b'_')
            .count();
        if len == 0 {
            out.push(':');
            rest = after;
            continue;
        }
        let name = &after[..len];
        let short = name.strip_suffix('_');
        let (winner, value) = match values.value(name) {
            Some(v) => (name, v),
            None => match short.and_then(|s| values.value(s).map(|v| (s, v))) {
                Some(found) => found,
                None => return Err(name.to_string()),
            },
        };
        out.push_str(&value);
        rest = &after[winner.len()..];
    }
    out.push_str(rest);
    Ok(sanitize(&out))
}

/// A page's own template values (Jekyll's `Page#url_placeholders`): only
/// `:path`, `:basename` and `:output_ext`; anything else stays as written.
pub fn expand_page(template: &str, dir: &str, basename: &str, output_ext: &str) -> String {
    let url = template
        .replace(":path", dir)
        .replace(":basename", basename)
        .replace(":output_ext", output_ext);
    sanitize(&url)
}

/// A template with named values only (Jekyll's `generate_url_from_hash`,
/// as plugins' pages use it): each `:key` given is replaced, the rest stays.
pub fn expand_hash(template: &str, values: &[(&str, &str)]) -> String {
    let mut url = template.to_string();
    for (key, value) in values {
        url = url.replace(&format!(":{key}"), value);
    }
    sanitize(&url)
}

/// `/` first, `..` and `./` out, runs of `/` as one.
fn sanitize(url: &str) -> String {
    let url = format!("/{url}").replace("..", "/").replace("./", "");
    let mut out = String::with_capacity(url.len());
    for c in url.chars() {
        if c == '/' && out.ends_with('/') {
            continue;
        }
        out.push(c);
    }
    out
}

/// The path a URL's page is written at by Jekyll, as ssg's `path` key takes
/// it: `/x/` and `/x.html` as they are, `/x` as `/x.html` (Jekyll adds the
/// output extension to a URL that lacks it).
pub fn output_path(url: &str, output_ext: &str) -> String {
    if url.ends_with('/') || url.ends_with(output_ext) {
        url.to_string()
    } else {
        format!("{url}{output_ext}")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Letters, marks and digits kept; anything else a hyphen.
    Default,
    /// Also keeps `._~!$&'()+,;=@`.
    Pretty,
}

/// Jekyll's `Utils.slugify` in its `default` and `pretty` modes: Unicode
/// letters stay (`crème-brûlée` is a valid Jekyll slug), runs of other
/// characters become one `-`, hyphens at the ends go, and the case is
/// lowered unless `cased`.
pub fn slugify(text: &str, mode: Mode, cased: bool) -> String {
    let keep =
        |c: char| c.is_alphanumeric() || (mode == Mode::Pretty && "._~!$&'()+,;=@".contains(c));
    let mut out = String::with_capacity(text.len());
    let mut gap = false;
    for c in text.chars() {
        if keep(c) {
            if gap {
                out.push('-');
                gap = false;
            }
            out.push(c);
        } else {
            gap = true;
        }
    }
    if gap {
        out.push('-');
    }
    let out = out.strip_prefix('-').unwrap_or(&out);
    let out = out.strip_suffix('-').unwrap_or(out);
    if cased {
        out.to_string()
    } else {
        out.to_lowercase()
    }
}

/// A title from a slug, as Jekyll gives a post without one:
/// `welcome-to-jekyll` → `Welcome To Jekyll`.
pub fn titleize(slug: &str) -> String {
    slug.split('-')
        .map(|word| {
            let mut chars = word.chars();
            match chars.next() {
                Some(first) => first
                    .to_uppercase()
                    .chain(chars.flat_map(char::to_lowercase))
                    .collect(),
                None => String::new(),
            }
        })
        .collect::<Vec<String>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn post(slug: &str, cats: &[&str], y: i32, m: u32, d: u32) -> Placeholders {
        Placeholders {
            date: NaiveDate::from_ymd_opt(y, m, d).and_then(|d| d.and_hms_opt(9, 5, 7)),
            slug: slug.into(),
            basename: format!("{y}-{m:02}-{d:02}-{slug}"),
            categories: cats.iter().map(|c| c.to_string()).collect(),
            collection: "posts".into(),
            path: format!("/{y}-{m:02}-{d:02}-{slug}"),
            output_ext: ".html".into(),
        }
    }

    #[test]
    fn builtin_styles_give_jekylls_post_urls() {
        let p = post("welcome-to-jekyll", &["Jekyll", "update"], 2019, 3, 2);
        let url = |style: &str| expand(&style_template(style), &p).unwrap();
        assert_eq!(
            url("date"),
            "/jekyll/update/2019/03/02/welcome-to-jekyll.html"
        );
        assert_eq!(
            url("pretty"),
            "/jekyll/update/2019/03/02/welcome-to-jekyll/"
        );
        assert_eq!(
            url("ordinal"),
            "/jekyll/update/2019/061/welcome-to-jekyll.html"
        );
        assert_eq!(
            url("weekdate"),
            "/jekyll/update/2019/W09/Sat/welcome-to-jekyll.html"
        );
        assert_eq!(url("none"), "/jekyll/update/welcome-to-jekyll.html");
        let bare = post("x", &[], 2019, 3, 2);
        assert_eq!(
            expand(&style_template("date"), &bare).unwrap(),
            "/2019/03/02/x.html"
        );
    }

    #[test]
    fn custom_patterns_expand_every_placeholder() {
        let p = post("My-Post", &[], 2021, 1, 5);
        let t = "/:short_year/:i_month/:i_day/:hour:minute:second/:slug/:name/:title:output_ext";
        assert_eq!(
            expand(t, &p).unwrap(),
            "/21/1/5/090507/my-post/2021-01-05-my-post/My-Post.html"
        );
        assert_eq!(expand("/:month_:day/:title", &p).unwrap(), "/01_05/My-Post");
        assert_eq!(expand("/blog/:nope/", &p), Err("nope".into()));
        assert_eq!(
            expand("/:collection/:path/", &p).unwrap(),
            "/posts/2021-01-05-My-Post/"
        );
    }

    #[test]
    fn pages_take_the_styles_suffix() {
        assert_eq!(suffix_for_style("date"), ":output_ext");
        assert_eq!(suffix_for_style("pretty"), "/");
        assert_eq!(suffix_for_style("/:year/:title/"), "/");
        assert_eq!(suffix_for_style("/:year/:title"), "");
        let t = format!("/:path/:basename{}", suffix_for_style("date"));
        assert_eq!(expand_page(&t, "/", "about", ".html"), "/about.html");
        assert_eq!(expand_page("/:path/", "/docs/", "index", ".html"), "/docs/");
        assert_eq!(output_path("/about", ".html"), "/about.html");
        assert_eq!(output_path("/about/", ".html"), "/about/");
        assert_eq!(
            expand_hash("/tag/:name/", &[("name", "rust")]),
            "/tag/rust/"
        );
        assert_eq!(
            expand_hash("/:year/:month/", &[("year", "2019"), ("month", "03")]),
            "/2019/03/"
        );
    }

    #[test]
    fn slugs_keep_unicode_letters_like_jekyll() {
        assert_eq!(
            slugify("Crème brûlée!", Mode::Default, false),
            "crème-brûlée"
        );
        assert_eq!(slugify("v1.2 (beta)", Mode::Pretty, true), "v1.2-(beta)");
        assert_eq!(
            slugify("--Hello World--", Mode::Default, false),
            "hello-world"
        );
        assert_eq!(titleize("welcome-to-jekyll"), "Welcome To Jekyll");
    }
}
