/**
 * Stands for haproxy with `timeout http-keep-alive 100ms`: it closes an idle keep-alive connection,
 * and a client that picked that connection just then sends its request into a closed socket ("other
 * side closed"). Made deterministic here: a connection answers its first request (keep-alive, and no
 * `Keep-Alive: timeout` hint, as haproxy sends none, so undici keeps the socket for reuse) and is closed
 * by the server when a second request arrives on it, before any answer. `reset` closes it with a TCP RST
 * (ECONNRESET) instead of a FIN; `everyRequest` closes every connection before answering (a real fault).
 */

import type { AddressInfo } from "node:net";
import { createServer, type Socket } from "node:net";

export interface KeepAliveCloser {
  baseUrl: string;
  /** Requests answered, and requests whose connection was closed instead. */
  answered: number;
  closed: number;
  close(): Promise<void>;
}

export async function keepAliveCloser(options: { reset?: boolean; everyRequest?: boolean } = {}): Promise<KeepAliveCloser> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => socket.destroy());
    let served = 0;
    let buffer = "";
    socket.on("data", (chunk: Buffer) => {
      buffer += chunk.toString("latin1");
      for (let end = requestEnd(buffer); end >= 0; end = requestEnd(buffer)) {
        buffer = buffer.slice(end);
        if (options.everyRequest || served > 0) {
          closer.closed += 1;
          if (options.reset) socket.resetAndDestroy();
          else socket.destroy();
          return;
        }
        served += 1;
        closer.answered += 1;
        const body = '{"data":[]}';
        socket.write(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body}`);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const closer: KeepAliveCloser = {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    answered: 0,
    closed: 0,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
  return closer;
}

/** Where the first complete request in `buffer` ends (headers, and a body of its Content-Length), or -1. */
function requestEnd(buffer: string): number {
  const head = buffer.indexOf("\r\n\r\n");
  if (head < 0) return -1;
  const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(buffer.slice(0, head))?.[1] ?? 0);
  const end = head + 4 + length;
  return buffer.length >= end ? end : -1;
}
