/**
 * Issue 25: "`runConformance()` keeps every promise the bin keeps": "Ctrl-C or SIGTERM of a script
 * awaiting it kills the process, leaving the org changed and the journal and lock behind"; "a `log`
 * that throws turns an exit-3 run into a rejected promise, and no reports are written"; "`cwd` is
 * ignored for relative paths, and a `cwd` that does not exist is accepted"; "bad option types give
 * TypeError: env[name]?.trim…". In process, as a script calls it.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { journalEntry, writeJournal } from "../../src/conformance/safety/journal.js";
import { targetFiles } from "../../src/conformance/safety/target-files.js";
import { type ConformanceOptions, runConformance } from "../../src/index.js";
import { type ProviderHandle, startProvider } from "../../src/provider/server.js";
import { freshStateDir } from "../support/cli.js";
import { type SlowProxy, slowProxy } from "../support/slow-proxy.js";

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

const tempDir = () => mkdtempSync(join(tmpdir(), "run-conformance-"));
const READ_CHECKS = ["--checks", "list-owner-200,get-own-200-equals-list-entry"];
const WRITES = ["--checks", "patch-generated-bodies", "--runs", "20"];

/** A live target behind a proxy that holds each request 50 ms, and a way to act at the first write. */
async function liveTarget(): Promise<{ provider: ProviderHandle; proxy: SlowProxy; env: Record<string, string>; org(): unknown }> {
  const provider = await startProvider();
  closers.push(() => provider.close());
  const proxy = await slowProxy(provider.baseUrl, 50);
  closers.push(() => proxy.close());
  const env = {
    TENANT_API_BASE_URL: proxy.baseUrl,
    TENANT_API_TOKEN: provider.tokens.owner,
    TENANT_API_ORG_ID: provider.orgs.editable,
    TENANT_API_MEMBER_TOKEN: provider.tokens.member,
    TENANT_API_ALLOW_MUTATIONS: "1",
    TENANT_API_STATE_DIR: freshStateDir(),
  };
  return { provider, proxy, env, org: () => structuredClone(provider.state.organizations.get(provider.orgs.editable)) };
}

// The process's own SIGINT and SIGTERM: tests/conformance/run-conformance-signals.test.ts (a script in a
// process of its own; this project's workers are threads, which signals never reach).
describe("issue 25: runConformance stops as the bin does, restoring first", () => {
  it("an aborted AbortSignal: the org restored, the reports written, exit 2, nothing left in the state directory", async () => {
    const t = await liveTarget();
    const before = t.org();
    const controller = new AbortController();
    t.proxy.onArrival = (arrival) => {
      if (arrival.body.includes("generated-body baseline")) controller.abort();
    };
    let log = "";
    const dir = tempDir();
    const result = await runConformance({
      args: [...WRITES, "--report-dir", dir],
      env: t.env,
      cwd: tempDir(),
      signal: controller.signal,
      log: { write: (text: string) => (log += text) },
    });
    expect(controller.signal.aborted).toBe(true);
    expect(result.exitCode, log).toBe(2);
    expect(t.org()).toEqual(before);
    expect(log).toMatch(/^RESTORED restored /m);
    expect(log).toContain("INTERRUPTED by AbortSignal");
    expect(result.verdict?.outcome).toBe("INCOMPLETE");
    expect(existsSync(join(dir, "conformance.json"))).toBe(true);
    expect(readdirSync(t.env.TENANT_API_STATE_DIR ?? "")).toEqual([]);
  });
});

describe("issue 25: a throwing log loses nothing", () => {
  it("the verdict, the exit code and the reports are all there", async () => {
    const dir = tempDir();
    const result = await runConformance({
      args: [...READ_CHECKS, "--report-dir", dir],
      env: {},
      cwd: tempDir(),
      log: {
        write: () => {
          throw new Error("the caller's logger is broken");
        },
      },
    });
    expect(result.exitCode).toBe(0);
    expect(result.verdict?.outcome).toBe("PASS");
    expect(JSON.parse(readFileSync(join(dir, "conformance.json"), "utf8"))).toEqual(result.report);
  });
});

describe("issue 25: cwd is honoured and checked", () => {
  it("relative paths are the cwd's, not the process's", async () => {
    const cwd = tempDir();
    const result = await runConformance({ args: [...READ_CHECKS, "--report-dir", "rel-reports"], env: {}, cwd });
    expect(result.exitCode).toBe(0);
    expect(existsSync(join(cwd, "rel-reports", "conformance.json"))).toBe(true);
    expect(existsSync("rel-reports")).toBe(false);
  });

  it("a journal an older version left in the cwd's .conformance/ stops a run that writes, as it does the bin", async () => {
    const t = await liveTarget();
    const cwd = tempDir();
    const legacy = targetFiles(t.env.TENANT_API_STATE_DIR ?? "", t.env.TENANT_API_BASE_URL ?? "", t.provider.orgs.editable, cwd);
    mkdirSync(dirname(legacy.legacyJournal), { mode: 0o700 });
    writeJournal(legacy.legacyJournal, journalEntry(t.env.TENANT_API_BASE_URL ?? "", t.provider.orgs.editable, { name: "Before" }));
    let log = "";
    const result = await runConformance({ args: WRITES, env: t.env, cwd, log: { write: (text: string) => (log += text) } });
    expect(result.exitCode).toBe(2);
    expect(log).toContain(`JOURNAL_PENDING: ${legacy.legacyJournal} holds the snapshot`);
    expect(t.proxy.log.filter((r) => r.method === "PATCH")).toEqual([]);
  });

  it("a cwd that does not exist is one clear error, exit 2, before anything runs", async () => {
    let log = "";
    const missing = join(tempDir(), "gone");
    const result = await runConformance({ env: {}, cwd: missing, log: { write: (text: string) => (log += text) } });
    expect(result).toEqual({ exitCode: 2, error: `runConformance: options.cwd ${missing} does not exist` });
    expect(log).toBe(`runConformance: options.cwd ${missing} does not exist\n`);
  });
});

describe("issue 25: option types are checked, with one clear error", () => {
  it.each([
    [{ env: { TENANT_API_TOKEN: 5 } }, "options.env.TENANT_API_TOKEN must be a string, got a number"],
    [{ args: "--read-only" }, "options.args must be an array of strings, got a string"],
    [{ args: ["--runs", 5] }, "options.args[1] must be a string, got a number"],
    [{ cwd: 7 }, "options.cwd must be a non-empty string, got a number"],
    [{ log: console.log }, "options.log must be an object with a write(text) method, got a function"],
    [{ signal: "stop" }, "options.signal must be an AbortSignal, got a string"],
    ["--read-only", "options must be an object, got a string"],
  ])("%j", async (options, message) => {
    const result = await runConformance(options as unknown as ConformanceOptions);
    expect(result).toEqual({ exitCode: 2, error: `runConformance: ${message}` });
  });
});
