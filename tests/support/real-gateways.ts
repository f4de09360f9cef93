/**
 * Real infrastructure, as teams deploy it in front of the API: a private nginx, haproxy or squid on
 * 127.0.0.1 (a free port; config, pid and logs in a temporary directory; never the system service),
 * each stopped by its own pid. They are Debian packages (`apt-get install nginx haproxy squid`, which
 * .ci/run does); where one is missing, its tests skip with a line naming the package, and write it to
 * SKIP_MARKER so that .ci/run fails rather than pass without them.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { appendFileSync, chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

const BINARIES = { nginx: "/usr/sbin/nginx", haproxy: "/usr/sbin/haproxy", squid: "/usr/sbin/squid" } as const;
export type RealGatewayPackage = keyof typeof BINARIES;

/** Where a skipped real-gateway test leaves its line (read by .ci/run; relative to the repository). */
export const SKIP_MARKER = "reports/real-gateways-skipped.txt";

export const installed = (name: RealGatewayPackage): boolean => existsSync(BINARIES[name]);

/** Says, on the console and in SKIP_MARKER, which Debian package a skipped test needs. */
export function noteSkipped(name: RealGatewayPackage, test: string): void {
  const line = `skipped: needs Debian package ${name} (${test})`;
  console.log(line);
  try {
    appendFileSync(SKIP_MARKER, `${line}\n`);
  } catch {
    // no reports/ directory outside .ci/run: the console line is enough there
  }
}

export interface RealGateway {
  /** http://127.0.0.1:port, plus the upstream's path (e.g. /tenant) for a reverse proxy. */
  baseUrl: string;
  port: number;
  /** The instance's log file, for a failing test's message. */
  log(): string;
  stop(): Promise<void>;
}

export interface NginxLimit {
  /** `limit_req_zone … rate=` in requests per second. */
  ratePerSecond: number;
  burst: number;
  /** `limit_req_status` (nginx's default is 503). */
  status?: 429 | 503;
  /** `add_header Retry-After … always` (nginx sends none by default). */
  retryAfter?: string;
}

/** nginx as a reverse proxy with `limit_req` (nodelay: the burst is served at once, the excess refused). */
export async function startNginx(upstreamBaseUrl: string, limit: NginxLimit): Promise<RealGateway> {
  const statusLine = limit.status === undefined ? "" : `limit_req_status ${limit.status};`;
  const retryAfter = limit.retryAfter === undefined ? "" : `add_header Retry-After ${limit.retryAfter} always;`;
  return await startNginxWith(upstreamBaseUrl, {
    http: `limit_req_zone $binary_remote_addr zone=api:1m rate=${limit.ratePerSecond}r/s;`,
    location: `limit_req zone=api burst=${limit.burst} nodelay;
      ${statusLine}
      ${retryAfter}`,
  });
}

export interface NginxConfig {
  /** Directives of the `http` block (a `limit_req_zone`, a `map`). */
  http?: string;
  /** Directives of `location /`, before its `proxy_pass` to the upstream. */
  location?: string;
}

/** nginx as a reverse proxy to the upstream, with `config`'s directives (its own pages: nginx's stock ones). */
export async function startNginxWith(upstreamBaseUrl: string, config: NginxConfig): Promise<RealGateway> {
  const upstream = new URL(upstreamBaseUrl);
  const dir = mkdtempSync(join(tmpdir(), "real-nginx-"));
  const port = await freePort();
  writeFileSync(
    join(dir, "nginx.conf"),
    `daemon off;
master_process off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  ${config.http ?? ""}
  server {
    listen 127.0.0.1:${port};
    location / {
      ${config.location ?? ""}
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_pass http://${upstream.host};
    }
  }
}
`,
  );
  const child = spawn(BINARIES.nginx, ["-p", dir, "-c", join(dir, "nginx.conf"), "-e", join(dir, "error.log")], { stdio: "ignore" });
  return await started(child, dir, port, upstream.pathname, () => readLog(join(dir, "error.log")));
}

