//! Images as a writer meets them: a Markdown image of a page's photo or a
//! static file becomes a `<picture>` of resized copies (decoded here to
//! check their size and format), upright by its EXIF orientation and
//! without its EXIF; the image hook and the template functions; copies
//! made once and the same bytes every build; and bad image files, each an
//! error at the content line that uses it.

use std::fs;
use std::path::Path;

use image::{GenericImageView, ImageFormat};

use crate::support::images::{
    GPS_MARKER, decoded, jpeg_halves, png_header_claiming, png_with_alpha, srcset_urls, truncated,
    with_exif,
};
use crate::support::text::between;
use crate::support::{CONFIG, Site, snapshot};

/// The site's config with small widths, so the tests resize little.
fn config() -> String {
    format!("{CONFIG}\n[images]\nwidths = [100, 200, 1000]\n")
}

/// The value of attribute `name` in the first tag of `html` that has it.
fn attribute<'h>(html: &'h str, name: &str) -> &'h str {
    between(html, &format!(" {name}=\""), "\"").unwrap_or_else(|| panic!("no {name} in {html}"))
}

/// The `<img …>` tag in `html`.
fn img_tag(html: &str) -> &str {
    between(html, "<img ", ">").unwrap_or_else(|| panic!("no <img> in {html}"))
}

