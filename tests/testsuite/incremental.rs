//! Incremental re-rendering (what `ssg serve` does on a save): only the
//! outputs a change reaches are rendered, and the result always equals a
//! fresh build.

use ssg::build::{BuildOptions, Session, build};

use crate::support::{Site, post};

fn options() -> BuildOptions {
    BuildOptions::default()
}

/// Every output of an in-memory build as (path, bytes).
fn bytes_of(outputs: &[ssg::output::Output]) -> Vec<(String, Vec<u8>)> {
    outputs
        .iter()
        .map(|o| (o.path.clone(), o.read().expect("read")))
        .collect()
}

#[track_caller]
fn assert_equals_fresh(site: &Site, session: &mut Session) -> Vec<String> {
    let built = session.render().expect("incremental render");
    let fresh = build(site.root(), &options()).expect("fresh build");
    let (a, b) = (bytes_of(&built.outputs), bytes_of(&fresh.outputs));
    let paths_a: Vec<&String> = a.iter().map(|(p, _)| p).collect();
    let paths_b: Vec<&String> = b.iter().map(|(p, _)| p).collect();
    assert_eq!(paths_a, paths_b, "different outputs");
    for ((path, x), (_, y)) in a.iter().zip(&b) {
        assert!(
            x == y,
            "{path} differs from a fresh build:\n{}\n---\n{}",
            String::from_utf8_lossy(x),
            String::from_utf8_lossy(y)
        );
    }
    built.stats.rendered_paths
}

fn blog(n: usize) -> Site {
    let mut site = Site::with_config(&format!(
        "{}[build]\npaginate_by = 3\nfeed_limit = 4\n",
        crate::support::CONFIG
    ));
    for i in 0..n {
        let tags: &[&str] = if i % 2 == 0 {
            &["even", "all"]
        } else {
            &["odd", "all"]
        };
        site = site.file(
            &format!("content/blog/p{i:02}.md"),
            &post(
                &format!("Post {i}"),
                &format!("2024-01-{:02}", i + 1),
                tags,
                &format!("Body {i}.\n\nSecond paragraph."),
            ),
        );
    }
    site.file(
        "content/about.md",
        "---\ntitle: About\n---\nSee [the first post](blog/p00.md).\n",
    )
}

#[test]
fn a_body_only_edit_renders_the_page_and_the_feeds_that_show_it() {
    let site = blog(10);
    let mut session = Session::load(site.root(), &options()).unwrap();
    let all = session.render().unwrap().stats.rendered;
    assert!(all > 30, "first render renders everything ({all})");
    assert_eq!(
        session.render().unwrap().stats.rendered,
        0,
        "nothing changed, nothing rendered"
    );

    // The newest post, below its summary: the site feed and its tag feeds show
    // the whole body; no listing shows more than the unchanged summary.
    site.write(
        "content/blog/p09.md",
        post(
            "Post 9",
            "2024-01-10",
            &["odd", "all"],
            "Body 9.\n\nAn edited second paragraph.",
        )
        .as_bytes(),
    );
    session.update_pages(&["blog/p09.md".into()]).unwrap();
    let rendered = assert_equals_fresh(&site, &mut session);
    assert_eq!(
        rendered,
        [
            "atom.xml",
            "blog/p09/index.html",
            "tags/all/atom.xml",
            "tags/odd/atom.xml"
        ],
        "a body-only edit re-rendered too much"
    );

    // An old post, in no feed: only its page.
    site.write(
        "content/blog/p00.md",
        post(
            "Post 0",
            "2024-01-01",
            &["even", "all"],
            "Body 0.\n\nEdited too.",
        )
        .as_bytes(),
    );
    session.update_pages(&["blog/p00.md".into()]).unwrap();
    assert_eq!(
        assert_equals_fresh(&site, &mut session),
        ["blog/p00/index.html"]
    );
}

#[test]
fn a_title_edit_reaches_neighbours_listings_and_tags_but_not_everything() {
    let site = blog(10);
    let mut session = Session::load(site.root(), &options()).unwrap();
    let all = session.render().unwrap().stats.rendered;
    site.write(
        "content/blog/p04.md",
        post("Renamed", "2024-01-05", &["even", "all"], "Body 4.").as_bytes(),
    );
    session.update_pages(&["blog/p04.md".into()]).unwrap();
    let rendered = assert_equals_fresh(&site, &mut session).len();
    assert!(
        rendered > 3 && rendered < all,
        "rendered {rendered} of {all}"
    );
}

/// A tiny deterministic generator, so the sequence is the same on every run.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

#[test]
fn any_sequence_of_page_edits_equals_a_fresh_build() {
    random_edits(blog(8));
}

#[test]
fn any_sequence_of_edits_equals_a_fresh_build_with_listings_that_show_everything() {
    // Templates that read every listed page's body and the whole section and
    // tag lists: the conservative paths of the dependency analysis.
    random_edits(
        blog(8)
            .file("templates/section.html", "{% for p in section.pages %}{{ p.title }}:{{ p.word_count }};{% endfor %}|{% for p in paginator.pages %}{{ p.content | safe }}{% endfor %}")
            .file("templates/tag.html", "{{ tag.pages | length }}{% set all = tag.pages %}{% for p in all %}{{ p.toc | length }}{% endfor %}")
            .file("templates/index.html", "{% for p in paginator.pages %}{{ p.reading_time }}{% endfor %}"),
    );
}

fn random_edits(site: Site) {
    let mut session = Session::load(site.root(), &options()).unwrap();
    session.render().unwrap();
    let mut rng = Lcg(7);
    let tag_sets: [&[&str]; 4] = [&["even", "all"], &["odd"], &["new tag", "all"], &[]];
    for step in 0..120 {
        let i = rng.next(12);
        let rel = format!("blog/p{i:02}.md");
        let path = site.root().join("content").join(&rel);
        match rng.next(8) {
            0 => {
                let _ = std::fs::remove_file(&path);
            }
            1 => site.write(&format!("content/{rel}"), b"---\ntitle: Draft\ndraft: true\n---\nHidden.\n"),
            2 => site.write(
                &format!("content/{rel}"),
                format!("---\ntitle: Linked {step}\nslug: s{step}\n---\nSee [about](../about.md) and [p1](p01.md).\n").as_bytes(),
            ),
            3 => {
                // A body-only edit: nothing that orders or groups pages changes.
                if let Ok(mut text) = std::fs::read_to_string(&path) {
                    text.push_str(&format!("\nMore text at step {step}.\n"));
                    site.write(&format!("content/{rel}"), text.as_bytes());
                }
            }
            _ => {
                let day = 1 + rng.next(28);
                let tags = tag_sets[rng.next(4) as usize];
                let body = format!("Body at step {step}.\n\n<!-- more -->\n\nRest.");
                site.write(&format!("content/{rel}"), post(&format!("Title {}", rng.next(5)), &format!("2024-02-{day:02}"), tags, &body).as_bytes());
            }
        }
        session.update_pages(&[rel]).unwrap();
        assert_equals_fresh(&site, &mut session);
    }
}

#[test]
fn a_broken_page_leaves_the_session_unchanged() {
    let site = blog(3);
    let mut session = Session::load(site.root(), &options()).unwrap();
    session.render().unwrap();
    site.write("content/blog/p01.md", b"---\ntitle: [broken\n---\n");
    let err = session.update_pages(&["blog/p01.md".into()]).unwrap_err();
    assert!(err.to_string().contains("content/blog/p01.md"), "{err}");
    let still = session.render().unwrap();
    assert_eq!(still.stats.rendered, 0);
}
