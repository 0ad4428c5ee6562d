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
            .any(|o| o.path.starts_with("search-index/"))
    );
    assert!(!has_output(&built, "search/index.html"));
    assert!(!output(&built, "index.html").contains("site-search"));
}

#[test]
fn an_enabled_site_has_the_index_the_results_page_and_the_box() {
    let built = blog().build();
    for file in ["search-index/meta.json", "search-index/search.js"] {
        assert!(has_output(&built, file), "no {file}");
    }
    let meta: serde_json::Value =
        serde_json::from_str(&output(&built, "search-index/meta.json")).unwrap();
    assert_eq!(
        meta["pages"],
        json!(2),
        "the two posts that did not opt out"
    );
    let page_list = meta["page_files"][0].as_str().unwrap();
    let pages = output(&built, &format!("search-index/{page_list}"));
    assert_eq!(
        pages,
        r#"[["/blog/alpha/","Alpha"],["/blog/beta/","Beta"]]"#
    );
    let results_page = output(&built, "search/index.html");
    assert!(results_page.contains("mountResults"), "{results_page}");
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
    assert!(page.contains("/search-index/search.js"), "{page}");
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
    let first = snapshot(&site.root().join("public/search-index"));
    std::fs::remove_dir_all(site.root().join("public")).unwrap();
    std::fs::remove_dir_all(site.root().join(".ssg-cache")).unwrap();
    site.run(&["build"]).success();
    assert_eq!(first, snapshot(&site.root().join("public/search-index")));

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
    assert_ne!(first, snapshot(&site.root().join("public/search-index")));
}

#[test]
fn init_turns_search_on() {
    let dir = tempfile::tempdir().unwrap();
    crate::support::run_in(dir.path(), &["init", "site"]).success();
    let site = dir.path().join("site");
    crate::support::run_in(&site, &["build"]).success();
    assert!(site.join("public/search-index/search.js").is_file());
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
        "[...document.querySelectorAll('.search-result-link')].map(a => a.getAttribute('href')).join(' ')",
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
    let chunks = std::fs::read_dir(site.root().join("public/search-index"))
        .unwrap()
        .filter(|f| {
            f.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with("words-")
        })
        .count();
    assert!(
        chunks >= 3,
        "the index should be cut into word files, found {chunks}"
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
    let index_chunks = served.iter().filter(|(p, _)| p.contains("/words-")).count();
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
            browser.eval("document.querySelectorAll('.search-result-link').length") == json!(1)
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
        "document.querySelector('.search-message') && document.querySelector('.search-message').textContent.startsWith('No results')",
        &json!(true),
    );
}

/// Runs `search(query)` of the site's client in the open page: each
/// result's URL, title, excerpt and section id.
fn search_in_page(browser: &mut Browser, query: &str) -> Vec<serde_json::Value> {
    let script = format!(
        "import('/search-index/search.js').then(async (c) => {{ const found = await c.search({query:?}); return Promise.all(found.results.map((r) => r.data())); }})"
    );
    let params = json!({"expression": script, "returnByValue": true, "awaitPromise": true});
    let value = browser.call("Runtime.evaluate", params)["result"]["value"].clone();
    value
        .as_array()
        .cloned()
        .unwrap_or_else(|| panic!("{value}"))
}

fn urls(results: &[serde_json::Value]) -> Vec<&str> {
    results.iter().map(|r| r["url"].as_str().unwrap()).collect()
}

#[test]
fn chromium_ranks_by_weight_matches_prefixes_and_marks_the_excerpt() {
    let site = Site::with_config(&search_config())
        .file(
            "content/blog/titled.md",
            &post("Otters", "2024-01-01", &[], "A short note on rivers."),
        )
        .file(
            "content/blog/mention.md",
            &post(
                "Rivers",
                "2024-01-02",
                &[],
                "Long text about rivers and banks and water, where an otter was seen once, by the bridge, at dawn.",
            ),
        )
        .file(
            "content/blog/deploy.md",
            &post(
                "Shipping",
                "2024-01-03",
                &[],
                "Intro.\n\n## Going live {#live}\n\nThe deployment of the site to a bucket.\n",
            ),
        );
    let host = StaticHost::start(&site.root().join("public"));
    build_for(&site, &host);
    let mut browser = Browser::open(&host.url("/"));
    browser.wait_for("document.readyState", &json!("complete"));

    // A word of the title outweighs one mention in a longer text.
    let otter = search_in_page(&mut browser, "otter");
    assert_eq!(urls(&otter), ["/blog/titled/", "/blog/mention/"]);
    // Each word must be in a page.
    assert_eq!(
        urls(&search_in_page(&mut browser, "otter dawn")),
        ["/blog/mention/"]
    );
    assert!(search_in_page(&mut browser, "otter zebra").is_empty());

    // A typed beginning finds the whole word; the excerpt marks it and
    // names the section it is in.
    let deploy = search_in_page(&mut browser, "Deplo");
    assert_eq!(urls(&deploy), ["/blog/deploy/"]);
    assert_eq!(deploy[0]["title"], json!("Shipping"));
    let excerpt = deploy[0]["excerpt"].as_str().unwrap();
    assert!(
        excerpt.contains("The <mark>deployment</mark> of the site"),
        "{excerpt}"
    );
    assert_eq!(deploy[0]["section"]["id"], json!("live"));
    assert_eq!(deploy[0]["section"]["title"], json!("Going live"));

    // The results page shows the section as a link of its own.
    go_to(
        &mut browser,
        &host.url("/search/?q=deployment"),
        "/search/?q=deployment",
    );
    browser.wait_for(
        "[...document.querySelectorAll('.search-result-section')].map(a => a.getAttribute('href')).join(' ')",
        &json!("/blog/deploy/#live"),
    );
}

