//! `ssg import` of a Jekyll site, with Jekyll itself as the oracle: the
//! fixture in `tests/fixtures/import/jekyll/` (written after Jekyll's
//! documented conventions) is built by the real `jekyll`, imported, built by
//! ssg, and every page and feed Jekyll wrote must answer in ssg's output as
//! the same page or as a redirect to a page that exists.
//!
//! `jekyll` comes from Debian (`scripts/test.sh` installs it with
//! jekyll-feed, jekyll-paginate and jekyll-redirect-from); a missing one
//! fails the test rather than skipping it.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::text::words;
use crate::support::{self, Run, run_in, snapshot};

fn fixture() -> PathBuf {
    fixture_named("jekyll")
}

fn fixture_named(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import")
        .join(name)
}

/// Builds a copy of the fixture with Jekyll (it may write caches into its
/// source) and returns the output folder.
fn jekyll_build(fixture: &Path, work: &Path) -> PathBuf {
    let src = work.join("jekyll-src");
    support::import::copy_dir(fixture, &src);
    let out = work.join("jekyll-out");
    let run = Command::new("jekyll")
        .args(["build", "--disable-disk-cache", "--quiet", "-s"])
        .arg(&src)
        .arg("-d")
        .arg(&out)
        .env("JEKYLL_ENV", "production")
        // Outside any Gemfile: bundler would resolve (and write a lock file).
        .env("JEKYLL_NO_BUNDLER_REQUIRE", "true")
        .current_dir(work)
        .output()
        .unwrap_or_else(|e| panic!("cannot run jekyll ({e}): install it with scripts/test.sh (apt-get install jekyll ruby-jekyll-feed ruby-jekyll-paginate ruby-jekyll-redirect-from)"));
    assert!(
        run.status.success(),
        "jekyll build failed:\n{}\n{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    out
}

fn import(src: &Path, dest: &Path) -> Run {
    support::import::import(dest.parent().expect("parent"), src, dest, &[])
}

/// Imports `src` into `dest`, which must succeed, and returns what the
/// import printed (its report).
fn imported_report(src: &Path, dest: &Path) -> String {
    let run = import(src, dest);
    run.success();
    format!("{}{}", run.stdout, run.stderr)
}

/// The `<title>` of an HTML page, without the site's name after it.
fn title(html: &str) -> String {
    let start = html.find("<title>").map_or(0, |i| i + 7);
    let end = html[start..].find("</title>").map_or(start, |i| start + i);
    let text = html[start..end]
        .replace("&amp;", "&")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&quot;", "\"");
    let text = text.split(" | ").next().unwrap_or("");
    text.split(" · ").next().unwrap_or("").trim().to_string()
}

/// Every `.html` page and feed Jekyll wrote, relative to its output.
fn jekyll_urls(out: &Path) -> Vec<String> {
    let mut urls = support::import::files_under(out);
    urls.retain(|rel| rel.ends_with(".html") || rel.ends_with(".xml"));
    urls
}

/// Builds `fixture` with Jekyll and the import of it with ssg, checks that
/// every page and feed Jekyll wrote answers in ssg's output — as the same
/// page (same title), or as a redirect to a page that exists — and that
/// `ssg check` finds no broken link. Returns Jekyll's URLs, and how many
/// were the same page and how many redirects.
fn oracle(fixture: &Path, base_url: &str) -> (Vec<String>, usize, usize) {
    let work = tempfile::tempdir().unwrap();
    let jekyll_out = jekyll_build(fixture, work.path());
    let dest = work.path().join("imported");
    import(fixture, &dest).success();
    run_in(&dest, &["build"]).success();
    let public = dest.join("public");

    let urls = jekyll_urls(&jekyll_out);
    let mut pages = 0;
    let mut redirects = 0;
    for rel in &urls {
        let ours = public.join(rel);
        let Ok(html) = fs::read_to_string(&ours) else {
            panic!(
                "Jekyll wrote {rel}; the imported site has no {}",
                ours.display()
            );
        };
        if rel.ends_with(".xml") {
            assert!(
                html.contains("<feed"),
                "{rel} is not ssg's Atom feed:\n{html}"
            );
            pages += 1;
            continue;
        }
        if let Some(target) = support::import::redirect_target(&html, base_url)
            .map(|path| ssg::urlpath::output_file(&path))
        {
            assert!(
                public.join(&target).is_file(),
                "{rel} redirects to {target}, which does not exist"
            );
            redirects += 1;
            continue;
        }
        let theirs = fs::read_to_string(jekyll_out.join(rel)).unwrap();
        // A `redirect_from` over a folder's URL: ssg's section page answers
        // there instead (the import reports the dropped redirect).
        if support::import::redirect_target(&theirs, base_url).is_some() {
            pages += 1;
            continue;
        }
        let (jekyll_title, ssg_title) = (title(&theirs), title(&html));
        if !jekyll_title.is_empty() && rel != "index.html" && rel != "404.html" {
            assert_eq!(ssg_title, jekyll_title, "{rel} is another page");
        }
        pages += 1;
    }
    let check = run_in(&dest, &["check"]);
    check.success();
    (urls, pages, redirects)
}

