/**
 * What this run's own requests did to the target org: every value a PATCH sent for a documented field,
 * every value a response of the org showed, and the PATCHes whose answer never came. The restore reads
 * it for two questions a live deployment raises:
 *
 * - May a write still land? A PATCH that timed out, or that a gateway answered 502/503/504 in the API's
 *   place, may be applied later; the restore waits for it
 *   first, and reads again after (restore.ts).
 * - Did somebody else write? A documented field whose value no PATCH of this run sent, and no answer
 *   to one showed, was written by another writer (a colleague, a job): the restore must not overwrite it
 *   blindly, and the findings about the org may be that writer's doing rather than the API's.
 *
 * Values are the raw bodies (rawJson), never the redacted ones the checks see: they are compared with
 * the raw snapshot, and nothing here is shown.
 */
import { type Exchange, type HttpRequest, rawJson } from "../../http/transport.js";
import type { OperationId } from "../../spec/types.js";
import type { OrgFields } from "./org-fields.js";
import { type Difference, documentedDifferences, type OrgSnapshot, sameValue } from "./snapshot.js";

export class TargetHistory {
  /** Per documented field, every value this run's PATCHes sent or their answers showed. */
  private readonly values = new Map<string, unknown[]>();
  /** When the last PATCH without an answer gave up (performance.now()); undefined: every PATCH was answered. */
  lastUnansweredAt?: number;
  unanswered = 0;
  /** The target as the last PATCH answered 200 showed it: what this run's last applied write left. */
  private lastWritten?: Record<string, unknown>;

  constructor(
    readonly orgId: string,
    readonly fields: OrgFields,
  ) {}

  /**
   * Called for every request a check sends, with its exchange. A PATCH's body and its 200 answer are
   * what this run wrote: the answer shows what the server made of the write (trimmed, escaped,
   * normalised), so a value a faulty server transformed is still this run's. A GET's answer is not: it
   * may show what somebody else wrote meanwhile.
   */
  record(_operationId: OperationId, request: HttpRequest, orgId: string | undefined, exchange: Exchange): void {
    if (request.method !== "PATCH") return;
    if (mayStillLand(exchange)) {
      this.unanswered += 1; // any org's: a write that may still land anywhere
      this.lastUnansweredAt = performance.now();
    }
    if (orgId !== this.orgId) return;
    if (request.body !== undefined) this.saw(parse(request.body), false);
    if (exchange.status === 200 && exchange.encodingError === undefined) {
      const answer = rawJson(exchange);
      this.saw(answer, true);
      if (isRecord(answer)) this.lastWritten = answer;
    }
  }

  /**
   * Whether the last write this run saw applied left the org other than the snapshot: then an org that
   * reads as the snapshot may be a lagging read, and the restore PATCHes anyway.
   */
  lastWriteDiffers(snapshot: OrgSnapshot): boolean {
    return this.lastWritten !== undefined && documentedDifferences(snapshot, this.lastWritten, this.fields).length > 0;
  }

  /** Keeps every documented field's value of a body sent, or received (`whole`: a field it lacks was seen absent). */
  saw(body: unknown, whole: boolean): void {
    if (!isRecord(body)) return;
    for (const field of this.fields.documented) {
      if (!whole && !(field in body)) continue;
      const known = this.values.get(field) ?? [];
      if (!known.some((value) => sameValue(field, value, body[field]))) known.push(body[field]);
      this.values.set(field, known);
    }
  }

  /** The documented fields that differ from the snapshot with a value no request of this run sent or saw. */
  otherWriter(snapshot: OrgSnapshot, current: Record<string, unknown>): Difference[] {
    return documentedDifferences(snapshot, current, this.fields).filter(
      ({ field, now }) => !(this.values.get(field) ?? []).some((value) => sameValue(field, value, now)),
    );
  }
}

/**
 * A PATCH without the API's own answer may still be applied: no status at all, or a gateway's 502/503/504
 * page (its read time-out fired, or it lost the connection, while the API may have had the request).
 * A rate limiter's 429 and a proxy's 407 refused it before it reached the API (RFC 6585 §4).
 */
export function mayStillLand(exchange: Exchange): boolean {
  return exchange.status === undefined || exchange.infrastructure?.source === "gateway";
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
