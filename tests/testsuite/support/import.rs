//! What the `import_*` suites share: running `ssg import`, copying a
//! fixture, and asking whether an old URL still answers in ssg's output —
//! as the same page, or through redirects to a page that exists.

use std::fs;
use std::path::Path;

use crate::support::text::between;
use crate::support::{Run, run_in, snapshot};

/// `ssg import SRC DEST [extra…]`, run from `work`.
pub fn import(work: &Path, src: &Path, dest: &Path, extra: &[&str]) -> Run {
    let mut args = vec![
        "import",
        src.to_str().expect("utf-8"),
        dest.to_str().expect("utf-8"),
    ];
    args.extend_from_slice(extra);
    run_in(work, &args)
}

/// Copies a folder tree (a fixture, before a peer tool builds it).
pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.expect("walk fixture");
        let target = to.join(entry.path().strip_prefix(from).expect("prefix"));
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).expect("mkdir");
        } else {
            fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// Every file under `dir`, relative, with `/`.
pub fn files_under(dir: &Path) -> Vec<String> {
    snapshot(dir)
        .into_iter()
        .map(|(p, _)| p.to_string_lossy().replace('\\', "/"))
        .collect()
}

pub fn unescape(s: &str) -> String {
    s.replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
        .replace("&#34;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The target of a redirect page (a peer's or ssg's) as a site path under
/// `base_url`; `None` for a page that is not a redirect.
pub fn redirect_target(html: &str, base_url: &str) -> Option<String> {
    if !html.contains("http-equiv=\"refresh\"") && !html.contains("http-equiv=refresh") {
        return None;
    }
    let url = unescape(between(html, "url=", "\"")?);
    let path = url.strip_prefix(base_url).unwrap_or(&url);
    Some(ssg::urlpath::decode_lossy(path))
}

/// Follows redirects from the output file `rel` of ssg's `public` to the
/// page it lands on: that file and its text, or what is missing.
pub fn landing(public: &Path, base_url: &str, rel: &str) -> Result<(String, String), String> {
    let mut file = rel.to_string();
    let mut text = fs::read_to_string(public.join(&file))
        .map_err(|_| format!("{rel}: not in ssg's output"))?;
    for _ in 0..3 {
        let Some(target) = redirect_target(&text, base_url) else {
            return Ok((file, text));
        };
        file = ssg::urlpath::output_file(&target);
        text = fs::read_to_string(public.join(&file))
            .map_err(|_| format!("{rel}: redirects to {target}, which ssg did not write"))?;
    }
    Err(format!("{rel}: more than three redirects"))
}

/// Whether the old URL path `url` answers in ssg's output: a feed URL with a
/// feed, a sitemap with a sitemap, a page with a page whose `<title>` holds
/// `title` when one is given.
pub fn answers(
    public: &Path,
    base_url: &str,
    url: &str,
    title: Option<&str>,
) -> Result<(), String> {
    let rel = ssg::urlpath::output_file(url);
    let (file, text) = landing(public, base_url, &rel)?;
    if rel.ends_with(".xml") && !text.contains("<feed") && !text.contains("<urlset") {
        return Err(format!("{url}: {file} is neither a feed nor a sitemap"));
    }
    if let Some(want) = title {
        let got = unescape(between(&text, "<title>", "</title>").unwrap_or_default());
        if !got.contains(want) {
            return Err(format!(
                "{url}: lands on {file} titled {got:?}, not {want:?}"
            ));
        }
    }
    Ok(())
}
