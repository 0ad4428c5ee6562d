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
