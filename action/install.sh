#!/usr/bin/env bash
# Installs the tool as a team gets it: this checkout packed (npm pack builds dist/ in prepack), then
# the tarball installed with production dependencies only into TOOL_DIR. Used by action.yml and by
# the Dockerfile; tests/conformance/package.test.ts runs it as they do.
#   GITHUB_ACTION_PATH  this repository's checkout (the action's own files)
#   TOOL_DIR            where to install (gets node_modules/.bin/tenant-api-conformance)
#   GITHUB_OUTPUT       optional: receives bin=<path of the installed bin>
set -euo pipefail
: "${GITHUB_ACTION_PATH:?the checkout of this repository}" "${TOOL_DIR:?where to install the tool}"
mkdir -p "$TOOL_DIR"
cd "$GITHUB_ACTION_PATH"
# npm pack builds with TypeScript, a dev dependency: a fresh checkout needs them once.
[ -x node_modules/.bin/tsc ] || npm ci --no-audit --no-fund
tarball="$(npm pack --silent --pack-destination "$TOOL_DIR" | tail -n 1)"
cd "$TOOL_DIR"
# A package.json of its own, so npm installs here rather than into a project further up.
[ -f package.json ] || echo '{ "private": true }' > package.json
npm install --omit=dev --no-audit --no-fund "./$tarball"
rm -f "./$tarball"
bin="$TOOL_DIR/node_modules/.bin/tenant-api-conformance"
"$bin" --version
if [ -n "${GITHUB_OUTPUT:-}" ]; then echo "bin=$bin" >> "$GITHUB_OUTPUT"; fi