#[test]
fn every_jekyll_url_answers_in_the_imported_site() {
    let (urls, pages, redirects) = oracle(&fixture(), "https://blog.example.org");
    // 13 posts, 6 pages, the recipe, the home page, 404 and the feed; as
    // redirects: the home page's 4 pagers, a renamed post's 2 old URLs, and
    // jekyll-archives' 5 tag, 4 category and 1 year pages.
    assert_eq!(urls.len(), 38, "Jekyll's output changed: {urls:#?}");
    assert_eq!((pages, redirects), (22, 16), "{urls:#?}");
}

#[test]
fn a_custom_site_permalink_a_base_path_and_a_paginated_blog_page_keep_their_urls() {
    let (urls, pages, redirects) =
        oracle(&fixture_named("jekyll-pretty"), "https://example.net/notes");
    for url in [
        "misc/2020/leap-day/index.html",
        "2021/new-years-eve/index.html",
        "about/index.html",
        "index.xml",
        "rss.xml",
    ] {
        assert!(
            urls.iter().any(|u| u == url),
            "Jekyll did not write {url}: {urls:#?}"
        );
    }
    // 5 posts, the about and blog pages, jekyll-feed's feed and a feed
    // written in Liquid; the blog's 2 pagers.
    assert_eq!((urls.len(), pages, redirects), (11, 9, 2), "{urls:#?}");

    // The paginated blog page became the posts' section, listed by ssg.
    let work = tempfile::tempdir().unwrap();
    let dest = work.path().join("imported");
    let run = import(&fixture_named("jekyll-pretty"), &dest);
    assert!(
        run.stderr
            .contains("blog/index.html:5: its Liquid list of paginator.posts is not imported"),
        "{}",
        run.stderr
    );
    let blog = fs::read_to_string(dest.join("content/blog/_index.md")).unwrap();
    assert!(
        blog.contains("aliases = [\"/blog/page2/\", \"/blog/page3/\"]"),
        "{blog}"
    );
    assert!(dest.join("content/blog/2020-02-29-leap-day.md").is_file());
}

#[test]
fn a_docs_site_whose_urls_would_collide_as_sections_builds_with_every_url() {
    let fixture = fixture_named("jekyll-docs");
    let (urls, pages, redirects) = oracle(&fixture, "https://docs.example.org");
    // 15 documents, the post and the home page; jekyll-redirect-from's
    // /conduct/, /docs/hooks-v1/ and the two over folders
    // (/docs/step-by-step/, /tutorials/), which ssg's section pages answer.
    assert_eq!(urls.len(), 20, "Jekyll's output changed: {urls:#?}");
    assert_eq!((pages, redirects), (18, 2), "{urls:#?}");

    let work = tempfile::tempdir().unwrap();
    let dest = work.path().join("imported");
    let report = imported_report(&fixture, &dest);
    for line in [
        "_docs/plugins.md: its URL /docs/plugins/ is its folder's: written as content/docs/plugins/_index.md",
        "_docs/community/community.md: its URL /docs/community/ is its folder's",
        "_docs/conduct.md:4: redirect_from /conduct/index.html is the URL of _docs/code_of_conduct.md's redirect_from; dropped",
        "_docs/old-hooks.md:3: redirect_from /docs/plugins/hooks/ is the URL of _docs/plugins/hooks.md; dropped",
        "_docs/step-by-step/01-setup.md:3: redirect_from /docs/step-by-step/ is the URL of the section listing of content/docs/step-by-step/; dropped",
        "_tutorials/index.md:4: redirect_from /tutorials/index.html is the URL of the section listing of content/tutorials/; dropped",
    ] {
        assert!(report.contains(line), "report lacks {line:?}:\n{report}");
    }
    // The document beside its folder is the section's page, with its text,
    // and links to it and from it still land.
    let plugins = fs::read_to_string(dest.join("content/docs/plugins/_index.md")).unwrap();
    assert!(plugins.contains("Plugins extend Gadget."), "{plugins}");
    assert!(!dest.join("content/docs/plugins.md").exists());
    // An index page with a URL of its own stays a page at that URL.
    let tutorials = fs::read_to_string(dest.join("content/tutorials/home.md")).unwrap();
    assert!(
        tutorials.contains("path = \"/tutorials/home/\""),
        "{tutorials}"
    );
    run_in(&dest, &["build"]).success();
    let built = fs::read_to_string(dest.join("public/docs/plugins/index.html")).unwrap();
    assert!(built.contains("Plugins extend Gadget."), "{built}");
    let hooks = fs::read_to_string(dest.join("public/docs/plugins/hooks/index.html")).unwrap();
    assert!(hooks.contains("Hooks run at build time."), "{hooks}");
}

