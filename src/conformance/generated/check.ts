/**
 * `patch-generated-bodies`: property-based PATCH testing. fast-check generates bodies (arbitraries.ts),
 * each is sent to the org under test, and the oracle (oracle.ts) says what must happen: 200 with
 * exactly the values sent, in the response and a following GET; or 400 with the org unchanged; never
 * a 5xx. A failure is shrunk to a minimal body, reported with the seed that replays it.
 */
import { isDeepStrictEqual } from "node:util";
import fc from "fast-check";
import type { Organization } from "../../spec/types.js";
import { preview } from "../../validation/problems.js";
import type { Check } from "../check.js";
import { RESPONSE_EQUALS_GET, readOrg } from "../checks/patch-support.js";
import { CheckContext, describeValue } from "../context.js";
import { Interrupted, throwIfInterrupted } from "../safety/interrupt.js";
import { patchBody } from "./arbitraries.js";
import { judge } from "./oracle.js";

export const GENERATED_CHECK_ID = "patch-generated-bodies";

/** Wall-clock cap on generation plus shrinking, so a slow live API still ends the run. */
const TIME_LIMIT_MS = 50_000;

/**
 * Shrink candidates tried after the first failure. A long rejected text shrinks one character at a time
 * through candidates that become valid (and pass), each costing three requests: without a budget one
 * failure could spend the whole time limit (thousands of requests) and still end unshrunk.
 */
const SHRINK_TRIALS = 100;

export const generatedBodiesCheck: Check = {
  id: GENERATED_CHECK_ID,
  title: "Generated PATCH bodies get 200 with exactly the values sent, or 400 with the org unchanged, never a 5xx",
  operationId: "updateOrganization",
  phase: "write",
  requires: ["org", "writes"],
  async run(ctx) {
    const { seed, runs } = ctx.services.generated;
    if (runs === 0) return ctx.note("generated bodies: --runs 0, none sent");
    // A description to keep: name-only bodies must leave it as it is.
    await ctx.patch(ctx.orgId, { json: { description: "conformance: generated-body baseline" } });
    let trialCouldNotJudge: string | undefined;
    let lastFailure: { body: unknown; findings: CheckContext["findings"] } | undefined;
    let shrinkTrials = 0;
    const { signal } = ctx.services;
    const property = fc.asyncProperty(patchBody, async (body) => {
      // An interrupting precondition failure ends generation and shrinking at once (no further
      // run, no shrink step), where a thrown error would count as a failure and start shrinking.
      if (signal?.aborted) throw new fc.PreconditionFailure(true);
      if (lastFailure !== undefined && ++shrinkTrials > SHRINK_TRIALS) throw new fc.PreconditionFailure(true);
      // Once the org cannot be read cleanly no body can be judged, so send nothing more. Such a trial
      // counts as "failing" without a finding of its own: fast-check then stops at once (every shrink
      // candidate fails the same way) instead of trying shrink candidates until the time limit, and only
      // a real failure (lastFailure) is ever reported.
      if (trialCouldNotJudge !== undefined) return false;
      const trial = new CheckContext(generatedBodiesCheck, ctx.services);
      try {
        await tryBody(trial, JSON.parse(JSON.stringify(body)) as unknown);
      } catch (error) {
        if (error instanceof Interrupted) throw new fc.PreconditionFailure(true);
        throw error;
      } finally {
        ctx.requests += trial.requests;
      }
      trialCouldNotJudge ??= trial.cannotJudge;
      if (trial.cannotJudge !== undefined && trial.findings.length === 0) return false;
      if (trial.findings.length === 0) return true;
      lastFailure = { body, findings: trial.findings };
      return false;
    });
    const details = await fc.check(property, {
      seed,
      numRuns: runs,
      interruptAfterTimeLimit: TIME_LIMIT_MS,
      markInterruptAsFailure: false,
    });
    const replay = `--seed ${seed} --runs ${runs}`;
    ctx.note(
      `generated bodies: ${details.numRuns} sent, ${details.numShrinks} shrink steps, seed ${seed} (replay: npm run conformance -- ${replay})`,
    );
    if (trialCouldNotJudge !== undefined) ctx.couldNotJudge(trialCouldNotJudge);
    const interrupted = signal?.aborted === true;
    if (lastFailure !== undefined && (details.failed || details.interrupted)) {
      // A failure found before the signal (or the shrink budget) is real and reported, though its shrinking was cut short.
      const which = interrupted
        ? "failing body (not shrunk: the run was interrupted)"
        : details.failed
          ? "minimal failing body"
          : shrinkTrials > SHRINK_TRIALS
            ? `failing body (shrinking stopped after ${SHRINK_TRIALS} candidates)`
            : "failing body (shrinking stopped at the time limit)";
      ctx.findings.push(...lastFailure.findings);
      ctx.fail(undefined, {
        code: "generated-counterexample",
        expected: "every generated body handled as the rules say",
        actual: `${which} ${preview(lastFailure.body, 300)} (seed ${seed}, path ${details.counterexamplePath ?? "?"}; replay with ${replay})`,
      });
    }
    throwIfInterrupted(signal);
  },
};

async function tryBody(ctx: CheckContext, body: unknown): Promise<void> {
  const before = await readOrg(ctx);
  // An org that cannot be read cleanly is the every-response rules' finding; this check cannot judge.
  if (before === undefined) return ctx.couldNotJudge("the organization could not be read cleanly (see the every-response findings)");
  const verdict = judge(body, before, ctx.services.validators);
  const response = await ctx.patch(ctx.orgId, { json: body });
  if (response.status !== undefined && response.status >= 500) {
    return ctx.fail(response, {
      code: "generated-5xx",
      expected: `status ${verdict.accept ? 200 : 400}`,
      actual: `status ${response.status} for ${preview(body, 120)}`,
    });
  }
  const allowed = verdict.accept ? (verdict.mayRefuse ? [200, 400] : [200]) : [400];
  if (!ctx.expectStatus(response, allowed)) return;
  const after = await readOrg(ctx);
  if (!ctx.usable(response) || after === undefined) return;
  if (response.status === 200 && verdict.accept) {
    // Stored right but answered wrong is the response's own rule, not a broken update rule.
    const seen = ctx.findings.length;
    expectOrg(ctx, after, verdict.expected, "in a following GET: ", response);
    const storedRight = ctx.findings.length === seen;
    expectOrg(ctx, response.body as Organization, verdict.expected, "", response, storedRight ? RESPONSE_EQUALS_GET : undefined);
  } else {
    expectOrg(ctx, after, before, "unchanged after a rejected PATCH: ", response, "rejected-patch-changed-org");
  }
}

/** Exact equality of every field (no trimming, escaping or normalising); a cleared description may be "". */
function expectOrg(
  ctx: CheckContext,
  actual: Organization,
  expected: Organization,
  what: string,
  response: Parameters<CheckContext["fail"]>[0],
  code?: string,
): void {
  const fields = new Set([...Object.keys(expected), ...Object.keys(actual)]);
  for (const field of fields) {
    const got = (actual as Record<string, unknown>)[field];
    const want = (expected as Record<string, unknown>)[field];
    if (isDeepStrictEqual(got, want) || (field === "description" && want === undefined && got === "")) continue;
    if (!(field in expected) && field !== "description" && field !== "name") continue; // extra properties are allowed
    ctx.fail(response, { code, pointer: `/${field}`, expected: `${what}${describeValue(want)}`, actual: describeValue(got) });
  }
}
