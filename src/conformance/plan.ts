/**
 * The request plan of the write phase: which requests may be in flight together and which must wait.
 *
 * A PATCH that a correct API applies waits for everything before it and is read back before the next
 * one, so at most one of those is ever in flight. PATCHes that a correct API refuses change nothing,
 * so a run of consecutive refusal checks (`Check.refusedOnly`) is sent as one batch: every probe at
 * once (at most `concurrency` in flight), then one GET proves the org unchanged for all of them.
 * The batch is only a fast way to show that every member passes: when anything at all looks wrong
 * (a status, an unclean response, a changed org, a crash), the org is put back as it was before the
 * batch and every member runs again, one at a time, exactly as it would without batching. So the
 * findings, and the body they are attributed to, are those of the plain one-at-a-time plan.
 *
 * What the every-response rules find in the batch's requests is held back (`heldBack`) and kept only
 * when the batch stands; when it is replayed, the replay's own requests are the ones judged.
 *
 * What the shortcut assumes of the server, and why it holds the oracle exact:
 * - two GETs with no write between them read the same org (what "verified unchanged" means anyway);
 * - a body that might put a field back to its current value (`mayRestore`) could hide a change made
 *   by another body that landed before it, so it is never in flight with others: it gets its own GET.
 */
import { isDeepStrictEqual } from "node:util";
import type { Finding } from "../findings/finding.js";
import type { Organization } from "../spec/types.js";
import type { Check } from "./check.js";
import { CheckContext, type Observed, type PatchBody, RESPONSE_TIME_RULE, type RunServices } from "./context.js";
import { throwIfInterrupted } from "./safety/interrupt.js";

/** Reads and refused probes in flight at once (measured: see README "Speed"). */
export const DEFAULT_CONCURRENCY = 16;

/** Why a check that needs requests in flight together cannot judge under --concurrency 1 (said in the header and the skip). */
export const ONE_AT_A_TIME = "--concurrency 1 sends one request at a time";

export function concurrencyOf(services: Pick<RunServices, "concurrency">): number {
  return Math.max(1, services.concurrency ?? DEFAULT_CONCURRENCY);
}

/**
 * Runs `work` on every item, at most `limit` at a time, and returns the results in item order. When one
 * fails (an interruption, say), the others still settle before the first failure is thrown: nothing
 * started here is still in flight when the caller goes on (to the restore, for instance).
 */
export async function inParallel<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < items.length; index = next++) results[index] = await work(items[index] as T, index);
  };
  await settleAll(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Waits until every promise has settled, then throws the first failure in their order, if any. */
export async function settleAll(promises: readonly Promise<unknown>[]): Promise<void> {
  const settled = await Promise.allSettled(promises);
  const failed = settled.find((outcome): outcome is PromiseRejectedResult => outcome.status === "rejected");
  if (failed) throw failed.reason;
}

/**
 * Whether a body, wrongly applied, could set some field back to the value it has now: it carries a
 * current value (as a string anywhere in it, so a server coercing `["x"]` or `7` to a string counts),
 * or it could clear a description that is absent already. Such a body landing last would hide the
 * change of a body that landed before it.
 */
export function mayRestore(body: PatchBody, current: Organization): boolean {
  const text = "raw" in body ? body.raw : JSON.stringify(body.json);
  const values = Object.values(current).filter((value): value is string => typeof value === "string" && value !== "");
  if (values.some((value) => text.includes(value) || text.includes(JSON.stringify(value).slice(1, -1)))) return true;
  const description = "json" in body ? (body.json as { description?: unknown } | null)?.description : undefined;
  const absent = current.description === undefined || current.description === "";
  return absent && (description === "" || description === null);
}

/**
 * Services for the plan's tentative requests: the same run, but what the every-response rules find
 * is held back until `settle` says whether the plan's observations stand or are made again.
 */
export function heldBack(services: RunServices): RunServices {
  return { ...services, everyResponse: [] };
}

/** Whether the held-back requests broke no every-response rule (a slow response is no reason to replay). */
export function heldClean(held: RunServices): boolean {
  return held.everyResponse.every((found: Finding) => found.code === RESPONSE_TIME_RULE);
}

/**
 * Hands the held-back findings to the run: all of them when the plan's observations stand; only the
 * response times when they are made again (the rest would then be counted twice).
 */
export function settle(held: RunServices, run: RunServices, stands: boolean): void {
  run.everyResponse.push(...held.everyResponse.filter((found) => stands || found.code === RESPONSE_TIME_RULE));
  held.everyResponse.length = 0;
}

/** Two reads of the org that a correct API would return for the same state. */
export function sameOrg(a: Organization | undefined, b: Organization | undefined): boolean {
  return a !== undefined && b !== undefined && isDeepStrictEqual(a, b);
}

/**
 * Runs the write checks in order. Consecutive refusal checks run as one batch when more than one
 * probe may be in flight; everything else runs alone, as before. `run` gets each check and the
 * check as planned (the same check, or one taking part in a batch).
 */
export async function runWriteChecks(
  writes: readonly Check[],
  services: RunServices,
  run: (check: Check, planned: Check) => Promise<void>,
): Promise<void> {
  for (const group of groupRefusals(writes)) {
    if (group.length < 2 || concurrencyOf(services) < 2 || services.target.orgId === undefined) {
      for (const check of group) await run(check, check);
      continue;
    }
    const batch = new RefusalBatch(services);
    const runs = group.map((check) => run(check, { ...check, run: (ctx) => batch.member(ctx, check) }));
    // Every member that is not skipped has joined by now: the runner starts a check without waiting.
    setImmediate(() => batch.closeRoll());
    await Promise.all(runs);
  }
}

function groupRefusals(writes: readonly Check[]): Check[][] {
  const groups: Check[][] = [];
  for (const check of writes) {
    const last = groups.at(-1);
    if (check.refusedOnly && last?.[0]?.refusedOnly) last.push(check);
    else groups.push([check]);
  }
  return groups;
}

/** The batch a check's context belongs to while it takes part in one (none when it runs alone). */
const batches = new WeakMap<CheckContext, RefusalBatch>();

export function batchOf(ctx: CheckContext): RefusalBatch | undefined {
  return batches.get(ctx);
}

interface Probe {
  ctx: CheckContext;
  /** Its check's PATCH may be applied (`Check.mayBeApplied`): sent alone, after the others. */
  last: boolean;
  orgId: string;
  body: PatchBody;
  authorization: string | null | undefined;
  delivered?: boolean;
  deliver(response: Observed): void;
  /** The batch could not send it: the member's check then fails as a crash would (and is replayed). */
  fail(error: unknown): void;
}

/** A promise and the function that settles it. */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = () => {};
  const promise = new Promise<void>((settle) => {
    resolve = settle;
  });
  return { promise, resolve };
}

