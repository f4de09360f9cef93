/**
 * What the client throws. A non-2xx answer is `TenantApiError` (status + the spec's ErrorResponse,
 * when the body is one), so callers branch on `status` and `error.code` instead of parsing text.
 * Anything that prevents an answer (timeout, refused connection, a 2xx body that is not JSON) is
 * `TenantTransportError`, a different class on purpose: it says nothing about the API's rules.
 */
import type { ErrorResponse, OperationId } from "../spec/types.js";

export class TenantApiError extends Error {
  override readonly name = "TenantApiError";
  readonly operationId: OperationId;
  readonly status: number;
  /** The body when it is an ErrorResponse ({code, message}); undefined otherwise. */
  readonly error: ErrorResponse | undefined;
  /** The parsed body as received (JSON), or the raw text when it was not JSON. */
  readonly body: unknown;

  constructor(operationId: OperationId, status: number, body: unknown) {
    const error = asErrorResponse(body);
    super(`${operationId} answered ${status}${error ? ` ${error.code}: ${error.message}` : ""}`);
    this.operationId = operationId;
    this.status = status;
    this.error = error;
    this.body = body;
  }
}

export class TenantTransportError extends Error {
  override readonly name = "TenantTransportError";
  readonly operationId: OperationId;

  constructor(operationId: OperationId, message: string, options?: { cause?: unknown }) {
    super(`${operationId}: ${message}`, options);
    this.operationId = operationId;
  }
}

function asErrorResponse(body: unknown): ErrorResponse | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  const { code, message } = body as Record<string, unknown>;
  return typeof code === "string" && typeof message === "string" ? { code, message } : undefined;
}
