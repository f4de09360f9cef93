/** The transport's one resend rule (src/http/resend.ts), as a table, and the infrastructure's tally. */
import { describe, expect, it } from "vitest";
import { describeInfrastructure, InfrastructureTally } from "../../src/http/infrastructure-report.js";
import { resendDecision } from "../../src/http/resend.js";

const limits = { maxRetryAfterMs: 30_000, patienceMs: 45_000, maxApiRetries: 2 };
const fresh = { attempts: 1, elapsedMs: 0, reconnects: 0, apiRetries: 0 };
const page = (status: number, headers: Record<string, string> = {}) => ({
  status,
  headers: { "content-type": "text/html", ...headers },
  bodyText: "<html>busy</html>",
});
const apiError = (status: number, headers: Record<string, string> = {}) => ({
  status,
  headers: { "content-type": "application/json", ...headers },
  json: { code: "unavailable", message: "try later" },
  bodyText: "{}",
});
const closed = { headers: {}, failure: { kind: "connection" as const, message: "UND_ERR_SOCKET: other side closed" } };

describe("the resend rule", () => {
  it.each([
    ["a 429, GET: resent at once the first time", "GET", page(429), fresh, { resend: true, waitMs: 0, why: "infrastructure" }],
    ["a 429, PATCH: resent (nothing was processed)", "PATCH", page(429), fresh, { resend: true, waitMs: 0, why: "infrastructure" }],
    [
      "a 429's Retry-After is waited",
      "PATCH",
      page(429, { "retry-after": "2" }),
      fresh,
      { resend: true, waitMs: 2_000, why: "infrastructure", retryAfterMs: 2_000 },
    ],
    ["a gateway's 504 page, GET: resent after a backoff", "GET", page(504), fresh, { resend: true, waitMs: 250, why: "infrastructure" }],
    ["a gateway's 502 page, PATCH: never resent", "PATCH", page(502), fresh, { resend: false }],
    ["a gateway's 503 page, PATCH: never resent", "PATCH", page(503, { "retry-after": "1" }), fresh, { resend: false }],
    ["the API's own 503, GET: resent", "GET", apiError(503), fresh, { resend: true, waitMs: 500, why: "api-503" }],
    ["the API's own 503, GET, after two resends: not again", "GET", apiError(503), { ...fresh, apiRetries: 2 }, { resend: false }],
    ["the API's own 500: never", "GET", apiError(500), fresh, { resend: false }],
    ["the API's own 502 ErrorResponse: never (a finding)", "GET", apiError(502), fresh, { resend: false }],
    ["a closed connection, GET: once, at once", "GET", closed, fresh, { resend: true, waitMs: 0, why: "closed-connection" }],
    ["a closed connection, GET, again: not twice", "GET", closed, { ...fresh, reconnects: 1 }, { resend: false }],
    ["a closed connection, PATCH: never", "PATCH", closed, fresh, { resend: false }],
  ] as const)("%s", (_name, method, exchange, state, decision) => {
    expect(resendDecision(method, exchange, state, limits)).toEqual(decision);
  });

  it("gives up, saying why, on a Retry-After over the bound and past the request's patience", () => {
    expect(resendDecision("GET", page(429, { "retry-after": "31" }), fresh, limits)).toEqual({
      resend: false,
      gaveUp: "it asked to wait 31 s (Retry-After), more than the 30 s this run waits (--max-retry-after-ms)",
    });
    expect(resendDecision("GET", page(503), { ...fresh, attempts: 5, elapsedMs: 44_000 }, limits)).toEqual({
      resend: false,
      gaveUp: "still so after 5 attempts within the request's patience of 45 s",
    });
    expect(resendDecision("GET", page(429), fresh, { ...limits, patienceMs: 0 })).toMatchObject({ resend: false });
  });
});

describe("the infrastructure's tally", () => {
  it("counts answers, requests and the unresolved, by source and status, in one line", () => {
    const tally = new InfrastructureTally();
    const busy = { source: "gateway" as const, status: 503, reason: "the gateway answered 503 (an HTML page)" };
    const limited = { source: "rate-limiter" as const, status: 429, reason: "a rate limiter answered 429" };
    tally.record([busy, busy], undefined);
    tally.record([busy], busy);
    tally.record([limited], undefined);
    const report = tally.report();
    expect(report?.counts).toEqual([
      { source: "gateway", status: 503, answers: 3, requests: 2, unresolved: 1 },
      { source: "rate-limiter", status: 429, answers: 1, requests: 1, unresolved: 0 },
    ]);
    expect(report && describeInfrastructure(report)).toBe(
      "the gateway answered 503 to 2 requests (3 answers; 1 never cleared); a rate limiter answered 429 to 1 request (1 answer; every one resent and answered by the API)",
    );
    expect(new InfrastructureTally().report()).toBeUndefined();
  });
});
