//! End to end in a real browser: Debian's chromium, headless, opened on a
//! page served by `ssg serve`. The test edits files on disk and watches the
//! open page change through the DevTools protocol — it never reloads it.

use std::time::{Duration, Instant};

use serde_json::json;

use crate::support::cdp::Browser;
use crate::support::server::Server;
use crate::support::{Site, post};

#[test]
fn an_open_page_follows_edits_without_the_test_reloading_it() {
    let long_body = "Filler paragraph.\n\n".repeat(200);
    let site = Site::new().file(
        "content/blog/live.md",
        &post(
            "Live",
            "2024-01-01",
            &["x"],
            &format!("Original text.\n\n{long_body}"),
        ),
    );
    let log = site.root().join("serve.log");
    let server = Server::start_logged(site.root(), &[], &log);
    let mut browser = Browser::open(&server.url("/blog/live/"));
    browser.wait_for("document.readyState", &json!("complete"));
    browser.wait_for(
        "document.querySelector('h1') && document.querySelector('h1').textContent",
        &json!("Live"),
    );
    // Live reload is connected once its socket exists; give it a moment.
    std::thread::sleep(Duration::from_millis(300));
    browser.eval("window.scrollTo(0, 600)");
    browser.wait_for("Math.round(window.scrollY)", &json!(600));

    // A body edit: the page is rendered ahead of the site, and the site
    // waits for this tab to come back with it before rendering the rest.
    site.write(
        "content/blog/live.md",
        post(
            "Live",
            "2024-01-01",
            &["x"],
            &format!("Edited text.\n\n{long_body}"),
        )
        .as_bytes(),
    );
    browser.wait_for(
        "document.body.innerText.includes('Edited text.')",
        &json!(true),
    );
    assert_server_saw_the_tab_come_back(&log);
    browser.wait_for("Math.round(window.scrollY)", &json!(600));

    // A title edit: the page reloads itself and keeps its scroll position.
    site.write(
        "content/blog/live.md",
        post(
            "Live, edited",
            "2024-01-01",
            &["x"],
            &format!("Changed text.\n\n{long_body}"),
        )
        .as_bytes(),
    );
    browser.wait_for(
        "document.querySelector('h1').textContent",
        &json!("Live, edited"),
    );
    browser.wait_for("Math.round(window.scrollY)", &json!(600));

    // A stylesheet edit swaps the CSS without a reload: a marker set on the window survives.
    browser.eval("window.__ssgMarker = 42");
    site.write(
        "static/style.css",
        b"body { background-color: rgb(1, 2, 3); }",
    );
    browser.wait_for(
        "getComputedStyle(document.body).backgroundColor",
        &json!("rgb(1, 2, 3)"),
    );
    assert_eq!(
        browser.eval("window.__ssgMarker"),
        json!(42),
        "the CSS change reloaded the page"
    );

    a_broken_save_shows_the_overlay_until_fixed(&site, &mut browser);
}

/// The server logs the reloaded tab once its new socket is open, which may
/// be just after the page shows the text.
#[track_caller]
fn assert_server_saw_the_tab_come_back(log: &std::path::Path) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let log_text = std::fs::read_to_string(log).expect("read the server log");
        if log_text.contains("1 reloaded tab(s) back") {
            // And `-v` tells the watcher's share of the save's way.
            assert!(
                log_text.contains("change: content/blog/live.md (written "),
                "{log_text}"
            );
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the server did not see the tab come back:\n{log_text}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A broken save shows the error overlay, naming the file and line; fixing
/// it clears it.
fn a_broken_save_shows_the_overlay_until_fixed(site: &Site, browser: &mut Browser) {
    site.write("content/blog/live.md", b"---\ntitle: [unclosed\n---\n");
    browser.wait_for(
        "!!document.getElementById('ssg-error-overlay')",
        &json!(true),
    );
    let overlay = browser.eval("document.getElementById('ssg-error-overlay').textContent");
    assert!(
        overlay
            .as_str()
            .unwrap_or("")
            .contains("content/blog/live.md:"),
        "{overlay}"
    );
    site.write(
        "content/blog/live.md",
        post("Live again", "2024-01-01", &[], "Back.").as_bytes(),
    );
    browser.wait_for(
        "document.querySelector('h1') && document.querySelector('h1').textContent",
        &json!("Live again"),
    );
    browser.wait_for(
        "!!document.getElementById('ssg-error-overlay')",
        &json!(false),
    );
}

#[test]
fn the_copy_button_copies_a_code_block_without_its_line_numbers() {
    let site = Site::new().file(
        "content/blog/code.md",
        &post(
            "Code",
            "2024-01-01",
            &[],
            "Before.\n\n```rust,linenos,name=main.rs\nfn main() {\n    println!(\"hi\");\n}\n```\n",
        ),
    );
    let server = Server::start(site.root(), &[]);
    let mut browser = Browser::open(&server.url("/blog/code/"));
    browser.wait_for(
        "!!document.querySelector('pre button.copy-code')",
        &json!(true),
    );
    assert_eq!(
        browser.eval("document.querySelector('.code-title').textContent"),
        json!("main.rs")
    );
    browser.call(
        "Browser.grantPermissions",
        json!({"permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]}),
    );
    browser.eval_as_user("document.querySelector('button.copy-code').click()");
    browser.wait_for(
        "document.querySelector('button.copy-code').textContent",
        &json!("Copied"),
    );
    let copied = browser.eval_as_user("navigator.clipboard.readText()");
    assert_eq!(copied, json!("fn main() {\n    println!(\"hi\");\n}"));
}
