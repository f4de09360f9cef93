import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { HttpTransport, retryWait } from "../../src/http/transport.js";

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

  it("gives up on a 429 after its bounded retries, and resends none once two requests gave up", async () => {
    const server = await flakyServer(1_000, 429);
    const transport = new HttpTransport({ baseUrl: server.baseUrl, timeoutMs: 2_000, maxRateLimitRetries: 3 });
    closers.push(() => transport.close());
    for (let i = 0; i < 3; i += 1) expect((await transport.send({ method: "GET", path: "/" })).status).toBe(429);
    expect(server.hits()).toBe(4 + 4 + 1);
    expect(transport.rateLimit()?.unresolved).toBe(3);
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

describe("retryWait", () => {
  const now = Date.parse("2026-11-29T12:00:00Z");
  it.each([
    ["no retry for a 200", 200, undefined, undefined],
    ["no retry for a 500", 500, undefined, undefined],
    ["a short default wait without Retry-After", 503, undefined, 500],
    ["Retry-After in seconds", 429, "2", 2000],
    ["Retry-After as an HTTP date", 503, "Sun, 29 Nov 2026 12:00:01 GMT", 1000],
    ["no retry when Retry-After exceeds the cap", 429, "120", undefined],
    ["no retry when Retry-After is garbage", 503, "soon", undefined],
  ])("%s", (_name, status, header, expected) => {
    const headers: Record<string, string> = header === undefined ? {} : { "retry-after": header };
    expect(retryWait({ status, headers }, 3_000, now)).toBe(expected);
  });
});
