//! What chromium shows of a page's images: the AVIF `<source>` chosen
//! and decoded when `[images] formats` offers it, and a photo published
//! without its EXIF still upright, by the orientation ssg keeps.

use serde_json::json;

use crate::support::CONFIG;
use crate::support::Site;
use crate::support::cdp::Browser;
use crate::support::images::{jpeg_halves, with_exif};
use crate::support::static_host::StaticHost;

/// Every image of the page loaded (or failed).
const ALL_LOADED: &str = "[...document.images].every(i => i.complete)";

#[test]
fn chromium_picks_the_avif_copy_and_shows_the_stripped_photo_upright() {
    let site = Site::with_config(&format!(
        "{CONFIG}\n[images]\nwidths = [100, 200, 1000]\nformats = [\"webp\", \"avif\"]\n"
    ))
    .file(
        "content/blog/trip/index.md",
        "---\ntitle: Trip\n---\n![Portrait](portrait.jpg)\n\n<img id=\"orig\" src=\"portrait.jpg\">\n",
    );
    // Stored 300 × 200 with orientation 6 (and a GPS position): shown
    // upright it is 200 × 300.
    site.write(
        "content/blog/trip/portrait.jpg",
        &with_exif(&jpeg_halves(300, 200), 6),
    );
    site.run(&["build"]).success();
    let host = StaticHost::start(&site.root().join("public"));
    let mut browser = Browser::open(&host.url("/blog/trip/"));
    browser.wait_for("document.readyState", &json!("complete"));
    browser.wait_for(ALL_LOADED, &json!(true));

    let picture = "document.querySelector('picture img')";
    let chosen = browser.eval(&format!("{picture}.currentSrc"));
    assert!(
        chosen.as_str().is_some_and(|src| src.ends_with(".avif")),
        "chromium chose {chosen}"
    );
    assert_eq!(
        browser.eval(&format!(
            "[{picture}.naturalWidth, {picture}.naturalHeight]"
        )),
        json!([200, 300]),
        "the AVIF copy decodes, upright"
    );
    // The published original, its EXIF gone but for the orientation.
    assert_eq!(
        browser.eval("[orig.naturalWidth, orig.naturalHeight]"),
        json!([200, 300]),
        "the original is shown upright"
    );
}
