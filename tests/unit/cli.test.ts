/**
 * The commands as functions, in process: every one answers --help, refuses an unknown flag in one
 * line, and says what a number flag expected; the conformance gate's check selection, header and
 * progress line. (The spawned tests in tests/conformance/ and tests/provider/ cover the launcher.)
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { COMMANDS } from "../../src/cli/commands.js";
import { USAGE as CONFORMANCE_USAGE } from "../../src/cli/conformance-usage.js";
import { systemClock } from "../../src/cli/io.js";
import { launch } from "../../src/cli/launch.js";
import { ENV, SETTINGS_FLAGS } from "../../src/config/settings.js";
import { catalog } from "../../src/conformance/catalog.js";
import { EVERY_RESPONSE_RULES } from "../../src/conformance/runner.js";
import { type ProviderHandle, startProvider } from "../../src/provider/server.js";
import { memoryIo, steppingClock } from "../support/cli-io.js";
import { slowProxy } from "../support/slow-proxy.js";

const providers: ProviderHandle[] = [];
afterEach(async () => {
  await Promise.all(providers.splice(0).map((p) => p.close()));
});

const tempDir = () => mkdtempSync(join(tmpdir(), "cli-"));

/** A reference provider that calls `onRequest` before answering each request. */
async function provider(onRequest: () => void = () => {}): Promise<ProviderHandle> {
  const handle = await startProvider({
    intercept: () => {
      onRequest();
      return false;
    },
  });
  providers.push(handle);
  return handle;
}

/** A live target; the state directory (lock, journal) is a fresh one, never the user's own. */
function liveEnv(target: ProviderHandle): NodeJS.ProcessEnv {
  return {
    TENANT_API_BASE_URL: target.baseUrl,
    TENANT_API_TOKEN: target.tokens.owner,
    TENANT_API_ORG_ID: target.orgs.editable,
    TENANT_API_STATE_DIR: tempDir(),
  };
}

/** A flag each command takes, so its usage can be shown to list it. */
const A_FLAG: Record<string, string> = {
  conformance: "--report-dir",
  provider: "--port",
  "spec:build": "--out",
  "spec:types": "--out",
  "contracts:check": "--help",
  "contracts:verify": "--provider-base-url",
  "contracts:publish": "PACT_BROKER_BASE_URL",
  "contracts:can-i-deploy": "--to-environment",
  "contracts:record-deployment": "--environment",
  "contracts:publish-provider-contract": "--report",
};

describe("every command", () => {
  // Issue 25: `exec`, so the gate is the process npm's shell becomes, and npm's relay of SIGTERM and
  // SIGINT reaches it (tests/conformance/signals.test.ts sends them to npm alone).
  it("has one launcher entry per npm script that calls it, exec'd by npm's shell", () => {
    const scripts = JSON.parse(readFileSync("package.json", "utf8")).scripts as Record<string, string>;
    const launched = Object.entries(scripts).filter(([, line]) => line.includes("src/cli/main.ts"));
    expect(Object.fromEntries(launched)).toEqual(
      Object.fromEntries(Object.keys(COMMANDS).map((name) => [name, `exec node --import tsx src/cli/main.ts ${name}`])),
    );
    expect(Object.keys(A_FLAG).sort()).toEqual(Object.keys(COMMANDS).sort());
  });

  it.each(Object.keys(COMMANDS))("%s answers --help and -h with its usage, exit 0", async (name) => {
    for (const flag of ["--help", "-h"]) {
      const cli = memoryIo();
      expect(await launch([name, flag], {}, cli.io)).toBe(0);
      expect(cli.stdout()).toMatch(/^Usage: npm run /);
      expect(cli.stdout()).toContain(A_FLAG[name]);
      expect(cli.stdout()).toMatch(/Exit codes: 0/);
      expect(cli.stderr()).toBe("");
    }
  });

  it.each(Object.keys(COMMANDS))("%s refuses an unknown flag in one line that points to --help, exit 2", async (name) => {
    const cli = memoryIo();
    expect(await launch([name, "--frobnicate"], {}, cli.io)).toBe(2);
    expect(cli.stderr()).toBe(`${name}: CONFIG_INVALID: unknown option --frobnicate; see --help\n`);
  });

  it("the launcher names the commands for an unknown one and lists them under --help", async () => {
    const unknown = memoryIo();
    expect(await launch(["conformanse"], {}, unknown.io)).toBe(2);
    expect(unknown.stderr()).toMatch(/^unknown command "conformanse": one of conformance, provider, .* \(see --help\)\n$/);
    const help = memoryIo();
    expect(await launch(["--help"], {}, help.io)).toBe(0);
    for (const name of Object.keys(COMMANDS)) expect(help.stdout()).toContain(`  ${name} `);
  });

  it("an error escaping a command is one line, redacted and escaped, exit 2", async () => {
    const token = "nc-at-secret-token-0123456789";
    const crash = async () => {
      throw new Error(`boom with ${token}\u001b[2J\n    at somewhere (file.ts:1:1)`);
    };
    const cli = memoryIo();
    expect(await launch(["crash"], { TENANT_API_TOKEN: token }, cli.io, { crash: { run: crash } })).toBe(2);
    expect(cli.stderr()).toBe("crash: internal error: Error: boom with [REDACTED]\\e[2J\n");
  });

  it("the conformance usage names every TENANT_API_* variable the settings read", () => {
    for (const name of Object.values(ENV)) expect(CONFORMANCE_USAGE).toContain(name);
  });

  it("the conformance usage names every flag the settings read", () => {
    for (const name of Object.keys(SETTINGS_FLAGS)) expect(CONFORMANCE_USAGE).toContain(`--${name} `);
  });

  it("an unknown conformance flag names the closest one", async () => {
    const cli = memoryIo();
    expect(await launch(["conformance", "--max-respons-ms", "5"], {}, cli.io)).toBe(2);
    expect(cli.stderr()).toBe(
      "conformance: CONFIG_INVALID: unknown option --max-respons-ms (did you mean --max-response-ms?); see --help\n",
    );
  });
});

