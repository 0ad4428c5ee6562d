//! Slugs, URL paths and the preview's path resolver: `slugify` is
//! idempotent and yields only `[a-z0-9-]`; a written alias, its output file
//! and the site path of that file agree both ways; the resolver never names
//! a file outside the site, whatever the request path.

use std::path::{Component, Path};

use proptest::prelude::*;

use crate::output::safe_relative;
use crate::serve::http::{Resolved, resolve};
use crate::slug::slugify;
use crate::urlpath::{
    decode_lossy, decode_strict, directory_key, normalize, output_file, site_path, urls_for,
};

/// Text with the characters slugs and paths trip on: Unicode that
/// transliterates, separators, dots, escapes, controls.
fn messy_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[a-zA-Z0-9 ./_%#?&+~-]{0,40}",
        proptest::collection::vec(
            prop_oneof![
                Just("Crème".to_string()),
                Just("brûlée".to_string()),
                Just("Straße".to_string()),
                Just("日本語".to_string()),
                Just("🦀".to_string()),
                Just("\u{0301}".to_string()),
                Just("--".to_string()),
                Just(" ".to_string()),
                Just("C++".to_string()),
                Just("ǅ".to_string()),
                Just("ﬁ".to_string()),
                Just("Ⅻ".to_string()),
                Just("½".to_string()),
                "[a-zA-Z0-9]{1,5}",
            ],
            0..8,
        )
        .prop_map(|parts| parts.concat()),
    ]
}

/// One segment of a request path: a plain name or an empty one (`//`), or
/// one of the forms that try to leave a folder.
fn hostile_segment() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop_oneof![Just(String::new()), "[a-z0-9.]{1,6}"],
        4 => escaping_segment(),
    ]
}

fn escaping_segment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("..".to_string()),
        Just(".".to_string()),
        Just("%2e%2e".to_string()),
        Just("%2E%2E".to_string()),
        Just(".%2e".to_string()),
        Just("%2e.".to_string()),
        Just("%252e%252e".to_string()),
        Just("%c0%ae%c0%ae".to_string()),
        Just("%e0%80%ae".to_string()),
        Just("%c0%af".to_string()),
        Just("%2f".to_string()),
        Just("%2F".to_string()),
        Just("%5c".to_string()),
        Just("..%5c..".to_string()),
        Just("..\\..".to_string()),
        Just("\\".to_string()),
        Just("%00".to_string()),
        Just("\0".to_string()),
        Just("a%00.html".to_string()),
        Just("..;".to_string()),
        Just("...".to_string()),
        Just("%".to_string()),
        Just("%%32%65".to_string()),
        Just("%u002e".to_string()),
        Just("index.html".to_string()),
        Just("C:".to_string()),
        Just("~".to_string()),
        "[a-z0-9.%]{1,6}",
        any::<String>(),
    ]
}

fn request_path() -> impl Strategy<Value = String> {
    prop_oneof![
        (
            proptest::collection::vec(hostile_segment(), 0..6),
            any::<bool>(),
            any::<bool>()
        )
            .prop_map(|(segments, lead, trail)| {
                let mut path = segments.join("/");
                if lead {
                    path.insert(0, '/');
                }
                if trail {
                    path.push('/');
                }
                path
            }),
        any::<String>(),
    ]
}

/// Every component of `file` is a plain name: no root, no `..`, no `.`.
fn stays_inside(file: &str) -> bool {
    !file.is_empty()
        && !file.contains(['\\', '\0'])
        && !file
            .split('/')
            .any(|s| s.is_empty() || s == "." || s == "..")
        && Path::new(file)
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
}

