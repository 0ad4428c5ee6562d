#!/usr/bin/env bash
# Packages ssg's binary for one target, as the release workflow does on
# each of its runners, into dist/:
#   ssg-TARGET.tar.gz (.zip on Windows) + .sha256   the release archive
#   ssg_bin-VERSION-py3-none-PLATFORM.whl           `pip install ssg-bin`
#   ssg-bin-OS-CPU-VERSION.tgz                      the npm package with the binary
#   ssg-bin-VERSION.tgz                             the npm launcher package
# By default it builds the binary (cargo build --release); --binary packages
# one already built (the test suite packages its debug binary this way).
#
# With --installers URL it instead writes the files a release holds once,
# beside every target's packages: ssg-installer.sh and ssg-installer.ps1
# with URL (the release page, .../releases) as their default download URL,
# and sha256.sum, the checksums of every archive in the folder.
#
# usage: scripts/dist.sh [--target TRIPLE] [--binary PATH] [--out DIR]
#        scripts/dist.sh --installers URL [--out DIR]
#   --target  the Rust target triple to build and name the packages for
#             (default: this machine's, from rustc -vV)
#   --binary  package this binary instead of building (env SSG_DIST_BINARY)
#   --out     where the packages go (env SSG_DIST_DIR; default dist/)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

target="${SSG_DIST_TARGET:-}"
binary="${SSG_DIST_BINARY:-}"
out="${SSG_DIST_DIR:-$root/dist}"
installers_url=""
while [ $# -gt 0 ]; do
  case "$1" in
    --target) target="$2"; shift 2 ;;
    --binary) binary="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --installers) installers_url="$2"; shift 2 ;;
    *) echo "dist.sh: unknown option $1 (see the usage at the top of scripts/dist.sh)" >&2; exit 2 ;;
  esac
done

if [ -n "$installers_url" ]; then
  case "$installers_url" in
    *[\'\"\ \|\&\;]*) echo "dist.sh: $installers_url cannot be written into the installers" >&2; exit 1 ;;
  esac
  mkdir -p "$out"
  sed "s|^default_download_url=\"\"\$|default_download_url=\"$installers_url\"|" \
    "$root/scripts/install.sh" >"$out/ssg-installer.sh"
  sed "s|^\\\$DefaultDownloadUrl = ''|\\\$DefaultDownloadUrl = '$installers_url'|" \
    "$root/scripts/install.ps1" >"$out/ssg-installer.ps1"
  if ! grep -qF "default_download_url=\"$installers_url\"" "$out/ssg-installer.sh" ||
    ! grep -qF "DefaultDownloadUrl = '$installers_url'" "$out/ssg-installer.ps1"; then
    echo "dist.sh: the installers' default download URL line is not where dist.sh looks" >&2
    exit 1
  fi
  (cd "$out" && cat ./*.sha256 >sha256.sum)
  exit 0
fi

# Windows runners' Git Bash has `python` (and maybe a `python3` that only
# opens the Store), the others `python3`: the first that runs Python 3.
python=""
for candidate in "${PYTHON:-}" python3 python; do
  if [ -n "$candidate" ] && "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 9))' 2>/dev/null; then
    python="$candidate"
    break
  fi
done
[ -n "$python" ] || { echo "dist.sh: Python 3.9 or newer is needed to write the archive and the wheel" >&2; exit 1; }
command -v npm >/dev/null || { echo "dist.sh: npm is needed to pack the npm packages" >&2; exit 1; }

if [ -z "$target" ]; then
  target="$(rustc -vV 2>/dev/null | sed -n 's/^host: //p')"
  [ -n "$target" ] || { echo "dist.sh: no rustc to tell this machine's target; pass --target TRIPLE" >&2; exit 1; }
fi
case "$target" in
  x86_64-unknown-linux-*) npm_os=linux npm_cpu=x64 ;;
  aarch64-unknown-linux-*) npm_os=linux npm_cpu=arm64 ;;
  x86_64-apple-darwin) npm_os=darwin npm_cpu=x64 ;;
  aarch64-apple-darwin) npm_os=darwin npm_cpu=arm64 ;;
  x86_64-pc-windows-msvc) npm_os=win32 npm_cpu=x64 ;;
  *) echo "dist.sh: ssg is not packaged for $target" >&2; exit 1 ;;
esac
exe=ssg
[ "$npm_os" = win32 ] && exe=ssg.exe

if [ -z "$binary" ]; then
  (cd "$root" && cargo build --release --locked --target "$target")
  # Where cargo put it: CARGO_TARGET_DIR when set (a shared or cached target dir), else target/.
  binary="${CARGO_TARGET_DIR:-$root/target}/$target/release/$exe"
fi
[ -f "$binary" ] || { echo "dist.sh: no binary at $binary" >&2; exit 1; }

version="$(sed -n 's/^version = "\(.*\)"$/\1/p' "$root/Cargo.toml" | head -n 1)"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

"$python" "$root/packaging/archive.py" "$binary" "$target" "$root/README.md" "$out"
"$python" "$root/packaging/pypi/wheel.py" "$binary" "$target" "$version" "$root/packaging/README.md" "$out"

# npm: a package per platform carrying the binary, and ssg-bin, which
# carries none and depends on all of them as optional dependencies (npm
# installs the one whose os and cpu match).
platform="ssg-bin-$npm_os-$npm_cpu"
mkdir -p "$work/platform/bin" "$work/platform/native" "$work/main/bin"
cp "$root/packaging/npm/ssg.js" "$work/platform/bin/ssg.js"
cp "$root/packaging/npm/ssg.js" "$work/main/bin/ssg.js"
cp "$root/packaging/README.md" "$work/platform/README.md"
cp "$root/packaging/README.md" "$work/main/README.md"
cp "$binary" "$work/platform/native/$exe"
chmod 755 "$work/platform/native/$exe" "$work/platform/bin/ssg.js" "$work/main/bin/ssg.js"
cat >"$work/platform/package.json" <<JSON
{
  "name": "$platform",
  "version": "$version",
  "description": "The ssg binary for $npm_os-$npm_cpu (see ssg-bin)",
  "license": "MIT",
  "os": ["$npm_os"],
  "cpu": ["$npm_cpu"],
  "bin": { "ssg": "bin/ssg.js" },
  "files": ["bin/ssg.js", "native/$exe", "README.md"]
}
JSON
optional=""
for p in linux-x64 linux-arm64 darwin-x64 darwin-arm64 win32-x64; do
  optional="$optional${optional:+, }\"ssg-bin-$p\": \"$version\""
done
cat >"$work/main/package.json" <<JSON
{
  "name": "ssg-bin",
  "version": "$version",
  "description": "ssg, a static site generator with a built-in S3/CloudFront publisher (prebuilt binary)",
  "license": "MIT",
  "bin": { "ssg": "bin/ssg.js" },
  "files": ["bin/ssg.js", "README.md"],
  "optionalDependencies": { $optional }
}
JSON
(cd "$work/platform" && npm pack --silent --pack-destination "$out" >/dev/null)
(cd "$work/main" && npm pack --silent --pack-destination "$out" >/dev/null)
echo "dist.sh: $target $version packaged into $out:" >&2
ls -1 "$out" >&2