describe("number flags say what they expected", () => {
  it.each([
    [["conformance", "--runs", "-5"], 'conformance: CONFIG_INVALID: --runs must be a positive integer, got "-5"'],
    [["conformance", "--runs", "0"], 'conformance: CONFIG_INVALID: --runs must be a positive integer, got "0"'],
    [["conformance", "--runs=2.5"], 'conformance: CONFIG_INVALID: --runs must be a positive integer, got "2.5"'],
    [["conformance", "--seed", "-1"], 'conformance: CONFIG_INVALID: --seed must be a non-negative integer, got "-1"'],
    [["conformance", "--timeout-ms", "soon"], 'conformance: CONFIG_INVALID: --timeout-ms must be an integer of at least 100, got "soon"'],
    [["conformance", "--lock-wait-ms", "1e3"], 'conformance: CONFIG_INVALID: --lock-wait-ms must be a non-negative integer, got "1e3"'],
    [["conformance", "--runs", "100001"], 'conformance: CONFIG_INVALID: --runs must be at most 100000, got "100001"'],
    [["provider", "--port", "-1"], 'provider: CONFIG_INVALID: --port must be a non-negative integer, got "-1"'],
    [["provider", "--port", "65536"], 'provider: CONFIG_INVALID: --port must be at most 65535, got "65536"'],
    [["conformance", "--runs"], "conformance: CONFIG_INVALID: option '--runs <value>' argument missing; see --help"],
  ])("%j", async (argv, line) => {
    const cli = memoryIo({ cwd: tempDir() });
    expect(await launch(argv, {}, cli.io)).toBe(2);
    expect(cli.stderr()).toBe(`${line}\n`);
  });
});

