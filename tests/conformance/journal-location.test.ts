/**
 * Issue 17: "The lock must hold across checkouts and runners on the same host, and across different
 * `--journal` settings: a run killed mid-write leaves a journal that every later run must find (key it
 * by target, not by working directory or journal path)", and "`--restore` must refuse a journal it did
 * not write (owner, mode 0600) and send back only the fields the API documents as writable."
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { journalEntry } from "../../src/conformance/safety/journal.js";
import { targetFiles } from "../../src/conformance/safety/target-files.js";
import { type ProviderHandle, startProvider } from "../../src/provider/server.js";
import { freshStateDir, runConformance } from "../support/cli.js";
import { type SlowProxy, slowProxy } from "../support/slow-proxy.js";

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

const tempDir = () => mkdtempSync(join(tmpdir(), "conformance-checkout-"));

/** The reference provider behind a logging proxy (`delayMs` per request), and the env of a live run through it. */
async function target(
  delayMs = 0,
): Promise<{ provider: ProviderHandle; proxy: SlowProxy; env: Record<string, string> & { TENANT_API_STATE_DIR: string } }> {
  const provider = await startProvider();
  closers.push(() => provider.close());
  const proxy = await slowProxy(provider.baseUrl, delayMs);
  closers.push(() => proxy.close());
  const env = {
    TENANT_API_BASE_URL: proxy.baseUrl,
    TENANT_API_TOKEN: provider.tokens.owner,
    TENANT_API_ORG_ID: provider.orgs.editable,
    TENANT_API_MEMBER_TOKEN: provider.tokens.member,
    TENANT_API_ALLOW_MUTATIONS: "1",
    TENANT_API_STATE_DIR: freshStateDir(), // one host: every checkout shares it
  };
  return { provider, proxy, env };
}

const WRITES = ["--checks", "patch-generated-bodies", "--runs", "20"];

describe("a run killed mid-write is found by every later run against the same org", () => {
  // Four runs of the CLI one after the other: generous on a loaded machine.
  it("from another checkout, without the --journal the killed run had, until --restore (from there too) puts the org back", {
    timeout: 240_000,
  }, async () => {
    const { provider, proxy, env } = await target(100);
    const org = () => structuredClone(provider.state.organizations.get(provider.orgs.editable));
    const before = org();
    const checkoutA = tempDir();
    const checkoutB = tempDir();
    const copy = join(checkoutA, "journal-copy.json");
    const killed = await runConformance([...WRITES, "--journal", copy, "--report-dir", "reports"], {
      env,
      cwd: checkoutA,
      onStart: (child) => {
        proxy.onArrival = (arrival) => {
          if (arrival.body.includes("generated-body baseline")) child.kill("SIGKILL");
        };
      },
    });
    proxy.onArrival = undefined;
    expect(killed.code).toBeNull(); // killed: no restore ran
    // The PATCH it was killed at is still on its way through the proxy (delayed 100 ms): it lands all the same.
    await vi.waitFor(() => expect(org()).not.toEqual(before), { timeout: 10_000, interval: 50 });
    expect(existsSync(copy)).toBe(true); // the copy the run was asked for

    const refused = await runConformance([...WRITES, "--report-dir", "reports"], { env, cwd: checkoutB });
    expect(refused.code, refused.stderr).toBe(2);
    expect(refused.stderr).toContain("JOURNAL_PENDING");
    expect(refused.stderr).toContain("restore it first with npm run conformance -- --restore");
    const patchesBefore = proxy.log.filter((r) => r.method === "PATCH").length;

    const restored = await runConformance(["--restore"], { env, cwd: checkoutB });
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.stdout).toContain("RESTORED");
    expect(org()).toEqual(before);
    expect(readdirSync(env.TENANT_API_STATE_DIR)).toEqual([]);
    expect(proxy.log.filter((r) => r.method === "PATCH")).toHaveLength(patchesBefore + 1); // the refused run sent none

    // The stale copy is not a record: a run with the same --journal is not wedged by it.
    const again = await runConformance([...WRITES, "--journal", copy, "--report-dir", "reports"], { env, cwd: checkoutA });
    expect(again.code, again.stderr).toBe(0);
  });

  it("keeps the --journal copy during the writes and removes it with the record", async () => {
    const { env } = await target();
    const dir = tempDir();
    const copy = join(dir, "journal-copy.json");
    const run = await runConformance([...WRITES, "--journal", copy, "--report-dir", "reports"], { env, cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    expect(existsSync(copy)).toBe(false);
    expect(readdirSync(env.TENANT_API_STATE_DIR)).toEqual([]);
  });

  it("still finds a journal an older version left in .conformance/ of the checkout; --restore --journal FILE restores from it", {
    timeout: 180_000,
  }, async () => {
    const { provider, proxy, env } = await target();
    const org = provider.state.organizations.get(provider.orgs.editable);
    if (!org) throw new Error("seed org missing");
    const before = structuredClone(org);
    const checkout = tempDir();
    const legacy = targetFiles(env.TENANT_API_STATE_DIR, proxy.baseUrl, org.id).legacyJournal;
    mkdirSync(join(checkout, ".conformance"), { mode: 0o700 });
    writeFileSync(join(checkout, legacy), JSON.stringify(journalEntry(proxy.baseUrl, org.id, { ...before })), { mode: 0o600 });
    org.name = "Left behind by an older version";

    const refused = await runConformance(WRITES, { env, cwd: checkout });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`JOURNAL_PENDING: ${legacy} holds the snapshot of ${org.id}`);
    expect(refused.stderr).toContain(`npm run conformance -- --restore --journal ${legacy}`);
    expect(proxy.log.filter((r) => r.method === "PATCH")).toEqual([]);

    const restored = await runConformance(["--restore", "--journal", legacy], { env, cwd: checkout });
    expect(restored.code, restored.stderr).toBe(0);
    expect(provider.state.organizations.get(org.id)).toEqual(before);
    expect(existsSync(join(checkout, legacy))).toBe(false);
  });

  it("refuses a state directory others can write to, before any request (exit 2)", async () => {
    const { proxy, env } = await target();
    chmodSync(env.TENANT_API_STATE_DIR, 0o777);
    const run = await runConformance(WRITES, { env, cwd: tempDir() });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("STATE_DIR_UNUSABLE");
    expect(run.stderr).toContain("is writable by others (mode 777)");
    expect(proxy.log.filter((r) => r.method === "PATCH")).toEqual([]);
  });
});

