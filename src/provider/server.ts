/**
 * The reference provider: an HTTP server implementing the three operations as the spec and the API's
 * rules say, on an in-memory store. `startProvider()` runs it in process on an ephemeral 127.0.0.1
 * port; the returned control switches on what no request can cause (list 403, any 500).
 *
 * This file is the plumbing around the behaviour: routes come from the spec (src/spec/routes.ts),
 * what each operation does from handlers.ts, rules.ts and state.ts (the files Stryker mutates).
 * What the docs do not document (another method, another path) is answered here, and never asked
 * by the suite: on a live API an undocumented method could create or delete data.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { stateHandlers } from "../contracts/provider-states.js";
import { stateChangeHandler } from "../contracts/state-setup.js";
import { routeOf } from "../spec/routes.js";
import { specValidators } from "../validation/validators.js";
import { inferenceKeyOf, type PersonaName } from "./fixtures.js";
import { type HandlerDeps, handle, type RequestContext } from "./handlers.js";
import { readBody, sendJson } from "./http-io.js";
import { errorReply, type ProviderRules, type Reply, referenceRules } from "./rules.js";
import { ProviderWorld } from "./state-setup.js";

export const BASE_PATH = "/tenant";
/** Pact's provider-state set-up endpoint, outside the API's base path so it never shadows a route. */
export const PROVIDER_STATES_PATH = "/_pact/provider-states";

export interface ProviderOptions {
  /** Replaces some rules: how the fault gallery builds broken providers. */
  rules?: Partial<ProviderRules>;
  /** Makes organization ids (default: UUIDs); `isWellFormedOrgId` should accept what it makes. */
  newOrgId?: () => string;
  /** A malformed id for this provider's id shape (default: "not-an-id"). */
  invalidOrgId?: string;
  /** Sees every request first; returns true when it took over the response (hangs, resets, ...). */
  intercept?: (request: IncomingMessage, response: ServerResponse) => boolean;
  port?: number;
  host?: string;
  /** Serves pact's provider-state set-up endpoint at PROVIDER_STATES_PATH (off unless asked for). */
  providerStates?: boolean;
}

/** What a caller needs to reach the provider: the shape `npm run provider -- --json` prints. */
export interface ProviderInfo {
  baseUrl: string;
  tokens: { owner: string; member: string; outsider: string; admin: string; foreignOwner: string; inferenceKey: string };
  orgs: { editable: string; foreign: string };
  missingOrgId: string;
  invalidOrgId: string;
}

export interface ProviderHandle extends ProviderInfo {
  state: ProviderWorld;
  /** An admin (not owner) of the editable org, for tests of the admin path. */
  adminToken: string;
  userOf(persona: PersonaName): string;
  /** Set when started with `providerStates`: where the verifier POSTs its state changes. */
  providerStatesSetupUrl?: string;
  close(): Promise<void>;
}

export async function startProvider(options: ProviderOptions = {}): Promise<ProviderHandle> {
  const rules: ProviderRules = { ...referenceRules, ...options.rules };
  const newOrgId = options.newOrgId ?? randomUUID;
  const state = new ProviderWorld(newOrgId);
  const deps: ServerDeps = { state, rules, validators: specValidators() };
  const setUpState = options.providerStates ? stateChangeHandler(stateHandlers(state)) : undefined;
  const server = createServer((request, response) => {
    if (options.intercept?.(request, response)) return;
    if (setUpState && new URL(request.url ?? "/", "http://provider").pathname === PROVIDER_STATES_PATH) {
      setUpState(request, response).catch(() => sendJson(response, 500, { error: "state set-up failed" }, "application/json"));
      return;
    }
    serve(request, response, deps).catch(() => sendJson(response, 500, errorReply(rules, 500).body, rules.contentType));
  });
  // Node's default. Not less: undici keeps a connection only while the server's keep-alive hint is more than its
  // 2 s threshold, so a 1 s hint made every request open a new connection (a tenth of a catalog run's CPU).
  server.keepAliveTimeout = 5_000;
  // A port in use (EADDRINUSE) or not ours to take (EACCES) rejects, instead of an unhandled 'error' event.
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host ?? "127.0.0.1";
  const seed = state.seed;
  return {
    baseUrl: `http://${host}:${port}${BASE_PATH}`,
    tokens: {
      owner: seed.personas.owner.token,
      member: seed.personas.member.token,
      outsider: seed.personas.outsider.token,
      admin: seed.personas.admin.token,
      foreignOwner: seed.personas.foreignOwner.token,
      inferenceKey: inferenceKeyOf(seed.personas.owner.token),
    },
    adminToken: seed.personas.admin.token,
    orgs: { editable: seed.editableOrgId, foreign: seed.foreignOrgId },
    missingOrgId: newOrgId(),
    invalidOrgId: options.invalidOrgId ?? "not-an-id",
    state,
    userOf: (persona) => state.userOf(persona),
    ...(setUpState ? { providerStatesSetupUrl: `http://${host}:${port}${PROVIDER_STATES_PATH}` } : {}),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

interface ServerDeps extends HandlerDeps {
  state: ProviderWorld;
}

async function serve(request: IncomingMessage, response: ServerResponse, deps: ServerDeps): Promise<void> {
  const body = await readBody(request);
  const reply = route(request, body.ok ? body.text : undefined, deps) ?? errorReply(deps.rules, 400, body.ok ? undefined : body.reason);
  sendJson(response, reply.status, reply.body, deps.rules.contentType);
}

/** Maps method and path to a documented operation (from the spec) and answers it; undefined when the body could not be read. */
function route(request: IncomingMessage, bodyText: string | undefined, deps: ServerDeps): Reply | undefined {
  const { pathname } = new URL(request.url ?? "/", "http://provider");
  const method = request.method ?? "GET";
  const found = pathname.startsWith(`${BASE_PATH}/`) ? routeOf(deps.validators.spec, method, pathname.slice(BASE_PATH.length)) : undefined;
  if (found === undefined) return errorReply(deps.rules, 404, `No route for ${method} ${pathname}.`);
  if ("allowed" in found) return errorReply(deps.rules, 405, `Allowed: ${found.allowed.join(", ")}.`);
  const authorization = request.headers.authorization;
  const orgId = safeDecode(found.params.org_id ?? "");
  const operationId = found.operation.operationId;
  const forced = deps.state.forcedStatuses.get(operationId);
  // A status switched on from inside (pact provider states) answers once the caller is authenticated.
  if (forced !== undefined && deps.rules.authenticate(authorization, deps.state) !== undefined) return errorReply(deps.rules, forced);
  if (operationId === "listUserOrganizations") return handle({ operationId, authorization }, deps);
  if (operationId === "getOrganization") return handle({ operationId, authorization, orgId }, deps);
  if (bodyText === undefined) return undefined;
  return handle({ operationId: "updateOrganization", authorization, orgId, bodyText } satisfies RequestContext, deps);
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
