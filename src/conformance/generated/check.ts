/**
 * `patch-generated-bodies`: property-based PATCH testing. fast-check generates bodies (arbitraries.ts),
 * each is sent to the org under test, and the oracle (oracle.ts) says what must happen: 200 with
 * exactly the values sent, in the response and a following GET; or 400 with the org unchanged; never
 * a 5xx. A failure is shrunk to a minimal body, reported with the seed that replays it.
 */
import { isDeepStrictEqual } from "node:util";
import fc from "fast-check";
import type { Finding } from "../../findings/finding.js";
import { CONFORMANCE_COMMAND } from "../../launch.js";
import { preview } from "../../validation/problems.js";
import type { Check } from "../check.js";
import type { CheckContext, GeneratedRun } from "../context.js";
import { classed } from "../input-class.js";
import { budgetLatency, cutNote, fitToBudget, type LatencyBudget } from "../latency-budget.js";
import { Interrupted, throwIfInterrupted } from "../safety/interrupt.js";
import { patchBody } from "./arbitraries.js";
import { judgeBody, judgeStatus, type Observation, observe } from "./observation.js";
import { judge } from "./oracle.js";
import { observeBodies, trialOf } from "./plan.js";

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

/** A refused body the server answered with a 2xx: what such a finding's class says (observation.ts `answeredClass`). */
const TAKEN = /^a body the rules refuse \((\/(?:name|description)) [^)]*\), answered 2/;

/**
 * A counterexample that breaks a rule in both name and description (`{ name: null, description: 7 }`) and
 * was taken: which of them the server let through is not known, and the class would name whichever sorts
 * first. Each field is sent alone, and what the server takes alone is reported in place of the pair,
 * the same finding as the seeds whose counterexample carried that field only. When neither is taken alone,
 * the pair's own finding stands.
 */
async function fieldByField(ctx: CheckContext, failing: unknown, shown: readonly Finding[]): Promise<Finding[]> {
  const body = failing as Record<string, unknown> | null;
  const taken = shown.filter((f) => TAKEN.test(f.inputClass ?? ""));
  if (taken.length === 0 || typeof body !== "object" || body === null) return [...shown];
  const before = { id: "", name: "", status: "active", referral_code: "" } as const;
  const refusedAlone = Object.keys(TWIN).filter(
    (field) => field in body && !judge({ [field]: body[field] }, before, ctx.services.validators).accept,
  );
  if (refusedAlone.length < 2) return [...shown];
  const alone: Finding[] = [];
  for (const field of refusedAlone) {
    const probe = { [field]: body[field] };
    const trial = trialOf(ctx);
    try {
      // The status alone: the org may be unreadable already (the pair stored a null name), and a refused body changes nothing to compare.
      judgeStatus(trial, await trial.patch(trial.orgId, { json: probe }), judge(probe, before, ctx.services.validators));
    } finally {
      ctx.requests += trial.requests;
    }
    alone.push(...trial.findings.filter((f) => TAKEN.test(f.inputClass ?? "")));
  }
  return alone.length === 0 ? [...shown] : [...shown.filter((f) => !taken.includes(f)), ...alone];
}

/** The two text fields, each the other's twin: the generated bodies draw both from the same characters. */
const TWIN: Record<string, string> = { name: "description", description: "name" };

/**
 * Which of name and description a minimal counterexample changes depends on the seed; a server that
 * mangles some text (normalises, escapes, answers stale) or takes a wrong value (null) usually does so in
 * both. So each text the failure shows mangled, and each refused value the server took, is sent once more
 * in the twin field alone, and the findings name every field the bug reaches, the same with every seed
 * that finds it. Sent only after a failure: a correct API gets no extra request.
 */
async function otherTextField(ctx: CheckContext, failing: unknown, shown: readonly Finding[]): Promise<Finding[]> {
  const body = failing as Record<string, unknown> | null;
  if (typeof body !== "object" || body === null) return [];
  // A text refused or mangled in its field: named by a finding at that field, or, for a wrong status, the one text field the body carried.
  const texts = Object.keys(TWIN).filter((field) => typeof body[field] === "string");
  const wrongStatus = shown.some((f) => f.inputClass?.startsWith("a body the rules accept, answered")) && texts.length === 1 ? texts : [];
  const mangled = new Set([
    ...shown.filter((f) => f.inputClass?.includes("carrying the field")).map((f) => f.pointer.slice(1)),
    ...wrongStatus,
  ]);
  // A value the rules refuse in a field (a null name) that the server took: the same value in the twin field.
  const taken = new Set(
    shown.flatMap((f) => /^a body the rules refuse \(\/(name|description) [^)]*\), answered 2/.exec(f.inputClass ?? "")?.[1] ?? []),
  );
  const found: Finding[] = [];
  for (const field of Object.keys(TWIN)) {
    const twin = TWIN[field] as string;
    const wrong = taken.has(field) && !taken.has(twin) ? { [twin]: body[field] } : undefined;
    const text = mangled.has(field) && !mangled.has(twin) && typeof body[field] === "string";
    if (wrong === undefined && !text) continue;
    const probe = wrong ?? twinProbe(ctx, twin, body[field] as string);
    const trial = trialOf(ctx);
    try {
      judgeBody(trial, probe, await observe(trial, probe), ctx.services.validators);
    } finally {
      ctx.requests += trial.requests;
    }
    found.push(...trial.findings);
  }
  return found;
}

/**
 * The failing text in the twin field; when the rules refuse it there (an empty name, a 150-character
 * name), a plain text instead: a bug that mangles any change (a stale answer) still shows, and one that
 * mangles only some text (normalising it) does not, the same with every seed.
 */
function twinProbe(ctx: CheckContext, twin: string, text: string): Record<string, string> {
  const same = { [twin]: text };
  const before = { id: "", name: "", status: "active", referral_code: "" } as const;
  if (judge(same, before, ctx.services.validators).accept) return same;
  return { [twin]: `conformance: ${twin} probe after a failing generated body` };
}

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
