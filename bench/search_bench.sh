#!/usr/bin/env bash
# Issue 28's benchmark row: what the search index costs a build, and what
# a query costs a reader.
#
#   bench/search_bench.sh [--vocabulary] POSTS [RUNS]      e.g. bench/search_bench.sh 10000 3
#
# --vocabulary: the corpus's prose drawn from 30,000 made-up words as well
# as its 60 (gen_corpus.py --vocabulary), so the index holds many rare
# words, as a real blog's does; without it every post has the same words.
#
# Cold builds (no output folder, no build cache) of one generated blog of
# POSTS prose posts (gen_corpus.py), `[search]` off and on alternating —
# the same folder, its ssg.toml written before each build, so nothing is
# copied — RUNS of each: median wall time, median CPU time (user + sys,
# steadier than wall time on a shared machine), peak RSS, and the ratios.
# Then the last search-on build is served on 127.0.0.1 and two queries
# are made in headless chromium as the default theme's box makes them
# (search_query.py): a word of every post ("bucket", the largest chunk)
# and a post's number (a few pages).
#
# SSG_BIN=path times that binary instead of this tree's release build.
# As in build_bench.sh, outputs are moved aside between runs and deleted
# only at the end; nothing touches the network.
set -euo pipefail
cd "$(dirname "$0")/.."
vocabulary=
if [ "${1:-}" = --vocabulary ]; then vocabulary=--vocabulary; shift; fi
posts=${1:-1000}
runs=${2:-3}
work=${TMPDIR:-/tmp}/ssg-search-bench-$posts$vocabulary
mkdir -p "$work"
. "$(dirname "$0")/measure.sh"
copy_ssg "$work/ssg"
python3 bench/gen_corpus.py $vocabulary "$posts" "$work/corpus" >/dev/null
site=$work/corpus/ssg
[ -f "$work/ssg.toml.plain" ] || cp "$site/ssg.toml" "$work/ssg.toml.plain"

trash="$work/trash"
stamp=${TMPDIR:-/tmp}/ssg-build-bench.deleted
for old in "$trash" "$work"/out-* "$site/.ssg-cache"; do
  if [ -e "$old" ]; then rm -rf "$old"; date +%s > "$stamp"; fi
done
mkdir -p "$trash"
rm -f "$work"/*.times "$work"/*.cpu
. "$(dirname "$0")/settle.sh"
settle_after_deletes "$stamp"

# label: one cold build with [search] as the label says. The inner GNU
# time appends the CPU seconds; measure (the outer one) the wall clock
# and the peak RSS of the whole tree.
build() {
  local label=$1 n=$2
  cp "$work/ssg.toml.plain" "$site/ssg.toml"
  if [ "$label" = on ]; then printf '\n[search]\nenabled = true\n' >> "$site/ssg.toml"; fi
  for old in "$work/out-$label" "$site/.ssg-cache"; do
    if [ -e "$old" ]; then mv "$old" "$trash/$(basename "$old").$label.$n"; fi
  done
  measure "$label" /usr/bin/time -a -f "%U %S" -o "$work/$label.cpu" \
    "$work/ssg" -q --root "$site" build -o "$work/out-$label"
}
for i in $(seq "$runs"); do
  # Alternating, and which goes first alternates too.
  if [ $((i % 2)) = 1 ]; then build off "$i"; build on "$i"; else build on "$i"; build off "$i"; fi
done
cp "$work/ssg.toml.plain" "$site/ssg.toml"

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "posts=$posts runs=$runs $(date -u +%F) load: $(cut -d' ' -f1-3 /proc/loadavg)"
for label in off on; do
  wall=$(cut -d' ' -f1 "$work/$label.times" | median)
  cpu=$(awk '{print $1 + $2}' "$work/$label.cpu" | median)
  rss=$(cut -d' ' -f2 "$work/$label.times" | sort -n | tail -1)
  all=$(cut -d' ' -f1 "$work/$label.times" | sort -n | tr '\n' ' ')
  echo "search $label: median wall ${wall}s ($all), median CPU ${cpu}s, peak RSS $((rss / 1024)) MB"
  eval "${label}_wall=$wall ${label}_cpu=$cpu ${label}_rss=$rss"
done
awk -v a="$off_wall" -v b="$on_wall" -v c="$off_cpu" -v d="$on_cpu" -v e="$off_rss" -v f="$on_rss" \
  'BEGIN { printf "search on/off: wall %+.1f %%, CPU %+.1f %%, RSS %+d MB\n", (b / a - 1) * 100, (d / c - 1) * 100, (f - e) / 1024 }'
echo "index: $(find "$work/out-on/search-index" -type f | wc -l) files, $(du -sm "$work/out-on/search-index" | cut -f1) MB"

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# With --vocabulary also a made-up word of middling frequency, and a
# three-letter beginning that thousands of words share.
extra=
if [ -n "$vocabulary" ]; then extra="babadu bab"; fi
python3 bench/search_query.py "$work/out-on" "$port" bucket "$((posts / 3))" $extra
rm -rf "$trash"
date +%s > "$stamp"
