/**
 * The suite's HTTP layer for live targets, on undici. It never throws for server misbehaviour: a
 * timeout, a reset, an oversized body or a redirect comes back as data on the Exchange, so a bad
 * server yields a finding and never a hung or crashed run.
 *
 * Safety rules: requests only ever go to the configured origin (URLs are built here from the base
 * URL and a path, never taken from a response); redirects are not followed (undici's `request`
 * follows none without the redirect interceptor), so the token cannot travel to another origin;
 * every request goes through one pacer (pacer.ts: by requests in flight and by rate, learnt from 429s,
 * gateways' 503s and rate-limit headers) and is resent through the infrastructure's answers as resend.ts
 * says (a GET through 429 and a gateway's 502/503/504, a PATCH through 429 only), within its patience and
 * a bounded Retry-After; gateway.ts says who answered.
 * HTTP_PROXY/HTTPS_PROXY/NO_PROXY, as given in `proxy`, are honoured by undici's EnvHttpProxyAgent: it
 * reaches every target through a CONNECT tunnel, so the proxy itself reads only `host:port`; inside the
 * tunnel an https:// request is encrypted, an http:// one is plain text (docs/ci.md).
 *
 * Hostile bodies cost bounded work: a body is read up to MAX_BODY_BYTES, and JSON nested deeper
 * than MAX_JSON_DEPTH is not parsed at all (every later step, from validation to JSON.stringify,
 * recurses once per level). With a redactor set, every exchange is redacted here, where server data
 * enters the run, before any check cuts or formats it.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { type Dispatcher, EnvHttpProxyAgent, request } from "undici";
import { type InfrastructureAnswer, infrastructureAnswer, proxyRefusal } from "./gateway.js";
import { type InfrastructureReport, InfrastructureTally } from "./infrastructure-report.js";
import { type PacedAnswer, Pacer, type RateLimitReport } from "./pacer.js";
import { rateLimitHint, retryAfterMs } from "./rate-limit-headers.js";
import { type ResendLimits, resendDecision } from "./resend.js";

export const MAX_BODY_BYTES = 1024 * 1024;
/** The default depth limit of System.Text.Json; an organization body is 3 levels deep. */
export const MAX_JSON_DEPTH = 64;

export type HttpMethod = "GET" | "PATCH";

export interface HttpRequest {
  method: HttpMethod;
  /** Path below the base URL, already encoded: `/api/v1/orgs/abc`. */
  path: string;
  /** The Authorization header to send; undefined sends none. */
  authorization?: string;
  body?: string;
  contentType?: string;
}

/** `unreachable`: no connection could be made at all; `connection`: it broke after being made. */
export type TransportFailureKind = "timeout" | "unreachable" | "connection" | "body-too-large" | "body-too-deep" | "aborted";

const UNREACHABLE_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "UND_ERR_CONNECT_TIMEOUT"]);

export interface Exchange {
  method: HttpMethod;
  /** The URL requested (never contains a token: tokens travel only in the header). */
  url: string;
  status?: number;
  headers: Record<string, string>;
  bodyText?: string;
  /** The parsed body when it is JSON text; `jsonError` when it is not. */
  json?: unknown;
  jsonError?: string;
  /** Set when the body is not valid UTF-8: `bodyText` and `json` then hold a lossy decoding (U+FFFD). */
  encodingError?: string;
  failure?: { kind: TransportFailureKind; message: string };
  /**
   * Set when the answer is the infrastructure's (a gateway's 502/503/504 page, a rate limiter's 429, a
   * proxy's 407), not the API's: src/http/gateway.ts decides. Such an answer is never judged under an API rule.
   */
  infrastructure?: InfrastructureAnswer;
  attempts: number;
  /** The time of the attempt whose answer this is (a retry's wait and queueing are not the server's). */
  durationMs: number;
}

export interface TransportOptions {
  baseUrl: string;
  /** Deadline for one attempt, from connect to the last body byte. */
  timeoutMs: number;
  maxBodyBytes?: number;
  /** Resends of a GET answered 503 by the API itself (a JSON ErrorResponse; default 2). */
  maxRetries?: number;
  /** The longest Retry-After waited for (--max-retry-after-ms; default DEFAULT_MAX_RETRY_AFTER_MS): a longer one is not. */
  maxRetryAfterMs?: number;
  /** A request's patience when it brings none of its own (default DEFAULT_PATIENCE_MS). */
  patienceMs?: number;
  /** Connections to the origin, so that many requests can be in flight at once (default 8). */
  connections?: number;
  dispatcher?: Dispatcher;
  /** The proxy variables as the run's environment has them; absent or empty: no proxy. */
  proxy?: ProxySettings;
}

export interface ProxySettings {
  httpProxy?: string;
  httpsProxy?: string;
  noProxy?: string;
}

