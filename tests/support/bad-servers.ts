/**
 * Servers that misbehave below the HTTP status line, for proving the suite survives them: each
 * answers every request the same bad way, and logs what it received (to prove where tokens went).
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface Received {
  method: string;
  url: string;
  authorization?: string;
}

export interface BadServer {
  origin: string;
  baseUrl: string;
  received: Received[];
  close(): Promise<void>;
}

/** The org id the tests configure (TENANT_API_ORG_ID) against a bad server. */
export const BAD_SERVER_ORG_ID = "1b4e28ba-2fa1-11d2-883f-0016d3cca427";

export type Misbehaviour = (request: IncomingMessage, response: ServerResponse, timers: Set<NodeJS.Timeout>) => void;

export async function startBadServer(misbehave: Misbehaviour): Promise<BadServer> {
  const received: Received[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const server = createServer((request, response) => {
    received.push({ method: request.method ?? "", url: request.url ?? "", authorization: request.headers.authorization });
    request.resume();
    misbehave(request, response, timers);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    baseUrl: `${origin}/tenant`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearInterval(timer);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Writes `chunk` every `everyMs` until the client goes away. */
function keepWriting(response: ServerResponse, timers: Set<NodeJS.Timeout>, chunk: string, everyMs: number): void {
  const timer = setInterval(() => response.write(chunk), everyMs);
  timers.add(timer);
  response.on("close", () => {
    clearInterval(timer);
    timers.delete(timer);
  });
}

export const misbehaviours: Record<string, { misbehave: (other: string) => Misbehaviour; finding: string }> = {
  "a body labelled JSON that is not JSON": {
    misbehave: () => (_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end("<html><body>502 Bad Gateway</body></html>");
    },
    finding: "body-not-json",
  },
  "a connection reset in the middle of a body": {
    misbehave: () => (_req, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": "4096" });
      res.write('{"data": [{"id": "');
      setTimeout(() => res.socket?.resetAndDestroy(), 20);
    },
    finding: "connection",
  },
  "a body that never ends": {
    misbehave: () => (_req, res, timers) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"data": [');
      keepWriting(res, timers, '{"name": "again"},', 10);
    },
    finding: "timeout",
  },
  // A redirect of the list itself is the base URL's (exit 2, tests/conformance/preflight-live.test.ts).
  "a redirect of the organization's URL to another host": {
    misbehave: (other) => (req, res) => {
      if (req.url === "/tenant/api/v1/orgs") {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ data: [{ id: BAD_SERVER_ORG_ID, name: "Org", status: "active" }] }));
        return;
      }
      res.writeHead(302, { location: `${other}${req.url ?? "/"}`, "content-type": "application/json" });
      res.end('{"code": "moved", "message": "elsewhere"}');
    },
    finding: "redirect",
  },
  "headers that never come": {
    misbehave: () => () => {
      // Accept the request, say nothing.
    },
    finding: "timeout",
  },
  "a body dripped one byte at a time": {
    misbehave: () => (_req, res, timers) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": "2048" });
      keepWriting(res, timers, " ", 50);
    },
    finding: "timeout",
  },
  "a body larger than 1 MiB": {
    misbehave: () => (_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(`{"data": [${'{"name": "padding padding padding"},'.repeat(40_000)}{}]}`);
    },
    finding: "body-too-large",
  },
  "JSON nested deeper than the suite parses": {
    misbehave: () => (_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(`{"data": ${"[".repeat(1_000)}${"]".repeat(1_000)}}`);
    },
    finding: "body-too-deep",
  },
};
