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

/// The orientation `bytes` declare, as image reads it.
fn orientation_of(bytes: &[u8]) -> image::metadata::Orientation {
    use image::ImageDecoder;
    let reader = image::ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .expect("a format");
    let mut decoder = reader.into_decoder().expect("a decoder");
    decoder.orientation().expect("an orientation")
}

/// A bundle's photo with a GPS position in its EXIF, shown by the page,
/// and a static photo with one that no Markdown shows.
fn gps_site() -> (Site, Vec<u8>, Vec<u8>) {
    let photo = with_exif(&jpeg_halves(300, 200), 6);
    let unshown = with_exif(&jpeg_halves(40, 20), 1);
    let site = Site::with_config(&config()).file(
        "content/blog/trip/index.md",
        "---\ntitle: Trip\n---\n![Portrait](portrait.jpg)\n\n<img id=\"orig\" src=\"portrait.jpg\">\n",
    );
    site.write("content/blog/trip/portrait.jpg", &photo);
    site.write("static/unshown.jpg", &unshown);
    (site, photo, unshown)
}

#[test]
fn a_published_photo_loses_its_gps_but_keeps_its_pixels_and_orientation() {
    let (site, photo, unshown) = gps_site();
    site.run(&["build"]).success();
    let published = fs::read(site.root().join("public/blog/trip/portrait.jpg")).unwrap();
    assert!(
        photo.windows(8).any(|w| w == GPS_MARKER),
        "the test's photo has GPS"
    );
    assert!(
        !published.windows(8).any(|w| w == GPS_MARKER),
        "the published photo has the GPS"
    );
    assert!(published.len() < photo.len());
    // The same JPEG data: decoded (as stored, not turned), the same pixels.
    let (_, before) = decoded(&photo);
    let (_, after) = decoded(&published);
    assert_eq!(before.dimensions(), (300, 200));
    assert_eq!(before.to_rgb8().as_raw(), after.to_rgb8().as_raw());
    assert_eq!(
        orientation_of(&published),
        image::metadata::Orientation::Rotate90,
        "orientation 6 is kept, or the portrait would lie on its side"
    );
    // Hugo and Zola copy static/ as it is; a static file no Markdown shows
    // is left so.
    assert_eq!(
        fs::read(site.root().join("public/unshown.jpg")).unwrap(),
        unshown
    );

    // Warm: the stripped file comes from the cache, nothing made again.
    let cache = site.root().join(".ssg-cache/images");
    let cached = modified(&cache);
    assert!(
        cached
            .iter()
            .any(|(p, _)| p.to_string_lossy().contains("original.portrait.")),
        "{cached:?}"
    );
    site.run(&["build"]).success();
    assert_eq!(
        modified(&cache),
        cached,
        "a warm build strips nothing again"
    );
    assert_eq!(
        fs::read(site.root().join("public/blog/trip/portrait.jpg")).unwrap(),
        published
    );
}

#[test]
fn a_static_image_markdown_shows_is_stripped_unless_switched_off() {
    let site = Site::with_config(&config())
        .file("content/p.md", "---\ntitle: P\n---\n![Shown](/shown.jpg)\n");
    let photo = with_exif(&jpeg_halves(300, 200), 1);
    site.write("static/shown.jpg", &photo);
    site.run(&["build"]).success();
    let published = fs::read(site.root().join("public/shown.jpg")).unwrap();
    assert!(!published.windows(8).any(|w| w == GPS_MARKER));
    assert!(
        !published.windows(4).any(|w| w == b"Exif"),
        "orientation 1 needs no EXIF at all"
    );

    let site = site.file(
        "ssg.toml",
        &format!("{CONFIG}\n[images]\nwidths = [100]\nstrip_metadata = false\n"),
    );
    site.run(&["build"]).success();
    assert_eq!(
        fs::read(site.root().join("public/shown.jpg")).unwrap(),
        photo
    );
}

#[test]
fn a_removed_image_leaves_nothing_in_the_cache() {
    let site = trip_site();
    site.run(&["build"]).success();
    let cache = site.root().join(".ssg-cache/images");
    let names = |dir: &Path| -> Vec<String> {
        modified(dir)
            .iter()
            .map(|(p, _)| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect()
    };
    assert_eq!(names(&cache).len(), 12);
    assert_eq!(
        names(&cache)
            .iter()
            .filter(|n| n.starts_with("view."))
            .count(),
        6
    );
    // The photo goes from the page and from the bundle.
    let site = site.file(
        "content/blog/trip/index.md",
        "---\ntitle: Trip\n---\n![Logo](/img/logo.png)\n",
    );
    fs::remove_file(site.root().join("content/blog/trip/view.jpg")).unwrap();
    site.run(&["build"]).success();
    let left = names(&cache);
    assert_eq!(left.len(), 6, "{left:?}");
    assert!(left.iter().all(|n| n.starts_with("logo.")), "{left:?}");
    assert!(!site.exists("public/blog/trip/view.jpg"));
}

#[test]
fn avif_copies_come_first_and_are_the_same_bytes_every_build() {
    let site = Site::with_config(&format!(
        "{CONFIG}\n[images]\nwidths = [64]\nformats = [\"webp\", \"avif\"]\n"
    ))
    .file("content/p.md", "---\ntitle: P\n---\n![Logo](/logo.png)\n")
    .file(
        "templates/page.html",
        "{{ page.content | safe }}{% set a = resize_image(path=\"logo.png\", width=32, height=16, format=\"avif\") %}<p id=\"a\">{{ a.url }}</p>",
    );
    site.write("static/logo.png", &png_with_alpha(120, 60));
    site.run(&["build"]).success();
    let html = site.read("public/p/index.html");
    let avif_at = html
        .find("<source type=\"image/avif\"")
        .expect("an AVIF source");
    let webp_at = html
        .find("<source type=\"image/webp\"")
        .expect("a WebP source");
    assert!(avif_at < webp_at, "AVIF before WebP: {html}");
    let srcset = between(&html, "<source type=\"image/avif\" srcset=\"", "\"").unwrap();
    let mut urls: Vec<String> = srcset_urls(srcset).into_iter().map(|(u, _)| u).collect();
    urls.push(between(&html, "<p id=\"a\">", "</p>").unwrap().to_string());
    let first: Vec<Vec<u8>> = urls.iter().map(|u| output_at(&site, u)).collect();
    for (url, bytes) in urls.iter().zip(&first) {
        assert!(url.ends_with(".avif"), "{url}");
        assert_eq!(&bytes[4..12], b"ftypavif", "{url}");
    }
    fs::remove_dir_all(site.root().join(".ssg-cache")).unwrap();
    fs::remove_dir_all(site.root().join("public")).unwrap();
    site.run(&["build"]).success();
    let again: Vec<Vec<u8>> = urls.iter().map(|u| output_at(&site, u)).collect();
    assert!(first == again, "made again, the AVIF copies differ");
}
