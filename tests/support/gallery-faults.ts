/**
 * The fault gallery's main proof, in parts: each broken rule is caught by the check named after it, and by no
 * other, and the request plan finds exactly what one request at a time finds. A part per test file
 * (tests/conformance/gallery-faults-part*.test.ts), so that vitest's workers run them side by side: each fault
 * is a whole catalog run, CPU-bound, and the gallery in one file was the longest file of `npm test`.
 */
import { describe, expect, it } from "vitest";
import { CONCURRENT_FIELDS_CHECK_ID } from "../../src/conformance/checks/concurrent-fields.js";
import { MODEL_CHECK_ID } from "../../src/conformance/model/check.js";
import { faults } from "./fault-gallery.js";
import { part } from "./parts.js";
import { findingCodes, findingLines, runAgainst } from "./run-against.js";

/** Declares the gallery's faults of part `index` (1-based) of `count`. */
export function describeFaultGallery(index: number, count: number): void {
  describe(`the fault gallery (part ${index} of ${count}): each broken rule is caught by the check named after it, and by no other`, () => {
    it.each(part(faults, index, count).map((fault) => [fault.name, fault] as const))(
      "catches a provider where %s, and the request plan finds exactly what one request at a time finds",
      async (_name, fault) => {
        const result = await runAgainst(fault.options, fault.timeoutMs);
        // Exactly the rules the fault breaks: a fault that trips unrelated rules is a failing test. The model-based
        // run is the one oracle over every rule: it may or may not meet a given fault within its bounded random
        // sequences (tests/conformance/model.test.ts proves it on the faults only sequences expose), so it is left
        // out of the comparisons.
        const targeted = (codes: Iterable<string>) => [...new Set(codes)].filter((code) => code !== MODEL_CHECK_ID).sort();
        expect(targeted(findingCodes(result))).toEqual(targeted(fault.expect));
        const failing = result.checks.filter((c) => c.outcome === "fail").map((c) => c.id);
        expect([...new Set(failing)].sort(), "a check fails only for its own rule").toEqual(
          [...new Set(result.checks.filter((c) => c.findings.length > 0).map((c) => c.id))].sort(),
        );
        // The request plan (the default) against the plain plan, finding for finding (same checks, bodies,
        // counterexamples). A server that never answers completes no request, so there is no plan to compare.
        if (fault.timeoutMs !== undefined) return;
        const plain = await runAgainst(fault.options, fault.timeoutMs, undefined, { concurrency: 1 });
        // Compared as findings, not occurrences: the invariants count every answer they see, and the plan reads less.
        // The concurrent-fields check needs two PATCHes in flight at once: one request at a time it sends them one
        // after the other (the same writes), so it finds what a sequence finds, and never a lost update.
        const apart = [MODEL_CHECK_ID, CONCURRENT_FIELDS_CHECK_ID].map((id) => `${id}: `);
        const lines = (run: typeof result) => [...new Set(findingLines(run).filter((line) => !apart.some((id) => line.startsWith(id))))];
        expect(lines(result)).toEqual(lines(plain));
        expect(plain.checks.find((check) => check.id === CONCURRENT_FIELDS_CHECK_ID)?.outcome).not.toBe("pass");
      },
      120_000,
    );
  });
}
