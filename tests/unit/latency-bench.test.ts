import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { request } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { startDelayingProxy } from "../../bench/delaying-proxy.js";
import { parseBenchArgs } from "../../bench/latency.bench.js";
import { bodiesSent, dependencyChain, figuresOf, renderFigures, sequencesSent } from "../../bench/latency-figures.js";
import { ToolError } from "../../src/errors.js";

const org = "/tenant/api/v1/orgs/a";
const other = "/tenant/api/v1/orgs/b";
const get = (path: string) => ({ method: "GET", path, status: 200 });
const patch = (path: string, status: number) => ({ method: "PATCH", path, status });

describe("the dependency-chain lower bound", () => {
  it("is the snapshot read plus an applied PATCH and its verifying GET per applied PATCH", () => {
    const plan = [get(org), patch(org, 200), get(org), patch(org, 200), get(org), get("/tenant/api/v1/orgs")];
    expect(dependencyChain(plan)).toBe(1 + 2 * 2);
  });

  it("does not count refused PATCHes: they may overlap with the reads and with each other", () => {
    const plan = [get(org), patch(org, 400), patch(org, 401), patch(org, 403), patch(org, 200), get(org)];
    expect(dependencyChain(plan)).toBe(1 + 2 * 1);
  });

  it("takes the longest chain of one organization: writes to different orgs need not wait for each other", () => {
    const plan = [patch(org, 200), patch(other, 200), patch(other, 200), patch(other, 204)];
    expect(dependencyChain(plan)).toBe(1 + 2 * 3);
  });

  it("is one request for a run of reads only, nothing for no request", () => {
    expect(dependencyChain([get(org), get(other)])).toBe(1);
    expect(dependencyChain([])).toBe(0);
  });
});

describe("the figures", () => {
  it("count requests and divide the wall time by the latency", () => {
    const figures = figuresOf(150, 30_000, [get(org), patch(org, 200), get(org)], { findings: 0, bodies: 1 });
    expect(figures).toEqual({ latencyMs: 150, wallMs: 30_000, requests: 3, roundTrips: 200, chain: 3, findings: 0, bodies: 1 });
    expect(renderFigures([figures])).toContain("150 ms   30.0 s  3         200          3            0.5 s       0         1");
  });

  it("name the checks that ran and the model-based run's share", () => {
    const figures = figuresOf(150, 30_000, [get(org)], { findings: 0, scope: "default gate", model: { requests: 120, wallMs: 9_000 } });
    expect(renderFigures([figures])).toMatch(/default gate +9\.0 s, 120 requests$/m);
    expect(renderFigures([figuresOf(150, 30_000, [get(org)], { findings: 0 })])).toMatch(/ - +-$/m);
    const cut = figuresOf(150, 30_000, [get(org)], { findings: 0, model: { requests: 52, wallMs: 4_400, sequences: 3 } });
    expect(renderFigures([cut])).toMatch(/ 4\.4 s, 52 requests, 3 sequences$/m);
  });

  it("read the model run's sequence count from its note", () => {
    expect(sequencesSent(["model-based run: 3 sequences (of 10: cut to the latency budget, 151 ms a request) of up to 31"])).toBe(3);
    expect(sequencesSent(["generated bodies: 63 sent"])).toBeUndefined();
  });

  it("leave round trips out at 0 ms", () => {
    expect(figuresOf(0, 1_000, [get(org)], { findings: 0 }).roundTrips).toBeUndefined();
  });

  it("read the generated bodies sent from the generated check's note", () => {
    expect(bodiesSent(["other", "generated bodies: 63 sent, 0 shrink steps, seed 1 (replay: …)"])).toBe(63);
    expect(bodiesSent([])).toBeUndefined();
  });
});

describe("bench:latency flags", () => {
  it("takes several latencies at once", () => {
    expect(parseBenchArgs(["--latency-ms", "0,50,150", "--concurrency", "6"])).toMatchObject({ latencies: [0, 50, 150], concurrency: 6 });
    expect(parseBenchArgs([])).toMatchObject({ latencies: [150], runs: 100 });
  });

  it.each([["--latency-ms", "fast"], ["--concurrency", "0"], ["--runs", "-1"], ["--nope"]])("refuses %s %s as a tool error", (...argv) => {
    expect(() => parseBenchArgs(argv)).toThrow(ToolError);
  });
});

describe("the delaying proxy", () => {
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
  });

  async function echoServer(): Promise<string> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        const echoed = JSON.stringify({
          method: req.method,
          url: req.url,
          auth: req.headers.authorization,
          body: Buffer.concat(chunks).toString(),
        });
        res.writeHead(req.method === "PATCH" ? 400 : 200, { "content-type": "application/json", "x-upstream": "yes" });
        res.end(echoed);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  it("forwards method, path, headers and body, returns the upstream's status, headers and body, and logs the request", async () => {
    const proxy = await startDelayingProxy(await echoServer(), 0);
    closers.unshift(() => proxy.close());
    const response = await request(`${proxy.origin}/tenant/api/v1/orgs/x?y=1`, {
      method: "PATCH",
      headers: { authorization: "Bearer t", "content-type": "application/json" },
      body: '{"name":"n"}',
    });
    expect(response.statusCode).toBe(400);
    expect(response.headers["x-upstream"]).toBe("yes");
    expect(await response.body.json()).toEqual({
      method: "PATCH",
      url: "/tenant/api/v1/orgs/x?y=1",
      auth: "Bearer t",
      body: '{"name":"n"}',
    });
    expect(proxy.log).toMatchObject([{ method: "PATCH", path: "/tenant/api/v1/orgs/x?y=1", status: 400 }]);
  });

  it("holds every request for at least the latency, and requests in flight together wait together, not in turn", async () => {
    const latencyMs = 60;
    const proxy = await startDelayingProxy(await echoServer(), latencyMs);
    closers.unshift(() => proxy.close());
    await Promise.all([1, 2, 3].map(() => request(`${proxy.origin}/r`).then((r) => r.body.text())));
    expect(proxy.log).toHaveLength(3);
    // A lower bound, not a timing: sleeping never ends early (1 ms for timer rounding).
    for (const entry of proxy.log) expect(entry.endMs - entry.startMs).toBeGreaterThanOrEqual(latencyMs - 1);
    // Overlap, not a duration: each request started before any of them finished.
    const firstEnd = Math.min(...proxy.log.map((entry) => entry.endMs));
    for (const entry of proxy.log) expect(entry.startMs).toBeLessThan(firstEnd);
  });

  it("answers 502 when the upstream gives no response", async () => {
    const proxy = await startDelayingProxy("http://127.0.0.1:9", 0);
    closers.unshift(() => proxy.close());
    const response = await request(`${proxy.origin}/r`);
    expect(response.statusCode).toBe(502);
    await response.body.dump();
    expect(proxy.log).toMatchObject([{ status: 502 }]);
  });
});
