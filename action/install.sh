#!/usr/bin/env bash
# Installs mlgate for the composite action (action.yml).
#
#   install.sh key      prints the cache key, install folder and version to $GITHUB_OUTPUT
#   install.sh install  installs and prints the binary's path as `bin`
#
# How, by INPUT_INSTALL:
#   release (default)  download the release archive for this runner from the Action's own
#                      repository (version: INPUT_VERSION, else the Action's tag, else its
#                      Cargo.toml), verify its SHA-256 against the release's .sha256 file,
#                      and only then unpack and run it; cached by version and platform;
#   source             build the Action's source with cargo (cached by a hash of the source);
#   path               use the `mlgate` already on PATH.
# INPUT_BINARY_URL + INPUT_BINARY_SHA256 download one given binary instead (any mode).
# For tests: MLGATE_RELEASE_BASE (http:// only for 127.0.0.1 / localhost) and
# MLGATE_PLATFORM ("Linux-x86_64" …) replace GitHub's release URL and the runner's platform.
set -euo pipefail

out="${GITHUB_OUTPUT:-/dev/stdout}"
src="${GITHUB_ACTION_PATH:?GITHUB_ACTION_PATH is set by GitHub Actions}"
mode="${INPUT_INSTALL:-release}"

fail() {
  echo "::error title=mlgate install::$1"
  exit 2
}

sha256_of() {
  if command -v sha256sum >/dev/null 2>&1; then sha256sum "$1" | cut -d' ' -f1; else shasum -a 256 "$1" | cut -d' ' -f1; fi
}

# These set globals rather than print, so that `fail` reaches the log and ends the script.

# REPO and REF of this action: from GitHub's variables, else from the folder the runner
# checked it out into (…/_actions/OWNER/NAME/REF), which composite steps always have.
find_action() {
  REPO="${ACTION_REPOSITORY:-}"
  REF="${ACTION_REF:-}"
  if [[ "$src" =~ /_actions/([^/]+)/([^/]+)/([^/]+)/?$ ]]; then
    REPO="${REPO:-${BASH_REMATCH[1]}/${BASH_REMATCH[2]}}"
    REF="${REF:-${BASH_REMATCH[3]}}"
  fi
}

# VERSION: the version input, else the action's tag, else its Cargo.toml.
find_version() {
  find_action
  local v="${INPUT_VERSION:-}"
  if [ -z "$v" ] && [[ "$REF" =~ ^v?[0-9]+\.[0-9]+\.[0-9]+ ]]; then v="$REF"; fi
  if [ -z "$v" ]; then v="$(sed -n 's/^version = "\(.*\)"/\1/p' "$src/Cargo.toml" | head -1)"; fi
  v="${v#v}"
  [[ "$v" =~ ^[0-9]+\.[0-9]+\.[0-9]+([.+-][0-9A-Za-z.-]+)?$ ]] || fail "version '$v' is not a release version like 1.2.3; set the version input"
  VERSION="$v"
}

# TARGET: the release target of this runner, from MLGATE_PLATFORM or uname.
find_target() {
  local p="${MLGATE_PLATFORM:-$(uname -s)-$(uname -m)}"
  case "$p" in
    Linux-x86_64 | Linux-amd64) TARGET=x86_64-unknown-linux-musl ;;
    Linux-aarch64 | Linux-arm64) TARGET=aarch64-unknown-linux-musl ;;
    Darwin-arm64 | Darwin-aarch64) TARGET=aarch64-apple-darwin ;;
    Darwin-x86_64) TARGET=x86_64-apple-darwin ;;
    MINGW*-x86_64 | MSYS*-x86_64 | CYGWIN*-x86_64 | Windows-x86_64 | Windows-X64) TARGET=x86_64-pc-windows-msvc ;;
    *) fail "there is no prebuilt mlgate for this runner ($p); set install: source (builds with cargo, needs a Rust toolchain) or binary-url" ;;
  esac
}

source_hash() {
  (cd "$src" && find Cargo.toml Cargo.lock src templates rubrics schemas -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-20)
}

root_dir() {
  echo "${MLGATE_ROOT:-${RUNNER_TEMP:-/tmp}/mlgate-install}"
}

cmd_key() {
  local root key v=""
  root="$(root_dir)"
  case "$mode" in
    release) find_version; find_target; v="$VERSION"; key="mlgate-release-$VERSION-$TARGET" ;;
    source) key="mlgate-source-${RUNNER_OS:-local}-${RUNNER_ARCH:-local}-$(source_hash)" ;;
    path) key="" ;;
    *) fail "install must be release, source or path, not '$mode'" ;;
  esac
  { echo "key=$key"; echo "root=$root"; echo "version=$v"; } >> "$out"
}

download() { # url file
  local url="$1"
  case "$url" in
    https://*) ;;
    http://127.0.0.1[:/]* | http://localhost[:/]*) ;;
    *) fail "refusing to download $url: only https:// URLs are fetched" ;;
  esac
  curl --fail --silent --show-error --location --retry 3 --connect-timeout 20 -o "$2" "$url"
}

