/**
 * Node stand-ins for what stands in front of a real API (nginx, haproxy, an API gateway), for the gate's
 * half of issue 24: what the run does with the infrastructure's answers. Each test says which real
 * gateway its rule stands for. A rule sees every request (with its body) and either lets it through to
 * the upstream (the reference provider) or answers for the gateway, optionally forwarding the request
 * later anyway (a gateway whose read time-out fired while the API still had the request).
 */
import { createServer, request as forward, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import type { Check } from "../../src/conformance/check.js";
import { targetFromProvider } from "../../src/conformance/prepare.js";
import { type RunResult, runChecks } from "../../src/conformance/runner.js";
import { HttpTransport } from "../../src/http/transport.js";
import { type ProviderHandle, startProvider } from "../../src/provider/server.js";
import { specValidators } from "../../src/validation/validators.js";
import { GALLERY_SEED } from "./run-against.js";

export interface Arrival {
  method: string;
  url: string;
  authorization?: string;
  body: string;
  /** How many requests arrived before this one. */
  index: number;
}

export interface GatewayAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  /** The gateway answers at once, and the API gets the request this much later (and applies it). */
  forwardAfterMs?: number;
}

/** `undefined`: forward to the API and pass its answer on. */
export type GatewayRule = (arrival: Arrival) => GatewayAnswer | undefined;

export interface StandInGateway {
  baseUrl: string;
  /** What arrived, and who answered it (`api`, or the gateway's status), in order. */
  log: { arrival: Arrival; answeredBy: "api" | number; at: number }[];
  /** When each late request reached the API and what it answered (for the late PATCH). */
  late: { arrival: Arrival; at: number; status: number }[];
  close(): Promise<void>;
}

/** nginx's default error page, as `limit_req` (503) and a read time-out (504) send it. */
export function nginxPage(status: number, title: string): GatewayAnswer {
  const body = `<html>\r\n<head><title>${status} ${title}</title></head>\r\n<body>\r\n<center><h1>${status} ${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
  return { status, headers: { "content-type": "text/html" }, body };
}

/** Called around each request the gateway forwards (a replica stand-in reads the org before a PATCH). */
export interface ForwardHooks {
  beforeForward?(arrival: Arrival, headers: IncomingMessage["headers"]): Promise<void>;
  afterForward?(arrival: Arrival): void;
}

export async function standInGateway(upstreamBaseUrl: string, rule: GatewayRule, hooks: ForwardHooks = {}): Promise<StandInGateway> {
  const upstream = new URL(upstreamBaseUrl);
  const gateway: StandInGateway = { baseUrl: "", log: [], late: [], close: async () => {} };
  let index = 0;
  const send = (arrival: Arrival, headers: IncomingMessage["headers"]) =>
    new Promise<{ status: number; headers: IncomingMessage["headers"]; body: Buffer }>((resolve, reject) => {
      const out = forward(
        { host: upstream.hostname, port: upstream.port, method: arrival.method, path: arrival.url, headers },
        (answer) => {
          const chunks: Buffer[] = [];
          answer.on("data", (chunk: Buffer) => chunks.push(chunk));
          answer.on("end", () => resolve({ status: answer.statusCode ?? 502, headers: answer.headers, body: Buffer.concat(chunks) }));
        },
      );
      out.on("error", reject);
      out.end(arrival.body);
    });
  const server = createServer(async (req, res) => {
    const body = await readAll(req);
    const arrival: Arrival = {
      method: req.method ?? "",
      url: req.url ?? "",
      authorization: req.headers.authorization,
      body,
      index: index++,
    };
    const answer = rule(arrival);
    if (answer !== undefined) {
      gateway.log.push({ arrival, answeredBy: answer.status, at: performance.now() });
      res.writeHead(answer.status, answer.headers ?? {});
      res.end(answer.body ?? "");
      if (answer.forwardAfterMs !== undefined) {
        setTimeout(() => {
          send(arrival, req.headers)
            .then((late) => gateway.late.push({ arrival, at: performance.now(), status: late.status }))
            .catch(() => {});
        }, answer.forwardAfterMs);
      }
      return;
    }
    gateway.log.push({ arrival, answeredBy: "api", at: performance.now() });
    try {
      await hooks.beforeForward?.(arrival, req.headers);
      const answered = await send(arrival, req.headers);
      hooks.afterForward?.(arrival);
      res.writeHead(answered.status, answered.headers);
      res.end(answered.body);
    } catch {
      res.destroy();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  gateway.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}${upstream.pathname}`;
  gateway.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return gateway;
}

function readAll(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
  });
}

export interface RunBehindOptions {
  checks?: readonly Check[];
  timeoutMs?: number;
  /** How long a request keeps resending through the stand-in's answers (default 1 s: a persistent page is the point). */
  patienceMs?: number;
}