describe("--restore trusts only its own journal, and sends only what the API documents as writable", () => {
  it("refuses a journal readable and writable by others (mode 0666), sending nothing", async () => {
    const { provider, proxy, env } = await target();
    const journal = targetFiles(env.TENANT_API_STATE_DIR, proxy.baseUrl, provider.orgs.editable).journal;
    const org = provider.state.organizations.get(provider.orgs.editable);
    writeFileSync(journal, JSON.stringify(journalEntry(proxy.baseUrl, provider.orgs.editable, { ...org, name: "Planted" })));
    chmodSync(journal, 0o666);
    const run = await runConformance(["--restore"], { env, cwd: tempDir() });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("JOURNAL_INVALID");
    expect(run.stderr).toContain("was not written by this suite (its mode is 0666, not 0600)");
    expect(proxy.log).toEqual([]);
  });

  it("puts back name and description only, and says which read-only field it could not (exit 3)", async () => {
    const { provider, proxy, env } = await target();
    const org = provider.state.organizations.get(provider.orgs.editable);
    if (!org) throw new Error("seed org missing");
    const snapshot = { ...org, name: "Acme before", status: "archived", referral_code: "HACKED", owner_id: "u-evil" };
    const journal = targetFiles(env.TENANT_API_STATE_DIR, proxy.baseUrl, org.id).journal;
    writeFileSync(journal, JSON.stringify(journalEntry(proxy.baseUrl, org.id, snapshot)), { mode: 0o600 });
    const run = await runConformance(["--restore"], { env, cwd: tempDir() });
    const patches = proxy.log.filter((r) => r.method === "PATCH");
    expect(patches).toHaveLength(1);
    expect(JSON.parse(patches[0]?.body ?? "{}")).toEqual({ name: "Acme before", description: org.description ?? "" });
    expect(provider.state.organizations.get(org.id)?.name).toBe("Acme before");
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('/status is "active" (was "archived")');
    expect(run.stderr).toContain("--restore sends only the fields the API documents as writable (name, description)");
    expect(existsSync(journal)).toBe(true); // kept: the org is not as the journal says
  });
});