/// The words of a page's body in Jekyll's build, asserted equal to those
/// of the content block of ssg's build of the import.
fn same_words(jekyll_out: &Path, dest: &Path, page: &str) -> String {
    let theirs = fs::read_to_string(jekyll_out.join(page)).unwrap();
    let theirs = words(&theirs[theirs.find("<body>").unwrap()..]);
    let ours = fs::read_to_string(dest.join("public").join(page)).unwrap();
    let start = ours.find("<div class=\"content\"").expect("content block");
    // The last: a page may hold articles of its own.
    let end = start + ours[start..].rfind("</article>").expect("article end");
    assert_eq!(words(&ours[start..end]), theirs);
    theirs
}

#[test]
fn includes_data_and_liquid_over_data_say_what_jekyll_said() {
    let fixture = fixture_named("jekyll-docs");
    let work = tempfile::tempdir().unwrap();
    let jekyll_out = jekyll_build(&fixture, work.path());
    let dest = work.path().join("imported");
    let report = imported_report(&fixture, &dest);
    assert!(
        report.contains("_data/links.tsv: a data file ssg does not read"),
        "{report}"
    );
    assert!(dest.join("data/team.yml").is_file());
    let callout = fs::read_to_string(dest.join("templates/shortcodes/callout.html")).unwrap();
    assert!(callout.contains("{{ config.title"), "{callout}");
    let team = fs::read_to_string(dest.join("content/docs/team.md")).unwrap();
    assert!(
        team.contains("{{ callout(type=\"info\", content=\"Maintained by volunteers.\") }}"),
        "{team}"
    );
    assert!(team.contains("```ruby\ndef hi; end\n```"), "{team}");
    run_in(&dest, &["build"]).success();

    // The page's text, Jekyll's body against ssg's content block.
    let theirs = same_words(&jekyll_out, &dest, "docs/team/index.html");
    assert!(
        theirs.contains("Maintained by volunteers. (Gadget docs) Led by Ada."),
        "{theirs}"
    );
}