/// The bytes of the output a site URL names.
fn output_at(site: &Site, url: &str) -> Vec<u8> {
    let path = site.root().join("public").join(url.trim_start_matches('/'));
    fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every copy in `srcset` decodes to `format` at the width it is listed
/// with and the proportions of a `w` × `h` picture.
fn assert_copies(site: &Site, srcset: &str, format: ImageFormat, (w, h): (u32, u32)) {
    for (url, width) in srcset_urls(srcset) {
        let (found, picture) = decoded(&output_at(site, &url));
        assert_eq!(found, format, "{url}");
        assert_eq!(picture.width(), width, "{url}");
        let expected_h = (f64::from(width) * f64::from(h) / f64::from(w)).round() as u32;
        assert_eq!(picture.height(), expected_h, "{url}");
    }
}

fn trip_site() -> Site {
    let site = Site::with_config(&config()).file(
        "content/blog/trip/index.md",
        "---\ntitle: Trip\n---\nThe view:\n\n![The *view*](view.jpg)\n\n![Logo](/img/logo.png \"Our logo\")\n",
    );
    site.write("content/blog/trip/view.jpg", &jpeg_halves(600, 400));
    site.write("static/img/logo.png", &png_with_alpha(300, 150));
    site
}

#[test]
fn a_markdown_image_becomes_a_picture_of_resized_copies() {
    let site = trip_site();
    site.run(&["build"]).success();
    let html = site.read("public/blog/trip/index.html");
    let first = between(&html, "<picture>", "</picture>").expect("a picture");
    assert!(first.contains("<source type=\"image/webp\""), "{first}");
    assert_eq!(attribute(first, "width"), "600");
    assert_eq!(attribute(first, "height"), "400");
    assert_eq!(attribute(first, "alt"), "The view");
    assert!(
        !first.contains("loading="),
        "the first image loads at once: {first}"
    );
    let own = attribute(img_tag(first), "srcset");
    let widths: Vec<u32> = srcset_urls(own).iter().map(|(_, w)| *w).collect();
    assert_eq!(widths, [100, 200, 600], "never upscaled to 1000: {own}");
    assert_copies(&site, own, ImageFormat::Jpeg, (600, 400));
    let webp = between(first, "<source type=\"image/webp\" srcset=\"", "\"").unwrap();
    assert_copies(&site, webp, ImageFormat::WebP, (600, 400));
    let src = attribute(first, "src");
    assert_eq!(srcset_urls(own).last().map(|(u, _)| u.as_str()), Some(src));

    let second = html.rsplit("<picture>").next().unwrap();
    assert!(second.contains("loading=\"lazy\""), "{second}");
    assert!(second.contains("title=\"Our logo\""), "{second}");
    assert_eq!(attribute(second, "width"), "300");
    let own = attribute(img_tag(second), "srcset");
    assert_copies(&site, own, ImageFormat::Png, (300, 150));
    let (_, copy) = decoded(&output_at(&site, &srcset_urls(own)[0].0));
    assert_eq!(copy.get_pixel(99, 0)[3], 0, "transparency is kept");
    // The original is still published where the Markdown pointed.
    assert!(site.exists("public/blog/trip/view.jpg"));
}

#[test]
fn a_photo_is_turned_upright_and_loses_its_exif() {
    let site = Site::with_config(&config()).file(
        "content/p.md",
        "---\ntitle: P\n---\n![Portrait](/portrait.jpg)\n",
    );
    // Stored sideways: red on the left; orientation 6 shows it turned a
    // quarter clockwise, so red on top.
    site.write("static/portrait.jpg", &with_exif(&jpeg_halves(300, 200), 6));
    site.run(&["build"]).success();
    let html = site.read("public/p/index.html");
    assert_eq!(attribute(&html, "width"), "200");
    assert_eq!(attribute(&html, "height"), "300");
    let srcset = attribute(img_tag(&html), "srcset");
    assert_copies(&site, srcset, ImageFormat::Jpeg, (200, 300));
    for (url, _) in srcset_urls(srcset) {
        let bytes = output_at(&site, &url);
        assert!(!bytes.windows(4).any(|w| w == b"Exif"), "{url} has EXIF");
        assert!(
            !bytes.windows(8).any(|w| w == GPS_MARKER),
            "{url} has the GPS"
        );
        let (_, copy) = decoded(&bytes);
        let (top, bottom) = (copy.get_pixel(50, 5), copy.get_pixel(50, copy.height() - 5));
        assert!(top[0] > 150 && top[2] < 100, "{url}: top is {top:?}");
        assert!(
            bottom[2] > 150 && bottom[0] < 100,
            "{url}: bottom is {bottom:?}"
        );
    }
}

/// Every file under `dir` with its modification time.
fn modified(dir: &Path) -> Vec<(std::path::PathBuf, std::time::SystemTime)> {
    let mut found: Vec<_> = fs::read_dir(dir)
        .expect("cache folder")
        .map(|e| {
            let e = e.expect("entry");
            (
                e.path(),
                e.metadata().and_then(|m| m.modified()).expect("mtime"),
            )
        })
        .collect();
    found.sort();
    found
}

#[test]
fn copies_are_made_once_and_the_same_bytes_every_build() {
    let site = trip_site();
    site.run(&["build"]).success();
    let first = snapshot(&site.root().join("public"));
    let cache = site.root().join(".ssg-cache/images");
    let cached = modified(&cache);
    assert_eq!(cached.len(), 12, "3 widths × 2 formats × 2 images");
    site.run(&["build"]).success();
    assert_eq!(modified(&cache), cached, "a warm build makes no copy");
    assert_eq!(snapshot(&site.root().join("public")), first);
    // Made again from nothing: byte for byte the same.
    fs::remove_dir_all(site.root().join(".ssg-cache")).unwrap();
    fs::remove_dir_all(site.root().join("public")).unwrap();
    site.run(&["build"]).success();
    assert_eq!(snapshot(&site.root().join("public")), first);
}

#[test]
fn a_page_without_local_images_gets_no_copies() {
    let site = Site::with_config(&config()).file(
        "content/p.md",
        "---\ntitle: P\n---\n![remote](https://example.com/a.jpg) ![missing](/nothing.png)\n",
    );
    site.run(&["build"]).success();
    assert!(!site.exists("public/processed_images"));
    let page = site.read("public/p/index.html");
    assert!(
        page.contains("<img src=\"https://example.com/a.jpg\" alt=\"remote\""),
        "{page}"
    );
    assert!(!page.contains("<picture>"), "{page}");
}

#[test]
fn the_image_hook_gets_the_size_and_srcset() {
    let site = trip_site().file(
        "templates/hooks/image.html",
        "<img class=\"hooked\" src=\"{{ src | default(value=url) }}\" data-url=\"{{ url }}\" width=\"{{ width | default(value=0) }}\" height=\"{{ height | default(value=0) }}\" srcset=\"{{ srcset | default(value='') }}\" data-sources=\"{% for s in sources | default(value=[]) %}{{ s.type }};{% endfor %}\" data-lazy=\"{{ lazy | default(value=false) }}\">",
    );
    site.run(&["build"]).success();
    let html = site.read("public/blog/trip/index.html");
    let first = between(&html, "<img class=\"hooked\"", ">").unwrap();
    assert_eq!(attribute(first, "data-url"), "view.jpg");
    assert_eq!(attribute(first, "width"), "600");
    assert_eq!(attribute(first, "height"), "400");
    assert_eq!(attribute(first, "data-sources"), "image/webp;");
    assert_eq!(attribute(first, "data-lazy"), "false");
    assert_copies(
        &site,
        attribute(first, "srcset"),
        ImageFormat::Jpeg,
        (600, 400),
    );
    let second = html.rsplit("<img class=\"hooked\"").next().unwrap();
    assert_eq!(attribute(second, "data-lazy"), "true");
}

#[test]
fn templates_resize_and_measure_images() {
    let site = trip_site().file(
        "templates/page.html",
        "{% set r = resize_image(path=\"/img/logo.png\", width=50, height=40, op=\"fill\", format=\"webp\") %}\
         <img id=\"r\" src=\"{{ r.url }}\" width=\"{{ r.width }}\" height=\"{{ r.height }}\" data-orig=\"{{ r.orig_width }}\">\
         {% set f = resize_image(path=\"blog/trip/view.jpg\", width=90, op=\"fit\") %}<img id=\"f\" src=\"{{ f.url }}\">\
         {% set m = image_meta(path=\"img/logo.png\") %}<p id=\"m\">{{ m.width }}x{{ m.height }} {{ m.format }}</p>\
         {% set w = resize_image(path=\"img/logo.png\", width=600, height=0, op=\"fit_width\") %}<p id=\"w\">{{ w.width }}x{{ w.height }}</p>\
         {% set h = resize_image(path=\"img/logo.png\", width=0, height=30, op=\"fit_height\") %}<p id=\"h\">{{ h.width }}x{{ h.height }}</p>",
    );
    for round in ["cold", "warm"] {
        site.run(&["build"]).success();
        let html = site.read("public/blog/trip/index.html");
        let fill = between(&html, "<img id=\"r\"", ">").unwrap();
        assert_eq!(
            (attribute(fill, "width"), attribute(fill, "height")),
            ("50", "40")
        );
        assert_eq!(attribute(fill, "data-orig"), "300");
        let (format, copy) = decoded(&output_at(&site, attribute(fill, "src")));
        assert_eq!(
            (format, copy.dimensions()),
            (ImageFormat::WebP, (50, 40)),
            "{round}"
        );
        let fit = between(&html, "<img id=\"f\"", ">").unwrap();
        let (format, copy) = decoded(&output_at(&site, attribute(fit, "src")));
        assert_eq!(
            (format, copy.dimensions()),
            (ImageFormat::Jpeg, (90, 60)),
            "{round}"
        );
        assert!(html.contains("<p id=\"m\">300x150 png</p>"), "{html}");
        // Zola's spelling: the side an op does not use is 0 or absent.
        assert!(html.contains("<p id=\"w\">600x300</p>"), "{html}");
        assert!(html.contains("<p id=\"h\">60x30</p>"), "{html}");
    }
}

/// A file that cannot be resized (cut short, no image at all, a header
/// claiming 50,000 × 50,000 pixels) is reported at the content line that
/// uses it and shown as written: the build neither stops (sites moved from
/// Hugo or Zola hold such files) nor decodes it, so nothing panics or runs
/// out of memory. In a template, `resize_image` of it is an error.
#[test]
fn bad_image_files_are_reported_at_the_line_that_uses_them() {
    let whole = jpeg_halves(300, 200);
    let cases: [(&str, Vec<u8>, &str); 3] = [
        (
            "cut.jpg",
            truncated(&whole, whole.len() / 2),
            "the JPEG is cut short",
        ),
        (
            "notes.jpg",
            b"just some text, not a photo".to_vec(),
            "not an image ssg reads",
        ),
        (
            "huge.png",
            png_header_claiming(50_000, 50_000),
            "the image is 50000 × 50000 pixels",
        ),
    ];
    for (name, bytes, expect) in cases {
        let site = Site::with_config(&config()).file(
            "content/p.md",
            &format!("---\ntitle: P\n---\nFine.\n\n![x](/{name})\n"),
        );
        site.write(&format!("static/{name}"), &bytes);
        let run = site.run_within(&["build"], std::time::Duration::from_secs(60));
        run.success();
        let wanted = format!("warning: content/p.md:6: image static/{name}: {expect}");
        assert!(run.stderr.contains(&wanted), "{name}: {}", run.stderr);
        let page = site.read("public/p/index.html");
        assert!(
            page.contains(&format!("<img src=\"/{name}\" alt=\"x\"")),
            "{page}"
        );
        assert!(!site.exists("public/processed_images"), "{name}");

        let site = site.file(
            "templates/page.html",
            &format!(
                "{{% set r = resize_image(path=\"{name}\", width=10, op=\"fit\") %}}{{{{ r.url }}}}"
            ),
        );
        let run = site.run_within(&["build"], std::time::Duration::from_secs(60));
        run.failure();
        assert!(run.stderr.contains(expect), "{name}: {}", run.stderr);
        assert!(!run.stderr.contains("panicked"), "{name}: {}", run.stderr);
    }
}

#[test]
fn a_shortcode_resizes_on_warm_builds_too() {
    let site = trip_site()
        .file(
            "templates/shortcodes/thumb.html",
            "{% set t = resize_image(path=src, width=40, height=40) %}<img class=\"thumb\" src=\"{{ t.url }}\">",
        )
        .file("content/t.md", "---\ntitle: T\n---\n{{ thumb(src=\"img/logo.png\") }}\n");
    for round in ["cold", "warm"] {
        site.run(&["build"]).success();
        let html = site.read("public/t/index.html");
        let thumb = between(&html, "<img class=\"thumb\"", ">").unwrap();
        let (format, copy) = decoded(&output_at(&site, attribute(thumb, "src")));
        assert_eq!(
            (format, copy.dimensions()),
            (ImageFormat::Png, (40, 40)),
            "{round}"
        );
    }
}

#[test]
fn a_bad_quality_or_width_is_a_config_error() {
    let site = Site::with_config(&format!("{CONFIG}\n[images]\nquality = 0\n"))
        .file("content/p.md", "---\ntitle: P\n---\n");
    site.run(&["build"]).failure_in_one_line("ssg.toml:5");
}
