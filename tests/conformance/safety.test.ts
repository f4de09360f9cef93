/**
 * The gate's write safety, end to end through the CLI: exit 3 when the org is not restored, `--restore`
 * only for the configured org, one writer per org, and prompt interruption against a slow server.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { journalEntry } from "../../src/conformance/safety/journal.js";
import { targetFiles } from "../../src/conformance/safety/target-files.js";
import { referenceRules } from "../../src/provider/rules.js";
import { type ProviderHandle, type ProviderOptions, startProvider } from "../../src/provider/server.js";
import { freshStateDir, runConformance } from "../support/cli.js";
import { type SlowProxy, slowProxy } from "../support/slow-proxy.js";
import { archiveIsForever } from "../support/unsafe-servers.js";

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

/** A provider whose requests are logged (method and URL). */
async function logged(options: ProviderOptions = {}): Promise<{ provider: ProviderHandle; log: string[] }> {
  const log: string[] = [];
  const provider = await startProvider({
    ...options,
    intercept: (request) => {
      log.push(`${request.method} ${request.url}`);
      return false;
    },
  });
  closers.push(() => provider.close());
  return { provider, log };
}

function liveEnv(
  provider: { baseUrl: string } & Pick<ProviderHandle, "tokens" | "orgs">,
  baseUrl = provider.baseUrl,
  stateDir = freshStateDir(),
) {
  return {
    TENANT_API_STATE_DIR: stateDir,
    TENANT_API_BASE_URL: baseUrl,
    TENANT_API_TOKEN: provider.tokens.owner,
    TENANT_API_ORG_ID: provider.orgs.editable,
    TENANT_API_MEMBER_TOKEN: provider.tokens.member,
    TENANT_API_OUTSIDER_TOKEN: provider.tokens.outsider,
    TENANT_API_FOREIGN_ORG_ID: provider.orgs.foreign,
    TENANT_API_ALLOW_MUTATIONS: "1",
  };
}

const tempDir = () => mkdtempSync(join(tmpdir(), "conformance-safety-"));
/** What is left in a state directory: journals, locks, temporary files. */
const safetyFiles = (env: { TENANT_API_STATE_DIR: string }) => readdirSync(env.TENANT_API_STATE_DIR);
const reports = (dir: string) => ["junit.xml", "conformance.json", "report.html"].map((file) => readFileSync(join(dir, file), "utf8"));

/** Plants a file in the target's place, as this user and mode 0600 (as the suite writes them). */
function plant(path: string, text: string): void {
  writeFileSync(path, text, { mode: 0o600 });
}

/** The target's files in the state directory of `env`. */
const filesOf = (env: { TENANT_API_STATE_DIR: string }, provider: { baseUrl: string }, orgId: string) =>
  targetFiles(env.TENANT_API_STATE_DIR, provider.baseUrl, orgId);

describe("a failed restore is its own outcome", () => {
  it("exits 3 with the snapshot and the restoring command on stderr and in every report, and --restore exits 3 too", async () => {
    const { provider } = await logged(archiveIsForever);
    const dir = tempDir();
    const env = liveEnv(provider);
    const run = await runConformance(["--report-dir", "reports", "--runs", "3"], { env, cwd: dir });
    expect(run.code).toBe(3);
    const snapshot = provider.state.seed.organizations.find((org) => org.id === provider.orgs.editable);
    const shown = JSON.stringify({
      name: snapshot?.name,
      description: snapshot?.description,
      status: "active",
      referral_code: snapshot?.referral_code,
    });
    expect(run.stderr).toContain("NOT RESTORED");
    expect(run.stderr).toContain(shown);
    expect(run.stderr).toContain("restore it with: npm run conformance -- --restore");
    expect(run.stdout).toContain("npm run conformance -- --restore");
    const [junit, json, html] = reports(join(dir, "reports"));
    expect(JSON.parse(json ?? "{}").restore).toMatchObject({ verified: false, command: "npm run conformance -- --restore" });
    for (const report of [junit, json, html]) expect(report).toContain("npm run conformance -- --restore");
    expect(html).toContain("&quot;status&quot;:&quot;active&quot;");
    for (const text of [run.stdout, run.stderr, junit, json, html]) expect(text).not.toContain(provider.tokens.owner);
    expect(safetyFiles(env).filter((f) => f.endsWith(".journal.json"))).toHaveLength(1); // kept for --restore

    const again = await runConformance(["--restore"], { env, cwd: dir });
    expect(again.code).toBe(3);
    expect(again.stderr).toContain('/status is "archived" (was "active")');
  });
});

