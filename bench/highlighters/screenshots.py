#!/usr/bin/env python3
"""Side-by-side screenshots of the engines' HTML, one PNG per language.

Reads out/html/ENGINE-LANG.html (written by `run.sh`, from sample/) and
writes out/compare-LANG.html with today's engine (syntect) first, then
each candidate, all in the Dracula theme: syntect, syntaxmate and
tree-sitter share syntect's class CSS, giallo uses its own. Each page is
shot with headless Chromium into OUT_DIR/LANG.png.

Usage: bench/highlighters/screenshots.py OUT_DIR
"""
import pathlib
import re
import subprocess
import sys

HERE = pathlib.Path(__file__).resolve().parent
HTML = HERE / "out" / "html"
ENGINES = ["syntect", "syntaxmate", "tree-sitter", "giallo"]
LABELS = {
    "syntect": "syntect (today)",
    "syntaxmate": "syntaxmate, ssg's classes",
    "tree-sitter": "tree-sitter, captures as ssg's classes",
    "giallo": "giallo, its own classes",
}


def body(engine, lang):
    text = (HTML / f"{engine}-{lang}.html").read_text(encoding="utf-8")
    return text.split("</h1>", 1)[1]


def page(lang):
    columns = "".join(
        f'<div class="col"><h2>{LABELS[e]}</h2>{body(e, lang)}</div>' for e in ENGINES
    )
    return (
        "<!doctype html><meta charset=utf-8>"
        '<link rel=stylesheet href="html/syntect.css"><link rel=stylesheet href="html/giallo.css">'
        "<style>body{margin:0;background:#282a36;display:flex;gap:6px}"
        ".col{flex:1;min-width:0;overflow:hidden}"
        "h2{font:bold 13px sans-serif;color:#f8f8f2;margin:6px 8px}"
        "pre{margin:0;padding:6px 8px;font:12px/1.35 'DejaVu Sans Mono',monospace;"
        "background:#282a36;color:#f8f8f2;white-space:pre}</style>"
        f"{columns}"
    )


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = pathlib.Path(sys.argv[1]).resolve()
    out.mkdir(parents=True, exist_ok=True)
    langs = sorted({m.group(1) for p in HTML.glob("syntect-*.html")
                    if (m := re.match(r"syntect-(.+)\.html", p.name))})
    for lang in langs:
        compare = HERE / "out" / f"compare-{lang}.html"
        compare.write_text(page(lang), encoding="utf-8")
        lines = body("syntect", lang).count("\n")
        height = 60 + 17 * lines
        subprocess.run(
            ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
             f"--window-size=1800,{height}", f"--screenshot={out / (lang + '.png')}",
             compare.as_uri()],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120,
        )
        print(out / f"{lang}.png")


if __name__ == "__main__":
    main()
