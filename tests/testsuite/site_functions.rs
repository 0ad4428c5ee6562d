//! Zola's functions that read the rest of the site (`get_page`,
//! `get_section`, `get_taxonomy`, `get_taxonomy_url`, `load_data`): what
//! they give a template, their errors, and that an edit elsewhere re-renders
//! exactly the outputs whose templates call them (`ssg build` warm, `ssg
//! serve`, a session's incremental render).

use std::time::SystemTime;

use ssg::build::{BuildOptions, Session};

use crate::support::server::Server;
use crate::support::{Site, post};

/// Two tagged posts, an about page whose template lists the blog through
/// `get_section`, and a plain page template.
fn blog() -> Site {
    Site::new()
        .file("content/blog/_index.md", "+++\ntitle = \"Blog\"\n+++\n")
        .file(
            "content/blog/first.md",
            &post("First", "2024-01-01", &["rust"], "One.\n\nMore of one."),
        )
        .file(
            "content/blog/second.md",
            &post("Second", "2024-01-02", &["rust", "web"], "Two."),
        )
        .file(
            "content/about.md",
            "+++\ntitle = \"About\"\ntemplate = \"about.html\"\n+++\nMe.\n",
        )
        .file("templates/page.html", "<h1>{{ page.title }}</h1>")
        .file(
            "templates/about.html",
            "{% set blog = get_section(path=\"blog/_index.md\") %}\
             {{ blog.title }}:{% for p in blog.pages[:5] %}[{{ p.title }}]{% endfor %}",
        )
}

fn modified(site: &Site, rel: &str) -> SystemTime {
    std::fs::metadata(site.root().join(rel))
        .and_then(|m| m.modified())
        .unwrap_or_else(|e| panic!("{rel}: {e}"))
}

#[test]
fn templates_read_pages_sections_taxonomies_and_files() {
    let site = blog()
        .file("data/team.toml", "lead = \"Ada\"\n")
        .file("content/blog/story/index.md", "+++\ntitle = \"Story\"\n+++\n")
        .file("content/blog/story/numbers.csv", "n,word\n1,one\n")
        .file(
            "templates/index.html",
            "{% set p = get_page(path=\"blog/first.md\") %}{{ p.title }}|{{ p.permalink }}|{{ p.content | safe }}\n\
             {% set m = get_section(path=\"blog/_index.md\", metadata_only=true) %}{{ m.title }}:{% if m.pages is defined %}pages{% else %}no pages{% endif %}\n\
             {% set tags = get_taxonomy(kind=\"tags\") %}{{ tags.kind.name }}:{% for t in tags.items %}{{ t.name }}={{ t.pages | length }};{% endfor %}\n\
             {{ get_taxonomy_url(kind=\"tags\", name=\"rust\") }}|{{ get_taxonomy_url(kind=\"tags\", term=\"web\") }}\n\
             {% set team = load_data(path=\"data/team.toml\") %}{% set numbers = load_data(path=\"@/blog/story/numbers.csv\") %}{% set j = load_data(literal='{\"k\": 7}', format=\"json\") %}\
             {% set all = get_section(path=\"blog/_index.md\") %}{{ all.pages[0].content | safe }}\
             {{ team.lead }}|{{ numbers.records[0][1] }}|{{ load_data(path=\"data/team.toml\", format=\"plain\") }}|{{ j.k }}",
        );
    site.run(&["build"]).success();
    let home = site.read("public/index.html");
    for line in [
        "First|https://example.com/blog/first/|<p>One.</p>\n<p>More of one.</p>\n",
        "\nBlog:no pages\n",
        "\ntags:rust=2;web=1;\n",
        "<p>Two.</p>",
        "\nhttps://example.com/tags/rust/|https://example.com/tags/web/\n",
        "Ada|one|lead = &quot;Ada&quot;\n|7",
    ] {
        assert!(home.contains(line), "{line:?} not in:\n{home}");
    }
    assert_eq!(
        site.read("public/about/index.html"),
        "Blog:[Second][First][Story]"
    );
}

