/**
 * What stands between CI and a real API: a rate-limiting gateway and an outbound proxy.
 *
 * `rateLimitingGateway` forwards to an upstream (the reference provider) but lets only `maxInFlight`
 * requests be in flight at once and answers the rest 429 with a Retry-After, without forwarding
 * them, as API gateways do. `neverClears` answers every request 429; `everyNthPatch` limits writes.
 *
 * `forwardProxy` is an HTTP proxy on loopback that counts what it is asked: CONNECT tunnels (how
 * undici's ProxyAgent reaches any target) and plain absolute-form requests, and what headers it saw.
 */
import { createServer, request as forward, type IncomingMessage } from "node:http";
import { type AddressInfo, connect, type Socket } from "node:net";

export interface Gateway {
  baseUrl: string;
  /** Requests forwarded, and requests answered 429. */
  forwarded: { method: string; url: string }[];
  refused: { method: string; url: string }[];
  /** The most requests ever in flight upstream at once. */
  peakInFlight: number;
  /** Each forwarded PATCH: when it went upstream, when its answer came back, and its status. */
  patches: { start: number; end: number; status: number }[];
  close(): Promise<void>;
}

export interface GatewayOptions {
  maxInFlight: number;
  retryAfter?: string;
  neverClears?: boolean;
  /** Also answer 429 to every n-th PATCH (a gateway limiting writes per second), without forwarding it. */
  everyNthPatch?: number;
  /** Each forwarded request is held this long first, so that requests overlap even on a fast machine. */
  holdMs?: number;
}

export async function rateLimitingGateway(upstreamBaseUrl: string, options: GatewayOptions): Promise<Gateway> {
  const upstream = new URL(upstreamBaseUrl);
  let inFlight = 0;
  let patches = 0;
  const gateway: Gateway = { baseUrl: "", forwarded: [], refused: [], peakInFlight: 0, patches: [], close: async () => {} };
  const server = createServer(async (req, res) => {
    const body = await readAll(req);
    const seen = { method: req.method ?? "", url: req.url ?? "" };
    const nthPatch = req.method === "PATCH" && options.everyNthPatch !== undefined && ++patches % options.everyNthPatch === 0;
    if (options.neverClears || nthPatch || inFlight >= options.maxInFlight) {
      gateway.refused.push(seen);
      res.writeHead(429, { "content-type": "application/json", "retry-after": options.retryAfter ?? "0" });
      res.end('{"code":"too_many_requests","message":"Too many requests in flight"}');
      return;
    }
    inFlight += 1;
    gateway.peakInFlight = Math.max(gateway.peakInFlight, inFlight);
    gateway.forwarded.push(seen);
    const done = () => {
      inFlight -= 1;
    };
    setTimeout(() => {
      const start = performance.now();
      const out = forward(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
          answer.on("end", () => {
            done();
            if (req.method === "PATCH") gateway.patches.push({ start, end: performance.now(), status: answer.statusCode ?? 0 });
          });
        },
      );
      out.on("error", () => {
        done();
        res.destroy();
      });
      out.end(body);
    }, options.holdMs ?? 5);
  });
  await listen(server);
  gateway.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}${upstream.pathname}`;
  gateway.close = () => closeServer(server);
  return gateway;
}

export interface TokenBucketOptions {
  ratePerSecond: number;
  burst: number;
  /** The Retry-After it sends with a refusal (absent: none, as nginx's limit_req). */
  retryAfter?: string;
  /** 429 (default) or 503 (nginx's limit_req default); a refusal is an HTML page, as a gateway's is. */
  status?: number;
}

export interface TokenBucketGateway {
  baseUrl: string;
  /** Requests forwarded to the API (what it served), and requests refused before it. */
  served: number;
  refused: number;
  close(): Promise<void>;
}

/**
 * A token-bucket rate limiter in front of an upstream, as API gateways and nginx's `limit_req` (with
 * `nodelay`) are: `burst` requests at once, then `ratePerSecond`; a request finding the bucket empty is
 * refused before it reaches the API, and the refusal costs no token.
 */
export async function tokenBucketGateway(upstreamBaseUrl: string, options: TokenBucketOptions): Promise<TokenBucketGateway> {
  const upstream = new URL(upstreamBaseUrl);
  let tokens = options.burst;
  let refilledAt = performance.now();
  const take = (): boolean => {
    const now = performance.now();
    tokens = Math.min(options.burst, tokens + ((now - refilledAt) * options.ratePerSecond) / 1_000);
    refilledAt = now;
    if (tokens < 1) return false;
    tokens -= 1;
    return true;
  };
  const gateway: TokenBucketGateway = { baseUrl: "", served: 0, refused: 0, close: async () => {} };
  const server = createServer(async (req, res) => {
    const body = await readAll(req);
    if (!take()) {
      gateway.refused += 1;
      const status = options.status ?? 429;
      res.writeHead(status, { "content-type": "text/html", ...(options.retryAfter ? { "retry-after": options.retryAfter } : {}) });
      res.end(`<html><head><title>${status}</title></head><body><center><h1>${status}</h1></center></body></html>\n`);
      return;
    }
    gateway.served += 1;
    const out = forward(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    out.on("error", () => res.destroy());
    out.end(body);
  });
  await listen(server);
  gateway.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}${upstream.pathname}`;
  gateway.close = () => closeServer(server);
  return gateway;
}

