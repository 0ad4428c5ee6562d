#!/bin/sh
# Installs ssg's release binary for this machine, with no Rust toolchain:
#   curl -LsSf https://github.com/OWNER/ssg/releases/latest/download/ssg-installer.sh | sh
# It picks the archive for this system and processor, checks it against the
# release's .sha256 file (and refuses it on a mismatch), and puts `ssg` in
# ~/.local/bin. The release workflow publishes this file as
# ssg-installer.sh with its own release page as the default download URL.
#
# Settings (environment):
#   SSG_VERSION       the release to install, e.g. 0.2.0 (default: the latest)
#   SSG_INSTALL_DIR   where `ssg` goes (default: ~/.local/bin)
#   SSG_DOWNLOAD_URL  the releases URL the archives are under, laid out as
#                     GitHub's: URL/download/vVERSION/FILE, URL/latest/download/FILE
#   SSG_TARGET        the build to take instead of this machine's, e.g.
#                     x86_64-unknown-linux-musl
set -eu

# The release workflow writes its release page here.
default_download_url=""

say() { printf 'ssg installer: %s\n' "$*" >&2; }
fail() { say "$*"; exit 1; }

detect_target() {
  os="$(uname -s)"
  cpu="$(uname -m)"
  case "$cpu" in
    x86_64 | amd64) cpu=x86_64 ;;
    aarch64 | arm64) cpu=aarch64 ;;
    *) fail "no ssg build for the processor $cpu (there are x86_64 and aarch64 ones); build it with cargo install" ;;
  esac
  case "$os" in
    # Static musl builds: they run on every Linux, glibc or not.
    Linux) echo "$cpu-unknown-linux-musl" ;;
    Darwin)
      # A shell under Rosetta reports x86_64 on Apple silicon: take the native build.
      if [ "$cpu" = x86_64 ] && [ "$(sysctl -n hw.optional.arm64 2>/dev/null || echo 0)" = 1 ]; then
        cpu=aarch64
      fi
      echo "$cpu-apple-darwin" ;;
    MINGW* | MSYS* | CYGWIN*) fail "on Windows, use the PowerShell installer: irm URL/ssg-installer.ps1 | iex" ;;
    *) fail "no ssg build for $os; build it with cargo install" ;;
  esac
}

download() {
  if command -v curl >/dev/null 2>&1; then
    curl -fsSL --retry 2 -o "$2" "$1" || fail "cannot download $1"
  elif command -v wget >/dev/null 2>&1; then
    wget -q -O "$2" "$1" || fail "cannot download $1"
  else
    fail "curl or wget is needed to download ssg"
  fi
}

sha256_of() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d ' ' -f 1
  elif command -v shasum >/dev/null 2>&1; then
    shasum -a 256 "$1" | cut -d ' ' -f 1
  elif command -v openssl >/dev/null 2>&1; then
    openssl dgst -sha256 "$1" | sed 's/^.*= *//'
  else
    fail "sha256sum, shasum or openssl is needed to check the download"
  fi
}

main() {
  releases="${SSG_DOWNLOAD_URL:-$default_download_url}"
  [ -n "$releases" ] || fail "set SSG_DOWNLOAD_URL to the releases URL (https://github.com/OWNER/ssg/releases)"
  releases="${releases%/}"
  version="${SSG_VERSION:-latest}"
  target="${SSG_TARGET:-$(detect_target)}"
  install_dir="${SSG_INSTALL_DIR:-$HOME/.local/bin}"
  archive="ssg-$target.tar.gz"
  case "$version" in
    latest) url="$releases/latest/download/$archive" ;;
    *) url="$releases/download/v${version#v}/$archive" ;;
  esac

  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  say "downloading $url"
  download "$url" "$work/$archive"
  download "$url.sha256" "$work/$archive.sha256"
  expected="$(cut -d ' ' -f 1 "$work/$archive.sha256")"
  actual="$(sha256_of "$work/$archive")"
  [ "$expected" = "$actual" ] ||
    fail "checksum mismatch for $archive: the release says $expected, the download is $actual; nothing was installed"

  tar -xzf "$work/$archive" -C "$work"
  [ -f "$work/ssg-$target/ssg" ] || fail "$archive holds no ssg-$target/ssg"
  mkdir -p "$install_dir"
  # Copied beside the old one, then renamed over it: a running ssg keeps
  # its file, and no half-written binary is ever on PATH.
  cp "$work/ssg-$target/ssg" "$install_dir/.ssg.new.$$"
  chmod 755 "$install_dir/.ssg.new.$$"
  mv -f "$install_dir/.ssg.new.$$" "$install_dir/ssg"
  say "installed $("$install_dir/ssg" --version) into $install_dir"
  case ":$PATH:" in
    *":$install_dir:"*) ;;
    *) say "add $install_dir to PATH, e.g. in ~/.profile: export PATH=\"$install_dir:\$PATH\"" ;;
  esac
}

main "$@"
