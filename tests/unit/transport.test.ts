import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { retryAfterMs } from "../../src/http/rate-limit-headers.js";
import { HttpTransport } from "../../src/http/transport.js";
import { keepAliveCloser } from "../support/keep-alive-closer.js";

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

/** A server that answers 503 (or `busy`) with Retry-After: 0 to the first `failures` requests, then 200. */
async function flakyServer(failures: number, busy = 503): Promise<{ baseUrl: string; hits: () => number }> {
  let hits = 0;
  const server = createServer((request, response) => {
    request.resume();
    hits += 1;
    const status = hits <= failures ? busy : 200;
    response.writeHead(status, { "content-type": "application/json", "retry-after": "0" });
    response.end(JSON.stringify(status === 200 ? { data: [] } : { code: "unavailable", message: "try again" }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  closers.push(() => new Promise((resolve) => server.close(() => resolve())));
  return { baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits: () => hits };
}

interface Answer {
  status: number;
  headers?: Record<string, string>;
  /** An HTML page, as a gateway sends; otherwise a JSON body (an ErrorResponse for an error status). */
  html?: boolean;
}

/** A server answering as `answer` says, given the request and a counter of hits per path. */
async function answeringServer(
  answer: (request: IncomingMessage, hit: (path?: string) => number) => Answer,
): Promise<{ baseUrl: string; hits: () => number }> {
  let hits = 0;
  const perPath = new Map<string, number>();
  const server = createServer((request, response) => {
    request.resume();
    hits += 1;
    perPath.set(request.url ?? "", (perPath.get(request.url ?? "") ?? 0) + 1);
    const { status, headers = {}, html } = answer(request, (path = request.url ?? "") => perPath.get(path) ?? 0);
    const body = html
      ? `<html><body><h1>${status}</h1></body></html>`
      : JSON.stringify(status < 300 ? { data: [] } : { code: "e", message: "m" });
    response.writeHead(status, { "content-type": html ? "text/html" : "application/json", ...headers });
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  closers.push(() => new Promise((resolve) => server.close(() => resolve())));
  return { baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits: () => hits };
}

describe("the transport", () => {
  it("retries a GET answered 503 with Retry-After, and gets the final answer", async () => {
    const server = await flakyServer(2);
    const transport = new HttpTransport({ baseUrl: server.baseUrl, timeoutMs: 2_000 });
    closers.push(() => transport.close());
    const exchange = await transport.send({ method: "GET", path: "/api/v1/orgs" });
    expect(exchange.status).toBe(200);
    expect(exchange.attempts).toBe(3);
  });

  it("never retries a PATCH", async () => {
    const server = await flakyServer(2);
    const transport = new HttpTransport({ baseUrl: server.baseUrl, timeoutMs: 2_000 });
    closers.push(() => transport.close());
    const exchange = await transport.send({ method: "PATCH", path: "/api/v1/orgs/x", body: "{}" });
    expect(exchange.status).toBe(503);
    expect(server.hits()).toBe(1);
  });

  it("resends a PATCH answered 429 (not processed), and reports the limit met", async () => {
    const server = await flakyServer(2, 429);
    const transport = new HttpTransport({ baseUrl: server.baseUrl, timeoutMs: 2_000 });
    closers.push(() => transport.close());
    expect(transport.rateLimit()).toBeUndefined();
    const exchange = await transport.send({ method: "PATCH", path: "/api/v1/orgs/x", body: "{}" });
    expect(exchange.status).toBe(200);
    expect(server.hits()).toBe(3);
    expect(transport.rateLimit()).toEqual({ responses429: 2, unresolved: 0, inFlightAtFirst: 1, concurrency: 1 });
  });

  it("resends each request within its own patience: requests that gave up on a 429 never stop a later one's resends", async () => {
    // issue 24: after two requests gave up, no 429 was resent for the rest of the run, the restore's included.
    const server = await answeringServer((request, hit) =>
      request.url === "/never" || hit(request.url) <= 3 ? { status: 429, headers: { "retry-after": "0" } } : { status: 200 },
    );
    const transport = new HttpTransport({ baseUrl: server.baseUrl, timeoutMs: 2_000, patienceMs: 20_000 });
    closers.push(() => transport.close());
    for (let i = 0; i < 3; i += 1) {
      const gaveUp = await transport.send({ method: "GET", path: "/never" }, { patienceMs: 150 });
      expect(gaveUp.status).toBe(429);
      expect(gaveUp.infrastructure?.source).toBe("rate-limiter");
      expect(gaveUp.infrastructure?.reason).toMatch(
        /^a rate limiter answered 429.*: still so after \d+ attempts within the request's patience of 0.1[5-9]? s$/,
      );
    }
    const later = await transport.send({ method: "PATCH", path: "/later", body: "{}" });
    expect(later.status).toBe(200);
    expect(later.attempts).toBe(4);
    expect(later.infrastructure).toBeUndefined();
    expect(transport.rateLimit()?.unresolved).toBe(3);
  });

  it("does not wait for a Retry-After longer than its bound: the answer comes back marked, saying the wait asked", async () => {
    const server = await answeringServer(() => ({ status: 429, headers: { "retry-after": "120" } }));
    const transport = new HttpTransport({ baseUrl: server.baseUrl, timeoutMs: 2_000, maxRetryAfterMs: 30_000 });
    closers.push(() => transport.close());
    const exchange = await transport.send({ method: "GET", path: "/" });
    expect(server.hits()).toBe(1);
    expect(exchange.infrastructure).toEqual({
      source: "rate-limiter",
      status: 429,
      reason:
        "a rate limiter answered 429 (application/json): it asked to wait 120 s (Retry-After), more than the 30 s this run waits (--max-retry-after-ms)",
    });
  });

  it("resends a GET through a gateway's 502, 503 and 504 pages, and returns the API's answer", async () => {
    const pages = [502, 503, 504];
    const server = await answeringServer((_request, hit) => {
      const status = pages[hit("/") - 1];
      return status === undefined ? { status: 200 } : { status, html: true };
    });
    const transport = new HttpTransport({ baseUrl: server.baseUrl, timeoutMs: 2_000 });
    closers.push(() => transport.close());
    const exchange = await transport.send({ method: "GET", path: "/" });
    expect(exchange.status).toBe(200);
    expect(exchange.attempts).toBe(4);
    expect(exchange.infrastructure).toBeUndefined();
    expect(transport.infrastructure()?.counts).toEqual(
      [502, 503, 504].map((status) => ({ source: "gateway", status, answers: 1, requests: 1, unresolved: 0 })),
    );
  });

  it("returns a gateway's page that persists past the request's patience, marked, and counts it per status", async () => {
    const server = await answeringServer(() => ({ status: 503, html: true }));
    const transport = new HttpTransport({ baseUrl: server.baseUrl, timeoutMs: 2_000, patienceMs: 400 });
    closers.push(() => transport.close());
    const exchange = await transport.send({ method: "GET", path: "/" });
    expect(exchange.status).toBe(503);
    expect(exchange.attempts).toBeGreaterThan(1);
    expect(exchange.infrastructure?.source).toBe("gateway");
    expect(exchange.infrastructure?.reason).toMatch(/^the gateway answered 503 \(an HTML page\): still so after \d+ attempts/);
    expect(transport.infrastructure()?.counts).toEqual([
      { source: "gateway", status: 503, answers: exchange.attempts, requests: 1, unresolved: 1 },
    ]);
  });

  it.each([502, 503, 504])("never resends a PATCH a gateway answered %i: it may have reached the API and land late", async (status) => {
    const server = await answeringServer(() => ({ status, html: true }));
    const transport = new HttpTransport({ baseUrl: server.baseUrl, timeoutMs: 2_000 });
    closers.push(() => transport.close());
    const exchange = await transport.send({ method: "PATCH", path: "/x", body: "{}" });
    expect(server.hits()).toBe(1);
    expect(exchange.infrastructure).toMatchObject({ source: "gateway", status });
  });

  it("keeps the API's own 5xx ErrorResponse as the API's answer (a finding), never the gateway's", async () => {
    const server = await answeringServer(() => ({ status: 502 }));
    const transport = new HttpTransport({ baseUrl: server.baseUrl, timeoutMs: 2_000 });
    closers.push(() => transport.close());
    const exchange = await transport.send({ method: "GET", path: "/" });
    expect(server.hits()).toBe(1);
    expect(exchange.infrastructure).toBeUndefined();
    expect(transport.infrastructure()).toBeUndefined();
  });

  it("gives up after the bounded number of retries", async () => {
    const server = await flakyServer(10);
    const transport = new HttpTransport({ baseUrl: server.baseUrl, timeoutMs: 2_000, maxRetries: 2 });
    closers.push(() => transport.close());
    expect((await transport.send({ method: "GET", path: "/" })).status).toBe(503);
    expect(server.hits()).toBe(3);
  });

  it("reports a refused connection as unreachable, not as a finding about the server", async () => {
    const transport = new HttpTransport({ baseUrl: "http://127.0.0.1:9", timeoutMs: 2_000 });
    closers.push(() => transport.close());
    expect((await transport.send({ method: "GET", path: "/" })).failure?.kind).toBe("unreachable");
  });
});

describe("retryAfterMs", () => {
  const now = Date.parse("2026-11-29T12:00:00Z");
  it.each([
    ["nothing without the header", undefined, undefined],
    ["seconds", "2", 2000],
    ["an HTTP date", "Sun, 29 Nov 2026 12:00:01 GMT", 1000],
    ["a date in the past is no wait", "Sun, 29 Nov 2026 11:00:00 GMT", 0],
    ["a long wait as asked (the bound is the resend rule's)", "120", 120_000],
    ["nothing for garbage", "soon", undefined],
  ])("%s", (_name, header, expected) => {
    const headers: Record<string, string> = header === undefined ? {} : { "retry-after": header };
    expect(retryAfterMs(headers, now)).toBe(expected);
  });
});

describe("a keep-alive connection the peer closed before answering", () => {
  it.each([
    ["closed (other side closed)", false],
    ["reset (ECONNRESET)", true],
  ])("is resent once on a fresh connection for a GET: %s", async (_name, reset) => {
    const server = await keepAliveCloser({ reset });
    closers.push(() => server.close());
    const transport = new HttpTransport({ baseUrl: server.baseUrl, timeoutMs: 2_000, connections: 1 });
    closers.push(() => transport.close());
    expect((await transport.send({ method: "GET", path: "/" })).status).toBe(200);
    const second = await transport.send({ method: "GET", path: "/" }); // on the reused connection, which the server closes
    expect(second.failure).toBeUndefined();
    expect(second.status).toBe(200);
    expect(second.attempts).toBe(2);
    expect(server.closed).toBe(1);
  });

  it("is not resent for a PATCH: the failure stays what it is", async () => {
    const server = await keepAliveCloser();
    closers.push(() => server.close());
    const transport = new HttpTransport({ baseUrl: server.baseUrl, timeoutMs: 2_000, connections: 1 });
    closers.push(() => transport.close());
    await transport.send({ method: "GET", path: "/" });
    const patch = await transport.send({ method: "PATCH", path: "/", body: "{}" });
    expect(patch.failure?.kind).toBe("connection");
    expect(patch.attempts).toBe(1);
  });

  it("is resent only once: a server that drops every request is still reported", async () => {
    const server = await keepAliveCloser({ everyRequest: true });
    closers.push(() => server.close());
    const transport = new HttpTransport({ baseUrl: server.baseUrl, timeoutMs: 2_000 });
    closers.push(() => transport.close());
    const exchange = await transport.send({ method: "GET", path: "/" });
    expect(exchange.failure?.kind).toBe("connection");
    expect(exchange.attempts).toBe(2);
    expect(server.closed).toBe(2);
  });
});

describe("the API's own 503 (a JSON ErrorResponse)", () => {
  it("is resent for a GET only when its Retry-After is short (3 s at most): an API that says it is down is a finding", async () => {
    const server = await answeringServer(() => ({ status: 503, headers: { "retry-after": "20" } }));
    const transport = new HttpTransport({ baseUrl: server.baseUrl, timeoutMs: 2_000 });
    closers.push(() => transport.close());
    const exchange = await transport.send({ method: "GET", path: "/" });
    expect(server.hits()).toBe(1);
    expect(exchange.infrastructure).toBeUndefined();
  });
});
