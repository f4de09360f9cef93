/**
 * Issue 17, the gate on a real deployment: what the restore writes back and compares. Each server of
 * tests/support/real-deploy-servers.ts makes a naive restore damage the org while it says RESTORED;
 * these tests hold the suite to putting the org back exactly, or saying plainly that it did not (exit 3).
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { catalog } from "../../src/conformance/catalog.js";
import type { Check } from "../../src/conformance/check.js";
import { targetFromProvider } from "../../src/conformance/prepare.js";
import { type RunOptions, type RunResult, runChecks } from "../../src/conformance/runner.js";
import { readJournal } from "../../src/conformance/safety/journal.js";
import type { Target } from "../../src/conformance/target.js";
import { HttpTransport } from "../../src/http/transport.js";
import { type ProviderHandle, type ProviderOptions, startProvider } from "../../src/provider/server.js";
import { Redactor } from "../../src/redaction.js";
import { specValidators } from "../../src/validation/validators.js";
import { faults } from "../support/fault-gallery.js";
import {
  colleagueEdits,
  lateWrite,
  latin1Responses,
  loggingPatches,
  type PatchLog,
  shortTokenInOrgName,
  updatedAtBumped,
} from "../support/real-deploy-servers.js";
import { findingCodes, GALLERY_SEED } from "../support/run-against.js";

const providers: ProviderHandle[] = [];
afterEach(async () => {
  await Promise.all(providers.splice(0).map((p) => p.close()));
});

async function start(options: ProviderOptions = {}): Promise<ProviderHandle> {
  const provider = await startProvider(options);
  providers.push(provider);
  return provider;
}

/** A provider whose options need the running handle (the late writer, the colleague). */
async function startBound(make: (bind: () => ProviderHandle) => ProviderOptions): Promise<ProviderHandle> {
  let handle: ProviderHandle | undefined;
  const provider = await start(
    make(() => {
      if (!handle) throw new Error("provider not bound");
      return handle;
    }),
  );
  handle = provider;
  return provider;
}

const writeChecks = catalog.filter((check) => check.phase === "write");
const checksNamed = (...ids: string[]): Check[] => catalog.filter((check) => ids.includes(check.id));

async function runOn(
  provider: ProviderHandle,
  checks: readonly Check[],
  options: Partial<Omit<RunOptions, "target">> & { timeoutMs?: number; tokens?: Target["tokens"] } = {},
): Promise<RunResult> {
  const { timeoutMs = 5_000, tokens, ...rest } = options;
  const transport = new HttpTransport({ baseUrl: provider.baseUrl, timeoutMs });
  const target = { ...targetFromProvider(provider), ...(tokens ? { tokens } : {}) };
  // As the CLI does: every exchange is redacted where it arrives.
  const redactor = new Redactor(Object.values(target.tokens).filter((token): token is string => token !== undefined));
  transport.redactWith(redactor);
  try {
    const validators = specValidators();
    return await runChecks({
      target,
      redactor,
      transport,
      validators,
      spec: validators.spec,
      checks,
      generated: { seed: GALLERY_SEED, runs: 10 },
      ...rest,
    });
  } finally {
    await transport.close();
  }
}

const editable = (provider: ProviderHandle) => structuredClone(provider.state.organizations.get(provider.orgs.editable));
const tempJournal = () => join(mkdtempSync(join(tmpdir(), "conformance-real-deploy-")), "journal.json");

describe("redaction never reaches data that is written back", () => {
  it("restores 'Acme Research' exactly when an 8-character token is also a word of its name, and shows only the redacted name", async () => {
    const provider = await start();
    const member = shortTokenInOrgName(provider); // "Research"
    const before = editable(provider);
    const result = await runOn(provider, writeChecks, { tokens: { ...provider.tokens, member }, journalPath: tempJournal() });
    expect(result.restore?.verified, result.restore?.message).toBe(true);
    expect(provider.state.organizations.get(provider.orgs.editable)).toEqual(before);
    expect(before?.name).toBe("Acme Research");
    expect(result.restore?.snapshot.name).toBe("Acme [REDACTED]");
    expect(JSON.stringify(result)).not.toContain(member);
  });

  it("puts a foreign org back with its exact name when a refused write changed it and a 6-character token is its name", async () => {
    const fault = faults.find((f) => f.name === "a refused update is applied before the permission check answers 403");
    if (!fault) throw new Error("gallery fault missing");
    const provider = await start(fault.options);
    const outsider = shortTokenInOrgName(provider, { orgId: provider.orgs.foreign, length: 6, persona: "outsider" }); // "Globex"
    const before = structuredClone(provider.state.organizations.get(provider.orgs.foreign));
    const result = await runOn(provider, checksNamed("patch-foreign-org-unchanged"), { tokens: { ...provider.tokens, outsider } });
    expect(findingCodes(result)).toContain("patch-foreign-org-unchanged");
    expect(provider.state.organizations.get(provider.orgs.foreign)).toEqual(before);
    expect(JSON.stringify(result)).not.toContain(outsider);
  });
});