/** The longest Retry-After waited for unless --max-retry-after-ms says otherwise: a fixed window of a minute's quota fits half. */
export const DEFAULT_MAX_RETRY_AFTER_MS = 30_000;
/** How long a request of the run may spend on resends through the infrastructure's answers, by default. */
export const DEFAULT_PATIENCE_MS = 45_000;

/** How one request may be resent. */
export interface SendOptions {
  /**
   * The longest the transport may spend resending this request through the infrastructure's answers
   * (429, a gateway's 502/503/504): the restore passes a longer one than the checks. Default: the
   * transport's `patienceMs`, or none while the infrastructure has refused every request for that long.
   */
  patienceMs?: number;
}

/** What the transport needs of a Redactor (src/redaction.ts). */
export interface ExchangeRedactor {
  redact(text: string): string;
  redactJson<T>(value: T): T;
}

export class HttpTransport {
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;
  private redactor: ExchangeRedactor | undefined;
  private readonly pacer: Pacer;
  private readonly tally = new InfrastructureTally();
  /** Since when the infrastructure has answered every request (undefined: the API answered the last one). */
  private refusingSince: number | undefined;

  constructor(private readonly options: TransportOptions) {
    this.ownsDispatcher = options.dispatcher === undefined;
    this.pacer = new Pacer(options.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS);
    // Explicit values (empty: none), so undici never falls back to this process's own environment.
    const { httpProxy = "", httpsProxy = "", noProxy = "" } = options.proxy ?? {};
    this.dispatcher =
      options.dispatcher ??
      new EnvHttpProxyAgent({
        httpProxy,
        httpsProxy,
        noProxy,
        connectTimeout: Math.min(options.timeoutMs, 5_000),
        headersTimeout: options.timeoutMs,
        bodyTimeout: options.timeoutMs,
        connections: options.connections ?? 8,
      });
  }

  /** The deadline of one attempt: how long a request the server got may still be in its hands. */
  get timeoutMs(): number {
    return this.options.timeoutMs;
  }

  /** The gateway's limits as met in this run; undefined when no request was refused (429, a gateway's 503). */
  rateLimit(): RateLimitReport | undefined {
    return this.pacer.summary();
  }

  /** Every answer of the infrastructure in place of the API, by source and status; undefined when none came. */
  infrastructure(): InfrastructureReport | undefined {
    return this.tally.report();
  }

  /** Redacts every exchange from now on (the redactor may learn more secrets later). */
  redactWith(redactor: ExchangeRedactor): void {
    this.redactor = redactor;
  }

  /**
   * Sends the request through the pacer, resending it through the infrastructure's answers as
   * src/http/resend.ts decides, within its patience; the final exchange says who answered.
   */
  async send(req: HttpRequest, options: SendOptions = {}): Promise<Exchange> {
    const started = performance.now();
    const limits = this.limitsFor(options);
    const state = { attempts: 0, elapsedMs: 0, reconnects: 0, apiRetries: 0 };
    const met: InfrastructureAnswer[] = [];
    for (;;) {
      state.attempts += 1;
      const exchange = await this.pacedAttempt(req);
      const answer = this.whoAnswered(exchange);
      if (answer) met.push(answer);
      state.elapsedMs = performance.now() - started;
      const decision = resendDecision(req.method, exchange, state, limits);
      if (!decision.resend) return this.finish(exchange, state.attempts, answer, decision.gaveUp, met);
      if (decision.why === "closed-connection") state.reconnects += 1;
      if (decision.why === "api-503") state.apiRetries += 1;
      if (decision.waitMs > 0) await sleep(decision.waitMs);
    }
  }

  /**
   * The request's bounds. Without a patience of its own, a request gets the run's default, except while
   * the infrastructure has refused everything for longer than that: then each request is sent once, so
   * a gateway that never clears costs one patience, not one per request. The first answer of the API
   * ends that; a caller's own patience (the restore's) is always waited out.
   */
  private limitsFor(options: SendOptions): ResendLimits {
    const patience = this.options.patienceMs ?? DEFAULT_PATIENCE_MS;
    const outage = this.refusingSince !== undefined && performance.now() - this.refusingSince > patience;
    return {
      maxRetryAfterMs: this.options.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS,
      patienceMs: options.patienceMs ?? (outage ? 0 : patience),
      maxApiRetries: this.options.maxRetries ?? 2,
    };
  }

  /** One attempt, let go by the pacer, which then learns from its answer. */
  private async pacedAttempt(req: HttpRequest): Promise<Exchange> {
    const ticket = await this.pacer.acquire();
    const started = performance.now();
    let exchange: Exchange | undefined;
    try {
      exchange = { ...(await this.attempt(req)), durationMs: performance.now() - started };
      return exchange;
    } finally {
      this.pacer.release(ticket, pacedAnswer(exchange));
    }
  }

