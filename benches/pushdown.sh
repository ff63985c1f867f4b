#!/usr/bin/env bash
# Pushed-down profile vs reading the table out and profiling it in mlgate, on a local
# PostgreSQL (tests/engines/postgres.sh) and Spark in local mode. Whole-process wall time and
# mlgate's peak RSS (GNU time), median of REPEAT runs, both ways interleaved.
#
# usage: benches/pushdown.sh URL ROWS [REPEAT]   (URL: a database tests/engines/data.sql can fill)
# Needs a release build: CARGO_TARGET_DIR=… cargo build --release; set MLGATE to its binary.
set -euo pipefail
url="$1"; rows="$2"; repeat="${3:-3}"
M="${MLGATE:-target/release/mlgate}"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
export BENCH_URL="$url"
psql "$url" -q -v ON_ERROR_STOP=1 -v rows="$rows" -f "$(dirname "$0")/../tests/engines/data.sql" 2>&1 | grep -v NOTICE || true
psql "$url" -q -c "VACUUM ANALYZE train"
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
measure() { # label, command…: appends "wall rss_kb" to $work/label
  local label="$1"; shift
  /usr/bin/time -f "%e %M" -o "$work/t" "$@" >/dev/null 2>"$work/err" || { cat "$work/err" >&2; exit 1; }
  cat "$work/t" >> "$work/$label"
}
for _ in $(seq "$repeat"); do
  measure pushdown "$M" profile --sql "SELECT * FROM train" --dialect postgres --url-env BENCH_URL -o "$work/p.json" --force --quiet
  rm -f "$work/train.csv"
  start=$(date +%s.%N)
  psql "$url" -q -c "\copy (SELECT id, x, n_int, flag, city, CASE WHEN y = 'Infinity' THEN 'inf' ELSE y::text END AS y, ok::text AS ok, ts FROM train) TO '$work/train.csv' CSV HEADER"
  echo "$(echo "$(date +%s.%N) - $start" | bc) 0" >> "$work/export"
  measure local "$M" profile "$work/train.csv" --grid -o "$work/l.json" --force --quiet
done
for label in pushdown export local; do
  printf "%s: wall %s s (median of %s), mlgate peak RSS %s MiB\n" "$label" \
    "$(cut -d' ' -f1 "$work/$label" | median)" "$repeat" "$(( $(cut -d' ' -f2 "$work/$label" | median) / 1024 ))"
done
echo "csv: $(du -m "$work/train.csv" | cut -f1) MiB for $rows rows"
