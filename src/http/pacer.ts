/**
 * The one pacer every request of a run goes through (the checks', the preflight's and the restore's):
 * it decides when the next request may leave, by requests in flight and by rate.
 *
 * Real gateways limit either (RFC 6585 §4: a 429 says the request was not processed):
 * - requests in flight: the pacer starts unlimited (the request plan decides the concurrency) and
 *   halves the limit on the first refusal of a round, as TCP does on a loss: the refusals of requests
 *   sent under an older limit say nothing about the new one. It never rises again;
 * - rate (a token bucket of R requests/s, a fixed window): the pacer keeps a token bucket of its own,
 *   unlimited until the first refusal. A refusal cuts its rate multiplicatively to just under the rate
 *   the gateway was seen to let through over the last WINDOW_MS (what it serves while it refuses the
 *   rest is its rate); answers while requests queue for tokens raise it additively (AIMD), so the run
 *   finds the limit again if it was cut too far, and a bucket's burst absorbs the small overshoot.
 *   While the gateway refuses everything (nothing served over WINDOW_MS, refusals before), no further
 *   cut: a lower rate brings no answer sooner, and cut after cut would leave the run at MIN_RATE.
 *   Rate-limit headers (rate-limit-headers.ts) cap it where a server advertises its quota.
 * - a `Retry-After` within the run's bound (--max-retry-after-ms) holds every request until then:
 *   the gateway said when to come back, and asking sooner only buys more refusals. `Retry-After: 0`
 *   says no wait is needed (a limit of requests in flight, a momentary refusal): it cuts no rate.
 *
 * A refusal is a 429, or a gateway's 503 (load shedding: nginx's limit_req answers 503 by default).
 */
import type { RateLimitHint } from "./rate-limit-headers.js";

/** What the run learnt about the gateway's limits, for the report (absent when nothing was refused). */
export interface RateLimitReport {
  /** Answers 429 received, resent ones included. */
  responses429: number;
  /** Requests still refused (429, or a gateway's 503) when their patience ran out or they were not resent (each one's exchange says so). */
  unresolved: number;
  /** Requests in flight when the first refusal came. */
  inFlightAtFirst: number;
  /** The limit of requests in flight the rest of the run kept to. */
  concurrency: number;
  /** The rate the run ended at, requests per second (absent: never paced by rate). */
  ratePerSecond?: number;
}

/** Handed out by `acquire`, handed back to `release` with the answer. */
export interface PacerTicket {
  round: number;
}

export interface PacedAnswer {
  /** A 429 or a gateway's 503: the request was turned away before the API. */
  refused: boolean;
  status?: number;
  /** The wait its Retry-After asked for, in ms. */
  retryAfterMs?: number;
  hint?: RateLimitHint;
}

/** One request every 10 s: slower than any limit a gate could usefully run behind. */
const MIN_RATE = 0.1;
/** A cut goes just under the rate the gateway was seen to serve, so the next refusal comes late. */
const DECREASE = 0.9;
/** How far back "the rate the gateway serves" is measured. */
const WINDOW_MS = 2_000;
/** The shortest span it is measured over: a burst served at once says little about the rate. */
const MIN_SPAN_MS = 250;
/** Additive increase: this share of the rate at the last cut, per second of answers while requests queue. */
const INCREASE_PER_SECOND = 0.05;

