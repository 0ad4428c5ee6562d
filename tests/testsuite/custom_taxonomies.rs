//! Taxonomies besides tags, declared in `[taxonomies]`: term lists and term
//! pages at `/NAME/` and `/NAME/TERM/`, their feeds and pagers, the
//! templates they pick, the sitemap, a warning for an undeclared one, and
//! term pages kept current by incremental rebuilds and `ssg serve`.

use std::time::{Duration, Instant};

use ssg::build::{BuildOptions, Session, build};

use crate::support::server::Server;
use crate::support::{CONFIG, Site, has_output, output};

/// A blog with categories (Hugo's top-level key) and series (Zola's
/// `taxonomies` map), series paged by one and without feeds.
fn blog() -> Site {
    Site::with_config(&format!(
        "{CONFIG}\n[taxonomies]\ncategories = {{}}\nseries = {{ feed = false, paginate_by = 1 }}\n"
    ))
    .file(
        "content/blog/a.md",
        "---\ntitle: Alpha\ndate: 2024-01-01\ntags: [rust]\ncategories: [Go, Systems]\n---\nA.\n",
    )
    .file(
        "content/blog/b.md",
        "+++\ntitle = \"Beta\"\ndate = 2024-01-02\n[taxonomies]\ntags = [\"rust\"]\ncategories = [\"Go\"]\nseries = [\"Intro\"]\n+++\nB.\n",
    )
    .file(
        "content/blog/c.md",
        "---\ntitle: Gamma\ndate: 2024-01-03\nseries: [Intro]\n---\nC.\n",
    )
}

#[test]
fn each_declared_taxonomy_has_a_list_and_a_page_per_term() {
    let built = blog().build();
    let list = output(&built, "categories/index.html");
    assert!(list.contains("<h1>Categories</h1>"), "{list}");
    for term in ["/categories/go/", "/categories/systems/"] {
        assert!(
            list.contains(&format!("https://example.com{term}")),
            "{list}"
        );
    }
    let go = output(&built, "categories/go/index.html");
    assert!(
        go.contains("Categories: <span class=\"tag-name\">Go</span>"),
        "{go}"
    );
    assert!(go.contains("Alpha") && go.contains("Beta") && !go.contains("Gamma"));
    assert!(has_output(&built, "categories/go/atom.xml"));
    // Categories of a site that declares them are not tags.
    assert!(!has_output(&built, "tags/go/index.html"));
    assert!(output(&built, "tags/rust/index.html").contains("Beta"));
    let page = output(&built, "blog/a/index.html");
    assert!(
        page.contains(
            "Categories: <a class=\"term\" href=\"https://example.com/categories/go/\">Go</a>"
        ),
        "{page}"
    );
    let sitemap = output(&built, "sitemap.xml");
    for path in ["/categories/", "/categories/systems/", "/series/intro/"] {
        assert!(
            sitemap.contains(&format!("https://example.com{path}<")),
            "{path}"
        );
    }
}

#[test]
fn a_taxonomy_s_settings_page_its_terms_and_turn_off_their_feeds() {
    let built = blog().build();
    let first = output(&built, "series/intro/index.html");
    let second = output(&built, "series/intro/page/2/index.html");
    assert!(
        first.contains("Gamma") && !first.contains("Beta"),
        "{first}"
    );
    assert!(
        second.contains("Beta") && !second.contains("Gamma"),
        "{second}"
    );
    assert!(
        !first.contains("intro/atom.xml"),
        "no feed, no feed link: {first}"
    );
    assert!(!has_output(&built, "series/intro/atom.xml"));
    assert!(
        has_output(&built, "series/intro/page/1/index.html"),
        "redirect to the first pager"
    );
}

