/**
 * Who answered: the API, or the infrastructure in front of it. This is the one place that decides it;
 * the transport sets `Exchange.infrastructure` from it and every consumer (the checks' context, the
 * safety, the verdict) reads that field instead of judging statuses itself.
 *
 * The API documents its errors as a JSON `ErrorResponse` (`{code, message}`) for 400/401/403/404/500.
 * A gateway (nginx, haproxy, an API gateway, a load balancer) answers with its own page instead:
 * - 502, 503, 504 whose body is not a JSON object with string `code` and `message` (an HTML or text
 *   page, or nothing): the gateway could not get, or did not wait for, the API's answer;
 * - 429 whatever the body: a rate limiter refused the request before the API processed it
 *   (RFC 6585 §4); the API does not document 429, so it is never judged as the API's answer;
 * - 407: a proxy asks for its credentials (RFC 9110 §15.5.8); an origin never sends it.
 * A 5xx that carries a JSON ErrorResponse is the API's own answer and stays a finding: a gateway that
 * copies the API's 500 through is not distinguishable from the API, and the gallery's 500s must be found.
 */

/** Which part of the infrastructure answered in place of the API. */
export type InfrastructureSource = "gateway" | "rate-limiter" | "proxy";

export interface InfrastructureAnswer {
  source: InfrastructureSource;
  /** The status it answered with; absent for a proxy that refused the tunnel before any status line reached us. */
  status?: number;
  /** One phrase for people: "the gateway answered 503 (an HTML page)". */
  reason: string;
}

const GATEWAY_STATUSES = new Set([502, 503, 504]);

/** The infrastructure's answer this exchange carries, or undefined when the API answered (or nothing did). */
export function infrastructureAnswer(exchange: {
  status?: number;
  headers: Record<string, string>;
  json?: unknown;
  bodyText?: string;
}): InfrastructureAnswer | undefined {
  const { status } = exchange;
  if (status === undefined) return undefined;
  if (status === 429) return { source: "rate-limiter", status, reason: `a rate limiter answered 429${bodyKind(exchange)}` };
  if (status === 407) return { source: "proxy", status, reason: "the proxy asked for credentials (407)" };
  if (GATEWAY_STATUSES.has(status) && !isErrorResponse(exchange.json)) {
    return { source: "gateway", status, reason: `the gateway answered ${status}${bodyKind(exchange)}` };
  }
  return undefined;
}

/** The API's documented error shape: an object with string `code` and `message`. */
export function isErrorResponse(value: unknown): boolean {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const { code, message } = value as Record<string, unknown>;
  return typeof code === "string" && typeof message === "string";
}

function bodyKind(exchange: { headers: Record<string, string>; bodyText?: string }): string {
  const type = (exchange.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  if (exchange.bodyText === undefined || exchange.bodyText === "") return " (no body)";
  if (type === "text/html" || /^\s*<(!doctype|html)/i.test(exchange.bodyText)) return " (an HTML page)";
  return type === "" ? "" : ` (${type})`;
}

/**
 * A proxy that refused the CONNECT tunnel: undici's ProxyAgent fails the request with
 * `Proxy response (407) !== 200 when HTTP Tunneling` (a RequestAbortedError), and no origin answered.
 * `proxy` is the proxy's host:port, never its URL: the URL may carry credentials.
 */
export function proxyRefusal(message: string, proxy: string | undefined): InfrastructureAnswer | undefined {
  const match = /Proxy response \((\d{3})\) !== 200 when HTTP Tunneling/.exec(message);
  if (!match) return undefined;
  const status = Number(match[1]);
  const which = proxy === undefined ? "the proxy" : `the proxy ${proxy}`;
  return { source: "proxy", status, reason: `${which} refused the tunnel with ${status}${PROXY_STATUS_MEANING[status] ?? ""}` };
}

const PROXY_STATUS_MEANING: Record<number, string> = {
  407: " (Proxy Authentication Required: the user or password in the proxy variable is wrong or missing)",
  403: " (Forbidden: the proxy does not allow a tunnel to this host and port)",
  502: " (Bad Gateway: the proxy could not reach the API)",
  503: " (Service Unavailable)",
  504: " (Gateway Timeout: the proxy could not reach the API in time)",
};
