/**
 * `model-based-sequences`: stateful, model-based testing with fast-check (`fc.commands`,
 * `fc.asyncModelRun`). Each sequence first reads the org under test as its owner (the model starts
 * from what the target holds), then sends random lists, gets and patches by random personas on the
 * known orgs; after each response the model (the reference provider's own rules, model.ts) says what
 * should have come back. A divergence is shrunk to a minimal sequence, reported as requests that can
 * be replayed by hand, with the seed that regenerates it. On a slow API a latency budget sends fewer
 * sequences; the count is printed and `--model-sequences` pins it, so the seed still replays the run.
 */
import { isDeepStrictEqual } from "node:util";
import fc from "fast-check";
import { CONFORMANCE_COMMAND } from "../../launch.js";
import type { Reply } from "../../provider/rules.js";
import type { Organization } from "../../spec/types.js";
import type { Check } from "../check.js";
import { CheckContext, type GeneratedRun, type Observed, orgPath } from "../context.js";
import { InfrastructureAnswered } from "../infrastructure.js";
import { classed } from "../input-class.js";
import { budgetLatency, cutNote, fitToBudget, type LatencyBudget } from "../latency-budget.js";
import { concurrencyOf, DEFAULT_CONCURRENCY, settleAll } from "../plan.js";
import { Interrupted, throwIfInterrupted } from "../safety/interrupt.js";
import { commandSequences, Divergence, type OrgName, type PersonaName, type Real, type ReplayableRequest } from "./commands.js";
import { divergences, ModelWorld } from "./model.js";

export const MODEL_CHECK_ID = "model-based-sequences";

/** The class of every divergence this run reports: one bug, one fingerprint, whichever request showed it. */
const DIVERGENCE = "a random sequence of list, get and patch requests by the personas: an answer the reference rules do not predict";

/** `--runs N` gives N generated bodies and N / 10 sequences: the default 100 gives 10. */
const RUNS_PER_SEQUENCE = 10;
/**
 * Long sequences (17 requests on average, up to 31) find more per wait than short ones: the first GET
 * is paid once, and reads between writes go out together. Measured over 20 seeds: 10 sequences catch
 * each fault of tests/support/sequence-faults.ts with every seed; 20 sequences of up to 11 did not.
 */
const MAX_COMMANDS = 30;
/** Wall-clock cap on the sequences plus shrinking, so a slow live API still ends the run. */
const TIME_LIMIT_MS = 30_000;

/** The fewest sequences the budget leaves, at any latency: with the gallery seed, 3 catch every fault of tests/support/sequence-faults.ts. */
export const MIN_BUDGET_SEQUENCES = 3;

/**
 * The latency budget: on a slow API the run sends fewer sequences, so that their waits take about
 * 4.5 s. A sequence waits on the target 10 times on average (measured: 9.8, reads
 * and refused PATCHes in flight together), so at 150 ms a sequence costs about 1.5 s and the budget
 * gives 3, at 50 ms 9; up to 45 ms the count from --runs is never cut.
 */
const BUDGET: LatencyBudget = { budgetMs: 4_500, waitsPerUnit: 10, floor: MIN_BUDGET_SEQUENCES };

/** Sequences for a run: pinned by --model-sequences, else --runs / 10, cut to the budget on a slow API. */
export function sequenceCount(generated: GeneratedRun, latencyMs: number | undefined): { sequences: number; cut: boolean } {
  if (generated.modelSequences !== undefined) return { sequences: generated.modelSequences, cut: false };
  const full = Math.ceil(generated.runs / RUNS_PER_SEQUENCE);
  const { count, cut } = fitToBudget(full, BUDGET, latencyMs);
  return { sequences: count, cut };
}

