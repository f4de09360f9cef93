/**
 * `patch-generated-bodies`: property-based PATCH testing. fast-check generates bodies (arbitraries.ts),
 * each is sent to the org under test, and the oracle (oracle.ts) says what must happen: 200 with
 * exactly the values sent, in the response and a following GET; or 400 with the org unchanged; never
 * a 5xx. A failure is shrunk to a minimal body, reported with the seed that replays it.
 */
import { isDeepStrictEqual } from "node:util";
import fc from "fast-check";
import { CONFORMANCE_COMMAND } from "../../launch.js";
import { preview } from "../../validation/problems.js";
import type { Check } from "../check.js";
import type { CheckContext, GeneratedRun } from "../context.js";
import { InfrastructureAnswered } from "../infrastructure.js";
import { classed } from "../input-class.js";
import { budgetLatency, cutNote, fitToBudget, type LatencyBudget } from "../latency-budget.js";
import { Interrupted, throwIfInterrupted } from "../safety/interrupt.js";
import { patchBody } from "./arbitraries.js";
import { judgeBody, type Observation, observe } from "./observation.js";
import { observeBodies, trialOf } from "./plan.js";
import { fieldByField, otherTextField } from "./twin-fields.js";

export const GENERATED_CHECK_ID = "patch-generated-bodies";

/** Wall-clock cap on generation plus shrinking, so a slow live API still ends the run. */
const TIME_LIMIT_MS = 50_000;

/** The fewest bodies the budget leaves, at any latency: tests/conformance/generated-budget.test.ts runs the gallery with them (two faults are then found by their hand-written check only). */
export const MIN_BUDGET_BODIES = 60;

/**
 * The latency budget: on a slow API fewer bodies are sent, so that their waits take about 10 s. A
 * body waits on the target 1.15 times on average (measured with the default seed: 100 bodies,
 * 113 waits; an accepted body is a PATCH and its read-back, the rejected ones go out together), so up
 * to about 85 ms --runs 100 is never cut, at 100 ms the budget sends 86, and from about 145 ms on it
 * sends the floor, 60. The bodies sent are the first of those fast-check generates for --runs with the
 * seed, so the seed still replays them.
 */
const BUDGET: LatencyBudget = { budgetMs: 10_000, waitsPerUnit: 1.15, floor: MIN_BUDGET_BODIES };

