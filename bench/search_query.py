#!/usr/bin/env python3
"""What one search costs a reader: the bytes a browser fetches for a query.

    bench/search_query.py SITE_DIR PORT WORD...

Serves SITE_DIR (a site built with `[search] enabled`) on
127.0.0.1:PORT, counting every byte the server sends, and opens in
headless chromium, for each word, a page that searches as the default
theme's box does (static/search.js: the index's client
`search-index/search.js` imported, the word searched, the first eight
results' data loaded, which fetches each of those pages for its excerpt)
and then tells the server it is done. For each word it prints the
results and the bytes: all of them, and those of the query itself (word
files, page lists, the result pages), without the client and
`meta.json`, which a browser fetches once a visit.
"""
import http.server
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from functools import partial
from urllib.parse import parse_qs, urlparse

# Files every query needs whatever its words, fetched once and cached.
ONCE = re.compile(r"(/search-index/search\.js|/search-index/meta\.json|/__query\.html)$")

# The default theme's box, without the box: SHOWN is its number of results.
PAGE = """<!doctype html><meta charset="utf-8"><script type="module">
const q = new URLSearchParams(location.search).get("q");
const client = await import("/search-index/search.js");
const found = await client.search(q);
const shown = await Promise.all(found.results.slice(0, 8).map((r) => r.data()));
await fetch(`/__done?results=${found.total}&shown=${shown.length}`);
</script>"""


class Counting(http.server.SimpleHTTPRequestHandler):
    served = []
    done = threading.Event()
    results = None

    def log_message(self, *args):
        pass

    def do_GET(self):
        url = urlparse(self.path)
        if url.path == "/__query.html":
            self.answer(PAGE.encode())
        elif url.path == "/__done":
            Counting.results = parse_qs(url.query)
            self.answer(b"")
            Counting.done.set()
        else:
            super().do_GET()

    def answer(self, body):
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def copyfile(self, source, outputfile):
        data = source.read()
        outputfile.write(data)
        Counting.served.append((self.path.split("?")[0], len(data)))


def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return name
    sys.exit("chromium is not installed (apt-get install chromium)")


def kind(path):
    """What a fetched file is, for the summary line."""
    name = path.rsplit("/", 1)[-1]
    return name.split("-", 1)[0] if path.startswith("/search-index/") else "page"


def query(port, word):
    Counting.served = []
    Counting.done.clear()
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as profile:
        browser = subprocess.Popen(
            [
                chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-extensions", f"--user-data-dir={profile}",
                f"http://127.0.0.1:{port}/__query.html?q={word}",
            ],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        finished = Counting.done.wait(timeout=120)
        browser.terminate()
        browser.wait()
    if not finished:
        sys.exit(f"the query for {word!r} did not finish in two minutes")
    results = int(Counting.results["results"][0])
    total = sum(n for _, n in Counting.served)
    own = [(p, n) for p, n in Counting.served if not ONCE.search(p)]
    print(f"query {word!r}: {results} results; fetched {len(Counting.served)} files, "
          f"{total / 1024:.0f} KB in all, {sum(n for _, n in own) / 1024:.0f} KB for the query "
          f"({len(own)} files: {', '.join(sorted({kind(p) for p, _ in own}))})")
    if results == 0:
        sys.exit(f"no results for {word!r}: the measurement is void")


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    site, port, words = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", port), partial(Counting, directory=site)
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        for word in words:
            query(port, word)
    finally:
        server.shutdown()


if __name__ == "__main__":
    main()
