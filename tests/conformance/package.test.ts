/**
 * Issue 19, done when "`npm pack`, installed in an empty folder with `--omit=dev`, runs `npx <bin>
 * --version` and the gate against the embedded provider". The install is action/install.sh, the very
 * script the GitHub Action (action.yml) and the Dockerfile run; then the action's gate script, the bin
 * and the programmatic API run from the installed folder, never from this checkout. Slow (a pack, a
 * build and an npm install from the warm cache): one install serves every test of the file.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { parseGithubOutput } from "../support/github-output.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const VERSION = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }).version;
const BIN = "node_modules/.bin/tenant-api-conformance";
const INSTALL_MS = 15 * 60_000;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment of a CI job: none of the developer's TENANT_API_* variables, npm from its warm cache. */
function jobEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("TENANT_API_")));
  return { ...env, npm_config_prefer_offline: "true", npm_config_update_notifier: "false", ...extra };
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

const work = mkdtempSync(join(tmpdir(), "package-"));
const toolDir = join(work, "tool");
let install: Run;

beforeAll(async () => {
  const started = performance.now();
  const env = jobEnv({ GITHUB_ACTION_PATH: ROOT, TOOL_DIR: toolDir, GITHUB_OUTPUT: join(work, "install-output") });
  install = await run("bash", [join(ROOT, "action/install.sh")], work, env);
  // Reported, never asserted: the integrator wants to know what the install costs.
  console.info(`package.test: pack + install --omit=dev took ${((performance.now() - started) / 1000).toFixed(1)} s`);
}, INSTALL_MS);

describe("the packed tarball installed with production dependencies only", () => {
  it("installs, and the installed tree has the bin but none of the dev tools", () => {
    expect(install.stderr).not.toMatch(/npm error/);
    expect(install.code).toBe(0);
    expect(install.stdout.trim().split("\n").at(-1)).toBe(VERSION);
    expect(readFileSync(join(work, "install-output"), "utf8")).toBe(`bin=${join(toolDir, BIN)}\n`);
    const modules = join(toolDir, "node_modules");
    expect(existsSync(join(modules, "tenant-api-conformance/dist/cli/main.js"))).toBe(true);
    for (const dev of ["openapi-typescript", "typescript", "tsx", "vitest", "vite", "@biomejs/biome", "@stryker-mutator/core"]) {
      expect(existsSync(join(modules, dev)), dev).toBe(false);
    }
  });

  it("npx <bin> --version prints the package's version", async () => {
    const version = await run("npx", ["--no-install", "tenant-api-conformance", "--version"], toolDir, jobEnv());
    expect(version).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: "" });
  }, 120_000);

  it("every usage and replay line it prints is written as the installed user types it, never as the repository's npm scripts", async () => {
    const launcher = await run("npx", ["--no-install", "tenant-api-conformance", "--help"], toolDir, jobEnv());
    expect(launcher.stdout.split("\n")[0]).toBe("Usage: npx tenant-api-conformance <command> [options]");
    const gateHelp = await run("npx", ["--no-install", "tenant-api-conformance", "conformance", "--help"], toolDir, jobEnv());
    expect(gateHelp.stdout.split("\n")[0]).toBe("Usage: npx tenant-api-conformance conformance [options]");
    const providerHelp = await run("npx", ["--no-install", "tenant-api-conformance", "provider", "--help"], toolDir, jobEnv());
    expect(providerHelp.stdout.split("\n")[0]).toBe("Usage: npx tenant-api-conformance provider [--json] [--port N]");
    const gate = await run(
      "npx",
      ["--no-install", "tenant-api-conformance", "conformance", "--runs", "20", "--report-dir", join(work, "typed-reports")],
      toolDir,
      jobEnv(),
    );
    expect(gate.code).toBe(0);
    expect(gate.stdout).toContain("(replay: npx tenant-api-conformance conformance --seed ");
    for (const output of [launcher, gateHelp, providerHelp, gate]) {
      expect(output.stdout).not.toMatch(/npm run|src\/cli\/main\.ts/);
    }
  }, 120_000);

  it("the action's gate script runs the bin against the embedded provider: exit 0, PASS, outputs and summary", async () => {
    const outputs = join(work, "gate-output");
    const summary = join(work, "summary.md");
    const reportDir = join(work, "reports");
    const env = jobEnv({
      TOOL_BIN: join(toolDir, BIN),
      REPORT_DIR: reportDir,
      CONFORMANCE_ARGS: "--runs 20",
      GITHUB_OUTPUT: outputs,
      GITHUB_STEP_SUMMARY: summary,
      // what action.yml sets from inputs left empty: the embedded provider
      TENANT_API_BASE_URL: "",
      TENANT_API_TOKEN: "",
    });
    const gate = await run("bash", [join(ROOT, "action/run.sh")], work, env);
    expect(gate.stderr).toBe("");
    expect(gate.code).toBe(0);
    expect(gate.stdout).toContain("Verdict: PASS — embedded reference provider: no deployed API was tested");
    expect(gate.stdout).toContain("Replay: npx tenant-api-conformance conformance --seed ");
    // Issue 25: outputs in GitHub's delimiter form (tests/unit/action-run.test.ts).
    expect(parseGithubOutput(readFileSync(outputs, "utf8"))).toEqual({
      "exit-code": "0",
      verdict: "PASS",
      report: `${reportDir}/conformance.json`,
    });
    expect(readFileSync(summary, "utf8")).toContain("Tenant API conformance: **PASS** (exit 0");
  }, 300_000);

  it("the programmatic API, imported by name from a script, returns the run's verdict and document", async () => {
    const script = `import { runConformance } from "tenant-api-conformance";
const result = await runConformance({ args: ["--runs", "20", "--report-dir", "api-reports"], env: {} });
console.log(JSON.stringify({ exitCode: result.exitCode, verdict: result.verdict?.outcome, formatVersion: result.report?.formatVersion }));`;
    const api = await run("node", ["--input-type=module", "-e", script], toolDir, jobEnv());
    expect(api.stderr).toBe("");
    expect(JSON.parse(api.stdout)).toEqual({ exitCode: 0, verdict: "PASS", formatVersion: 2 });
  }, 300_000);
});

describe("the Dockerfile", () => {
  const dockerfile = readFileSync(join(ROOT, "Dockerfile"), "utf8");

  it("installs with the script tested above, on node:20-slim, and its entry point is the installed bin", () => {
    expect(dockerfile).toMatch(/^FROM node:20-slim AS build$/m);
    expect(dockerfile).toMatch(/^RUN GITHUB_ACTION_PATH=\/src TOOL_DIR=\/opt\/tenant-api-conformance bash \/src\/action\/install\.sh$/m);
    expect(dockerfile).toContain(`ENTRYPOINT ["/opt/tenant-api-conformance/${BIN}"]`);
  });

  it("its default command is one the installed bin runs to a verdict", async () => {
    const cmd = JSON.parse(/^CMD (.+)$/m.exec(dockerfile)?.[1] ?? "[]") as string[];
    expect(cmd[0]).toBe("conformance");
    const image = await run(
      join(toolDir, BIN),
      [...cmd, "--json", "--runs", "20", "--report-dir", join(work, "docker-reports")],
      work,
      jobEnv(),
    );
    expect(image.code).toBe(0);
    expect((JSON.parse(image.stdout) as { verdict: { outcome: string } }).verdict.outcome).toBe("PASS");
  }, 300_000);
});
