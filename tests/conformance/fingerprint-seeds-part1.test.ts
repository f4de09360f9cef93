/**
 * issue 26: findings from the generated bodies and the model-based run got a new fingerprint whenever the
 * seed changed ("2 new, 2 fixed, 15 unchanged" night after night for one bug; accepted in known-issues.json,
 * "stale" the next night; 17 findings one night, 16 the next). Over 10 seeds, on every gallery fault those
 * two checks catch, each check names the bug with the same fingerprints whatever the seed.
 *
 * Whether a random run meets a bug at all also depends on the seed (the generated bodies send an empty
 * body with some seeds only): that is detection, not naming, so the sets are compared across the seeds on
 * which the check caught the fault, and each check must catch it with the gallery's seed (the gallery's own
 * expectation) and with most of the seeds, so the comparison is never empty.
 */
import { describe, expect, it } from "vitest";
import { catalog } from "../../src/conformance/catalog.js";
import { GENERATED_CHECK_ID } from "../../src/conformance/generated/check.js";
import { faults } from "../support/fault-gallery.js";
import { describeFingerprintSeeds } from "../support/fingerprint-seeds.js";
import { runAgainst } from "../support/run-against.js";

describeFingerprintSeeds(1, 4);

describe("the counterexample of the generated bodies", () => {
  // issue 26: the README says every finding has a reproduction; the counterexample had none.
  it("reproduces by its own PATCH, as the findings it showed do", async () => {
    const fault = faults.find((f) => f.name === "a control character in the name crashes the server (500)");
    const checks = catalog.filter((check) => check.id === GENERATED_CHECK_ID);
    const result = await runAgainst(fault?.options, undefined, checks);
    const found = result.checks.find((check) => check.id === GENERATED_CHECK_ID)?.findings ?? [];
    const summary = found.find((f) => f.code === "generated-counterexample");
    const crash = found.find((f) => f.code === "generated-5xx");
    expect(summary?.reproduce?.curl).toContain("-X PATCH");
    expect(summary?.reproduce).toEqual(crash?.reproduce);
  });
});