install_given_binary() {
  local root="$1"
  [ -n "${INPUT_BINARY_SHA256:-}" ] || fail "binary-url needs binary-sha256: a downloaded binary is only run after its checksum matches"
  case "$INPUT_BINARY_URL" in https://*) ;; *) fail "binary-url must be an https:// URL" ;; esac
  mkdir -p "$root/bin"
  download "$INPUT_BINARY_URL" "$root/bin/mlgate.download" || fail "could not download binary-url $INPUT_BINARY_URL"
  local actual
  actual="$(sha256_of "$root/bin/mlgate.download")"
  if [ "$actual" != "$INPUT_BINARY_SHA256" ]; then
    rm -f "$root/bin/mlgate.download"
    fail "the downloaded binary's SHA-256 is $actual, not the binary-sha256 given; not running it"
  fi
  mv "$root/bin/mlgate.download" "$root/bin/mlgate"
  chmod 0755 "$root/bin/mlgate"
  echo "bin=$root/bin/mlgate" >> "$out"
}

install_release() {
  local root="$1" v t name ext exe base url want got
  find_version
  find_target
  v="$VERSION"
  t="$TARGET"
  name="mlgate-$v-$t"
  ext="tar.gz"
  exe="mlgate"
  if [ "$t" = x86_64-pc-windows-msvc ]; then ext="zip"; exe="mlgate.exe"; fi
  if [ -x "$root/bin/$exe" ] && [ "$(cat "$root/bin/.version" 2>/dev/null)" = "$name" ]; then
    echo "mlgate $v restored from the cache"
    echo "bin=$root/bin/$exe" >> "$out"
    return
  fi
  if [ -z "${MLGATE_RELEASE_BASE:-}" ] && [ -z "$REPO" ]; then
    fail "cannot tell which repository this action comes from; set binary-url, or install: source"
  fi
  base="${MLGATE_RELEASE_BASE:-${GITHUB_SERVER_URL:-https://github.com}/$REPO/releases/download}"
  url="$base/v$v/$name.$ext"
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  echo "downloading $url"
  download "$url" "$tmp/archive" || fail "release v$v has no $name.$ext ($url): check the version input (or the Action's ref), or set install: source to build from source"
  download "$url.sha256" "$tmp/archive.sha256" || fail "release v$v has no checksum file $name.$ext.sha256; not running an unverified binary"
  want="$(head -c 200 "$tmp/archive.sha256" | tr -d '\r' | awk '{print $1; exit}' | tr 'A-F' 'a-f')"
  [[ "$want" =~ ^[0-9a-f]{64}$ ]] || fail "$url.sha256 is not a SHA-256 checksum (a proxy may have returned a web page); not running an unverified binary"
  got="$(sha256_of "$tmp/archive")"
  [ "$got" = "$want" ] || fail "the SHA-256 of $name.$ext is $got, but the release says $want: the download is corrupt or was tampered with; not running it"
  mkdir -p "$tmp/x"
  if [ "$ext" = zip ]; then unzip -q "$tmp/archive" -d "$tmp/x"; else tar -xzf "$tmp/archive" -C "$tmp/x"; fi
  [ -f "$tmp/x/$name/$exe" ] || fail "$name.$ext does not hold $name/$exe"
  mkdir -p "$root/bin"
  mv "$tmp/x/$name/$exe" "$root/bin/$exe"
  chmod 0755 "$root/bin/$exe"
  local reported
  reported="$("$root/bin/$exe" --version 2>/dev/null || true)"
  if [ "$reported" != "mlgate $v" ]; then
    rm -f "$root/bin/$exe"
    fail "the downloaded binary reports '$reported', not 'mlgate $v'"
  fi
  echo "$name" > "$root/bin/.version"
  echo "installed $reported (SHA-256 verified)"
  echo "bin=$root/bin/$exe" >> "$out"
}

install_source() {
  local root="$1"
  if [ -x "$root/bin/mlgate" ]; then
    echo "mlgate restored from the cache: $("$root/bin/mlgate" --version)"
    echo "bin=$root/bin/mlgate" >> "$out"
    return
  fi
  command -v cargo >/dev/null 2>&1 || fail "install: source needs cargo; add dtolnay/rust-toolchain before this action, or use install: release"
  echo "building mlgate from $src (cached for later runs) …"
  cargo install --locked --path "$src" --root "$root" --bin mlgate
  echo "bin=$root/bin/mlgate" >> "$out"
}

cmd_install() {
  local root
  root="$(root_dir)"
  if [ -n "${INPUT_BINARY_URL:-}" ]; then
    install_given_binary "$root"
    return
  fi
  case "$mode" in
    release) install_release "$root" ;;
    source) install_source "$root" ;;
    path)
      command -v mlgate >/dev/null 2>&1 || fail "install: path, but there is no mlgate on PATH"
      echo "using $(command -v mlgate): $(mlgate --version)"
      echo "bin=$(command -v mlgate)" >> "$out"
      ;;
    *) fail "install must be release, source or path, not '$mode'" ;;
  esac
}

case "${1:-install}" in
  key) cmd_key ;;
  install) cmd_install ;;
  *) fail "usage: install.sh key|install" ;;
esac