  /** The infrastructure's answer (a gateway's page, a rate limiter, a proxy's refusal), or undefined for the API's. */
  private whoAnswered(exchange: Exchange): InfrastructureAnswer | undefined {
    const answer =
      infrastructureAnswer(exchange) ?? (exchange.failure ? proxyRefusal(exchange.failure.message, this.proxyHost()) : undefined);
    if (answer) this.refusingSince ??= performance.now();
    else if (exchange.status !== undefined) this.refusingSince = undefined;
    return answer;
  }

  /** The final exchange: attempts, who answered and, when resends gave up, why; counted and redacted. */
  private finish(
    exchange: Exchange,
    attempts: number,
    answer: InfrastructureAnswer | undefined,
    gaveUp: string | undefined,
    met: readonly InfrastructureAnswer[],
  ): Exchange {
    const infrastructure = answer && gaveUp ? { ...answer, reason: `${answer.reason}: ${gaveUp}` } : answer;
    if (exchange.status === 429 || (answer?.source === "gateway" && exchange.status === 503)) this.pacer.unresolved(); // still refused
    if (met.length > 0) this.tally.record(met, infrastructure);
    const done = { ...exchange, attempts, ...(infrastructure ? { infrastructure } : {}) };
    const shown = this.redactor ? redactExchange(done, this.redactor) : done;
    if (done.bodyText !== undefined) rawBodies.set(shown, done.bodyText);
    return shown;
  }

  /** The proxy this transport's requests go through, as host:port (its URL may carry credentials). */
  private proxyHost(): string | undefined {
    const { httpProxy, httpsProxy } = this.options.proxy ?? {};
    const https = this.options.baseUrl.startsWith("https:");
    const url = URL.parse((https ? httpsProxy || httpProxy : httpProxy) || "");
    return url ? url.host : undefined;
  }

  async close(): Promise<void> {
    if (this.ownsDispatcher) await this.dispatcher.close();
  }

  private async attempt(req: HttpRequest): Promise<Exchange> {
    const url = `${this.options.baseUrl}${req.path}`;
    const base: Exchange = { method: req.method, url, headers: {}, attempts: 1, durationMs: 0 };
    const deadline = AbortSignal.timeout(this.options.timeoutMs);
    try {
      const response = await request(url, {
        method: req.method,
        headers: requestHeaders(req),
        body: req.body,
        signal: deadline,
        dispatcher: this.dispatcher,
      });
      const received = { ...base, status: response.statusCode, headers: flattenHeaders(response.headers) };
      const body = await readBounded(response.body, this.options.maxBodyBytes ?? MAX_BODY_BYTES);
      if (!body.ok) return { ...received, failure: body.failure };
      const depth = jsonDepth(body.text);
      if (depth > MAX_JSON_DEPTH) {
        const message = `the JSON body is nested ${depth} levels deep, more than the ${MAX_JSON_DEPTH} this suite parses`;
        return { ...received, bodyText: body.text, failure: { kind: "body-too-deep", message } };
      }
      const encoding = body.encodingError === undefined ? {} : { encodingError: body.encodingError };
      return { ...received, bodyText: body.text, ...encoding, ...parseJson(body.text) };
    } catch (error) {
      return { ...base, failure: classify(error, this.options.timeoutMs) };
    }
  }
}

/** The headers a request carries (also what a finding's reproduction shows, with secrets replaced). */
export function requestHeaders(req: HttpRequest): Record<string, string> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (req.authorization !== undefined) headers.authorization = req.authorization;
  if (req.body !== undefined) headers["content-type"] = req.contentType ?? "application/json";
  return headers;
}

type BodyResult = { ok: true; text: string; encodingError?: string } | { ok: false; failure: NonNullable<Exchange["failure"]> };

async function readBounded(body: Dispatcher.ResponseData["body"], limit: number): Promise<BodyResult> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      size += (chunk as Buffer).length;
      if (size > limit) {
        body.destroy();
        return { ok: false, failure: { kind: "body-too-large", message: `the body exceeded ${limit} bytes` } };
      }
      chunks.push(chunk as Buffer);
    }
  } catch (error) {
    return { ok: false, failure: classify(error, undefined) };
  }
  return decodeUtf8(Buffer.concat(chunks));
}

// Fatal: a byte that is not UTF-8 must be seen, not silently replaced (a lossy name written back loses data).
// ignoreBOM keeps a byte order mark in the text, so JSON.parse still refuses it as before.
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** The body as text; when it is not UTF-8, a lossy decoding and where the first bad byte is. */
function decodeUtf8(bytes: Buffer): { ok: true; text: string; encodingError?: string } {
  try {
    return { ok: true, text: utf8.decode(bytes) };
  } catch {
    const text = bytes.toString("utf8");
    const offset = Buffer.byteLength(text.slice(0, Math.max(0, text.indexOf("\uFFFD"))));
    const byte = (bytes[offset] ?? 0).toString(16).toUpperCase().padStart(2, "0");
    return { ok: true, text, encodingError: `the body is not valid UTF-8 (byte 0x${byte} at offset ${offset})` };
  }
}

