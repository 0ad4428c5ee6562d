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

# Unit tests (inside src/) and the integration suites in tests/, each
# against fixture sites built on real files in temporary folders.
cargo test --all-targets --locked