/// A reader typing without accents finds the page written with them, and
/// its excerpt marks the word as written.
#[test]
fn chromium_finds_accented_words_typed_without_accents() {
    let site = Site::with_config(&search_config()).file(
        "content/blog/cafe.md",
        &post(
            "Le menu",
            "2024-01-01",
            &[],
            "Un Café crème et une crêpe, près de l'église.",
        ),
    );
    let host = StaticHost::start(&site.root().join("public"));
    build_for(&site, &host);
    let mut browser = Browser::open(&host.url("/"));
    browser.wait_for("document.readyState", &json!("complete"));
    for query in ["cafe creme", "Café", "eglise", "crep"] {
        let found = search_in_page(&mut browser, query);
        assert_eq!(urls(&found), ["/blog/cafe/"], "{query}");
    }
    let found = search_in_page(&mut browser, "cafe");
    let excerpt = found[0]["excerpt"].as_str().unwrap();
    assert!(excerpt.contains("Un <mark>Café</mark> crème"), "{excerpt}");
}

#[test]
fn the_client_splits_a_query_into_words_as_the_indexer_does() {
    let samples = [
        "Deploy to S3 in 2024: it's <fast>!",
        "ÜNÏCODE été Straße ΣΊΣΥΦΟΣ İstanbul ǅemal",
        "熊猫吃竹子 a 熊 b ssg是工具 カタカナとひらがな 한국어 문장",
        "emoji 🦀 rust🦀crab x y z 42 ½ ² ٣ 𝟘𝟙",
        &format!("{} {}", "q".repeat(40), "w".repeat(41)),
        "tab\tand\nnewline\u{a0}nbsp\u{200b}zero-width",
        "𠀀𠀁 astral han, ﬁ ligature, ǈ titlecase",
        "Café crème brûlée, naïve Ångström, Øresund Ærø ñandú Ḿ ǅž ŁÓDŹ",
        "हिन्दी देवनागरी (vowel signs are marks, not accents) Ελληνικά άέ",
    ];
    // And strings drawn from every kind of character the rule tells apart.
    let pool: Vec<char> =
        "aZ09 -'.,\t\néÉßΣσİıǅ½²٣𝟘熊猫竹子かカ한국🦀\u{a0}\u{200b}&<ñÅøǄḾə\u{301}ि"
            .chars()
            .collect();
    let mut seed: u64 = 0x5eed;
    let mut generated = Vec::new();
    for _ in 0..300 {
        let mut text = String::new();
        for _ in 0..(seed % 60) {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            text.push(pool[(seed >> 33) as usize % pool.len()]);
        }
        generated.push(text);
    }
    let samples: Vec<&str> = samples
        .iter()
        .copied()
        .chain(generated.iter().map(String::as_str))
        .collect();
    let mut expected = Vec::new();
    for sample in &samples {
        let mut words = Vec::new();
        ssg::search::words::for_each_word(sample, |w| words.push(w.to_string()));
        expected.push(words);
    }
    let client = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/search/client.js");
    let script = format!(
        "import({:?}).then((c) => console.log(JSON.stringify({}.map(c.words))))",
        format!("file://{}", client.display()),
        serde_json::to_string(&samples).unwrap()
    );
    let out = std::process::Command::new("node")
        .args(["--input-type=module", "-e", &script])
        .output()
        .expect("node runs (Debian's nodejs)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let from_node: Vec<Vec<String>> = serde_json::from_slice(&out.stdout).unwrap();
    for ((sample, rust), node) in samples.iter().zip(&expected).zip(&from_node) {
        assert_eq!(rust, node, "{sample:?}");
    }
}
