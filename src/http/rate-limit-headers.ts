/**
 * What a server's rate-limit headers say about the pace it allows, for the pacer (src/http/pacer.ts).
 *
 * Three families are met in practice:
 * - `Retry-After` (RFC 9110 §10.2.3): seconds, or an HTTP date; on a 429 or 503 it says when to come back.
 * - The IETF draft (draft-ietf-httpapi-ratelimit-headers): `RateLimit-Policy: 10;w=1` or
 *   `"default";q=10;w=1` (a quota per window), and `RateLimit: limit=10, remaining=3, reset=1` or
 *   `"default";r=3;t=1` (what is left and when the window resets); older drafts split them into
 *   `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset`.
 * - `X-RateLimit-Limit`, `X-RateLimit-Remaining`, `X-RateLimit-Reset` (GitHub, many gateways): the reset
 *   is seconds from now or, when it reads as a Unix time, the moment the window resets.
 * Anything unparseable says nothing: a hint is only ever used to go slower or to wait, never to go faster
 * than the pacer learnt.
 */

export interface RateLimitHint {
  /** Requests per second the server advertises (quota ÷ window, or what is left ÷ time to the reset). */
  ratePerSecond?: number;
  /** The window that rate is over, in ms: an hourly quota says nothing about a run of a minute. */
  windowMs?: number;
  /** Nothing is left in this window: wait this long before the next request. */
  exhaustedForMs?: number;
}

/** The wait a `Retry-After` header asks for, in ms (0 for a date in the past); undefined when absent or not a time. */
export function retryAfterMs(headers: Record<string, string>, now = Date.now()): number | undefined {
  const header = headers["retry-after"]?.trim();
  if (header === undefined || header === "") return undefined;
  if (/^\d+$/.test(header)) return Number(header) * 1000;
  const at = Date.parse(header);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}

/** The pace the rate-limit headers of an answer advertise; an empty hint when they say nothing. */
export function rateLimitHint(headers: Record<string, string>, now = Date.now()): RateLimitHint {
  const quota = policyOf(headers);
  const left = remainingOf(headers, now);
  const hint: RateLimitHint = {};
  if (quota !== undefined) {
    hint.ratePerSecond = quota.limit / quota.windowSeconds;
    hint.windowMs = quota.windowSeconds * 1000;
  }
  if (left !== undefined) {
    if (left.remaining === 0 && left.resetSeconds > 0) hint.exhaustedForMs = left.resetSeconds * 1000;
    else if (left.remaining > 0 && left.resetSeconds > 0 && hint.ratePerSecond === undefined) {
      hint.ratePerSecond = left.remaining / left.resetSeconds;
      hint.windowMs = left.resetSeconds * 1000;
    }
  }
  return hint;
}

/** A quota and its window: `RateLimit-Policy` (any draft), or the first policy of `X-RateLimit-Policy`. */
function policyOf(headers: Record<string, string>): { limit: number; windowSeconds: number } | undefined {
  const policy = headers["ratelimit-policy"] ?? headers["x-ratelimit-policy"];
  if (policy === undefined) return undefined;
  const first = policy.split(",")[0] ?? "";
  const limit = numberParam(first, "q") ?? leadingNumber(first);
  const windowSeconds = numberParam(first, "w");
  if (limit === undefined || windowSeconds === undefined || windowSeconds <= 0 || limit <= 0) return undefined;
  return { limit, windowSeconds };
}

/** What is left of the window and the seconds to its reset, from whichever family the server sends. */
function remainingOf(headers: Record<string, string>, now: number): { remaining: number; resetSeconds: number } | undefined {
  const combined = headers.ratelimit;
  if (combined !== undefined) {
    const first = combined.split(/,(?=\s*"|$)/)[0] ?? combined;
    const remaining = numberParam(first, "r") ?? keyValue(combined, "remaining");
    const reset = numberParam(first, "t") ?? keyValue(combined, "reset");
    if (remaining !== undefined && reset !== undefined) return { remaining, resetSeconds: reset };
  }
  for (const prefix of ["ratelimit-", "x-ratelimit-"]) {
    const remaining = plainNumber(headers[`${prefix}remaining`]);
    const reset = plainNumber(headers[`${prefix}reset`]);
    if (remaining === undefined || reset === undefined) continue;
    // A reset past a billion seconds is a Unix time (GitHub), not a wait of thirty years.
    const resetSeconds = reset > 1e9 ? Math.max(0, reset - now / 1000) : reset;
    return { remaining, resetSeconds };
  }
  return undefined;
}

/** `q=10` in a structured-field item such as `"default";q=10;w=1`. */
function numberParam(item: string, name: string): number | undefined {
  const match = new RegExp(`(?:^|;)\\s*${name}=(\\d+(?:\\.\\d+)?)`).exec(item);
  return match ? Number(match[1]) : undefined;
}

/** `remaining=3` in the combined draft form `limit=10, remaining=3, reset=1`. */
function keyValue(value: string, name: string): number | undefined {
  const match = new RegExp(`(?:^|[,\\s])${name}=(\\d+(?:\\.\\d+)?)`).exec(value);
  return match ? Number(match[1]) : undefined;
}

/** The number an item starts with: `10;w=1`. */
function leadingNumber(item: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(?:;|$)/.exec(item);
  return match ? Number(match[1]) : undefined;
}

function plainNumber(value: string | undefined): number | undefined {
  if (value === undefined || !/^\s*\d+(?:\.\d+)?\s*$/.test(value)) return undefined;
  return Number(value);
}
