#!/usr/bin/env bash
# Issue 26's benchmark row: what shortcodes and render hooks cost a build.
#
#   bench/authoring_bench.sh [POSTS] [RUNS]      e.g. bench/authoring_bench.sh 1000 9
#
# Cold builds of three generated blogs of POSTS posts (gen_corpus.py):
#   plain      the prose corpus, highlighted, no shortcodes or hooks;
#   nohl       the same with highlighting off;
#   authoring  the same posts with one shortcode call each and all four
#              render hooks (--authoring). Its code block hook replaces
#              highlighting, so `nohl` is the build that does the same
#              work but for the shortcodes and hooks.
# Two binaries, both release builds: this tree's (`new`) and the commit
# before the authoring features (`base`, BASE_REV, default 4ab9c3e^),
# built from its own source tree in target/bench-base/src with this
# tree's target dir (the dependencies compile once). `base` builds plain
# and nohl (a site without shortcodes or hooks must build as fast as it
# did); `new` builds all three. Each round runs the five builds in a
# rotated order (a build's position in a round showed an effect of its
# own before, see docs/perf.md); medians of RUNS rounds, and the ratios.
#
# BASE_BIN=path and SSG_BIN=path use those binaries instead of building.
# As in build_bench.sh, outputs and caches are moved aside between runs
# and deleted only at the end; nothing touches the network.
set -euo pipefail
cd "$(dirname "$0")/.."
posts=${1:-1000}
runs=${2:-9}
work=${TMPDIR:-/tmp}/ssg-authoring-bench-$posts
mkdir -p "$work"

# The binaries are copied into $work first: the base build goes through
# the same target dir, and its binary would otherwise replace this one.
. "$(dirname "$0")/measure.sh"
copy_ssg "$work/ssg-new"
if [ -n "${BASE_BIN:-}" ]; then
  cp "$BASE_BIN" "$work/ssg-base"
else
  rev=$(git rev-parse "${BASE_REV:-4ab9c3e^}")
  src=target/bench-base/src-$rev
  if [ ! -d "$src" ]; then
    mkdir -p "$src"
    git archive "$rev" | tar -x -C "$src"
  fi
  (cd "$src" && cargo build --release --locked --quiet --target-dir "$OLDPWD/target")
  cp target/release/ssg "$work/ssg-base"
fi

python3 bench/gen_corpus.py "$posts" "$work/plain" >/dev/null
python3 bench/gen_corpus.py --no-highlight "$posts" "$work/nohl" >/dev/null
python3 bench/gen_corpus.py --authoring "$posts" "$work/authoring" >/dev/null

# A run within six minutes of deleting files here waits out the rest
# (the inode allocator's penalty described in build_bench.sh).
trash="$work/trash"
stamp=${TMPDIR:-/tmp}/ssg-build-bench.deleted
for old in "$trash" "$work"/out-* "$work"/*/ssg/.ssg-cache; do
  if [ -e "$old" ]; then rm -rf "$old"; date +%s > "$stamp"; fi
done
mkdir -p "$trash"
rm -f "$work"/*.times
. "$(dirname "$0")/settle.sh"
settle_after_deletes "$stamp"

# label binary corpus: one cold build (no output folder, no cache),
# its seconds appended to $work/label.times.
build() {
  local label=$1 bin=$2 corpus=$3 n=$4
  for old in "$work/out-$label" "$work/$corpus/ssg/.ssg-cache"; do
    if [ -e "$old" ]; then mv "$old" "$trash/$(basename "$old").$label.$n"; fi
  done
  sync
  local start=$EPOCHREALTIME
  /usr/bin/time -f "%M" -o "$work/$label.one" "$work/ssg-$bin" -q --root "$work/$corpus/ssg" build -o "$work/out-$label" >/dev/null
  local end=$EPOCHREALTIME
  echo "$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }') $(cat "$work/$label.one")" >> "$work/$label.times"
}
labels=(base-plain new-plain base-nohl new-nohl new-authoring)
for i in $(seq "$runs"); do
  for k in 0 1 2 3 4; do
    label=${labels[$(( (i + k) % 5 ))]}
    bin=${label%%-*} corpus=${label#*-}
    build "$label" "$bin" "$corpus" "$i"
  done
done

# The authoring build did what it says: every post has its call's output
# and went through the hooks.
pages=("$work"/out-new-authoring/blog/*/index.html)
asides=$(grep -l 'class="aside aside-tip"' "${pages[@]}" | wc -l || true)
notes=$(grep -l 'callout-title">Note ' "${pages[@]}" | wc -l || true)
hooked=$( (grep -l 'class="anchor"' "${pages[@]}" | xargs -r grep -l '<pre class="code"' | xargs -r grep -l '<a class="link"' || true) | wc -l)
echo "authoring: $asides posts with the site shortcode, $notes with a note, $hooked through the heading, code block and link hooks"
if [ "$asides" -ne $(( (posts + 1) / 2 )) ] || [ "$notes" -ne $(( posts / 2 )) ] || [ "$hooked" -ne "$posts" ]; then
  echo "the authoring build is not what it should be" >&2
  exit 1
fi

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
declare -A t
for label in "${labels[@]}"; do
  t[$label]=$(cut -d' ' -f1 "$work/$label.times" | median)
  peak=$(cut -d' ' -f2 "$work/$label.times" | sort -n | tail -1)
  echo "$label: median ${t[$label]}s, peak RSS $((peak / 1024)) MB ($(tr '\n' ' ' < "$work/$label.times" | awk '{for (i = 1; i <= NF; i += 2) printf "%s ", $i}'))"
done
ratio() { awk -v a="$2" -v b="$3" -v what="$1" 'BEGIN { printf "%s: %.3f (%+.1f %%)\n", what, a / b, (a / b - 1) * 100 }'; }
echo "posts=$posts runs=$runs"
ratio "new/base, plain (no shortcodes or hooks)" "${t[new-plain]}" "${t[base-plain]}"
ratio "new/base, highlighting off" "${t[new-nohl]}" "${t[base-nohl]}"
ratio "authoring/plain, highlighting off (same work but the shortcodes and hooks)" "${t[new-authoring]}" "${t[new-nohl]}"
ratio "authoring/plain as generated (its code block hook skips highlighting)" "${t[new-authoring]}" "${t[new-plain]}"
rm -rf "$trash"
date +%s > "$stamp"
