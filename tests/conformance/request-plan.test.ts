/**
 * The request plan (src/conformance/plan.ts, generated/plan.ts) sends fewer requests one after another,
 * and must find exactly what the plain one-at-a-time plan (`concurrency: 1`) finds, attributed to the
 * same checks and bodies. Latency is simulated with the bench's delaying proxy, to let reordered or
 * overlapping requests race; no test here looks at a clock.
 */
import { describe, expect, it } from "vitest";
import { startDelayingProxy } from "../../bench/delaying-proxy.js";
import { catalog } from "../../src/conformance/catalog.js";
import { CONCURRENT_FIELDS_CHECK_ID } from "../../src/conformance/checks/concurrent-fields.js";
import { GENERATED_CHECK_ID } from "../../src/conformance/generated/check.js";
import { targetFromProvider } from "../../src/conformance/prepare.js";
import { runChecks } from "../../src/conformance/runner.js";
import { HttpTransport } from "../../src/http/transport.js";
import { BASE_PATH, startProvider } from "../../src/provider/server.js";
import { specValidators } from "../../src/validation/validators.js";
import { faults } from "../support/fault-gallery.js";
import { findingLines, GALLERY_SEED, runAgainst } from "../support/run-against.js";

/** Short, to keep CI short; the jitter lets requests sent together reach the server in any order. */
const LATENCY_MS = 10;
const JITTER_MS = 10;

describe("the request plan against the correct provider, behind a delaying proxy", () => {
  it("never has two PATCHes in flight that the API applies, yet sends refused probes together", async () => {
    const provider = await startProvider();
    const proxy = await startDelayingProxy(new URL(provider.baseUrl).origin, LATENCY_MS, JITTER_MS);
    const baseUrl = `${proxy.origin}${BASE_PATH}`;
    const transport = new HttpTransport({ baseUrl, timeoutMs: 5_000, connections: 16 });
    try {
      const validators = specValidators();
      const result = await runChecks({
        target: { ...targetFromProvider(provider), baseUrl },
        transport,
        validators,
        spec: validators.spec,
        generated: { seed: GALLERY_SEED, runs: 30 },
        // The one exception, sending two applied PATCHes at once by design, is proven in concurrent-fields.test.ts.
        checks: catalog.filter((check) => check.id !== CONCURRENT_FIELDS_CHECK_ID),
      });
      expect(findingLines(result)).toEqual([]);
      const patches = proxy.log.filter((entry) => entry.method === "PATCH");
      const overlap = (a: (typeof patches)[number], b: (typeof patches)[number]) => a.startMs < b.endMs && b.startMs < a.endMs;
      const applied = patches.filter((entry) => entry.status === 200);
      const refused = patches.filter((entry) => entry.status !== 200);
      expect(applied.length).toBeGreaterThan(10);
      const appliedTogether = applied.flatMap((a, i) => applied.slice(i + 1).filter((b) => overlap(a, b)));
      expect(appliedTogether).toEqual([]);
      expect(refused.some((a, i) => refused.slice(i + 1).some((b) => overlap(a, b)))).toBe(true);
    } finally {
      await transport.close();
      await proxy.close();
      await provider.close();
    }
  });
});

const handWritten = catalog.filter((check) => check.id !== GENERATED_CHECK_ID);

/** The faults a batched or reordered plan could hide, and the checks to run (the whole catalog where shrinking stays short). */
const hideable: { fault: string; checks?: typeof handWritten }[] = [
  { fault: "a refused PATCH still stores a valid name it carries" },
  { fault: "a rejected PATCH is partly applied", checks: handWritten },
  { fault: "an update is answered but not stored" },
  { fault: "the first GET after an update returns the organization as it was before the update" },
];

describe(`faults a batched or reordered plan could hide, at ${LATENCY_MS}–${LATENCY_MS + JITTER_MS} ms a request`, () => {
  it.each(hideable.map(({ fault, checks }) => [fault, checks] as const))(
    "finds exactly what the one-at-a-time plan finds where %s",
    async (name, checks) => {
      const fault = faults.find((candidate) => candidate.name === name);
      if (fault === undefined) throw new Error(`no fault named ${name}`);
      const plain = await runAgainst(fault.options, fault.timeoutMs, checks, { concurrency: 1 });
      const planned = await runAgainst(fault.options, fault.timeoutMs, checks, { latencyMs: LATENCY_MS, jitterMs: JITTER_MS });
      expect(findingLines(plain).length).toBeGreaterThan(0);
      // As in the gallery: the concurrent-fields check's two PATCHes land in either order (one at a time they go one
      // after the other), so which field its finding names depends on the arrival order the jitter draws.
      const compared = (run: typeof plain) => findingLines(run).filter((line) => !line.startsWith(`${CONCURRENT_FIELDS_CHECK_ID}: `));
      expect(compared(planned)).toEqual(compared(plain));
    },
    180_000,
  );
});

// Without latency, every fault of the gallery is compared between the two plans where the gallery runs it
// (tests/conformance/gallery.test.ts), so each fault costs one more run, not two.
