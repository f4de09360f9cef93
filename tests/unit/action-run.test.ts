/**
 * Issue 25, the Action's gate script (action/run.sh), run with bash in a temporary workspace against a
 * stand-in for the installed bin: "a run that exits 2 before writing reports outputs verdict=PASS, taken
 * from an earlier run's conformance.json in the same workspace, and the step summary says PASS (exit 2)";
 * "`args` is glob-expanded"; "a newline in report-dir injects a line into GITHUB_OUTPUT".
 * (tests/conformance/package.test.ts runs it with the real installed bin.)
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseGithubOutput } from "../support/github-output.js";

const RUN_SH = fileURLToPath(new URL("../../action/run.sh", import.meta.url));

/**
 * The bin's stand-in: records its arguments one per line, then as FAKE_EXIT and FAKE_VERDICT say,
 * writes conformance.json into --report-dir and prints it to stdout (what --json does), or does not.
 */
const FAKE_BIN = `#!/usr/bin/env bash
printf '%s\\n' "$@" > "$FAKE_ARGS"
while [ $# -gt 0 ]; do if [ "$1" = --report-dir ]; then dir="$2"; fi; shift; done
echo "progress for people" >&2
if [ -n "\${FAKE_VERDICT:-}" ]; then
  mkdir -p "$dir"
  printf '{"verdict":{"outcome":"%s"}}\\n' "$FAKE_VERDICT" > "$dir/conformance.json"
  cat "$dir/conformance.json"
fi
if [ -n "\${FAKE_STDOUT:-}" ]; then cat "$FAKE_STDOUT"; fi
exit "\${FAKE_EXIT:-0}"
`;

interface ActionRun {
  code: number | null;
  outputs: Record<string, string>;
  summary: string;
  args: string[];
  log: string;
}

function runAction(workspace: string, env: Record<string, string>): ActionRun {
  const bin = join(workspace, ".tool-bin");
  writeFileSync(bin, FAKE_BIN);
  chmodSync(bin, 0o755);
  const files = {
    GITHUB_OUTPUT: join(workspace, ".output"),
    GITHUB_STEP_SUMMARY: join(workspace, ".summary"),
    FAKE_ARGS: join(workspace, ".args"),
  };
  for (const file of Object.values(files)) writeFileSync(file, "");
  const run = spawnSync("bash", [RUN_SH], {
    cwd: workspace,
    env: { PATH: process.env.PATH, TOOL_BIN: bin, ...files, ...env },
    encoding: "utf8",
  });
  return {
    code: run.status,
    outputs: parseGithubOutput(readFileSync(files.GITHUB_OUTPUT, "utf8")),
    summary: readFileSync(files.GITHUB_STEP_SUMMARY, "utf8"),
    args: readFileSync(files.FAKE_ARGS, "utf8").split("\n").slice(0, -1),
    log: run.stdout + run.stderr,
  };
}

const workspace = () => mkdtempSync(join(tmpdir(), "action-run-"));

describe("issue 25: the Action's outputs come only from the report this run wrote", () => {
  it("a run that exits 2 before writing reports: verdict NONE, no report, and the summary says no PASS", () => {
    const dir = workspace();
    mkdirSync(join(dir, "conformance-reports"));
    writeFileSync(join(dir, "conformance-reports", "conformance.json"), '{"verdict":{"outcome":"PASS"}}\n'); // an earlier run's
    const run = runAction(dir, { FAKE_EXIT: "2" });
    expect(run.code).toBe(2);
    expect(run.outputs).toEqual({ "exit-code": "2", verdict: "NONE" });
    expect(run.summary).not.toContain("PASS");
    expect(run.summary).toBe("Tenant API conformance: **ERROR** (exit 2: the run could not be made); no report was written\n");
    expect(run.log).toContain("progress for people");
  });

  it("a run that wrote its report: its verdict and path", () => {
    const run = runAction(workspace(), { FAKE_VERDICT: "FAIL", FAKE_EXIT: "1", REPORT_DIR: "out" });
    expect(run.outputs).toEqual({ "exit-code": "1", verdict: "FAIL", report: "out/conformance.json" });
    expect(run.summary).toBe("Tenant API conformance: **FAIL** (exit 1: findings fail the gate); reports in `out`\n");
    expect(run.args).toEqual(["conformance", "--no-color", "--json", "--report-dir", "out"]);
  });

  it("never says PASS beside a non-zero exit, even when the report's verdict is PASS", () => {
    const run = runAction(workspace(), { FAKE_VERDICT: "PASS", FAKE_EXIT: "3" });
    expect(run.code).toBe(3);
    expect(run.summary).not.toContain("PASS");
    expect(run.summary).toContain("**ORG NOT RESTORED** (exit 3");
    expect(run.outputs["exit-code"]).toBe("3");
  });

  it("stdout that is not a report (--help) goes to the log, and gives no verdict or report", () => {
    const dir = workspace();
    writeFileSync(join(dir, ".tool-bin-stdout"), "Usage: npx tenant-api-conformance conformance [options]\n");
    const run = runAction(dir, { FAKE_STDOUT: join(dir, ".tool-bin-stdout") });
    expect(run.outputs).toEqual({ "exit-code": "0", verdict: "NONE" });
    expect(run.log).toContain("Usage: npx tenant-api-conformance conformance [options]");
  });
});

describe("issue 25: args are split, never glob-expanded", () => {
  it("a `*` stays `*`, and a workspace file named --read-only does not become a flag", () => {
    const dir = workspace();
    writeFileSync(join(dir, "--read-only"), "");
    const run = runAction(dir, { CONFORMANCE_ARGS: "--fail-on new  --checks *\n--runs 5" });
    expect(run.args.slice(5)).toEqual(["--fail-on", "new", "--checks", "*", "--runs", "5"]);
    expect(run.args).not.toContain("--read-only");
  });
});

describe("issue 25: outputs are safe for multi-line values", () => {
  it("a newline in report-dir cannot inject an output line", () => {
    const reportDir = "reports\nverdict=PASS";
    const run = runAction(workspace(), { FAKE_VERDICT: "FAIL", FAKE_EXIT: "1", REPORT_DIR: reportDir });
    expect(run.outputs).toEqual({ "exit-code": "1", verdict: "FAIL", report: `${reportDir}/conformance.json` });
  });
});
