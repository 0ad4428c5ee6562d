# Sourced by the build benchmarks: waits until files deleted here are old
# enough not to slow the next build's file creation (see build_bench.sh for
# why: ext4 skips recently freed inodes for up to six minutes).
#
#   settle_after_deletes STAMP   STAMP holds the time of the last delete
settle_after_deletes() {
  sync
  if [ -f "$1" ]; then
    wait_s=$(( $(cat "$1") + 361 - $(date +%s) ))
    if [ "$wait_s" -gt 0 ]; then
      echo "waiting ${wait_s}s: files were deleted here less than six minutes ago" >&2
      sleep "$wait_s"
    fi
  fi
}
