//! `ssg import` of a Zola site. Zola is not in a registry this suite can
//! install from, so the URLs it would write for the fixture
//! (`tests/fixtures/import/zola/`) are listed here from Zola's documented
//! rules: section folders and slugified file names, a `YYYY-MM-DD-`/`_`
//! prefix dropped, `slug`, `path` verbatim, translations under `/LANG/`,
//! `aliases`, taxonomy pages at `/NAME/TERM/`, `page/N/` pagers.

use std::fs;
use std::path::{Path, PathBuf};

use crate::support::import::{answers, files_under, import};
use crate::support::{run_in, snapshot};

const BASE_URL: &str = "https://example.org/blog";

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import/zola")
}

/// Every URL Zola writes for the fixture, with the title its page shows.
const ZOLA_URLS: &[(&str, Option<&str>)] = &[
    ("/", None),
    ("/about/", Some("About")),
    ("/blog/", Some("Blog")),
    ("/blog/page/1/", Some("Blog")),
    ("/blog/page/2/", None),
    ("/blog/page/3/", None),
    ("/2016/04/07/My-Post/", Some("My Post")),
    ("/blog/rust-tips/", Some("Rust tips")),
    ("/blog/creme-brulee/", Some("Crème brûlée")),
    ("/blog/trip/", Some("A trip")),
    ("/blog/special/", Some("Special")),
    ("/old/special-url/", Some("Special")),
    ("/blog/shortcodes/", Some("Shortcodes")),
    ("/blog/other-name/", Some("Links")),
    ("/blog/hello/", Some("Hello")),
    ("/fr/blog/hello/", Some("Bonjour")),
    ("/fr/blog/", Some("Le blog")),
    ("/blog/rust/", Some("Rust")),
    ("/blog/rust/ownership/", Some("Ownership")),
    ("/tags/", None),
    ("/tags/rust/", None),
    ("/tags/tips-tricks/", None),
    ("/tags/cooking/", None),
    ("/tags/rust/atom.xml", None),
    ("/categories/", None),
    ("/categories/notes/", None),
    ("/authors/", None),
    ("/authors/ada-lovelace/", None),
    ("/atom.xml", None),
    ("/rss.xml", None),
    ("/sitemap.xml", None),
    ("/404.html", None),
];

/// Files Zola copies as they are.
const ZOLA_FILES: &[&str] = &[
    "blog/trip/photo.png",
    "css/site.css",
    "favicon.ico",
    "robots.txt",
];

/// Imports the fixture into `work/site` and builds it; the output folder.
fn import_and_build(work: &Path) -> PathBuf {
    let dest = work.join("site");
    import(work, &fixture(), &dest, &[]).success();
    run_in(&dest, &["build"]).success();
    dest.join("public")
}

#[test]
fn every_url_zola_writes_answers_in_the_imported_site() {
    let work = tempfile::tempdir().expect("tempdir");
    let public = import_and_build(work.path());
    let failures: Vec<String> = ZOLA_URLS
        .iter()
        .filter_map(|(url, title)| answers(&public, BASE_URL, url, *title).err())
        .chain(
            ZOLA_FILES
                .iter()
                .filter(|f| !public.join(f).is_file())
                .map(|f| format!("{f}: not copied")),
        )
        .collect();
    assert!(failures.is_empty(), "{failures:#?}");
    // A taxonomy of Zola's is one of the new site, not a redirect to tags.
    let notes = fs::read_to_string(public.join("categories/notes/index.html")).expect("read");
    assert!(
        notes.contains("Rust tips") && !notes.contains("http-equiv"),
        "{notes}"
    );
    assert!(
        !public.join("blog/wip/index.html").exists(),
        "a draft was published"
    );
    // Each language's section lists its own posts, as Zola's do.
    let french = fs::read_to_string(public.join("fr/blog/index.html")).expect("read");
    assert!(french.contains("Bonjour"), "{french}");
    let blog = fs::read_to_string(public.join("blog/index.html")).expect("read");
    assert!(!blog.contains("Bonjour"), "{blog}");
    assert!(!public.join("blog/_index.fr").exists());
    let check = run_in(&work.path().join("site"), &["check"]);
    check.success();
}