/**
 * Response bodies as they arrived, before redaction, by the (redacted) exchange that shows them. Only
 * the write safety reads them: a snapshot written back, or compared, must be the org's exact data, and
 * redaction may have changed it (a short token that is also part of the org's name). A WeakMap, so no
 * report, preview or JSON.stringify of an exchange can ever reach them.
 */
const rawBodies = new WeakMap<Exchange, string>();

/** The body text exactly as the server sent it (decoded), for the write safety only: never show it. */
export function rawBodyText(exchange: Exchange): string | undefined {
  return rawBodies.get(exchange) ?? exchange.bodyText;
}

/** The body parsed from its raw text (undefined when it is not JSON), for the write safety only: never show it. */
export function rawJson(exchange: Exchange): unknown {
  const text = rawBodyText(exchange);
  if (text === undefined || exchange.failure) return undefined;
  return parseJson(text).json;
}

function parseJson(text: string): Pick<Exchange, "json" | "jsonError"> {
  if (text === "") return { jsonError: "the body is empty" };
  try {
    return { json: JSON.parse(text) };
  } catch (error) {
    return { jsonError: (error as Error).message };
  }
}

/**
 * The deepest nesting of `[`/`{` outside strings, in one pass without parsing; text that is not
 * JSON gets some number too, and JSON.parse then rejects it.
 */
export function jsonDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (inString) {
      // A backslash escapes the next character, so `\"` does not end the string.
      if (code === 0x5c) i += 1;
      else if (code === 0x22) inString = false;
    } else if (code === 0x22) inString = true;
    else if (code === 0x5b || code === 0x7b) {
      depth += 1;
      if (depth > deepest) deepest = depth;
    } else if (code === 0x5d || code === 0x7d) depth -= 1;
  }
  return deepest;
}

/** The exchange with every server-supplied string redacted (the parsed body in place). */
function redactExchange(exchange: Exchange, redactor: ExchangeRedactor): Exchange {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(exchange.headers)) headers[redactor.redact(name)] = redactor.redact(value);
  const failure = exchange.failure && { ...exchange.failure, message: redactor.redact(exchange.failure.message) };
  return {
    ...exchange,
    headers,
    ...(exchange.bodyText === undefined ? {} : { bodyText: redactor.redact(exchange.bodyText) }),
    ...(exchange.json === undefined ? {} : { json: redactor.redactJson(exchange.json) }),
    ...(exchange.jsonError === undefined ? {} : { jsonError: redactor.redact(exchange.jsonError) }),
    ...(exchange.encodingError === undefined ? {} : { encodingError: redactor.redact(exchange.encodingError) }),
    ...(failure ? { failure } : {}),
  };
}

function classify(error: unknown, timeoutMs: number | undefined): NonNullable<Exchange["failure"]> {
  const err = error as { name?: string; code?: string; message?: string };
  const code = typeof err.code === "string" ? err.code : (err.name ?? "");
  if (err.name === "TimeoutError" || /TIMEOUT/.test(code)) {
    const limit = timeoutMs === undefined ? "" : ` within ${timeoutMs} ms`;
    const phase = code.startsWith("UND_ERR_") ? ` (${code})` : "";
    return { kind: "timeout", message: `no complete response${limit}${phase}` };
  }
  // undici's ProxyAgent fails a refused CONNECT as an abort; its message carries the proxy's status (gateway.ts).
  if (/Proxy response \(\d{3}\) !== 200/.test(err.message ?? "")) return { kind: "connection", message: `${code}: ${err.message}` };
  if (err.name === "AbortError") return { kind: "aborted", message: "the request was aborted" };
  if (UNREACHABLE_CODES.has(code)) return { kind: "unreachable", message: `${code}: ${err.message ?? "no connection"}` };
  return { kind: "connection", message: `${code || "error"}: ${err.message ?? String(error)}`.split("\n")[0] ?? "connection error" };
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) result[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  return result;
}

/** What the pacer learns from an attempt: refused or not, the Retry-After asked, the rate-limit headers. */
function pacedAnswer(exchange: Exchange | undefined): PacedAnswer {
  if (exchange === undefined) return { refused: false };
  const answer = infrastructureAnswer(exchange);
  const refused = exchange.status === 429 || (answer?.source === "gateway" && exchange.status === 503);
  const asked = refused ? retryAfterMs(exchange.headers) : undefined;
  return {
    refused,
    status: exchange.status,
    ...(asked === undefined ? {} : { retryAfterMs: asked }),
    hint: rateLimitHint(exchange.headers),
  };
}