export interface Behind {
  provider: ProviderHandle;
  gateway: StandInGateway;
  result: RunResult;
}

/** The whole catalog (or `checks`) in process, against the reference provider behind a gateway following `rule`. */
export async function runBehindGateway(rule: GatewayRule, options: RunBehindOptions, closers: (() => Promise<void>)[]): Promise<Behind> {
  const provider = await startProvider();
  closers.push(() => provider.close());
  const gateway = await standInGateway(provider.baseUrl, rule);
  closers.push(() => gateway.close());
  const transport = new HttpTransport({
    baseUrl: gateway.baseUrl,
    timeoutMs: options.timeoutMs ?? 5_000,
    patienceMs: options.patienceMs ?? 1_000,
    connections: 16,
  });
  closers.push(() => transport.close());
  const validators = specValidators();
  const result = await runChecks({
    target: { ...targetFromProvider(provider), baseUrl: gateway.baseUrl },
    transport,
    validators,
    spec: validators.spec,
    checks: options.checks,
    generated: { seed: GALLERY_SEED, runs: 20 },
  });
  return { provider, gateway, result };
}

/**
 * Reads that lag writes by `lagMs`, as behind a read replica (a PostgreSQL streaming replica, a cache in
 * front of the reads): for `lagMs` after a PATCH was answered, a GET of that org answers what the org
 * was before the PATCH. Before forwarding a PATCH, the stand-in reads the org itself.
 */
export async function laggingReplica(upstreamBaseUrl: string, lagMs: number): Promise<StandInGateway> {
  const stale = new Map<string, { body: string; until: number }>();
  const upstream = new URL(upstreamBaseUrl);
  const read = (path: string, headers: IncomingMessage["headers"]) =>
    new Promise<string>((resolve, reject) => {
      const get = { host: upstream.hostname, port: upstream.port, method: "GET", path, headers: { authorization: headers.authorization } };
      const out = forward(get, (answer) => {
        const chunks: Buffer[] = [];
        answer.on("data", (chunk: Buffer) => chunks.push(chunk));
        answer.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
      });
      out.on("error", reject);
      out.end();
    });
  return standInGateway(
    upstreamBaseUrl,
    ({ method, url }) => {
      const old = stale.get(url);
      if (method !== "GET" || old === undefined || performance.now() > old.until) return undefined;
      return { status: 200, headers: { "content-type": "application/json" }, body: old.body };
    },
    {
      async beforeForward(arrival, headers) {
        if (arrival.method === "PATCH") stale.set(arrival.url, { body: await read(arrival.url, headers), until: Number.POSITIVE_INFINITY });
      },
      afterForward(arrival) {
        const old = stale.get(arrival.url);
        if (arrival.method === "PATCH" && old) old.until = performance.now() + lagMs;
      },
    },
  );
}

export interface LockoutGateway extends StandInGateway {
  /** Bad tokens of the account seen, and when the account was locked (performance.now()). */
  badTokens: number;
  lockedAt?: number;
}

/**
 * A gateway that locks an account for `lockMs` after `after` bad tokens, as API gateways with brute-force
 * protection do (Kong's and Apigee's lockout policies, an identity provider in front). The account is known
 * by the first 12 characters of the token (tokens that carry their account id as a prefix); a bad token is
 * any Authorization header holding that prefix, in any letter case, that is not `Bearer <token>` (nor the
 * lowercase scheme, which some servers accept). While locked, even the good token is answered 401, in the
 * API's own ErrorResponse shape, so nothing but the order of the requests tells it from the API's 401.
 */
export async function lockoutGateway(upstreamBaseUrl: string, token: string, after = 3, lockMs = 60_000): Promise<LockoutGateway> {
  const prefix = token.slice(0, 12).toLowerCase();
  const account: { badTokens: number; lockedAt?: number } = { badTokens: 0 };
  const gateway = await standInGateway(upstreamBaseUrl, ({ authorization = "" }) => {
    if (!authorization.toLowerCase().includes(prefix)) return undefined;
    const locked = account.lockedAt !== undefined && performance.now() - account.lockedAt < lockMs;
    const good = authorization === `Bearer ${token}` || authorization === `bearer ${token}`;
    if (!good && !locked && ++account.badTokens >= after) account.lockedAt = performance.now();
    if (!locked) return undefined;
    return {
      status: 401,
      headers: { "content-type": "application/json" },
      body: '{"code":"unauthorized","message":"Missing or invalid authentication token."}',
    };
  });
  // Read live: the counts change as requests arrive.
  return Object.defineProperties(gateway, {
    badTokens: { get: () => account.badTokens },
    lockedAt: { get: () => account.lockedAt },
  }) as LockoutGateway;
}