#[test]
fn the_report_names_every_construct_left_behind() {
    let work = tempfile::tempdir().unwrap();
    let dest = work.path().join("imported");
    let report = imported_report(&fixture(), &dest);
    for line in [
        "_posts/2019-05-01-with-include.md:3: layout `fancy` dropped",
        "404.html:1: ssg writes /404.html itself",
        "assets/main.scss:1: a .scss file with front matter",
        "_config.yml:41: `sass`: no ssg equivalent",
        "robots.txt: became templates/robots.txt",
        "Gemfile, _includes, _layouts: templates, includes, Sass, data, plugins and gems are not converted",
        "_notes/idea.md: in a collection without output: true",
        "_posts/2019-03-05-crème-brûlée.md:9: kramdown {:toc} not converted",
        "_posts/2019-03-05-crème-brûlée.md:12: kramdown attribute list {: #ingredients} not converted",
        "_posts/notes.txt: in _posts/ but not named YYYY-MM-DD-title.EXT: Jekyll skips it",
        "_posts/2999-01-01-far-future.md: dated in the future: Jekyll does not publish it yet; imported as a draft",
    ] {
        assert!(report.contains(line), "report lacks {line:?}:\n{report}");
    }
    assert!(report.contains("Imported a Jekyll site"), "{report}");
    // The include is a shortcode call, its file a shortcode template, and
    // Liquid with a filter ssg's own Liquid step lacks a page-local one.
    let page = fs::read_to_string(dest.join("content/posts/2019-05-01-with-include.md")).unwrap();
    assert!(
        page.contains("{{ note(text=\"Remember this.\") }}"),
        "{page}"
    );
    assert!(
        page.contains("{{ posts_2019_05_01_with_include_liquid_1() }}"),
        "{page}"
    );
    assert!(dest.join("templates/shortcodes/note.html").is_file());
    assert!(dest.join("data/menu.yml").is_file());
    let welcome =
        fs::read_to_string(dest.join("content/posts/2019-03-02-welcome-to-jekyll.md")).unwrap();
    assert!(
        welcome.contains("path = \"/jekyll/update/2019/03/02/welcome-to-jekyll.html\""),
        "{welcome}"
    );
    assert!(welcome.contains("```ruby\ndef print_hi(name)"), "{welcome}");
    assert!(
        welcome.contains("{{ page.title }} and {% if x %}"),
        "raw kept literally: {welcome}"
    );
    let draft = fs::read_to_string(dest.join("content/posts/a-draft.md")).unwrap();
    assert!(draft.contains("draft = true"), "{draft}");
    // An HTML page renders as HTML, its highlight block as code.
    run_in(&dest, &["build"]).success();
    let with_include =
        fs::read_to_string(dest.join("public/2019/05/01/with-include.html")).unwrap();
    assert!(
        with_include.contains("<aside class=\"note\">Remember this.</aside>"),
        "{with_include}"
    );
    assert!(
        with_include.contains("The title shouted: WITH AN INCLUDE."),
        "{with_include}"
    );
    let guide = fs::read_to_string(dest.join("public/docs/guide.html")).unwrap();
    assert!(
        guide.contains("<p class=\"deep\">Indented after a blank line.</p>"),
        "{guide}"
    );
    assert!(guide.contains("data-lang=\"sh\""), "{guide}");
    let config = fs::read_to_string(dest.join("ssg.toml")).unwrap();
    assert!(
        config.contains("feed_aliases = [\"/feed.xml\"]"),
        "{config}"
    );
    assert!(config.contains("paginate_by = 3"), "{config}");
    // jekyll-archives' pages lead to the term pages that replace them.
    assert!(
        config.contains("\"/tag/français/\" = \"/tags/francais/\""),
        "{config}"
    );
    assert!(
        config.contains("\"/topics/release/\" = \"/categories/release/\""),
        "{config}"
    );
}

#[test]
fn importing_twice_gives_the_same_site_and_leaves_the_source_alone() {
    let before = snapshot(&fixture());
    let work = tempfile::tempdir().unwrap();
    let (a, b) = (work.path().join("a"), work.path().join("b"));
    import(&fixture(), &a).success();
    import(&fixture(), &b).success();
    assert!(snapshot(&a) == snapshot(&b), "two imports differ");
    assert!(
        snapshot(&fixture()) == before,
        "the import changed its source"
    );
    let again = import(&fixture(), &a);
    assert_ne!(again.code, 0);
    assert!(again.stderr.contains("not empty"), "{}", again.stderr);

    // A dry run plans and reports, as JSON for scripts, and writes nothing.
    let dry = work.path().join("dry");
    let src = fixture().to_string_lossy().into_owned();
    let dest = dry.to_string_lossy().into_owned();
    let run = run_in(work.path(), &["import", &src, &dest, "--dry-run", "--json"]);
    run.success();
    let report: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON report");
    assert_eq!(report["kind"], "jekyll");
    assert_eq!(report["dry_run"], true);
    assert!(report["pages"].as_u64().unwrap() > 10, "{report}");
    let toc = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["message"].as_str().unwrap().contains("{:toc}"))
        .expect("the kramdown toc is reported");
    assert_eq!(toc["file"], "_posts/2019-03-05-crème-brûlée.md");
    assert_eq!(toc["line"], 9);
    assert!(!dry.exists());
    assert!(
        snapshot(&fixture()) == before,
        "the import changed its source"
    );
}