#[test]
fn templates_go_from_the_taxonomy_s_own_to_zola_s_shared_ones_to_the_tag_ones() {
    let list =
        "{{ taxonomy.name }}:{% for t in terms %}{{ t.name }}={{ t.page_count }};{% endfor %}";
    let single = "{{ taxonomy.name }}/{{ term.name }}/{{ term.slug }}:{% for p in term.pages %}{{ p.title }}{% endfor %}";
    let site = blog()
        .file("templates/categories/list.html", &format!("own {list}"))
        .file("templates/taxonomy_list.html", &format!("shared {list}"))
        .file("templates/series/single.html", &format!("own {single}"))
        .file(
            "templates/taxonomy_single.html",
            &format!("shared {single}"),
        );
    let built = site.build();
    assert_eq!(
        output(&built, "categories/index.html"),
        "own categories:Go=2;Systems=1;"
    );
    assert_eq!(
        output(&built, "series/index.html"),
        "shared series:Intro=2;"
    );
    assert_eq!(
        output(&built, "categories/systems/index.html"),
        "shared categories/Systems/systems:Alpha"
    );
    assert_eq!(
        output(&built, "series/intro/index.html"),
        "own series/Intro/intro:GammaBeta"
    );
    // Tags keep their own templates ahead of Zola's shared ones.
    assert!(output(&built, "tags/index.html").contains("<h1>Tags</h1>"));
}

#[test]
fn undeclared_taxonomies_warn_with_file_and_line_and_categories_stay_tags() {
    let site = Site::new().file(
        "content/a.md",
        // After a blank line, as Zola allows (its documentation's theme pages).
        "\n+++\ntitle = \"A\"\ndate = 2024-01-01\n[taxonomies]\ncategories = [\"Go\"]\nauthors = [\"Ann\"]\n+++\n",
    );
    let run = site.run(&["build"]);
    run.success();
    assert!(
        run.stderr
            .contains("content/a.md:7: taxonomy `authors` is not declared"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("`authors = {}` under `[taxonomies]`"));
    assert!(site.exists("public/tags/go/index.html"));
    assert!(!site.exists("public/authors/index.html"));
}

#[test]
fn a_taxonomy_name_must_be_its_own_url() {
    let site = Site::with_config(&format!("{CONFIG}\n[taxonomies]\n\"Theme Tags\" = {{}}\n"));
    site.run(&["build"])
        .failure_in_one_line("ssg.toml:5: [taxonomies]: `Theme Tags` cannot name a taxonomy");
}

#[test]
fn an_edit_of_a_page_s_terms_re_renders_exactly_their_outputs() {
    let site = blog();
    let options = BuildOptions::default();
    let mut session = Session::load(site.root(), &options).unwrap();
    session.render().unwrap();
    site.write(
        "content/blog/c.md",
        b"---\ntitle: Gamma\ndate: 2024-01-03\nseries: [Intro]\ncategories: [Web]\n---\nC.\n",
    );
    session.update_pages(&["blog/c.md".into()]).unwrap();
    let built = session.render().unwrap();
    let fresh = build(site.root(), &options).unwrap();
    let paths = |b: &ssg::build::Built| -> Vec<String> {
        b.outputs.iter().map(|o| o.path.clone()).collect()
    };
    assert_eq!(paths(&built), paths(&fresh));
    for (a, b) in built.outputs.iter().zip(&fresh.outputs) {
        assert_eq!(a.read().unwrap(), b.read().unwrap(), "{}", a.path);
    }
    let rendered = &built.stats.rendered_paths;
    for path in [
        "categories/index.html",
        "categories/web/index.html",
        "categories/web/atom.xml",
        "blog/c/index.html",
    ] {
        assert!(rendered.contains(&path.to_string()), "{path}: {rendered:?}");
    }
    assert!(
        !rendered.contains(&"categories/go/index.html".to_string()),
        "{rendered:?}"
    );
}

#[test]
fn serve_makes_a_new_term_s_page_on_save() {
    let site = blog();
    let server = Server::start(site.root(), &[]);
    assert_eq!(server.get("/categories/web/").0, 404);
    site.write(
        "content/blog/c.md",
        b"---\ntitle: Gamma\ndate: 2024-01-03\ncategories: [Web]\n---\nC.\n",
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let (status, body) = server.get("/categories/web/");
        if status == 200 {
            assert!(body.contains("Gamma"), "{body}");
            break;
        }
        assert!(Instant::now() < deadline, "/categories/web/ never appeared");
        std::thread::sleep(Duration::from_millis(100));
    }
    let (_, series) = server.get("/series/intro/");
    assert!(
        series.contains("Beta") && !series.contains("Gamma"),
        "{series}"
    );
}
