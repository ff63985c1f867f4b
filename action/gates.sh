#!/usr/bin/env bash
# Runs the mlgate commands named in INPUT_COMMANDS (check, score, audit) for action.yml and
# writes the combined step outputs: verdict (worst of all), exit-code (highest), score,
# report-dir, and the report paths of the first command.
#
# Inputs arrive as environment variables only, never spliced into this script, so a
# branch name or config path cannot inject shell code.
set -uo pipefail

mlgate="${MLGATE_BIN:-mlgate}"
out_root="${INPUT_OUT:-mlgate-report}"
outputs="${GITHUB_OUTPUT:-/dev/null}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

case "$out_root" in
  *$'\n'*) echo "::error title=mlgate::the 'out' input holds a line break; use a plain folder name"; exit 2 ;;
esac
delim="mlgate_$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"

read -r -a commands <<< "$(printf '%s' "${INPUT_COMMANDS:-check}" | tr ',\n' '  ')"
if [ "${#commands[@]}" -eq 0 ]; then
  commands=(check)
fi
for cmd in "${commands[@]}"; do
  case "$cmd" in
    check|score|audit) ;;
    *) echo "::error title=mlgate::unknown command '$cmd' in the 'commands' input; use check, score or audit"; exit 2 ;;
  esac
done

rank() { case "$1" in pass) echo 0 ;; skipped) echo 0 ;; warn) echo 1 ;; fail) echo 2 ;; *) echo 3 ;; esac; }
worst_verdict=""
worst_code=0
score=""
first_md=""
first_html=""
first_results=""
dirs=()

for cmd in "${commands[@]}"; do
  if [ "${#commands[@]}" -gt 1 ]; then dir="$out_root/$cmd"; else dir="$out_root"; fi
  args=(--out "$dir")
  if [ -n "${INPUT_FAIL_ON:-}" ]; then args+=(--fail-on "$INPUT_FAIL_ON"); fi
  if [ "${INPUT_ALLOW_OUTSIDE_REPO:-false}" = true ] && [ "$cmd" != score ]; then args+=(--allow-outside-repo); fi
  case "$cmd" in
    check)
      args+=(--config "${INPUT_CONFIG:-mlgate.toml}")
      if [ -n "${INPUT_BASE:-}" ]; then args+=(--base "$INPUT_BASE"); fi
      while IFS= read -r line; do
        if [ -n "${line//[[:space:]]/}" ]; then args+=(--approve "$line"); fi
      done <<< "${INPUT_APPROVE:-}"
      ;;
    score|audit)
      if [ -f "${INPUT_CONFIG:-mlgate.toml}" ]; then args+=(--config "${INPUT_CONFIG:-mlgate.toml}"); fi
      if [ -n "${INPUT_MIN_SCORE:-}" ]; then args+=(--min-score "$INPUT_MIN_SCORE"); fi
      if [ "$cmd" = audit ] && [ -n "${INPUT_HISTORY:-}" ]; then args+=(--history "$INPUT_HISTORY"); fi
      while IFS= read -r line; do
        if [ -n "${line//[[:space:]]/}" ]; then args+=(--runs "$line"); fi
      done <<< "${INPUT_RUNS:-}"
      # Workflow names may hold spaces ("ML training"): split on commas and line breaks only.
      workflows=()
      while IFS= read -r w; do
        w="${w#"${w%%[![:space:]]*}"}"; w="${w%"${w##*[![:space:]]}"}"
        if [ -n "$w" ]; then workflows+=("$w"); fi
      done <<< "$(printf '%s' "${INPUT_RUNS_FROM_WORKFLOWS:-}" | tr ',' '\n')"
      if [ "${#workflows[@]}" -gt 0 ]; then
        args+=(--runs-from-github --last "${INPUT_RUNS_LAST:-5}")
        for w in "${workflows[@]}"; do args+=(--workflow "$w"); done
      fi
      if [ -n "${INPUT_REQUIRE_RUNS:-}" ]; then args+=(--require-runs "$INPUT_REQUIRE_RUNS" --window "${INPUT_RUNS_WINDOW:-30d}"); fi
      ;;
  esac
  echo "::group::mlgate $cmd"
  GITHUB_OUTPUT="$tmp/$cmd.out" "$mlgate" "$cmd" "${args[@]}"
  code=$?
  echo "::endgroup::"
  verdict="error"
  if [ -f "$tmp/$cmd.out" ]; then
    while IFS='=' read -r key value; do
      case "$key" in
        verdict) verdict="$value" ;;
        score) score="$value" ;;
        report-md) [ -z "$first_md" ] && first_md="$value" ;;
        report-html) [ -z "$first_html" ] && first_html="$value" ;;
        results) [ -z "$first_results" ] && first_results="$value" ;;
      esac
    done < "$tmp/$cmd.out"
  fi
  if [ "$code" -gt 1 ]; then verdict="error"; fi
  echo "mlgate $cmd: $verdict (exit $code)"
  if [ -z "$worst_verdict" ] || [ "$(rank "$verdict")" -gt "$(rank "$worst_verdict")" ]; then worst_verdict="$verdict"; fi
  if [ "$code" -gt "$worst_code" ]; then worst_code="$code"; fi
  if [ -f "$dir/results.json" ]; then dirs+=("$cmd=$dir"); fi
done

{
  echo "verdict=$worst_verdict"
  echo "exit-code=$worst_code"
  echo "score=$score"
  echo "report-dir=$out_root"
  echo "report-md=$first_md"
  echo "report-html=$first_html"
  echo "results=$first_results"
  # One "command=folder" per line (folders may hold spaces), in GitHub's multi-line syntax.
  echo "result-dirs<<$delim"
  if [ "${#dirs[@]}" -gt 0 ]; then printf '%s\n' "${dirs[@]}"; fi
  echo "$delim"
} >> "$outputs"
exit 0
