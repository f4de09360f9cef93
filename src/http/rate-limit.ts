/**
 * How many requests the transport lets be in flight at once, learnt from the gateway's 429s.
 *
 * Real gateways limit the requests in flight per client and answer the rest 429 Too Many Requests
 * (RFC 6585 §4). Nothing was processed, so the request may be sent again, whatever its method. The
 * gate starts unlimited (the request plan decides the concurrency) and halves the limit on a 429, as
 * TCP does on a loss: only once per round, since the 429s of requests sent under an older limit
 * say nothing about the new one. It never rises again: the run keeps the concurrency that worked.
 */

/** What the run learnt about the gateway's limit, for the report (absent when no 429 came). */
export interface RateLimitReport {
  /** Answers 429 received, resent ones included. */
  responses429: number;
  /** Requests still answered 429 after their bounded retries (each is reported by the checks). */
  unresolved: number;
  /** Requests in flight when the first 429 came. */
  inFlightAtFirst: number;
  /** The limit the rest of the run kept to. */
  concurrency: number;
}

export class RateLimitGate {
  private limit = Number.POSITIVE_INFINITY;
  private round = 0;
  private inFlight = 0;
  private readonly waiting: (() => void)[] = [];
  private report?: RateLimitReport;

  /** Waits for a slot; the returned round is handed back to `rateLimited` when the answer is 429. */
  async acquire(): Promise<number> {
    while (this.inFlight >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.inFlight += 1;
    return this.round;
  }

  release(): void {
    this.inFlight -= 1;
    this.waiting.shift()?.();
  }

  /** A 429 answered a request sent in `round` (call before `release`). */
  rateLimited(round: number): void {
    this.report ??= { responses429: 0, unresolved: 0, inFlightAtFirst: this.inFlight, concurrency: this.inFlight };
    this.report.responses429 += 1;
    if (round !== this.round) return;
    this.round += 1;
    this.limit = Math.max(1, Math.floor(Math.min(this.limit, this.inFlight) / 2));
    this.report.concurrency = this.limit;
  }

  /** A request gave up on a 429 that did not clear. */
  unresolved(): void {
    if (this.report) this.report.unresolved += 1;
  }

  /** Requests that gave up on a 429 so far: after a few, the gateway is not clearing and waiting is pointless. */
  get unresolvedCount(): number {
    return this.report?.unresolved ?? 0;
  }

  summary(): RateLimitReport | undefined {
    return this.report && { ...this.report };
  }
}