export interface CountingGateway {
  baseUrl: string;
  /** Requests forwarded to the API (what it served), and requests refused before it. */
  served: number;
  refused: number;
  close(): Promise<void>;
}

/** Forwards a request to the upstream and passes its answer on. */
function forwardTo(upstream: URL, req: IncomingMessage, body: string, res: import("node:http").ServerResponse): void {
  const out = forward(
    { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  out.on("error", () => res.destroy());
  out.end(body);
}

export interface FixedWindowOptions {
  /** Requests let through per window. */
  limit: number;
  windowMs: number;
}

/**
 * A fixed-window rate limiter (express-rate-limit's default store, Kong's rate-limiting plugin): `limit`
 * requests per window of `windowMs`, windows back to back from the first request; the rest of a used-up
 * window is refused 429 with `Retry-After` in whole seconds to the window's end, before the API.
 */
export async function fixedWindowGateway(upstreamBaseUrl: string, options: FixedWindowOptions): Promise<CountingGateway> {
  const upstream = new URL(upstreamBaseUrl);
  let windowStart: number | undefined;
  let used = 0;
  const gateway: CountingGateway = { baseUrl: "", served: 0, refused: 0, close: async () => {} };
  const server = createServer(async (req, res) => {
    const body = await readAll(req);
    const now = performance.now();
    windowStart ??= now;
    while (now >= windowStart + options.windowMs) {
      windowStart += options.windowMs;
      used = 0;
    }
    if (used >= options.limit) {
      gateway.refused += 1;
      const left = Math.max(1, Math.ceil((windowStart + options.windowMs - now) / 1_000));
      res.writeHead(429, { "content-type": "application/json", "retry-after": String(left) });
      res.end('{"message":"Too many requests, please try again later."}');
      return;
    }
    used += 1;
    gateway.served += 1;
    forwardTo(upstream, req, body, res);
  });
  await listen(server);
  gateway.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}${upstream.pathname}`;
  gateway.close = () => closeServer(server);
  return gateway;
}

/**
 * A gateway that refuses each request `tries - 1` times (429 with `Retry-After: 0`, as rateLimitingGateway
 * sends: come back at once) and lets its `tries`-th attempt through: the same request (method, path,
 * credentials, body) counted across its resends.
 */
export async function clearsOnTryGateway(upstreamBaseUrl: string, tries: number): Promise<CountingGateway> {
  const upstream = new URL(upstreamBaseUrl);
  const attempts = new Map<string, number>();
  const gateway: CountingGateway = { baseUrl: "", served: 0, refused: 0, close: async () => {} };
  const server = createServer(async (req, res) => {
    const body = await readAll(req);
    const key = JSON.stringify([req.method, req.url, req.headers.authorization, body]);
    const attempt = (attempts.get(key) ?? 0) + 1;
    if (attempt < tries) {
      attempts.set(key, attempt);
      gateway.refused += 1;
      res.writeHead(429, { "content-type": "text/html", "retry-after": "0" });
      res.end("<html><body><h1>429 Too Many Requests</h1></body></html>\n");
      return;
    }
    attempts.delete(key);
    gateway.served += 1;
    forwardTo(upstream, req, body, res);
  });
  await listen(server);
  gateway.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}${upstream.pathname}`;
  gateway.close = () => closeServer(server);
  return gateway;
}

export interface ForwardProxy {
  url: string;
  /** `CONNECT host:port` per tunnel opened, `GET http://…` per plain request. */
  requests: string[];
  /** The header names of every request the proxy itself read (a tunnel's content is not among them). */
  headerNames: string[][];
  close(): Promise<void>;
}

export interface ForwardProxyOptions {
  /** Answer every CONNECT with this status instead of opening the tunnel (407: wrong credentials, 403: denied). */
  refuseConnect?: number;
}

export async function forwardProxy(options: ForwardProxyOptions = {}): Promise<ForwardProxy> {
  const requests: string[] = [];
  const headerNames: string[][] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    headerNames.push(Object.keys(req.headers));
    const target = new URL(req.url ?? "");
    const out = forward(
      { host: target.hostname, port: target.port, method: req.method, path: target.pathname, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    out.on("error", () => res.destroy());
    req.pipe(out);
  });
  server.on("connect", (req: IncomingMessage, client: Socket, head: Buffer) => {
    requests.push(`CONNECT ${req.url}`);
    headerNames.push(Object.keys(req.headers));
    if (options.refuseConnect !== undefined) {
      const challenge = options.refuseConnect === 407 ? 'Proxy-Authenticate: Basic realm="proxy"\r\n' : "";
      client.end(`HTTP/1.1 ${options.refuseConnect} Refused\r\n${challenge}Content-Length: 0\r\n\r\n`);
      return;
    }
    const [host = "", port = ""] = (req.url ?? "").split(":");
    const upstream = connect(Number(port), host, () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("error", () => socket.destroy());
      socket.on("close", () => sockets.delete(socket));
    }
  });
  await listen(server);
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    headerNames,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return closeServer(server);
    },
  };
}

function listen(server: ReturnType<typeof createServer>): Promise<void> {
  return new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
}

function closeServer(server: ReturnType<typeof createServer>): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

function readAll(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
  });
}
