#!/usr/bin/env bash
# Issue 29's highlighter comparison: builds the harness (its own project,
# never part of ssg's build), then measures every engine on
#   1. the code of the code-heavy corpus (bench/gen_corpus.py --code-heavy),
#   2. sample/ (code written for this benchmark, a file per language),
#   3. any folders given, e.g. real code from real repositories;
# then, per fence word, how many characters syntaxmate (as ssg writes it)
# colours as syntect does under bat's themes (src/agree.rs).
# Usage: bench/highlighters/run.sh [--secs S] [FOLDER...]
# Writes out/html/ENGINE-LANG.html pages for the screenshots in docs/.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"
secs=3
if [[ "${1:-}" == "--secs" ]]; then
  secs="$2"
  shift 2
fi
# One job: the machine's cores are shared, and this is no hurry.
CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-1}" cargo build --release --quiet
bin="$here/target/release/highlighters"
mkdir -p out
if [[ ! -d out/code-heavy/ssg/content ]]; then
  python3 ../gen_corpus.py --code-heavy 1000 out/code-heavy >/dev/null
fi
echo "## code-heavy corpus, 1,000 posts"
"$bin" --secs "$secs" --warm sample out/code-heavy/ssg/content
echo "## sample/"
"$bin" --secs "$secs" --warm sample --html out/html sample
for folder in "$@"; do
  echo "## $folder"
  "$bin" --secs "$secs" --warm sample "$folder"
done
echo "## agreement with syntect (characters alike; --agree N lists differences)"
"$bin" --agree 0 out/code-heavy/ssg/content sample "$@"
