#!/usr/bin/env bash
# The browser test: renders the example's HTML report, opens it in headless Chromium
# (Debian's `chromium`, installed here when missing) and asserts no console errors and no
# network requests; keeps a screenshot and a PDF. With UPDATE_DOCS=1 the screenshot
# replaces docs/report-example.png.
set -euo pipefail
cd "$(dirname "$0")/../.."

if ! command -v chromium >/dev/null 2>&1; then
  echo "== installing chromium (Debian package)"
  export DEBIAN_FRONTEND=noninteractive
  if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get install -y --no-install-recommends chromium >/dev/null 2>&1 || {
    $SUDO apt-get update >/dev/null && $SUDO apt-get install -y --no-install-recommends chromium >/dev/null
  }
fi

echo "== installing playwright-core (no browser download)"
(cd tests/browser && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --silent)

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
echo "== rendering the example report"
export SOURCE_DATE_EPOCH=1767225600
set +e
cargo run --quiet --locked -- check --config examples/churn/mlgate.toml --out "$out" --quiet
code=$?
set -e
if [ "$code" -ne 1 ]; then
  echo "expected exit 1 from the example (it has planted problems), got $code" >&2
  exit 1
fi

echo "== opening it in headless chromium"
node tests/browser/check.mjs "$out/report.html" "$out/report.png" "$out/report.pdf"
if [ "${UPDATE_DOCS:-0}" = "1" ]; then
  mkdir -p docs
  cp "$out/report.png" docs/report-example.png
  echo "updated docs/report-example.png"
fi
