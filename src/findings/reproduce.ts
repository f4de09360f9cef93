/**
 * How to see a finding again: the request as sent (method, concrete URL, headers with every secret
 * replaced by the variable that holds it, body), what came back (status, content type, a body
 * excerpt) and a `curl` command a person can paste into a shell where those variables are set.
 */
import type { Exchange, HttpRequest } from "../http/transport.js";
import { requestHeaders } from "../http/transport.js";
import { Redactor } from "../redaction.js";

/** Body excerpts are cut here (after known secrets are replaced, so no secret is cut in half). */
export const EXCERPT_BYTES = 2048;

export interface Reproduction {
  request: { method: string; url: string; headers: Record<string, string>; body?: string };
  response?: { status?: number; contentType?: string; bodyExcerpt?: string; truncated?: boolean; failure?: string };
  curl: string;
}

/** A secret the run knows and the environment variable a person sets to supply it. */
export interface SecretVariable {
  value: string;
  variable: string;
}

/**
 * `redactor` cleans what the server sent; a run passes its own (building one costs milliseconds, and a
 * run makes a reproduction for every response), else one is built for `secrets`.
 */
export function reproduction(
  request: HttpRequest,
  exchange: Exchange,
  secrets: readonly SecretVariable[],
  redactor: Redactor = new Redactor(secrets.map((s) => s.value)),
): Reproduction {
  // A secret sent as is becomes its variable; what is left of one (a near-token: the token in another case,
  // with its last character changed or more glued on) is redacted, so the request leaks no piece of it either.
  const clean = (text: string) => redactor.redact(placeholders(text, secrets));
  const headers = Object.fromEntries(Object.entries(requestHeaders(request)).map(([name, value]) => [name, clean(value)]));
  const body = request.body === undefined ? undefined : clean(request.body);
  return {
    request: { method: request.method, url: exchange.url, headers, ...(body === undefined ? {} : { body }) },
    response: responseOf(exchange, redactor),
    curl: curlCommand(
      request.method,
      exchange.url,
      headers,
      body,
      secrets.map((s) => s.variable),
    ),
  };
}

function responseOf(exchange: Exchange, redactor: Redactor): Reproduction["response"] {
  if (exchange.failure) return { failure: exchange.failure.message };
  const text = redactor.redact(exchange.bodyText ?? "");
  const excerpt = cutUtf8(text, EXCERPT_BYTES);
  return {
    status: exchange.status,
    contentType: exchange.headers["content-type"],
    bodyExcerpt: excerpt,
    ...(excerpt.length < text.length ? { truncated: true } : {}),
  };
}

/**
 * `$VARIABLE` in place of every secret value (longest first, so a token containing another is whole);
 * `${VARIABLE}` where a letter, digit or `_` follows (a token with characters appended), so the name ends where the secret does.
 */
function placeholders(text: string, secrets: readonly SecretVariable[]): string {
  let result = text;
  for (const secret of [...secrets].sort((a, b) => b.value.length - a.value.length)) {
    if (secret.value.length === 0) continue;
    const [first = "", ...rest] = result.split(secret.value);
    result = rest.reduce((done, next) => `${done}${/^\w/.test(next) ? `\${${secret.variable}}` : `$${secret.variable}`}${next}`, first);
  }
  return result;
}

/**
 * `curl -X PATCH 'url' -H 'authorization: Bearer '"$TENANT_API_TOKEN" --data-raw '…'`: literal text in
 * single quotes (nothing expands there), each `$VARIABLE` in double quotes so the shell fills it in.
 */
export function curlCommand(
  method: string,
  url: string,
  headers: Record<string, string>,
  body: string | undefined,
  variables: readonly string[],
): string {
  const word = (text: string) => shellWord(text, new Set(variables.flatMap((name) => [`$${name}`, `\${${name}}`])));
  const parts = ["curl", "-sS", "-i", "-X", method, word(url)];
  for (const [name, value] of Object.entries(headers)) parts.push("-H", word(`${name}: ${value}`));
  if (body !== undefined) parts.push("--data-raw", word(body));
  return parts.join(" ");
}

/** Only the run's own placeholders expand; any other `$` (in a generated body, say) stays literal. */
function shellWord(text: string, placeholders: Set<string>): string {
  if (placeholders.size === 0) return quote(text);
  // `${NAME}` ends by itself; `$NAME` only where no letter, digit or `_` follows (or it would name another variable).
  const names = [...placeholders]
    .sort((a, b) => b.length - a.length)
    .map((p) => (p.endsWith("}") ? p.replace(/[${}]/g, "\\$&") : `${p.replace(/[$]/g, "\\$")}(?![A-Za-z0-9_])`))
    .join("|");
  return text
    .split(new RegExp(`(${names})`))
    .filter((piece) => piece !== "")
    .map((piece) => (placeholders.has(piece) ? `"${piece}"` : quote(piece)))
    .join("");
}

function quote(literal: string): string {
  return `'${literal.replaceAll("'", `'\\''`)}'`;
}

function cutUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  let cut = Buffer.from(text).subarray(0, maxBytes).toString("utf8");
  if (cut.endsWith("\uFFFD")) cut = cut.slice(0, -1); // a character split by the cut
  return cut;
}
