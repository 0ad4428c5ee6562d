# Sourced by the benchmarks that time whole commands against a peer.
#
#   measure LABEL COMMAND...   appends "seconds kilobytes" (wall clock, peak
#                              RSS) to $work/LABEL.times
measure() {
  local label=$1; shift
  # The previous run's writes go to disk first, so neither tool pays for them.
  sync
  # GNU time for peak memory; the clock in milliseconds (time's own %e has
  # a resolution of 10 ms, a fifth of a warm rebuild).
  local start=$EPOCHREALTIME
  /usr/bin/time -f "%M" -o "$work/$label.one" "$@" >/dev/null 2>&1
  local end=$EPOCHREALTIME
  echo "$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }') $(cat "$work/$label.one")" >> "$work/$label.times"
}

#   copy_ssg DEST              copies the ssg to time to DEST: $SSG_BIN, or
#                              this tree's release build. A copy, because a
#                              later build through the same target folder
#                              (a base commit's) would replace the binary.
copy_ssg() {
  command -v /usr/bin/time >/dev/null || { echo "needs GNU time (apt-get install time)" >&2; exit 1; }
  if [ -n "${SSG_BIN:-}" ]; then
    cp "$SSG_BIN" "$1"
  else
    cargo build --release --locked --quiet
    cp target/release/ssg "$1"
  fi
}
