//! Search (`[search] enabled = true`): the index built with the site, the
//! `/search/` page and the default theme's box, searched in chromium from
//! static files alone; a page kept out with `search: false`; `ssg serve`
//! keeping the index current; what a query fetches.

use std::time::{Duration, Instant};

use serde_json::json;

use crate::support::cdp::Browser;
use crate::support::server::Server;
use crate::support::static_host::StaticHost;
use crate::support::{CONFIG, Site, has_output, output, post, snapshot};

fn search_config() -> String {
    format!("{CONFIG}\n[search]\nenabled = true\n")
}

/// Three posts, each with a word of its own; `hidden` opts out.
fn blog() -> Site {
    Site::with_config(&search_config())
        .file(
            "content/blog/alpha.md",
            &post("Alpha", "2024-01-01", &[], "A post about the zanzibar archipelago."),
        )
        .file(
            "content/blog/beta.md",
            &post("Beta", "2024-01-02", &[], "Notes on quokka behaviour."),
        )
        .file(
            "content/blog/hidden.md",
            "---\ntitle: Hidden\ndate: 2024-01-03\nsearch: false\n---\n\nThe secret word is xylograph.\n",
        )
}

/// Types `word` into the header's box until its results are shown (as a
/// reader types again when nothing shows: the page's script may still be
/// loading).
fn type_into_box(browser: &mut Browser, word: &str) {
    let typed = format!(
        "(() => {{ const i = document.querySelector('form.site-search input'); i.value = '{word}'; i.dispatchEvent(new Event('input')); }})()"
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        browser.eval(&typed);
        for _ in 0..10 {
            std::thread::sleep(Duration::from_millis(100));
            let shown = browser.eval(
                "document.querySelector('.site-search-results').hidden === false && document.querySelector('.site-search-results').textContent",
            );
            if shown.as_str().is_some_and(|text| !text.is_empty()) {
                return;
            }
        }
        assert!(
            Instant::now() < deadline,
            "no results were shown for {word:?}"
        );
    }
}

/// `site` built to `public/` for `host`, so its URLs lead there.
fn build_for(site: &Site, host: &StaticHost) {
    site.run(&["build", "--base-url", &host.url("")]).success();
}

const BOX_LINKS: &str =
    "[...document.querySelectorAll('.site-search-results a')].map(a => a.getAttribute('href'))";

/// Opens `path` in the tab and waits until it has loaded.
fn go_to(browser: &mut Browser, url: &str, path: &str) {
    browser.eval(&format!("location.href = '{url}'"));
    browser.wait_for(
        "location.pathname + location.search + ':' + document.readyState",
        &json!(format!("{path}:complete")),
    );
}

#[test]
fn search_is_off_unless_the_config_turns_it_on() {
    let built = Site::new()
        .file("content/blog/a.md", &post("A", "2024-01-01", &[], "Text."))
        .build();
    assert!(
        !built
            .outputs
            .iter()
            .any(|o| o.path.starts_with("pagefind/"))
    );
    assert!(!has_output(&built, "search/index.html"));
    assert!(!output(&built, "index.html").contains("site-search"));
}