/** haproxy as a reverse proxy that closes idle keep-alive connections after `keepAliveMs`. */
export async function startHaproxy(upstreamBaseUrl: string, keepAliveMs: number): Promise<RealGateway> {
  const upstream = new URL(upstreamBaseUrl);
  const dir = mkdtempSync(join(tmpdir(), "real-haproxy-"));
  const port = await freePort();
  writeFileSync(
    join(dir, "haproxy.cfg"),
    `global
  pidfile ${dir}/haproxy.pid
defaults
  mode http
  option http-keep-alive
  timeout connect 2s
  timeout client 30s
  timeout server 30s
  timeout http-keep-alive ${keepAliveMs}ms
frontend api
  bind 127.0.0.1:${port}
  default_backend provider
backend provider
  # As an API that sends no Keep-Alive hint: the client keeps the connection until haproxy closes it.
  http-response del-header Keep-Alive
  server provider ${upstream.host}
`,
  );
  const log = join(dir, "haproxy.log");
  const child = spawn(BINARIES.haproxy, ["-db", "-f", join(dir, "haproxy.cfg")], { stdio: ["ignore", "ignore", "pipe"] });
  child.stderr?.on("data", (chunk: Buffer) => appendFileSync(log, chunk));
  return await started(child, dir, port, upstream.pathname, () => readLog(log));
}

/** squid as a forward proxy (CONNECT tunnels) that asks for basic credentials (`user`, `password`). */
export async function startSquid(user: string, password: string): Promise<RealGateway> {
  const dir = mkdtempSync(join(tmpdir(), "real-squid-"));
  // squid drops root for its own user (proxy on Debian), which must write its logs and pid here.
  chmodSync(dir, 0o777);
  const port = await freePort();
  const hash = execFileSync("openssl", ["passwd", "-apr1", password], { encoding: "utf8" }).trim();
  writeFileSync(join(dir, "passwd"), `${user}:${hash}\n`, { mode: 0o644 });
  writeFileSync(
    join(dir, "squid.conf"),
    `http_port 127.0.0.1:${port}
pid_filename ${dir}/squid.pid
cache_log ${dir}/cache.log
access_log none
cache deny all
cache_mem 8 MB
coredump_dir ${dir}
pinger_enable off
shutdown_lifetime 0 seconds
logfile_rotate 0
netdb_filename none
auth_param basic program /usr/lib/squid/basic_ncsa_auth ${dir}/passwd
auth_param basic realm conformance-test
acl authenticated proxy_auth REQUIRED
http_access allow authenticated
http_access deny all
`,
  );
  const child = spawn(BINARIES.squid, ["-N", "-f", join(dir, "squid.conf")], { stdio: "ignore" });
  return await started(child, dir, port, "", () => readLog(join(dir, "cache.log")));
}

/** Waits until the instance accepts connections (or exited), and returns how to reach and stop it. */
async function started(child: ChildProcess, dir: string, port: number, path: string, log: () => string): Promise<RealGateway> {
  let exited = false;
  child.on("exit", () => {
    exited = true;
  });
  const gateway: RealGateway = {
    baseUrl: `http://127.0.0.1:${port}${path}`,
    port,
    log,
    stop: async () => {
      if (!exited && child.pid !== undefined) {
        child.kill("SIGTERM");
        for (let i = 0; i < 50 && !exited; i += 1) await sleep(100);
        if (!exited) child.kill("SIGKILL");
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  for (let i = 0; i < 100; i += 1) {
    if (exited) break;
    if (await accepts(port)) return gateway;
    await sleep(100);
  }
  const why = log();
  await gateway.stop();
  throw new Error(`${child.spawnfile} did not start on 127.0.0.1:${port}: ${why.slice(-2_000)}`);
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/** A port free on 127.0.0.1 now (the kernel's choice, released for the instance to take). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function readLog(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "(no log)";
  }
}

export interface Relay {
  baseUrl: string;
  close(): Promise<void>;
}

/**
 * A TCP relay that delays everything, both ways, by `delayMs` (a network between the client and the
 * gateway): a FIN the gateway sends reaches the client late, so a request sent meanwhile meets a
 * connection the gateway already closed, as on a real network. On loopback the FIN is read at once.
 */
export async function delayingRelay(targetPort: number, delayMs: number, path = ""): Promise<Relay> {
  const sockets = new Set<import("node:net").Socket>();
  const server = createServer((client) => {
    const upstream = connect(targetPort, "127.0.0.1");
    for (const [from, to] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      sockets.add(from);
      from.on("data", (chunk: Buffer) => setTimeout(() => to.writable && to.write(chunk), delayMs));
      from.on("end", () => setTimeout(() => to.end(), delayMs));
      from.on("error", () => setTimeout(() => to.destroy(), delayMs));
      from.on("close", () => {
        sockets.delete(from);
        setTimeout(() => to.destroy(), delayMs);
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    baseUrl: `http://127.0.0.1:${port}${path}`,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