#[test]
fn bad_input_is_reported_by_file_and_the_rest_imported() {
    let work = tempfile::tempdir().unwrap();
    let src = work.path().join("site");
    let write = |rel: &str, text: &str| {
        let path = src.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    };
    write("_config.yml", "title: Bad input\n");
    write(
        "_posts/2020-01-01-good.md",
        "---\ntitle: Good\n---\nFine.\n",
    );
    write(
        "_posts/2020-01-02-broken.md",
        "---\ntitle: [unclosed\n---\nBody\n",
    );
    write(
        "_posts/2020-01-03-bad-date.md",
        "---\ntitle: Bad date\ndate: the day after\n---\nBody\n",
    );
    write("_posts/2020-01-04-no-end.md", "---\ntitle: No end\n");
    // A file nobody can read, even root: a link to nowhere.
    #[cfg(unix)]
    std::os::unix::fs::symlink(
        src.join("missing.md"),
        src.join("_posts/2020-01-05-gone.md"),
    )
    .unwrap();
    let dest = work.path().join("out");
    let report = imported_report(&src, &dest);
    for line in [
        "_posts/2020-01-02-broken.md:2: invalid YAML front matter",
        "_posts/2020-01-03-bad-date.md:3: unparseable date \"the day after\"; the file name's date is used",
        "_posts/2020-01-04-no-end.md:1: front matter starts with --- but never ends",
        "_posts/2020-01-05-gone.md: cannot read",
    ] {
        assert!(report.contains(line), "report lacks {line:?}:\n{report}");
    }
    assert!(dest.join("content/posts/2020-01-01-good.md").is_file());
    let bad_date = fs::read_to_string(dest.join("content/posts/2020-01-03-bad-date.md")).unwrap();
    assert!(bad_date.contains("date = \"2020-01-03\""), "{bad_date}");
    run_in(&dest, &["build"]).success();
}

#[test]
fn a_folder_that_is_no_site_is_refused_and_nothing_importable_exits_1() {
    let work = tempfile::tempdir().unwrap();
    let plain = work.path().join("plain");
    fs::create_dir_all(&plain).unwrap();
    fs::write(plain.join("notes.txt"), "hello").unwrap();
    let run = import(&plain, &work.path().join("out"));
    run.failure();
    assert!(
        run.stderr.contains("not a Hugo, Zola or Jekyll site"),
        "{}",
        run.stderr
    );

    let broken = work.path().join("broken");
    fs::create_dir_all(broken.join("_posts")).unwrap();
    fs::write(
        broken.join("_posts/2020-01-01-x.md"),
        "---\ntitle: [\n---\n",
    )
    .unwrap();
    let run = import(&broken, &work.path().join("out2"));
    run.failure();
    assert!(
        run.stderr.contains("_posts/2020-01-01-x.md:2"),
        "{}",
        run.stderr
    );
}

/// The shapes of the Jekyll docs' own pages that have no Tera form — an
/// include inside a loop given the loop's item (`key = value` spelled with
/// spaces), `capture`, `case`/`when`, `where`/`where_exp`/`map`,
/// `include_relative`, `raw` inside a diff fence — are run at import time
/// and say what Jekyll said, with no Liquid left showing.
#[test]
fn liquid_with_no_tera_form_is_run_at_import_and_says_what_jekyll_said() {
    let fixture = fixture_named("jekyll-docs");
    let work = tempfile::tempdir().unwrap();
    let jekyll_out = jekyll_build(&fixture, work.path());
    let dest = work.path().join("imported");
    let report = imported_report(&fixture, &dest);
    assert!(!report.contains("liquid-shapes.md"), "{report}");
    run_in(&dest, &["build"]).success();
    let theirs = same_words(&jekyll_out, &dest, "docs/liquid-shapes/index.html");
    for said in [
        ":YEAR Year from the post's filename 3.8",
        "The lead is Ada; docs by Brook.",
        "A few placeholders (3).",
        "Hello from a file beside the page, in Gadget docs.",
        "- {{ page.old }}",
    ] {
        assert!(theirs.contains(said), "{said} in {theirs}");
    }
}