describe("--restore restores only the configured org", () => {
  it("refuses a journal naming another org, and --restore with --read-only, without sending any request", async () => {
    const { provider, log } = await logged();
    const dir = tempDir();
    const env = liveEnv(provider);
    const foreign = provider.state.organizations.get(provider.orgs.foreign);
    if (!foreign) throw new Error("seed org missing");
    // A journal in the configured org's place that names another org (planted or stale).
    const files = filesOf(env, provider, provider.orgs.editable);
    plant(files.journal, JSON.stringify(journalEntry(provider.baseUrl, foreign.id, { ...foreign, name: "PWNED" })));

    const mismatch = await runConformance(["--restore"], { env, cwd: dir });
    expect(mismatch.code).toBe(2);
    expect(mismatch.stderr).toContain("JOURNAL_MISMATCH");
    const readOnly = await runConformance(["--restore", "--read-only"], { env, cwd: dir });
    expect(readOnly.code).toBe(2);
    expect(readOnly.stderr).toContain("--read-only");
    const { TENANT_API_ORG_ID: _unset, ...withoutOrg } = env;
    const noOrg = await runConformance(["--restore"], { env: withoutOrg, cwd: dir });
    expect(noOrg.code).toBe(2);
    expect(noOrg.stderr).toContain("TENANT_API_ORG_ID");
    expect(log).toEqual([]);
    expect(provider.state.organizations.get(foreign.id)?.name).toBe("Globex");
  });
});

describe("one writer per org; different targets never interfere", () => {
  // Issue 25: the lock is the org id's, so two APIs whose orgs share an id (two reference providers)
  // each take a state directory of their own; under one, the second stops naming both URLs.
  it("runs two gates from one checkout against two different APIs at once, each with its own state directory", {
    timeout: 120_000,
  }, async () => {
    const [a, b] = await Promise.all([logged(), logged()]);
    const dir = tempDir();
    const stateDirs = [freshStateDir(), freshStateDir()];
    const runs = await Promise.all(
      [a, b].map(({ provider }, i) =>
        runConformance(["--runs", "3", "--report-dir", `${provider.orgs.editable}-${i}`], {
          env: liveEnv(provider, provider.baseUrl, stateDirs[i]),
          cwd: dir,
        }),
      ),
    );
    expect(runs.map((run) => run.code)).toEqual([0, 0]);
    expect(stateDirs.flatMap((stateDir) => readdirSync(stateDir))).toEqual([]);
  });

  it("exits 2 naming the live run that holds the org's lock, and writes nothing", async () => {
    const { provider, log } = await logged();
    const env = liveEnv(provider);
    const startedAt = new Date().toISOString();
    plant(filesOf(env, provider, provider.orgs.editable).lock, JSON.stringify({ pid: process.pid, host: hostname(), startedAt }));
    const run = await runConformance(["--lock-wait-ms", "200"], { env, cwd: tempDir() });
    expect(run.code, run.stderr + run.stdout).toBe(2);
    expect(run.stderr).toContain(`TARGET_LOCKED`);
    expect(run.stderr).toContain(`pid ${process.pid} on ${hostname()}, started ${startedAt}`);
    expect(log.filter((line) => line.startsWith("PATCH"))).toEqual([]);
  });

  it("treats a lock whose process is gone as an interrupted run: the gate refuses, --restore puts the org back", async () => {
    const { provider } = await logged();
    const dir = tempDir();
    const org = provider.state.organizations.get(provider.orgs.editable);
    if (!org) throw new Error("seed org missing");
    const before = structuredClone(org);
    const env = liveEnv(provider);
    const files = filesOf(env, provider, org.id);
    plant(files.journal, JSON.stringify(journalEntry(provider.baseUrl, org.id, { ...before })));
    plant(files.lock, JSON.stringify({ pid: 2 ** 22 + 1, host: hostname(), startedAt: "2026-01-01T00:00:00.000Z" })); // above pid_max
    org.name = "Left behind by a killed run";
    delete org.description;

    const refused = await runConformance([], { env, cwd: dir });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("JOURNAL_PENDING");
    expect(refused.stderr).toContain("npm run conformance -- --restore");

    const restored = await runConformance(["--restore"], { env, cwd: dir });
    expect(restored.stdout, restored.stderr).toContain("RESTORED");
    expect(restored.code).toBe(0);
    expect(provider.state.organizations.get(org.id)).toEqual(before);
    expect(safetyFiles(env)).toEqual([]);
  });
});

