#!/usr/bin/env bash
# Installs mlgate for the composite action (action.yml), in this order:
#   1. INPUT_BINARY_URL: download a prebuilt binary, verified against INPUT_BINARY_SHA256;
#   2. an `mlgate` already on PATH (installed or restored from a cache by an earlier step);
#   3. otherwise build the action's own source with cargo into MLGATE_ROOT (cached by the
#      action between runs).
# Prints the binary's path to $GITHUB_OUTPUT as `bin`.
set -euo pipefail

out="${GITHUB_OUTPUT:-/dev/stdout}"
root="${MLGATE_ROOT:?MLGATE_ROOT is set by action.yml}"
src="${GITHUB_ACTION_PATH:?GITHUB_ACTION_PATH is set by GitHub Actions}"

if [ -n "${INPUT_BINARY_URL:-}" ]; then
  if [ -z "${INPUT_BINARY_SHA256:-}" ]; then
    echo "::error title=mlgate::binary-url needs binary-sha256: a downloaded binary is only run after its checksum matches"
    exit 2
  fi
  case "$INPUT_BINARY_URL" in
    https://*) ;;
    *) echo "::error title=mlgate::binary-url must be an https:// URL"; exit 2 ;;
  esac
  mkdir -p "$root/bin"
  curl --fail --silent --show-error --location --proto '=https' --retry 3 -o "$root/bin/mlgate.download" "$INPUT_BINARY_URL"
  actual="$(sha256sum "$root/bin/mlgate.download" | cut -d' ' -f1)"
  if [ "$actual" != "$INPUT_BINARY_SHA256" ]; then
    rm -f "$root/bin/mlgate.download"
    echo "::error title=mlgate::the downloaded binary's SHA-256 is $actual, not the binary-sha256 given; not running it"
    exit 2
  fi
  mv "$root/bin/mlgate.download" "$root/bin/mlgate"
  chmod 0755 "$root/bin/mlgate"
  echo "bin=$root/bin/mlgate" >> "$out"
  exit 0
fi

if [ -x "$root/bin/mlgate" ]; then
  echo "mlgate restored from the cache: $("$root/bin/mlgate" --version)"
  echo "bin=$root/bin/mlgate" >> "$out"
  exit 0
fi

if command -v mlgate >/dev/null 2>&1; then
  echo "using $(command -v mlgate): $(mlgate --version)"
  echo "bin=$(command -v mlgate)" >> "$out"
  exit 0
fi

if ! command -v cargo >/dev/null 2>&1; then
  echo "::error title=mlgate::no mlgate on PATH and no cargo to build it; add dtolnay/rust-toolchain before this action, or set binary-url"
  exit 2
fi
echo "building mlgate from $src (cached for later runs) …"
cargo install --locked --path "$src" --root "$root" --bin mlgate
echo "bin=$root/bin/mlgate" >> "$out"