describe("conformance check selection", () => {
  it("--list-checks lists every check with its phase and operation, exit 0, without a request", async () => {
    let requests = 0;
    const target = await provider(() => (requests += 1));
    const cli = memoryIo({ cwd: tempDir() });
    expect(await launch(["conformance", "--list-checks"], liveEnv(target), cli.io)).toBe(0);
    const lines = cli.stdout().trimEnd().split("\n");
    expect(lines).toHaveLength(catalog.length + 1);
    for (const [index, check] of catalog.entries()) {
      expect(lines[index]?.split(/\s+/).slice(0, 3)).toEqual([check.id, check.phase, check.operationId]);
      expect(lines[index]).toContain(check.title);
    }
    expect(requests).toBe(0);
  });

  it("--list-checks with --exclude-checks lists what is left", async () => {
    const cli = memoryIo();
    const first = catalog[0]?.id ?? "";
    expect(await launch(["conformance", "--list-checks", `--exclude-checks=${first}`], {}, cli.io)).toBe(0);
    expect(cli.stdout()).not.toMatch(new RegExp(`^${first} `, "m"));
    expect(cli.stdout()).toContain(`${catalog.length - 1} checks`);
  });

  it.each([
    [["--checks", "list-owner-20"], '--checks: unknown check "list-owner-20" (did you mean "list-owner-200"?)'],
    [["--exclude-checks", "get-unknown-id-40"], '--exclude-checks: unknown check "get-unknown-id-40" (did you mean "get-unknown-id-404"?)'],
    [["--checks", "list-owner-200", "--exclude-checks", "list-owner-200"], "--checks and --exclude-checks leave no check to run"],
    [["--checks"], "--checks needs a comma-separated list of check ids"],
  ])("%j is exit 2 before any request", async (argv, message) => {
    let requests = 0;
    const target = await provider(() => (requests += 1));
    const cli = memoryIo({ cwd: tempDir() });
    expect(await launch(["conformance", ...argv], liveEnv(target), cli.io)).toBe(2);
    expect(cli.stderr()).toContain(`conformance: CONFIG_INVALID: ${message}`);
    expect(cli.stderr().trim().split("\n")).toHaveLength(1);
    expect(requests).toBe(0);
  });

  it("--checks runs exactly those checks, and the header prints before the first request", async () => {
    let atFirstRequest: string | undefined;
    const cli = memoryIo({ cwd: tempDir() });
    const target = await provider(() => {
      atFirstRequest ??= cli.stdout();
    });
    const dir = tempDir();
    const argv = ["conformance", "--checks", "get-own-200-equals-list-entry,list-owner-200", "--seed", "7", "--report-dir", dir];
    expect(await launch(argv, liveEnv(target), cli.io)).toBe(0);
    expect(atFirstRequest).toBe(
      `Running 2 of ${catalog.length} checks (--checks get-own-200-equals-list-entry,list-owner-200) (+ ${EVERY_RESPONSE_RULES.length} every-response rules = ${2 + EVERY_RESPONSE_RULES.length} results) against ${target.baseUrl} (live target); seed 7 (replay with --seed 7); read-only: mutations are not allowed (set TENANT_API_ALLOW_MUTATIONS=1 to run PATCH checks); no check will be skipped for want of a persona, of leave to write or of requests in flight\n`,
    );
    const report = JSON.parse(readFileSync(join(dir, "conformance.json"), "utf8")) as { checks: { id: string }[] };
    const everyResponse = EVERY_RESPONSE_RULES.map((rule) => rule.id);
    expect(report.checks.map((check) => check.id)).toEqual(["list-owner-200", "get-own-200-equals-list-entry", ...everyResponse]);
  });

  // issue 26: "Running 93 checks", then "103 passed" (104 with --max-response-ms) and junit tests="104".
  it("counts the same results in the header, the summary, JUnit and conformance.json, and names what they are", async () => {
    const dir = tempDir();
    const cli = memoryIo({ cwd: tempDir() });
    const argv = ["conformance", "--checks", "list-owner-200,patch-empty-body", "--max-response-ms", "600000", "--report-dir", dir];
    expect(await launch(argv, {}, cli.io)).toBe(0);
    const rules = EVERY_RESPONSE_RULES.length + 1; // + response-time, with --max-response-ms
    const total = 2 + rules + 1;
    const [header = ""] = cli.stdout().split("\n");
    expect(header).toContain(
      `Running 2 of ${catalog.length} checks (--checks list-owner-200,patch-empty-body) (+ ${rules} every-response rules + the restore = ${total} results) against`,
    );
    expect(cli.stdout()).toContain(
      `\n${total} results (2 checks + ${rules} every-response rules + the restore): ${total} passed, 0 failed, 0 skipped, 0 errors;`,
    );
    const report = JSON.parse(readFileSync(join(dir, "conformance.json"), "utf8")) as { summary: { pass: number; results: object } };
    expect(report.summary).toMatchObject({ pass: total, results: { checks: 2, everyResponseRules: rules, restore: 1, total } });
    const junit = readFileSync(join(dir, "junit.xml"), "utf8");
    expect(junit).toContain(`<testsuites name="tenant-api-conformance" tests="${total + 1}"`);
    expect(junit).toContain(
      `<property name="results" value="${total} results (2 checks + ${rules} every-response rules + the restore); tests counts the verdict too"/>`,
    );
  });

  it("--exclude-checks runs every check but those", async () => {
    const dir = tempDir();
    const excluded = catalog.filter((check) => check.phase === "write").map((check) => check.id);
    const cli = memoryIo({ cwd: tempDir() });
    expect(await launch(["conformance", "--exclude-checks", excluded.join(","), "--report-dir", dir], {}, cli.io)).toBe(0);
    expect(cli.stdout()).toContain("writes allowed, but no write check is selected");
    const report = JSON.parse(readFileSync(join(dir, "conformance.json"), "utf8")) as { checks: { id: string }[] };
    const selected = catalog.filter((c) => c.phase !== "write").map((c) => c.id);
    expect(report.checks.map((check) => check.id)).toEqual([...selected, ...EVERY_RESPONSE_RULES.map((rule) => rule.id)]);
  });
});