describe("a body that is not valid UTF-8 is a finding, and a snapshot that is not exact starts no write", () => {
  it("skips every write check, sending no PATCH, when the org's name arrives as Latin-1", async () => {
    const patches: PatchLog = [];
    const provider = await start({ ...latin1Responses, rules: loggingPatches(patches) });
    const org = provider.state.organizations.get(provider.orgs.editable);
    if (!org) throw new Error("seed org missing");
    org.name = "Café Research";
    const before = editable(provider);
    const journalPath = tempJournal();
    const result = await runOn(provider, writeChecks, { journalPath });
    expect(patches).toEqual([]);
    for (const check of result.checks.filter((c) => c.phase === "write")) {
      expect(check.outcome, check.id).toBe("skip");
      expect(check.reason).toContain("not valid UTF-8");
    }
    expect(result.restore).toBeUndefined();
    expect(readJournal(journalPath)).toBeUndefined();
    expect(provider.state.organizations.get(provider.orgs.editable)).toEqual(before);
    const notUtf8 = result.checks.find((c) => c.id === "body-not-utf8");
    expect(notUtf8?.outcome).toBe("fail");
    expect(notUtf8?.findings[0]?.actual).toContain("byte 0xE9");
  });

  it("is caught by the body-not-utf8 rule of the gallery, whose fault is exactly that", () => {
    const fault = faults.find((f) => f.name === "responses are encoded as ISO-8859-1 (Latin-1), not UTF-8");
    expect(fault?.expect).toContain("body-not-utf8");
  });
});

describe("a PATCH that timed out may still land", () => {
  it("waits for it before restoring, reads again after, and restores the org exactly", async () => {
    const provider = await startBound((bind) => lateWrite(900, bind)); // 300 ms after the client's deadline
    const before = editable(provider);
    const result = await runOn(provider, checksNamed("patch-response-equals-get"), { timeoutMs: 600 });
    expect(findingCodes(result)).toContain("timeout");
    await sleep(500); // the late write has long landed
    expect(result.restore?.verified, result.restore?.message).toBe(true);
    expect(result.restore?.message).toContain("waited 600 ms");
    expect(provider.state.organizations.get(provider.orgs.editable)).toEqual(before);
  });

  it("says NOT restored when the write lands after the restore was verified", async () => {
    const provider = await startBound((bind) => lateWrite(2_000, bind)); // after the first wait, before the last read
    const result = await runOn(provider, checksNamed("patch-response-equals-get"), { timeoutMs: 800 });
    expect(result.restore?.verified).toBe(false);
    expect(result.restore?.message).toContain("may have landed after the restore");
    expect(result.checks.find((c) => c.id === "restore-organization")?.outcome).toBe("fail");
  });
});

describe("a second writer is told apart from the API", () => {
  it("leaves a colleague's description as they wrote it, restores the rest, and says NOT restored", async () => {
    const patches: PatchLog = [];
    const provider = await startBound((bind) => ({
      ...colleagueEdits(1, "Edited in the console by a colleague", bind),
      rules: loggingPatches(patches),
    }));
    const before = editable(provider);
    const journalPath = tempJournal();
    const result = await runOn(provider, checksNamed("patch-name-100-ascii"), {
      journalPath,
      restoreCommand: "npm run conformance -- --restore",
    });
    expect(result.restore?.verified).toBe(false);
    // What this run changed is back; --restore would only overwrite the colleague's edit, so the journal goes and no command is offered.
    expect(result.restore?.targetRestored).toBe(true);
    expect(result.restore?.command).toBeUndefined();
    expect(readJournal(journalPath)).toBeUndefined();
    expect(result.restore?.message).toContain("another writer changed");
    expect(result.restore?.message).toContain("/description");
    const after = provider.state.organizations.get(provider.orgs.editable);
    expect(after).toEqual({ ...before, description: "Edited in the console by a colleague" });
    expect(patches.at(-1)).toEqual({ name: before?.name }); // the restore did not send the description back
  });
});

describe("organizations other than the target", () => {
  it("left changed by the run make it NOT restored, naming each org, what changed and what to do", async () => {
    const fault = faults.find((f) => f.name.startsWith("an update is applied to every organization with the target's status"));
    if (!fault) throw new Error("gallery fault missing");
    const provider = await start(fault.options);
    const result = await runOn(provider, writeChecks, { journalPath: tempJournal(), restoreCommand: "npm run conformance -- --restore" });
    expect(result.restore?.verified).toBe(false);
    expect(result.restore?.targetRestored).toBe(true);
    expect(result.restore?.command).toBeUndefined(); // the target is back: --restore cannot help
    expect(result.restore?.message).toMatch(/other organization\(s\).*\/name is .*, was "Acme Labs".*Put each back/);
  });
});

describe("a server-managed field the docs do not list", () => {
  it("neither fails the restore nor is sent back; the documented fields read back exactly and the journal goes", async () => {
    const patches: PatchLog = [];
    const bumped = updatedAtBumped();
    const provider = await start({ rules: { ...bumped.rules, ...loggingPatches(patches) } });
    const before = editable(provider);
    const journalPath = tempJournal();
    const result = await runOn(provider, writeChecks, { journalPath });
    expect(result.restore?.verified, result.restore?.message).toBe(true);
    expect(result.restore?.message).toContain("updated_at changed too");
    expect(provider.state.organizations.get(provider.orgs.editable)).toEqual(before);
    expect(Object.keys(patches.at(-1) ?? {}).sort()).toEqual(["description", "name"]);
    expect(readJournal(journalPath)).toBeUndefined();
  });
});
