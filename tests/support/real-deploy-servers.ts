/**
 * A real deployment, not the reference provider in a lab (issue 17): what a live API does that makes a
 * naive restore damage data while it prints RESTORED. Each is something a real server or its
 * surroundings do; the tests in tests/conformance/real-deploy.test.ts run the suite against them.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { StoredOrganization } from "../../src/provider/fixtures.js";
import { type ProviderRules, referenceRules } from "../../src/provider/rules.js";
import type { ProviderHandle, ProviderOptions } from "../../src/provider/server.js";
import type { OrganizationUpdate } from "../../src/spec/types.js";

/** Every PATCH body the server received, in order. */
export type PatchLog = Record<string, unknown>[];

/** Logs every PATCH body the server parses (its text as JSON), then parses it as the reference does. */
export function loggingPatches(log: PatchLog): Partial<ProviderRules> {
  return {
    parseBody: (text) => {
      log.push(parseObject(text));
      return referenceRules.parseBody(text);
    },
  };
}

/**
 * A user's access token is short (`length` characters) and happens to be a word of an org's name: the
 * redaction of that token turns "Acme Research" into "Acme [REDACTED]" wherever it is shown.
 */
export function shortTokenInOrgName(
  provider: ProviderHandle,
  options: { orgId?: string; length?: number; persona?: "member" | "admin" | "outsider" } = {},
): string {
  const { orgId = provider.orgs.editable, length = 8, persona = "member" } = options;
  const word = provider.state.organizations
    .get(orgId)
    ?.name.split(" ")
    .find((part) => part.length === length);
  if (word === undefined) throw new Error(`the org's name has no word of ${length} characters`);
  provider.state.addAccessToken(word, provider.userOf(persona));
  return word;
}

/**
 * Answers in ISO-8859-1 while saying application/json: an org whose name holds "é" comes back with the
 * byte 0xE9, which is not UTF-8 (a legacy database driver, or a proxy re-encoding text).
 */
export const latin1Responses: ProviderOptions = { intercept: (_request, response) => encodeAsLatin1(response) };

function encodeAsLatin1(response: ServerResponse): false {
  const writeHead = response.writeHead.bind(response) as (status: number, headers: Record<string, string | number>) => ServerResponse;
  const end = response.end.bind(response) as (chunk?: unknown) => ServerResponse;
  let pending: Record<string, string | number> = {};
  let status = 200;
  (response as { writeHead: unknown }).writeHead = (code: number, headers: Record<string, string | number> = {}) => {
    status = code;
    pending = headers;
    return response;
  };
  (response as { end: unknown }).end = (chunk?: unknown) => {
    // What Latin-1 cannot hold becomes "?", as an ISO-8859-1 encoder writes it.
    const text = typeof chunk === "string" ? chunk.replace(/[\u0100-\u{10ffff}]/gu, "?") : "";
    const bytes = Buffer.from(text, "latin1");
    writeHead(status, { ...pending, "content-length": bytes.length });
    return end(bytes);
  };
  return false;
}

/**
 * A write queue behind a gateway: the first PATCH that changes the org's name is answered only after
 * the client's deadline and applied `landsAfterMs` after it arrived, so the client gave up on a write
 * that still lands. Every other request is served at once.
 */
export function lateWrite(landsAfterMs: number, bind: () => ProviderHandle): ProviderOptions {
  let held = false;
  return {
    intercept: (request, response) => {
      if (request.method !== "PATCH" || held) return false;
      held = true;
      holdAndApply(request, response, landsAfterMs, bind);
      return true;
    },
  };
}

function holdAndApply(request: IncomingMessage, response: ServerResponse, landsAfterMs: number, bind: () => ProviderHandle): void {
  const chunks: Buffer[] = [];
  request.on("data", (chunk: Buffer) => chunks.push(chunk));
  request.on("end", () => {
    const orgId = decodeURIComponent(new URL(request.url ?? "/", "http://x").pathname.split("/").pop() ?? "");
    const update = parseObject(Buffer.concat(chunks).toString("utf8")) as OrganizationUpdate;
    setTimeout(() => {
      const org = bind().state.organizations.get(orgId);
      if (org) referenceRules.applyUpdate(org, update);
      response.destroy(); // the client gave up long ago
    }, landsAfterMs);
  });
}

/**
 * A colleague edits the org's description in the console while the gate runs: right after the
 * `afterPatches`-th PATCH is answered, the description becomes theirs.
 */
export function colleagueEdits(afterPatches: number, description: string, bind: () => ProviderHandle): ProviderOptions {
  let patches = 0;
  return {
    intercept: (request, response) => {
      if (request.method !== "PATCH" || ++patches !== afterPatches) return false;
      response.on("finish", () => {
        const provider = bind();
        const org = provider.state.organizations.get(provider.orgs.editable);
        if (org) org.description = description;
      });
      return false;
    },
  };
}

/** A server-managed `updated_at` the docs do not list, bumped by every applied PATCH (a database trigger). */
export function updatedAtBumped(): ProviderOptions {
  const stamps = new WeakMap<StoredOrganization, number>();
  const stampOf = (org: StoredOrganization) => new Date(Date.UTC(2026, 0, 1) + (stamps.get(org) ?? 0) * 1000).toISOString();
  return {
    rules: {
      applyUpdate: (org, update) => {
        referenceRules.applyUpdate(org, update);
        stamps.set(org, (stamps.get(org) ?? 0) + 1);
      },
      present: (org) => ({ ...org, updated_at: stampOf(org) }),
    },
  };
}

function parseObject(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