describe("conformance progress", () => {
  const readChecks = catalog.filter((check) => check.phase === "read").map((check) => check.id);
  const argv = (dir: string) => ["conformance", "--checks", readChecks.join(","), "--report-dir", dir];

  it("without a terminal, a progress line of its own once the clock has moved 9 s since the last", async () => {
    // every reading of the fake clock is 5 s later: a line at most every other event, never one per event
    const cli = memoryIo({ cwd: tempDir(), isTTY: false, clock: steppingClock(5_000) });
    expect(await launch(argv(tempDir()), {}, cli.io)).toBe(0);
    const lines = cli.stdout().split("\n");
    const progress = lines.filter((line) => line.startsWith("progress: "));
    expect(progress.length).toBeGreaterThan(2);
    for (const line of progress)
      expect(line).toMatch(new RegExp(`^progress: \\d+/${readChecks.length} checks done, \\d+ requests, \\d+\\.\\d s$`));
    expect(lines[0]).toMatch(/^Running \d+ of \d+ checks \(--checks [^)]*\) \(\+ \d+ every-response rules = \d+ results\) against/);
    expect(lines.findIndex((line) => line.startsWith("Tenant API conformance"))).toBeGreaterThan(lines.indexOf(progress.at(-1) ?? ""));
    expect(cli.stdout()).not.toContain("\r");
  });

  it("without a terminal and a clock that stands still, no progress line at all", async () => {
    const cli = memoryIo({ cwd: tempDir(), isTTY: false, clock: steppingClock(0) });
    expect(await launch(argv(tempDir()), {}, cli.io)).toBe(0);
    expect(cli.stdout()).not.toContain("progress: ");
  });

  it("on a terminal, one line redrawn in place and erased before the summary", async () => {
    const cli = memoryIo({ cwd: tempDir(), isTTY: true, clock: steppingClock(200) });
    expect(await launch(argv(tempDir()), {}, cli.io)).toBe(0);
    const out = cli.stdout();
    const erase = "\r\u001b[2K";
    const redraws = out.split(erase).filter((part) => part.startsWith("progress: "));
    expect(redraws.length).toBeGreaterThan(5);
    for (const redraw of redraws) expect(redraw).toMatch(/^progress: \d+\/\d+ checks done, \d+ requests, \d+\.\d s$/);
    expect(redraws.at(-1)).toContain(`${readChecks.length}/${readChecks.length} checks done`);
    expect(out).toContain(`${erase}Tenant API conformance against`);
  });
});

describe("conformance against a 150 ms API", () => {
  it("shows progress on a terminal with the real clock (each answer takes longer than a redraw interval)", async () => {
    const target = await provider();
    const proxy = await slowProxy(target.baseUrl, 150);
    try {
      const cli = memoryIo({ cwd: tempDir(), isTTY: true, clock: systemClock });
      const env = { ...liveEnv(target), TENANT_API_BASE_URL: proxy.baseUrl };
      const argv = [
        "conformance",
        "--checks",
        "list-owner-200,get-own-200-equals-list-entry,get-unknown-id-404",
        "--report-dir",
        tempDir(),
      ];
      expect(await launch(argv, env, cli.io)).toBe(0);
      const redraws = cli
        .stdout()
        .split("\r\u001b[2K")
        .filter((part) => part.startsWith("progress: "));
      expect(redraws.length).toBeGreaterThan(0);
      expect(redraws.at(-1)).toMatch(/^progress: [0-3]\/3 checks done, [1-9]\d* requests, \d+\.\d s$/);
    } finally {
      await proxy.close();
    }
  });
});

describe("provider", () => {
  it("serves until stopped and prints one JSON line with --json", async () => {
    const stop = new AbortController();
    const cli = memoryIo({ stop: stop.signal });
    const running = launch(["provider", "--json"], {}, cli.io);
    await expect.poll(() => cli.stdout()).toMatch(/\n$/);
    const info = JSON.parse(cli.stdout()) as { baseUrl: string; tokens: { owner: string } };
    const answer = await fetch(`${info.baseUrl}/api/v1/orgs`, { headers: { authorization: `Bearer ${info.tokens.owner}` } });
    expect(answer.status).toBe(200);
    stop.abort();
    expect(await running).toBe(0);
  });
});