/** Bodies for a run: pinned by --generated-bodies, else --runs, cut to the budget on a slow API. */
export function bodyCount(generated: GeneratedRun, latencyMs: number | undefined): { bodies: number; cut: boolean } {
  if (generated.generatedBodies !== undefined) return { bodies: Math.min(generated.generatedBodies, generated.runs), cut: false };
  const { count, cut } = fitToBudget(generated.runs, BUDGET, latencyMs);
  return { bodies: count, cut };
}

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
    const { generated } = ctx.services;
    const { seed, runs } = generated;
    const latencyMs = budgetLatency(ctx);
    const { bodies: count, cut } = bodyCount(generated, latencyMs);
    if (cut) generated.generatedBodies = count; // the run's replay line pins the count that ran
    if (runs === 0 || count === 0) return ctx.note("generated bodies: none sent (--runs 0 or --generated-bodies 0)");
    const started = performance.now();
    // A description to keep: name-only bodies must leave it as it is.
    const sendBaseline = async () => {
      await ctx.patch(ctx.orgId, { json: { description: "conformance: generated-body baseline" } });
    };
    // The bodies fast-check will try, in order, so the request plan can observe them with fewer waits.
    const bodies = await generatedBodies(seed, count);
    const planned = await plannedObservations(ctx, bodies, sendBaseline, started + TIME_LIMIT_MS);
    let trialCouldNotJudge: string | undefined;
    // The infrastructure answered a trial (a gateway's page, a 429): nothing about the API, and no body to blame.
    let infrastructure: InfrastructureAnswered | undefined;
    let lastFailure: { body: unknown; findings: CheckContext["findings"] } | undefined;
    let shrinkTrials = 0;
    let tried = 0;
    const { signal, validators } = ctx.services;
    const property = fc.asyncProperty(patchBody, async (generated) => {
      const body = JSON.parse(JSON.stringify(generated)) as unknown;
      const index = tried++;
      // Observed ahead by the request plan (it stops at the first body that does not pass): no request now.
      const seen = index < planned.length && isDeepStrictEqual(body, bodies[index]) ? planned[index] : undefined;
      // An interrupting precondition failure ends generation and shrinking at once (no further
      // run, no shrink step), where a thrown error would count as a failure and start shrinking.
      if (signal?.aborted && seen === undefined) throw new fc.PreconditionFailure(true);
      if (lastFailure !== undefined && ++shrinkTrials > SHRINK_TRIALS) throw new fc.PreconditionFailure(true);
      // Once the org cannot be read cleanly no body can be judged, so send nothing more. Such a trial
      // counts as "failing" without a finding of its own: fast-check then stops at once (every shrink
      // candidate fails the same way) instead of trying shrink candidates until the time limit, and only
      // a real failure (lastFailure) is ever reported.
      if (trialCouldNotJudge !== undefined) return false;
      const trial = trialOf(ctx);
      if (seen !== undefined) {
        trial.findings.push(...seen.own);
        judgeBody(trial, body, seen, validators);
      } else {
        try {
          judgeBody(trial, body, await observe(trial, body), validators);
        } catch (error) {
          if (error instanceof Interrupted) throw new fc.PreconditionFailure(true);
          // Ends generation and shrinking at once, as an interruption does: no "minimal failing body" of the gateway's making.
          if (error instanceof InfrastructureAnswered) {
            infrastructure ??= error;
            throw new fc.PreconditionFailure(true);
          }
          throw error;
        } finally {
          ctx.requests += trial.requests;
        }
      }
      trialCouldNotJudge ??= trial.cannotJudge;
      if (trial.cannotJudge !== undefined && trial.findings.length === 0) return false;
      if (trial.findings.length === 0) return true;
      lastFailure = { body: generated, findings: trial.findings };
      return false;
    });
    const details = await fc.check(property, {
      seed,
      numRuns: count,
      interruptAfterTimeLimit: Math.max(1, TIME_LIMIT_MS - (performance.now() - started)),
      markInterruptAsFailure: false,
    });
    const pinned = generated.generatedBodies === undefined ? "" : ` --generated-bodies ${generated.generatedBodies}`;
    const replay = `--seed ${seed} --runs ${runs}${pinned}`;
    const why = cut ? cutNote(runs, latencyMs) : "";
    ctx.note(
      `generated bodies: ${details.numRuns} sent${why}, ${details.numShrinks} shrink steps, seed ${seed} (replay: ${CONFORMANCE_COMMAND} ${replay})`,
    );
    if (trialCouldNotJudge !== undefined) ctx.couldNotJudge(trialCouldNotJudge);
    // A body that failed before the gateway answered is the API's own failure; otherwise the check did not run.
    if (infrastructure !== undefined && lastFailure === undefined) throw infrastructure;
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
      const shown = interrupted ? lastFailure.findings : await fieldByField(ctx, lastFailure.body, lastFailure.findings);
      ctx.findings.push(...shown);
      if (!interrupted) ctx.findings.push(...(await otherTextField(ctx, lastFailure.body, shown)));
      // One summary per failure whatever the seed; it reproduces by the counterexample's own PATCH, like the findings it showed.
      const reproduce = lastFailure.findings.find((f) => f.reproduce !== undefined)?.reproduce;
      classed(
        ctx,
        "the minimal failing body",
        () =>
          ctx.fail(undefined, {
            code: "generated-counterexample",
            expected: "every generated body handled as the rules say",
            actual: `${which} ${preview(lastFailure?.body, 300)} (seed ${seed}, path ${details.counterexamplePath ?? "?"}; replay with ${replay})`,
          }),
        reproduce === undefined ? {} : { reproduce },
      );
    }
    throwIfInterrupted(signal);
  },
};

/**
 * The plan's observations (none when it has no plan: then the baseline is sent and every body goes
 * live). Interrupted while planning, nothing planned has failed yet (the plan stops at the first
 * failure), so the property starts live and stops at once on the signal.
 */
async function plannedObservations(
  ctx: CheckContext,
  bodies: readonly unknown[],
  sendBaseline: () => Promise<void>,
  deadline: number,
): Promise<Observation[]> {
  try {
    return (await observeBodies(ctx, bodies, sendBaseline, deadline)) ?? [];
  } catch (error) {
    if (error instanceof Interrupted) return [];
    throw error;
  }
}

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
