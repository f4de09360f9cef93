/**
 * Issue 24: bad-token probes never lock out the run's own personas mid-write. Behind a gateway that locks
 * the owner's account for a minute after three bad tokens, a correct API still passes with the org
 * restored: the probes go after the restore and the invariants, and the owner's good token is checked
 * again after them; its refusal is said as a lockout, never filed as the API's bug.
 */
import { afterEach, describe, expect, it } from "vitest";
import { LOCKOUT_RESULT_ID } from "../../src/conformance/bad-credentials.js";
import { targetFromProvider } from "../../src/conformance/prepare.js";
import { runChecks } from "../../src/conformance/runner.js";
import { HttpTransport } from "../../src/http/transport.js";
import { startProvider } from "../../src/provider/server.js";
import { specValidators } from "../../src/validation/validators.js";
import { lockoutGateway } from "../support/gateway-stand-ins.js";
import { findingLines, GALLERY_SEED } from "../support/run-against.js";

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

describe("an account lockout after three bad tokens", () => {
  it("locks nobody out mid-write: no finding, the org restored, and the refusal said as a lockout", async () => {
    const provider = await startProvider();
    closers.push(() => provider.close());
    const gateway = await lockoutGateway(provider.baseUrl, provider.tokens.owner);
    closers.push(() => gateway.close());
    const transport = new HttpTransport({ baseUrl: gateway.baseUrl, timeoutMs: 5_000, connections: 16 });
    closers.push(() => transport.close());
    const validators = specValidators();
    const before = structuredClone(provider.state.organizations.get(provider.orgs.editable));
    const result = await runChecks({
      target: { ...targetFromProvider(provider), baseUrl: gateway.baseUrl },
      transport,
      validators,
      spec: validators.spec,
      generated: { seed: GALLERY_SEED, runs: 20 },
    });
    expect(gateway.lockedAt).toBeDefined(); // the probes did lock the account
    expect(findingLines(result)).toEqual([]);
    expect(result.restore?.verified, result.restore?.message).toBe(true);
    expect(provider.state.organizations.get(provider.orgs.editable)).toEqual(before);
    const lockout = result.checks.find((check) => check.id === LOCKOUT_RESULT_ID);
    expect(lockout?.outcome).toBe("skip");
    expect(lockout?.reason).toMatch(/refused after \d+ bad-token probes \(an account lockout\)/);
    // The writes and the invariants ran before the lock: none of them is skipped for it.
    const notProven = result.checks.filter((check) => check.reason?.includes("an account lockout"));
    expect(notProven.every((check) => check.id === LOCKOUT_RESULT_ID || check.id.startsWith("auth-"))).toBe(true);
    expect(result.checks.filter((check) => check.phase === "write" && !check.id.startsWith("auth-") && check.outcome === "skip")).toEqual(
      [],
    );
  }, 120_000);
});
