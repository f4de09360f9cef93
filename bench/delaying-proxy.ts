/**
 * A delaying HTTP proxy on 127.0.0.1, in process: every request waits half the latency before it
 * reaches the upstream and the other half before its response leaves, as a server that many
 * milliseconds away would. It records every request, so a bench can count them and derive the
 * chain of writes that had to wait for each other.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { Agent, request } from "undici";

export interface ProxiedRequest {
  method: string;
  /** Path and query as the client sent them. */
  path: string;
  /** Upstream status; 502 when the upstream gave no response. */
  status: number;
  /** performance.now() when the request arrived and when its response was finished. */
  startMs: number;
  endMs: number;
}

export interface DelayingProxy {
  /** `http://127.0.0.1:PORT`: put the upstream's path (e.g. `/tenant`) after it. */
  origin: string;
  /** Every request so far, in the order their responses finished. */
  readonly log: ProxiedRequest[];
  close(): Promise<void>;
}

/** Headers that belong to one connection, not to the message (RFC 9110 §7.6.1). */
const HOP_BY_HOP = new Set(["connection", "keep-alive", "transfer-encoding", "host", "upgrade", "proxy-connection", "te", "trailer"]);

/**
 * `jitterMs` adds up to that much more on the way in, at random, so that requests sent together reach
 * the upstream in any order (a test of a plan that must not depend on the order).
 */
export async function startDelayingProxy(upstreamOrigin: string, latencyMs: number, jitterMs = 0): Promise<DelayingProxy> {
  const log: ProxiedRequest[] = [];
  const upstream = new Agent({ connections: 64 });
  const server = createServer((incoming, outgoing) => {
    forward(incoming, outgoing, { upstreamOrigin, latencyMs, jitterMs, upstream, log }).catch(() => outgoing.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    log,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await upstream.close();
    },
  };
}

interface Forwarding {
  upstreamOrigin: string;
  latencyMs: number;
  jitterMs: number;
  upstream: Agent;
  log: ProxiedRequest[];
}

async function forward(incoming: IncomingMessage, outgoing: ServerResponse, via: Forwarding): Promise<void> {
  const startMs = performance.now();
  const chunks: Buffer[] = [];
  for await (const chunk of incoming) chunks.push(chunk as Buffer);
  const method = incoming.method ?? "GET";
  const path = incoming.url ?? "/";
  await sleep(via.latencyMs / 2 + Math.random() * via.jitterMs);
  let status = 502;
  let headers: Record<string, string> = {};
  let body: Buffer = Buffer.alloc(0);
  try {
    const response = await request(`${via.upstreamOrigin}${path}`, {
      method: method as "GET",
      headers: endToEnd(incoming.headers),
      body: chunks.length > 0 ? Buffer.concat(chunks) : undefined,
      dispatcher: via.upstream,
    });
    status = response.statusCode;
    headers = endToEnd(response.headers);
    body = Buffer.from(await response.body.arrayBuffer());
  } catch {
    // The upstream gave no response: the client sees a 502, as from a real gateway.
  }
  await sleep(via.latencyMs / 2);
  outgoing.writeHead(status, { ...headers, "content-length": body.length });
  outgoing.end(body);
  via.log.push({ method, path, status, startMs, endMs: performance.now() });
}

function endToEnd(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name.toLowerCase()) && name.toLowerCase() !== "content-length") {
      kept[name] = Array.isArray(value) ? value.join(", ") : value;
    }
  }
  return kept;
}
