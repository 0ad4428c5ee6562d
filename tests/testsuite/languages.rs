//! Pages in more than one language: a page says its `lang`; its
//! shortcodes, templates and the default theme's `<html lang>` see it, the
//! home page and site feed keep to the site's language, and the same page
//! in other languages (`LANG/…`, where `ssg import` puts a Zola site's
//! translations) is linked from each as `page.translations`.

use ssg::build::{BuildOptions, Session, build};

use crate::support::{Site, output};

fn bilingual() -> Site {
    Site::new()
        .file(
            "templates/shortcodes/quote.html",
            "<q data-lang=\"{{ lang }}\">{{ page.lang }}</q>",
        )
        .file(
            "content/blog/trip.md",
            "---\ntitle: A trip\ndate: 2024-05-01\n---\n{{ quote() }}\n",
        )
        .file(
            "content/fr/blog/trip.md",
            "---\ntitle: Un voyage\ndate: 2024-05-02\nlang: fr\n---\n{{ quote() }}\n",
        )
        .file(
            "content/es/blog/trip.md",
            "---\ntitle: Un viaje\ndate: 2024-05-03\nlang: es\n---\nHola.\n",
        )
        .file(
            "content/fr/blog/only.md",
            "---\ntitle: Seul\nlang: fr\n---\nRien.\n",
        )
}

/// A theme's quote marks and labels follow the page's language, as in Zola.
#[test]
fn a_page_in_another_language_is_seen_as_such_by_its_shortcodes_and_templates() {
    let built = bilingual().build();
    let fr = output(&built, "fr/blog/trip/index.html");
    assert!(fr.contains("<html lang=\"fr\">"), "{fr}");
    assert!(fr.contains("<q data-lang=\"fr\">fr</q>"), "{fr}");
    let en = output(&built, "blog/trip/index.html");
    assert!(en.contains("<html lang=\"en\">"), "{en}");
    assert!(en.contains("<q data-lang=\"en\">en</q>"), "{en}");
    // The home page and the site's feed list the site's language, the
    // French page its own section (as Zola lists each language apart).
    let home = output(&built, "index.html");
    assert!(
        home.contains("A trip") && !home.contains("Un voyage"),
        "{home}"
    );
    assert!(!output(&built, "atom.xml").contains("Un voyage"));
    assert!(output(&built, "fr/blog/index.html").contains("Un voyage"));
}

/// Each language links the others, for readers and for search engines.
#[test]
fn each_language_of_a_page_links_the_others() {
    let built = bilingual().build();
    let en = output(&built, "blog/trip/index.html");
    for expected in [
        "<link rel=\"alternate\" hreflang=\"en\" href=\"https://example.com/blog/trip/\">",
        "<link rel=\"alternate\" hreflang=\"es\" href=\"https://example.com/es/blog/trip/\">",
        "<a href=\"https://example.com/fr/blog/trip/\" hreflang=\"fr\" lang=\"fr\">Un voyage</a>",
    ] {
        assert!(en.contains(expected), "lacks {expected:?}: {en}");
    }
    let es = output(&built, "es/blog/trip/index.html");
    assert!(
        es.contains("hreflang=\"en\" lang=\"en\">A trip</a>"),
        "{es}"
    );
    assert!(!es.contains("lang=\"es\">Un viaje</a>"), "{es}");
    let only = output(&built, "fr/blog/only/index.html");
    assert!(!only.contains("class=\"translations\""), "{only}");
}

/// `ssg serve`: retitling one language re-renders the others' links, and
/// the result equals a fresh build.
#[test]
fn a_retitled_translation_reaches_the_other_languages() {
    let site = bilingual();
    let options = BuildOptions::default();
    let mut session = Session::load(site.root(), &options).expect("load");
    session.render().expect("first render");
    site.write(
        "content/es/blog/trip.md",
        b"---\ntitle: Un viaje largo\ndate: 2024-05-03\nlang: es\n---\nHola.\n",
    );
    session
        .update_pages(&["es/blog/trip.md".into()])
        .expect("update");
    let built = session.render().expect("render");
    let rendered = &built.stats.rendered_paths;
    assert!(
        rendered.contains(&"blog/trip/index.html".to_string()),
        "{rendered:?}"
    );
    let fresh = build(site.root(), &options).expect("fresh build");
    let page = |outputs: &[ssg::output::Output]| {
        let out = outputs.iter().find(|o| o.path == "fr/blog/trip/index.html");
        String::from_utf8(out.expect("page").read().expect("read")).expect("utf-8")
    };
    assert_eq!(page(&built.outputs), page(&fresh.outputs));
    assert!(page(&built.outputs).contains("Un viaje largo"));
}
