#!/usr/bin/env bash
# The wheel test: builds the Python wheel with maturin (dev profile: the release build takes
# 20 minutes), installs it into a fresh virtual environment with no Rust on PATH, checks the
# wheel holds the binary and its metadata only, and runs `mlgate --version` and the bundled
# example from there, as a data scientist would after `pip install mlgate`.
set -euo pipefail
cd "$(dirname "$0")/../.."

# Its own target folder: maturin's build environment differs from cargo's, and sharing one
# folder made each invalidate the other's dependency builds on every CI run.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/mlgate-target}/wheel"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "== installing maturin into a build environment"
python3 -m venv "$work/build"
"$work/build/bin/pip" install --quiet --disable-pip-version-check "maturin>=1.9,<2"

echo "== building the wheel"
"$work/build/bin/maturin" build --quiet --profile dev --locked --strip --out "$work/wheels"
wheel="$(ls "$work"/wheels/mlgate-*.whl)"

echo "== checking what the wheel holds"
python3 - "$wheel" <<'PY'
import sys, zipfile
names = zipfile.ZipFile(sys.argv[1]).namelist()
binaries = [n for n in names if ".data/scripts/" in n]
others = [n for n in names if ".data/scripts/" not in n and ".dist-info/" not in n]
if len(binaries) != 1 or not binaries[0].endswith(("/mlgate", "/mlgate.exe")):
    sys.exit(f"the wheel should hold exactly the mlgate binary, holds {binaries}")
if others:
    sys.exit(f"the wheel holds files besides the binary and its metadata: {others}")
meta = zipfile.ZipFile(sys.argv[1]).read([n for n in names if n.endswith("METADATA")][0]).decode()
for field in ["Name: mlgate", "Requires-Python:", "License", "Project-URL:", "Classifier:", "Summary:"]:
    if field not in meta:
        sys.exit(f"the wheel's METADATA lacks {field!r}")
print(f"   {sys.argv[1].rsplit('/', 1)[1]}: {binaries[0]} and {len(names) - 1} metadata files")
PY

echo "== installing it into a fresh environment (no index, no Rust)"
python3 -m venv "$work/user"
"$work/user/bin/pip" install --quiet --disable-pip-version-check --no-index "$wheel"
mlgate="$work/user/bin/mlgate"
want="mlgate $(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)"
got="$(env -i PATH="$work/user/bin:/usr/bin:/bin" "$mlgate" --version)"
if [ "$got" != "$want" ]; then
  echo "mlgate --version from the wheel says '$got', expected '$want'" >&2
  exit 1
fi
echo "   $got"

echo "== running the bundled example with the installed binary"
set +e
env -i PATH="$work/user/bin:/usr/bin:/bin" HOME="$work" NO_COLOR=1 \
  mlgate check --config examples/churn/mlgate.toml --out "$work/report" --quiet
code=$?
set -e
if [ "$code" -ne 1 ]; then
  echo "expected exit 1 from the example (it has planted problems), got $code" >&2
  exit 1
fi
for f in report.html report.md results.json junit.xml; do
  [ -s "$work/report/$f" ] || { echo "the installed mlgate wrote no $f" >&2; exit 1; }
done
echo "wheel test passed"
