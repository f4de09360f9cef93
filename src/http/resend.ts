/**
 * Whether a request is sent again after an answer, and after how long: the transport's one resend rule.
 *
 * - A 429 is resent whatever the method: a rate limiter turned it away before the API (RFC 6585 §4).
 * - A gateway's 502/503/504 page (src/http/gateway.ts) is resent for a GET only: a PATCH it answered may
 *   have reached the API and may still land, so it is never sent twice (the write safety waits for it).
 * - The API's own 503 (a JSON ErrorResponse) is resent for a GET, at most `maxApiRetries` times, and only
 *   when its Retry-After is at most API_503_MAX_WAIT_MS: an API that says it is down is a finding to report,
 *   not a wait of the infrastructure's.
 * - A GET whose reused keep-alive connection the peer closed before any status line (haproxy closes idle
 *   ones after `timeout http-keep-alive`) is resent once, at once, on a fresh connection.
 * Each wait honours `Retry-After` (RFC 9110 §10.2.3) up to `maxRetryAfterMs`; a longer one is not waited
 * for. Every resend fits the request's own patience: no budget is shared by the run, so one request that
 * gave up never stops another, the restore's included.
 */
import { infrastructureAnswer } from "./gateway.js";
import { retryAfterMs } from "./rate-limit-headers.js";
import type { Exchange, HttpMethod } from "./transport.js";

export interface ResendLimits {
  /** The longest Retry-After waited for (--max-retry-after-ms). */
  maxRetryAfterMs: number;
  /** The longest this request may spend on resends, from its first attempt. */
  patienceMs: number;
  /** Resends of a GET answered 503 by the API itself. */
  maxApiRetries: number;
}

/** What happened to this request so far. */
export interface ResendState {
  /** Attempts made, the one just answered included. */
  attempts: number;
  elapsedMs: number;
  /** Resends already made after a closed connection (at most one). */
  reconnects: number;
  /** Resends already made after the API's own 503. */
  apiRetries: number;
}

export type ResendDecision =
  | { resend: true; waitMs: number; why: "closed-connection" | "infrastructure" | "api-503"; retryAfterMs?: number }
  | { resend: false; gaveUp?: string };

/** The longest Retry-After of the API's own 503 waited for (the infrastructure's get --max-retry-after-ms). */
export const API_503_MAX_WAIT_MS = 3_000;

/** Undici's "other side closed" and the kernel's resets: the peer dropped the connection before answering. */
const CLOSED_CONNECTION = /^(UND_ERR_SOCKET|ECONNRESET|EPIPE):/;

export function resendDecision(
  method: HttpMethod,
  exchange: Pick<Exchange, "status" | "headers" | "json" | "bodyText" | "failure">,
  state: ResendState,
  limits: ResendLimits,
  now = Date.now(),
): ResendDecision {
  if (closedBeforeAnswer(method, exchange) && state.reconnects === 0) return { resend: true, waitMs: 0, why: "closed-connection" };
  const infrastructure = infrastructureAnswer(exchange);
  const resendable = exchange.status === 429 || (method === "GET" && infrastructure?.source === "gateway");
  const api503 = method === "GET" && exchange.status === 503 && infrastructure === undefined;
  if (!resendable && !(api503 && state.apiRetries < limits.maxApiRetries)) return { resend: false };
  const asked = retryAfterMs(exchange.headers, now);
  if (api503 && asked !== undefined && asked > Math.min(API_503_MAX_WAIT_MS, limits.maxRetryAfterMs)) return { resend: false };
  if (asked !== undefined && asked > limits.maxRetryAfterMs) {
    return {
      resend: false,
      gaveUp: `it asked to wait ${seconds(asked)} (Retry-After), more than the ${seconds(limits.maxRetryAfterMs)} this run waits (--max-retry-after-ms)`,
    };
  }
  const waitMs = api503 ? (asked ?? 500) : Math.max(asked ?? 0, backoff(state.attempts, exchange.status));
  if (limits.patienceMs <= 0 || state.elapsedMs + waitMs > limits.patienceMs) {
    return {
      resend: false,
      gaveUp: `still so after ${state.attempts} attempt${state.attempts === 1 ? "" : "s"} within the request's patience of ${seconds(limits.patienceMs)}`,
    };
  }
  return { resend: true, waitMs, why: api503 ? "api-503" : "infrastructure", ...(asked === undefined ? {} : { retryAfterMs: asked }) };
}

/** A GET with no status line, on a connection the peer closed: nothing reached the API's handler, or a read did. */
function closedBeforeAnswer(method: HttpMethod, exchange: Pick<Exchange, "status" | "failure">): boolean {
  return (
    method === "GET" &&
    exchange.status === undefined &&
    exchange.failure?.kind === "connection" &&
    CLOSED_CONNECTION.test(exchange.failure.message)
  );
}

/**
 * The least wait before the n-th resend (n from 1). A 429 with `Retry-After: 0` is taken at its word
 * for the first resend (0, 100, 200, 400… ms, at most 2 s); a gateway's 5xx page gives its upstream
 * time to come back (250, 500, 1000… ms, at most 4 s).
 */
export function backoff(n: number, status: number | undefined): number {
  if (status === 429) return n <= 1 ? 0 : Math.min(25 * 2 ** n, 2_000);
  return Math.min(250 * 2 ** (n - 1), 4_000);
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}
