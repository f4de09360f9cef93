/**
 * The concurrent-fields check beyond what the gallery asserts: its two PATCHes really are in flight
 * together (and are the only applied ones that are), a lost update is caught whichever of the two wins,
 * and one request at a time it is skipped, never passed.
 */
import { describe, expect, it } from "vitest";
import { startDelayingProxy } from "../../bench/delaying-proxy.js";
import { CONCURRENT_FIELDS_CHECK_ID, concurrentFieldsCheck } from "../../src/conformance/checks/concurrent-fields.js";
import { targetFromProvider } from "../../src/conformance/prepare.js";
import { runChecks } from "../../src/conformance/runner.js";
import { HttpTransport } from "../../src/http/transport.js";
import { BASE_PATH, startProvider } from "../../src/provider/server.js";
import { specValidators } from "../../src/validation/validators.js";
import { lostUpdateFault } from "../support/race-faults.js";
import { runAgainst } from "../support/run-against.js";

const only = [concurrentFieldsCheck];
const outcomeOf = (result: Awaited<ReturnType<typeof runAgainst>>) => result.checks.find((c) => c.id === CONCURRENT_FIELDS_CHECK_ID);

describe("two PATCHes of different fields in flight at once", () => {
  it("are sent together, the only applied PATCHes that overlap, and both kept by the reference provider", async () => {
    const provider = await startProvider();
    const proxy = await startDelayingProxy(new URL(provider.baseUrl).origin, 10, 10);
    const baseUrl = `${proxy.origin}${BASE_PATH}`;
    const transport = new HttpTransport({ baseUrl, timeoutMs: 5_000, connections: 16 });
    try {
      const validators = specValidators();
      const target = { ...targetFromProvider(provider), baseUrl };
      const result = await runChecks({ target, transport, validators, spec: validators.spec, checks: only });
      expect(result.checks.find((c) => c.id === CONCURRENT_FIELDS_CHECK_ID)?.outcome).toBe("pass");
      expect(result.restore?.verified).toBe(true);
      const applied = proxy.log.filter((entry) => entry.method === "PATCH" && entry.status === 200);
      // The check's two, then the restore's one.
      expect(applied).toHaveLength(3);
      const [first, second, restore] = applied as [(typeof applied)[number], (typeof applied)[number], (typeof applied)[number]];
      expect(first.startMs < second.endMs && second.startMs < first.endMs).toBe(true);
      expect(restore.startMs >= Math.max(first.endMs, second.endMs)).toBe(true);
    } finally {
      await transport.close();
      await proxy.close();
      await provider.close();
    }
  });

  it("catch a server that writes the whole row back without a lock, and the restore still puts the org back", async () => {
    const result = await runAgainst(lostUpdateFault.options, undefined, only);
    const check = outcomeOf(result);
    expect(check?.outcome).toBe("fail");
    // Whichever PATCH landed last, the other's field was lost.
    expect(check?.findings.map((f) => f.pointer)).toEqual([expect.stringMatching(/^\/(name|description)$/)]);
    expect(result.restore?.verified).toBe(true);
  });

  it("go one after the other with --concurrency 1, and the check is skipped, not passed", async () => {
    const result = await runAgainst(lostUpdateFault.options, undefined, only, { concurrency: 1 });
    expect(outcomeOf(result)).toMatchObject({ outcome: "skip", reason: expect.stringContaining("--concurrency 1") });
  });
});
