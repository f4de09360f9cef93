/**
 * Proof for the generated bodies' latency budget (src/conformance/generated/check.ts): a slow API gets
 * fewer bodies, the count is printed and pinned in the replay line, the pinned count replays the same
 * requests on a fast target, and what the budget's fewest bodies give up on the gallery is exactly known.
 */
import { describe, expect, it } from "vitest";
import { bodyCount, GENERATED_CHECK_ID, generatedBodiesCheck, MIN_BUDGET_BODIES } from "../../src/conformance/generated/check.js";
import { MODEL_CHECK_ID } from "../../src/conformance/model/check.js";
import { faults } from "../support/fault-gallery.js";
import { findingCodes, GALLERY_SEED, runAgainst } from "../support/run-against.js";
import { cutThenReplayed } from "../support/run-with-personas.js";

/**
 * Gallery faults the generated bodies catch with the gallery seed only after the budget's fewest bodies
 * (measured with the gallery seed: the array name from body 76 to 80), and the hand-written check that finds it
 * whatever the budget.
 */
const CAUGHT_LATER: Record<string, string> = {
  "a numeric name is coerced to a string": "patch-name-number",
  "an array name is accepted as its first element": "patch-name-array",
};

/** What the generated bodies' check raises when it catches a fault. */
const GENERATED_CODES = ["generated-counterexample", GENERATED_CHECK_ID];

describe("the generated bodies' latency budget", () => {
  it("is --runs up to about 100 ms a request, fewer bodies above, never fewer than its floor, and a pinned count wins", () => {
    const generated = { seed: 1, runs: 100 };
    expect(bodyCount(generated, 0)).toEqual({ bodies: 100, cut: false });
    expect(bodyCount(generated, 80)).toEqual({ bodies: 100, cut: false });
    const at120 = bodyCount(generated, 120);
    expect(at120.cut).toBe(true);
    expect(at120.bodies).toBeLessThan(100);
    expect(bodyCount(generated, 150)).toEqual({ bodies: MIN_BUDGET_BODIES, cut: true });
    expect(bodyCount(generated, 2_000)).toEqual({ bodies: MIN_BUDGET_BODIES, cut: true });
    expect(bodyCount({ seed: 1, runs: 20 }, 2_000)).toEqual({ bodies: 20, cut: false });
    expect(bodyCount({ ...generated, generatedBodies: 7 }, 2_000)).toEqual({ bodies: 7, cut: false });
  });

  it("sends fewer bodies to a slow API, prints the count, and that count with the seed replays the same requests", async () => {
    const { cut, note, slow, fast } = await cutThenReplayed(generatedBodiesCheck);
    const [, count, pinned] =
      /generated bodies: (\d+) sent \(of 100: cut to the latency budget.*--generated-bodies (\d+)\)$/.exec(note) ?? [];
    expect(Number(count)).toBeLessThan(100);
    expect(pinned).toBe(count);
    expect(cut.generated).toEqual({ seed: GALLERY_SEED, runs: 100, generatedBodies: Number(count) });
    // The replay, on a fast target: the same requests.
    expect(fast).toEqual(slow);
  }, 120_000);

  const caughtByBodies = faults.filter((fault) => fault.expect.includes("generated-counterexample"));
  it.each(caughtByBodies.map((fault) => [fault.name, fault] as const))(
    "with the budget's fewest bodies, the gate still finds exactly its rules where %s (or knows which check alone does)",
    async (name, fault) => {
      const fewest = await runAgainst(fault.options, fault.timeoutMs, undefined, { generatedBodies: MIN_BUDGET_BODIES });
      // As in gallery.test.ts, the model-based run's random sequences are left out of the comparison.
      const targeted = (codes: Iterable<string>) => [...new Set(codes)].filter((code) => code !== MODEL_CHECK_ID).sort();
      const later = CAUGHT_LATER[name];
      const expected = fault.expect.filter((code) => later === undefined || !GENERATED_CODES.includes(code));
      expect(targeted(findingCodes(fewest))).toEqual(targeted(expected));
      // What the floor gives up there: the hand-written check still finds the fault.
      if (later !== undefined) expect(expected).toContain(later);
    },
  );
});
