/**
 * A small typed client for the Organizations operations, on undici. It knows the paths and the
 * bearer scheme and nothing of the API's rules: 2xx gives the typed body, anything else throws
 * `TenantApiError`. The consumer pact tests drive it, so the pact records what this code sends.
 */
import { type Dispatcher, request } from "undici";
import type { OperationId, Organization, OrganizationList, OrganizationUpdate } from "../spec/types.js";
import { TenantApiError, TenantTransportError } from "./errors.js";

export interface TenantClientOptions {
  /** The API base URL including the server path, e.g. `https://api.ai.neevcloud.com/tenant`. */
  baseUrl: string;
  /** The access token; omitted, no Authorization header is sent. */
  token?: string;
  /** Milliseconds to wait for the response headers and between body chunks (default 10 000). */
  timeoutMs?: number;
  /** A custom undici dispatcher (proxy, mock agent, connection pool). */
  dispatcher?: Dispatcher;
}

const ORGS = "/api/v1/orgs";

export class TenantClient {
  private readonly baseUrl: string;

  constructor(private readonly options: TenantClientOptions) {
    // Trailing slashes would double up with the operation paths, which all start with "/".
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
  }

  listUserOrganizations(): Promise<OrganizationList> {
    return this.call<OrganizationList>("listUserOrganizations", "GET", ORGS);
  }

  getOrganization(orgId: string): Promise<Organization> {
    return this.call<Organization>("getOrganization", "GET", orgPath(orgId));
  }

  updateOrganization(orgId: string, update: OrganizationUpdate): Promise<Organization> {
    return this.call<Organization>("updateOrganization", "PATCH", orgPath(orgId), update);
  }

  private async call<T>(operationId: OperationId, method: "GET" | "PATCH", path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: "application/json" };
    if (this.options.token !== undefined) headers.authorization = `Bearer ${this.options.token}`;
    if (body !== undefined) headers["content-type"] = "application/json";
    const timeout = this.options.timeoutMs ?? 10_000;
    let response: Dispatcher.ResponseData;
    try {
      response = await request(`${this.baseUrl}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        headersTimeout: timeout,
        bodyTimeout: timeout,
        dispatcher: this.options.dispatcher,
      });
    } catch (error) {
      throw new TenantTransportError(operationId, (error as Error).message, { cause: error });
    }
    const text = await response.body.text();
    const parsed = parseJson(text);
    if (response.statusCode >= 200 && response.statusCode < 300) {
      if (!parsed.ok) throw new TenantTransportError(operationId, `${response.statusCode} body is not JSON`);
      return parsed.value as T;
    }
    throw new TenantApiError(operationId, response.statusCode, parsed.ok ? parsed.value : text);
  }
}

/** Ids are path segments: encoded, so an id can never change which resource is addressed. */
function orgPath(orgId: string): string {
  return `${ORGS}/${encodeURIComponent(orgId)}`;
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}