export class Pacer {
  private limit = Number.POSITIVE_INFINITY;
  private rate = Number.POSITIVE_INFINITY;
  private advertised = Number.POSITIVE_INFINITY;
  private rateAtCut = Number.POSITIVE_INFINITY;
  private tokens = 1;
  private refilledAt: number;
  private holdUntil = 0;
  private round = 0;
  private inFlight = 0;
  private readonly queue: ((ticket: PacerTicket) => void)[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** When answers the gateway let through came, within the last WINDOW_MS. */
  private accepted: number[] = [];
  /** When refusals came, within the last WINDOW_MS. */
  private refusedAt: number[] = [];
  private firstSentAt: number | undefined;
  private report?: RateLimitReport;

  /**
   * @param maxHoldMs the longest Retry-After honoured (a longer one holds nothing: the request comes back).
   * @param now the clock (tests give a fake one).
   */
  constructor(
    private readonly maxHoldMs = Number.POSITIVE_INFINITY,
    private readonly now: () => number = Date.now,
  ) {
    this.refilledAt = now();
  }

  /** Waits until the request may leave: a slot in flight, the end of any hold, a token. */
  acquire(): Promise<PacerTicket> {
    return new Promise((resolve) => {
      this.queue.push(resolve);
      this.pump();
    });
  }

  /** The request's answer came back (or it failed): frees its slot and learns from the answer. */
  release(ticket: PacerTicket, answer: PacedAnswer): void {
    const now = this.now();
    if (answer.refused) this.refused(ticket, answer, now);
    else this.served(now);
    this.inFlight -= 1;
    const asked = answer.retryAfterMs;
    if (answer.refused && asked !== undefined && asked > 0 && asked <= this.maxHoldMs)
      this.holdUntil = Math.max(this.holdUntil, now + asked);
    this.learnFrom(answer.hint, now);
    this.pump();
  }

  /** A request gave up on a 429 that did not clear within its patience. */
  unresolved(): void {
    if (this.report) this.report.unresolved += 1;
  }

  summary(): RateLimitReport | undefined {
    if (!this.report) return undefined;
    const rate = this.effectiveRate();
    return { ...this.report, ...(Number.isFinite(rate) ? { ratePerSecond: Math.round(rate * 100) / 100 } : {}) };
  }

  private refused(ticket: PacerTicket, answer: PacedAnswer, now: number): void {
    this.report ??= { responses429: 0, unresolved: 0, inFlightAtFirst: this.inFlight, concurrency: this.inFlight };
    if (answer.status === 429) this.report.responses429 += 1;
    this.refusedAt = this.refusedAt.filter((at) => at > now - WINDOW_MS);
    const earlier = this.refusedAt.some((at) => at < now);
    this.refusedAt.push(now);
    if (ticket.round !== this.round) return;
    this.round += 1;
    this.limit = Math.max(1, Math.floor(Math.min(this.limit, this.inFlight) / 2));
    this.report.concurrency = this.limit;
    if (answer.retryAfterMs !== 0) this.cutRate(now, earlier);
  }

  /** Multiplicative decrease, to under what the gateway served lately (when it served anything). */
  private cutRate(now: number, refusedBefore: boolean): void {
    const served = this.servedRate(now);
    if (!Number.isFinite(this.rate)) {
      if (served === 0) return; // nothing got through yet: the holds and backoffs pace until something does
      this.rate = Math.max(MIN_RATE, served * DECREASE);
    } else {
      // The gateway refused everything lately (a window used up, a gateway down): a lower rate would not
      // bring an answer sooner, and cut after cut would leave the rest of the run at MIN_RATE.
      if (served === 0 && refusedBefore) return;
      this.rate = Math.max(MIN_RATE, Math.max(Math.min(this.rate, served), this.rate / 2) * DECREASE);
    }
    this.rateAtCut = this.rate;
    this.tokens = Math.min(this.tokens, 1);
  }

  /** Additive increase, only while requests wait for tokens: a rate the run does not use proves nothing. */
  private served(now: number): void {
    this.accepted.push(now);
    if (Number.isFinite(this.rate) && this.queue.length > 0) this.rate += (INCREASE_PER_SECOND * this.rateAtCut) / this.rate;
  }

  /** Answers let through per second over the last WINDOW_MS (or since the first request, at least MIN_SPAN_MS). */
  private servedRate(now: number): number {
    this.accepted = this.accepted.filter((at) => at > now - WINDOW_MS);
    const span = Math.max(MIN_SPAN_MS, Math.min(WINDOW_MS, now - (this.firstSentAt ?? now)));
    return (this.accepted.length * 1_000) / span;
  }

  /**
   * Only windows the run would wait out count: an hourly quota of 5000 says nothing about a run of 500
   * requests (pacing to 1.4 a second would only slow it), and a reset an hour away is not waited for.
   */
  private learnFrom(hint: RateLimitHint | undefined, now: number): void {
    const { ratePerSecond, windowMs, exhaustedForMs } = hint ?? {};
    if (ratePerSecond !== undefined && ratePerSecond > 0 && (windowMs ?? 0) <= this.maxHoldMs) {
      this.advertised = Math.max(MIN_RATE, ratePerSecond);
    }
    if (exhaustedForMs !== undefined && exhaustedForMs <= this.maxHoldMs) this.holdUntil = Math.max(this.holdUntil, now + exhaustedForMs);
  }

  private effectiveRate(): number {
    return Math.min(this.rate, this.advertised);
  }

  /** Lets waiting requests go while a slot, the hold and a token allow; otherwise sets a timer for when they will. */
  private pump(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    while (this.queue.length > 0 && this.inFlight < this.limit) {
      const now = this.now();
      const wait = Math.max(this.holdUntil - now, this.tokenWait(now));
      if (wait > 0) {
        this.timer = setTimeout(() => this.pump(), Math.ceil(wait));
        return;
      }
      if (Number.isFinite(this.effectiveRate())) this.tokens -= 1;
      this.inFlight += 1;
      this.firstSentAt ??= now;
      this.queue.shift()?.({ round: this.round });
    }
  }

  /** How long until the bucket holds a token (it holds at most one: the pacer never bursts). */
  private tokenWait(now: number): number {
    const rate = this.effectiveRate();
    if (!Number.isFinite(rate)) {
      this.tokens = 1;
      this.refilledAt = now;
      return 0;
    }
    this.tokens = Math.min(1, this.tokens + ((now - this.refilledAt) * rate) / 1_000);
    this.refilledAt = now;
    return this.tokens >= 1 ? 0 : ((1 - this.tokens) * 1_000) / rate;
  }
}
