/**
 * `patch-generated-bodies`: property-based PATCH testing. fast-check generates bodies (arbitraries.ts),
 * each is sent to the org under test, and the oracle (oracle.ts) says what must happen: 200 with
 * exactly the values sent, in the response and a following GET; or 400 with the org unchanged; never
 * a 5xx. A failure is shrunk to a minimal body, reported with the seed that replays it.
 */
import { isDeepStrictEqual } from "node:util";
import fc from "fast-check";
import { preview } from "../../validation/problems.js";
import type { Check } from "../check.js";
import type { CheckContext } from "../context.js";
import { patchBody } from "./arbitraries.js";
import { judgeBody, observe } from "./observation.js";
import { observeBodies, trialOf } from "./plan.js";

export const GENERATED_CHECK_ID = "patch-generated-bodies";

/** Wall-clock cap on generation plus shrinking, so a slow live API still ends the run. */
const TIME_LIMIT_MS = 50_000;

export const generatedBodiesCheck: Check = {
  id: GENERATED_CHECK_ID,
  title: "Generated PATCH bodies get 200 with exactly the values sent, or 400 with the org unchanged, never a 5xx",
  operationId: "updateOrganization",
  phase: "write",
  requires: ["org", "writes"],
  async run(ctx) {
    const { seed, runs } = ctx.services.generated;
    if (runs === 0) return ctx.note("generated bodies: --runs 0, none sent");
    const started = performance.now();
    // A description to keep: name-only bodies must leave it as it is.
    const sendBaseline = async () => {
      await ctx.patch(ctx.orgId, { json: { description: "conformance: generated-body baseline" } });
    };
    // The bodies fast-check will try, in order, so the request plan can observe them with fewer waits.
    const bodies = await generatedBodies(seed, runs);
    const planned = (await observeBodies(ctx, bodies, sendBaseline, started + TIME_LIMIT_MS)) ?? [];
    let lastFailure: { body: unknown; findings: CheckContext["findings"] } | undefined;
    let tried = 0;
    const property = fc.asyncProperty(patchBody, async (generated) => {
      const body = JSON.parse(JSON.stringify(generated)) as unknown;
      const trial = trialOf(ctx);
      const seen = planned[tried];
      tried += 1;
      if (seen !== undefined && isDeepStrictEqual(body, bodies[tried - 1])) {
        trial.findings.push(...seen.inspected);
        judgeBody(trial, body, seen, ctx.services.validators);
      } else {
        judgeBody(trial, body, await observe(trial, body), ctx.services.validators);
        ctx.requests += trial.requests;
      }
      if (trial.findings.length === 0) return true;
      lastFailure = { body: generated, findings: trial.findings };
      return false;
    });
    const details = await fc.check(property, {
      seed,
      numRuns: runs,
      interruptAfterTimeLimit: Math.max(1, TIME_LIMIT_MS - (performance.now() - started)),
      markInterruptAsFailure: false,
    });
    const replay = `--seed ${seed} --runs ${runs}`;
    ctx.note(
      `generated bodies: ${details.numRuns} sent, ${details.numShrinks} shrink steps, seed ${seed} (replay: npm run conformance -- ${replay})`,
    );
    if (!details.failed || lastFailure === undefined) return;
    ctx.findings.push(...lastFailure.findings);
    ctx.fail(undefined, {
      code: "generated-counterexample",
      expected: "every generated body handled as the rules say",
      actual: `minimal failing body ${preview(lastFailure.body, 300)} (seed ${seed}, path ${details.counterexamplePath ?? "?"}; replay with ${replay})`,
    });
  },
};

/** The bodies `fc.check` generates for this seed and count, in order (a dry run: generation only, nothing sent). */
export async function generatedBodies(seed: number, runs: number): Promise<unknown[]> {
  const bodies: unknown[] = [];
  await fc.check(
    fc.asyncProperty(patchBody, async (body) => {
      bodies.push(JSON.parse(JSON.stringify(body)));
      return true;
    }),
    { seed, numRuns: runs },
  );
  return bodies;
}