describe("interruption is prompt", () => {
  it("starts no request but the restore more than 1 s after SIGINT during generated bodies, restores and marks the reports", async () => {
    const { provider } = await logged();
    const before = structuredClone(provider.state.organizations.get(provider.orgs.editable));
    const proxy: SlowProxy = await slowProxy(provider.baseUrl, 40);
    closers.push(() => proxy.close());
    const dir = tempDir();
    let signalAt = Number.POSITIVE_INFINITY;
    let generatedRequests = -1;
    const run = await runConformance(["--runs", "1000", "--report-dir", "reports"], {
      env: liveEnv(provider, proxy.baseUrl),
      cwd: dir,
      onStart: (child) => {
        proxy.onArrival = (arrival) => {
          if (arrival.body.includes("generated-body baseline")) generatedRequests = 0;
          else if (generatedRequests >= 0 && ++generatedRequests === 6) {
            signalAt = performance.now();
            child.kill("SIGINT");
          }
        };
      },
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("SIGINT");
    // The restore is the last three requests: GET, PATCH with the original name, GET.
    const restore = proxy.log.slice(-3);
    expect(restore.map((r) => r.method)).toEqual(["GET", "PATCH", "GET"]);
    expect(JSON.parse(restore[1]?.body ?? "{}")).toMatchObject({ name: before?.name });
    const late = proxy.log.filter((r) => r.at > signalAt + 1000 && !restore.includes(r));
    expect(late).toEqual([]);
    expect(provider.state.organizations.get(provider.orgs.editable)).toEqual(before);
    const json = JSON.parse(reports(join(dir, "reports"))[1] ?? "{}") as { interrupted?: string };
    expect(json.interrupted).toBe("SIGINT");
    expect(run.stdout).toContain("INTERRUPTED by SIGINT");
  });
});

describe("no journal is stuck forever (issue 24)", () => {
  it("says which field the API stores differently, and --restore --accept-current clears the journal so later runs start", async () => {
    // The API now trims names: the snapshot's "Acme Research " can never read back as it was.
    const { provider } = await logged({
      rules: { applyUpdate: (org, u) => referenceRules.applyUpdate(org, typeof u.name === "string" ? { ...u, name: u.name.trim() } : u) },
    });
    const dir = tempDir();
    const org = provider.state.organizations.get(provider.orgs.editable);
    if (!org) throw new Error("seed org missing");
    const env = liveEnv(provider);
    const files = filesOf(env, provider, org.id);
    plant(files.journal, JSON.stringify(journalEntry(provider.baseUrl, org.id, { ...structuredClone(org), name: "Acme Research " })));
    org.name = "Left behind by a killed run";

    const stuck = await runConformance(["--restore"], { env, cwd: dir });
    expect(stuck.code).toBe(3);
    expect(stuck.stderr).toContain('/name: expected "Acme Research " (the snapshot), read "Acme Research"');
    expect(stuck.stderr).toContain("npm run conformance -- --restore --accept-current");
    const blocked = await runConformance(["--read-only"], { env, cwd: dir });
    expect(blocked.code).toBe(2);
    expect(blocked.stderr).toContain("JOURNAL_PENDING");

    const accepted = await runConformance(["--restore", "--accept-current"], { env, cwd: dir });
    expect(accepted.code, accepted.stderr).toBe(0);
    expect(accepted.stdout).toContain("ACCEPTED");
    expect(accepted.stdout).toContain('/name: expected "Acme Research " (the snapshot), read "Acme Research"');
    expect(accepted.stdout).toContain("the journal is cleared");
    expect(safetyFiles(env).filter((f) => f.endsWith(".journal.json"))).toEqual([]);
    for (const text of [stuck.stdout, stuck.stderr, accepted.stdout, accepted.stderr]) expect(text).not.toContain(provider.tokens.owner);

    const later = await runConformance(["--read-only", "--report-dir", "reports"], { env, cwd: dir });
    expect(later.stderr).not.toContain("JOURNAL_PENDING");
    expect(later.code).toBe(0);
  });

  it("refuses --accept-current without --restore in one line, exit 2", async () => {
    const { provider } = await logged();
    const run = await runConformance(["--accept-current"], { env: liveEnv(provider), cwd: tempDir() });
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(run.stderr).toContain("--accept-current goes with --restore");
  });
});
