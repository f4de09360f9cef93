#!/usr/bin/env bash
# The action's gate: runs the installed bin with the TENANT_API_* variables action.yml sets from its
# inputs, then hands back the verdict as step outputs and a line in the job summary. The exit code is
# the gate's (0 pass, 1 findings, 2 could not run, 3 org not restored), so the step fails with it.
#   TOOL_BIN             the installed bin (action/install.sh)
#   REPORT_DIR           where the reports go
#   CONFORMANCE_ARGS     more flags, split on blanks and newlines only: no globbing, no quotes
#                        (e.g. "--read-only --fail-on new"); a `*` stays `*`
#   GITHUB_OUTPUT, GITHUB_STEP_SUMMARY  optional: set by GitHub Actions
set -uo pipefail
: "${TOOL_BIN:?the installed tenant-api-conformance bin}" "${REPORT_DIR:=conformance-reports}"
# An input left empty is an unset variable: no TENANT_API_* at all means the embedded provider.
for name in $(compgen -e | grep '^TENANT_API_' || true); do
  if [ -z "${!name}" ]; then unset "$name"; fi
done
# Word splitting without pathname expansion: a `*` in args, or a workspace file named `--read-only`,
# must never turn into flags the user did not write.
set -f
# shellcheck disable=SC2206 # split on purpose, globbing is off
extra=(${CONFORMANCE_ARGS:-})
set +f
# --json: the gate prints the conformance.json it has just written to stdout, and nothing else there,
# so the outputs come only from this run's report: an earlier run's file in the report directory never
# speaks for a run that wrote none. What people read (stderr) goes to the log as before.
document="$(mktemp)"
trap 'rm -f "$document"' EXIT
"$TOOL_BIN" conformance --no-color --json --report-dir "$REPORT_DIR" ${extra[@]+"${extra[@]}"} 2>&1 >"$document"
code=$?
verdict="NONE"
report=""
read_verdict='const v = JSON.parse(require("node:fs").readFileSync(0, "utf8")).verdict?.outcome;
if (!["PASS", "FAIL", "INCOMPLETE"].includes(v)) process.exit(1);
console.log(v);'
if [ -s "$document" ] && verdict="$(node -e "$read_verdict" <"$document" 2>/dev/null)"; then
  report="$REPORT_DIR/conformance.json"
else
  verdict="NONE"
  cat "$document" # not a report (--help, --list-checks): it belongs in the log
fi

# GitHub's multi-line form with a delimiter nobody can guess, so a newline in a value (a report-dir
# input) cannot add an output line of its own.
output() {
  local delimiter
  delimiter="ghadelimiter_$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
  printf '%s<<%s\n%s\n%s\n' "$1" "$delimiter" "$2" "$delimiter"
}

# The summary's word follows the exit code, so it never says PASS beside a failed step.
headline() {
  case "$code" in
    0) echo "$verdict" ;;
    3) echo "ORG NOT RESTORED" ;;
    1) if [ "$verdict" = INCOMPLETE ]; then echo INCOMPLETE; else echo FAIL; fi ;;
    *) if [ "$verdict" = INCOMPLETE ]; then echo INCOMPLETE; else echo ERROR; fi ;;
  esac
}

meaning() {
  case "$code" in
    0) echo "the gate passes" ;;
    1) echo "findings fail the gate" ;;
    2) echo "the run could not be made" ;;
    3) echo "the organization was not restored: see the log" ;;
    *) echo "ended abnormally" ;;
  esac
}

if [ -n "${GITHUB_OUTPUT:-}" ]; then
  { output exit-code "$code"; output verdict "$verdict"; if [ -n "$report" ]; then output report "$report"; fi; } >>"$GITHUB_OUTPUT"
fi
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  where="no report was written"
  if [ -n "$report" ]; then where="reports in \`${REPORT_DIR//$'\n'/ }\`"; fi
  echo "Tenant API conformance: **$(headline)** (exit $code: $(meaning)); $where" >>"$GITHUB_STEP_SUMMARY"
fi
exit "$code"