#[test]
fn front_matter_becomes_ssg_keys_and_shortcodes_are_kept() {
    let work = tempfile::tempdir().expect("tempdir");
    let dest = work.path().join("site");
    let run = import(work.path(), &fixture(), &dest, &[]);
    run.success();
    let tips = fs::read_to_string(dest.join("content/blog/2019-03-02_rust-tips.md")).expect("read");
    assert!(
        tips.starts_with(
            "+++\ntitle = \"Rust tips\"\ndate = \"2019-03-02\"\nupdated = \"2019-04-01\"\n"
        ),
        "{tips}"
    );
    assert!(
        tips.contains(
            "tags = [\"rust\", \"Tips & Tricks\"]\nsummary = \"Three things I wish I knew.\"\n\n\
             [taxonomies]\nauthors = [\"Ada Lovelace\"]\ncategories = [\"Notes\"]\n\n\
             [extra]\nanchor_links = \"right\"\n+++"
        ),
        "{tips}"
    );
    assert!(
        tips.contains("summary = \"Three things I wish I knew.\""),
        "{tips}"
    );
    let post = fs::read_to_string(dest.join("content/blog/2016-04-07-my-post.md")).expect("read");
    assert!(post.contains("path = \"/2016/04/07/My-Post/\""), "{post}");
    let shortcodes = fs::read_to_string(dest.join("content/blog/shortcodes.md")).expect("read");
    // ssg reads Zola's shortcode syntax: calls stay as written, the site's
    // own shortcode is copied, and the escaped form stays escaped.
    assert!(
        shortcodes.contains("{{ youtube(id=\"dQw4w9WgXcQ\") }}"),
        "{shortcodes}"
    );
    assert!(
        shortcodes.contains("{% note(kind=\"warning\") %}"),
        "{shortcodes}"
    );
    assert!(
        shortcodes.contains("`{{/* youtube(id=\"…\") */}}`"),
        "{shortcodes}"
    );
    assert!(dest.join("templates/shortcodes/note.html").is_file());
    let config = fs::read_to_string(dest.join("ssg.toml")).expect("read");
    assert!(
        config.contains("base_url = \"https://example.org/blog\""),
        "{config}"
    );
    assert!(
        config.contains("highlight_theme = \"base16-ocean.dark\""),
        "{config}"
    );
    assert!(config.contains("feed_aliases = [\"/rss.xml\"]"), "{config}");
    // Zola's taxonomies stay taxonomies, with Zola's (lack of) feeds and pagers.
    assert!(
        config.contains("[taxonomies.categories]\nfeed = false\npaginate_by = 0\n"),
        "{config}"
    );
    assert!(!config.contains("[redirects]"), "{config}");
    for note in [
        "content/blog/special.md: `template = \"special.html\"` is not carried over",
        "config.toml:8: `build_search_index` has no ssg equivalent",
        "content/blog/rust/_index.md: `transparent`",
        "templates: templates and the theme are not converted",
    ] {
        assert!(
            run.stderr.contains(note),
            "report lacks {note:?}:\n{}",
            run.stderr
        );
    }
    assert!(
        run.stderr.contains("Imported a Zola site"),
        "{}",
        run.stderr
    );
}

#[test]
fn importing_twice_gives_the_same_site_and_leaves_the_source_alone() {
    let work = tempfile::tempdir().expect("tempdir");
    let before = snapshot(&fixture());
    let (a, b) = (work.path().join("a"), work.path().join("b"));
    import(work.path(), &fixture(), &a, &[]).success();
    import(work.path(), &fixture(), &b, &["--from", "zola"]).success();
    assert_eq!(snapshot(&a), snapshot(&b));
    assert_eq!(snapshot(&fixture()), before, "the source changed");
    let again = import(work.path(), &fixture(), &a, &[]);
    again.failure();
    assert!(again.stderr.contains("not empty"), "{}", again.stderr);
    let dry = work.path().join("dry");
    let run = import(work.path(), &fixture(), &dry, &["--dry-run", "--json"]);
    run.success();
    assert!(!dry.exists(), "a dry run wrote {}", dry.display());
    let report: serde_json::Value = serde_json::from_str(&run.stdout).expect("json report");
    assert_eq!(report["kind"], "zola");
    assert_eq!(report["pages"], 12);
    assert_eq!(report["sections"], 4);
}

