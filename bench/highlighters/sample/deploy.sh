#!/usr/bin/env bash
# Builds the site and uploads what changed; stops at the first error.
set -euo pipefail

SITE="${1:-.}"
BUCKET="${BUCKET:?set BUCKET to the bucket's name}"
readonly SITE BUCKET

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

cd "$SITE"
if [[ ! -f ssg.toml ]]; then
  log "no ssg.toml in $SITE"
  exit 1
fi

log "building"
ssg build --quiet
count=$(find public -type f | wc -l)
log "built $count files"

for f in public/*.xml; do
  [ -e "$f" ] || continue
  grep -q '<feed' "$f" && log "feed: ${f#public/}"
done

ssg publish --dry-run | tail -n 5
read -r -p "publish? [y/N] " answer
case "$answer" in
  y|Y) ssg publish ;;
  *) log "not published" ;;
esac