export class RefusalBatch {
  /** The members' attempts, in check order; a check the runner skipped never joins, so the roll closes a moment after the start. */
  private readonly roll: CheckContext[] = [];
  private closed = false;
  private readonly probes: Probe[] = [];
  private arrived = 0;
  private finished = 0;
  private anomaly = false;
  private sending = false;
  private readonly flushed = deferred();
  private readonly allDone = deferred();
  /** The org before the batch (one GET for every member) and after it. */
  private beforeRead?: Promise<Organization | undefined>;
  private after?: Organization;
  /** Replays run one at a time in check order: each waits for the end of the previous member's. */
  private readonly replayEnds = new Map<number, ReturnType<typeof deferred>>();
  /** The batch's requests (the members' attempts and its own reads): every-response findings held back until it ends. */
  private readonly held: RunServices;
  /** Decided once, when every member has finished: whether the batch's observations stand (else all replay). */
  private stands?: boolean;
  /** Where the batch's own requests go; their findings are not anyone's (a replay repeats them). */
  private readonly planCtx: CheckContext;
  /** The members' attempts whose probe may be applied: sent alone, after the others. */
  private readonly mayBeApplied = new WeakSet<CheckContext>();

  constructor(private readonly services: RunServices) {
    this.held = heldBack(services);
    this.planCtx = new CheckContext({ id: "request-plan", operationId: "updateOrganization" }, this.held);
  }

  /** No member joins after this (called once every member has been started). */
  closeRoll(): void {
    this.closed = true;
    this.progress();
  }

  /**
   * One member's whole part: its batched attempt (in a context of its own, so nothing it saw is the
   * check's result yet), then, if anything at all looked wrong, its replay in the check's context.
   */
  async member(ctx: CheckContext, check: Check): Promise<void> {
    if (this.closed) return check.run(ctx); // too late to join: it runs alone
    const attempt = new CheckContext(check, this.held);
    if (check.mayBeApplied) this.mayBeApplied.add(attempt);
    const position = this.roll.push(attempt) - 1;
    batches.set(attempt, this);
    let crashed = false;
    try {
      await check.run(attempt);
    } catch {
      crashed = true;
    }
    if (crashed || attempt.findings.length > 0 || attempt.cannotJudge !== undefined) this.anomaly = true;
    if (!this.probes.some((probe) => probe.ctx === attempt)) this.arrived += 1;
    this.finished += 1;
    this.progress();
    await this.allDone.promise;
    await this.flushed.promise; // the read after every probe may still be on its way
    batches.delete(attempt);
    ctx.requests += attempt.requests;
    // Interrupted, the batch proves nothing and nothing more may be sent: the check was interrupted.
    throwIfInterrupted(this.services.signal);
    if (this.verdict()) {
      ctx.notes.push(...attempt.notes);
      return;
    }
    await (position === 0 ? this.putBack() : this.replayEnd(position - 1).promise);
    try {
      await check.run(ctx); // exactly as without batching; a crash now is the check's own result
    } finally {
      this.replayEnd(position).resolve();
    }
  }

