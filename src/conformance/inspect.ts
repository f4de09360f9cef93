/**
 * The checks every response gets, whatever the scenario: it arrived in time and whole, it is not a
 * redirect, its status is documented for the operation, it is `application/json`, and its body is
 * valid against the schema of that status. Each failure is a Finding with its own stable code.
 */
import { type Finding, finding, findingsFromValidation } from "../findings/finding.js";
import type { Exchange } from "../http/transport.js";
import type { OperationSpec } from "../spec/document.js";
import { preview } from "../validation/problems.js";
import type { SpecValidators } from "../validation/validators.js";

export function inspectExchange(exchange: Exchange, op: OperationSpec, validators: SpecValidators): Finding[] {
  const about = { operationId: op.operationId, method: op.method, pathTemplate: op.pathTemplate, status: exchange.status, pointer: "" };
  if (exchange.failure) {
    return [finding({ ...about, code: exchange.failure.kind, expected: "a complete response", actual: exchange.failure.message })];
  }
  const status = exchange.status ?? 0;
  if (status >= 300 && status < 400) {
    const location = exchange.headers.location ?? "no Location";
    return [
      finding({
        ...about,
        code: "redirect",
        expected: "a final response (redirects are never followed)",
        actual: `${status} to ${location}`,
      }),
    ];
  }
  const contentType = exchange.headers["content-type"];
  // RFC 8259 §8.1: JSON between systems is UTF-8. A lossy decoding is not the server's data, so nothing else is judged on it.
  if (exchange.encodingError !== undefined) {
    return [
      finding({
        ...about,
        code: "body-not-utf8",
        expected: "a body in valid UTF-8",
        actual: `${contentType ?? "no Content-Type"}: ${exchange.encodingError}`,
      }),
    ];
  }
  if (exchange.json === undefined && /json/i.test(contentType ?? "")) {
    return [
      finding({
        ...about,
        code: "body-not-json",
        expected: "a JSON body",
        actual: `${contentType}: ${exchange.jsonError ?? "unparseable"}`,
      }),
    ];
  }
  const result = validators.validateResponse({ operationId: op.operationId, status, contentType, body: exchange.json });
  if (!result.valid) return findingsFromValidation(result);
  return status >= 400 ? errorTextFindings(exchange.json, about) : [];
}

const ERROR_BODY_TEXT = "error-body-text";

/**
 * "A short, machine-readable error code." and "A descriptive error message.": the schema only says
 * "string", so these two sentences are checked here, at their least: a code is one token (no blank,
 * no whitespace) and a message says something (not blank). Wording beyond that is free.
 */
function errorTextFindings(body: unknown, about: Omit<Parameters<typeof finding>[0], "code" | "expected" | "actual">): Finding[] {
  if (typeof body !== "object" || body === null) return [];
  const { code, message } = body as { code?: unknown; message?: unknown };
  const found: Finding[] = [];
  const fail = (pointer: string, expected: string, value: string) =>
    found.push(finding({ ...about, code: ERROR_BODY_TEXT, pointer, expected, actual: preview(value) }));
  if (typeof code === "string" && !/^\S+$/u.test(code)) fail("/code", "a machine-readable error code: one token, no whitespace", code);
  if (typeof message === "string" && !/\S/u.test(message)) fail("/message", "a descriptive error message, not blank", message);
  return found;
}
