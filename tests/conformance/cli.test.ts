import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import type { IncomingMessage } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { JournalEntry } from "../../src/conformance/safety/journal.js";
import { targetFiles } from "../../src/conformance/safety/target-files.js";
import { type ProviderHandle, type ProviderOptions, startProvider } from "../../src/provider/server.js";
import { freshStateDir, runConformance } from "../support/cli.js";

const providers: ProviderHandle[] = [];
afterEach(async () => {
  await Promise.all(providers.splice(0).map((p) => p.close()));
});

interface Logged {
  method: string;
  url: string;
  status?: number;
}

/** A reference provider that logs every request (and its status) it answers. */
async function loggedProvider(options: ProviderOptions = {}): Promise<{ provider: ProviderHandle; log: Logged[] }> {
  const log: Logged[] = [];
  const provider = await startProvider({
    ...options,
    intercept: (request: IncomingMessage, response) => {
      const entry: Logged = { method: request.method ?? "", url: request.url ?? "" };
      log.push(entry);
      response.on("finish", () => {
        entry.status = response.statusCode;
      });
      return options.intercept?.(request, response) ?? false;
    },
  });
  providers.push(provider);
  return { provider, log };
}

function liveEnv(provider: ProviderHandle, extra: Record<string, string> = {}): Record<string, string> {
  return {
    TENANT_API_BASE_URL: provider.baseUrl,
    TENANT_API_TOKEN: provider.tokens.owner,
    TENANT_API_ORG_ID: provider.orgs.editable,
    TENANT_API_MEMBER_TOKEN: provider.tokens.member,
    TENANT_API_OUTSIDER_TOKEN: provider.tokens.outsider,
    TENANT_API_ADMIN_TOKEN: provider.tokens.admin,
    TENANT_API_FOREIGN_TOKEN: provider.tokens.foreignOwner,
    TENANT_API_INFERENCE_KEY: provider.tokens.inferenceKey,
    TENANT_API_FOREIGN_ORG_ID: provider.orgs.foreign,
    TENANT_API_STATE_DIR: freshStateDir(),
    ...extra,
  };
}

const tempDir = () => mkdtempSync(join(tmpdir(), "conformance-"));

/** Journals, locks and temporary files a run left behind in the state directory of `env`, and in `.conformance/` of its working directory. */
const leftBehind = (env: Record<string, string>, cwd: string) => [
  ...readdirSync(env.TENANT_API_STATE_DIR ?? ""),
  ...(existsSync(join(cwd, ".conformance")) ? readdirSync(join(cwd, ".conformance")) : []),
];

interface JsonReport {
  summary: { pass: number; fail: number; skip: number; findings: number };
  checks: { id: string; outcome: string; reason?: string }[];
}