#[test]
fn broken_files_are_reported_by_name_and_line_and_the_rest_imported() {
    let work = tempfile::tempdir().expect("tempdir");
    let src = work.path().join("src");
    crate::support::import::copy_dir(&fixture(), &src);
    fs::write(
        src.join("content/blog/broken.md"),
        "+++\ntitle = \"x\"\ndate = 2020-13-45\n+++\n",
    )
    .expect("write");
    fs::write(src.join("content/blog/unclosed.md"), "+++\ntitle = \"x\"\n").expect("write");
    let dest = work.path().join("site");
    let run = import(work.path(), &src, &dest, &[]);
    run.success();
    assert!(
        run.stderr
            .contains("content/blog/broken.md:3: not imported:"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("content/blog/unclosed.md:1: not imported:"),
        "{}",
        run.stderr
    );
    assert!(!dest.join("content/blog/broken.md").exists());
    assert!(dest.join("content/blog/hello.md").exists());
    assert!(!files_under(&dest).is_empty());
}

#[test]
fn a_folder_that_is_no_site_is_refused_and_an_empty_zola_site_fails() {
    let work = tempfile::tempdir().expect("tempdir");
    let plain = work.path().join("plain");
    fs::create_dir_all(plain.join("notes")).expect("mkdir");
    let run = import(work.path(), &plain, &work.path().join("out"), &[]);
    run.failure();
    assert!(
        run.stderr.contains("not a Hugo, Zola or Jekyll site"),
        "{}",
        run.stderr
    );
    let run = import(
        work.path(),
        &plain,
        &work.path().join("out"),
        &["--from", "zola"],
    );
    run.failure();
    assert!(run.stderr.contains("0 pages"), "{}", run.stderr);
    assert!(!work.path().join("out").exists());
}

/// The site's shortcodes work in the new site as they did in Zola: the
/// calls stay, the templates are copied and rendered by ssg; one that calls
/// a Zola function ssg lacks is reported with its line and its call shown
/// as text (a build that fails on it would lose every page). Data files
/// move to `data/`, and an alias ending in `.md` answers as a redirect
/// page, a folder with `index.html` as Zola writes it.
#[test]
fn site_shortcodes_render_and_what_cannot_is_shown_and_reported() {
    let work = tempfile::tempdir().expect("tempdir");
    let dest = work.path().join("site");
    let run = import(work.path(), &fixture(), &dest, &[]);
    run.success();
    for note in [
        "templates/shortcodes/chart.html:1: shortcode `chart` not copied",
        "content/blog/shortcodes.md:15: shortcode `chart` has no template ssg can render",
        "`load_data`",
    ] {
        assert!(run.stderr.contains(note), "lacks {note:?}:\n{}", run.stderr);
    }
    assert!(!dest.join("templates/shortcodes/chart.html").exists());
    assert!(dest.join("data/team.toml").is_file());
    run_in(&dest, &["build"]).success();
    let public = dest.join("public");
    let page = fs::read_to_string(public.join("blog/shortcodes/index.html")).expect("page");
    assert!(
        page.contains("<aside class=\"note warning\"><p>Mind the gap.</p>\n</aside>"),
        "the site's note shortcode: {page}"
    );
    assert!(
        page.contains("youtube-nocookie.com/embed/dQw4w9WgXcQ"),
        "{page}"
    );
    assert!(
        page.contains("<p>{{ chart(src=\"sales.csv\") }}</p>"),
        "{page}"
    );
    let alias = public.join("2026/03/20/shortcodes.md/index.html");
    let redirect = fs::read_to_string(&alias).expect("alias folder");
    assert!(redirect.contains("/blog/shortcodes/"), "{redirect}");
}

/// The shapes of osc.garden (welpo/osc.garden with the tabi theme, built
/// by Zola 0.22 as the oracle): theme shortcodes in Tera 1 (`is
/// starting_with("http")`, `{% if meta.width %}` on an unset `meta`,
/// `get_image_metadata(allow_missing=true)`, `page.colocated_path`,
/// `get_random`), arguments a space apart, a call inside a kept block, a
/// call over two lines, translated page bundles with their images, a
/// translation's own `path`, `smart_punctuation`, and phil-opp/blog_os's
/// `static/atom.xml/` where ssg writes its feed; a shortcode importing a
/// macro file and loading its words by the page's language; a section's
/// `insert_anchor_links`.
#[test]
fn a_theme_s_tera1_shortcodes_and_translated_bundles_keep_their_words_and_images() {
    let work = tempfile::tempdir().expect("tempdir");
    let dest = work.path().join("site");
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import/zola-theme");
    let run = import(work.path(), &fixture, &dest, &[]);
    run.success();
    for note in [
        "content/blog/trip/index.md:16: shortcode `map` has no template ssg can render",
        "static/atom.xml: not copied: the site's feed is written at /atom.xml",
    ] {
        assert!(run.stderr.contains(note), "lacks {note:?}:\n{}", run.stderr);
    }
    let pages = fs::read_to_string(dest.join("content/pages/_index.md")).expect("pages");
    assert!(pages.contains("sort_by = \"weight\""), "{pages}");
    let built = run_in(&dest, &["build"]);
    built.success();
    let public = dest.join("public");
    let read =
        |rel: &str| fs::read_to_string(public.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    let trip = read("blog/trip/index.html");
    for expected in [
        "<img src=\"https://example.org/blog/trip/img/photo.png\" alt=\"The harbour\" width=\"1\" height=\"1\">",
        "<img src=\"https://example.com/remote.png\" alt=\"Far away\">",
        "We said “it’s fine” – and it was.",
        "{{ map(place=\"harbour\") }}",
        // A call over two lines, to a theme shortcode reading a file with `load_data`.
        "<blockquote><p>Hello</p><p lang=\"xx\">Hola</p></blockquote>",
        // The `@/` link to the translation follows it to `es/`.
        "<a href=\"/es/blog/trip/\">in Spanish</a>",
    ] {
        assert!(trip.contains(expected), "lacks {expected:?}: {trip}");
    }
    let flip = trip.split("id=\"flip-").nth(1).expect("the flip shortcode");
    let id: String = flip.chars().take_while(char::is_ascii_digit).collect();
    assert!(!id.is_empty(), "{flip}");
    let spanish = read("es/blog/trip/index.html");
    assert!(
        spanish.contains("<img src=\"https://example.org/es/blog/trip/img/photo.png\" alt=\"El puerto\" width=\"1\" height=\"1\">"),
        "{spanish}"
    );
    assert!(public.join("es/blog/trip/img/photo.png").is_file());
    // A theme shortcode reading its words through an imported macro and a
    // `load_data` path made of the page's language (tabi's
    // `multilingual_quote`): each language's marks and labels.
    for (page, words) in [
        (
            &trip,
            "<blockquote>“Hello”</blockquote>\n<figcaption>Show the original · 2 quotes</figcaption>",
        ),
        (
            &spanish,
            "<blockquote>«Hola»</blockquote>\n<figcaption>Ver el original · 2 citas</figcaption>",
        ),
    ] {
        assert!(page.contains(words), "lacks {words:?}: {page}");
    }
    assert!(spanish.contains("<html lang=\"es\">"), "{spanish}");
    // `insert_anchor_links = "left"` in the blog's `_index.md`: Zola's
    // anchor before each heading of its pages, none elsewhere.
    assert!(
        trip.contains("<h2 id=\"the-harbour\"><a class=\"zola-anchor\" href=\"#the-harbour\" aria-label=\"Anchor link for: the-harbour\">🔗</a>The harbour</h2>"),
        "{trip}"
    );
    assert!(read("privacy/index.html").contains("<h2 id=\"what-is-kept\">What is kept</h2>"));
    assert!(read("es/privacy/index.html").contains("Sin cookies."));
    assert!(read("privacy/index.html").contains("No cookies."));
    assert!(read("atom.xml").contains("<feed"));
    // The same page, built again, says the same thing (get_random).
    run_in(&dest, &["build"]).success();
    assert!(read("blog/trip/index.html").contains(&format!("id=\"flip-{id}\"")));
}