  private verdict(): boolean {
    if (this.stands === undefined) {
      this.stands = !this.anomaly && heldClean(this.held);
      settle(this.held, this.services, this.stands);
    }
    return this.stands;
  }

  private replayEnd(position: number): ReturnType<typeof deferred> {
    const end = this.replayEnds.get(position) ?? deferred();
    this.replayEnds.set(position, end);
    return end;
  }

  /** Sends the probes once every member has queued one or finished; ends the batch when all have finished. */
  private progress(): void {
    if (!this.closed) return;
    if (this.roll.length === 0) {
      this.flushed.resolve();
      this.allDone.resolve();
      return;
    }
    if (!this.sending && this.arrived === this.roll.length) {
      this.sending = true;
      this.send()
        .catch((error: unknown) => {
          this.anomaly = true;
          for (const probe of this.probes) if (!probe.delivered) probe.fail(error);
        })
        .finally(() => this.flushed.resolve());
    }
    if (this.finished === this.roll.length) this.allDone.resolve();
  }

  /** The org under test before the batch, read once for every member; undefined once probes are being sent. */
  sharedBefore(): Promise<Organization | undefined> | undefined {
    return this.sending ? undefined : this.before();
  }

  /**
   * Queues a member's refused PATCH; the batch is sent when every member has queued one or finished.
   * A second PATCH from one member cannot join the batch: it is sent at once, and the batch replayed.
   */
  patch(ctx: CheckContext, orgId: string, body: PatchBody, authorization: string | null | undefined): Promise<Observed> {
    if (this.sending || this.probes.some((probe) => probe.ctx === ctx)) {
      this.anomaly = true;
      return ctx.patch(orgId, body, authorization);
    }
    return new Promise((deliver, fail) => {
      this.probes.push({ ctx, orgId, body, authorization, last: this.mayBeApplied.has(ctx), deliver, fail });
      this.arrived += 1;
      this.progress();
    });
  }

  private before(): Promise<Organization | undefined> {
    this.beforeRead ??= this.read();
    return this.beforeRead;
  }

  /** The org under test after every probe of the batch. */
  async afterAll(): Promise<Organization | undefined> {
    await this.flushed.promise;
    return this.after;
  }

  private async send(): Promise<void> {
    const before = await this.before();
    const orgId = this.planCtx.orgId;
    // Probes that carry the org's own name or own description (or go to another org) first: landing after a change, they could hide it.
    const ownValues =
      before === undefined
        ? []
        : [{ name: before.name }, ...(before.description === undefined ? [] : [{ description: before.description }])];
    const harmless = (probe: Probe) =>
      probe.orgId !== orgId || before === undefined || ownValues.some((json) => isDeepStrictEqual(probe.body, { json }));
    const alone = (probe: Probe) => !harmless(probe) && before !== undefined && mayRestore(probe.body, before);
    const limit = concurrencyOf(this.services);
    const together = this.probes.filter((probe) => !probe.last);
    await inParallel(together.filter(harmless), limit, (probe) => this.sendOne(probe));
    await inParallel(
      together.filter((probe) => !harmless(probe) && !alone(probe)),
      limit,
      (probe) => this.sendOne(probe),
    );
    const last = this.probes.filter((probe) => probe.last);
    const aloneFirst = together.filter(alone);
    // Those a correct API may apply go after every other probe, in check order; with none alone, before the read that ends the batch.
    if (aloneFirst.length === 0) for (const probe of last) await this.sendOne(probe);
    this.after = await this.readUnchanged(before);
    // One at a time, each read back: those that could hide a change, then (if any) those a correct API may apply.
    for (const probe of aloneFirst.length === 0 ? [] : [...aloneFirst, ...last]) {
      await this.sendOne(probe);
      this.after = await this.readUnchanged(before);
    }
  }

  /** Reads the org after probes; anything but the org exactly as before is an anomaly. */
  private async readUnchanged(before: Organization | undefined): Promise<Organization | undefined> {
    const after = await this.read();
    if (!sameOrg(before, after)) this.anomaly = true;
    return after;
  }

  private async sendOne(probe: Probe): Promise<void> {
    const response = await probe.ctx.patch(probe.orgId, probe.body, probe.authorization);
    probe.delivered = true;
    probe.deliver(response);
  }

  private async read(): Promise<Organization | undefined> {
    const got = await this.planCtx.get(this.planCtx.orgId);
    if (got.status === 200 && got.clean) return got.body as Organization;
    this.anomaly = true;
    return undefined;
  }

  /** Before the replay: the org as it was before the batch, if the batch changed it. */
  private async putBack(): Promise<void> {
    const before = await this.before();
    if (before === undefined || sameOrg(before, this.after)) return;
    const body = { name: before.name, description: before.description ?? "" };
    await this.planCtx.patch(this.planCtx.orgId, { json: body });
    await this.planCtx.get(this.planCtx.orgId); // the restore's own read, so the replay's first read is not the first after a write
  }
}
