#!/usr/bin/env python3
"""Deterministic benchmark corpus: the same N-post blog for ssg and for Hugo.

    bench/gen_corpus.py [--code-heavy] [--authoring] [--no-highlight] [--vocabulary] N OUT_DIR

Writes OUT_DIR/ssg (an ssg site) and OUT_DIR/hugo (a Hugo site) over the
same Markdown: front matter (title, date, Zipf-distributed tags out of 100,
summary), ~1,000 words with headings, lists, a table, footnotes, links
between posts and fenced code in ten languages. Both sides use minimal,
equivalent templates (page, paginated home, tag index, paginated tag pages,
feed) and class-based highlighting. Same N, same bytes: the generator is
seeded.

--code-heavy writes the blog programmers write instead: less prose and two
fenced blocks of about 17 lines each per post (~35 lines of code, ~5.7 KB
of Markdown), the same ten languages. Highlighting is most of a cold build,
so this corpus costs ssg relatively more than the prose one.

--authoring gives the ssg site issue 26's authoring features (the Hugo
site is left as it is): one shortcode call in every post, after its first
paragraph (a site shortcode, `aside.html`, in even posts; the built-in
`note` with a Markdown body in odd ones) and all four render hooks. The
posts are otherwise the same bytes as without it. The code block hook
replaces highlighting, so the build to hold it against is the plain one
with --no-highlight (highlighting off in ssg.toml), which does the same
work but for the shortcodes and hooks.

--vocabulary draws the prose from a vocabulary the size of real writing's
instead of the 60 words above: half the words from those 60 (as the, of,
and are in real text), the other half from 30,000 made-up words with
Zipf-distributed frequencies (a few common, a long tail of rare ones), so a
search index holds many words with few pages each, as a real blog's does.
"""
import bisect
import datetime
import itertools
import hashlib
import os
import random
import shutil
import sys

WORDS = (
    "the of and to in is that for it as with was on be by this are from at or an which "
    "static site generator markdown template build render page post tag feed bucket cache "
    "edge browser reload author reader content deploy publish server latency write read "
    "simple fast correct careful plain file folder index section list table code block"
).split()

CODE = {
    "rust": "fn main() {{\n    let v: Vec<u32> = (0..{n}).map(|x| x * 2).collect();\n    println!(\"{{:?}}\", v.iter().sum::<u32>());\n}}\n",
    "python": "def total(n={n}):\n    \"\"\"Sum of doubles.\"\"\"\n    return sum(x * 2 for x in range(n))\n\nprint(total())\n",
    "javascript": "const total = (n = {n}) =>\n  Array.from({{ length: n }}, (_, x) => x * 2).reduce((a, b) => a + b, 0);\nconsole.log(total());\n",
    "go": "package main\n\nimport \"fmt\"\n\nfunc main() {{\n\tsum := 0\n\tfor x := 0; x < {n}; x++ {{\n\t\tsum += x * 2\n\t}}\n\tfmt.Println(sum)\n}}\n",
    "bash": "#!/bin/sh\nset -eu\nfor f in content/*.md; do\n  wc -w \"$f\" | awk '{{ s += $1 }} END {{ print s + {n} }}'\ndone\n",
    "yaml": "site:\n  title: Bench\n  posts: {n}\n  tags:\n    - one\n    - two\n",
    "toml": "[build]\npaginate_by = 10\nposts = {n}\n\n[markdown]\nhighlight = true\n",
    "c": "#include <stdio.h>\n\nint main(void) {{\n    long s = 0;\n    for (int x = 0; x < {n}; x++) s += x * 2;\n    printf(\"%ld\\n\", s);\n    return 0;\n}}\n",
    "java": "public class Total {{\n    public static void main(String[] args) {{\n        long s = 0;\n        for (int x = 0; x < {n}; x++) s += x * 2;\n        System.out.println(s);\n    }}\n}}\n",
    "sql": "SELECT tag, COUNT(*) AS posts\nFROM post_tags\nWHERE post_id < {n}\nGROUP BY tag\nORDER BY posts DESC;\n",
}

