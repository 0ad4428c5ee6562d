//! Zola's `content/`: pages and sections with their front matter mapped to
//! ssg's keys, a `path` wherever ssg would put a page elsewhere, redirects
//! for taxonomy pages whose URL changes, and assets copied beside.

use std::path::Path;

use serde_json::{Map, Value};

use super::config::Settings;
use super::shortcodes;
use crate::content::front_matter::{self, FrontMatter};
use crate::content::walk::{self, PagePlace};
use crate::import::{CopyFile, NewFrontMatter, NewPage, Plan};
use crate::layout;
use crate::site::SortBy;

/// Every file of `content/`: Markdown converted, anything else copied.
/// `usable`: the site's shortcodes the new site has.
pub fn read_content(
    src: &Path,
    settings: &Settings,
    usable: &std::collections::BTreeSet<String>,
    plan: &mut Plan,
) {
    let content = src.join(layout::CONTENT);
    let files: Vec<String> = walkdir::WalkDir::new(&content)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            e.depth() == 0 || !layout::is_ignored_source(&e.file_name().to_string_lossy())
        })
        .flatten()
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| {
            let inner = e.path().strip_prefix(&content).ok()?;
            Some(inner.to_string_lossy().replace('\\', "/"))
        })
        .collect();
    let translations = Translations::of(&files, settings);
    for rel in &files {
        if rel.ends_with(".md") {
            convert_file(src, rel, settings, usable, &translations, plan);
        } else if let Err(err) = std::fs::File::open(content.join(rel)) {
            plan.report.note(
                shown(rel),
                None,
                format!("not copied: {err}"),
                "check its permissions and import again",
            );
        } else {
            for to in translations.copies_of(rel) {
                plan.copies.push(CopyFile {
                    from: shown(rel),
                    to: format!("{}/{to}", layout::CONTENT),
                });
            }
        }
    }
}

/// Zola's translations (`x.fr.md`, `trip/index.fr.md`, `_index.fr.md`)
/// sit beside what they translate and are published under `/fr/`, each
/// language's sections listing its own pages. In ssg a page in another
/// language lives under a folder of its language, which ssg reads as the
/// translation of the page at the same place without it: each
/// moves under a folder of its language (`fr/blog/x.md`,
/// `fr/blog/trip/index.md` with a copy of the bundle's files,
/// `fr/blog/_index.md`), so its URL is Zola's without a `path`, a
/// translated section is a section (not a stray page named `_index.fr`),
/// and `/fr/blog/` lists the French posts, not `/blog/`. `@/` links to
/// the files follow them.
struct Translations {
    /// Translated Markdown file → where it goes, content-relative.
    moved: std::collections::BTreeMap<String, String>,
    /// Bundle folder → the languages it has a translation in.
    bundles: std::collections::BTreeMap<String, Vec<String>>,
}

/// A translation's file name (`x.fr.md`) → its stem and language.
fn translation_of<'n>(name: &'n str, settings: &Settings) -> Option<(&'n str, &'n str)> {
    name.strip_suffix(".md")
        .and_then(|n| n.rsplit_once('.'))
        .filter(|(_, lang)| settings.languages.iter().any(|l| l == lang))
}

impl Translations {
    fn of(files: &[String], settings: &Settings) -> Translations {
        let mut moved = std::collections::BTreeMap::new();
        let mut bundles = std::collections::BTreeMap::<String, Vec<String>>::new();
        for rel in files {
            let (dir, name) = rel.rsplit_once('/').unwrap_or(("", rel));
            let Some((stem, lang)) = translation_of(name, settings) else {
                continue;
            };
            let folder = match dir {
                "" => lang.to_string(),
                dir => format!("{lang}/{dir}"),
            };
            moved.insert(rel.clone(), format!("{folder}/{stem}.md"));
            if stem == "index" && !dir.is_empty() {
                bundles
                    .entry(dir.to_string())
                    .or_default()
                    .push(lang.to_string());
            }
        }
        Translations { moved, bundles }
    }

    /// Where the Markdown file `rel` goes, content-relative.
    fn dest_of(&self, rel: &str) -> String {
        self.moved
            .get(rel)
            .cloned()
            .unwrap_or_else(|| rel.to_string())
    }