#[test]
fn an_unknown_path_is_an_error_at_the_template_line_with_a_suggestion() {
    let site = blog().file(
        "templates/page.html",
        "<h1>{{ page.title }}</h1>\n{% set p = get_page(path=\"blog/frist.md\") %}{{ p.title }}",
    );
    let run = site.run(&["build"]);
    run.failure();
    assert!(
        run.stderr.contains("templates/page.html:2"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(
            "get_page: no page at content/blog/frist.md; did you mean \"blog/first.md\"?"
        ),
        "{}",
        run.stderr
    );

    let site = blog()
        .file(
            "templates/page.html",
            "{% set t = get_taxonomy(kind=\"tag\") %}{{ t.kind.name }}",
        )
        .file(
            "templates/about.html",
            "{% set d = load_data(path=\"data/none.toml\") %}{{ d }}",
        );
    let run = site.run(&["build"]);
    run.failure();
    for message in [
        "templates/page.html:1: get_taxonomy: the site has no taxonomy \"tag\"; did you mean \"tags\"?",
        "templates/about.html:1: load_data: no file \"data/none.toml\"",
    ] {
        assert!(run.stderr.contains(message), "{message}:\n{}", run.stderr);
    }
}

/// A shortcode that lists the blog, on the about page.
fn blog_with_shortcode() -> Site {
    blog()
        .file(
            "templates/shortcodes/recent.html",
            "{% set s = get_section(path=\"blog/_index.md\") %}{% for p in s.pages %}<{{ p.title }}>{% endfor %}",
        )
        .file("content/about.md", "+++\ntitle = \"About\"\n+++\nLatest: {{ recent() }}\n")
        .file("templates/page.html", "{{ page.content | safe }}")
}

#[test]
fn shortcodes_read_the_site_and_a_warm_build_follows_its_edits() {
    let site = blog_with_shortcode();
    site.run(&["build"]).success();
    let about = site.read("public/about/index.html");
    assert!(about.contains("Latest: <Second><First>"), "{about}");
    let edited = post("Second, renamed", "2024-01-02", &["rust", "web"], "Two.");
    site.write("content/blog/second.md", edited.as_bytes());
    site.run(&["build"]).success();
    let about = site.read("public/about/index.html");
    assert!(
        about.contains("Latest: <Second, renamed><First>"),
        "{about}"
    );
}

#[test]
fn serve_re_renders_a_shortcode_that_lists_an_edited_post() {
    serve_shows_the_renamed_post(
        blog_with_shortcode(),
        "Latest: <Second><First>",
        "Latest: <Second, renamed><First>",
    );
}

/// Serves `site`, whose `/about/` shows `before`, renames its second post
/// and checks that the reload names `/about/` and that it now shows `after`.
fn serve_shows_the_renamed_post(site: Site, before: &str, after: &str) {
    let server = Server::start(site.root(), &[]);
    let mut ws = server.livereload();
    assert!(server.get("/about/").1.contains(before));
    let edited = post("Second, renamed", "2024-01-02", &["rust", "web"], "Two.");
    site.write("content/blog/second.md", edited.as_bytes());
    let msg = ws.expect("reload");
    let changed: Vec<&str> = (msg["paths"].as_array().unwrap().iter())
        .filter_map(|v| v.as_str())
        .collect();
    assert!(changed.contains(&"about/index.html"), "{changed:?}");
    let about = server.get("/about/").1;
    assert!(about.contains(after), "{about}");
}

#[test]
fn a_warm_build_re_renders_what_lists_an_edited_title_and_nothing_else() {
    let site = blog();
    site.run(&["build"]).success();
    let about = modified(&site, "public/about/index.html");
    let first = modified(&site, "public/blog/first/index.html");
    std::thread::sleep(std::time::Duration::from_millis(20));
    let edited = post("Second, renamed", "2024-01-02", &["rust", "web"], "Two.");
    site.write("content/blog/second.md", edited.as_bytes());
    site.run(&["build"]).success();
    assert_eq!(
        site.read("public/about/index.html"),
        "Blog:[Second, renamed][First]"
    );
    assert_ne!(modified(&site, "public/about/index.html"), about);
    assert_eq!(
        modified(&site, "public/blog/first/index.html"),
        first,
        "a page whose template calls no site function is not rewritten"
    );
}

#[test]
fn a_warm_build_re_renders_what_loads_an_edited_file() {
    let site = blog()
        .file(
            "content/blog/story/index.md",
            "+++\ntitle = \"Story\"\ntemplate = \"story.html\"\n+++\n",
        )
        .file("content/blog/story/numbers.csv", "n,word\n1,one\n")
        .file(
            "templates/story.html",
            "{% set d = load_data(path=\"content/blog/story/numbers.csv\") %}{{ d.records[0][1] }}",
        );
    site.run(&["build"]).success();
    assert_eq!(site.read("public/blog/story/index.html"), "one");
    site.write("content/blog/story/numbers.csv", b"n,word\n1,uno\n");
    site.run(&["build"]).success();
    assert_eq!(site.read("public/blog/story/index.html"), "uno");
}

#[test]
fn a_session_re_renders_listers_on_title_edits_but_not_on_body_edits() {
    let site = blog();
    let mut session = Session::load(site.root(), &BuildOptions::default()).unwrap();
    session.render().unwrap();
    let edit = |session: &mut Session, text: &str| {
        site.write("content/blog/first.md", text.as_bytes());
        session
            .update_pages(&["blog/first.md".to_string()])
            .unwrap();
        session.render().unwrap().stats.rendered_paths
    };
    // Below the summary: the about page shows titles only.
    let body = post("First", "2024-01-01", &["rust"], "One.\n\nMore, edited.");
    let rendered = edit(&mut session, &body);
    assert!(
        !rendered.contains(&"about/index.html".to_string()),
        "{rendered:?}"
    );
    assert!(
        rendered.contains(&"blog/first/index.html".to_string()),
        "{rendered:?}"
    );
    let title = post(
        "First, renamed",
        "2024-01-01",
        &["rust"],
        "One.\n\nMore, edited.",
    );
    let rendered = edit(&mut session, &title);
    assert!(
        rendered.contains(&"about/index.html".to_string()),
        "{rendered:?}"
    );
    let fresh = ssg::build::build(site.root(), &BuildOptions::default()).unwrap();
    let about = fresh
        .outputs
        .iter()
        .find(|o| o.path == "about/index.html")
        .unwrap();
    assert_eq!(
        String::from_utf8(about.read().unwrap()).unwrap(),
        "Blog:[Second][First, renamed]"
    );
}

#[test]
fn serve_re_renders_the_page_that_lists_an_edited_post() {
    serve_shows_the_renamed_post(
        blog(),
        "Blog:[Second][First]",
        "Blog:[Second, renamed][First]",
    );
}

#[test]
fn a_template_naming_its_section_is_not_re_rendered_for_an_edit_elsewhere() {
    let site = blog()
        .file("content/docs/_index.md", "+++\ntitle = \"Docs\"\n+++\n")
        .file("content/docs/guide.md", "+++\ntitle = \"Guide\"\n+++\nRead me.\n")
        .file(
            "content/docs/any.md",
            "+++\ntitle = \"Any\"\ntemplate = \"any.html\"\n[extra]\nshow = \"blog/first.md\"\n+++\n",
        )
        .file(
            "templates/any.html",
            "{% set p = get_page(path=page.extra.show) %}{{ p.title }}",
        );
    let mut session = Session::load(site.root(), &BuildOptions::default()).unwrap();
    session.render().unwrap();
    site.write(
        "content/docs/guide.md",
        b"+++\ntitle = \"Guide, renamed\"\n+++\nRead me.\n",
    );
    session
        .update_pages(&["docs/guide.md".to_string()])
        .unwrap();
    let rendered = session.render().unwrap().stats.rendered_paths;
    // about.html names blog/_index.md: the docs do not reach it. any.html
    // computes its path, so it may show any page and is rendered again.
    assert!(
        !rendered.contains(&"about/index.html".to_string()),
        "{rendered:?}"
    );
    assert!(
        rendered.contains(&"docs/any/index.html".to_string()),
        "{rendered:?}"
    );
    assert!(
        rendered.contains(&"docs/guide/index.html".to_string()),
        "{rendered:?}"
    );
}

#[test]
fn zola_templates_passing_lang_on_to_the_functions_render() {
    let site = blog().file(
        "templates/about.html",
        "{% set blog = get_section(path=\"blog/_index.md\", lang=lang) %}\
         [{{ lang }}] {{ get_url(path=\"/about/\", lang=lang) }} {{ blog.title }}",
    );
    site.run(&["build"]).success();
    let about = site.read("public/about/index.html");
    assert!(
        about.contains("[en] https://example.com/about/ Blog"),
        "{about}"
    );
}