# One line of each language, repeated with varying numbers to make the long
# blocks of --code-heavy posts: (opening lines, body line, closing lines).
LONG_CODE = {
    "rust": ("fn run(input: &[u64]) -> u64 {\n    let mut acc = 0u64;\n", "    acc = acc.wrapping_add(input[{k} % input.len()] * {n}); // step {k}\n", "    acc\n}\n"),
    "python": ("def run(items):\n    acc = 0\n", "    acc += items[{k} % len(items)] * {n}  # step {k}\n", "    return acc\n"),
    "javascript": ("function run(items) {\n  let acc = 0;\n", "  acc += items[{k} % items.length] * {n}; // step {k}\n", "  return acc;\n}\n"),
    "go": ("func run(items []int) int {\n\tacc := 0\n", "\tacc += items[{k}%len(items)] * {n} // step {k}\n", "\treturn acc\n}\n"),
    "bash": ("run() {\n  local acc=0\n", "  acc=$(( acc + {n} * {k} ))  # step {k}\n", "  echo \"$acc\"\n}\n"),
    "yaml": ("steps:\n", "  - name: \"step {k}\"\n    weight: {n}\n", "done: true\n"),
    "toml": ("[run]\nname = \"bench\"\n", "step_{k} = {{ weight = {n}, label = \"s{k}\" }}\n", "[end]\n"),
    "c": ("long run(const long *items, int len) {\n    long acc = 0;\n", "    acc += items[{k} % len] * {n}; /* step {k} */\n", "    return acc;\n}\n"),
    "java": ("static long run(long[] items) {\n    long acc = 0;\n", "    acc += items[{k} % items.length] * {n}; // step {k}\n", "    return acc;\n}\n"),
    "sql": ("SELECT\n", "  SUM(CASE WHEN step = {k} THEN weight * {n} END) AS s{k},\n", "  COUNT(*) AS total\nFROM steps;\n"),
}


def long_block(lang, n, lines):
    head, line, tail = LONG_CODE[lang]
    body = "".join(line.format(k=k, n=n) for k in range(lines - head.count("\n") - tail.count("\n")))
    return f"```{lang}\n{head}{body}{tail}```"


TAGS = [f"topic {i:02d}" for i in range(100)]


def zipf_tag(rng):
    # Weights 1/k: a few tags on many posts, a long tail on few.
    return rng.choices(TAGS, weights=[1 / (k + 1) for k in range(len(TAGS))])[0]


# --vocabulary: made-up words, by rank, and their cumulative Zipf weights.
SYLLABLES = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"]
RARE_WORDS = ["".join(s) for s in itertools.islice(itertools.product(SYLLABLES, repeat=3), 30000)]
RARE_WEIGHTS = list(itertools.accumulate(1 / (k + 1) for k in range(len(RARE_WORDS))))
LARGE_VOCABULARY = False


def word(rng):
    if LARGE_VOCABULARY and rng.random() < 0.5:
        at = bisect.bisect(RARE_WEIGHTS, rng.random() * RARE_WEIGHTS[-1])
        return RARE_WORDS[min(at, len(RARE_WORDS) - 1)]
    return rng.choice(WORDS)