    /// Where the file `rel` is copied: its place, and each translation's
    /// bundle when it belongs to a translated bundle.
    fn copies_of(&self, rel: &str) -> Vec<String> {
        let mut to = vec![rel.to_string()];
        for (dir, langs) in &self.bundles {
            if rel
                .strip_prefix(dir.as_str())
                .is_some_and(|r| r.starts_with('/'))
            {
                to.extend(langs.iter().map(|lang| format!("{lang}/{rel}")));
            }
        }
        to
    }

    /// `body` with its `@/` links to translations moved along.
    fn relink(&self, body: String) -> String {
        if self.moved.is_empty() || !body.contains("@/") {
            return body;
        }
        let mut body = body;
        for (from, to) in &self.moved {
            let old = format!("@/{from}");
            if body.contains(&old) {
                body = body.replace(&old, &format!("@/{to}"));
            }
        }
        body
    }
}

/// `content/REL`, as the file is named in the report.
fn shown(rel: &str) -> std::path::PathBuf {
    Path::new(layout::CONTENT).join(rel)
}

fn convert_file(
    src: &Path,
    rel: &str,
    settings: &Settings,
    usable: &std::collections::BTreeSet<String>,
    translations: &Translations,
    plan: &mut Plan,
) {
    let shown = shown(rel);
    let parsed = crate::error::read_text(&src.join(&shown), &shown).and_then(|text| {
        let split = front_matter::parse(&text, &shown)?;
        Ok((
            split.front_matter,
            split.body.to_string(),
            split.body_line_offset,
        ))
    });
    let (fm, body, offset) = match parsed {
        Ok(parsed) => parsed,
        Err(d) => {
            plan.report.note(
                &shown,
                d.line,
                format!("not imported: {}", d.message),
                "fix the file and import again",
            );
            return;
        }
    };
    let dest = translations.dest_of(rel);
    let (mut front_matter, body) = if dest.rsplit('/').next() == Some("_index.md") {
        (section(rel, &dest, fm, settings, plan), body)
    } else {
        (page(rel, &dest, fm, settings, plan), body)
    };
    // Its shortcodes and the theme's `<html lang>` follow it, as in Zola.
    let name = rel.rsplit('/').next().unwrap_or(rel);
    front_matter.lang = translation_of(name, settings).map(|(_, lang)| lang.to_string());
    let body = shortcodes::convert(usable, &body, offset, &shown, &mut plan.report);
    plan.pages.push(NewPage {
        source: shown,
        dest: format!("{}/{dest}", layout::CONTENT),
        front_matter,
        body: translations.relink(body),
    });
}

/// The keys both pages and sections share.
fn common(fm: &FrontMatter) -> NewFrontMatter {
    NewFrontMatter {
        title: fm.title.clone(),
        date: fm.date.as_ref().map(|d| d.to_text()),
        updated: fm.updated.as_ref().map(|d| d.to_text()),
        draft: fm.draft,
        weight: fm.weight,
        aliases: fm.aliases.clone(),
        ..Default::default()
    }
}

/// The front matter of the page `rel` (content-relative), which the new
/// site has at `dest`.
fn page(
    rel: &str,
    dest: &str,
    mut fm: FrontMatter,
    settings: &Settings,
    plan: &mut Plan,
) -> NewFrontMatter {
    let shown = shown(rel);
    let mut extra = std::mem::take(&mut fm.extra);
    let mut new = common(&fm);
    new.slug = fm.slug.clone();
    new.summary = take_string(&mut extra, "description");
    new.tags = fm.tags.clone();
    extra.remove("taxonomies");
    taxonomy_terms(&fm, settings, &mut new, plan);
    extra.remove("in_search_index");
    if let Some(template) = &fm.template {
        plan.report.note(
            &shown,
            None,
            format!("`template = \"{template}\"` is not carried over"),
            "the page uses page.html of the default theme",
        );
    }
    if extra.remove("render") == Some(Value::Bool(false)) {
        plan.report.note(
            &shown,
            None,
            "`render = false`: the page is rendered by ssg",
            "mark it `draft = true` to leave it out",
        );
    }
    let old = zola_url(rel, &fm, settings);
    let place = PagePlace::of(dest, new.slug.as_deref());
    if new.date.is_none() {
        new.date = place.file_date.as_ref().map(|d| d.to_text());
    }
    let ssg = place.default_path();
    if fm.path.is_some() || old != ssg {
        new.path = Some(old);
    }
    new.extra = extra;
    new
}