/// Pages that list the site's posts (`site.posts`, `site.categories.X`
/// with each post's title, URL, date, categories, excerpt and content),
/// read `site.time`, keep a table of HTML with blank lines inside and show
/// Liquid as code through `{% raw %}` say what Jekyll said, with no Liquid
/// left showing; the lists written at import time are reported.
#[test]
fn pages_listing_the_posts_say_what_jekyll_said() {
    let fixture = fixture_named("jekyll-lists");
    let work = tempfile::tempdir().unwrap();
    let jekyll_out = jekyll_build(&fixture, work.path());
    let dest = work.path().join("imported");
    let report = imported_report(&fixture, &dest);
    for said in [
        "news.html:6: Liquid over site.posts written out as it was at import time",
        "releases.md:8: Liquid over site.categories written out",
        "releases.md:12: Liquid over site.time written out",
    ] {
        assert!(report.contains(said), "{said} in {report}");
    }
    assert!(!report.contains("Liquid tag"), "{report}");
    run_in(&dest, &["build"]).success();
    let news = same_words(&jekyll_out, &dest, "news/index.html");
    for said in [
        "Gadget 1.1 Released 04 Mar 2024 Gadget 1.1 brings faster builds",
        "Meet the team in Lisbon community 10 Feb 2024",
    ] {
        assert!(news.contains(said), "{said} in {news}");
    }
    let releases = same_words(&jekyll_out, &dest, "news/releases/index.html");
    assert!(
        releases.contains("Gadget 1.0 Released, January 2, 2024: The first stable release"),
        "{releases}"
    );
    assert!(!releases.contains("Lisbon"), "{releases}");
    let options = same_words(&jekyll_out, &dest, "options/index.html");
    assert!(
        options.contains("Source source: DIR -s, --source DIR Safe mode safe: BOOL Defaults"),
        "{options}"
    );
    // The Liquid shown as code is the only Liquid on the page, as in Jekyll.
    assert!(
        options.contains("+ {% post_url 2024-01-02-gadget-1-0-released %}"),
        "{options}"
    );
    for page in ["news/index.html", "news/releases/index.html"] {
        let ours = fs::read_to_string(dest.join("public").join(page)).unwrap();
        assert!(!ours.contains("{%") && !ours.contains("{{"), "{ours}");
    }
}

#[test]
fn categories_stay_categories_with_term_pages_where_the_archives_pointed() {
    let work = tempfile::tempdir().unwrap();
    let dest = work.path().join("imported");
    let report = imported_report(&fixture(), &dest);
    assert!(!report.contains("became tags"), "{report}");
    let config = fs::read_to_string(dest.join("ssg.toml")).unwrap();
    assert!(config.contains("[taxonomies.categories]"), "{config}");
    run_in(&dest, &["build"]).success();
    let public = dest.join("public");
    let term = fs::read_to_string(public.join("categories/jekyll/index.html"))
        .expect("a page for the category");
    assert!(term.contains("Welcome to Jekyll!"), "{term}");
    assert!(
        !public.join("tags/jekyll/index.html").exists(),
        "a category is not a tag"
    );
    // jekyll-archives' category page (permalink /topics/:name/) leads there.
    let old = fs::read_to_string(public.join("topics/jekyll/index.html")).unwrap();
    assert!(old.contains("/categories/jekyll/"), "{old}");
}

/// HTML a post leaves open inside a list item (fixture `jekyll-html`):
/// kramdown closes it at the end of the item and reads the Markdown
/// after it, so every paragraph after it is text in ssg's page as in
/// Jekyll's, not swallowed into one block of HTML; and `<small>` alone on
/// its line opens a paragraph, as in kramdown.
#[test]
fn html_left_open_in_a_list_item_keeps_the_text_after_it() {
    let fixture = fixture_named("jekyll-html");
    let work = tempfile::tempdir().unwrap();
    let jekyll_out = jekyll_build(&fixture, work.path());
    let dest = work.path().join("imported");
    imported_report(&fixture, &dest);
    run_in(&dest, &["build"]).success();
    let page = "2025/09/05/inside-the-engine.html";
    let theirs = same_words(&jekyll_out, &dest, page);
    assert!(
        theirs.contains("takes them back when a request ends."),
        "{theirs}"
    );
    let ours = fs::read_to_string(dest.join("public").join(page)).unwrap();
    for html in [
        "<p>The block manager keeps a <em>free list</em> of cache blocks.</p>",
        "<p>The end.</p>",
        // A span element's tag alone on its line opens a paragraph.
        "<p><small>Engine is a trademark of Nobody.<br>",
    ] {
        assert!(ours.contains(html), "{html} in\n{ours}");
    }
}
