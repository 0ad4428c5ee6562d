#!/usr/bin/env python3
"""Records what one ssg binary makes of a site, for proving that a refactor
changes no byte:

    bench/record_outputs.py SSG_BINARY SITE_DIR OUT_DIR

writes four trees under OUT_DIR, each the complete output of one path
through the build:

    cold/     `ssg build` on a fresh copy of the site (cache on)
    warm/     `ssg build` again after one post's title and body were edited
    nocache/  `ssg build --no-cache` of the edited site
    serve/    every file of warm/, fetched from `ssg serve` after the same
              edit was saved while it ran (its incremental path)

Record with the old binary and the new one, then `diff -r` the two OUT_DIRs.
The server listens on 127.0.0.1 only.
"""
import http.client
import re
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

EDIT_MARK = "Edited for the output recording"


def fresh_copy(site, into):
    shutil.copytree(
        site,
        into,
        ignore=shutil.ignore_patterns("public", ".ssg-cache", ".git", "target", ".venv"),
    )


def edited_post(site):
    """The first dated post (sorted) that is not a section index."""
    for root, dirs, files in sorted(os.walk(os.path.join(site, "content"))):
        dirs.sort()
        for name in sorted(files):
            path = os.path.join(root, name)
            if name.endswith(".md") and name not in ("_index.md", "index.md"):
                with open(path, encoding="utf-8") as f:
                    if re.search(r"^date\s*[:=]", f.read(), flags=re.MULTILINE):
                        return path
    sys.exit(f"no post to edit under {site}/content")


def edit(post):
    with open(post, encoding="utf-8") as f:
        text = f.read()
    # The title moves the post in listings; the body changes its page and feeds.
    text = re.sub(
        r'^(title\s*[:=]\s*["\']?)', r"\1Edited ", text, count=1, flags=re.MULTILINE
    )
    with open(post, "w", encoding="utf-8") as f:
        f.write(text + f"\n\n{EDIT_MARK}.\n")


def run(binary, site, *args):
    subprocess.run([binary, "--root", site, *args], check=True, stdout=subprocess.DEVNULL)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def get(port, path):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path)
    response = conn.getresponse()
    return response.status, response.read()


def url_of(rel):
    quoted = "/".join(
        "".join(c if c.isalnum() or c in "-._~" else "%%%02X" % b for c, b in zip(p, p.encode()))
        if p.isascii() else "".join("%%%02X" % b for b in p.encode())
        for p in rel.split("/")
    )
    return "/" + quoted


def record_serve(binary, site, post_rel, files, marked, out):
    port = free_port()
    server = subprocess.Popen(
        [binary, "--root", site, "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.time() + 120
        while time.time() < deadline:
            try:
                if get(port, "/")[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.2)
        post = os.path.join(site, post_rel)
        edit(post)
        deadline = time.time() + 60
        while time.time() < deadline:
            # A file the warm build put the edit in: once served, so is the rest.
            status, body = get(port, url_of(marked))
            if EDIT_MARK.encode() in body:
                break
            time.sleep(0.1)
        else:
            sys.exit("serve never showed the edit")
        time.sleep(1.0)
        for rel in files:
            status, body = get(port, url_of(rel))
            if status != 200:
                sys.exit(f"serve answered {status} for {rel}")
            # The port is chosen per run; everything else must match.
            body = body.replace(f"127.0.0.1:{port}".encode(), b"127.0.0.1:PORT")
            target = os.path.join(out, rel)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "wb") as f:
                f.write(body)
    finally:
        server.terminate()
        server.wait()


def all_files(folder):
    found = []
    for root, _, names in os.walk(folder):
        for name in names:
            found.append(os.path.relpath(os.path.join(root, name), folder).replace(os.sep, "/"))
    return sorted(found)


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    binary, site, out = (os.path.abspath(a) for a in sys.argv[1:])
    if os.path.exists(out):
        sys.exit(f"{out} exists; give a new folder")
    with tempfile.TemporaryDirectory() as tmp:
        work = os.path.join(tmp, "site")
        fresh_copy(site, work)
        post = edited_post(work)
        post_rel = os.path.relpath(post, work)
        run(binary, work, "build")
        shutil.copytree(os.path.join(work, "public"), os.path.join(out, "cold"))
        edit(post)
        run(binary, work, "build")
        shutil.copytree(os.path.join(work, "public"), os.path.join(out, "warm"))
        run(binary, work, "build", "--no-cache", "-o", os.path.join(out, "nocache"))

        served = os.path.join(tmp, "served")
        fresh_copy(site, served)
        warm = os.path.join(out, "warm")
        files = all_files(warm)
        marked = next(
            rel for rel in files
            if EDIT_MARK.encode() in open(os.path.join(warm, rel), "rb").read()
        )
        record_serve(binary, served, post_rel, files, marked, os.path.join(out, "serve"))
    print(f"recorded {out}: edited {post_rel}")


if __name__ == "__main__":
    main()