/// A page's URL in Zola: `path` as given, else its section folders and
/// its slug, each made a URL segment by the site's slug strategy; a
/// translation (`x.fr.md`) under its language.
fn zola_url(rel: &str, fm: &FrontMatter, settings: &Settings) -> String {
    let (dir, name) = rel.rsplit_once('/').unwrap_or(("", rel));
    let mut stem = name.trim_end_matches(".md");
    let mut prefix = String::from("/");
    if let Some((base, lang)) = stem.rsplit_once('.')
        && settings.languages.iter().any(|l| l == lang)
    {
        prefix = format!("/{lang}/");
        stem = base;
    }
    // Zola takes `path` as written, in a translation too (osc.garden's
    // `privacy/index.ca.md` says `path = "/ca/privacy"`).
    if let Some(path) = &fm.path {
        return format!("/{}/", path.trim_matches('/'));
    }
    let (section, stem) = if stem == "index" {
        dir.rsplit_once('/').unwrap_or(("", dir))
    } else {
        (dir, stem)
    };
    let mut url = prefix;
    for segment in section.split('/').filter(|s| !s.is_empty()) {
        url.push_str(&settings.slug(segment));
        url.push('/');
    }
    let stem = date_prefix_removed(stem);
    url.push_str(&settings.slug(fm.slug.as_deref().unwrap_or(stem)));
    url.push('/');
    url
}

/// Zola drops a `YYYY-MM-DD-` or `YYYY-MM-DD_` prefix from the slug.
fn date_prefix_removed(stem: &str) -> &str {
    let bytes = stem.as_bytes();
    let dated = bytes.len() > 11
        && bytes[..10].iter().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                *b == b'-'
            } else {
                b.is_ascii_digit()
            }
        })
        && matches!(bytes[10], b'-' | b'_');
    if dated { &stem[11..] } else { stem }
}

/// Each taxonomy's terms: those of a kept taxonomy stay its own, the
/// others become tags; a term page whose URL changes (a taxonomy folded
/// into tags, or Zola's `safe`/`off` slugs) gets a redirect.
fn taxonomy_terms(
    fm: &FrontMatter,
    settings: &Settings,
    new: &mut NewFrontMatter,
    plan: &mut Plan,
) {
    let mut written = vec![("tags", fm.tags.as_slice())];
    written.extend(
        fm.written_terms
            .iter()
            .map(|w| (w.taxonomy.as_str(), w.terms.as_slice())),
    );
    for (name, terms) in written {
        let taxonomy = settings.taxonomies.iter().find(|t| t.name == name);
        let kept = taxonomy.is_some_and(|t| t.kept);
        let to = if kept { name } else { "tags" };
        let feeds_move = taxonomy.is_some_and(|t| t.feed)
            && (!kept && name != "tags" || settings.feed_files.iter().any(|f| f != "atom.xml"));
        if feeds_move {
            plan.report.note(
                "config.toml",
                None,
                format!("the feeds of `{name}` terms move to /{to}/TERM/atom.xml"),
                "tell subscribers of those feeds",
            );
        }
        for term in terms {
            let list = if kept {
                new.taxonomies.entry(name.to_string()).or_default()
            } else {
                &mut new.tags
            };
            if !list.contains(term) {
                list.push(term.clone());
            }
            if taxonomy.is_none() {
                continue;
            }
            let old = format!("/{}/{}/", settings.slug(name), settings.slug(term));
            let new_url = format!("/{to}/{}/", crate::slug::slugify(term));
            if old != new_url {
                plan.config.redirects.insert(old, new_url);
                if !kept {
                    plan.config
                        .redirects
                        .insert(format!("/{}/", settings.slug(name)), "/tags/".into());
                }
            }
        }
    }
}

