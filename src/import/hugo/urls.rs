//! Hugo's URLs, computed the way Hugo computes them, so each imported page
//! can be kept at exactly its old address.
//!
//! Facts checked against Hugo 0.168's output (the test suite builds its
//! fixture with the real Hugo): paths made from file names, titles and
//! slugs keep Unicode letters, digits and `. _ ~ + - @ #`, turn runs of
//! spaces into one `-`, drop other punctuation, and are lower-cased unless
//! `disablePathToLower`; a front matter `url` is kept as written.

use super::dates::HugoDate;

/// Path rules from the site config.
#[derive(Debug, Clone)]
pub struct UrlRules {
    /// `!disablePathToLower`.
    pub lower: bool,
    /// `uglyURLs`: `/posts/x.html` instead of `/posts/x/`.
    pub ugly: bool,
}

impl Default for UrlRules {
    fn default() -> Self {
        UrlRules {
            lower: true,
            ugly: false,
        }
    }
}

impl UrlRules {
    /// Hugo's path sanitizing of a name or a whole path (`/` is kept).
    pub fn sanitize(&self, s: &str) -> String {
        let mut out = String::with_capacity(s.len());
        let mut pending_dash = false;
        let chars: Vec<char> = s.chars().collect();
        for (i, &c) in chars.iter().enumerate() {
            let escape = c == '%'
                && chars.get(i + 1).is_some_and(char::is_ascii_hexdigit)
                && chars.get(i + 2).is_some_and(char::is_ascii_hexdigit);
            let kept = c.is_alphanumeric()
                || is_mark(c)
                || escape
                || matches!(c, '.' | '/' | '\\' | '_' | '#' | '+' | '~' | '-' | '@');
            if kept {
                if pending_dash && c != '-' && !out.ends_with('-') {
                    out.push('-');
                }
                pending_dash = false;
                out.push(c);
            } else if c.is_whitespace() && !out.is_empty() && !out.ends_with('-') {
                pending_dash = true;
            }
        }
        if self.lower { out.to_lowercase() } else { out }
    }

    /// A page's URL from its folder and last segment: `/posts/my-post/`.
    pub fn page_url(&self, dir: &str, name: &str) -> String {
        let mut url = String::from("/");
        for seg in dir.split('/').filter(|s| !s.is_empty()) {
            url.push_str(&self.sanitize(seg));
            url.push('/');
        }
        url.push_str(&self.sanitize(name));
        self.finish(url)
    }

    /// A section's URL: `/posts/`.
    pub fn section_url(&self, dir: &str) -> String {
        let mut url = String::from("/");
        for seg in dir.split('/').filter(|s| !s.is_empty()) {
            url.push_str(&self.sanitize(seg));
            url.push('/');
        }
        url
    }

    /// The folder of a term's page, pagers and feed: `/tags/c++/` for the
    /// term `C++` of taxonomy `tags`.
    pub fn term_dir(&self, taxonomy: &str, term: &str) -> String {
        format!("/{}/{}/", self.sanitize(taxonomy), self.sanitize(term))
    }

    /// A term's page: its folder, or `/tags/Go.html` with `uglyURLs`.
    pub fn term_url(&self, taxonomy: &str, term: &str) -> String {
        let dir = self.term_dir(taxonomy, term);
        if self.ugly {
            format!("{}.html", dir.trim_end_matches('/'))
        } else {
            dir
        }
    }

    /// Pager `n` of a term: `/tags/go/page/2/`, or `/tags/Go/page/2.html`
    /// with `uglyURLs` (Hugo 0.168 makes term pagers ugly, not section ones).
    pub fn term_pager(&self, term_dir: &str, n: usize) -> String {
        if self.ugly {
            format!("{term_dir}page/{n}.html")
        } else {
            format!("{term_dir}page/{n}/")
        }
    }

    fn finish(&self, url: String) -> String {
        if self.ugly {
            format!("{url}.html")
        } else {
            format!("{url}/")
        }
    }
}

/// Combining marks (accents written as their own code point) are kept.
fn is_mark(c: char) -> bool {
    matches!(c as u32, 0x300..=0x36F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}

/// What a permalink pattern's tokens are filled from.
#[derive(Clone, Copy)]
pub struct PageFacts<'a> {
    /// Content folder of the page: `posts/2019` (a bundle's parent).
    pub dir: &'a str,
    pub title: &'a str,
    pub slug: Option<&'a str>,
    /// File name without extension, or a bundle's folder name.
    pub base_name: &'a str,
    pub date: Option<&'a HugoDate>,
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const WEEKDAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

/// Expands a `[permalinks]` pattern for one page. `Err` names a token
/// ssg cannot fill, so the caller reports it.
pub fn expand(pattern: &str, page: &PageFacts, rules: &UrlRules) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = pattern;
    while let Some(at) = rest.find(':') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let len = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '[' || c == ']'))
            .unwrap_or(after.len());
        let token = &after[..len];
        out.push_str(&token_value(token, page, rules)?);
        rest = &after[len..];
    }
    out.push_str(rest);
    let mut url = rules.sanitize(&out);
    if !url.starts_with('/') {
        url.insert(0, '/');
    }
    // Hugo writes `/a/b` as the folder `/a/b/` unless it names a file,
    // and as the file `/a/b.html` with `uglyURLs`.
    let last = url.rsplit('/').next().unwrap_or("");
    if !url.ends_with('/') && !last.contains('.') {
        url.push('/');
    }
    if rules.ugly && url.len() > 1 && url.ends_with('/') {
        url.pop();
        url.push_str(".html");
    }
    Ok(url)
}

