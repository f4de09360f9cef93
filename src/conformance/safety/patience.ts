/**
 * The restore's own patience. The restore is the one part of a run that must not give up early: a
 * rate limiter's 429 or a gateway's 503/504 on its read or its PATCH would otherwise leave the org
 * changed (exit 3) although nothing is wrong with the API. So, within RESTORE_PATIENCE_MS (longer than
 * any check's), the restore:
 * - asks the transport for that patience (`send(req, { patienceMs })`: the pacer in src/http/ resends
 *   through 429s and gateway pages within it), and keeps a bounded loop of its own on top, so it holds
 *   whatever the transport does;
 * - resends a read through any infrastructure answer or a lost connection (a GET changes nothing);
 * - resends its PATCH after a 429 (not processed, RFC 6585 §4); after a gateway's 502/503/504 or no
 *   status (the PATCH may have landed) it first reads the org again, and resends only if the org does
 *   not yet read as the restore wants (the same body, so a late landing changes nothing more);
 * - re-reads, bounded (READ_LAG_PAUSES_MS, about 3 s in all), before it says an org does not read back
 *   as the snapshot: a replica a few hundred milliseconds behind the primary reads the old value.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { retryAfterMs } from "../../http/rate-limit-headers.js";
import type { Exchange, HttpRequest, HttpTransport } from "../../http/transport.js";

/** How long the restore keeps resending through the infrastructure's answers (the checks give up sooner). */
export const RESTORE_PATIENCE_MS = 60_000;

/** The pauses between the re-reads that allow for read lag (a replica behind the primary): 3.25 s in all. */
export const READ_LAG_PAUSES_MS: readonly number[] = [250, 500, 1_000, 1_500];

/** The first pause between the restore's own resends; doubled up to MAX_PAUSE_MS, or the Retry-After when one is given. */
const FIRST_PAUSE_MS = 200;
const MAX_PAUSE_MS = 5_000;

export interface Patience {
  /** performance.now() after which nothing is resent. */
  deadline: number;
}

export function patience(patienceMs: number = RESTORE_PATIENCE_MS): Patience {
  return { deadline: performance.now() + patienceMs };
}

const left = (p: Patience) => Math.max(0, p.deadline - performance.now());

/** Whether an answer is not the API's own and a read may simply be sent again. */
export function worthResending(exchange: Exchange): boolean {
  if (exchange.infrastructure !== undefined) return exchange.infrastructure.source !== "proxy"; // a proxy's 407 does not clear by waiting
  return exchange.failure?.kind === "timeout" || exchange.failure?.kind === "connection";
}

/** A GET, resent through the infrastructure's answers until the API answers or the patience runs out. */
export async function patientSend(transport: HttpTransport, request: HttpRequest, within: Patience): Promise<Exchange> {
  for (let attempt = 0; ; attempt += 1) {
    const exchange = await transport.send(request, { patienceMs: left(within) });
    const pause = pauseAfter(exchange, attempt);
    if (!worthResending(exchange) || pause >= left(within)) return exchange;
    await sleep(pause);
  }
}

export type PatchOutcome = { exchange: Exchange; landed?: undefined } | { landed: true; exchange: Exchange };

/**
 * The restore's PATCH, resent within the patience: at once after a 429 (refused before the API saw it);
 * after a gateway's page or no status only once `landed()` (a read of the org) says it did not land yet.
 */
export async function patientPatch(
  transport: HttpTransport,
  request: HttpRequest,
  within: Patience,
  landed: () => Promise<boolean>,
): Promise<PatchOutcome> {
  for (let attempt = 0; ; attempt += 1) {
    const exchange = await transport.send(request, { patienceMs: left(within) });
    if (!worthResending(exchange)) return { exchange };
    const mayHaveLanded = exchange.infrastructure?.source !== "rate-limiter";
    if (mayHaveLanded && (await landed())) return { landed: true, exchange };
    const pause = pauseAfter(exchange, attempt);
    if (pause >= left(within)) return { exchange };
    await sleep(pause);
  }
}

/**
 * Reads until `settled` holds of the answer or the read-lag pauses are spent; returns the last answer.
 * A real difference still fails after about 3 s: the re-reads only give a lagging replica its time.
 */
export async function rereadForLag<T>(read: () => Promise<T>, settled: (value: T) => boolean): Promise<T> {
  let value = await read();
  for (const pause of READ_LAG_PAUSES_MS) {
    if (settled(value)) return value;
    await sleep(pause);
    value = await read();
  }
  return value;
}

/** The Retry-After asked (read as the transport reads it: seconds or an HTTP date), else a doubling backoff. */
function pauseAfter(exchange: Exchange, attempt: number): number {
  const asked = retryAfterMs(exchange.headers);
  return asked === undefined ? Math.min(MAX_PAUSE_MS, FIRST_PAUSE_MS * 2 ** attempt) : Math.max(asked, 50);
}