proptest! {
    #![proptest_config(super::config(512))]

    #[test]
    fn slugify_yields_only_lowercase_ascii_words_joined_by_dashes(text in messy_text()) {
        let slug = slugify(&text);
        prop_assert!(
            slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
            "{text:?} → {slug:?}"
        );
        prop_assert!(!slug.starts_with('-') && !slug.ends_with('-'), "{text:?} → {slug:?}");
        prop_assert!(!slug.contains("--"), "{text:?} → {slug:?}");
    }

    #[test]
    fn slugify_is_idempotent(text in messy_text()) {
        let once = slugify(&text);
        prop_assert_eq!(slugify(&once), once.clone(), "{:?}", text);
    }

    #[test]
    fn a_written_path_its_output_file_and_that_files_site_path_agree(written in messy_text()) {
        let path = normalize(&written);
        prop_assert!(path.starts_with('/'), "{written:?} → {path:?}");
        prop_assert_eq!(normalize(&path), path.clone(), "normalize is idempotent");
        let file = output_file(&path);
        prop_assert!(!file.starts_with('/'), "{path:?} → {file:?}");
        let back = site_path(&file);
        // `/x/index.html` and `/x/` are one file; every other path comes back as it was.
        if !path.ends_with("/index.html") {
            prop_assert_eq!(&back, &path, "{:?} → {:?}", written, file);
        }
        prop_assert_eq!(output_file(&back), file.clone(), "{:?}", written);
        // Publish invalidates the URLs a stored object is served at: the
        // path itself among them, for the file and for its folder-key copy.
        let urls = urls_for(&file);
        prop_assert!(urls.contains(&back), "{:?} → {:?} not in {:?}", written, back, urls);
        if let Some(key) = directory_key(&file) {
            prop_assert_eq!(urls_for(&key), urls.clone(), "{:?}", written);
        }
        // The file's name is how conflicts are found: it must be the one written.
        if let Some(on_disk) = safe_relative(&file) {
            prop_assert_eq!(on_disk.to_string_lossy(), file.as_str(), "{:?}", written);
        }
    }

    #[test]
    fn output_files_never_escape_the_output_folder(path in request_path()) {
        if let Some(safe) = safe_relative(&path) {
            prop_assert!(
                safe.components().all(|c| matches!(c, Component::Normal(_))),
                "{path:?} → {safe:?}"
            );
        }
    }

    #[test]
    fn strict_decoding_agrees_with_lossy_where_it_decodes(text in request_path()) {
        let lossy = decode_lossy(&text);
        if let Some(strict) = decode_strict(&text) {
            prop_assert_eq!(strict, lossy, "{:?}", text);
        }
    }

    #[test]
    fn percent_encoding_round_trips(text in any::<String>()) {
        let encoded = percent_encoding::utf8_percent_encode(&text, percent_encoding::NON_ALPHANUMERIC)
            .to_string();
        prop_assert_eq!(decode_strict(&encoded), Some(text.clone()));
        prop_assert_eq!(decode_lossy(&encoded), text);
    }

    #[test]
    fn the_preview_serves_each_site_path_from_the_file_the_build_writes(
        segments in proptest::collection::vec("[a-zA-Z0-9._~ éß-]{1,8}|日本", 0..4),
        ending in proptest::sample::select(&["/", "", ".html", ".xml", ".css", ".2"][..]),
    ) {
        if segments.iter().any(|s| s == "." || s == ".." || s.trim() != s.as_str()) {
            return Ok(());
        }
        let path = normalize(&format!("{}{ending}", segments.join("/")));
        let file = output_file(&path);
        // The browser asks for the path percent-encoded.
        let raw: String = path
            .split('/')
            .map(|s| percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string())
            .collect::<Vec<_>>()
            .join("/");
        match resolve(&raw, |f| f == file) {
            Resolved::File(served) => prop_assert_eq!(served, file),
            other => prop_assert!(false, "{:?} ({:?}, written to {:?}) → {:?}", path, raw, file, other),
        }
    }

    #[test]
    fn the_preview_never_resolves_outside_the_site(
        // The server hands over the URI's path, which always starts with `/`.
        raw in request_path().prop_map(|p| format!("/{}", p.strip_prefix('/').unwrap_or(&p)))
    ) {
        // Sites that have every file, only folder pages, or nothing: only the
        // resolver stands between a request path and a read.
        let sites: [&dyn Fn(&str) -> bool; 3] =
            [&|_| true, &|f| f.ends_with("index.html"), &|_| false];
        for exists in sites {
            let asked = std::cell::RefCell::new(Vec::new());
            let resolved = resolve(&raw, |f| {
                asked.borrow_mut().push(f.to_string());
                exists(f)
            });
            for file in asked.borrow().iter() {
                prop_assert!(stays_inside(file), "{raw:?} asked for {file:?}");
            }
            match resolved {
                Resolved::File(file) => prop_assert!(stays_inside(&file), "{raw:?} → {file:?}"),
                // `//host/` in a Location header leaves the site for another host.
                Resolved::Redirect(to) => prop_assert!(
                    to.starts_with('/') && !to.starts_with("//") && to.ends_with('/'),
                    "{raw:?} redirects to {to:?}"
                ),
                Resolved::BadRequest | Resolved::NotFound => {}
            }
        }
    }
}
