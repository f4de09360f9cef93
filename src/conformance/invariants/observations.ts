/**
 * Every response the run collects, tagged with who asked (the persona whose token it carried) and
 * which state of the data it can show: a version that counts the PATCHes started so far. Invariants
 * compare only observations of one version taken while no PATCH was in flight, so two answers about
 * the same organization differ only when the API contradicts itself, never because a write fell
 * between them. Fed by CheckContext for every request a check sends; nothing here sends a request.
 */
import type { OperationId } from "../../spec/types.js";
import type { Observed } from "../context.js";
import type { Target } from "../target.js";

export type PersonaKey = keyof Target["tokens"];

export interface Observation {
  observed: Observed;
  /** The persona whose token the request carried; undefined for any other header (or none). */
  persona?: PersonaKey;
  operationId: OperationId;
  /** The org id of the path (get and patch). */
  orgId?: string;
  /** PATCHes started before this answer's state: equal versions show the same data. */
  version: number;
  /** False when a PATCH was in flight or started while this request was: its state is unknown. */
  stable: boolean;
}

/** A request as sent, before its answer: what `end` needs to place the answer in time. */
export interface Pending {
  persona?: PersonaKey;
  operationId: OperationId;
  orgId?: string;
  isPatch: boolean;
  startedVersion: number;
  quietAtStart: boolean;
  /** False: the request's writes count, but its answer is not kept for the invariants. */
  keep: boolean;
}

/** What the write watch found (src/conformance/invariants/watch.ts); undefined until it compared. */
export interface WatchResult {
  /** Orgs other than the target, as the personas saw them before the writes. */
  compared: number;
  changes: { orgId: string; persona: PersonaKey; field: string; was: unknown; now: unknown }[];
}

export class Observations {
  readonly all: Observation[] = [];
  private patchesStarted = 0;
  private patchesInFlight = 0;
  /** Inside `unrecorded`: answers are not kept. */
  private hidden = 0;
  /** Set by the write watch after the writes: the damage outside the target. */
  watch?: WatchResult;
  /** Orgs every persona could see before the first write, by org id (set by the write watch). */
  before?: Map<string, { persona: PersonaKey; org: Record<string, unknown> }>;

  constructor(private readonly tokens: Target["tokens"]) {}

  begin(request: { operationId: OperationId; orgId?: string; authorization: string | null; isPatch: boolean; keep?: boolean }): Pending {
    const quietAtStart = this.patchesInFlight === 0;
    if (request.isPatch) {
      this.patchesStarted += 1;
      this.patchesInFlight += 1;
    }
    return {
      persona: this.personaOf(request.authorization),
      operationId: request.operationId,
      orgId: request.orgId,
      isPatch: request.isPatch,
      startedVersion: this.patchesStarted,
      quietAtStart,
      keep: request.keep ?? true,
    };
  }

  end(pending: Pending, observed: Observed): void {
    if (pending.isPatch) this.patchesInFlight -= 1;
    if (this.hidden > 0) return;
    const { startedVersion, quietAtStart, isPatch, keep, ...about } = pending;
    if (!keep) return;
    // A PATCH's answer shows the state it made (its own version); a read, the state it started in.
    const stable = quietAtStart && this.patchesStarted === startedVersion;
    this.all.push({ ...about, observed, version: startedVersion, stable });
  }

  /** A request the infrastructure answered (a gateway's page, a 429): no answer of the API to keep, but no longer in flight. */
  abandon(pending: Pending): void {
    if (pending.isPatch) this.patchesInFlight -= 1;
  }

  /**
   * Runs `work` with its answers left out, its PATCHes still counted as writes. For requests whose
   * interleaving depends on --concurrency (the concurrent-fields check sends two PATCHes together, or one
   * after the other one request at a time): left out, the invariants see the same run either way.
   */
  async unrecorded<T>(work: () => Promise<T>): Promise<T> {
    this.hidden += 1;
    try {
      return await work();
    } finally {
      this.hidden -= 1;
    }
  }

  /** A write the checks did not send (the restore): later answers show another state. */
  externalWrite(): void {
    this.patchesStarted += 1;
  }

  private personaOf(authorization: string | null): PersonaKey | undefined {
    if (authorization === null) return undefined;
    const entries = Object.entries(this.tokens) as [PersonaKey, string | undefined][];
    return entries.find(([, token]) => token !== undefined && authorization === `Bearer ${token}`)?.[0];
  }
}

/**
 * Organizations an answer shows: the list's items, or the one org of a get or patch 200; none when the
 * answer was not a 200. `clean` (default): none either when the answer broke an every-response rule.
 */
export function orgsShown(observation: Pick<Observation, "observed" | "operationId">, clean = true): Record<string, unknown>[] {
  const { observed } = observation;
  if (observed.status !== 200 || (clean && !observed.clean) || typeof observed.body !== "object" || observed.body === null) return [];
  if (observation.operationId !== "listUserOrganizations") return [observed.body as Record<string, unknown>];
  const items = (observed.body as { data?: unknown }).data;
  return Array.isArray(items) ? items.filter((item): item is Record<string, unknown> => typeof item === "object" && item !== null) : [];
}