export const modelBasedCheck: Check = {
  id: MODEL_CHECK_ID,
  title:
    "Random sequences of list, get and patch by every persona get the answers the reference rules predict, each write carried into every later answer",
  operationId: "updateOrganization",
  phase: "write",
  requires: ["org", "writes"],
  async run(ctx) {
    const { generated } = ctx.services;
    const { seed, runs } = generated;
    const latencyMs = budgetLatency(ctx);
    const { sequences, cut } = sequenceCount(generated, latencyMs);
    if (cut) generated.modelSequences = sequences; // the run's replay line pins the count that ran
    if (sequences === 0) return ctx.note("model-based run: no sequence sent (--runs 0 or --model-sequences 0)");
    const { signal } = ctx.services;
    let lastFailure: CheckContext["findings"] | undefined;
    // A sequence the infrastructure answered (a gateway's page, a 429) proves nothing: no divergence of the gateway's making.
    let infrastructure: InfrastructureAnswered | undefined;
    let rounds = 0;
    const property = fc.asyncProperty(commandSequences(ctx.target, MAX_COMMANDS), async (commands) => {
      // As in the generated bodies: an interrupting precondition failure ends runs and shrinking at once.
      if (signal?.aborted) throw new fc.PreconditionFailure(true);
      // The invariants compare the other checks' answers only: the sequences are random, cut to the latency
      // budget and planned per --concurrency, so what the invariants find must not depend on them (the model
      // judges these answers itself); their PATCHes still count as writes between the others' answers.
      const trial = new CheckContext(modelBasedCheck, { ...ctx.services, answersNotObserved: true });
      const sequence = new Sequence(trial);
      try {
        await fc.asyncModelRun(() => sequence.start(), commands);
        await sequence.settleReads();
      } catch (error) {
        if (error instanceof Interrupted) throw new fc.PreconditionFailure(true);
        if (error instanceof InfrastructureAnswered) {
          infrastructure ??= error;
          throw new fc.PreconditionFailure(true);
        }
        if (!(error instanceof Divergence)) throw error;
        sequence.report(error);
      } finally {
        ctx.requests += trial.requests;
        rounds += sequence.rounds;
      }
      if (trial.findings.length === 0) return true;
      lastFailure = trial.findings;
      return false;
    });
    const details = await fc.check(property, {
      seed,
      numRuns: sequences,
      interruptAfterTimeLimit: TIME_LIMIT_MS,
      markInterruptAsFailure: false,
    });
    const pinned = generated.modelSequences === undefined ? "" : ` --model-sequences ${generated.modelSequences}`;
    const replay = `--seed ${seed} --runs ${runs}${pinned}`;
    const why = budgetNote(generated, sequences, cut, latencyMs);
    ctx.note(
      `model-based run: ${details.numRuns} sequences${why} of up to ${MAX_COMMANDS + 1} requests, ${ctx.requests} requests in ${rounds} waits (shrinking included), ${details.numShrinks} shrink steps, seed ${seed} (replay: ${CONFORMANCE_COMMAND} ${replay})`,
    );
    // A failure found before an interruption is real and reported, though its shrinking was cut short.
    if (lastFailure !== undefined && (details.failed || signal?.aborted)) ctx.findings.push(...lastFailure);
    throwIfInterrupted(signal);
    if (infrastructure !== undefined && ctx.findings.length === 0) throw infrastructure;
  },
};

/**
 * One sequence against the target: the requests sent so far (the replay) and the model beside them.
 *
 * The model predicts each request when it is sent, in sequence order. Consecutive reads are in flight
 * together (at most `--concurrency`): with no write between them, a correct API answers each from the
 * same state, and predicting a read does not change the model. A PATCH waits for everything before it;
 * one the model applies is waited for by everything after it, one it refuses (which changes nothing on
 * a correct API) goes out with the reads after it. A divergence is reported at the earliest request
 * that diverged, as the one-at-a-time run would.
 */
/** Reads (and refused PATCHes) judged together at most: the default --concurrency, fixed so it never changes what is sent. */
const READS_PER_WAIT = DEFAULT_CONCURRENCY;

class Sequence implements Real {
  readonly log: ReplayableRequest[] = [];
  private world: ModelWorld | undefined;
  /** The earliest request that diverged and its answer: what the report shows. */
  private diverged: { index: number; observed: Observed } | undefined;
  /** Reads and refused PATCHes sent ahead of the commands after them, each settling once compared: awaited before the next PATCH. */
  private pending: Promise<void>[] = [];
  /** What the model predicted for each of them, when sent. */
  private predictions: { request: Omit<ReplayableRequest, "path">; org: OrgName | undefined; predicted: Reply }[] = [];
  /** The same requests while they are in flight, settling without judging (for --concurrency). */
  private readonly inFlight = new Set<Promise<void>>();
  /** Waits on the target: requests sent while nothing else of the sequence was in flight. */
  rounds = 0;

  constructor(private readonly ctx: CheckContext) {}

  /** The model starts from the org under test as its owner reads it now. */
  async start(): Promise<{ model: ModelWorld; real: Real }> {
    this.rounds += 1;
    const observed = await this.request({ method: "GET", persona: "owner" }, "editable");
    if (observed.status !== 200 || !observed.clean) {
      this.diverged = { index: 0, observed };
      throw new Divergence(observed.clean ? `the org under test unreadable by its owner (status ${observed.status})` : "");
    }
    const orgId = this.ctx.orgId;
    this.world = new ModelWorld(observed.body as Organization, { ...this.ctx.target, orgId }, this.ctx.services.validators);
    return { model: this.world, real: this };
  }

