#!/usr/bin/env bash
# The engine tests: profiles computed in real engines equal mlgate's own, and drift judges
# them alike. Starts PostgreSQL (Debian's packages, installed when missing) on 127.0.0.1,
# loads generated data into it, exports the same rows as CSV, computes profiles in Apache
# Spark in local mode (PyPI's pyspark in a virtual environment, a Debian JRE when Java 17 is
# missing), then runs the ignored `engines` tests with the engines' coordinates.
# ENGINE_ROWS (default 200000) sets the reference's size; the current sample is half of it.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/mlgate-target}"
export DEBIAN_FRONTEND=noninteractive
if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
apt_install() {
  $SUDO apt-get install -y --no-install-recommends "$@" >/dev/null 2>&1 || {
    $SUDO apt-get update >/dev/null && $SUDO apt-get install -y --no-install-recommends "$@" >/dev/null
  }
}

work=$(mktemp -d)
chmod 755 "$work"
cleanup() {
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
  if [ -n "$bin" ] && [ -f "$work/pg/data/postmaster.pid" ]; then
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$bin/pg_ctl" -D "$work/pg/data" -m fast stop >/dev/null 2>&1 || true
    else "$bin/pg_ctl" -D "$work/pg/data" -m fast stop >/dev/null 2>&1 || true; fi
  fi
  rm -rf "$work"
}
trap cleanup EXIT

echo "== starting PostgreSQL"
url=$(tests/engines/postgres.sh "$work/pg")
rows="${ENGINE_ROWS:-200000}"
psql "$url" -q -v ON_ERROR_STOP=1 -v rows="$rows" -f tests/engines/data.sql 2>&1 | grep -v NOTICE || true
for t in train serving; do
  # Booleans as true/false and infinities as inf, as a CSV reader expects them.
  psql "$url" -q -v ON_ERROR_STOP=1 -c "\copy (SELECT id, x, n_int, flag, city, CASE WHEN y = 'Infinity' THEN 'inf' WHEN y = '-Infinity' THEN '-inf' ELSE y::text END AS y, ok::text AS ok, ts FROM $t ORDER BY id) TO '$work/$t.csv' CSV HEADER"
done

echo "== preparing Spark (pyspark, Java 17)"
if ! java -version 2>&1 | grep -Eq 'version "(1[7-9]|2[0-9])'; then apt_install openjdk-17-jre-headless; fi
venv="${MLGATE_SPARK_VENV:-$HOME/.cache/mlgate-spark-venv}"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import pyspark" 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check pyspark==4.3.0
fi

echo "== building mlgate"
cargo build --locked --quiet
mkdir -p "$work/spark"
echo "== profiling in Spark"
"$venv/bin/python" tests/engines/spark_sql.py "$CARGO_TARGET_DIR/debug/mlgate" "$work" "$work/spark" 2> >(grep -E '^spark:|Error|Exception' >&2)

echo "== engine tests"
MLGATE_TEST_PG_URL="$url" MLGATE_ENGINE_DATA="$work" cargo test --locked --quiet --test cli engines -- --ignored