fn token_value(token: &str, page: &PageFacts, rules: &UrlRules) -> Result<String, String> {
    let dated = |f: &dyn Fn(&HugoDate) -> String| {
        page.date
            .map(f)
            .ok_or_else(|| format!("`:{token}` needs a date and the page has none"))
    };
    let sections: Vec<&str> = page.dir.split('/').filter(|s| !s.is_empty()).collect();
    let slug_or_title = || match page.slug {
        Some(slug) => slug.to_string(),
        None => rules.sanitize(page.title),
    };
    Ok(match token {
        "year" => dated(&|d| format!("{:04}", d.year()))?,
        "month" => dated(&|d| d.day.format("%m").to_string())?,
        "monthname" => dated(&|d| {
            MONTHS[d.day.format("%m").to_string().parse::<usize>().unwrap_or(1) - 1].to_string()
        })?,
        "day" => dated(&|d| d.day.format("%d").to_string())?,
        "weekday" => dated(&|d| d.day.format("%w").to_string())?,
        "weekdayname" => dated(&|d| {
            WEEKDAYS[d.day.format("%w").to_string().parse::<usize>().unwrap_or(0)].to_string()
        })?,
        "yearday" => dated(&|d| d.day.format("%-j").to_string())?,
        // Hugo lower-cases section names here even with disablePathToLower.
        "section" => sections.first().copied().unwrap_or("").to_lowercase(),
        "sections" => sections.join("/").to_lowercase(),
        "title" => rules.sanitize(page.title),
        "slug" => slug_or_title(),
        "filename" | "contentbasename" => page.base_name.to_string(),
        "slugorfilename" | "slugorcontentbasename" => page
            .slug
            .map_or_else(|| page.base_name.to_string(), str::to_string),
        other => return Err(format!("the permalink token `:{other}` is not supported")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitize_keeps_unicode_and_lowers() {
        let r = UrlRules::default();
        assert_eq!(
            r.sanitize("Crème brûlée, à la française"),
            "crème-brûlée-à-la-française"
        );
        assert_eq!(r.sanitize("First Note"), "first-note");
        assert_eq!(r.sanitize("Custom_Slug"), "custom_slug");
        assert_eq!(r.sanitize("C++"), "c++");
        assert_eq!(r.sanitize("Web Development"), "web-development");
        assert_eq!(r.sanitize("a - b"), "a-b");
        assert_eq!(r.sanitize("What? Why!"), "what-why");
        let keep = UrlRules {
            lower: false,
            ugly: false,
        };
        assert_eq!(keep.sanitize("My Post"), "My-Post");
    }

    #[test]
    fn default_urls_follow_the_file() {
        let r = UrlRules::default();
        assert_eq!(r.page_url("notes", "Ünïcode-Ñame"), "/notes/ünïcode-ñame/");
        assert_eq!(r.section_url("Posts/2019"), "/posts/2019/");
        assert_eq!(r.term_url("tags", "Café"), "/tags/café/");
        let ugly = UrlRules {
            lower: true,
            ugly: true,
        };
        assert_eq!(ugly.page_url("posts", "x"), "/posts/x.html");
    }

    #[test]
    fn permalink_patterns() {
        let r = UrlRules::default();
        let date = HugoDate::parse("2021-06-05T18:30:00+02:00").unwrap();
        let page = PageFacts {
            dir: "posts/food",
            title: "Crème brûlée!",
            slug: None,
            base_name: "Creme",
            date: Some(&date),
        };
        let x = |p: &str| expand(p, &page, &r).unwrap();
        assert_eq!(x("/:year/:month/:slug/"), "/2021/06/crème-brûlée/");
        assert_eq!(
            x("/:year/:monthname/:day/:title"),
            "/2021/june/05/crème-brûlée/"
        );
        assert_eq!(x(":sections/:filename/"), "/posts/food/creme/");
        let cased = UrlRules {
            lower: false,
            ugly: false,
        };
        let nested = PageFacts {
            dir: "Articles/Deep",
            ..page
        };
        assert_eq!(
            expand("/:sections/:title/", &nested, &cased).unwrap(),
            "/articles/deep/Crème-brûlée/"
        );
        let page = PageFacts {
            dir: "posts/food",
            ..nested
        };
        assert_eq!(
            x("/:section/:weekday-:weekdayname-:yearday/"),
            "/posts/6-saturday-156/"
        );
        assert_eq!(x("/archive/:contentbasename.html"), "/archive/creme.html");
        assert!(expand("/:lang/:slug/", &page, &r).is_err());
        let undated = PageFacts { date: None, ..page };
        assert!(expand("/:year/:slug/", &undated, &r).is_err());
    }
}