#[test]
fn an_enabled_site_has_the_index_the_results_page_and_the_box() {
    let built = blog().build();
    for file in [
        "pagefind/pagefind.js",
        "pagefind/pagefind-entry.json",
        "pagefind/pagefind-ui.js",
        "pagefind/pagefind-ui.css",
        "pagefind/wasm.en.pagefind",
    ] {
        assert!(has_output(&built, file), "no {file}");
    }
    let fragments = built
        .outputs
        .iter()
        .filter(|o| o.path.ends_with(".pf_fragment"))
        .count();
    assert_eq!(fragments, 2, "the two posts that did not opt out");
    let results_page = output(&built, "search/index.html");
    assert!(results_page.contains("PagefindUI"), "{results_page}");
    let home = output(&built, "index.html");
    assert!(
        home.contains(r#"action="https://example.com/search/""#),
        "{home}"
    );
    assert!(home.contains(r#"name="q""#), "{home}");
}

#[test]
fn a_theme_without_a_search_page_gets_a_plain_one() {
    let site = Site::with_config(
        "title = \"T\"\nbase_url = \"https://example.com\"\n[search]\nenabled = true\n",
    )
    .file("templates/page.html", "{{ page.content | safe }}")
    .file("templates/index.html", "home")
    .file("templates/section.html", "section")
    .file("templates/404.html", "404")
    .file("content/a.md", "---\ntitle: A\n---\n\nText.\n");
    let page = output(&site.build(), "search/index.html");
    assert!(page.contains("pagefind-ui.js"), "{page}");
}

#[test]
fn a_search_key_that_is_not_true_or_false_is_an_error_at_its_line() {
    let site = Site::with_config(&search_config()).file(
        "content/a.md",
        "---\ntitle: A\ndate: 2024-01-01\nsearch: \"no\"\n---\n\nText.\n",
    );
    let run = site.run(&["build"]);
    run.failure();
    assert!(run.stderr.contains("content/a.md:4"), "{}", run.stderr);
    assert!(
        run.stderr.contains("`search` must be true or false"),
        "{}",
        run.stderr
    );
}

#[test]
fn the_index_is_the_same_bytes_every_build_and_kept_when_nothing_changed() {
    let site = blog();
    site.run(&["build"]).success();
    let first = snapshot(&site.root().join("public/pagefind"));
    std::fs::remove_dir_all(site.root().join("public")).unwrap();
    std::fs::remove_dir_all(site.root().join(".ssg-cache")).unwrap();
    site.run(&["build"]).success();
    assert_eq!(first, snapshot(&site.root().join("public/pagefind")));

    // A warm build with no page changed reuses the index, files untouched.
    let run = site.run(&["-v", "build"]);
    run.success();
    assert!(
        run.stderr.contains("search index unchanged"),
        "{}",
        run.stderr
    );

    // A changed word is a new index.
    site.write(
        "content/blog/beta.md",
        post("Beta", "2024-01-02", &[], "Notes on wombat behaviour.").as_bytes(),
    );
    let run = site.run(&["-v", "build"]);
    run.success();
    assert!(
        !run.stderr.contains("search index unchanged"),
        "{}",
        run.stderr
    );
    assert_ne!(first, snapshot(&site.root().join("public/pagefind")));
}

#[test]
fn init_turns_search_on() {
    let dir = tempfile::tempdir().unwrap();
    crate::support::run_in(dir.path(), &["init", "site"]).success();
    let site = dir.path().join("site");
    crate::support::run_in(&site, &["build"]).success();
    assert!(site.join("public/pagefind/pagefind.js").is_file());
    assert!(site.join("public/search/index.html").is_file());
}

#[test]
fn chromium_finds_a_post_by_a_word_from_static_files_alone() {
    let site = blog();
    let host = StaticHost::start(&site.root().join("public"));
    build_for(&site, &host);
    let mut browser = Browser::open(&host.url("/"));
    browser.wait_for("document.readyState", &json!("complete"));

    type_into_box(&mut browser, "zanzibar");
    browser.wait_for(
        &format!("{BOX_LINKS}.includes('/blog/alpha/')"),
        &json!(true),
    );
    assert_eq!(browser.eval(&format!("{BOX_LINKS}.length")), json!(1));

    // The page that opted out is not found by its own word.
    type_into_box(&mut browser, "xylograph");
    browser.wait_for(
        "document.querySelector('.site-search-results').textContent",
        &json!("No results"),
    );

    // `/search/?q=WORD` works as a link.
    go_to(
        &mut browser,
        &host.url("/search/?q=quokka"),
        "/search/?q=quokka",
    );
    browser.wait_for(
        "[...document.querySelectorAll('.pagefind-ui__result-link')].map(a => a.getAttribute('href')).join(' ')",
        &json!("/blog/beta/"),
    );
}

#[test]
fn chromium_finds_a_chinese_post_by_a_word_inside_a_sentence() {
    // Chinese writes no spaces between words: the index must hold 熊猫
    // (panda) as a word of its own, not only the run it sits in.
    let site = Site::with_config(&format!("language = \"zh\"\n{}", search_config()))
        .file(
            "content/blog/zhu.md",
            &post(
                "竹子",
                "2024-01-01",
                &[],
                "我们的动物园里有一只熊猫每天吃很多竹子。",
            ),
        )
        .file(
            "content/blog/niao.md",
            &post("鸟", "2024-01-02", &[], "公园里的小鸟在树上唱歌。"),
        );
    let host = StaticHost::start(&site.root().join("public"));
    build_for(&site, &host);
    let mut browser = Browser::open(&host.url("/"));
    browser.wait_for("document.readyState", &json!("complete"));
    type_into_box(&mut browser, "熊猫");
    browser.wait_for(&format!("{BOX_LINKS}.join(' ')"), &json!("/blog/zhu/"));
}

#[test]
fn a_query_fetches_only_the_chunks_its_word_needs() {
    // Enough distinct words for the index to be split into chunks.
    let mut site = Site::with_config(&search_config());
    for i in 0..300 {
        let words: Vec<String> = (0..40).map(|j| format!("w{i}x{j}q")).collect();
        site = site.file(
            &format!("content/blog/p{i}.md"),
            &post(&format!("Post {i}"), "2024-01-01", &[], &words.join(" ")),
        );
    }
    let host = StaticHost::start(&site.root().join("public"));
    build_for(&site, &host);
    let chunks = std::fs::read_dir(site.root().join("public/pagefind/index"))
        .unwrap()
        .count();
    assert!(
        chunks >= 3,
        "the index should be chunked, found {chunks} chunk(s)"
    );

    let mut browser = Browser::open(&host.url("/blog/p7/"));
    browser.wait_for("document.readyState", &json!("complete"));
    host.take_served();
    type_into_box(&mut browser, "w123x5q");
    browser.wait_for(
        &format!("{BOX_LINKS}.includes('/blog/p123/')"),
        &json!(true),
    );

    let served = host.take_served();
    let index_chunks = served.iter().filter(|(p, _)| p.contains("/index/")).count();
    let bytes: usize = served.iter().map(|(_, b)| b).sum();
    assert!(index_chunks >= 1 && index_chunks < chunks, "{served:#?}");
    assert!(
        bytes <= 300 * 1024,
        "a query fetched {bytes} bytes: {served:#?}"
    );
}

#[test]
fn serve_keeps_the_index_current() {
    let site = blog();
    let server = Server::start(site.root(), &[]);
    let mut browser = Browser::open(&server.url("/"));
    browser.wait_for("document.readyState", &json!("complete"));
    type_into_box(&mut browser, "quokka");
    browser.wait_for(
        &format!("{BOX_LINKS}.includes('/blog/beta/')"),
        &json!(true),
    );

    site.write(
        "content/blog/beta.md",
        post("Beta", "2024-01-02", &[], "Notes on numbat behaviour.").as_bytes(),
    );
    // Search again (a fresh page, so a fresh index) until the new word is found.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        go_to(
            &mut browser,
            &server.url("/search/?q=numbat"),
            "/search/?q=numbat",
        );
        let found = (0..20).any(|_| {
            std::thread::sleep(Duration::from_millis(100));
            browser.eval("document.querySelectorAll('.pagefind-ui__result-link').length")
                == json!(1)
        });
        if found {
            break;
        }
        assert!(Instant::now() < deadline, "the new word was never found");
    }
    go_to(
        &mut browser,
        &server.url("/search/?q=quokka"),
        "/search/?q=quokka",
    );
    browser.wait_for(
        "document.querySelector('.pagefind-ui__message') && document.querySelector('.pagefind-ui__message').textContent.startsWith('No results')",
        &json!(true),
    );
}