def sentence(rng, n):
    words = [word(rng) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def paragraph(rng):
    return " ".join(sentence(rng, rng.randint(8, 16)) for _ in range(rng.randint(3, 6)))


def code_heavy_body(rng, i, n_posts):
    """Prose around two long code blocks: the programmer's blog post."""
    other = rng.randrange(n_posts)
    langs = rng.sample(sorted(LONG_CODE), 2)
    return [
        paragraph(rng),
        f"## Background {i}",
        paragraph(rng),
        paragraph(rng),
        f"See also [post {other}](../post-{other:05d}/) and a footnote[^n{i}].",
        paragraph(rng),
        long_block(langs[0], i, 17),
        paragraph(rng),
        "## Details",
        paragraph(rng),
        paragraph(rng),
        "- " + sentence(rng, 6) + "\n- " + sentence(rng, 7) + "\n- " + sentence(rng, 5),
        long_block(langs[1], i + 1, 18),
        "### Notes",
        paragraph(rng),
        paragraph(rng),
        paragraph(rng),
        paragraph(rng),
        paragraph(rng),
        f"[^n{i}]: " + sentence(rng, 10),
    ]


FIRST_DAY = datetime.date(2005, 1, 1)
DAYS = 20 * 365


# --authoring: the site's shortcode and the four hooks, written as a theme
# author would (conditionals, filters, `page` and `config`).
SSG_AUTHORING_TEMPLATES = {
    "shortcodes/aside.html": "<aside class=\"aside aside-{{ kind }}\" data-n=\"{{ n }}\">{{ text }} "
    "<a href=\"{{ config.base_url }}/\">{{ page.title }}</a></aside>\n",
    "hooks/link.html": "<a class=\"link\" href=\"{{ url }}\"{% if title %} title=\"{{ title }}\"{% endif %}>{{ text | safe }}</a>",
    "hooks/image.html": "<img src=\"{{ url }}\" alt=\"{{ alt }}\"{% if title %} title=\"{{ title }}\"{% endif %} loading=\"lazy\">",
    "hooks/heading.html": "<h{{ level }} id=\"{{ id }}\"><a class=\"anchor\" href=\"#{{ id }}\">#</a> {{ text | safe }}</h{{ level }}>\n",
    "hooks/codeblock.html": "<pre class=\"code\" data-lang=\"{{ lang }}\"><code>{{ code }}</code></pre>\n",
}


def shortcode_call(i):
    """The one call an --authoring post makes (no randomness: the posts'
    other bytes stay those of the plain corpus)."""
    if i % 2 == 0:
        return f"{{{{ aside(kind=\"tip\", n={i}, text=\"Post {i} in brief.\") }}}}"
    return f"{{% note(title=\"Note {i}\") %}}\nA *short* note on post {i}, with [a link](../post-{i - 1:05d}/).\n{{% end %}}"


def post(rng, i, n_posts, code_heavy=False):
    tags = sorted({zipf_tag(rng) for _ in range(rng.randint(1, 4))})
    # Spread over twenty years that end before today, whatever N: Hugo
    # leaves out posts dated in the future (buildFuture is off by default),
    # and both sides must build the same pages.
    date = FIRST_DAY + datetime.timedelta(days=i * DAYS // n_posts)
    title = f"Post {i}: {sentence(rng, 4)[:-1]}"
    summary = sentence(rng, 12)
    other = rng.randrange(n_posts)
    langs = rng.sample(sorted(CODE), 3)
    body = code_heavy_body(rng, i, n_posts) if code_heavy else [
        paragraph(rng),
        f"## Background {i}",
        paragraph(rng),
        paragraph(rng),
        "- " + sentence(rng, 6) + "\n- " + sentence(rng, 7) + "\n- " + sentence(rng, 5),
        f"See also [post {other}](../post-{other:05d}/) and a footnote[^n{i}].",
        f"```{langs[0]}\n" + CODE[langs[0]].format(n=i) + "```",
        "## Details",
        paragraph(rng),
        "| name | value | note |\n|------|------:|------|\n"
        + "\n".join(f"| {rng.choice(WORDS)} | {rng.randint(1, 999)} | {rng.choice(WORDS)} |" for _ in range(4)),
        paragraph(rng),
        f"```{langs[1]}\n" + CODE[langs[1]].format(n=i + 1) + "```",
        "### Notes",
        paragraph(rng),
        "1. " + sentence(rng, 6) + "\n2. " + sentence(rng, 8),
        paragraph(rng),
        f"```{langs[2]}\n" + CODE[langs[2]].format(n=i + 2) + "```",
        paragraph(rng),
        paragraph(rng),
        f"[^n{i}]: " + sentence(rng, 10),
    ]
    front = (
        "---\n"
        f"title: \"{title}\"\n"
        f"date: {date.isoformat()}\n"
        f"tags: [{', '.join(repr(t) for t in tags)}]\n"
        f"summary: \"{summary}\"\n"
        "---\n\n"
    )
    return front, body


def post_texts(rng, i, n_posts, code_heavy, authoring):
    """The post for ssg and for Hugo: the same but for an --authoring
    post's call, which is ssg's syntax."""
    front, body = post(rng, i, n_posts, code_heavy)
    plain = front + "\n\n".join(body) + "\n"
    if not authoring:
        return plain, plain
    return front + "\n\n".join(body[:1] + [shortcode_call(i)] + body[1:]) + "\n", plain


SSG_CONFIG = """title = "Bench"
base_url = "http://127.0.0.1:1111"
[build]
paginate_by = 10
[markdown]
highlight = true
highlight_theme = "base16-ocean.dark"
"""

SSG_TEMPLATES = {
    "base.html": "<!doctype html><html><head><meta charset=\"utf-8\"><title>{% block title %}{{ config.title }}{% endblock title %}</title>"
    "<link rel=\"stylesheet\" href=\"/highlight.css\"></head><body>{% block content %}{% endblock content %}</body></html>\n",
    "page.html": "{% extends \"base.html\" %}{% block title %}{{ page.title }}{% endblock title %}{% block content %}<h1>{{ page.title }}</h1>"
    "<p>{{ page.date }} {% for t in page.tags %}<a href=\"{{ t.permalink }}\">{{ t.name }}</a> {% endfor %}</p>{{ page.content | safe }}{% endblock content %}\n",
    "index.html": "{% extends \"base.html\" %}{% block content %}{% for p in paginator.pages %}<article><h2><a href=\"{{ p.permalink }}\">{{ p.title }}</a></h2>"
    "<p>{{ p.date }}</p>{{ p.summary | safe }}</article>{% endfor %}{% if paginator.next %}<a href=\"{{ paginator.next }}\">next</a>{% endif %}{% endblock content %}\n",
    "tags.html": "{% extends \"base.html\" %}{% block content %}<ul>{% for t in tags %}<li><a href=\"{{ t.permalink }}\">{{ t.name }}</a> {{ t.count }}</li>{% endfor %}</ul>{% endblock content %}\n",
    "tag.html": "{% extends \"base.html\" %}{% block content %}<h1>{{ tag.name }}</h1>{% for p in paginator.pages %}<article><h2><a href=\"{{ p.permalink }}\">{{ p.title }}</a></h2>"
    "<p>{{ p.date }}</p>{{ p.summary | safe }}</article>{% endfor %}{% if paginator.next %}<a href=\"{{ paginator.next }}\">next</a>{% endif %}{% endblock content %}\n",
    "404.html": "{% extends \"base.html\" %}{% block content %}Not found{% endblock content %}\n",
}
SSG_TEMPLATES["section.html"] = SSG_TEMPLATES["index.html"]

HUGO_CONFIG = """baseURL = "http://127.0.0.1:1313/"
title = "Bench"
[pagination]
pagerSize = 10
[markup.highlight]
noClasses = false
style = "monokai"
[markup.goldmark.renderer]
unsafe = true
# Feeds as ssg writes them: the site's and each tag's, the newest 20 posts
# (ssg's feed_limit), full text. Hugo's default is every post, summaries
# only: at 100,000 posts its home feed alone was 34 MB.
[outputs]
home = ["html", "rss"]
section = ["html"]
term = ["html", "rss"]
taxonomy = ["html"]
[services.rss]
limit = 20
# ssg renders the blog section's paginated listing at /blog/; so does Hugo.
[permalinks.page]
posts = "/blog/:contentbasename/"
[permalinks.section]
posts = "/blog/"
"""

HUGO_LAYOUTS = {
    "_default/baseof.html": "<!doctype html><html><head><meta charset=\"utf-8\"><title>{{ block \"title\" . }}{{ .Site.Title }}{{ end }}</title>"
    "<link rel=\"stylesheet\" href=\"/highlight.css\"></head><body>{{ block \"main\" . }}{{ end }}</body></html>\n",
    "_default/single.html": "{{ define \"title\" }}{{ .Title }}{{ end }}{{ define \"main\" }}<h1>{{ .Title }}</h1><p>{{ .Date.Format \"2006-01-02\" }} "
    "{{ range .GetTerms \"tags\" }}<a href=\"{{ .Permalink }}\">{{ .LinkTitle }}</a> {{ end }}</p>{{ .Content }}{{ end }}\n",
    "index.html": "{{ define \"main\" }}{{ $p := .Paginate (where .Site.RegularPages \"Type\" \"posts\") }}{{ range $p.Pages }}<article><h2><a href=\"{{ .Permalink }}\">{{ .Title }}</a></h2>"
    "<p>{{ .Date.Format \"2006-01-02\" }}</p>{{ .Summary }}</article>{{ end }}{{ with $p.Next }}<a href=\"{{ .URL }}\">next</a>{{ end }}{{ end }}\n",
    # Hugo 0.146 and later (0.168 here, checked with marker templates)
    # render /tags/ with terms.html and each /tags/x/ with taxonomy.html;
    # term.html is what the kind is named, kept identical for other versions.
    "_default/terms.html": "{{ define \"main\" }}<ul>{{ range .Data.Terms.Alphabetical }}<li><a href=\"{{ .Page.Permalink }}\">{{ .Page.Title }}</a> {{ .Count }}</li>{{ end }}</ul>{{ end }}\n",
    "_default/taxonomy.html": "{{ define \"main\" }}<h1>{{ .Title }}</h1>{{ $p := .Paginate .Pages }}{{ range $p.Pages }}<article><h2><a href=\"{{ .Permalink }}\">{{ .Title }}</a></h2>"
    "<p>{{ .Date.Format \"2006-01-02\" }}</p>{{ .Summary }}</article>{{ end }}{{ with $p.Next }}<a href=\"{{ .URL }}\">next</a>{{ end }}{{ end }}\n",
    "404.html": "{{ define \"main\" }}Not found{{ end }}\n",
    "_default/rss.xml": "{{ $pages := .Pages }}{{ if .IsHome }}{{ $pages = .Site.RegularPages }}{{ end }}"
    "<rss version=\"2.0\"><channel><title>{{ .Title }}</title><link>{{ .Permalink }}</link>"
    "{{ range first 20 $pages }}<item><title>{{ .Title }}</title><link>{{ .Permalink }}</link><guid>{{ .Permalink }}</guid>"
    "<pubDate>{{ .Date.Format \"Mon, 02 Jan 2006 15:04:05 -0700\" }}</pubDate>"
    "<description>{{ .Content | transform.XMLEscape | safeHTML }}</description></item>{{ end }}</channel></rss>\n",
}
HUGO_LAYOUTS["_default/term.html"] = HUGO_LAYOUTS["_default/taxonomy.html"]
HUGO_LAYOUTS["_default/section.html"] = HUGO_LAYOUTS["index.html"].replace(
    "(where .Site.RegularPages \"Type\" \"posts\")", ".Pages"
)


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def main():
    args = sys.argv[1:]
    global LARGE_VOCABULARY
    flags = {"--code-heavy", "--authoring", "--no-highlight", "--vocabulary"}
    LARGE_VOCABULARY = "--vocabulary" in args
    code_heavy = "--code-heavy" in args
    authoring = "--authoring" in args
    highlight = "--no-highlight" not in args
    args = [a for a in args if a not in flags]
    if len(args) != 2:
        sys.exit(__doc__)
    n = int(args[0])
    out = args[1]
    # A corpus this script already wrote is left as it is: deleting and
    # rewriting thousands of files right before a timed build slows that
    # build's file creation on some filesystems (see build_bench.sh).
    with open(__file__, "rb") as f:
        stamp = f"{n} {code_heavy} {authoring} {highlight} {LARGE_VOCABULARY} {hashlib.sha256(f.read()).hexdigest()}\n"
    try:
        with open(f"{out}/.corpus", encoding="utf-8") as f:
            if f.read() == stamp:
                print(f"kept the {n}-post corpus in {out}")
                return
    except OSError:
        pass
    shutil.rmtree(out, ignore_errors=True)
    rng = random.Random(20261122)
    config = SSG_CONFIG if highlight else SSG_CONFIG.replace("highlight = true", "highlight = false")
    write(f"{out}/ssg/ssg.toml", config)
    templates = dict(SSG_TEMPLATES, **(SSG_AUTHORING_TEMPLATES if authoring else {}))
    for name, text in templates.items():
        write(f"{out}/ssg/templates/{name}", text)
    write(f"{out}/hugo/hugo.toml", HUGO_CONFIG)
    for name, text in HUGO_LAYOUTS.items():
        write(f"{out}/hugo/layouts/{name}", text)
    for i in range(n):
        ssg_text, hugo_text = post_texts(rng, i, n, code_heavy, authoring)
        write(f"{out}/ssg/content/blog/post-{i:05d}.md", ssg_text)
        write(f"{out}/hugo/content/posts/post-{i:05d}.md", hugo_text)
    write(f"{out}/.corpus", stamp)
    print(f"wrote {n} posts to {out}/ssg and {out}/hugo")


if __name__ == "__main__":
    main()
