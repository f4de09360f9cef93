/**
 * The personas and the write watch beyond what the gallery asserts: damage outside the target is named
 * by the restore outcome, and a foreign org changed by a refused write is put back with its owner's token.
 */
import { describe, expect, it } from "vitest";
import { catalog } from "../../src/conformance/catalog.js";
import { targetFromProvider } from "../../src/conformance/prepare.js";
import { type RunResult, runChecks } from "../../src/conformance/runner.js";
import { HttpTransport } from "../../src/http/transport.js";
import { type ProviderHandle, type ProviderOptions, startProvider } from "../../src/provider/server.js";
import { specValidators } from "../../src/validation/validators.js";
import { faults } from "../support/fault-gallery.js";

async function runWrites(options: ProviderOptions): Promise<{ result: RunResult; provider: ProviderHandle }> {
  const provider = await startProvider(options);
  const transport = new HttpTransport({ baseUrl: provider.baseUrl, timeoutMs: 5_000 });
  try {
    const validators = specValidators();
    const checks = catalog.filter((check) => check.phase !== "read" && check.id !== "patch-generated-bodies");
    const result = await runChecks({ target: targetFromProvider(provider), transport, validators, spec: validators.spec, checks });
    return { result, provider };
  } finally {
    await transport.close();
    await provider.close();
  }
}

const fault = (start: string) => {
  const found = faults.find((f) => f.name.startsWith(start));
  if (!found) throw new Error(`gallery fault missing: ${start}`);
  return found.options;
};

describe("a write changes its target and nothing else", () => {
  it("names the other orgs a write changed in the restore outcome, which is then NOT restored, and reports each change", async () => {
    const { result, provider } = await runWrites(fault("an update is applied to every organization with the target's status"));
    expect(result.restore?.verified).toBe(false); // issue 17: damage outside the target is exit 3, like the target's
    expect(result.restore?.targetRestored).toBe(true);
    expect(result.restore?.message).toContain("but the writes also changed 2 other organization(s), which the suite does not restore");
    expect(result.restore?.message).toContain(provider.orgs.foreign);
    const watch = result.checks.find((check) => check.id === "write-changes-only-target");
    expect(watch?.outcome).toBe("fail");
    expect(watch?.findings.every((f) => f.code === "write-changes-only-target" && f.actual.includes("not restored by the suite"))).toBe(
      true,
    );
  });

  it("is skipped, not passed, when no write was made", async () => {
    const provider = await startProvider();
    const transport = new HttpTransport({ baseUrl: provider.baseUrl, timeoutMs: 5_000 });
    try {
      const validators = specValidators();
      const checks = catalog.filter((check) => check.phase === "final");
      const result = await runChecks({ target: targetFromProvider(provider), transport, validators, spec: validators.spec, checks });
      expect(result.checks.find((check) => check.id === "write-changes-only-target")).toMatchObject({ outcome: "skip" });
    } finally {
      await transport.close();
      await provider.close();
    }
  });
});

describe("a refused write to a foreign organization", () => {
  it("is caught when applied anyway, and the foreign org is put back with its owner's token", async () => {
    const { result, provider } = await runWrites(fault("a refused update is applied before the permission check"));
    const check = result.checks.find((c) => c.id === "patch-foreign-org-unchanged");
    expect(check?.findings.map((f) => [f.code, f.pointer, f.status])).toEqual([["patch-foreign-org-unchanged", "/description", 403]]);
    expect(check?.findings[0]?.actual).toContain("put back with its owner's token");
    const seeded = provider.state.seed.organizations.find((org) => org.id === provider.orgs.foreign);
    expect(provider.state.organizations.get(provider.orgs.foreign)).toEqual(seeded);
  });
});
