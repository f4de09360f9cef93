#!/usr/bin/env bash
# The action's gate: runs the installed bin with the TENANT_API_* variables action.yml sets from its
# inputs, then hands back the verdict as step outputs and a line in the job summary. The exit code is
# the gate's (0 pass, 1 findings, 2 could not run, 3 org not restored), so the step fails with it.
#   TOOL_BIN             the installed bin (action/install.sh)
#   REPORT_DIR           where the reports go
#   CONFORMANCE_ARGS     more flags, split on spaces (e.g. "--read-only --fail-on new")
#   GITHUB_OUTPUT, GITHUB_STEP_SUMMARY  optional: set by GitHub Actions
set -uo pipefail
: "${TOOL_BIN:?the installed tenant-api-conformance bin}" "${REPORT_DIR:=conformance-reports}"
# An input left empty is an unset variable: no TENANT_API_* at all means the embedded provider.
for name in $(compgen -e | grep '^TENANT_API_' || true); do
  if [ -z "${!name}" ]; then unset "$name"; fi
done
# shellcheck disable=SC2086 # the extra flags are meant to be split
"$TOOL_BIN" conformance --no-color --report-dir "$REPORT_DIR" ${CONFORMANCE_ARGS:-}
code=$?
report="$REPORT_DIR/conformance.json"
verdict="NONE"
if [ -f "$report" ]; then
  verdict="$(node -e 'console.log(JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8")).verdict.outcome)' "$report")"
fi
if [ -n "${GITHUB_OUTPUT:-}" ]; then
  { echo "exit-code=$code"; echo "verdict=$verdict"; echo "report=$report"; } >> "$GITHUB_OUTPUT"
fi
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  echo "Tenant API conformance: **$verdict** (exit $code); reports in \`$REPORT_DIR\`" >> "$GITHUB_STEP_SUMMARY"
fi
exit "$code"