  async send(request: Omit<ReplayableRequest, "path">, org?: OrgName): Promise<void> {
    const world = this.world as ModelWorld;
    // The reads between two waits are judged together, READS_PER_WAIT at most, whatever --concurrency is:
    // so a sequence sends the same requests one at a time as with the plan, also after a divergence.
    if (this.pending.length >= READS_PER_WAIT) await this.settleReads();
    // Predicted in sequence order, when sent: an applied PATCH changes the model before the next prediction.
    const predicted = world.predict(request, org);
    // A PATCH waits for the reads before it, so it reaches the target after them, as in the replay; unless
    // the model predicts each of those reads the same after this PATCH as before (a 401, another org, a
    // stranger's 403), so a correct API answers them alike whichever it serves first.
    if (request.method === "PATCH" && !this.unaffected(world)) await this.settleReads();
    else await this.freeSlot();
    const index = this.log.length;
    this.rounds += this.inFlight.size === 0 ? 1 : 0;
    const compared = this.request(request, org).then((observed) => this.compare(request, org, predicted, observed, index));
    // Only a PATCH the model applies makes the next request wait; a refused one changes nothing on a correct API.
    if (request.method === "PATCH" && predicted.status === 200) return compared;
    const settled = compared.catch(() => {}); // judged in settleReads; handled here so an early rejection is not "unhandled"
    this.inFlight.add(settled);
    void settled.then(() => this.inFlight.delete(settled));
    this.pending.push(compared);
    this.predictions.push({ request, org, predicted });
  }

  /** Whether every request not yet judged is a read the model predicts the same now (after a PATCH it applied) as when it was sent. */
  private unaffected(world: ModelWorld): boolean {
    // A refused PATCH is not predicted again (were the model to apply it, predicting would change the model).
    return this.predictions.every(
      ({ request, org, predicted }) => request.method === "GET" && isDeepStrictEqual(world.predict(request, org), predicted),
    );
  }

  /** Waits, without judging, until fewer than --concurrency requests of the sequence are in flight. */
  private async freeSlot(): Promise<void> {
    while (this.inFlight.size >= concurrencyOf(this.ctx.services)) await Promise.race(this.inFlight);
  }

  /** Waits for the reads in flight; the earliest that failed (divergence, interruption) is thrown. */
  async settleReads(): Promise<void> {
    const reads = this.pending;
    this.pending = [];
    this.predictions = [];
    await settleAll(reads);
  }

  private compare(
    request: Omit<ReplayableRequest, "path">,
    org: OrgName | undefined,
    predicted: Reply,
    observed: Observed,
    index: number,
  ): void {
    const world = this.world as ModelWorld;
    const diverged = (message: string) => {
      if (this.diverged === undefined || index < this.diverged.index) this.diverged = { index, observed };
      return new Divergence(message);
    };
    // A response that broke an every-response rule (schema, media type, transport) is already a finding.
    if (observed.status === undefined || !observed.clean) throw diverged("");
    const found = divergences(world, request, org, predicted, { status: observed.status, body: observed.body }, this.ctx.services.spec);
    if (found.length > 0) throw diverged(found.join("; "));
  }

  /** A finding for the divergence, carrying every request of the sequence up to it. */
  report(divergence: Divergence): void {
    if (divergence.message === "") return;
    const { seed } = this.ctx.services.generated;
    const upTo = this.log.slice(0, (this.diverged?.index ?? this.log.length - 1) + 1);
    // Where a sequence diverges (which request, status, field) depends on the seed: the fingerprint names the class.
    classed(this.ctx, DIVERGENCE, () =>
      this.ctx.fail(this.diverged?.observed, {
        expected: "every answer as the reference rules predict from the requests before it",
        actual: `${divergence.message} at request ${upTo.length} of the sequence (seed ${seed}; replay in order): ${JSON.stringify(upTo)}`,
      }),
    );
  }

  private async request(request: Omit<ReplayableRequest, "path">, org: OrgName | undefined): Promise<Observed> {
    const orgId = org === undefined ? undefined : (this.world?.orgId(org) ?? this.ctx.orgId);
    const path = orgId === undefined ? "/api/v1/orgs" : orgPath(orgId);
    const { method, persona, body } = request;
    this.log.push({ method, path, persona, ...(body === undefined ? {} : { body }) });
    const authorization = this.authorization(request.persona);
    if (orgId === undefined) return this.ctx.list(authorization);
    if (request.method === "GET") return this.ctx.get(orgId, authorization);
    return this.ctx.patch(orgId, { json: request.body }, authorization);
  }

  private authorization(persona: PersonaName): string | null {
    if (persona === "noToken") return null;
    const token = (this.ctx.target.tokens as Record<string, string | undefined>)[persona];
    if (token === undefined) throw new Error(`the model-based run drew the ${persona} persona, which the target lacks`);
    return `Bearer ${token}`;
  }
}

/** Why the count is what it is, when it is not simply --runs / 10. */
function budgetNote(generated: GeneratedRun, sequences: number, cut: boolean, latencyMs: number | undefined): string {
  const full = Math.ceil(generated.runs / RUNS_PER_SEQUENCE);
  if (cut) return cutNote(full, latencyMs);
  return sequences === full ? "" : " (pinned by --model-sequences)";
}
