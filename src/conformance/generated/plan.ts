/**
 * The request plan of the generated bodies: the same observations as sending them one at a time
 * (GET, PATCH, GET each), with fewer waits.
 *
 * - Bodies the rules reject change nothing on a correct API, wherever they come in the sequence. So,
 *   before the sequence starts, they all go out at once (at most `concurrency` in flight), and one GET
 *   proves the org unchanged for all of them. In the sequence, each then stands for what sending it
 *   alone there would show: its own response and the org unchanged.
 * - Bodies the rules accept go one at a time, each read back before the next; that read is also the
 *   next body's "before" (two GETs with no write between them read the same org).
 * - A body that could put a field back to its current value (plan.ts `mayRestore`) would hide another
 *   body's change, so it is not batched: it goes alone in the sequence.
 *
 * The plan stops at the first body that fails, with that body's observation exactly as the one-at-a-
 * time plan would have it. If the batch shows anything wrong (a status, an unclean response, a changed
 * org), the org is put back and the whole sequence is observed one at a time instead: a wrong change
 * is still caught, and attributed to the body that made it. What the every-response rules find in the
 * plan's own requests (the reads around the batch, the batch itself) is held back and kept only when
 * the batch stands: when the sequence is observed one at a time, those requests are sent again there.
 */
import type { Organization } from "../../spec/types.js";
import { readOrg } from "../checks/patch-support.js";
import { CheckContext, type RunServices } from "../context.js";
import { concurrencyOf, heldBack, heldClean, inParallel, mayRestore, sameOrg, settle } from "../plan.js";
import { judgeBody, type Observation, observe } from "./observation.js";
import { judge } from "./oracle.js";

interface Batched {
  index: number;
  seen: Observation;
}

/**
 * Observations of `bodies` in order, up to and including the first failing one (or the deadline).
 * `sendBaseline` is the check's set-up PATCH, sent after the batch and before the sequence, where the
 * one-at-a-time plan sends it. Returns undefined when nothing can be planned (the caller goes live).
 */
export async function observeBodies(
  ctx: CheckContext,
  bodies: readonly unknown[],
  sendBaseline: () => Promise<void>,
  deadline: number,
): Promise<Observation[] | undefined> {
  const concurrency = concurrencyOf(ctx.services);
  if (concurrency < 2) {
    await sendBaseline();
    return undefined;
  }
  const held = heldBack(ctx.services);
  const planCtx = new CheckContext({ id: "request-plan", operationId: "updateOrganization" }, held);
  const start = await readOrg(planCtx);
  if (start === undefined) {
    settle(held, ctx.services, false);
    await sendBaseline();
    return undefined;
  }
  const batched = await sendRejected(ctx, planCtx, held, bodies, start, concurrency);
  await sendBaseline();
  return walk(ctx, bodies, batched, deadline);
}

/** The rejected, non-restoring bodies at once, then one read; none when anything looked wrong. */
async function sendRejected(
  ctx: CheckContext,
  planCtx: CheckContext,
  held: RunServices,
  bodies: readonly unknown[],
  start: Organization,
  concurrency: number,
): Promise<Map<number, Batched>> {
  const validators = ctx.services.validators;
  const indexes = bodies.flatMap((body, index) =>
    !judge(body, start, validators).accept && !mayRestore({ json: body }, start) ? [index] : [],
  );
  const sent = await inParallel(indexes, concurrency, async (index): Promise<Batched> => {
    const trial = new CheckContext({ id: ctx.checkId, operationId: "updateOrganization" }, held);
    const response = await trial.patch(trial.orgId, { json: bodies[index] });
    ctx.requests += trial.requests;
    return { index, seen: { before: start, response, after: start, own: trial.findings } };
  });
  const after = await readOrg(planCtx);
  const clean = sent.every(({ seen }) => seen.own.length === 0 && seen.response?.status === 400 && seen.response.clean);
  const stands = clean && sameOrg(start, after) && heldClean(held);
  if (!stands && !sameOrg(start, after)) {
    // Put the org back, and read it once, so the one-at-a-time sequence starts where it would have.
    await planCtx.patch(planCtx.orgId, { json: { name: start.name, description: start.description ?? "" } });
    await readOrg(planCtx);
  }
  settle(held, ctx.services, stands);
  return stands ? new Map(sent.map((entry) => [entry.index, entry])) : new Map();
}

async function walk(
  ctx: CheckContext,
  bodies: readonly unknown[],
  batched: Map<number, Batched>,
  deadline: number,
): Promise<Observation[]> {
  const seen: Observation[] = [];
  let known: Organization | undefined;
  for (const [index, body] of bodies.entries()) {
    if (performance.now() > deadline) break;
    const trial = trialOf(ctx);
    const early = batched.get(index);
    const observation = early ? await standIn(trial, early.seen, known) : await observe(trial, body, known);
    ctx.requests += trial.requests;
    seen.push(observation);
    const judged = trialOf(ctx);
    judged.findings.push(...observation.own);
    judgeBody(judged, body, observation, ctx.services.validators);
    // The first body that does not pass (a finding, or it could not be judged): fast-check takes over.
    if (judged.findings.length > 0 || judged.cannotJudge !== undefined) break;
    known = observation.after;
  }
  return seen;
}

/** What sending a batched rejected body alone here would show: its response, and the org as it is (read if not known). */
async function standIn(trial: CheckContext, batched: Observation, known: Organization | undefined): Promise<Observation> {
  const before = known ?? (await readOrg(trial));
  if (before === undefined) return { own: trial.findings };
  return { ...batched, before, after: before, own: [...trial.findings, ...batched.own] };
}

/** A context for one body, so its findings are its own. */
export function trialOf(ctx: CheckContext): CheckContext {
  return new CheckContext({ id: ctx.checkId, operationId: "updateOrganization" }, ctx.services);
}