/// The front matter of the section `rel`, which the new site has at
/// `dest` (`_index.md`, or a translation's under its language's folder).
fn section(
    rel: &str,
    dest: &str,
    mut fm: FrontMatter,
    settings: &Settings,
    plan: &mut Plan,
) -> NewFrontMatter {
    let shown = shown(rel);
    let dir = dest.trim_end_matches("_index.md").trim_end_matches('/');
    let mut extra = std::mem::take(&mut fm.extra);
    let mut new = common(&fm);
    new.paginate_by = fm.paginate_by;
    new.sort_by = (fm.sort_by != SortBy::Date).then(|| fm.sort_by.name().to_string());
    let report = &mut plan.report;
    let mut note = |key: &str, message: String, action: &str| {
        report.note(&shown, None, format!("`{key}`: {message}"), action);
    };
    if let Some(template) = &fm.template {
        note(
            "template",
            format!("\"{template}\" is not carried over"),
            "the section uses section.html of the default theme",
        );
    }
    for key in [
        "page_template",
        "transparent",
        "redirect_to",
        "paginate_path",
        "paginate_reversed",
        "render",
    ] {
        if let Some(value) = extra.remove(key) {
            let meaning = match key {
                "paginate_path" if value == "page" => continue,
                "transparent" => {
                    "ssg lists pages in their own section; the home page lists every dated page"
                }
                "redirect_to" => "ssg renders the section at its URL",
                _ => "has no ssg equivalent",
            };
            note(key, format!("{value} — {meaning}"), "");
        }
    }
    extra.remove("in_search_index");
    let anchors = super::anchor_links::side(extra.remove("insert_anchor_links").as_ref());
    if let Some(side) = anchors {
        extra.insert(super::anchor_links::KEY.into(), side.into());
    }
    let feeds = ["generate_feeds", "generate_feed"]
        .iter()
        .any(|k| extra.remove(*k) == Some(Value::Bool(true)));
    let old_url = {
        let mut url = String::from("/");
        for segment in dir.split('/').filter(|s| !s.is_empty()) {
            url.push_str(&settings.slug(segment));
            url.push('/');
        }
        url
    };
    if feeds && !dir.is_empty() {
        for file in &settings.feed_files {
            plan.config
                .build
                .feed_aliases
                .push(format!("{old_url}{file}"));
        }
        plan.report.note(
            &shown,
            None,
            "the section's feed is now the site's feed, written at its old URL too",
            "",
        );
    }
    if old_url != walk::dir_path(dir) {
        new.aliases.push(old_url);
    }
    new.extra = extra;
    new
}

fn take_string(extra: &mut Map<String, Value>, key: &str) -> Option<String> {
    match extra.remove(key)? {
        Value::String(s) => Some(s),
        other => {
            extra.insert(key.to_string(), other);
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::zola::config::Slugify;

    fn settings(slugify: Slugify) -> Settings {
        Settings {
            slugify,
            taxonomies: Vec::new(),
            feed_files: Vec::new(),
            languages: vec!["fr".into()],
            theme: None,
        }
    }

    fn url(rel: &str, fm: FrontMatter, slugify: Slugify) -> String {
        zola_url(rel, &fm, &settings(slugify))
    }

    #[test]
    fn zola_urls_follow_its_documented_rules() {
        let none = FrontMatter::default;
        assert_eq!(
            url("blog/2016-04-07-My Post.md", none(), Slugify::On),
            "/blog/my-post/"
        );
        assert_eq!(url("blog/2016-04-07_x.md", none(), Slugify::On), "/blog/x/");
        assert_eq!(
            url("Blog/Trip/index.md", none(), Slugify::On),
            "/blog/trip/"
        );
        assert_eq!(
            url("Blog/My Post.md", none(), Slugify::Safe),
            "/Blog/My-Post/"
        );
        assert_eq!(url("blog/a.fr.md", none(), Slugify::On), "/fr/blog/a/");
        let with_path = FrontMatter {
            path: Some("/2016/04/07/My-Post".into()),
            ..Default::default()
        };
        assert_eq!(
            url("blog/x.md", with_path.clone(), Slugify::On),
            "/2016/04/07/My-Post/"
        );
        assert_eq!(
            url("blog/x.fr.md", with_path, Slugify::On),
            "/2016/04/07/My-Post/",
            "a translation's `path` is its whole path"
        );
        let with_slug = FrontMatter {
            slug: Some("Other Name".into()),
            ..Default::default()
        };
        assert_eq!(
            url("blog/x.md", with_slug, Slugify::On),
            "/blog/other-name/"
        );
    }
}
