/**
 * Pact's provider-state set-up protocol over HTTP: the verifier POSTs `{ "state", "params",
 * "action": "setup" | "teardown" }` before (and after) each interaction, and treats any answer
 * but 2xx as "this interaction could not be set up". The same handlers serve the reference
 * provider's endpoint and in-process verification, so there is one copy of each state.
 *
 * An empty state is what the verifier sends for an interaction without provider states: nothing
 * to set up, so it answers 2xx. Teardown needs nothing either: every set-up starts from the seed.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { describeError } from "../errors.js";
import { readBody, sendJson } from "../provider/http-io.js";
import { isObject } from "../spec/assemble.js";
import type { StateSetup } from "./provider-states.js";

export type StateChangeHandler = (request: IncomingMessage, response: ServerResponse) => Promise<void>;

interface StateChange {
  state: string;
  params: unknown;
  action: "setup" | "teardown";
}

export function stateChangeHandler(handlers: Readonly<Record<string, StateSetup>>): StateChangeHandler {
  return async (request, response) => {
    const reply = (status: number, body: unknown) => sendJson(response, status, body, "application/json");
    if (request.method !== "POST") return reply(405, { error: "provider-state set-up takes POST" });
    const body = await readBody(request);
    const change = body.ok ? parseStateChange(body.text) : undefined;
    if (change === undefined) return reply(400, { error: 'expected JSON { "state", "params", "action": "setup" | "teardown" }' });
    if (change.state === "" || change.action === "teardown") return reply(200, {});
    const setUp = Object.hasOwn(handlers, change.state) ? handlers[change.state] : undefined;
    if (setUp === undefined) return reply(400, { error: `no set-up for provider state ${JSON.stringify(change.state)}` });
    try {
      await setUp(change.params);
      return reply(200, {});
    } catch (error) {
      return reply(400, { error: `provider state ${JSON.stringify(change.state)} could not be set up: ${describeError(error)}` });
    }
  };
}

/** The body as a state change; a missing state is the verifier's "no state" call. */
function parseStateChange(text: string): StateChange | undefined {
  let value: unknown;
  try {
    value = text.trim() === "" ? {} : JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(value)) return undefined;
  const state = value.state ?? "";
  const action = value.action ?? "setup";
  if (typeof state !== "string" || (action !== "setup" && action !== "teardown")) return undefined;
  return { state, params: value.params ?? {}, action };
}

export interface StateSetupServer {
  url: string;
  close(): Promise<void>;
}

/** A loopback server speaking the protocol with these handlers (none: every named state is refused). */
export async function startStateSetupServer(handlers: Readonly<Record<string, StateSetup>> = {}): Promise<StateSetupServer> {
  const handle = stateChangeHandler(handlers);
  const server = createServer((request, response) => {
    handle(request, response).catch(() => sendJson(response, 500, { error: "state set-up failed" }, "application/json"));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/provider-states`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