describe("npm run conformance", () => {
  it("passes against the embedded provider and writes JUnit, JSON and HTML reports", async () => {
    const dir = tempDir();
    const run = await runConformance(["--report-dir", dir]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/\d+ passed, 0 failed, 0 skipped, 0 errors; 0 findings/);
    const report = JSON.parse(readFileSync(join(dir, "conformance.json"), "utf8")) as JsonReport;
    expect(report.summary.fail).toBe(0);
    const junit = readFileSync(join(dir, "junit.xml"), "utf8");
    expect(junit.match(/<testcase /g)?.length).toBe(report.checks.length + 1); // + the verdict
    expect(run.stdout).toContain("Verdict: PASS — embedded reference provider: no deployed API was tested");
    const html = readFileSync(join(dir, "report.html"), "utf8");
    expect(html).toContain('<h2 id="findings">Findings</h2>');
    expect(html).toContain("Coverage: operation × documented status");
  });

  it.each([
    ["a base URL that is not a URL", { TENANT_API_BASE_URL: "not a url", TENANT_API_TOKEN: "x" }, [], "CONFIG_INVALID"],
    ["a base URL without a token", { TENANT_API_BASE_URL: "http://127.0.0.1:9/tenant" }, [], "CONFIG_MISSING"],
    [
      "an unreachable host",
      { TENANT_API_BASE_URL: "http://127.0.0.1:9/tenant", TENANT_API_TOKEN: "tok-unreachable" },
      [],
      "TARGET_UNREACHABLE",
    ],
    ["a timeout that is not a number", {}, ["--timeout-ms", "soon"], "CONFIG_INVALID"],
    ["an unknown flag", {}, ["--fast"], "CONFIG_INVALID"],
    [
      "an allow-mutations value that is not 0 or 1",
      { TENANT_API_BASE_URL: "http://127.0.0.1:9/tenant", TENANT_API_TOKEN: "x", TENANT_API_ALLOW_MUTATIONS: "yes" },
      [],
      "CONFIG_INVALID",
    ],
  ])("exits 2 with a one-line reason for %s", async (_name, env, args, code) => {
    const run = await runConformance(args as string[], { env: env as Record<string, string>, cwd: tempDir() });
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(run.stderr).toContain(code);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it("exits 2 when the live target rejects the token", async () => {
    const { provider } = await loggedProvider();
    const run = await runConformance([], { env: { ...liveEnv(provider), TENANT_API_TOKEN: "nc-at-not-issued" }, cwd: tempDir() });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("was rejected");
  });

  it("sends no PATCH at all to a live target unless mutations are allowed, and reports PATCH checks as skipped", async () => {
    const { provider, log } = await loggedProvider();
    const dir = tempDir();
    const run = await runConformance(["--report-dir", dir], { env: liveEnv(provider), cwd: dir });
    expect(run.code).toBe(0);
    expect(log.filter((r) => r.method !== "GET")).toEqual([]);
    const report = JSON.parse(readFileSync(join(dir, "conformance.json"), "utf8")) as JsonReport;
    const patchChecks = report.checks.filter((c) => c.id.startsWith("patch-") || c.id.startsWith("auth-updateOrganization"));
    expect(patchChecks.length).toBeGreaterThan(20);
    expect(patchChecks.every((c) => c.outcome === "skip" && c.reason?.includes("TENANT_API_ALLOW_MUTATIONS"))).toBe(true);
  });

  it("sends no PATCH with --read-only even when mutations are allowed", async () => {
    const { provider, log } = await loggedProvider();
    const dir = tempDir();
    const run = await runConformance(["--read-only", "--report-dir", dir], {
      env: liveEnv(provider, { TENANT_API_ALLOW_MUTATIONS: "1" }),
      cwd: dir,
    });
    expect(run.code).toBe(0);
    expect(log.filter((r) => r.method !== "GET")).toEqual([]);
  });

  it("with mutations allowed, applies writes only to the named org and restores it", async () => {
    const { provider, log } = await loggedProvider();
    const before = { ...provider.state.organizations.get(provider.orgs.editable) };
    const dir = tempDir();
    const env = liveEnv(provider, { TENANT_API_ALLOW_MUTATIONS: "1" });
    const run = await runConformance(["--report-dir", dir], { env, cwd: dir });
    expect(run.stdout).toContain("RESTORED");
    expect(run.code).toBe(0);
    const accepted = log.filter((r) => r.method === "PATCH" && r.status === 200);
    expect(accepted.length).toBeGreaterThan(5);
    expect(new Set(accepted.map((r) => r.url))).toEqual(new Set([`/tenant/api/v1/orgs/${provider.orgs.editable}`]));
    expect(provider.state.organizations.get(provider.orgs.editable)).toEqual(before);
    expect(leftBehind(env, dir)).toEqual([]);
  });

  it("restores the org and exits 2 when stopped by SIGTERM during the writes", async () => {
    let firstPatch: (() => void) | undefined;
    const patched = new Promise<void>((resolve) => {
      firstPatch = resolve;
    });
    const { provider } = await loggedProvider({
      intercept: (request) => {
        if (request.method === "PATCH") firstPatch?.();
        return false;
      },
    });
    const before = { ...provider.state.organizations.get(provider.orgs.editable) };
    const dir = tempDir();
    const env = liveEnv(provider, { TENANT_API_ALLOW_MUTATIONS: "1" });
    // One request at a time, so the writes still run when the signal arrives.
    const run = await runConformance(["--concurrency", "1"], {
      env,
      cwd: dir,
      onStart: (child) => void patched.then(() => child.kill("SIGTERM")),
    });
    expect(run.stderr).toContain("SIGTERM");
    expect(run.code).toBe(2);
    expect(provider.state.organizations.get(provider.orgs.editable)).toEqual(before);
    expect(leftBehind(env, dir)).toEqual([]);
  });

  it("after a crash, refuses to run until --restore puts the org back from the journal", async () => {
    const { provider } = await loggedProvider();
    const org = provider.state.organizations.get(provider.orgs.editable);
    if (!org) throw new Error("seed org missing");
    const journal: JournalEntry = {
      version: 2,
      baseUrl: provider.baseUrl,
      orgId: org.id,
      snapshot: { ...org },
      pid: 1,
      host: "elsewhere",
      writtenAt: new Date().toISOString(),
    };
    const dir = tempDir();
    const env = liveEnv(provider, { TENANT_API_ALLOW_MUTATIONS: "1" });
    const files = targetFiles(env.TENANT_API_STATE_DIR ?? "", provider.baseUrl, org.id);
    writeFileSync(files.journal, JSON.stringify(journal), { mode: 0o600 });
    org.name = "Left behind by a killed run";
    delete org.description;

    const refused = await runConformance([], { env, cwd: dir });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("--restore");

    const restored = await runConformance(["--restore"], { env, cwd: dir });
    expect(restored.code).toBe(0);
    expect(restored.stdout).toContain("RESTORED");
    expect(provider.state.organizations.get(org.id)).toEqual(journal.snapshot);
    expect(leftBehind(env, dir)).toEqual([]);
  });
});

describe("secrets", () => {
  it("are redacted even from a configuration error that quotes the bad value", async () => {
    const token = "nc-at-CANARY-config-3e9a1f77";
    const run = await runConformance([], { env: { TENANT_API_BASE_URL: `${token}`, TENANT_API_TOKEN: token }, cwd: tempDir() });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("CONFIG_INVALID");
    expect(run.stderr).not.toContain(token);
  });

  it("never appear in stdout, stderr or any report, even when the server echoes them back", async () => {
    const canary = {
      owner: "nc-at-CANARY-owner-7f3a9c1e",
      member: "nc-at-CANARY-member-52b8d0aa",
      outsider: "nc-at-CANARY-outsider-c4e19f02",
      admin: "nc-at-CANARY-admin-0b6d2e94",
      foreignOwner: "nc-at-CANARY-foreign-8a1c3f5d",
      inferenceKey: "sk-nc-CANARY-inference-9d7e6b31",
    };
    // The server puts the caller's Authorization header into the list response, where the schema
    // check quotes it: the finding must still not show the token.
    const { provider } = await loggedProvider({
      intercept: (request, response) => {
        if (request.url !== "/tenant/api/v1/orgs" || request.headers.authorization !== `Bearer ${canary.owner}`) return false;
        response.writeHead(200, { "content-type": "application/json" });
        response.end(JSON.stringify({ data: [{ id: provider.orgs.editable, name: "Echo", status: request.headers.authorization }] }));
        return true;
      },
    });
    for (const persona of ["owner", "member", "outsider", "admin", "foreignOwner"] as const)
      provider.state.addAccessToken(canary[persona], provider.userOf(persona));
    const dir = tempDir();
    const env = liveEnv(provider, {
      TENANT_API_TOKEN: canary.owner,
      TENANT_API_MEMBER_TOKEN: canary.member,
      TENANT_API_OUTSIDER_TOKEN: canary.outsider,
      TENANT_API_ADMIN_TOKEN: canary.admin,
      TENANT_API_FOREIGN_TOKEN: canary.foreignOwner,
      TENANT_API_INFERENCE_KEY: canary.inferenceKey,
      TENANT_API_ALLOW_MUTATIONS: "1",
    });
    const run = await runConformance(["--report-dir", dir], { env, cwd: dir });
    expect(run.code).toBe(1); // the echo is a finding
    expect(run.stdout).toContain("[REDACTED]");
    const outputs = [
      run.stdout,
      run.stderr,
      ...["junit.xml", "conformance.json", "report.html"].map((f) => readFileSync(join(dir, f), "utf8")),
    ];
    for (const output of outputs) {
      for (const secret of Object.values(canary)) expect(output).not.toContain(secret);
      expect(output).not.toContain("CANARY");
    }
  });
});
