#!/usr/bin/env bash
# Posts one sticky comment per command's results and sets a commit status, for action.yml.
# Comments only on pull_request and workflow_run events; on other events it can still set
# the commit status. A failed post is a warning unless INPUT_REQUIRE_COMMENT is true.
set -uo pipefail

mlgate="${MLGATE_BIN:-mlgate}"
comment="${INPUT_COMMENT:-true}"
status="${INPUT_STATUS:-true}"
case "${GITHUB_EVENT_NAME:-}" in
  pull_request|workflow_run) ;;
  pull_request_target)
    echo "::warning title=mlgate::on pull_request_target never check out the PR's head with a write token; see the README's 'Fork pull requests'" ;;
  *) comment=false ;;
esac
if [ "$comment" != true ] && [ "$status" != true ]; then
  echo "nothing to post (comment and status are off, or this ${GITHUB_EVENT_NAME:-} event has no pull request)"
  exit 0
fi

# One "command=folder" per line; folders may hold spaces.
dirs=()
while IFS= read -r line; do
  if [ -n "$line" ]; then dirs+=("$line"); fi
done <<< "${RESULT_DIRS:-}"
if [ "${#dirs[@]}" -eq 0 ]; then
  echo "::warning title=mlgate::no results to post; the gates did not write results.json"
  exit 0
fi
code=0
for entry in "${dirs[@]}"; do
  cmd="${entry%%=*}"
  dir="${entry#*=}"
  args=(--results "$dir/results.json")
  if [ "${#dirs[@]}" -gt 1 ]; then
    args+=(--key "$cmd" --status-context "mlgate/$cmd")
  fi
  if [ "$comment" != true ]; then args+=(--no-comment); fi
  if [ "$status" != true ]; then args+=(--no-status); fi
  if [ "${INPUT_REQUIRE_COMMENT:-false}" = true ]; then args+=(--strict); fi
  "$mlgate" comment "${args[@]}"
  c=$?
  if [ "$c" -gt "$code" ]; then code=$c; fi
done
exit "$code"
