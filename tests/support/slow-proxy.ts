/**
 * A slow front for a provider: every request waits `delayMs` before it is forwarded, and its arrival
 * time (performance.now() of this process) and body are logged, so a test can see which requests a
 * client started after some moment, such as a signal it sent.
 */
import { createServer, request as forward, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

export interface Arrival {
  method: string;
  url: string;
  body: string;
  at: number;
}

export interface SlowProxy {
  baseUrl: string;
  log: Arrival[];
  /** Called on each arrival, before the delay (to send a signal at a chosen request). */
  onArrival?: (arrival: Arrival) => void;
  close(): Promise<void>;
}

export async function slowProxy(providerBaseUrl: string, delayMs: number): Promise<SlowProxy> {
  const upstream = new URL(providerBaseUrl);
  const log: Arrival[] = [];
  const server = createServer(async (req, res) => {
    const at = performance.now();
    const body = await readAll(req);
    const arrival = { method: req.method ?? "", url: req.url ?? "", body, at };
    log.push(arrival);
    proxy.onArrival?.(arrival);
    setTimeout(() => {
      const out = forward(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      out.on("error", () => res.destroy());
      out.end(body);
    }, delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const proxy: SlowProxy = {
    baseUrl: `http://127.0.0.1:${port}${upstream.pathname}`,
    log,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return proxy;
}

function readAll(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
  });
}
