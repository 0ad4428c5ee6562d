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

# The live-reload end-to-end test drives a real browser: Debian's chromium.
if ! command -v chromium >/dev/null 2>&1; then
  echo "installing chromium for the browser test…" >&2
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi

# Unit tests (inside src/) and the integration suites in tests/, each
# against fixture sites built on real files in temporary folders.
cargo test --all-targets --locked
